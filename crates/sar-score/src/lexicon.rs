//! Whole-word, leftmost-longest, ASCII case-insensitive matching of many terms at once.
//!
//! Terms are grouped by the hash of their first word (or by their first byte when it is not a
//! word byte); at a word start, the terms of its group are compared longest first. A match counts
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

/// Groups with more terms than this are searched with the automaton rather than term by term
/// (`i'm going to ...` threat phrases share a first word by the thousand).
const MAX_LISTED: u32 = 16;

/// A compiled term set.
#[derive(Debug, Clone)]
pub(crate) struct WordMatcher {
    /// Anchored leftmost-longest DFA of every term, for the large groups.
    dfa: DFA,
    start: StateID,
    /// The terms, as given (ASCII).
    terms: Vec<Box<[u8]>>,
    /// For each group (first-word hash bucket, then one per first byte that is not a word
    /// byte), the range of `candidates` holding its terms.
    groups: Vec<(u32, u32)>,
    /// Pattern ids, group by group, each group longest term first (then lowest id).
    candidates: Vec<u32>,
    /// Non-word bytes some term starts with (`.` of `.45 acp`).
    punctuation_starts: [bool; 256],
    /// Bit filter over the first two bytes (the second lowercased) of the terms that start
    /// with a non-word byte, so that `.` of `.45 acp` is not tried at every full stop; 8 KiB.
    punctuation_pairs: Box<[u64; 1024]>,
    /// Non-word bytes that are a whole term on their own.
    punctuation_singles: [bool; 256],
    /// Bit filter over the hashes of the terms' first words (lowercase): a text word whose bit
    /// is clear cannot start a match, so its group is not looked at. 2^16 bits, 8 KiB.
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

/// Index of a pair of bytes in the punctuation pair filter (the second folded to lowercase).
fn pair_index(first: u8, second: u8) -> usize {
    usize::from(first) << 8 | usize::from(second.to_ascii_lowercase())
}

/// ASCII letter, digit or underscore.
pub(crate) fn is_word_byte(byte: u8) -> bool {
    WORD_BYTES[usize::from(byte)]
}

impl WordMatcher {
    /// Groups the terms; `terms` must be non-empty ASCII strings (pattern ids are positions in
    /// `terms`).
    pub(crate) fn new<T: AsRef<[u8]>>(terms: &[T]) -> Result<Self, String> {
        let n_groups = (1usize << FILTER_BITS) + 256;
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); n_groups];
        let mut punctuation_starts = [false; 256];
        let mut punctuation_pairs = Box::new([0u64; 1024]);
        let mut punctuation_singles = [false; 256];
        let mut first_words = Box::new([0u64; FILTER_WORDS]);
        let mut stored: Vec<Box<[u8]>> = Vec::with_capacity(terms.len());
        for (id, term) in terms.iter().enumerate() {
            let term = term.as_ref();
            if term.is_empty() || !term.is_ascii() {
                return Err(format!("term {id} is empty or not ascii"));
            }
            let id = u32::try_from(id).map_err(|_| "too many terms".to_owned())?;
            let group = match term[0] {
                first if !is_word_byte(first) => {
                    punctuation_starts[usize::from(first)] = true;
                    match term.get(1) {
                        Some(&second) => {
                            let pair = pair_index(first, second);
                            punctuation_pairs[pair / 64] |= 1 << (pair % 64);
                        }
                        None => punctuation_singles[usize::from(first)] = true,
                    }
                    (1 << FILTER_BITS) + usize::from(first)
                }
                _ => {
                    let hash = term
                        .iter()
                        .take_while(|&&byte| is_word_byte(byte))
                        .fold(WordHash::new(), |hash, &byte| hash.push(byte));
                    let bit = hash.bit();
                    first_words[bit / 64] |= 1 << (bit % 64);
                    bit
                }
            };
            members[group].push(id);
            stored.push(Box::from(term));
        }
        let mut groups = Vec::with_capacity(n_groups);
        let mut candidates = Vec::with_capacity(terms.len());
        for mut group in members {
            group.sort_by_key(|&id| (std::cmp::Reverse(stored[id as usize].len()), id));
            let start = u32::try_from(candidates.len()).map_err(|_| "too many terms")?;
            candidates.extend(group);
            let end = u32::try_from(candidates.len()).map_err(|_| "too many terms")?;
            groups.push((start, end));
        }
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
        Ok(Self {
            dfa,
            start,
            terms: stored,
            groups,
            candidates,
            punctuation_starts,
            punctuation_pairs,
            punctuation_singles,
            first_words,
        })
    }

    /// Calls `on_match(pattern, start, end)` for each whole-word match, left to right, without
    /// overlaps.
    ///
    /// Only word starts (and the punctuation some terms start with) can begin a match. A word is
    /// hashed as it is skipped; only when its hash is in the first-word filter are the terms of
    /// its group compared, longest first.
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
                (self.first_words[bit / 64] & (1 << (bit % 64)) != 0, bit)
            } else {
                at += 1;
                (
                    self.punctuation_starts[usize::from(byte)]
                        && self.punctuation_candidate(bytes, start),
                    (1 << FILTER_BITS) + usize::from(byte),
                )
            };
            if candidate.0
                && let Some((pattern, end)) = self.longest_at(bytes, start, candidate.1)
            {
                on_match(pattern, start, end);
                at = end;
            }
        }
    }

    /// `for_each` of `self` and of `guard` in one pass: every word is hashed once for both.
    /// `on_match` sees exactly what `self.for_each` reports and `on_guard` exactly what
    /// `guard.for_each` reports (each matcher resumes after its own matches, as on its own).
    pub(crate) fn for_each_with(
        &self,
        guard: &WordMatcher,
        haystack: &str,
        mut on_match: impl FnMut(usize, usize, usize),
        mut on_guard: impl FnMut(usize, usize, usize),
    ) {
        let bytes = haystack.as_bytes();
        let mut at = 0;
        let mut resume = 0;
        let mut guard_resume = 0;
        while at < bytes.len() {
            let start = at;
            let byte = bytes[at];
            let candidates = if is_word_byte(byte) {
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
                    bit,
                )
            } else {
                at += 1;
                (
                    guard.punctuation_candidate(bytes, start),
                    self.punctuation_starts[usize::from(byte)]
                        && self.punctuation_candidate(bytes, start),
                    (1 << FILTER_BITS) + usize::from(byte),
                )
            };
            let (guard_candidate, candidate, group) = candidates;
            if guard_candidate
                && start >= guard_resume
                && let Some((pattern, end)) = guard.longest_at(bytes, start, group)
            {
                on_guard(pattern, start, end);
                guard_resume = end;
            }
            if candidate
                && start >= resume
                && let Some((pattern, end)) = self.longest_at(bytes, start, group)
            {
                on_match(pattern, start, end);
                resume = end;
            }
        }
    }

    /// Whether a term may start at the non-word byte `bytes[start]`: some term starts with it,
    /// and either it is a term on its own or some term starts with it and the next byte.
    fn punctuation_candidate(&self, bytes: &[u8], start: usize) -> bool {
        let first = bytes[start];
        if !self.punctuation_starts[usize::from(first)] {
            return false;
        }
        if self.punctuation_singles[usize::from(first)] {
            return true;
        }
        bytes.get(start + 1).is_some_and(|&second| {
            let pair = pair_index(first, second);
            self.punctuation_pairs[pair / 64] & (1 << (pair % 64)) != 0
        })
    }

    /// The longest term of `group` starting at `start` that ends on a word boundary (on a tie,
    /// the lowest pattern id). Small groups compare their terms, longest first; large ones walk
    /// the automaton, which holds every term.
    fn longest_at(&self, bytes: &[u8], start: usize, group: usize) -> Option<(usize, usize)> {
        let &(first, last) = self.groups.get(group)?;
        if last - first > MAX_LISTED {
            return self.longest_in_automaton(bytes, start);
        }
        let candidates = self.candidates.get(first as usize..last as usize)?;
        candidates.iter().find_map(|&id| {
            let term = self.terms.get(id as usize)?;
            let end = start + term.len();
            let found = bytes.get(start..end)?;
            let ends_inside_word =
                end < bytes.len() && is_word_byte(bytes[end - 1]) && is_word_byte(bytes[end]);
            (found.eq_ignore_ascii_case(term) && !ends_inside_word).then_some((id as usize, end))
        })
    }

    /// The longest term starting at `start` that ends on a word boundary, by walking the
    /// anchored automaton until it dies.
    fn longest_in_automaton(&self, bytes: &[u8], start: usize) -> Option<(usize, usize)> {
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
