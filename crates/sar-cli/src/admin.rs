//! The admin port of a process: `/metrics`, `/healthz`, `/readyz` (sar-telemetry's router).

use std::net::SocketAddr;

use anyhow::Context as _;
use sar_telemetry::{Metrics, Readiness};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Starts the admin server when an address is configured; logs the bound address (port 0 picks
/// a free one).
pub(crate) async fn start(
    admin_addr: Option<SocketAddr>,
    metrics: &Metrics,
    readiness: &Readiness,
    shutdown: &CancellationToken,
) -> anyhow::Result<Option<JoinHandle<()>>> {
    let Some(admin_addr) = admin_addr else {
        return Ok(None);
    };
    let router = sar_telemetry::admin_router(metrics.clone(), readiness.clone());
    let (bound, handle) = sar_telemetry::serve_admin(admin_addr, router, shutdown.clone())
        .await
        .with_context(|| format!("failed to serve the admin port on {admin_addr}"))?;
    tracing::info!(admin_addr = %bound, "admin port listening");
    Ok(Some(handle))
}

/// Waits for the admin server to finish (after the shutdown token was cancelled).
pub(crate) async fn stop(admin: Option<JoinHandle<()>>) {
    if let Some(handle) = admin {
        // A panicked admin task leaves nothing to clean up.
        let _ = handle.await;
    }
}
