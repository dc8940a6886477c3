//! Tests of the configuration and its validation.

use super::*;

#[test]
fn defaults() {
    let shares = HardCaseShares::default();
    assert_eq!(
        shares.named().map(|(_, value)| value),
        [0.04, 0.04, 0.03, 0.03, 0.05, 0.02, 0.03, 0.0]
    );
    assert!(shares.validate().is_ok());
    assert!(
        HardCaseShares::none()
            .named()
            .iter()
            .all(|(_, value)| *value == 0.0)
    );
    assert_eq!(SynthConfig::default().count, 1_000);
}

#[test]
fn each_share_is_checked_by_name() {
    for position in 0..8 {
        let mut values = HardCaseShares::none().named().map(|(_, value)| value);
        values[position] = -0.5;
        let shares = HardCaseShares {
            protected_activity: values[0],
            profiling_language: values[1],
            exact_duplicate: values[2],
            near_duplicate: values[3],
            group_b_without_facts: values[4],
            imminent_threat: values[5],
            no_behavior_code: values[6],
            malformed: values[7],
        };
        let name = shares.named()[position].0;
        assert_eq!(
            shares.validate(),
            Err(SynthError::ShareOutOfRange { name, value: -0.5 })
        );
    }
}

#[test]
fn sum_above_one_and_count_above_max_are_refused() {
    let shares = HardCaseShares {
        exact_duplicate: 0.5,
        near_duplicate: 0.6,
        ..HardCaseShares::none()
    };
    assert!(matches!(
        shares.validate(),
        Err(SynthError::SharesAboveOne { .. })
    ));
    let exactly_one = HardCaseShares {
        exact_duplicate: 0.5,
        near_duplicate: 0.5,
        ..HardCaseShares::none()
    };
    assert!(exactly_one.validate().is_ok());
    let config = SynthConfig {
        count: MAX_COUNT + 1,
        ..SynthConfig::default()
    };
    assert_eq!(
        config.validate(),
        Err(SynthError::CountTooLarge {
            count: MAX_COUNT + 1,
            max: MAX_COUNT
        })
    );
    let error = SynthError::ShareOutOfRange {
        name: "malformed",
        value: 2.0,
    };
    assert_eq!(
        error.to_string(),
        "share `malformed` is 2, expected a fraction in [0, 1]"
    );
}

#[test]
fn with_malformed_makes_room() {
    let all = HardCaseShares::default().with_malformed(1.0);
    assert_eq!(all.malformed, 1.0);
    assert!(all.named()[..7].iter().all(|(_, value)| *value == 0.0));
    assert!(all.validate().is_ok());
    let some = HardCaseShares::default().with_malformed(0.1);
    assert_eq!(
        some,
        HardCaseShares {
            malformed: 0.1,
            ..HardCaseShares::default()
        }
    );
    let most = HardCaseShares::default().with_malformed(0.9);
    assert!(most.validate().is_ok());
    assert!((most.named().iter().map(|(_, value)| value).sum::<f64>() - 1.0).abs() < 1e-9);
    assert!(
        HardCaseShares::default()
            .with_malformed(1.5)
            .validate()
            .is_err()
    );
    assert!(
        HardCaseShares::default()
            .with_malformed(f64::NAN)
            .validate()
            .is_err()
    );
}
