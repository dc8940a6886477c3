//! `GroupCommitter`: one thread owns a `Journal`; concurrent submitters queue journal entries or
//! ledger submissions, and everything queued is written in one transaction (one fsync for many
//! submitters).

use std::{
    cell::Cell,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicI32, AtomicU64, Ordering},
        mpsc,
    },
    thread,
    time::{Duration, Instant},
};

use rusqlite::{TransactionBehavior, wal::CheckpointMode};

use crate::{
    Appended, Journal, LedgerOutcome, LedgerReceipt, NewEntry, NewSubmission, StoreError,
    journal::append_in, ledger::submit_in,
};

/// Most entries one transaction takes from the queue (a single larger submission still goes in
/// one transaction of its own).
const MAX_ENTRIES_PER_COMMIT: usize = 4096;
/// Submissions that may wait in the queue; `submit` blocks beyond this (backpressure).
const QUEUE_CAPACITY: usize = 1024;
/// The checkpointer copies the WAL into the database file at most this often.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);
/// SQLite's default `wal_autocheckpoint` (pages), restored when the committer hands the journal
/// back.
const DEFAULT_AUTOCHECKPOINT: i64 = 1000;
/// WAL frames (pages) past which the committer checkpoints on its own connection, between two
/// commits: 4096 pages is 16 MiB at SQLite's default page size. The checkpointer thread alone
/// never finishes under sustained load (the committer appends while it copies), and SQLite only
/// rewinds the WAL when a writer starts after a checkpoint that copied every frame; without this
/// the WAL grew to 220 MB during 30,000 intake reports.
const WAL_LIMIT_PAGES: i32 = 4096;
/// When a reader kept the committer's checkpoint from copying every frame, the WAL pages it
/// waits for before trying again (4 MiB), rather than checkpointing after every commit.
const RETRY_PAGES: i32 = 1024;

type Reply = Box<dyn FnOnce(Result<Vec<Appended>, StoreError>) + Send + 'static>;
type LedgerReply = Box<dyn FnOnce(Result<Vec<LedgerReceipt>, StoreError>) + Send + 'static>;
type Observer = Box<dyn FnMut(&CommitReport) + Send + 'static>;

/// One caller's queued work.
enum Submission {
    Append {
        entries: Vec<NewEntry>,
        reply: Reply,
    },
    Ledger {
        submissions: Vec<NewSubmission>,
        reply: LedgerReply,
    },
}

impl Submission {
    fn len(&self) -> usize {
        match self {
            Self::Append { entries, .. } => entries.len(),
            Self::Ledger { submissions, .. } => submissions.len(),
        }
    }

    fn fail(self, error: StoreError) {
        match self {
            Self::Append { reply, .. } => reply(Err(error)),
            Self::Ledger { reply, .. } => reply(Err(error)),
        }
    }
}

/// What one group commit did, for the caller's metrics (this crate links no metrics crate).
#[derive(Debug, Clone, PartialEq)]
pub struct CommitReport {
    /// Submissions answered by this transaction.
    pub n_submissions: usize,
    /// Journal entries and ledger submissions in the transaction.
    pub n_entries: usize,
    /// Entries that were journaled (the rest were duplicates or rejected submissions).
    pub n_new: usize,
    /// Time of the append, fsync included.
    pub elapsed: Duration,
    /// False when the transaction failed (every submitter got the error).
    pub succeeded: bool,
}

/// Owns a `Journal` on a dedicated thread and appends queued submissions in groups.
pub struct GroupCommitter {
    sender: Option<mpsc::SyncSender<Submission>>,
    thread: Option<thread::JoinHandle<Journal>>,
    n_commits: Arc<AtomicU64>,
}

impl std::fmt::Debug for GroupCommitter {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("GroupCommitter")
            .field("n_commits", &self.commits())
            .finish_non_exhaustive()
    }
}

impl GroupCommitter {
    /// Starts the commit thread, which owns `journal` until `shutdown`.
    pub fn spawn(journal: Journal) -> Self {
        Self::spawn_with_observer(journal, |_report| {})
    }

