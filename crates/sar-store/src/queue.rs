//! Analyst queue state: one item per queued report (idempotent by report id), claims with
//! leases (an expired lease is as good as open), dispositions with their rationale, notes, and
//! possible-duplicate links (T-27: linked, never merged). Every action runs in one transaction
//! that also writes its audit event (T-23) and, for dispositions, the report status (T-29).
//!
//! What an actor may touch is a `QueueScope` (jurisdictions and queues): items outside it are
//! answered as `NotFound`, so their existence is not disclosed.

use rusqlite::{
    Connection, OptionalExtension, TransactionBehavior, params, params_from_iter, types::Value,
};
use sar_model::records::{Priority, QueueName};
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

use crate::{
    Journal, StoreError,
    audit::{AuditEvent, audit_in},
    journal::{limit_param, to_i64, to_u64},
    status::{StatusUpdate, set_report_status_in},
};

/// Most ids one bulk call takes.
pub const MAX_BULK_IDS: usize = 10_000;
/// Most near-duplicate candidates returned for one report.
const MAX_CANDIDATES: usize = 1_000;

/// A queue item's state. A claim whose lease has run out reads as `Open`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueueState {
    Open,
    Claimed,
    Disposed,
}

impl QueueState {
    pub const ALL: &'static [Self] = &[Self::Open, Self::Claimed, Self::Disposed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Claimed => "claimed",
            Self::Disposed => "disposed",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|state| state.as_str() == name)
    }
}

/// How an analyst closes a Step-1 review. `AdvanceToStep2` is a human decision (T-31): nothing
/// else moves a report toward ISE-SAR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Disposition {
    Unfounded,
    NotSarCriminalTip,
    NeedsInfo,
    AdvanceToStep2,
}

impl Disposition {
    pub const ALL: &'static [Self] = &[
        Self::Unfounded,
        Self::NotSarCriminalTip,
        Self::NeedsInfo,
        Self::AdvanceToStep2,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unfounded => "unfounded",
            Self::NotSarCriminalTip => "not_sar_criminal_tip",
            Self::NeedsInfo => "needs_info",
            Self::AdvanceToStep2 => "advance_to_step2",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|one| one.as_str() == name)
    }
}

/// A report to queue.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueItemInput {
    pub report_id: String,
    pub queue: QueueName,
    pub priority: Priority,
    pub score: f64,
    pub jurisdiction: String,
    pub agency: String,
    /// Wire name of the gate outcome.
    pub gate_outcome: String,
    /// RFC 3339.
    pub received_at: String,
    /// RFC 3339.
    pub routed_at: String,
    /// RFC 3339: when the review is due.
    pub sla_due_at: String,
    pub behavior_codes: Vec<String>,
    /// Observed start in Unix hours (`DedupKeys::time_bucket`).
    pub time_bucket: i64,
    /// JSON of the routed record.
    pub payload: Vec<u8>,
}

/// What `ingest_queue_items` did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IngestOutcome {
    /// Items queued.
    pub inserted: u64,
    /// Items already queued (nothing changed).
    pub duplicates: u64,
}

/// What an actor may see and touch; `None` = everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueScope {
    /// Compared ASCII case-insensitively.
    pub jurisdictions: Option<Vec<String>>,
    pub queues: Option<Vec<QueueName>>,
}

impl QueueScope {
    /// Every jurisdiction and queue.
    pub fn all() -> Self {
        Self::default()
    }
}

/// Who acts, for the claim and the audit log, and what they may touch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueActor {
    pub subject: String,
    /// Role wire name.
    pub role: String,
    pub scope: QueueScope,
}

/// Order of a queue listing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum QueueSort {
    /// Priority, then oldest received first.
    #[default]
    ByPriorityAge,
    /// Highest score first, then oldest.
    ByScore,
    /// Oldest received first.
    ByAge,
}

/// A queue listing request.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueFilter {
    pub scope: QueueScope,
    pub queue: Option<QueueName>,
    /// Empty = every state.
    pub states: Vec<QueueState>,
    pub min_score: Option<f64>,
    pub max_score: Option<f64>,
    pub behavior_code: Option<String>,
    pub sort: QueueSort,
    pub limit: usize,
    pub offset: usize,
}

impl Default for QueueFilter {
    fn default() -> Self {
        Self {
            scope: QueueScope::all(),
            queue: None,
            states: Vec::new(),
            min_score: None,
            max_score: None,
            behavior_code: None,
            sort: QueueSort::default(),
            limit: 50,
            offset: 0,
        }
    }
}

