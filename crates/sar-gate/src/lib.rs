//! sar-gate: the automated part of the Functional Standard / 28 CFR Part 23 gate, turning a
//! `ScoredRecord` into a `GatedRecord`.
//!
//! The gate decides what may enter the SAR path at all, and where: `BlockedProtectedActivity`
//! (only First Amendment activity, T-04), `NotSar` (no behaviour code, W14), `PrivacyReview`
//! (protected-class words as the reason, T-36; group B without facts, T-03) or `Triage`. Each
//! decision carries its reasons (rule ids and lexicon terms, never narrative text), the legal
//! basis, the retention deadline (T-37) and which Part 23 prerequisites are present. The rule
//! set is data in `rules.rs`.
//!
//! Architecture invariant: pure and deterministic: no IO, no clock (time comes in as `now`), no
//! environment, no randomness.
//! Architecture invariant: never promotes: every record is held as an FS SAR in the tips/leads
//! store; ISE-SAR and criminal intelligence are human decisions (T-31) and the model has no gate
//! outcome for them.
//! Architecture invariant: never reads protected descriptors; it lints only the reporter's words.
//! Architecture invariant: depends on sar-model only among sarflow crates.

mod config;
mod gate;
mod lexicon;
mod rules;

pub use config::{GateConfig, GateConfigError, MAX_TIPS_LEADS_TTL_DAYS};
pub use gate::Gate;

/// The gate's rule ids with their descriptions, as cited in reasons (for documentation and
/// reviewer tooling).
pub fn rule_descriptions() -> Vec<(&'static str, &'static str)> {
    rules::descriptions()
}