    /// Like `spawn`; `observer` runs on the commit thread after every transaction (keep it
    /// cheap: count metrics, nothing blocking).
    pub fn spawn_with_observer(
        journal: Journal,
        observer: impl FnMut(&CommitReport) + Send + 'static,
    ) -> Self {
        let (sender, receiver) = mpsc::sync_channel(QUEUE_CAPACITY);
        let n_commits = Arc::new(AtomicU64::new(0));
        let thread_commits = Arc::clone(&n_commits);
        let observer: Observer = Box::new(observer);
        let thread = thread::Builder::new()
            .name("sar-store-commit".to_owned())
            .spawn(move || commit_loop(journal, &receiver, &thread_commits, observer));
        match thread {
            Ok(thread) => Self {
                sender: Some(sender),
                thread: Some(thread),
                n_commits,
            },
            // The OS refused a thread: every submission will answer `CommitterStopped`.
            Err(_) => Self {
                sender: None,
                thread: None,
                n_commits,
            },
        }
    }

    /// Queues `entries`; `reply` runs on the commit thread with the outcome once their
    /// transaction has committed (or failed). Blocks only while `QUEUE_CAPACITY` submissions are
    /// already waiting. Pass e.g. a closure that sends on a tokio oneshot.
    pub fn submit(
        &self,
        entries: Vec<NewEntry>,
        reply: impl FnOnce(Result<Vec<Appended>, StoreError>) + Send + 'static,
    ) {
        self.enqueue(Submission::Append {
            entries,
            reply: Box::new(reply),
        });
    }

    /// `submit` and wait for the answer (for threads, not for async tasks).
    pub fn append_blocking(&self, entries: Vec<NewEntry>) -> Result<Vec<Appended>, StoreError> {
        let (reply_sender, reply_receiver) = mpsc::sync_channel(1);
        self.submit(entries, move |result| {
            // The receiver waits below; a failed send means it is gone and nobody cares.
            let _ = reply_sender.send(result);
        });
        reply_receiver
            .recv()
            .map_err(|_| StoreError::CommitterStopped)?
    }

    /// Queues ledger submissions (`Journal::submit`, grouped with everything else queued);
    /// `reply` runs on the commit thread once their transaction has committed (or failed), so
    /// an `Ok` receipt is durable. Payload fns run on the commit thread.
    pub fn submit_submissions(
        &self,
        batch: Vec<NewSubmission>,
        reply: impl FnOnce(Result<Vec<LedgerReceipt>, StoreError>) + Send + 'static,
    ) {
        self.enqueue(Submission::Ledger {
            submissions: batch,
            reply: Box::new(reply),
        });
    }

    /// `submit_submissions` and wait for the answer (for threads, not for async tasks).
    pub fn append_submissions_blocking(
        &self,
        batch: Vec<NewSubmission>,
    ) -> Result<Vec<LedgerReceipt>, StoreError> {
        let (reply_sender, reply_receiver) = mpsc::sync_channel(1);
        self.submit_submissions(batch, move |result| {
            // The receiver waits below; a failed send means it is gone and nobody cares.
            let _ = reply_sender.send(result);
        });
        reply_receiver
            .recv()
            .map_err(|_| StoreError::CommitterStopped)?
    }

    fn enqueue(&self, submission: Submission) {
        let Some(sender) = &self.sender else {
            submission.fail(StoreError::CommitterStopped);
            return;
        };
        if let Err(mpsc::SendError(submission)) = sender.send(submission) {
            submission.fail(StoreError::CommitterStopped);
        }
    }

    /// Transactions committed (or attempted) so far.
    pub fn commits(&self) -> u64 {
        self.n_commits.load(Ordering::Relaxed)
    }

    /// Finishes every queued submission, stops the thread and hands the journal back.
    pub fn shutdown(mut self) -> Result<Journal, StoreError> {
        self.stop().ok_or(StoreError::CommitterStopped)
    }

    fn stop(&mut self) -> Option<Journal> {
        // Closing the channel ends the loop once the queue is drained.
        self.sender = None;
        self.thread.take().and_then(|thread| thread.join().ok())
    }
}

impl Drop for GroupCommitter {
    fn drop(&mut self) {
        self.stop();
    }
}

