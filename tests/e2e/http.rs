//! The HTTP API of `sarflow run` end to end, over the loopback client of sar-http: officers'
//! reports become searchable and queued exactly once (embedded mode, after a SIGKILL, and over
//! Kafka), and every endpoint group refuses what it must (401, 403, 404 outside the caller's
//! jurisdictions, signed partner batches, malformed reports: each refusal a problem document and
//! a ledger entry, nothing journaled).

use std::{
    collections::{BTreeMap, BTreeSet},
    net::SocketAddr,
    path::Path,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use sar_e2e::{
    Spawned, free_port, kafka_brokers, metric, sarflow, sarflow_ok, scratch_dir, wait_for,
};
use sar_http::client::{Client, Response};
use serde_json::{Value, json};

/// The agency of the officers in these tests (`submitter.org_id` of their reports).
const AGENCY: &str = "E2E-PD";
/// The purpose PII callers state.
const PURPOSE: &str = "e2e";
/// How long a deployment may take to index and queue what it accepted.
const SETTLE: Duration = Duration::from_secs(180);

/// One HTTP request.
#[derive(Debug, Clone)]
struct Request {
    method: &'static str,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn get(path: String, token: &str) -> Self {
        Self {
            method: "GET",
            path,
            headers: vec![("authorization".to_owned(), format!("Bearer {token}"))],
            body: Vec::new(),
        }
    }

    fn post_json(path: &str, token: &str, body: Vec<u8>) -> Self {
        Self {
            method: "POST",
            path: path.to_owned(),
            headers: vec![
                ("authorization".to_owned(), format!("Bearer {token}")),
                ("content-type".to_owned(), "application/json".to_owned()),
            ],
            body,
        }
    }
}

/// A keep-alive connection used from synchronous test code.
struct Http {
    runtime: tokio::runtime::Runtime,
    client: Client,
}

impl Http {
    fn new(addr: SocketAddr) -> Self {
        Self {
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            client: Client::new(addr),
        }
    }

    fn try_send(&mut self, request: &Request) -> std::io::Result<Response> {
        let headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        self.runtime.block_on(self.client.request(
            request.method,
            &request.path,
            &headers,
            &request.body,
        ))
    }

    fn send(&mut self, request: &Request) -> Response {
        self.try_send(request)
            .unwrap_or_else(|error| panic!("{} {}: {error}", request.method, request.path))
    }

    fn get(&mut self, path: &str, token: &str) -> Response {
        self.send(&Request::get(path.to_owned(), token))
    }

    /// `GET path` answered 200, as JSON.
    fn get_json(&mut self, path: &str, token: &str) -> Value {
        let response = self.get(path, token);
        assert_eq!(response.status, 200, "GET {path}: {}", text(&response));
        response.json().unwrap()
    }
}

fn text(response: &Response) -> String {
    String::from_utf8_lossy(&response.body).into_owned()
}

/// Sends `requests` over `clients` concurrent keep-alive connections; the answers in request
/// order (an error where the connection failed).
fn send_all(
    addr: SocketAddr,
    requests: Vec<Request>,
    clients: usize,
) -> Vec<std::io::Result<Response>> {
    send_all_until(addr, requests, clients, &Arc::new(AtomicBool::new(false)))
}

/// [`send_all`], sending nothing more once `stop` is set (the rest are answered with errors).
fn send_all_until(
    addr: SocketAddr,
    requests: Vec<Request>,
    clients: usize,
    stop: &Arc<AtomicBool>,
) -> Vec<std::io::Result<Response>> {
    let n = requests.len();
    let requests = Arc::new(requests);
    let next = Arc::new(AtomicUsize::new(0));
    let answers = Arc::new(Mutex::new(BTreeMap::new()));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..clients {
            let (requests, next, answers, stop) = (
                Arc::clone(&requests),
                Arc::clone(&next),
                Arc::clone(&answers),
                Arc::clone(stop),
            );
            tasks.spawn(async move {
                let mut client = Client::new(addr);
                loop {
                    let idx = next.fetch_add(1, Ordering::Relaxed);
                    let Some(request) = requests.get(idx) else {
                        break;
                    };
                    let answer = if stop.load(Ordering::Relaxed) {
                        Err(std::io::Error::other("not sent"))
                    } else {
                        let headers: Vec<(&str, &str)> = request
                            .headers
                            .iter()
                            .map(|(name, value)| (name.as_str(), value.as_str()))
                            .collect();
                        client
                            .request(request.method, &request.path, &headers, &request.body)
                            .await
                    };
                    answers.lock().unwrap().insert(idx, answer);
                }
            });
        }
        while let Some(joined) = tasks.join_next().await {
            joined.unwrap();
        }
    });
    let mut answers = std::mem::take(&mut *answers.lock().unwrap());
    (0..n).map(|idx| answers.remove(&idx).unwrap()).collect()
}

/// A `sarflow run` serving its API on a free port.
struct Run {
    process: Spawned,
    addr: SocketAddr,
    admin_port: u16,
    http: Http,
}

impl Run {
    /// Starts `sarflow run --data-dir data` with `extra` arguments and waits until the API
    /// answers; logs go to `dir/<name>.log`.
    fn start(name: &str, dir: &Path, data: &Path, extra: &[&str]) -> Self {
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let admin_port = free_port();
        let (http_addr, admin_addr) = (addr.to_string(), format!("127.0.0.1:{admin_port}"));
        let mut args = vec![
            "run",
            "--data-dir",
            data.to_str().unwrap(),
            "--http-addr",
            &http_addr,
            "--admin-addr",
            &admin_addr,
        ];
        args.extend_from_slice(extra);
        let mut process = Spawned::start(name, &args, &[], &dir.join(name));
        let mut http = Http::new(addr);
        wait_for(&format!("{name} to serve its API"), SETTLE, || {
            process.assert_running();
            http.try_send(&Request {
                method: "GET",
                path: "/v1/openapi.json".to_owned(),
                headers: Vec::new(),
                body: Vec::new(),
            })
            .is_ok_and(|response| response.status == 200)
        });
        Self {
            process,
            addr,
            admin_port,
            http,
        }
    }

