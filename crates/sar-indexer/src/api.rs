//! The search API: `GET /v1/search` and `GET /v1/reports/{id}`, under need-to-know, every
//! request audited (rule T-23) before its answer leaves.
//!
//! A caller with the PII right must state a `purpose` (rule T-40); its searches reach the PII
//! fields and its hits carry the Detailed view. Everyone else searches and sees the Summary view.
//! Searches run on the blocking pool (tantivy), and so do audit writes (SQLite).

use std::{
    sync::{Arc, Mutex},
    time::{SystemTime, UNIX_EPOCH},
};

use axum::{
    Json, Router,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;
use utoipa::{
    IntoParams, Modify, OpenApi,
    openapi::security::{Http, HttpAuthScheme, SecurityScheme},
};

use sar_http::{Authenticated, FieldProblem, Problem, caller_must, stated_purpose};
use sar_index::{
    DetailedView, HitSummary, IndexError, MAX_LIMIT, MAX_OFFSET, ReportIndex, ReportView,
    SearchHit, SearchRequest, SearchResponse, SortBy, SortOrder, ViewKind,
};
use sar_model::{
    BehaviorCode, ReportId, TargetSectorCode, ZonedTime,
    access::{Caller, Permission},
    records::{GateOutcome, QueueName},
    report::Sensitivity,
};
use sar_store::{AuditEvent, Journal};

/// What the search routes need: the index, and a store connection for the audit log.
#[derive(Clone)]
pub struct SearchState {
    index: Arc<ReportIndex>,
    audit: Arc<Mutex<Journal>>,
}

impl std::fmt::Debug for SearchState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchState").finish_non_exhaustive()
    }
}

impl SearchState {
    /// The index to search and the store connection audit events are written to (its own
    /// connection to the service's store file).
    pub fn new(index: Arc<ReportIndex>, audit: Journal) -> Self {
        Self {
            index,
            audit: Arc::new(Mutex::new(audit)),
        }
    }
}

/// The search routes (absolute paths, state applied). Needs the caller's `auth_layer` around it.
pub fn router(state: SearchState) -> Router {
    Router::new()
        .route("/v1/search", get(search))
        .route("/v1/reports/{id}", get(report))
        .with_state(state)
}

/// The OpenAPI document of the search routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    SearchApi::openapi()
}

#[derive(OpenApi)]
#[openapi(
    paths(search, report),
    components(schemas(
        SearchResponse,
        SearchHit,
        HitSummary,
        DetailedView,
        ReportView,
        ViewKind,
        SortBy,
        SortOrder,
        Problem,
        FieldProblem
    )),
    modifiers(&BearerScheme),
    tags((name = "search", description = "Full-text search and report views, under need-to-know"))
)]
struct SearchApi;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The query string of `GET /v1/search`. Lists are comma-separated; unknown parameters are
/// refused (a misspelt filter would silently widen the search).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct SearchParams {
    /// Free text (`+must -not "a phrase" field:value`); every term is required by default.
    q: Option<String>,
    /// Behaviour codes, any of them (`INTRSN,SABOT`).
    behavior_codes: Option<String>,
    /// Target sectors, any of them (`WATR,ENER`).
    sectors: Option<String>,
    /// Observed at or after: RFC 3339, or a date (`2026-03-01`, from its start, UTC).
    observed_from: Option<String>,
    /// Observed at or before: RFC 3339, or a date (through its end, UTC).
    observed_to: Option<String>,
    /// Score at least (0 to 100).
    min_score: Option<String>,
    /// Score at most (0 to 100).
    max_score: Option<String>,
    /// Analyst queue (`imminent`, `priority`, `standard`, `privacy_review`, `blocked_audit`,
    /// `not_sar`).
    queue: Option<String>,
    /// Gate outcome (`triage`, `privacy_review`, `blocked_protected_activity`, `not_sar`).
    outcome: Option<String>,
    /// One jurisdiction, within the caller's.
    jurisdiction: Option<String>,
    /// Sensitivity label (`open`, `agency_name_only`, `restricted`; 28 CFR 23.20(g)).
    sensitivity: Option<String>,
    /// `relevance` (default; newest first without `q`), `score`, `received_at`, `observed_at`.
    sort: Option<String>,
    /// `desc` (default) or `asc`.
    order: Option<String>,
    /// Hits per page, 1 to 100 (default 20).
    limit: Option<String>,
    /// Hits to skip, up to 10000.
    offset: Option<String>,
    /// Why you search: required with the PII right, recorded in the audit log; at most 500
    /// characters.
    purpose: Option<String>,
}

