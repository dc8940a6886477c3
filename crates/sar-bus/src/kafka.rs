//! Kafka transport. `run_stage` runs a `Stage` between two typed topics in a consumer group;
//! `run_passthrough` copies bytes the same way (the bench baseline); `create_topics`, `publish`,
//! `publish_raw_bytes` and `consume` serve the CLI and the tests.
//!
//! Messages: key = report id, value = Avro single-object encoding, headers
//! `sarflow-schema-fingerprint` (16 hex digits) and `traceparent` (W3C). Producers are idempotent
//! with `acks=all`. Offsets are stored only after the output (or dead letter) is acknowledged.

mod client;
mod config;
mod headers;
mod offsets;
mod poll;
mod run;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use sar_schema::{Codec, Topic, dlq_topic};
use sar_telemetry::{Metrics, Readiness};
use tokio_util::sync::CancellationToken;

pub use client::{
    ConsumeOptions, ConsumedRecord, EncodedPublisher, ReadError, TopicCreated, consume,
    create_topics, publish, publish_raw_bytes, read_assigned,
};
pub use config::{KafkaConfig, MANAGED_KEYS};
pub use headers::{FINGERPRINT_HEADER, TRACEPARENT_HEADER};
pub use run::{READY_DELIVERY, READY_PARTITIONS, StageSummary};

use crate::{BusError, Stage, stage_label};

/// Runs `stage` from `input` to `output` (dead letters to `sar.dlq.<stage>.v1`) in the consumer
/// group `group_id` or `sarflow-<stage>`, until `shutdown` fires; then drains, flushes, commits
/// and returns within `shutdown_timeout`. Creates the three topics first if they are missing.
#[tracing::instrument(skip_all, fields(stage = stage_label(S::STAGE), topic = input.name()))]
pub async fn run_stage<S: Stage>(
    stage: Arc<S>,
    config: &KafkaConfig,
    input: Topic<S::Input>,
    output: Topic<S::Output>,
    metrics: &Metrics,
    readiness: &Readiness,
    shutdown: CancellationToken,
) -> Result<StageSummary, BusError> {
    config.validate()?;
    let dlq = dlq_topic(S::STAGE);
    create_topics(config, &[input.name(), output.name(), dlq.name()]).await?;
    let transform = run::StageTransform {
        stage,
        codec: Arc::new(Codec::new()?),
    };
    let topics = run::Topics {
        input: config.topic_name(input.name()),
        output: config.topic_name(output.name()),
        dlq: Some(config.topic_name(dlq.name())),
    };
    run::run(
        transform,
        config,
        topics,
        stage_label(S::STAGE),
        metrics,
        readiness,
        shutdown,
    )
    .await
}

/// The same loop as `run_stage`, copying key, value and headers unchanged from `input_topic` to
/// `output_topic` (logical names): the baseline the stage benches compare with.
#[tracing::instrument(skip_all, fields(stage = stage_label, topic = input_topic))]
pub async fn run_passthrough(
    config: &KafkaConfig,
    input_topic: &str,
    output_topic: &str,
    stage_label: &'static str,
    metrics: &Metrics,
    readiness: &Readiness,
    shutdown: CancellationToken,
) -> Result<StageSummary, BusError> {
    config.validate()?;
    create_topics(config, &[input_topic, output_topic]).await?;
    let topics = run::Topics {
        input: config.topic_name(input_topic),
        output: config.topic_name(output_topic),
        dlq: None,
    };
    run::run(
        run::Passthrough,
        config,
        topics,
        stage_label,
        metrics,
        readiness,
        shutdown,
    )
    .await
}
