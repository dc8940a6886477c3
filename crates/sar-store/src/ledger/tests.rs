//! Ledger tests: gap-free seqs over every outcome, duplicates by origin key, the hash chain
//! catching edits, deletions and cut tails.

use std::{
    path::PathBuf,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use super::*;
use crate::{GroupCommitter, NewEntry};

struct Store {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn store() -> Store {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sarflow.db");
    Store { _dir: dir, path }
}

fn submission(report_id: &str, origin_key: Option<&str>, outcome: NewOutcome) -> NewSubmission {
    NewSubmission {
        received_at: "2026-03-01T12:00:00Z".to_owned(),
        channel: "partner_feed".to_owned(),
        principal: "partner-7".to_owned(),
        agency: "agency-7".to_owned(),
        origin_key: origin_key.map(str::to_owned),
        report_id: report_id.to_owned(),
        body_sha256: "ab".repeat(32),
        outcome,
    }
}

fn accept(report_id: &str, origin_key: Option<&str>) -> NewSubmission {
    let payload_id = report_id.to_owned();
    submission(
        report_id,
        origin_key,
        NewOutcome::Accept {
            payload: Box::new(move |ledger_seq| format!("{payload_id}@{ledger_seq}").into_bytes()),
        },
    )
}

fn reject(report_id: &str) -> NewSubmission {
    submission(
        report_id,
        None,
        NewOutcome::Reject {
            reason_code: "invalid_record".to_owned(),
            field_errors: vec![("location.jurisdiction".to_owned(), "missing".to_owned())],
        },
    )
}

fn ledger_seqs(receipts: &[LedgerReceipt]) -> Vec<u64> {
    receipts.iter().map(|receipt| receipt.ledger_seq).collect()
}

#[test]
fn every_outcome_takes_the_next_ledger_seq() {
    let store = store();
    let mut journal = Journal::open(&store.path).unwrap();
    let receipts = journal
        .submit(vec![
            accept("r1", Some("partner-7:src-1")),
            reject("r2"),
            accept("r3", Some("partner-7:src-1")),
            accept("r4", None),
        ])
        .unwrap();
    assert_eq!(ledger_seqs(&receipts), [1, 2, 3, 4]);
    assert_eq!(
        receipts[0].outcome,
        LedgerOutcome::Accepted { journal_seq: 1 }
    );
    assert_eq!(receipts[1].outcome, LedgerOutcome::Rejected);
    assert_eq!(receipts[1].report_id, "r2");
    assert_eq!(
        receipts[2].outcome,
        LedgerOutcome::Duplicate { journal_seq: 1 }
    );
    assert_eq!(
        receipts[2].report_id, "r1",
        "a duplicate points at the report already journaled"
    );
    assert_eq!(
        receipts[3].outcome,
        LedgerOutcome::Accepted { journal_seq: 2 }
    );

    // A later batch, after a reopen, continues both sequences.
    drop(journal);
    let mut journal = Journal::open(&store.path).unwrap();
    let receipts = journal
        .submit(vec![reject("r5"), accept("r6", Some("partner-7:src-2"))])
        .unwrap();
    assert_eq!(ledger_seqs(&receipts), [5, 6]);
    assert_eq!(
        receipts[1].outcome,
        LedgerOutcome::Accepted { journal_seq: 3 }
    );
    assert_eq!(journal.last_ledger_seq().unwrap(), 6);

    let journaled: Vec<(u64, String, Vec<u8>)> = journal
        .read_after(0, 10)
        .unwrap()
        .into_iter()
        .map(|record| (record.seq, record.report_id, record.payload))
        .collect();
    assert_eq!(
        journaled,
        [
            (1, "r1".to_owned(), b"r1@1".to_vec()),
            (2, "r4".to_owned(), b"r4@4".to_vec()),
            (3, "r6".to_owned(), b"r6@6".to_vec()),
        ],
        "payload fns get the ledger seq"
    );
    let verification = journal.verify_ledger().unwrap();
    assert!(verification.is_ok(), "{verification:?}");
    assert_eq!((verification.entries, verification.last_seq), (6, 6));
}

#[test]
fn a_duplicate_does_not_call_the_payload_fn() {
    let store = store();
    let mut journal = Journal::open(&store.path).unwrap();
    journal
        .submit(vec![accept("r1", Some("origin-1"))])
        .unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let again = journal
        .submit(vec![submission(
            "r9",
            Some("origin-1"),
            NewOutcome::Accept {
                payload: Box::new(move |_| {
                    counted.fetch_add(1, Ordering::Relaxed);
                    Vec::new()
                }),
            },
        )])
        .unwrap();
    assert_eq!(calls.load(Ordering::Relaxed), 0);
    assert_eq!(again[0].report_id, "r1");
    assert_eq!(
        again[0].outcome,
        LedgerOutcome::Duplicate { journal_seq: 1 }
    );
    assert_eq!(journal.last_seq().unwrap(), 1);
}

#[test]
fn an_accept_with_a_known_report_id_is_a_duplicate() {
    let store = store();
    let mut journal = Journal::open(&store.path).unwrap();
    journal
        .append(&[NewEntry {
            report_id: "r1".to_owned(),
            payload: b"old path".to_vec(),
        }])
        .unwrap();
    let receipts = journal.submit(vec![accept("r1", None)]).unwrap();
    assert_eq!(
        receipts[0].outcome,
        LedgerOutcome::Duplicate { journal_seq: 1 }
    );
}

#[test]
fn ledger_entry_is_the_first_row_of_a_report() {
    let store = store();
    let mut journal = Journal::open(&store.path).unwrap();
    journal
        .submit(vec![
            reject("bad"),
            accept("r1", Some("o-1")),
            accept("r2", Some("o-1")),
        ])
        .unwrap();
    let entry = journal.ledger_entry("r1").unwrap().unwrap();
    assert_eq!(entry.ledger_seq, 2);
    assert_eq!(entry.outcome, LedgerOutcome::Accepted { journal_seq: 1 });
    assert_eq!(entry.agency, "agency-7");
    assert_eq!(entry.principal, "partner-7");
    assert_eq!(entry.channel, "partner_feed");
    assert_eq!(entry.received_at, "2026-03-01T12:00:00Z");
    assert_eq!(entry.origin_key.as_deref(), Some("o-1"));

    let rejected = journal.ledger_entry("bad").unwrap().unwrap();
    assert_eq!(rejected.outcome, LedgerOutcome::Rejected);
    assert_eq!(rejected.reason_code.as_deref(), Some("invalid_record"));
    assert_eq!(
        rejected.field_errors,
        [("location.jurisdiction".to_owned(), "missing".to_owned())]
    );
    assert!(
        journal.ledger_entry("r2").unwrap().is_none(),
        "the duplicate's proposed id was never used"
    );
    assert!(journal.ledger_entry("nobody").unwrap().is_none());
}

fn five_rows(store: &Store) -> Journal {
    let mut journal = Journal::open(&store.path).unwrap();
    journal
        .submit(vec![
            accept("r1", None),
            reject("r2"),
            accept("r3", None),
            accept("r4", None),
            reject("r5"),
        ])
        .unwrap();
    assert!(journal.verify_ledger().unwrap().is_ok());
    journal
}

#[test]
fn an_edited_row_breaks_its_link() {
    let store = store();
    let journal = five_rows(&store);
    journal
        .connection
        .execute(
            "UPDATE ledger SET agency = 'someone-else' WHERE seq = 3",
            [],
        )
        .unwrap();
    let verification = journal.verify_ledger().unwrap();
    assert_eq!(verification.broken_links, [3]);
    assert!(verification.gaps.is_empty());
}

#[test]
fn an_edited_row_with_a_recomputed_hash_breaks_the_next_link() {
    let store = store();
    let journal = five_rows(&store);
    let forged: LedgerRow = journal
        .connection
        .query_row(
            &format!("SELECT {LEDGER_COLUMNS} FROM ledger WHERE seq = 2"),
            [],
            LedgerRow::read,
        )
        .unwrap();
    let forged = LedgerRow {
        outcome: "accepted".to_owned(),
        journal_seq: Some(9),
        ..forged
    };
    let prev_hash: String = journal
        .connection
        .query_row("SELECT prev_hash FROM ledger WHERE seq = 2", [], |row| {
            row.get(0)
        })
        .unwrap();
    journal
        .connection
        .execute(
            "UPDATE ledger SET outcome = 'accepted', journal_seq = 9, hash = ?1 WHERE seq = 2",
            [forged.hash(&prev_hash)],
        )
        .unwrap();
    assert_eq!(journal.verify_ledger().unwrap().broken_links, [3]);
}

#[test]
fn a_deleted_row_is_a_gap() {
    let store = store();
    let journal = five_rows(&store);
    journal
        .connection
        .execute("DELETE FROM ledger WHERE seq IN (2, 3)", [])
        .unwrap();
    let verification = journal.verify_ledger().unwrap();
    assert_eq!(verification.gaps, [(2, 3)]);
    assert!(verification.broken_links.is_empty());
    assert_eq!((verification.entries, verification.last_seq), (3, 5));
}

#[test]
fn a_cut_tail_is_a_gap() {
    let store = store();
    let journal = five_rows(&store);
    journal
        .connection
        .execute("DELETE FROM ledger WHERE seq = 5", [])
        .unwrap();
    let verification = journal.verify_ledger().unwrap();
    assert_eq!(verification.gaps, [(5, 5)]);
    assert_eq!(verification.last_seq, 5);
}

#[test]
fn an_empty_ledger_verifies() {
    let store = store();
    let journal = Journal::open(&store.path).unwrap();
    assert_eq!(
        journal.verify_ledger().unwrap(),
        LedgerVerification::default()
    );
}

#[test]
fn the_committer_groups_submissions_and_appends() {
    let store = store();
    let committer = Arc::new(GroupCommitter::spawn(Journal::open(&store.path).unwrap()));
    const N_THREADS: usize = 4;
    const N_PER_THREAD: usize = 30;
    let threads: Vec<_> = (0..N_THREADS)
        .map(|thread_idx| {
            let committer = Arc::clone(&committer);
            std::thread::spawn(move || {
                let mut ledger_seqs = Vec::new();
                for submission_idx in 0..N_PER_THREAD {
                    let report_id = format!("t{thread_idx}-{submission_idx}");
                    if submission_idx % 10 == 9 {
                        // The old append path keeps working beside the ledger.
                        let appended = committer
                            .append_blocking(vec![NewEntry {
                                report_id: format!("{report_id}-old"),
                                payload: Vec::new(),
                            }])
                            .unwrap();
                        assert!(appended[0].is_new());
                    }
                    let submission = if submission_idx % 3 == 0 {
                        reject(&report_id)
                    } else {
                        // Every thread sends origin "shared-<idx % 5>": first one wins.
                        accept(&report_id, Some(&format!("shared-{}", submission_idx % 5)))
                    };
                    let receipts = committer
                        .append_submissions_blocking(vec![submission])
                        .unwrap();
                    ledger_seqs.push(receipts[0].ledger_seq);
                }
                ledger_seqs
            })
        })
        .collect();
    let mut all_seqs: Vec<u64> = threads
        .into_iter()
        .flat_map(|thread| thread.join().unwrap())
        .collect();
    all_seqs.sort_unstable();
    let n_submissions = (N_THREADS * N_PER_THREAD) as u64;
    assert_eq!(all_seqs, (1..=n_submissions).collect::<Vec<_>>());

    let journal = Arc::into_inner(committer).unwrap().shutdown().unwrap();
    let verification = journal.verify_ledger().unwrap();
    assert!(verification.is_ok(), "{verification:?}");
    let n_origins: i64 = journal
        .connection
        .query_row("SELECT count(*) FROM origins", [], |row| row.get(0))
        .unwrap();
    assert_eq!(n_origins, 5);
    let n_appended_old = (N_THREADS * 3) as u64;
    assert_eq!(journal.last_seq().unwrap(), 5 + n_appended_old);
}
