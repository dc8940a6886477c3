//! The Kafka load harness: each stage's throughput as a `sarflow serve` process against a raw
//! pass-through (same loop, same client settings, bytes copied unchanged) on the same broker in
//! one run, plus the embedded chain (`sarflow run --until-drained`).
//!
//! ```sh
//! cargo build --release -p sar-cli --bin sarflow
//! cargo xtask broker &          # prints the broker address
//! cargo run --release -p sar-benches --bin kafka-ratio -- --kafka 127.0.0.1:PORT --count 20000
//! ```
//!
//! Each measurement starts the process on a topic that already holds `count` records, with a
//! fresh consumer group, and times from the first record received to the last one sent, read
//! from the process's own `/metrics` (polled every 20 ms), so start-up and group join are not
//! counted.

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)] // a command-line tool

use std::{
    io::{Read, Write},
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

const STAGES: [&str; 4] = ["normalize", "score", "gate", "route"];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let flag = |name: &str| sar_benches::flag(&args, name);
    let brokers = flag("--kafka").expect("--kafka BROKERS is required");
    let count: u64 = flag("--count").map_or(20_000, |text| text.parse().unwrap());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let sarflow =
        flag("--sarflow").map_or_else(|| root.join("target/release/sarflow"), PathBuf::from);
    let dir = root.join("target/bench-kafka");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let prefix = format!("bench-{}.", std::process::id());
    let config = dir.join("sarflow.toml");
    std::fs::write(
        &config,
        format!("[kafka]\nbrokers = \"{brokers}\"\ntopic_prefix = \"{prefix}\"\npartitions = 3\n"),
    )
    .unwrap();
    let tool = Tool {
        sarflow: sarflow.clone(),
        config: config.clone(),
        dir: dir.clone(),
    };

    eprintln!("preparing {count} records on every input topic");
    tool.ok(
        &["topics", "create", "--config", config.to_str().unwrap()],
        None,
    );
    let synth = tool.ok(
        &["synth", "--count", &count.to_string(), "--seed", "5"],
        None,
    );
    let intake = dir.join("intake.ndjson");
    std::fs::write(&intake, &synth).unwrap();
    tool.ok(
        &[
            "produce",
            "--topic",
            "raw",
            "--config",
            config.to_str().unwrap(),
        ],
        Some(&synth),
    );
    // One pass of the chain fills normalized, scored and gated.
    for stage in STAGES {
        let measured = tool.measure(stage, false, count, 0);
        eprintln!("  filled by {stage}: {measured:.0} records/s");
    }

    println!("| stage | pass-through records/s | stage records/s | ratio |");
    println!("|---|---|---|---|");
    for (round, stage) in STAGES.iter().enumerate() {
        let baseline = tool.measure(stage, true, count, round + 1);
        let measured = tool.measure(stage, false, count, round + 1);
        println!(
            "| {stage} | {baseline:.0} | {measured:.0} | {:.2} |",
            measured / baseline
        );
    }

    let data_dir = dir.join("embedded");
    let started = Instant::now();
    let summary = tool.ok(
        &[
            "run",
            "--data-dir",
            data_dir.to_str().unwrap(),
            "--ingest",
            intake.to_str().unwrap(),
            "--until-drained",
            "--http-addr",
            "127.0.0.1:0",
        ],
        None,
    );
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "embedded chain (ledger + journal + 4 stages + sinks + index + queues): {count} records in {elapsed:.2} s = {:.0} records/s; {}",
        count as f64 / elapsed,
        String::from_utf8_lossy(&summary).trim()
    );
}

struct Tool {
    sarflow: PathBuf,
    config: PathBuf,
    dir: PathBuf,
}

impl Tool {
    fn ok(&self, args: &[&str], input: Option<&[u8]>) -> Vec<u8> {
        let mut child = Command::new(&self.sarflow)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let input = input.map(<[u8]>::to_vec).unwrap_or_default();
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let output = child.wait_with_output().unwrap();
        writer.join().unwrap().unwrap();
        assert!(output.status.success(), "sarflow {args:?} failed");
        output.stdout
    }

    /// Runs `serve <stage>` (or its pass-through) with a fresh group until `count` records are
    /// sent; returns records/s from the first received to the last sent.
    fn measure(&self, stage: &str, passthrough: bool, count: u64, round: usize) -> f64 {
        let port = free_port();
        let admin = format!("127.0.0.1:{port}");
        let kind = if passthrough { "passthrough" } else { "stage" };
        let mut args = vec![
            "serve",
            stage,
            "--config",
            self.config.to_str().unwrap(),
            "--admin-addr",
            &admin,
        ];
        if passthrough {
            args.push("--passthrough");
        }
        let log =
            std::fs::File::create(self.dir.join(format!("{stage}-{kind}-{round}.log"))).unwrap();
        let group_key = format!("SARFLOW_{}__KAFKA__GROUP_ID", stage.to_uppercase());
        let mut child: Child = Command::new(&self.sarflow)
            .args(&args)
            .env(
                group_key,
                format!("bench-{stage}-{kind}-{round}-{}", std::process::id()),
            )
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        let label = if passthrough {
            "passthrough".to_owned()
        } else {
            stage.to_owned()
        };
        let deadline = Instant::now() + Duration::from_secs(600);
        let mut first_received = None;
        let finished = loop {
            assert!(Instant::now() < deadline, "{stage} {kind} did not finish");
            let (received, sent) = counters(port, &label);
            let now = Instant::now();
            if first_received.is_none() && received > 0.0 {
                first_received = Some(now);
            }
            if sent >= count as f64 {
                break now;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let _ = child.wait();
        let elapsed = finished
            .duration_since(first_received.unwrap())
            .as_secs_f64();
        count as f64 / elapsed.max(1e-3)
    }
}

fn counters(port: u16, stage: &str) -> (f64, f64) {
    let Some(body) = get_metrics(port) else {
        return (0.0, 0.0);
    };
    let label = format!("stage=\"{stage}\"");
    let value = |name: &str| -> f64 {
        body.lines()
            .filter(|line| line.starts_with(name) && line.contains(&label))
            .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    };
    (
        value("sarflow_stage_records_received_total"),
        value("sarflow_stage_records_sent_total"),
    )
}

fn get_metrics(port: u16) -> Option<String> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        stream,
        "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
