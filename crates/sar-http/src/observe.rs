//! Request metrics and spans: one `sarflow_http_requests_total{service,route,status}` count and
//! one duration observation per request, labelled by the matched route (`/v1/items/{id}`), never
//! the raw URI; a span per request with method, route and status (style guide §3.4, §3.5).

use std::time::Instant;

use axum::{
    Router,
    extract::{MatchedPath, Request, State},
    middleware::Next,
    response::Response,
};
use sar_telemetry::HttpMetrics;
use tracing::Instrument;

/// The route label of requests no route matched (a bounded value, unlike their URI).
const UNMATCHED: &str = "unmatched";

/// `router` with request metrics and spans.
pub fn metrics_layer(router: Router, metrics: HttpMetrics) -> Router {
    router.layer(axum::middleware::from_fn_with_state(metrics, track))
}

async fn track(State(metrics): State<HttpMetrics>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
        .to_owned();
    let method = request.method().clone();
    let span = tracing::info_span!("http", method = %method, route = %route, status = tracing::field::Empty);
    let started = Instant::now();
    let response = next.run(request).instrument(span.clone()).await;
    let status = response.status().as_u16();
    span.record("status", status);
    metrics.request(&route, status, started.elapsed().as_secs_f64());
    if response.status().is_server_error() {
        tracing::warn!(parent: &span, method = %method, route = %route, status, "request failed");
    } else {
        tracing::debug!(parent: &span, method = %method, route = %route, status, "request served");
    }
    response
}
