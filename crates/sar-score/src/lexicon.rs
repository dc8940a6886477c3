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
//!
//! The scan does not look at every byte: bitmaps of the word bytes and of the punctuation some
//! terms start with are built sixteen bytes at a time (SIMD, through `wide`'s safe vectors),
//! word starts and ends are read off them, and each word is hashed eight bytes at a time. Every
//! word of a 64-byte block is hashed and looked up in a filter of first words before any is
//! looked at more closely, so the look-ups overlap; only the words whose hash is in the filter,
//! and the punctuation, go further. A word whose group has only terms of two words or more is
//! dropped next if the pair (word, next word) is not in a second filter, before its group is
//! read; and when every term that starts with punctuation has a word byte second (`.45 acp`),
//! only the punctuation right before a word byte is tried (not every full stop).

use aho_corasick::{
    Anchored, MatchKind, StartKind,
    automaton::{Automaton, StateID},
    dfa::DFA,
};
use wide::i8x16;

/// Groups with more terms than this are searched with the automaton rather than term by term
/// (`i'm going to ...` threat phrases share a first word by the thousand).
const MAX_LISTED: u32 = 16;

/// A compiled term set.
#[derive(Debug, Clone)]
pub(crate) struct WordMatcher {
    /// Anchored leftmost-longest DFA of every term, for the large groups.
    dfa: DFA,
    start: StateID,
    /// The bytes of every term (ASCII), one after the other.
    arena: Box<[u8]>,
    /// Pattern ids with their bytes in `arena`, group by group, each group longest term first
    /// (then lowest id).
    candidates: Vec<Candidate>,
    /// The group of each first-word filter bit that is set, in bit order (see `rank`).
    word_groups: Vec<Group>,
    /// For each 64-bit word of `first_words`, how many bits are set before it: the group of a
    /// set bit is found without a table of 2^16 entries.
    rank: Box<[u32; FILTER_WORDS]>,
    /// The group of each non-word byte (terms that start with it).
    punctuation_groups: Box<[Group; 256]>,
    /// Non-word bytes some term starts with (`.` of `.45 acp`).
    punctuation_starts: [bool; 256],
    /// The same bytes as a list.
    punctuation: Vec<u8>,
    /// Every term that starts with a non-word byte has a word byte second (`.45 acp`), so a
    /// non-word byte not followed by a word byte starts nothing.
    punctuation_before_word: bool,
    /// The length of the longest term in bytes.
    max_len: usize,
    /// Bit filter over the first two bytes (the second lowercased) of the terms that start
    /// with a non-word byte, so that `.` of `.45 acp` is not tried at every full stop; 8 KiB.
    punctuation_pairs: Box<[u64; 1024]>,
    /// Non-word bytes that are a whole term on their own.
    punctuation_singles: [bool; 256],
    /// Bit filter over the hashes of the terms' first words (lowercase): a text word whose bit
    /// is clear cannot start a match, so its group is not looked at. 2^16 bits, 8 KiB.
    first_words: Box<[u64; FILTER_WORDS]>,
    /// Bit filter over the pairs (first word, second word) of the terms that have a second
    /// word: in a group whose terms all have one (`i` of `i'm going to ...`), a text word
    /// followed by a word not in the filter cannot start a match. 2^17 bits, 16 KiB.
    second_words: Box<[u64; PAIR_WORDS]>,
    /// The bits of `first_words` whose group has a term of one word (no pair to check), so
    /// the pair filter is asked before the group is read. 8 KiB.
    single_words: Box<[u64; FILTER_WORDS]>,
}

/// The first-word filters and punctuation of two matchers together (`WordMatcher::either`).
#[derive(Debug, Clone)]
pub(crate) struct Either {
    first_words: Box<[u64; FILTER_WORDS]>,
    punctuation: Vec<u8>,
    /// Both matchers' `punctuation_before_word`.
    punctuation_before_word: bool,
    /// The bits of `first_words` at which every group of either matcher needs a pair: there a
    /// word followed by a word whose pair is in neither pair filter is passed over at once.
    pair_only: Box<[u64; FILTER_WORDS]>,
    /// The union of both pair filters.
    second_words: Box<[u64; PAIR_WORDS]>,
}