    /// The journal's group commits as its metrics count them: (transactions, entries written).
    fn journal_commits(&self) -> (f64, f64) {
        (
            metric(
                self.admin_port,
                "sarflow_journal_commit_batch_size_count",
                &[],
            ),
            metric(
                self.admin_port,
                "sarflow_journal_commit_batch_size_sum",
                &[],
            ),
        )
    }

    /// SIGTERM: it must exit 0; the summary line it printed (embedded mode), if any.
    fn stop(mut self) -> Option<Value> {
        let (status, stdout) = self.process.terminate();
        assert!(
            status.success(),
            "exit status {status}:\n{}",
            self.process.log_tail()
        );
        stdout
            .lines()
            .rev()
            .find_map(|line| serde_json::from_str(line).ok())
    }
}

/// Bearer tokens of one deployment (signed with its data directory's secret).
struct Tokens {
    officer: String,
    supervisor: String,
    auditor: String,
}

impl Tokens {
    fn issue(data: &Path) -> Self {
        Self {
            officer: token(data, "officer", AGENCY, "*", false),
            supervisor: token(data, "supervisor", AGENCY, "*", true),
            auditor: token(data, "auditor", AGENCY, "*", false),
        }
    }
}

fn token(data: &Path, role: &str, agency: &str, jurisdiction: &str, pii: bool) -> String {
    let subject = format!("e2e-{role}");
    let mut args = vec![
        "tokens",
        "issue",
        "--data-dir",
        data.to_str().unwrap(),
        "--role",
        role,
        "--subject",
        &subject,
        "--agency",
        agency,
        "--jurisdiction",
        jurisdiction,
    ];
    if pii {
        args.push("--pii");
    }
    String::from_utf8(sarflow_ok(&args))
        .unwrap()
        .trim()
        .to_owned()
}

/// `count` synthetic officer reports of `AGENCY` with the unique origins `system`/`r<idx>`.
fn officer_reports(count: usize, seed: u64, system: &str) -> Vec<Value> {
    let config = sar_synth::SynthConfig {
        count,
        seed,
        shares: sar_synth::HardCaseShares::default(),
    };
    sar_synth::generate(&config)
        .unwrap()
        .filter_map(|item| item.record)
        .enumerate()
        .map(|(idx, mut record)| {
            record.source.system = system.to_owned();
            record.source.report_id = format!("r{idx}");
            record.channel = "officer".to_owned();
            record.submitter.org_id = AGENCY.to_owned();
            serde_json::to_value(&record).unwrap()
        })
        .collect()
}

fn submissions(token: &str, reports: &[Value]) -> Vec<Request> {
    reports
        .iter()
        .map(|report| Request::post_json("/v1/reports", token, serde_json::to_vec(report).unwrap()))
        .collect()
}

/// The receipt of an answer that must be `status` (202 accepted, 200 duplicate).
fn receipt(answer: &std::io::Result<Response>, status: u16) -> Value {
    let response = answer.as_ref().expect("an answer");
    assert_eq!(response.status, status, "{}", text(response));
    let receipt = response.json().unwrap();
    let outcome = if status == 202 {
        "accepted"
    } else {
        "duplicate"
    };
    assert_eq!(receipt["outcome"], outcome, "{receipt}");
    receipt
}

fn receipt_id(receipt: &Value) -> String {
    receipt["report_id"].as_str().unwrap().to_owned()
}

/// `sarflow ledger verify`: must be ok; its report.
fn ledger(data: &Path) -> Value {
    let output = sarflow(&["ledger", "verify", "--data-dir", data.to_str().unwrap()]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "ledger verify printed no JSON ({error}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert!(output.status.success() && report["ok"] == true, "{report}");
    assert_eq!(report["entries"], report["last_seq"], "{report}");
    report
}

fn ledger_entries(data: &Path) -> u64 {
    ledger(data)["entries"].as_u64().unwrap()
}

/// Total hits of a supervisor's (PII, statewide) search.
fn search_total(http: &mut Http, tokens: &Tokens, query: &str) -> u64 {
    let path = format!("/v1/search?limit=1&purpose={PURPOSE}{query}");
    http.get_json(&path, &tokens.supervisor)["total"]
        .as_u64()
        .unwrap()
}

/// Open plus claimed items per queue, as an auditor (every queue, statewide) sees them.
fn queue_counts(http: &mut Http, token: &str) -> BTreeMap<String, u64> {
    http.get_json("/v1/queues", token)["queues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|queue| {
            let count = queue["open"].as_u64().unwrap() + queue["claimed"].as_u64().unwrap();
            (queue["queue"].as_str().unwrap().to_owned(), count)
        })
        .filter(|(_, count)| *count > 0)
        .collect()
}

/// The analyst queue of a routed record: its first analyst-queue route.
fn queue_of(record: &Value) -> Option<String> {
    record["routes"]
        .as_array()
        .unwrap_or_else(|| panic!("a routed record has routes: {record}"))
        .iter()
        .filter(|route| route["destination"] == "analyst_queue")
        .find_map(|route| route["queue"].as_str().map(str::to_owned))
}