/// One queue item as read at some `now`.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueItem {
    pub report_id: String,
    pub queue: QueueName,
    pub priority: Priority,
    pub score: f64,
    pub jurisdiction: String,
    pub agency: String,
    pub gate_outcome: String,
    pub received_at: String,
    pub routed_at: String,
    pub sla_due_at: String,
    /// Not disposed and past `sla_due_at`.
    pub overdue: bool,
    pub state: QueueState,
    /// Holder of a live claim.
    pub claimed_by: Option<String>,
    /// RFC 3339, for a live claim.
    pub lease_until: Option<String>,
    pub disposition: Option<Disposition>,
    pub rationale: Option<String>,
    pub disposed_by: Option<String>,
    pub disposed_at: Option<String>,
    pub behavior_codes: Vec<String>,
    /// Possible duplicates (T-27) within the reader's scope.
    pub links: Vec<String>,
    pub n_notes: u64,
    /// JSON of the routed record.
    pub payload: Vec<u8>,
}

/// Per-queue counts at some `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueCount {
    pub queue: QueueName,
    pub open: u64,
    pub claimed: u64,
    /// Open or claimed, past their SLA.
    pub overdue: u64,
}

/// What `claim` did with one id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimResult {
    Claimed,
    /// The actor already held it; the lease was extended.
    Renewed,
    /// Someone else holds a live claim.
    HeldBy {
        subject: String,
    },
    AlreadyDisposed,
    NotFound,
}

/// What `release` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseResult {
    Released,
    /// The actor holds no live claim on it.
    NotHolder,
    NotFound,
}

/// What `dispose` did with one id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisposeResult {
    Disposed,
    /// The actor holds no live claim on it.
    NotHolder,
    AlreadyDisposed,
    NotFound,
}

/// One note on an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueNote {
    pub id: u64,
    pub author: String,
    pub at: String,
    pub text: String,
}

