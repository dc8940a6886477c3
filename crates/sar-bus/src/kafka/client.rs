//! One-shot clients: topic creation, publishing records or raw bytes, and a schema-aware consumer
//! (`sarflow consume`, tests).

use std::{
    collections::{BTreeMap, HashSet},
    ops::ControlFlow,
    time::Duration,
};

use rdkafka::{
    ClientConfig, Message, Offset, TopicPartitionList,
    admin::{AdminClient, AdminOptions, NewTopic, TopicReplication},
    client::DefaultClientContext,
    consumer::{BaseConsumer, Consumer},
    producer::{FutureProducer, FutureRecord},
    types::RDKafkaErrorCode,
};
use sar_model::{ids::ReportId, records::Header};
use sar_schema::{AvroRecord, Codec, Topic};
use tokio::sync::mpsc;
use tracing::{info, warn};

use super::{KafkaConfig, headers};
use crate::{BusError, Keyed};

/// Timeout of metadata and admin requests.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The outcome of creating one topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicCreated {
    /// Physical name.
    pub name: String,
    /// False when it existed already.
    pub created: bool,
}

/// Creates the topics (logical names, prefixed) that do not exist yet, with `partitions`,
/// `replication_factor` and `retention` (`dlq_retention` for `sar.dlq.*`). A topic that exists
/// already is not an error and is left as it is.
pub async fn create_topics(
    config: &KafkaConfig,
    logical_topics: &[&str],
) -> Result<Vec<TopicCreated>, BusError> {
    config.validate()?;
    let names: Vec<String> = logical_topics
        .iter()
        .map(|logical| config.topic_name(logical))
        .collect();
    let client = config.base_client();
    let existing = tokio::task::spawn_blocking(move || existing_topics(&client))
        .await
        .map_err(|error| BusError::Task {
            task: "fetch metadata",
            detail: error.to_string(),
        })??;
    let missing: Vec<(&String, String)> = names
        .iter()
        .zip(logical_topics)
        .filter(|(name, _)| !existing.contains(*name))
        .map(|(name, logical)| {
            let retention = if logical.starts_with("sar.dlq.") {
                config.dlq_retention
            } else {
                config.retention
            };
            (name, retention.as_millis().to_string())
        })
        .collect();
    let mut created: Vec<TopicCreated> = names
        .iter()
        .filter(|name| existing.contains(*name))
        .map(|name| TopicCreated {
            name: name.clone(),
            created: false,
        })
        .collect();
    if missing.is_empty() {
        return Ok(created);
    }
    let admin: AdminClient<DefaultClientContext> = config
        .base_client()
        .create()
        .map_err(|error| BusError::kafka("create admin client", &error))?;
    let new_topics: Vec<NewTopic<'_>> = missing
        .iter()
        .map(|(name, retention_ms)| {
            NewTopic::new(
                name,
                config.partitions,
                TopicReplication::Fixed(config.replication_factor),
            )
            .set("retention.ms", retention_ms)
        })
        .collect();
    let options = AdminOptions::new().operation_timeout(Some(REQUEST_TIMEOUT));
    let results = admin
        .create_topics(&new_topics, &options)
        .await
        .map_err(|error| BusError::kafka("create topics", &error))?;
    for result in results {
        match result {
            Ok(name) => {
                info!(topic = %name, "topic created");
                created.push(TopicCreated {
                    name,
                    created: true,
                });
            }
            Err((name, RDKafkaErrorCode::TopicAlreadyExists)) => {
                created.push(TopicCreated {
                    name,
                    created: false,
                });
            }
            Err((topic, code)) => {
                return Err(BusError::TopicCreation {
                    topic,
                    detail: code.to_string(),
                });
            }
        }
    }
    Ok(created)
}

fn existing_topics(client: &ClientConfig) -> Result<HashSet<String>, BusError> {
    let consumer: BaseConsumer = client
        .create()
        .map_err(|error| BusError::kafka("create metadata client", &error))?;
    let metadata = consumer
        .fetch_metadata(None, REQUEST_TIMEOUT)
        .map_err(|error| BusError::kafka("fetch metadata", &error))?;
    Ok(metadata
        .topics()
        .iter()
        .filter(|topic| topic.error().is_none() && !topic.partitions().is_empty())
        .map(|topic| topic.name().to_owned())
        .collect())
}

