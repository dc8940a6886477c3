//! `sarflow run`: the whole pipeline in one process.
//!
//! Embedded mode (the default): accepted intake records are committed to the journal (SQLite,
//! WAL, group commit) first; a feeder replays the journal from the pipeline's checkpoint into
//! the four stages over bounded in-process channels; a collector writes every outcome (routed
//! record or dead letter) to the idempotent sinks and advances the checkpoint in the same
//! transaction. A crash anywhere loses nothing (the journal has it and the checkpoint has not
//! passed it) and duplicates nothing (sinks are keyed by report id).
//!
//! Kafka mode (`--kafka BROKERS`): the same four stages as consumer-group services in one
//! process, with intake published to the raw topic; with `--external-stages` the stages run
//! elsewhere (`sarflow serve <stage>`) and this process serves the API, the relay and the
//! routed-record consumers.

use std::{
    io::Write,
    net::SocketAddr,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use anyhow::Context as _;
use sar_bus::{
    Keyed,
    embedded::{self, Envelope, Item},
    kafka,
};
use sar_model::records::{DlqRecord, Header, RawRecord, RoutedRecord, Stage};
use sar_schema::Codec;
use sar_store::{GroupCommitter, Journal, SinkItem};
use sar_telemetry::{Metrics, Readiness};
use serde::Serialize;
use tokio::{
    sync::{Notify, mpsc, watch},
    task::JoinSet,
};
use tokio_util::sync::CancellationToken;

use crate::{
    Context,
    api::{self, Api, ApiParts, RoutedSource},
    config::{self, RunConfig},
    demo,
    ingest::{self, IngestSummary},
    stages::Stages,
};

/// The SQLite file of a deployment's store in its data directory: journal, ledger, sinks,
/// queues, audit trail and partner keys.
pub(crate) const STORE_FILE: &str = "journal.sqlite";
/// The consumer name of the embedded pipeline's checkpoint in the journal.
const PIPELINE_CONSUMER: &str = "pipeline";
/// Sink of routed records (the input of the index and the analyst queues).
const ROUTED_SINK: &str = "routed";
/// Sink of dead letters.
const DLQ_SINK: &str = "dlq";
/// How often the feeder looks at the journal when nobody told it about new records.
const FEEDER_POLL: Duration = Duration::from_millis(200);
/// Synthetic reports seeded by `--demo`.
const DEMO_COUNT: usize = 1_000;
/// Seed of the demo reports: the same every time, so a second `--demo` accepts nothing twice.
const DEMO_SEED: u64 = 7;

/// Arguments of `sarflow run`.
#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    /// Config file (see deploy/config/run.toml); `SARFLOW_RUN__...` variables override it.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Where the journal and sinks live (default ./sarflow-data).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Run the stages over Kafka at these bootstrap servers instead of the embedded bus.
    #[arg(long)]
    kafka: Option<String>,
    /// Admin address for /metrics, /healthz and /readyz.
    #[arg(long)]
    admin_addr: Option<SocketAddr>,
    /// Address of the HTTP API (intake, search, queues); default 127.0.0.1:8470, port 0 picks one.
    #[arg(long)]
    http_addr: Option<SocketAddr>,
    /// Accept the intake records (NDJSON) in this file, `-` for stdin.
    #[arg(long)]
    ingest: Option<PathBuf>,
    /// Seed 1,000 synthetic reports (deterministic: running it again accepts nothing twice).
    #[arg(long)]
    demo: bool,
    /// Exit once every accepted record has reached the sinks, instead of serving until Ctrl-C
    /// (embedded mode only).
    #[arg(long)]
    until_drained: bool,
    /// With --kafka: serve the API, the intake relay and the routed-record consumers only; the
    /// four stages run elsewhere as `sarflow serve <stage>` services.
    #[arg(long, requires = "kafka")]
    external_stages: bool,
}

/// The line `run` prints when it stops.
#[derive(Debug, Serialize)]
struct RunSummary {
    accepted: u64,
    duplicates: u64,
    failed: u64,
    replayed: u64,
    checkpoint: u64,
    journal_last_seq: u64,
    routed: u64,
    dead_letters: u64,
    duplicate_deliveries: u64,
    indexed_documents: u64,
    queue_checkpoint: u64,
}

