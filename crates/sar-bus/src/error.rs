//! `BusError`: everything sar-bus can fail with. rdkafka's error type never leaks: a Kafka failure
//! keeps only what was attempted and librdkafka's error code or message, never record content.

use sar_schema::SchemaError;

/// Errors of the bus.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// The Kafka config is invalid; every problem is listed.
    #[error("invalid kafka config: {}", problems.join("; "))]
    Config {
        /// Every problem found.
        problems: Vec<String>,
    },
    /// A Kafka client call failed.
    #[error("failed to {action}: {detail}")]
    Kafka {
        /// What was attempted, e.g. "create consumer".
        action: &'static str,
        /// librdkafka's error (code and message, never payloads).
        detail: String,
    },
    /// Creating a topic failed (other than "already exists").
    #[error("failed to create topic `{topic}`: {detail}")]
    TopicCreation {
        /// Physical topic name.
        topic: String,
        /// The broker's error.
        detail: String,
    },
    /// The codec could not be built or could not encode a record.
    #[error("schema error")]
    Schema(#[from] SchemaError),
    /// The next stage of the embedded bus went away before the input was drained.
    #[error("the output channel of stage `{stage}` is closed")]
    ChannelClosed {
        /// Stage label.
        stage: &'static str,
    },
    /// A task or thread of the bus panicked or was cancelled (a bug).
    #[error("bus task `{task}` failed: {detail}")]
    Task {
        /// Which task.
        task: &'static str,
        /// Join error.
        detail: String,
    },
    /// Shutdown did not complete within `shutdown_timeout`; uncommitted records will be read again.
    #[error("shutdown of stage `{stage}` did not complete within {timeout_ms} ms")]
    ShutdownTimeout {
        /// Stage label.
        stage: &'static str,
        /// The configured timeout.
        timeout_ms: u128,
    },
}

impl BusError {
    pub(crate) fn kafka(action: &'static str, error: &rdkafka::error::KafkaError) -> Self {
        Self::Kafka {
            action,
            detail: error.to_string(),
        }
    }
}
