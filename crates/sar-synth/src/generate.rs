//! The generator: a lazy iterator of `SynthItem`s, one per record, deterministic in the seed.
//!
//! Each record draws from its own PRNG stream (`seed`, index), so its content does not depend
//! on how much randomness earlier records used. The only state carried from record to record is
//! the submission clock, the report-id sequence of each originating system and a bounded window
//! of recent records that duplicates are made from; memory use does not grow with `count`.

use std::collections::VecDeque;

use sar_model::intake::IntakeRecord;

use crate::{
    case::{self, Case},
    clock::{DAY_MS, HOUR_MS, days_from_civil},
    config::{HardCaseShares, SynthConfig, SynthError},
    malformed,
    record::{self, IdBook, Memory},
    rng::{Rng, mix64},
    scene::Planted,
};

/// One generated record.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthItem {
    /// Position in the run, from 0.
    pub index: usize,
    /// What the record was built to exhibit.
    pub case: Case,
    /// The record, when the line deserializes as an `IntakeRecord` (always, except for
    /// syntactically malformed lines).
    pub record: Option<IntakeRecord>,
    /// The NDJSON line, without a trailing newline; for a record, `serde_json::to_string` of it.
    pub line: String,
}

/// Generates `config.count` records lazily. The iterator borrows nothing from `config`.
pub fn generate(
    config: &SynthConfig,
) -> Result<impl Iterator<Item = SynthItem> + use<>, SynthError> {
    config.validate()?;
    Ok(Generator::new(config))
}

/// How many earlier records a duplicate can be drawn from.
const WINDOW: usize = 128;

/// Submissions of a run spread over at most this long.
const SPAN_MS: i64 = 365 * DAY_MS;

/// A generated item and the entities planted in its narrative (for the canonical records).
#[derive(Debug, Clone)]
pub(crate) struct Generated {
    pub(crate) item: SynthItem,
    pub(crate) planted: Vec<Planted>,
}

/// The lazy generator behind `generate`.
#[derive(Debug)]
pub(crate) struct Generator {
    seed: u64,
    count: usize,
    shares: HardCaseShares,
    index: usize,
    clock_ms: i64,
    mean_gap_ms: i64,
    window: VecDeque<Memory>,
    book: IdBook,
}

/// The run's fixed "now" at its first record: a moment in 2025 derived from the seed alone, so
/// the whole run falls within 2025-2026.
pub(crate) fn start_ms(seed: u64) -> i64 {
    let base = days_from_civil(2025, 1, 20) * DAY_MS;
    base + (mix64(seed ^ 0x5A5F_C10C) % (330 * DAY_MS as u64)) as i64
}

impl Generator {
    pub(crate) fn new(config: &SynthConfig) -> Self {
        let count = config.count.max(1) as i64;
        Self {
            seed: config.seed,
            count: config.count,
            shares: config.shares,
            index: 0,
            clock_ms: start_ms(config.seed),
            mean_gap_ms: (SPAN_MS / count).clamp(500, 6 * HOUR_MS),
            window: VecDeque::with_capacity(WINDOW),
            book: IdBook::new(config.seed),
        }
    }

    pub(crate) fn next_generated(&mut self) -> Option<Generated> {
        if self.index >= self.count {
            return None;
        }
        let index = self.index;
        self.index += 1;
        let mut rng = Rng::for_stream(self.seed, index as u64);
        self.clock_ms += rng.range(0, 2 * self.mean_gap_ms);
        let mut case = case::draw(&mut rng, &self.shares);
        if matches!(case, Case::ExactDuplicate | Case::NearDuplicate) && self.window.is_empty() {
            // Nothing earlier to duplicate yet.
            case = Case::Ordinary;
        }
        let generated = match case {
            Case::ExactDuplicate => {
                let original = &self.window[rng.index(self.window.len())];
                let record = record::exact_duplicate(&mut rng, original, self.clock_ms);
                Generated {
                    item: valid_item(index, case, record),
                    planted: original.planted.clone(),
                }
            }
            Case::NearDuplicate => {
                // A second witness of the same thing: prefer a report where someone was seen.
                let seen: Vec<usize> = (0..self.window.len())
                    .filter(|position| self.window[*position].subject_mentioned)
                    .collect();
                let position = if seen.is_empty() {
                    rng.index(self.window.len())
                } else {
                    seen[rng.index(seen.len())]
                };
                let original = self.window[position].clone();
                let built = record::near_duplicate(rng, &original, self.clock_ms, &mut self.book);
                self.remember(built.memory);
                Generated {
                    item: valid_item(index, case, built.record),
                    planted: built.planted,
                }
            }
            Case::Malformed(kind) => {
                let mut corrupt_rng = Rng::for_stream(self.seed ^ 0xBAD_C0DE, index as u64);
                let built = record::fresh(rng, Case::Ordinary, self.clock_ms, &mut self.book);
                let (record, line) = malformed::corrupt(&mut corrupt_rng, kind, built.record);
                Generated {
                    item: SynthItem {
                        index,
                        case,
                        record,
                        line,
                    },
                    planted: Vec::new(),
                }
            }
            _ => {
                let built = record::fresh(rng, case, self.clock_ms, &mut self.book);
                self.remember(built.memory);
                Generated {
                    item: valid_item(index, case, built.record),
                    planted: built.planted,
                }
            }
        };
        Some(generated)
    }

    fn remember(&mut self, memory: Memory) {
        if self.window.len() == WINDOW {
            self.window.pop_front();
        }
        self.window.push_back(memory);
    }
}

fn valid_item(index: usize, case: Case, record: IntakeRecord) -> SynthItem {
    let line = malformed::to_line(&record);
    SynthItem {
        index,
        case,
        record: Some(record),
        line,
    }
}

impl Iterator for Generator {
    type Item = SynthItem;

    fn next(&mut self) -> Option<SynthItem> {
        self.next_generated().map(|generated| generated.item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.count - self.index;
        (left, Some(left))
    }
}

impl ExactSizeIterator for Generator {}

#[cfg(test)]
mod tests;
