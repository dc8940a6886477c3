//! sar-cli: the `sarflow` command line. Only the CLI definition and glue over the library crates
//! live here; every command is one function.
//!
//! - `sarflow run`: the all-in-one embedded pipeline with demo data (for now: the topology it
//!   will serve; the stages land with the next issues).
//! - `sarflow synth`: deterministic synthetic intake records, NDJSON or Avro.
//! - `sarflow codes`: the NIEM PM-ISE SAR code lists as JSON.
//! - `sarflow normalize | score | gate | route | process`: the pipeline stages as NDJSON filters.

mod codes;
mod filters;
mod synth;

use std::io::Write;

use clap::{Parser, Subcommand};

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
    /// Run the whole pipeline in one process on the embedded bus, with demo data.
    Run,
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
}

/// Runs one command, writing its output to `output`.
pub fn run(cli: Cli, output: &mut dyn Write) -> anyhow::Result<Outcome> {
    let filter = |filter, args: &filters::FilterArgs, output: &mut dyn Write| {
        filters::run_filter(filter, args, output).map(|n_failed| match n_failed {
            0 => Outcome::Success,
            n_failed => Outcome::LinesFailed(n_failed),
        })
    };
    match cli.command {
        Command::Run => run_pipeline(output).map(|()| Outcome::Success),
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

fn run_pipeline(output: &mut dyn Write) -> anyhow::Result<()> {
    let codec = sar_schema::Codec::new()?;
    writeln!(
        output,
        "sarflow {}: SAR intake and triage",
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(
        output,
        "the embedded pipeline is not built yet; this release provides the model,"
    )?;
    writeln!(
        output,
        "the topic schemas, `sarflow synth` and `sarflow codes`."
    )?;
    writeln!(
        output,
        "`sarflow run` will serve, in one process on the embedded bus:"
    )?;
    writeln!(
        output,
        "  intake (HTTP) -> normalize -> score -> gate -> route -> index + analyst queues"
    )?;
    writeln!(output, "topics and their current Avro schemas:")?;
    for topic in sar_schema::all_topics() {
        let record = topic_record(topic);
        let fingerprint = codec
            .registry()
            .current(record)
            .map(|version| version.fingerprint.to_string())
            .unwrap_or_default();
        writeln!(output, "  {topic:<28} {record:<26} {fingerprint}")?;
    }
    writeln!(output, "demo data: `sarflow synth --count 1000 --seed 7`")?;
    Ok(())
}

fn topic_record(topic: &str) -> &'static str {
    match topic {
        "sar.reports.raw.v1" => "sarflow.RawRecord",
        "sar.reports.normalized.v1" => "sarflow.NormalizedRecord",
        "sar.reports.scored.v1" => "sarflow.ScoredRecord",
        "sar.reports.gated.v1" => "sarflow.GatedRecord",
        "sar.reports.routed.v1" => "sarflow.RoutedRecord",
        _ => "sarflow.DlqRecord",
    }
}
