//! The HTTP API of `sarflow run`: intake, search and queues on one listener, behind one
//! bearer-token layer and one request-metrics layer, with the merged OpenAPI document at
//! `/v1/openapi.json`. Also the two consumers of routed records the API reads from: the indexer
//! (one tantivy writer; its checkpoint rides in the commit payload) and the analyst queues (their
//! checkpoint is written in the same SQLite transaction as the items). Both see each routed
//! record exactly once across crashes, whichever transport feeds them: the embedded journal's
//! `routed` sink, or the routed Kafka topic read by assignment from the stored offsets.

use std::{collections::BTreeMap, net::SocketAddr, path::Path, sync::Arc, time::Duration};

use anyhow::Context as _;
use axum::{Router, routing::get};
use sar_bus::kafka::{self, KafkaConfig};
use sar_index::ReportIndex;
use sar_indexer::{IndexerClient, IndexerConfig, IndexerHandle, SearchState};
use sar_model::records::RoutedRecord;
use sar_queue::QueueService;
use sar_schema::Codec;
use sar_store::{GroupCommitter, Journal};
use sar_telemetry::Metrics;
use serde::{Deserialize, Serialize};
use tokio::{sync::watch, task::JoinSet};
use tokio_util::sync::CancellationToken;

use crate::config::RunConfig;

/// The index directory in the data directory.
const INDEX_DIR: &str = "index";
/// The queue's checkpoint name for the embedded `routed` sink.
pub(crate) const QUEUE_CONSUMER: &str = "queue";
/// The queue's checkpoint prefix for partitions of the routed topic (`queue@kafka:<p>`).
const QUEUE_KAFKA_CONSUMER: &str = "queue@kafka:";
/// The routed sink of the embedded pipeline (see `run`).
const ROUTED_SINK: &str = "routed";
/// Routed records read per batch by each consumer.
const READ_BATCH: usize = 512;
/// How often an idle consumer looks at the sink when nobody told it about progress.
const IDLE_POLL: Duration = Duration::from_millis(200);

/// Where the indexer is in its source; stored as the tantivy commit payload.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct IndexCheckpoint {
    /// Last journal seq of the `routed` sink applied (embedded mode).
    #[serde(default)]
    journal_seq: u64,
    /// Next offset per partition of the routed topic (Kafka mode).
    #[serde(default)]
    kafka: BTreeMap<i32, i64>,
}

/// The running API and its consumers.
pub(crate) struct Api {
    /// Where it listens.
    pub(crate) addr: SocketAddr,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    indexer: IndexerHandle,
    consumers: JoinSet<anyhow::Result<()>>,
    stop_consumers: CancellationToken,
    index: Arc<ReportIndex>,
    checkpoints: std::sync::Mutex<Journal>,
}

/// Everything `start` needs from `run`.
pub(crate) struct ApiParts<'a> {
    pub(crate) config: &'a RunConfig,
    pub(crate) store_path: &'a Path,
    pub(crate) committer: Arc<GroupCommitter>,
    pub(crate) codec: Arc<Codec>,
    pub(crate) metrics: &'a Metrics,
    /// Stops the HTTP server (graceful).
    pub(crate) shutdown: &'a CancellationToken,
}

/// Where the routed records come from.
pub(crate) enum RoutedSource {
    /// The embedded pipeline's `routed` sink; `progress` changes when the collector wrote more.
    Journal { progress: watch::Receiver<u64> },
    /// The routed topic.
    Kafka(KafkaConfig),
}

