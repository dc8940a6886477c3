//! `QueueConfig`: review deadlines per queue, the claim lease, page and bulk limits. Built by the
//! caller (the CLI reads it from its config file, `[queue]`); this crate reads no file and no
//! environment. Durations are written as text (`15m`, `24h`, `30d`).

use std::time::Duration;

use sar_model::records::QueueName;
use sar_normalize::NearDuplicateThreshold;
use sar_store::MAX_BULK_IDS;
use serde::{Deserialize, Serialize};

use crate::QueueError;

/// Settings of the queue service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QueueConfig {
    /// How long after receipt each queue's review is due.
    pub sla: SlaConfig,
    /// How long a claim holds before anyone may claim the item again. Default 30m: long enough
    /// to read a report and decide, short enough that an abandoned claim does not stall a queue.
    #[serde(with = "sar_config::duration_text")]
    pub lease: Duration,
    /// Items per page when the request names no limit. Default 50.
    pub default_page: usize,
    /// Most items per page. Default 200.
    pub max_page: usize,
    /// Most ids in one bulk request. Default 10,000 (the store's limit for one transaction).
    pub max_bulk: usize,
    /// When two queued reports are linked as possible duplicates (T-27). Not read from the
    /// file: the defaults are the ones the T-27 analysis settled on.
    #[serde(skip)]
    pub near_duplicate: NearDuplicateThreshold,
}

impl Default for QueueConfig {
    fn default() -> Self {
        Self {
            sla: SlaConfig::default(),
            lease: Duration::from_secs(30 * 60),
            default_page: 50,
            max_page: 200,
            max_bulk: MAX_BULK_IDS,
            near_duplicate: NearDuplicateThreshold::default(),
        }
    }
}

impl QueueConfig {
    /// Checks the limits: pages and bulk requests of at least one item, bulk within the store's
    /// limit, a lease of at least a second.
    pub fn validate(&self) -> Result<(), QueueError> {
        if self.default_page == 0 || self.max_page == 0 || self.default_page > self.max_page {
            return Err(QueueError::Config(
                "pages: 1 <= default_page <= max_page required",
            ));
        }
        if self.max_bulk == 0 || self.max_bulk > MAX_BULK_IDS {
            return Err(QueueError::Config("max_bulk must be 1 to 10000"));
        }
        if self.lease < Duration::from_secs(1) {
            return Err(QueueError::Config("lease must be at least 1s"));
        }
        Ok(())
    }
}

/// Review deadline of each queue, counted from receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SlaConfig {
    /// Imminent threats to life: a live desk. Default 15m.
    #[serde(with = "sar_config::duration_text")]
    pub imminent: Duration,
    /// Step-1 review ahead of the rest. Default 24h.
    #[serde(with = "sar_config::duration_text")]
    pub priority: Duration,
    /// Step-1 review in order. Default 72h.
    #[serde(with = "sar_config::duration_text")]
    pub standard: Duration,
    /// Privacy officer review. Default 72h.
    #[serde(with = "sar_config::duration_text")]
    pub privacy_review: Duration,
    /// Blocked protected-activity reports, reviewed for the privacy audit. Default 30d.
    #[serde(with = "sar_config::duration_text")]
    pub blocked_audit: Duration,
    /// Not a SAR: handed to ordinary crime-tip handling. Default 7d.
    #[serde(with = "sar_config::duration_text")]
    pub not_sar: Duration,
}

impl Default for SlaConfig {
    fn default() -> Self {
        const HOUR: u64 = 3_600;
        Self {
            imminent: Duration::from_secs(15 * 60),
            priority: Duration::from_secs(24 * HOUR),
            standard: Duration::from_secs(72 * HOUR),
            privacy_review: Duration::from_secs(72 * HOUR),
            blocked_audit: Duration::from_secs(30 * 24 * HOUR),
            not_sar: Duration::from_secs(7 * 24 * HOUR),
        }
    }
}

impl SlaConfig {
    /// The deadline of `queue`.
    pub fn of(&self, queue: QueueName) -> Duration {
        match queue {
            QueueName::Imminent => self.imminent,
            QueueName::Priority => self.priority,
            QueueName::Standard => self.standard,
            QueueName::PrivacyReview => self.privacy_review,
            QueueName::BlockedAudit => self.blocked_audit,
            QueueName::NotSar => self.not_sar,
        }
    }
}

#[cfg(test)]
mod tests;
