//! Who is calling, and what their role lets them do: the need-to-know model shared by the intake,
//! search and queue APIs (domain spec §4.4 (e), (g); rules T-22, T-23, T-40).
//!
//! A `Caller` comes from a verified bearer token (officers, analysts, supervisors, privacy
//! officers, auditors) or from a partner API key. The permission checks live here, as data on
//! the role, so that every service answers the same question the same way.

use serde::{Deserialize, Serialize};

/// The jurisdiction value that grants every jurisdiction (statewide roles).
pub const ALL_JURISDICTIONS: &str = "*";

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Field officer: submits reports and reads their status.
    Officer,
    /// Private-sector partner (authenticated by API key, never by token): sends feed batches.
    Partner,
    /// Triage analyst: searches and works the Step-1 queues of their jurisdictions.
    Analyst,
    /// Supervisor: as an analyst, plus bulk actions and the imminent desk.
    Supervisor,
    /// Privacy officer: the privacy-review and blocked-activity queues.
    PrivacyOfficer,
    /// Auditor: reads the audit trail and searches the Summary view.
    Auditor,
}

vocabulary!(Role {
    Officer => "officer",
    Partner => "partner",
    Analyst => "analyst",
    Supervisor => "supervisor",
    PrivacyOfficer => "privacy_officer",
    Auditor => "auditor",
});

/// Something a caller may ask to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Submit an officer report.
    SubmitReport,
    /// Send a partner feed batch.
    SubmitFeed,
    /// Read the submitter feedback of a report.
    ReadStatus,
    /// Full-text search.
    Search,
    /// List and read queue items.
    ReadQueue,
    /// Claim, release, dispose of and annotate queue items.
    WorkQueue,
    /// Claim or dispose of many items at once.
    BulkWorkQueue,
    /// Read the audit trail.
    ReadAudit,
}

impl Role {
    /// Whether the role grants the permission.
    pub fn allows(self, permission: Permission) -> bool {
        use Permission as P;
        match self {
            Self::Officer => matches!(permission, P::SubmitReport | P::ReadStatus),
            Self::Partner => matches!(permission, P::SubmitFeed | P::ReadStatus),
            Self::Analyst => matches!(permission, P::Search | P::ReadQueue | P::WorkQueue),
            Self::Supervisor | Self::PrivacyOfficer => matches!(
                permission,
                P::Search | P::ReadQueue | P::WorkQueue | P::BulkWorkQueue
            ),
            Self::Auditor => matches!(permission, P::Search | P::ReadAudit | P::ReadQueue),
        }
    }

    /// Whether the role can ever hold the PII right (need-to-know and right-to-know on
    /// identifying fields). The token must also grant it: see [`Caller::sees_pii`].
    pub fn may_hold_pii_right(self) -> bool {
        matches!(
            self,
            Self::Analyst | Self::Supervisor | Self::PrivacyOfficer
        )
    }
}

/// A verified caller. Carries no name: `subject` is a user id or partner id, so it can be
/// written to the audit trail and to logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caller {
    /// User id (token `sub`) or partner id.
    pub subject: String,
    /// Role.
    pub role: Role,
    /// The caller's agency (ORI) or partner organisation id.
    pub agency: String,
    /// Jurisdictions the caller works; `*` means all.
    pub jurisdictions: Vec<String>,
    /// The token grants need-to-know on PII (honoured only for roles that may hold it).
    pub pii: bool,
}

impl Caller {
    /// Whether the caller's role grants the permission.
    pub fn may(&self, permission: Permission) -> bool {
        self.role.allows(permission)
    }

    /// Whether the caller sees the Detailed view (PII fields and the full narrative); otherwise
    /// only the Summary view (rule T-40).
    pub fn sees_pii(&self) -> bool {
        self.pii && self.role.may_hold_pii_right()
    }

    /// Whether the caller works this jurisdiction.
    pub fn covers_jurisdiction(&self, jurisdiction: &str) -> bool {
        self.jurisdictions
            .iter()
            .any(|own| own == ALL_JURISDICTIONS || own.eq_ignore_ascii_case(jurisdiction))
    }

    /// Every jurisdiction, or `None` when the caller covers all of them (for query filters).
    pub fn jurisdiction_filter(&self) -> Option<&[String]> {
        if self
            .jurisdictions
            .iter()
            .any(|own| own == ALL_JURISDICTIONS)
        {
            None
        } else {
            Some(&self.jurisdictions)
        }
    }
}

#[cfg(test)]
mod tests;