/// The query string of `GET /v1/reports/{id}`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReportParams {
    /// Why you read it: required with the PII right, recorded in the audit log; at most 500
    /// characters.
    purpose: Option<String>,
}

/// Search reports.
#[utoipa::path(
    get,
    path = "/v1/search",
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "One page of hits in the caller's view", body = SearchResponse),
        (status = 400, description = "Invalid parameters (all of them), query syntax, or no purpose", body = Problem),
        (status = 401, description = "No valid bearer token", body = Problem),
        (status = 403, description = "The role may not search", body = Problem),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn search(
    State(state): State<SearchState>,
    Authenticated(caller): Authenticated,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Response {
    if let Err(problem) = caller_must(&caller, Permission::Search) {
        return problem.into_response();
    }
    let params = match params {
        Ok(Query(params)) => params,
        Err(rejection) => return Problem::invalid_query(&rejection).into_response(),
    };
    let (request, purpose) = match parse_search(params, &caller) {
        Ok(parsed) => parsed,
        Err(problems) => {
            return Problem::bad_request("invalid search parameters")
                .with_errors(problems)
                .into_response();
        }
    };
    let index = Arc::clone(&state.index);
    let searched = {
        let caller = caller.clone();
        let request = request.clone();
        tokio::task::spawn_blocking(move || index.search(&request, &caller)).await
    };
    let response = match searched {
        Ok(Ok(response)) => response,
        Ok(Err(error)) => return index_problem(&error).into_response(),
        Err(_) => return Problem::internal().into_response(),
    };
    let detail = serde_json::json!({
        "q": request.q,
        "behavior_codes": request.behavior_codes,
        "sectors": request.sectors,
        "queue": request.queue,
        "outcome": request.outcome,
        "jurisdiction": request.jurisdiction,
        "sensitivity": request.sensitivity,
        "total": response.total,
        "pii_fields_touched": response.pii_fields_touched,
    });
    let event = AuditEvent {
        at: now_rfc3339(),
        actor: caller.subject.clone(),
        role: caller.role.as_str().to_owned(),
        action: "search".to_owned(),
        purpose,
        record_ids: response
            .hits
            .iter()
            .map(|hit| hit.report_id.clone())
            .collect(),
        detail: Some(detail.to_string()),
    };
    if let Err(problem) = audit(&state, event).await {
        return problem.into_response();
    }
    no_store(Json(response).into_response())
}

/// Read one report.
#[utoipa::path(
    get,
    path = "/v1/reports/{id}",
    tag = "search",
    params(("id" = String, Path, description = "Report id"), ReportParams),
    responses(
        (status = 200, description = "The report in the caller's view", body = ReportView),
        (status = 400, description = "Invalid query parameters, no purpose given with the PII right, or a purpose over 500 characters", body = Problem),
        (status = 401, description = "No valid bearer token", body = Problem),
        (status = 403, description = "The role may not search", body = Problem),
        (status = 404, description = "No such report in the caller's jurisdictions", body = Problem),
    ),
    security(("bearer" = []))
)]
pub(crate) async fn report(
    State(state): State<SearchState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    params: Result<Query<ReportParams>, QueryRejection>,
) -> Response {
    if let Err(problem) = caller_must(&caller, Permission::Search) {
        return problem.into_response();
    }
    let params = match params {
        Ok(Query(params)) => params,
        Err(rejection) => return Problem::invalid_query(&rejection).into_response(),
    };
    let purpose = match purpose_of(params.purpose, &caller) {
        Ok(purpose) => purpose,
        Err(problem) => {
            return Problem::bad_request("invalid parameters")
                .with_errors(vec![problem])
                .into_response();
        }
    };
    // One answer for "no such report" and "not in your jurisdictions".
    let not_found = || Problem::not_found("no report with this id in your jurisdictions");
    let Ok(report_id) = ReportId::parse(&id) else {
        return not_found().into_response();
    };
    let report_id = report_id.to_string();
    let index = Arc::clone(&state.index);
    let found = {
        let caller = caller.clone();
        let report_id = report_id.clone();
        tokio::task::spawn_blocking(move || index.report(&report_id, &caller)).await
    };
    let view = match found {
        Ok(Ok(Some(view))) => view,
        Ok(Ok(None)) => return not_found().into_response(),
        Ok(Err(error)) => return index_problem(&error).into_response(),
        Err(_) => return Problem::internal().into_response(),
    };
    let view_name = match view.view {
        ViewKind::Summary => "summary",
        ViewKind::Detailed => "detailed",
    };
    let event = AuditEvent {
        at: now_rfc3339(),
        actor: caller.subject.clone(),
        role: caller.role.as_str().to_owned(),
        action: "read_report".to_owned(),
        purpose,
        record_ids: vec![report_id],
        detail: Some(serde_json::json!({ "view": view_name }).to_string()),
    };
    if let Err(problem) = audit(&state, event).await {
        return problem.into_response();
    }
    no_store(Json(view).into_response())
}

