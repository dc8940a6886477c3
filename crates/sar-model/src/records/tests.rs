//! Tests for the records' closed vocabularies.

use serde::Serialize;

use super::*;

fn check_vocabulary<T>(all: &[T], as_str: fn(T) -> &'static str, parse: fn(&str) -> Option<T>)
where
    T: Copy + PartialEq + std::fmt::Debug + Serialize,
{
    for &value in all {
        let name = as_str(value);
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            format!("\"{name}\""),
            "{value:?}"
        );
        assert_eq!(parse(name), Some(value));
    }
    assert_eq!(parse("Triage"), None);
}

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
