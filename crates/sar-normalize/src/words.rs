//! The words of ASCII text, read off a bitmap of its letters and digits.
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
    let mut blocks = Vec::with_capacity(bytes.len().div_ceil(64));
    for chunk in bytes.chunks(64) {
        let mut block = [0u8; 64];
        // Zero is no letter or digit.
        block[..chunk.len()].copy_from_slice(chunk);
        let mut bits = 0u64;
        for (index, &sixteen) in block.as_chunks::<16>().0.iter().enumerate() {
            bits |= alnum16(sixteen) << (16 * index);
        }
        blocks.push(bits);
    }
    blocks
}

/// Bit `i` set when byte `i` of `sixteen` is an ASCII letter or digit.
#[inline(always)]
fn alnum16(sixteen: [u8; 16]) -> u64 {
    // Bytes past 0x7f are negative as `i8`, so no range below catches them.
    let bytes = i8x16::new(sixteen.map(|byte| byte as i8));
    let folded = bytes | i8x16::splat(0x20);
    let between = |value: i8x16, low: u8, high: u8| {
        value.simd_gt(i8x16::splat(low as i8 - 1)) & value.simd_lt(i8x16::splat(high as i8 + 1))
    };
    let alnum = between(folded, b'a', b'z') | between(bytes, b'0', b'9');
    u64::from(alnum.to_bitmask() as u16)
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
