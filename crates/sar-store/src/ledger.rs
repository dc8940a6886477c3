//! The intake ledger (T-30): every submission, accepted, duplicate or rejected, gets the next
//! ledger seq (gap-free), in the same transaction as its journal entry. Rows are hash-chained
//! (`chain`), and `ledger_head` keeps the last seq and hash so rows cut from the end show up as
//! a gap.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::{
    Journal, StoreError,
    chain::{self, ChainCheck, ChainVerification, Part, read_head, write_head},
    journal::{last_seq_of, to_i64, to_u64},
};

/// Builds the journal payload once the ledger seq is known (e.g. a raw record that carries it).
pub type PayloadFn = Box<dyn FnOnce(u64) -> Vec<u8> + Send + 'static>;

/// One submission to record in the ledger.
pub struct NewSubmission {
    /// When it was received, RFC 3339.
    pub received_at: String,
    /// How it came in (`officer_api`, `partner_feed`, ...).
    pub channel: String,
    /// Who sent it: the user subject or the partner id.
    pub principal: String,
    /// The submitting agency.
    pub agency: String,
    /// The sender's own key for the report (e.g. `partner:<id>:<source report id>`); an
    /// accepted submission whose origin key is already known is a duplicate. Compose it so it is
    /// unique per sender.
    pub origin_key: Option<String>,
    /// The report id proposed for this submission (a UUIDv7).
    pub report_id: String,
    /// Hex sha256 of the submitted body.
    pub body_sha256: String,
    pub outcome: NewOutcome,
}

impl std::fmt::Debug for NewSubmission {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("NewSubmission")
            .field("channel", &self.channel)
            .field("report_id", &self.report_id)
            .field("outcome", &self.outcome)
            .finish_non_exhaustive()
    }
}

/// What the intake decided about a submission.
pub enum NewOutcome {
    /// Valid: journal it (unless its origin key or report id is known); `payload` is called
    /// with the ledger seq, only when a journal entry is written.
    Accept { payload: PayloadFn },
    /// Invalid: recorded in the ledger only.
    Reject {
        reason_code: String,
        /// `(field path, problem)`.
        field_errors: Vec<(String, String)>,
    },
}

impl std::fmt::Debug for NewOutcome {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Accept { .. } => formatter.write_str("Accept"),
            Self::Reject { reason_code, .. } => formatter
                .debug_struct("Reject")
                .field("reason_code", reason_code)
                .finish_non_exhaustive(),
        }
    }
}

/// What the ledger recorded for one submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerOutcome {
    /// Journaled at `journal_seq`.
    Accepted { journal_seq: u64 },
    /// Its origin key (or report id) was already journaled at `journal_seq`; nothing journaled.
    Duplicate { journal_seq: u64 },
    /// Not journaled.
    Rejected,
}

impl LedgerOutcome {
    /// `accepted`, `duplicate`, `rejected`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted { .. } => "accepted",
            Self::Duplicate { .. } => "duplicate",
            Self::Rejected => "rejected",
        }
    }

    pub fn journal_seq(self) -> Option<u64> {
        match self {
            Self::Accepted { journal_seq } | Self::Duplicate { journal_seq } => Some(journal_seq),
            Self::Rejected => None,
        }
    }
}

/// The answer for one submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerReceipt {
    pub ledger_seq: u64,
    /// The proposed id, or for a duplicate the id of the report already journaled.
    pub report_id: String,
    pub outcome: LedgerOutcome,
}

/// One ledger row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    pub ledger_seq: u64,
    pub received_at: String,
    pub channel: String,
    pub principal: String,
    pub agency: String,
    pub origin_key: Option<String>,
    pub report_id: String,
    pub body_sha256: String,
    pub outcome: LedgerOutcome,
    pub reason_code: Option<String>,
    pub field_errors: Vec<(String, String)>,
}

/// What `verify_ledger` found.
pub type LedgerVerification = ChainVerification;

