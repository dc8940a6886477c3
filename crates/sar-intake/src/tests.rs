//! Router tests over `tower::ServiceExt::oneshot`: a temporary store file, a real group
//! committer, bearer tokens through `sar_http::auth_layer`, partner keys issued into the store.

#[allow(unused_imports)]
use std::{path::PathBuf, sync::Arc, time::Duration};

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
    response::Response,
};
use serde_json::Value;
use tower::ServiceExt as _;

use sar_http::{TokenKeys, auth_layer};
use sar_model::{
    access::{Caller, Role},
    examples,
    intake::IntakeRecord,
    records::RawRecord,
};
use sar_schema::Codec;
use sar_store::{GroupCommitter, Journal, StatusUpdate};
use sar_telemetry::Metrics;

use crate::{
    GeneratedKey, IntakeConfig, IntakeState, RateLimit, issue_partner_key, router, sign_batch,
};

const AGENCY: &str = "AZ0070100";
const TOKEN_SECRET: &[u8] = b"test";

struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
    router: Router,
    tokens: TokenKeys,
    partner: GeneratedKey,
    other_partner: GeneratedKey,
}

fn fixture() -> Fixture {
    fixture_with(IntakeConfig::default())
}

fn fixture_with(config: IntakeConfig) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    let mut journal = Journal::open(&path).unwrap();
    let partner = issue_partner_key(&mut journal, "acme", "Riverside PD").unwrap();
    let other_partner = issue_partner_key(&mut journal, "globex", "Riverside PD").unwrap();
    let committer = Arc::new(GroupCommitter::spawn(journal));
    let codec = Arc::new(Codec::new().unwrap());
    let state = IntakeState::new(config, committer, &path, codec, Metrics::new()).unwrap();
    let tokens = TokenKeys::new(TOKEN_SECRET);
    let router = router(state).layer(auth_layer(tokens.clone()));
    Fixture {
        _dir: dir,
        path,
        router,
        tokens,
        partner,
        other_partner,
    }
}

fn caller(role: Role, agency: &str) -> Caller {
    Caller {
        subject: format!("{}-1", role.as_str()),
        role,
        agency: agency.to_owned(),
        jurisdictions: vec!["Riverside PD".to_owned()],
        pii: false,
    }
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

impl Fixture {
    fn token(&self, role: Role, agency: &str) -> String {
        let token = self
            .tokens
            .issue(&caller(role, agency), Duration::from_secs(600), unix_now())
            .unwrap();
        format!("Bearer {token}")
    }

    async fn send(&self, request: Request<Body>) -> (StatusCode, Response) {
        let response = self.router.clone().oneshot(request).await.unwrap();
        (response.status(), response)
    }

    async fn post_report(
        &self,
        authorization: Option<&str>,
        content_type: &str,
        body: impl Into<Body>,
    ) -> (StatusCode, Value, Response) {
        let mut request = Request::post("/v1/reports").header(header::CONTENT_TYPE, content_type);
        if let Some(authorization) = authorization {
            request = request.header(header::AUTHORIZATION, authorization);
        }
        let (status, response) = self.send(request.body(body.into()).unwrap()).await;
        let (value, response) = json_of(response).await;
        (status, value, response)
    }

    async fn officer_report(&self, intake: &IntakeRecord) -> (StatusCode, Value, Response) {
        let token = self.token(Role::Officer, AGENCY);
        self.post_report(
            Some(&token),
            "application/json",
            serde_json::to_vec(intake).unwrap(),
        )
        .await
    }

    async fn post_batch(
        &self,
        key: &GeneratedKey,
        content_type: &str,
        timestamp: &str,
        body: Vec<u8>,
    ) -> (StatusCode, Value) {
        let signature = sign_batch(&key.signing_key, timestamp, &body).unwrap();
        self.post_batch_signed(
            &key.authorization(),
            content_type,
            timestamp,
            &signature,
            body,
        )
        .await
    }

    async fn post_batch_signed(
        &self,
        authorization: &str,
        content_type: &str,
        timestamp: &str,
        signature: &str,
        body: Vec<u8>,
    ) -> (StatusCode, Value) {
        let request = Request::post("/v1/feed/batches")
            .header(header::AUTHORIZATION, authorization)
            .header(header::CONTENT_TYPE, content_type)
            .header("x-sarflow-timestamp", timestamp)
            .header("x-sarflow-signature", signature)
            .body(Body::from(body))
            .unwrap();
        let (status, response) = self.send(request).await;
        let (value, _) = json_of(response).await;
        (status, value)
    }

    async fn status(&self, authorization: &str, report_id: &str) -> (StatusCode, String) {
        let request = Request::get(format!("/v1/reports/{report_id}/status"))
            .header(header::AUTHORIZATION, authorization)
            .body(Body::empty())
            .unwrap();
        let (status, response) = self.send(request).await;
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, String::from_utf8(bytes.to_vec()).unwrap())
    }

    fn journal(&self) -> Journal {
        Journal::open(&self.path).unwrap()
    }

    /// (ledger entries, journal entries), after checking the ledger chain.
    fn counts(&self) -> (u64, u64) {
        let journal = self.journal();
        let verification = journal.verify_ledger().unwrap();
        assert!(verification.is_ok(), "{verification:?}");
        (verification.entries, journal.last_seq().unwrap())
    }
}

