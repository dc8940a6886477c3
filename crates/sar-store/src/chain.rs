//! Hash chains for the append-only logs (intake ledger, audit log): each row stores the hash of
//! the row before it and its own hash, sha256 over that previous hash and the row's fields in an
//! unambiguous encoding (a tag byte, then the length and bytes of a text, or the 8 bytes of an
//! integer).

use sha2::{Digest, Sha256};

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
    pub(crate) entries: u64,
    pub(crate) last_seq: u64,
    last_hash: Option<String>,
    pub(crate) gaps: Vec<(u64, u64)>,
    pub(crate) broken_links: Vec<u64>,
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