impl Api {
    /// Opens the index and queues, starts their consumers on `source`, and serves the API.
    pub(crate) async fn start(parts: ApiParts<'_>, source: RoutedSource) -> anyhow::Result<Self> {
        let config = parts.config;
        let keys = crate::tokens::token_keys(config)?;
        let index = Arc::new(
            ReportIndex::open_or_create(&config.data_dir.join(INDEX_DIR))
                .context("failed to open the index")?,
        );
        let indexer = sar_indexer::spawn_indexer(
            Arc::clone(&index),
            IndexerConfig {
                commit_every_docs: config.index.commit_every_docs as u64,
                commit_interval: config.index.commit_interval,
                ..IndexerConfig::default()
            },
            parts.metrics,
        )
        .context("failed to start the indexer")?;
        let queue = QueueService::open(
            parts.store_path,
            config.queue.clone(),
            parts.metrics.clone(),
        )
        .context("failed to open the analyst queues")?;
        let intake_config = config
            .intake
            .intake_config(config.pipeline.max_narrative_chars);
        let intake = sar_intake::IntakeState::new(
            intake_config,
            parts.committer,
            parts.store_path,
            Arc::clone(&parts.codec),
            parts.metrics.clone(),
        )
        .context("failed to start the intake")?;
        let search = SearchState::new(
            Arc::clone(&index),
            Journal::open(parts.store_path).context("failed to open the audit trail")?,
        );
        let openapi = Arc::new(openapi_document());
        let router = Router::new()
            .merge(sar_intake::router(intake))
            .merge(sar_indexer::router(search))
            .merge(sar_queue::router(queue.clone()))
            .route(
                "/v1/openapi.json",
                get(move || {
                    let openapi = Arc::clone(&openapi);
                    async move { axum::Json(openapi.as_ref().clone()) }
                }),
            )
            .fallback(sar_http::no_such_endpoint)
            .method_not_allowed_fallback(sar_http::method_not_allowed)
            .layer(sar_http::auth_layer(keys));
        let router = sar_http::metrics_layer(router, parts.metrics.http("api"));
        let (addr, server) = sar_http::serve(config.http.addr, router, parts.shutdown.clone())
            .await
            .context("failed to start the HTTP API")?;

        let stop_consumers = CancellationToken::new();
        let mut consumers = JoinSet::new();
        match source {
            RoutedSource::Journal { progress } => {
                let reader = Journal::open(parts.store_path).context("failed to open the store")?;
                consumers.spawn(index_from_journal(
                    reader,
                    Arc::clone(&parts.codec),
                    indexer.client(),
                    Arc::clone(&index),
                    progress.clone(),
                    stop_consumers.clone(),
                ));
                let reader = Journal::open(parts.store_path).context("failed to open the store")?;
                consumers.spawn(queue_from_journal(
                    reader,
                    Arc::clone(&parts.codec),
                    queue.clone(),
                    progress,
                    stop_consumers.clone(),
                ));
            }
            RoutedSource::Kafka(kafka_config) => {
                consumers.spawn(index_from_kafka(
                    kafka_config.clone(),
                    indexer.client(),
                    Arc::clone(&index),
                    stop_consumers.clone(),
                ));
                let checkpoints =
                    Journal::open(parts.store_path).context("failed to open the store")?;
                consumers.spawn(queue_from_kafka(
                    kafka_config,
                    checkpoints,
                    queue.clone(),
                    stop_consumers.clone(),
                ));
            }
        }
        Ok(Self {
            addr,
            server,
            indexer,
            consumers,
            stop_consumers,
            index,
            checkpoints: std::sync::Mutex::new(
                Journal::open(parts.store_path).context("failed to open the store")?,
            ),
        })
    }

    /// Last journal seq of the routed sink that the index has committed and the queue has taken.
    pub(crate) fn consumed_journal_seq(&self) -> anyhow::Result<(u64, u64)> {
        let indexed = checkpoint_of(&self.index)?.journal_seq;
        let queued = self
            .checkpoints
            .lock()
            .map_err(|_| anyhow::anyhow!("the store lock is poisoned"))?
            .checkpoint(QUEUE_CONSUMER)?;
        Ok((indexed, queued))
    }

    /// Documents in the index.
    pub(crate) fn indexed_documents(&self) -> u64 {
        self.index.count()
    }

    /// Commits what the indexer holds now (for `--until-drained`).
    pub(crate) async fn flush_index(&self) -> anyhow::Result<()> {
        self.indexer
            .flush()
            .await
            .context("failed to commit the index")?;
        Ok(())
    }

