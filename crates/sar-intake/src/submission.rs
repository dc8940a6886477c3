//! One submission, from checked intake record to ledger entry: who sent it, its field problems
//! (all at once: `sar_normalize::validate` plus the sender's ownership rules), the origin key
//! that makes it idempotent (rule T-26), the proposed report id, and the `NewSubmission` the
//! ledger records (rule T-30).

use std::sync::Arc;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use sar_http::FieldProblem;
use sar_model::{
    ReportId, ZonedTime,
    intake::{IntakeRecord, IntakeSource},
    records::RawRecord,
};
use sar_normalize::NormalizeConfig;
use sar_schema::Codec;
use sar_store::{NewOutcome, NewSubmission, PayloadFn};

/// The ledger channel of `POST /v1/reports`.
pub const OFFICER_CHANNEL: &str = "officer_api";
/// The ledger channel of `POST /v1/feed/batches`.
pub const FEED_CHANNEL: &str = "partner_feed";

/// Ledger reason codes of refused submissions (bounded, also usable as metric labels).
pub(crate) mod reason {
    /// Not JSON, or JSON that is not an intake record (wrong type, unknown or missing field).
    pub(crate) const UNDECODABLE: &str = "undecodable";
    /// Fields invalid (see the field errors).
    pub(crate) const INVALID_FIELD: &str = "invalid_field";
    /// The body is not UTF-8.
    pub(crate) const INVALID_UTF8: &str = "invalid_utf8";
    /// The body is over the size limit.
    pub(crate) const TOO_LARGE: &str = "payload_too_large";
    /// The content type is not one the endpoint takes.
    pub(crate) const MEDIA_TYPE: &str = "unsupported_media_type";
    /// A feed batch that cannot be read as a whole (bad CSV header, too many records, ...).
    pub(crate) const INVALID_BATCH: &str = "invalid_batch";
}

/// Who sent a submission, as the ledger records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sender {
    /// User subject or partner id.
    pub(crate) principal: String,
    /// Agency (ORI) or partner id: the only one who may read the status.
    pub(crate) agency: String,
    /// `officer_api` or `partner_feed`.
    pub(crate) channel: &'static str,
    pub(crate) kind: SenderKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SenderKind {
    Officer,
    Partner,
}

impl Sender {
    /// The origin system a partner's records must name: `partner:<partner id>`.
    pub(crate) fn partner_system(&self) -> String {
        format!("partner:{}", self.agency)
    }
}

/// Every field problem of `intake` at once: `sar_normalize::validate`, then the sender's rules:
/// an officer submits for their own agency (`submitter.org_id`); a partner's records name the
/// partner as organisation and origin system (`partner:<id>`) and come by `partner_feed` or
/// `csv`.
pub(crate) fn check(
    intake: &IntakeRecord,
    sender: &Sender,
    normalize: &NormalizeConfig,
) -> Vec<FieldProblem> {
    let mut problems: Vec<FieldProblem> = match sar_normalize::validate(intake, normalize) {
        Ok(()) => Vec::new(),
        Err(reject) => reject
            .field_errors
            .into_iter()
            .map(|error| FieldProblem::new(error.path, error.problem))
            .collect(),
    };
    let mut own = |field: &str, problem: String| {
        if !problems.iter().any(|known| known.field == field) {
            problems.push(FieldProblem::new(field, problem));
        }
    };
    if intake.submitter.org_id.trim() != sender.agency {
        own(
            "submitter.org_id",
            match sender.kind {
                SenderKind::Officer => "must be the agency of the caller".to_owned(),
                SenderKind::Partner => "must be the partner id of the key".to_owned(),
            },
        );
    }
    if sender.kind == SenderKind::Partner {
        if intake.source.system != sender.partner_system() {
            own(
                "source.system",
                "must be `partner:` followed by the partner id of the key".to_owned(),
            );
        }
        if !matches!(intake.channel.as_str(), "partner_feed" | "csv") {
            own("channel", "must be partner_feed or csv".to_owned());
        }
    }
    problems
}

/// The idempotency key of an origin: `origin:<system>\x1f<report id>` (the same text the CLI's
/// `ingest` uses), or `None` when either part is empty.
pub fn origin_key(source: &IntakeSource) -> Option<String> {
    if source.system.is_empty() || source.report_id.is_empty() {
        return None;
    }
    Some(format!(
        "origin:{}\u{1f}{}",
        source.system, source.report_id
    ))
}

