//! Embedded SQL state in SQLite: the durable intake journal of the embedded mode and the
//! idempotent sinks keyed by report id. The only crate that links rusqlite; no network, no async.
//!
//! Layout:
//! - `schema`: pragmas (WAL, `synchronous=FULL`, a busy handler of short naps) and the
//!   migrations, versioned by `PRAGMA user_version`, applied on open.
//! - `journal`: `Journal`, one connection to the file: `append` (one transaction per call, seqs
//!   1, 2, 3... without gaps, idempotent by report id), `read_after`, and the sinks: `deliver`
//!   (items inserted at most once per `(sink, report_id)` and the consumer checkpoint moved
//!   forward, in one transaction), `checkpoint`, `sink_*`.
//! - `ledger`: the intake ledger (`Journal::submit`: every submission, accepted, duplicate by
//!   origin key or rejected, gets the next ledger seq in the transaction that journals it; rows
//!   hash-chained, `verify_ledger`), `ledger_entry` for status lookups.
//! - `committer`: `GroupCommitter`, a thread that owns a `Journal` and writes everything queued
//!   by concurrent submitters (appends and ledger submissions) in one transaction; a second
//!   thread checkpoints the WAL so no commit waits for a checkpoint.
//! - `partners`: partner API keys (hashed secrets) and the signed batches seen (replays).
//! - `status`: the status of each report as its submitter sees it.
//! - `queue`: analyst queue items (claims with leases, dispositions, notes, possible-duplicate
//!   links), each action in one transaction with its audit event.
//! - `audit`: the audit log, append-only and hash-chained (`verify_audit`).
//! - `chain`: the sha256 hash chain shared by the append-only logs.
//!
//! Durability: WAL with `synchronous=FULL` fsyncs the log on every commit, so an `append` or
//! `deliver` that returned `Ok` survives a process crash or power loss.

mod audit;
mod chain;
mod committer;
mod journal;
mod ledger;
mod partners;
mod queue;
mod schema;
mod status;

pub use crate::audit::{AuditEvent, AuditRecord, AuditVerification};
pub use crate::chain::ChainVerification;
pub use crate::committer::{CommitReport, GroupCommitter};
pub use crate::journal::{
    Appended, DeliveryOutcome, Journal, JournalRecord, NewEntry, SinkItem, SinkRecord,
};
pub use crate::ledger::{
    LedgerEntry, LedgerOutcome, LedgerReceipt, LedgerVerification, NewOutcome, NewSubmission,
    PayloadFn,
};
pub use crate::partners::PartnerKey;
pub use crate::queue::{
    ClaimResult, DisposeResult, Disposition, IngestOutcome, MAX_BULK_IDS, QueueActor, QueueCount,
    QueueFilter, QueueItem, QueueItemInput, QueueNote, QueueScope, QueueSort, QueueState,
    ReleaseResult,
};
pub use crate::status::{ReportStatus, StatusUpdate};

/// Everything that can go wrong in the store. `Clone`, so one failed group commit can answer
/// every submitter; SQLite errors are kept as their message (which names constraints, never
/// values).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("failed to open store `{}`: {message}", path.display())]
    Open {
        path: std::path::PathBuf,
        message: String,
    },
    #[error("store schema version {found} is newer than this build supports ({supported})")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("failed to {operation}: {message}")]
    Sqlite {
        operation: &'static str,
        message: String,
    },
    #[error("corrupt store: {what}")]
    Corrupt { what: &'static str },
    #[error("invalid {what}: {reason}")]
    Invalid {
        what: &'static str,
        reason: &'static str,
    },
    #[error("the group committer has stopped")]
    CommitterStopped,
}

impl StoreError {
    pub(crate) fn sqlite(operation: &'static str) -> impl FnOnce(rusqlite::Error) -> Self {
        move |error| Self::Sqlite {
            operation,
            message: error.to_string(),
        }
    }
}
