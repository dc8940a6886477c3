//! sar-queue: the analyst queues. Routed records become queue items once (idempotent by report
//! id), with a review deadline per queue and possible-duplicate links (T-27); analysts claim,
//! release, dispose of (with a rationale) and annotate them, supervisors and privacy officers
//! also in bulk; every action is audited in the transaction that makes it (T-23).
//!
//! Layout:
//! - `config`: `QueueConfig` (deadlines per queue, claim lease, page and bulk limits).
//! - `service`: `QueueService` (store connection, clock) and `ingest`.
//! - `access`: which queues each role reads and works; the caller's store scope.
//! - `api`: the axum router (`/v1/queues...`, `/v1/items...`) and its OpenAPI document. Items
//!   are shown in the Summary view unless the caller `sees_pii()` (T-40); free text written by
//!   analysts (notes, rationales) is shown only to callers who see PII.
//!
//! The state lives in `sar_store` (one SQLite file); this crate links no SQL.

mod access;
mod api;
mod config;
mod service;

pub use crate::api::{openapi, router};
pub use crate::config::{QueueConfig, SlaConfig};
pub use crate::service::{Clock, QueueService};
pub use sar_store::IngestOutcome;

/// What can go wrong building or feeding the queue service.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("queue store failed")]
    Store(#[from] sar_store::StoreError),
    #[error("failed to encode a queue item")]
    Encode,
    #[error("invalid queue config: {0}")]
    Config(&'static str),
}
