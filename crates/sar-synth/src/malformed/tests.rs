//! Tests of the corruptions: each kind breaks a valid record the way it says.

use sar_model::intake::IntakeRecord;

use super::*;
use crate::{
    case::Case,
    checks,
    config::{HardCaseShares, SynthConfig},
    generate::Generator,
};

fn valid_records(count: usize) -> Vec<IntakeRecord> {
    let config = SynthConfig {
        count,
        seed: 77,
        shares: HardCaseShares::none(),
    };
    Generator::new(&config)
        .filter_map(|item| item.record)
        .collect()
}

#[test]
fn every_kind_breaks_every_record() {
    let records = valid_records(60);
    for kind in MalformedKind::ALL {
        for (position, record) in records.iter().enumerate() {
            assert!(checks::problems(record).is_empty());
            let mut rng = Rng::new(position as u64);
            let (broken, line) = corrupt(&mut rng, kind, record.clone());
            let parsed = serde_json::from_str::<IntakeRecord>(&line);
            match broken {
                Some(broken) => {
                    assert!(kind.still_parses(), "{}", kind.as_str());
                    assert_eq!(parsed.unwrap(), broken);
                    assert!(
                        !checks::problems(&broken).is_empty(),
                        "{} left record valid",
                        kind.as_str()
                    );
                }
                None => {
                    assert!(!kind.still_parses(), "{}", kind.as_str());
                    assert!(parsed.is_err(), "{} line parses: {line}", kind.as_str());
                }
            }
        }
    }
}

#[test]
fn labels_replace_codes() {
    let record = valid_records(5)
        .into_iter()
        .find(|record| !record.behavior_codes.is_empty())
        .unwrap();
    let (broken, _) = corrupt(&mut Rng::new(1), MalformedKind::BehaviorLabel, record);
    let broken = broken.unwrap();
    assert!(
        broken
            .behavior_codes
            .iter()
            .all(|label| BehaviorCode::all().any(|code| code.name() == label))
    );
}

#[test]
fn truncation_is_a_strict_prefix() {
    let record = valid_records(1).remove(0);
    let line = to_line(&record);
    for seed in 0..50 {
        let cut = truncated(&mut Rng::new(seed), &line);
        assert!(line.starts_with(&cut) && cut.len() < line.len() && !cut.is_empty());
    }
    assert_eq!(
        insert_before_end("{\"a\":1}", ",\"b\":2"),
        "{\"a\":1,\"b\":2}"
    );
    assert!(Case::Malformed(MalformedKind::TruncatedJson).as_str() == "malformed");
}
