//! The poll thread: owns the group `BaseConsumer`, serves librdkafka's synchronous callbacks
//! (rebalance, statistics) and feeds the processing task through a bounded channel. When the
//! channel is full it holds the messages in hand and stops polling until the stage takes a batch
//! (not `pause`: see the backpressure comment in `poll_thread`); the stage always drains the
//! channel, so rebalance callbacks are served at the next poll (Quickwit PR #1826 deadlocked when
//! a full channel blocked the poll thread for good).
//!
//! Offsets: the processing side completes offsets in the shared `Tracker`; this thread stores
//! the ready ones (`enable.auto.offset.store=false`), librdkafka auto-commits stored offsets, and
//! on revoke and at the end this thread commits synchronously. On revoke it first waits (bounded)
//! for the revoked partitions' in-flight records so their offsets make it into that commit.

use std::{
    collections::VecDeque,
    sync::{Arc, Condvar, Mutex, MutexGuard},
    thread::JoinHandle,
    time::{Duration, Instant},
};

use rdkafka::{
    ClientContext, Message, Offset, Statistics, TopicPartitionList,
    consumer::{
        BaseConsumer, CommitMode, Consumer, ConsumerContext, ConsumerGroupMetadata, Rebalance,
    },
    error::KafkaError,
    types::RDKafkaErrorCode,
};
use sar_model::records::Header;
use sar_telemetry::{Metrics, Readiness};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use super::headers;
use crate::{BusError, kafka::offsets::Tracker};

/// A message as handed to the processing task.
#[derive(Debug)]
pub(crate) struct Fetched {
    pub(crate) partition: i32,
    pub(crate) offset: i64,
    pub(crate) key: Option<Vec<u8>>,
    pub(crate) payload: Vec<u8>,
    pub(crate) headers: Vec<Header>,
    /// Tracker epoch when fetched; stale after an exactly-once rewind.
    pub(crate) epoch: u64,
}

/// Requests from the async side.
#[derive(Debug)]
pub(crate) enum Command {
    /// Exactly-once abort: seek every partition back to its first unacknowledged offset and drop
    /// what is buffered; replies with the new epoch, or an error when a partition could not be
    /// rewound (the run must stop).
    Rewind(oneshot::Sender<Result<u64, BusError>>),
    /// Processing is over: store, commit synchronously, close.
    Finish,
}

/// State shared between the poll thread, its callbacks and the async side.
pub(crate) struct Shared {
    pub(crate) tracker: Mutex<Tracker>,
    /// Signalled on every completion.
    pub(crate) completed: Condvar,
    /// The consumer group metadata after the latest assignment (exactly-once).
    pub(crate) group_metadata: Mutex<Option<Arc<ConsumerGroupMetadata>>>,
    pub(crate) topic: String,
    pub(crate) stage: &'static str,
    pub(crate) metrics: Metrics,
    pub(crate) readiness: Readiness,
    /// Readiness condition name.
    pub(crate) ready_condition: &'static str,
    /// Exactly-once: offsets travel in transactions, nothing is stored.
    pub(crate) exactly_once: bool,
    /// Longest wait for in-flight records on revoke.
    pub(crate) revoke_wait: Duration,
}

impl Shared {
    pub(crate) fn tracker(&self) -> MutexGuard<'_, Tracker> {
        // A poisoned lock means a panic elsewhere in the bus; the tracker itself stays
        // consistent (every method leaves it valid), so keep going.
        self.tracker
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Completes offsets and wakes a waiting revoke.
    pub(crate) fn complete(&self, done: &[(i32, i64)], epoch: u64) {
        let mut tracker = self.tracker();
        for (partition, offset) in done {
            tracker.complete(*partition, *offset, epoch);
        }
        drop(tracker);
        self.completed.notify_all();
    }
}

/// The consumer's callbacks.
pub(crate) struct StageContext {
    shared: Arc<Shared>,
}

impl ClientContext for StageContext {
    fn stats(&self, statistics: Statistics) {
        let Some(topic) = statistics.topics.get(&self.shared.topic) else {
            return;
        };
        for (partition, stats) in &topic.partitions {
            if *partition < 0 {
                continue;
            }
            let lag = if self.shared.exactly_once {
                stats.consumer_lag
            } else {
                stats.consumer_lag_stored
            };
            if lag >= 0 {
                self.shared.metrics.consumer_lag(
                    self.shared.stage,
                    &self.shared.topic,
                    *partition,
                    lag,
                );
            }
        }
    }

