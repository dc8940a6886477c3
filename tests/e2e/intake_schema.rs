//! The published intake format: `schemas/intake.schema.json` checked by an independent validator
//! (python jsonschema) against synth output and the documented example.

use sar_e2e::{python, sarflow_ok, scratch_dir, workspace_root};
use sar_synth::{Case, HardCaseShares, MalformedKind, SynthConfig, generate};

fn check(python: &std::path::Path, ndjson: &[u8], name: &str) -> serde_json::Value {
    let dir = scratch_dir(name);
    let path = dir.join("records.ndjson");
    std::fs::write(&path, ndjson).unwrap();
    let schema = workspace_root().join("schemas/intake.schema.json");
    let output = std::process::Command::new(python)
        .arg(workspace_root().join("tests/py/check_intake.py"))
        .arg(&schema)
        .stdin(std::fs::File::open(&path).unwrap())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn synth_records_are_valid_against_the_published_intake_schema() {
    let Some(python) = python("synth_records_are_valid_against_the_intake_schema") else {
        return;
    };
    let ndjson = sarflow_ok(&["synth", "--count", "1000", "--seed", "7"]);
    let report = check(&python, &ndjson, "intake-valid");
    assert_eq!(report["records"], 1000);
    assert_eq!(report["invalid"], 0, "{report}");
}

#[test]
fn malformed_synth_records_are_invalid_against_the_intake_schema() {
    let Some(python) = python("malformed_synth_records_are_invalid") else {
        return;
    };
    let ndjson = sarflow_ok(&[
        "synth",
        "--count",
        "300",
        "--seed",
        "9",
        "--malformed-share",
        "1",
    ]);
    // The same run through the library tells which kind of malformation each line carries. JSON
    // Schema cannot compare two times, so only `end_before_start` lines may pass it; normalization
    // catches those.
    let config = SynthConfig {
        count: 300,
        seed: 9,
        shares: HardCaseShares::default().with_malformed(1.0),
    };
    let items: Vec<_> = generate(&config).unwrap().collect();
    let expected_lines: String = items
        .iter()
        .map(|item| format!("{}\n", item.line))
        .collect();
    assert_eq!(
        String::from_utf8(ndjson.clone()).unwrap(),
        expected_lines,
        "CLI and library agree"
    );
    let n_schema_blind = items
        .iter()
        .filter(|item| item.case == Case::Malformed(MalformedKind::EndBeforeStart))
        .count();
    assert!(items.iter().all(|item| !item.case.is_valid()));
    let report = check(&python, &ndjson, "intake-malformed");
    assert_eq!(report["records"], 300);
    assert_eq!(report["valid"], n_schema_blind, "{report}");
}

#[test]
fn the_documented_example_is_valid_and_matches_the_model() {
    let Some(python) = python("the_documented_example_is_valid") else {
        return;
    };
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(workspace_root().join("schemas/intake.schema.json")).unwrap(),
    )
    .unwrap();
    let example = &schema["examples"][0];
    let expected = serde_json::to_value(sar_model::examples::intake_record()).unwrap();
    assert_eq!(
        example, &expected,
        "the schema's example is sar-model's fully populated record"
    );
    let mut line = serde_json::to_vec(example).unwrap();
    line.push(b'\n');
    let report = check(&python, &line, "intake-example");
    assert_eq!(report["valid"], 1, "{report}");
    // the README shows the same example
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).unwrap();
    assert!(readme.contains("\"report_id\": \"RPD-2026-004411\""));
}
