//! The indexer task: the one owner of the index writer. It upserts what the driver applies,
//! commits every `commit_every_docs` documents or `commit_interval` after the first uncommitted
//! apply, with the driver's last checkpoint as the commit payload, and publishes that checkpoint
//! once the commit has returned (style guide §3.7).
//!
//! Upserts and commits run on the blocking pool, so the runtime never waits on tantivy.
//! Dropping the handle without `shutdown` discards what was not committed, as a crash would: the
//! driver resumes from `ReportIndex::last_commit_payload` and re-applies, and upserts by report
//! id leave no doubles.

use std::{sync::Arc, time::Duration};

use tokio::{
    sync::{mpsc, oneshot, watch},
    task::JoinHandle,
    time::Instant,
};

use sar_index::{IndexError, ReportIndex, ReportWriter};
use sar_model::records::RoutedRecord;
use sar_telemetry::{IndexMetrics, Metrics};

use crate::IndexerError;

/// How the indexer batches commits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexerConfig {
    /// Commit once this many documents are pending.
    pub commit_every_docs: u64,
    /// Commit this long after the first uncommitted apply, however few documents are pending.
    pub commit_interval: Duration,
    /// Indexing memory of the writer, over all its threads (at least 15 MB per thread).
    pub writer_memory_bytes: usize,
    /// Applies queued ahead of the task before `apply` waits (backpressure).
    pub queue_capacity: usize,
}

impl Default for IndexerConfig {
    fn default() -> Self {
        Self {
            commit_every_docs: 5_000,
            commit_interval: Duration::from_secs(1),
            writer_memory_bytes: 100_000_000,
            queue_capacity: 8,
        }
    }
}

/// The driver's side of the indexer task.
#[derive(Debug)]
pub struct IndexerHandle {
    commands: mpsc::Sender<Command>,
    committed: watch::Receiver<Option<String>>,
    task: JoinHandle<Result<(), IndexerError>>,
}

/// See [`IndexerHandle::client`].
#[derive(Debug, Clone)]
pub struct IndexerClient {
    commands: mpsc::Sender<Command>,
}

impl IndexerClient {
    /// As [`IndexerHandle::apply`].
    pub async fn apply(
        &self,
        records: Vec<RoutedRecord>,
        checkpoint: String,
    ) -> Result<(), IndexerError> {
        self.commands
            .send(Command::Apply {
                records,
                checkpoint,
            })
            .await
            .map_err(|_| IndexerError::Stopped)
    }

    /// As [`IndexerHandle::flush`].
    pub async fn flush(&self) -> Result<Option<String>, IndexerError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(Command::Flush { reply })
            .await
            .map_err(|_| IndexerError::Stopped)?;
        answer.await.map_err(|_| IndexerError::Stopped)?
    }
}

enum Command {
    Apply {
        records: Vec<RoutedRecord>,
        checkpoint: String,
    },
    Flush {
        reply: oneshot::Sender<Result<Option<String>, IndexerError>>,
    },
    Shutdown,
}

/// Starts the indexer task on the current runtime. It takes the index's only writer:
/// `IndexerError::Index(IndexError::WriterBusy)` when another writer holds it.
pub fn spawn_indexer(
    index: Arc<ReportIndex>,
    config: IndexerConfig,
    metrics: &Metrics,
) -> Result<IndexerHandle, IndexerError> {
    let writer = index.writer(config.writer_memory_bytes)?;
    let last = index.last_commit_payload()?;
    let (commands, inbox) = mpsc::channel(config.queue_capacity.max(1));
    let (committed_tx, committed) = watch::channel(last);
    let task = Task {
        writer: Some(writer),
        config,
        metrics: metrics.index(),
        committed: committed_tx,
        pending_docs: 0,
        pending_checkpoint: None,
        pending_since: None,
    };
    let task = tokio::spawn(task.run(inbox));
    Ok(IndexerHandle {
        commands,
        committed,
        task,
    })
}

impl IndexerHandle {
    /// Queues records for the index; `checkpoint` (opaque to the indexer) is the driver's
    /// position after them, stored with the commit that covers them. Waits while the queue is
    /// full.
    pub async fn apply(
        &self,
        records: Vec<RoutedRecord>,
        checkpoint: String,
    ) -> Result<(), IndexerError> {
        self.client().apply(records, checkpoint).await
    }

    /// Commits what is pending now; returns the last committed checkpoint.
    pub async fn flush(&self) -> Result<Option<String>, IndexerError> {
        self.client().flush().await
    }

    /// A cloneable sender of `apply` and `flush`, for drivers running beside the owner of the
    /// handle (who alone can shut the task down).
    pub fn client(&self) -> IndexerClient {
        IndexerClient {
            commands: self.commands.clone(),
        }
    }

