//! Every reference file in deploy/config parses into its service's config, and the precedence
//! default < file < environment < flag holds.

use std::{collections::BTreeMap, path::PathBuf};

use super::*;
use crate::topics::ToolConfig;

fn deploy_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../deploy/config")
        .join(name)
}

#[test]
fn every_stage_reference_file_parses() {
    for stage in ["normalize", "score", "gate", "route"] {
        let path = deploy_file(&format!("{stage}.toml"));
        let config: StageServiceConfig = load(stage, Some(&path), &BTreeMap::new())
            .unwrap_or_else(|error| panic!("{}: {error:#}", path.display()));
        config.kafka.validate().unwrap();
        assert_eq!(config.pipeline.max_narrative_chars, 20_000);
        assert_eq!(config.pipeline.tips_leads_ttl_days, 365);
        assert!(config.telemetry.admin_addr.is_some(), "{stage}");
    }
}

#[test]
fn run_and_cli_reference_files_parse() {
    let run: RunConfig = load("run", Some(&deploy_file("run.toml")), &BTreeMap::new()).unwrap();
    assert_eq!(run.data_dir, PathBuf::from("sarflow-data"));
    assert_eq!(run.embedded.batch_size, 512);
    // The reference file spells out the defaults.
    assert_eq!(run.intake, IntakeParams::default());
    let cli: ToolConfig = load("cli", Some(&deploy_file("cli.toml")), &BTreeMap::new()).unwrap();
    assert_eq!(cli.kafka.brokers, "127.0.0.1:9092");
}

#[test]
fn the_reference_files_are_the_only_ones_and_all_are_tested() {
    let mut names: Vec<String> = std::fs::read_dir(deploy_file(""))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "cli.toml",
            "gate.toml",
            "normalize.toml",
            "route.toml",
            "run.toml",
            "score.toml"
        ]
    );
}

#[test]
fn environment_overrides_the_file_and_other_services_are_ignored() {
    let env = BTreeMap::from([
        (
            "SARFLOW_SCORE__KAFKA__TOPIC_PREFIX".to_owned(),
            "test-".to_owned(),
        ),
        (
            "SARFLOW_SCORE__PIPELINE__TIPS_LEADS_TTL_DAYS".to_owned(),
            "30".to_owned(),
        ),
        (
            "SARFLOW_GATE__KAFKA__TOPIC_PREFIX".to_owned(),
            "other-".to_owned(),
        ),
    ]);
    let config: StageServiceConfig = load("score", Some(&deploy_file("score.toml")), &env).unwrap();
    assert_eq!(config.kafka.topic_prefix, "test-");
    assert_eq!(config.pipeline.tips_leads_ttl_days, 30);
    assert_eq!(config.pipeline.max_narrative_chars, 20_000);
}

#[test]
fn defaults_apply_without_a_file() {
    let config: RunConfig = load("run", None, &BTreeMap::new()).unwrap();
    assert_eq!(config.data_dir, PathBuf::from("sarflow-data"));
    assert_eq!(config.embedded.channel_capacity, 1024);
    assert_eq!(config.pipeline.tips_leads_ttl_days, 365);
}

#[test]
fn unknown_keys_are_refused_with_their_path() {
    let env = BTreeMap::from([(
        "SARFLOW_RUN__PIPELINE__TIPS_LEADS_TTL".to_owned(),
        "30".to_owned(),
    )]);
    let error = load::<RunConfig>("run", None, &env).unwrap_err();
    let text = format!("{error:#}");
    assert!(text.contains("tips_leads_ttl"), "{text}");
}

#[test]
fn intake_limits_come_from_the_file_and_the_environment_and_zero_rates_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.toml");
    std::fs::write(
        &path,
        "[intake]\npartner_burst = 3\nmax_batch_records = 500\n",
    )
    .unwrap();
    let env = BTreeMap::from([(
        "SARFLOW_RUN__INTAKE__PARTNER_BATCHES_PER_MINUTE".to_owned(),
        "6".to_owned(),
    )]);
    let run: RunConfig = load("run", Some(&path), &env).unwrap();
    let intake = run.intake.intake_config(1_234);
    assert_eq!(intake.partner_rate.burst.get(), 3);
    assert_eq!(intake.partner_rate.per_minute.get(), 6);
    assert_eq!(intake.max_batch_records, 500);
    assert_eq!(intake.max_narrative_chars, 1_234);
    let defaults = sar_intake::IntakeConfig::default();
    assert_eq!(intake.max_report_bytes, defaults.max_report_bytes);
    assert_eq!(intake.signature_tolerance, defaults.signature_tolerance);

    std::fs::write(&path, "[intake]\npartner_burst = 0\n").unwrap();
    let error = load::<RunConfig>("run", Some(&path), &BTreeMap::new()).unwrap_err();
    let text = format!("{error:#}");
    assert!(text.contains("partner_burst"), "{text}");
}
