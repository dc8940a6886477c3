//! Router tests through `tower::ServiceExt::oneshot` with real tokens: authentication, roles,
//! jurisdictions, queue access, claims, dispositions, notes, bulk limits and the audit trail.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::{
    body::Body,
    http::{Method, Request, header},
};
use http_body_util::BodyExt;
use sar_http::{MAX_PURPOSE_CHARS, TokenKeys, auth_layer};
use sar_model::access::Role;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::*;
use crate::service::tests::{id_of, queued, service};

struct Fixture {
    _dir: tempfile::TempDir,
    service: QueueService,
    keys: TokenKeys,
    /// Riverside standard, Riverside standard, Lakeside standard, Riverside privacy review.
    ids: Vec<String>,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let service = service(&dir);
    let base = sar_synth::canonical::routed_records(5, 1).remove(0);
    let records = vec![
        queued(base.clone(), 1, QueueName::Standard, "Riverside"),
        queued(base.clone(), 2, QueueName::Standard, "Riverside"),
        queued(base.clone(), 3, QueueName::Standard, "Lakeside"),
        queued(base, 4, QueueName::PrivacyReview, "Riverside"),
    ];
    service.ingest(&records, None).unwrap();
    Fixture {
        _dir: dir,
        service,
        keys: TokenKeys::new(b"test"),
        ids: records.iter().map(id_of).collect(),
    }
}

fn caller(subject: &str, role: Role, jurisdictions: &[&str], pii: bool) -> Caller {
    Caller {
        subject: subject.to_owned(),
        role,
        agency: "state-fusion".to_owned(),
        jurisdictions: jurisdictions.iter().map(|one| (*one).to_owned()).collect(),
        pii,
    }
}

fn analyst(subject: &str) -> Caller {
    caller(subject, Role::Analyst, &["riverside"], false)
}

impl Fixture {
    fn token(&self, caller: &Caller) -> String {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        self.keys
            .issue(caller, Duration::from_secs(600), now)
            .unwrap()
    }

    async fn send(
        &self,
        method: Method,
        uri: &str,
        caller: Option<&Caller>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let app = router(self.service.clone()).layer(auth_layer(self.keys.clone()));
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(caller) = caller {
            request = request.header(
                header::AUTHORIZATION,
                format!("Bearer {}", self.token(caller)),
            );
        }
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        }
        .unwrap();
        let response = app.oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap()
        };
        (status, value)
    }

    async fn get(&self, uri: &str, caller: &Caller) -> (StatusCode, Value) {
        self.send(Method::GET, uri, Some(caller), None).await
    }

    async fn post(&self, uri: &str, caller: &Caller, body: Option<Value>) -> (StatusCode, Value) {
        self.send(Method::POST, uri, Some(caller), body).await
    }

    fn audit(&self) -> Vec<AuditEvent> {
        let store = self.service.lock();
        assert!(store.verify_audit().unwrap().is_ok());
        store
            .audit_after(0, 1_000)
            .unwrap()
            .into_iter()
            .map(|record| record.event)
            .collect()
    }
}

