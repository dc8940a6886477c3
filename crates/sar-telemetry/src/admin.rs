//! The admin port: `/metrics`, `/healthz`, `/readyz`, its server, and the shutdown signal.

use std::{collections::BTreeMap, net::SocketAddr};

use axum::{
    Json, Router,
    http::{StatusCode, header},
    response::IntoResponse,
    routing::get,
};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::{Metrics, Readiness, TelemetryError};

/// Content type of the Prometheus text exposition format.
const METRICS_CONTENT_TYPE: &str = "text/plain; version=0.0.4";

/// Body of `/readyz`.
#[derive(Debug, Serialize)]
struct ReadinessReport {
    ready: bool,
    conditions: BTreeMap<&'static str, bool>,
}

/// `GET /metrics` (Prometheus text 0.0.4), `GET /healthz` (200 `ok` while the process runs),
/// `GET /readyz` (200 when `readiness` is ready, else 503; the body lists the conditions as
/// JSON: `{"ready":false,"conditions":{"kafka":true,"index":false}}`).
pub fn admin_router(metrics: Metrics, readiness: Readiness) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(move || {
                let metrics = metrics.clone();
                async move {
                    (
                        [(header::CONTENT_TYPE, METRICS_CONTENT_TYPE)],
                        metrics.render(),
                    )
                }
            }),
        )
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/readyz",
            get(move || {
                let readiness = readiness.clone();
                async move { readiness_response(&readiness) }
            }),
        )
}

fn readiness_response(readiness: &Readiness) -> impl IntoResponse + use<> {
    let report = ReadinessReport {
        ready: readiness.is_ready(),
        conditions: readiness.report().into_iter().collect(),
    };
    let status = if report.ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(report))
}

/// Binds `addr` (port 0 picks a free port) and serves `router` until `shutdown` is cancelled,
/// then finishes in-flight requests. Returns the bound address and the server task, which ends
/// after shutdown; a serve error is logged by the task.
pub async fn serve_admin(
    addr: SocketAddr,
    router: Router,
    shutdown: CancellationToken,
) -> Result<(SocketAddr, tokio::task::JoinHandle<()>), TelemetryError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| TelemetryError::Bind { addr, source })?;
    let bound = listener
        .local_addr()
        .map_err(|source| TelemetryError::Bind { addr, source })?;
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, router)
            .with_graceful_shutdown(shutdown.cancelled_owned())
            .await;
        if let Err(error) = served {
            tracing::error!(%error, "admin server failed");
        }
    });
    tracing::info!(addr = %bound, "admin port listening");
    Ok((bound, task))
}

/// A token cancelled on SIGINT (ctrl-c) or SIGTERM. Spawns a task, so call it inside a tokio
/// runtime. Cancelling the token by hand also ends the task.
pub fn shutdown_token() -> CancellationToken {
    let token = CancellationToken::new();
    let cancel_on_signal = token.clone();
    tokio::spawn(async move {
        tokio::select! {
            () = wait_for_signal() => {
                tracing::info!("shutdown signal received");
                cancel_on_signal.cancel();
            }
            () = cancel_on_signal.cancelled() => {}
        }
    });
    token
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};

    let mut terminate = match signal(SignalKind::terminate()) {
        Ok(terminate) => terminate,
        Err(error) => {
            tracing::warn!(%error, "failed to listen for SIGTERM, only ctrl-c stops the process");
            wait_for_ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        () = wait_for_ctrl_c() => {}
        _ = terminate.recv() => {}
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() {
    wait_for_ctrl_c().await;
}

async fn wait_for_ctrl_c() {
    if let Err(error) = tokio::signal::ctrl_c().await {
        tracing::warn!(%error, "failed to listen for ctrl-c");
        // Never resolve: without a signal source only the token itself ends the wait.
        std::future::pending::<()>().await;
    }
}

#[cfg(test)]
mod tests;
