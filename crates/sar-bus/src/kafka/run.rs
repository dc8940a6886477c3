//! The consume-transform-produce loop shared by `run_stage` and `run_passthrough`.
//!
//! Poll thread (see `poll`) -> bounded channel -> processing (batches, transformed on the blocking
//! pool) -> producer. At least once: a bounded queue of batches awaits their delivery reports
//! (pipelined with the next batch), retries failed deliveries with exponential backoff, then
//! completes the input offsets, which the poll thread stores. Exactly once: one transaction per
//! batch carries the outputs, the dead letters and the input offsets; an error aborts it and
//! rewinds the consumer to the first uncommitted offsets.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use rdkafka::{
    Offset, TopicPartitionList,
    error::KafkaError,
    producer::{DeliveryFuture, FutureProducer, FutureRecord, Producer},
    types::RDKafkaErrorCode,
};
use sar_model::{
    ids::ReportId,
    records::Header,
    reject::{Reject, RejectCode},
};
use sar_schema::Codec;
use sar_telemetry::{Metrics, Readiness, StageMetrics};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, debug_span, info, trace_span, warn};

use super::{
    KafkaConfig,
    headers::{self, TRACEPARENT_HEADER},
    poll::{self, Command, Fetched, PollSetup, Shared},
};
use crate::{
    BusError, Keyed, Stage,
    dlq::{self, Source},
};

/// What a run did, returned when it stops.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StageSummary {
    /// Input records taken for processing (a record read again after a rewind counts again).
    pub received: u64,
    /// Output records acknowledged (delivered, or committed with their transaction).
    pub sent: u64,
    /// Records written to the dead-letter topic.
    pub dropped: u64,
    /// Infrastructure errors (failed deliveries, aborted transactions).
    pub errors: u64,
    /// Batches processed.
    pub batches: u64,
}

/// Readiness condition: the consumer has partitions.
pub const READY_PARTITIONS: &str = "partitions_assigned";
/// Readiness condition: outputs are being delivered (false while a delivery is retried).
pub const READY_DELIVERY: &str = "delivery";

/// One outgoing record: an output or a dead letter, for one input offset.
pub(crate) struct Outgoing {
    partition: i32,
    offset: i64,
    to_dlq: bool,
    key: Option<Vec<u8>>,
    value: Vec<u8>,
    headers: Vec<Header>,
}

/// A transformed batch.
pub(crate) struct Transformed {
    outgoing: Vec<Outgoing>,
    /// Dead letters per reason code.
    dropped: Vec<(&'static str, u64)>,
}

/// What runs between the topics: a typed stage or the byte-copying passthrough.
pub(crate) trait Transform: Send + Sync + 'static {
    fn transform(&self, batch: Vec<Fetched>, source_topic: &str) -> Result<Transformed, BusError>;
}

/// A `Stage` with the codec: decode, process, encode; failures become dead letters.
pub(crate) struct StageTransform<S> {
    pub(crate) stage: Arc<S>,
    pub(crate) codec: Arc<Codec>,
}