async fn json_of(response: Response) -> (Value, Response) {
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (value, Response::from_parts(parts, Body::from(bytes)))
}

fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|error| error["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn ledger_header(response: &Response) -> Option<u64> {
    response
        .headers()
        .get("sarflow-ledger-seq")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
}

// ---------------------------------------------------------------------------------------------
// POST /v1/reports

#[tokio::test]
async fn an_accepted_report_answers_202_with_its_receipt_once_journaled() {
    let fixture = fixture();
    let (status, receipt, response) = fixture.officer_report(&examples::intake_record()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{receipt}");
    assert_eq!(receipt["outcome"], "accepted");
    assert_eq!(receipt["ledger_seq"], 1);
    let report_id = receipt["report_id"].as_str().unwrap();
    assert_eq!(
        receipt["status_url"],
        format!("/v1/reports/{report_id}/status")
    );
    assert_eq!(
        response.headers().get(header::LOCATION).unwrap(),
        &format!("/v1/reports/{report_id}/status")
    );
    assert_eq!(ledger_header(&response), Some(1));
    // Durable before the answer: the journal already holds the raw record with its ledger seq.
    let entries = fixture.journal().read_after(0, 10).unwrap();
    assert_eq!(entries.len(), 1);
    let record: RawRecord = Codec::new().unwrap().decode(&entries[0].payload).unwrap();
    assert_eq!(record.record_id.to_string(), report_id);
    assert_eq!(record.ledger_seq, Some(1));
    assert_eq!(record.submission, examples::intake_record());
    let entry = fixture.journal().ledger_entry(report_id).unwrap().unwrap();
    assert_eq!(entry.channel, "officer_api");
    assert_eq!(entry.principal, "officer-1");
    assert_eq!(entry.agency, AGENCY);
}

#[tokio::test]
async fn invalid_fields_answer_422_with_all_of_them_a_ledger_row_and_no_journal_entry() {
    let fixture = fixture();
    let mut intake = examples::intake_record();
    intake.channel = "carrier_pigeon".to_owned();
    intake.behavior_codes = vec!["INTRSN".to_owned(), "NOT_A_CODE".to_owned()];
    intake.target_sectors = vec!["Water".to_owned()];
    intake.persons[0].dob = Some("1988-13-45".to_owned());
    intake.narrative = "   ".to_owned();
    intake.lawfully_obtained = false;
    let (status, problem, response) = fixture.officer_report(&intake).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(
        response.headers().get(header::CONTENT_TYPE).unwrap(),
        "application/problem+json"
    );
    assert_eq!(
        error_fields(&problem),
        [
            "channel",
            "narrative",
            "behavior_codes[1]",
            "target_sectors[0]",
            "persons[0].dob",
            "lawfully_obtained"
        ]
    );
    assert_eq!(ledger_header(&response), Some(1));
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("ledger entry 1")
    );
    // No value sent is echoed.
    assert!(!problem.to_string().contains("NOT_A_CODE"));
    assert!(!problem.to_string().contains("carrier_pigeon"));
    assert_eq!(fixture.counts(), (1, 0));
}

#[tokio::test]
async fn the_same_origin_twice_is_one_report_with_two_ledger_entries() {
    let fixture = fixture();
    let (first_status, first, _) = fixture.officer_report(&examples::intake_record()).await;
    let mut again = examples::intake_record();
    again.narrative.push_str(" Re-sent from the RMS.");
    let (second_status, second, _) = fixture.officer_report(&again).await;
    assert_eq!(first_status, StatusCode::ACCEPTED);
    assert_eq!(second_status, StatusCode::OK, "{second}");
    assert_eq!(second["outcome"], "duplicate");
    assert_eq!(second["report_id"], first["report_id"]);
    assert_eq!(second["ledger_seq"], 2);
    assert_eq!(fixture.counts(), (2, 1));
}

