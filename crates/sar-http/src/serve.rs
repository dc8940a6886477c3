//! Serving a router on a listener until the shutdown token fires (graceful: in-flight requests
//! finish, new connections are refused).

use std::net::SocketAddr;

use axum::Router;
use tokio_util::sync::CancellationToken;

/// Failed to bind or serve.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The address could not be bound.
    #[error("failed to bind the HTTP listener on {addr}")]
    Bind {
        /// Address asked for.
        addr: SocketAddr,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
}

/// Binds `addr` and serves `router` on a task until `shutdown` fires; returns the bound address
/// (useful with port 0) and the task.
pub async fn serve(
    addr: SocketAddr,
    router: Router,
    shutdown: CancellationToken,
) -> Result<(SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>), HttpError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| HttpError::Bind { addr, source })?;
    let bound = listener
        .local_addr()
        .map_err(|source| HttpError::Bind { addr, source })?;
    let task = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown.cancelled_owned())
            .await
    });
    tracing::info!(addr = %bound, "HTTP API listening");
    Ok((bound, task))
}
