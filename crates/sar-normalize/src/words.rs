//! The words of ASCII text, read off a bitmap of its letters and digits, and the other byte
//! bitmaps of entity extraction.
//!
//! Entity extraction (the report's own values are compared at word starts) and the SimHash
//! (word 3-shingles) both walk the words of the narrative, where a word is a maximal run of
//! ASCII letters and digits. A byte-by-byte walk branches on every byte; the bitmap is built
//! sixteen bytes at a time (SIMD, through `wide`'s safe vectors) and the words are read off it
//! with bit tricks, a few steps per word.

use wide::i8x16;

/// Bit `i % 64` of block `i / 64` is set when byte `i` is an ASCII letter or digit; bits past
/// the end are clear.
pub(crate) fn alnum_bitmap(bytes: &[u8]) -> Vec<u64> {
    bitmap(bytes, |bytes| {
        between(bytes | i8x16::splat(0x20), b'a', b'z') | between(bytes, b'0', b'9')
    })
}

/// Bit `i % 64` of block `i / 64` is set when byte `i` is an ASCII digit, an uppercase letter
/// or one of `@$:/-.` (the bytes entity extraction's first pass stops at); bits past the end
/// are clear.
pub(crate) fn marks_bitmap(bytes: &[u8]) -> Vec<u64> {
    // `-./0-9:` and `@A-Z` are two ranges.
    bitmap(bytes, |bytes| {
        between(bytes, b'-', b':')
            | between(bytes, b'@', b'Z')
            | bytes.simd_eq(i8x16::splat(b'$' as i8))
    })
}

/// The bitmap of the bytes `select` picks, sixteen at a time (lanes of all ones).
#[inline(always)]
fn bitmap(bytes: &[u8], select: impl Fn(i8x16) -> i8x16) -> Vec<u64> {
    let mut blocks = Vec::with_capacity(bytes.len().div_ceil(64));
    for chunk in bytes.chunks(64) {
        let mut block = [0u8; 64];
        // No selection picks zero.
        block[..chunk.len()].copy_from_slice(chunk);
        let mut bits = 0u64;
        for (index, &sixteen) in block.as_chunks::<16>().0.iter().enumerate() {
            // Bytes past 0x7f are negative as `i8`, so no range of ASCII bytes catches them.
            let picked = select(i8x16::new(sixteen.map(|byte| byte as i8)));
            bits |= u64::from(picked.to_bitmask() as u16) << (16 * index);
        }
        blocks.push(bits);
    }
    blocks
}

/// Lanes of all ones where `low <= byte <= high` (ASCII bounds).
#[inline(always)]
fn between(bytes: i8x16, low: u8, high: u8) -> i8x16 {
    bytes.simd_gt(i8x16::splat(low as i8 - 1)) & bytes.simd_lt(i8x16::splat(high as i8 + 1))
}

/// The first set bit at or after position `from`, if any.
pub(crate) fn next_set(blocks: &[u64], from: usize) -> Option<usize> {
    let mut block = from / 64;
    let mut bits = blocks.get(block)? & (u64::MAX << (from % 64));
    while bits == 0 {
        block += 1;
        bits = *blocks.get(block)?;
    }
    Some(64 * block + bits.trailing_zeros() as usize)
}

/// The words of the text whose bitmap is `blocks`, as `(start, end)` byte ranges in order.
pub(crate) fn words(blocks: &[u64]) -> impl Iterator<Item = (usize, usize)> + '_ {
    // The edges of the runs: a set bit where a byte differs from the one before it (a start,
    // or the byte just after a word's end).
    let mut carry = 0u64;
    let mut open: Option<usize> = None;
    let mut edges = blocks.iter().enumerate().flat_map(move |(index, &bits)| {
        let edges = bits ^ (bits << 1 | carry);
        carry = bits >> 63;
        BitPositions(edges).map(move |bit| 64 * index + bit)
    });
    let end_of_text = 64 * blocks.len();
    std::iter::from_fn(move || {
        loop {
            match (open, edges.next()) {
                (None, Some(start)) => open = Some(start),
                (Some(start), Some(end)) => {
                    open = None;
                    return Some((start, end));
                }
                // The last word runs to the last set bit: the bits past the text are clear,
                // so its end edge is inside the last block unless the text fills it.
                (Some(start), None) => {
                    open = None;
                    return Some((start, end_of_text));
                }
                (None, None) => return None,
            }
        }
    })
}

/// The first bytes of the words of the text whose bitmap is `blocks`, in order.
pub(crate) fn word_starts(blocks: &[u64]) -> impl Iterator<Item = usize> + '_ {
    let mut carry = 0u64;
    blocks.iter().enumerate().flat_map(move |(index, &bits)| {
        let starts = bits & !(bits << 1 | carry);
        carry = bits >> 63;
        BitPositions(starts).map(move |bit| 64 * index + bit)
    })
}

/// The positions of the set bits of a word, lowest first.
struct BitPositions(u64);

impl Iterator for BitPositions {
    type Item = usize;

    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        if self.0 == 0 {
            return None;
        }
        let bit = self.0.trailing_zeros() as usize;
        self.0 &= self.0 - 1;
        Some(bit)
    }
}

#[cfg(test)]
mod tests;