impl Either {
    /// False when no term of either matcher can start at a word with filter bit `bit` followed
    /// by a word with filter bit `next` (as far as the pair filters know).
    #[inline(always)]
    fn may_start(&self, bit: usize, next: Option<usize>) -> bool {
        !has_bit(&self.pair_only[..], bit)
            || next.is_some_and(|next| has_bit(&self.second_words[..], pair_bit(bit, next)))
    }
}

/// A term of a group: its pattern id and its bytes in the arena.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    id: u32,
    offset: u32,
    len: u32,
}

/// The terms that can start at one kind of point: a range of `candidates`.
#[derive(Debug, Clone, Copy, Default)]
struct Group {
    first: u32,
    last: u32,
}

const PAIR_BITS: u32 = 17;
const PAIR_WORDS: usize = (1 << PAIR_BITS) / 64;

/// The bit of the pair (first word bit, second word bit) in the pair filter.
#[inline]
fn pair_bit(first: usize, second: usize) -> usize {
    let key = (first as u64) << 32 | second as u64;
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - PAIR_BITS)) as usize
}

/// The filter bit of the word after the word that ends at `end` (over the non-word bytes in
/// between), if there is one.
fn next_word_bit(bytes: &[u8], end: usize) -> Option<usize> {
    let rest = bytes.get(end..)?;
    let start = end + rest.iter().position(|&byte| is_word_byte(byte))?;
    let len = bytes[start..]
        .iter()
        .position(|&byte| !is_word_byte(byte))
        .unwrap_or(bytes.len() - start);
    Some(word_bit(bytes, start, len))
}

const FILTER_BITS: u32 = 16;
const FILTER_WORDS: usize = (1 << FILTER_BITS) / 64;

/// Eight copies of one byte.
const fn splat(byte: u8) -> u64 {
    0x0101_0101_0101_0101 * byte as u64
}

/// ORed into a word's bytes to fold ASCII case: letters lose their case, digits are unchanged,
/// `_` maps to a byte no other word byte maps to.
const FOLD: u64 = splat(0x20);

/// Eight little-endian bytes from `bytes[at..]`, zero-padded past the end.
#[inline(always)]
fn load(bytes: &[u8], at: usize) -> u64 {
    match bytes
        .get(at..at + 8)
        .and_then(|window| window.try_into().ok())
    {
        Some(eight) => u64::from_le_bytes(eight),
        None => load_tail(bytes, at),
    }
}

/// `load` within eight bytes of the end (a byte at a time, no call to `memcpy`).
#[cold]
fn load_tail(bytes: &[u8], at: usize) -> u64 {
    bytes
        .get(at..)
        .unwrap_or_default()
        .iter()
        .take(8)
        .enumerate()
        .fold(0, |eight, (index, &byte)| {
            eight | u64::from(byte) << (8 * index)
        })
}

/// The low `n` bytes (1 to 8) of a word.
#[inline(always)]
fn low_bytes(n: usize) -> u64 {
    u64::MAX >> (64 - 8 * n)
}

const K1: u64 = 0x9e37_79b9_7f4a_7c15;

/// The first-word filter bit (and group) of the word `bytes[start..start + len]` (`len` > 0):
/// the word is taken eight case-folded bytes at a time, each but the last mixed in by a xor, a
/// multiplication and a rotation; the last (one to eight bytes) is xored in and `finish`ed. A
/// word of up to eight bytes costs one multiplication.
#[inline]
fn word_bit(bytes: &[u8], start: usize, len: usize) -> usize {
    debug_assert!(len > 0);
    let mut hash = 0u64;
    let mut at = start;
    let end = start + len;
    while end - at > 8 {
        hash = mix(hash, load(bytes, at) | FOLD);
        at += 8;
    }
    finish(hash ^ ((load(bytes, at) | FOLD) & low_bytes(end - at)))
}

