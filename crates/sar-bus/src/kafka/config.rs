//! `KafkaConfig`: the `[kafka]` section of every service, and the librdkafka client configs built
//! from it. Raw librdkafka settings go in `client_overrides`; one that clashes with a key sar-bus
//! sets itself is refused by `validate`.

use std::{collections::BTreeMap, time::Duration};

use rdkafka::ClientConfig;
use serde::{Deserialize, Serialize};

use crate::BusError;

/// How a stage talks to Kafka.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaConfig {
    /// Bootstrap servers, comma separated.
    #[serde(default = "default_brokers")]
    pub brokers: String,
    /// Prepended to every logical topic name (tests use a unique prefix each).
    #[serde(default)]
    pub topic_prefix: String,
    /// Consumer group; `None` means `sarflow-<stage>`.
    #[serde(default)]
    pub group_id: Option<String>,
    /// Partitions of the topics `create_topics` creates.
    #[serde(default = "default_partitions")]
    pub partitions: i32,
    /// Replication factor of created topics.
    #[serde(default = "default_replication_factor")]
    pub replication_factor: i32,
    /// `retention.ms` of created pipeline topics.
    #[serde(default = "default_retention", with = "sar_config::duration_text")]
    pub retention: Duration,
    /// `retention.ms` of created dead-letter topics: longer, a human must look at them.
    #[serde(default = "default_dlq_retention", with = "sar_config::duration_text")]
    pub dlq_retention: Duration,
    /// Transactional consume-transform-produce instead of at-least-once.
    #[serde(default)]
    pub exactly_once: bool,
    /// `transactional.id` with `exactly_once`; `None` means `<group id>-<random hex>` (fencing
    /// of zombies relies on the consumer group metadata, KIP-447, so a per-process id is safe).
    #[serde(default)]
    pub transactional_id: Option<String>,
    /// Most records per processing batch (and per transaction).
    #[serde(default = "default_batch_size")]
    pub batch_size: usize,
    /// Capacity of the bounded channel between the poll thread and the processing task.
    #[serde(default = "default_channel_capacity")]
    pub channel_capacity: usize,
    /// How often stored offsets are committed (`auto.commit.interval.ms`).
    #[serde(
        default = "default_commit_interval",
        with = "sar_config::duration_text"
    )]
    pub commit_interval: Duration,
    /// How long a graceful shutdown may take once the shutdown token fires.
    #[serde(
        default = "default_shutdown_timeout",
        with = "sar_config::duration_text"
    )]
    pub shutdown_timeout: Duration,
    /// Raw librdkafka settings for every client; a key sar-bus sets itself is an error.
    /// Defaults that may be overridden here: stage consumers use `session.timeout.ms=10000`
    /// (librdkafka's 45 s would leave a killed instance's partitions idle that long).
    #[serde(default)]
    pub client_overrides: BTreeMap<String, String>,
}

/// A local broker, as in the README's quick start.
fn default_brokers() -> String {
    "127.0.0.1:9092".to_owned()
}
/// Three partitions let three instances of a stage share the work.
fn default_partitions() -> i32 {
    3
}
/// One broker in development and tests; production sets 3.
fn default_replication_factor() -> i32 {
    1
}
/// A week: enough to replay a stage after a bad deploy.
fn default_retention() -> Duration {
    Duration::from_secs(7 * 86_400)
}
/// Thirty days: dead letters wait for a human.
fn default_dlq_retention() -> Duration {
    Duration::from_secs(30 * 86_400)
}
/// Large enough to amortise per-batch costs, small enough for sub-second batches.
fn default_batch_size() -> usize {
    500
}
/// Two batches of look-ahead between fetching and processing.
fn default_channel_capacity() -> usize {
    1_000
}
/// librdkafka's own default is 5 s; 1 s bounds replays after a crash.
fn default_commit_interval() -> Duration {
    Duration::from_secs(1)
}
/// Below Kubernetes' default 30 s grace period, with room to spare.
fn default_shutdown_timeout() -> Duration {
    Duration::from_secs(10)
}

impl Default for KafkaConfig {
    fn default() -> Self {
        Self {
            brokers: default_brokers(),
            topic_prefix: String::new(),
            group_id: None,
            partitions: default_partitions(),
            replication_factor: default_replication_factor(),
            retention: default_retention(),
            dlq_retention: default_dlq_retention(),
            exactly_once: false,
            transactional_id: None,
            batch_size: default_batch_size(),
            channel_capacity: default_channel_capacity(),
            commit_interval: default_commit_interval(),
            shutdown_timeout: default_shutdown_timeout(),
            client_overrides: BTreeMap::new(),
        }
    }
}

/// Every librdkafka key sar-bus sets on some client; `client_overrides` may not name them.
pub const MANAGED_KEYS: &[&str] = &[
    "bootstrap.servers",
    "group.id",
    "enable.idempotence",
    "acks",
    "transactional.id",
    "enable.auto.offset.store",
    "enable.auto.commit",
    "auto.commit.interval.ms",
    "auto.offset.reset",
    "isolation.level",
    "statistics.interval.ms",
];

/// Session timeout of stage consumers unless `client_overrides` sets one: a killed instance's
/// partitions move to the others after at most this long.
const DEFAULT_SESSION_TIMEOUT_MS: &str = "10000";

/// How often librdkafka reports statistics (the consumer lag gauges).
const STATISTICS_INTERVAL_MS: &str = "5000";

