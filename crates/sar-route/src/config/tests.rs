//! Config loading tests: the shipped default, and every refusal naming its rule.

use sar_model::records::{FlagKind, GateOutcome, Priority, QueueName};

use super::*;

const CATCH_ALL: &str = r#"
[[rule]]
id = "rest"
description = "everything else"
queue = "standard"
priority = "normal"
"#;

/// Loads `text` and checks that it fails with a message containing every `expected` part.
fn check_error(text: &str, expected: &[&str]) {
    let error = RouteConfig::from_toml(text).unwrap_err().to_string();
    for part in expected {
        assert!(error.contains(part), "`{error}` lacks `{part}`");
    }
    assert!(!error.ends_with('.'), "{error}");
    assert!(error.starts_with(char::is_lowercase), "{error}");
}

fn rule(id: &str, body: &str) -> String {
    format!("[[rule]]\nid = \"{id}\"\ndescription = \"d\"\n{body}\n")
}

#[test]
fn the_default_config_loads_with_the_documented_rules() {
    let config = RouteConfig::default_config().unwrap();
    assert_eq!(config, RouteConfig::default());
    assert_eq!(config.version(), Some("route-2026-01"));
    let rules: Vec<(&str, Option<GateOutcome>, QueueName, Priority)> = config
        .rules()
        .iter()
        .map(|r| (r.id.as_str(), r.conditions.outcome, r.queue, r.priority))
        .collect();
    assert_eq!(
        rules,
        [
            (
                "privacy_review",
                Some(GateOutcome::PrivacyReview),
                QueueName::PrivacyReview,
                Priority::High
            ),
            (
                "blocked_audit",
                Some(GateOutcome::BlockedProtectedActivity),
                QueueName::BlockedAudit,
                Priority::Low
            ),
            (
                "not_sar",
                Some(GateOutcome::NotSar),
                QueueName::NotSar,
                Priority::Normal
            ),
            (
                "triage_high_score",
                Some(GateOutcome::Triage),
                QueueName::Priority,
                Priority::High
            ),
            (
                "triage_group_a",
                Some(GateOutcome::Triage),
                QueueName::Priority,
                Priority::High
            ),
            ("standard", None, QueueName::Standard, Priority::Normal),
        ]
    );
    assert_eq!(config.rules()[3].conditions.min_score, Some(60.0));
    assert_eq!(
        config.rules()[4].conditions.behavior_group,
        Some(GroupCondition::A)
    );
    assert!(config.rules()[5].conditions.is_catch_all());
}

#[test]
fn all_conditions_parse() {
    let text = rule(
        "tucson_dupes",
        "outcome = \"triage\"\nmin_score = 10\nmax_score = 50.5\nbehavior_group = \"none\"\n\
         jurisdiction = \"Tucson PD\"\nflag = \"possible_duplicate\"\nqueue = \"priority\"\n\
         priority = \"low\"",
    ) + CATCH_ALL;
    let config = RouteConfig::from_toml(&text).unwrap();
    assert_eq!(
        config.rules()[0].conditions,
        Conditions {
            outcome: Some(GateOutcome::Triage),
            min_score: Some(10.0),
            max_score: Some(50.5),
            behavior_group: Some(GroupCondition::NoCode),
            jurisdiction: Some("Tucson PD".to_owned()),
            flag: Some(FlagKind::PossibleDuplicate),
        }
    );
    assert_eq!(config.version(), None);
}

#[test]
fn a_final_catch_all_is_required() {
    check_error("", &["no rules", "catch-all"]);
    check_error(
        &rule(
            "only_triage",
            "outcome = \"triage\"\nqueue = \"standard\"\npriority = \"normal\"",
        ),
        &["rule `only_triage`", "last rule must be a catch-all"],
    );
    let early = rule("early", "queue = \"standard\"\npriority = \"normal\"") + CATCH_ALL;
    check_error(&early, &["rule `early`", "must be the last rule"]);
}

#[test]
fn unknown_names_are_refused_with_the_rule_id_and_never_the_value() {
    let cases = [
        ("queue = \"imminant\"\npriority = \"high\"", "unknown queue"),
        (
            "queue = \"standard\"\npriority = \"urgentish\"",
            "unknown priority",
        ),
        (
            "outcome = \"blockedish\"\nqueue = \"standard\"\npriority = \"high\"",
            "unknown outcome",
        ),
        (
            "flag = \"scaryish\"\nqueue = \"standard\"\npriority = \"high\"",
            "unknown flag",
        ),
        (
            "behavior_group = \"Cish\"\nqueue = \"standard\"\npriority = \"high\"",
            "unknown behavior_group",
        ),
    ];
    for (body, problem) in cases {
        let text = rule("r1", body) + CATCH_ALL;
        check_error(&text, &["rule `r1`", problem, "expected one of"]);
        let error = RouteConfig::from_toml(&text).unwrap_err().to_string();
        assert!(!error.contains("ish"), "{error}");
    }
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = rule(
        "a",
        "queue = \"nowhere\"\npriority = \"high\"\nmin_score = 70\nmax_score = 20",
    ) + &rule(
        "a",
        "outcome = \"triage\"\nqueue = \"standard\"\npriority = \"high\"",
    ) + &rule(
        "imminent_threat",
        "outcome = \"triage\"\nqueue = \"standard\"\npriority = \"high\"",
    ) + &rule(
        "bounds",
        "min_score = 101\nqueue = \"standard\"\npriority = \"high\"",
    ) + &rule(
        "blank",
        "jurisdiction = \" \"\nqueue = \"standard\"\npriority = \"high\"",
    ) + &rule(
        "",
        "outcome = \"triage\"\nqueue = \"standard\"\npriority = \"high\"",
    ) + CATCH_ALL;
    let Err(RouteConfigError::Invalid { problems }) = RouteConfig::from_toml(&text) else {
        panic!("expected invalid rules");
    };
    let found: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "rule `a`: unknown queue (expected one of imminent, priority, standard, \
             privacy_review, blocked_audit, not_sar)",
            "rule `a`: min_score must be below max_score",
            "rule `a`: duplicate id",
            "rule `imminent_threat`: id is reserved for a built-in rule",
            "rule `bounds`: score bound outside [0, 100]",
            "rule `blank`: empty jurisdiction",
            "rule `#6`: empty id",
        ]
    );
}

#[test]
fn syntax_errors_and_unknown_keys_are_refused_with_the_line() {
    check_error("[[rule]\nid = 1", &["route config is not valid", "line 1"]);
    let typo = rule(
        "r1",
        "queue = \"standard\"\npriority = \"high\"\nmin_scor = 3",
    ) + CATCH_ALL;
    check_error(&typo, &["line 6", "min_scor"]);
    check_error(&(CATCH_ALL.to_owned() + "colour = \"red\"\n"), &["colour"]);
}

#[test]
fn unknown_names_list_the_vocabulary() {
    let bad = rule("r1", "queue = \"fast_lane\"\npriority = \"high\"") + CATCH_ALL;
    check_error(
        &bad,
        &[
            "r1",
            "imminent, priority, standard, privacy_review, blocked_audit, not_sar",
        ],
    );
}