impl<S: Stage> Transform for StageTransform<S> {
    fn transform(&self, batch: Vec<Fetched>, source_topic: &str) -> Result<Transformed, BusError> {
        let now = crate::now();
        let mut transformed = Transformed {
            outgoing: Vec::with_capacity(batch.len()),
            dropped: Vec::new(),
        };
        for fetched in batch {
            let Fetched {
                partition,
                offset,
                key,
                payload,
                headers,
                epoch: _,
            } = fetched;
            let source = Source {
                topic: Some(source_topic.to_owned()),
                partition: Some(partition),
                offset: Some(offset),
            };
            let key_id = key
                .as_deref()
                .and_then(|key| std::str::from_utf8(key).ok())
                .and_then(|text| ReportId::parse(text).ok());
            let incoming_trace = headers::find(&headers, TRACEPARENT_HEADER).map(<[u8]>::to_vec);
            let (reason, dead) = match self.codec.decode::<S::Input>(&payload) {
                Err(error) => {
                    let _span =
                        trace_span!("record", topic = source_topic, partition, offset).entered();
                    let reason = RejectCode::Undecodable.as_str();
                    (
                        reason,
                        dlq::undecodable(S::STAGE, &error, key_id, source, payload, headers),
                    )
                }
                Ok(input) => {
                    let record_id = *input.report_id();
                    let _span = trace_span!("record", topic = source_topic, partition, offset, record_id = %record_id)
                        .entered();
                    let result = self.stage.process(input, now).and_then(|output| {
                        self.codec.encode(&output).map_err(|error| Reject {
                            code: RejectCode::InvariantViolated,
                            message: format!("failed to encode the output: {error}"),
                            field_errors: Vec::new(),
                        })
                    });
                    match result {
                        Ok(value) => {
                            let traceparent = headers::next_traceparent(
                                incoming_trace.as_deref(),
                                Some(&record_id),
                            );
                            transformed.outgoing.push(Outgoing {
                                partition,
                                offset,
                                to_dlq: false,
                                key: Some(record_id.to_string().into_bytes()),
                                headers: outgoing_headers(&value, &traceparent),
                                value,
                            });
                            continue;
                        }
                        Err(reject) => (
                            reject.code.as_str(),
                            dlq::rejected(
                                S::STAGE,
                                reject,
                                Some(record_id),
                                source,
                                payload,
                                headers,
                            ),
                        ),
                    }
                }
            };
            count(&mut transformed.dropped, reason);
            let record_id = dead.record_id;
            let value = self.codec.encode(&dead)?;
            let traceparent =
                headers::next_traceparent(incoming_trace.as_deref(), record_id.as_ref());
            transformed.outgoing.push(Outgoing {
                partition,
                offset,
                to_dlq: true,
                key: record_id.map(|id| id.to_string().into_bytes()).or(key),
                headers: outgoing_headers(&value, &traceparent),
                value,
            });
        }
        Ok(transformed)
    }
}

fn outgoing_headers(value: &[u8], traceparent: &str) -> Vec<Header> {
    let mut list = Vec::with_capacity(2);
    if let Some(fingerprint) = headers::fingerprint_hex(value) {
        list.push(Header {
            key: headers::FINGERPRINT_HEADER.to_owned(),
            value: fingerprint.into_bytes(),
        });
    }
    list.push(Header {
        key: TRACEPARENT_HEADER.to_owned(),
        value: traceparent.as_bytes().to_vec(),
    });
    list
}

