//! Admin router (`oneshot`, no socket) and admin server (port 0) tests.

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

use super::*;

async fn get(router: Router, uri: &str) -> (StatusCode, String, String) {
    let request = Request::builder().uri(uri).body(Body::empty()).unwrap();
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        content_type,
        String::from_utf8(body.to_vec()).unwrap(),
    )
}

#[tokio::test]
async fn healthz_is_ok() {
    let router = admin_router(Metrics::new(), Readiness::new());
    let (status, _, body) = get(router, "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "ok");
}

#[tokio::test]
async fn metrics_are_rendered_as_prometheus_text() {
    let metrics = Metrics::new();
    metrics.stage("route").sent(9);
    let router = admin_router(metrics, Readiness::new());
    let (status, content_type, body) = get(router, "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "text/plain; version=0.0.4");
    assert!(
        body.contains("sarflow_stage_records_sent_total{stage=\"route\"} 9"),
        "{body}"
    );
}

#[tokio::test]
async fn readyz_turns_from_503_to_200() {
    let readiness = Readiness::new();
    let router = admin_router(Metrics::new(), readiness.clone());

    let (status, _, body) = get(router.clone(), "/readyz").await;
    assert_eq!(
        status,
        StatusCode::SERVICE_UNAVAILABLE,
        "nothing registered: {body}"
    );

    readiness.set("journal", true);
    readiness.set("partitions", false);
    let (status, _, body) = get(router.clone(), "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let report: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        report,
        serde_json::json!({"ready": false, "conditions": {"journal": true, "partitions": false}})
    );

    readiness.set("partitions", true);
    let (status, _, body) = get(router, "/readyz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let report: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["ready"], true);
}

#[test]
fn readiness_needs_a_condition_and_all_of_them() {
    let readiness = Readiness::new();
    assert!(!readiness.is_ready());
    readiness.set("index", true);
    assert!(readiness.is_ready());
    readiness.clone().set("kafka", false);
    assert!(!readiness.is_ready());
    assert_eq!(readiness.report(), [("index", true), ("kafka", false)]);
}

#[tokio::test]
async fn admin_server_binds_port_zero_and_stops_on_cancel() {
    let shutdown = CancellationToken::new();
    let router = admin_router(Metrics::new(), Readiness::new());
    let (addr, task) = serve_admin("127.0.0.1:0".parse().unwrap(), router, shutdown.clone())
        .await
        .unwrap();
    assert_ne!(addr.port(), 0);

    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: admin\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("ok"), "{response}");

    shutdown.cancel();
    task.await.unwrap();
}

#[tokio::test]
async fn binding_a_taken_port_is_an_error() {
    let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = taken.local_addr().unwrap();
    let router = admin_router(Metrics::new(), Readiness::new());
    let error = serve_admin(addr, router, CancellationToken::new())
        .await
        .unwrap_err();
    assert!(matches!(error, TelemetryError::Bind { .. }), "{error:?}");
}

#[tokio::test]
async fn shutdown_token_task_ends_when_cancelled_by_hand() {
    let token = shutdown_token();
    assert!(!token.is_cancelled());
    token.cancel();
    token.cancelled().await;
}

#[test]
fn init_twice_is_ok_and_a_bad_filter_is_refused() {
    let config = crate::TelemetryConfig::default();
    assert!(crate::init(&config, "test", None).is_ok());
    assert!(crate::init(&config, "test", Some("debug")).is_ok());
    let bad = crate::init(&config, "test", Some("=[bad"));
    assert!(
        matches!(
            bad,
            Err(TelemetryError::LogFilter {
                origin: "RUST_LOG",
                ..
            })
        ),
        "{bad:?}"
    );
}

#[test]
fn telemetry_config_defaults_and_refuses_unknown_keys() {
    let config: crate::TelemetryConfig = serde_json::from_str("{}").unwrap();
    assert_eq!(config, crate::TelemetryConfig::default());
    assert_eq!(config.log_filter, "info");
    assert_eq!(config.log_format, crate::LogFormat::Pretty);
    assert_eq!(config.admin_addr, None);
    let json: crate::TelemetryConfig =
        serde_json::from_str(r#"{"log_format":"json","admin_addr":"0.0.0.0:9100"}"#).unwrap();
    assert_eq!(json.log_format, crate::LogFormat::Json);
    assert!(serde_json::from_str::<crate::TelemetryConfig>(r#"{"log_level":"x"}"#).is_err());
}
