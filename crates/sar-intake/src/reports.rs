//! `POST /v1/reports`: one officer report. Every authorised submission gets a ledger entry
//! (rule T-30), whatever happens to it: refused for its content type, size, encoding, JSON or
//! fields, accepted, or a duplicate of an origin already received (rule T-26). An answer that
//! says accepted comes after the group commit, so the report is durable.

use axum::{
    Json,
    body::Body,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use futures_util::StreamExt as _;
use serde::{Deserialize, Serialize};

use sar_http::{Authenticated, FieldProblem, Problem, caller_must};
use sar_model::access::Permission;
use sar_store::LedgerOutcome;

use crate::{
    batch::RecordOutcome,
    state::{Inner, IntakeState},
    submission::{self, Envelope, OFFICER_CHANNEL, Sender, SenderKind, reason},
};

/// The response header naming the ledger entry of a submission (also on refusals).
pub const LEDGER_SEQ_HEADER: &str = "sarflow-ledger-seq";

/// `POST /v1/reports` answer (202 accepted, 200 duplicate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportReceipt {
    /// The report id (for a duplicate, the id of the report received first).
    pub report_id: String,
    /// The intake ledger entry of this submission.
    pub ledger_seq: u64,
    /// `accepted` or `duplicate`.
    pub outcome: RecordOutcome,
    /// When it was received, RFC 3339.
    pub received_at: String,
    /// Where to follow the report.
    pub status_url: String,
}

/// The status URL of a report.
pub(crate) fn status_url(report_id: &str) -> String {
    format!("/v1/reports/{report_id}/status")
}

/// Submit an officer report.
#[utoipa::path(
    post,
    path = "/v1/reports",
    tag = "intake",
    request_body(
        content_type = "application/json",
        description = "An intake record (schemas/intake.schema.json); unknown fields are refused"
    ),
    responses(
        (status = 202, description = "Accepted and durable", body = ReportReceipt),
        (status = 200, description = "Duplicate of a report already received (same origin)", body = ReportReceipt),
        (status = 400, description = "Not UTF-8 or not JSON", body = Problem),
        (status = 401, description = "No valid bearer token", body = Problem),
        (status = 403, description = "The role may not submit reports", body = Problem),
        (status = 413, description = "Body over the size limit", body = Problem),
        (status = 415, description = "Not application/json", body = Problem),
        (status = 422, description = "Invalid fields, all of them", body = Problem),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn submit_report(
    State(state): State<IntakeState>,
    Authenticated(caller): Authenticated,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Err(problem) = caller_must(&caller, Permission::SubmitReport) {
        return problem.into_response();
    }
    let inner = &state.inner;
    let received_at = inner.now();
    let sender = Sender {
        principal: caller.subject.clone(),
        agency: caller.agency.clone(),
        channel: OFFICER_CHANNEL,
        kind: SenderKind::Officer,
    };
    if media_type(&headers).as_deref() != Some("application/json") {
        let problem = Problem::unsupported_media_type("a report is sent as application/json");
        let envelope = Envelope::new(received_at, b"");
        return refuse(inner, &sender, &envelope, None, reason::MEDIA_TYPE, problem).await;
    }
    let max = inner.config.max_report_bytes;
    let bytes = match read_limited(body, declared_length(&headers), max).await {
        Ok(bytes) => bytes,
        Err(ReadError::TooLarge) => {
            let problem = Problem::payload_too_large(format!("a report is at most {max} bytes"));
            let envelope = Envelope::new(received_at, b"");
            return refuse(inner, &sender, &envelope, None, reason::TOO_LARGE, problem).await;
        }
        Err(ReadError::Body) => {
            return Problem::bad_request("failed to read the request body").into_response();
        }
    };
    let envelope = Envelope::new(received_at, &bytes);
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(error) => {
            let line = line_of(&bytes, error.valid_up_to());
            let problem =
                Problem::bad_request(format!("line {line} is not valid UTF-8")).with_errors(vec![
                    FieldProblem::new(format!("line {line}"), "not valid UTF-8"),
                ]);
            return refuse(
                inner,
                &sender,
                &envelope,
                None,
                reason::INVALID_UTF8,
                problem,
            )
            .await;
        }
    };
    let intake = match sar_normalize::parse_intake(text) {
        Ok(intake) => intake,
        Err(reject) => {
            let problems: Vec<FieldProblem> = reject
                .field_errors
                .into_iter()
                .map(|error| FieldProblem::new(error.path, error.problem))
                .collect();
            let is_json = serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
            let problem = if is_json {
                Problem::unprocessable("the body is not an intake record", problems)
            } else {
                Problem::bad_request("the body is not valid JSON").with_errors(problems)
            };
            return refuse(
                inner,
                &sender,
                &envelope,
                None,
                reason::UNDECODABLE,
                problem,
            )
            .await;
        }
    };
    let problems = submission::check(&intake, &sender, &inner.normalize);
    if !problems.is_empty() {
        let count = problems.len();
        let origin_key = submission::origin_key(&intake.source);
        let problem = Problem::unprocessable(
            if count == 1 {
                "1 invalid field".to_owned()
            } else {
                format!("{count} invalid fields")
            },
            problems,
        );
        return refuse(
            inner,
            &sender,
            &envelope,
            origin_key,
            reason::INVALID_FIELD,
            problem,
        )
        .await;
    }
    let entry = match envelope.accept(&sender, intake, &inner.codec) {
        Ok(entry) => entry,
        Err(error) => {
            tracing::error!(service = "intake", %error, "failed to encode a raw record");
            return Problem::internal().into_response();
        }
    };
    let receipt = match inner.submit(vec![entry]).await {
        Ok(mut receipts) if receipts.len() == 1 => receipts.remove(0),
        Ok(_) => {
            tracing::error!(
                service = "intake",
                "the ledger answered a wrong number of receipts"
            );
            return Problem::internal().into_response();
        }
        Err(problem) => return problem.into_response(),
    };
    let (status, outcome) = match receipt.outcome {
        LedgerOutcome::Accepted { .. } => {
            inner.metrics.journal().appended(1);
            (StatusCode::ACCEPTED, RecordOutcome::Accepted)
        }
        LedgerOutcome::Duplicate { .. } => (StatusCode::OK, RecordOutcome::Duplicate),
        LedgerOutcome::Rejected => {
            tracing::error!(
                service = "intake",
                "the ledger rejected an accepted submission"
            );
            return Problem::internal().into_response();
        }
    };
    tracing::debug!(
        service = "intake",
        record_id = %receipt.report_id,
        outcome = ?outcome,
        "report received"
    );
    let status_url = status_url(&receipt.report_id);
    let mut response = (
        status,
        Json(ReportReceipt {
            report_id: receipt.report_id,
            ledger_seq: receipt.ledger_seq,
            outcome,
            received_at: submission::rfc3339(received_at),
            status_url: status_url.clone(),
        }),
    )
        .into_response();
    if let Ok(location) = HeaderValue::from_str(&status_url) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    with_ledger_seq(response, Some(receipt.ledger_seq))
}