pub(crate) fn run(args: &RunArgs, context: &Context, output: &mut dyn Write) -> anyhow::Result<()> {
    let mut config: RunConfig = config::load("run", args.config.as_deref(), &context.env)?;
    if let Some(data_dir) = &args.data_dir {
        config.data_dir.clone_from(data_dir);
    }
    if let Some(admin_addr) = args.admin_addr {
        config.telemetry.admin_addr = Some(admin_addr);
    }
    if let Some(http_addr) = args.http_addr {
        config.http.addr = http_addr;
    }
    if let Some(brokers) = &args.kafka {
        config.kafka.brokers.clone_from(brokers);
    }
    sar_telemetry::init(&config.telemetry, "run", context.rust_log.as_deref())
        .context("failed to start telemetry")?;
    tracing::info!(service = "run", config = ?config, "starting");
    let stages = Stages::new(&config.pipeline)?;
    if args.kafka.is_some() {
        anyhow::ensure!(
            !args.until_drained,
            "--until-drained needs the embedded bus (it cannot see the end of a Kafka topic)"
        );
        config
            .kafka
            .validate()
            .context("invalid kafka configuration")?;
        return context
            .runtime
            .block_on(run_kafka(&config, args, stages, output));
    }
    let summary = context
        .runtime
        .block_on(run_embedded(&config, args, stages, output))?;
    writeln!(output, "{}", serde_json::to_string(&summary)?)?;
    Ok(())
}

/// The intake of this run: a file, stdin, or the demo reports.
fn intake_source(args: &RunArgs) -> anyhow::Result<Option<Box<dyn std::io::BufRead + Send>>> {
    if let Some(path) = &args.ingest {
        return crate::open_input_send(Some(path)).map(Some);
    }
    if !args.demo {
        return Ok(None);
    }
    let synth_config = sar_synth::SynthConfig {
        count: DEMO_COUNT,
        seed: DEMO_SEED,
        shares: sar_synth::HardCaseShares::default().with_malformed(0.0),
    };
    let mut lines = String::new();
    for item in sar_synth::generate(&synth_config).context("failed to generate the demo reports")? {
        lines.push_str(&item.line);
        lines.push('\n');
    }
    Ok(Some(Box::new(std::io::Cursor::new(lines.into_bytes()))))
}

