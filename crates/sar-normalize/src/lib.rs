//! sar-normalize: the normalization stage, intake record -> normalized SAR.
//!
//! - `parse_intake`: one JSON text to an `IntakeRecord`, or an `undecodable` reject with a field
//!   error per structural problem (wrong type, missing or unknown field), each with its JSON
//!   path (`persons[0].age`) and no field value: serde's first, then the rest that the
//!   published schema's shape (`schemas/intake.schema.json`) finds.
//! - `validate`: every field problem of an intake record at once, each with its path
//!   (`persons[2].dob: not a date (YYYY-MM-DD)`); the intake service uses it alone.
//! - `normalize`: a raw record to the canonical `SarReport` (typed codes and times, text cleaned,
//!   grading defaulted and mapped, labels and retention set), plus the entities found in the
//!   narrative, the redacted narrative and the dedup keys (T-26, T-27).
//! - `clean_text`: Unicode NFC, control characters removed, whitespace tidied; idempotent.
//! - `near_duplicate`: whether two normalized reports look like the same activity (T-27). It only
//!   links: nothing here merges or drops a report.
//!
//! The API is free functions over plain data. The regular expressions of entity extraction are
//! compiled once per process, on first use, into an immutable table (`entities::Patterns`); a
//! table that never changes is a constant, not state, so every call is a pure function of its
//! arguments.
//!
//! Architecture invariant: pure, synchronous and deterministic. No IO, no clock (time comes in as
//! `now`), no environment, no randomness, no async runtime; the only sarflow dependency is
//! sar-model. Normalization never promotes a report anywhere: its output status is `normalized`.
//! Error messages name fields and rules, never field values, narrative text or PII.

mod clean;
mod dedup;
mod entities;
mod normalize;
mod parse;
mod shape;
mod validate;
mod words;

use sar_model::report::Sensitivity;

pub use clean::clean_text;
pub use dedup::{NearDuplicateThreshold, near_duplicate};
pub use normalize::normalize;
pub use parse::parse_intake;
pub use validate::validate;

/// Settings of the normalization stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalizeConfig {
    /// Longest narrative accepted, in characters after cleaning. Default 20,000.
    pub max_narrative_chars: usize,
    /// Privacy policy version stamped on every admitted report (rule T-38). Default `2026-01`.
    pub privacy_policy_version: String,
    /// Days a report is kept in the tips-and-leads store from receipt, unless validated.
    /// Default 365.
    pub tips_leads_ttl_days: u32,
    /// Sensitivity label given on admission (28 CFR 23.20(g)). Default `agency_name_only`.
    pub default_sensitivity: Sensitivity,
}

impl Default for NormalizeConfig {
    fn default() -> Self {
        Self {
            max_narrative_chars: 20_000,
            privacy_policy_version: "2026-01".to_owned(),
            tips_leads_ttl_days: 365,
            default_sensitivity: Sensitivity::AgencyNameOnly,
        }
    }
}