/// Publishes `records` to `topic` (key = report id, headers = fingerprint and a new
/// `traceparent`) and waits for every delivery. Returns the number delivered.
pub async fn publish<T: AvroRecord + Keyed + Send + 'static>(
    config: &KafkaConfig,
    topic: Topic<T>,
    records: Vec<T>,
) -> Result<u64, BusError> {
    let encoded = tokio::task::spawn_blocking(move || {
        let codec = Codec::new()?;
        let mut encoded = Vec::with_capacity(records.len());
        for record in &records {
            let value = codec.encode(record)?;
            let id = record.report_id();
            let traceparent = headers::next_traceparent(None, Some(id));
            let mut list = Vec::with_capacity(2);
            if let Some(fingerprint) = headers::fingerprint_hex(&value) {
                list.push(Header {
                    key: headers::FINGERPRINT_HEADER.to_owned(),
                    value: fingerprint.into_bytes(),
                });
            }
            list.push(Header {
                key: headers::TRACEPARENT_HEADER.to_owned(),
                value: traceparent.into_bytes(),
            });
            encoded.push((Some(id.to_string().into_bytes()), value, list));
        }
        Ok::<_, BusError>(encoded)
    })
    .await
    .map_err(|error| BusError::Task {
        task: "encode records",
        detail: error.to_string(),
    })??;
    produce_all(config, &config.topic_name(topic.name()), encoded).await
}

/// A long-lived producer of values already encoded for one topic (Avro single-object encoding,
/// read back from the embedded journal by the relay), with the same key and headers as
/// [`publish`]: one client, its threads and its broker connections for every batch. The value
/// is not decoded: a consumer that cannot read it dead-letters it.
pub struct EncodedPublisher {
    producer: FutureProducer,
    topic: String,
}

impl std::fmt::Debug for EncodedPublisher {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("EncodedPublisher")
            .field("topic", &self.topic)
            .finish_non_exhaustive()
    }
}

impl EncodedPublisher {
    /// A producer for `topic` with the configured producer settings.
    pub fn new<T: AvroRecord>(config: &KafkaConfig, topic: Topic<T>) -> Result<Self, BusError> {
        config.validate()?;
        let producer: FutureProducer = config
            .producer_client(None)
            .create()
            .map_err(|error| BusError::kafka("create producer", &error))?;
        Ok(Self {
            producer,
            topic: config.topic_name(topic.name()),
        })
    }

    /// Publishes `messages` and waits for every delivery (acks as configured), or an error.
    pub async fn publish(&self, messages: Vec<(ReportId, Vec<u8>)>) -> Result<u64, BusError> {
        produce_with(&self.producer, &self.topic, encoded_messages(messages)).await
    }
}

/// Encoded records as raw messages: keyed by report id, with the fingerprint and traceparent
/// headers.
fn encoded_messages(messages: Vec<(ReportId, Vec<u8>)>) -> Vec<RawMessage> {
    messages
        .into_iter()
        .map(|(id, value)| {
            let mut list = Vec::with_capacity(2);
            if let Some(fingerprint) = headers::fingerprint_hex(&value) {
                list.push(Header {
                    key: headers::FINGERPRINT_HEADER.to_owned(),
                    value: fingerprint.into_bytes(),
                });
            }
            list.push(Header {
                key: headers::TRACEPARENT_HEADER.to_owned(),
                value: headers::next_traceparent(None, Some(&id)).into_bytes(),
            });
            (Some(id.to_string().into_bytes()), value, list)
        })
        .collect()
}

/// Publishes raw values with optional keys and no headers, unchecked: for poison-record tests.
pub async fn publish_raw_bytes(
    config: &KafkaConfig,
    logical_topic: &str,
    messages: Vec<(Option<String>, Vec<u8>)>,
) -> Result<u64, BusError> {
    let messages = messages
        .into_iter()
        .map(|(key, value)| (key.map(String::into_bytes), value, Vec::new()))
        .collect();
    produce_all(config, &config.topic_name(logical_topic), messages).await
}

type RawMessage = (Option<Vec<u8>>, Vec<u8>, Vec<Header>);

