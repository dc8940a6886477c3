//! The bus between the stages: Kafka transport (the only crate that links rdkafka) and the
//! embedded in-process bus. Both run the same `Stage` with the same guarantees: outputs before
//! offsets, rejects to the DLQ with their reason, bounded buffers, graceful shutdown.
//!
//! - `embedded`: stages chained over bounded tokio channels (`sarflow run`); a rejected record
//!   travels on as `Item::Rejected` so the collector sees every sequence number in order.
//! - `kafka`: `run_stage` (consume, process, produce, store offsets after delivery, DLQ),
//!   `run_passthrough`, `create_topics`, `publish`, `consume`; at-least-once by default,
//!   transactional consume-transform-produce with `exactly_once`.
//!
//! Must not depend on any service crate; rdkafka types never appear in its public API.

pub mod embedded;
pub mod kafka;

mod dlq;
mod error;

use sar_model::{
    ids::ReportId,
    records::{GatedRecord, NormalizedRecord, RawRecord, RoutedRecord, ScoredRecord},
    reject::Reject,
    zoned::ZonedTime,
};
use sar_schema::AvroRecord;

pub use error::BusError;

/// A pure stage run by the bus: one input record in, one output record or a `Reject` out.
/// `process` may be CPU-heavy; the bus calls it off the async worker threads, a batch at a time.
pub trait Stage: Send + Sync + 'static {
    /// The record type read from the input topic. `Clone` so a refused record can still be
    /// encoded into its dead letter after `process` consumed it (embedded bus).
    type Input: AvroRecord + Keyed + Clone + Send + 'static;
    /// The record type written to the output topic.
    type Output: AvroRecord + Keyed + Send + 'static;
    /// Which stage this is (labels, DLQ topic, default consumer group).
    const STAGE: sar_model::records::Stage;
    /// Transforms one record; `now` is the batch's wall-clock time.
    fn process(&self, input: Self::Input, now: ZonedTime) -> Result<Self::Output, Reject>;
}

/// The report id of a record: the Kafka message key.
pub trait Keyed {
    /// The report id.
    fn report_id(&self) -> &ReportId;
}

impl Keyed for RawRecord {
    fn report_id(&self) -> &ReportId {
        &self.record_id
    }
}
impl Keyed for NormalizedRecord {
    fn report_id(&self) -> &ReportId {
        &self.report.report_id
    }
}
impl Keyed for ScoredRecord {
    fn report_id(&self) -> &ReportId {
        self.normalized.report_id()
    }
}
impl Keyed for GatedRecord {
    fn report_id(&self) -> &ReportId {
        self.scored.report_id()
    }
}
impl Keyed for RoutedRecord {
    fn report_id(&self) -> &ReportId {
        self.gated.report_id()
    }
}

/// The stage word used in labels, spans, group ids and DLQ topic names.
pub fn stage_label(stage: sar_model::records::Stage) -> &'static str {
    use sar_model::records::Stage as S;
    match stage {
        S::Intake => "intake",
        S::Normalize => "normalize",
        S::Score => "score",
        S::Gate => "gate",
        S::Route => "route",
        S::Index => "index",
        S::Queue => "queue",
    }
}

/// The wall-clock time handed to a batch.
pub(crate) fn now() -> ZonedTime {
    ZonedTime::from_offset_date_time(time::OffsetDateTime::now_utc())
}