async fn run_embedded(
    config: &RunConfig,
    args: &RunArgs,
    stages: Stages,
    output: &mut dyn Write,
) -> anyhow::Result<RunSummary> {
    let metrics = Metrics::new();
    let Store {
        journal_path,
        new_records,
        committer,
        journal,
    } = Store::open(config, &metrics)?;
    let codec = Arc::new(Codec::new()?);
    let shutdown = sar_telemetry::shutdown_token();
    let readiness = Readiness::new();
    readiness.set("journal_open", true);
    let admin =
        crate::admin::start(config.telemetry.admin_addr, &metrics, &readiness, &shutdown).await?;

    let (start_checkpoint, start_last_seq) = {
        let journal = lock(&journal)?;
        (journal.checkpoint(PIPELINE_CONSUMER)?, journal.last_seq()?)
    };
    let replayed = start_last_seq.saturating_sub(start_checkpoint);
    if replayed > 0 {
        tracing::info!(
            replayed,
            "replaying journal entries the sinks do not have yet"
        );
        metrics.journal().replayed(replayed);
    }

    let capacity = config.embedded.channel_capacity;
    let batch_size = config.embedded.batch_size;
    let (raw_tx, raw_rx) = mpsc::channel(capacity);
    let (normalized_tx, normalized_rx) = mpsc::channel(capacity);
    let (scored_tx, scored_rx) = mpsc::channel(capacity);
    let (gated_tx, gated_rx) = mpsc::channel(capacity);
    let (routed_tx, routed_rx) = mpsc::channel(capacity);
    let mut stage_tasks = JoinSet::new();
    embedded::spawn_stage(
        stages.normalize,
        raw_rx,
        normalized_tx,
        metrics.stage("normalize"),
        &mut stage_tasks,
    );
    embedded::spawn_stage(
        stages.score,
        normalized_rx,
        scored_tx,
        metrics.stage("score"),
        &mut stage_tasks,
    );
    embedded::spawn_stage(
        stages.gate,
        scored_rx,
        gated_tx,
        metrics.stage("gate"),
        &mut stage_tasks,
    );
    embedded::spawn_stage(
        stages.route,
        gated_rx,
        routed_tx,
        metrics.stage("route"),
        &mut stage_tasks,
    );

    let stop_feeding = CancellationToken::new();
    let feeder = tokio::spawn(feed(
        Arc::clone(&journal),
        Arc::clone(&codec),
        start_checkpoint,
        batch_size,
        raw_tx,
        Arc::clone(&new_records),
        stop_feeding.clone(),
    ));
    let (progress_tx, mut progress_rx) = watch::channel(start_checkpoint);
    let collector = tokio::spawn(collect(
        Arc::clone(&journal),
        Arc::clone(&codec),
        routed_rx,
        batch_size,
        progress_tx,
        metrics.clone(),
    ));
    let api = Api::start(
        ApiParts {
            config,
            store_path: &journal_path,
            committer: Arc::clone(&committer),
            codec: Arc::clone(&codec),
            metrics: &metrics,
            shutdown: &shutdown,
        },
        RoutedSource::Journal {
            progress: progress_rx.clone(),
        },
    )
    .await?;
    readiness.set("api_listening", true);

    let mut intake_summary = IngestSummary::default();
    if let Some(input) = intake_source(args)? {
        let committer = Arc::clone(&committer);
        let codec = Arc::clone(&codec);
        let notify = Arc::clone(&new_records);
        let journal_metrics = metrics.clone();
        intake_summary = tokio::task::spawn_blocking(move || {
            ingest::ingest_lines(input, &committer, &codec, || {
                notify.notify_one();
            })
            .inspect(|summary| journal_metrics.journal().appended(summary.accepted))
        })
        .await
        .context("the intake task panicked")??;
        tracing::info!(
            accepted = intake_summary.accepted,
            duplicates = intake_summary.duplicates,
            failed = intake_summary.failed,
            "intake finished"
        );
    }

    if args.demo && !args.until_drained {
        demo::print_credentials(config, api.addr, output)?;
    }
    if args.until_drained {
        let target = lock(&journal)?.last_seq()?;
        loop {
            if *progress_rx.borrow_and_update() >= target {
                break;
            }
            tokio::select! {
                changed = progress_rx.changed() => {
                    if changed.is_err() {
                        break;
                    }
                }
                () = shutdown.cancelled() => break,
            }
        }
        // And until the index and the queues have everything the sinks have.
        let routed_through = *progress_rx.borrow();
        while !shutdown.is_cancelled() {
            api.flush_index().await?;
            let (indexed, queued) = api.consumed_journal_seq()?;
            if indexed >= routed_through && queued >= routed_through {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    } else {
        shutdown.cancelled().await;
    }

    // Stop: no new reads; everything in flight drains through the stages into the sinks.
    stop_feeding.cancel();
    feeder.await.context("the feeder panicked")??;
    while let Some(joined) = stage_tasks.join_next().await {
        joined.context("a stage panicked")??;
    }
    collector.await.context("the collector panicked")??;
    shutdown.cancel();
    let indexed_documents = api.indexed_documents();
    api.stop().await?;
    crate::admin::stop(admin).await;
    if let Ok(committer) = Arc::try_unwrap(committer) {
        committer
            .shutdown()
            .context("failed to close the journal writer")?;
    }
    let journal = lock(&journal)?;
    Ok(RunSummary {
        accepted: intake_summary.accepted,
        duplicates: intake_summary.duplicates,
        failed: intake_summary.failed,
        replayed,
        checkpoint: journal.checkpoint(PIPELINE_CONSUMER)?,
        journal_last_seq: journal.last_seq()?,
        routed: journal.sink_count(ROUTED_SINK)?,
        dead_letters: journal.sink_count(DLQ_SINK)?,
        duplicate_deliveries: journal.duplicate_deliveries(ROUTED_SINK)?
            + journal.duplicate_deliveries(DLQ_SINK)?,
        indexed_documents,
        queue_checkpoint: journal.checkpoint(api::QUEUE_CONSUMER)?,
    })
}

fn lock(journal: &Mutex<Journal>) -> anyhow::Result<std::sync::MutexGuard<'_, Journal>> {
    journal
        .lock()
        .map_err(|_| anyhow::anyhow!("the journal lock is poisoned (a journal task panicked)"))
}

/// Reads the journal after `cursor` and sends each entry into the first stage, in order.
async fn feed(
    journal: Arc<Mutex<Journal>>,
    codec: Arc<Codec>,
    mut cursor: u64,
    batch_size: usize,
    raw_tx: mpsc::Sender<Envelope<RawRecord>>,
    new_records: Arc<Notify>,
    stop: CancellationToken,
) -> anyhow::Result<()> {
    while !stop.is_cancelled() {
        let reader = Arc::clone(&journal);
        let entries = tokio::task::spawn_blocking(move || {
            lock(&reader)?
                .read_after(cursor, batch_size)
                .context("failed to read the journal")
        })
        .await
        .context("the journal reader panicked")??;
        if entries.is_empty() {
            tokio::select! {
                () = new_records.notified() => {}
                () = tokio::time::sleep(FEEDER_POLL) => {}
                () = stop.cancelled() => {}
            }
            continue;
        }
        for entry in entries {
            cursor = entry.seq;
            let item = match codec.decode::<RawRecord>(&entry.payload) {
                Ok(record) => Item::Record(record),
                Err(error) => Item::Rejected(undecodable_entry(&entry, &error.to_string())),
            };
            if raw_tx
                .send(Envelope {
                    seq: entry.seq,
                    item,
                })
                .await
                .is_err()
            {
                // The first stage is gone: it failed, and its error is reported by its task.
                return Ok(());
            }
        }
    }
    Ok(())
}

fn undecodable_entry(entry: &sar_store::JournalRecord, error: &str) -> DlqRecord {
    DlqRecord {
        stage: Stage::Normalize,
        reason_code: "undecodable".to_owned(),
        message: format!("failed to decode journal entry {}: {error}", entry.seq),
        field_errors: Vec::new(),
        record_id: None,
        source_topic: Some("journal".to_owned()),
        source_partition: None,
        source_offset: i64::try_from(entry.seq).ok(),
        original: entry.payload.clone(),
        original_headers: Vec::<Header>::new(),
        failed_at: crate::now(),
    }
}

/// Writes every outcome to the sinks, a batch per transaction, with the checkpoint.
async fn collect(
    journal: Arc<Mutex<Journal>>,
    codec: Arc<Codec>,
    mut routed_rx: mpsc::Receiver<Envelope<RoutedRecord>>,
    batch_size: usize,
    progress: watch::Sender<u64>,
    metrics: Metrics,
) -> anyhow::Result<()> {
    let mut batch = Vec::with_capacity(batch_size);
    loop {
        batch.clear();
        if routed_rx.recv_many(&mut batch, batch_size).await == 0 {
            return Ok(());
        }
        let mut items = Vec::with_capacity(batch.len());
        let mut through_seq = 0;
        for envelope in batch.drain(..) {
            through_seq = through_seq.max(envelope.seq);
            let item = match envelope.item {
                Item::Record(record) => SinkItem {
                    sink: ROUTED_SINK,
                    report_id: record.report_id().to_string(),
                    seq: envelope.seq,
                    payload: codec
                        .encode(&record)
                        .context("failed to encode a routed record")?,
                },
                Item::Rejected(dead_letter) => SinkItem {
                    sink: DLQ_SINK,
                    report_id: dead_letter
                        .record_id
                        .as_ref()
                        .map_or_else(|| format!("seq:{}", envelope.seq), ToString::to_string),
                    seq: envelope.seq,
                    payload: codec
                        .encode(&dead_letter)
                        .context("failed to encode a dead letter")?,
                },
            };
            items.push(item);
        }
        let writer = Arc::clone(&journal);
        let outcome = tokio::task::spawn_blocking(move || {
            lock(&writer)?
                .deliver(PIPELINE_CONSUMER, &items, through_seq)
                .context("failed to write to the sinks")
        })
        .await
        .context("the sink writer panicked")??;
        metrics
            .journal()
            .sink_delivered(ROUTED_SINK, outcome.inserted, outcome.duplicates);
        // Nobody listening (run is stopping) is fine.
        let _ = progress.send(through_seq);
    }
}

async fn run_kafka(
    config: &RunConfig,
    args: &RunArgs,
    stages: Stages,
    output: &mut dyn Write,
) -> anyhow::Result<()> {
    use sar_schema::{GATED, NORMALIZED, RAW, ROUTED, SCORED};
    let shutdown = sar_telemetry::shutdown_token();
    let metrics = Metrics::new();
    let readiness = Readiness::new();
    let admin =
        crate::admin::start(config.telemetry.admin_addr, &metrics, &readiness, &shutdown).await?;
    kafka::create_topics(&config.kafka, &sar_schema::all_topics())
        .await
        .context("failed to create the topics")?;
    let mut tasks = JoinSet::new();
    if args.external_stages {
        tracing::info!("the stages run elsewhere (sarflow serve <stage>)");
    } else {
        spawn_kafka_stage(
            &mut tasks,
            stages.normalize,
            config,
            RAW,
            NORMALIZED,
            &metrics,
            &readiness,
            &shutdown,
        );
        spawn_kafka_stage(
            &mut tasks,
            stages.score,
            config,
            NORMALIZED,
            SCORED,
            &metrics,
            &readiness,
            &shutdown,
        );
        spawn_kafka_stage(
            &mut tasks,
            stages.gate,
            config,
            SCORED,
            GATED,
            &metrics,
            &readiness,
            &shutdown,
        );
        spawn_kafka_stage(
            &mut tasks,
            stages.route,
            config,
            GATED,
            ROUTED,
            &metrics,
            &readiness,
            &shutdown,
        );
    }
    // The journal is the intake's outbox: a record is durable there before it is accepted, and
    // the relay publishes it to the raw topic (acks=all) from its own checkpoint.
    let Store {
        journal_path,
        new_records,
        committer,
        journal,
    } = Store::open(config, &metrics)?;
    let codec = Arc::new(Codec::new()?);
    let api = Api::start(
        ApiParts {
            config,
            store_path: &journal_path,
            committer: Arc::clone(&committer),
            codec: Arc::clone(&codec),
            metrics: &metrics,
            shutdown: &shutdown,
        },
        RoutedSource::Kafka(config.kafka.clone()),
    )
    .await?;
    readiness.set("api_listening", true);
    let stop_relay = CancellationToken::new();
    let relay_task = tokio::spawn(relay(
        Arc::clone(&journal),
        config.kafka.clone(),
        config.embedded.batch_size,
        Arc::clone(&new_records),
        stop_relay.clone(),
    ));
    if let Some(input) = intake_source(args)? {
        let committer = Arc::clone(&committer);
        let notify = Arc::clone(&new_records);
        let summary = tokio::task::spawn_blocking(move || {
            ingest::ingest_lines(input, &committer, &codec, || notify.notify_one())
        })
        .await
        .context("the intake task panicked")??;
        tracing::info!(
            accepted = summary.accepted,
            duplicates = summary.duplicates,
            failed = summary.failed,
            "intake journaled; the relay publishes it to the raw topic"
        );
    }
    if args.demo {
        demo::print_credentials(config, api.addr, output)?;
    }
    let mut first_error = None;
    if args.external_stages {
        shutdown.cancelled().await;
    }
    while let Some(joined) = tasks.join_next().await {
        let result = joined
            .context("a stage panicked")
            .and_then(|result| result.map_err(anyhow::Error::from));
        if let Err(error) = result {
            tracing::error!(error = %format!("{error:#}"), "a stage failed; stopping the others");
            shutdown.cancel();
            first_error.get_or_insert(error);
        }
    }
    shutdown.cancel();
    stop_relay.cancel();
    match relay_task.await.context("the relay panicked")? {
        Ok(published) => tracing::info!(published, "relay stopped"),
        Err(error) => {
            tracing::error!(error = %format!("{error:#}"), "the relay failed");
            first_error.get_or_insert(error);
        }
    }
    if let Err(error) = api.stop().await {
        first_error.get_or_insert(error);
    }
    crate::admin::stop(admin).await;
    if let Ok(committer) = Arc::try_unwrap(committer) {
        committer
            .shutdown()
            .context("failed to close the journal writer")?;
    }
    first_error.map_or(Ok(()), Err)
}

/// The deployment's store, opened for a run: the group committer (each of whose commits is
/// observed in the journal metrics, and wakes whoever reads the journal next, the feeder or the
/// Kafka relay, when it wrote new entries) and a reading connection.
struct Store {
    journal_path: PathBuf,
    new_records: Arc<Notify>,
    committer: Arc<GroupCommitter>,
    journal: Arc<Mutex<Journal>>,
}

impl Store {
    fn open(config: &RunConfig, metrics: &Metrics) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("failed to create {}", config.data_dir.display()))?;
        let journal_path = config.data_dir.join(STORE_FILE);
        let new_records = Arc::new(Notify::new());
        let wake_reader = Arc::clone(&new_records);
        let journal_metrics = metrics.clone();
        let committer = Arc::new(GroupCommitter::spawn_with_observer(
            Journal::open(&journal_path).context("failed to open the journal")?,
            move |report| {
                if report.succeeded {
                    journal_metrics
                        .journal()
                        .observe_commit(report.elapsed.as_secs_f64(), report.n_entries);
                }
                if report.n_new > 0 {
                    wake_reader.notify_one();
                }
            },
        ));
        let journal = Arc::new(Mutex::new(
            Journal::open(&journal_path).context("failed to open the journal")?,
        ));
        Ok(Self {
            journal_path,
            new_records,
            committer,
            journal,
        })
    }
}

