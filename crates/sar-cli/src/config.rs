//! One typed config struct per service (style guide §3.3): `sarflow serve <stage>` reads a
//! [`StageServiceConfig`], `sarflow run` a [`RunConfig`]. Both come from defaults < the file named
//! by `--config` < `SARFLOW_<SERVICE>__<SECTION>__<KEY>` environment entries, then `--kafka`
//! overrides the brokers. The reference files live in `deploy/config/` and a test parses each.

use std::{collections::BTreeMap, net::SocketAddr, num::NonZeroU32, path::PathBuf, time::Duration};

use anyhow::Context;
use sar_bus::kafka::KafkaConfig;
use sar_config::Secret;
use sar_telemetry::TelemetryConfig;
use serde::Deserialize;

/// Parameters of the four pure stages, shared by `serve` and `run`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PipelineParams {
    /// Longest narrative accepted, in characters.
    #[serde(default = "default_max_narrative_chars")]
    pub(crate) max_narrative_chars: usize,
    /// Days a tip or lead is kept before review or purge.
    #[serde(default = "default_tips_leads_ttl_days")]
    pub(crate) tips_leads_ttl_days: u32,
    /// A rule pack file; none means the pack shipped in sar-score.
    #[serde(default)]
    pub(crate) rule_pack: Option<PathBuf>,
    /// A routing rules file; none means the rules shipped in sar-route.
    #[serde(default)]
    pub(crate) routing_rules: Option<PathBuf>,
}

impl Default for PipelineParams {
    fn default() -> Self {
        Self {
            max_narrative_chars: default_max_narrative_chars(),
            tips_leads_ttl_days: default_tips_leads_ttl_days(),
            rule_pack: None,
            routing_rules: None,
        }
    }
}

/// The default narrative limit: long enough for any real report, short enough to bound
/// the cost of one record.
fn default_max_narrative_chars() -> usize {
    20_000
}

/// The ISE-SAR tips-and-leads default retention: one year, then review or purge.
fn default_tips_leads_ttl_days() -> u32 {
    365
}

/// `sarflow serve <normalize|score|gate|route>`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StageServiceConfig {
    /// Brokers, topics, batching, delivery guarantees.
    #[serde(default)]
    pub(crate) kafka: KafkaConfig,
    /// Logs and the admin port.
    #[serde(default)]
    pub(crate) telemetry: TelemetryConfig,
    /// Stage parameters.
    #[serde(default)]
    pub(crate) pipeline: PipelineParams,
}

/// `sarflow run`: the whole pipeline in one process.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RunConfig {
    /// Where the store (journal, ledger, queues, audit trail) and the index live.
    #[serde(default = "default_data_dir")]
    pub(crate) data_dir: PathBuf,
    /// Used only with `--kafka`, which runs the stages over Kafka instead of the embedded bus.
    #[serde(default)]
    pub(crate) kafka: KafkaConfig,
    /// Logs and the admin port.
    #[serde(default)]
    pub(crate) telemetry: TelemetryConfig,
    /// Stage parameters.
    #[serde(default)]
    pub(crate) pipeline: PipelineParams,
    /// The embedded bus.
    #[serde(default)]
    pub(crate) embedded: EmbeddedParams,
    /// The HTTP API (intake, search, queues).
    #[serde(default)]
    pub(crate) http: HttpParams,
    /// The intake API's size and rate limits.
    #[serde(default)]
    pub(crate) intake: IntakeParams,
    /// Bearer-token signing.
    #[serde(default)]
    pub(crate) auth: AuthParams,
    /// The full-text index.
    #[serde(default)]
    pub(crate) index: IndexParams,
    /// The analyst queues (SLAs, leases, page and bulk limits).
    #[serde(default)]
    pub(crate) queue: sar_queue::QueueConfig,
}

impl Default for RunConfig {
    fn default() -> Self {
        Self {
            data_dir: default_data_dir(),
            kafka: KafkaConfig::default(),
            telemetry: TelemetryConfig::default(),
            pipeline: PipelineParams::default(),
            embedded: EmbeddedParams::default(),
            http: HttpParams::default(),
            intake: IntakeParams::default(),
            auth: AuthParams::default(),
            index: IndexParams::default(),
            queue: sar_queue::QueueConfig::default(),
        }
    }
}

/// The HTTP API.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HttpParams {
    /// Listen address; loopback by default: put a TLS-terminating proxy in front to expose it.
    #[serde(default = "default_http_addr")]
    pub(crate) addr: SocketAddr,
}