    /// Stops the consumers (the indexer commits what it holds) and waits for the server, whose
    /// shutdown token the caller has cancelled.
    pub(crate) async fn stop(mut self) -> anyhow::Result<()> {
        self.stop_consumers.cancel();
        let mut first_error = None;
        while let Some(joined) = self.consumers.join_next().await {
            if let Err(error) = joined
                .context("a routed-record consumer panicked")
                .and_then(|r| r)
            {
                tracing::error!(error = %format!("{error:#}"), "a routed-record consumer failed");
                first_error.get_or_insert(error);
            }
        }
        self.indexer
            .shutdown()
            .await
            .context("failed to stop the indexer")?;
        self.server
            .await
            .context("the HTTP server panicked")?
            .context("the HTTP server failed")?;
        first_error.map_or(Ok(()), Err)
    }
}

/// The merged OpenAPI document of the three services.
pub(crate) fn openapi_document() -> utoipa::openapi::OpenApi {
    let mut document = sar_intake::openapi();
    document.merge(sar_indexer::openapi());
    document.merge(sar_queue::openapi());
    document.info.title = "sarflow".to_owned();
    document.info.description = Some(
        "Suspicious activity report intake, search and analyst queues. Errors are RFC 7807 problem documents."
            .to_owned(),
    );
    document
}

fn checkpoint_of(index: &ReportIndex) -> anyhow::Result<IndexCheckpoint> {
    match index
        .last_commit_payload()
        .context("failed to read the index checkpoint")?
    {
        Some(payload) if !payload.is_empty() => {
            serde_json::from_str(&payload).context("the index checkpoint is not readable")
        }
        _ => Ok(IndexCheckpoint::default()),
    }
}

/// Waits for progress, a poll interval, or the stop token.
async fn idle(progress: &mut watch::Receiver<u64>, stop: &CancellationToken) {
    tokio::select! {
        _ = progress.changed() => {}
        () = tokio::time::sleep(IDLE_POLL) => {}
        () = stop.cancelled() => {}
    }
}

/// Reads up to a batch of routed records after `cursor` from the journal sink.
async fn read_routed(
    reader: &Arc<std::sync::Mutex<Journal>>,
    codec: &Arc<Codec>,
    cursor: u64,
) -> anyhow::Result<(u64, Vec<RoutedRecord>)> {
    let (reader, codec) = (Arc::clone(reader), Arc::clone(codec));
    tokio::task::spawn_blocking(move || {
        let entries = reader
            .lock()
            .map_err(|_| anyhow::anyhow!("the store lock is poisoned"))?
            .sink_read_after(ROUTED_SINK, cursor, READ_BATCH)
            .context("failed to read the routed sink")?;
        let last = entries.last().map_or(cursor, |entry| entry.seq);
        let mut records = Vec::with_capacity(entries.len());
        for entry in entries {
            // The collector wrote these with the same codec; a failure is a build defect.
            records.push(
                codec
                    .decode::<RoutedRecord>(&entry.payload)
                    .with_context(|| format!("routed sink entry {} is undecodable", entry.seq))?,
            );
        }
        Ok((last, records))
    })
    .await
    .context("the routed-sink reader panicked")?
}

async fn index_from_journal(
    reader: Journal,
    codec: Arc<Codec>,
    indexer: IndexerClient,
    index: Arc<ReportIndex>,
    mut progress: watch::Receiver<u64>,
    stop: CancellationToken,
) -> anyhow::Result<()> {
    let reader = Arc::new(std::sync::Mutex::new(reader));
    let mut checkpoint = checkpoint_of(&index)?;
    while !stop.is_cancelled() {
        let (last, records) = read_routed(&reader, &codec, checkpoint.journal_seq).await?;
        if last == checkpoint.journal_seq {
            idle(&mut progress, &stop).await;
            continue;
        }
        checkpoint.journal_seq = last;
        indexer
            .apply(records, serde_json::to_string(&checkpoint)?)
            .await
            .context("failed to index routed records")?;
    }
    Ok(())
}

