//! Search latency of the report index at scale, in process (no HTTP: add the loopback cost
//! measured by `http-load search`, about a millisecond). Builds an index of `--count` synthetic
//! routed reports (in chunks, committing every 100,000), then times `--queries` searches of a
//! fixed mix for a Summary caller and for a caller with the PII right, one thread.
//!
//! ```sh
//! cargo run --release -p sar-benches --bin index-scale -- --count 1000000 --dir /tmp/index-1m
//! ```
//! With an existing `--dir` holding `--count` documents the build is skipped. `--by-query` adds
//! p50 and p99 per query of the mix.

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)] // a command-line tool

use std::time::{Duration, Instant};

use sar_index::{ReportIndex, SearchRequest, SortBy};
use sar_model::access::{Caller, Role};

/// Reports generated per chunk (each chunk uses its own seed, so ids do not repeat).
const CHUNK: usize = 5_000;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str| sar_benches::flag(&args, name);
    let count: usize = flag("--count").map_or(100_000, |text| text.parse().unwrap());
    let n_queries: usize = flag("--queries").map_or(2_000, |text| text.parse().unwrap());
    let by_query_wanted = args.iter().any(|arg| arg == "--by-query");
    let dir =
        std::path::PathBuf::from(flag("--dir").unwrap_or_else(|| "target/index-scale".to_owned()));
    let index = ReportIndex::open_or_create(&dir).unwrap();
    if (index.count() as usize) < count {
        let started = Instant::now();
        let mut writer = index.writer(512 * 1024 * 1024).unwrap();
        let mut n_done = index.count() as usize;
        let mut chunk_idx = n_done / CHUNK;
        while n_done < count {
            let size = CHUNK.min(count - n_done);
            for record in sar_synth::canonical::routed_records(1_000 + chunk_idx as u64, size) {
                writer.upsert(&record).unwrap();
            }
            n_done += size;
            chunk_idx += 1;
            if n_done.is_multiple_of(100_000) || n_done == count {
                writer.commit(&format!("{{\"bench\":{n_done}}}")).unwrap();
                eprintln!(
                    "{n_done} documents, {:.0} docs/s",
                    n_done as f64 / started.elapsed().as_secs_f64()
                );
            }
        }
        drop(writer);
        index.reload().unwrap();
        eprintln!(
            "built {} documents in {:.1} s",
            index.count(),
            started.elapsed().as_secs_f64()
        );
    }
    println!("index: {} documents in {}", index.count(), dir.display());
    let requests = query_mix();
    for (label, caller) in [
        ("analyst (Summary view)", caller(Role::Analyst, false)),
        ("supervisor (PII right)", caller(Role::Supervisor, true)),
    ] {
        let mut latencies = Vec::with_capacity(n_queries);
        let mut by_query = vec![Vec::new(); requests.len()];
        let mut n_hits = 0_u64;
        for query_idx in 0..n_queries {
            let request = &requests[query_idx % requests.len()];
            let started = Instant::now();
            let response = index.search(request, &caller).unwrap();
            let elapsed = started.elapsed();
            latencies.push(elapsed);
            by_query[query_idx % requests.len()].push((elapsed, response.total));
            n_hits += response.total;
        }
        latencies.sort_unstable();
        if by_query_wanted {
            for (request, runs) in requests.iter().zip(&mut by_query) {
                runs.sort_unstable();
                let times: Vec<Duration> = runs.iter().map(|(elapsed, _)| *elapsed).collect();
                println!(
                    "  {:>7.2} ms p50 {:>7.2} ms p99, {:>7} hits: {}",
                    ms(percentile(&times, 0.50)),
                    ms(percentile(&times, 0.99)),
                    runs.first().map_or(0, |(_, total)| *total),
                    describe(request),
                );
            }
        }
        println!(
            "{label}: {n_queries} queries, p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms (mean total {:.0})",
            ms(percentile(&latencies, 0.50)),
            ms(percentile(&latencies, 0.95)),
            ms(percentile(&latencies, 0.99)),
            ms(*latencies.last().unwrap()),
            n_hits as f64 / n_queries as f64,
        );
    }
}

fn caller(role: Role, pii: bool) -> Caller {
    Caller {
        subject: "bench".to_owned(),
        role,
        agency: "BENCH".to_owned(),
        jurisdictions: vec!["*".to_owned()],
        pii,
    }
}

/// The same mix as `http-load search`.
fn query_mix() -> Vec<SearchRequest> {
    let text = |q: &str| SearchRequest {
        q: Some(q.to_owned()),
        ..SearchRequest::default()
    };
    vec![
        text("fence"),
        text("photograph entrance"),
        SearchRequest {
            behavior_codes: vec!["PHOTO".to_owned()],
            ..SearchRequest::default()
        },
        SearchRequest {
            sort: SortBy::Score,
            ..text("drone")
        },
        SearchRequest {
            min_score: Some(40.0),
            sort: SortBy::ReceivedAt,
            ..SearchRequest::default()
        },
        SearchRequest {
            sectors: vec!["ENRG".to_owned()],
            ..text("vehicle")
        },
        text("camera substation"),
        SearchRequest {
            outcome: Some("triage".to_owned()),
            limit: 50,
            ..SearchRequest::default()
        },
    ]
}

/// A request of the mix in one line, for `--by-query`.
fn describe(request: &SearchRequest) -> String {
    let mut parts = Vec::new();
    if let Some(q) = &request.q {
        parts.push(format!("q={q:?}"));
    }
    if !request.behavior_codes.is_empty() {
        parts.push(format!("codes={}", request.behavior_codes.join(",")));
    }
    if !request.sectors.is_empty() {
        parts.push(format!("sectors={}", request.sectors.join(",")));
    }
    if let Some(min) = request.min_score {
        parts.push(format!("min_score={min}"));
    }
    if let Some(outcome) = &request.outcome {
        parts.push(format!("outcome={outcome}"));
    }
    parts.push(format!("sort={:?} limit={}", request.sort, request.limit));
    parts.join(" ")
}

fn percentile(sorted: &[Duration], share: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * share).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}