impl Default for HttpParams {
    fn default() -> Self {
        Self {
            addr: default_http_addr(),
        }
    }
}

/// The intake API's size and rate limits; each key left out keeps sar-intake's default.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct IntakeParams {
    /// Largest `POST /v1/reports` body, in bytes (1 MiB).
    pub(crate) max_report_bytes: usize,
    /// Largest feed batch body, in bytes (64 MiB).
    pub(crate) max_batch_bytes: u64,
    /// Most records in one feed batch (10,000).
    pub(crate) max_batch_records: usize,
    /// Feed batches a partner may send at once (10), each partner its own bucket.
    pub(crate) partner_burst: NonZeroU32,
    /// Feed batches a partner may send per minute once its burst is spent (60).
    pub(crate) partner_batches_per_minute: NonZeroU32,
}

impl Default for IntakeParams {
    fn default() -> Self {
        let defaults = sar_intake::IntakeConfig::default();
        Self {
            max_report_bytes: defaults.max_report_bytes,
            max_batch_bytes: defaults.max_batch_bytes,
            max_batch_records: defaults.max_batch_records,
            partner_burst: defaults.partner_rate.burst,
            partner_batches_per_minute: defaults.partner_rate.per_minute,
        }
    }
}

impl IntakeParams {
    /// The intake service's settings: these limits, the narrative limit of the stages, the
    /// rest sar-intake's defaults.
    pub(crate) fn intake_config(&self, max_narrative_chars: usize) -> sar_intake::IntakeConfig {
        sar_intake::IntakeConfig {
            max_report_bytes: self.max_report_bytes,
            max_batch_bytes: self.max_batch_bytes,
            max_batch_records: self.max_batch_records,
            max_narrative_chars,
            partner_rate: sar_intake::RateLimit {
                burst: self.partner_burst,
                per_minute: self.partner_batches_per_minute,
            },
            ..sar_intake::IntakeConfig::default()
        }
    }
}

/// Loopback only: the API carries PII and must not be reachable from the network by accident.
fn default_http_addr() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 8470))
}

/// Token signing.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuthParams {
    /// HS256 secret for bearer tokens (at least 32 bytes). When absent, a random one is kept in
    /// `<data_dir>/token.secret` (created on first use, readable by its owner only).
    #[serde(default)]
    pub(crate) token_secret: Option<Secret<String>>,
}

/// The full-text index.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IndexParams {
    /// Commit after this many documents...
    #[serde(default = "default_commit_every_docs")]
    pub(crate) commit_every_docs: usize,
    /// ...or this long after the first uncommitted one, whichever comes first.
    #[serde(
        default = "default_commit_interval",
        with = "sar_config::duration_text"
    )]
    pub(crate) commit_interval: Duration,
}

impl Default for IndexParams {
    fn default() -> Self {
        Self {
            commit_every_docs: default_commit_every_docs(),
            commit_interval: default_commit_interval(),
        }
    }
}

/// A tantivy commit costs a few milliseconds of fsync: batches of thousands amortise it.
fn default_commit_every_docs() -> usize {
    5_000
}

/// Freshness target is p95 submit -> searchable <= 2 s: commit at least every 500 ms.
fn default_commit_interval() -> Duration {
    Duration::from_millis(500)
}

/// The README's main job keeps its data next to where it is started.
fn default_data_dir() -> PathBuf {
    PathBuf::from("sarflow-data")
}

/// Sizes of the embedded bus.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EmbeddedParams {
    /// Capacity of each channel between two stages, in records.
    #[serde(default = "default_channel_capacity")]
    pub(crate) channel_capacity: usize,
    /// Journal entries read per replay batch, and records per sink transaction.
    #[serde(default = "default_batch_size")]
    pub(crate) batch_size: usize,
}

impl Default for EmbeddedParams {
    fn default() -> Self {
        Self {
            channel_capacity: default_channel_capacity(),
            batch_size: default_batch_size(),
        }
    }
}

/// Enough to keep both cores busy; small enough that a stall holds little memory.
fn default_channel_capacity() -> usize {
    1024
}

/// One SQLite transaction per few hundred records amortises the fsync.
fn default_batch_size() -> usize {
    512
}

/// Loads a service's config and applies `--kafka`.
pub(crate) fn load<T: serde::de::DeserializeOwned>(
    service: &str,
    file: Option<&std::path::Path>,
    env: &BTreeMap<String, String>,
) -> anyhow::Result<T> {
    sar_config::load::<T>(file, env, service)
        .with_context(|| format!("failed to load the `{service}` configuration"))
}

#[cfg(test)]
mod tests;
