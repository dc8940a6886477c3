//! Search API tests over `router(...).oneshot(request)`: authentication and role (401, 403),
//! the purpose a PII caller must state, the audit row of every answer, Summary and Detailed
//! views, parameter problems, and the OpenAPI document.

use std::{
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use sar_http::{MAX_PURPOSE_CHARS, TokenKeys, auth_layer};
use sar_index::ReportIndex;
use sar_model::{
    ReportId,
    access::{Caller, Role},
    examples,
    records::RoutedRecord,
};
use sar_store::Journal;

use super::*;

const NAME: &str = "Zebulon Quartermaine";

struct Fixture {
    _dir: tempfile::TempDir,
    store: std::path::PathBuf,
    keys: TokenKeys,
    router: Router,
    ids: Vec<String>,
}

fn record(n: u8, jurisdiction: &str) -> RoutedRecord {
    let mut record = examples::routed_record();
    let report = &mut record.gated.scored.normalized.report;
    report.report_id = ReportId::from_parts(1_772_000_000_000 + u64::from(n), [n; 10]);
    report.location.jurisdiction = jurisdiction.into();
    report.persons[0].name = Some(NAME.into());
    record
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("journal.sqlite");
    let index = ReportIndex::in_memory().unwrap();
    let records = [record(1, "Riverside PD"), record(2, "Mesa PD")];
    let mut writer = index.writer(30_000_000).unwrap();
    for record in &records {
        writer.upsert(record).unwrap();
    }
    writer.commit("{}").unwrap();
    let keys = TokenKeys::new(b"test");
    let state = SearchState::new(Arc::new(index), Journal::open(&store).unwrap());
    let router = router(state).layer(auth_layer(keys.clone()));
    Fixture {
        _dir: dir,
        store,
        keys,
        router,
        ids: records
            .iter()
            .map(|r| r.gated.scored.normalized.report.report_id.to_string())
            .collect(),
    }
}

fn caller(role: Role, jurisdictions: &[&str], pii: bool) -> Caller {
    Caller {
        subject: format!("{}-7", role.as_str()),
        role,
        agency: "AZ0070100".into(),
        jurisdictions: jurisdictions.iter().map(|j| (*j).to_owned()).collect(),
        pii,
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl Fixture {
    async fn get(&self, uri: &str, caller: Option<&Caller>) -> (StatusCode, Value, String) {
        let mut request = Request::get(uri);
        if let Some(caller) = caller {
            let token = self
                .keys
                .issue(caller, Duration::from_secs(600), now())
                .unwrap();
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|value| value.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, body, content_type)
    }

    fn audit(&self) -> Vec<AuditEvent> {
        let journal = Journal::open(&self.store).unwrap();
        journal
            .audit_after(0, 100)
            .unwrap()
            .into_iter()
            .map(|record| record.event)
            .collect()
    }
}

fn error_fields(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|error| error["field"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn unauthenticated_and_unauthorized_callers_are_refused() {
    let fixture = fixture();
    let (status, body, content_type) = fixture.get("/v1/search?q=fence", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(body["status"], 401);
    // a partner is never a token role: its token does not verify
    for (role, expected) in [
        (Role::Officer, StatusCode::FORBIDDEN),
        (Role::Partner, StatusCode::UNAUTHORIZED),
    ] {
        let officer = caller(role, &["*"], true);
        let (status, _, _) = fixture.get("/v1/search?q=fence", Some(&officer)).await;
        assert_eq!(status, expected);
        let uri = format!("/v1/reports/{}?purpose=x", fixture.ids[0]);
        let (status, _, _) = fixture.get(&uri, Some(&officer)).await;
        assert_eq!(status, expected);
    }
    assert!(fixture.audit().is_empty());
}

#[tokio::test]
async fn a_pii_caller_must_state_a_purpose_and_is_audited() {
    let fixture = fixture();
    let analyst = caller(Role::Analyst, &["*"], true);
    let (status, body, _) = fixture
        .get("/v1/search?q=Quartermaine", Some(&analyst))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_fields(&body), ["purpose"]);
    let too_long = format!(
        "/v1/search?q=Quartermaine&purpose={}",
        "p".repeat(MAX_PURPOSE_CHARS + 1)
    );
    let (status, body, _) = fixture.get(&too_long, Some(&analyst)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_fields(&body), ["purpose"]);
    assert!(
        fixture.audit().is_empty(),
        "nothing searched, nothing audited"
    );

    let (status, body, _) = fixture
        .get(
            "/v1/search?q=Quartermaine&purpose=case%2042&sort=received_at&order=asc",
            Some(&analyst),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"], 2);
    assert_eq!(body["pii_fields_touched"], true);
    assert_eq!(body["hits"][0]["detailed"]["persons"][0]["name"], NAME);
    let audit = fixture.audit();
    assert_eq!(audit.len(), 1);
    let event = &audit[0];
    assert_eq!(event.action, "search");
    assert_eq!(event.actor, "analyst-7");
    assert_eq!(event.role, "analyst");
    assert_eq!(event.purpose.as_deref(), Some("case 42"));
    let mut ids = event.record_ids.clone();
    ids.sort();
    assert_eq!(ids, fixture.ids);
}

#[tokio::test]
async fn a_summary_caller_gets_the_summary_view_and_is_audited() {
    let fixture = fixture();
    let analyst = caller(Role::Analyst, &["Riverside PD"], false);
    let (status, body, _) = fixture
        .get("/v1/search?q=Quartermaine", Some(&analyst))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["total"], 0);
    let (status, body, _) = fixture.get("/v1/search?q=fence", Some(&analyst)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["total"], 1, "one jurisdiction only");
    assert_eq!(body["pii_fields_touched"], false);
    assert!(body["hits"][0]["detailed"].is_null());
    assert!(!body.to_string().contains("Quartermaine"));
    let audit = fixture.audit();
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[1].purpose, None);
    assert_eq!(audit[1].record_ids, [fixture.ids[0].clone()]);
}

#[tokio::test]
async fn every_parameter_problem_is_reported_at_once() {
    let fixture = fixture();
    let analyst = caller(Role::Supervisor, &["*"], false);
    let (status, body, _) = fixture
        .get(
            "/v1/search?limit=500&queue=bogus&behavior_codes=INTRSN,NOPE&min_score=x&observed_from=yesterday&sort=best&sensitivity=secret",
            Some(&analyst),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        error_fields(&body),
        [
            "behavior_codes[1]",
            "queue",
            "sensitivity",
            "observed_from",
            "min_score",
            "sort",
            "limit"
        ]
    );
    let (status, body, _) = fixture
        .get("/v1/search?min_score=60&max_score=10", Some(&analyst))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_fields(&body), ["min_score"]);
    // An unknown parameter: the query string itself is the field, its problem names the
    // parameter (the queue API answers alike).
    let (status, body, _) = fixture
        .get("/v1/search?jurisdction=x", Some(&analyst))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_fields(&body), ["query"]);
    assert!(
        body["errors"][0]["problem"]
            .as_str()
            .unwrap()
            .contains("jurisdction"),
        "{body}"
    );
    let (status, body, _) = fixture
        .get("/v1/search?q=person_names:quartermaine", Some(&analyst))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_fields(&body), ["q"]);
    let (status, body, _) = fixture
        .get(
            "/v1/search?behavior_codes=intrsn&observed_from=2026-03-01&observed_to=2026-03-01&outcome=TRIAGE&queue=priority&sort=score&sensitivity=Agency_Name_Only",
            Some(&analyst),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"], 2);
    assert!(
        fixture.audit().len() == 1,
        "only the search that ran is audited"
    );
}

#[tokio::test]
async fn a_report_is_read_in_the_callers_view_and_audited() {
    let fixture = fixture();
    let uri = format!("/v1/reports/{}", fixture.ids[0]);
    let summary_caller = caller(Role::Auditor, &["*"], false);
    let (status, body, _) = fixture.get(&uri, Some(&summary_caller)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["view"], "summary");
    assert!(!body.to_string().contains("Quartermaine"));

    let pii = caller(Role::PrivacyOfficer, &["Riverside PD"], true);
    let (status, body, _) = fixture.get(&uri, Some(&pii)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_fields(&body), ["purpose"]);
    let (status, body, _) = fixture
        .get(&format!("{uri}?purpose=review"), Some(&pii))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["view"], "detailed");
    assert!(body.to_string().contains("Quartermaine"));

    let other = format!("/v1/reports/{}?purpose=review", fixture.ids[1]);
    let (status, _, _) = fixture.get(&other, Some(&pii)).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "outside the caller's jurisdictions"
    );
    let (status, _, _) = fixture
        .get("/v1/reports/not-an-id?purpose=x", Some(&pii))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let audit = fixture.audit();
    assert_eq!(audit.len(), 2);
    assert!(audit.iter().all(|event| event.action == "read_report"));
    assert_eq!(audit[1].purpose.as_deref(), Some("review"));
    assert_eq!(audit[1].record_ids, [fixture.ids[0].clone()]);
    assert_eq!(audit[1].detail.as_deref(), Some(r#"{"view":"detailed"}"#));
}

#[test]
fn the_openapi_document_names_both_routes() {
    let document = serde_json::to_value(openapi()).unwrap();
    assert!(document["paths"]["/v1/search"]["get"].is_object());
    assert!(document["paths"]["/v1/reports/{id}"]["get"].is_object());
    assert!(document["components"]["schemas"]["SearchResponse"].is_object());
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
    let parameters = document["paths"]["/v1/search"]["get"]["parameters"]
        .as_array()
        .unwrap();
    assert!(parameters.iter().any(|p| p["name"] == "purpose"));
}