    /// The checkpoint of the last commit (starting with the one the index was opened at). It
    /// changes only after the commit that covers it has returned.
    pub fn committed(&self) -> watch::Receiver<Option<String>> {
        self.committed.clone()
    }

    /// Commits what is pending and stops the task; returns the error that stopped it, if one
    /// did.
    pub async fn shutdown(self) -> Result<(), IndexerError> {
        // A send error means the task has already stopped: its result says why.
        let _ = self.commands.send(Command::Shutdown).await;
        match self.task.await {
            Ok(result) => result,
            Err(_) => Err(IndexerError::Panicked),
        }
    }
}

struct Task {
    writer: Option<ReportWriter>,
    config: IndexerConfig,
    metrics: IndexMetrics,
    committed: watch::Sender<Option<String>>,
    pending_docs: u64,
    pending_checkpoint: Option<String>,
    pending_since: Option<Instant>,
}

impl Task {
    async fn run(mut self, mut inbox: mpsc::Receiver<Command>) -> Result<(), IndexerError> {
        let result = self.serve(&mut inbox).await;
        if let Err(error) = &result {
            tracing::error!(stage = "index", error = %error, "indexer stopped");
        }
        // Release the index lock before the watch closes, so a driver that saw the watch close
        // can open a new writer.
        drop(self.writer.take());
        result
    }

    async fn serve(&mut self, inbox: &mut mpsc::Receiver<Command>) -> Result<(), IndexerError> {
        loop {
            let deadline = self
                .pending_since
                .map(|since| since + self.config.commit_interval);
            let command = tokio::select! {
                command = inbox.recv() => command,
                () = sleep_until(deadline) => {
                    self.commit().await?;
                    continue;
                }
            };
            match command {
                Some(Command::Apply {
                    records,
                    checkpoint,
                }) => {
                    self.apply(records, checkpoint).await?;
                    if self.pending_docs >= self.config.commit_every_docs {
                        self.commit().await?;
                    }
                }
                Some(Command::Flush { reply }) => {
                    let result = self.commit().await;
                    let answer = match &result {
                        Ok(()) => Ok(self.committed.borrow().clone()),
                        Err(error) => Err(error.clone()),
                    };
                    let _ = reply.send(answer);
                    result?;
                }
                Some(Command::Shutdown) => return self.commit().await,
                // Every handle dropped without shutdown: what is pending is not committed.
                None => return Ok(()),
            }
        }
    }

    async fn apply(
        &mut self,
        records: Vec<RoutedRecord>,
        checkpoint: String,
    ) -> Result<(), IndexerError> {
        let skipped = self
            .with_writer(move |writer| {
                let mut skipped = Vec::new();
                for record in &records {
                    match writer.upsert(record) {
                        Ok(()) => {}
                        Err(IndexError::Encode(reason)) => {
                            let report = &record.gated.scored.normalized.report;
                            skipped.push((report.report_id.to_string(), reason));
                        }
                        Err(error) => return Err(error),
                    }
                }
                Ok((records.len() - skipped.len(), skipped))
            })
            .await??;
        let (applied, skipped) = skipped;
        for (record_id, reason) in skipped {
            tracing::warn!(
                stage = "index",
                record_id,
                error = reason,
                "record not indexed"
            );
        }
        self.pending_docs += applied as u64;
        self.pending_checkpoint = Some(checkpoint);
        self.pending_since.get_or_insert_with(Instant::now);
        Ok(())
    }

    async fn commit(&mut self) -> Result<(), IndexerError> {
        let Some(checkpoint) = self.pending_checkpoint.take() else {
            return Ok(());
        };
        let payload = checkpoint.clone();
        let (elapsed, result) = self
            .with_writer(move |writer| {
                let started = std::time::Instant::now();
                let result = writer.commit(&payload);
                (started.elapsed(), result)
            })
            .await?;
        result?;
        self.metrics.observe_commit(elapsed.as_secs_f64());
        self.metrics.documents(self.pending_docs);
        tracing::debug!(
            stage = "index",
            batch_size = self.pending_docs,
            elapsed_ms = elapsed.as_millis() as u64,
            "index committed"
        );
        self.pending_docs = 0;
        self.pending_since = None;
        self.committed.send_replace(Some(checkpoint));
        Ok(())
    }

    /// Runs `work` with the writer on the blocking pool.
    async fn with_writer<T: Send + 'static>(
        &mut self,
        work: impl FnOnce(&mut ReportWriter) -> T + Send + 'static,
    ) -> Result<T, IndexerError> {
        let mut writer = self.writer.take().ok_or(IndexerError::Stopped)?;
        let (writer, out) = tokio::task::spawn_blocking(move || {
            let out = work(&mut writer);
            (writer, out)
        })
        .await
        .map_err(|_| IndexerError::Panicked)?;
        self.writer = Some(writer);
        Ok(out)
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests;