/// `word_bit` of a word of `len` bytes (1 to 8) whose bytes are the low ones of `eight`, with
/// no loop and no branch.
#[inline(always)]
fn short_word_bit(eight: u64, len: usize) -> usize {
    debug_assert!((1..=8).contains(&len));
    finish((eight | FOLD) & low_bytes(len))
}

/// Mixes eight case-folded bytes of a word into `hash`.
#[inline(always)]
fn mix(hash: u64, folded: u64) -> u64 {
    ((hash ^ folded).wrapping_mul(K1)).rotate_left(29)
}

/// The filter bit of a word's hash with its last (up to) eight bytes xored in: the top bits of
/// one multiplication (each depends on every bit below it).
#[inline(always)]
fn finish(hash: u64) -> usize {
    (hash.wrapping_mul(K1) >> (64 - FILTER_BITS)) as usize
}

/// Sixteen bytes classified at once: one bit per byte (bit `i` for byte `i`) set for the word
/// bytes (ASCII letters, digits and `_`), and one set for the bytes in `punctuation`.
#[inline(always)]
fn classify16(sixteen: [u8; 16], punctuation: &[u8]) -> (u64, u64) {
    // Bytes past 0x7f are negative as `i8`, so no range below catches them.
    let bytes = i8x16::new(sixteen.map(|byte| byte as i8));
    let folded = bytes | i8x16::splat(0x20);
    let between = |value: i8x16, low: u8, high: u8| {
        value.simd_gt(i8x16::splat(low as i8 - 1)) & value.simd_lt(i8x16::splat(high as i8 + 1))
    };
    let word = between(folded, b'a', b'z')
        | between(bytes, b'0', b'9')
        | bytes.simd_eq(i8x16::splat(b'_' as i8));
    let mut marked = i8x16::splat(0);
    for &byte in punctuation {
        marked |= bytes.simd_eq(i8x16::splat(byte as i8));
    }
    let low16 = |mask: i8x16| u64::from(mask.to_bitmask() as u16);
    (low16(word), low16(marked))
}

/// The word bytes of `bytes` as a bitmap, bit `i % 64` of `words[i / 64]` for byte `i`, and
/// the bytes in `punctuation` as another, in `marks`. Bits past the end are clear. Each slice
/// holds one block per 64 bytes.
fn word_bitmap(bytes: &[u8], punctuation: &[u8], words: &mut [u64], marks: &mut [u64]) {
    for ((chunk, words), marks) in bytes.chunks(64).zip(words.iter_mut()).zip(marks.iter_mut()) {
        let mut padded = [0u8; 64];
        let block: &[u8; 64] = match chunk.try_into() {
            Ok(whole) => whole,
            Err(_) => {
                // Zero is neither a word byte nor punctuation.
                padded[..chunk.len()].copy_from_slice(chunk);
                &padded
            }
        };
        let (mut word_bits, mut mark_bits) = (0, 0);
        for (index, &sixteen) in block.as_chunks::<16>().0.iter().enumerate() {
            let (word, marked) = classify16(sixteen, punctuation);
            word_bits |= word << (16 * index);
            mark_bits |= marked << (16 * index);
        }
        *words = word_bits;
        *marks = mark_bits;
    }
}

/// Blocks of the word bitmap kept on the stack (texts up to 8 KiB).
const STACK_BLOCKS: usize = 128;

/// The length of the run of word bytes starting at `start` (whose byte is a word byte).
#[inline]
fn run_length(blocks: &[u64], start: usize) -> usize {
    let mut block = start / 64;
    let mut shift = start % 64;
    let mut length = 0;
    while let Some(&bits) = blocks.get(block) {
        // The shifted-in high bits are clear, so the run stops inside this block at the latest.
        let ones = (!(bits >> shift)).trailing_zeros() as usize;
        length += ones;
        if ones < 64 - shift {
            break;
        }
        block += 1;
        shift = 0;
    }
    length
}