/// The consumer name of the Kafka relay's checkpoint in the journal.
const RELAY_CONSUMER: &str = "kafka_relay";

/// Publishes journal entries after the relay's checkpoint to the raw topic, a batch at a time
/// (acks=all), and stores the checkpoint at most every `RELAY_CHECKPOINT_EVERY` and whenever it
/// catches up: each stored checkpoint is a write transaction (and an fsync) that would otherwise
/// compete with the intake's group commits once per batch. A crash republishes what was
/// published since the last stored checkpoint; every consumer downstream is idempotent by
/// report id.
async fn relay(
    journal: Arc<Mutex<Journal>>,
    kafka_config: kafka::KafkaConfig,
    batch_size: usize,
    new_records: Arc<Notify>,
    stop: CancellationToken,
) -> anyhow::Result<u64> {
    let publisher = kafka::EncodedPublisher::new(&kafka_config, sar_schema::RAW)
        .context("failed to create the relay's producer")?;
    let mut cursor = lock(&journal)?.checkpoint(RELAY_CONSUMER)?;
    let mut stored = cursor;
    let mut stored_at = Instant::now();
    let mut published = 0;
    while !stop.is_cancelled() {
        let reader = Arc::clone(&journal);
        let entries = tokio::task::spawn_blocking(move || {
            lock(&reader)?
                .read_after(cursor, batch_size)
                .context("failed to read the journal")
        })
        .await
        .context("the journal reader panicked")??;
        let Some(last) = entries.last().map(|entry| entry.seq) else {
            if stored < cursor {
                store_relay_checkpoint(&journal, cursor).await?;
                (stored, stored_at) = (cursor, Instant::now());
            }
            tokio::select! {
                () = new_records.notified() => {}
                () = tokio::time::sleep(FEEDER_POLL) => {}
                () = stop.cancelled() => {}
            }
            continue;
        };
        let mut messages = Vec::with_capacity(entries.len());
        for entry in entries {
            let id = sar_model::ReportId::parse(&entry.report_id)
                .map_err(|_| anyhow::anyhow!("journal entry {} has no report id", entry.seq))?;
            messages.push((id, entry.payload));
        }
        published += publisher
            .publish(messages)
            .await
            .context("failed to publish journal entries to the raw topic")?;
        cursor = last;
        if stored_at.elapsed() >= RELAY_CHECKPOINT_EVERY {
            store_relay_checkpoint(&journal, cursor).await?;
            (stored, stored_at) = (cursor, Instant::now());
        }
    }
    if stored < cursor {
        store_relay_checkpoint(&journal, cursor).await?;
    }
    Ok(published)
}

