//! What to generate: how many records, from which seed, and the share of each hard case.

/// The largest `count` accepted: enough for any bench, small enough that the generated
/// timestamps stay within 2025-2026.
pub const MAX_COUNT: usize = 50_000_000;

/// A generator run.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthConfig {
    /// Number of records to generate.
    pub count: usize,
    /// The seed: the same seed and config give the same lines, byte for byte.
    pub seed: u64,
    /// Share of each hard case; the rest are ordinary reports.
    pub shares: HardCaseShares,
}

/// The share of each hard case, each a fraction in `[0, 1]`; they must sum to at most 1 and the
/// remainder are ordinary reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HardCaseShares {
    /// Protest, worship, a lecture, public photography, and no criminal facts (W5, S5).
    pub protected_activity: f64,
    /// Protected-class words used as the reason for suspicion (W6, S2).
    pub profiling_language: f64,
    /// The same `source {system, report_id}` as an earlier record, possibly through another
    /// channel (S10).
    pub exact_duplicate: f64,
    /// Another reporter, same behaviour code, about 40 minutes later and 120 m away, reworded
    /// (S11).
    pub near_duplicate: f64,
    /// Only group-B behaviour codes and no additional facts (S3).
    pub group_b_without_facts: f64,
    /// An explicit threat with a time and place today (S12).
    pub imminent_threat: f64,
    /// No behaviour code at all.
    pub no_behavior_code: f64,
    /// Submissions that fail validation or do not parse at all.
    pub malformed: f64,
}

/// A configuration the generator refuses.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SynthError {
    /// A share is negative, above 1 or not a number.
    #[error("share `{name}` is {value}, expected a fraction in [0, 1]")]
    ShareOutOfRange {
        /// The share's field name.
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// The shares add up to more than 1.
    #[error("hard-case shares sum to {sum}, expected at most 1")]
    SharesAboveOne {
        /// Their sum.
        sum: f64,
    },
    /// Too many records requested.
    #[error("count {count} is above the maximum of {max}")]
    CountTooLarge {
        /// The count given.
        count: usize,
        /// `MAX_COUNT`.
        max: usize,
    },
}

impl Default for HardCaseShares {
    fn default() -> Self {
        Self {
            protected_activity: 0.04,
            profiling_language: 0.04,
            exact_duplicate: 0.03,
            near_duplicate: 0.03,
            group_b_without_facts: 0.05,
            imminent_threat: 0.02,
            no_behavior_code: 0.03,
            malformed: 0.0,
        }
    }
}

impl HardCaseShares {
    /// No hard case at all: every record is ordinary.
    pub fn none() -> Self {
        Self {
            protected_activity: 0.0,
            profiling_language: 0.0,
            exact_duplicate: 0.0,
            near_duplicate: 0.0,
            group_b_without_facts: 0.0,
            imminent_threat: 0.0,
            no_behavior_code: 0.0,
            malformed: 0.0,
        }
    }

    /// Each share with its field name, in the order the cases are drawn.
    pub fn named(&self) -> [(&'static str, f64); 8] {
        [
            ("protected_activity", self.protected_activity),
            ("profiling_language", self.profiling_language),
            ("exact_duplicate", self.exact_duplicate),
            ("near_duplicate", self.near_duplicate),
            ("group_b_without_facts", self.group_b_without_facts),
            ("imminent_threat", self.imminent_threat),
            ("no_behavior_code", self.no_behavior_code),
            ("malformed", self.malformed),
        ]
    }

    /// These shares with `malformed` set to `share`, and the other shares scaled down in
    /// proportion when needed so that all of them still sum to at most 1: with the defaults,
    /// `with_malformed(1.0)` gives only malformed records and `with_malformed(0.1)` leaves the
    /// others as they are. An out-of-range `share` is kept as given, for `validate` to refuse.
    pub fn with_malformed(self, share: f64) -> Self {
        let others: f64 = self.named()[..7].iter().map(|(_, value)| value).sum();
        let room = (1.0 - share).max(0.0);
        let scale = if others > room && others > 0.0 && (0.0..=1.0).contains(&share) {
            room / others
        } else {
            1.0
        };
        Self {
            protected_activity: self.protected_activity * scale,
            profiling_language: self.profiling_language * scale,
            exact_duplicate: self.exact_duplicate * scale,
            near_duplicate: self.near_duplicate * scale,
            group_b_without_facts: self.group_b_without_facts * scale,
            imminent_threat: self.imminent_threat * scale,
            no_behavior_code: self.no_behavior_code * scale,
            malformed: share,
        }
    }

    /// Every share in `[0, 1]` and their sum at most 1 (with a rounding allowance of 1e-9).
    pub fn validate(&self) -> Result<(), SynthError> {
        let mut sum = 0.0;
        for (name, value) in self.named() {
            if !(0.0..=1.0).contains(&value) {
                return Err(SynthError::ShareOutOfRange { name, value });
            }
            sum += value;
        }
        if sum > 1.0 + 1e-9 {
            return Err(SynthError::SharesAboveOne { sum });
        }
        Ok(())
    }
}

impl Default for SynthConfig {
    fn default() -> Self {
        Self {
            count: 1_000,
            seed: 0,
            shares: HardCaseShares::default(),
        }
    }
}

impl SynthConfig {
    /// Shares in `[0, 1]` summing to at most 1, and `count <= MAX_COUNT`.
    pub fn validate(&self) -> Result<(), SynthError> {
        if self.count > MAX_COUNT {
            return Err(SynthError::CountTooLarge {
                count: self.count,
                max: MAX_COUNT,
            });
        }
        self.shares.validate()
    }
}

#[cfg(test)]
mod tests;