/// Waits until the index holds exactly `ids` (each once) and the queues hold exactly the
/// queued ones (each once, in the queue its record was routed to). Returns id -> queue.
fn assert_indexed_and_queued_once(
    run: &mut Run,
    tokens: &Tokens,
    ids: &BTreeSet<String>,
) -> BTreeMap<String, Option<String>> {
    let n = ids.len() as u64;
    let mut indexed = 0;
    wait_for(&format!("{n} searchable reports"), SETTLE, || {
        run.process.assert_running();
        indexed = search_total(&mut run.http, tokens, "");
        assert!(indexed <= n, "{indexed} documents for {n} reports");
        indexed == n
    });
    // n documents, and each of the n ids found: each exactly once.
    let reads = ids
        .iter()
        .map(|id| {
            Request::get(
                format!("/v1/reports/{id}?purpose={PURPOSE}"),
                &tokens.supervisor,
            )
        })
        .collect();
    let mut queues = BTreeMap::new();
    for (id, answer) in ids.iter().zip(send_all(run.addr, reads, 4)) {
        let response = answer.unwrap();
        assert_eq!(response.status, 200, "report {id}: {}", text(&response));
        let view = response.json().unwrap();
        assert_eq!(view["report_id"], id.as_str());
        assert_eq!(view["view"], "detailed");
        queues.insert(id.clone(), queue_of(&view["record"]));
    }
    let mut expected_counts = BTreeMap::<String, u64>::new();
    for queue in queues.values().flatten() {
        *expected_counts.entry(queue.clone()).or_default() += 1;
    }
    let mut counts = BTreeMap::new();
    wait_for("the queues to take every routed report", SETTLE, || {
        run.process.assert_running();
        counts = queue_counts(&mut run.http, &tokens.auditor);
        counts == expected_counts
    });
    // Each queued report is an item of its queue; the others are no item at all.
    let items = ids
        .iter()
        .map(|id| Request::get(format!("/v1/items/{id}"), &tokens.auditor))
        .collect();
    for (id, answer) in ids.iter().zip(send_all(run.addr, items, 4)) {
        let response = answer.unwrap();
        match &queues[id] {
            Some(queue) => {
                assert_eq!(response.status, 200, "item {id}: {}", text(&response));
                let item = response.json().unwrap();
                assert_eq!(item["queue"], queue.as_str(), "{item}");
                assert_eq!(item["report_id"], id.as_str());
            }
            None => assert_eq!(response.status, 404, "item {id}: {}", text(&response)),
        }
    }
    #[allow(clippy::print_stderr)] // for the person running the tests
    {
        eprintln!("{n} reports indexed; queued: {expected_counts:?}");
    }
    queues
}

/// The summary `run` printed when it stopped: everything journaled reached the sinks and the
/// index exactly once.
fn assert_summary(summary: &Value, journaled: u64) {
    #[allow(clippy::print_stderr)] // for the person running the tests
    {
        eprintln!("run summary: {summary}");
    }
    assert_eq!(summary["journal_last_seq"], journaled, "{summary}");
    assert_eq!(summary["checkpoint"], journaled, "{summary}");
    assert_eq!(summary["routed"], journaled, "{summary}");
    assert_eq!(summary["dead_letters"], 0, "{summary}");
    assert_eq!(summary["indexed_documents"], journaled, "{summary}");
}

#[test]
fn embedded_run_makes_1000_http_reports_searchable_and_queued_once() {
    let dir = scratch_dir("http-embedded");
    let data = dir.join("data");
    let tokens = Tokens::issue(&data);
    let mut run = Run::start("run", &dir, &data, &[]);
    let reports = officer_reports(1_000, 51, "e2e-http");
    let answers = send_all(run.addr, submissions(&tokens.officer, &reports), 4);
    let ids: Vec<String> = answers
        .iter()
        .map(|answer| receipt_id(&receipt(answer, 202)))
        .collect();
    let id_set: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(id_set.len(), 1_000, "one id per report");
    let queues = assert_indexed_and_queued_once(&mut run, &tokens, &id_set);

    // The same origins again: the same ids, nothing new anywhere.
    let counts = queue_counts(&mut run.http, &tokens.auditor);
    let again = send_all(run.addr, submissions(&tokens.officer, &reports[..10]), 2);
    for (answer, id) in again.iter().zip(&ids) {
        assert_eq!(receipt_id(&receipt(answer, 200)), *id);
    }
    assert_eq!(search_total(&mut run.http, &tokens, ""), 1_000);
    assert_eq!(queue_counts(&mut run.http, &tokens.auditor), counts);
    assert_eq!(queues.len(), 1_000);

    let ledger = ledger(&data);
    assert_eq!(
        ledger["entries"], 1_010,
        "every submission, duplicates too: {ledger}"
    );
    assert_group_commits(&run, 1_010);
    let summary = run.stop().expect("run prints its summary");
    assert_summary(&summary, 1_000);
}

/// The journal metrics saw every one of `entries` ledger entries written, in at least one and
/// at most `entries` group commits.
fn assert_group_commits(run: &Run, entries: u64) {
    let (commits, written) = run.journal_commits();
    assert_eq!(written, entries as f64, "entries in the commit metrics");
    assert!(
        (1.0..=entries as f64).contains(&commits),
        "{commits} commits for {entries} entries"
    );
}

/// A problem document with `status`; its body.
fn assert_problem(response: &Response, status: u16, what: &str) -> Value {
    assert_eq!(response.status, status, "{what}: {}", text(response));
    let content_type = response.header("content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("application/problem+json"),
        "{what}: content type {content_type}"
    );
    let problem = response.json().unwrap();
    assert_eq!(problem["status"], status, "{what}: {problem}");
    assert!(problem["title"].is_string(), "{what}: {problem}");
    problem
}

