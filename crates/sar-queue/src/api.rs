//! The queue routes and their OpenAPI document.
//!
//! Access: reading needs `ReadQueue`, acting `WorkQueue`, bulk requests `BulkWorkQueue`; each
//! role reads and works only its queues (`access`) in its jurisdictions. An item outside the
//! caller's scope answers 404, as if it did not exist; a whole queue outside the role answers
//! 403. Items are shown in the Summary view unless the caller `sees_pii()` (T-40); notes and
//! rationales (free text) only to callers who see PII.

use axum::{
    Router,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use sar_http::{Authenticated, FieldProblem, Json, Problem, caller_must, stated_purpose};
use sar_model::{
    RoutedRecord, Summarize,
    access::{Caller, Permission},
    records::QueueName,
};
use sar_store::{
    AuditEvent, ClaimResult, DisposeResult, Disposition, QueueFilter, QueueItem, QueueNote,
    QueueSort, QueueState, ReleaseResult,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{
    IntoParams, Modify, OpenApi, ToSchema,
    openapi::security::{Http, HttpAuthScheme, SecurityScheme},
};

use crate::{
    access::{Access, actor_for, queues_for, scope_for},
    service::{QueueService, rfc3339},
};

/// Longest note or rationale, in characters.
const MAX_TEXT_CHARS: usize = 10_000;

/// The queue routes (absolute paths, state applied). Callers need the `auth_layer` around it.
pub fn router(service: QueueService) -> Router {
    Router::new()
        .route("/v1/queues", get(list_queues))
        .route("/v1/queues/{queue}/items", get(list_items))
        .route("/v1/items/bulk/claim", post(bulk_claim))
        .route("/v1/items/bulk/disposition", post(bulk_disposition))
        .route("/v1/items/{id}", get(read_item))
        .route("/v1/items/{id}/claim", post(claim_item))
        .route("/v1/items/{id}/release", post(release_item))
        .route("/v1/items/{id}/disposition", post(dispose_item))
        .route("/v1/items/{id}/notes", get(read_notes).post(add_note))
        .with_state(service)
}

/// The OpenAPI document of the queue routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    QueueApi::openapi()
}

#[derive(OpenApi)]
#[openapi(
    paths(
        list_queues,
        list_items,
        read_item,
        claim_item,
        release_item,
        dispose_item,
        add_note,
        read_notes,
        bulk_claim,
        bulk_disposition
    ),
    components(schemas(
        QueueCounts,
        QueueCountView,
        ItemPage,
        ItemView,
        ItemDetail,
        View,
        ClaimView,
        DispositionRequest,
        DispositionName,
        DispositionView,
        NoteRequest,
        NoteCreated,
        NotesView,
        NoteView,
        BulkClaimRequest,
        BulkDispositionRequest,
        BulkResults,
        BulkResult,
        BulkOutcome,
        Problem,
        FieldProblem
    )),
    modifiers(&SecuritySchemes),
    tags((name = "queue", description = "Analyst queues: list, claim, release, dispose, notes, bulk"))
)]
struct QueueApi;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// Open, claimed and overdue items of one queue.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct QueueCountView {
    queue: String,
    open: u64,
    claimed: u64,
    /// Open or claimed past their review deadline.
    overdue: u64,
}

/// The queues the caller reads, in their jurisdictions.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct QueueCounts {
    queues: Vec<QueueCountView>,
}

/// A queue item without the report: what a listing shows.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ItemView {
    report_id: String,
    queue: String,
    /// `immediate`, `high`, `normal`, `low`.
    priority: String,
    score: f64,
    jurisdiction: String,
    /// The submitting agency.
    agency: String,
    gate_outcome: String,
    received_at: String,
    /// When the review is due.
    sla_due_at: String,
    overdue: bool,
    /// `open`, `claimed` or `disposed`.
    state: String,
    /// Holder of a live claim.
    claimed_by: Option<String>,
    lease_until: Option<String>,
    disposition: Option<String>,
    disposed_by: Option<String>,
    disposed_at: Option<String>,
    behavior_codes: Vec<String>,
    /// Possible duplicates (T-27) the caller may see: linked for review, never merged.
    possible_duplicates: Vec<String>,
    n_notes: u64,
}

