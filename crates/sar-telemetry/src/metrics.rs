//! Every sarflow metric, declared here and nowhere else (style guide §3.5), in a registry owned
//! by `Metrics` (never the global default one), with typed helpers so call sites cannot misspell
//! a name or pass an unbounded label.
//!
//! Names are `sarflow_<subsystem>_<what>[_<unit>]`: counters end in `_total`, durations are
//! histograms in `_seconds`, sizes are unitless histograms in `_size`, gauges have no suffix.
//! The naming test in `metrics/tests.rs` renders every metric and checks these rules.

use std::sync::Arc;

use prometheus::{
    Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGaugeVec, Opts, Registry,
    core::Collector,
};

/// Durations from 10 µs to 10 s, three buckets per decade.
const DURATION_BUCKETS: [f64; 19] = [
    0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025,
    0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Batch sizes from 1 to 4096, powers of two.
const SIZE_BUCKETS: [f64; 13] = [
    1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 2048.0, 4096.0,
];

/// Every sarflow metric, in its own registry. Cheap to clone (an `Arc` inside).
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

struct Inner {
    registry: Registry,
    n_registered: usize,

    stage_records_received: IntCounterVec,
    stage_records_sent: IntCounterVec,
    stage_records_dropped: IntCounterVec,
    stage_errors: IntCounterVec,
    stage_processing_duration: HistogramVec,
    stage_batch_size: HistogramVec,

    kafka_consumer_lag: IntGaugeVec,
    kafka_produce_errors: IntCounterVec,
    kafka_commits: IntCounterVec,

    journal_appended_records: IntCounter,
    journal_commit_duration: Histogram,
    journal_commit_batch_size: Histogram,
    journal_replayed_records: IntCounter,
    sink_records: IntCounterVec,

    http_requests: IntCounterVec,
    http_request_duration: HistogramVec,

    index_commit_duration: Histogram,
    index_documents: IntCounter,

    queue_open_cases: IntGaugeVec,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Metrics")
            .field("n_registered", &self.inner.n_registered)
            .finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// Registers metrics and counts them, so the naming test can tell that it saw every one.
struct Registrar {
    registry: Registry,
    n_registered: usize,
}

impl Registrar {
    /// # Panics
    /// On an invalid or duplicate metric definition: a broken invariant of this file, caught by
    /// the naming test, never by data.
    fn add<C: Collector + Clone + 'static>(&mut self, collector: prometheus::Result<C>) -> C {
        let collector = collector.expect("metric definitions in metrics.rs are valid");
        self.registry
            .register(Box::new(collector.clone()))
            .expect("metric names in metrics.rs are distinct");
        self.n_registered += 1;
        collector
    }
}

fn counter_vec(name: &str, help: &str, labels: &[&str]) -> prometheus::Result<IntCounterVec> {
    IntCounterVec::new(Opts::new(name, help), labels)
}

fn counter(name: &str, help: &str) -> prometheus::Result<IntCounter> {
    IntCounter::with_opts(Opts::new(name, help))
}

fn gauge_vec(name: &str, help: &str, labels: &[&str]) -> prometheus::Result<IntGaugeVec> {
    IntGaugeVec::new(Opts::new(name, help), labels)
}

fn histogram_vec(
    name: &str,
    help: &str,
    buckets: &[f64],
    labels: &[&str],
) -> prometheus::Result<HistogramVec> {
    HistogramVec::new(
        HistogramOpts::new(name, help).buckets(buckets.to_vec()),
        labels,
    )
}

fn histogram(name: &str, help: &str, buckets: &[f64]) -> prometheus::Result<Histogram> {
    Histogram::with_opts(HistogramOpts::new(name, help).buckets(buckets.to_vec()))
}

impl Metrics {
    /// A fresh registry holding every sarflow metric.
    pub fn new() -> Self {
        let mut registrar = Registrar {
            registry: Registry::new(),
            n_registered: 0,
        };
        let stage_records_received = registrar.add(counter_vec(
            "sarflow_stage_records_received_total",
            "Records a stage took from its input.",
            &["stage"],
        ));
        let stage_records_sent = registrar.add(counter_vec(
            "sarflow_stage_records_sent_total",
            "Records a stage wrote to its output.",
            &["stage"],
        ));
        let stage_records_dropped = registrar.add(counter_vec(
            "sarflow_stage_records_dropped_total",
            "Records a stage did not pass on: filtered (intentional) or rejected to the DLQ.",
            &["stage", "reason", "intentional"],
        ));
        let stage_errors = registrar.add(counter_vec(
            "sarflow_stage_errors_total",
            "Errors in a stage, by bounded error code.",
            &["stage", "error_code"],
        ));
        let stage_processing_duration = registrar.add(histogram_vec(
            "sarflow_stage_processing_duration_seconds",
            "Time a stage spent processing one batch.",
            &DURATION_BUCKETS,
            &["stage"],
        ));
        let stage_batch_size = registrar.add(histogram_vec(
            "sarflow_stage_batch_size",
            "Records per batch a stage processed.",
            &SIZE_BUCKETS,
            &["stage"],
        ));
        let kafka_consumer_lag = registrar.add(gauge_vec(
            "sarflow_kafka_consumer_lag_records",
            "Records between a consumer's position and the partition's high watermark.",
            &["stage", "topic", "partition"],
        ));
        let kafka_produce_errors = registrar.add(counter_vec(
            "sarflow_kafka_produce_errors_total",
            "Failed produce attempts, by bounded error code.",
            &["stage", "error_code"],
        ));
        let kafka_commits = registrar.add(counter_vec(
            "sarflow_kafka_commits_total",
            "Offset commits, by outcome.",
            &["stage", "outcome"],
        ));
        let journal_appended_records = registrar.add(counter(
            "sarflow_journal_appended_records_total",
            "New records appended to the embedded journal (duplicates not counted).",
        ));
        let journal_commit_duration = registrar.add(histogram(
            "sarflow_journal_commit_duration_seconds",
            "Time of one journal transaction (group commit).",
            &DURATION_BUCKETS,
        ));
        let journal_commit_batch_size = registrar.add(histogram(
            "sarflow_journal_commit_batch_size",
            "Entries written by one journal transaction (group commit).",
            &SIZE_BUCKETS,
        ));
        let journal_replayed_records = registrar.add(counter(
            "sarflow_journal_replayed_records_total",
            "Journal records replayed after a restart from a sink checkpoint.",
        ));
        let sink_records = registrar.add(counter_vec(
            "sarflow_sink_records_total",
            "Records delivered to an idempotent sink, inserted or recognised as duplicates.",
            &["sink", "outcome"],
        ));
        let http_requests = registrar.add(counter_vec(
            "sarflow_http_requests_total",
            "HTTP requests, by matched route and status code.",
            &["service", "route", "status"],
        ));
        let http_request_duration = registrar.add(histogram_vec(
            "sarflow_http_request_duration_seconds",
            "HTTP request duration, by matched route.",
            &DURATION_BUCKETS,
            &["service", "route"],
        ));
        let index_commit_duration = registrar.add(histogram(
            "sarflow_index_commit_duration_seconds",
            "Time of one search index commit.",
            &DURATION_BUCKETS,
        ));
        let index_documents = registrar.add(counter(
            "sarflow_index_documents_total",
            "Documents written to the search index.",
        ));
        let queue_open_cases = registrar.add(gauge_vec(
            "sarflow_queue_open_cases",
            "Open cases in an analyst queue.",
            &["queue"],
        ));
        let Registrar {
            registry,
            n_registered,
        } = registrar;
        Self {
            inner: Arc::new(Inner {
                registry,
                n_registered,
                stage_records_received,
                stage_records_sent,
                stage_records_dropped,
                stage_errors,
                stage_processing_duration,
                stage_batch_size,
                kafka_consumer_lag,
                kafka_produce_errors,
                kafka_commits,
                journal_appended_records,
                journal_commit_duration,
                journal_commit_batch_size,
                journal_replayed_records,
                sink_records,
                http_requests,
                http_request_duration,
                index_commit_duration,
                index_documents,
                queue_open_cases,
            }),
        }
    }

    /// The stage set of one stage (`normalize`, `score`, ...), with its label values resolved
    /// once.
    pub fn stage(&self, stage: &'static str) -> StageMetrics {
        let inner = &self.inner;
        StageMetrics {
            stage,
            received: inner.stage_records_received.with_label_values(&[stage]),
            sent: inner.stage_records_sent.with_label_values(&[stage]),
            processing: inner.stage_processing_duration.with_label_values(&[stage]),
            batch_size: inner.stage_batch_size.with_label_values(&[stage]),
            metrics: self.clone(),
        }
    }

    /// Sets the consumer lag of one partition (topic names are a fixed set, so bounded).
    pub fn consumer_lag(&self, stage: &'static str, topic: &str, partition: i32, lag: i64) {
        self.inner
            .kafka_consumer_lag
            .with_label_values(&[stage, topic, &partition.to_string()])
            .set(lag);
    }

    /// Counts a failed produce attempt.
    pub fn kafka_produce_error(&self, stage: &'static str, error_code: &'static str) {
        self.inner
            .kafka_produce_errors
            .with_label_values(&[stage, error_code])
            .inc();
    }

    /// Counts an offset commit; `outcome` is a bounded word such as `ok` or `error`.
    pub fn kafka_commit(&self, stage: &'static str, outcome: &'static str) {
        self.inner
            .kafka_commits
            .with_label_values(&[stage, outcome])
            .inc();
    }

    /// The embedded journal and sink metrics.
    pub fn journal(&self) -> JournalMetrics {
        JournalMetrics {
            metrics: self.clone(),
        }
    }

    /// HTTP metrics of one service (`intake`, `queue`, ...).
    pub fn http(&self, service: &'static str) -> HttpMetrics {
        HttpMetrics {
            service,
            metrics: self.clone(),
        }
    }

    /// Search index metrics.
    pub fn index(&self) -> IndexMetrics {
        IndexMetrics {
            metrics: self.clone(),
        }
    }

    /// Sets the number of open cases in one analyst queue.
    pub fn queue_open_cases(&self, queue: &'static str, open_cases: i64) {
        self.inner
            .queue_open_cases
            .with_label_values(&[queue])
            .set(open_cases);
    }

    /// Every metric with at least one sample, in the Prometheus text format 0.0.4.
    pub fn render(&self) -> String {
        let families = self.inner.registry.gather();
        let mut text = String::new();
        if let Err(error) = prometheus::TextEncoder::new().encode_utf8(&families, &mut text) {
            // Only malformed families fail to encode, which `Registrar::add` rules out.
            tracing::warn!(%error, "failed to render metrics");
        }
        text
    }

    /// How many metrics the registry holds (for the naming test).
    #[cfg(test)]
    fn n_registered(&self) -> usize {
        self.inner.n_registered
    }
}

/// The stage set for one stage: `sarflow_stage_*{stage}` plus its Kafka metrics. Count per
/// batch, not per record.
#[derive(Clone)]
pub struct StageMetrics {
    stage: &'static str,
    received: IntCounter,
    sent: IntCounter,
    processing: Histogram,
    batch_size: Histogram,
    metrics: Metrics,
}

impl std::fmt::Debug for StageMetrics {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("StageMetrics")
            .field("stage", &self.stage)
            .finish_non_exhaustive()
    }
}

