//! Loading and validating rule packs.

use super::{RulePack, RulePackError};

const DEFAULT: &str = include_str!("../../rules/default.toml");

/// The default pack with `edit` applied to its text, loaded.
fn load_edited(edit: impl Fn(&str) -> String) -> Result<RulePack, RulePackError> {
    RulePack::from_toml(&edit(DEFAULT))
}

/// Appending `extra` to the default pack gives `expected`.
fn check(extra: &str, expected: Result<(), RulePackError>) {
    let loaded = load_edited(|text| format!("{text}\n{extra}\n")).map(|_| ());
    assert_eq!(loaded, expected);
}

#[test]
fn default_pack_loads_with_at_least_5000_terms() {
    let pack = RulePack::default_pack().unwrap();
    assert_eq!(pack.id(), "sarflow-default");
    assert_eq!(pack.version(), "1.0.0");
    assert!(
        pack.n_lexicon_terms() >= 5_000,
        "{} terms",
        pack.n_lexicon_terms()
    );
    assert_eq!(pack.behaviors.len(), 16);
    assert_eq!(pack.sectors.len(), 34);
}

#[test]
fn every_rule_has_a_description() {
    let pack = RulePack::default_pack().unwrap();
    let mut rules = vec![
        &pack.additional_codes.rule,
        &pack.no_behavior,
        &pack.corroboration.rule,
    ];
    rules.extend(pack.behaviors.iter().map(|(_, rule)| &rule.rule));
    rules.extend(pack.sectors.iter().map(|(_, rule)| &rule.rule));
    rules.extend(pack.lexicons.iter().map(|lexicon| &lexicon.scoring.rule));
    rules.extend(pack.regexes.iter().map(|regex| &regex.scoring.rule));
    rules.extend(pack.specificity.iter().map(|(_, rule)| &rule.rule));
    rules.extend(pack.reliability.iter().map(|(_, rule)| &rule.rule));
    rules.extend(pack.validity.iter().map(|(_, rule)| &rule.rule));
    for rule in rules {
        assert!(
            !rule.id.is_empty() && !rule.description.trim().is_empty(),
            "{}",
            rule.id
        );
    }
}

#[test]
fn refuses_a_protected_class_lexicon_term() {
    check(
        "[[lexicon]]\nid = \"lexicon.test\"\ndescription = \"d\"\nweight_per_term = 1.0\ncap = 2.0\nterms = [\"mosque\", \"Muslim\"]",
        Err(RulePackError::ProtectedClassIndicator {
            rule: "lexicon.test".into(),
            term: "muslim".into(),
        }),
    );
    // A term that contains a protected term as a whole word, also when generated.
    check(
        "[[lexicon]]\nid = \"lexicon.test\"\ndescription = \"d\"\nweight_per_term = 1.0\ncap = 2.0\n[[lexicon.expand]]\nparts = [[\"suspicious\"], [\"van\", \"arab men\"]]",
        Err(RulePackError::ProtectedClassIndicator {
            rule: "lexicon.test".into(),
            term: "arab".into(),
        }),
    );
}

#[test]
fn refuses_a_regex_that_matches_a_protected_class_term() {
    check(
        "[[regex]]\nid = \"regex.test\"\ndescription = \"d\"\nweight = 1.0\npattern = '''\\bar[a-z]b\\b'''",
        Err(RulePackError::ProtectedClassIndicator {
            rule: "regex.test".into(),
            term: "arab".into(),
        }),
    );
    let error = load_edited(|text| {
        format!("{text}\n[[regex]]\nid = \"regex.test\"\ndescription = \"d\"\nweight = 1.0\npattern = 'ARAB'\n")
    })
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "rule `regex.test` uses protected-class term `arab` as an indicator"
    );
}

#[test]
fn refuses_group_a_not_above_group_b() {
    let loaded = load_edited(|text| {
        text.replace(
            "code = \"PHOTO\"\nid = \"behavior.PHOTO\"\ndescription = \"group B: photography; protected unless tied to other suspicious activity\"\nweight = 8.0",
            "code = \"PHOTO\"\nid = \"behavior.PHOTO\"\ndescription = \"group B\"\nweight = 22.0",
        )
    });
    assert_eq!(
        loaded.map(|_| ()),
        Err(RulePackError::GroupOrder {
            group_a_rule: "behavior.MISREP".into(),
            group_b_rule: "behavior.PHOTO".into(),
        })
    );
}

