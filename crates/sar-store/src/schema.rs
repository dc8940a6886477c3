//! Connection pragmas and schema migrations (`PRAGMA user_version` = number of migrations applied).

use std::time::Duration;

use rusqlite::Connection;

use crate::StoreError;

/// How long a writer waits for another connection's write lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// The first nap of a connection waiting for a lock (see `busy_wait`).
const BUSY_FIRST_NAP: Duration = Duration::from_micros(50);
/// The longest nap of a connection waiting for a lock.
const BUSY_MAX_NAP: Duration = Duration::from_millis(1);
/// Bytes the WAL file is cut back to when a writer starts it over (SQLite otherwise keeps the
/// file at its largest size ever and only overwrites it from the start).
const WAL_SIZE_LIMIT: i64 = 64 * 1024 * 1024;

/// Migration `n` (1-based) brings the schema from version `n - 1` to `n`. Append only: never
/// edit a landed migration.
const MIGRATIONS: [&str; 4] = [
    // 1: the journal, the sink items, the consumer checkpoints, the per-sink duplicate counters.
    "
    CREATE TABLE journal (
        seq INTEGER PRIMARY KEY CHECK (seq > 0),
        report_id TEXT NOT NULL UNIQUE,
        payload BLOB NOT NULL
    );
    CREATE TABLE sink_items (
        sink TEXT NOT NULL CHECK (length(sink) > 0),
        report_id TEXT NOT NULL,
        seq INTEGER NOT NULL CHECK (seq > 0),
        payload BLOB NOT NULL,
        PRIMARY KEY (sink, report_id)
    ) WITHOUT ROWID;
    CREATE INDEX sink_items_by_seq ON sink_items (sink, seq);
    CREATE TABLE checkpoints (
        consumer TEXT PRIMARY KEY,
        seq INTEGER NOT NULL CHECK (seq >= 0)
    ) WITHOUT ROWID;
    CREATE TABLE sink_stats (
        sink TEXT PRIMARY KEY,
        duplicate_deliveries INTEGER NOT NULL CHECK (duplicate_deliveries >= 0)
    ) WITHOUT ROWID;
    ",
    // 2: the intake ledger (every submission, hash-chained), its head, the origin keys of
    // accepted reports.
    "
    CREATE TABLE ledger (
        seq INTEGER PRIMARY KEY CHECK (seq > 0),
        received_at TEXT NOT NULL,
        channel TEXT NOT NULL,
        principal TEXT NOT NULL,
        agency TEXT NOT NULL,
        origin_key TEXT,
        report_id TEXT NOT NULL,
        body_sha256 TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'duplicate', 'rejected')),
        journal_seq INTEGER CHECK (journal_seq > 0),
        reason_code TEXT,
        field_errors TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE INDEX ledger_by_report ON ledger (report_id, seq);
    CREATE TABLE ledger_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL CHECK (seq > 0),
        hash TEXT NOT NULL
    );
    CREATE TABLE origins (
        origin_key TEXT PRIMARY KEY,
        report_id TEXT NOT NULL,
        journal_seq INTEGER NOT NULL CHECK (journal_seq > 0)
    ) WITHOUT ROWID;
    ",
    // 3: partner keys, the signed batches seen (replay protection), the status of each report,
    // the audit log (hash-chained) and its head.
    "
    CREATE TABLE partner_keys (
        key_id TEXT PRIMARY KEY,
        partner_id TEXT NOT NULL,
        jurisdiction TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        signing_key TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    ) WITHOUT ROWID;
    CREATE INDEX partner_keys_by_partner ON partner_keys (partner_id);
    CREATE TABLE partner_batches (
        partner_id TEXT NOT NULL,
        batch_id TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (partner_id, batch_id)
    ) WITHOUT ROWID;
    CREATE TABLE report_status (
        report_id TEXT PRIMARY KEY,
        stage TEXT NOT NULL,
        outcome TEXT,
        queue TEXT,
        disposition TEXT,
        at TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY CHECK (seq > 0),
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        role TEXT NOT NULL,
        action TEXT NOT NULL,
        purpose TEXT,
        record_ids TEXT NOT NULL,
        detail TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TABLE audit_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL CHECK (seq > 0),
        hash TEXT NOT NULL
    );
    ",
    // 4: analyst queue items, their behaviour codes by hour (near-duplicate candidates), the
    // possible-duplicate links (both directions), the notes.
    "
    CREATE TABLE queue_items (
        report_id TEXT PRIMARY KEY,
        queue TEXT NOT NULL,
        priority INTEGER NOT NULL CHECK (priority >= 0),
        score REAL NOT NULL,
        jurisdiction TEXT NOT NULL,
        jurisdiction_key TEXT NOT NULL,
        agency TEXT NOT NULL,
        gate_outcome TEXT NOT NULL,
        received_at TEXT NOT NULL,
        received_unix INTEGER NOT NULL,
        routed_at TEXT NOT NULL,
        sla_due_at TEXT NOT NULL,
        sla_due_unix INTEGER NOT NULL,
        behavior_codes TEXT NOT NULL,
        time_bucket INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'claimed', 'disposed')),
        claimed_by TEXT,
        lease_until_unix INTEGER,
        disposition TEXT,
        rationale TEXT,
        disposed_by TEXT,
        disposed_at TEXT,
        payload BLOB NOT NULL
    );
    CREATE INDEX queue_items_by_queue ON queue_items (queue, state, priority, received_unix);
    CREATE TABLE queue_item_codes (
        behavior_code TEXT NOT NULL,
        time_bucket INTEGER NOT NULL,
        report_id TEXT NOT NULL,
        PRIMARY KEY (behavior_code, time_bucket, report_id)
    ) WITHOUT ROWID;
    CREATE TABLE queue_links (
        report_id TEXT NOT NULL,
        other_id TEXT NOT NULL,
        PRIMARY KEY (report_id, other_id)
    ) WITHOUT ROWID;
    CREATE TABLE queue_notes (
        id INTEGER PRIMARY KEY,
        report_id TEXT NOT NULL,
        author TEXT NOT NULL,
        at TEXT NOT NULL,
        text TEXT NOT NULL
    );
    CREATE INDEX queue_notes_by_item ON queue_notes (report_id, id);
    ",
];

