//! Schema-aware topic tools for operators and tests: `sarflow topics create|list`,
//! `sarflow produce` (NDJSON in, Avro single-object messages out) and `sarflow consume` (the
//! reverse; like kcat, but it knows the schemas). Each accepts `--kafka BROKERS`, which overrides
//! the config file and `SARFLOW_CLI__KAFKA__*` variables.

use std::{
    io::{BufRead, Write},
    ops::ControlFlow,
    path::PathBuf,
};

use anyhow::Context as _;
use sar_bus::{
    Keyed,
    kafka::{self, ConsumeOptions, KafkaConfig},
};
use sar_model::records::{
    DlqRecord, GatedRecord, NormalizedRecord, RawRecord, RoutedRecord, ScoredRecord, Stage,
};
use sar_schema::{AvroRecord, Topic};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::{Context, Outcome};

/// Config of the topic tools (service name `cli`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ToolConfig {
    /// Brokers and topic prefix.
    #[serde(default)]
    pub(crate) kafka: KafkaConfig,
}

/// Options shared by the Kafka tools.
#[derive(Debug, clap::Args)]
pub(crate) struct KafkaArgs {
    /// Config file with a `[kafka]` section.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Kafka bootstrap servers, overriding config and environment.
    #[arg(long)]
    kafka: Option<String>,
}

impl KafkaArgs {
    fn load(&self, context: &Context) -> anyhow::Result<KafkaConfig> {
        let mut config: ToolConfig =
            crate::config::load("cli", self.config.as_deref(), &context.env)?;
        if let Some(brokers) = &self.kafka {
            config.kafka.brokers.clone_from(brokers);
        }
        config
            .kafka
            .validate()
            .context("invalid kafka configuration")?;
        Ok(config.kafka)
    }
}

/// `sarflow topics`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum TopicsCommand {
    /// Create every sarflow topic (pipeline and dead-letter) with the configured partitions and
    /// retention; existing topics are left as they are.
    Create(KafkaArgs),
    /// Print every topic with its record type and current schema fingerprint.
    List,
}

/// A topic named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum TopicName {
    Raw,
    Normalized,
    Scored,
    Gated,
    Routed,
    DlqNormalize,
    DlqScore,
    DlqGate,
    DlqRoute,
}

/// `sarflow produce`.
#[derive(Debug, clap::Args)]
pub(crate) struct ProduceArgs {
    /// Topic to publish to.
    #[arg(long, value_enum)]
    topic: TopicName,
    /// Read NDJSON from this file instead of stdin.
    #[arg(long)]
    input: Option<PathBuf>,
    /// Send each line's bytes as they are, without encoding, keyed by line number: for checking
    /// how a stage handles messages it cannot decode (they must go to its dead-letter topic).
    #[arg(long)]
    verbatim: bool,
    #[command(flatten)]
    kafka: KafkaArgs,
}

/// `sarflow consume`.
#[derive(Debug, clap::Args)]
pub(crate) struct ConsumeArgs {
    /// Topic to read.
    #[arg(long, value_enum)]
    topic: TopicName,
    /// Start at the earliest offset instead of the end.
    #[arg(long)]
    from_beginning: bool,
    /// Stop after this many records.
    #[arg(long)]
    count: Option<u64>,
    /// Stop when no record arrived for this long (e.g. `5s`); default: wait forever.
    #[arg(long)]
    idle_timeout: Option<String>,
    #[command(flatten)]
    kafka: KafkaArgs,
}

pub(crate) fn topics(
    command: &TopicsCommand,
    context: &Context,
    output: &mut dyn Write,
) -> anyhow::Result<()> {
    match command {
        TopicsCommand::Create(args) => {
            let config = args.load(context)?;
            let topics = sar_schema::all_topics();
            let created = context
                .runtime
                .block_on(kafka::create_topics(&config, &topics))
                .context("failed to create the topics")?;
            for topic in created {
                writeln!(
                    output,
                    "{}",
                    serde_json::json!({"topic": topic.name, "created": topic.created})
                )?;
            }
            Ok(())
        }
        TopicsCommand::List => list(output),
    }
}

fn list(output: &mut dyn Write) -> anyhow::Result<()> {
    let codec = sar_schema::Codec::new()?;
    for topic in sar_schema::all_topics() {
        let record = topic_record(topic);
        let fingerprint = codec
            .registry()
            .current(record)
            .map(|version| version.fingerprint.to_string())
            .unwrap_or_default();
        writeln!(output, "{topic:<28} {record:<26} {fingerprint}")?;
    }
    Ok(())
}