impl Journal {
    /// Records `batch` in the ledger and journals the accepted ones, in ONE transaction: every
    /// submission gets the next ledger seq; an `Accept` whose origin key (or report id) is
    /// already journaled becomes `Duplicate` (its payload fn is not called). On error nothing
    /// is written.
    pub fn submit(&mut self, batch: Vec<NewSubmission>) -> Result<Vec<LedgerReceipt>, StoreError> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite("begin a submission"))?;
        let receipts = submit_in(&transaction, batch)?;
        transaction
            .commit()
            .map_err(StoreError::sqlite("commit a submission"))?;
        Ok(receipts)
    }

    /// The first ledger row for `report_id` (for a duplicate, rows point at the existing id).
    pub fn ledger_entry(&self, report_id: &str) -> Result<Option<LedgerEntry>, StoreError> {
        let mut statement = self
            .connection
            .prepare_cached(&format!(
                "SELECT {LEDGER_COLUMNS} FROM ledger WHERE report_id = ?1 ORDER BY seq LIMIT 1"
            ))
            .map_err(StoreError::sqlite("prepare a ledger lookup"))?;
        let row = statement
            .query_row([report_id], LedgerRow::read)
            .optional()
            .map_err(StoreError::sqlite("read the ledger"))?;
        row.map(LedgerRow::into_entry).transpose()
    }

    /// The highest ledger seq, 0 when empty.
    pub fn last_ledger_seq(&self) -> Result<u64, StoreError> {
        let seq: i64 = self
            .connection
            .query_row("SELECT coalesce(max(seq), 0) FROM ledger", [], |row| {
                row.get(0)
            })
            .map_err(StoreError::sqlite("read the last ledger seq"))?;
        to_u64(seq, "negative ledger seq")
    }

    /// Walks the whole ledger: seqs 1.. without gaps, every row hash and link intact, the head
    /// matching the last row.
    pub fn verify_ledger(&self) -> Result<LedgerVerification, StoreError> {
        let mut check = ChainCheck::default();
        let mut statement = self
            .connection
            .prepare(&format!(
                "SELECT {LEDGER_COLUMNS}, prev_hash, hash FROM ledger ORDER BY seq"
            ))
            .map_err(StoreError::sqlite("prepare a ledger walk"))?;
        let mut rows = statement
            .query([])
            .map_err(StoreError::sqlite("walk the ledger"))?;
        while let Some(row) = rows.next().map_err(StoreError::sqlite("walk the ledger"))? {
            let ledger_row = LedgerRow::read(row).map_err(StoreError::sqlite("walk the ledger"))?;
            let prev_hash: String = row
                .get(LEDGER_N_COLUMNS)
                .map_err(StoreError::sqlite("walk the ledger"))?;
            let hash: String = row
                .get(LEDGER_N_COLUMNS + 1)
                .map_err(StoreError::sqlite("walk the ledger"))?;
            let recomputed = ledger_row.hash(&prev_hash);
            check.row(
                to_u64(ledger_row.seq, "negative ledger seq")?,
                &prev_hash,
                &hash,
                &recomputed,
            );
        }
        check.head(read_head(&self.connection, "ledger_head")?);
        Ok(check.finish())
    }
}

const LEDGER_COLUMNS: &str = "seq, received_at, channel, principal, agency, origin_key, \
     report_id, body_sha256, outcome, journal_seq, reason_code, field_errors";
/// How many columns `LEDGER_COLUMNS` names.
const LEDGER_N_COLUMNS: usize = 12;

/// A ledger row in its stored form (what the hash covers).
struct LedgerRow {
    seq: i64,
    received_at: String,
    channel: String,
    principal: String,
    agency: String,
    origin_key: Option<String>,
    report_id: String,
    body_sha256: String,
    outcome: String,
    journal_seq: Option<i64>,
    reason_code: Option<String>,
    field_errors: String,
}

