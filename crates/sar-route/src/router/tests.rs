//! Routing tests: each default rule, the imminent override, the index rule and the canonical
//! gated records.

use sar_model::{
    BehaviorCode, GatedRecord, RejectCode, ZonedTime, examples,
    records::{
        DestinationKind, FlagKind, GateOutcome, GateReason, Priority, QueueName, ReviewFlag,
        RoutedRecord,
    },
};

use super::*;
use crate::config::RouteConfig;

use GateOutcome::{BlockedProtectedActivity as Blocked, NotSar, PrivacyReview, Triage};

fn now() -> ZonedTime {
    ZonedTime::parse("2026-03-01T10:05:05Z").unwrap()
}

/// The example gated record with another outcome, score and codes, and no flags or reasons.
fn gated(outcome: GateOutcome, score: f64, codes: &[&str]) -> GatedRecord {
    let mut record = examples::gated_record();
    record.decision.outcome = outcome;
    record.decision.reasons.clear();
    record.scored.score.value = score;
    record.scored.flags.clear();
    record.scored.normalized.report.behavior_codes = codes
        .iter()
        .map(|code| BehaviorCode::parse(code).unwrap())
        .collect();
    record
}

fn with_flag(mut record: GatedRecord, kind: FlagKind) -> GatedRecord {
    record.scored.flags.push(ReviewFlag {
        kind,
        rule_id: "T-13".to_owned(),
        detail: "flag".to_owned(),
    });
    record
}

/// The analyst route (exactly one) and whether the record is indexed.
fn destinations(routed: &RoutedRecord) -> ((QueueName, Priority, &str), bool) {
    let queues: Vec<_> = routed
        .routes
        .iter()
        .filter(|route| route.destination == DestinationKind::AnalystQueue)
        .collect();
    assert_eq!(queues.len(), 1, "{:?}", routed.routes);
    let queue = queues[0];
    let indexed: Vec<_> = routed
        .routes
        .iter()
        .filter(|route| route.destination == DestinationKind::SearchIndex)
        .collect();
    assert!(indexed.len() <= 1);
    assert!(
        indexed
            .iter()
            .all(|route| route.queue.is_none() && route.reason == "search_index")
    );
    assert_eq!(routed.routes.len(), 1 + indexed.len());
    (
        (queue.queue.unwrap(), queue.priority, queue.reason.as_str()),
        !indexed.is_empty(),
    )
}

/// Routes `record` with `router` and checks queue, priority, reason (the rule id) and indexing.
fn check_with(
    router: &Router,
    record: GatedRecord,
    expected: (QueueName, Priority, &str),
    indexed: bool,
) {
    let routed = router.route(record.clone(), now()).unwrap();
    // Debug text rather than `==`, so a NaN score still compares equal to itself.
    assert!(
        format!("{:?}", routed.gated) == format!("{record:?}"),
        "the gated record passes through unchanged"
    );
    assert_eq!(routed.routed_at, now());
    assert_eq!(destinations(&routed), (expected, indexed));
}

fn check(record: GatedRecord, expected: (QueueName, Priority, &str), indexed: bool) {
    check_with(&Router::default(), record, expected, indexed);
}

#[test]
fn each_default_rule() {
    use Priority::{High, Low, Normal};
    check(
        gated(PrivacyReview, 80.0, &["PHOTO"]),
        (QueueName::PrivacyReview, High, "privacy_review"),
        true,
    );
    check(
        gated(Blocked, 5.0, &[]),
        (QueueName::BlockedAudit, Low, "blocked_audit"),
        false,
    );
    check(
        gated(NotSar, 20.0, &[]),
        (QueueName::NotSar, Normal, "not_sar"),
        true,
    );
    check(
        gated(Triage, 60.0, &["SURVL"]),
        (QueueName::Priority, High, "triage_high_score"),
        true,
    );
    check(
        gated(Triage, 12.5, &["SURVL", "INTRSN"]),
        (QueueName::Priority, High, "triage_group_a"),
        true,
    );
    check(
        gated(Triage, 59.5, &["SURVL"]),
        (QueueName::Standard, Normal, "standard"),
        true,
    );
    check(
        gated(Triage, 0.0, &["PHOTO"]),
        (QueueName::Standard, Normal, "standard"),
        true,
    );
    check(
        examples::gated_record(),
        (QueueName::Priority, High, "triage_high_score"),
        true,
    );
}

const IMMINENT: (QueueName, Priority, &str) =
    (QueueName::Imminent, Priority::Immediate, "imminent_threat");

