//! sar-cli: the `sarflow` command line. Only the CLI definition and glue over the library crates
//! live here; every command is one function, and `main` only reads the environment, builds the
//! runtime and maps errors to exit codes.
//!
//! - `sarflow run`: the whole pipeline in one process, on the embedded bus (journal + in-process
//!   channels + idempotent sinks) or over Kafka with `--kafka`.
//! - `sarflow serve <normalize|score|gate|route>`: one stage as a Kafka service.
//! - `sarflow topics create|list`, `sarflow produce`, `sarflow consume`: schema-aware topic tools.
//! - `sarflow synth`: deterministic synthetic intake records, NDJSON or Avro.
//! - `sarflow codes`: the NIEM PM-ISE SAR code lists as JSON.
//! - `sarflow normalize | score | gate | route | process`: the pipeline stages as NDJSON filters.

mod admin;
mod admin_commands;
mod api;
mod codes;
mod config;
mod demo;
mod filters;
mod ingest;
mod run;
mod serve;
mod stages;
mod synth;
mod tokens;
mod topics;

use std::{
    collections::BTreeMap,
    io::{BufRead, Write},
    path::Path,
};

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use sar_model::{ZonedTime, records::FieldError};
use serde::Serialize;

/// What `main` hands to the commands: the process environment as a map (libraries never read
/// it), `RUST_LOG`, and the runtime it built.
pub struct Context {
    /// `SARFLOW_*` and other variables, for config loading.
    pub env: BTreeMap<String, String>,
    /// `RUST_LOG`, which wins over the configured log filter.
    pub rust_log: Option<String>,
    /// The tokio runtime for the commands that do IO concurrently.
    pub runtime: tokio::runtime::Runtime,
}

/// sarflow: Suspicious Activity Report intake and triage under the ISE-SAR Functional Standard
/// and 28 CFR Part 23.
#[derive(Debug, Parser)]
#[command(name = "sarflow", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the whole pipeline in one process: embedded bus by default, Kafka with --kafka.
    Run(run::RunArgs),
    /// Run one stage as a Kafka service.
    Serve(serve::ServeArgs),
    /// Create or list the Kafka topics.
    #[command(subcommand)]
    Topics(topics::TopicsCommand),
    /// Publish NDJSON records to a topic, encoded with the topic's Avro schema.
    Produce(topics::ProduceArgs),
    /// Print a topic's records as NDJSON, decoded with their Avro schemas.
    Consume(topics::ConsumeArgs),
    /// Issue partner API keys (stored hashed) for the feed.
    #[command(subcommand)]
    Keys(admin_commands::KeysCommand),
    /// Verify the intake ledger (gap-free, hash-chained).
    #[command(subcommand)]
    Ledger(admin_commands::LedgerCommand),
    /// Verify the audit trail's hash chain.
    #[command(subcommand)]
    Audit(admin_commands::AuditCommand),
    /// Issue bearer tokens for users of a deployment.
    #[command(subcommand)]
    Tokens(tokens::TokensCommand),
    /// Print deterministic synthetic intake records.
    Synth(synth::SynthArgs),
    /// Print the NIEM PM-ISE SAR code lists as JSON.
    Codes,
    /// Intake records (NDJSON) -> normalized records.
    Normalize(filters::FilterArgs),
    /// Normalized records -> scored records, with explanations.
    Score(filters::FilterArgs),
    /// Scored records -> gated records (FS / 28 CFR Part 23 gate).
    Gate(filters::FilterArgs),
    /// Gated records -> routed records.
    Route(filters::FilterArgs),
    /// Intake records -> one compact result line each: all four stages chained.
    Process(filters::FilterArgs),
}

/// How a command ended, when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything succeeded.
    Success,
    /// A filter wrote error lines for this many input lines (the stream went on).
    LinesFailed(usize),
    /// A verification (ledger, audit trail) found a gap or a broken link.
    VerifyFailed,
}