fn topic_record(topic: &str) -> &'static str {
    match topic {
        "sar.reports.raw.v1" => RawRecord::FULLNAME,
        "sar.reports.normalized.v1" => NormalizedRecord::FULLNAME,
        "sar.reports.scored.v1" => ScoredRecord::FULLNAME,
        "sar.reports.gated.v1" => GatedRecord::FULLNAME,
        "sar.reports.routed.v1" => RoutedRecord::FULLNAME,
        _ => DlqRecord::FULLNAME,
    }
}

pub(crate) fn produce(
    args: &ProduceArgs,
    context: &Context,
    output: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let config = args.kafka.load(context)?;
    let input = crate::open_input(args.input.as_deref())?;
    if args.verbatim {
        return produce_verbatim(&config, args.topic, input, context, output);
    }
    match args.topic {
        TopicName::Raw => produce_typed(
            &config,
            sar_schema::RAW,
            input,
            context,
            output,
            raw_from_line,
        ),
        TopicName::Normalized => produce_typed(
            &config,
            sar_schema::NORMALIZED,
            input,
            context,
            output,
            json_line,
        ),
        TopicName::Scored => produce_typed(
            &config,
            sar_schema::SCORED,
            input,
            context,
            output,
            json_line,
        ),
        TopicName::Gated => produce_typed(
            &config,
            sar_schema::GATED,
            input,
            context,
            output,
            json_line,
        ),
        TopicName::Routed => produce_typed(
            &config,
            sar_schema::ROUTED,
            input,
            context,
            output,
            json_line,
        ),
        TopicName::DlqNormalize
        | TopicName::DlqScore
        | TopicName::DlqGate
        | TopicName::DlqRoute => {
            anyhow::bail!("dead-letter topics are written by the stages only; consume them instead")
        }
    }
}

/// Records per `publish` call: bounds memory for any input size.
const PRODUCE_CHUNK: usize = 1_000;

fn produce_typed<T: AvroRecord + Keyed + Send + 'static>(
    config: &KafkaConfig,
    topic: Topic<T>,
    input: Box<dyn BufRead>,
    context: &Context,
    output: &mut dyn Write,
    parse: fn(&str) -> Result<T, String>,
) -> anyhow::Result<Outcome> {
    let mut chunk = Vec::with_capacity(PRODUCE_CHUNK);
    let mut n_failed = 0usize;
    let mut n_published = 0u64;
    for (line_idx, line) in input.lines().enumerate() {
        let line = line.context("failed to read the input")?;
        if line.trim().is_empty() {
            continue;
        }
        match parse(&line) {
            Ok(record) => chunk.push(record),
            Err(problem) => {
                n_failed += 1;
                crate::write_error_line(line_idx + 1, "produce", "undecodable", &problem, &[]);
            }
        }
        if chunk.len() == PRODUCE_CHUNK {
            let records = std::mem::take(&mut chunk);
            n_published += context
                .runtime
                .block_on(kafka::publish(config, topic, records))
                .context("failed to publish")?;
        }
    }
    if !chunk.is_empty() {
        n_published += context
            .runtime
            .block_on(kafka::publish(config, topic, chunk))
            .context("failed to publish")?;
    }
    writeln!(
        output,
        "{}",
        serde_json::json!({"topic": config.topic_name(topic.name()), "published": n_published})
    )?;
    Ok(match n_failed {
        0 => Outcome::Success,
        n_failed => Outcome::LinesFailed(n_failed),
    })
}

fn produce_verbatim(
    config: &KafkaConfig,
    topic: TopicName,
    input: Box<dyn BufRead>,
    context: &Context,
    output: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let logical = logical_name(topic);
    let mut messages = Vec::new();
    for (line_idx, line) in input.split(b'\n').enumerate() {
        let line = line.context("failed to read the input")?;
        if line.is_empty() {
            continue;
        }
        messages.push((Some(format!("line-{}", line_idx + 1)), line));
    }
    let published = context
        .runtime
        .block_on(kafka::publish_raw_bytes(config, logical, messages))
        .context("failed to publish")?;
    writeln!(
        output,
        "{}",
        serde_json::json!({"topic": config.topic_name(logical), "published": published})
    )?;
    Ok(Outcome::Success)
}

