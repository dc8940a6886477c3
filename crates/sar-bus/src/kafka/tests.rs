//! Tests of the Kafka transport against librdkafka's in-process mock cluster: at-least-once
//! (every record out once, poison to the DLQ, committed offset = next record to read, a restart
//! resumes there) and exactly-once (an injected produce error aborts a transaction, the rewind
//! loses nothing and commits nothing twice). Every wait polls until a condition or a deadline.

#![allow(clippy::unwrap_used)]

use std::{collections::BTreeSet, ops::ControlFlow, sync::Arc, time::Duration};

use rdkafka::{
    Offset, TopicPartitionList,
    consumer::{BaseConsumer, Consumer},
    mocking::MockCluster,
    producer::DefaultProducerContext,
    types::{RDKafkaApiKey, RDKafkaRespErr},
};
use sar_model::{
    ids::ReportId,
    records::{DlqRecord, FieldError, NormalizedRecord, RawRecord, Stage as RecordStage},
    reject::Reject,
    zoned::ZonedTime,
};
use sar_schema::{NORMALIZED, RAW, Topic, dlq_topic};
use sar_synth::canonical::{normalized_records, raw_records};
use tokio_util::sync::CancellationToken;

use super::*;
use crate::Keyed;
use sar_telemetry::{Metrics, Readiness};

/// Raw -> normalized with a template; refuses ids whose last byte is a multiple of 5.
struct ToyNormalize(NormalizedRecord);

impl crate::Stage for ToyNormalize {
    type Input = RawRecord;
    type Output = NormalizedRecord;
    const STAGE: sar_model::records::Stage = sar_model::records::Stage::Normalize;
    fn process(&self, input: RawRecord, _now: ZonedTime) -> Result<NormalizedRecord, Reject> {
        if refused(&input.record_id) {
            return Err(Reject::invalid_fields(vec![FieldError {
                path: "narrative".to_owned(),
                problem: "toy rule".to_owned(),
            }]));
        }
        let mut out = self.0.clone();
        out.report.report_id = input.record_id;
        Ok(out)
    }
}

fn refused(id: &ReportId) -> bool {
    id.as_uuid().as_bytes()[15].is_multiple_of(5)
}

fn toy() -> Arc<ToyNormalize> {
    Arc::new(ToyNormalize(normalized_records(1, 1).remove(0)))
}

fn mock_config(mock: &MockCluster<'_, DefaultProducerContext>, prefix: &str) -> KafkaConfig {
    // The mock coordinator waits out the session timeout of a member that left before it
    // rebalances again; a short one keeps the restart test quick.
    let client_overrides = [("session.timeout.ms".to_owned(), "6000".to_owned())].into();
    let config = KafkaConfig {
        brokers: mock.bootstrap_servers(),
        client_overrides,
        topic_prefix: prefix.to_owned(),
        commit_interval: Duration::from_millis(100),
        shutdown_timeout: Duration::from_secs(20),
        batch_size: 50,
        channel_capacity: 64,
        ..KafkaConfig::default()
    };
    for logical in [
        RAW.name(),
        NORMALIZED.name(),
        dlq_topic(RecordStage::Normalize).name(),
    ] {
        mock.create_topic(&config.topic_name(logical), 3, 1)
            .unwrap();
    }
    config
}

