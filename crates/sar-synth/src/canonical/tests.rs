//! Tests of the canonical records: counts, determinism, internal consistency, JSON round trips,
//! and that every enumeration value and every optional field (set and unset) occurs.

use std::collections::BTreeSet;

use sar_model::{
    ReportId,
    records::{DestinationKind, DlqRecord, EntityKind, GateOutcome, RoutedRecord, Stage},
};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;

use super::*;
use crate::checks;

const COUNT: usize = 600;

fn round_trips<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(records: &[T]) {
    for record in records {
        let text = serde_json::to_string(record).unwrap();
        let back: T = serde_json::from_str(&text).unwrap();
        assert_eq!(&back, record);
    }
}

/// Paths (array indices dropped) of null and non-null values, and of empty and non-empty
/// arrays, over all records.
#[derive(Default)]
struct Shapes {
    null: BTreeSet<String>,
    set: BTreeSet<String>,
    empty: BTreeSet<String>,
    filled: BTreeSet<String>,
    enum_values: BTreeSet<String>,
}

impl Shapes {
    fn walk(&mut self, path: &str, value: &Value) {
        match value {
            Value::Null => {
                self.null.insert(path.to_owned());
            }
            Value::Array(items) => {
                self.set.insert(path.to_owned());
                if items.is_empty() {
                    self.empty.insert(path.to_owned());
                } else {
                    self.filled.insert(path.to_owned());
                }
                // Byte arrays (DLQ payloads) are not structure.
                if !items.iter().all(Value::is_number) {
                    for item in items {
                        self.walk(&format!("{path}[]"), item);
                    }
                }
            }
            Value::Object(map) => {
                self.set.insert(path.to_owned());
                for (key, item) in map {
                    self.walk(&format!("{path}.{key}"), item);
                }
            }
            Value::String(text) => {
                self.set.insert(path.to_owned());
                self.enum_values.insert(format!("{path}={text}"));
            }
            _ => {
                self.set.insert(path.to_owned());
            }
        }
    }

    fn of<T: Serialize>(records: &[T]) -> Self {
        let mut shapes = Self::default();
        for record in records {
            shapes.walk("", &serde_json::to_value(record).unwrap());
        }
        shapes
    }

    fn values(&self, path: &str) -> BTreeSet<String> {
        let prefix = format!("{path}=");
        self.enum_values
            .iter()
            .filter_map(|value| value.strip_prefix(&prefix).map(str::to_owned))
            .collect()
    }

    /// Every optional field is sometimes set and every list sometimes filled.
    fn assert_both_ways(&self, rarely_filled: &[&str]) {
        let never_set: Vec<&String> = self.null.difference(&self.set).collect();
        assert!(never_set.is_empty(), "always null: {never_set:?}");
        let never_filled: Vec<&String> = self
            .empty
            .difference(&self.filled)
            .filter(|path| !rarely_filled.contains(&path.as_str()))
            .collect();
        assert!(never_filled.is_empty(), "always empty: {never_filled:?}");
    }
}

#[test]
fn counts_and_determinism() {
    assert_eq!(raw_records(1, 17).len(), 17);
    assert_eq!(normalized_records(1, 17).len(), 17);
    assert_eq!(scored_records(1, 17).len(), 17);
    assert_eq!(gated_records(1, 17).len(), 17);
    assert_eq!(routed_records(1, 17).len(), 17);
    assert_eq!(dlq_records(1, 17).len(), 17);
    assert!(raw_records(1, 0).is_empty());
    assert_eq!(routed_records(5, 40), routed_records(5, 40));
    assert_eq!(dlq_records(5, 40), dlq_records(5, 40));
    assert_ne!(raw_records(5, 5), raw_records(6, 5));
    // Each stage embeds the one before it, from the same scenario.
    let raw = raw_records(8, 30);
    let routed = routed_records(8, 30);
    for (raw, routed) in raw.iter().zip(&routed) {
        let report = &routed.gated.scored.normalized.report;
        assert_eq!(report.report_id, raw.record_id);
        assert_eq!(report.narrative, raw.submission.narrative);
        let codes: Vec<&str> = report
            .behavior_codes
            .iter()
            .map(|code| code.code())
            .collect();
        assert_eq!(codes, raw.submission.behavior_codes);
        assert!(report.persons.len() >= raw.submission.persons.len());
    }
}

#[test]
fn raw_records_hold_valid_submissions() {
    for raw in raw_records(2, 200) {
        assert!(checks::problems(&raw.submission).is_empty());
        assert!(ReportId::parse(&raw.record_id.to_string()).is_ok());
        let submitted = sar_model::ZonedTime::parse(&raw.submission.submitted_at).unwrap();
        assert!(raw.received_at > submitted);
    }
}

#[test]
fn normalized_entities_point_into_the_narrative_and_are_redacted() {
    let records = normalized_records(3, COUNT);
    let mut kinds = BTreeSet::new();
    for record in &records {
        let chars: Vec<char> = record.report.narrative.chars().collect();
        for entity in &record.entities {
            let found: String = chars[entity.start as usize..entity.end as usize]
                .iter()
                .collect();
            assert_eq!(found, entity.text);
            if entity.pii {
                assert!(
                    !record.narrative_redacted.contains(&entity.text),
                    "{} not redacted",
                    entity.text
                );
            }
            kinds.insert(format!("{:?}", entity.kind));
        }
        for name in record
            .report
            .persons
            .iter()
            .filter_map(|person| person.name.as_deref())
        {
            assert!(!record.narrative_redacted.contains(name));
        }
        assert_eq!(
            record.dedup.exact,
            format!(
                "{}\u{1f}{}",
                record.report.origin.system, record.report.origin.report_id
            )
        );
    }
    let all_kinds = [
        EntityKind::Plate,
        EntityKind::Phone,
        EntityKind::Email,
        EntityKind::SsnLike,
        EntityKind::IdLike,
        EntityKind::Money,
        EntityKind::Time,
        EntityKind::Place,
    ];
    assert_eq!(kinds.len(), all_kinds.len(), "{kinds:?}");
    round_trips(&records);
}

