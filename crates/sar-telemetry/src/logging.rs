//! `init`: installs the process-wide tracing subscriber, once.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::{LogFormat, TelemetryConfig, TelemetryError};

/// Installs the global tracing subscriber writing to stderr: `RUST_LOG` (passed in by `main`,
/// which alone reads the environment) wins over `config.log_filter`. A second call, or a call
/// after something else installed a subscriber (a test harness), is `Ok` and changes nothing.
///
/// Logs one `info` event naming `service`; `main` should wrap its work in a span carrying
/// `service` so every JSON line names it.
pub fn init(
    config: &TelemetryConfig,
    service: &'static str,
    rust_log: Option<&str>,
) -> Result<(), TelemetryError> {
    let (directives, origin) = match rust_log {
        Some(rust_log) if !rust_log.trim().is_empty() => (rust_log, "RUST_LOG"),
        _ => (config.log_filter.as_str(), "telemetry.log_filter"),
    };
    let filter = EnvFilter::try_new(directives).map_err(|error| TelemetryError::LogFilter {
        origin,
        message: error.to_string(),
    })?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let installed = match config.log_format {
        LogFormat::Pretty => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
    };
    // `Err` only means a global subscriber exists already: the first one stays.
    if installed.is_ok() {
        tracing::info!(service, log_format = ?config.log_format, "telemetry initialised");
    }
    Ok(())
}
