//! Instants that keep the offset they were reported in.
//!
//! A report observed at `02:10-07:00` stays `02:10-07:00`: the UTC instant is what sorts and
//! compares, the original offset is what a reviewer reads. Serialized as RFC 3339 in JSON and
//! Avro alike, which carries both.

use std::{cmp::Ordering, fmt};

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};
use time::{Date, OffsetDateTime, UtcOffset, format_description::well_known::Rfc3339};

/// An instant plus the UTC offset it was originally given in.
#[derive(Clone, Copy)]
pub struct ZonedTime(OffsetDateTime);

/// A text that is not an RFC 3339 date-time (or a date that does not exist).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an RFC 3339 date-time with offset")]
pub struct InvalidTime;

impl ZonedTime {
    /// Parses RFC 3339 (`2026-03-01T02:10:00-07:00`, `...Z`), keeping the offset.
    pub fn parse(text: &str) -> Result<Self, InvalidTime> {
        OffsetDateTime::parse(text, &Rfc3339)
            .map(Self)
            .map_err(|_| InvalidTime)
    }

    /// Wraps a `time` value as is.
    pub fn from_offset_date_time(value: OffsetDateTime) -> Self {
        Self(value)
    }

    /// From Unix seconds, shown in the given offset (in seconds east of UTC).
    pub fn from_unix(unix_seconds: i64, offset_seconds: i32) -> Result<Self, InvalidTime> {
        let offset = UtcOffset::from_whole_seconds(offset_seconds).map_err(|_| InvalidTime)?;
        let utc = OffsetDateTime::from_unix_timestamp(unix_seconds).map_err(|_| InvalidTime)?;
        Ok(Self(utc.to_offset(offset)))
    }

    /// The instant in UTC.
    pub fn utc(&self) -> OffsetDateTime {
        self.0.to_offset(UtcOffset::UTC)
    }

    /// The value as originally offset.
    pub fn original(&self) -> OffsetDateTime {
        self.0
    }

    /// The original offset, in seconds east of UTC.
    pub fn offset_seconds(&self) -> i32 {
        self.0.offset().whole_seconds()
    }

    /// Unix time in seconds.
    pub fn unix_seconds(&self) -> i64 {
        self.0.unix_timestamp()
    }

    /// The RFC 3339 text, in the original offset.
    pub fn to_rfc3339(&self) -> String {
        // Formatting a valid OffsetDateTime with years 0..=9999 cannot fail; years outside that
        // range are refused by `parse` and by `from_unix` (time's default range).
        self.0
            .format(&Rfc3339)
            .unwrap_or_else(|_| self.0.to_string())
    }
}

/// Two zoned times are equal when they are the same instant written with the same offset.
impl PartialEq for ZonedTime {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 && self.0.offset() == other.0.offset()
    }
}
impl Eq for ZonedTime {}
impl PartialOrd for ZonedTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
/// Orders by instant, then by offset, so the order agrees with equality.
impl Ord for ZonedTime {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .cmp(&other.0)
            .then_with(|| self.offset_seconds().cmp(&other.offset_seconds()))
    }
}
impl fmt::Debug for ZonedTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}
impl fmt::Display for ZonedTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}
impl Serialize for ZonedTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_rfc3339())
    }
}
impl<'de> Deserialize<'de> for ZonedTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(de::Error::custom)
    }
}

/// A calendar date without time or zone (dates of birth). Serialized as `YYYY-MM-DD`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CalendarDate(Date);

/// A text that is not an existing `YYYY-MM-DD` date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a date (YYYY-MM-DD)")]
pub struct InvalidDate;

const DATE_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

impl CalendarDate {
    /// Parses `YYYY-MM-DD`; 2023-02-30 is refused.
    pub fn parse(text: &str) -> Result<Self, InvalidDate> {
        Date::parse(text, DATE_FORMAT)
            .map(Self)
            .map_err(|_| InvalidDate)
    }

    /// Wraps a `time::Date`.
    pub fn from_date(date: Date) -> Self {
        Self(date)
    }

    /// The date.
    pub fn date(&self) -> Date {
        self.0
    }

    /// `YYYY-MM-DD`.
    pub fn to_iso(&self) -> String {
        self.0
            .format(DATE_FORMAT)
            .unwrap_or_else(|_| self.0.to_string())
    }
}
impl fmt::Debug for CalendarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso())
    }
}
impl Serialize for CalendarDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_iso())
    }
}
impl<'de> Deserialize<'de> for CalendarDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(de::Error::custom)
    }
}
