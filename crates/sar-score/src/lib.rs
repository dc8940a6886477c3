//! sar-score: the explainable scoring stage, `NormalizedRecord -> ScoredRecord`.
//!
//! A versioned rule pack (`rules/default.toml`, or any pack given to [`RulePack::from_toml`])
//! holds every rule with an id and a human description: behaviour-code weights (every group-A
//! weight above every group-B weight), target-sector criticality, indicator lexicons matched with
//! aho-corasick (leftmost-longest, ASCII case-insensitive, whole words), regex indicators,
//! specificity facts, source-reliability and content-validity weights for both grading schemes,
//! and corroboration by linked reports. A score is the sum of its contributions, clamped into
//! [0, 100] by an explicit `cap.max_100` / `cap.min_0` contribution (rule T-09). The score only
//! orders queues; nothing here promotes a report.
//!
//! - `pack`: the TOML rule pack, its validation and the protected-term guard at load.
//! - `mask`: masks protected-class terms (and person names) before anything is matched.
//! - `lexicon`: whole-word, leftmost-longest lexicon matching.
//! - `scorer`: [`Scorer`], [`ScoreContext`] and the review flags.
//!
//! Architecture invariant: this crate is pure and synchronous: no IO, no clock (time comes in as
//! `now`), no environment, no randomness. It depends only on sar-model among sarflow crates.
//! Architecture invariant: the protected descriptors of a person are never an input; this crate
//! does not even name their type. Protected-class words in the text are masked with one fixed
//! token before any matching, so replacing one by another cannot change a score (T-06, T-07).
//! Architecture invariant: nothing in a score depends on raw text length or raw offsets, and
//! person names are not inputs.

mod lexicon;
mod mask;
mod pack;
mod scorer;

pub use pack::{RulePack, RulePackError};
pub use scorer::{ScoreContext, Scorer};