#[test]
fn refuses_missing_weights() {
    let without_photo = load_edited(|text| text.replace("code = \"PHOTO\"", "code = \"ELICIT\""));
    assert_eq!(
        without_photo.map(|_| ()),
        Err(RulePackError::DuplicateCode {
            rule: "behavior.PHOTO".into(),
            code: "ELICIT".into(),
        })
    );
    let without_grade = load_edited(|text| text.replace("grade = \"F\"", "grade = \"E\""));
    assert_eq!(
        without_grade.map(|_| ()),
        Err(RulePackError::DuplicateCode {
            rule: "reliability.F".into(),
            code: "E".into(),
        })
    );
    let unknown = load_edited(|text| text.replace("code = \"OTHR\"", "code = \"Other\""));
    assert_eq!(
        unknown.map(|_| ()),
        Err(RulePackError::UnknownCode {
            rule: "sector.OTHR".into(),
            code: "Other".into(),
        })
    );
}

#[test]
fn refuses_a_pack_missing_a_behavior_code() {
    let text = DEFAULT.replace(
        "[[behavior.code]]\ncode = \"SECTOR\"\nid = \"behavior.SECTOR\"\ndescription = \"group B: sector-specific incident\"\nweight = 10.0\n",
        "",
    );
    assert_ne!(text, DEFAULT);
    assert_eq!(
        RulePack::from_toml(&text).map(|_| ()),
        Err(RulePackError::MissingBehaviorWeight { code: "SECTOR" })
    );
}

#[test]
fn refuses_duplicate_ids_bad_regexes_and_bad_terms() {
    check(
        "[[regex]]\nid = \"sector.OTHR\"\ndescription = \"d\"\nweight = 1.0\npattern = 'x'",
        Err(RulePackError::DuplicateRuleId {
            rule: "sector.OTHR".into(),
        }),
    );
    let invalid = load_edited(|text| {
        format!(
            "{text}\n[[regex]]\nid = \"regex.test\"\ndescription = \"d\"\nweight = 1.0\npattern = '(unclosed'\n"
        )
    });
    assert!(
        matches!(invalid, Err(RulePackError::InvalidRegex { rule, .. }) if rule == "regex.test")
    );
    check(
        "[[regex]]\nid = \"regex.test\"\ndescription = \"  \"\nweight = 1.0\npattern = 'x'",
        Err(RulePackError::MissingDescription {
            rule: "regex.test".into(),
        }),
    );
    check(
        "[[lexicon]]\nid = \"lexicon.test\"\ndescription = \"d\"\nweight_per_term = 1.0\ncap = 2.0\nterms = [\"café bomb\"]",
        Err(RulePackError::InvalidTerm {
            rule: "lexicon.test".into(),
            problem: "not ascii",
        }),
    );
    check(
        "[[lexicon]]\nid = \"lexicon.test\"\ndescription = \"d\"\nweight_per_term = 1.0\ncap = 2.0\nterms = [\"Pipe Bomb\"]",
        Err(RulePackError::DuplicateTerm {
            rule: "lexicon.test".into(),
            other_rule: "lexicon.explosive_components".into(),
            term: "pipe bomb".into(),
        }),
    );
    check(
        "[[regex]]\nid = \"regex.test\"\ndescription = \"d\"\nweight = inf\npattern = 'x'",
        Err(RulePackError::InvalidWeight {
            rule: "regex.test".into(),
        }),
    );
}

#[test]
fn refuses_what_is_not_a_rule_pack() {
    assert!(matches!(
        RulePack::from_toml("id = 1"),
        Err(RulePackError::Parse { .. })
    ));
    assert!(matches!(
        load_edited(|text| text.replace("cap = 12.0\n", "cap = 12.0\nsurprise = 1\n")),
        Err(RulePackError::Parse { .. })
    ));
}

#[test]
fn expansion_drops_empty_alternatives() {
    let pack = RulePack::default_pack().unwrap();
    let firearms = &pack.lexicons[0];
    for term in ["glock 19", "glock 19 pistol", "sig p365 handgun"] {
        assert!(firearms.terms.iter().any(|t| t == term), "{term}");
    }
    let magazines = &pack.lexicons[1];
    assert!(magazines.terms.iter().any(|t| t == "30-round magazine"));
    assert!(
        pack.lexicons
            .iter()
            .flat_map(|l| &l.terms)
            .all(|t| t.trim() == t && !t.contains("  "))
    );
}
