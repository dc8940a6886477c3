//! The HTTP load harness, against a running `sarflow run` on loopback:
//!
//! - `intake`: POST `--count` synthetic officer reports over `--concurrency` keep-alive
//!   connections (driven by `--threads` client threads, default 1); prints accepts/s and the
//!   p50/p99 latency of each answer (durable before it is sent: the journal's group commit).
//!   With `--server-pid PID` (Linux), also the CPU time the server and the harness spent per
//!   accepted report during the run, and so the accepts/s one server core would sustain: on a
//!   small machine the harness and a local broker take cores from the server, and this figure
//!   does not depend on them.
//! - `search`: `--count` searches drawn from a fixed query mix over `--concurrency` connections;
//!   prints p50/p99.
//! - `freshness`: submits `--count` reports one at a time, each with a unique word, and polls
//!   search until it is found; prints p50/p95 submit -> searchable.
//!
//! ```sh
//! cargo build --release -p sar-cli --bin sarflow -p sar-benches --bin http-load
//! target/release/sarflow run --data-dir /tmp/bench-data &     # serves 127.0.0.1:8470
//! TOKEN=$(target/release/sarflow tokens issue --data-dir /tmp/bench-data --role officer \
//!     --subject bench --agency BENCH-PD --jurisdiction '*')
//! target/release/http-load intake --addr 127.0.0.1:8470 --token $TOKEN --count 100000 --concurrency 64
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)] // a command-line tool

use std::{
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use sar_http::client::Client;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str| sar_benches::flag(&args, name);
    let mode = args.get(1).cloned().unwrap_or_default();
    let addr: SocketAddr = flag("--addr")
        .unwrap_or_else(|| "127.0.0.1:8470".to_owned())
        .parse()
        .unwrap();
    let token = flag("--token").expect("--token TOKEN is required");
    let count: usize = flag("--count").map_or(10_000, |text| text.parse().unwrap());
    let concurrency: usize = flag("--concurrency").map_or(32, |text| text.parse().unwrap());
    let seed: u64 = flag("--seed").map_or(11, |text| text.parse().unwrap());
    // One thread by default: the harness shares the machine's cores with the server it
    // measures, and a single event loop drives hundreds of keep-alive connections.
    let threads: usize = flag("--threads").map_or(1, |text| text.parse().unwrap());
    let runtime = if threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
            .unwrap()
    };
    match mode.as_str() {
        "intake" => {
            let server_pid = flag("--server-pid").map(|text| text.parse::<u32>().unwrap());
            runtime.block_on(intake(addr, token, count, concurrency, seed, server_pid));
        }
        "search" => runtime.block_on(search(addr, token, count, concurrency)),
        "freshness" => {
            let search_token = flag("--search-token").expect("--search-token is required");
            runtime.block_on(freshness(addr, token, search_token, count, seed));
        }
        _ => panic!(
            "usage: http-load intake|search|freshness --addr A --token T [--count N] [--concurrency C] [--threads T]"
        ),
    }
}

/// The agency of the officer token the harness is given (`--agency`, default `BENCH-PD`): the
/// intake accepts an officer's report only for the officer's own agency.
fn agency() -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|arg| arg == "--agency")
        .and_then(|idx| args.get(idx + 1).cloned())
        .unwrap_or_else(|| "BENCH-PD".to_owned())
}

/// Synthetic intake bodies with unique origins (a new system per run, so nothing is a duplicate).
fn bodies(count: usize, seed: u64) -> Vec<Vec<u8>> {
    let agency = agency();
    let config = sar_synth::SynthConfig {
        count,
        seed,
        shares: sar_synth::HardCaseShares::default(),
    };
    let run = format!("bench-{}-{seed}", std::process::id());
    sar_synth::generate(&config)
        .unwrap()
        .filter_map(|item| item.record)
        .enumerate()
        .map(|(idx, mut record)| {
            record.source.system.clone_from(&run);
            record.source.report_id = format!("r{idx}");
            record.channel = "officer".to_owned();
            record.submitter.org_id.clone_from(&agency);
            serde_json::to_vec(&record).unwrap()
        })
        .collect()
}

fn percentile(sorted: &[Duration], share: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * share).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn print_latencies(what: &str, n_ok: usize, elapsed: Duration, mut latencies: Vec<Duration>) {
    latencies.sort_unstable();
    println!(
        "{what}: {n_ok} ok in {:.2} s = {:.0}/s; p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        elapsed.as_secs_f64(),
        n_ok as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.95).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
}

