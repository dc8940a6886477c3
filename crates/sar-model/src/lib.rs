//! sar-model: the canonical Suspicious Activity Report and the record of every pipeline state.
//!
//! - `access`: the caller (role, agency, jurisdictions, PII right) and what each role may do.
//! - `codes`: the NIEM PM-ISE SAR code lists as data (16 behaviours with their group, 34 target
//!   sectors, 18 tip classes, 8 tip domains).
//! - `intake`: the published intake format, as sent (lexical: normalization validates it).
//! - `report`: the canonical, validated report (domain spec §3.2).
//! - `records`: the record on each topic: raw, normalized, scored, gated, routed, dlq.
//! - `reject`: a stage's permanent refusal of one record, with every field error.
//! - `grading`: source reliability and content validity, two independent axes in two schemes.
//! - `protected`: protected descriptors, unreadable outside this crate.
//! - `protected_terms`: protected-class words as data (masked by the scorer, linted by the gate).
//! - `privacy`: the PII class of every field and the Summary view derived from it.
//! - `ids`, `zoned`: report ids (UUID v7), origins, times that keep their original offset.
//! - `examples`: a fully populated record of every type, for tests, fixtures and docs.
//!
//! Architecture invariant: this crate does no IO, reads no clock, no environment and no
//! randomness; it depends on no other sarflow crate and on no Kafka, Avro, HTTP or storage crate.

/// The wire names of a closed vocabulary: `ALL`, `as_str` and `parse`, written once beside the enum.
/// A test checks each name against the enum's serde name, so the two cannot drift.
macro_rules! vocabulary {
    ($enum:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $enum {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The name on the wire (intake format, JSON, Avro).
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name),+ }
            }

            /// The value with this wire name; exact and case-sensitive.
            pub fn parse(name: &str) -> Option<Self> {
                match name { $($name => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}

pub mod access;
pub mod codes;
pub mod examples;
pub mod grading;
pub mod ids;
pub mod intake;
pub mod privacy;
pub mod protected;
pub mod protected_terms;
pub mod records;
pub mod reject;
pub mod report;
pub mod zoned;

#[cfg(test)]
mod test_support;

pub use codes::{
    BehaviorCode, BehaviorGroup, Code, CodeEntry, CodeList, TargetSectorCode, TipClassCode,
    TipDomainCode, UnknownCode,
};
pub use grading::{ContentValidity, GradeBasis, Grading, GradingScheme, SourceReliability};
pub use ids::{Origin, ReportId};
pub use intake::IntakeRecord;
pub use privacy::Summarize;
pub use protected::{ProtectedDescriptorValues, ProtectedDescriptors};
pub use records::{
    DlqRecord, GatedRecord, NormalizedRecord, RawRecord, RoutedRecord, ScoredRecord, Stage,
};
pub use reject::{Reject, RejectCode};
pub use report::{Person, SarReport};
pub use zoned::{CalendarDate, ZonedTime};

/// The Functional Standard version sarflow implements.
pub const FS_VERSION: &str = "1.5.5";
