//! The blocking half of a feed batch. The handler forwards body chunks over a bounded channel;
//! this side, on a blocking thread:
//!
//! 1. receives: every chunk goes into the HMAC, the batch digests and the spool (memory up to
//!    `spool_memory_bytes`, then an anonymous temp file), refusing past `max_batch_bytes`;
//! 2. verifies the signature over the whole body, then marks the batch id (SHA-256 of
//!    `timestamp.body`) as seen: a replay is refused before anything is recorded;
//! 3. scans the spool once for its framing (UTF-8, line lengths, CSV header and row shape,
//!    record count): a batch that fails here records ONE rejected ledger entry, nothing else;
//! 4. reads the spool again record by record, checks each, and records them through the group
//!    committer in chunks of `commit_chunk` (one transaction each); memory stays bounded by a
//!    chunk plus one result per record.
//!
//! Nothing is recorded before step 2 succeeds.

#[allow(unused_imports)]
use std::{io::BufRead, sync::Arc};

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tokio::sync::mpsc;

use sar_http::{FieldProblem, Problem};
use sar_model::intake::IntakeRecord;
use sar_store::{LedgerOutcome, NewSubmission};

use crate::{
    csv_feed::CsvLayout,
    signature::{BatchHasher, SignatureError},
    spool::Spool,
    state::{Inner, store_problem},
    submission::{self, Envelope, Sender, reason},
};

/// The body formats of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BatchFormat {
    Ndjson,
    Csv,
}

/// What a batch job needs besides the body.
#[derive(Debug)]
pub(crate) struct BatchJob {
    pub(crate) format: BatchFormat,
    pub(crate) sender: Sender,
    pub(crate) signing_key: Vec<u8>,
    pub(crate) timestamp: String,
    pub(crate) signature: [u8; 32],
    pub(crate) received_at: OffsetDateTime,
}

/// A body chunk, or the failure to read one.
pub(crate) type Chunk = Result<Bytes, ()>;

/// The outcome of one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordOutcome {
    /// Recorded and journaled as a new report.
    Accepted,
    /// Its origin was already received: recorded in the ledger, pointing at that report.
    Duplicate,
    /// Refused (see `errors`); recorded in the ledger only.
    Rejected,
}

/// The answer for one record of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RecordResult {
    /// Line the record starts on (1-based).
    pub line: u64,
    /// The partner's id of the report, when it could be read.
    pub source_report_id: Option<String>,
    pub outcome: RecordOutcome,
    /// The report id (for a duplicate, the id of the report received first).
    pub report_id: String,
    /// The intake ledger entry of this record.
    pub ledger_seq: u64,
    /// Every problem of a rejected record, by field (CSV: by column).
    pub errors: Vec<FieldProblem>,
}

/// `POST /v1/feed/batches` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BatchReceipt {
    /// SHA-256 of `timestamp.body` (the replay key).
    pub batch_id: String,
    pub received: u64,
    pub accepted: u64,
    pub duplicates: u64,
    pub rejected: u64,
    /// One per record, in order.
    pub results: Vec<RecordResult>,
}

/// A batch refused as a whole.
#[derive(Debug)]
pub(crate) struct BatchRefusal {
    pub(crate) problem: Problem,
    /// The ledger entry of the refusal, when one was recorded.
    pub(crate) ledger_seq: Option<u64>,
}

impl From<Problem> for BatchRefusal {
    fn from(problem: Problem) -> Self {
        Self {
            problem,
            ledger_seq: None,
        }
    }
}