impl ItemView {
    fn of(item: &QueueItem) -> Self {
        Self {
            report_id: item.report_id.clone(),
            queue: item.queue.as_str().to_owned(),
            priority: item.priority.as_str().to_owned(),
            score: item.score,
            jurisdiction: item.jurisdiction.clone(),
            agency: item.agency.clone(),
            gate_outcome: item.gate_outcome.clone(),
            received_at: item.received_at.clone(),
            sla_due_at: item.sla_due_at.clone(),
            overdue: item.overdue,
            state: item.state.as_str().to_owned(),
            claimed_by: item.claimed_by.clone(),
            lease_until: item.lease_until.clone(),
            disposition: item.disposition.map(|one| one.as_str().to_owned()),
            disposed_by: item.disposed_by.clone(),
            disposed_at: item.disposed_at.clone(),
            behavior_codes: item.behavior_codes.clone(),
            possible_duplicates: item.links.clone(),
            n_notes: item.n_notes,
        }
    }
}

/// A page of a queue.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ItemPage {
    /// Items matching the filters.
    total: u64,
    limit: usize,
    offset: usize,
    items: Vec<ItemView>,
}

/// Which view of the report the caller got.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum View {
    /// PII fields removed or generalized (T-40).
    Summary,
    /// The whole record.
    Detailed,
}

/// A queue item with its report.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ItemDetail {
    #[serde(flatten)]
    item: ItemView,
    view: View,
    /// The disposing analyst's rationale (Detailed view only).
    rationale: Option<String>,
    /// The routed record, in the view named by `view`.
    #[schema(value_type = Object)]
    record: serde_json::Value,
}

/// A claim held.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ClaimView {
    report_id: String,
    lease_until: String,
    /// The caller already held it; the lease was extended.
    renewed: bool,
}

/// How a Step-1 review ends. `advance_to_step2` is a human decision (T-31).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DispositionName {
    Unfounded,
    NotSarCriminalTip,
    NeedsInfo,
    AdvanceToStep2,
}

impl DispositionName {
    fn store(self) -> Disposition {
        match self {
            Self::Unfounded => Disposition::Unfounded,
            Self::NotSarCriminalTip => Disposition::NotSarCriminalTip,
            Self::NeedsInfo => Disposition::NeedsInfo,
            Self::AdvanceToStep2 => Disposition::AdvanceToStep2,
        }
    }
}

/// A disposition of a claimed item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DispositionRequest {
    disposition: DispositionName,
    /// Why (required; at most 10,000 characters).
    #[serde(default)]
    #[schema(required = true)]
    rationale: Option<String>,
}

/// A disposition recorded.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DispositionView {
    report_id: String,
    disposition: String,
    disposed_at: String,
}

/// A note to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NoteRequest {
    /// At most 10,000 characters.
    text: String,
}

/// A note added.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NoteCreated {
    id: u64,
}

/// One note.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NoteView {
    id: u64,
    author: String,
    at: String,
    text: String,
}

/// The notes of an item, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NotesView {
    notes: Vec<NoteView>,
}

impl NoteView {
    fn of(note: QueueNote) -> Self {
        Self {
            id: note.id,
            author: note.author,
            at: note.at,
            text: note.text,
        }
    }
}

/// Items to claim at once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BulkClaimRequest {
    /// 1 to 10,000 report ids.
    ids: Vec<String>,
}

/// Claimed items to dispose of at once, all the same way.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BulkDispositionRequest {
    /// 1 to 10,000 report ids.
    ids: Vec<String>,
    disposition: DispositionName,
    /// Why (required; at most 10,000 characters).
    #[serde(default)]
    #[schema(required = true)]
    rationale: Option<String>,
}

/// What happened to one id of a bulk request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum BulkOutcome {
    Claimed,
    Renewed,
    Disposed,
    /// Someone else holds a live claim.
    HeldByOther,
    /// Dispose needs the caller's own live claim.
    NotHolder,
    AlreadyDisposed,
    /// No such item in the caller's scope.
    NotFound,
}

/// One id's outcome.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct BulkResult {
    report_id: String,
    outcome: BulkOutcome,
}

/// The outcome of a bulk request, one result per id in request order.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct BulkResults {
    /// Ids claimed, renewed or disposed.
    n_succeeded: usize,
    results: Vec<BulkResult>,
}

