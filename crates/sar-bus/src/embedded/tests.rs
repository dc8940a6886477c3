//! Component test: four toy stages over the real record types, chained on the embedded bus.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use sar_model::{
    records::{
        FieldError, GatedRecord, NormalizedRecord, RawRecord, RoutedRecord, ScoredRecord, Stage,
    },
    reject::{Reject, RejectCode},
    zoned::ZonedTime,
};
use sar_synth::canonical::{
    gated_records, normalized_records, raw_records, routed_records, scored_records,
};
use tokio::{sync::mpsc, task::JoinSet};

use super::{Envelope, Item, spawn_stage};
use sar_telemetry::Metrics;

use crate::{BusError, Keyed};

/// Raw -> normalized: a template normalized record given the raw record's id.
struct ToyNormalize(NormalizedRecord);
impl crate::Stage for ToyNormalize {
    type Input = RawRecord;
    type Output = NormalizedRecord;
    const STAGE: Stage = Stage::Normalize;
    fn process(&self, input: RawRecord, _now: ZonedTime) -> Result<NormalizedRecord, Reject> {
        let mut out = self.0.clone();
        out.report.report_id = input.record_id;
        Ok(out)
    }
}

/// Normalized -> scored; refuses every record whose id ends in an even hex digit.
struct ToyScore(ScoredRecord);
impl crate::Stage for ToyScore {
    type Input = NormalizedRecord;
    type Output = ScoredRecord;
    const STAGE: Stage = Stage::Score;
    fn process(&self, input: NormalizedRecord, _now: ZonedTime) -> Result<ScoredRecord, Reject> {
        if rejected_by_score(&input) {
            return Err(Reject::invalid_fields(vec![FieldError {
                path: "narrative".to_owned(),
                problem: "toy rule".to_owned(),
            }]));
        }
        let mut out = self.0.clone();
        out.normalized = input;
        Ok(out)
    }
}

fn rejected_by_score(record: &impl Keyed) -> bool {
    record.report_id().as_uuid().as_bytes()[15].is_multiple_of(2)
}

struct ToyGate(GatedRecord);
impl crate::Stage for ToyGate {
    type Input = ScoredRecord;
    type Output = GatedRecord;
    const STAGE: Stage = Stage::Gate;
    fn process(&self, input: ScoredRecord, _now: ZonedTime) -> Result<GatedRecord, Reject> {
        let mut out = self.0.clone();
        out.scored = input;
        Ok(out)
    }
}

struct ToyRoute(RoutedRecord);
impl crate::Stage for ToyRoute {
    type Input = GatedRecord;
    type Output = RoutedRecord;
    const STAGE: Stage = Stage::Route;
    fn process(&self, input: GatedRecord, _now: ZonedTime) -> Result<RoutedRecord, Reject> {
        let mut out = self.0.clone();
        out.gated = input;
        Ok(out)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_stages_keep_every_seq_in_order_and_carry_rejects() {
    let n_records = 1_000;
    let inputs = raw_records(7, n_records);
    let metrics = Metrics::default();
    let mut set = JoinSet::new();
    let (source, raw_rx) = mpsc::channel(16);
    let (normalized_tx, normalized_rx) = mpsc::channel(16);
    let (scored_tx, scored_rx) = mpsc::channel(16);
    let (gated_tx, gated_rx) = mpsc::channel(16);
    let (routed_tx, mut routed_rx) = mpsc::channel(16);
    let normalize = ToyNormalize(normalized_records(1, 1).remove(0));
    spawn_stage(
        Arc::new(normalize),
        raw_rx,
        normalized_tx,
        metrics.stage("normalize"),
        &mut set,
    );
    let score = ToyScore(scored_records(1, 1).remove(0));
    spawn_stage(
        Arc::new(score),
        normalized_rx,
        scored_tx,
        metrics.stage("score"),
        &mut set,
    );
    let gate = ToyGate(gated_records(1, 1).remove(0));
    spawn_stage(
        Arc::new(gate),
        scored_rx,
        gated_tx,
        metrics.stage("gate"),
        &mut set,
    );
    let route = ToyRoute(routed_records(1, 1).remove(0));
    spawn_stage(
        Arc::new(route),
        gated_rx,
        routed_tx,
        metrics.stage("route"),
        &mut set,
    );

    let expected_ids: Vec<_> = inputs.iter().map(|record| record.record_id).collect();
    let feeder = tokio::spawn(async move {
        for (seq, record) in inputs.into_iter().enumerate() {
            let envelope = Envelope {
                seq: seq as u64,
                item: Item::Record(record),
            };
            source.send(envelope).await.unwrap();
        }
    });
    let mut received = Vec::new();
    while let Some(envelope) = routed_rx.recv().await {
        received.push(envelope);
    }
    feeder.await.unwrap();
    while let Some(result) = set.join_next().await {
        result.unwrap().unwrap();
    }

    assert_eq!(received.len(), n_records);
    let mut n_rejected = 0;
    for (seq, envelope) in received.iter().enumerate() {
        assert_eq!(envelope.seq, seq as u64);
        let id = expected_ids[seq];
        match &envelope.item {
            Item::Record(routed) => {
                assert_eq!(routed.report_id(), &id);
                assert!(!rejected_by_score(routed));
            }
            Item::Rejected(dead) => {
                n_rejected += 1;
                assert_eq!(dead.stage, Stage::Score);
                assert_eq!(dead.reason_code, RejectCode::InvalidField.as_str());
                assert_eq!(dead.record_id, Some(id));
                assert_eq!(dead.field_errors.len(), 1);
                // The original is the normalized record as encoded on the topic.
                let codec = sar_schema::Codec::new().unwrap();
                let original: NormalizedRecord = codec.decode(&dead.original).unwrap();
                assert_eq!(original.report.report_id, id);
            }
        }
    }
    assert!(
        n_rejected > 100 && n_rejected < 900,
        "{n_rejected} rejected"
    );
}

#[tokio::test]
async fn a_closed_output_fails_the_stage() {
    let mut set = JoinSet::new();
    let (source, raw_rx) = mpsc::channel(4);
    let (normalized_tx, normalized_rx) = mpsc::channel(4);
    drop(normalized_rx);
    let normalize = ToyNormalize(normalized_records(1, 1).remove(0));
    spawn_stage(
        Arc::new(normalize),
        raw_rx,
        normalized_tx,
        Metrics::default().stage("normalize"),
        &mut set,
    );
    let record = raw_records(3, 1).remove(0);
    source
        .send(Envelope {
            seq: 0,
            item: Item::Record(record),
        })
        .await
        .unwrap();
    drop(source);
    let result = set.join_next().await.unwrap().unwrap();
    assert!(matches!(
        result,
        Err(BusError::ChannelClosed { stage: "normalize" })
    ));
}
