//! The floor of an HTTP accept on this machine: an axum server that reads each POST body and
//! answers 202 with a receipt-sized JSON, and nothing else (no parse, no validation, no
//! journal, no fsync). `http-load intake` against it measures what loopback HTTP alone costs
//! the server and the harness, the bound under which `sarflow run`'s accept path must fit.
//!
//! ```sh
//! target/release/accept-floor --addr 127.0.0.1:18480 &
//! target/release/http-load intake --addr 127.0.0.1:18480 --token x --count 30000 --concurrency 64 --server-pid $!
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)] // a command-line tool

use std::{
    net::SocketAddr,
    sync::atomic::{AtomicU64, Ordering},
};

use axum::{Router, body::Bytes, http::StatusCode, routing::post};

static SEQ: AtomicU64 = AtomicU64::new(1);

async fn accept(body: Bytes) -> (StatusCode, [(&'static str, String); 2], String) {
    let seq = SEQ.fetch_add(1, Ordering::Relaxed);
    let id = format!("floor-{seq:012}-{}", body.len());
    let url = format!("/v1/reports/{id}/status");
    let receipt = format!(
        r#"{{"report_id":"{id}","ledger_seq":{seq},"outcome":"accepted","status_url":"{url}"}}"#
    );
    (
        StatusCode::ACCEPTED,
        [
            ("content-type", "application/json".to_owned()),
            ("location", url),
        ],
        receipt,
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let addr: SocketAddr = sar_benches::flag(&args, "--addr")
        .unwrap_or_else(|| "127.0.0.1:18480".to_owned())
        .parse()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        eprintln!("accept-floor on {}", listener.local_addr().unwrap());
        let app = Router::new().route("/v1/reports", post(accept));
        axum::serve(listener, app).await.unwrap();
    });
}
