//! Identifiers: the system's report id (UUID v7) and the origin key used for idempotent intake.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};
use uuid::Uuid;

/// The system-assigned id of a report: a UUID v7, so ids sort by the time they were assigned.
///
/// Always serialized as the hyphenated string, in JSON and in Avro alike.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReportId(Uuid);

/// A text that is not a UUID v7.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a UUID v7 report id")]
pub struct InvalidReportId;

impl ReportId {
    /// Builds an id from a Unix time in milliseconds and 10 random bytes (the caller owns the clock
    /// and the randomness, so stages and the generator stay deterministic).
    pub fn from_parts(unix_millis: u64, random: [u8; 10]) -> Self {
        Self(uuid::Builder::from_unix_timestamp_millis(unix_millis, &random).into_uuid())
    }

    /// Parses the hyphenated form; anything but a version-7 UUID is refused.
    pub fn parse(text: &str) -> Result<Self, InvalidReportId> {
        let uuid = Uuid::parse_str(text).map_err(|_| InvalidReportId)?;
        if uuid.get_version_num() != 7 {
            return Err(InvalidReportId);
        }
        Ok(Self(uuid))
    }

    /// The underlying UUID.
    pub fn as_uuid(&self) -> &Uuid {
        &self.0
    }
}

impl fmt::Display for ReportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}
impl fmt::Debug for ReportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReportId({})", self.0.hyphenated())
    }
}
impl Serialize for ReportId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0.hyphenated())
    }
}
impl<'de> Deserialize<'de> for ReportId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(de::Error::custom)
    }
}

/// Where a report came from: the originating system and that system's own report id.
/// The pair is the idempotency key: the same origin submitted twice is one report (rule T-26).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Origin {
    /// Originating system, e.g. `lapd-rms` or `partner:acme-utilities`.
    pub system: String,
    /// The report's id in the originating system.
    pub report_id: String,
}