fn commit_loop(
    mut journal: Journal,
    receiver: &mpsc::Receiver<Submission>,
    n_commits: &AtomicU64,
    mut observer: Observer,
) -> Journal {
    let checkpointer = Checkpointer::start(&mut journal);
    while let Ok(first) = receiver.recv() {
        let mut n_entries = first.len();
        let mut group = vec![first];
        while n_entries < MAX_ENTRIES_PER_COMMIT {
            let Ok(next) = receiver.try_recv() else {
                break;
            };
            n_entries += next.len();
            group.push(next);
        }
        let n_submissions = group.len();

        let started = Instant::now();
        let mut done = Vec::with_capacity(n_submissions);
        let mut unwritten = group.into_iter();
        let result = write_group(&mut journal, &mut unwritten, &mut done);
        let elapsed = started.elapsed();
        n_commits.fetch_add(1, Ordering::Relaxed);
        observer(&CommitReport {
            n_submissions,
            n_entries,
            n_new: if result.is_ok() {
                done.iter().map(Done::n_new).sum()
            } else {
                0
            },
            elapsed,
            succeeded: result.is_ok(),
        });

        if let Some(checkpointer) = &checkpointer {
            checkpointer.wake();
        }
        match result {
            Ok(()) => done.into_iter().for_each(Done::answer),
            Err(error) => {
                for one in done {
                    one.fail(error.clone());
                }
                for submission in unwritten {
                    submission.fail(error.clone());
                }
            }
        }
        if let Some(checkpointer) = &checkpointer {
            // After the answers, so no submitter of this group waits for it.
            checkpointer.bound_wal(&journal);
        }
    }
    if let Some(checkpointer) = checkpointer {
        checkpointer.stop(&journal);
    }
    journal
}

/// Copies the WAL into the database file from a thread and connection of its own, so no commit
/// waits for a checkpoint: the committer's connection has `wal_autocheckpoint` off while the
/// checkpointer runs (a checkpoint never takes the write lock, and the commits stay durable by
/// the WAL's fsync). Other connections keep their automatic checkpoints. Once the WAL passes
/// `WAL_LIMIT_PAGES` the committer checkpoints itself (`bound_wal`), so the next commit can
/// start the WAL over.
struct Checkpointer {
    wake: mpsc::SyncSender<()>,
    thread: thread::JoinHandle<()>,
    /// Frames in the WAL after the committer's last commit (its connection's WAL hook).
    wal_pages: Arc<AtomicI32>,
    /// Held by whichever of the thread and the committer is checkpointing: SQLite lets one
    /// checkpoint run at a time and a PASSIVE one answers BUSY at once when another runs, so
    /// without it the committer's checkpoint kept failing while the thread's copy lasted.
    running: Arc<Mutex<()>>,
    /// WAL length at which the committer next checkpoints (moved past the WAL's end when a
    /// reader kept the last checkpoint from copying every frame).
    next_try: Cell<i32>,
}

impl Checkpointer {
    /// `None` (the committer then checkpoints as SQLite does by default) when the store has no
    /// file name or the connection or thread cannot be had.
    fn start(journal: &mut Journal) -> Option<Self> {
        let path = journal
            .connection
            .path()
            .filter(|path| !path.is_empty())?
            .to_owned();
        let mut connection = rusqlite::Connection::open(&path).ok()?;
        crate::schema::configure(&mut connection).ok()?;
        let wal_pages = Arc::new(AtomicI32::new(0));
        let running = Arc::new(Mutex::new(()));
        let (wake, woken) = mpsc::sync_channel::<()>(1);
        let (thread_pages, thread_running) = (Arc::clone(&wal_pages), Arc::clone(&running));
        let thread = thread::Builder::new()
            .name("sar-store-ckpt".to_owned())
            .spawn(move || {
                while woken.recv().is_ok() {
                    // Past the limit the committer checkpoints; one copy is enough.
                    if thread_pages.load(Ordering::Relaxed) < WAL_LIMIT_PAGES {
                        // A poisoned lock only means a panic elsewhere: the `()` is intact.
                        let _running = thread_running
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner);
                        // PASSIVE: copies what no reader still needs, never waits for anyone.
                        // A failure is retried at the next wake-up; the WAL only grows meanwhile.
                        let _ = connection.wal_checkpoint_v2(None::<&str>, CheckpointMode::PASSIVE);
                    }
                    thread::sleep(CHECKPOINT_EVERY);
                }
            })
            .ok()?;
        // The automatic checkpoint is SQLite's own WAL hook: turn it off first, then hook in.
        let hooked = set_autocheckpoint(journal, 0).and_then(|_pages| {
            let hook_pages = Arc::clone(&wal_pages);
            journal
                .connection
                .wal_hook(Some(move |_wal: &mut rusqlite::hooks::Wal, pages| {
                    hook_pages.store(pages, Ordering::Relaxed);
                    Ok(())
                }))
        });
        if hooked.is_err() {
            drop(wake);
            let _ = thread.join();
            // Should this fail, the committer checkpoints by hand only: nothing is lost.
            let _ = set_autocheckpoint(journal, DEFAULT_AUTOCHECKPOINT);
            return None;
        }
        Some(Self {
            wake,
            thread,
            wal_pages,
            running,
            next_try: Cell::new(WAL_LIMIT_PAGES),
        })
    }

    /// Asks for a checkpoint (a no-op if one is already asked for).
    fn wake(&self) {
        let _ = self.wake.try_send(());
    }

    /// Checkpoints on the committer's connection once the WAL has passed `WAL_LIMIT_PAGES`,
    /// waiting for a copy the thread has under way. The committer appends nothing while it
    /// runs, so unless a reader still needs the WAL's end (or, in the embedded job, another
    /// connection commits meanwhile) it copies every frame, and the next commit starts the WAL
    /// over and cuts the file to `journal_size_limit`. PASSIVE: it never waits for a reader.
    /// When one kept it from copying everything, the next try waits for `RETRY_PAGES` more.
    fn bound_wal(&self, journal: &Journal) {
        let pages = self.wal_pages.load(Ordering::Relaxed);
        if pages < WAL_LIMIT_PAGES {
            self.next_try.set(WAL_LIMIT_PAGES);
            return;
        }
        if pages < self.next_try.get() {
            return;
        }
        let _running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        // An error (another process checkpointing) is retried after the next commit.
        if let Ok((log, copied)) = journal
            .connection
            .wal_checkpoint_v2(None::<&str>, CheckpointMode::PASSIVE)
        {
            self.next_try.set(if copied >= log {
                WAL_LIMIT_PAGES
            } else {
                log.saturating_add(RETRY_PAGES)
            });
        }
    }

    /// Stops the thread and gives the committer's connection its automatic checkpoints back.
    fn stop(self, journal: &Journal) {
        drop(self.wake);
        let _ = self.thread.join();
        // Setting the automatic checkpoint replaces the WAL hook. Should this fail, the
        // connection only keeps checkpointing by hand: nothing is lost.
        let _ = set_autocheckpoint(journal, DEFAULT_AUTOCHECKPOINT);
    }
}

