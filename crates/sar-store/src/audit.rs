//! The audit log (T-23): who did what to which records, for what purpose. Append-only and
//! hash-chained like the ledger (`chain`), with a head row so a cut tail shows as a gap. Queue
//! actions write their event in the transaction of the action itself (`audit_in`).

use rusqlite::{Connection, TransactionBehavior, params};

use crate::{
    Journal, StoreError,
    chain::{self, ChainCheck, ChainVerification, Part, read_head, write_head},
    journal::{limit_param, to_i64, to_u64},
};

/// One audited action. Free text (`purpose`, `detail`) is the actor's; never put report
/// content in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// RFC 3339.
    pub at: String,
    /// The caller's subject.
    pub actor: String,
    /// The caller's role (wire name).
    pub role: String,
    /// What was done: `search`, `read_report`, `claim`, `dispose`, ...
    pub action: String,
    /// Why, as the caller stated it (required for PII access).
    pub purpose: Option<String>,
    /// The records touched.
    pub record_ids: Vec<String>,
    pub detail: Option<String>,
}

/// One stored audit event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub seq: u64,
    pub event: AuditEvent,
}

/// What `verify_audit` found.
pub type AuditVerification = ChainVerification;

impl Journal {
    /// Appends `event` in its own transaction; returns its seq.
    pub fn audit(&mut self, event: &AuditEvent) -> Result<u64, StoreError> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite("begin an audit"))?;
        let seq = audit_in(&transaction, event)?;
        transaction
            .commit()
            .map_err(StoreError::sqlite("commit an audit"))?;
        Ok(seq)
    }

    /// Up to `limit` events with seq > `after_seq`, by seq.
    pub fn audit_after(
        &self,
        after_seq: u64,
        limit: usize,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let mut statement = self
            .connection
            .prepare_cached(&format!(
                "SELECT {AUDIT_COLUMNS} FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2"
            ))
            .map_err(StoreError::sqlite("prepare an audit read"))?;
        let rows = statement
            .query_map(
                params![to_i64(after_seq)?, limit_param(limit)],
                AuditRow::read,
            )
            .map_err(StoreError::sqlite("read the audit log"))?;
        let mut records = Vec::new();
        for row in rows {
            records.push(
                row.map_err(StoreError::sqlite("read the audit log"))?
                    .into_record()?,
            );
        }
        Ok(records)
    }

    /// Walks the whole audit log: seqs 1.. without gaps, every hash and link intact, the head
    /// matching the last row.
    pub fn verify_audit(&self) -> Result<AuditVerification, StoreError> {
        let mut check = ChainCheck::default();
        let mut statement = self
            .connection
            .prepare(&format!(
                "SELECT {AUDIT_COLUMNS}, prev_hash, hash FROM audit ORDER BY seq"
            ))
            .map_err(StoreError::sqlite("prepare an audit walk"))?;
        let mut rows = statement
            .query([])
            .map_err(StoreError::sqlite("walk the audit log"))?;
        while let Some(row) = rows
            .next()
            .map_err(StoreError::sqlite("walk the audit log"))?
        {
            let audit_row =
                AuditRow::read(row).map_err(StoreError::sqlite("walk the audit log"))?;
            let prev_hash: String = row
                .get(AUDIT_N_COLUMNS)
                .map_err(StoreError::sqlite("walk the audit log"))?;
            let hash: String = row
                .get(AUDIT_N_COLUMNS + 1)
                .map_err(StoreError::sqlite("walk the audit log"))?;
            check.row(
                to_u64(audit_row.seq, "negative audit seq")?,
                &prev_hash,
                &hash,
                &audit_row.hash(&prev_hash),
            );
        }
        check.head(read_head(&self.connection, "audit_head")?);
        Ok(check.finish())
    }
}

const AUDIT_COLUMNS: &str = "seq, at, actor, role, action, purpose, record_ids, detail";
/// How many columns `AUDIT_COLUMNS` names.
const AUDIT_N_COLUMNS: usize = 8;

/// An audit row in its stored form (what the hash covers).
struct AuditRow {
    seq: i64,
    at: String,
    actor: String,
    role: String,
    action: String,
    purpose: Option<String>,
    record_ids: String,
    detail: Option<String>,
}

impl AuditRow {
    fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            seq: row.get(0)?,
            at: row.get(1)?,
            actor: row.get(2)?,
            role: row.get(3)?,
            action: row.get(4)?,
            purpose: row.get(5)?,
            record_ids: row.get(6)?,
            detail: row.get(7)?,
        })
    }

    fn hash(&self, prev_hash: &str) -> String {
        chain::link_hash(
            prev_hash,
            &[
                Part::Int(self.seq),
                Part::Text(&self.at),
                Part::Text(&self.actor),
                Part::Text(&self.role),
                Part::Text(&self.action),
                Part::OptText(self.purpose.as_deref()),
                Part::Text(&self.record_ids),
                Part::OptText(self.detail.as_deref()),
            ],
        )
    }

    fn into_record(self) -> Result<AuditRecord, StoreError> {
        let record_ids: Vec<String> =
            serde_json::from_str(&self.record_ids).map_err(|_| StoreError::Corrupt {
                what: "audit record ids",
            })?;
        Ok(AuditRecord {
            seq: to_u64(self.seq, "negative audit seq")?,
            event: AuditEvent {
                at: self.at,
                actor: self.actor,
                role: self.role,
                action: self.action,
                purpose: self.purpose,
                record_ids,
                detail: self.detail,
            },
        })
    }
}

/// `audit` inside a transaction the caller commits (it must be IMMEDIATE, or another writer
/// could take the same seq between the head read and the insert: the insert would then fail).
pub(crate) fn audit_in(connection: &Connection, event: &AuditEvent) -> Result<u64, StoreError> {
    let (last_seq, last_hash) = match read_head(connection, "audit_head")? {
        Some(head) => head,
        None => (0, chain::GENESIS.to_owned()),
    };
    let seq = last_seq + 1;
    let row = AuditRow {
        seq: to_i64(seq)?,
        at: event.at.clone(),
        actor: event.actor.clone(),
        role: event.role.clone(),
        action: event.action.clone(),
        purpose: event.purpose.clone(),
        record_ids: serde_json::to_string(&event.record_ids).map_err(|_| StoreError::Invalid {
            what: "audit record ids",
            reason: "not serializable",
        })?,
        detail: event.detail.clone(),
    };
    let hash = row.hash(&last_hash);
    connection
        .prepare_cached(
            "INSERT INTO audit (seq, at, actor, role, action, purpose, record_ids, detail,
                 prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )
        .and_then(|mut statement| {
            statement.execute(params![
                row.seq,
                row.at,
                row.actor,
                row.role,
                row.action,
                row.purpose,
                row.record_ids,
                row.detail,
                last_hash,
                hash,
            ])
        })
        .map_err(StoreError::sqlite("append to the audit log"))?;
    write_head(connection, "audit_head", seq, &hash)?;
    Ok(seq)
}

#[cfg(test)]
mod tests;