impl StageMetrics {
    pub fn stage(&self) -> &'static str {
        self.stage
    }

    pub fn received(&self, n_records: u64) {
        self.received.inc_by(n_records);
    }

    pub fn sent(&self, n_records: u64) {
        self.sent.inc_by(n_records);
    }

    /// Records not passed on: `intentional` for filtered records, not for rejects sent to the
    /// DLQ; `reason` is a bounded code.
    pub fn dropped(&self, reason: &'static str, intentional: bool, n_records: u64) {
        let intentional = if intentional { "true" } else { "false" };
        self.metrics
            .inner
            .stage_records_dropped
            .with_label_values(&[self.stage, reason, intentional])
            .inc_by(n_records);
    }

    pub fn error(&self, error_code: &'static str) {
        self.metrics
            .inner
            .stage_errors
            .with_label_values(&[self.stage, error_code])
            .inc();
    }

    /// Time spent on one batch.
    pub fn observe_processing(&self, seconds: f64) {
        self.processing.observe(seconds);
    }

    pub fn observe_batch_size(&self, n_records: usize) {
        // Precision loss above 2^53 records per batch is irrelevant.
        self.batch_size.observe(n_records as f64);
    }

    pub fn consumer_lag(&self, topic: &str, partition: i32, lag: i64) {
        self.metrics.consumer_lag(self.stage, topic, partition, lag);
    }

    pub fn produce_error(&self, error_code: &'static str) {
        self.metrics.kafka_produce_error(self.stage, error_code);
    }

    pub fn commit(&self, outcome: &'static str) {
        self.metrics.kafka_commit(self.stage, outcome);
    }
}

