//! The NDJSON filters: `sarflow normalize | score | gate | route | process`.
//!
//! Each reads one JSON record per line from stdin or `--input FILE` and writes one per line to
//! stdout. A line that fails becomes one JSON error line on stderr (line number, stage, code,
//! message, field errors: never the line's content) and the stream goes on; the exit status is
//! non-zero when any line failed. `process` chains the four stages and prints a compact result.

use std::{
    io::{BufRead, Write},
    path::PathBuf,
};

use anyhow::Context;
use sar_model::{
    Origin, ReportId, ZonedTime,
    records::{
        FieldError, GatedRecord, NormalizedRecord, RawRecord, RoutedRecord, ScoredRecord, Stage,
    },
    reject::{Reject, RejectCode},
};
use sar_score::ScoreContext;
use serde::{Serialize, de::DeserializeOwned};

use crate::{config::PipelineParams, stages::Stages};

/// Arguments shared by the filters.
#[derive(Debug, clap::Args)]
pub(crate) struct FilterArgs {
    /// Read from this file instead of stdin.
    #[arg(long)]
    input: Option<PathBuf>,
    /// Process as if at this instant (RFC 3339); default: now. Fixes report ids and times, so the
    /// same input and instant give the same output.
    #[arg(long)]
    now: Option<String>,
}

/// Which filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Filter {
    Normalize,
    Score,
    Gate,
    Route,
    Process,
}

/// The four stages, built once.
struct Pipeline {
    stages: Stages,
}

impl Pipeline {
    fn new() -> anyhow::Result<Self> {
        Ok(Self {
            stages: Stages::new(&PipelineParams::default())?,
        })
    }

    fn normalize(
        &self,
        line: &str,
        line_no: usize,
        now: ZonedTime,
    ) -> Result<NormalizedRecord, StageFailure> {
        let intake = sar_normalize::parse_intake(line)
            .map_err(|reject| StageFailure::new(Stage::Normalize, reject))?;
        let origin = Origin {
            system: intake.source.system.clone(),
            report_id: intake.source.report_id.clone(),
        };
        let raw = RawRecord {
            record_id: report_id(&origin, line_no, now),
            received_at: now,
            ledger_seq: None,
            submission: intake,
        };
        sar_normalize::normalize(raw, &self.stages.normalize.config, now)
            .map_err(|reject| StageFailure::new(Stage::Normalize, reject))
    }

    fn score(
        &self,
        record: NormalizedRecord,
        now: ZonedTime,
    ) -> Result<ScoredRecord, StageFailure> {
        self.stages
            .score
            .scorer
            .score(record, &ScoreContext::default(), now)
            .map_err(|reject| StageFailure::new(Stage::Score, reject))
    }

    fn gate(&self, record: ScoredRecord, now: ZonedTime) -> Result<GatedRecord, StageFailure> {
        self.stages
            .gate
            .gate
            .gate(record, now)
            .map_err(|reject| StageFailure::new(Stage::Gate, reject))
    }

    fn route(&self, record: GatedRecord, now: ZonedTime) -> Result<RoutedRecord, StageFailure> {
        self.stages
            .route
            .router
            .route(record, now)
            .map_err(|reject| StageFailure::new(Stage::Route, reject))
    }
}

/// A line's failure in one stage.
struct StageFailure {
    stage: Stage,
    reject: Reject,
}

impl StageFailure {
    fn new(stage: Stage, reject: Reject) -> Self {
        Self { stage, reject }
    }
}

/// A report id for a line of a stateless filter: the UUID v7 time is `now`; the random bits are a
/// stable hash of the origin and the line number, so a rerun with the same `--now` is identical.
fn report_id(origin: &Origin, line_no: usize, now: ZonedTime) -> ReportId {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in origin
        .system
        .bytes()
        .chain([0x1f])
        .chain(origin.report_id.bytes())
        .chain(line_no.to_le_bytes())
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let mut random = [0u8; 10];
    random[..8].copy_from_slice(&hash.to_le_bytes());
    random[8..].copy_from_slice(&(line_no as u16).to_le_bytes());
    let millis = u64::try_from(now.original().unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
    ReportId::from_parts(millis, random)
}

fn parse_line<T: DeserializeOwned>(line: &str, stage: Stage) -> Result<T, StageFailure> {
    serde_json::from_str(line).map_err(|error| {
        let reject = Reject {
            code: RejectCode::Undecodable,
            message: format!("not a {} input record", stage_name(stage)),
            // serde's messages may quote values; keep only the position
            field_errors: vec![FieldError {
                path: "$".to_owned(),
                problem: format!("invalid JSON record at column {}", error.column()),
            }],
        };
        StageFailure::new(stage, reject)
    })
}

fn stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::Intake => "intake",
        Stage::Normalize => "normalize",
        Stage::Score => "score",
        Stage::Gate => "gate",
        Stage::Route => "route",
        Stage::Index => "index",
        Stage::Queue => "queue",
    }
}

/// The compact line `process` prints.
#[derive(Serialize)]
struct ProcessLine<'a> {
    report_id: String,
    source: &'a Origin,
    score: ProcessScore<'a>,
    gate: ProcessGate<'a>,
    route: ProcessRoute,
    flags: Vec<sar_model::records::FlagKind>,
}

