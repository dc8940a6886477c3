//! `TelemetryConfig`: the `[telemetry]` section every service config embeds.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

/// How logs are written to stderr.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines, for a terminal.
    #[default]
    Pretty,
    /// One JSON object per line, for deployed processes.
    Json,
}

/// The `[telemetry]` section of a service config.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TelemetryConfig {
    /// Address of the admin port (`/metrics`, `/healthz`, `/readyz`). Default: none, so a
    /// process started by hand or by a test opens no port it was not asked for; deployments set
    /// it (port 0 picks a free port).
    #[serde(default)]
    pub admin_addr: Option<SocketAddr>,
    /// Default: `pretty`; deployments choose `json`.
    #[serde(default)]
    pub log_format: LogFormat,
    /// An `EnvFilter` directive. Default: `info` (lifecycle events, style guide §3.4). `RUST_LOG`
    /// wins when `main` passes it to `init`.
    #[serde(default = "default_log_filter")]
    pub log_filter: String,
}

fn default_log_filter() -> String {
    "info".to_owned()
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        Self {
            admin_addr: None,
            log_format: LogFormat::default(),
            log_filter: default_log_filter(),
        }
    }
}
