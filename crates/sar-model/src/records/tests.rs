//! Tests for the records' closed vocabularies.

use super::*;
use crate::test_support::check_vocabulary;

#[test]
fn wire_names_match_serde_names() {
    check_vocabulary(FlagKind::ALL, FlagKind::as_str, FlagKind::parse);
    check_vocabulary(GateOutcome::ALL, GateOutcome::as_str, GateOutcome::parse);
    check_vocabulary(
        DestinationKind::ALL,
        DestinationKind::as_str,
        DestinationKind::parse,
    );
    check_vocabulary(QueueName::ALL, QueueName::as_str, QueueName::parse);
    check_vocabulary(Priority::ALL, Priority::as_str, Priority::parse);
    assert_eq!(GateOutcome::ALL.len(), 4);
    assert_eq!(QueueName::ALL.len(), 6);
}