/// Runs a batch to the end (blocking: call it on the blocking pool).
pub(crate) fn run(
    inner: &Arc<Inner>,
    job: BatchJob,
    mut chunks: mpsc::Receiver<Chunk>,
) -> Result<BatchReceipt, BatchRefusal> {
    let config = &inner.config;
    let mut hasher = BatchHasher::new(&job.signing_key, &job.timestamp)
        .ok_or_else(|| Problem::unauthorized("unknown or invalid partner key"))?;
    let mut spool = Spool::new();
    while let Some(chunk) = chunks.blocking_recv() {
        let chunk = chunk.map_err(|()| Problem::bad_request("failed to read the request body"))?;
        if spool.len() + chunk.len() as u64 > config.max_batch_bytes {
            return Err(Problem::payload_too_large(format!(
                "the batch is larger than {} bytes",
                config.max_batch_bytes
            ))
            .into());
        }
        hasher.update(&chunk);
        spool
            .write(
                &chunk,
                config.spool_memory_bytes,
                config.spool_dir.as_deref(),
            )
            .map_err(|error| {
                tracing::error!(service = "intake", %error, "failed to spool a feed batch");
                Problem::unavailable("failed to buffer the batch; retry later")
            })?;
    }
    drop(chunks);
    let digests = hasher.verify(&job.signature).map_err(|error| match error {
        SignatureError::Mismatch => Problem::unauthorized(error.to_string()),
        _ => Problem::bad_request(error.to_string()),
    })?;

    let partner_id = job.sender.agency.clone();
    let batch_id = digests.batch_id.clone();
    let at = submission::rfc3339(job.received_at);
    let first_time = inner
        .with_store_blocking(|store| store.remember_batch(&partner_id, &batch_id, &at))
        .map_err(|error| store_problem(&error))?;
    if !first_time {
        return Err(Problem::conflict(
            "this signed batch was received before (same timestamp and body); nothing recorded",
        )
        .into());
    }

    let envelope = Envelope {
        received_at: job.received_at,
        report_id: submission::new_report_id(job.received_at),
        body_sha256: digests.body_sha256.clone(),
    };
    let scanned = {
        let reader = spool.reader().map_err(|error| spool_problem(&error))?;
        scan(job.format, reader, config)
    };
    if let Err(refusal) = scanned {
        let entry = envelope.reject(&job.sender, None, refusal.reason, &refusal.problem.errors);
        let receipts = inner
            .committer
            .append_submissions_blocking(vec![entry])
            .map_err(|error| store_problem(&error))?;
        let ledger_seq = receipts.first().map(|receipt| receipt.ledger_seq);
        let mut problem = refusal.problem;
        if let Some(seq) = ledger_seq {
            problem.detail = format!("{} (ledger entry {seq})", problem.detail);
        }
        return Err(BatchRefusal {
            problem,
            ledger_seq,
        });
    }

    let reader = spool.reader().map_err(|error| spool_problem(&error))?;
    let mut recorder = Recorder::new(inner, &job, digests.batch_id);
    match job.format {
        BatchFormat::Ndjson => ndjson_records(reader, config.max_line_bytes, &mut recorder),
        BatchFormat::Csv => csv_records(reader, &job.sender.agency, &mut recorder),
    }?;
    recorder.finish()
}

fn spool_problem(error: &std::io::Error) -> BatchRefusal {
    tracing::error!(service = "intake", %error, "failed to read a spooled feed batch");
    Problem::unavailable("failed to read the buffered batch; retry later").into()
}

/// A framing failure: refused as a whole, with one ledger entry.
#[derive(Debug)]
struct Framing {
    reason: &'static str,
    problem: Problem,
}

fn framing(reason: &'static str, problem: Problem) -> Framing {
    Framing { reason, problem }
}

fn too_many(max: usize) -> Framing {
    framing(
        reason::TOO_LARGE,
        Problem::payload_too_large(format!("the batch has more than {max} records")),
    )
}

fn line_field(line: u64) -> String {
    format!("line {line}")
}

