//! `IntakeConfig`: the limits and knobs of the intake API, passed in by the caller (the CLI
//! builds it from its configuration; this crate reads no file and no environment).

use std::{num::NonZeroU32, path::PathBuf, time::Duration};

/// Settings of the intake service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeConfig {
    /// Largest `POST /v1/reports` body, in bytes. Default 1 MiB: a report with a 20,000-character
    /// narrative and many persons stays well under it.
    pub max_report_bytes: usize,
    /// Largest feed batch body, in bytes. Default 64 MiB.
    pub max_batch_bytes: u64,
    /// Most records in one feed batch. Default 10,000.
    pub max_batch_records: usize,
    /// Longest NDJSON line of a batch, in bytes. Default 1 MiB.
    pub max_line_bytes: usize,
    /// Longest narrative, in characters after cleaning (passed to `sar_normalize::validate`).
    /// Default 20,000.
    pub max_narrative_chars: usize,
    /// Records per ledger submission (one group-commit transaction) while a batch is processed.
    /// Default 256.
    pub commit_chunk: usize,
    /// Bytes of a batch body kept in memory while it is received and its signature checked;
    /// beyond this the body is spooled to an anonymous temporary file. Default 1 MiB.
    pub spool_memory_bytes: usize,
    /// Directory of the spool files; `None` = the system temporary directory.
    pub spool_dir: Option<PathBuf>,
    /// Largest difference between `X-Sarflow-Timestamp` and the server clock. Default 300 s.
    pub signature_tolerance: Duration,
    /// Feed batches each partner may send: a token bucket.
    pub partner_rate: RateLimit,
    /// Most verified partner keys remembered (so argon2 runs once per key, not per request).
    /// Default 10,000.
    pub key_cache_entries: usize,
}

impl Default for IntakeConfig {
    fn default() -> Self {
        Self {
            max_report_bytes: 1024 * 1024,
            max_batch_bytes: 64 * 1024 * 1024,
            max_batch_records: 10_000,
            max_line_bytes: 1024 * 1024,
            max_narrative_chars: 20_000,
            commit_chunk: 256,
            spool_memory_bytes: 1024 * 1024,
            spool_dir: None,
            signature_tolerance: Duration::from_secs(300),
            partner_rate: RateLimit::default(),
            key_cache_entries: 10_000,
        }
    }
}

/// A token bucket: `burst` requests at once, refilled at `per_minute`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Bucket size. Default 10 batches.
    pub burst: NonZeroU32,
    /// Tokens added per minute. Default 60 (one batch a second on average).
    pub per_minute: NonZeroU32,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            burst: NonZeroU32::MIN.saturating_add(9),
            per_minute: NonZeroU32::MIN.saturating_add(59),
        }
    }
}