impl BulkResults {
    fn of(results: Vec<(String, BulkOutcome)>) -> Self {
        let n_succeeded = results
            .iter()
            .filter(|(_, outcome)| {
                matches!(
                    outcome,
                    BulkOutcome::Claimed | BulkOutcome::Renewed | BulkOutcome::Disposed
                )
            })
            .count();
        Self {
            n_succeeded,
            results: results
                .into_iter()
                .map(|(report_id, outcome)| BulkResult { report_id, outcome })
                .collect(),
        }
    }
}

/// Filters and order of a queue listing.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListParams {
    /// Comma-separated states (`open`, `claimed`, `disposed`). Default `open,claimed`.
    state: Option<String>,
    min_score: Option<f64>,
    max_score: Option<f64>,
    /// One FS behaviour code (e.g. `SURVL`).
    behavior_code: Option<String>,
    /// `priority` (default: priority, then oldest), `score` (highest first) or `age` (oldest
    /// first).
    sort: Option<String>,
    /// Items per page (default 50, at most 200).
    limit: Option<usize>,
    offset: Option<usize>,
}

/// Why the caller reads the item (recorded in the audit log).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReadParams {
    /// Recorded with the read (T-23); at most 500 characters. Default `queue review`.
    purpose: Option<String>,
}

/// Counts of the queues the caller reads.
#[utoipa::path(
    get,
    path = "/v1/queues",
    tag = "queue",
    responses(
        (status = 200, description = "Counts per queue", body = QueueCounts),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "The role reads no queue", body = Problem),
    ),
    security(("bearer" = []))
)]
async fn list_queues(
    State(service): State<QueueService>,
    Authenticated(caller): Authenticated,
) -> Result<axum::Json<QueueCounts>, Problem> {
    caller_must(&caller, Permission::ReadQueue)?;
    let scope = scope_for(&caller, Access::Read);
    let counts = service
        .with_store(move |store, now| store.queue_counts(&scope, now))
        .await?;
    Ok(axum::Json(QueueCounts {
        queues: counts
            .into_iter()
            .map(|count| QueueCountView {
                queue: count.queue.as_str().to_owned(),
                open: count.open,
                claimed: count.claimed,
                overdue: count.overdue,
            })
            .collect(),
    }))
}

/// A page of one queue (Summary fields only).
#[utoipa::path(
    get,
    path = "/v1/queues/{queue}/items",
    tag = "queue",
    params(("queue" = String, Path, description = "Queue name"), ListParams),
    responses(
        (status = 200, description = "The page", body = ItemPage),
        (status = 400, description = "Invalid filters or query parameters", body = Problem),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "The role does not read this queue", body = Problem),
        (status = 404, description = "No such queue", body = Problem),
    ),
    security(("bearer" = []))
)]
async fn list_items(
    State(service): State<QueueService>,
    Authenticated(caller): Authenticated,
    Path(queue): Path<String>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<axum::Json<ItemPage>, Problem> {
    caller_must(&caller, Permission::ReadQueue)?;
    let queue = QueueName::parse(&queue).ok_or_else(|| Problem::not_found("no such queue"))?;
    if !queues_for(caller.role, Access::Read).contains(&queue) {
        return Err(Problem::forbidden(format!(
            "role `{}` may not read the `{}` queue",
            caller.role.as_str(),
            queue.as_str()
        )));
    }
    let Query(params) = params.map_err(|rejection| Problem::invalid_query(&rejection))?;
    let filter = list_filter(&caller, queue, params, service.config())?;
    let (limit, offset) = (filter.limit, filter.offset);
    let (total, items) = service
        .with_store(move |store, now| {
            Ok((
                store.count_queue(&filter, now)?,
                store.list_queue(&filter, now)?,
            ))
        })
        .await?;
    Ok(axum::Json(ItemPage {
        total,
        limit,
        offset,
        items: items.iter().map(ItemView::of).collect(),
    }))
}

/// One item with its report, in the caller's view. Audited.
#[utoipa::path(
    get,
    path = "/v1/items/{id}",
    tag = "queue",
    params(("id" = String, Path, description = "Report id"), ReadParams),
    responses(
        (status = 200, description = "The item", body = ItemDetail),
        (status = 400, description = "Invalid query parameters, or a purpose over 500 characters", body = Problem),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "The role reads no queue", body = Problem),
        (status = 404, description = "No such item in the caller's queues and jurisdictions", body = Problem),
    ),
    security(("bearer" = []))
)]
async fn read_item(
    State(service): State<QueueService>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    params: Result<Query<ReadParams>, QueryRejection>,
) -> Result<axum::Json<ItemDetail>, Problem> {
    caller_must(&caller, Permission::ReadQueue)?;
    let Query(params) = params.map_err(|rejection| Problem::invalid_query(&rejection))?;
    let purpose = purpose_of(params.purpose)?;
    let scope = scope_for(&caller, Access::Read);
    let detailed = caller.sees_pii();
    let (actor, role) = (caller.subject.clone(), caller.role.as_str().to_owned());
    let item = service
        .with_store(move |store, now| {
            let Some(item) = store.queue_item(&id, &scope, now)? else {
                return Ok(None);
            };
            store.audit(&AuditEvent {
                at: now_text(now),
                actor,
                role,
                action: "read_item".to_owned(),
                purpose: Some(purpose),
                record_ids: vec![id],
                detail: Some(
                    if detailed {
                        "view=detailed"
                    } else {
                        "view=summary"
                    }
                    .to_owned(),
                ),
            })?;
            Ok(Some(item))
        })
        .await?
        .ok_or_else(item_not_found)?;
    let record = record_view(&item.payload, detailed)?;
    Ok(axum::Json(ItemDetail {
        item: ItemView::of(&item),
        view: if detailed {
            View::Detailed
        } else {
            View::Summary
        },
        rationale: if detailed { item.rationale } else { None },
        record,
    }))
}