async fn produce_all(
    config: &KafkaConfig,
    topic: &str,
    messages: Vec<RawMessage>,
) -> Result<u64, BusError> {
    config.validate()?;
    let producer: FutureProducer = config
        .producer_client(None)
        .create()
        .map_err(|error| BusError::kafka("create producer", &error))?;
    produce_with(&producer, topic, messages).await
}

async fn produce_with(
    producer: &FutureProducer,
    topic: &str,
    messages: Vec<RawMessage>,
) -> Result<u64, BusError> {
    let mut futures = Vec::with_capacity(messages.len());
    for (key, value, list) in &messages {
        loop {
            let mut record = FutureRecord::to(topic)
                .payload(value.as_slice())
                .headers(headers::copied(list));
            if let Some(key) = key {
                record = record.key(key.as_slice());
            }
            match producer.send_result(record) {
                Ok(future) => {
                    futures.push(future);
                    break;
                }
                Err((error, _))
                    if error.rdkafka_error_code() == Some(RDKafkaErrorCode::QueueFull) =>
                {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                Err((error, _)) => return Err(BusError::kafka("produce a record", &error)),
            }
        }
    }
    let mut delivered = 0;
    for future in futures {
        match future.await {
            Ok(Ok(_)) => delivered += 1,
            Ok(Err((error, _))) => return Err(BusError::kafka("deliver a record", &error)),
            Err(_) => {
                return Err(BusError::Kafka {
                    action: "deliver a record",
                    detail: "the producer dropped the delivery report".to_owned(),
                });
            }
        }
    }
    Ok(delivered)
}

/// How `consume` reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsumeOptions {
    /// Start at the earliest offset (otherwise at the end, or at the group's committed offsets).
    pub from_beginning: bool,
    /// Stop after this many records.
    pub count: Option<u64>,
    /// Stop when no record arrived for this long.
    pub idle_timeout: Option<Duration>,
    /// Join this consumer group and commit what was read; `None` reads every partition without
    /// a group and commits nothing.
    pub group_id: Option<String>,
    /// Also see records of open and aborted transactions (`isolation.level=read_uncommitted`).
    pub read_uncommitted: bool,
}

/// One record read by `consume`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsumedRecord<T> {
    /// Partition.
    pub partition: i32,
    /// Offset.
    pub offset: i64,
    /// The key as text (lossy UTF-8).
    pub key: Option<String>,
    /// The headers.
    pub headers: Vec<Header>,
    /// The decoded record, or the decode error (never the content).
    pub record: Result<T, String>,
}

/// Reads `topic` (read-committed unless asked otherwise), decoding each value, and hands every record to `on_record`
/// until it returns `Break`, `count` records were read or `idle_timeout` passed without one.
/// Returns the number of records handed over.
pub async fn consume<T: AvroRecord>(
    config: &KafkaConfig,
    topic: Topic<T>,
    options: ConsumeOptions,
    mut on_record: impl FnMut(ConsumedRecord<T>) -> ControlFlow<()>,
) -> Result<u64, BusError> {
    config.validate()?;
    let codec = Codec::new()?;
    let name = config.topic_name(topic.name());
    let mut client = config.base_client();
    let subscribe = options.group_id.is_some();
    match &options.group_id {
        Some(group) => {
            let reset = if options.from_beginning {
                "earliest"
            } else {
                "latest"
            };
            client
                .set("group.id", group)
                .set("enable.auto.commit", "true")
                .set("auto.offset.reset", reset);
        }
        None => {
            // librdkafka wants a group id even for assign(); this one never joins or commits.
            client
                .set("group.id", format!("sarflow-consume-{:016x}", random_u64()))
                .set("enable.auto.commit", "false");
        }
    }
    let isolation = if options.read_uncommitted {
        "read_uncommitted"
    } else {
        "read_committed"
    };
    client.set("isolation.level", isolation);
    let (sender, mut receiver) = mpsc::channel::<Received>(256);
    let (started_tx, started_rx) = tokio::sync::oneshot::channel();
    let start = if subscribe {
        Start::Subscribe
    } else if options.from_beginning {
        Start::All(Offset::Beginning)
    } else {
        Start::All(Offset::End)
    };
    let thread_topic = name.clone();
    let thread = std::thread::Builder::new()
        .name("sarflow-consume".to_owned())
        .spawn(move || consume_thread(&client, &thread_topic, &start, &sender, started_tx))
        .map_err(|error| BusError::Task {
            task: "consume thread",
            detail: error.to_string(),
        })?;
    let started = started_rx.await.unwrap_or_else(|_| {
        Err(BusError::Task {
            task: "consume thread",
            detail: "exited before starting".to_owned(),
        })
    });
    let mut n_records = 0;
    if started.is_ok() {
        loop {
            if options.count.is_some_and(|count| n_records >= count) {
                break;
            }
            let next = match options.idle_timeout {
                Some(idle) => match tokio::time::timeout(idle, receiver.recv()).await {
                    Ok(next) => next,
                    Err(_) => break,
                },
                None => receiver.recv().await,
            };
            let Some((partition, offset, key, payload, list)) = next else {
                break;
            };
            n_records += 1;
            let record = codec
                .decode::<T>(&payload)
                .map_err(|error| error.to_string());
            let consumed = ConsumedRecord {
                partition,
                offset,
                key: key.map(|key| String::from_utf8_lossy(&key).into_owned()),
                headers: list,
                record,
            };
            if on_record(consumed).is_break() {
                break;
            }
        }
    }
    // Closing the channel stops the thread.
    drop(receiver);
    tokio::task::spawn_blocking(move || thread.join())
        .await
        .map_err(|error| BusError::Task {
            task: "consume thread",
            detail: error.to_string(),
        })?
        .map_err(|_| BusError::Task {
            task: "consume thread",
            detail: "panicked".to_owned(),
        })?;
    started.map(|()| n_records)
}