/// A new report id: UUID v7 at `received_at` with random bits.
pub fn new_report_id(received_at: OffsetDateTime) -> ReportId {
    let uuid = uuid::Uuid::now_v7();
    let mut random = [0u8; 10];
    random.copy_from_slice(&uuid.as_bytes()[6..]);
    let millis = u64::try_from(received_at.unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
    ReportId::from_parts(millis, random)
}

/// Hex SHA-256.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// RFC 3339 text of an instant (UTC).
pub(crate) fn rfc3339(at: OffsetDateTime) -> String {
    ZonedTime::from_offset_date_time(at).to_rfc3339()
}

/// The common part of a ledger entry.
#[derive(Debug, Clone)]
pub(crate) struct Envelope {
    pub(crate) received_at: OffsetDateTime,
    pub(crate) report_id: ReportId,
    pub(crate) body_sha256: String,
}

impl Envelope {
    pub(crate) fn new(received_at: OffsetDateTime, body: &[u8]) -> Self {
        Self {
            received_at,
            report_id: new_report_id(received_at),
            body_sha256: sha256_hex(body),
        }
    }

    /// A refused submission.
    pub(crate) fn reject(
        &self,
        sender: &Sender,
        origin_key: Option<String>,
        reason_code: &str,
        problems: &[FieldProblem],
    ) -> NewSubmission {
        NewSubmission {
            received_at: rfc3339(self.received_at),
            channel: sender.channel.to_owned(),
            principal: sender.principal.clone(),
            agency: sender.agency.clone(),
            origin_key,
            report_id: self.report_id.to_string(),
            body_sha256: self.body_sha256.clone(),
            outcome: NewOutcome::Reject {
                reason_code: reason_code.to_owned(),
                field_errors: problems
                    .iter()
                    .map(|problem| (problem.field.clone(), problem.problem.clone()))
                    .collect(),
            },
        }
    }

    /// An accepted submission: the journal payload is the Avro single-object encoding of the
    /// `RawRecord`, built on the commit thread once the ledger seq is known.
    pub(crate) fn accept(
        &self,
        sender: &Sender,
        intake: IntakeRecord,
        codec: &Arc<Codec>,
    ) -> Result<NewSubmission, sar_schema::SchemaError> {
        let origin_key = origin_key(&intake.source);
        let record = RawRecord {
            record_id: self.report_id,
            received_at: ZonedTime::from_offset_date_time(self.received_at),
            ledger_seq: None,
            submission: intake,
        };
        // Encoded here once without the seq, so an encoding failure is an error of this request
        // rather than of the commit thread. The commit thread only splices the seq into these
        // bytes (`with_ledger_seq`); should the layout ever not be the expected one, it encodes
        // again, falling back to these bytes (a valid raw record, only without its ledger seq)
        // should that fail.
        let without_seq = codec.encode(&record)?;
        let payload: PayloadFn = match ledger_seq_offset(&without_seq, &record) {
            Some(offset) => Box::new(move |ledger_seq: u64| match i64::try_from(ledger_seq) {
                Ok(seq) => with_ledger_seq(&without_seq, offset, seq),
                Err(_) => without_seq,
            }),
            None => {
                let codec = Arc::clone(codec);
                Box::new(move |ledger_seq: u64| {
                    let mut record = record;
                    record.ledger_seq = i64::try_from(ledger_seq).ok();
                    codec.encode(&record).unwrap_or(without_seq)
                })
            }
        };
        Ok(NewSubmission {
            received_at: rfc3339(self.received_at),
            channel: sender.channel.to_owned(),
            principal: sender.principal.clone(),
            agency: sender.agency.clone(),
            origin_key,
            report_id: self.report_id.to_string(),
            body_sha256: self.body_sha256.clone(),
            outcome: NewOutcome::Accept { payload },
        })
    }
}

/// Length of the single-object header (`C3 01` and the 8-byte fingerprint) of an encoded record.
const SINGLE_OBJECT_HEADER_LEN: usize = 10;

/// Where the `ledger_seq` union of `encoded` (a `RawRecord` without a seq) starts, if the bytes
/// are laid out as `sarflow.RawRecord` v1 says: header, `record_id` and `received_at` as Avro
/// strings, then the union's `null` branch (a single 0).
fn ledger_seq_offset(encoded: &[u8], record: &RawRecord) -> Option<usize> {
    let mut expected = Vec::with_capacity(64);
    avro_string(&mut expected, &record.record_id.to_string());
    avro_string(&mut expected, &record.received_at.to_rfc3339());
    let end = SINGLE_OBJECT_HEADER_LEN + expected.len();
    let laid_out = encoded.get(SINGLE_OBJECT_HEADER_LEN..end) == Some(expected.as_slice())
        && encoded.get(end) == Some(&0);
    laid_out.then_some(end)
}

/// `encoded` with its `ledger_seq` union (the 0 at `offset`) set to the `long` branch and `seq`:
/// the bytes `Codec::encode` gives for the record with that seq.
fn with_ledger_seq(encoded: &[u8], offset: usize, seq: i64) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(encoded.len() + 10);
    bytes.extend_from_slice(&encoded[..offset]);
    avro_long(&mut bytes, 1);
    avro_long(&mut bytes, seq);
    bytes.extend_from_slice(&encoded[offset + 1..]);
    bytes
}

/// Avro `long`: zigzag, then a little-endian base-128 varint.
fn avro_long(bytes: &mut Vec<u8>, value: i64) {
    let mut zigzag = ((value << 1) ^ (value >> 63)).cast_unsigned();
    while zigzag >= 0x80 {
        bytes.push((zigzag & 0x7f) as u8 | 0x80);
        zigzag >>= 7;
    }
    bytes.push(zigzag as u8);
}

/// Avro `string`: the length as a `long`, then the UTF-8 bytes.
fn avro_string(bytes: &mut Vec<u8>, text: &str) {
    avro_long(bytes, i64::try_from(text.len()).unwrap_or(i64::MAX));
    bytes.extend_from_slice(text.as_bytes());
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