fn count(counts: &mut Vec<(&'static str, u64)>, reason: &'static str) {
    match counts.iter_mut().find(|(code, _)| *code == reason) {
        Some((_, n)) => *n += 1,
        None => counts.push((reason, 1)),
    }
}

/// Copies key, value and headers unchanged: the baseline for benches.
pub(crate) struct Passthrough;

impl Transform for Passthrough {
    fn transform(&self, batch: Vec<Fetched>, _source_topic: &str) -> Result<Transformed, BusError> {
        let outgoing = batch
            .into_iter()
            .map(|fetched| Outgoing {
                partition: fetched.partition,
                offset: fetched.offset,
                to_dlq: false,
                key: fetched.key,
                value: fetched.payload,
                headers: fetched.headers,
            })
            .collect();
        Ok(Transformed {
            outgoing,
            dropped: Vec::new(),
        })
    }
}

/// Physical topic names of one run.
pub(crate) struct Topics {
    pub(crate) input: String,
    pub(crate) output: String,
    pub(crate) dlq: Option<String>,
}

/// Everything the loops share.
struct Run<T> {
    transform: Arc<T>,
    topics: Arc<Topics>,
    stage: &'static str,
    producer: FutureProducer,
    shared: Arc<Shared>,
    metrics: StageMetrics,
    readiness: Readiness,
    counters: Counters,
    shutdown: CancellationToken,
    batch_size: usize,
    /// Timeout of blocking transactional calls.
    transaction_timeout: Duration,
}

#[derive(Default)]
struct Counters {
    received: AtomicU64,
    sent: AtomicU64,
    dropped: AtomicU64,
    errors: AtomicU64,
    batches: AtomicU64,
}

impl Counters {
    fn summary(&self) -> StageSummary {
        StageSummary {
            received: self.received.load(Ordering::Relaxed),
            sent: self.sent.load(Ordering::Relaxed),
            dropped: self.dropped.load(Ordering::Relaxed),
            errors: self.errors.load(Ordering::Relaxed),
            batches: self.batches.load(Ordering::Relaxed),
        }
    }
}

/// Runs `transform` from `topics.input` to `topics.output` until `shutdown` fires.
pub(crate) async fn run<T: Transform>(
    transform: T,
    config: &KafkaConfig,
    topics: Topics,
    stage: &'static str,
    metrics: &Metrics,
    readiness: &Readiness,
    shutdown: CancellationToken,
) -> Result<StageSummary, BusError> {
    let group = config.group_for(stage);
    let transactional_id = config.exactly_once.then(|| {
        config
            .transactional_id
            .clone()
            .unwrap_or_else(|| format!("{group}-{:016x}", random_suffix()))
    });
    let producer: FutureProducer = config
        .producer_client(transactional_id.as_deref())
        .create()
        .map_err(|error| BusError::kafka("create producer", &error))?;
    let transaction_timeout = config.shutdown_timeout.max(Duration::from_secs(10));
    if transactional_id.is_some() {
        let init = producer.clone();
        blocking("init transactions", move || {
            init.init_transactions(transaction_timeout)
        })
        .await?;
    }
    let shared = Arc::new(Shared {
        tracker: Default::default(),
        completed: Default::default(),
        group_metadata: Default::default(),
        topic: topics.input.clone(),
        stage,
        metrics: metrics.clone(),
        readiness: readiness.clone(),
        ready_condition: READY_PARTITIONS,
        exactly_once: config.exactly_once,
        revoke_wait: config.shutdown_timeout,
    });
    readiness.set(READY_PARTITIONS, false);
    readiness.set(READY_DELIVERY, true);
    let (sender, receiver) = mpsc::channel(config.channel_capacity);
    let (commands, command_receiver) = std::sync::mpsc::channel();
    let poll_thread = poll::spawn(PollSetup {
        client: config.stage_consumer_client(&group),
        shared: Arc::clone(&shared),
        sender,
        commands: command_receiver,
        shutdown: shutdown.clone(),
    })
    .await?;
    info!(stage, topic = %topics.input, group = %group, exactly_once = config.exactly_once, "stage started");
    let run = Arc::new(Run {
        transform: Arc::new(transform),
        topics: Arc::new(topics),
        stage,
        producer,
        shared,
        metrics: metrics.stage(stage),
        readiness: readiness.clone(),
        counters: Counters::default(),
        shutdown: shutdown.clone(),
        batch_size: config.batch_size,
        transaction_timeout,
    });
    let shutdown_timeout = config.shutdown_timeout;
    let work = {
        let run = Arc::clone(&run);
        async move {
            let result = if transactional_id.is_some() {
                exactly_once_loop(&run, receiver, &commands).await
            } else {
                at_least_once_loop(&run, receiver).await
            };
            let flush = run.producer.clone();
            let flushed = blocking("flush producer", move || flush.flush(shutdown_timeout)).await;
            if let Err(error) = &flushed {
                warn!(stage = run.stage, %error, "producer flush incomplete");
            }
            // Store, commit synchronously and close on the poll thread; it may have gone already.
            let _ = commands.send(Command::Finish);
            tokio::task::spawn_blocking(move || poll_thread.join())
                .await
                .map_err(|error| task_error("poll thread", &error))?
                .map_err(|_| BusError::Task {
                    task: "poll thread",
                    detail: "panicked".to_owned(),
                })?;
            result
        }
    };
    let mut work = std::pin::pin!(work);
    let result = tokio::select! {
        result = &mut work => result,
        () = shutdown.cancelled() => {
            match tokio::time::timeout(shutdown_timeout, &mut work).await {
                Ok(result) => result,
                Err(_) => Err(BusError::ShutdownTimeout {
                    stage,
                    timeout_ms: shutdown_timeout.as_millis(),
                }),
            }
        }
    };
    let summary = run.counters.summary();
    info!(
        stage,
        received = summary.received,
        sent = summary.sent,
        dropped = summary.dropped,
        "stage stopped"
    );
    result.map(|()| summary)
}

/// A batch whose delivery reports the acker awaits.
struct Sent {
    items: Vec<(Outgoing, Result<DeliveryFuture, KafkaError>)>,
    epoch: u64,
}

async fn at_least_once_loop<T: Transform>(
    run: &Arc<Run<T>>,
    mut receiver: mpsc::Receiver<Fetched>,
) -> Result<(), BusError> {
    // Two batches may await delivery while the next one is processed.
    let (ack_sender, ack_receiver) = mpsc::channel::<Sent>(2);
    let process = async {
        while let Some((batch, span)) = next_batch(run, &mut receiver).await {
            let epoch = batch.first().map_or(0, |fetched| fetched.epoch);
            let transformed = transform_batch(run, batch, span.clone()).await?;
            let mut items = Vec::with_capacity(transformed.outgoing.len());
            for item in transformed.outgoing {
                let future = enqueue(&run.producer, &run.topics, &item).await;
                items.push((item, future));
            }
            if ack_sender
                .send(Sent { items, epoch })
                .instrument(span)
                .await
                .is_err()
            {
                break;
            }
        }
        drop(ack_sender);
        Ok::<(), BusError>(())
    };
    let acker = acknowledge(run, ack_receiver);
    let (processed, ()) = tokio::join!(process, acker);
    processed
}

/// The next batch: waits for one message, then takes what is there, up to `batch_size`.
async fn next_batch<T>(
    run: &Run<T>,
    receiver: &mut mpsc::Receiver<Fetched>,
) -> Option<(Vec<Fetched>, tracing::Span)> {
    let mut batch = Vec::with_capacity(run.batch_size);
    let n_received = tokio::select! {
        biased;
        () = run.shutdown.cancelled() => 0,
        n_received = receiver.recv_many(&mut batch, run.batch_size) => n_received,
    };
    if n_received == 0 {
        return None;
    }
    let span =
        debug_span!("batch", stage = run.stage, topic = %run.topics.input, batch_size = n_received);
    Some((batch, span))
}

async fn transform_batch<T: Transform>(
    run: &Arc<Run<T>>,
    batch: Vec<Fetched>,
    span: tracing::Span,
) -> Result<Transformed, BusError> {
    let started = Instant::now();
    let n_received = batch.len() as u64;
    let transform = Arc::clone(&run.transform);
    let topics = Arc::clone(&run.topics);
    let transformed = tokio::task::spawn_blocking(move || {
        span.in_scope(|| transform.transform(batch, &topics.input))
    })
    .await
    .map_err(|error| task_error("transform", &error))??;
    run.metrics.observe_batch_size(n_received as usize);
    run.metrics.received(n_received);
    for (reason, n_dropped) in &transformed.dropped {
        run.metrics.dropped(reason, false, *n_dropped);
    }
    run.metrics
        .observe_processing(started.elapsed().as_secs_f64());
    run.counters
        .received
        .fetch_add(n_received, Ordering::Relaxed);
    run.counters.batches.fetch_add(1, Ordering::Relaxed);
    Ok(transformed)
}

fn record<'a>(topics: &'a Topics, item: &'a Outgoing) -> FutureRecord<'a, [u8], [u8]> {
    let topic = match (&topics.dlq, item.to_dlq) {
        (Some(dlq), true) => dlq.as_str(),
        _ => topics.output.as_str(),
    };
    let mut record = FutureRecord::to(topic)
        .payload(item.value.as_slice())
        .headers(headers::copied(&item.headers));
    if let Some(key) = &item.key {
        record = record.key(key.as_slice());
    }
    record
}

/// Hands a record to the producer, waiting while its queue is full.
async fn enqueue(
    producer: &FutureProducer,
    topics: &Topics,
    item: &Outgoing,
) -> Result<DeliveryFuture, KafkaError> {
    loop {
        match producer.send_result(record(topics, item)) {
            Ok(future) => return Ok(future),
            Err((error, _)) if error.rdkafka_error_code() == Some(RDKafkaErrorCode::QueueFull) => {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            Err((error, _)) => return Err(error),
        }
    }
}

/// Awaits delivery reports batch by batch, retrying failures, and completes the offsets.
async fn acknowledge<T>(run: &Run<T>, mut batches: mpsc::Receiver<Sent>) {
    while let Some(batch) = batches.recv().await {
        let mut done = Vec::with_capacity(batch.items.len());
        let (mut n_sent, mut n_dropped) = (0, 0);
        for (item, first) in batch.items {
            if !deliver(run, &item, first).await {
                continue;
            }
            done.push((item.partition, item.offset));
            if item.to_dlq {
                n_dropped += 1;
            } else {
                n_sent += 1;
            }
        }
        run.shared.complete(&done, batch.epoch);
        run.metrics.sent(n_sent);
        run.counters.sent.fetch_add(n_sent, Ordering::Relaxed);
        run.counters.dropped.fetch_add(n_dropped, Ordering::Relaxed);
    }
}

/// Waits for one record's delivery, re-sending with exponential backoff on failure. False when
/// shutdown came first: the offset is not stored and the record will be read again.
async fn deliver<T>(
    run: &Run<T>,
    item: &Outgoing,
    first: Result<DeliveryFuture, KafkaError>,
) -> bool {
    let mut attempt = first;
    let mut backoff = Duration::from_millis(100);
    loop {
        let error = match attempt {
            Ok(future) => match future.await {
                Ok(Ok(_)) => {
                    if backoff > Duration::from_millis(100) {
                        run.readiness.set(READY_DELIVERY, true);
                        info!(stage = run.stage, "delivery recovered");
                    }
                    return true;
                }
                Ok(Err((error, _))) => error.to_string(),
                Err(_) => "producer dropped the delivery report".to_owned(),
            },
            Err(error) => error.to_string(),
        };
        run.metrics.error("produce_failed");
        run.metrics.produce_error("delivery_failed");
        run.counters.errors.fetch_add(1, Ordering::Relaxed);
        run.readiness.set(READY_DELIVERY, false);
        warn!(
            stage = run.stage,
            partition = item.partition,
            offset = item.offset,
            error,
            "delivery failed, retrying"
        );
        if run.shutdown.is_cancelled() {
            return false;
        }
        tokio::select! {
            () = run.shutdown.cancelled() => return false,
            () = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(Duration::from_secs(10));
        attempt = enqueue(&run.producer, &run.topics, item).await;
    }
}

async fn exactly_once_loop<T: Transform>(
    run: &Arc<Run<T>>,
    mut receiver: mpsc::Receiver<Fetched>,
    commands: &std::sync::mpsc::Sender<Command>,
) -> Result<(), BusError> {
    let mut epoch = 0;
    let mut backoff = Duration::from_millis(100);
    while let Some((mut batch, span)) = next_batch(run, &mut receiver).await {
        // Messages fetched before the last rewind will be read again: drop them.
        batch.retain(|fetched| fetched.epoch == epoch);
        if batch.is_empty() {
            continue;
        }
        let mut offsets = Vec::<(i32, i64)>::new();
        let mut all = Vec::with_capacity(batch.len());
        for fetched in &batch {
            all.push((fetched.partition, fetched.offset));
            match offsets
                .iter_mut()
                .find(|(partition, _)| *partition == fetched.partition)
            {
                Some((_, next)) => *next = (*next).max(fetched.offset + 1),
                None => offsets.push((fetched.partition, fetched.offset + 1)),
            }
        }
        let transformed = transform_batch(run, batch, span.clone()).await?;
        let n_sent = transformed
            .outgoing
            .iter()
            .filter(|item| !item.to_dlq)
            .count() as u64;
        let n_dropped = transformed.outgoing.len() as u64 - n_sent;
        let committed = commit_batch(run, transformed, &offsets)
            .instrument(span)
            .await;
        match committed {
            Ok(()) => {
                run.shared.complete(&all, epoch);
                run.metrics.sent(n_sent);
                run.counters.sent.fetch_add(n_sent, Ordering::Relaxed);
                run.counters.dropped.fetch_add(n_dropped, Ordering::Relaxed);
                if backoff > Duration::from_millis(100) {
                    run.readiness.set(READY_DELIVERY, true);
                    backoff = Duration::from_millis(100);
                }
            }
            Err(TransactionError::Fatal(error)) => return Err(error),
            Err(TransactionError::Aborted(error)) => {
                run.metrics.error("transaction_aborted");
                run.counters.errors.fetch_add(1, Ordering::Relaxed);
                run.readiness.set(READY_DELIVERY, false);
                warn!(stage = run.stage, %error, "transaction aborted, rewinding");
                let (reply, new_epoch) = oneshot::channel();
                if commands.send(Command::Rewind(reply)).is_err() {
                    return Ok(());
                }
                match new_epoch.await {
                    Ok(Ok(new_epoch)) => epoch = new_epoch,
                    Ok(Err(error)) => return Err(error),
                    Err(_) => return Ok(()),
                }
                tokio::select! {
                    () = run.shutdown.cancelled() => return Ok(()),
                    () = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(Duration::from_secs(10));
            }
        }
    }
    Ok(())
}

enum TransactionError {
    /// The transaction was aborted; the batch will be read again.
    Aborted(BusError),
    /// The producer cannot go on (fenced, or abort failed).
    Fatal(BusError),
}

/// One transaction: outputs, dead letters and the input offsets.
async fn commit_batch<T>(
    run: &Arc<Run<T>>,
    transformed: Transformed,
    offsets: &[(i32, i64)],
) -> Result<(), TransactionError> {
    let metadata = run
        .shared
        .group_metadata
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
        .ok_or_else(|| {
            TransactionError::Aborted(BusError::Kafka {
                action: "read the consumer group metadata",
                detail: "no partitions assigned".to_owned(),
            })
        })?;
    let mut list = TopicPartitionList::new();
    for (partition, next) in offsets {
        list.add_partition_offset(&run.topics.input, *partition, Offset::Offset(*next))
            .map_err(|error| {
                TransactionError::Aborted(BusError::kafka("build the offset list", &error))
            })?;
    }
    let producer = run.producer.clone();
    let topics = Arc::clone(&run.topics);
    let timeout = run.transaction_timeout;
    let result = blocking_call("run the transaction", move || {
        producer.begin_transaction()?;
        let mut futures = Vec::with_capacity(transformed.outgoing.len());
        for item in &transformed.outgoing {
            loop {
                match producer.send_result(record(&topics, item)) {
                    Ok(future) => {
                        futures.push(future);
                        break;
                    }
                    Err((error, _))
                        if error.rdkafka_error_code() == Some(RDKafkaErrorCode::QueueFull) =>
                    {
                        producer.poll(Duration::from_millis(5));
                    }
                    Err((error, _)) => return Err(error),
                }
            }
        }
        producer.send_offsets_to_transaction(&list, &metadata, timeout)?;
        producer.commit_transaction(timeout)?;
        drop(futures);
        Ok(())
    })
    .await;
    let Err(CallFailed { error, fatal }) = result else {
        return Ok(());
    };
    if fatal {
        return Err(TransactionError::Fatal(error));
    }
    let producer = run.producer.clone();
    match blocking("abort the transaction", move || {
        producer.abort_transaction(timeout)
    })
    .await
    {
        Ok(()) => Err(TransactionError::Aborted(error)),
        Err(abort_error) => Err(TransactionError::Fatal(abort_error)),
    }
}

/// A failed blocking librdkafka call.
struct CallFailed {
    error: BusError,
    /// A fatal transactional error: the producer cannot be used again.
    fatal: bool,
}

/// Runs a blocking librdkafka call on the blocking pool.
async fn blocking_call<R: Send + 'static>(
    action: &'static str,
    call: impl FnOnce() -> Result<R, KafkaError> + Send + 'static,
) -> Result<R, CallFailed> {
    let joined = tokio::task::spawn_blocking(call)
        .await
        .map_err(|error| CallFailed {
            error: task_error("kafka call", &error),
            fatal: true,
        })?;
    joined.map_err(|error| CallFailed {
        fatal: matches!(&error, KafkaError::Transaction(inner) if inner.is_fatal()),
        error: BusError::kafka(action, &error),
    })
}

async fn blocking<R: Send + 'static>(
    action: &'static str,
    call: impl FnOnce() -> Result<R, KafkaError> + Send + 'static,
) -> Result<R, BusError> {
    blocking_call(action, call)
        .await
        .map_err(|failed| failed.error)
}

fn task_error(task: &'static str, error: &tokio::task::JoinError) -> BusError {
    BusError::Task {
        task,
        detail: error.to_string(),
    }
}

fn random_suffix() -> u64 {
    use std::hash::BuildHasher;
    std::collections::hash_map::RandomState::new().hash_one(0u8)
}
