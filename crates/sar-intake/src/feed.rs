//! `POST /v1/feed/batches`: a partner's signed batch. The handler checks the key, the rate
//! limit, the content type and the signature headers, then streams the body to the batch
//! worker (`batch`) on a blocking thread through a bounded channel, so a slow disk or commit
//! slows the upload instead of filling memory.

use std::{sync::Arc, time::Instant};

use axum::{
    Json,
    body::Body,
    extract::State,
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};
use futures_util::StreamExt as _;
use tokio::sync::mpsc;

use sar_http::{Problem, caller_must};
use sar_model::access::Permission;

use crate::{
    batch::{self, BatchFormat, BatchJob, BatchReceipt, Chunk},
    keys,
    reports::{declared_length, media_type, with_ledger_seq},
    signature::{self, SIGNATURE_HEADER, TIMESTAMP_HEADER},
    state::{Inner, IntakeState, Partner},
    submission::{FEED_CHANNEL, Sender, SenderKind},
};

/// Body chunks waiting for the batch worker.
const CHUNK_QUEUE: usize = 16;

/// Send a signed batch of reports.
#[utoipa::path(
    post,
    path = "/v1/feed/batches",
    tag = "intake",
    request_body(
        content_type = "application/x-ndjson",
        description = "NDJSON intake records, or text/csv rows per docs/partner-feed.md"
    ),
    params(
        ("X-Sarflow-Timestamp" = String, Header, description = "Unix seconds, within 300 s of the server clock"),
        ("X-Sarflow-Signature" = String, Header, description = "sha256=<hex HMAC-SHA256(signing key, timestamp + \".\" + body)>"),
    ),
    responses(
        (status = 200, description = "One result per record", body = BatchReceipt),
        (status = 400, description = "Not UTF-8, bad CSV header or shape", body = Problem),
        (status = 401, description = "Unknown key, bad or stale signature", body = Problem),
        (status = 409, description = "Replayed batch", body = Problem),
        (status = 413, description = "Too large or too many records", body = Problem),
        (status = 415, description = "Not application/x-ndjson or text/csv", body = Problem),
        (status = 429, description = "Over the partner's rate limit", body = Problem),
    ),
    security(("partner_key" = []))
)]
pub(crate) async fn submit_batch(
    State(state): State<IntakeState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let inner = &state.inner;
    let partner = match authenticate(inner, &headers).await {
        Ok(partner) => partner,
        Err(problem) => return problem.into_response(),
    };
    if let Err(problem) = caller_must(&partner.caller, Permission::SubmitFeed) {
        return problem.into_response();
    }
    if let Err(wait) = inner.rate.check(&partner.caller.subject, Instant::now()) {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let mut response =
            Problem::too_many_requests(format!("over the batch rate limit; retry in {seconds} s"))
                .into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        return response;
    }
    let format = match media_type(&headers).as_deref() {
        Some("application/x-ndjson") => BatchFormat::Ndjson,
        Some("text/csv") => BatchFormat::Csv,
        _ => {
            return Problem::unsupported_media_type(
                "a batch is sent as application/x-ndjson or text/csv",
            )
            .into_response();
        }
    };
    let received_at = inner.now();
    let header_text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let signed =
        signature::parse_timestamp(header_text(TIMESTAMP_HEADER)).and_then(|(text, seconds)| {
            let tolerance = inner.config.signature_tolerance.as_secs();
            signature::check_window(seconds, received_at.unix_timestamp(), tolerance)?;
            let signature = signature::parse_signature(header_text(SIGNATURE_HEADER))?;
            Ok((text, signature))
        });
    let (timestamp, signature) = match signed {
        Ok(signed) => signed,
        Err(error) => return Problem::unauthorized(error.to_string()).into_response(),
    };
    let max = inner.config.max_batch_bytes;
    if declared_length(&headers).is_some_and(|length| length > max) {
        return Problem::payload_too_large(format!("the batch is larger than {max} bytes"))
            .into_response();
    }

    let job = BatchJob {
        format,
        sender: Sender {
            principal: partner.caller.subject.clone(),
            agency: partner.caller.agency.clone(),
            channel: FEED_CHANNEL,
            kind: SenderKind::Partner,
        },
        signing_key: partner.signing_key,
        timestamp,
        signature,
        received_at,
    };
    let (sender, receiver) = mpsc::channel::<Chunk>(CHUNK_QUEUE);
    let worker_inner = Arc::clone(inner);
    let worker = tokio::task::spawn_blocking(move || batch::run(&worker_inner, job, receiver));
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| ());
        let failed = chunk.is_err();
        // The worker stops receiving once it has refused the batch (too large): stop reading.
        if sender.send(chunk).await.is_err() || failed {
            break;
        }
    }
    drop(sender);
    match worker.await {
        Ok(Ok(receipt)) => {
            tracing::info!(
                service = "intake",
                batch_size = receipt.received,
                accepted = receipt.accepted,
                rejected = receipt.rejected,
                "feed batch received"
            );
            Json(receipt).into_response()
        }
        Ok(Err(refusal)) => with_ledger_seq(refusal.problem.into_response(), refusal.ledger_seq),
        Err(_) => {
            tracing::error!(service = "intake", "a feed batch worker panicked");
            Problem::internal().into_response()
        }
    }
}

/// The partner behind `Authorization: SarflowKey <key id>.<secret>`.
pub(crate) async fn authenticate(
    inner: &Arc<Inner>,
    headers: &HeaderMap,
) -> Result<Partner, Problem> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(keys::parse_authorization)
        .ok_or_else(|| {
            Problem::unauthorized(
                "missing or malformed partner key: send Authorization: SarflowKey <key id>.<secret>",
            )
        })?;
    inner.authenticate_partner(presented).await
}
