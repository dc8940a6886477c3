//! Journal and sink tests on real SQLite files in a temp dir.

use std::path::PathBuf;

use super::*;

struct Store {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn store() -> Store {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sarflow.db");
    Store { _dir: dir, path }
}

fn entry(report_id: &str) -> NewEntry {
    NewEntry {
        report_id: report_id.to_owned(),
        payload: format!("payload of {report_id}").into_bytes(),
    }
}

fn entries(report_ids: &[&str]) -> Vec<NewEntry> {
    report_ids
        .iter()
        .map(|report_id| entry(report_id))
        .collect()
}

fn item(sink: &'static str, report_id: &str, seq: u64) -> SinkItem {
    SinkItem {
        sink,
        report_id: report_id.to_owned(),
        seq,
        payload: report_id.as_bytes().to_vec(),
    }
}

fn seqs(appended: &[Appended]) -> Vec<u64> {
    appended.iter().map(|one| one.seq()).collect()
}

#[test]
fn open_sets_wal_full_sync_and_schema_version() {
    let store = store();
    let journal = Journal::open(&store.path).unwrap();
    let mode: String = journal
        .connection
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .unwrap();
    let synchronous: i64 = journal
        .connection
        .pragma_query_value(None, "synchronous", |row| row.get(0))
        .unwrap();
    let version: i64 = journal
        .connection
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(synchronous, 2, "2 = FULL");
    assert_eq!(version, schema::SCHEMA_VERSION);
}

#[test]
fn a_newer_schema_is_refused() {
    let store = store();
    drop(Journal::open(&store.path).unwrap());
    let connection = Connection::open(&store.path).unwrap();
    connection.pragma_update(None, "user_version", 99).unwrap();
    drop(connection);
    let error = Journal::open(&store.path).unwrap_err();
    assert!(
        matches!(error, StoreError::SchemaTooNew { found: 99, .. }),
        "{error:?}"
    );
}

#[test]
fn empty_journal() {
    let store = store();
    let journal = Journal::open(&store.path).unwrap();
    assert_eq!(journal.last_seq().unwrap(), 0);
    assert!(journal.read_after(0, 10).unwrap().is_empty());
    assert_eq!(journal.checkpoint("route").unwrap(), 0);
    assert_eq!(journal.sink_count("routed").unwrap(), 0);
    assert_eq!(journal.duplicate_deliveries("routed").unwrap(), 0);
}

#[test]
fn seqs_are_gap_free_across_reopen() {
    let store = store();
    let mut journal = Journal::open(&store.path).unwrap();
    assert_eq!(
        seqs(&journal.append(&entries(&["a", "b"])).unwrap()),
        [1, 2]
    );
    assert_eq!(seqs(&journal.append(&entries(&["c"])).unwrap()), [3]);
    drop(journal);

    let mut journal = Journal::open(&store.path).unwrap();
    assert_eq!(journal.last_seq().unwrap(), 3);
    assert_eq!(
        seqs(&journal.append(&entries(&["d", "e"])).unwrap()),
        [4, 5]
    );
    let read: Vec<u64> = journal
        .read_after(0, 100)
        .unwrap()
        .iter()
        .map(|record| record.seq)
        .collect();
    assert_eq!(read, [1, 2, 3, 4, 5]);
}

#[test]
fn append_is_idempotent_by_report_id() {
    let store = store();
    let mut journal = Journal::open(&store.path).unwrap();
    journal.append(&entries(&["a", "b"])).unwrap();
    let again = journal
        .append(&[
            NewEntry {
                report_id: "b".to_owned(),
                payload: b"different bytes".to_vec(),
            },
            entry("c"),
            entry("c"),
        ])
        .unwrap();
    assert_eq!(
        again,
        [
            Appended::Duplicate { seq: 2 },
            Appended::New { seq: 3 },
            Appended::Duplicate { seq: 3 },
        ]
    );
    let records = journal.read_after(1, 10).unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].report_id, "b");
    assert_eq!(
        records[0].payload, b"payload of b",
        "a duplicate writes nothing"
    );
    assert_eq!(
        journal.last_seq().unwrap(),
        3,
        "no seq was burnt by duplicates"
    );
}

#[test]
fn read_after_pages_in_seq_order() {
    let store = store();
    let mut journal = Journal::open(&store.path).unwrap();
    let report_ids: Vec<String> = (0..10).map(|index| format!("r{index}")).collect();
    let report_refs: Vec<&str> = report_ids.iter().map(String::as_str).collect();
    journal.append(&entries(&report_refs)).unwrap();
    let page = journal.read_after(4, 3).unwrap();
    let page_seqs: Vec<u64> = page.iter().map(|record| record.seq).collect();
    assert_eq!(page_seqs, [5, 6, 7]);
    assert_eq!(page[0].report_id, "r4");
    assert_eq!(page[0].payload, b"payload of r4");
    assert!(journal.read_after(10, 3).unwrap().is_empty());
}