/// The schema version this build writes.
pub(crate) const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// WAL so readers never block the writer; `synchronous=FULL` so every commit is fsynced (in WAL
/// mode `NORMAL` may lose the last commits on power loss, and accepted data must never be lost);
/// `journal_size_limit` so a WAL that grew under load gives the disk space back.
pub(crate) fn configure(connection: &mut Connection) -> Result<(), rusqlite::Error> {
    connection.busy_handler(Some(busy_wait))?;
    let journal_mode: String =
        connection.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !journal_mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::InvalidParameterName(
            "journal_mode=WAL was refused".to_owned(),
        ));
    }
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT)?;
    Ok(())
}

/// The busy handler of every connection: waits for another connection's lock in short, growing
/// naps (50 us doubling up to 1 ms) and gives up after `BUSY_TIMEOUT`. SQLite's own
/// `busy_timeout` naps 1, 2, 5, 10, ... up to 100 ms, so a writer that finds the lock taken for
/// a moment (another connection's short transaction) waits far longer than the lock was held.
fn busy_wait(n_retries: i32) -> bool {
    let n_retries = u32::try_from(n_retries).unwrap_or(0);
    let nap = BUSY_FIRST_NAP
        .saturating_mul(1 << n_retries.min(5))
        .min(BUSY_MAX_NAP);
    // Naps before this one: at most `BUSY_MAX_NAP` each, so the total is bounded by the count.
    let waited = BUSY_MAX_NAP.saturating_mul(n_retries);
    if waited >= BUSY_TIMEOUT {
        return false;
    }
    std::thread::sleep(nap);
    true
}

/// Applies the migrations the file has not seen yet, each in its own transaction. The version
/// is read inside the (immediate) transaction, so two processes opening a new file at once do
/// not both apply a migration.
pub(crate) fn migrate(connection: &mut Connection) -> Result<(), StoreError> {
    loop {
        let transaction = connection
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite("begin a migration"))?;
        let found: i64 = transaction
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(StoreError::sqlite("read the schema version"))?;
        if found < 0 {
            return Err(StoreError::Corrupt {
                what: "negative schema version",
            });
        }
        if found > SCHEMA_VERSION {
            return Err(StoreError::SchemaTooNew {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        let Some(sql) = usize::try_from(found)
            .ok()
            .and_then(|applied| MIGRATIONS.get(applied))
        else {
            return Ok(());
        };
        transaction
            .execute_batch(sql)
            .map_err(StoreError::sqlite("apply a migration"))?;
        transaction
            .pragma_update(None, "user_version", found + 1)
            .map_err(StoreError::sqlite("record the schema version"))?;
        transaction
            .commit()
            .map_err(StoreError::sqlite("commit a migration"))?;
    }
}