    fn error(&self, error: KafkaError, reason: &str) {
        warn!(stage = self.shared.stage, %error, reason, "kafka client error");
    }
}

impl ConsumerContext for StageContext {
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let Rebalance::Revoke(list) = rebalance else {
            return;
        };
        let partitions = partitions_of(list);
        info!(stage = self.shared.stage, topic = %self.shared.topic, ?partitions, "partitions revoked");
        let deadline = Instant::now() + self.shared.revoke_wait;
        let mut tracker = self.shared.tracker();
        while tracker.in_flight(&partitions) > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                warn!(
                    stage = self.shared.stage,
                    "revoke: in-flight records not done, they will be read again"
                );
                break;
            }
            tracker = self
                .shared
                .completed
                .wait_timeout(tracker, left)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
        let mut ready = tracker.take_ready();
        for partition in &partitions {
            if let Some(next) = tracker.revoke(*partition) {
                ready.push((*partition, next));
            }
        }
        drop(tracker);
        if !self.shared.exactly_once {
            store(consumer, &self.shared, &ready);
            commit_sync(consumer, self.shared.stage);
        }
        self.shared
            .readiness
            .set(self.shared.ready_condition, false);
    }

    fn post_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Assign(list) => {
                let partitions = partitions_of(list);
                info!(stage = self.shared.stage, topic = %self.shared.topic, ?partitions, "partitions assigned");
                let mut tracker = self.shared.tracker();
                for partition in &partitions {
                    tracker.assign(*partition);
                }
                drop(tracker);
                if let Some(metadata) = consumer.group_metadata() {
                    *self
                        .shared
                        .group_metadata
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) =
                        Some(Arc::new(metadata));
                }
                self.shared
                    .readiness
                    .set(self.shared.ready_condition, !partitions.is_empty());
            }
            Rebalance::Revoke(_) => {}
            Rebalance::Error(error) => {
                warn!(stage = self.shared.stage, %error, "rebalance failed");
                self.shared
                    .metrics
                    .stage(self.shared.stage)
                    .error("rebalance_failed");
            }
        }
    }

    fn commit_callback(&self, result: Result<(), KafkaError>, _offsets: &TopicPartitionList) {
        if let Err(error) = result
            && error.rdkafka_error_code() != Some(RDKafkaErrorCode::NoOffset)
        {
            warn!(stage = self.shared.stage, %error, "offset commit failed");
            let stage = self.shared.metrics.stage(self.shared.stage);
            stage.error("commit_failed");
            stage.commit("error");
        } else {
            self.shared.metrics.kafka_commit(self.shared.stage, "ok");
        }
    }
}

fn partitions_of(list: &TopicPartitionList) -> Vec<i32> {
    list.elements()
        .iter()
        .map(|element| element.partition())
        .collect()
}

/// Stores the next offsets to read (last processed + 1), exactly as given. Not `store_offset`:
/// librdkafka's `rd_kafka_offset_store` stores `offset + 1`, which skipped one record per
/// partition after a restart; `rd_kafka_offsets_store` stores the list's offsets unchanged.
fn store(consumer: &BaseConsumer<StageContext>, shared: &Shared, ready: &[(i32, i64)]) {
    if ready.is_empty() {
        return;
    }
    let mut list = TopicPartitionList::with_capacity(ready.len());
    for (partition, next) in ready {
        if let Err(error) =
            list.add_partition_offset(&shared.topic, *partition, Offset::Offset(*next))
        {
            warn!(stage = shared.stage, partition, %error, "failed to build the offset list");
        }
    }
    if let Err(error) = consumer.store_offsets(&list) {
        // Every partition was revoked meanwhile: their new owner reads these records again.
        debug!(stage = shared.stage, %error, "failed to store offsets");
    }
}

fn commit_sync(consumer: &BaseConsumer<StageContext>, stage: &'static str) {
    match consumer.commit_consumer_state(CommitMode::Sync) {
        Ok(()) => {}
        Err(error) if error.rdkafka_error_code() == Some(RDKafkaErrorCode::NoOffset) => {}
        Err(error) => warn!(stage, %error, "synchronous offset commit failed"),
    }
}