impl LedgerRow {
    /// Reads the `LEDGER_COLUMNS` (the first `LEDGER_N_COLUMNS` columns).
    fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            seq: row.get(0)?,
            received_at: row.get(1)?,
            channel: row.get(2)?,
            principal: row.get(3)?,
            agency: row.get(4)?,
            origin_key: row.get(5)?,
            report_id: row.get(6)?,
            body_sha256: row.get(7)?,
            outcome: row.get(8)?,
            journal_seq: row.get(9)?,
            reason_code: row.get(10)?,
            field_errors: row.get(11)?,
        })
    }

    fn hash(&self, prev_hash: &str) -> String {
        chain::link_hash(
            prev_hash,
            &[
                Part::Int(self.seq),
                Part::Text(&self.received_at),
                Part::Text(&self.channel),
                Part::Text(&self.principal),
                Part::Text(&self.agency),
                Part::OptText(self.origin_key.as_deref()),
                Part::Text(&self.report_id),
                Part::Text(&self.body_sha256),
                Part::Text(&self.outcome),
                Part::OptInt(self.journal_seq),
                Part::OptText(self.reason_code.as_deref()),
                Part::Text(&self.field_errors),
            ],
        )
    }

    fn into_entry(self) -> Result<LedgerEntry, StoreError> {
        let journal_seq = self
            .journal_seq
            .map(|seq| to_u64(seq, "negative journal seq"))
            .transpose()?;
        let outcome = match (self.outcome.as_str(), journal_seq) {
            ("accepted", Some(journal_seq)) => LedgerOutcome::Accepted { journal_seq },
            ("duplicate", Some(journal_seq)) => LedgerOutcome::Duplicate { journal_seq },
            ("rejected", None) => LedgerOutcome::Rejected,
            _ => {
                return Err(StoreError::Corrupt {
                    what: "ledger outcome",
                });
            }
        };
        let field_errors: Vec<(String, String)> = serde_json::from_str(&self.field_errors)
            .map_err(|_| StoreError::Corrupt {
                what: "ledger field errors",
            })?;
        Ok(LedgerEntry {
            ledger_seq: to_u64(self.seq, "negative ledger seq")?,
            received_at: self.received_at,
            channel: self.channel,
            principal: self.principal,
            agency: self.agency,
            origin_key: self.origin_key,
            report_id: self.report_id,
            body_sha256: self.body_sha256,
            outcome,
            reason_code: self.reason_code,
            field_errors,
        })
    }
}

