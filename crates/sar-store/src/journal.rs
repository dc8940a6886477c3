//! `Journal`: one connection to the store file; the intake journal and the idempotent sinks.

use std::{collections::BTreeMap, path::Path};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::{StoreError, schema};

/// An entry to append: the report id (the idempotency key) and its payload (Avro bytes of a raw
/// record; opaque here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub report_id: String,
    pub payload: Vec<u8>,
}

/// What `append` did with one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appended {
    /// Written at this seq.
    New { seq: u64 },
    /// The report id was already in the journal at this seq; nothing was written.
    Duplicate { seq: u64 },
}

impl Appended {
    pub fn seq(self) -> u64 {
        match self {
            Self::New { seq } | Self::Duplicate { seq } => seq,
        }
    }

    pub fn is_new(self) -> bool {
        matches!(self, Self::New { .. })
    }
}

/// One journal entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalRecord {
    pub seq: u64,
    pub report_id: String,
    pub payload: Vec<u8>,
}

/// An item for a sink (`routed`, `dlq`, ...): delivered at most once per `(sink, report_id)`.
/// `seq` is the journal seq it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinkItem {
    pub sink: &'static str,
    pub report_id: String,
    pub seq: u64,
    pub payload: Vec<u8>,
}

/// One item stored in a sink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinkRecord {
    pub seq: u64,
    pub report_id: String,
    pub payload: Vec<u8>,
}

/// What `deliver` did: items inserted and items already present, in total and per sink.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryOutcome {
    pub inserted: u64,
    pub duplicates: u64,
    /// `(inserted, duplicates)` per sink named in the delivery.
    pub by_sink: BTreeMap<&'static str, (u64, u64)>,
}

/// One connection to the store file. Open several (one per thread) on the same file: WAL lets
/// readers run beside the one writer, and writers wait for each other (busy timeout).
#[derive(Debug)]
pub struct Journal {
    pub(crate) connection: Connection,
}

