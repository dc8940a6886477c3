//! Typed topics: a name paired with the record type it carries, so a producer cannot publish the
//! wrong type. Names follow `sar.<entity>.<state>.v<major>`.

use std::marker::PhantomData;

use sar_model::records::{
    DlqRecord, GatedRecord, NormalizedRecord, RawRecord, RoutedRecord, ScoredRecord, Stage,
};

/// A topic carrying records of type `T`.
#[derive(Debug)]
pub struct Topic<T> {
    name: &'static str,
    record: PhantomData<fn() -> T>,
}

impl<T> Topic<T> {
    const fn new(name: &'static str) -> Self {
        Self {
            name,
            record: PhantomData,
        }
    }

    /// The topic name.
    pub const fn name(&self) -> &'static str {
        self.name
    }
}

impl<T> Clone for Topic<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Topic<T> {}

/// Intake -> normalize.
pub const RAW: Topic<RawRecord> = Topic::new("sar.reports.raw.v1");
/// Normalize -> score.
pub const NORMALIZED: Topic<NormalizedRecord> = Topic::new("sar.reports.normalized.v1");
/// Score -> gate.
pub const SCORED: Topic<ScoredRecord> = Topic::new("sar.reports.scored.v1");
/// Gate -> route.
pub const GATED: Topic<GatedRecord> = Topic::new("sar.reports.gated.v1");
/// Route -> index, queue.
pub const ROUTED: Topic<RoutedRecord> = Topic::new("sar.reports.routed.v1");

/// The dead-letter topic of a stage.
pub const fn dlq_topic(stage: Stage) -> Topic<DlqRecord> {
    Topic::new(match stage {
        Stage::Intake => "sar.dlq.intake.v1",
        Stage::Normalize => "sar.dlq.normalize.v1",
        Stage::Score => "sar.dlq.score.v1",
        Stage::Gate => "sar.dlq.gate.v1",
        Stage::Route => "sar.dlq.route.v1",
        Stage::Index => "sar.dlq.index.v1",
        Stage::Queue => "sar.dlq.queue.v1",
    })
}

/// Every topic name, pipeline topics first, then the dead-letter topics.
pub fn all_topics() -> Vec<&'static str> {
    let stages = [
        Stage::Intake,
        Stage::Normalize,
        Stage::Score,
        Stage::Gate,
        Stage::Route,
        Stage::Index,
        Stage::Queue,
    ];
    let mut names = vec![
        RAW.name(),
        NORMALIZED.name(),
        SCORED.name(),
        GATED.name(),
        ROUTED.name(),
    ];
    names.extend(stages.into_iter().map(|stage| dlq_topic(stage).name()));
    names
}
