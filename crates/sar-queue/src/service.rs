//! `QueueService`: the store connection, the clock and the config the handlers share, and
//! `ingest`, which turns routed records into queue items.

use std::{
    collections::HashMap,
    path::Path,
    sync::{Arc, Mutex},
};

use sar_model::{
    NormalizedRecord, RoutedRecord,
    records::{DestinationKind, QueueName},
};
use sar_normalize::near_duplicate;
use sar_store::{IngestOutcome, Journal, QueueItemInput, QueueScope, StoreError};
use sar_telemetry::Metrics;
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

use crate::{QueueError, config::QueueConfig};

/// The clock of the service (replaceable in tests).
pub type Clock = Arc<dyn Fn() -> OffsetDateTime + Send + Sync>;

/// The queue service: cheap to clone, one store connection shared by its clones.
#[derive(Clone)]
pub struct QueueService {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for QueueService {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("QueueService")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

struct Inner {
    config: QueueConfig,
    store: Mutex<Journal>,
    metrics: Metrics,
    clock: Clock,
}

impl QueueService {
    /// The service over its own connection to the store file at `store_path` (created and
    /// migrated if needed).
    pub fn open(
        store_path: &Path,
        config: QueueConfig,
        metrics: Metrics,
    ) -> Result<Self, QueueError> {
        config.validate()?;
        let store = Journal::open(store_path)?;
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                store: Mutex::new(store),
                metrics,
                clock: Arc::new(OffsetDateTime::now_utc),
            }),
        })
    }

    /// The same service reading time from `clock` (tests). Call it right after `open`.
    #[must_use]
    pub fn with_clock(self, clock: Clock) -> Self {
        match Arc::try_unwrap(self.inner) {
            Ok(inner) => Self {
                inner: Arc::new(Inner { clock, ..inner }),
            },
            Err(inner) => Self { inner },
        }
    }

    pub fn config(&self) -> &QueueConfig {
        &self.inner.config
    }

    pub(crate) fn now(&self) -> OffsetDateTime {
        (self.inner.clock)()
    }

    /// Queues `records` and moves `checkpoint` (`(consumer, seq)`) in one store transaction.
    /// A record is queued in the queue of its first analyst-queue route (a record without one
    /// is skipped); a report already queued is a duplicate. New items are linked to the queued
    /// reports (and to the others of this call) that `sar_normalize::near_duplicate` finds
    /// alike (T-27: linked, never merged); their status becomes `queued`. Blocking: call it
    /// from a blocking thread.
    pub fn ingest(
        &self,
        records: &[RoutedRecord],
        checkpoint: Option<(&str, u64)>,
    ) -> Result<IngestOutcome, QueueError> {
        let mut store = self.lock();
        let threshold = self.inner.config.near_duplicate;
        let mut items = Vec::with_capacity(records.len());
        let mut links = Vec::new();
        let mut queued_here: Vec<(String, &NormalizedRecord)> = Vec::new();
        let mut decoded: HashMap<String, Option<NormalizedRecord>> = HashMap::new();
        for record in records {
            let Some(route) = record.routes.iter().find(|route| {
                route.destination == DestinationKind::AnalystQueue && route.queue.is_some()
            }) else {
                continue;
            };
            let Some(queue) = route.queue else {
                continue;
            };
            let normalized = &record.gated.scored.normalized;
            let report = &normalized.report;
            let report_id = report.report_id.to_string();
            let behavior_codes: Vec<String> = report
                .behavior_codes
                .iter()
                .map(|code| code.code().to_owned())
                .collect();
            let time_bucket = normalized.dedup.time_bucket;

            let candidates = store.near_duplicate_candidates(
                &behavior_codes,
                time_bucket,
                threshold.max_hours,
            )?;
            for (other_id, payload) in candidates {
                if other_id == report_id {
                    continue;
                }
                let other = decoded.entry(other_id.clone()).or_insert_with(|| {
                    let parsed = serde_json::from_slice::<RoutedRecord>(&payload);
                    if parsed.is_err() {
                        tracing::warn!(
                            service = "queue",
                            record_id = %other_id,
                            error_code = "undecodable_payload",
                            "failed to decode a queued record; not compared"
                        );
                    }
                    parsed.ok().map(|routed| routed.gated.scored.normalized)
                });
                if other
                    .as_ref()
                    .is_some_and(|other| near_duplicate(normalized, other, &threshold))
                {
                    links.push((report_id.clone(), other_id));
                }
            }
            for (other_id, other) in &queued_here {
                if *other_id != report_id && near_duplicate(normalized, other, &threshold) {
                    links.push((report_id.clone(), other_id.clone()));
                }
            }

            let received_at = report.received_at.utc();
            let sla_due_at = received_at + self.inner.config.sla.of(queue);
            items.push(QueueItemInput {
                report_id: report_id.clone(),
                queue,
                priority: route.priority,
                score: record.gated.scored.score.value,
                jurisdiction: report.location.jurisdiction.clone(),
                agency: report.submitter.org_id.clone(),
                gate_outcome: record.gated.decision.outcome.as_str().to_owned(),
                received_at: report.received_at.to_rfc3339(),
                routed_at: record.routed_at.to_rfc3339(),
                sla_due_at: rfc3339(sla_due_at)?,
                behavior_codes,
                time_bucket,
                payload: serde_json::to_vec(record).map_err(|_| QueueError::Encode)?,
            });
            queued_here.push((report_id, normalized));
        }
        let outcome = store.ingest_queue_items(&items, &links, checkpoint)?;
        tracing::debug!(
            service = "queue",
            batch_size = records.len(),
            inserted = outcome.inserted,
            duplicates = outcome.duplicates,
            "queued routed records"
        );
        self.refresh_gauges(&store);
        Ok(outcome)
    }

    /// Runs `work` with the store connection and the current time on the blocking pool;
    /// a store error becomes a 500 problem (logged once, here).
    pub(crate) async fn with_store<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Journal, OffsetDateTime) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, sar_http::Problem> {
        let service = self.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let now = service.now();
            let mut store = service.lock();
            work(&mut store, now)
        })
        .await;
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => {
                tracing::error!(service = "queue", %error, "store call failed");
                Err(sar_http::Problem::internal())
            }
            Err(_) => {
                tracing::error!(service = "queue", "a store task panicked");
                Err(sar_http::Problem::internal())
            }
        }
    }

    /// Sets the open-cases gauge of every queue (after changes; failures only logged).
    pub(crate) fn refresh_gauges(&self, store: &Journal) {
        match store.queue_counts(&QueueScope::all(), self.now()) {
            Ok(counts) => {
                for count in counts {
                    let open = i64::try_from(count.open + count.claimed).unwrap_or(i64::MAX);
                    self.inner
                        .metrics
                        .queue_open_cases(queue_label(count.queue), open);
                }
            }
            Err(error) => {
                tracing::warn!(service = "queue", %error, "failed to count the queues");
            }
        }
    }

    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, Journal> {
        // A poisoned lock means a panic mid-call; SQLite rolled its transaction back, so the
        // connection is still sound.
        self.inner
            .store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn queue_label(queue: QueueName) -> &'static str {
    queue.as_str()
}

pub(crate) fn rfc3339(at: OffsetDateTime) -> Result<String, QueueError> {
    at.format(&Rfc3339).map_err(|_| QueueError::Encode)
}

#[cfg(test)]
pub(crate) mod tests;