#[test]
fn imminent_threats_go_to_the_live_desk_whatever_else_they_say() {
    for outcome in [Triage, PrivacyReview, NotSar] {
        check(
            with_flag(gated(outcome, 3.0, &["THREAT"]), FlagKind::ImminentThreat),
            IMMINENT,
            true,
        );
    }
    // Cannot co-occur by construction of the gate; routed to the live desk all the same, and
    // still never indexed.
    check(
        with_flag(gated(Blocked, 3.0, &[]), FlagKind::ImminentThreat),
        IMMINENT,
        false,
    );
    // The gate's reason alone is enough.
    let mut by_reason = gated(Triage, 40.0, &["THREAT"]);
    by_reason.decision.reasons.push(GateReason {
        code: "imminent_threat".to_owned(),
        rule: "T-13".to_owned(),
        message: "imminent".to_owned(),
    });
    check(by_reason, IMMINENT, true);
    // Even a broken score does not stop the live desk.
    check(
        with_flag(
            gated(Triage, f64::NAN, &["THREAT"]),
            FlagKind::ImminentThreat,
        ),
        IMMINENT,
        true,
    );
}

#[test]
fn no_config_can_route_an_imminent_threat_elsewhere() {
    let config = RouteConfig::from_toml(
        r#"
[[rule]]
id = "hide_threats"
description = "tries to send imminent threats to the slow queue"
flag = "imminent_threat"
queue = "standard"
priority = "low"

[[rule]]
id = "rest"
description = "everything else"
queue = "not_sar"
priority = "low"
"#,
    )
    .unwrap();
    let router = Router::new(config).unwrap();
    check_with(
        &router,
        with_flag(gated(Triage, 90.0, &["THREAT"]), FlagKind::ImminentThreat),
        IMMINENT,
        true,
    );
    check_with(
        &router,
        gated(Triage, 90.0, &["THREAT"]),
        (QueueName::NotSar, Priority::Low, "rest"),
        true,
    );
}

#[test]
fn custom_conditions_route_by_jurisdiction_band_group_and_flag() {
    let config = RouteConfig::from_toml(
        r#"
[[rule]]
id = "riverside_band"
description = "Riverside triage between 20 and 40"
outcome = "triage"
jurisdiction = "Riverside PD"
min_score = 20
max_score = 40
queue = "priority"
priority = "normal"

[[rule]]
id = "group_b_dupes"
description = "group B duplicates"
behavior_group = "B"
flag = "possible_duplicate"
queue = "standard"
priority = "low"

[[rule]]
id = "no_code"
description = "no behaviour code"
behavior_group = "none"
queue = "not_sar"
priority = "low"

[[rule]]
id = "rest"
description = "everything else"
queue = "standard"
priority = "normal"
"#,
    )
    .unwrap();
    let router = Router::new(config).unwrap();
    let band = |score| gated(Triage, score, &["SURVL"]);
    check_with(
        &router,
        band(20.0),
        (QueueName::Priority, Priority::Normal, "riverside_band"),
        true,
    );
    check_with(
        &router,
        band(40.0),
        (QueueName::Standard, Priority::Normal, "rest"),
        true,
    );
    let mut elsewhere = band(30.0);
    elsewhere.scored.normalized.report.location.jurisdiction = "Riverside County SO".to_owned();
    check_with(
        &router,
        elsewhere,
        (QueueName::Standard, Priority::Normal, "rest"),
        true,
    );
    check_with(
        &router,
        with_flag(gated(Triage, 50.0, &["PHOTO"]), FlagKind::PossibleDuplicate),
        (QueueName::Standard, Priority::Low, "group_b_dupes"),
        true,
    );
    check_with(
        &router,
        with_flag(gated(Triage, 50.0, &["THEFT"]), FlagKind::PossibleDuplicate),
        (QueueName::Standard, Priority::Normal, "rest"),
        true,
    );
    check_with(
        &router,
        gated(NotSar, 50.0, &[]),
        (QueueName::NotSar, Priority::Low, "no_code"),
        true,
    );
}

#[test]
fn a_broken_score_is_refused_without_its_value() {
    for score in [f64::NAN, -1.0, 100.5, f64::INFINITY] {
        let reject = Router::default()
            .route(gated(Triage, score, &["SURVL"]), now())
            .unwrap_err();
        assert_eq!(reject.code, RejectCode::InvariantViolated);
        assert_eq!(reject.field_errors[0].path, "scored.score.value");
        assert!(!reject.to_string().contains("100.5"), "{reject}");
    }
}

#[test]
fn canonical_gated_records_get_one_queue_and_the_index_unless_blocked() {
    let router = Router::new(RouteConfig::default_config().unwrap()).unwrap();
    let mut queues = std::collections::BTreeSet::new();
    for record in sar_synth::canonical::gated_records(3, 2_000) {
        let blocked = record.decision.outcome == Blocked;
        let imminent = record
            .scored
            .flags
            .iter()
            .any(|flag| flag.kind == FlagKind::ImminentThreat);
        let routed = router.route(record, now()).unwrap();
        let ((queue, priority, _), indexed) = destinations(&routed);
        assert_eq!(indexed, !blocked);
        if imminent {
            assert_eq!(
                (queue, priority),
                (QueueName::Imminent, Priority::Immediate)
            );
        }
        queues.insert(format!("{queue:?}"));
    }
    assert_eq!(queues.len(), 6, "every queue occurs: {queues:?}");
}