impl Journal {
    /// Queues `items` (a report id already queued is a duplicate and changes nothing), links
    /// `links` both ways, sets the status of each new item to `queued`, and moves `checkpoint`
    /// (`(consumer, seq)`, as `deliver` does), in ONE transaction.
    pub fn ingest_queue_items(
        &mut self,
        items: &[QueueItemInput],
        links: &[(String, String)],
        checkpoint: Option<(&str, u64)>,
    ) -> Result<IngestOutcome, StoreError> {
        let prepared = items
            .iter()
            .map(|item| {
                Ok((
                    unix_of(&item.received_at, "received_at")?,
                    unix_of(&item.sla_due_at, "sla_due_at")?,
                    serde_json::to_string(&item.behavior_codes).map_err(|_| {
                        StoreError::Invalid {
                            what: "behavior codes",
                            reason: "not serializable",
                        }
                    })?,
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite("begin a queue ingest"))?;
        let mut outcome = IngestOutcome::default();
        {
            let mut insert = transaction
                .prepare_cached(
                    "INSERT INTO queue_items (report_id, queue, priority, score, jurisdiction,
                         jurisdiction_key, agency, gate_outcome, received_at, received_unix,
                         routed_at, sla_due_at, sla_due_unix, behavior_codes, time_bucket, state,
                         payload)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                         'open', ?16)
                     ON CONFLICT (report_id) DO NOTHING",
                )
                .map_err(StoreError::sqlite("prepare a queue insert"))?;
            let mut insert_code = transaction
                .prepare_cached(
                    "INSERT INTO queue_item_codes (behavior_code, time_bucket, report_id)
                     VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                )
                .map_err(StoreError::sqlite("prepare a queue code insert"))?;
            for (item, (received_unix, sla_due_unix, codes_json)) in items.iter().zip(&prepared) {
                let n_inserted = insert
                    .execute(params![
                        item.report_id,
                        item.queue.as_str(),
                        priority_rank(item.priority),
                        item.score,
                        item.jurisdiction,
                        item.jurisdiction.to_ascii_lowercase(),
                        item.agency,
                        item.gate_outcome,
                        item.received_at,
                        received_unix,
                        item.routed_at,
                        item.sla_due_at,
                        sla_due_unix,
                        codes_json,
                        item.time_bucket,
                        item.payload,
                    ])
                    .map_err(StoreError::sqlite("insert a queue item"))?;
                if n_inserted == 0 {
                    outcome.duplicates += 1;
                    continue;
                }
                outcome.inserted += 1;
                for code in &item.behavior_codes {
                    insert_code
                        .execute(params![code, item.time_bucket, item.report_id])
                        .map_err(StoreError::sqlite("insert a queue code"))?;
                }
                set_report_status_in(
                    &transaction,
                    &item.report_id,
                    &StatusUpdate {
                        stage: "queued".to_owned(),
                        outcome: Some(item.gate_outcome.clone()),
                        queue: Some(item.queue.as_str().to_owned()),
                        disposition: None,
                        at: item.routed_at.clone(),
                    },
                )?;
            }
            let mut insert_link = transaction
                .prepare_cached(
                    "INSERT INTO queue_links (report_id, other_id) VALUES (?1, ?2)
                     ON CONFLICT DO NOTHING",
                )
                .map_err(StoreError::sqlite("prepare a link insert"))?;
            for (one, other) in links {
                if one == other {
                    continue;
                }
                for (from, to) in [(one, other), (other, one)] {
                    insert_link
                        .execute(params![from, to])
                        .map_err(StoreError::sqlite("link possible duplicates"))?;
                }
            }
            if let Some((consumer, through_seq)) = checkpoint {
                let through_seq = to_i64(through_seq)?;
                transaction
                    .prepare_cached(
                        "INSERT INTO checkpoints (consumer, seq) VALUES (?1, ?2)
                         ON CONFLICT (consumer) DO UPDATE SET seq = max(seq, excluded.seq)",
                    )
                    .and_then(|mut statement| statement.execute(params![consumer, through_seq]))
                    .map_err(StoreError::sqlite("move a checkpoint"))?;
            }
        }
        transaction
            .commit()
            .map_err(StoreError::sqlite("commit a queue ingest"))?;
        Ok(outcome)
    }

    /// Queued reports sharing one of `behavior_codes` whose time bucket is within `hours` of
    /// `time_bucket`: `(report_id, payload)`, at most `MAX_CANDIDATES`, nearest hours first.
    pub fn near_duplicate_candidates(
        &self,
        behavior_codes: &[String],
        time_bucket: i64,
        hours: i64,
    ) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        if behavior_codes.is_empty() {
            return Ok(Vec::new());
        }
        let hours = hours.max(0);
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT q.report_id, q.payload FROM queue_items q
                 WHERE q.report_id IN (
                     SELECT c.report_id FROM queue_item_codes c
                     WHERE c.behavior_code IN (SELECT value FROM json_each(?1))
                       AND c.time_bucket BETWEEN ?2 AND ?3)
                 ORDER BY abs(q.time_bucket - ?4), q.report_id
                 LIMIT ?5",
            )
            .map_err(StoreError::sqlite("prepare a candidate lookup"))?;
        let rows = statement
            .query_map(
                params![
                    json_list(behavior_codes)?,
                    time_bucket.saturating_sub(hours),
                    time_bucket.saturating_add(hours),
                    time_bucket,
                    limit_param(MAX_CANDIDATES),
                ],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(StoreError::sqlite("look up near-duplicate candidates"))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(StoreError::sqlite("look up near-duplicate candidates"))
    }

    /// A page of items matching `filter`, as they stand at `now`.
    pub fn list_queue(
        &self,
        filter: &QueueFilter,
        now: OffsetDateTime,
    ) -> Result<Vec<QueueItem>, StoreError> {
        let now_unix = now.unix_timestamp();
        let mut sql = format!("SELECT {ITEM_COLUMNS} FROM queue_items q WHERE 1 = 1");
        let mut values = vec![Value::Integer(now_unix)];
        push_filter(&mut sql, &mut values, filter)?;
        sql.push_str(match filter.sort {
            QueueSort::ByPriorityAge => " ORDER BY q.priority, q.received_unix, q.report_id",
            QueueSort::ByScore => " ORDER BY q.score DESC, q.received_unix, q.report_id",
            QueueSort::ByAge => " ORDER BY q.received_unix, q.report_id",
        });
        sql.push_str(" LIMIT ? OFFSET ?");
        values.push(Value::Integer(limit_param(filter.limit)));
        values.push(Value::Integer(limit_param(filter.offset)));
        let mut statement = self
            .connection
            .prepare(&sql)
            .map_err(StoreError::sqlite("prepare a queue listing"))?;
        let rows = statement
            .query_map(params_from_iter(values), ItemRow::read)
            .map_err(StoreError::sqlite("list a queue"))?;
        let mut items = Vec::new();
        for row in rows {
            let row = row.map_err(StoreError::sqlite("list a queue"))?;
            items.push(row.into_item(&self.connection, &filter.scope, now_unix)?);
        }
        Ok(items)
    }