/// The request, and the stated purpose; or every field problem.
fn parse_search(
    params: SearchParams,
    caller: &Caller,
) -> Result<(SearchRequest, Option<String>), Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let mut request = SearchRequest {
        q: params.q.filter(|q| !q.trim().is_empty()),
        jurisdiction: non_empty(params.jurisdiction),
        ..SearchRequest::default()
    };
    request.behavior_codes = codes(
        params.behavior_codes,
        "behavior_codes",
        "unknown behaviour code",
        |code| BehaviorCode::parse(code).is_ok(),
        &mut problems,
    );
    request.sectors = codes(
        params.sectors,
        "sectors",
        "unknown target sector code",
        |code| TargetSectorCode::parse(code).is_ok(),
        &mut problems,
    );
    if let Some(queue) = non_empty(params.queue) {
        match QueueName::parse(&queue.to_ascii_lowercase()) {
            Some(queue) => request.queue = Some(queue.as_str().to_owned()),
            None => problems.push(FieldProblem::new("queue", "unknown queue")),
        }
    }
    if let Some(outcome) = non_empty(params.outcome) {
        match GateOutcome::parse(&outcome.to_ascii_lowercase()) {
            Some(outcome) => request.outcome = Some(outcome.as_str().to_owned()),
            None => problems.push(FieldProblem::new("outcome", "unknown gate outcome")),
        }
    }
    if let Some(sensitivity) = non_empty(params.sensitivity) {
        match Sensitivity::parse(&sensitivity.to_ascii_lowercase()) {
            Some(sensitivity) => request.sensitivity = Some(sensitivity.as_str().to_owned()),
            None => problems.push(FieldProblem::new(
                "sensitivity",
                "unknown sensitivity (open, agency_name_only, restricted)",
            )),
        }
    }
    request.observed_from = instant(params.observed_from, "observed_from", false, &mut problems);
    request.observed_to = instant(params.observed_to, "observed_to", true, &mut problems);
    request.min_score = score(params.min_score, "min_score", &mut problems);
    request.max_score = score(params.max_score, "max_score", &mut problems);
    if let Some(sort) = non_empty(params.sort) {
        match SortBy::parse(&sort) {
            Some(sort) => request.sort = sort,
            None => problems.push(FieldProblem::new(
                "sort",
                "one of relevance, score, received_at, observed_at",
            )),
        }
    }
    if let Some(order) = non_empty(params.order) {
        match SortOrder::parse(&order) {
            Some(order) => request.order = order,
            None => problems.push(FieldProblem::new("order", "one of asc, desc")),
        }
    }
    if let Some(limit) = number(params.limit, "limit", 1, MAX_LIMIT, &mut problems) {
        request.limit = limit;
    }
    if let Some(offset) = number(params.offset, "offset", 0, MAX_OFFSET, &mut problems) {
        request.offset = offset;
    }
    let purpose = match purpose_of(params.purpose, caller) {
        Ok(purpose) => purpose,
        Err(problem) => {
            problems.push(problem);
            None
        }
    };
    if problems.is_empty()
        && let Err(IndexError::InvalidRequest { field, problem }) = request.validate()
    {
        problems.push(FieldProblem::new(field, problem));
    }
    if problems.is_empty() {
        Ok((request, purpose))
    } else {
        Err(problems)
    }
}