fn item_ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["report_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn no_token_is_401_and_a_role_without_queues_403() {
    let fixture = fixture();
    let (status, problem) = fixture.send(Method::GET, "/v1/queues", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(problem["status"], 401);
    let (status, _) = fixture
        .send(
            Method::POST,
            &format!("/v1/items/{}/claim", fixture.ids[0]),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let officer = caller("officer-1", Role::Officer, &["riverside"], false);
    let (status, _) = fixture.get("/v1/queues", &officer).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let auditor = caller("auditor-1", Role::Auditor, &["*"], false);
    let (status, _) = fixture
        .post(
            &format!("/v1/items/{}/claim", fixture.ids[0]),
            &auditor,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "auditors read, never act");
    let (status, _) = fixture
        .post(
            "/v1/items/bulk/claim",
            &analyst("alice"),
            Some(json!({"ids": [fixture.ids[0]]})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "analysts do not act in bulk");
}

#[tokio::test]
async fn other_jurisdictions_are_not_visible() {
    let fixture = fixture();
    let alice = analyst("alice");
    let (status, page) = fixture.get("/v1/queues/standard/items", &alice).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(item_ids(&page), fixture.ids[..2]);
    assert_eq!(page["total"], 2);

    let lakeside = &fixture.ids[2];
    for (method, uri) in [
        (Method::GET, format!("/v1/items/{lakeside}")),
        (Method::POST, format!("/v1/items/{lakeside}/claim")),
    ] {
        let (status, _) = fixture.send(method, &uri, Some(&alice), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
    }
    let (_, counts) = fixture.get("/v1/queues", &alice).await;
    let queues: Vec<(&str, u64)> = counts["queues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|count| {
            (
                count["queue"].as_str().unwrap(),
                count["open"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(queues, [("priority", 0), ("standard", 2), ("not_sar", 0)]);

    let statewide = caller("sam", Role::Supervisor, &["*"], false);
    let (_, page) = fixture.get("/v1/queues/standard/items", &statewide).await;
    assert_eq!(item_ids(&page), fixture.ids[..3]);
}

#[tokio::test]
async fn a_claim_held_by_someone_else_is_a_conflict() {
    let fixture = fixture();
    let id = &fixture.ids[0];
    let (status, claim) = fixture
        .post(&format!("/v1/items/{id}/claim"), &analyst("alice"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(claim["report_id"], id.as_str());
    assert_eq!(claim["lease_until"], "2026-03-01T12:30:00Z");
    assert_eq!(claim["renewed"], false);
    let (status, problem) = fixture
        .post(&format!("/v1/items/{id}/claim"), &analyst("bob"), None)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        !problem["detail"].as_str().unwrap().contains("alice"),
        "the holder is not named"
    );
    let (status, _) = fixture
        .post(&format!("/v1/items/{id}/release"), &analyst("bob"), None)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = fixture
        .post(&format!("/v1/items/{id}/release"), &analyst("alice"), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = fixture
        .post(&format!("/v1/items/{id}/claim"), &analyst("bob"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_disposition_needs_a_claim_and_a_rationale() {
    let fixture = fixture();
    let alice = analyst("alice");
    let id = &fixture.ids[0];
    let uri = format!("/v1/items/{id}/disposition");
    let (status, _) = fixture
        .post(
            &uri,
            &alice,
            Some(json!({"disposition": "unfounded", "rationale": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "not claimed yet");
    fixture
        .post(&format!("/v1/items/{id}/claim"), &alice, None)
        .await;

    let (status, problem) = fixture
        .post(&uri, &alice, Some(json!({"disposition": "unfounded"})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "rationale", "{problem}");
    let (status, problem) = fixture
        .post(
            &uri,
            &alice,
            Some(json!({"disposition": "unfounded", "rationale": "  "})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "rationale");
    let (status, problem) = fixture
        .post(
            &uri,
            &alice,
            Some(json!({"disposition": "ise_sar", "rationale": "r"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "disposition");

    let (status, done) = fixture
        .post(
            &uri,
            &alice,
            Some(json!({"disposition": "advance_to_step2", "rationale": "matches a prior report"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["disposition"], "advance_to_step2");
    let (status, _) = fixture
        .post(
            &uri,
            &alice,
            Some(json!({"disposition": "unfounded", "rationale": "again"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let status = fixture.service.lock().report_status(id).unwrap().unwrap();
    assert_eq!(status.disposition.as_deref(), Some("advance_to_step2"));
}

#[tokio::test]
async fn privacy_queues_are_for_privacy_officers_only() {
    let fixture = fixture();
    let privacy_id = &fixture.ids[3];
    let officer = caller("pat", Role::PrivacyOfficer, &["riverside"], true);
    for someone in [
        analyst("alice"),
        caller("sam", Role::Supervisor, &["*"], true),
    ] {
        let (status, _) = fixture
            .get("/v1/queues/privacy_review/items", &someone)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = fixture
            .get(&format!("/v1/items/{privacy_id}"), &someone)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = fixture
            .post(&format!("/v1/items/{privacy_id}/claim"), &someone, None)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, page) = fixture
        .get("/v1/queues/privacy_review/items", &officer)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(item_ids(&page), std::slice::from_ref(privacy_id));
    let (status, _) = fixture
        .post(&format!("/v1/items/{privacy_id}/claim"), &officer, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = fixture.get("/v1/queues/standard/items", &officer).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = fixture
        .get("/v1/queues/no_such_queue/items", &officer)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_summary_view_hides_pii_and_the_detailed_view_is_audited() {
    let fixture = fixture();
    let id = &fixture.ids[0];
    let (status, summary) = fixture
        .get(&format!("/v1/items/{id}"), &analyst("alice"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(summary["view"], "summary");
    let report = &summary["record"]["gated"]["scored"]["normalized"]["report"];
    assert!(report.is_object(), "{summary}");
    assert!(report.get("narrative").is_none_or(Value::is_null));
    assert!(summary["record"]["gated"]["scored"]["normalized"]["narrative_redacted"].is_string());

    let with_pii = caller("alice", Role::Analyst, &["riverside"], true);
    let (status, detailed) = fixture
        .get(&format!("/v1/items/{id}?purpose=case%2042"), &with_pii)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detailed["view"], "detailed");
    assert!(detailed["record"]["gated"]["scored"]["normalized"]["report"]["narrative"].is_string());
    // A purpose over the limit every API holds it to is refused, and the read not audited.
    let (status, problem) = fixture
        .get(
            &format!(
                "/v1/items/{id}?purpose={}",
                "p".repeat(MAX_PURPOSE_CHARS + 1)
            ),
            &with_pii,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "purpose");

    let reads: Vec<(Option<String>, Option<String>)> = fixture
        .audit()
        .into_iter()
        .filter(|event| event.action == "read_item")
        .map(|event| (event.purpose, event.detail))
        .collect();
    assert_eq!(
        reads,
        [
            (
                Some("queue review".to_owned()),
                Some("view=summary".to_owned())
            ),
            (Some("case 42".to_owned()), Some("view=detailed".to_owned())),
        ]
    );
}

#[tokio::test]
async fn notes_are_added_and_read_with_need_to_know() {
    let fixture = fixture();
    let id = &fixture.ids[1];
    let alice = analyst("alice");
    let (status, created) = fixture
        .post(
            &format!("/v1/items/{id}/notes"),
            &alice,
            Some(json!({"text": "called back"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["id"], 1);
    let (status, _) = fixture
        .post(
            &format!("/v1/items/{id}/notes"),
            &alice,
            Some(json!({"text": ""})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = fixture.get(&format!("/v1/items/{id}/notes"), &alice).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "free text needs need-to-know"
    );
    let with_pii = caller("alice", Role::Analyst, &["riverside"], true);
    let (status, notes) = fixture
        .get(&format!("/v1/items/{id}/notes"), &with_pii)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(notes["notes"][0]["text"], "called back");
    assert_eq!(notes["notes"][0]["author"], "alice");
    let (_, item) = fixture.get(&format!("/v1/items/{id}"), &alice).await;
    assert_eq!(item["n_notes"], 1);
}

#[tokio::test]
async fn bulk_requests_are_limited_and_answered_per_id() {
    let fixture = fixture();
    let sam = caller("sam", Role::Supervisor, &["riverside"], false);
    let too_many: Vec<String> = (0..=10_000).map(|idx| format!("id-{idx}")).collect();
    let (status, problem) = fixture
        .post("/v1/items/bulk/claim", &sam, Some(json!({"ids": too_many})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "ids");
    let (status, _) = fixture
        .post("/v1/items/bulk/claim", &sam, Some(json!({"ids": []})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let ids = &fixture.ids;
    fixture
        .post(
            &format!("/v1/items/{}/claim", ids[1]),
            &analyst("alice"),
            None,
        )
        .await;
    let (status, claimed) = fixture
        .post(
            "/v1/items/bulk/claim",
            &sam,
            Some(json!({"ids": [ids[0], ids[1], ids[2], ids[3]]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let outcomes: Vec<&str> = claimed["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| result["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        ["claimed", "held_by_other", "not_found", "not_found"]
    );
    assert_eq!(claimed["n_succeeded"], 1);

    let (status, _) = fixture
        .post(
            "/v1/items/bulk/disposition",
            &sam,
            Some(json!({"ids": [ids[0]], "disposition": "unfounded", "rationale": ""})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, disposed) = fixture
        .post(
            "/v1/items/bulk/disposition",
            &sam,
            Some(json!({
                "ids": [ids[0], ids[1]],
                "disposition": "unfounded",
                "rationale": "duplicate of an earlier closed case",
            })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(disposed["results"][0]["outcome"], "disposed");
    assert_eq!(disposed["results"][1]["outcome"], "not_holder");
}

#[tokio::test]
async fn every_action_leaves_an_audit_row() {
    let fixture = fixture();
    let id = &fixture.ids[0];
    let alice = analyst("alice");
    fixture
        .post(&format!("/v1/items/{id}/claim"), &alice, None)
        .await;
    fixture
        .post(
            &format!("/v1/items/{id}/notes"),
            &alice,
            Some(json!({"text": "n"})),
        )
        .await;
    fixture
        .post(&format!("/v1/items/{id}/release"), &alice, None)
        .await;
    fixture
        .post(&format!("/v1/items/{id}/claim"), &alice, None)
        .await;
    fixture
        .post(
            &format!("/v1/items/{id}/disposition"),
            &alice,
            Some(json!({"disposition": "needs_info", "rationale": "no location"})),
        )
        .await;
    fixture.get(&format!("/v1/items/{id}"), &alice).await;
    // Refused actions change nothing and write nothing.
    fixture
        .post(&format!("/v1/items/{id}/claim"), &analyst("bob"), None)
        .await;

    let events: Vec<(String, String, String, Vec<String>)> = fixture
        .audit()
        .into_iter()
        .map(|event| (event.actor, event.role, event.action, event.record_ids))
        .collect();
    let row = |action: &str| {
        (
            "alice".to_owned(),
            "analyst".to_owned(),
            action.to_owned(),
            vec![id.clone()],
        )
    };
    assert_eq!(
        events,
        [
            row("claim"),
            row("add_note"),
            row("release"),
            row("claim"),
            row("dispose"),
            row("read_item"),
        ]
    );
}

#[tokio::test]
async fn listings_validate_their_filters() {
    let fixture = fixture();
    let alice = analyst("alice");
    // (query, the field named, the start of its problem): a value that parses but is invalid
    // names its parameter; one that does not parse, or an unknown parameter, is a problem of
    // the query string, whose message starts with the parameter.
    let max_page = format!("1 to {}", fixture.service.config().max_page);
    for (query, field, problem) in [
        (
            "state=closed",
            "state",
            "expected open, claimed or disposed",
        ),
        ("sort=name", "sort", "expected priority, score or age"),
        ("limit=0", "limit", max_page.as_str()),
        ("limit=201", "limit", max_page.as_str()),
        (
            "min_score=abc",
            "query",
            "Failed to deserialize query string: min_score:",
        ),
        (
            "colour=red",
            "query",
            "Failed to deserialize query string: colour: unknown field",
        ),
    ] {
        let (status, answer) = fixture
            .get(&format!("/v1/queues/standard/items?{query}"), &alice)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {answer}");
        let errors = answer["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{query}: {answer}");
        assert_eq!(errors[0]["field"], field, "{query}: {answer}");
        assert!(
            errors[0]["problem"].as_str().unwrap().starts_with(problem),
            "{query}: {answer}"
        );
    }
    let (status, page) = fixture
        .get(
            "/v1/queues/standard/items?state=open&sort=score&limit=1&offset=1",
            &alice,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["total"], 2);
}

#[test]
fn the_openapi_document_names_every_route() {
    let document = serde_json::to_value(openapi()).unwrap();
    let paths = document["paths"].as_object().unwrap();
    for path in [
        "/v1/queues",
        "/v1/queues/{queue}/items",
        "/v1/items/{id}",
        "/v1/items/{id}/claim",
        "/v1/items/{id}/release",
        "/v1/items/{id}/disposition",
        "/v1/items/{id}/notes",
        "/v1/items/bulk/claim",
        "/v1/items/bulk/disposition",
    ] {
        assert!(paths.contains_key(path), "{path}");
    }
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
}
