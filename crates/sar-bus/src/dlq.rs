//! Dead-letter records: a `Reject` or a decode failure turned into a `DlqRecord` with the original
//! bytes, headers and a bounded reason code.

use sar_model::{
    ids::ReportId,
    records::{DlqRecord, Header, Stage},
    reject::{Reject, RejectCode},
};
use sar_schema::SchemaError;

/// Where a refused record came from (absent on the embedded bus).
#[derive(Debug, Clone, Default)]
pub(crate) struct Source {
    pub(crate) topic: Option<String>,
    pub(crate) partition: Option<i32>,
    pub(crate) offset: Option<i64>,
}

/// A DLQ record for a stage's `Reject`.
pub(crate) fn rejected(
    stage: Stage,
    reject: Reject,
    record_id: Option<ReportId>,
    source: Source,
    original: Vec<u8>,
    original_headers: Vec<Header>,
) -> DlqRecord {
    DlqRecord {
        stage,
        reason_code: reject.code.as_str().to_owned(),
        message: reject.message,
        field_errors: reject.field_errors,
        record_id,
        source_topic: source.topic,
        source_partition: source.partition,
        source_offset: source.offset,
        original,
        original_headers,
        failed_at: crate::now(),
    }
}

/// A DLQ record for a message that does not decode as the input type. The codec's message never
/// carries record content.
pub(crate) fn undecodable(
    stage: Stage,
    error: &SchemaError,
    record_id: Option<ReportId>,
    source: Source,
    original: Vec<u8>,
    original_headers: Vec<Header>,
) -> DlqRecord {
    DlqRecord {
        stage,
        reason_code: RejectCode::Undecodable.as_str().to_owned(),
        message: error.to_string(),
        field_errors: Vec::new(),
        record_id,
        source_topic: source.topic,
        source_partition: source.partition,
        source_offset: source.offset,
        original,
        original_headers,
        failed_at: crate::now(),
    }
}