/// The length of the word starting at `at`, from `ends` (the last bytes of the words of `at`'s
/// block) when it ends in that block, else from the bitmap.
#[inline(always)]
fn word_length(blocks: &[u64], ends: u64, at: usize) -> usize {
    let after = ends >> (at % 64);
    if after != 0 {
        after.trailing_zeros() as usize + 1
    } else {
        run_length(blocks, at)
    }
}

/// Whether bit `bit` of the bit filter `words` is set.
#[inline(always)]
fn has_bit(words: &[u64], bit: usize) -> bool {
    words[bit / 64] >> (bit % 64) & 1 == 1
}

/// The first word byte at or after `from` in the word bitmap `blocks`.
#[inline]
fn next_word_start(blocks: &[u64], from: usize) -> Option<usize> {
    let mut block = from / 64;
    let mut bits = blocks.get(block)? & (!0u64 << (from % 64));
    loop {
        if bits != 0 {
            return Some(block * 64 + bits.trailing_zeros() as usize);
        }
        block += 1;
        bits = *blocks.get(block)?;
    }
}

/// Where a scan may try terms: a word start (with the filter bit of its word) or a non-word byte
/// some term starts with.
#[derive(Clone, Copy)]
enum Point {
    /// A word start, with the filter bit of the word and that of the next word (over the
    /// non-word bytes in between), if there is one.
    Word {
        bit: usize,
        next: Option<usize>,
    },
    Punctuation {
        byte: u8,
    },
}

