//! The status of each report as its submitter may see it (T-29): the last stage it reached and,
//! once known, the gate outcome, the queue and the disposition.

use rusqlite::{Connection, OptionalExtension, params};

use crate::{Journal, StoreError};

/// A status change; fields left `None` keep their stored value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusUpdate {
    /// `received`, `normalized`, `gated`, `routed`, `queued`, `disposed`, ...
    pub stage: String,
    pub outcome: Option<String>,
    pub queue: Option<String>,
    pub disposition: Option<String>,
    /// RFC 3339.
    pub at: String,
}

/// The stored status of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportStatus {
    pub stage: String,
    pub outcome: Option<String>,
    pub queue: Option<String>,
    pub disposition: Option<String>,
    /// When it last changed, RFC 3339.
    pub at: String,
}

impl Journal {
    /// Sets the status of `report_id` (creating it); `None` fields keep what was stored.
    pub fn set_report_status(
        &mut self,
        report_id: &str,
        update: &StatusUpdate,
    ) -> Result<(), StoreError> {
        set_report_status_in(&self.connection, report_id, update)
    }

    pub fn report_status(&self, report_id: &str) -> Result<Option<ReportStatus>, StoreError> {
        self.connection
            .prepare_cached(
                "SELECT stage, outcome, queue, disposition, at FROM report_status
                 WHERE report_id = ?1",
            )
            .and_then(|mut statement| {
                statement
                    .query_row([report_id], |row| {
                        Ok(ReportStatus {
                            stage: row.get(0)?,
                            outcome: row.get(1)?,
                            queue: row.get(2)?,
                            disposition: row.get(3)?,
                            at: row.get(4)?,
                        })
                    })
                    .optional()
            })
            .map_err(StoreError::sqlite("read a report status"))
    }
}

/// `set_report_status` inside a transaction the caller commits.
pub(crate) fn set_report_status_in(
    connection: &Connection,
    report_id: &str,
    update: &StatusUpdate,
) -> Result<(), StoreError> {
    connection
        .prepare_cached(
            "INSERT INTO report_status (report_id, stage, outcome, queue, disposition, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (report_id) DO UPDATE SET
                 stage = excluded.stage,
                 outcome = coalesce(excluded.outcome, outcome),
                 queue = coalesce(excluded.queue, queue),
                 disposition = coalesce(excluded.disposition, disposition),
                 at = excluded.at",
        )
        .and_then(|mut statement| {
            statement.execute(params![
                report_id,
                update.stage,
                update.outcome,
                update.queue,
                update.disposition,
                update.at,
            ])
        })
        .map_err(StoreError::sqlite("set a report status"))?;
    Ok(())
}

#[cfg(test)]
mod tests;