    /// How many items match `filter` (its limit and offset aside).
    pub fn count_queue(
        &self,
        filter: &QueueFilter,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let mut sql = "SELECT count(*) FROM queue_items q WHERE ?1 = ?1".to_owned();
        let mut values = vec![Value::Integer(now.unix_timestamp())];
        push_filter(&mut sql, &mut values, filter)?;
        let count: i64 = self
            .connection
            .query_row(&sql, params_from_iter(values), |row| row.get(0))
            .map_err(StoreError::sqlite("count a queue"))?;
        to_u64(count, "negative count")
    }

    /// One item within `scope`, as it stands at `now`.
    pub fn queue_item(
        &self,
        report_id: &str,
        scope: &QueueScope,
        now: OffsetDateTime,
    ) -> Result<Option<QueueItem>, StoreError> {
        let now_unix = now.unix_timestamp();
        let mut sql = format!("SELECT {ITEM_COLUMNS} FROM queue_items q WHERE q.report_id = ?");
        let mut values = vec![Value::Integer(now_unix), Value::Text(report_id.to_owned())];
        push_scope(&mut sql, &mut values, scope)?;
        let row = self
            .connection
            .prepare(&sql)
            .and_then(|mut statement| {
                statement
                    .query_row(params_from_iter(values), ItemRow::read)
                    .optional()
            })
            .map_err(StoreError::sqlite("read a queue item"))?;
        row.map(|row| row.into_item(&self.connection, scope, now_unix))
            .transpose()
    }