async fn intake(
    addr: SocketAddr,
    token: String,
    count: usize,
    concurrency: usize,
    seed: u64,
    server_pid: Option<u32>,
) {
    eprintln!("generating {count} reports");
    let bodies = Arc::new(bodies(count, seed));
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let authorization = Arc::new(format!("Bearer {token}"));
    let cpu_before = server_pid.map(|pid| (cpu_time(&pid.to_string()), cpu_time("self")));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (bodies, next, authorization) = (bodies.clone(), next.clone(), authorization.clone());
        tasks.spawn(async move {
            let mut client = Client::new(addr);
            let mut latencies = Vec::new();
            let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
            loop {
                let idx = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(body) = bodies.get(idx) else { break };
                let sent = Instant::now();
                let response = client
                    .request(
                        "POST",
                        "/v1/reports",
                        &[
                            ("content-type", "application/json"),
                            ("authorization", authorization.as_str()),
                        ],
                        body,
                    )
                    .await
                    .unwrap();
                latencies.push(sent.elapsed());
                *statuses.entry(response.status).or_default() += 1;
            }
            (latencies, statuses)
        });
    }
    let mut latencies = Vec::with_capacity(count);
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    while let Some(joined) = tasks.join_next().await {
        let (task_latencies, task_statuses) = joined.unwrap();
        latencies.extend(task_latencies);
        for (status, n) in task_statuses {
            *statuses.entry(status).or_default() += n;
        }
    }
    let elapsed = started.elapsed();
    eprintln!("statuses: {statuses:?}");
    let n_accepted = statuses.get(&202).copied().unwrap_or(0);
    let cpu_after = server_pid.map(|pid| (cpu_time(&pid.to_string()), cpu_time("self")));
    print_latencies(
        &format!("intake (concurrency {concurrency})"),
        n_accepted,
        elapsed,
        latencies,
    );
    if let (Some((server_before, harness_before)), Some((server_after, harness_after))) =
        (cpu_before, cpu_after)
        && n_accepted > 0
    {
        let per_report = |before: Duration, after: Duration| {
            after.saturating_sub(before).as_secs_f64() * 1e6 / n_accepted as f64
        };
        let server = per_report(server_before, server_after);
        println!(
            "cpu per accepted report: server {server:.0} us, harness {:.0} us; one server core: {:.0} accepts/s",
            per_report(harness_before, harness_after),
            1e6 / server.max(f64::MIN_POSITIVE),
        );
    }
}

/// User plus system CPU time of process `pid` (a number or `self`) so far, all its threads,
/// from `/proc/<pid>/stat` (in clock ticks of 1/100 s, Linux's `USER_HZ` on every architecture
/// it exposes to programs).
fn cpu_time(pid: &str) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .unwrap_or_else(|error| panic!("reading /proc/{pid}/stat: {error}"));
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    let after_name = &stat[stat.rfind(')').expect("a /proc stat line") + 2..];
    let fields: Vec<&str> = after_name.split(' ').collect();
    // Fields 14 (utime) and 15 (stime) of the line, the 12th and 13th after the name.
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10)
}

const QUERIES: &[&str] = &[
    "q=fence",
    "q=photograph%20entrance",
    "behavior_codes=PHOTO",
    "q=drone&sort=score",
    "min_score=40&sort=received_at",
    "q=vehicle&sectors=ENRG",
    "q=camera%20substation",
    "outcome=triage&limit=50",
];

async fn search(addr: SocketAddr, token: String, count: usize, concurrency: usize) {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let authorization = Arc::new(format!("Bearer {token}"));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (next, authorization) = (next.clone(), authorization.clone());
        tasks.spawn(async move {
            let mut client = Client::new(addr);
            let mut latencies = Vec::new();
            let mut n_ok = 0;
            loop {
                let idx = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if idx >= count {
                    break;
                }
                let path = format!("/v1/search?{}&purpose=bench", QUERIES[idx % QUERIES.len()]);
                let sent = Instant::now();
                let response = client
                    .get(&path, &[("authorization", authorization.as_str())])
                    .await
                    .unwrap();
                latencies.push(sent.elapsed());
                if response.status == 200 {
                    n_ok += 1;
                } else if n_ok == 0 {
                    eprintln!(
                        "{path}: {} {}",
                        response.status,
                        String::from_utf8_lossy(&response.body)
                    );
                }
            }
            (latencies, n_ok)
        });
    }
    let mut latencies = Vec::with_capacity(count);
    let mut n_ok = 0;
    while let Some(joined) = tasks.join_next().await {
        let (task_latencies, task_ok) = joined.unwrap();
        latencies.extend(task_latencies);
        n_ok += task_ok;
    }
    print_latencies(
        &format!("search (concurrency {concurrency})"),
        n_ok,
        started.elapsed(),
        latencies,
    );
}

async fn freshness(addr: SocketAddr, token: String, search_token: String, count: usize, seed: u64) {
    let bodies = bodies(count, seed ^ 0x5eed);
    let submit_authorization = format!("Bearer {token}");
    let search_authorization = format!("Bearer {search_token}");
    let mut submitter = Client::new(addr);
    let mut searcher = Client::new(addr);
    let mut latencies = Vec::with_capacity(count);
    for (idx, body) in bodies.iter().enumerate() {
        let word = format!("freshmark{}x{idx}", std::process::id());
        let mut record: serde_json::Value = serde_json::from_slice(body).unwrap();
        let narrative = record["narrative"].as_str().unwrap_or_default().to_owned();
        record["narrative"] = serde_json::Value::String(format!("{narrative} {word}"));
        let body = serde_json::to_vec(&record).unwrap();
        let sent = Instant::now();
        let response = submitter
            .request(
                "POST",
                "/v1/reports",
                &[
                    ("content-type", "application/json"),
                    ("authorization", submit_authorization.as_str()),
                ],
                &body,
            )
            .await
            .unwrap();
        assert_eq!(
            response.status,
            202,
            "{}",
            String::from_utf8_lossy(&response.body)
        );
        let path = format!("/v1/search?q={word}&purpose=bench");
        loop {
            let found = searcher
                .get(&path, &[("authorization", search_authorization.as_str())])
                .await
                .unwrap();
            let total = found.json().ok().and_then(|json| json["total"].as_u64());
            if total.unwrap_or(0) > 0 {
                break;
            }
            assert!(
                sent.elapsed() < Duration::from_secs(60),
                "report {idx} never became searchable"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        latencies.push(sent.elapsed());
    }
    latencies.sort_unstable();
    println!(
        "freshness (submit -> searchable, {} reports one at a time): p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms",
        latencies.len(),
        percentile(&latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&latencies, 0.95).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
}