impl KafkaConfig {
    /// Checks every field and reports every problem at once.
    pub fn validate(&self) -> Result<(), BusError> {
        let mut problems = Vec::new();
        if self.brokers.trim().is_empty() {
            problems.push("brokers: must not be empty".to_owned());
        }
        if self.partitions < 1 {
            problems.push("partitions: must be at least 1".to_owned());
        }
        if self.replication_factor < 1 {
            problems.push("replication_factor: must be at least 1".to_owned());
        }
        if self.batch_size == 0 {
            problems.push("batch_size: must be at least 1".to_owned());
        }
        if self.channel_capacity == 0 {
            problems.push("channel_capacity: must be at least 1".to_owned());
        }
        let commit_ms = self.commit_interval.as_millis();
        if commit_ms == 0 || commit_ms > i32::MAX as u128 {
            problems.push("commit_interval: must be between 1ms and 24d".to_owned());
        }
        if self.shutdown_timeout.is_zero() {
            problems.push("shutdown_timeout: must not be zero".to_owned());
        }
        for (name, retention) in [
            ("retention", self.retention),
            ("dlq_retention", self.dlq_retention),
        ] {
            if retention.as_millis() == 0 || retention.as_millis() > i64::MAX as u128 {
                problems.push(format!("{name}: must be positive"));
            }
        }
        if let Some(id) = &self.group_id
            && id.trim().is_empty()
        {
            problems.push("group_id: must not be empty".to_owned());
        }
        if let Some(id) = &self.transactional_id
            && id.trim().is_empty()
        {
            problems.push("transactional_id: must not be empty".to_owned());
        }
        for key in self.client_overrides.keys() {
            if MANAGED_KEYS.contains(&key.as_str()) {
                problems.push(format!(
                    "client_overrides.{key}: set by sarflow itself, use the kafka section instead"
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(BusError::Config { problems })
        }
    }

    /// The physical topic name of a logical one: `topic_prefix` + `logical`.
    pub fn topic_name(&self, logical: &str) -> String {
        format!("{}{logical}", self.topic_prefix)
    }

    /// The consumer group of a stage: `group_id`, else `<topic_prefix>sarflow-<stage>`. The
    /// prefix namespaces a deployment on a shared cluster, so it namespaces its groups too: two
    /// deployments must never share a group (members subscribed to different topics in one group
    /// starve each other of partitions).
    pub fn group_for(&self, stage_label: &str) -> String {
        self.group_id
            .clone()
            .unwrap_or_else(|| format!("{}sarflow-{stage_label}", self.topic_prefix))
    }

    /// Bootstrap servers and the overrides.
    pub(crate) fn base_client(&self) -> ClientConfig {
        let mut client = ClientConfig::new();
        client.set("bootstrap.servers", &self.brokers);
        for (key, value) in &self.client_overrides {
            client.set(key, value);
        }
        client
    }

    /// Idempotent producer, `acks=all`; transactional when `transactional_id` is given.
    pub(crate) fn producer_client(&self, transactional_id: Option<&str>) -> ClientConfig {
        let mut client = self.base_client();
        client.set("enable.idempotence", "true").set("acks", "all");
        if let Some(id) = transactional_id {
            client.set("transactional.id", id);
        }
        client
    }

    /// Group consumer of a stage: offsets stored by the bus only, auto-committed when stored
    /// (at-least-once) or committed by the transaction (exactly-once); reads committed data only.
    pub(crate) fn stage_consumer_client(&self, group: &str) -> ClientConfig {
        let mut client = self.base_client();
        client
            .set("group.id", group)
            .set("enable.auto.offset.store", "false")
            .set("auto.offset.reset", "earliest")
            .set("isolation.level", "read_committed")
            .set("statistics.interval.ms", STATISTICS_INTERVAL_MS);
        if !self.client_overrides.contains_key("session.timeout.ms") {
            client.set("session.timeout.ms", DEFAULT_SESSION_TIMEOUT_MS);
        }
        if self.exactly_once {
            client.set("enable.auto.commit", "false");
        } else {
            client.set("enable.auto.commit", "true").set(
                "auto.commit.interval.ms",
                self.commit_interval.as_millis().to_string(),
            );
        }
        client
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn defaults_validate_and_toml_round_trips() {
        let config = KafkaConfig::default();
        config.validate().unwrap();
        let parsed: KafkaConfig = toml::from_str("brokers = \"b:1\"\nretention = \"2d\"").unwrap();
        assert_eq!(parsed.brokers, "b:1");
        assert_eq!(parsed.retention, Duration::from_secs(2 * 86_400));
        assert_eq!(parsed.commit_interval, Duration::from_secs(1));
        assert_eq!(parsed.topic_name("sar.x.v1"), "sar.x.v1");
        assert!(toml::from_str::<KafkaConfig>("nope = 1").is_err());
    }

    #[test]
    fn every_problem_is_reported_and_managed_keys_are_refused() {
        let mut config = KafkaConfig {
            partitions: 0,
            batch_size: 0,
            ..KafkaConfig::default()
        };
        config
            .client_overrides
            .insert("enable.auto.offset.store".to_owned(), "true".to_owned());
        config
            .client_overrides
            .insert("linger.ms".to_owned(), "20".to_owned());
        let Err(BusError::Config { problems }) = config.validate() else {
            panic!("expected a config error");
        };
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[2].contains("enable.auto.offset.store"));
    }

    #[test]
    fn stage_consumers_read_from_the_start_with_a_short_session_that_overrides_can_change() {
        let mut config = KafkaConfig::default();
        let client = config.stage_consumer_client("g");
        assert_eq!(client.get("auto.offset.reset"), Some("earliest"));
        assert_eq!(client.get("enable.auto.offset.store"), Some("false"));
        assert_eq!(client.get("session.timeout.ms"), Some("10000"));
        config
            .client_overrides
            .insert("session.timeout.ms".to_owned(), "6000".to_owned());
        config.validate().unwrap();
        let client = config.stage_consumer_client("g");
        assert_eq!(client.get("session.timeout.ms"), Some("6000"));
    }
}