/// First pass: the batch can be read as a whole, within the record limit.
fn scan(
    format: BatchFormat,
    reader: Box<dyn BufRead + '_>,
    config: &crate::IntakeConfig,
) -> Result<u64, Framing> {
    let mut n_records = 0u64;
    let max_records = config.max_batch_records as u64;
    match format {
        BatchFormat::Ndjson => {
            let mut lines = Lines::new(reader, config.max_line_bytes);
            while let Some(line) = lines.next_line() {
                let (number, bytes) = line.map_err(|error| error.framing())?;
                if let Err(error) = std::str::from_utf8(bytes) {
                    return Err(utf8_framing(number, error.valid_up_to()));
                }
                if !is_blank(bytes) {
                    n_records += 1;
                    if n_records > max_records {
                        return Err(too_many(config.max_batch_records));
                    }
                }
            }
        }
        BatchFormat::Csv => {
            let mut csv = csv_reader(reader);
            let header = csv
                .byte_headers()
                .map_err(|error| csv_framing(&error))?
                .clone();
            let names = utf8_cells(&header, 1)?;
            CsvLayout::from_header(names.iter().copied()).map_err(|problems| {
                framing(
                    reason::INVALID_BATCH,
                    Problem::bad_request("the CSV header does not match the column dictionary")
                        .with_errors(problems),
                )
            })?;
            let mut record = csv::ByteRecord::new();
            loop {
                match csv.read_byte_record(&mut record) {
                    Ok(false) => break,
                    Ok(true) => {}
                    Err(error) => return Err(csv_framing(&error)),
                }
                let line = record.position().map_or(0, csv::Position::line);
                utf8_cells(&record, line)?;
                n_records += 1;
                if n_records > max_records {
                    return Err(too_many(config.max_batch_records));
                }
            }
        }
    }
    Ok(n_records)
}

fn utf8_framing(line: u64, valid_up_to: usize) -> Framing {
    framing(
        reason::INVALID_UTF8,
        Problem::bad_request(format!("line {line} is not valid UTF-8")).with_errors(vec![
            FieldProblem::new(
                line_field(line),
                format!("not valid UTF-8 after byte {valid_up_to} of the line"),
            ),
        ]),
    )
}

fn utf8_cells(record: &csv::ByteRecord, line: u64) -> Result<Vec<&str>, Framing> {
    record
        .iter()
        .map(|cell| {
            std::str::from_utf8(cell).map_err(|_| {
                framing(
                    reason::INVALID_UTF8,
                    Problem::bad_request(format!("line {line} is not valid UTF-8"))
                        .with_errors(vec![FieldProblem::new(line_field(line), "not valid UTF-8")]),
                )
            })
        })
        .collect()
}

fn csv_framing(error: &csv::Error) -> Framing {
    let line = error.position().map_or(0, csv::Position::line);
    let problem = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} cells where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_owned(),
        _ => "not readable as CSV".to_owned(),
    };
    framing(
        reason::INVALID_BATCH,
        Problem::bad_request("the batch is not readable as CSV")
            .with_errors(vec![FieldProblem::new(line_field(line), problem)]),
    )
}

fn csv_reader<R: std::io::Read>(reader: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(reader)
}

fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

/// NDJSON lines, numbered from 1, without their line break, at most `max` bytes each.
struct Lines<R> {
    reader: R,
    max: usize,
    number: u64,
    buffer: Vec<u8>,
}

#[derive(Debug)]
enum LineError {
    TooLong { line: u64, max: usize },
    Io,
}

impl LineError {
    fn framing(self) -> Framing {
        match self {
            Self::TooLong { line, max } => framing(
                reason::TOO_LARGE,
                Problem::payload_too_large(format!("line {line} is longer than {max} bytes")),
            ),
            Self::Io => framing(
                reason::INVALID_BATCH,
                Problem::bad_request("the batch could not be read back"),
            ),
        }
    }
}

impl<R: BufRead> Lines<R> {
    fn new(reader: R, max: usize) -> Self {
        Self {
            reader,
            max,
            number: 0,
            buffer: Vec::new(),
        }
    }