/// `submit` inside a transaction the caller commits.
pub(crate) fn submit_in(
    transaction: &Connection,
    batch: Vec<NewSubmission>,
) -> Result<Vec<LedgerReceipt>, StoreError> {
    let mut receipts = Vec::with_capacity(batch.len());
    let (mut last_seq, mut last_hash) = match read_head(transaction, "ledger_head")? {
        Some((seq, hash)) => (seq, hash),
        None => (0, chain::GENESIS.to_owned()),
    };
    let mut next_journal_seq = last_seq_of(transaction)? + 1;
    let mut find_origin = transaction
        .prepare_cached("SELECT report_id, journal_seq FROM origins WHERE origin_key = ?1")
        .map_err(StoreError::sqlite("prepare the origin lookup"))?;
    let mut find_report = transaction
        .prepare_cached("SELECT seq FROM journal WHERE report_id = ?1")
        .map_err(StoreError::sqlite("prepare the journal lookup"))?;
    let mut insert_journal = transaction
        .prepare_cached("INSERT INTO journal (seq, report_id, payload) VALUES (?1, ?2, ?3)")
        .map_err(StoreError::sqlite("prepare the journal insert"))?;
    let mut insert_origin = transaction
        .prepare_cached(
            "INSERT INTO origins (origin_key, report_id, journal_seq) VALUES (?1, ?2, ?3)
             ON CONFLICT (origin_key) DO NOTHING",
        )
        .map_err(StoreError::sqlite("prepare the origin insert"))?;
    let mut insert_ledger = transaction
        .prepare_cached(
            "INSERT INTO ledger (seq, received_at, channel, principal, agency, origin_key,
                 report_id, body_sha256, outcome, journal_seq, reason_code, field_errors,
                 prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )
        .map_err(StoreError::sqlite("prepare the ledger insert"))?;

    for submission in batch {
        let ledger_seq = last_seq + 1;
        let NewSubmission {
            received_at,
            channel,
            principal,
            agency,
            origin_key,
            report_id,
            body_sha256,
            outcome,
        } = submission;
        let (report_id, outcome, reason_code, field_errors) = match outcome {
            NewOutcome::Reject {
                reason_code,
                field_errors,
            } => (
                report_id,
                LedgerOutcome::Rejected,
                Some(reason_code),
                field_errors,
            ),
            NewOutcome::Accept { payload } => {
                let known_origin: Option<(String, i64)> = match &origin_key {
                    Some(origin_key) => find_origin
                        .query_row([origin_key], |row| Ok((row.get(0)?, row.get(1)?)))
                        .optional()
                        .map_err(StoreError::sqlite("look up an origin key"))?,
                    None => None,
                };
                let known = match known_origin {
                    Some(known) => Some(known),
                    None => find_report
                        .query_row([&report_id], |row| row.get(0))
                        .optional()
                        .map_err(StoreError::sqlite("look up a report id"))?
                        .map(|seq: i64| (report_id.clone(), seq)),
                };
                let (report_id, outcome) = match known {
                    Some((existing_id, seq)) => (
                        existing_id,
                        LedgerOutcome::Duplicate {
                            journal_seq: to_u64(seq, "negative journal seq")?,
                        },
                    ),
                    None => {
                        let journal_seq = next_journal_seq;
                        next_journal_seq += 1;
                        insert_journal
                            .execute(params![
                                to_i64(journal_seq)?,
                                report_id,
                                payload(ledger_seq)
                            ])
                            .map_err(StoreError::sqlite("append to the journal"))?;
                        (report_id, LedgerOutcome::Accepted { journal_seq })
                    }
                };
                if let (Some(origin_key), Some(journal_seq)) = (&origin_key, outcome.journal_seq())
                {
                    insert_origin
                        .execute(params![origin_key, report_id, to_i64(journal_seq)?])
                        .map_err(StoreError::sqlite("record an origin key"))?;
                }
                (report_id, outcome, None, Vec::new())
            }
        };
        let row = LedgerRow {
            seq: to_i64(ledger_seq)?,
            received_at,
            channel,
            principal,
            agency,
            origin_key,
            report_id,
            body_sha256,
            outcome: outcome.as_str().to_owned(),
            journal_seq: outcome.journal_seq().map(to_i64).transpose()?,
            reason_code,
            field_errors: serde_json::to_string(&field_errors).map_err(|_| {
                StoreError::Invalid {
                    what: "field errors",
                    reason: "not serializable",
                }
            })?,
        };
        let hash = row.hash(&last_hash);
        insert_ledger
            .execute(params![
                row.seq,
                row.received_at,
                row.channel,
                row.principal,
                row.agency,
                row.origin_key,
                row.report_id,
                row.body_sha256,
                row.outcome,
                row.journal_seq,
                row.reason_code,
                row.field_errors,
                last_hash,
                hash,
            ])
            .map_err(StoreError::sqlite("append to the ledger"))?;
        receipts.push(LedgerReceipt {
            ledger_seq,
            report_id: row.report_id,
            outcome,
        });
        last_seq = ledger_seq;
        last_hash = hash;
    }
    if !receipts.is_empty() {
        write_head(transaction, "ledger_head", last_seq, &last_hash)?;
    }
    Ok(receipts)
}

#[cfg(test)]
mod tests;