/// Runs one command, writing its output to `output`.
pub fn run(cli: Cli, context: &Context, output: &mut dyn Write) -> anyhow::Result<Outcome> {
    let filter = |filter, args: &filters::FilterArgs, output: &mut dyn Write| {
        filters::run_filter(filter, args, output).map(|n_failed| match n_failed {
            0 => Outcome::Success,
            n_failed => Outcome::LinesFailed(n_failed),
        })
    };
    match cli.command {
        Command::Run(args) => run::run(&args, context, output).map(|()| Outcome::Success),
        Command::Serve(args) => serve::serve(&args, context).map(|()| Outcome::Success),
        Command::Topics(command) => {
            topics::topics(&command, context, output).map(|()| Outcome::Success)
        }
        Command::Produce(args) => topics::produce(&args, context, output),
        Command::Consume(args) => {
            topics::consume(&args, context, output).map(|()| Outcome::Success)
        }
        Command::Keys(command) => {
            admin_commands::keys(&command, context, output).map(|()| Outcome::Success)
        }
        Command::Ledger(command) => admin_commands::ledger(&command, context, output),
        Command::Audit(command) => admin_commands::audit(&command, context, output),
        Command::Tokens(command) => {
            tokens::tokens(&command, context, output).map(|()| Outcome::Success)
        }
        Command::Synth(args) => synth::synth(&args, output).map(|()| Outcome::Success),
        Command::Codes => codes::codes(output).map(|()| Outcome::Success),
        Command::Normalize(args) => filter(filters::Filter::Normalize, &args, output),
        Command::Score(args) => filter(filters::Filter::Score, &args, output),
        Command::Gate(args) => filter(filters::Filter::Gate, &args, output),
        Command::Route(args) => filter(filters::Filter::Route, &args, output),
        Command::Process(args) => filter(filters::Filter::Process, &args, output),
    }
}

/// True when the error chain ends in a closed stdout (`sarflow synth | head`), which is success.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io_error| io_error.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The current instant, as the stages take it.
pub(crate) fn now() -> ZonedTime {
    ZonedTime::from_offset_date_time(time::OffsetDateTime::now_utc())
}

/// Seconds since the Unix epoch, for token lifetimes.
pub(crate) fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// A file, or stdin when `path` is none or `-`.
pub(crate) fn open_input(path: Option<&Path>) -> anyhow::Result<Box<dyn BufRead>> {
    match path {
        Some(path) if path != Path::new("-") => Ok(Box::new(std::io::BufReader::new(
            std::fs::File::open(path)
                .with_context(|| format!("failed to open {}", path.display()))?,
        ))),
        _ => Ok(Box::new(std::io::stdin().lock())),
    }
}

/// Like [`open_input`], for reading on another thread.
pub(crate) fn open_input_send(path: Option<&Path>) -> anyhow::Result<Box<dyn BufRead + Send>> {
    match path {
        Some(path) if path != Path::new("-") => Ok(Box::new(std::io::BufReader::new(
            std::fs::File::open(path)
                .with_context(|| format!("failed to open {}", path.display()))?,
        ))),
        _ => Ok(Box::new(std::io::BufReader::new(std::io::stdin()))),
    }
}

/// The error line written to stderr for a bad input line: its number and what failed, never
/// its content.
#[derive(Serialize)]
struct ErrorLine<'a> {
    line: usize,
    stage: &'a str,
    code: &'a str,
    message: &'a str,
    field_errors: &'a [FieldError],
}

/// Writes one error line to stderr. A closed stderr is ignored: the exit status still says
/// that lines failed.
pub(crate) fn write_error_line(
    line: usize,
    stage: &str,
    code: &str,
    message: &str,
    field_errors: &[FieldError],
) {
    let error_line = ErrorLine {
        line,
        stage,
        code,
        message,
        field_errors,
    };
    if let Ok(json) = serde_json::to_string(&error_line) {
        let _ = writeln!(std::io::stderr().lock(), "{json}");
    }
}