/// The field paths a problem names.
fn problem_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|error| error["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn request(method: &'static str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Request {
    Request {
        method,
        path: path.to_owned(),
        headers: headers
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect(),
        body: body.to_vec(),
    }
}

/// A refused report: what it is, its content type, body, status, and every field the problem
/// names (sorted; none for a problem without field errors).
type MalformedCase = (
    &'static str,
    &'static str,
    Vec<u8>,
    u16,
    &'static [&'static str],
);

#[test]
fn report_intake_refuses_bad_callers_and_malformed_reports_with_a_ledger_entry_each() {
    let dir = scratch_dir("http-reports");
    let data = dir.join("data");
    let tokens = Tokens::issue(&data);
    let analyst = token(&data, "analyst", AGENCY, "*", false);
    let other_officer = token(&data, "officer", "OTHER-PD", "*", false);
    let mut run = Run::start("run", &dir, &data, &[]);
    let reports = officer_reports(2, 52, "e2e-http-refusals");
    let good = serde_json::to_vec(&reports[0]).unwrap();
    let bearer = format!("Bearer {}", tokens.officer);

    // Not authorised: no ledger entry (nobody submitted anything).
    let headers = [("content-type", "application/json")];
    let response = run
        .http
        .send(&request("POST", "/v1/reports", &headers, &good));
    assert_problem(&response, 401, "no token");
    let headers = [
        ("content-type", "application/json"),
        ("authorization", "Bearer not.a.token"),
    ];
    let response = run
        .http
        .send(&request("POST", "/v1/reports", &headers, &good));
    assert_problem(&response, 401, "forged token");
    let response = run
        .http
        .send(&Request::post_json("/v1/reports", &analyst, good.clone()));
    assert_problem(&response, 403, "an analyst submitting");
    assert_eq!(ledger_entries(&data), 0);

    let accepted = run.http.send(&Request::post_json(
        "/v1/reports",
        &tokens.officer,
        good.clone(),
    ));
    let accepted_id = receipt_id(&receipt(&Ok(accepted), 202));
    assert_eq!(ledger_entries(&data), 1);

    let mut wrong_type = reports[1].clone();
    wrong_type["location"]["lat"] = json!("north");
    wrong_type["lawfully_obtained"] = json!("yes");
    wrong_type["submitter"]["badge"] = json!("4411");
    let mut unknown_code = reports[1].clone();
    unknown_code["behavior_codes"] = json!(["NOT-A-CODE"]);
    let mut other_agency = reports[1].clone();
    other_agency["submitter"]["org_id"] = json!("OTHER-PD");
    let mut oversize = reports[1].clone();
    oversize["narrative"] = json!("x".repeat(1_100_000));
    let mut invalid_utf8 = serde_json::to_vec(&reports[1]).unwrap();
    let quote = invalid_utf8
        .windows(13)
        .position(|window| window == b"\"narrative\":\"")
        .unwrap();
    invalid_utf8.insert(quote + 13, 0xff);
    let body = |value: &Value| serde_json::to_vec(value).unwrap();
    let json = "application/json";
    // (case, content type, body, status, every field the problem must name)
    let cases: Vec<MalformedCase> = vec![
        ("bad JSON", json, b"{\"source\": {".to_vec(), 400, &[]),
        (
            "wrong types and an unknown field, all named at once",
            json,
            body(&wrong_type),
            422,
            &["lawfully_obtained", "location.lat", "submitter.badge"],
        ),
        (
            "unknown behaviour code",
            json,
            body(&unknown_code),
            422,
            &["behavior_codes[0]"],
        ),
        (
            "another agency's report",
            json,
            body(&other_agency),
            422,
            &["submitter.org_id"],
        ),
        ("oversize", json, body(&oversize), 413, &[]),
        ("invalid UTF-8", json, invalid_utf8, 400, &[]),
        ("wrong content type", "text/plain", good.clone(), 415, &[]),
    ];
    let mut entries = 1;
    for (case, content_type, body, status, fields) in cases {
        let headers = [
            ("authorization", bearer.as_str()),
            ("content-type", content_type),
        ];
        let response = run
            .http
            .send(&request("POST", "/v1/reports", &headers, &body));
        let problem = assert_problem(&response, status, case);
        if !fields.is_empty() {
            let mut named = problem_fields(&problem);
            named.sort();
            assert_eq!(named, fields, "{case}: {problem}");
        }
        entries += 1;
        assert_eq!(
            response.header("sarflow-ledger-seq"),
            Some(entries.to_string().as_str()),
            "{case}: the refusal names its ledger entry"
        );
        assert_eq!(ledger_entries(&data), entries, "{case}: one ledger entry");
    }

    // The status of the accepted report: its agency only.
    let status_path = format!("/v1/reports/{accepted_id}/status");
    let status = run.http.get_json(&status_path, &tokens.officer);
    assert_eq!(status["report_id"], accepted_id.as_str(), "{status}");
    let response = run.http.get(&status_path, &other_officer);
    assert_problem(&response, 404, "another agency's status");
    let response = run.http.send(&request("GET", &status_path, &[], b""));
    assert_problem(&response, 401, "status without a token");

    // Only the accepted report was journaled, routed and indexed.
    wait_for("the accepted report to be searchable", SETTLE, || {
        search_total(&mut run.http, &tokens, "") == 1
    });
    let summary = run.stop().expect("run prints its summary");
    assert_summary(&summary, 1);
    assert_eq!(ledger_entries(&data), entries);
}