/// Claims an item for the caller (or extends the caller's claim).
#[utoipa::path(
    post,
    path = "/v1/items/{id}/claim",
    tag = "queue",
    params(("id" = String, Path, description = "Report id")),
    responses(
        (status = 200, description = "Claimed", body = ClaimView),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "The role works no queue", body = Problem),
        (status = 404, description = "No such item in the caller's queues and jurisdictions", body = Problem),
        (status = 409, description = "Claimed by someone else, or disposed", body = Problem),
    ),
    security(("bearer" = []))
)]
async fn claim_item(
    State(service): State<QueueService>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<axum::Json<ClaimView>, Problem> {
    caller_must(&caller, Permission::WorkQueue)?;
    let actor = actor_for(&caller, Access::Work);
    let lease = service.config().lease;
    let report_id = id.clone();
    let (result, lease_until) = service
        .with_store(move |store, now| {
            let lease_until = now + lease;
            let mut results = store.claim(std::slice::from_ref(&id), &actor, lease_until, now)?;
            let result = results
                .pop()
                .map_or(ClaimResult::NotFound, |(_, result)| result);
            Ok((result, lease_until))
        })
        .await?;
    match result {
        ClaimResult::Claimed | ClaimResult::Renewed => Ok(axum::Json(ClaimView {
            report_id,
            lease_until: now_text(lease_until),
            renewed: result == ClaimResult::Renewed,
        })),
        ClaimResult::HeldBy { .. } => Err(Problem::conflict(
            "the item is claimed by someone else until their lease ends",
        )),
        ClaimResult::AlreadyDisposed => Err(Problem::conflict("the item has been disposed of")),
        ClaimResult::NotFound => Err(item_not_found()),
    }
}

/// Gives back the caller's claim.
#[utoipa::path(
    post,
    path = "/v1/items/{id}/release",
    tag = "queue",
    params(("id" = String, Path, description = "Report id")),
    responses(
        (status = 204, description = "Released"),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "The role works no queue", body = Problem),
        (status = 404, description = "No such item in the caller's queues and jurisdictions", body = Problem),
        (status = 409, description = "The caller holds no live claim on it", body = Problem),
    ),
    security(("bearer" = []))
)]
async fn release_item(
    State(service): State<QueueService>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    caller_must(&caller, Permission::WorkQueue)?;
    let actor = actor_for(&caller, Access::Work);
    let result = service
        .with_store(move |store, now| store.release(&id, &actor, now))
        .await?;
    match result {
        ReleaseResult::Released => Ok(StatusCode::NO_CONTENT),
        ReleaseResult::NotHolder => Err(Problem::conflict("you hold no live claim on this item")),
        ReleaseResult::NotFound => Err(item_not_found()),
    }
}