/// Reads `topic` from the start (no group, read-committed) until `done` holds for what was read,
/// or fails when no record arrived for 30 s: no fixed waits.
async fn read_until<T: sar_schema::AvroRecord>(
    config: &KafkaConfig,
    topic: Topic<T>,
    done: impl Fn(&[ConsumedRecord<T>]) -> bool,
) -> Vec<ConsumedRecord<T>> {
    let mut records = Vec::new();
    let options = ConsumeOptions {
        from_beginning: true,
        count: None,
        idle_timeout: Some(Duration::from_secs(30)),
        group_id: None,
        read_uncommitted: false,
    };
    consume(config, topic, options, |record| {
        records.push(record);
        if done(&records) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .await
    .unwrap();
    assert!(done(&records), "gave up after {} records", records.len());
    records
}

/// Reads `topic` until every id of `expected` was seen at least once.
async fn read_ids<T: sar_schema::AvroRecord + Keyed>(
    config: &KafkaConfig,
    topic: Topic<T>,
    expected: &BTreeSet<ReportId>,
) -> Vec<ConsumedRecord<T>> {
    read_until(config, topic, |records| {
        let seen: BTreeSet<ReportId> = ids(records).into_iter().collect();
        seen.is_superset(expected)
    })
    .await
}

/// Per partition of the physical `topic`: (committed offset of `group`, high watermark).
async fn committed_and_end(config: &KafkaConfig, group: &str, topic: String) -> Vec<(Offset, i64)> {
    let mut client = config.base_client();
    client
        .set("group.id", group)
        .set("enable.auto.commit", "false");
    tokio::task::spawn_blocking(move || {
        let consumer: BaseConsumer = client.create().unwrap();
        let timeout = Duration::from_secs(10);
        let mut list = TopicPartitionList::new();
        for partition in 0..3 {
            list.add_partition(&topic, partition);
        }
        let committed = consumer.committed_offsets(list, timeout).unwrap();
        (0..3)
            .map(|partition| {
                let offset = committed
                    .find_partition(&topic, partition)
                    .unwrap()
                    .offset();
                let (_, high) = consumer
                    .fetch_watermarks(&topic, partition, timeout)
                    .unwrap();
                (offset, high)
            })
            .collect()
    })
    .await
    .unwrap()
}

/// Records in the physical `topic` (sum of the high watermarks).
async fn end_offsets(config: &KafkaConfig, topic: String) -> i64 {
    committed_and_end(config, "sarflow-test-watermarks", topic)
        .await
        .iter()
        .map(|(_, high)| high)
        .sum()
}

fn ids<T: Keyed>(records: &[ConsumedRecord<T>]) -> Vec<ReportId> {
    records
        .iter()
        .map(|record| *record.record.as_ref().unwrap().report_id())
        .collect()
}

fn expected(inputs: &[RawRecord]) -> (BTreeSet<ReportId>, BTreeSet<ReportId>) {
    let accepted = inputs
        .iter()
        .map(|record| record.record_id)
        .filter(|id| !refused(id))
        .collect();
    let refused_ids = inputs
        .iter()
        .map(|record| record.record_id)
        .filter(refused)
        .collect();
    (accepted, refused_ids)
}

fn start(
    config: &KafkaConfig,
) -> (
    CancellationToken,
    tokio::task::JoinHandle<Result<StageSummary, BusError>>,
) {
    start_with(config, Metrics::default())
}

/// `sarflow_stage_records_sent_total` of the toy stage.
fn sent_metric(metrics: &Metrics) -> u64 {
    metrics
        .render()
        .lines()
        .find_map(|line| {
            line.strip_prefix("sarflow_stage_records_sent_total{stage=\"normalize\"} ")
        })
        .map_or(0, |value| value.trim().parse().unwrap())
}

/// Polls the sent counter until it reaches `n_sent`; fails after 60 s.
async fn wait_for_sent(metrics: &Metrics, n_sent: u64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while sent_metric(metrics) < n_sent {
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {} of {n_sent} outputs committed",
            sent_metric(metrics)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn start_with(
    config: &KafkaConfig,
    metrics: Metrics,
) -> (
    CancellationToken,
    tokio::task::JoinHandle<Result<StageSummary, BusError>>,
) {
    let shutdown = CancellationToken::new();
    let task = {
        let config = config.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            run_stage(
                toy(),
                &config,
                RAW,
                NORMALIZED,
                &metrics,
                &Readiness::default(),
                shutdown,
            )
            .await
        })
    };
    (shutdown, task)
}

/// Every input partition's committed offset is its end: the next record to read, not one past.
async fn assert_committed_to_the_end(config: &KafkaConfig) {
    let input = config.topic_name(RAW.name());
    for (partition, (committed, high)) in
        committed_and_end(config, &config.group_for("normalize"), input)
            .await
            .into_iter()
            .enumerate()
    {
        assert_eq!(committed, Offset::Offset(high), "partition {partition}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_least_once_delivers_every_record_sends_poison_to_the_dlq_and_resumes() {
    let mock = MockCluster::new(1).unwrap();
    let config = mock_config(&mock, "alo.");
    let first = raw_records(11, 120);
    let (accepted, refused_ids) = expected(&first);
    publish(&config, RAW, first.clone()).await.unwrap();
    publish_raw_bytes(
        &config,
        RAW.name(),
        vec![(Some("poison".to_owned()), b"not avro".to_vec())],
    )
    .await
    .unwrap();

    let (shutdown, task) = start(&config);
    let outputs = read_ids(&config, NORMALIZED, &accepted).await;
    let n_dead = refused_ids.len() + 1;
    let dead = read_until(&config, dlq_topic(RecordStage::Normalize), |records| {
        records.len() >= n_dead
    })
    .await;
    shutdown.cancel();
    let summary = task.await.unwrap().unwrap();

    assert_eq!(outputs.len(), accepted.len());
    let output = &outputs[0];
    assert_eq!(
        output.key.as_deref(),
        Some(ids(&outputs)[0].to_string().as_str())
    );
    assert!(
        output
            .headers
            .iter()
            .any(|header| header.key == FINGERPRINT_HEADER && header.value.len() == 16)
    );
    assert!(
        output
            .headers
            .iter()
            .any(|header| header.key == TRACEPARENT_HEADER)
    );

    let dead: Vec<DlqRecord> = dead
        .into_iter()
        .map(|record| record.record.unwrap())
        .collect();
    let poison: Vec<_> = dead
        .iter()
        .filter(|record| record.reason_code == "undecodable")
        .collect();
    assert_eq!(poison.len(), 1);
    assert_eq!(poison[0].original, b"not avro");
    assert_eq!(
        poison[0].source_topic.as_deref(),
        Some("alo.sar.reports.raw.v1")
    );
    assert!(poison[0].source_offset.is_some());
    let rejected: BTreeSet<_> = dead
        .iter()
        .filter(|record| record.reason_code == "invalid_field")
        .map(|record| record.record_id.unwrap())
        .collect();
    assert_eq!(rejected, refused_ids);
    assert_eq!(summary.received, 121);
    assert_eq!(summary.sent, accepted.len() as u64);
    assert_eq!(summary.dropped, n_dead as u64);
    // The stage has stopped: what is in the topics now is final.
    assert_committed_to_the_end(&config).await;
    let output_topic = config.topic_name(NORMALIZED.name());
    assert_eq!(
        end_offsets(&config, output_topic.clone()).await,
        accepted.len() as i64,
        "no duplicates"
    );

    // A restart in the same group resumes at the committed offsets: nothing twice, nothing lost.
    let second = raw_records(12, 40);
    let (accepted_second, refused_second) = expected(&second);
    publish(&config, RAW, second).await.unwrap();
    let (shutdown, task) = start(&config);
    let all: BTreeSet<_> = accepted.union(&accepted_second).copied().collect();
    read_ids(&config, NORMALIZED, &all).await;
    let n_dead_all = n_dead + refused_second.len();
    read_until(&config, dlq_topic(RecordStage::Normalize), |records| {
        records.len() >= n_dead_all
    })
    .await;
    // The input is drained: the graceful shutdown must not wait for records.
    shutdown.cancel();
    let summary = task.await.unwrap().unwrap();
    assert_eq!(
        summary.received, 40,
        "the restart read exactly the new records"
    );
    assert_eq!(summary.sent, accepted_second.len() as u64);
    assert_eq!(summary.dropped, refused_second.len() as u64);
    assert_committed_to_the_end(&config).await;
    assert_eq!(
        end_offsets(&config, output_topic).await,
        all.len() as i64,
        "no duplicates"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exactly_once_aborts_on_an_injected_error_rewinds_and_loses_nothing() {
    let mock = MockCluster::new(1).unwrap();
    let mut config = mock_config(&mock, "eos.");
    config.exactly_once = true;
    let inputs = raw_records(21, 150);
    let (accepted, refused_ids) = expected(&inputs);
    publish(&config, RAW, inputs).await.unwrap();
    // The first produce request (the stage's first transaction) fails with an error that
    // requires an abort.
    mock.request_errors(
        RDKafkaApiKey::Produce,
        &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED],
    );

    let metrics = Metrics::default();
    let (shutdown, task) = start_with(&config, metrics.clone());
    // Outputs are visible before their transaction commits (the mock ignores the isolation
    // level): wait for the commits instead.
    wait_for_sent(&metrics, accepted.len() as u64).await;
    // A second wave, all accepted: once it is committed, so is every earlier record of each
    // partition, dead letters included.
    let wave: Vec<RawRecord> = raw_records(22, 30)
        .into_iter()
        .filter(|record| !refused(&record.record_id))
        .collect();
    publish(&config, RAW, wave.clone()).await.unwrap();
    let n_accepted = (accepted.len() + wave.len()) as u64;
    wait_for_sent(&metrics, n_accepted).await;
    let mut all = accepted.clone();
    all.extend(wave.iter().map(|record| record.record_id));
    read_ids(&config, NORMALIZED, &all).await;
    let dead = read_until(&config, dlq_topic(RecordStage::Normalize), |records| {
        let seen: BTreeSet<ReportId> = records
            .iter()
            .filter_map(|record| record.record.as_ref().ok()?.record_id)
            .collect();
        seen.is_superset(&refused_ids)
    })
    .await;
    shutdown.cancel();
    let summary = task.await.unwrap().unwrap();

    assert!(dead.iter().all(|record| record.record.is_ok()));
    assert!(
        summary.errors >= 1,
        "the injected error aborted a transaction: {summary:?}"
    );
    assert!(
        summary.received > 150 + wave.len() as u64,
        "the aborted batch was read again: {summary:?}"
    );
    // Committed transactions carried every record exactly once: the aborted batch was rewound
    // to its first record, nothing skipped, nothing committed twice.
    assert_eq!(summary.sent, n_accepted, "{summary:?}");
    assert_eq!(summary.dropped, refused_ids.len() as u64, "{summary:?}");

    // Not checked here: the mock's TxnOffsetCommit does not store offsets and its Fetch ignores
    // the isolation level, so neither resuming after a transaction nor read-committed visibility
    // can be observed on it (tansu has no EndTxn either).
}

/// Reads with `read_assigned` from `start` until `n_wanted` records arrived; returns them.
async fn read_assigned_until(
    config: &KafkaConfig,
    start: std::collections::BTreeMap<i32, i64>,
    n_wanted: usize,
) -> Vec<(i32, i64, ReportId)> {
    let shutdown = CancellationToken::new();
    let stop = shutdown.clone();
    let mut seen = Vec::new();
    let deadline = tokio::time::sleep(Duration::from_secs(60));
    let read = read_assigned(config, RAW, start, shutdown, |batch| {
        for record in batch {
            let id = record.record.unwrap().record_id;
            seen.push((record.partition, record.offset, id));
        }
        if seen.len() >= n_wanted {
            stop.cancel();
        }
        std::future::ready(Ok::<(), std::convert::Infallible>(()))
    });
    tokio::select! {
        read = read => { read.unwrap(); }
        () = deadline => panic!("read_assigned gave up"),
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_assigned_resumes_exactly_after_the_given_offsets() {
    let mock = MockCluster::new(1).unwrap();
    let config = mock_config(&mock, "assigned.");
    let inputs = raw_records(21, 90);
    publish(&config, RAW, inputs.clone()).await.unwrap();

    let everything = read_assigned_until(&config, Default::default(), inputs.len()).await;
    let all_ids: BTreeSet<ReportId> = everything.iter().map(|(_, _, id)| *id).collect();
    assert_eq!(all_ids.len(), inputs.len(), "each record once");
    assert_eq!(everything.len(), inputs.len());

    // A checkpoint part-way: the next offset of each partition after its first two records.
    let mut checkpoint = std::collections::BTreeMap::new();
    let mut before = BTreeSet::new();
    for (partition, offset, id) in &everything {
        if *offset < 2 {
            before.insert(*id);
            let next = checkpoint.entry(*partition).or_insert(0);
            *next = (*next).max(offset + 1);
        }
    }
    let rest = read_assigned_until(&config, checkpoint, inputs.len() - before.len()).await;
    let rest_ids: BTreeSet<ReportId> = rest.iter().map(|(_, _, id)| *id).collect();
    assert_eq!(rest.len(), inputs.len() - before.len(), "nothing twice");
    assert!(rest_ids.is_disjoint(&before));
    assert_eq!(
        rest_ids.union(&before).count(),
        inputs.len(),
        "nothing lost"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_encoded_publisher_sends_journal_bytes_with_key_and_headers() {
    let mock = MockCluster::new(1).unwrap();
    let config = mock_config(&mock, "encoded.");
    let codec = sar_schema::Codec::new().unwrap();
    let inputs = raw_records(4, 10);
    let messages = inputs
        .iter()
        .map(|record| (record.record_id, codec.encode(record).unwrap()))
        .collect();
    assert_eq!(
        EncodedPublisher::new(&config, RAW)
            .unwrap()
            .publish(messages)
            .await
            .unwrap(),
        inputs.len() as u64
    );
    let read = read_until(&config, RAW, |records| records.len() >= inputs.len()).await;
    let expected_ids: BTreeSet<ReportId> = inputs.iter().map(|record| record.record_id).collect();
    assert_eq!(
        ids(&read).into_iter().collect::<BTreeSet<_>>(),
        expected_ids
    );
    for record in &read {
        assert_eq!(
            record.key.as_deref(),
            Some(
                record
                    .record
                    .as_ref()
                    .unwrap()
                    .record_id
                    .to_string()
                    .as_str()
            )
        );
        assert!(
            record
                .headers
                .iter()
                .any(|header| header.key == FINGERPRINT_HEADER)
        );
    }
}
