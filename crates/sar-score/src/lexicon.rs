//! Whole-word, leftmost-longest, ASCII case-insensitive matching of many terms at once.
//!
//! One aho-corasick DFA (`MatchKind::LeftmostLongest`, anchored) holds every term. A match counts
//! only on word boundaries: it may not start right after a word character when its first
//! character is one, nor end right before a word character when its last character is one
//! (`grammar` does not contain `ram`). Word characters are ASCII letters, digits and `_`; any
//! other byte, including every byte of a non-ASCII character, separates words. At each word start
//! the longest term that also ends on a boundary wins (`glock 19x` still contains `glock`), and
//! the scan goes on after it.

use aho_corasick::{
    Anchored, MatchKind, StartKind,
    automaton::{Automaton, StateID},
    dfa::DFA,
};

/// A compiled term set.
#[derive(Debug, Clone)]
pub(crate) struct WordMatcher {
    /// Anchored leftmost-longest DFA: walked from each candidate start until it dies.
    dfa: DFA,
    start: StateID,
    /// Non-word bytes some term starts with (`.` of `.45 acp`).
    punctuation_starts: [bool; 256],
    /// Bit filter over the hashes of the terms' first words (lowercase): a text word whose bit
    /// is clear cannot start a match, so the automaton is not walked for it. 2^16 bits, 8 KiB.
    first_words: Box<[u64; FILTER_WORDS]>,
}

const FILTER_BITS: u32 = 16;
const FILTER_WORDS: usize = (1 << FILTER_BITS) / 64;

/// The hash of a word, fed one byte at a time: a rotate and a xor per byte (short dependency
/// chain), mixed by one multiplication at the end. `byte | 0x20` folds ASCII case for word bytes
/// (letters lose their case, digits are unchanged, `_` maps to a byte no other word byte maps
/// to).
#[derive(Clone, Copy)]
struct WordHash(u64);

impl WordHash {
    const fn new() -> Self {
        Self(0)
    }

    fn push(self, byte: u8) -> Self {
        Self(self.0.rotate_left(7) ^ u64::from(byte | 0x20))
    }

    fn bit(self) -> usize {
        (self.0.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - FILTER_BITS)) as usize
    }
}

/// ASCII letters, digits and `_`.
const WORD_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'_';
        byte += 1;
    }
    table
};

/// ASCII letter, digit or underscore.
pub(crate) fn is_word_byte(byte: u8) -> bool {
    WORD_BYTES[usize::from(byte)]
}

impl WordMatcher {
    /// Builds the automaton; `terms` must be non-empty ASCII strings (pattern ids are positions
    /// in `terms`).
    pub(crate) fn new<T: AsRef<[u8]>>(terms: &[T]) -> Result<Self, String> {
        let dfa = DFA::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .start_kind(StartKind::Anchored)
            .prefilter(false)
            .build(terms)
            .map_err(|error| error.to_string())?;
        let start = dfa
            .start_state(Anchored::Yes)
            .map_err(|error| error.to_string())?;
        let mut punctuation_starts = [false; 256];
        let mut first_words = Box::new([0u64; FILTER_WORDS]);
        for term in terms {
            let term = term.as_ref();
            match term.first() {
                Some(&first) if !is_word_byte(first) => {
                    punctuation_starts[usize::from(first)] = true
                }
                _ => {
                    let hash = term
                        .iter()
                        .take_while(|&&byte| is_word_byte(byte))
                        .fold(WordHash::new(), |hash, &byte| hash.push(byte));
                    let bit = hash.bit();
                    first_words[bit / 64] |= 1 << (bit % 64);
                }
            }
        }
        Ok(Self {
            dfa,
            start,
            punctuation_starts,
            first_words,
        })
    }

    /// Calls `on_match(pattern, start, end)` for each whole-word match, left to right, without
    /// overlaps.
    ///
    /// Only word starts (and the punctuation some terms start with) can begin a match. A word is
    /// hashed as it is skipped; only when its hash is in the first-word filter is the anchored
    /// automaton walked from its start, and only until it dies.
    pub(crate) fn for_each(&self, haystack: &str, mut on_match: impl FnMut(usize, usize, usize)) {
        let bytes = haystack.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let start = at;
            let byte = bytes[at];
            let candidate = if is_word_byte(byte) {
                // Every word byte reached here starts a word: the loop only stops after a
                // non-word byte or at the end of a match, which never ends inside a word.
                let mut hash = WordHash::new();
                while at < bytes.len() && is_word_byte(bytes[at]) {
                    hash = hash.push(bytes[at]);
                    at += 1;
                }
                let bit = hash.bit();
                self.first_words[bit / 64] & (1 << (bit % 64)) != 0
            } else {
                at += 1;
                self.punctuation_starts[usize::from(byte)]
            };
            if candidate && let Some((pattern, end)) = self.longest_at(bytes, start) {
                on_match(pattern, start, end);
                at = end;
            }
        }
    }

    /// `for_each`, fused with a check that `guard` matches nowhere in `haystack`: every word is
    /// hashed once for both filters. Returns `false`, having stopped early (some matches may
    /// already have been reported), as soon as `guard` has a whole-word match; then the caller
    /// must fall back to `guard.for_each` and `for_each` on its own. When it returns `true`,
    /// `on_match` has seen exactly what `for_each` would report.
    ///
    /// `guard` is tried at every word start (as its own `for_each` would, finding nothing);
    /// `self` only at word starts at or after the end of its last match (as in `for_each`).
    pub(crate) fn for_each_unless(
        &self,
        guard: &WordMatcher,
        haystack: &str,
        mut on_match: impl FnMut(usize, usize, usize),
    ) -> bool {
        let bytes = haystack.as_bytes();
        let mut at = 0;
        let mut resume = 0;
        while at < bytes.len() {
            let start = at;
            let byte = bytes[at];
            let (guard_candidate, candidate) = if is_word_byte(byte) {
                let mut hash = WordHash::new();
                while at < bytes.len() && is_word_byte(bytes[at]) {
                    hash = hash.push(bytes[at]);
                    at += 1;
                }
                let bit = hash.bit();
                let mask = 1 << (bit % 64);
                (
                    guard.first_words[bit / 64] & mask != 0,
                    self.first_words[bit / 64] & mask != 0,
                )
            } else {
                at += 1;
                (
                    guard.punctuation_starts[usize::from(byte)],
                    self.punctuation_starts[usize::from(byte)],
                )
            };
            if guard_candidate && guard.longest_at(bytes, start).is_some() {
                return false;
            }
            if candidate
                && start >= resume
                && let Some((pattern, end)) = self.longest_at(bytes, start)
            {
                on_match(pattern, start, end);
                resume = end;
            }
        }
        true
    }

    /// The longest term starting at `start` that ends on a word boundary.
    fn longest_at(&self, bytes: &[u8], start: usize) -> Option<(usize, usize)> {
        let mut state = self.start;
        let mut longest = None;
        let mut at = start;
        while at < bytes.len() {
            state = self.dfa.next_state(Anchored::Yes, state, bytes[at]);
            at += 1;
            if !self.dfa.is_special(state) {
                continue;
            }
            if self.dfa.is_dead(state) {
                break;
            }
            if self.dfa.is_match(state) {
                let ends_inside_word =
                    at < bytes.len() && is_word_byte(bytes[at - 1]) && is_word_byte(bytes[at]);
                if !ends_inside_word {
                    longest = Some((self.dfa.match_pattern(state, 0).as_usize(), at));
                }
            }
        }
        longest
    }
}

#[cfg(test)]
mod tests;