impl Journal {
    /// Opens (creating the file, not its parent directory) and migrates the store.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let open_error = |error: rusqlite::Error| StoreError::Open {
            path: path.to_path_buf(),
            message: error.to_string(),
        };
        let mut connection = Connection::open(path).map_err(open_error)?;
        schema::configure(&mut connection).map_err(open_error)?;
        schema::migrate(&mut connection)?;
        Ok(Self { connection })
    }

    /// Appends `entries` in ONE transaction (group commit): new report ids get the next seqs
    /// (gap-free, increasing), known ones answer `Duplicate` with their existing seq and write
    /// nothing. A repeated id inside `entries` is a duplicate of its first occurrence. On error
    /// nothing is written.
    pub fn append(&mut self, entries: &[NewEntry]) -> Result<Vec<Appended>, StoreError> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite("begin an append"))?;
        let results = append_in(&transaction, entries)?;
        transaction
            .commit()
            .map_err(StoreError::sqlite("commit an append"))?;
        Ok(results)
    }

    /// Up to `limit` entries with seq > `after_seq`, by seq.
    pub fn read_after(
        &self,
        after_seq: u64,
        limit: usize,
    ) -> Result<Vec<JournalRecord>, StoreError> {
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT seq, report_id, payload FROM journal WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )
            .map_err(StoreError::sqlite("prepare a journal read"))?;
        let rows = statement
            .query_map(params![to_i64(after_seq)?, limit_param(limit)], |row| {
                Ok((row.get::<_, i64>(0)?, row.get(1)?, row.get(2)?))
            })
            .map_err(StoreError::sqlite("read the journal"))?;
        let mut records = Vec::new();
        for row in rows {
            let (seq, report_id, payload) = row.map_err(StoreError::sqlite("read the journal"))?;
            records.push(JournalRecord {
                seq: to_u64(seq, "negative journal seq")?,
                report_id,
                payload,
            });
        }
        Ok(records)
    }

    /// The highest seq, 0 when the journal is empty.
    pub fn last_seq(&self) -> Result<u64, StoreError> {
        last_seq_of(&self.connection)
    }

    /// Delivers `items` to their sinks and moves `consumer`'s checkpoint to
    /// `max(checkpoint, through_seq)`, in ONE transaction: either all of it happens or none.
    /// An item whose `(sink, report_id)` is already stored is a duplicate: not written again,
    /// counted in the outcome and in the sink's persisted duplicate counter.
    pub fn deliver(
        &mut self,
        consumer: &str,
        items: &[SinkItem],
        through_seq: u64,
    ) -> Result<DeliveryOutcome, StoreError> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite("begin a delivery"))?;
        let mut outcome = DeliveryOutcome::default();
        {
            let mut insert = transaction
                .prepare_cached(
                    "INSERT INTO sink_items (sink, report_id, seq, payload) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (sink, report_id) DO NOTHING",
                )
                .map_err(StoreError::sqlite("prepare a sink insert"))?;
            for item in items {
                let n_inserted = insert
                    .execute(params![
                        item.sink,
                        item.report_id,
                        to_i64(item.seq)?,
                        item.payload
                    ])
                    .map_err(StoreError::sqlite("insert a sink item"))?;
                let counts = outcome.by_sink.entry(item.sink).or_default();
                if n_inserted == 1 {
                    outcome.inserted += 1;
                    counts.0 += 1;
                } else {
                    outcome.duplicates += 1;
                    counts.1 += 1;
                }
            }
            let mut count_duplicates = transaction
                .prepare_cached(
                    "INSERT INTO sink_stats (sink, duplicate_deliveries) VALUES (?1, ?2)
                     ON CONFLICT (sink) DO UPDATE
                     SET duplicate_deliveries = duplicate_deliveries + excluded.duplicate_deliveries",
                )
                .map_err(StoreError::sqlite("prepare the duplicate counter"))?;
            for (sink, (_, n_duplicates)) in &outcome.by_sink {
                if *n_duplicates > 0 {
                    count_duplicates
                        .execute(params![sink, to_i64(*n_duplicates)?])
                        .map_err(StoreError::sqlite("count duplicate deliveries"))?;
                }
            }
            let through_seq = to_i64(through_seq)?;
            transaction
                .prepare_cached(
                    "INSERT INTO checkpoints (consumer, seq) VALUES (?1, ?2)
                     ON CONFLICT (consumer) DO UPDATE SET seq = max(seq, excluded.seq)",
                )
                .and_then(|mut statement| statement.execute(params![consumer, through_seq]))
                .map_err(StoreError::sqlite("move a checkpoint"))?;
        }
        transaction
            .commit()
            .map_err(StoreError::sqlite("commit a delivery"))?;
        Ok(outcome)
    }

    /// The last seq `consumer` has delivered through, 0 if it never delivered.
    pub fn checkpoint(&self, consumer: &str) -> Result<u64, StoreError> {
        let seq: Option<i64> = self
            .connection
            .prepare_cached("SELECT seq FROM checkpoints WHERE consumer = ?1")
            .and_then(|mut statement| statement.query_row([consumer], |row| row.get(0)).optional())
            .map_err(StoreError::sqlite("read a checkpoint"))?;
        to_u64(seq.unwrap_or(0), "negative checkpoint")
    }

    /// Items stored in `sink`.
    pub fn sink_count(&self, sink: &str) -> Result<u64, StoreError> {
        let count: i64 = self
            .connection
            .prepare_cached("SELECT count(*) FROM sink_items WHERE sink = ?1")
            .and_then(|mut statement| statement.query_row([sink], |row| row.get(0)))
            .map_err(StoreError::sqlite("count sink items"))?;
        to_u64(count, "negative count")
    }

    /// Report ids stored in `sink`, by seq.
    pub fn sink_report_ids(&self, sink: &str) -> Result<Vec<String>, StoreError> {
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT report_id FROM sink_items WHERE sink = ?1 ORDER BY seq, report_id",
            )
            .map_err(StoreError::sqlite("prepare a sink read"))?;
        let rows = statement
            .query_map([sink], |row| row.get(0))
            .map_err(StoreError::sqlite("read sink report ids"))?;
        rows.collect::<Result<Vec<String>, _>>()
            .map_err(StoreError::sqlite("read sink report ids"))
    }

    /// Up to `limit` items of `sink` with seq > `after_seq`, by seq (for consumers of a sink).
    pub fn sink_read_after(
        &self,
        sink: &str,
        after_seq: u64,
        limit: usize,
    ) -> Result<Vec<SinkRecord>, StoreError> {
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT seq, report_id, payload FROM sink_items WHERE sink = ?1 AND seq > ?2
                 ORDER BY seq, report_id LIMIT ?3",
            )
            .map_err(StoreError::sqlite("prepare a sink read"))?;
        let rows = statement
            .query_map(
                params![sink, to_i64(after_seq)?, limit_param(limit)],
                |row| Ok((row.get::<_, i64>(0)?, row.get(1)?, row.get(2)?)),
            )
            .map_err(StoreError::sqlite("read a sink"))?;
        let mut records = Vec::new();
        for row in rows {
            let (seq, report_id, payload) = row.map_err(StoreError::sqlite("read a sink"))?;
            records.push(SinkRecord {
                seq: to_u64(seq, "negative sink seq")?,
                report_id,
                payload,
            });
        }
        Ok(records)
    }

    /// Deliveries to `sink` that found the item already there, ever (persisted).
    pub fn duplicate_deliveries(&self, sink: &str) -> Result<u64, StoreError> {
        let count: Option<i64> = self
            .connection
            .prepare_cached("SELECT duplicate_deliveries FROM sink_stats WHERE sink = ?1")
            .and_then(|mut statement| statement.query_row([sink], |row| row.get(0)).optional())
            .map_err(StoreError::sqlite("read the duplicate counter"))?;
        to_u64(count.unwrap_or(0), "negative duplicate counter")
    }
}