/// How often at most the relay stores its checkpoint while it has entries to publish.
const RELAY_CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

async fn store_relay_checkpoint(journal: &Arc<Mutex<Journal>>, through: u64) -> anyhow::Result<()> {
    let writer = Arc::clone(journal);
    tokio::task::spawn_blocking(move || {
        lock(&writer)?
            .deliver(RELAY_CONSUMER, &[], through)
            .context("failed to advance the relay checkpoint")
    })
    .await
    .context("the checkpoint writer panicked")??;
    Ok(())
}

/// Spawns one stage as a Kafka consumer-group task of this process.
#[allow(clippy::too_many_arguments)] // the same inputs `kafka::run_stage` takes, plus the set
fn spawn_kafka_stage<S: sar_bus::Stage>(
    tasks: &mut JoinSet<Result<(), sar_bus::BusError>>,
    stage: Arc<S>,
    config: &RunConfig,
    input: sar_schema::Topic<S::Input>,
    output: sar_schema::Topic<S::Output>,
    metrics: &Metrics,
    readiness: &Readiness,
    shutdown: &CancellationToken,
) {
    let (kafka_config, metrics, readiness, shutdown) = (
        config.kafka.clone(),
        metrics.clone(),
        readiness.clone(),
        shutdown.clone(),
    );
    tasks.spawn(async move {
        kafka::run_stage(
            stage,
            &kafka_config,
            input,
            output,
            &metrics,
            &readiness,
            shutdown,
        )
        .await
        .map(|_| ())
    });
}
