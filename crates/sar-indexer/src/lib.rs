//! sar-indexer: the index service. Applies routed records to the one index writer, commits with
//! the source checkpoint, and serves search over HTTP under need-to-know.
//!
//! - `indexer`: `spawn_indexer` starts the task that owns the writer; `IndexerHandle::apply`
//!   feeds it records and the driver's checkpoint, `committed` tells which checkpoint is
//!   durable. Transport-agnostic: the CLI drives it from the embedded journal or from Kafka,
//!   resuming from `ReportIndex::last_commit_payload`.
//! - `api`: `router(SearchState)`: `GET /v1/search` and `GET /v1/reports/{id}`, every request
//!   audited; `openapi()`.
//!
//! Architecture invariant: the checkpoint a driver may acknowledge is only ever one whose
//! commit has returned; no tantivy call runs on the async runtime.

mod api;
mod indexer;

pub use crate::api::{SearchState, openapi, router};
pub use crate::indexer::{IndexerClient, IndexerConfig, IndexerHandle, spawn_indexer};

/// Everything that can stop the indexer or fail a request to it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexerError {
    #[error("index: {0}")]
    Index(#[from] sar_index::IndexError),
    #[error("the indexer has stopped")]
    Stopped,
    #[error("the indexer task panicked")]
    Panicked,
}
