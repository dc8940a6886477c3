//! `sarflow synth`: deterministic synthetic intake records as NDJSON (one intake record per line)
//! or as an Avro object container file of the raw topic schema.

use std::io::Write;

use anyhow::Context;
use sar_model::records::RawRecord;
use sar_schema::{Codec, ContainerWriter};
use sar_synth::{HardCaseShares, SynthConfig, generate};

/// Arguments of `sarflow synth`.
#[derive(Debug, clap::Args)]
pub(crate) struct SynthArgs {
    /// Number of records.
    #[arg(long, default_value_t = 100)]
    count: usize,
    /// Seed: the same seed and options give the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Ndjson)]
    format: Format,
    /// Share of reports whose only basis is protected activity (protest, worship, lecture,
    /// public photography).
    #[arg(long)]
    protected_activity_share: Option<f64>,
    /// Share of reports that use protected-class words as the reason for suspicion.
    #[arg(long)]
    profiling_language_share: Option<f64>,
    /// Share of exact duplicates (same origin system and report id).
    #[arg(long)]
    exact_duplicate_share: Option<f64>,
    /// Share of near duplicates (another reporter, same behaviour, nearby in time and place).
    #[arg(long)]
    near_duplicate_share: Option<f64>,
    /// Share of group-B-only reports without additional facts.
    #[arg(long)]
    group_b_without_facts_share: Option<f64>,
    /// Share of imminent threats.
    #[arg(long)]
    imminent_threat_share: Option<f64>,
    /// Share of reports with no behaviour code.
    #[arg(long)]
    no_behavior_code_share: Option<f64>,
    /// Share of malformed records (invalid fields, or lines that are not an intake record).
    #[arg(long, default_value_t = 0.0)]
    malformed_share: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// One intake record (JSON) per line.
    Ndjson,
    /// An Avro object container file of `sarflow.RawRecord`.
    Avro,
}

impl SynthArgs {
    fn config(&self) -> SynthConfig {
        // Other shares shrink to make room for the malformed share unless given explicitly.
        let defaults = HardCaseShares::default().with_malformed(self.malformed_share);
        let shares = HardCaseShares {
            protected_activity: self
                .protected_activity_share
                .unwrap_or(defaults.protected_activity),
            profiling_language: self
                .profiling_language_share
                .unwrap_or(defaults.profiling_language),
            exact_duplicate: self
                .exact_duplicate_share
                .unwrap_or(defaults.exact_duplicate),
            near_duplicate: self.near_duplicate_share.unwrap_or(defaults.near_duplicate),
            group_b_without_facts: self
                .group_b_without_facts_share
                .unwrap_or(defaults.group_b_without_facts),
            imminent_threat: self
                .imminent_threat_share
                .unwrap_or(defaults.imminent_threat),
            no_behavior_code: self
                .no_behavior_code_share
                .unwrap_or(defaults.no_behavior_code),
            malformed: self.malformed_share,
        };
        SynthConfig {
            count: self.count,
            seed: self.seed,
            shares,
        }
    }
}

pub(crate) fn synth(args: &SynthArgs, output: &mut dyn Write) -> anyhow::Result<()> {
    let config = args.config();
    let items = generate(&config).context("invalid synth options")?;
    match args.format {
        Format::Ndjson => {
            for item in items {
                output.write_all(item.line.as_bytes())?;
                output.write_all(b"\n")?;
            }
        }
        Format::Avro => {
            let codec = Codec::new()?;
            let mut container = ContainerWriter::<RawRecord, _>::new(&codec, &mut *output)?;
            let mut n_unrepresentable = 0usize;
            for item in items {
                match sar_synth::raw_record(&item, config.seed) {
                    Some(raw) => container.append(&raw)?,
                    None => n_unrepresentable += 1,
                }
            }
            container.finish()?;
            if n_unrepresentable > 0 {
                // Lines that are not intake records at all have no Avro form; NDJSON keeps them.
                let mut stderr = std::io::stderr();
                writeln!(
                    stderr,
                    "note: {n_unrepresentable} malformed lines are not intake records and have no Avro form; use --format ndjson to get them"
                )?;
            }
        }
    }
    Ok(())
}