    /// Open and claimed items per queue within `scope` (every queue of the scope, zeros too).
    pub fn queue_counts(
        &self,
        scope: &QueueScope,
        now: OffsetDateTime,
    ) -> Result<Vec<QueueCount>, StoreError> {
        let mut sql = format!(
            "SELECT q.queue,
                 sum(CASE WHEN {STATE} = 'open' THEN 1 ELSE 0 END),
                 sum(CASE WHEN {STATE} = 'claimed' THEN 1 ELSE 0 END),
                 sum(CASE WHEN q.state != 'disposed' AND q.sla_due_unix < ?1 THEN 1 ELSE 0 END)
             FROM queue_items q WHERE q.state != 'disposed'"
        );
        let mut values = vec![Value::Integer(now.unix_timestamp())];
        push_scope(&mut sql, &mut values, scope)?;
        sql.push_str(" GROUP BY q.queue");
        let mut statement = self
            .connection
            .prepare(&sql)
            .map_err(StoreError::sqlite("prepare the queue counts"))?;
        let rows = statement
            .query_map(params_from_iter(values), |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, i64>(2)?,
                    row.get::<_, i64>(3)?,
                ))
            })
            .map_err(StoreError::sqlite("count the queues"))?;
        let mut counts: Vec<QueueCount> = QueueName::ALL
            .iter()
            .filter(|queue| {
                scope
                    .queues
                    .as_ref()
                    .is_none_or(|queues| queues.contains(queue))
            })
            .map(|queue| QueueCount {
                queue: *queue,
                open: 0,
                claimed: 0,
                overdue: 0,
            })
            .collect();
        for row in rows {
            let (queue, open, claimed, overdue) =
                row.map_err(StoreError::sqlite("count the queues"))?;
            let queue =
                QueueName::parse(&queue).ok_or(StoreError::Corrupt { what: "queue name" })?;
            if let Some(count) = counts.iter_mut().find(|count| count.queue == queue) {
                count.open = to_u64(open, "negative count")?;
                count.claimed = to_u64(claimed, "negative count")?;
                count.overdue = to_u64(overdue, "negative count")?;
            }
        }
        Ok(counts)
    }

    /// Claims `ids` (at most `MAX_BULK_IDS`) for `actor` until `lease_until`, in one
    /// transaction with its audit event. An expired lease is claimable by anyone.
    pub fn claim(
        &mut self,
        ids: &[String],
        actor: &QueueActor,
        lease_until: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Vec<(String, ClaimResult)>, StoreError> {
        check_bulk(ids)?;
        let now_unix = now.unix_timestamp();
        let lease_unix = lease_until.unix_timestamp();
        if lease_unix <= now_unix {
            return Err(StoreError::Invalid {
                what: "lease",
                reason: "ends before now",
            });
        }
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite("begin a claim"))?;
        let mut results = Vec::with_capacity(ids.len());
        let mut claimed_ids = Vec::new();
        {
            let mut update = transaction
                .prepare_cached(
                    "UPDATE queue_items SET state = 'claimed', claimed_by = ?2,
                         lease_until_unix = ?3
                     WHERE report_id = ?1",
                )
                .map_err(StoreError::sqlite("prepare a claim"))?;
            for id in ids {
                let result = match holding(&transaction, id, &actor.scope, now_unix)? {
                    None => ClaimResult::NotFound,
                    Some(Holding::Disposed) => ClaimResult::AlreadyDisposed,
                    Some(Holding::Live { holder }) if holder != actor.subject => {
                        ClaimResult::HeldBy { subject: holder }
                    }
                    Some(held) => {
                        update
                            .execute(params![id, actor.subject, lease_unix])
                            .map_err(StoreError::sqlite("claim an item"))?;
                        claimed_ids.push(id.clone());
                        if matches!(held, Holding::Live { .. }) {
                            ClaimResult::Renewed
                        } else {
                            ClaimResult::Claimed
                        }
                    }
                };
                results.push((id.clone(), result));
            }
        }
        if !claimed_ids.is_empty() {
            audit_in(
                &transaction,
                &event(
                    actor,
                    "claim",
                    now,
                    claimed_ids,
                    Some(format!("lease_until={}", rfc3339(lease_until)?)),
                )?,
            )?;
        }
        transaction
            .commit()
            .map_err(StoreError::sqlite("commit a claim"))?;
        Ok(results)
    }

    /// Gives back `actor`'s live claim on `id`.
    pub fn release(
        &mut self,
        id: &str,
        actor: &QueueActor,
        now: OffsetDateTime,
    ) -> Result<ReleaseResult, StoreError> {
        let now_unix = now.unix_timestamp();
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite("begin a release"))?;
        let result = match holding(&transaction, id, &actor.scope, now_unix)? {
            None => ReleaseResult::NotFound,
            Some(Holding::Live { holder }) if holder == actor.subject => {
                transaction
                    .execute(
                        "UPDATE queue_items SET state = 'open', claimed_by = NULL,
                             lease_until_unix = NULL
                         WHERE report_id = ?1",
                        [id],
                    )
                    .map_err(StoreError::sqlite("release an item"))?;
                audit_in(
                    &transaction,
                    &event(actor, "release", now, vec![id.to_owned()], None)?,
                )?;
                ReleaseResult::Released
            }
            Some(_) => ReleaseResult::NotHolder,
        };
        transaction
            .commit()
            .map_err(StoreError::sqlite("commit a release"))?;
        Ok(result)
    }

    /// Disposes of `ids` (at most `MAX_BULK_IDS`) that `actor` holds a live claim on, with
    /// `rationale` (required), in one transaction with the report statuses and the audit event.
    pub fn dispose(
        &mut self,
        ids: &[String],
        actor: &QueueActor,
        disposition: Disposition,
        rationale: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<(String, DisposeResult)>, StoreError> {
        check_bulk(ids)?;
        if rationale.trim().is_empty() {
            return Err(StoreError::Invalid {
                what: "disposition",
                reason: "a rationale is required",
            });
        }
        let now_unix = now.unix_timestamp();
        let at = rfc3339(now)?;
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite("begin a disposition"))?;
        let mut results = Vec::with_capacity(ids.len());
        let mut disposed_ids = Vec::new();
        {
            let mut update = transaction
                .prepare_cached(
                    "UPDATE queue_items SET state = 'disposed', claimed_by = NULL,
                         lease_until_unix = NULL, disposition = ?2, rationale = ?3,
                         disposed_by = ?4, disposed_at = ?5
                     WHERE report_id = ?1",
                )
                .map_err(StoreError::sqlite("prepare a disposition"))?;
            for id in ids {
                let result = match holding(&transaction, id, &actor.scope, now_unix)? {
                    None => DisposeResult::NotFound,
                    Some(Holding::Disposed) => DisposeResult::AlreadyDisposed,
                    Some(Holding::Live { holder }) if holder == actor.subject => {
                        update
                            .execute(params![
                                id,
                                disposition.as_str(),
                                rationale,
                                actor.subject,
                                at
                            ])
                            .map_err(StoreError::sqlite("dispose of an item"))?;
                        set_report_status_in(
                            &transaction,
                            id,
                            &StatusUpdate {
                                stage: "disposed".to_owned(),
                                outcome: None,
                                queue: None,
                                disposition: Some(disposition.as_str().to_owned()),
                                at: at.clone(),
                            },
                        )?;
                        disposed_ids.push(id.clone());
                        DisposeResult::Disposed
                    }
                    Some(_) => DisposeResult::NotHolder,
                };
                results.push((id.clone(), result));
            }
        }
        if !disposed_ids.is_empty() {
            let detail = match disposition {
                Disposition::AdvanceToStep2 => {
                    "advance_to_step2: human step-1 decision (T-31)".to_owned()
                }
                other => other.as_str().to_owned(),
            };
            audit_in(
                &transaction,
                &event(actor, "dispose", now, disposed_ids, Some(detail))?,
            )?;
        }
        transaction
            .commit()
            .map_err(StoreError::sqlite("commit a disposition"))?;
        Ok(results)
    }

    /// Adds a note to `id` (within `actor`'s scope); `None` if there is no such item.
    pub fn add_note(
        &mut self,
        id: &str,
        actor: &QueueActor,
        text: &str,
        now: OffsetDateTime,
    ) -> Result<Option<u64>, StoreError> {
        if text.trim().is_empty() {
            return Err(StoreError::Invalid {
                what: "note",
                reason: "empty",
            });
        }
        let at = rfc3339(now)?;
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite("begin a note"))?;
        if holding(&transaction, id, &actor.scope, now.unix_timestamp())?.is_none() {
            return Ok(None);
        }
        transaction
            .execute(
                "INSERT INTO queue_notes (report_id, author, at, text) VALUES (?1, ?2, ?3, ?4)",
                params![id, actor.subject, at, text],
            )
            .map_err(StoreError::sqlite("add a note"))?;
        let note_id = transaction.last_insert_rowid();
        audit_in(
            &transaction,
            &event(actor, "add_note", now, vec![id.to_owned()], None)?,
        )?;
        transaction
            .commit()
            .map_err(StoreError::sqlite("commit a note"))?;
        Ok(Some(to_u64(note_id, "negative note id")?))
    }

    /// The notes on `id`, oldest first; `None` if there is no such item within `scope`.
    pub fn notes(
        &self,
        id: &str,
        scope: &QueueScope,
    ) -> Result<Option<Vec<QueueNote>>, StoreError> {
        if holding(&self.connection, id, scope, 0)?.is_none() {
            return Ok(None);
        }
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT id, author, at, text FROM queue_notes WHERE report_id = ?1 ORDER BY id",
            )
            .map_err(StoreError::sqlite("prepare a notes read"))?;
        let rows = statement
            .query_map([id], |row| {
                Ok((row.get::<_, i64>(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })
            .map_err(StoreError::sqlite("read notes"))?;
        let mut notes = Vec::new();
        for row in rows {
            let (note_id, author, at, text) = row.map_err(StoreError::sqlite("read notes"))?;
            notes.push(QueueNote {
                id: to_u64(note_id, "negative note id")?,
                author,
                at,
                text,
            });
        }
        Ok(Some(notes))
    }
}

/// The state of an item as seen at `now`, where a lapsed lease reads as open; the first
/// parameter of every item query is `now` in Unix seconds.
const STATE: &str =
    "(CASE WHEN q.state = 'claimed' AND q.lease_until_unix <= ?1 THEN 'open' ELSE q.state END)";

const ITEM_COLUMNS: &str = "q.report_id, q.queue, q.priority, q.score, q.jurisdiction, q.agency,
     q.gate_outcome, q.received_at, q.routed_at, q.sla_due_at, q.sla_due_unix,
     (CASE WHEN q.state = 'claimed' AND q.lease_until_unix <= ?1 THEN 'open' ELSE q.state END),
     q.claimed_by, q.lease_until_unix, q.disposition, q.rationale, q.disposed_by, q.disposed_at,
     q.behavior_codes, (SELECT count(*) FROM queue_notes n WHERE n.report_id = q.report_id),
     q.payload";

/// One `ITEM_COLUMNS` row.
struct ItemRow {
    report_id: String,
    queue: String,
    priority: i64,
    score: f64,
    jurisdiction: String,
    agency: String,
    gate_outcome: String,
    received_at: String,
    routed_at: String,
    sla_due_at: String,
    sla_due_unix: i64,
    state: String,
    claimed_by: Option<String>,
    lease_until_unix: Option<i64>,
    disposition: Option<String>,
    rationale: Option<String>,
    disposed_by: Option<String>,
    disposed_at: Option<String>,
    behavior_codes: String,
    n_notes: i64,
    payload: Vec<u8>,
}

impl ItemRow {
    fn read(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            report_id: row.get(0)?,
            queue: row.get(1)?,
            priority: row.get(2)?,
            score: row.get(3)?,
            jurisdiction: row.get(4)?,
            agency: row.get(5)?,
            gate_outcome: row.get(6)?,
            received_at: row.get(7)?,
            routed_at: row.get(8)?,
            sla_due_at: row.get(9)?,
            sla_due_unix: row.get(10)?,
            state: row.get(11)?,
            claimed_by: row.get(12)?,
            lease_until_unix: row.get(13)?,
            disposition: row.get(14)?,
            rationale: row.get(15)?,
            disposed_by: row.get(16)?,
            disposed_at: row.get(17)?,
            behavior_codes: row.get(18)?,
            n_notes: row.get(19)?,
            payload: row.get(20)?,
        })
    }

    fn into_item(
        self,
        connection: &Connection,
        scope: &QueueScope,
        now_unix: i64,
    ) -> Result<QueueItem, StoreError> {
        let state = QueueState::parse(&self.state).ok_or(StoreError::Corrupt {
            what: "queue state",
        })?;
        let live_claim = state == QueueState::Claimed;
        let lease_until = match (live_claim, self.lease_until_unix) {
            (true, Some(lease_unix)) => Some(rfc3339(
                OffsetDateTime::from_unix_timestamp(lease_unix)
                    .map_err(|_| StoreError::Corrupt { what: "lease" })?,
            )?),
            _ => None,
        };
        let disposition = self
            .disposition
            .as_deref()
            .map(|name| {
                Disposition::parse(name).ok_or(StoreError::Corrupt {
                    what: "disposition",
                })
            })
            .transpose()?;
        let behavior_codes: Vec<String> =
            serde_json::from_str(&self.behavior_codes).map_err(|_| StoreError::Corrupt {
                what: "queue behavior codes",
            })?;
        Ok(QueueItem {
            links: links_of(connection, &self.report_id, scope)?,
            queue: QueueName::parse(&self.queue)
                .ok_or(StoreError::Corrupt { what: "queue name" })?,
            priority: usize::try_from(self.priority)
                .ok()
                .and_then(|rank| Priority::ALL.get(rank).copied())
                .ok_or(StoreError::Corrupt { what: "priority" })?,
            report_id: self.report_id,
            score: self.score,
            jurisdiction: self.jurisdiction,
            agency: self.agency,
            gate_outcome: self.gate_outcome,
            received_at: self.received_at,
            routed_at: self.routed_at,
            sla_due_at: self.sla_due_at,
            overdue: state != QueueState::Disposed && self.sla_due_unix < now_unix,
            state,
            claimed_by: if live_claim { self.claimed_by } else { None },
            lease_until,
            disposition,
            rationale: self.rationale,
            disposed_by: self.disposed_by,
            disposed_at: self.disposed_at,
            behavior_codes,
            n_notes: to_u64(self.n_notes, "negative count")?,
            payload: self.payload,
        })
    }
}