/// Calls `visit(position, point)` for every word start at or after `from` whose word's bit is
/// set in `filter`, and for every byte in `punctuation` at or after `from` (only those right
/// before a word byte when `punctuation_before_word`), left to right, until `visit` answers
/// `false`. A word start is a word byte not preceded by one, so `from` must not
/// be inside a word (it is a word start, a non-word byte or the end).
///
/// Each 64-byte block is taken in two passes: the first hashes every word that starts in it and
/// looks its bit up in `filter`, with no branch on the answer, so the look-ups of neighbouring
/// words overlap; the second visits the words that passed, and the punctuation.
fn for_each_point(
    bytes: &[u8],
    from: usize,
    punctuation: &[u8],
    punctuation_before_word: bool,
    filter: &[u64; FILTER_WORDS],
    mut visit: impl FnMut(usize, Point) -> bool,
) {
    let n_blocks = bytes.len().div_ceil(64);
    let mut on_stack = [[0u64; STACK_BLOCKS]; 2];
    let mut on_heap = (Vec::new(), Vec::new());
    let [words_on_stack, marks_on_stack] = &mut on_stack;
    let (blocks, marks): (&mut [u64], &mut [u64]) = if n_blocks <= STACK_BLOCKS {
        (
            &mut words_on_stack[..n_blocks],
            &mut marks_on_stack[..n_blocks],
        )
    } else {
        on_heap.0.resize(n_blocks, 0);
        on_heap.1.resize(n_blocks, 0);
        (&mut on_heap.0, &mut on_heap.1)
    };
    // Blocks wholly before `from` are never looked at (only the one before its block, for
    // whether a word runs into it).
    let first_block = (from / 64).saturating_sub(1).min(n_blocks);
    word_bitmap(
        &bytes[(first_block * 64).min(bytes.len())..],
        punctuation,
        &mut blocks[first_block..],
        &mut marks[first_block..],
    );
    let blocks: &[u64] = blocks;
    // The filter bit of the word starting at each offset of the current block.
    let mut word_bit_at = [0u32; 64];
    for index in (from / 64)..n_blocks {
        let base = index * 64;
        let words = blocks[index];
        let previous_high = index
            .checked_sub(1)
            .and_then(|previous| blocks.get(previous))
            .map_or(0, |&previous| previous >> 63);
        let next_low = blocks.get(index + 1).map_or(0, |&next| next & 1);
        let mut starts = words & !((words << 1) | previous_high);
        // The bytes followed by a word byte (for the last, the next block's first byte).
        let before_word = (words >> 1) | (next_low << 63);
        // The last byte of each word.
        let ends = words & !before_word;
        let mut points = marks[index];
        if punctuation_before_word {
            points &= before_word;
        }
        if from > base {
            starts &= !0u64 << (from - base);
            points &= !0u64 << (from - base);
        }
        while starts != 0 {
            let offset = starts.trailing_zeros() as usize;
            starts &= starts - 1;
            let at = base + offset;
            let length = word_length(blocks, ends, at);
            let bit = if length <= 8 {
                short_word_bit(load(bytes, at), length)
            } else {
                word_bit(bytes, at, length)
            };
            word_bit_at[offset] = bit as u32;
            points |= (filter[bit / 64] >> (bit % 64) & 1) << offset;
        }
        while points != 0 {
            let offset = points.trailing_zeros() as usize;
            points &= points - 1;
            let at = base + offset;
            let point = if words >> offset & 1 == 1 {
                let end = offset + word_length(blocks, ends, at);
                // The next word's start, when it is in this block, was hashed above.
                let later = if end < 64 { words >> end } else { 0 };
                let next = if later != 0 {
                    Some(word_bit_at[end + later.trailing_zeros() as usize] as usize)
                } else {
                    next_word_start(blocks, base + end)
                        .map(|start| word_bit(bytes, start, run_length(blocks, start)))
                };
                Point::Word {
                    bit: word_bit_at[offset] as usize,
                    next,
                }
            } else {
                Point::Punctuation { byte: bytes[at] }
            };
            if !visit(at, point) {
                return;
            }
        }
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
        const PUNCTUATION_GROUPS: usize = 1 << FILTER_BITS;
        let n_groups = PUNCTUATION_GROUPS + 256;
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); n_groups];
        // The first-word bits whose group has a term of one word only (no pair to check).
        let mut single_words = Box::new([0u64; FILTER_WORDS]);
        let mut punctuation_starts = [false; 256];
        let mut punctuation_pairs = Box::new([0u64; 1024]);
        let mut punctuation_singles = [false; 256];
        let mut punctuation_before_word = true;
        let mut first_words = Box::new([0u64; FILTER_WORDS]);
        let mut second_words = Box::new([0u64; PAIR_WORDS]);
        let mut arena: Vec<u8> = Vec::new();
        let mut placed: Vec<Candidate> = Vec::with_capacity(terms.len());
        for (id, term) in terms.iter().enumerate() {
            let term = term.as_ref();
            if term.is_empty() || !term.is_ascii() {
                return Err(format!("term {id} is empty or not ascii"));
            }
            let too_many = |_| "too many terms".to_owned();
            let id = u32::try_from(id).map_err(too_many)?;
            let group = match term[0] {
                first if !is_word_byte(first) => {
                    punctuation_starts[usize::from(first)] = true;
                    punctuation_before_word &=
                        term.get(1).is_some_and(|&second| is_word_byte(second));
                    match term.get(1) {
                        Some(&second) => {
                            let pair = pair_index(first, second);
                            punctuation_pairs[pair / 64] |= 1 << (pair % 64);
                        }
                        None => punctuation_singles[usize::from(first)] = true,
                    }
                    PUNCTUATION_GROUPS + usize::from(first)
                }
                _ => {
                    let first_word = term.iter().take_while(|&&byte| is_word_byte(byte)).count();
                    let bit = word_bit(term, 0, first_word);
                    first_words[bit / 64] |= 1 << (bit % 64);
                    match next_word_bit(term, first_word) {
                        Some(second) => {
                            let pair = pair_bit(bit, second);
                            second_words[pair / 64] |= 1 << (pair % 64);
                        }
                        None => single_words[bit / 64] |= 1 << (bit % 64),
                    }
                    bit
                }
            };
            members[group].push(id);
            placed.push(Candidate {
                id,
                offset: u32::try_from(arena.len()).map_err(too_many)?,
                len: u32::try_from(term.len()).map_err(too_many)?,
            });
            arena.extend_from_slice(term);
        }
        let mut rank = Box::new([0u32; FILTER_WORDS]);
        let mut set_bits = 0;
        for (word, rank) in first_words.iter().zip(rank.iter_mut()) {
            *rank = set_bits;
            set_bits += word.count_ones();
        }
        let mut word_groups = Vec::with_capacity(set_bits as usize);
        let mut punctuation_groups = Box::new([Group::default(); 256]);
        let mut candidates = Vec::with_capacity(terms.len());
        for (index, mut group) in members.into_iter().enumerate() {
            group.sort_by_key(|&id| (std::cmp::Reverse(placed[id as usize].len), id));
            let first = u32::try_from(candidates.len()).map_err(|_| "too many terms")?;
            candidates.extend(group.iter().map(|&id| placed[id as usize]));
            let last = u32::try_from(candidates.len()).map_err(|_| "too many terms")?;
            let built = Group { first, last };
            if index >= PUNCTUATION_GROUPS {
                punctuation_groups[index - PUNCTUATION_GROUPS] = built;
            } else if first_words[index / 64] & (1 << (index % 64)) != 0 {
                word_groups.push(built);
            }
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
        let punctuation = (0..=u8::MAX)
            .filter(|&byte| punctuation_starts[usize::from(byte)])
            .collect();
        let max_len = placed
            .iter()
            .map(|term| term.len as usize)
            .max()
            .unwrap_or(0);
        Ok(Self {
            dfa,
            start,
            arena: arena.into_boxed_slice(),
            candidates,
            word_groups,
            rank,
            punctuation_groups,
            punctuation_starts,
            punctuation,
            punctuation_before_word,
            max_len,
            punctuation_pairs,
            punctuation_singles,
            first_words,
            second_words,
            single_words,
        })
    }

    /// Calls `on_match(pattern, start, end)` for each whole-word match, left to right, without
    /// overlaps.
    ///
    /// Only word starts (and the punctuation some terms start with) can begin a match. Only
    /// when a word's hash is in the first-word filter are the terms of its group compared,
    /// longest first.
    pub(crate) fn for_each(&self, haystack: &str, on_match: impl FnMut(usize, usize, usize)) {
        self.scan_until(haystack, 0, on_match, |_| false);
    }

    /// `for_each` from `from` (a word start, a non-word byte or the end, as the scan itself
    /// would reach it), stopping before the first point not inside a match for which
    /// `stop(position)` is true; returns that position, or the haystack's length.
    pub(crate) fn scan_until(
        &self,
        haystack: &str,
        from: usize,
        mut on_match: impl FnMut(usize, usize, usize),
        mut stop: impl FnMut(usize) -> bool,
    ) -> usize {
        let bytes = haystack.as_bytes();
        let mut resume = from;
        let mut stopped = bytes.len();
        for_each_point(
            bytes,
            from,
            &self.punctuation,
            self.punctuation_before_word,
            &self.first_words,
            |at, point| {
                if at < resume {
                    return true;
                }
                if stop(at) {
                    stopped = at;
                    return false;
                }
                if let Some(group) = self.group_at(bytes, at, point)
                    && let Some((pattern, end)) = self.longest_at(bytes, at, group)
                {
                    on_match(pattern, at, end);
                    resume = end;
                }
                true
            },
        );
        stopped
    }

    /// The union of the first-word filters and punctuation of `self` and `guard`, for
    /// `for_each_with`.
    pub(crate) fn either(&self, guard: &WordMatcher) -> Either {
        let mut first_words = self.first_words.clone();
        for (word, theirs) in first_words.iter_mut().zip(guard.first_words.iter()) {
            *word |= theirs;
        }
        let mut punctuation = self.punctuation.clone();
        punctuation.extend(&guard.punctuation);
        punctuation.sort_unstable();
        punctuation.dedup();
        let mut pair_only = Box::new([0u64; FILTER_WORDS]);
        for (index, pair_only) in pair_only.iter_mut().enumerate() {
            *pair_only =
                first_words[index] & !(self.single_words[index] | guard.single_words[index]);
        }
        let mut second_words = self.second_words.clone();
        for (word, theirs) in second_words.iter_mut().zip(guard.second_words.iter()) {
            *word |= theirs;
        }
        Either {
            first_words,
            punctuation,
            punctuation_before_word: self.punctuation_before_word && guard.punctuation_before_word,
            pair_only,
            second_words,
        }
    }

    /// `for_each` of `self` and of `guard` in one pass: every word is hashed once for both, and
    /// most words cost one look-up in `either` (which must be `self.either(guard)`).
    /// `on_match` sees exactly what `self.for_each` reports and `on_guard` exactly what
    /// `guard.for_each` reports (each matcher resumes after its own matches, as on its own).
    pub(crate) fn for_each_with(
        &self,
        guard: &WordMatcher,
        either: &Either,
        haystack: &str,
        mut on_match: impl FnMut(usize, usize, usize),
        mut on_guard: impl FnMut(usize, usize, usize),
    ) {
        let bytes = haystack.as_bytes();
        let mut resume = 0;
        let mut guard_resume = 0;
        for_each_point(
            bytes,
            0,
            &either.punctuation,
            either.punctuation_before_word,
            &either.first_words,
            |at, point| {
                if let Point::Word { bit, next } = point
                    && !either.may_start(bit, next)
                {
                    return true;
                }
                if at >= guard_resume
                    && let Some(group) = guard.group_at(bytes, at, point)
                    && let Some((pattern, end)) = guard.longest_at(bytes, at, group)
                {
                    on_guard(pattern, at, end);
                    guard_resume = end;
                }
                if at >= resume
                    && let Some(group) = self.group_at(bytes, at, point)
                    && let Some((pattern, end)) = self.longest_at(bytes, at, group)
                {
                    on_match(pattern, at, end);
                    resume = end;
                }
                true
            },
        );
    }

    /// What `for_each(replaced)` reports, where `replaced` is `original` with each of `spans`
    /// (sorted, disjoint byte ranges of `original`) replaced by some text without word bytes or
    /// term bytes (the mask), and `found` is what `for_each(original)` reported.
    ///
    /// Only the text around the spans is scanned again. Before the first span, a decision
    /// (which term, if any, starts at a point) reads at most the longest term's length ahead,
    /// so decisions far enough before it are the same in both texts. After the last span, the
    /// rescan stops at the first point that the scan of `original` also reached (not inside
    /// one of its matches): from there on both scans see the same bytes from the same state.
    pub(crate) fn for_each_replaced(
        &self,
        original: &str,
        found: &[(usize, usize, usize)],
        spans: &[(usize, usize)],
        replaced: &str,
        mut on_match: impl FnMut(usize, usize, usize),
    ) {
        let (Some(&(first, _)), Some(&(_, last))) = (spans.first(), spans.last()) else {
            for &(pattern, start, end) in found {
                on_match(pattern, start, end);
            }
            return;
        };
        let bytes = original.as_bytes();
        // The last span's end in `replaced`: the text after it is the same in both.
        let last_replaced = replaced.len() - (original.len() - last);
        let inside_word = |at: usize| {
            at > 0 && at < bytes.len() && is_word_byte(bytes[at - 1]) && is_word_byte(bytes[at])
        };
        // Decisions at points before `safe` read only bytes before `first`, and the word they
        // hash ends before it too.
        let mut safe = first.saturating_sub(self.max_len + 1);
        let mut word = first;
        while inside_word(word) {
            word -= 1;
        }
        safe = safe.min(word);
        let mut kept = found.partition_point(|&(_, start, _)| start < safe);
        let mut from = found[..kept]
            .last()
            .map_or(safe, |&(_, _, end)| end.max(safe));
        while inside_word(from) {
            from += 1;
        }
        if from > first {
            // Not reached (see above); scanning everything again is always right.
            (from, kept) = (0, 0);
        }
        for &(pattern, start, end) in &found[..kept] {
            on_match(pattern, start, end);
        }
        let to_original = |at: usize| at - last_replaced + last;
        let reached_in_original = |at: usize| {
            let next = found.partition_point(|&(_, start, _)| start < at);
            next == 0 || found[next - 1].2 <= at
        };
        let stopped = self.scan_until(replaced, from, &mut on_match, |at| {
            at > last_replaced && reached_in_original(to_original(at))
        });
        if stopped < replaced.len() {
            let resume = to_original(stopped);
            let next = found.partition_point(|&(_, start, _)| start < resume);
            for &(pattern, start, end) in &found[next..] {
                on_match(
                    pattern,
                    start - last + last_replaced,
                    end - last + last_replaced,
                );
            }
        }
    }

    /// The group of terms that may start at `point`, if any: the word's bit is in the
    /// first-word filter (and the pair with the next word in the pair filter, when every term
    /// of the group has a second word), or the punctuation fits.
    #[inline]
    fn group_at(&self, bytes: &[u8], at: usize, point: Point) -> Option<Group> {
        match point {
            Point::Word { bit, next } => {
                let filter = self.first_words[bit / 64];
                let below = (1u64 << (bit % 64)) - 1;
                if filter & (1 << (bit % 64)) == 0 {
                    return None;
                }
                // Asked before the group is read (the group table is the larger one).
                if !has_bit(&self.single_words[..], bit)
                    && !has_bit(&self.second_words[..], pair_bit(bit, next?))
                {
                    return None;
                }
                let index = self.rank[bit / 64] + (filter & below).count_ones();
                self.word_groups.get(index as usize).copied()
            }
            Point::Punctuation { byte } => self
                .punctuation_candidate(bytes, at)
                .then(|| self.punctuation_groups[usize::from(byte)]),
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
            has_bit(&self.punctuation_pairs[..], pair)
        })
    }

    /// The longest term of `group` starting at `start` that ends on a word boundary (on a tie,
    /// the lowest pattern id). Small groups compare their terms, longest first; large ones walk
    /// the automaton, which holds every term.
    fn longest_at(&self, bytes: &[u8], start: usize, group: Group) -> Option<(usize, usize)> {
        if group.last - group.first > MAX_LISTED {
            return self.longest_in_automaton(bytes, start);
        }
        let candidates = self
            .candidates
            .get(group.first as usize..group.last as usize)?;
        candidates.iter().find_map(|candidate| {
            let offset = candidate.offset as usize;
            let term = self.arena.get(offset..offset + candidate.len as usize)?;
            let end = start + term.len();
            let found = bytes.get(start..end)?;
            let ends_inside_word =
                end < bytes.len() && is_word_byte(bytes[end - 1]) && is_word_byte(bytes[end]);
            (found.eq_ignore_ascii_case(term) && !ends_inside_word)
                .then_some((candidate.id as usize, end))
        })
    }

    /// The longest term starting at `start` that ends on a word boundary (on a tie, the lowest
    /// pattern id), by walking the anchored automaton until it dies.
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
                // A state also carries the matches of its suffixes (`ied` at the end of
                // `pried`): only a term as long as the walk so far starts at `start`.
                let whole = (0..self.dfa.match_len(state))
                    .map(|index| self.dfa.match_pattern(state, index))
                    .filter(|&pattern| self.dfa.pattern_len(pattern) == at - start)
                    .min();
                if !ends_inside_word && let Some(pattern) = whole {
                    longest = Some((pattern.as_usize(), at));
                }
            }
        }
        longest
    }
}

#[cfg(test)]
mod tests;