/// Disposes of an item the caller has claimed, with a rationale.
#[utoipa::path(
    post,
    path = "/v1/items/{id}/disposition",
    tag = "queue",
    params(("id" = String, Path, description = "Report id")),
    request_body = DispositionRequest,
    responses(
        (status = 200, description = "Disposed", body = DispositionView),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "The role works no queue", body = Problem),
        (status = 404, description = "No such item in the caller's queues and jurisdictions", body = Problem),
        (status = 409, description = "Not claimed by the caller, or already disposed", body = Problem),
        (status = 422, description = "Missing or blank rationale, unknown disposition", body = Problem),
    ),
    security(("bearer" = []))
)]
async fn dispose_item(
    State(service): State<QueueService>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    Json(request): Json<DispositionRequest>,
) -> Result<axum::Json<DispositionView>, Problem> {
    caller_must(&caller, Permission::WorkQueue)?;
    let rationale = required_text("rationale", request.rationale)?;
    let actor = actor_for(&caller, Access::Work);
    let disposition = request.disposition.store();
    let report_id = id.clone();
    let gauges = service.clone();
    let (result, at) = service
        .with_store(move |store, now| {
            let mut results = store.dispose(
                std::slice::from_ref(&id),
                &actor,
                disposition,
                &rationale,
                now,
            )?;
            let result = results
                .pop()
                .map_or(DisposeResult::NotFound, |(_, result)| result);
            gauges.refresh_gauges(store);
            Ok((result, now))
        })
        .await?;
    match result {
        DisposeResult::Disposed => Ok(axum::Json(DispositionView {
            report_id,
            disposition: disposition.as_str().to_owned(),
            disposed_at: now_text(at),
        })),
        DisposeResult::NotHolder => Err(Problem::conflict(
            "claim the item before disposing of it (or your claim has lapsed)",
        )),
        DisposeResult::AlreadyDisposed => Err(Problem::conflict("the item has been disposed of")),
        DisposeResult::NotFound => Err(item_not_found()),
    }
}

/// Adds a note to an item.
#[utoipa::path(
    post,
    path = "/v1/items/{id}/notes",
    tag = "queue",
    params(("id" = String, Path, description = "Report id")),
    request_body = NoteRequest,
    responses(
        (status = 201, description = "Added", body = NoteCreated),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "The role works no queue", body = Problem),
        (status = 404, description = "No such item in the caller's queues and jurisdictions", body = Problem),
        (status = 422, description = "Blank or too long", body = Problem),
    ),
    security(("bearer" = []))
)]
async fn add_note(
    State(service): State<QueueService>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    Json(request): Json<NoteRequest>,
) -> Result<Response, Problem> {
    caller_must(&caller, Permission::WorkQueue)?;
    check_text("text", &request.text)?;
    let actor = actor_for(&caller, Access::Work);
    let note_id = service
        .with_store(move |store, now| store.add_note(&id, &actor, &request.text, now))
        .await?
        .ok_or_else(item_not_found)?;
    Ok((StatusCode::CREATED, axum::Json(NoteCreated { id: note_id })).into_response())
}

/// The notes of an item (free text: callers who see PII only). Audited.
#[utoipa::path(
    get,
    path = "/v1/items/{id}/notes",
    tag = "queue",
    params(("id" = String, Path, description = "Report id"), ReadParams),
    responses(
        (status = 200, description = "The notes", body = NotesView),
        (status = 400, description = "Invalid query parameters, or a purpose over 500 characters", body = Problem),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "The caller does not see PII", body = Problem),
        (status = 404, description = "No such item in the caller's queues and jurisdictions", body = Problem),
    ),
    security(("bearer" = []))
)]
async fn read_notes(
    State(service): State<QueueService>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    params: Result<Query<ReadParams>, QueryRejection>,
) -> Result<axum::Json<NotesView>, Problem> {
    caller_must(&caller, Permission::ReadQueue)?;
    if !caller.sees_pii() {
        return Err(Problem::forbidden(
            "notes are free text and may hold PII: a token with need-to-know is required",
        ));
    }
    let Query(params) = params.map_err(|rejection| Problem::invalid_query(&rejection))?;
    let purpose = purpose_of(params.purpose)?;
    let scope = scope_for(&caller, Access::Read);
    let (actor, role) = (caller.subject.clone(), caller.role.as_str().to_owned());
    let notes = service
        .with_store(move |store, now| {
            let Some(notes) = store.notes(&id, &scope)? else {
                return Ok(None);
            };
            store.audit(&AuditEvent {
                at: now_text(now),
                actor,
                role,
                action: "read_notes".to_owned(),
                purpose: Some(purpose),
                record_ids: vec![id],
                detail: None,
            })?;
            Ok(Some(notes))
        })
        .await?
        .ok_or_else(item_not_found)?;
    Ok(axum::Json(NotesView {
        notes: notes.into_iter().map(NoteView::of).collect(),
    }))
}