#[test]
fn deliver_is_idempotent_and_the_checkpoint_only_moves_forward() {
    let store = store();
    let mut journal = Journal::open(&store.path).unwrap();
    let first = journal
        .deliver("route", &[item("routed", "a", 1), item("dlq", "b", 2)], 2)
        .unwrap();
    assert_eq!((first.inserted, first.duplicates), (2, 0));
    assert_eq!(journal.checkpoint("route").unwrap(), 2);

    // A replay after a crash delivers the same items again, with an older checkpoint.
    let replay = journal
        .deliver(
            "route",
            &[item("routed", "a", 1), item("routed", "c", 3)],
            1,
        )
        .unwrap();
    assert_eq!((replay.inserted, replay.duplicates), (1, 1));
    assert_eq!(replay.by_sink.get("routed"), Some(&(1, 1)));
    assert_eq!(
        journal.checkpoint("route").unwrap(),
        2,
        "checkpoint never moves back"
    );

    journal.deliver("route", &[], 7).unwrap();
    assert_eq!(journal.checkpoint("route").unwrap(), 7);
    assert_eq!(
        journal.checkpoint("index").unwrap(),
        0,
        "checkpoints are per consumer"
    );

    assert_eq!(journal.sink_count("routed").unwrap(), 2);
    assert_eq!(journal.sink_count("dlq").unwrap(), 1);
    assert_eq!(journal.sink_report_ids("routed").unwrap(), ["a", "c"]);
    assert_eq!(journal.duplicate_deliveries("routed").unwrap(), 1);
    assert_eq!(journal.duplicate_deliveries("dlq").unwrap(), 0);
}

#[test]
fn sink_read_after_pages_by_seq() {
    let store = store();
    let mut journal = Journal::open(&store.path).unwrap();
    journal
        .deliver(
            "route",
            &[
                item("routed", "c", 3),
                item("routed", "a", 1),
                item("dlq", "b", 2),
                item("routed", "d", 4),
            ],
            4,
        )
        .unwrap();
    let page = journal.sink_read_after("routed", 1, 1).unwrap();
    assert_eq!(
        page,
        [SinkRecord {
            seq: 3,
            report_id: "c".to_owned(),
            payload: b"c".to_vec(),
        }]
    );
    let rest: Vec<u64> = journal
        .sink_read_after("routed", 3, 10)
        .unwrap()
        .iter()
        .map(|record| record.seq)
        .collect();
    assert_eq!(rest, [4]);
}

#[test]
fn everything_survives_reopen() {
    let store = store();
    let mut journal = Journal::open(&store.path).unwrap();
    journal.append(&entries(&["a", "b"])).unwrap();
    journal
        .deliver(
            "route",
            &[item("routed", "a", 1), item("routed", "a", 1)],
            2,
        )
        .unwrap();
    drop(journal);

    let journal = Journal::open(&store.path).unwrap();
    assert_eq!(journal.last_seq().unwrap(), 2);
    assert_eq!(
        journal.read_after(0, 10).unwrap()[1].payload,
        b"payload of b"
    );
    assert_eq!(journal.checkpoint("route").unwrap(), 2);
    assert_eq!(journal.sink_report_ids("routed").unwrap(), ["a"]);
    assert_eq!(journal.duplicate_deliveries("routed").unwrap(), 1);
}

#[test]
fn a_failed_delivery_is_rolled_back_whole() {
    let store = store();
    let mut journal = Journal::open(&store.path).unwrap();
    journal
        .deliver("route", &[item("routed", "a", 1)], 1)
        .unwrap();

    // Seq 0 violates a CHECK constraint after "b" was inserted in the same transaction.
    let error = journal
        .deliver(
            "route",
            &[
                item("routed", "b", 2),
                item("routed", "a", 1),
                item("routed", "z", 0),
            ],
            5,
        )
        .unwrap_err();
    assert!(matches!(error, StoreError::Sqlite { .. }), "{error:?}");

    assert_eq!(
        journal.checkpoint("route").unwrap(),
        1,
        "checkpoint untouched"
    );
    assert_eq!(
        journal.sink_report_ids("routed").unwrap(),
        ["a"],
        "no item kept"
    );
    assert_eq!(
        journal.duplicate_deliveries("routed").unwrap(),
        0,
        "counter untouched"
    );
}

#[test]
fn an_empty_sink_name_is_refused() {
    let store = store();
    let mut journal = Journal::open(&store.path).unwrap();
    let error = journal
        .deliver("route", &[item("", "a", 1)], 1)
        .unwrap_err();
    assert!(matches!(error, StoreError::Sqlite { .. }), "{error:?}");
    assert_eq!(journal.checkpoint("route").unwrap(), 0);
}

#[test]
fn two_connections_share_the_file() {
    let store = store();
    let mut writer = Journal::open(&store.path).unwrap();
    let reader = Journal::open(&store.path).unwrap();
    writer.append(&entries(&["a"])).unwrap();
    assert_eq!(reader.last_seq().unwrap(), 1);
    let mut second_writer = Journal::open(&store.path).unwrap();
    assert_eq!(
        seqs(&second_writer.append(&entries(&["b", "a"])).unwrap()),
        [2, 1]
    );
    assert_eq!(writer.last_seq().unwrap(), 2);
}