#[derive(Serialize)]
struct ProcessScore<'a> {
    value: f64,
    contributions: Vec<ProcessContribution<'a>>,
}

#[derive(Serialize)]
struct ProcessContribution<'a> {
    rule: &'a str,
    contribution: f64,
}

#[derive(Serialize)]
struct ProcessGate<'a> {
    outcome: sar_model::records::GateOutcome,
    reasons: Vec<&'a str>,
    retain_until: ZonedTime,
}

#[derive(Serialize)]
struct ProcessRoute {
    queue: Option<sar_model::records::QueueName>,
    priority: Option<sar_model::records::Priority>,
    indexed: bool,
}

fn process_line(routed: &RoutedRecord) -> ProcessLine<'_> {
    let scored = &routed.gated.scored;
    let report = &scored.normalized.report;
    let analyst_route = routed.routes.iter().find(|route| route.queue.is_some());
    ProcessLine {
        report_id: report.report_id.to_string(),
        source: &report.origin,
        score: ProcessScore {
            value: scored.score.value,
            contributions: scored
                .score
                .contributions
                .iter()
                .map(|contribution| ProcessContribution {
                    rule: &contribution.rule,
                    contribution: contribution.contribution,
                })
                .collect(),
        },
        gate: ProcessGate {
            outcome: routed.gated.decision.outcome,
            reasons: routed
                .gated
                .decision
                .reasons
                .iter()
                .map(|reason| reason.code.as_str())
                .collect(),
            retain_until: routed.gated.decision.retain_until,
        },
        route: ProcessRoute {
            queue: analyst_route.and_then(|route| route.queue),
            priority: analyst_route.map(|route| route.priority),
            indexed: routed
                .routes
                .iter()
                .any(|route| route.destination == sar_model::records::DestinationKind::SearchIndex),
        },
        flags: scored.flags.iter().map(|flag| flag.kind).collect(),
    }
}

fn now(args: &FilterArgs) -> anyhow::Result<ZonedTime> {
    match &args.now {
        Some(text) => ZonedTime::parse(text)
            .map_err(|_| anyhow::anyhow!("--now is not an RFC 3339 date-time with offset")),
        None => {
            let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
            // Microsecond precision is what the records show.
            let micros = nanos / 1_000 * 1_000;
            let utc = time::OffsetDateTime::from_unix_timestamp_nanos(micros)
                .context("the clock is out of range")?;
            Ok(ZonedTime::from_offset_date_time(utc))
        }
    }
}

/// Runs one filter. Returns the number of failed lines.
pub(crate) fn run_filter(
    filter: Filter,
    args: &FilterArgs,
    output: &mut dyn Write,
) -> anyhow::Result<usize> {
    let pipeline = Pipeline::new()?;
    let now = now(args)?;
    let input = crate::open_input(args.input.as_deref())?;
    let mut n_failed = 0usize;
    for (line_idx, line) in input.lines().enumerate() {
        let line_no = line_idx + 1;
        let line = match line {
            Ok(line) => line,
            Err(error) if error.kind() == std::io::ErrorKind::InvalidData => {
                let reject = Reject {
                    code: RejectCode::Undecodable,
                    message: "line is not valid UTF-8".to_owned(),
                    field_errors: Vec::new(),
                };
                write_error(line_no, &StageFailure::new(first_stage(filter), reject));
                n_failed += 1;
                continue;
            }
            Err(error) => return Err(error).context("failed to read the input"),
        };
        if line.trim().is_empty() {
            continue;
        }
        let result = match filter {
            Filter::Normalize => pipeline
                .normalize(&line, line_no, now)
                .map(|record| to_json(&record)),
            Filter::Score => parse_line(&line, Stage::Score)
                .and_then(|record| pipeline.score(record, now))
                .map(|record| to_json(&record)),
            Filter::Gate => parse_line(&line, Stage::Gate)
                .and_then(|record| pipeline.gate(record, now))
                .map(|record| to_json(&record)),
            Filter::Route => parse_line(&line, Stage::Route)
                .and_then(|record| pipeline.route(record, now))
                .map(|record| to_json(&record)),
            Filter::Process => pipeline
                .normalize(&line, line_no, now)
                .and_then(|record| pipeline.score(record, now))
                .and_then(|record| pipeline.gate(record, now))
                .and_then(|record| pipeline.route(record, now))
                .map(|record| to_json(&process_line(&record))),
        };
        match result {
            Ok(json) => {
                output.write_all(json?.as_bytes())?;
                output.write_all(b"\n")?;
            }
            Err(failure) => {
                write_error(line_no, &failure);
                n_failed += 1;
            }
        }
    }
    Ok(n_failed)
}

fn first_stage(filter: Filter) -> Stage {
    match filter {
        Filter::Normalize | Filter::Process => Stage::Normalize,
        Filter::Score => Stage::Score,
        Filter::Gate => Stage::Gate,
        Filter::Route => Stage::Route,
    }
}

fn to_json<T: Serialize>(record: &T) -> anyhow::Result<String> {
    serde_json::to_string(record).context("failed to serialize a record")
}

fn write_error(line_no: usize, failure: &StageFailure) {
    crate::write_error_line(
        line_no,
        stage_name(failure.stage),
        failure.reject.code.as_str(),
        &failure.reject.message,
        &failure.reject.field_errors,
    );
}
