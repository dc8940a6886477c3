//! Telemetry for every process: tracing initialisation, the Prometheus registry with every
//! sarflow metric (declared once, in `metrics.rs`), the admin router (`/metrics`, `/healthz`,
//! `/readyz`) and the shutdown signal. Depends on no other sarflow crate.
//!
//! Layout:
//! - `config`: `TelemetryConfig` (the `[telemetry]` section of every service config).
//! - `logging`: `init`, the one global tracing subscriber (stderr, pretty or JSON).
//! - `metrics`: `Metrics`, its own `prometheus::Registry` and typed helpers per subsystem.
//! - `readiness`: `Readiness`, named conditions behind `/readyz`.
//! - `admin`: `admin_router`, `serve_admin`, `shutdown_token`.
//!
//! **Architecture Invariant:** the only crate that links prometheus and tracing-subscriber;
//! metric labels take bounded values only (`&'static str`, enums, topic names, partitions).

mod admin;
mod config;
mod logging;
mod metrics;
mod readiness;

pub use crate::admin::{admin_router, serve_admin, shutdown_token};
pub use crate::config::{LogFormat, TelemetryConfig};
pub use crate::logging::init;
pub use crate::metrics::{HttpMetrics, IndexMetrics, JournalMetrics, Metrics, StageMetrics};
pub use crate::readiness::Readiness;

/// Everything that can go wrong while setting up telemetry.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    #[error("invalid log filter from {origin}: {message}")]
    LogFilter {
        /// `RUST_LOG` or `telemetry.log_filter`.
        origin: &'static str,
        message: String,
    },
    #[error("failed to bind the admin port on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
}
