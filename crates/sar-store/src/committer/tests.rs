//! Group commit tests: concurrent submitters, grouping, shutdown.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
    sync::{Arc, Mutex, mpsc},
};

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

fn entry(report_id: String) -> NewEntry {
    NewEntry {
        payload: report_id.as_bytes().to_vec(),
        report_id,
    }
}

#[test]
fn concurrent_submitters_get_distinct_gap_free_seqs() {
    const N_THREADS: usize = 8;
    const N_PER_THREAD: usize = 50;
    let store = store();
    let committer = Arc::new(GroupCommitter::spawn(Journal::open(&store.path).unwrap()));
    let threads: Vec<_> = (0..N_THREADS)
        .map(|thread_idx| {
            let committer = Arc::clone(&committer);
            std::thread::spawn(move || {
                let mut seqs = Vec::new();
                for entry_idx in 0..N_PER_THREAD {
                    let appended = committer
                        .append_blocking(vec![entry(format!("t{thread_idx}-{entry_idx}"))])
                        .unwrap();
                    assert!(appended[0].is_new());
                    seqs.push(appended[0].seq());
                }
                seqs
            })
        })
        .collect();
    let mut all_seqs = BTreeSet::new();
    for thread in threads {
        for seq in thread.join().unwrap() {
            assert!(all_seqs.insert(seq), "seq {seq} given twice");
        }
    }
    let n_submissions = (N_THREADS * N_PER_THREAD) as u64;
    assert_eq!(all_seqs, (1..=n_submissions).collect());
    assert!(committer.commits() <= n_submissions);
    let journal = Arc::into_inner(committer).unwrap().shutdown().unwrap();
    assert_eq!(journal.last_seq().unwrap(), n_submissions);
}

#[test]
fn queued_submissions_share_one_transaction() {
    let store = store();
    let reports = Arc::new(Mutex::new(Vec::new()));
    let observed = Arc::clone(&reports);
    let committer =
        GroupCommitter::spawn_with_observer(Journal::open(&store.path).unwrap(), move |report| {
            observed.lock().unwrap().push(report.clone())
        });

    // The first reply holds the commit thread until every other submission is queued.
    let (open_gate, gate) = mpsc::channel::<()>();
    let (holding_sender, holding) = mpsc::channel::<()>();
    committer.submit(vec![entry("first".to_owned())], move |result| {
        assert!(result.is_ok());
        holding_sender.send(()).unwrap();
        gate.recv().unwrap();
    });
    holding.recv().unwrap();
    let (answer_sender, answers) = mpsc::channel();
    const N_QUEUED: usize = 20;
    for submission_idx in 0..N_QUEUED {
        let answer_sender = answer_sender.clone();
        // Submission 7 repeats submission 3's report id: a duplicate inside one transaction.
        let report_id = format!(
            "queued-{}",
            if submission_idx == 7 {
                3
            } else {
                submission_idx
            }
        );
        committer.submit(vec![entry(report_id)], move |result| {
            answer_sender.send((submission_idx, result)).unwrap();
        });
    }
    open_gate.send(()).unwrap();

    let mut results: Vec<_> = (0..N_QUEUED).map(|_| answers.recv().unwrap()).collect();
    results.sort_by_key(|(submission_idx, _)| *submission_idx);
    let appended: Vec<Appended> = results
        .into_iter()
        .map(|(_, result)| {
            let appended = result.unwrap();
            assert_eq!(appended.len(), 1);
            appended[0]
        })
        .collect();
    assert_eq!(appended[3], Appended::New { seq: 5 });
    assert_eq!(appended[7], Appended::Duplicate { seq: 5 });
    assert_eq!(appended[0], Appended::New { seq: 2 });
    assert_eq!(
        appended[N_QUEUED - 1],
        Appended::New {
            seq: N_QUEUED as u64
        }
    );

    assert_eq!(
        committer.commits(),
        2,
        "{} submissions, 2 transactions",
        N_QUEUED + 1
    );
    drop(committer);
    let reports = reports.lock().unwrap();
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[1].n_submissions, N_QUEUED);
    assert_eq!(reports[1].n_entries, N_QUEUED);
    assert_eq!(reports[1].n_new, N_QUEUED - 1);
    assert!(reports.iter().all(|report| report.succeeded));
}

#[test]
fn shutdown_finishes_queued_work() {
    let store = store();
    let committer = GroupCommitter::spawn(Journal::open(&store.path).unwrap());
    let (answer_sender, answers) = mpsc::channel();
    for submission_idx in 0..100 {
        let answer_sender = answer_sender.clone();
        committer.submit(vec![entry(format!("r{submission_idx}"))], move |result| {
            answer_sender.send(result.is_ok()).unwrap();
        });
    }
    drop(answer_sender);
    let journal = committer.shutdown().unwrap();
    assert_eq!(answers.iter().filter(|ok| *ok).count(), 100);
    assert_eq!(journal.last_seq().unwrap(), 100);
}

