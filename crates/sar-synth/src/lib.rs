//! sar-synth: a deterministic generator of synthetic Suspicious Activity Reports, for tests,
//! demos and benches.
//!
//! - `generate` yields intake records (`SynthItem`: the NDJSON line a partner, an officer's RMS
//!   or a web form would send, and the parsed record), lazily, labelled with the `Case` each was
//!   built to exhibit. Besides ordinary reports covering the 16 behaviour codes, 34 target
//!   sectors, 8 channels, 4 organisation types and 5 reporter roles, a configurable share are
//!   hard cases (`HardCaseShares`): protected First Amendment activity, profiling language,
//!   exact and near duplicates, group-B behaviour without facts, imminent threats, missing
//!   behaviour codes and malformed submissions.
//! - `canonical` builds records of every pipeline state (raw, normalized, scored, gated, routed,
//!   dlq) from the same scenarios, for tests of later stages and Avro round trips;
//!   `raw_record` gives the raw-topic form of one generated item.
//!
//! Everything is made up: phone numbers are in the fictional 555-01xx range, e-mail addresses
//! are at example.com/.org/.net, SSN-shaped numbers are in the never-issued 9xx area, IP
//! addresses come from the documentation ranges. The same seed and configuration give the same
//! lines, byte for byte, on every platform.
//!
//! Internals: `rng` (SplitMix64 → xoshiro256**), `clock` (calendar, US zones, RFC 3339),
//! `vocab` (tables), `people` (names and identifiers), `scene`, `story` (one template family
//! per behaviour code), `hard` (hard-case templates), `narrative` (voice, register, length),
//! `record` (assembly), `malformed`, `generate` (the lazy iterator).
//!
//! Architecture invariant: no IO, no clock, no randomness but the seeded PRNG; depends only on
//! sar-model (and serde, serde_json and thiserror, for the lines and the error type).

pub mod canonical;
mod case;
#[cfg(test)]
mod checks;
mod clock;
mod config;
mod generate;
mod hard;
mod malformed;
mod narrative;
mod people;
mod record;
mod rng;
mod scene;
mod story;
mod vocab;

pub use canonical::raw_record;
pub use case::{Case, MalformedKind};
pub use config::{HardCaseShares, MAX_COUNT, SynthConfig, SynthError};
pub use generate::{SynthItem, generate};