fn set_autocheckpoint(journal: &Journal, pages: i64) -> rusqlite::Result<i64> {
    journal
        .connection
        .pragma_update_and_check(None, "wal_autocheckpoint", pages, |row| row.get(0))
}

/// A submission written in the open group transaction, answered once it commits.
enum Done {
    Appended(Reply, Vec<Appended>),
    Submitted(LedgerReply, Vec<LedgerReceipt>),
}

impl Done {
    fn n_new(&self) -> usize {
        match self {
            Self::Appended(_, appended) => appended.iter().filter(|one| one.is_new()).count(),
            Self::Submitted(_, receipts) => receipts
                .iter()
                .filter(|receipt| matches!(receipt.outcome, LedgerOutcome::Accepted { .. }))
                .count(),
        }
    }

    fn answer(self) {
        match self {
            Self::Appended(reply, appended) => reply(Ok(appended)),
            Self::Submitted(reply, receipts) => reply(Ok(receipts)),
        }
    }

    fn fail(self, error: StoreError) {
        match self {
            Self::Appended(reply, _) => reply(Err(error)),
            Self::Submitted(reply, _) => reply(Err(error)),
        }
    }
}

/// Writes the submissions of `unwritten`, in order, in one transaction, moving each to `done`.
/// On error the transaction rolls back; the submission that failed has been answered, the
/// caller answers `done` and what is left in `unwritten`.
fn write_group(
    journal: &mut Journal,
    unwritten: &mut std::vec::IntoIter<Submission>,
    done: &mut Vec<Done>,
) -> Result<(), StoreError> {
    let transaction = journal
        .connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(StoreError::sqlite("begin a group commit"))?;
    for submission in unwritten.by_ref() {
        match submission {
            Submission::Append { entries, reply } => match append_in(&transaction, &entries) {
                Ok(appended) => done.push(Done::Appended(reply, appended)),
                Err(error) => {
                    reply(Err(error.clone()));
                    return Err(error);
                }
            },
            Submission::Ledger { submissions, reply } => {
                match submit_in(&transaction, submissions) {
                    Ok(receipts) => done.push(Done::Submitted(reply, receipts)),
                    Err(error) => {
                        reply(Err(error.clone()));
                        return Err(error);
                    }
                }
            }
        }
    }
    transaction
        .commit()
        .map_err(StoreError::sqlite("commit a group"))
}

#[cfg(test)]
mod tests;
