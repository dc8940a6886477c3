//! Hash chains for the append-only logs (intake ledger, audit log): each row stores the hash of
//! the row before it and its own hash, sha256 over that previous hash and the row's fields in an
//! unambiguous encoding (a tag byte, then the length and bytes of a text, or the 8 bytes of an
//! integer).

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::{
    StoreError,
    journal::{to_i64, to_u64},
};

/// What a walk over a hash-chained log found; no gaps and no broken links = intact.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChainVerification {
    /// Rows present.
    pub entries: u64,
    /// The highest seq the log should hold (rows or head).
    pub last_seq: u64,
    /// Missing seqs, as inclusive ranges.
    pub gaps: Vec<(u64, u64)>,
    /// Seqs whose row hash or link to the previous row does not match.
    pub broken_links: Vec<u64>,
}

impl ChainVerification {
    pub fn is_ok(&self) -> bool {
        self.gaps.is_empty() && self.broken_links.is_empty()
    }
}

/// The previous hash of the first row of a chain.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One field of a chained row, as hashed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Part<'a> {
    Text(&'a str),
    OptText(Option<&'a str>),
    Int(i64),
    OptInt(Option<i64>),
}

/// Hex sha256 over `prev_hash` and `parts`.
pub(crate) fn link_hash(prev_hash: &str, parts: &[Part<'_>]) -> String {
    let mut hasher = Sha256::new();
    hash_text(&mut hasher, prev_hash);
    for part in parts {
        match *part {
            Part::Text(text) | Part::OptText(Some(text)) => hash_text(&mut hasher, text),
            Part::Int(value) | Part::OptInt(Some(value)) => {
                hasher.update([2]);
                hasher.update(value.to_le_bytes());
            }
            Part::OptText(None) | Part::OptInt(None) => hasher.update([0]),
        }
    }
    hex::encode(hasher.finalize())
}

fn hash_text(hasher: &mut Sha256, text: &str) {
    hasher.update([1]);
    hasher.update((text.len() as u64).to_le_bytes());
    hasher.update(text.as_bytes());
}

/// Walks a chain in seq order and collects gaps and broken links. Feed it every row
/// (`seq`, stored `prev_hash`, stored `hash`, recomputed hash), then the head if the log keeps
/// one.
#[derive(Debug, Default)]
pub(crate) struct ChainCheck {
    entries: u64,
    last_seq: u64,
    last_hash: Option<String>,
    gaps: Vec<(u64, u64)>,
    broken_links: Vec<u64>,
}

impl ChainCheck {
    pub(crate) fn row(&mut self, seq: u64, prev_hash: &str, hash: &str, recomputed: &str) {
        self.entries += 1;
        let expected_seq = self.last_seq + 1;
        let mut broken = recomputed != hash;
        if seq > expected_seq {
            // The gap explains a link that does not match: report the gap only.
            self.gaps.push((expected_seq, seq - 1));
        } else {
            let expected_prev = self.last_hash.as_deref().unwrap_or(GENESIS);
            broken |= prev_hash != expected_prev;
        }
        if broken {
            self.broken_links.push(seq);
        }
        self.last_seq = seq;
        self.last_hash = Some(hash.to_owned());
    }

    pub(crate) fn finish(self) -> ChainVerification {
        ChainVerification {
            entries: self.entries,
            last_seq: self.last_seq,
            gaps: self.gaps,
            broken_links: self.broken_links,
        }
    }

    /// The head (last seq and hash written by the store) catches rows removed from the end.
    pub(crate) fn head(&mut self, head: Option<(u64, String)>) {
        match head {
            None if self.entries > 0 => self.broken_links.push(self.last_seq),
            None => {}
            Some((head_seq, _)) if head_seq > self.last_seq => {
                self.gaps.push((self.last_seq + 1, head_seq));
                self.last_seq = head_seq;
            }
            Some((head_seq, _)) if head_seq < self.last_seq => {
                self.broken_links.push(head_seq + 1);
            }
            Some((_, head_hash)) if self.last_hash.as_deref() != Some(head_hash.as_str()) => {
                self.broken_links.push(self.last_seq);
            }
            Some(_) => {}
        }
        self.broken_links.sort_unstable();
        self.broken_links.dedup();
    }
}

/// The head row (`seq`, `hash`) of a log's head table (`ledger_head`, `audit_head`).
pub(crate) fn read_head(
    connection: &Connection,
    table: &'static str,
) -> Result<Option<(u64, String)>, StoreError> {
    let head: Option<(i64, String)> = connection
        .prepare_cached(&format!("SELECT seq, hash FROM {table} WHERE id = 1"))
        .and_then(|mut statement| {
            statement
                .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()
        })
        .map_err(StoreError::sqlite("read a log head"))?;
    head.map(|(seq, hash)| Ok((to_u64(seq, "negative log seq")?, hash)))
        .transpose()
}

pub(crate) fn write_head(
    connection: &Connection,
    table: &'static str,
    seq: u64,
    hash: &str,
) -> Result<(), StoreError> {
    let seq = to_i64(seq)?;
    connection
        .prepare_cached(&format!(
            "INSERT INTO {table} (id, seq, hash) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash"
        ))
        .and_then(|mut statement| statement.execute(params![seq, hash]))
        .map_err(StoreError::sqlite("move a log head"))?;
    Ok(())
}