#[test]
fn scores_are_in_range_and_explained() {
    let records = scored_records(4, COUNT);
    for record in &records {
        let value = record.score.value;
        assert!(
            value.is_finite() && (0.0..=100.0).contains(&value),
            "{value}"
        );
        let sum: f64 = record
            .score
            .contributions
            .iter()
            .map(|c| c.contribution)
            .sum();
        assert!((sum - value).abs() < 0.001);
        assert!(
            record
                .score
                .contributions
                .iter()
                .all(|c| c.contribution.is_finite())
        );
    }
    round_trips(&records);
}

#[test]
fn gate_and_routes_fit_together() {
    let records: Vec<RoutedRecord> = routed_records(6, COUNT);
    for record in &records {
        let outcome = record.gated.decision.outcome;
        assert!(!record.gated.decision.reasons.is_empty());
        assert!(
            record.gated.decision.retain_until > record.gated.scored.normalized.report.received_at
        );
        assert!(record.routed_at >= record.gated.decision.decided_at);
        for route in &record.routes {
            assert_eq!(
                route.queue.is_some(),
                route.destination == DestinationKind::AnalystQueue
            );
        }
        if outcome == GateOutcome::NotSar {
            assert!(
                record
                    .routes
                    .iter()
                    .any(|route| route.queue == Some(QueueName::NotSar))
            );
        }
    }
    round_trips(&records);
}

#[test]
fn every_enumeration_value_and_optional_field_occurs() {
    let routed = routed_records(10, COUNT);
    let shapes = Shapes::of(&routed);
    let report = ".gated.scored.normalized.report";
    let expected = [
        (format!("{report}.status"), 17),
        (format!("{report}.channel"), 8),
        (format!("{report}.submitter.org_type"), 4),
        (format!("{report}.submitter.reporter_role"), 5),
        (format!("{report}.persons[].role"), 6),
        (format!("{report}.persons[].ids[].kind"), 6),
        (format!("{report}.labels.sensitivity"), 3),
        (format!("{report}.legal_basis"), 4),
        (format!("{report}.retention.store"), 3),
        (format!("{report}.grading.basis"), 4),
        (".gated.scored.normalized.entities[].kind".to_owned(), 8),
        (".gated.scored.flags[].kind".to_owned(), 6),
        (".gated.decision.outcome".to_owned(), 4),
        (
            ".gated.decision.cii_prerequisites[].prerequisite".to_owned(),
            6,
        ),
        (".routes[].destination".to_owned(), 2),
        (".routes[].queue".to_owned(), 6),
        (".routes[].priority".to_owned(), 4),
    ];
    for (path, count) in expected {
        let values = shapes.values(&path);
        assert_eq!(values.len(), count, "{path}: {values:?}");
    }
    shapes.assert_both_ways(&[]);
    round_trips(&routed);
}

#[test]
fn dead_letters_keep_the_original_and_say_why() {
    let records: Vec<DlqRecord> = dlq_records(12, 400);
    let mut stages = BTreeSet::new();
    for record in &records {
        assert!(!record.original.is_empty());
        assert_eq!(record.record_id.is_some(), record.source_topic.is_some());
        assert_eq!(
            record.source_topic.is_some(),
            record.source_partition.is_some()
        );
        if record.stage == Stage::Normalize && record.reason_code == "invalid_field" {
            assert!(
                !record.field_errors.is_empty(),
                "{}",
                String::from_utf8_lossy(&record.original)
            );
        }
        let original = String::from_utf8_lossy(&record.original);
        for error in &record.field_errors {
            assert!(!error.problem.is_empty());
            // The problem never repeats a narrative.
            assert!(error.problem.len() < 80);
        }
        assert!(!original.is_empty());
        stages.insert(format!("{:?}", record.stage));
    }
    assert_eq!(stages.len(), 7, "{stages:?}");
    Shapes::of(&records).assert_both_ways(&[]);
    round_trips(&records);
}

#[test]
fn raw_record_of_an_item_matches_raw_records() {
    let config = SynthConfig {
        count: 40,
        seed: 21,
        shares: HardCaseShares::default(),
    };
    let items: Vec<SynthItem> = crate::generate(&config).unwrap().collect();
    let expected = raw_records(21, 40);
    for (item, expected) in items.iter().zip(&expected) {
        assert_eq!(raw_record(item, 21).as_ref(), Some(expected));
    }
    // Malformed items: a raw form when the line is a record (even with an impossible date),
    // none otherwise.
    let malformed = SynthConfig {
        count: 300,
        seed: 4,
        shares: HardCaseShares {
            malformed: 1.0,
            ..HardCaseShares::none()
        },
    };
    for item in crate::generate(&malformed).unwrap() {
        assert_eq!(raw_record(&item, 4).is_some(), item.record.is_some());
    }
}