    fn next_line(&mut self) -> Option<Result<(u64, &[u8]), LineError>> {
        self.buffer.clear();
        let limit = self.max as u64 + 2;
        let read = std::io::Read::take(&mut self.reader, limit).read_until(b'\n', &mut self.buffer);
        match read {
            Ok(0) => return None,
            Ok(_) => {}
            Err(_) => return Some(Err(LineError::Io)),
        }
        self.number += 1;
        if self.buffer.last() == Some(&b'\n') {
            self.buffer.pop();
        }
        if self.buffer.last() == Some(&b'\r') {
            self.buffer.pop();
        }
        if self.buffer.len() > self.max {
            return Some(Err(LineError::TooLong {
                line: self.number,
                max: self.max,
            }));
        }
        let mut line = self.buffer.as_slice();
        if self.number == 1 {
            line = line.strip_prefix("\u{feff}".as_bytes()).unwrap_or(line);
        }
        Some(Ok((self.number, line)))
    }
}

/// Second pass over NDJSON.
fn ndjson_records(
    reader: Box<dyn BufRead + '_>,
    max_line_bytes: usize,
    recorder: &mut Recorder<'_>,
) -> Result<(), BatchRefusal> {
    let mut lines = Lines::new(reader, max_line_bytes);
    while let Some(line) = lines.next_line() {
        // The first pass read the same bytes, so these cannot fail now; if the spool changed
        // under us, stop rather than record something else.
        let (number, bytes) = line.map_err(|error| BatchRefusal::from(error.framing().problem))?;
        if is_blank(bytes) {
            continue;
        }
        let text = std::str::from_utf8(bytes)
            .map_err(|_| BatchRefusal::from(Problem::bad_request("the batch changed")))?;
        let body_sha256 = submission::sha256_hex(bytes);
        match sar_normalize::parse_intake(text) {
            Ok(intake) => {
                let problems =
                    submission::check(&intake, &recorder.job.sender, recorder.normalize());
                recorder.record(number, body_sha256, Ok(intake), problems)?;
            }
            Err(reject) => {
                let problems = reject
                    .field_errors
                    .into_iter()
                    .map(|error| FieldProblem::new(error.path, error.problem))
                    .collect();
                recorder.record(number, body_sha256, Err(reason::UNDECODABLE), problems)?;
            }
        }
    }
    Ok(())
}

/// Second pass over CSV.
fn csv_records(
    reader: Box<dyn BufRead + '_>,
    partner_id: &str,
    recorder: &mut Recorder<'_>,
) -> Result<(), BatchRefusal> {
    let changed = || BatchRefusal::from(Problem::bad_request("the batch changed"));
    let mut csv = csv_reader(reader);
    let header = csv.headers().map_err(|_| changed())?.clone();
    let layout = CsvLayout::from_header(header.iter()).map_err(|_| changed())?;
    let mut record = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(_) => return Err(changed()),
        }
        let line = record.position().map_or(0, csv::Position::line);
        debug_assert_eq!(record.len(), layout.width());
        let joined = record.iter().collect::<Vec<_>>().join("\u{1f}");
        let body_sha256 = submission::sha256_hex(joined.as_bytes());
        let row = layout.row(record.iter(), partner_id);
        let mut problems = row.problems;
        let Some(intake) = row.intake else {
            recorder.record(line, body_sha256, Err(reason::INVALID_FIELD), problems)?;
            continue;
        };
        for problem in submission::check(&intake, &recorder.job.sender, recorder.normalize()) {
            let column = row.numbers.column_of(&problem.field);
            if !problems.iter().any(|known| known.field == column) {
                problems.push(FieldProblem::new(column, problem.problem));
            }
        }
        recorder.record(line, body_sha256, Ok(intake), problems)?;
    }
    Ok(())
}

/// A record waiting for its chunk to commit.
struct Pending {
    line: u64,
    source_report_id: Option<String>,
    errors: Vec<FieldProblem>,
}

/// Collects records into chunks, commits them, and keeps the results.
struct Recorder<'a> {
    inner: &'a Arc<Inner>,
    job: &'a BatchJob,
    batch_id: String,
    chunk: Vec<NewSubmission>,
    pending: Vec<Pending>,
    results: Vec<RecordResult>,
}

impl<'a> Recorder<'a> {
    fn new(inner: &'a Arc<Inner>, job: &'a BatchJob, batch_id: String) -> Self {
        Self {
            inner,
            job,
            batch_id,
            chunk: Vec::new(),
            pending: Vec::new(),
            results: Vec::new(),
        }
    }