/// Possible duplicates of `report_id` that are queued within `scope`.
fn links_of(
    connection: &Connection,
    report_id: &str,
    scope: &QueueScope,
) -> Result<Vec<String>, StoreError> {
    let mut sql =
        "SELECT q.report_id FROM queue_links l JOIN queue_items q ON q.report_id = l.other_id
         WHERE ?1 = ?1 AND l.report_id = ?"
            .to_owned();
    let mut values = vec![Value::Integer(0), Value::Text(report_id.to_owned())];
    push_scope(&mut sql, &mut values, scope)?;
    sql.push_str(" ORDER BY q.report_id");
    let mut statement = connection
        .prepare(&sql)
        .map_err(StoreError::sqlite("prepare a links read"))?;
    let rows = statement
        .query_map(params_from_iter(values), |row| row.get(0))
        .map_err(StoreError::sqlite("read links"))?;
    rows.collect::<Result<Vec<String>, _>>()
        .map_err(StoreError::sqlite("read links"))
}

/// Appends the scope conditions (positional `?` parameters after `?1`).
fn push_scope(
    sql: &mut String,
    values: &mut Vec<Value>,
    scope: &QueueScope,
) -> Result<(), StoreError> {
    if let Some(jurisdictions) = &scope.jurisdictions {
        let keys: Vec<String> = jurisdictions
            .iter()
            .map(|jurisdiction| jurisdiction.to_ascii_lowercase())
            .collect();
        sql.push_str(" AND q.jurisdiction_key IN (SELECT value FROM json_each(?))");
        values.push(Value::Text(json_list(&keys)?));
    }
    if let Some(queues) = &scope.queues {
        let names: Vec<&str> = queues.iter().map(|queue| queue.as_str()).collect();
        sql.push_str(" AND q.queue IN (SELECT value FROM json_each(?))");
        values.push(Value::Text(json_list(&names)?));
    }
    Ok(())
}

