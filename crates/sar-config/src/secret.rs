//! `Secret<T>`: a config value that never shows itself in `Debug`, `Display`, serialized output
//! or deserialization errors. Read it with `expose()` where it is used, nowhere else.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Start of the error message a `Secret` reports instead of its inner error, which may quote the
/// value.
pub(crate) const REDACTED_ERROR: &str = "invalid secret value";

/// What `Debug`, `Display` and `Serialize` print in place of the value.
const MASK: &str = "***";

/// A value that prints as `***`. Deserializes exactly like `T` (transparent); serializes as `***`
/// so an effective-config dump cannot leak it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The value itself; call it only where the value is used (a connection string, a header).
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(MASK)
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(MASK)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Secret<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self).map_err(|_inner| {
            // The inner error may quote the value ("invalid type: string \"hunter2\"").
            serde::de::Error::custom(format_args!("{REDACTED_ERROR} (redacted)"))
        })
    }
}

impl<T> Serialize for Secret<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(MASK)
    }
}