/// The stated purpose: required for a caller with the PII right.
fn purpose_of(purpose: Option<String>, caller: &Caller) -> Result<Option<String>, FieldProblem> {
    match stated_purpose(purpose)? {
        None if caller.sees_pii() => Err(FieldProblem::new(
            "purpose",
            "required when the caller may see PII",
        )),
        purpose => Ok(purpose),
    }
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|value| !value.trim().is_empty())
}

fn codes(
    list: Option<String>,
    field: &str,
    problem: &str,
    known: impl Fn(&str) -> bool,
    problems: &mut Vec<FieldProblem>,
) -> Vec<String> {
    let mut out = Vec::new();
    let Some(list) = list else {
        return out;
    };
    for (n, code) in list
        .split(',')
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .enumerate()
    {
        let code = code.to_ascii_uppercase();
        if known(&code) {
            out.push(code);
        } else {
            problems.push(FieldProblem::new(format!("{field}[{n}]"), problem));
        }
    }
    out
}

/// RFC 3339, or a calendar date: its first second, or with `end_of_day` its last.
fn instant(
    text: Option<String>,
    field: &str,
    end_of_day: bool,
    problems: &mut Vec<FieldProblem>,
) -> Option<ZonedTime> {
    let text = non_empty(text)?;
    let text = text.trim();
    let parsed = if text.len() == 10 {
        let time = if end_of_day { "23:59:59" } else { "00:00:00" };
        ZonedTime::parse(&format!("{text}T{time}Z"))
    } else {
        ZonedTime::parse(text)
    };
    match parsed {
        Ok(at) => Some(at),
        Err(_) => {
            problems.push(FieldProblem::new(
                field,
                "not an RFC 3339 date-time or a YYYY-MM-DD date",
            ));
            None
        }
    }
}

fn score(text: Option<String>, field: &str, problems: &mut Vec<FieldProblem>) -> Option<f64> {
    let text = non_empty(text)?;
    match text.trim().parse::<f64>() {
        Ok(score) if (0.0..=100.0).contains(&score) => Some(score),
        _ => {
            problems.push(FieldProblem::new(field, "not a number from 0 to 100"));
            None
        }
    }
}

fn number(
    text: Option<String>,
    field: &str,
    min: usize,
    max: usize,
    problems: &mut Vec<FieldProblem>,
) -> Option<usize> {
    let text = non_empty(text)?;
    match text.trim().parse::<usize>() {
        Ok(value) if (min..=max).contains(&value) => Some(value),
        _ => {
            problems.push(FieldProblem::new(
                field,
                format!("a whole number from {min} to {max}"),
            ));
            None
        }
    }
}

fn index_problem(error: &IndexError) -> Problem {
    match error {
        IndexError::InvalidQuery { reason } => {
            Problem::bad_request("invalid query").with_errors(vec![FieldProblem::new("q", *reason)])
        }
        IndexError::InvalidRequest { field, problem } => Problem::bad_request("invalid request")
            .with_errors(vec![FieldProblem::new(*field, *problem)]),
        other => {
            tracing::error!(stage = "index", error = %other, "search failed");
            Problem::internal()
        }
    }
}

/// Writes the audit event; the answer is refused when it cannot be written.
async fn audit(state: &SearchState, event: AuditEvent) -> Result<u64, Problem> {
    let store = Arc::clone(&state.audit);
    let written = tokio::task::spawn_blocking(move || {
        let mut store = store
            .lock()
            .map_err(|_| "audit store lock poisoned".to_owned())?;
        store.audit(&event).map_err(|error| error.to_string())
    })
    .await;
    match written {
        Ok(Ok(seq)) => Ok(seq),
        Ok(Err(error)) => {
            tracing::error!(stage = "index", error, "audit write failed");
            Err(Problem::internal())
        }
        Err(_) => Err(Problem::internal()),
    }
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn now_rfc3339() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(0));
    ZonedTime::from_unix(seconds, 0).map_or_else(|_| String::new(), |at| at.to_rfc3339())
}

#[cfg(test)]
mod tests;