fn unix_now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

/// A partner's key as `sarflow keys issue` prints it.
struct PartnerKey {
    partner: String,
    authorization: String,
    signing_key: String,
}

impl PartnerKey {
    fn issue(data: &Path, partner: &str, jurisdiction: &str) -> Self {
        let printed: Value = serde_json::from_slice(&sarflow_ok(&[
            "keys",
            "issue",
            "--data-dir",
            data.to_str().unwrap(),
            "--partner",
            partner,
            "--jurisdiction",
            jurisdiction,
        ]))
        .unwrap();
        assert_eq!(printed["partner"], partner);
        Self {
            partner: partner.to_owned(),
            authorization: printed["authorization"].as_str().unwrap().to_owned(),
            signing_key: printed["signing_key"].as_str().unwrap().to_owned(),
        }
    }

    /// An NDJSON batch of `count` of this partner's reports.
    fn batch(&self, count: usize, seed: u64) -> Vec<u8> {
        let mut body = Vec::new();
        for (idx, mut report) in officer_reports(count, seed, "unused")
            .into_iter()
            .enumerate()
        {
            report["source"]["system"] = json!(format!("partner:{}", self.partner));
            report["source"]["report_id"] = json!(format!("p{idx}"));
            report["submitter"]["org_id"] = json!(self.partner);
            report["channel"] = json!("partner_feed");
            body.extend_from_slice(&serde_json::to_vec(&report).unwrap());
            body.push(b'\n');
        }
        body
    }

    /// A batch request signed at `timestamp` with `signing_key`.
    fn request(&self, body: &[u8], timestamp: i64, signing_key: &str) -> Request {
        let timestamp = timestamp.to_string();
        let signature = sar_intake::sign_batch(signing_key, &timestamp, body).unwrap();
        request(
            "POST",
            "/v1/feed/batches",
            &[
                ("authorization", &self.authorization),
                ("content-type", "application/x-ndjson"),
                ("x-sarflow-timestamp", &timestamp),
                ("x-sarflow-signature", &signature),
            ],
            body,
        )
    }
}

#[test]
fn partner_feed_takes_signed_batches_once_and_refuses_bad_keys_signatures_and_replays() {
    let dir = scratch_dir("http-feed");
    let data = dir.join("data");
    let tokens = Tokens::issue(&data);
    let partner = PartnerKey::issue(&data, "e2e-retail", "E2E County");
    let other = PartnerKey::issue(&data, "e2e-utility", "E2E County");
    let mut run = Run::start("run", &dir, &data, &[]);
    let body = partner.batch(3, 53);
    let now = unix_now();

    let mut unsigned = partner.request(&body, now, &partner.signing_key);
    unsigned.headers.retain(|(name, _)| name != "authorization");
    assert_problem(&run.http.send(&unsigned), 401, "no partner key");
    let mut bearer = partner.request(&body, now, &partner.signing_key);
    bearer.headers[0].1 = format!("Bearer {}", tokens.officer);
    assert_problem(
        &run.http.send(&bearer),
        401,
        "an officer's token on the feed",
    );
    let forged = partner.request(&body, now, &other.signing_key);
    assert_problem(&run.http.send(&forged), 401, "signed with another key");
    let mut tampered = partner.request(&body, now, &partner.signing_key);
    tampered.body[10] ^= 1;
    assert_problem(&run.http.send(&tampered), 401, "body changed after signing");
    let stale = partner.request(&body, now - 3_600, &partner.signing_key);
    assert_problem(&run.http.send(&stale), 401, "an hour-old timestamp");
    let mut wrong_type = partner.request(&body, now, &partner.signing_key);
    wrong_type.headers[1].1 = "application/json".to_owned();
    assert_problem(&run.http.send(&wrong_type), 415, "not NDJSON or CSV");
    assert_eq!(
        ledger_entries(&data),
        0,
        "a batch refused as a whole records nothing"
    );

    let signed = partner.request(&body, now, &partner.signing_key);
    let response = run.http.send(&signed);
    assert_eq!(response.status, 200, "{}", text(&response));
    let first = response.json().unwrap();
    assert_eq!(
        (&first["received"], &first["accepted"], &first["rejected"]),
        (&json!(3), &json!(3), &json!(0)),
        "{first}"
    );
    let ids: Vec<String> = first["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| result["report_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 3);
    assert_eq!(ledger_entries(&data), 3);

    // The same signed batch again is a replay; re-signed, its records are duplicates.
    assert_problem(&run.http.send(&signed), 409, "a replayed batch");
    let resigned = partner.request(&body, now + 1, &partner.signing_key);
    let response = run.http.send(&resigned);
    assert_eq!(response.status, 200, "{}", text(&response));
    let second = response.json().unwrap();
    assert_eq!(second["duplicates"], 3, "{second}");
    for (result, id) in second["results"].as_array().unwrap().iter().zip(&ids) {
        assert_eq!(result["outcome"], "duplicate");
        assert_eq!(result["report_id"], id.as_str());
    }
    assert_eq!(ledger_entries(&data), 6);

    // The partner reads its reports' status with its key; another partner cannot.
    let status_path = format!("/v1/reports/{}/status", ids[0]);
    let status = run.http.send(&request(
        "GET",
        &status_path,
        &[("authorization", &partner.authorization)],
        b"",
    ));
    assert_eq!(status.status, 200, "{}", text(&status));
    let status = run.http.send(&request(
        "GET",
        &status_path,
        &[("authorization", &other.authorization)],
        b"",
    ));
    assert_problem(&status, 404, "another partner's report");

    wait_for("the batch to be searchable", SETTLE, || {
        search_total(&mut run.http, &tokens, "") == 3
    });
    let summary = run.stop().expect("run prints its summary");
    assert_summary(&summary, 3);
}

