//! sar-index: the full-text index of reports (tantivy): schema, single writer with checkpoint in
//! the commit payload, need-to-know search. The only crate that links tantivy; sync, no tokio.
//!
//! Layout:
//! - `schema`: the fields. Summary fields (redacted narrative, codes, sectors, queue, outcome,
//!   jurisdiction, dates, score) and, apart from them, the PII fields (raw narrative and additional
//!   facts, person names, identifiers, plates, reporter contact, addresses) that only a caller
//!   with the PII right may query. Each document also stores a Summary view, a Detailed (PII)
//!   view and the whole record, so hits come from storage without re-deriving.
//! - `document`: a routed record as a document and its stored views.
//! - `index`: `ReportIndex`, the index directory with one reader for the process.
//! - `writer`: `ReportWriter`, the only writer: upserts by report id, commits with the caller's
//!   checkpoint as the commit payload (tantivy's durability point).
//! - `search`: `SearchRequest` to `SearchResponse` under the caller's need-to-know.
//!
//! Architecture invariant: a caller without `sees_pii()` never has a PII field queried for it
//! and never receives one, in hits, snippets or report views; jurisdictions outside the caller's
//! are filtered in the query, never after it.

mod document;
mod index;
mod schema;
mod search;
mod writer;

pub use crate::index::ReportIndex;
pub use crate::search::{
    DEFAULT_LIMIT, DetailedView, HitSummary, MAX_LIMIT, MAX_OFFSET, ReportView, SearchHit,
    SearchRequest, SearchResponse, SortBy, SortOrder, ViewKind,
};
pub use crate::writer::ReportWriter;

/// Everything that can go wrong in the index. Messages carry no query text, no field value and
/// no narrative: tantivy errors are kept as their message, which names files and fields only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    #[error("failed to {operation}: {message}")]
    Storage {
        operation: &'static str,
        message: String,
    },
    #[error(
        "the index in {dir} was built with another schema (by an earlier sarflow): move that \
         directory away and start again, and the index is rebuilt from the routed records still \
         held (the embedded store keeps them all; a Kafka topic keeps them for its retention)"
    )]
    SchemaChanged { dir: String },
    #[error("the index writer is held by another writer")]
    WriterBusy,
    #[error("invalid query: {reason}")]
    InvalidQuery { reason: &'static str },
    #[error("invalid {field}: {problem}")]
    InvalidRequest {
        field: &'static str,
        problem: &'static str,
    },
    #[error("failed to encode the record: {0}")]
    Encode(String),
    #[error("corrupt index document: {what}")]
    Corrupt { what: &'static str },
}

impl IndexError {
    pub(crate) fn storage(operation: &'static str) -> impl FnOnce(tantivy::TantivyError) -> Self {
        move |error| Self::Storage {
            operation,
            message: error.to_string(),
        }
    }
}

#[cfg(test)]
mod tests;