fn push_filter(
    sql: &mut String,
    values: &mut Vec<Value>,
    filter: &QueueFilter,
) -> Result<(), StoreError> {
    push_scope(sql, values, &filter.scope)?;
    if let Some(queue) = filter.queue {
        sql.push_str(" AND q.queue = ?");
        values.push(Value::Text(queue.as_str().to_owned()));
    }
    if !filter.states.is_empty() {
        let names: Vec<&str> = filter.states.iter().map(|state| state.as_str()).collect();
        sql.push_str(&format!(" AND {STATE} IN (SELECT value FROM json_each(?))"));
        values.push(Value::Text(json_list(&names)?));
    }
    if let Some(min_score) = filter.min_score {
        sql.push_str(" AND q.score >= ?");
        values.push(Value::Real(min_score));
    }
    if let Some(max_score) = filter.max_score {
        sql.push_str(" AND q.score <= ?");
        values.push(Value::Real(max_score));
    }
    if let Some(code) = &filter.behavior_code {
        sql.push_str(
            " AND q.report_id IN (SELECT c.report_id FROM queue_item_codes c WHERE c.behavior_code = ?)",
        );
        values.push(Value::Text(code.clone()));
    }
    Ok(())
}

/// Who holds an item within a scope at some time.
enum Holding {
    Open,
    Live { holder: String },
    Disposed,
}