async fn queue_from_journal(
    reader: Journal,
    codec: Arc<Codec>,
    queue: QueueService,
    mut progress: watch::Receiver<u64>,
    stop: CancellationToken,
) -> anyhow::Result<()> {
    let mut cursor = reader.checkpoint(QUEUE_CONSUMER)?;
    let reader = Arc::new(std::sync::Mutex::new(reader));
    while !stop.is_cancelled() {
        let (last, records) = read_routed(&reader, &codec, cursor).await?;
        if last == cursor {
            idle(&mut progress, &stop).await;
            continue;
        }
        let service = queue.clone();
        tokio::task::spawn_blocking(move || service.ingest(&records, Some((QUEUE_CONSUMER, last))))
            .await
            .context("the queue writer panicked")?
            .context("failed to queue routed records")?;
        cursor = last;
    }
    Ok(())
}

async fn index_from_kafka(
    kafka_config: KafkaConfig,
    indexer: IndexerClient,
    index: Arc<ReportIndex>,
    stop: CancellationToken,
) -> anyhow::Result<()> {
    let mut checkpoint = checkpoint_of(&index)?;
    let start = checkpoint.kafka.clone();
    kafka::read_assigned(&kafka_config, sar_schema::ROUTED, start, stop, |batch| {
        let mut records = Vec::with_capacity(batch.len());
        for consumed in batch {
            checkpoint
                .kafka
                .insert(consumed.partition, consumed.offset + 1);
            match consumed.record {
                Ok(record) => records.push(record),
                // The route stage wrote it with the same schema; count it and move on.
                Err(error) => tracing::error!(
                    partition = consumed.partition,
                    offset = consumed.offset,
                    %error,
                    "undecodable routed record skipped by the indexer"
                ),
            }
        }
        let payload = serde_json::to_string(&checkpoint);
        let indexer = indexer.clone();
        async move {
            indexer
                .apply(records, payload.context("failed to encode the checkpoint")?)
                .await
                .context("failed to index routed records")
        }
    })
    .await
    .map_err(|error| match error {
        kafka::ReadError::Bus(error) => anyhow::Error::from(error),
        kafka::ReadError::Handler(error) => error,
    })?;
    Ok(())
}

async fn queue_from_kafka(
    kafka_config: KafkaConfig,
    checkpoints: Journal,
    queue: QueueService,
    stop: CancellationToken,
) -> anyhow::Result<()> {
    // The topic has the configured partitions (`topics create` makes them); a partition never
    // checkpointed reads from its beginning (next offset 0).
    let mut start = BTreeMap::new();
    for partition in 0..kafka_config.partitions {
        let next = checkpoints.checkpoint(&format!("{QUEUE_KAFKA_CONSUMER}{partition}"))?;
        start.insert(partition, i64::try_from(next).unwrap_or(i64::MAX));
    }
    drop(checkpoints);
    kafka::read_assigned(&kafka_config, sar_schema::ROUTED, start, stop, |batch| {
        // One transaction per partition: its items and its next offset together.
        let mut by_partition: BTreeMap<i32, (i64, Vec<RoutedRecord>)> = BTreeMap::new();
        for consumed in batch {
            let entry = by_partition
                .entry(consumed.partition)
                .or_insert((0, Vec::new()));
            entry.0 = consumed.offset + 1;
            match consumed.record {
                Ok(record) => entry.1.push(record),
                Err(error) => tracing::error!(
                    partition = consumed.partition,
                    offset = consumed.offset,
                    %error,
                    "undecodable routed record skipped by the queue"
                ),
            }
        }
        let service = queue.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                for (partition, (next, records)) in by_partition {
                    let consumer = format!("{QUEUE_KAFKA_CONSUMER}{partition}");
                    let next = u64::try_from(next).unwrap_or(0);
                    service
                        .ingest(&records, Some((consumer.as_str(), next)))
                        .context("failed to queue routed records")?;
                }
                anyhow::Ok(())
            })
            .await
            .context("the queue writer panicked")?
        }
    })
    .await
    .map_err(|error| match error {
        kafka::ReadError::Bus(error) => anyhow::Error::from(error),
        kafka::ReadError::Handler(error) => error,
    })?;
    Ok(())
}