/// Why [`read_assigned`] stopped early.
#[derive(Debug, thiserror::Error)]
pub enum ReadError<E> {
    /// Kafka or decoding infrastructure failed.
    #[error(transparent)]
    Bus(#[from] BusError),
    /// The batch handler failed; the batch is not done and the caller must not advance past it.
    #[error("the batch handler failed")]
    Handler(#[source] E),
}

/// Reads every partition of `topic` by assignment (no consumer group, nothing committed to
/// Kafka) from `start` (the next offset per partition; partitions absent start at the
/// beginning), handing batches of up to `config.batch_size` decoded records to `handle` until
/// `shutdown` fires. For consumers that keep their own checkpoint with their output (the indexer
/// in its commit payload, the queue in the same SQLite transaction as its items), which is what
/// makes them see each record exactly once across crashes (Quickwit's source checkpoint).
/// Returns the number of records handed over.
pub async fn read_assigned<T, E, F, Fut>(
    config: &KafkaConfig,
    topic: Topic<T>,
    start: BTreeMap<i32, i64>,
    shutdown: tokio_util::sync::CancellationToken,
    mut handle: F,
) -> Result<u64, ReadError<E>>
where
    T: AvroRecord,
    F: FnMut(Vec<ConsumedRecord<T>>) -> Fut,
    Fut: std::future::Future<Output = Result<(), E>>,
{
    config.validate()?;
    let codec = Codec::new().map_err(BusError::from)?;
    let name = config.topic_name(topic.name());
    let mut client = config.base_client();
    client
        .set(
            "group.id",
            format!("sarflow-assigned-{:016x}", random_u64()),
        )
        .set("enable.auto.commit", "false")
        .set("isolation.level", "read_committed");
    let (sender, mut receiver) = mpsc::channel::<Received>(config.channel_capacity.max(1));
    let (started_tx, started_rx) = tokio::sync::oneshot::channel();
    let thread_topic = name.clone();
    let plan = Start::From(start);
    let thread = std::thread::Builder::new()
        .name("sarflow-assigned".to_owned())
        .spawn(move || consume_thread(&client, &thread_topic, &plan, &sender, started_tx))
        .map_err(|error| BusError::Task {
            task: "assigned reader thread",
            detail: error.to_string(),
        })?;
    let started = started_rx.await.unwrap_or_else(|_| {
        Err(BusError::Task {
            task: "assigned reader thread",
            detail: "exited before starting".to_owned(),
        })
    });
    let mut n_records = 0_u64;
    let mut outcome: Result<(), ReadError<E>> = started.map_err(ReadError::Bus);
    let batch_size = config.batch_size.max(1);
    let mut received = Vec::with_capacity(batch_size);
    while outcome.is_ok() {
        received.clear();
        let n_received = tokio::select! {
            () = shutdown.cancelled() => break,
            n_received = receiver.recv_many(&mut received, batch_size) => n_received,
        };
        if n_received == 0 {
            break;
        }
        let batch: Vec<ConsumedRecord<T>> = received
            .drain(..)
            .map(|(partition, offset, key, payload, list)| ConsumedRecord {
                partition,
                offset,
                key: key.map(|key| String::from_utf8_lossy(&key).into_owned()),
                headers: list,
                record: codec
                    .decode::<T>(&payload)
                    .map_err(|error| error.to_string()),
            })
            .collect();
        n_records += batch.len() as u64;
        outcome = handle(batch).await.map_err(ReadError::Handler);
    }
    drop(receiver);
    tokio::task::spawn_blocking(move || thread.join())
        .await
        .map_err(|error| BusError::Task {
            task: "assigned reader thread",
            detail: error.to_string(),
        })?
        .map_err(|_| BusError::Task {
            task: "assigned reader thread",
            detail: "panicked".to_owned(),
        })?;
    outcome.map(|()| n_records)
}

type Received = (i32, i64, Option<Vec<u8>>, Vec<u8>, Vec<Header>);

/// How the consume thread gets its partitions.
enum Start {
    /// Join the configured group.
    Subscribe,
    /// Assign every partition at this offset.
    All(Offset),
    /// Assign every partition at the given next offset, or the beginning when absent.
    From(BTreeMap<i32, i64>),
}

fn consume_thread(
    client: &ClientConfig,
    topic: &str,
    start: &Start,
    sender: &mpsc::Sender<Received>,
    started: tokio::sync::oneshot::Sender<Result<(), BusError>>,
) {
    let consumer: BaseConsumer = match client.create() {
        Ok(consumer) => consumer,
        Err(error) => {
            let _ = started.send(Err(BusError::kafka("create consumer", &error)));
            return;
        }
    };
    let joined = match start {
        Start::Subscribe => consumer
            .subscribe(&[topic])
            .map_err(|error| BusError::kafka("subscribe", &error)),
        Start::All(offset) => assign_all(&consumer, topic, |_| *offset),
        Start::From(offsets) => assign_all(&consumer, topic, |partition| {
            offsets
                .get(&partition)
                .map_or(Offset::Beginning, |next| Offset::Offset(*next))
        }),
    };
    let failed = joined.is_err();
    let _ = started.send(joined);
    if failed {
        return;
    }
    while !sender.is_closed() {
        match consumer.poll(Duration::from_millis(100)) {
            None => {}
            Some(Ok(message)) => {
                let received = (
                    message.partition(),
                    message.offset(),
                    message.key().map(<[u8]>::to_vec),
                    message.payload().map(<[u8]>::to_vec).unwrap_or_default(),
                    headers::from_kafka(message.headers()),
                );
                // Blocks while the reader is behind: a one-off reader has no rebalance to serve
                // beyond its own, and the channel stays bounded.
                if sender.blocking_send(received).is_err() {
                    break;
                }
            }
            Some(Err(error)) => warn!(topic, %error, "consumer error"),
        }
    }
}

fn assign_all(
    consumer: &BaseConsumer,
    topic: &str,
    start: impl Fn(i32) -> Offset,
) -> Result<(), BusError> {
    let metadata = consumer
        .fetch_metadata(Some(topic), REQUEST_TIMEOUT)
        .map_err(|error| BusError::kafka("fetch metadata", &error))?;
    let mut list = TopicPartitionList::new();
    for topic_metadata in metadata.topics() {
        if let Some(error) = topic_metadata.error() {
            return Err(BusError::Kafka {
                action: "fetch metadata",
                detail: format!("{:?}", RDKafkaErrorCode::from(error)),
            });
        }
        for partition in topic_metadata.partitions() {
            list.add_partition_offset(topic, partition.id(), start(partition.id()))
                .map_err(|error| BusError::kafka("assign partitions", &error))?;
        }
    }
    consumer
        .assign(&list)
        .map_err(|error| BusError::kafka("assign partitions", &error))
}

fn random_u64() -> u64 {
    use std::hash::BuildHasher;
    std::collections::hash_map::RandomState::new().hash_one(0u8)
}
