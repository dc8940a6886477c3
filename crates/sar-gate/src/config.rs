//! `GateConfig`: the gate's settings, with documented defaults.

use serde::{Deserialize, Serialize};

/// The longest tips/leads retention the gate may set: five years (1,826 days, rule T-37; the
/// 28 CFR 23.20(h) maximum). `retain_until` is also never past five calendar years.
pub const MAX_TIPS_LEADS_TTL_DAYS: u32 = 1_826;

/// Settings of the automated FS / 28 CFR Part 23 gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GateConfig {
    /// Days a tips/leads item is kept after receipt unless vetted (default 365, T-37); at most
    /// `MAX_TIPS_LEADS_TTL_DAYS`, and at least 1.
    pub tips_leads_ttl_days: u32,
    /// The gate policy version written on every decision (default `gate-2026-01`).
    pub policy_version: String,
}

/// A gate configuration that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GateConfigError {
    /// The TTL is longer than five years.
    #[error("tips_leads_ttl_days is above the 5-year maximum (1826 days)")]
    TtlTooLong,
    /// The TTL is zero.
    #[error("tips_leads_ttl_days must be at least 1")]
    TtlZero,
    /// The policy version is blank.
    #[error("policy_version is empty")]
    EmptyPolicyVersion,
    /// A built-in lexicon failed to compile (a bug in the rule tables).
    #[error("failed to build the gate lexicons")]
    Lexicon,
}

impl Default for GateConfig {
    fn default() -> Self {
        Self {
            // BJA FAQ / domain spec T-37: tips and leads expire after one year unless vetted.
            tips_leads_ttl_days: 365,
            policy_version: "gate-2026-01".to_owned(),
        }
    }
}

impl GateConfig {
    /// Checks the settings.
    pub fn validate(&self) -> Result<(), GateConfigError> {
        if self.tips_leads_ttl_days > MAX_TIPS_LEADS_TTL_DAYS {
            return Err(GateConfigError::TtlTooLong);
        }
        if self.tips_leads_ttl_days == 0 {
            return Err(GateConfigError::TtlZero);
        }
        if self.policy_version.trim().is_empty() {
            return Err(GateConfigError::EmptyPolicyVersion);
        }
        Ok(())
    }
}