/// The embedded journal and its idempotent sinks.
#[derive(Debug, Clone)]
pub struct JournalMetrics {
    metrics: Metrics,
}

impl JournalMetrics {
    /// New records appended (duplicates excluded).
    pub fn appended(&self, n_records: u64) {
        self.metrics
            .inner
            .journal_appended_records
            .inc_by(n_records);
    }

    /// One journal transaction: its duration and how many entries it wrote.
    pub fn observe_commit(&self, seconds: f64, n_entries: usize) {
        self.metrics.inner.journal_commit_duration.observe(seconds);
        self.metrics
            .inner
            .journal_commit_batch_size
            .observe(n_entries as f64);
    }

    pub fn replayed(&self, n_records: u64) {
        self.metrics
            .inner
            .journal_replayed_records
            .inc_by(n_records);
    }

    /// One delivery to a sink (`routed`, `dlq`, ...): items inserted and items already there.
    pub fn sink_delivered(&self, sink: &'static str, inserted: u64, duplicates: u64) {
        let sink_records = &self.metrics.inner.sink_records;
        sink_records
            .with_label_values(&[sink, "inserted"])
            .inc_by(inserted);
        sink_records
            .with_label_values(&[sink, "duplicate"])
            .inc_by(duplicates);
    }
}

/// HTTP metrics of one service.
#[derive(Debug, Clone)]
pub struct HttpMetrics {
    service: &'static str,
    metrics: Metrics,
}

impl HttpMetrics {
    /// One finished request; `route` is the matched path (`/reports/{id}`, a bounded set),
    /// never the raw URI.
    pub fn request(&self, route: &str, status: u16, seconds: f64) {
        let inner = &self.metrics.inner;
        inner
            .http_requests
            .with_label_values(&[self.service, route, &status.to_string()])
            .inc();
        inner
            .http_request_duration
            .with_label_values(&[self.service, route])
            .observe(seconds);
    }
}

/// Search index metrics.
#[derive(Debug, Clone)]
pub struct IndexMetrics {
    metrics: Metrics,
}

impl IndexMetrics {
    pub fn observe_commit(&self, seconds: f64) {
        self.metrics.inner.index_commit_duration.observe(seconds);
    }

    pub fn documents(&self, n_documents: u64) {
        self.metrics.inner.index_documents.inc_by(n_documents);
    }
}

#[cfg(test)]
mod tests;