fn logical_name(topic: TopicName) -> &'static str {
    match topic {
        TopicName::Raw => sar_schema::RAW.name(),
        TopicName::Normalized => sar_schema::NORMALIZED.name(),
        TopicName::Scored => sar_schema::SCORED.name(),
        TopicName::Gated => sar_schema::GATED.name(),
        TopicName::Routed => sar_schema::ROUTED.name(),
        TopicName::DlqNormalize => sar_schema::dlq_topic(Stage::Normalize).name(),
        TopicName::DlqScore => sar_schema::dlq_topic(Stage::Score).name(),
        TopicName::DlqGate => sar_schema::dlq_topic(Stage::Gate).name(),
        TopicName::DlqRoute => sar_schema::dlq_topic(Stage::Route).name(),
    }
}

fn json_line<T: DeserializeOwned>(line: &str) -> Result<T, String> {
    serde_json::from_str(line).map_err(|error| {
        // serde's messages may quote values; keep only the position
        format!("not a record of this topic (column {})", error.column())
    })
}

/// A raw-topic line is a `RawRecord`, or a bare intake record, which gets a new report id and
/// `received_at` = now, as the intake service would give it.
fn raw_from_line(line: &str) -> Result<RawRecord, String> {
    #[derive(Deserialize)]
    struct Probe {
        submission: Option<serde::de::IgnoredAny>,
    }
    let probe: Probe = json_line(line)?;
    if probe.submission.is_some() {
        return json_line(line);
    }
    let submission = sar_normalize::parse_intake(line)
        .map_err(|reject| format!("not an intake record: {}", reject.message))?;
    Ok(crate::ingest::wrap_submission(submission, crate::now()))
}

pub(crate) fn consume(
    args: &ConsumeArgs,
    context: &Context,
    output: &mut dyn Write,
) -> anyhow::Result<()> {
    let config = args.kafka.load(context)?;
    let idle_timeout = args
        .idle_timeout
        .as_deref()
        .map(sar_config::parse_duration)
        .transpose()
        .context("invalid --idle-timeout")?;
    let options = ConsumeOptions {
        from_beginning: args.from_beginning,
        count: args.count,
        idle_timeout,
        group_id: None,
        read_uncommitted: false,
    };
    match args.topic {
        TopicName::Raw => consume_typed(&config, sar_schema::RAW, options, context, output),
        TopicName::Normalized => {
            consume_typed(&config, sar_schema::NORMALIZED, options, context, output)
        }
        TopicName::Scored => consume_typed(&config, sar_schema::SCORED, options, context, output),
        TopicName::Gated => consume_typed(&config, sar_schema::GATED, options, context, output),
        TopicName::Routed => consume_typed(&config, sar_schema::ROUTED, options, context, output),
        TopicName::DlqNormalize => consume_typed(
            &config,
            sar_schema::dlq_topic(Stage::Normalize),
            options,
            context,
            output,
        ),
        TopicName::DlqScore => consume_typed(
            &config,
            sar_schema::dlq_topic(Stage::Score),
            options,
            context,
            output,
        ),
        TopicName::DlqGate => consume_typed(
            &config,
            sar_schema::dlq_topic(Stage::Gate),
            options,
            context,
            output,
        ),
        TopicName::DlqRoute => consume_typed(
            &config,
            sar_schema::dlq_topic(Stage::Route),
            options,
            context,
            output,
        ),
    }
}

/// An undecodable message, printed in place of the record.
#[derive(Serialize)]
struct UndecodableLine<'a> {
    partition: i32,
    offset: i64,
    error: &'a str,
}

fn consume_typed<T: AvroRecord + Send + 'static>(
    config: &KafkaConfig,
    topic: Topic<T>,
    options: ConsumeOptions,
    context: &Context,
    output: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut write_error = None;
    context
        .runtime
        .block_on(kafka::consume(config, topic, options, |consumed| {
            let line = match &consumed.record {
                Ok(record) => serde_json::to_string(record),
                Err(error) => serde_json::to_string(&UndecodableLine {
                    partition: consumed.partition,
                    offset: consumed.offset,
                    error,
                }),
            };
            let written = line
                .map_err(anyhow::Error::from)
                .and_then(|line| writeln!(output, "{line}").map_err(anyhow::Error::from));
            match written {
                Ok(()) => ControlFlow::Continue(()),
                Err(error) => {
                    write_error = Some(error);
                    ControlFlow::Break(())
                }
            }
        }))
        .context("failed to consume")?;
    match write_error {
        Some(error) => Err(error.context("failed to write a record")),
        None => Ok(()),
    }
}
