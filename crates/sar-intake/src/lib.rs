//! sar-intake: HTTP intake: officer reports, signed partner feed batches, receipts and submitter
//! status. Layer 3; depends on sar-http, sar-normalize (validation only), sar-schema and
//! sar-store, never on another service.
//!
//! - `POST /v1/reports` (bearer token, officer): one JSON intake record, validated all at once
//!   (`sar_normalize::validate` plus the caller's agency); 202 with the receipt once the group
//!   commit is durable, 200 with the existing id for a duplicate origin (T-26), 4xx problems.
//! - `POST /v1/feed/batches` (partner key + HMAC signature): NDJSON or CSV (column dictionary
//!   in `docs/partner-feed.md`), streamed to a spool while the signature is computed, verified,
//!   then recorded in chunks; one result per record.
//! - `GET /v1/reports/{id}/status` (the submitting agency or partner only): fixed words, no
//!   report content (T-29).
//!
//! Every submission, accepted, duplicate or refused, gets an intake ledger entry with a
//! gap-free seq (T-30), written through the store's `GroupCommitter` in the same transaction as
//! the journal entry of an accepted report (Avro single-object `RawRecord` carrying its ledger
//! seq). Nothing here logs field values, narratives or PII; problems name fields, never values.

mod api;
mod batch;
mod config;
mod csv_feed;
mod feed;
mod keys;
mod rate;
mod reports;
mod signature;
mod spool;
mod state;
mod status;
mod submission;

pub use api::{openapi, router};
pub use batch::{BatchReceipt, RecordOutcome, RecordResult};
pub use config::{IntakeConfig, RateLimit};
pub use keys::{GeneratedKey, PARTNER_KEY_SCHEME};
pub use reports::{LEDGER_SEQ_HEADER, ReportReceipt};
pub use signature::{SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_batch};
pub use state::{Clock, IntakeState};
pub use status::{StatusView, SubmitterState};
pub use submission::{FEED_CHANNEL, OFFICER_CHANNEL, new_report_id, origin_key};

use sar_store::{Journal, PartnerKey, StoreError};

/// Errors of the intake crate's setup and key management (request errors are problems).
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("store: {0}")]
    Store(#[source] StoreError),
    #[error("invalid partner id: {0}")]
    InvalidPartnerId(&'static str),
    #[error("failed to hash the partner secret")]
    Hash,
}

/// Issues a new key for `partner_id` (sending reports of `jurisdiction`) and stores it: the
/// secret only as its argon2id hash. The returned key is the only copy of the secret and the
/// signing key in clear: show it once. Blocking (argon2 and SQLite).
pub fn issue_partner_key(
    store: &mut Journal,
    partner_id: &str,
    jurisdiction: &str,
) -> Result<GeneratedKey, IntakeError> {
    check_partner_id(partner_id)?;
    if jurisdiction.trim().is_empty() {
        return Err(IntakeError::InvalidPartnerId("the jurisdiction is empty"));
    }
    let key = GeneratedKey::random();
    let secret_hash = keys::hash_secret(&key.secret).ok_or(IntakeError::Hash)?;
    store
        .register_partner(&PartnerKey {
            key_id: key.key_id.clone(),
            partner_id: partner_id.to_owned(),
            jurisdiction: jurisdiction.trim().to_owned(),
            secret_hash,
            signing_key: key.signing_key.clone(),
            created_at: submission::rfc3339(time::OffsetDateTime::now_utc()),
            revoked_at: None,
        })
        .map_err(IntakeError::Store)?;
    Ok(key)
}

/// A partner id names the partner in origins (`partner:<id>`), ledger rows and logs: short,
/// plain characters only.
fn check_partner_id(partner_id: &str) -> Result<(), IntakeError> {
    if partner_id.is_empty() || partner_id.len() > 64 {
        return Err(IntakeError::InvalidPartnerId("1 to 64 characters"));
    }
    let plain = partner_id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.'));
    if !plain {
        return Err(IntakeError::InvalidPartnerId(
            "lowercase letters, digits, '-', '_' and '.' only",
        ));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