/// Claims many items at once (supervisors and privacy officers).
#[utoipa::path(
    post,
    path = "/v1/items/bulk/claim",
    tag = "queue",
    request_body = BulkClaimRequest,
    responses(
        (status = 200, description = "One result per id", body = BulkResults),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "The role may not act in bulk", body = Problem),
        (status = 422, description = "No ids, or more than the limit", body = Problem),
    ),
    security(("bearer" = []))
)]
async fn bulk_claim(
    State(service): State<QueueService>,
    Authenticated(caller): Authenticated,
    Json(request): Json<BulkClaimRequest>,
) -> Result<axum::Json<BulkResults>, Problem> {
    caller_must(&caller, Permission::BulkWorkQueue)?;
    check_ids(&request.ids, service.config().max_bulk)?;
    let actor = actor_for(&caller, Access::Work);
    let lease = service.config().lease;
    let results = service
        .with_store(move |store, now| store.claim(&request.ids, &actor, now + lease, now))
        .await?;
    Ok(axum::Json(BulkResults::of(
        results
            .into_iter()
            .map(|(id, result)| {
                let outcome = match result {
                    ClaimResult::Claimed => BulkOutcome::Claimed,
                    ClaimResult::Renewed => BulkOutcome::Renewed,
                    ClaimResult::HeldBy { .. } => BulkOutcome::HeldByOther,
                    ClaimResult::AlreadyDisposed => BulkOutcome::AlreadyDisposed,
                    ClaimResult::NotFound => BulkOutcome::NotFound,
                };
                (id, outcome)
            })
            .collect(),
    )))
}

/// Disposes of many claimed items at once, all the same way (supervisors and privacy officers).
#[utoipa::path(
    post,
    path = "/v1/items/bulk/disposition",
    tag = "queue",
    request_body = BulkDispositionRequest,
    responses(
        (status = 200, description = "One result per id", body = BulkResults),
        (status = 401, description = "No valid token", body = Problem),
        (status = 403, description = "The role may not act in bulk", body = Problem),
        (status = 422, description = "No ids, more than the limit, or a blank rationale", body = Problem),
    ),
    security(("bearer" = []))
)]
async fn bulk_disposition(
    State(service): State<QueueService>,
    Authenticated(caller): Authenticated,
    Json(request): Json<BulkDispositionRequest>,
) -> Result<axum::Json<BulkResults>, Problem> {
    caller_must(&caller, Permission::BulkWorkQueue)?;
    check_ids(&request.ids, service.config().max_bulk)?;
    let rationale = required_text("rationale", request.rationale)?;
    let actor = actor_for(&caller, Access::Work);
    let disposition = request.disposition.store();
    let gauges = service.clone();
    let results = service
        .with_store(move |store, now| {
            let results = store.dispose(&request.ids, &actor, disposition, &rationale, now)?;
            gauges.refresh_gauges(store);
            Ok(results)
        })
        .await?;
    Ok(axum::Json(BulkResults::of(
        results
            .into_iter()
            .map(|(id, result)| {
                let outcome = match result {
                    DisposeResult::Disposed => BulkOutcome::Disposed,
                    DisposeResult::NotHolder => BulkOutcome::NotHolder,
                    DisposeResult::AlreadyDisposed => BulkOutcome::AlreadyDisposed,
                    DisposeResult::NotFound => BulkOutcome::NotFound,
                };
                (id, outcome)
            })
            .collect(),
    )))
}

fn item_not_found() -> Problem {
    Problem::not_found("no such item in your queues and jurisdictions")
}

