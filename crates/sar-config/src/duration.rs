//! Durations written as text in config: `250ms`, `5s`, `2m`, `1h`, `7d`.

use std::time::Duration;

use crate::ConfigError;

/// Units from largest to smallest, with their length in milliseconds.
const UNITS: [(&str, u64); 5] = [
    ("d", 86_400_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
    ("ms", 1),
];

/// Parses `<whole number><unit>` with unit `ms`, `s`, `m`, `h` or `d` (surrounding whitespace
/// allowed, no fractions, no sign).
pub fn parse_duration(text: &str) -> Result<Duration, ConfigError> {
    let invalid = |reason: &'static str| ConfigError::Duration {
        text: text.to_owned(),
        reason,
    };
    let trimmed = text.trim();
    let digits_end = trimmed
        .find(|character: char| !character.is_ascii_digit())
        .ok_or_else(|| invalid("missing unit (ms, s, m, h or d)"))?;
    let (digits, unit) = trimmed.split_at(digits_end);
    if digits.is_empty() {
        return Err(invalid("expected a whole number followed by a unit"));
    }
    let unit_millis = UNITS
        .iter()
        .find(|(name, _)| *name == unit)
        .map(|(_, millis)| *millis)
        .ok_or_else(|| invalid("unknown unit, expected ms, s, m, h or d"))?;
    let count: u64 = digits.parse().map_err(|_| invalid("number too large"))?;
    let millis = count
        .checked_mul(unit_millis)
        .ok_or_else(|| invalid("number too large"))?;
    Ok(Duration::from_millis(millis))
}

/// Formats a duration in the largest unit that divides it exactly (`90s` -> `90s`, `120s` ->
/// `2m`); `None` when it is not a whole number of milliseconds.
pub fn format_duration(duration: Duration) -> Option<String> {
    if !duration.subsec_nanos().is_multiple_of(1_000_000) {
        return None;
    }
    let millis = u64::try_from(duration.as_millis()).ok()?;
    if millis == 0 {
        return Some("0s".to_owned());
    }
    UNITS
        .iter()
        .find(|(_, unit_millis)| millis.is_multiple_of(*unit_millis))
        .map(|(name, unit_millis)| format!("{}{name}", millis / unit_millis))
}

/// Serde helper for `Duration` fields: `#[serde(with = "sar_config::duration_text")]`.
pub mod duration_text {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        let text = super::format_duration(*duration).ok_or_else(|| {
            serde::ser::Error::custom("duration is not a whole number of milliseconds")
        })?;
        serializer.serialize_str(&text)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(deserializer)?;
        super::parse_duration(&text).map_err(serde::de::Error::custom)
    }
}