#[tokio::test]
async fn malformed_bodies_are_refused_and_each_gets_a_ledger_entry() {
    let fixture = fixture_with(IntakeConfig {
        max_report_bytes: 64 * 1024,
        ..IntakeConfig::default()
    });
    let token = fixture.token(Role::Officer, AGENCY);
    let auth = Some(token.as_str());
    let json = "application/json";

    let (status, problem, _) = fixture.post_report(auth, json, "{\"source\": ").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(error_fields(&problem), ["$"]);

    let mut wrong_type = serde_json::to_value(examples::intake_record()).unwrap();
    wrong_type["lawfully_obtained"] = Value::from("yes");
    let (status, problem, _) = fixture
        .post_report(auth, json, wrong_type.to_string())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(error_fields(&problem), ["lawfully_obtained"]);

    let mut unknown_field = serde_json::to_value(examples::intake_record()).unwrap();
    unknown_field["suspect_religion"] = Value::from("x");
    let (status, problem, _) = fixture
        .post_report(auth, json, unknown_field.to_string())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(
        problem
            .to_string()
            .contains("unknown field `suspect_religion`")
    );

    let mut unknown_code = examples::intake_record();
    unknown_code.tip_domain = Some("Z".to_owned());
    let (status, problem, _) = fixture.officer_report(&unknown_code).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(error_fields(&problem), ["tip_domain"]);

    let oversize = vec![b' '; 64 * 1024 + 1];
    let (status, problem, _) = fixture.post_report(auth, json, oversize).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{problem}");

    let mut not_utf8 = b"{\n\"source\": \"".to_vec();
    not_utf8.extend_from_slice(b"\xff\xfe\"}");
    let (status, problem, _) = fixture.post_report(auth, json, not_utf8).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(error_fields(&problem), ["line 2"]);

    let (status, problem, _) = fixture.post_report(auth, "text/plain", "{}").await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{problem}");

    // Seven submissions, seven gap-free ledger entries, nothing journaled.
    assert_eq!(fixture.counts(), (7, 0));
}

#[tokio::test]
async fn a_report_needs_a_token_and_a_role_that_may_submit() {
    let fixture = fixture();
    let body = serde_json::to_vec(&examples::intake_record()).unwrap();
    let (status, problem, _) = fixture
        .post_report(None, "application/json", body.clone())
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
    let (status, _, _) = fixture
        .post_report(Some("Bearer not-a-token"), "application/json", body.clone())
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let analyst = fixture.token(Role::Analyst, AGENCY);
    let (status, problem, _) = fixture
        .post_report(Some(&analyst), "application/json", body)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    // Not submissions of anyone: nothing in the ledger.
    assert_eq!(fixture.counts(), (0, 0));
}

#[tokio::test]
async fn an_officer_reports_for_their_own_agency_only() {
    let fixture = fixture();
    let mut intake = examples::intake_record();
    intake.submitter.org_id = "AZ0000001".to_owned();
    let (status, problem, _) = fixture.officer_report(&intake).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_fields(&problem), ["submitter.org_id"]);
}

// ---------------------------------------------------------------------------------------------
// POST /v1/feed/batches

fn partner_record(partner: &str, source_report_id: &str) -> IntakeRecord {
    let mut intake = examples::intake_record();
    intake.source.system = format!("partner:{partner}");
    intake.source.report_id = source_report_id.to_owned();
    intake.channel = "partner_feed".to_owned();
    intake.submitter.org_id = partner.to_owned();
    intake.submitter.org_name = "Acme Retail".to_owned();
    intake.submitter.org_type = "private_sector".to_owned();
    intake.submitter.reporter_role = "security_officer".to_owned();
    intake
}

fn ndjson(records: &[IntakeRecord]) -> Vec<u8> {
    let mut body = Vec::new();
    for record in records {
        body.extend_from_slice(&serde_json::to_vec(record).unwrap());
        body.push(b'\n');
    }
    body
}

fn now_text() -> String {
    unix_now().to_string()
}

