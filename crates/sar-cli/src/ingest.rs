//! Accepting intake records into the embedded journal: each accepted submission is wrapped as a
//! `RawRecord` (new report id, receipt time) and committed to the journal before it counts as
//! accepted. The journal is idempotent by origin (`source.system` + `source.report_id`, rule
//! T-26), so feeding the same file again after a crash accepts nothing twice.

use std::io::BufRead;

use anyhow::Context as _;
use sar_model::{ReportId, ZonedTime, intake::IntakeRecord, records::RawRecord};
use sar_schema::Codec;
use sar_store::{Appended, GroupCommitter, NewEntry};

/// Wraps a submission as the intake service does: a new UUID v7 report id and the receipt time.
pub(crate) fn wrap_submission(submission: IntakeRecord, received_at: ZonedTime) -> RawRecord {
    let uuid = uuid::Uuid::now_v7();
    let mut random = [0u8; 10];
    random.copy_from_slice(&uuid.as_bytes()[6..]);
    let millis = u64::try_from(received_at.utc().unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
    RawRecord {
        record_id: ReportId::from_parts(millis, random),
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

/// Reads NDJSON intake records and commits the good ones to the journal. Blocking: call it from
/// a blocking thread.
pub(crate) fn ingest_lines(
    input: Box<dyn BufRead + Send>,
    committer: &GroupCommitter,
    codec: &Codec,
    mut on_committed: impl FnMut(),
) -> anyhow::Result<IngestSummary> {
    let mut summary = IngestSummary::default();
    let mut chunk = Vec::with_capacity(INGEST_CHUNK);
    let mut commit = |chunk: &mut Vec<NewEntry>, summary: &mut IngestSummary| {
        let entries = std::mem::take(chunk);
        let outcomes = committer
            .append_blocking(entries)
            .context("failed to commit intake records to the journal")?;
        for outcome in outcomes {
            match outcome {
                Appended::New { .. } => summary.accepted += 1,
                Appended::Duplicate { .. } => summary.duplicates += 1,
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
                continue;
            }
        };
        let record = wrap_submission(submission, crate::now());
        let payload = codec
            .encode(&record)
            .context("failed to encode a raw record")?;
        chunk.push(NewEntry {
            report_id: journal_key(&record),
            payload,
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
