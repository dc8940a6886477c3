//! The stages as NDJSON filters, as a user pipes them: `sarflow synth | sarflow process`.

use std::{
    collections::{BTreeMap, BTreeSet},
    io::Write,
    process::{Command, Stdio},
};

use sar_e2e::{sarflow_bin, sarflow_ok};
use serde_json::Value;

const NOW: &str = "2026-11-23T12:00:00Z";

/// Runs `sarflow <args>` with `input` on stdin; returns (success, stdout lines, stderr JSON lines).
fn filter(args: &[&str], input: &[u8]) -> (bool, Vec<Value>, Vec<Value>) {
    let mut child = Command::new(sarflow_bin())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    let parse = |bytes: &[u8]| -> Vec<Value> {
        String::from_utf8_lossy(bytes)
            .lines()
            .filter(|line| line.starts_with('{'))
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    };
    (
        output.status.success(),
        parse(&output.stdout),
        parse(&output.stderr),
    )
}

#[test]
fn process_turns_10000_synthetic_reports_into_10000_results_with_every_outcome() {
    let input = sarflow_ok(&["synth", "--count", "10000", "--seed", "1"]);
    let (success, results, errors) = filter(&["process", "--now", NOW], &input);
    assert!(
        errors.is_empty(),
        "first errors: {:?}",
        &errors[..errors.len().min(3)]
    );
    assert!(success);
    assert_eq!(results.len(), 10_000);
    let mut outcomes = BTreeMap::new();
    let mut queues = BTreeSet::new();
    for result in &results {
        for field in ["report_id", "source", "score", "gate", "route"] {
            assert!(result.get(field).is_some(), "{field} missing in {result}");
        }
        assert!(
            result["source"]["system"].is_string() && result["source"]["report_id"].is_string()
        );
        let value = result["score"]["value"].as_f64().unwrap();
        let sum: f64 = result["score"]["contributions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|contribution| {
                assert!(contribution["rule"].is_string());
                contribution["contribution"].as_f64().unwrap()
            })
            .sum();
        assert!((value - sum).abs() <= 0.001, "T-09: {value} vs {sum}");
        assert!((0.0..=100.0).contains(&value));
        *outcomes
            .entry(result["gate"]["outcome"].as_str().unwrap().to_owned())
            .or_insert(0) += 1;
        assert!(result["gate"]["retain_until"].is_string());
        queues.insert(result["route"]["queue"].as_str().unwrap().to_owned());
    }
    let outcome_names: BTreeSet<&str> = outcomes.keys().map(String::as_str).collect();
    assert_eq!(
        outcome_names,
        BTreeSet::from([
            "blocked_protected_activity",
            "not_sar",
            "privacy_review",
            "triage"
        ]),
        "{outcomes:?}"
    );
    for queue in [
        "imminent",
        "priority",
        "standard",
        "privacy_review",
        "blocked_audit",
        "not_sar",
    ] {
        assert!(
            queues.contains(queue),
            "queue {queue} never used: {queues:?}"
        );
    }
}

#[test]
fn malformed_lines_become_error_lines_and_the_stream_goes_on() {
    let input = sarflow_ok(&[
        "synth",
        "--count",
        "600",
        "--seed",
        "4",
        "--malformed-share",
        "0.2",
    ]);
    let config = sar_synth::SynthConfig {
        count: 600,
        seed: 4,
        shares: sar_synth::HardCaseShares::default().with_malformed(0.2),
    };
    let malformed_lines: BTreeSet<u64> = sar_synth::generate(&config)
        .unwrap()
        .filter(|item| !item.case.is_valid())
        .map(|item| item.index as u64 + 1)
        .collect();
    assert!(!malformed_lines.is_empty());
    let (success, results, errors) = filter(&["process", "--now", NOW], &input);
    assert!(!success, "a failed line makes the exit status non-zero");
    assert_eq!(results.len() + errors.len(), 600);
    let error_lines: BTreeSet<u64> = errors
        .iter()
        .map(|error| error["line"].as_u64().unwrap())
        .collect();
    assert_eq!(
        error_lines, malformed_lines,
        "exactly the malformed lines fail"
    );
    for error in &errors {
        assert_eq!(error["stage"], "normalize");
        assert!(
            ["invalid_field", "undecodable"].contains(&error["code"].as_str().unwrap()),
            "{error}"
        );
        let field_errors = error["field_errors"].as_array().unwrap();
        assert!(!field_errors.is_empty(), "{error}");
        for field_error in field_errors {
            assert!(field_error["path"].is_string() && field_error["problem"].is_string());
        }
    }
}

#[test]
fn the_chained_filters_agree_with_process() {
    let input = sarflow_ok(&["synth", "--count", "300", "--seed", "12"]);
    let mut stage_input = input.clone();
    for stage in ["normalize", "score", "gate", "route"] {
        let (success, records, errors) = filter(&[stage, "--now", NOW], &stage_input);
        assert!(success && errors.is_empty(), "{stage}: {errors:?}");
        assert_eq!(records.len(), 300, "{stage}");
        stage_input = records
            .iter()
            .flat_map(|record| format!("{record}\n").into_bytes())
            .collect();
    }
    let routed: Vec<Value> = String::from_utf8(stage_input)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let (_, processed, _) = filter(&["process", "--now", NOW], &input);
    for (routed, processed) in routed.iter().zip(&processed) {
        let report = &routed["gated"]["scored"]["normalized"]["report"];
        assert_eq!(report["report_id"], processed["report_id"]);
        assert_eq!(
            routed["gated"]["decision"]["outcome"],
            processed["gate"]["outcome"]
        );
        assert_eq!(
            routed["gated"]["scored"]["score"]["value"],
            processed["score"]["value"]
        );
    }
    // the same input and --now give the same bytes
    let (_, again, _) = filter(&["process", "--now", NOW], &input);
    assert_eq!(processed, again);
}

#[test]
fn a_bad_line_in_a_later_stage_is_an_error_line_too() {
    let (success, records, errors) = filter(
        &["score", "--now", NOW],
        b"{\"not\": \"a normalized record\"}\n",
    );
    assert!(!success);
    assert!(records.is_empty());
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["line"], 1);
    assert_eq!(errors[0]["stage"], "score");
    assert_eq!(errors[0]["code"], "undecodable");
}
