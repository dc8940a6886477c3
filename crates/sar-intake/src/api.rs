//! The intake router, its OpenAPI document, and `GET /v1/reports/{id}/status`.

#[allow(unused_imports)]
use axum::{
    Json, Router,
    extract::{Path, State},
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use utoipa::{
    Modify, OpenApi,
    openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme},
};

use sar_http::{Authenticated, Problem, caller_must};
use sar_model::{ReportId, access::Permission};
use sar_store::LedgerOutcome;

use crate::{
    batch::{BatchReceipt, RecordOutcome, RecordResult},
    feed, keys,
    reports::{self, ReportReceipt},
    state::IntakeState,
    status::{Progress, StatusView, SubmitterState, submitter_state},
};

/// The intake routes (absolute paths, state applied): `POST /v1/reports`,
/// `POST /v1/feed/batches`, `GET /v1/reports/{id}/status`. Bearer-token callers need the
/// caller's `auth_layer` around it; partner keys are checked here.
pub fn router(state: IntakeState) -> Router {
    Router::new()
        .route("/v1/reports", post(reports::submit_report))
        .route("/v1/feed/batches", post(feed::submit_batch))
        .route("/v1/reports/{id}/status", get(report_status))
        .with_state(state)
}

/// The OpenAPI document of the intake routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    IntakeApi::openapi()
}

#[derive(OpenApi)]
#[openapi(
    paths(reports::submit_report, feed::submit_batch, report_status),
    components(schemas(
        ReportReceipt,
        BatchReceipt,
        RecordResult,
        RecordOutcome,
        StatusView,
        SubmitterState,
        Problem,
        sar_http::FieldProblem
    )),
    modifiers(&SecuritySchemes),
    tags((name = "intake", description = "Officer reports, partner feed batches, submitter status"))
)]
struct IntakeApi;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        components.add_security_scheme(
            "partner_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                "SarflowKey <key id>.<secret>",
            ))),
        );
    }
}

/// Read the status of a report you submitted.
#[utoipa::path(
    get,
    path = "/v1/reports/{id}/status",
    tag = "intake",
    params(("id" = String, Path, description = "Report id from the receipt")),
    responses(
        (status = 200, description = "The status, in words for the submitter", body = StatusView),
        (status = 401, description = "No valid token or partner key", body = Problem),
        (status = 403, description = "The role may not read statuses", body = Problem),
        (status = 404, description = "No such report submitted by the caller's agency", body = Problem),
    ),
    security(("bearer" = []), ("partner_key" = []))
)]
pub(crate) async fn report_status(
    State(state): State<IntakeState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    bearer: Result<Authenticated, Problem>,
) -> Response {
    let inner = &state.inner;
    let partner_scheme = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .is_some_and(keys::is_partner_scheme);
    let caller = if partner_scheme {
        match feed::authenticate(inner, &headers).await {
            Ok(partner) => partner.caller,
            Err(problem) => return problem.into_response(),
        }
    } else {
        match bearer {
            Ok(Authenticated(caller)) => caller,
            Err(problem) => return problem.into_response(),
        }
    };
    if let Err(problem) = caller_must(&caller, Permission::ReadStatus) {
        return problem.into_response();
    }
    // One answer for "no such report" and "not yours": existence is not disclosed.
    let not_found = || Problem::not_found("no report with this id was submitted by your agency");
    let Ok(report_id) = ReportId::parse(&id) else {
        return not_found().into_response();
    };
    let report_id = report_id.to_string();
    let found = inner
        .with_store(move |store| {
            let Some(entry) = store.ledger_entry(&report_id)? else {
                return Ok(None);
            };
            let status = store.report_status(&report_id)?;
            Ok(Some((entry, status)))
        })
        .await;
    let (entry, status) = match found {
        Ok(Some(found)) => found,
        Ok(None) => return not_found().into_response(),
        Err(problem) => return problem.into_response(),
    };
    if entry.agency != caller.agency {
        return not_found().into_response();
    }
    let rejected = entry.outcome == LedgerOutcome::Rejected;
    let progress = status.as_ref().map(|status| Progress {
        stage: &status.stage,
        disposition: status.disposition.as_deref(),
    });
    let state = submitter_state(rejected, progress);
    let updated_at = status
        .as_ref()
        .map_or_else(|| entry.received_at.clone(), |status| status.at.clone());
    Json(StatusView {
        report_id: entry.report_id,
        state,
        message: state.message().to_owned(),
        received_at: entry.received_at,
        updated_at,
    })
    .into_response()
}