/// `append` inside a transaction the caller commits.
pub(crate) fn append_in(
    transaction: &Connection,
    entries: &[NewEntry],
) -> Result<Vec<Appended>, StoreError> {
    let mut results = Vec::with_capacity(entries.len());
    let mut next_seq = last_seq_of(transaction)? + 1;
    let mut find = transaction
        .prepare_cached("SELECT seq FROM journal WHERE report_id = ?1")
        .map_err(StoreError::sqlite("prepare the journal lookup"))?;
    let mut insert = transaction
        .prepare_cached("INSERT INTO journal (seq, report_id, payload) VALUES (?1, ?2, ?3)")
        .map_err(StoreError::sqlite("prepare the journal insert"))?;
    for entry in entries {
        let existing: Option<i64> = find
            .query_row([&entry.report_id], |row| row.get(0))
            .optional()
            .map_err(StoreError::sqlite("look up a report id"))?;
        if let Some(seq) = existing {
            results.push(Appended::Duplicate {
                seq: to_u64(seq, "negative journal seq")?,
            });
            continue;
        }
        insert
            .execute(params![to_i64(next_seq)?, entry.report_id, entry.payload])
            .map_err(StoreError::sqlite("append to the journal"))?;
        results.push(Appended::New { seq: next_seq });
        next_seq += 1;
    }
    Ok(results)
}

pub(crate) fn last_seq_of(connection: &Connection) -> Result<u64, StoreError> {
    let seq: i64 = connection
        .prepare_cached("SELECT coalesce(max(seq), 0) FROM journal")
        .and_then(|mut statement| statement.query_row([], |row| row.get(0)))
        .map_err(StoreError::sqlite("read the last seq"))?;
    to_u64(seq, "negative journal seq")
}

pub(crate) fn to_u64(value: i64, what: &'static str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt { what })
}

pub(crate) fn to_i64(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Invalid {
        what: "seq",
        reason: "larger than i64::MAX",
    })
}

/// SQLite's LIMIT takes an i64; anything larger means "no limit".
pub(crate) fn limit_param(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests;