#[test]
fn search_and_queues_refuse_strangers_and_hide_other_jurisdictions() {
    let dir = scratch_dir("http-read");
    let data = dir.join("data");
    let tokens = Tokens::issue(&data);
    let analyst = token(&data, "analyst", AGENCY, "E2E County", false);
    let outsider = token(&data, "analyst", AGENCY, "Other County", false);
    let outside_supervisor = token(&data, "supervisor", AGENCY, "Other County", true);
    let mut run = Run::start("run", &dir, &data, &[]);
    let mut reports = officer_reports(8, 54, "e2e-http-read");
    for report in &mut reports {
        report["location"]["jurisdiction"] = json!("E2E County");
    }
    let ids: BTreeSet<String> = send_all(run.addr, submissions(&tokens.officer, &reports), 1)
        .iter()
        .map(|answer| receipt_id(&receipt(answer, 202)))
        .collect();
    let queues = assert_indexed_and_queued_once(&mut run, &tokens, &ids);
    let (id, _) = queues
        .iter()
        .find(|(_, queue)| matches!(queue.as_deref(), Some("priority" | "standard")))
        .expect("a report in an analyst's queue");
    let reads = [
        format!("/v1/search?q=suspicious&purpose={PURPOSE}"),
        format!("/v1/reports/{id}?purpose={PURPOSE}"),
        "/v1/queues".to_owned(),
        "/v1/queues/standard/items".to_owned(),
        format!("/v1/items/{id}"),
    ];
    let claim = format!("/v1/items/{id}/claim");
    // Every queue action, with a body it would accept from the item's own analyst.
    let dispose = json!({"disposition": "unfounded", "rationale": "e2e"});
    let writes: Vec<(String, Value)> = vec![
        (claim.clone(), json!({})),
        (format!("/v1/items/{id}/release"), json!({})),
        (format!("/v1/items/{id}/disposition"), dispose.clone()),
        (format!("/v1/items/{id}/notes"), json!({"text": "e2e note"})),
        ("/v1/items/bulk/claim".to_owned(), json!({"ids": [id]})),
        (
            "/v1/items/bulk/disposition".to_owned(),
            json!({"ids": [id], "disposition": "unfounded", "rationale": "e2e"}),
        ),
    ];

    for path in &reads {
        let response = run.http.send(&request("GET", path, &[], b""));
        assert_problem(&response, 401, &format!("GET {path} without a token"));
        let forged = [("authorization", "Bearer e30.e30.e30")];
        let response = run.http.send(&request("GET", path, &forged, b""));
        assert_problem(&response, 401, &format!("GET {path} with a forged token"));
        let response = run.http.get(path, &tokens.officer);
        assert_problem(&response, 403, &format!("GET {path} as an officer"));
    }
    for (path, body) in &writes {
        let body = body.to_string().into_bytes();
        let json = [("content-type", "application/json")];
        let response = run.http.send(&request("POST", path, &json, &body));
        assert_problem(&response, 401, &format!("POST {path} without a token"));
        let forged = [
            ("authorization", "Bearer e30.e30.e30"),
            ("content-type", "application/json"),
        ];
        let response = run.http.send(&request("POST", path, &forged, &body));
        assert_problem(&response, 401, &format!("POST {path} with a forged token"));
        let response = run
            .http
            .send(&Request::post_json(path, &tokens.officer, body.clone()));
        assert_problem(&response, 403, &format!("POST {path} as an officer"));
        let response = run
            .http
            .send(&Request::post_json(path, &tokens.auditor, body));
        assert_problem(
            &response,
            403,
            &format!("POST {path} as an auditor (read-only)"),
        );
    }

    // Paths and methods the API does not serve are refused like everything else.
    let response = run.http.get("/v1/no-such-thing", &tokens.supervisor);
    assert_problem(&response, 404, "an unknown path");
    let response = run
        .http
        .send(&request("GET", "/v1/no-such-thing", &[], b""));
    assert_problem(&response, 404, "an unknown path without a token");
    let response = run.http.get("/v1/reports", &tokens.officer);
    assert_problem(&response, 405, "GET on the report intake");
    let response = run.http.send(&request("DELETE", &claim, &[], b""));
    assert_problem(&response, 405, "DELETE on a claim");

    // A caller with the PII right states a purpose.
    let response = run.http.get("/v1/search?q=suspicious", &tokens.supervisor);
    assert_problem(&response, 400, "a PII search without a purpose");
    let response = run
        .http
        .get(&format!("/v1/reports/{id}"), &tokens.supervisor);
    assert_problem(&response, 400, "a PII read without a purpose");

    // An analyst of another jurisdiction sees nothing of it.
    let page = run.http.get_json("/v1/search?limit=100", &outsider);
    assert_eq!(page["total"], 0, "{page}");
    assert_problem(
        &run.http.get(&format!("/v1/reports/{id}"), &outsider),
        404,
        "another jurisdiction's report",
    );
    assert_problem(
        &run.http.get(&format!("/v1/items/{id}"), &outsider),
        404,
        "another jurisdiction's item",
    );
    assert!(queue_counts(&mut run.http, &outsider).is_empty());
    for queue in ["priority", "standard"] {
        let page = run
            .http
            .get_json(&format!("/v1/queues/{queue}/items"), &outsider);
        assert_eq!(page["total"], 0, "{page}");
    }
    for (path, body) in &writes {
        let body = body.to_string().into_bytes();
        let response = run
            .http
            .send(&Request::post_json(path, &outsider, body.clone()));
        if path.starts_with("/v1/items/bulk/") {
            assert_problem(&response, 403, &format!("POST {path} as an analyst"));
            // Bulk actions are a supervisor's, answered per id: this item is not in the
            // outside supervisor's scope.
            let response = run
                .http
                .send(&Request::post_json(path, &outside_supervisor, body));
            assert_eq!(response.status, 200, "{path}: {}", text(&response));
            let results = response.json().unwrap();
            assert_eq!(results["n_succeeded"], 0, "{path}: {results}");
            assert_eq!(
                results["results"],
                json!([{"report_id": id, "outcome": "not_found"}]),
                "{path}"
            );
        } else {
            assert_problem(
                &response,
                404,
                &format!("POST {path} on another jurisdiction's item"),
            );
        }
    }
    let notes = format!("/v1/items/{id}/notes?purpose={PURPOSE}");
    assert_problem(
        &run.http.get(&notes, &outsider),
        403,
        "notes without the PII right",
    );
    assert_problem(
        &run.http.get(&notes, &outside_supervisor),
        404,
        "another jurisdiction's notes",
    );
    assert_problem(
        &run.http.get("/v1/queues/privacy_review/items", &analyst),
        403,
        "an analyst reading the privacy review queue",
    );

    // The analyst of the jurisdiction sees all of it, in the Summary view, and works it.
    let page = run.http.get_json("/v1/search?limit=100", &analyst);
    assert_eq!(page["total"], 8, "{page}");
    assert!(
        page["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|hit| hit["detailed"].is_null())
    );
    let view = run.http.get_json(&format!("/v1/reports/{id}"), &analyst);
    assert_eq!(view["view"], "summary", "{view}");
    let item = run.http.get_json(&format!("/v1/items/{id}"), &analyst);
    assert_eq!(item["view"], "summary", "{item}");
    // None of the refused actions above left a trace on the item.
    assert_eq!(
        (&item["state"], &item["n_notes"], &item["disposition"]),
        (&json!("open"), &json!(0), &Value::Null),
        "{item}"
    );
    let response = run
        .http
        .send(&Request::post_json(&claim, &analyst, b"{}".to_vec()));
    assert_eq!(response.status, 200, "{}", text(&response));

    // Every read above was audited, and the trail's chain holds.
    let output = sarflow(&["audit", "verify", "--data-dir", data.to_str().unwrap()]);
    let audit: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(output.status.success() && audit["ok"] == true, "{audit}");
    assert!(audit["entries"].as_u64().unwrap() > 8, "{audit}");
    run.stop();
}

#[test]
fn embedded_run_killed_while_indexing_loses_and_duplicates_nothing() {
    killed_while_indexing_case(&scratch_dir("http-crash"), &[], Duration::ZERO);
}

/// How long the Kafka deployment stays down after the kill: past the stage consumers' session
/// timeout (`session.timeout.ms`, 10 s in sar-bus). The test broker (tansu 0.6.0) drops a
/// member whose session expired only when a member joins (`Controller::join` is the one caller
/// of `missed_heartbeat` in `tansu-broker` `coordinator/group/administrator.rs`), not on a
/// timer as Kafka does: a consumer that joins while the killed one's session still runs is
/// given no partitions and is never told to rejoin. Kafka itself expires the session and
/// rebalances, so an immediate restart is fine there.
const KAFKA_RESTART_AFTER: Duration = Duration::from_secs(12);

#[test]
fn kafka_run_killed_while_indexing_loses_and_duplicates_nothing() {
    let dir = scratch_dir("http-kafka-crash");
    let Some((config, brokers)) = kafka_deployment(
        "kafka_run_killed_while_indexing_loses_and_duplicates_nothing",
        &dir,
        "http-kafka-crash",
    ) else {
        return;
    };
    killed_while_indexing_case(
        &dir,
        &["--config", &config, "--kafka", &brokers],
        KAFKA_RESTART_AFTER,
    );
}

/// Officers submit 2,000 reports to `sarflow run` (with `run_args`) while it indexes; it is
/// SIGKILLed once part of them is searchable and started again `restart_after` later, the
/// officers retry what got no answer, and every report must end up searchable and queued
/// exactly once: in Kafka mode the index resumes from the partition offsets in its last
/// commit's payload.
#[allow(clippy::print_stderr)] // for the person running the tests
fn killed_while_indexing_case(dir: &Path, run_args: &[&str], restart_after: Duration) {
    const COUNT: usize = 2_000;
    let data = dir.join("data");
    let tokens = Tokens::issue(&data);
    let mut run = Run::start("first", dir, &data, run_args);
    let reports = officer_reports(COUNT, 55, "e2e-http-crash");

    // Officers keep submitting while the pipeline and the indexer work; the process is killed
    // once the index has committed part of it.
    let stop = Arc::new(AtomicBool::new(false));
    let submitter = {
        let (addr, requests, stop) = (
            run.addr,
            submissions(&tokens.officer, &reports),
            Arc::clone(&stop),
        );
        std::thread::spawn(move || send_all_until(addr, requests, 4, &stop))
    };
    let mut indexed_at_kill = 0;
    wait_for("the index to commit part of the stream", SETTLE, || {
        run.process.assert_running();
        indexed_at_kill = search_total(&mut run.http, &tokens, "");
        indexed_at_kill >= 200
    });
    run.process.kill();
    stop.store(true, Ordering::Relaxed);
    let answers = submitter.join().unwrap();
    let answered: BTreeMap<usize, String> = answers
        .iter()
        .enumerate()
        .filter(|(_, answer)| answer.as_ref().is_ok_and(|response| response.status == 202))
        .map(|(idx, answer)| (idx, receipt_id(&receipt(answer, 202))))
        .collect();
    eprintln!(
        "killed with {indexed_at_kill} of {} accepted reports indexed",
        answered.len()
    );

    // The clients retry what got no answer: a new report, or the one received before the
    // crash whose answer was lost.
    std::thread::sleep(restart_after);
    let mut run = Run::start("second", dir, &data, run_args);
    let retried: Vec<usize> = (0..COUNT)
        .filter(|idx| !answered.contains_key(idx))
        .collect();
    let retries = retried
        .iter()
        .map(|idx| {
            Request::post_json(
                "/v1/reports",
                &tokens.officer,
                serde_json::to_vec(&reports[*idx]).unwrap(),
            )
        })
        .collect();
    let mut ids = answered.clone();
    let mut lost_answers = 0_u64;
    for (idx, answer) in retried.iter().zip(send_all(run.addr, retries, 4)) {
        let status = answer.as_ref().map_or(0, |response| response.status);
        lost_answers += u64::from(status == 200);
        let receipt = receipt(&answer, if status == 200 { 200 } else { 202 });
        ids.insert(*idx, receipt_id(&receipt));
    }
    eprintln!(
        "{} retried, {lost_answers} of them received before the kill",
        retried.len()
    );
    let id_set: BTreeSet<String> = ids.into_values().collect();
    assert_eq!(id_set.len(), COUNT, "one report per origin");
    assert_indexed_and_queued_once(&mut run, &tokens, &id_set);

    let ledger = ledger(&data);
    assert_eq!(ledger["entries"], COUNT as u64 + lost_answers, "{ledger}");
    let summary = run.stop();
    if run_args.is_empty() {
        // The embedded mode prints its summary (the Kafka mode has none).
        assert_summary(&summary.expect("run prints its summary"), COUNT as u64);
    }
}

#[test]
fn kafka_run_makes_1000_http_reports_searchable_and_queued_once() {
    kafka_run_case(
        "kafka_run_makes_1000_http_reports_searchable_and_queued_once",
        false,
    );
}

#[test]
fn kafka_run_with_external_stage_services_makes_1000_http_reports_searchable_and_queued_once() {
    kafka_run_case(
        "kafka_run_with_external_stage_services_makes_1000_http_reports_searchable_and_queued_once",
        true,
    );
}

/// `sarflow run --kafka` takes 1,000 reports over HTTP; each is indexed and queued once, and a
/// resent one answers 200 with its id. With `external`, the run serves only the front end
/// (`--external-stages`) and the four stages are `sarflow serve` processes of their own.
/// A Kafka deployment on the test broker: a config file in `dir` naming a topic prefix of its
/// own, its topics created; `(config path, brokers)`, or `None` (the test is skipped) without a
/// broker.
fn kafka_deployment(test: &str, dir: &Path, name: &str) -> Option<(String, String)> {
    let brokers = kafka_brokers(test)?;
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let prefix = format!("e2e-{name}-{}-{nanos}.", std::process::id());
    let config = dir.join("sarflow.toml");
    std::fs::write(
        &config,
        format!(
            "[kafka]\nbrokers = \"{brokers}\"\ntopic_prefix = \"{prefix}\"\npartitions = 3\n\
             commit_interval = \"200ms\"\nshutdown_timeout = \"10s\"\n"
        ),
    )
    .unwrap();
    let config = config.to_str().unwrap().to_owned();
    sarflow_ok(&["topics", "create", "--config", &config]);
    Some((config, brokers))
}

fn kafka_run_case(test: &str, external: bool) {
    let name = if external {
        "http-kafka-external"
    } else {
        "http-kafka"
    };
    let dir = scratch_dir(name);
    let data = dir.join("data");
    let Some((config, brokers)) = kafka_deployment(test, &dir, name) else {
        return;
    };
    let config = config.as_str();
    let tokens = Tokens::issue(&data);
    let mut run_args = vec!["--config", config, "--kafka", &brokers];
    if external {
        run_args.push("--external-stages");
    }
    let mut stages: Vec<Spawned> = Vec::new();
    if external {
        for stage in ["normalize", "score", "gate", "route"] {
            let admin = format!("127.0.0.1:{}", free_port());
            stages.push(Spawned::start(
                stage,
                &[
                    "serve",
                    stage,
                    "--config",
                    config,
                    "--kafka",
                    &brokers,
                    "--admin-addr",
                    &admin,
                ],
                &[],
                &dir.join(stage),
            ));
        }
    }
    let mut run = Run::start("run", &dir, &data, &run_args);
    let reports = officer_reports(1_000, 56, "e2e-http-kafka");
    let answers = send_all(run.addr, submissions(&tokens.officer, &reports), 4);
    let ids: Vec<String> = answers
        .iter()
        .map(|answer| receipt_id(&receipt(answer, 202)))
        .collect();
    let id_set: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(id_set.len(), 1_000, "one id per report");
    assert_indexed_and_queued_once(&mut run, &tokens, &id_set);
    for stage in &mut stages {
        stage.assert_running();
    }
    let again = send_all(run.addr, submissions(&tokens.officer, &reports[..10]), 2);
    for (answer, id) in again.iter().zip(&ids) {
        assert_eq!(receipt_id(&receipt(answer, 200)), *id);
    }
    assert_eq!(ledger(&data)["entries"], 1_010);
    assert_group_commits(&run, 1_010);
    run.stop();
    for mut stage in stages {
        let (status, _) = stage.terminate();
        assert!(status.success(), "{status}:\n{}", stage.log_tail());
    }
}