/// What the poll thread needs to start.
pub(crate) struct PollSetup {
    pub(crate) client: rdkafka::ClientConfig,
    pub(crate) shared: Arc<Shared>,
    pub(crate) sender: mpsc::Sender<Fetched>,
    pub(crate) commands: std::sync::mpsc::Receiver<Command>,
    pub(crate) shutdown: CancellationToken,
}

/// Starts the poll thread; returns once the consumer is created and subscribed.
pub(crate) async fn spawn(setup: PollSetup) -> Result<JoinHandle<()>, BusError> {
    let (started_tx, started_rx) = oneshot::channel();
    let thread = std::thread::Builder::new()
        .name(format!("sarflow-poll-{}", setup.shared.stage))
        .spawn(move || poll_thread(setup, started_tx))
        .map_err(|error| BusError::Task {
            task: "poll thread",
            detail: error.to_string(),
        })?;
    match started_rx.await {
        Ok(Ok(())) => Ok(thread),
        Ok(Err(error)) => Err(error),
        Err(_) => Err(BusError::Task {
            task: "poll thread",
            detail: "exited before starting".to_owned(),
        }),
    }
}

/// How long one `poll` may block: bounds how late a command or the shutdown is seen.
const POLL_TIMEOUT: Duration = Duration::from_millis(100);
/// How long to wait before retrying a message that found the channel full.
const BACKPRESSURE_POLL: Duration = Duration::from_millis(5);

