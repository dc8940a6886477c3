//! The only source of randomness: a seeded SplitMix64 → xoshiro256** generator.
//!
//! Both algorithms are written out here (no `rand` dependency) so that a seed gives the same
//! records forever, whatever version of an external crate is resolved.

/// xoshiro256** (Blackman and Vigna), seeded through SplitMix64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rng {
    state: [u64; 4],
}

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// One SplitMix64 step: advances `counter` and returns the next output.
pub(crate) fn splitmix64(counter: &mut u64) -> u64 {
    *counter = counter.wrapping_add(GOLDEN_GAMMA);
    mix64(*counter)
}

/// The SplitMix64 finalizer, a bijection on `u64`.
pub(crate) fn mix64(value: u64) -> u64 {
    let mut z = value;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a of a text: a stable number derived from a name (agency numbers, sequence starts).
pub(crate) fn fnv1a(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

impl Rng {
    /// A generator whose whole state is expanded from `seed` by SplitMix64.
    pub(crate) fn new(seed: u64) -> Self {
        let mut counter = seed;
        let state = [
            splitmix64(&mut counter),
            splitmix64(&mut counter),
            splitmix64(&mut counter),
            splitmix64(&mut counter),
        ];
        Self::from_state(state)
    }

    /// An independent stream for item `stream` of the run seeded with `seed`.
    pub(crate) fn for_stream(seed: u64, stream: u64) -> Self {
        Self::new(mix64(seed ^ mix64(stream.wrapping_add(GOLDEN_GAMMA))))
    }

    /// A generator with exactly this state (for reference vectors). An all-zero state would only
    /// ever produce zeros, so it is replaced by a fixed non-zero one.
    pub(crate) fn from_state(state: [u64; 4]) -> Self {
        if state == [0; 4] {
            return Self {
                state: [GOLDEN_GAMMA, 1, 2, 3],
            };
        }
        Self { state }
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        let [s0, s1, s2, s3] = &mut self.state;
        let result = s1.wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = *s1 << 17;
        *s2 ^= *s0;
        *s3 ^= *s1;
        *s1 ^= *s2;
        *s0 ^= *s3;
        *s2 ^= t;
        *s3 = s3.rotate_left(45);
        result
    }

    /// Uniform in `0..bound` (Lemire's multiply-and-reject, unbiased). `bound` 0 gives 0.
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            return 0;
        }
        let mut product = u128::from(self.next_u64()) * u128::from(bound);
        let mut low = product as u64;
        if low < bound {
            let threshold = bound.wrapping_neg() % bound;
            while low < threshold {
                product = u128::from(self.next_u64()) * u128::from(bound);
                low = product as u64;
            }
        }
        (product >> 64) as u64
    }

    /// Uniform index into a collection of `len` items; `len` must be non-zero.
    pub(crate) fn index(&mut self, len: usize) -> usize {
        debug_assert!(len > 0, "index into an empty collection");
        self.below(len as u64) as usize
    }

    /// Uniform in `low..=high` (`high < low` gives `low`).
    pub(crate) fn range(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            return low;
        }
        let span = high.abs_diff(low);
        if span == u64::MAX {
            return self.next_u64() as i64;
        }
        low.wrapping_add(self.below(span + 1) as i64)
    }

    /// Uniform in `[0, 1)`, 53 bits.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1_u64 << 53) as f64)
    }

    /// True with probability `probability` (clamped to `[0, 1]`).
    pub(crate) fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    /// A uniformly chosen element; the tables passed here are non-empty constants.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// A uniformly chosen element, copied out.
    pub(crate) fn choose<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    /// An index chosen with the given relative weights; all-zero weights give index 0.
    pub(crate) fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|weight| u64::from(*weight)).sum();
        let mut ticket = self.below(total);
        for (position, weight) in weights.iter().enumerate() {
            let weight = u64::from(*weight);
            if ticket < weight {
                return position;
            }
            ticket -= weight;
        }
        0
    }

    /// Fisher-Yates shuffle.
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for upper in (1..items.len()).rev() {
            let other = self.index(upper + 1);
            items.swap(upper, other);
        }
    }

    /// `N` random bytes.
    pub(crate) fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0_u8; N];
        for chunk in out.chunks_mut(8) {
            let word = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        out
    }
}

#[cfg(test)]
mod tests;
