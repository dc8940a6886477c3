//! Tests of the caller model: permissions per role, the PII right, jurisdiction scope.

use super::*;

fn caller(role: Role, jurisdictions: &[&str], pii: bool) -> Caller {
    Caller {
        subject: "u-1".to_owned(),
        role,
        agency: "CA0000000".to_owned(),
        jurisdictions: jurisdictions.iter().map(|j| (*j).to_owned()).collect(),
        pii,
    }
}

#[test]
fn officers_submit_but_never_search() {
    let officer = caller(Role::Officer, &["*"], true);
    assert!(officer.may(Permission::SubmitReport));
    assert!(!officer.may(Permission::Search));
    assert!(!officer.may(Permission::WorkQueue));
    assert!(
        !officer.sees_pii(),
        "an officer token cannot grant PII search"
    );
}

#[test]
fn pii_needs_both_the_role_and_the_token() {
    assert!(caller(Role::Analyst, &["*"], true).sees_pii());
    assert!(!caller(Role::Analyst, &["*"], false).sees_pii());
    assert!(!caller(Role::Auditor, &["*"], true).sees_pii());
}

#[test]
fn jurisdictions_match_exactly_or_by_wildcard() {
    let local = caller(Role::Analyst, &["Sacramento County"], false);
    assert!(local.covers_jurisdiction("sacramento county"));
    assert!(!local.covers_jurisdiction("Yolo County"));
    assert_eq!(
        local.jurisdiction_filter(),
        Some(&["Sacramento County".to_owned()][..])
    );
    let statewide = caller(Role::Supervisor, &["*"], false);
    assert!(statewide.covers_jurisdiction("Yolo County"));
    assert_eq!(statewide.jurisdiction_filter(), None);
}

#[test]
fn only_supervisors_and_privacy_officers_act_in_bulk() {
    for role in Role::ALL {
        let bulk = role.allows(Permission::BulkWorkQueue);
        assert_eq!(
            bulk,
            matches!(role, Role::Supervisor | Role::PrivacyOfficer),
            "{role:?}"
        );
    }
}

#[test]
fn role_names_are_the_wire_names() {
    crate::test_support::check_vocabulary(Role::ALL, Role::as_str, Role::parse);
}