fn poll_thread(setup: PollSetup, started: oneshot::Sender<Result<(), BusError>>) {
    let PollSetup {
        client,
        shared,
        sender,
        commands,
        shutdown,
    } = setup;
    let context = StageContext {
        shared: Arc::clone(&shared),
    };
    let consumer: BaseConsumer<StageContext> = match client.create_with_context(context) {
        Ok(consumer) => consumer,
        Err(error) => {
            let _ = started.send(Err(BusError::kafka("create consumer", &error)));
            return;
        }
    };
    if let Err(error) = consumer.subscribe(&[&shared.topic]) {
        let _ = started.send(Err(BusError::kafka("subscribe", &error)));
        return;
    }
    let _ = started.send(Ok(()));

    let mut sender = Some(sender);
    let mut pending: VecDeque<Fetched> = VecDeque::new();
    loop {
        match commands.try_recv() {
            Ok(Command::Finish) | Err(std::sync::mpsc::TryRecvError::Disconnected) => break,
            Ok(Command::Rewind(reply)) => {
                let rewound = rewind(&consumer, &shared, &mut pending);
                let failed = rewound.is_err();
                let _ = reply.send(rewound);
                if failed {
                    break;
                }
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
        }
        if !shared.exactly_once {
            let ready = shared.tracker().take_ready();
            store(&consumer, &shared, &ready);
        }
        if shutdown.is_cancelled() && sender.is_some() {
            // Stop fetching: pause, forget what was not handed on, close the channel.
            set_paused(&consumer, true, shared.stage);
            drop_pending(&shared, &mut pending);
            sender = None;
        }
        if let Some(channel) = &sender {
            while let Some(message) = pending.pop_front() {
                match channel.try_send(message) {
                    Ok(()) => {}
                    Err(mpsc::error::TrySendError::Full(message)) => {
                        pending.push_front(message);
                        break;
                    }
                    Err(mpsc::error::TrySendError::Closed(message)) => {
                        pending.push_front(message);
                        break;
                    }
                }
            }
        }
        if !pending.is_empty() {
            // Backpressure: fetch nothing more until the channel has room. Not `pause`: after
            // pause/resume librdkafka refetches from inside a record batch, and the test broker
            // (tansu 0.6.0) answers such a fetch with nothing, so the rest of the batch was
            // skipped (10-15% of a backpressured stream). librdkafka's own prefetch stays
            // bounded by `queued.max.messages.kbytes`; rebalance callbacks wait for the next
            // poll, which comes as soon as the stage takes a batch.
            std::thread::sleep(BACKPRESSURE_POLL);
            continue;
        }
        match consumer.poll(POLL_TIMEOUT) {
            None => {}
            Some(Ok(message)) => {
                if sender.is_none() {
                    continue;
                }
                let mut tracker = shared.tracker();
                tracker.register(message.partition(), message.offset());
                let epoch = tracker.epoch();
                drop(tracker);
                pending.push_back(Fetched {
                    partition: message.partition(),
                    offset: message.offset(),
                    key: message.key().map(<[u8]>::to_vec),
                    payload: message.payload().map(<[u8]>::to_vec).unwrap_or_default(),
                    headers: headers::from_kafka(message.headers()),
                    epoch,
                });
            }
            Some(Err(error)) => {
                warn!(stage = shared.stage, %error, "consumer error");
                shared.metrics.stage(shared.stage).error("consume_failed");
            }
        }
    }
    drop_pending(&shared, &mut pending);
    if !shared.exactly_once {
        let ready = shared.tracker().take_ready();
        store(&consumer, &shared, &ready);
        commit_sync(&consumer, shared.stage);
    }
    // Whatever is still in flight was abandoned; the revoke that closing triggers must not wait.
    shared.tracker().rewind();
    shared.readiness.set(shared.ready_condition, false);
    info!(stage = shared.stage, "consumer closed");
}

fn drop_pending(shared: &Shared, pending: &mut VecDeque<Fetched>) {
    let mut tracker = shared.tracker();
    for message in pending.drain(..) {
        tracker.forget_from(message.partition, message.offset);
    }
}

fn set_paused(consumer: &BaseConsumer<StageContext>, paused: bool, stage: &'static str) {
    let assignment = match consumer.assignment() {
        Ok(assignment) => assignment,
        Err(error) => {
            warn!(stage, %error, "failed to read the assignment");
            return;
        }
    };
    let result = if paused {
        consumer.pause(&assignment)
    } else {
        consumer.resume(&assignment)
    };
    if let Err(error) = result {
        warn!(stage, %error, paused, "failed to pause or resume partitions");
    }
}

/// Attempts at seeking the partitions back on an exactly-once abort.
const REWIND_ATTEMPTS: u32 = 3;

/// Exactly-once abort: seek back to the first unacknowledged offsets; returns the new epoch.
/// What was fetched before is dropped (stale epoch), so a partition that cannot be rewound would
/// skip records: after `REWIND_ATTEMPTS` failed seeks the run must stop (its committed offsets
/// are still before every unacknowledged record; a restart reads them again).
fn rewind(
    consumer: &BaseConsumer<StageContext>,
    shared: &Shared,
    pending: &mut VecDeque<Fetched>,
) -> Result<u64, BusError> {
    pending.clear();
    let mut tracker = shared.tracker();
    let mut seek_to = tracker.rewind();
    let epoch = tracker.epoch();
    drop(tracker);
    let mut last_error = String::new();
    for attempt in 1..=REWIND_ATTEMPTS {
        if seek_to.is_empty() {
            return Ok(epoch);
        }
        if attempt > 1 {
            std::thread::sleep(POLL_TIMEOUT);
        }
        let mut list = TopicPartitionList::with_capacity(seek_to.len());
        for (partition, offset) in &seek_to {
            list.add_partition_offset(&shared.topic, *partition, Offset::Offset(*offset))
                .map_err(|error| BusError::kafka("build the rewind list", &error))?;
        }
        match consumer.seek_partitions(list, Duration::from_secs(10)) {
            Ok(result) => {
                let failed: Vec<i32> = result
                    .elements()
                    .iter()
                    .filter_map(|element| match element.error() {
                        Ok(()) => None,
                        Err(error) => {
                            last_error = error.to_string();
                            Some(element.partition())
                        }
                    })
                    .collect();
                seek_to.retain(|(partition, _)| failed.contains(partition));
            }
            Err(error) => last_error = error.to_string(),
        }
        if !seek_to.is_empty() {
            warn!(stage = shared.stage, attempt, error = %last_error, "failed to rewind partitions");
        }
    }
    if seek_to.is_empty() {
        return Ok(epoch);
    }
    Err(BusError::Kafka {
        action: "rewind the consumer after an aborted transaction",
        detail: last_error,
    })
}
