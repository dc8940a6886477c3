//! `Reject`: the permanent failure of a stage on one record (a bad record, not a broken
//! dependency). A reject goes to the stage's dead-letter topic with its bounded code and every
//! field error; the stream goes on. Stages return `Result<Output, Reject>`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::records::FieldError;

/// Bounded reason codes, used as the DLQ `reason_code` and as a metrics label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    /// The line or message is not an intake record at all (not JSON, wrong shape, unknown field).
    Undecodable,
    /// One or more fields are invalid (see the field errors).
    InvalidField,
    /// A record of a later stage violates an invariant of its type (a stage bug upstream).
    InvariantViolated,
}

impl RejectCode {
    /// The code as written in DLQ records and metric labels.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Undecodable => "undecodable",
            Self::InvalidField => "invalid_field",
            Self::InvariantViolated => "invariant_violated",
        }
    }
}

/// Why a stage refused a record. The message and the field errors never repeat field values, so
/// a reject can be logged and counted without leaking PII.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reject {
    /// Bounded code.
    pub code: RejectCode,
    /// One-line summary.
    pub message: String,
    /// Every field-level problem, all at once.
    pub field_errors: Vec<FieldError>,
}

impl Reject {
    /// A reject for invalid fields; the message counts them.
    pub fn invalid_fields(field_errors: Vec<FieldError>) -> Self {
        let message = match field_errors.len() {
            1 => "1 invalid field".to_owned(),
            count => format!("{count} invalid fields"),
        };
        Self {
            code: RejectCode::InvalidField,
            message,
            field_errors,
        }
    }
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)?;
        for error in &self.field_errors {
            write!(f, "; {}: {}", error.path, error.problem)?;
        }
        Ok(())
    }
}

impl std::error::Error for Reject {}
