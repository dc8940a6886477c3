//! `sarflow codes`, `sarflow synth` and `sarflow run` as a user runs them.

use sar_e2e::{sarflow, sarflow_ok};
use sar_model::{BehaviorCode, IntakeRecord, TargetSectorCode, TipClassCode, TipDomainCode};
use serde_json::Value;

#[test]
fn codes_lists_exactly_the_niem_code_sets() {
    let output: Value = serde_json::from_slice(&sarflow_ok(&["codes"])).unwrap();
    let sizes: Vec<usize> = ["behavior", "target_sector", "tip_class", "tip_domain"]
        .iter()
        .map(|list| output[list].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [16, 34, 18, 8]);
    for row in output["behavior"].as_array().unwrap() {
        let code = BehaviorCode::parse(row["code"].as_str().unwrap()).unwrap();
        assert_eq!(row["name"], code.name());
        let group = format!("{:?}", code.group());
        assert_eq!(row["group"], group.as_str());
    }
    let intrusion = &output["behavior"][0];
    assert_eq!(
        intrusion,
        &serde_json::json!({"code": "INTRSN", "name": "Breach/Attempted Intrusion", "group": "A"})
    );
    for row in output["target_sector"].as_array().unwrap() {
        TargetSectorCode::parse(row["code"].as_str().unwrap()).unwrap();
        assert!(row.get("group").is_none());
    }
    for row in output["tip_class"].as_array().unwrap() {
        TipClassCode::parse(row["code"].as_str().unwrap()).unwrap();
    }
    for row in output["tip_domain"].as_array().unwrap() {
        TipDomainCode::parse(row["code"].as_str().unwrap()).unwrap();
    }
}

#[test]
fn synth_prints_1000_intake_records_and_the_same_seed_gives_the_same_bytes() {
    let first = sarflow_ok(&["synth", "--count", "1000", "--seed", "7"]);
    let second = sarflow_ok(&["synth", "--count", "1000", "--seed", "7"]);
    assert_eq!(first, second, "same seed, same bytes");
    let other_seed = sarflow_ok(&["synth", "--count", "1000", "--seed", "8"]);
    assert_ne!(first, other_seed);
    let text = String::from_utf8(first).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1000);
    for line in lines {
        let record: IntakeRecord = serde_json::from_str(line).unwrap();
        assert!(!record.narrative.is_empty());
        for code in &record.behavior_codes {
            BehaviorCode::parse(code).unwrap();
        }
    }
}

#[test]
fn synth_malformed_share_produces_invalid_records() {
    let text = String::from_utf8(sarflow_ok(&[
        "synth",
        "--count",
        "200",
        "--seed",
        "3",
        "--malformed-share",
        "1",
    ]))
    .unwrap();
    assert_eq!(text.lines().count(), 200);
    let parsed = text
        .lines()
        .filter(|line| serde_json::from_str::<IntakeRecord>(line).is_ok())
        .count();
    assert!(parsed < 200, "some malformed lines do not even parse");
}

#[test]
fn synth_refuses_bad_arguments_with_a_clear_error() {
    let output = sarflow(&["synth", "--count", "10", "--malformed-share", "1.5"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("malformed"), "{stderr}");
    let output = sarflow(&["synth", "--format", "xml"]);
    assert!(!output.status.success());
}

#[test]
fn synth_output_survives_a_closed_pipe() {
    // `sarflow synth | head -1` must not report an error
    let mut child = std::process::Command::new(sar_e2e::sarflow_bin())
        .args(["synth", "--count", "100000", "--seed", "1"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first_bytes = [0u8; 64];
    std::io::Read::read_exact(&mut stdout, &mut first_bytes).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn topics_list_names_every_topic_with_its_schema() {
    let text = String::from_utf8(sarflow_ok(&["topics", "list"])).unwrap();
    for topic in sar_schema::all_topics() {
        assert!(text.contains(topic), "{topic} missing from:\n{text}");
    }
    assert!(text.contains("sarflow.RoutedRecord"), "{text}");
}

#[test]
fn run_demo_seeds_the_demo_reports_once_and_drains_them() {
    let dir = sar_e2e::scratch_dir("run-demo");
    let data_dir = dir.join("data");
    let data_dir = data_dir.to_str().unwrap();
    let summary =
        |stdout: Vec<u8>| -> serde_json::Value { serde_json::from_slice(&stdout).unwrap() };
    let first = summary(sarflow_ok(&[
        "run",
        "--demo",
        "--until-drained",
        "--data-dir",
        data_dir,
        "--http-addr",
        "127.0.0.1:0",
    ]));
    let accepted = first["accepted"].as_u64().unwrap();
    assert!(accepted > 900, "{first}");
    assert_eq!(
        first["routed"].as_u64().unwrap() + first["dead_letters"].as_u64().unwrap(),
        accepted
    );
    // The demo reports are deterministic: a second run accepts none of them again.
    let second = summary(sarflow_ok(&[
        "run",
        "--demo",
        "--until-drained",
        "--data-dir",
        data_dir,
        "--http-addr",
        "127.0.0.1:0",
    ]));
    assert_eq!(second["accepted"], 0, "{second}");
    assert_eq!(second["routed"], first["routed"]);
    assert_eq!(second["duplicate_deliveries"], 0);
    // Everything routed is in the index and the queues took it, once.
    assert_eq!(first["indexed_documents"], first["routed"], "{first}");
    assert_eq!(second["indexed_documents"], first["routed"], "{second}");
    assert_eq!(first["queue_checkpoint"], first["checkpoint"], "{first}");
    // Every demo line is in the ledger, and the chain holds.
    let ledger: serde_json::Value =
        serde_json::from_slice(&sarflow_ok(&["ledger", "verify", "--data-dir", data_dir])).unwrap();
    assert_eq!(ledger["ok"], true, "{ledger}");
    assert_eq!(
        ledger["entries"], 2_000,
        "two runs of 1,000 demo lines: {ledger}"
    );
}