fn outcomes(receipt: &Value) -> Vec<String> {
    receipt["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| result["outcome"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_good_ndjson_batch_records_every_record_with_its_own_result() {
    let fixture = fixture();
    let mut bad = partner_record("acme", "T-3");
    bad.persons[0].dob = Some("yesterday".to_owned());
    let mut body = ndjson(&[partner_record("acme", "T-1"), partner_record("acme", "T-2")]);
    body.extend_from_slice(b"\n{\"not\": \"a record\"}\n");
    body.extend_from_slice(&ndjson(&[bad, partner_record("acme", "T-1")]));
    let (status, receipt) = fixture
        .post_batch(&fixture.partner, "application/x-ndjson", &now_text(), body)
        .await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert_eq!(
        outcomes(&receipt),
        ["accepted", "accepted", "rejected", "rejected", "duplicate"]
    );
    assert_eq!(receipt["received"], 5);
    assert_eq!(receipt["accepted"], 2);
    assert_eq!(receipt["duplicates"], 1);
    assert_eq!(receipt["rejected"], 2);
    let results = receipt["results"].as_array().unwrap();
    let lines: Vec<u64> = results
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [1, 2, 4, 5, 6]);
    let seqs: Vec<u64> = results
        .iter()
        .map(|r| r["ledger_seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5]);
    assert_eq!(results[0]["source_report_id"], "T-1");
    assert_eq!(results[4]["report_id"], results[0]["report_id"]);
    assert_eq!(error_fields(&results[3]), ["persons[0].dob"]);
    assert_eq!(results[2]["source_report_id"], Value::Null);
    assert_eq!(fixture.counts(), (5, 2));
    let entry = fixture
        .journal()
        .ledger_entry(results[0]["report_id"].as_str().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(entry.channel, "partner_feed");
    assert_eq!(entry.agency, "acme");
}

const CSV_HEADER: &str = "source_report_id,submitted_at,submitter_org_name,submitter_org_type,\
reporter_role,observed_start,location_jurisdiction,location_city,location_state,narrative,\
behavior_codes,target_sectors,lawfully_obtained,person1_role,person1_dob,person1_id1_kind,\
person1_id1_value,vehicle1_plate,vehicle1_year\n";

#[tokio::test]
async fn a_good_csv_batch_records_rows_and_names_problems_by_column() {
    let fixture = fixture();
    let body = format!(
        "{CSV_HEADER}\
C-1,2026-03-01T10:00:00-07:00,Acme Retail,private_sector,security_officer,2026-03-01T09:00:00-07:00,Riverside PD,Riverside,AZ,\"Man photographed the loading dock, then the gate \"\"cameras\"\".\",PHOTO;SURVL,RETL,yes,subject,1990-01-02,drivers_license,D1,ABC123,2018\n\
C-2,2026-03-01T10:00:00-07:00,Acme Retail,private_sector,security_officer,2026-03-01T09:00:00-07:00,Riverside PD,Riverside,AZ,\"Two lines\nof narrative.\",SURVL,,true,,,,,,\n\
C-3,2026-03-01T10:00:00-07:00,Acme Retail,private_sector,security_officer,2026-03-01T09:00:00-07:00,Riverside PD,Riverside,AZ,Van idling.,NOPE,,true,witness,02/01/1990,,,,nineteen\n"
    );
    let (status, receipt) = fixture
        .post_batch(
            &fixture.partner,
            "text/csv; charset=utf-8",
            &now_text(),
            body.into_bytes(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert_eq!(outcomes(&receipt), ["accepted", "accepted", "rejected"]);
    let results = receipt["results"].as_array().unwrap();
    let lines: Vec<u64> = results
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2, 3, 5]);
    assert_eq!(
        error_fields(&results[2]),
        ["vehicle1_year", "behavior_codes[0]", "person1_dob"]
    );
    assert_eq!(fixture.counts(), (3, 2));
    let entries = fixture.journal().read_after(0, 10).unwrap();
    let record: RawRecord = Codec::new().unwrap().decode(&entries[0].payload).unwrap();
    assert_eq!(record.submission.source.system, "partner:acme");
    assert_eq!(record.submission.channel, "csv");
    assert_eq!(record.submission.persons[0].ids[0].value, "D1");
    assert_eq!(record.submission.vehicles[0].year, Some(2018));
    assert_eq!(record.ledger_seq, Some(1));
}

#[tokio::test]
async fn signatures_keys_and_timestamps_are_checked_before_anything_is_recorded() {
    let fixture = fixture();
    let body = ndjson(&[partner_record("acme", "T-1")]);
    let now = now_text();
    let ndjson_type = "application/x-ndjson";
    let good_signature = sign_batch(&fixture.partner.signing_key, &now, &body).unwrap();

    // Signed with another partner's signing key.
    let forged = sign_batch(&fixture.other_partner.signing_key, &now, &body).unwrap();
    let (status, problem) = fixture
        .post_batch_signed(
            &fixture.partner.authorization(),
            ndjson_type,
            &now,
            &forged,
            body.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("signature"));

    // A body changed after signing.
    let mut tampered = body.clone();
    tampered[10] ^= 1;
    let (status, _) = fixture
        .post_batch_signed(
            &fixture.partner.authorization(),
            ndjson_type,
            &now,
            &good_signature,
            tampered,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Stale (and future) timestamps, correctly signed.
    for skew in [-301, 301] {
        let timestamp = (unix_now() + skew).to_string();
        let (status, problem) = fixture
            .post_batch(&fixture.partner, ndjson_type, &timestamp, body.clone())
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
        assert!(problem["detail"].as_str().unwrap().contains("window"));
    }

    // Unknown key id, wrong secret, malformed header.
    let unknown = format!("SarflowKey pk_0000000000000000.{}", fixture.partner.secret);
    let wrong_secret = format!(
        "SarflowKey {}.{}",
        fixture.partner.key_id, fixture.other_partner.secret
    );
    for authorization in [
        unknown.as_str(),
        wrong_secret.as_str(),
        "SarflowKey nonsense",
        "Bearer x",
    ] {
        let (status, problem) = fixture
            .post_batch_signed(
                authorization,
                ndjson_type,
                &now,
                &good_signature,
                body.clone(),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{authorization}: {problem}"
        );
    }

    // Wrong content type.
    let (status, _) = fixture
        .post_batch_signed(
            &fixture.partner.authorization(),
            "application/json",
            &now,
            &good_signature,
            body.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    assert_eq!(fixture.counts(), (0, 0));

    // And the correctly signed batch goes through.
    let (status, receipt) = fixture
        .post_batch_signed(
            &fixture.partner.authorization(),
            ndjson_type,
            &now,
            &good_signature,
            body,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert_eq!(fixture.counts(), (1, 1));
}

#[tokio::test]
async fn a_replayed_batch_is_refused_but_a_resent_one_is_answered_as_duplicates() {
    let fixture = fixture();
    let body = ndjson(&[partner_record("acme", "T-1")]);
    let now = now_text();
    let (status, _) = fixture
        .post_batch(&fixture.partner, "application/x-ndjson", &now, body.clone())
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, problem) = fixture
        .post_batch(&fixture.partner, "application/x-ndjson", &now, body.clone())
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(fixture.counts(), (1, 1));
    // The same records, signed anew: a legitimate re-send.
    let later = (unix_now() + 1).to_string();
    let (status, receipt) = fixture
        .post_batch(&fixture.partner, "application/x-ndjson", &later, body)
        .await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert_eq!(outcomes(&receipt), ["duplicate"]);
    assert_eq!(fixture.counts(), (2, 1));
}

#[tokio::test]
async fn partners_are_rate_limited_each_on_their_own() {
    let fixture = fixture_with(IntakeConfig {
        partner_rate: RateLimit {
            burst: std::num::NonZeroU32::MIN,
            per_minute: std::num::NonZeroU32::MIN,
        },
        ..IntakeConfig::default()
    });
    let body = |id: &str, partner: &str| ndjson(&[partner_record(partner, id)]);
    let (status, _) = fixture
        .post_batch(
            &fixture.partner,
            "application/x-ndjson",
            &now_text(),
            body("T-1", "acme"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let request = |key: &GeneratedKey, body: Vec<u8>| {
        let timestamp = now_text();
        let signature = sign_batch(&key.signing_key, &timestamp, &body).unwrap();
        Request::post("/v1/feed/batches")
            .header(header::AUTHORIZATION, key.authorization())
            .header(header::CONTENT_TYPE, "application/x-ndjson")
            .header("x-sarflow-timestamp", timestamp)
            .header("x-sarflow-signature", signature)
            .body(Body::from(body))
            .unwrap()
    };
    let (status, response) = fixture
        .send(request(&fixture.partner, body("T-2", "acme")))
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let (status, _) = fixture
        .send(request(&fixture.other_partner, body("G-1", "globex")))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fixture.counts(), (2, 2));
}

#[tokio::test]
async fn a_large_batch_is_spooled_to_disk_and_committed_in_chunks() {
    let fixture = fixture_with(IntakeConfig {
        spool_memory_bytes: 256,
        commit_chunk: 3,
        ..IntakeConfig::default()
    });
    let records: Vec<IntakeRecord> = (1..=10)
        .map(|n| partner_record("acme", &format!("T-{n}")))
        .collect();
    let (status, receipt) = fixture
        .post_batch(
            &fixture.partner,
            "application/x-ndjson",
            &now_text(),
            ndjson(&records),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert_eq!(receipt["accepted"], 10);
    assert_eq!(fixture.counts(), (10, 10));
}

#[tokio::test]
async fn batches_over_the_limits_or_not_utf8_are_refused_whole() {
    let fixture = fixture_with(IntakeConfig {
        max_batch_bytes: 4096,
        max_batch_records: 2,
        ..IntakeConfig::default()
    });
    let ndjson_type = "application/x-ndjson";
    let big = vec![b'{'; 5000];
    let (status, _) = fixture
        .post_batch(&fixture.partner, ndjson_type, &now_text(), big)
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    // Not verified, so nothing recorded.
    assert_eq!(fixture.counts(), (0, 0));

    let three = b"{}\n{}\n{}\n".to_vec();
    let (status, problem) = fixture
        .post_batch(&fixture.partner, ndjson_type, &now_text(), three)
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{problem}");
    // Verified: one ledger entry for the refused batch, no record.
    assert_eq!(fixture.counts(), (1, 0));

    let not_utf8 = b"{}\n{\"narrative\": \"\xc3\x28\"}\n".to_vec();
    let (status, problem) = fixture
        .post_batch(&fixture.partner, ndjson_type, &now_text(), not_utf8)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(error_fields(&problem), ["line 2"]);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("ledger entry 2")
    );

    let bad_header = b"narrative,shoe_size\nx,y\n".to_vec();
    let (status, problem) = fixture
        .post_batch(&fixture.partner, "text/csv", &now_text(), bad_header)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert!(error_fields(&problem).contains(&"shoe_size".to_owned()));
    assert_eq!(fixture.counts(), (3, 0));
}

// ---------------------------------------------------------------------------------------------
// GET /v1/reports/{id}/status

/// Strings of the example record that are PII or narrative.
fn example_pii() -> Vec<String> {
    let intake = examples::intake_record();
    let person = &intake.persons[0];
    let mut pii = vec![
        person.name.clone().unwrap(),
        person.dob.clone().unwrap(),
        person.phones[0].clone(),
        person.emails[0].clone(),
        person.addresses[0].clone(),
        person.ids[0].value.clone(),
        intake.location.address.clone().unwrap(),
        intake.narrative.chars().take(30).collect(),
    ];
    if let Some(contact) = &intake.submitter.reporter_contact {
        pii.extend(contact.name.clone());
        pii.extend(contact.phone.clone());
    }
    if let Some(plate) = intake
        .vehicles
        .first()
        .and_then(|vehicle| vehicle.plate.clone())
    {
        pii.push(plate);
    }
    pii
}

#[tokio::test]
async fn the_status_is_for_the_submitting_agency_only_and_carries_no_pii() {
    let fixture = fixture();
    let (_, receipt, _) = fixture.officer_report(&examples::intake_record()).await;
    let report_id = receipt["report_id"].as_str().unwrap().to_owned();

    let own = fixture.token(Role::Officer, AGENCY);
    let (status, body) = fixture.status(&own, &report_id).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let view: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(view["state"], "received");
    assert_eq!(view["report_id"], report_id.as_str());
    for pii in example_pii() {
        assert!(!body.contains(&pii), "status leaks a PII field");
    }

    let other_agency = fixture.token(Role::Officer, "AZ0000001");
    let (status, _) = fixture.status(&other_agency, &report_id).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = fixture
        .status(&fixture.partner.authorization(), &report_id)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let analyst = fixture.token(Role::Analyst, AGENCY);
    let (status, _) = fixture.status(&analyst, &report_id).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = fixture.status("Bearer nope", &report_id).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = fixture.status(&own, "not-an-id").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_status_tells_human_decisions_and_nothing_internal() {
    let fixture = fixture();
    let (_, receipt, _) = fixture.officer_report(&examples::intake_record()).await;
    let report_id = receipt["report_id"].as_str().unwrap().to_owned();
    let own = fixture.token(Role::Officer, AGENCY);
    let mut journal = fixture.journal();
    let mut set = |stage: &str, outcome: Option<&str>, disposition: Option<&str>, at: &str| {
        let update = StatusUpdate {
            stage: stage.to_owned(),
            outcome: outcome.map(str::to_owned),
            queue: Some("privacy_review".to_owned()),
            disposition: disposition.map(str::to_owned),
            at: at.to_owned(),
        };
        journal.set_report_status(&report_id, &update).unwrap();
    };
    set(
        "queued",
        Some("privacy_review"),
        None,
        "2026-03-01T11:00:00Z",
    );
    let (status, body) = fixture.status(&own, &report_id).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let view: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(view["state"], "under_review");
    assert_eq!(view["updated_at"], "2026-03-01T11:00:00Z");
    // The gate outcome and the queue are internal: never shown.
    assert!(!body.contains("privacy"), "{body}");
    set("disposed", None, Some("unfounded"), "2026-03-02T09:00:00Z");
    let (_, body) = fixture.status(&own, &report_id).await;
    let view: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(view["state"], "unfounded");
    assert_eq!(view["updated_at"], "2026-03-02T09:00:00Z");
}

#[tokio::test]
async fn a_revoked_key_is_refused_at_once_even_when_cached() {
    let fixture = fixture();
    async fn send(fixture: &Fixture, n: u32) -> (StatusCode, Value) {
        let body = ndjson(&[partner_record("acme", &format!("T-{n}"))]);
        fixture
            .post_batch(&fixture.partner, "application/x-ndjson", &now_text(), body)
            .await
    }
    let (status, _) = send(&fixture, 1).await;
    assert_eq!(status, StatusCode::OK);
    let revoked = fixture
        .journal()
        .revoke_partner_key(&fixture.partner.key_id, "2026-03-01T00:00:00Z")
        .unwrap();
    assert!(revoked);
    let (status, problem) = send(&fixture, 2).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
    assert_eq!(fixture.counts(), (1, 1));
}

#[tokio::test]
async fn a_partner_reads_the_status_of_its_own_records_including_rejected_ones() {
    let fixture = fixture();
    let mut bad = partner_record("acme", "T-2");
    bad.lawfully_obtained = false;
    let body = ndjson(&[partner_record("acme", "T-1"), bad]);
    let (_, receipt) = fixture
        .post_batch(&fixture.partner, "application/x-ndjson", &now_text(), body)
        .await;
    let results = receipt["results"].as_array().unwrap();
    let accepted = results[0]["report_id"].as_str().unwrap();
    let rejected = results[1]["report_id"].as_str().unwrap();
    let (status, body) = fixture
        .status(&fixture.partner.authorization(), accepted)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("\"state\":\"received\""));
    let (status, body) = fixture
        .status(&fixture.partner.authorization(), rejected)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("\"state\":\"rejected\""));
    let (status, _) = fixture
        .status(&fixture.other_partner.authorization(), accepted)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_openapi_document_names_the_routes_and_security_schemes() {
    let document = serde_json::to_value(crate::openapi()).unwrap();
    for path in ["/v1/reports", "/v1/feed/batches", "/v1/reports/{id}/status"] {
        assert!(document["paths"][path].is_object(), "{path}");
    }
    let schemes = &document["components"]["securitySchemes"];
    assert!(schemes["bearer"].is_object() && schemes["partner_key"].is_object());
}

#[test]
fn partner_ids_are_plain() {
    let dir = tempfile::tempdir().unwrap();
    let mut journal = Journal::open(&dir.path().join("s.sqlite")).unwrap();
    assert!(issue_partner_key(&mut journal, "Acme Corp", "X").is_err());
    assert!(issue_partner_key(&mut journal, "", "X").is_err());
    assert!(issue_partner_key(&mut journal, "acme", " ").is_err());
    let key = issue_partner_key(&mut journal, "acme-retail.west", "X").unwrap();
    let stored = journal.partner_key(&key.key_id).unwrap().unwrap();
    assert!(stored.secret_hash.starts_with("$argon2id$"));
    assert!(!stored.secret_hash.contains(&key.secret));
    assert_eq!(stored.signing_key, key.signing_key);
}
