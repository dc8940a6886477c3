//! Config tests: defaults, text durations, unknown keys refused, validation.

use super::*;

#[test]
fn defaults_and_partial_overrides() {
    let config: QueueConfig =
        serde_json::from_str(r#"{"sla": {"imminent": "5m"}, "lease": "1h"}"#).unwrap();
    assert_eq!(config.sla.imminent, Duration::from_secs(300));
    assert_eq!(config.sla.priority, Duration::from_secs(24 * 3_600));
    assert_eq!(
        config.sla.of(QueueName::BlockedAudit),
        Duration::from_secs(30 * 86_400)
    );
    assert_eq!(
        config.sla.of(QueueName::NotSar),
        Duration::from_secs(7 * 86_400)
    );
    assert_eq!(config.lease, Duration::from_secs(3_600));
    assert_eq!(config.max_bulk, 10_000);
    assert!(config.validate().is_ok());
    let empty: QueueConfig = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, QueueConfig::default());
}

#[test]
fn unknown_keys_and_bad_limits_are_refused() {
    assert!(serde_json::from_str::<QueueConfig>(r#"{"leases": "1h"}"#).is_err());
    assert!(serde_json::from_str::<QueueConfig>(r#"{"sla": {"urgent": "1h"}}"#).is_err());
    assert!(serde_json::from_str::<QueueConfig>(r#"{"lease": "1 hour"}"#).is_err());
    let too_big = QueueConfig {
        max_bulk: 10_001,
        ..QueueConfig::default()
    };
    assert!(too_big.validate().is_err());
    let pages = QueueConfig {
        default_page: 500,
        ..QueueConfig::default()
    };
    assert!(pages.validate().is_err());
}