/// `None` when `id` is not queued within `scope`.
fn holding(
    connection: &Connection,
    id: &str,
    scope: &QueueScope,
    now_unix: i64,
) -> Result<Option<Holding>, StoreError> {
    let mut sql = "SELECT q.state, q.claimed_by, q.lease_until_unix FROM queue_items q
         WHERE ?1 = ?1 AND q.report_id = ?"
        .to_owned();
    let mut values = vec![Value::Integer(now_unix), Value::Text(id.to_owned())];
    push_scope(&mut sql, &mut values, scope)?;
    let row: Option<(String, Option<String>, Option<i64>)> = connection
        .prepare_cached(&sql)
        .and_then(|mut statement| {
            statement
                .query_row(params_from_iter(values), |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                })
                .optional()
        })
        .map_err(StoreError::sqlite("read a queue item state"))?;
    Ok(row.map(
        |(state, holder, lease_unix)| match (state.as_str(), holder) {
            ("disposed", _) => Holding::Disposed,
            ("claimed", Some(holder)) if lease_unix.is_some_and(|lease| lease > now_unix) => {
                Holding::Live { holder }
            }
            _ => Holding::Open,
        },
    ))
}

fn check_bulk(ids: &[String]) -> Result<(), StoreError> {
    if ids.len() > MAX_BULK_IDS {
        return Err(StoreError::Invalid {
            what: "bulk request",
            reason: "more than 10000 ids",
        });
    }
    Ok(())
}

fn event(
    actor: &QueueActor,
    action: &str,
    now: OffsetDateTime,
    record_ids: Vec<String>,
    detail: Option<String>,
) -> Result<AuditEvent, StoreError> {
    Ok(AuditEvent {
        at: rfc3339(now)?,
        actor: actor.subject.clone(),
        role: actor.role.clone(),
        action: action.to_owned(),
        purpose: None,
        record_ids,
        detail,
    })
}

fn priority_rank(priority: Priority) -> i64 {
    Priority::ALL
        .iter()
        .position(|one| *one == priority)
        .map_or(i64::MAX, |rank| rank as i64)
}

fn unix_of(text: &str, what: &'static str) -> Result<i64, StoreError> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map(OffsetDateTime::unix_timestamp)
        .map_err(|_| StoreError::Invalid {
            what,
            reason: "not an RFC 3339 time",
        })
}

fn rfc3339(at: OffsetDateTime) -> Result<String, StoreError> {
    at.format(&Rfc3339).map_err(|_| StoreError::Invalid {
        what: "time",
        reason: "not representable in RFC 3339",
    })
}

fn json_list<T: serde::Serialize>(values: &[T]) -> Result<String, StoreError> {
    serde_json::to_string(values).map_err(|_| StoreError::Invalid {
        what: "list",
        reason: "not serializable",
    })
}

#[cfg(test)]
mod tests;
