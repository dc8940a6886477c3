//! Protected descriptors of a person: race, ethnicity, nationality, religion, gender, sexual
//! orientation, gender identity, language.
//!
//! They may be *stored* as identification data inside a suspect description and must never be an
//! *input* to category assignment, scoring or routing (domain spec §2.4, rules T-06 and T-07). The
//! type enforces that with visibility: its fields are private and it has no getter, so code in
//! another crate, the scorer and the router included, cannot read a value. It can be built (from an
//! intake record), moved, serialized for transport and storage, and compared. Its `Debug` output
//! is redacted, so a stray `{:?}` cannot print it into a log.
//!
//! The same functions compile when they read an ordinary field, so the failures below are the
//! privacy of the descriptors and nothing else:
//!
//! ```
//! fn scorer_reads_name(person: &sar_model::Person) -> bool {
//!     person.name.is_some()
//! }
//! fn router_moves_descriptors(descriptors: &sar_model::ProtectedDescriptors) -> String {
//!     format!("{descriptors:?}") // redacted
//! }
//! assert_eq!(
//!     router_moves_descriptors(&sar_model::ProtectedDescriptors::default()),
//!     "ProtectedDescriptors(<redacted>)"
//! );
//! ```
//!
//! ```compile_fail
//! fn scorer_reads_religion(person: &sar_model::Person) -> bool {
//!     person.descriptors.religion.is_some() // private field: does not compile
//! }
//! ```
//!
//! ```compile_fail
//! fn router_reads_race(descriptors: &sar_model::ProtectedDescriptors) -> Option<&str> {
//!     descriptors.race() // no such getter: does not compile
//! }
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

/// The protected descriptors of one person. Write-only outside this crate.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtectedDescriptors {
    race: Option<String>,
    ethnicity: Option<String>,
    nationality: Option<String>,
    religion: Option<String>,
    gender: Option<String>,
    sexual_orientation: Option<String>,
    gender_identity: Option<String>,
    language: Option<String>,
}

/// The values to store, as given in a suspect description. Consumed by
/// `ProtectedDescriptors::new`; there is no way back from the stored type.
#[derive(Default)]
pub struct ProtectedDescriptorValues {
    /// Race, as described.
    pub race: Option<String>,
    /// Ethnicity, as described.
    pub ethnicity: Option<String>,
    /// Nationality or national origin, as described.
    pub nationality: Option<String>,
    /// Religion, as described.
    pub religion: Option<String>,
    /// Gender, as described.
    pub gender: Option<String>,
    /// Sexual orientation, as described.
    pub sexual_orientation: Option<String>,
    /// Gender identity, as described.
    pub gender_identity: Option<String>,
    /// Language spoken, as described.
    pub language: Option<String>,
}

impl ProtectedDescriptors {
    /// Stores the given values.
    pub fn new(values: ProtectedDescriptorValues) -> Self {
        let ProtectedDescriptorValues {
            race,
            ethnicity,
            nationality,
            religion,
            gender,
            sexual_orientation,
            gender_identity,
            language,
        } = values;
        Self {
            race,
            ethnicity,
            nationality,
            religion,
            gender,
            sexual_orientation,
            gender_identity,
            language,
        }
    }

    #[cfg(test)]
    pub(crate) fn religion_for_tests(&self) -> Option<&str> {
        self.religion.as_deref()
    }
}

impl fmt::Debug for ProtectedDescriptors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProtectedDescriptors(<redacted>)")
    }
}