#[test]
fn a_large_submission_is_answered_in_order() {
    let store = store();
    let committer = GroupCommitter::spawn(Journal::open(&store.path).unwrap());
    let batch: Vec<NewEntry> = (0..MAX_ENTRIES_PER_COMMIT + 10)
        .map(|entry_idx| entry(format!("big-{entry_idx}")))
        .collect();
    let appended = committer.append_blocking(batch).unwrap();
    let seqs: Vec<u64> = appended.iter().map(|one| one.seq()).collect();
    assert_eq!(
        seqs,
        (1..=(MAX_ENTRIES_PER_COMMIT as u64 + 10)).collect::<Vec<_>>()
    );
    assert_eq!(committer.commits(), 1);
}

#[test]
fn the_journal_comes_back_with_automatic_checkpoints() {
    let store = store();
    let committer = GroupCommitter::spawn(Journal::open(&store.path).unwrap());
    committer
        .append_blocking(vec![entry("a".to_owned())])
        .unwrap();
    let journal = committer.shutdown().unwrap();
    let pages: i64 = journal
        .connection
        .pragma_query_value(None, "wal_autocheckpoint", |row| row.get(0))
        .unwrap();
    assert_eq!(pages, DEFAULT_AUTOCHECKPOINT);
    assert_eq!(journal.last_seq().unwrap(), 1);
}

#[test]
fn a_commit_waits_for_another_connections_write_lock() {
    let store = store();
    let committer = GroupCommitter::spawn(Journal::open(&store.path).unwrap());
    let mut other = Journal::open(&store.path).unwrap();
    let (locked_sender, locked) = mpsc::channel();
    let (release_sender, release) = mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        let transaction = other
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        locked_sender.send(()).unwrap();
        release.recv().unwrap();
        transaction.commit().unwrap();
    });
    locked.recv().unwrap();
    let (reply_sender, reply) = mpsc::channel();
    committer.submit(vec![entry("b".to_owned())], move |result| {
        reply_sender.send(result).unwrap();
    });
    // Whether the committer has met the taken lock yet or not, its commit must wait, not fail.
    release_sender.send(()).unwrap();
    holder.join().unwrap();
    let appended = reply.recv().unwrap().unwrap();
    assert_eq!(appended, vec![Appended::New { seq: 1 }]);
}

/// Size in bytes of `pages` WAL frames (a page and a 24-byte frame header each).
fn wal_bytes(pages: i32) -> u64 {
    u64::try_from(pages).unwrap() * (4096 + 24)
}

/// Commits `commits` groups of 64 entries of 8 KiB back to back (about 130 WAL pages each) and
/// answers the largest size the WAL file had after any of them.
fn commit_groups(committer: &GroupCommitter, wal: &Path, tag: &str, commits: usize) -> u64 {
    let mut largest = 0;
    for commit in 0..commits {
        let entries = (0..64u8)
            .map(|one| NewEntry {
                report_id: format!("{tag}-{commit}-{one}"),
                payload: vec![one; 8 * 1024],
            })
            .collect();
        committer.append_blocking(entries).unwrap();
        largest = largest.max(std::fs::metadata(wal).unwrap().len());
    }
    largest
}

#[test]
fn the_wal_stays_bounded_while_commits_keep_coming() {
    // 48 MiB of journal in back-to-back groups: the checkpointer thread never sees a moment
    // without a commit, so only the committer's own checkpoint lets the WAL start over.
    let store = store();
    let wal = store.path.with_extension("db-wal");
    let committer = GroupCommitter::spawn(Journal::open(&store.path).unwrap());
    let largest = commit_groups(&committer, &wal, "r", 96);
    // At most one group past the limit before the committer checkpoints, and the next commit
    // starts over.
    let bound = wal_bytes(WAL_LIMIT_PAGES + 1024);
    assert!(
        largest <= bound,
        "the WAL reached {largest} bytes (bound {bound})"
    );
    let journal = committer.shutdown().unwrap();
    assert_eq!(journal.last_seq().unwrap(), 96 * 64);
}

#[test]
fn the_wal_starts_over_once_a_reader_that_held_it_lets_go() {
    let store = store();
    let wal = store.path.with_extension("db-wal");
    let committer = GroupCommitter::spawn(Journal::open(&store.path).unwrap());
    commit_groups(&committer, &wal, "before", 1);
    // A reader's snapshot keeps every later frame in the WAL: it grows past the limit.
    let reader = rusqlite::Connection::open(&store.path).unwrap();
    reader.execute_batch("BEGIN").unwrap();
    let seen: i64 = reader
        .query_row("SELECT count(*) FROM journal", [], |row| row.get(0))
        .unwrap();
    assert_eq!(seen, 64);
    let held = commit_groups(&committer, &wal, "held", 48);
    assert!(held > wal_bytes(WAL_LIMIT_PAGES + 1024), "{held}");
    reader.execute_batch("COMMIT").unwrap();
    // Once it lets go, a checkpoint within `RETRY_PAGES` copies everything and the WAL is
    // written from its start again: the file grows no further than that.
    let after = commit_groups(&committer, &wal, "after", 96);
    let bound = held + wal_bytes(RETRY_PAGES + 1024);
    assert!(
        after <= bound,
        "the WAL reached {after} bytes (bound {bound})"
    );
    let journal = committer.shutdown().unwrap();
    assert_eq!(journal.last_seq().unwrap(), (1 + 48 + 96) * 64);
}