fn now_text(at: OffsetDateTime) -> String {
    // Times from the clock always format; keep an answer if one did not.
    rfc3339(at).unwrap_or_else(|_| at.unix_timestamp().to_string())
}

fn purpose_of(purpose: Option<String>) -> Result<String, Problem> {
    let purpose = stated_purpose(purpose).map_err(|problem| {
        Problem::bad_request("the purpose is too long").with_errors(vec![problem])
    })?;
    Ok(purpose.unwrap_or_else(|| "queue review".to_owned()))
}

/// `text`, present and checked by `check_text`.
fn required_text(field: &str, text: Option<String>) -> Result<String, Problem> {
    let text = text.unwrap_or_default();
    check_text(field, &text)?;
    Ok(text)
}

fn check_text(field: &str, text: &str) -> Result<(), Problem> {
    if text.trim().is_empty() {
        return Err(Problem::unprocessable(
            format!("a {field} is required"),
            vec![FieldProblem::new(field, "required, may not be blank")],
        ));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(Problem::unprocessable(
            format!("the {field} is too long"),
            vec![FieldProblem::new(field, "at most 10000 characters")],
        ));
    }
    Ok(())
}

fn check_ids(ids: &[String], max_bulk: usize) -> Result<(), Problem> {
    if ids.is_empty() {
        return Err(Problem::unprocessable(
            "no ids",
            vec![FieldProblem::new("ids", "at least one id")],
        ));
    }
    if ids.len() > max_bulk {
        return Err(Problem::unprocessable(
            format!("at most {max_bulk} ids per request"),
            vec![FieldProblem::new("ids", format!("at most {max_bulk} ids"))],
        ));
    }
    Ok(())
}

fn list_filter(
    caller: &Caller,
    queue: QueueName,
    params: ListParams,
    config: &crate::QueueConfig,
) -> Result<QueueFilter, Problem> {
    let mut problems = Vec::new();
    let states = match params.state.as_deref() {
        None => vec![QueueState::Open, QueueState::Claimed],
        Some(list) => {
            let mut states = Vec::new();
            for name in list
                .split(',')
                .map(str::trim)
                .filter(|name| !name.is_empty())
            {
                match QueueState::parse(name) {
                    Some(state) => states.push(state),
                    None => problems.push(FieldProblem::new(
                        "state",
                        "expected open, claimed or disposed",
                    )),
                }
            }
            states
        }
    };
    let sort = match params.sort.as_deref() {
        None | Some("priority") => QueueSort::ByPriorityAge,
        Some("score") => QueueSort::ByScore,
        Some("age") => QueueSort::ByAge,
        Some(_) => {
            problems.push(FieldProblem::new("sort", "expected priority, score or age"));
            QueueSort::ByPriorityAge
        }
    };
    let limit = params.limit.unwrap_or(config.default_page);
    if limit == 0 || limit > config.max_page {
        problems.push(FieldProblem::new(
            "limit",
            format!("1 to {}", config.max_page),
        ));
    }
    for (field, score) in [
        ("min_score", params.min_score),
        ("max_score", params.max_score),
    ] {
        if score.is_some_and(|score| !score.is_finite()) {
            problems.push(FieldProblem::new(field, "not a number"));
        }
    }
    if !problems.is_empty() {
        return Err(Problem::bad_request("invalid filters").with_errors(problems));
    }
    Ok(QueueFilter {
        scope: scope_for(caller, Access::Read),
        queue: Some(queue),
        states,
        min_score: params.min_score,
        max_score: params.max_score,
        behavior_code: params.behavior_code,
        sort,
        limit,
        offset: params.offset.unwrap_or(0),
    })
}

/// The stored routed record as the caller may see it.
fn record_view(payload: &[u8], detailed: bool) -> Result<serde_json::Value, Problem> {
    let record: RoutedRecord = serde_json::from_slice(payload).map_err(|_| {
        tracing::error!(
            service = "queue",
            error_code = "undecodable_payload",
            "failed to decode a queued record"
        );
        Problem::internal()
    })?;
    let view = if detailed {
        serde_json::to_value(&record)
    } else {
        record.summary()
    };
    view.map_err(|_| Problem::internal())
}

#[cfg(test)]
mod tests;
