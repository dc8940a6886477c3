//! Tests for the report's closed vocabularies.

use super::*;
use crate::test_support::check_vocabulary;

#[test]
fn wire_names_match_serde_names() {
    check_vocabulary(Channel::ALL, Channel::as_str, Channel::parse);
    check_vocabulary(OrgType::ALL, OrgType::as_str, OrgType::parse);
    check_vocabulary(ReporterRole::ALL, ReporterRole::as_str, ReporterRole::parse);
    check_vocabulary(PersonRole::ALL, PersonRole::as_str, PersonRole::parse);
    check_vocabulary(PersonIdKind::ALL, PersonIdKind::as_str, PersonIdKind::parse);
    check_vocabulary(Sensitivity::ALL, Sensitivity::as_str, Sensitivity::parse);
    assert_eq!(Channel::ALL.len(), 8);
    assert_eq!(OrgType::ALL.len(), 4);
    assert_eq!(ReporterRole::ALL.len(), 5);
}
