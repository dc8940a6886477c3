//! Dedup keys and the near-duplicate test (T-26, T-27).
//!
//! The exact key is the origin (system and its report id): the same origin twice is one report.
//! The near-duplicate fingerprint is a 64-bit SimHash of the narrative's word 3-shingles, plus an
//! hour bucket and a 0.002-degree geographic cell for blocking. When two reports are compared,
//! the word 3-shingle Jaccard similarity of their narratives counts too: another reporter's
//! account of the same scene is too far from the first for a 64-bit fingerprint (T-27). The hash
//! is FNV-1a 64, written
//! here, so keys are stable across processes, platforms and Rust versions (std's hasher is
//! neither). Duplicates are only ever linked for an analyst; nothing here merges or drops one.

use sar_model::{
    NormalizedRecord, SarReport,
    records::DedupKeys,
    report::{GeoPoint, Location},
};

/// When two reports count as near duplicates (T-27).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NearDuplicateThreshold {
    /// Largest distance between the two locations, in metres. Default 200.
    pub max_meters: f64,
    /// Largest gap between the two observed starts, in hours. Default 2.
    pub max_hours: i64,
    /// Largest Hamming distance between the narratives' SimHashes, of 64 bits. Default 12.
    /// Catches the same text lightly edited.
    pub max_hamming: u32,
    /// Smallest Jaccard similarity of the two narratives' sets of word 3-shingles, computed
    /// from the narratives themselves when the pair is compared. Default 0.12. Catches another
    /// reporter's account of the same scene, which shares sentences but not its framing: the
    /// SimHash of such a pair is as far apart as that of unrelated text (see
    /// `benches/README.md`, T-27).
    pub min_jaccard: f64,
}

impl Default for NearDuplicateThreshold {
    fn default() -> Self {
        Self {
            max_meters: 200.0,
            max_hours: 2,
            max_hamming: 12,
            min_jaccard: 0.12,
        }
    }
}

/// Whether `a` and `b` look like two reports of the same activity (T-27): they share a
/// behaviour code, their locations are within `max_meters` (haversine on the coordinates; when
/// either lacks coordinates, the same city and state instead), their observed starts are within
/// `max_hours`, and their narratives are alike: SimHashes at most `max_hamming` bits apart, or
/// word 3-shingle sets with a Jaccard similarity of at least `min_jaccard`.
///
/// A `true` answer is a link for an analyst to confirm, never a merge.
pub fn near_duplicate(
    a: &NormalizedRecord,
    b: &NormalizedRecord,
    threshold: &NearDuplicateThreshold,
) -> bool {
    let (report_a, report_b) = (&a.report, &b.report);
    let shares_code = report_a
        .behavior_codes
        .iter()
        .any(|code| report_b.behavior_codes.contains(code));
    let gap_seconds = report_a
        .observed
        .start
        .unix_seconds()
        .abs_diff(report_b.observed.start.unix_seconds());
    let max_gap_seconds = threshold
        .max_hours
        .max(0)
        .unsigned_abs()
        .saturating_mul(3_600);
    let hamming = (a.dedup.narrative_simhash ^ b.dedup.narrative_simhash).count_ones();
    shares_code
        && gap_seconds <= max_gap_seconds
        && nearby(&report_a.location, &report_b.location, threshold.max_meters)
        && (hamming <= threshold.max_hamming
            || shingle_jaccard(&report_a.narrative, &report_b.narrative) >= threshold.min_jaccard)
}

/// Jaccard similarity of the sets of word 3-shingles (as `simhash` forms them) of `a` and `b`;
/// 0 when both are empty.
pub(crate) fn shingle_jaccard(a: &str, b: &str) -> f64 {
    let (a, b) = (shingle_set(a), shingle_set(b));
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - shared;
    if union == 0 {
        0.0
    } else {
        shared as f64 / union as f64
    }
}