    fn normalize(&self) -> &sar_normalize::NormalizeConfig {
        &self.inner.normalize
    }

    /// Adds one record: accepted when it parsed (`Ok`) without problems, else rejected with
    /// the reason (`Err`) or `invalid_field`.
    fn record(
        &mut self,
        line: u64,
        body_sha256: String,
        parsed: Result<IntakeRecord, &'static str>,
        problems: Vec<FieldProblem>,
    ) -> Result<(), BatchRefusal> {
        let envelope = Envelope {
            received_at: self.job.received_at,
            report_id: submission::new_report_id(self.job.received_at),
            body_sha256,
        };
        let sender = &self.job.sender;
        let (entry, source_report_id) = match parsed {
            Ok(intake) if problems.is_empty() => {
                let source_report_id = Some(intake.source.report_id.clone());
                let entry = envelope
                    .accept(sender, intake, &self.inner.codec)
                    .map_err(|error| {
                        tracing::error!(service = "intake", %error, "failed to encode a raw record");
                        BatchRefusal::from(Problem::internal())
                    })?;
                (entry, source_report_id)
            }
            Ok(intake) => (
                envelope.reject(
                    sender,
                    submission::origin_key(&intake.source),
                    reason::INVALID_FIELD,
                    &problems,
                ),
                Some(intake.source.report_id),
            ),
            Err(reason_code) => (envelope.reject(sender, None, reason_code, &problems), None),
        };
        self.chunk.push(entry);
        self.pending.push(Pending {
            line,
            source_report_id: source_report_id.filter(|id| !id.is_empty()),
            errors: problems,
        });
        if self.chunk.len() >= self.inner.config.commit_chunk.max(1) {
            self.commit()?;
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<(), BatchRefusal> {
        if self.chunk.is_empty() {
            return Ok(());
        }
        let entries = std::mem::take(&mut self.chunk);
        let receipts = self
            .inner
            .committer
            .append_submissions_blocking(entries)
            .map_err(|error| {
                let problem = store_problem(&error);
                let recorded = self.results.len();
                BatchRefusal::from(Problem {
                    detail: format!(
                        "{} ({recorded} records were recorded before the failure; send the batch \
                         again with a new timestamp: they will be answered as duplicates)",
                        problem.detail
                    ),
                    ..problem
                })
            })?;
        let n_new = receipts
            .iter()
            .filter(|receipt| matches!(receipt.outcome, LedgerOutcome::Accepted { .. }))
            .count();
        self.inner.metrics.journal().appended(n_new as u64);
        for (pending, receipt) in self.pending.drain(..).zip(receipts) {
            let outcome = match receipt.outcome {
                LedgerOutcome::Accepted { .. } => RecordOutcome::Accepted,
                LedgerOutcome::Duplicate { .. } => RecordOutcome::Duplicate,
                LedgerOutcome::Rejected => RecordOutcome::Rejected,
            };
            self.results.push(RecordResult {
                line: pending.line,
                source_report_id: pending.source_report_id,
                outcome,
                report_id: receipt.report_id,
                ledger_seq: receipt.ledger_seq,
                errors: pending.errors,
            });
        }
        Ok(())
    }

    fn finish(mut self) -> Result<BatchReceipt, BatchRefusal> {
        self.commit()?;
        let count = |outcome: RecordOutcome| {
            self.results
                .iter()
                .filter(|result| result.outcome == outcome)
                .count() as u64
        };
        Ok(BatchReceipt {
            batch_id: self.batch_id.clone(),
            received: self.results.len() as u64,
            accepted: count(RecordOutcome::Accepted),
            duplicates: count(RecordOutcome::Duplicate),
            rejected: count(RecordOutcome::Rejected),
            results: self.results,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn lines_of(text: &[u8], max: usize) -> Vec<Result<(u64, Vec<u8>), String>> {
        let mut lines = Lines::new(Cursor::new(text), max);
        let mut out = Vec::new();
        while let Some(line) = lines.next_line() {
            out.push(
                line.map(|(number, bytes)| (number, bytes.to_vec()))
                    .map_err(|error| format!("{error:?}")),
            );
        }
        out
    }

    #[test]
    fn lines_are_split_on_line_feeds_and_lose_their_breaks() {
        let lines = lines_of(b"\xef\xbb\xbfa\r\nbb\n\nccc", 10);
        assert_eq!(
            lines,
            [
                Ok((1, b"a".to_vec())),
                Ok((2, b"bb".to_vec())),
                Ok((3, Vec::new())),
                Ok((4, b"ccc".to_vec())),
            ]
        );
    }

    #[test]
    fn a_line_over_the_limit_is_refused_without_reading_it_whole() {
        let lines = lines_of(b"ok\n0123456789abcdef\nnext\n", 4);
        assert_eq!(lines[0], Ok((1, b"ok".to_vec())));
        assert_eq!(lines[1], Err("TooLong { line: 2, max: 4 }".to_owned()));
        // Exactly at the limit, with CRLF, is fine.
        assert_eq!(lines_of(b"abcd\r\n", 4), [Ok((1, b"abcd".to_vec()))]);
    }

    fn config(max_records: usize) -> crate::IntakeConfig {
        crate::IntakeConfig {
            max_batch_records: max_records,
            max_line_bytes: 64,
            ..crate::IntakeConfig::default()
        }
    }

    fn scan_text(format: BatchFormat, text: &[u8], max_records: usize) -> Result<u64, Framing> {
        scan(format, Box::new(Cursor::new(text)), &config(max_records))
    }

    #[test]
    fn the_first_pass_counts_records_and_finds_bad_utf8_by_line() {
        assert_eq!(scan_text(BatchFormat::Ndjson, b"{}\n\n{}\n", 2).unwrap(), 2);
        let too_many = scan_text(BatchFormat::Ndjson, b"{}\n{}\n{}\n", 2).unwrap_err();
        assert_eq!(too_many.reason, "payload_too_large");
        assert_eq!(too_many.problem.status, 413);
        let bad = scan_text(BatchFormat::Ndjson, b"{}\n{\"a\":\"\xff\"}\n", 9).unwrap_err();
        assert_eq!(bad.reason, "invalid_utf8");
        assert_eq!(bad.problem.status, 400);
        assert_eq!(bad.problem.errors[0].field, "line 2");
    }

    const HEADER: &str = "source_report_id,submitted_at,submitter_org_name,submitter_org_type,\
reporter_role,observed_start,location_jurisdiction,narrative,lawfully_obtained\n";

    #[test]
    fn the_first_pass_checks_the_csv_header_and_row_shape() {
        let good = format!("{HEADER}a,b,c,d,e,f,g,\"multi\nline\",true\nh,i,j,k,l,m,n,o,false\n");
        assert_eq!(scan_text(BatchFormat::Csv, good.as_bytes(), 9).unwrap(), 2);
        let short = format!("{HEADER}a,b,c\n");
        let refused = scan_text(BatchFormat::Csv, short.as_bytes(), 9).unwrap_err();
        assert_eq!(refused.reason, "invalid_batch");
        assert_eq!(refused.problem.errors[0].field, "line 2");
        assert_eq!(
            refused.problem.errors[0].problem,
            "3 cells where the header has 9"
        );
        let header = scan_text(BatchFormat::Csv, b"narrative,shoe_size\n", 9).unwrap_err();
        assert_eq!(header.reason, "invalid_batch");
        assert!(header.problem.errors.iter().any(|e| e.field == "shoe_size"));
        let mut bad = HEADER.as_bytes().to_vec();
        bad.extend_from_slice(b"a,b,c,d,e,f,g,\xfe,true\n");
        let utf8 = scan_text(BatchFormat::Csv, &bad, 9).unwrap_err();
        assert_eq!(utf8.reason, "invalid_utf8");
        assert_eq!(utf8.problem.errors[0].field, "line 2");
    }
}
