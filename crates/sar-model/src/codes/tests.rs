//! Tests for the code lists.

use std::collections::HashSet;

use super::*;

fn check_list<K: CodeList>(expected_len: usize) {
    assert_eq!(K::ENTRIES.len(), expected_len, "{} list size", K::LIST_NAME);
    let unique: HashSet<&str> = K::ENTRIES.iter().map(|entry| entry.code).collect();
    assert_eq!(
        unique.len(),
        expected_len,
        "{} codes are unique",
        K::LIST_NAME
    );
    for code in Code::<K>::all() {
        assert_eq!(Code::<K>::parse(code.code()).unwrap(), code);
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(json, format!("\"{}\"", code.code()));
        assert_eq!(serde_json::from_str::<Code<K>>(&json).unwrap(), code);
    }
}

#[test]
fn lists_have_exactly_the_niem_sizes() {
    check_list::<Behavior>(16);
    check_list::<TargetSector>(34);
    check_list::<TipClass>(18);
    check_list::<TipDomain>(8);
}

#[test]
fn behavior_groups_are_seven_a_and_nine_b() {
    let group_a: Vec<&str> = BehaviorCode::all()
        .filter(|code| code.group() == BehaviorGroup::A)
        .map(|code| code.code())
        .collect();
    assert_eq!(
        group_a,
        [
            "INTRSN", "MISREP", "THEFT", "SABOT", "CYBER", "THREAT", "AVIATION"
        ]
    );
    assert!(Behavior::ENTRIES.iter().all(|entry| entry.group.is_some()));
    assert!(
        TargetSector::ENTRIES
            .iter()
            .all(|entry| entry.group.is_none())
    );
}

#[test]
fn niem_behavior_enumeration_matches() {
    let mut codes: Vec<&str> = BehaviorCode::all().map(|code| code.code()).collect();
    codes.sort_unstable();
    assert_eq!(
        codes,
        [
            "AVIATION", "CYBER", "ELICIT", "EXPERT", "INTRSN", "MATRLS", "MISREP", "PHOTO",
            "RECRUT", "SABOT", "SECTOR", "SURVL", "TESTSEC", "THEFT", "THREAT", "WPNS"
        ]
    );
}

#[test]
fn labels_and_unknown_codes_are_rejected() {
    let error = BehaviorCode::parse("Breach/Attempted Intrusion").unwrap_err();
    assert_eq!(
        error.to_string(),
        "unknown behavior code `Breach/Attempted Intrusion`"
    );
    assert!(
        BehaviorCode::parse("intrsn").is_err(),
        "codes are case-sensitive"
    );
    assert!(TargetSectorCode::parse("RELIGION").is_err());
    assert!(serde_json::from_str::<TipDomainCode>("\"Z\"").is_err());
}

#[test]
fn same_code_in_two_lists_stays_distinct() {
    // CHEM and NCLR exist as both target sectors and tip classes; the types keep them apart.
    let sector = TargetSectorCode::parse("CHEM").unwrap();
    let class = TipClassCode::parse("CHEM").unwrap();
    assert_eq!(sector.name(), "Chemical");
    assert_eq!(class.code(), "CHEM");
}