/// The sorted, distinct hashes of the word 3-shingles of `text` (one shingle of all the words
/// when there are fewer than three).
fn shingle_set(text: &str) -> Vec<u64> {
    let lowered = text.to_lowercase();
    let words: Vec<&str> = lowered
        .split(|ch: char| !ch.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect();
    let mut hashes: Vec<u64> = if words.is_empty() {
        Vec::new()
    } else if words.len() < 3 {
        vec![shingle_hash(&words)]
    } else {
        words.windows(3).map(shingle_hash).collect()
    };
    hashes.sort_unstable();
    hashes.dedup();
    hashes
}

fn nearby(a: &Location, b: &Location, max_meters: f64) -> bool {
    match (a.coordinates, b.coordinates) {
        (Some(point_a), Some(point_b)) => haversine_meters(point_a, point_b) <= max_meters,
        _ => {
            let same_city = match (&a.city, &b.city) {
                (Some(city_a), Some(city_b)) => city_a.trim().eq_ignore_ascii_case(city_b.trim()),
                _ => false,
            };
            let same_state = match (&a.state, &b.state) {
                (Some(state_a), Some(state_b)) => state_a.eq_ignore_ascii_case(state_b),
                (None, None) => true,
                _ => false,
            };
            same_city && same_state
        }
    }
}

/// Mean Earth radius (IUGG), metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres.
pub(crate) fn haversine_meters(a: GeoPoint, b: GeoPoint) -> f64 {
    let (lat_a, lat_b) = (a.lat.to_radians(), b.lat.to_radians());
    let d_lat = lat_b - lat_a;
    let d_lon = (b.lon - a.lon).to_radians();
    let h = (d_lat / 2.0).sin().powi(2) + lat_a.cos() * lat_b.cos() * (d_lon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// The dedup keys of a report.
pub(crate) fn keys(report: &SarReport) -> DedupKeys {
    DedupKeys {
        exact: exact_key(&report.origin.system, &report.origin.report_id),
        narrative_simhash: i64::from_ne_bytes(simhash(&report.narrative).to_ne_bytes()),
        time_bucket: report.observed.start.unix_seconds().div_euclid(3_600),
        geo_cell: report.location.coordinates.map(geo_cell),
    }
}

/// `system` + U+001F (unit separator, which no sane id contains) + `report_id`.
pub(crate) fn exact_key(system: &str, report_id: &str) -> String {
    let mut key = String::with_capacity(system.len() + report_id.len() + 1);
    key.push_str(system);
    key.push('\u{1f}');
    key.push_str(report_id);
    key
}

/// Size of a geographic cell, degrees (about 220 m of latitude).
const CELL_DEGREES: f64 = 0.002;

/// `"{lat_idx}:{lon_idx}"` of the 0.002-degree cell holding the point.
pub(crate) fn geo_cell(point: GeoPoint) -> String {
    // Latitude and longitude are range-checked, so the indexes fit easily in an i64.
    let lat_idx = (point.lat / CELL_DEGREES).floor() as i64;
    let lon_idx = (point.lon / CELL_DEGREES).floor() as i64;
    format!("{lat_idx}:{lon_idx}")
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv1a(state: u64, bytes: &[u8]) -> u64 {
    let mut hash = state;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

/// FNV-1a 64 of `text` (for tests that pin the constants).
#[cfg(test)]
pub(crate) fn fnv1a64(text: &str) -> u64 {
    fnv1a(FNV_OFFSET, text.as_bytes())
}

/// SimHash of the lowercase word 3-shingles of `text`; words are runs of letters and digits,
/// a shingle is three consecutive words joined by one space. Fewer than three words make one
/// shingle of them all; no word at all gives 0.
pub(crate) fn simhash(text: &str) -> u64 {
    if text.is_ascii() {
        simhash_ascii(text.as_bytes())
    } else {
        simhash_general(text)
    }
}

/// `simhash` of ASCII text: words are runs of ASCII letters and digits (read off a bitmap),
/// lowercased byte by byte; the three FNV-1a states of the shingles a word belongs to are fed
/// together (three independent multiply chains), and the votes are counted eight bits at a time
/// in byte-wide counters. Gives exactly the value of `simhash_general`.
fn simhash_ascii(bytes: &[u8]) -> u64 {
    // states[i % 3]: the shingle starting at word i.
    let mut states = [FNV_OFFSET; 3];
    let mut words = 0usize;
    let mut votes = Votes::new();
    let blocks = crate::words::alnum_bitmap(bytes);
    for (start, at) in crate::words::words(&blocks) {
        let slot = words % 3;
        for (index, state) in states.iter_mut().enumerate() {
            *state = if index == slot {
                FNV_OFFSET
            } else {
                (*state ^ u64::from(b' ')).wrapping_mul(FNV_PRIME)
            };
        }
        let [mut a, mut b, mut c] = states;
        for &byte in &bytes[start..at] {
            let byte = u64::from(byte.to_ascii_lowercase());
            a = (a ^ byte).wrapping_mul(FNV_PRIME);
            b = (b ^ byte).wrapping_mul(FNV_PRIME);
            c = (c ^ byte).wrapping_mul(FNV_PRIME);
        }
        states = [a, b, c];
        if words >= 2 {
            votes.add(states[(words - 2) % 3]);
        }
        words += 1;
    }
    match words {
        0 => 0,
        // Fewer than three words: one shingle of them all, the one started at word 0.
        1 | 2 => votes.add_and_finish(states[0]),
        _ => votes.finish(),
    }
}

/// Per-bit vote counts of a SimHash: eight byte-wide counters per `u64`, flushed into `u32`
/// totals before a byte can overflow.
struct Votes {
    lanes: [u64; 8],
    pending: u32,
    ones: [u32; 64],
    total: u32,
}

/// `SPREAD[b]` has byte `i` equal to bit `i` of `b`.
const SPREAD: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut byte = 0;
    while byte < 256 {
        let mut bit = 0;
        while bit < 8 {
            if byte >> bit & 1 == 1 {
                table[byte] |= 1 << (8 * bit);
            }
            bit += 1;
        }
        byte += 1;
    }
    table
};

impl Votes {
    fn new() -> Self {
        Self {
            lanes: [0; 8],
            pending: 0,
            ones: [0; 64],
            total: 0,
        }
    }

    fn add(&mut self, hash: u64) {
        for (index, lane) in self.lanes.iter_mut().enumerate() {
            *lane += SPREAD[(hash >> (8 * index) & 0xff) as usize];
        }
        self.pending += 1;
        self.total += 1;
        if self.pending == 255 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        for (index, lane) in self.lanes.iter_mut().enumerate() {
            for byte in 0..8 {
                self.ones[8 * index + byte] += (*lane >> (8 * byte) & 0xff) as u32;
            }
            *lane = 0;
        }
        self.pending = 0;
    }

    fn add_and_finish(mut self, hash: u64) -> u64 {
        self.add(hash);
        self.finish()
    }

    /// A bit is set when more shingles had it set than clear.
    fn finish(mut self) -> u64 {
        self.flush();
        let total = self.total;
        self.ones
            .iter()
            .enumerate()
            .filter(|(_, ones)| 2 * **ones > total)
            .fold(0u64, |hash, (bit, _)| hash | 1 << bit)
    }
}

/// `simhash` of any text (the reference definition).
pub(crate) fn simhash_general(text: &str) -> u64 {
    let lowered = text.to_lowercase();
    let words: Vec<&str> = lowered
        .split(|ch: char| !ch.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect();
    if words.is_empty() {
        return 0;
    }
    let mut votes = [0i32; 64];
    let mut vote = |hash: u64| {
        for (bit, count) in votes.iter_mut().enumerate() {
            if hash >> bit & 1 == 1 {
                *count += 1;
            } else {
                *count -= 1;
            }
        }
    };
    if words.len() < 3 {
        vote(shingle_hash(&words));
    } else {
        for window in words.windows(3) {
            vote(shingle_hash(window));
        }
    }
    votes
        .iter()
        .enumerate()
        .filter(|(_, count)| **count > 0)
        .fold(0u64, |hash, (bit, _)| hash | 1 << bit)
}

fn shingle_hash(words: &[&str]) -> u64 {
    let mut hash = FNV_OFFSET;
    for (position, word) in words.iter().enumerate() {
        if position > 0 {
            hash = fnv1a(hash, b" ");
        }
        hash = fnv1a(hash, word.as_bytes());
    }
    hash
}

#[cfg(test)]
mod tests;
