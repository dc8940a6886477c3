//! `GroupCommitter`: one thread owns a `Journal`; concurrent submitters queue entries and every
//! queued submission is appended in one transaction (one fsync for many submitters).

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
        mpsc,
    },
    thread,
    time::{Duration, Instant},
};

use crate::{Appended, Journal, NewEntry, StoreError};

/// Most entries one transaction takes from the queue (a single larger submission still goes in
/// one transaction of its own).
const MAX_ENTRIES_PER_COMMIT: usize = 4096;
/// Submissions that may wait in the queue; `submit` blocks beyond this (backpressure).
const QUEUE_CAPACITY: usize = 1024;

type Reply = Box<dyn FnOnce(Result<Vec<Appended>, StoreError>) + Send + 'static>;
type Observer = Box<dyn FnMut(&CommitReport) + Send + 'static>;

struct Submission {
    entries: Vec<NewEntry>,
    reply: Reply,
}

/// What one group commit did, for the caller's metrics (this crate links no metrics crate).
#[derive(Debug, Clone, PartialEq)]
pub struct CommitReport {
    /// Submissions answered by this transaction.
    pub n_submissions: usize,
    /// Entries in the transaction.
    pub n_entries: usize,
    /// Entries that were new (the rest were duplicates).
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
        let submission = Submission {
            entries,
            reply: Box::new(reply),
        };
        let Some(sender) = &self.sender else {
            (submission.reply)(Err(StoreError::CommitterStopped));
            return;
        };
        if let Err(mpsc::SendError(submission)) = sender.send(submission) {
            (submission.reply)(Err(StoreError::CommitterStopped));
        }
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
    while let Ok(first) = receiver.recv() {
        let mut n_entries = first.entries.len();
        let mut group = vec![first];
        while n_entries < MAX_ENTRIES_PER_COMMIT {
            let Ok(next) = receiver.try_recv() else {
                break;
            };
            n_entries += next.entries.len();
            group.push(next);
        }
        let mut entries = Vec::with_capacity(n_entries);
        let mut replies = Vec::with_capacity(group.len());
        for submission in group {
            replies.push((submission.entries.len(), submission.reply));
            entries.extend(submission.entries);
        }

        let started = Instant::now();
        let result = journal.append(&entries);
        let elapsed = started.elapsed();
        n_commits.fetch_add(1, Ordering::Relaxed);
        observer(&CommitReport {
            n_submissions: replies.len(),
            n_entries,
            n_new: result.as_ref().map_or(0, |appended| {
                appended.iter().filter(|one| one.is_new()).count()
            }),
            elapsed,
            succeeded: result.is_ok(),
        });

        match result {
            Ok(appended) => {
                let mut remaining = appended.into_iter();
                for (n_submitted, reply) in replies {
                    reply(Ok(remaining.by_ref().take(n_submitted).collect()));
                }
            }
            Err(error) => {
                for (_, reply) in replies {
                    reply(Err(error.clone()));
                }
            }
        }
    }
    journal
}

#[cfg(test)]
mod tests;