/// Records a refused submission and answers `problem` naming its ledger entry.
async fn refuse(
    inner: &Inner,
    sender: &Sender,
    envelope: &Envelope,
    origin_key: Option<String>,
    reason_code: &str,
    mut problem: Problem,
) -> Response {
    let entry = envelope.reject(sender, origin_key, reason_code, &problem.errors);
    let ledger_seq = match inner.submit(vec![entry]).await {
        Ok(receipts) => receipts.first().map(|receipt| receipt.ledger_seq),
        Err(store_problem) => return store_problem.into_response(),
    };
    if let Some(seq) = ledger_seq {
        problem.detail = format!("{} (ledger entry {seq})", problem.detail);
    }
    with_ledger_seq(problem.into_response(), ledger_seq)
}

pub(crate) fn with_ledger_seq(mut response: Response, ledger_seq: Option<u64>) -> Response {
    if let Some(seq) = ledger_seq {
        response
            .headers_mut()
            .insert(LEDGER_SEQ_HEADER, HeaderValue::from(seq));
    }
    response
}

/// The media type of the body, lowercase, without parameters.
pub(crate) fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next()?.trim().to_ascii_lowercase();
    Some(essence)
}

/// The `Content-Length` the client declared, if any.
pub(crate) fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

pub(crate) enum ReadError {
    TooLarge,
    Body,
}

/// Reads a body of at most `max` bytes, stopping as soon as it is over.
async fn read_limited(body: Body, declared: Option<u64>, max: usize) -> Result<Vec<u8>, ReadError> {
    if declared.is_some_and(|length| length > max as u64) {
        return Err(ReadError::TooLarge);
    }
    let mut bytes = Vec::new();
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| ReadError::Body)?;
        if bytes.len() + chunk.len() > max {
            return Err(ReadError::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// The 1-based line of byte `offset`.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|byte| **byte == b'\n')
        .count()
        + 1
}
