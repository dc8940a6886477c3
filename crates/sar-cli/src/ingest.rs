//! Accepting intake records into the embedded journal: each accepted submission is wrapped as a
//! `RawRecord` (new report id, receipt time) and committed to the journal before it counts as
//! accepted. The journal is idempotent by origin (`source.system` + `source.report_id`, rule
//! T-26), so feeding the same file again after a crash accepts nothing twice.

use std::{io::BufRead, sync::Arc};

use anyhow::Context as _;
use sar_model::{ReportId, ZonedTime, intake::IntakeRecord, records::RawRecord};
use sar_schema::Codec;
use sar_store::{GroupCommitter, LedgerOutcome, NewOutcome, NewSubmission, PayloadFn};
use sha2::{Digest as _, Sha256};

/// Wraps a submission as the intake service does: a new UUID v7 report id and the receipt time.
pub(crate) fn wrap_submission(submission: IntakeRecord, received_at: ZonedTime) -> RawRecord {
    RawRecord {
        record_id: wrap_id(&received_at),
        received_at,
        ledger_seq: None,
        submission,
    }
}

/// The journal's idempotency key of a raw record: its origin when it names one, else its id.
pub(crate) fn journal_key(record: &RawRecord) -> String {
    let source = &record.submission.source;
    if source.system.is_empty() || source.report_id.is_empty() {
        return record.record_id.to_string();
    }
    format!("origin:{}\u{1f}{}", source.system, source.report_id)
}

/// What an ingest run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IngestSummary {
    /// Newly accepted records.
    pub(crate) accepted: u64,
    /// Records whose origin was already in the journal.
    pub(crate) duplicates: u64,
    /// Lines that were not intake records (one error line each on stderr).
    pub(crate) failed: u64,
}

/// Records per journal submission: one transaction each.
const INGEST_CHUNK: usize = 512;

/// Reads NDJSON intake records and records every line in the intake ledger (T-30): the good
/// ones are journaled (or found to be duplicates of a journaled origin, T-26), the bad ones
/// are ledger rejections with their field errors (and an error line on stderr). Blocking: call
/// it from a blocking thread.
pub(crate) fn ingest_lines(
    input: Box<dyn BufRead + Send>,
    committer: &GroupCommitter,
    codec: &Arc<Codec>,
    mut on_committed: impl FnMut(),
) -> anyhow::Result<IngestSummary> {
    let mut summary = IngestSummary::default();
    let mut chunk = Vec::with_capacity(INGEST_CHUNK);
    let mut commit = |chunk: &mut Vec<NewSubmission>, summary: &mut IngestSummary| {
        let submissions = std::mem::take(chunk);
        let receipts = committer
            .append_submissions_blocking(submissions)
            .context("failed to commit intake records to the ledger and journal")?;
        for receipt in receipts {
            match receipt.outcome {
                LedgerOutcome::Accepted { .. } => summary.accepted += 1,
                LedgerOutcome::Duplicate { .. } => summary.duplicates += 1,
                LedgerOutcome::Rejected => {}
            }
        }
        on_committed();
        anyhow::Ok(())
    };
    for (line_idx, line) in input.lines().enumerate() {
        let line = line.context("failed to read the intake input")?;
        if line.trim().is_empty() {
            continue;
        }
        let received_at = crate::now();
        let body_sha256 = hex::encode(Sha256::digest(line.as_bytes()));
        let submission = match sar_normalize::parse_intake(&line) {
            Ok(submission) => submission,
            Err(reject) => {
                summary.failed += 1;
                crate::write_error_line(
                    line_idx + 1,
                    "intake",
                    reject.code.as_str(),
                    &reject.message,
                    &reject.field_errors,
                );
                chunk.push(NewSubmission {
                    received_at: received_at.to_string(),
                    channel: FILE_CHANNEL.to_owned(),
                    principal: FILE_PRINCIPAL.to_owned(),
                    agency: String::new(),
                    origin_key: None,
                    report_id: wrap_id(&received_at).to_string(),
                    body_sha256,
                    outcome: NewOutcome::Reject {
                        reason_code: reject.code.as_str().to_owned(),
                        field_errors: reject
                            .field_errors
                            .iter()
                            .map(|error| (error.path.clone(), error.problem.clone()))
                            .collect(),
                    },
                });
                if chunk.len() == INGEST_CHUNK {
                    commit(&mut chunk, &mut summary)?;
                }
                continue;
            }
        };
        let record = wrap_submission(submission, received_at);
        chunk.push(NewSubmission {
            received_at: record.received_at.to_string(),
            channel: FILE_CHANNEL.to_owned(),
            principal: FILE_PRINCIPAL.to_owned(),
            agency: record.submission.submitter.org_id.clone(),
            origin_key: Some(journal_key(&record)),
            report_id: record.record_id.to_string(),
            body_sha256,
            outcome: NewOutcome::Accept {
                payload: raw_payload(record, Arc::clone(codec)),
            },
        });
        if chunk.len() == INGEST_CHUNK {
            commit(&mut chunk, &mut summary)?;
        }
    }
    if !chunk.is_empty() {
        commit(&mut chunk, &mut summary)?;
    }
    Ok(summary)
}

/// The ledger channel of records read from a file or stdin by `sarflow run --ingest`.
const FILE_CHANNEL: &str = "file_ingest";
/// The ledger principal of those records: the operator's command line.
const FILE_PRINCIPAL: &str = "cli";

/// The journal payload of an accepted record: its Avro encoding, carrying the ledger seq the
/// ledger gave it. Encoding a record built from a parsed submission cannot fail unless the
/// schema and the model disagree (a build defect); should it fail, the payload is empty, and
/// the feeder dead-letters it as `undecodable`: visible, never silently lost.
pub(crate) fn raw_payload(mut record: RawRecord, codec: Arc<Codec>) -> PayloadFn {
    Box::new(move |ledger_seq| {
        record.ledger_seq = i64::try_from(ledger_seq).ok();
        codec.encode(&record).unwrap_or_default()
    })
}

fn wrap_id(received_at: &ZonedTime) -> ReportId {
    let uuid = uuid::Uuid::now_v7();
    let mut random = [0u8; 10];
    random.copy_from_slice(&uuid.as_bytes()[6..]);
    let millis = u64::try_from(received_at.utc().unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
    ReportId::from_parts(millis, random)
}
