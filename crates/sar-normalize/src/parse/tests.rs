//! Tests of `parse_intake`: one `check` helper (a JSON text with one problem -> the path and
//! problem prefix of its single field error), several problems at once, synthetic malformed
//! lines, and proptest over arbitrary JSON.

use proptest::prelude::*;
use sar_model::{examples, reject::RejectCode};
use sar_synth::{Case, HardCaseShares, SynthConfig};
use serde_json::{Value, json};

use super::parse_intake;

/// `expected` is `None` for a line that parses, else the path and the start of the problem.
fn check(line: &str, expected: Option<(&str, &str)>) {
    let result = parse_intake(line);
    match (result, expected) {
        (Ok(_), None) => {}
        (Ok(_), Some(expected)) => panic!("parsed, expected {expected:?}"),
        (Err(reject), None) => panic!("expected to parse, got {reject}"),
        (Err(reject), Some((path, prefix))) => {
            assert_eq!(reject.code, RejectCode::Undecodable);
            assert_eq!(reject.field_errors.len(), 1, "{reject}");
            let error = &reject.field_errors[0];
            assert_eq!(error.path, path, "{reject}");
            assert!(error.problem.starts_with(prefix), "{reject}");
        }
    }
}

fn example() -> Value {
    serde_json::to_value(examples::intake_record()).unwrap()
}

fn with(mutate: impl FnOnce(&mut Value)) -> String {
    let mut value = example();
    mutate(&mut value);
    value.to_string()
}

#[test]
fn valid_lines_parse() {
    check(&example().to_string(), None);
    check(&serde_json::to_string_pretty(&example()).unwrap(), None);
}

#[test]
fn broken_json_is_reported_at_the_root() {
    check("", Some(("$", "not valid JSON: unexpected end of input")));
    let line = example().to_string();
    check(
        &line[..line.len() / 2],
        Some(("$", "not valid JSON: unexpected end of input")),
    );
    check("not json", Some(("$", "not valid JSON")));
    check(
        &format!("{line} trailing"),
        Some(("$", "not valid JSON: trailing characters")),
    );
    check("[]", Some(("$", "invalid length 0, expected an object")));
    check(
        "42",
        Some(("$", "invalid type: integer, expected an object")),
    );
}

#[test]
fn wrong_types_name_their_path_not_their_value() {
    check(
        &with(|v| v["lawfully_obtained"] = json!("yes-planted")),
        Some((
            "lawfully_obtained",
            "invalid type: string, expected a boolean",
        )),
    );
    check(
        &with(|v| v["persons"][0]["dob"] = json!(19_880_412)),
        Some(("persons[0].dob", "invalid type: integer, expected a string")),
    );
    check(
        &with(|v| v["persons"][0]["age"] = json!("37 years")),
        Some(("persons[0].age", "invalid type: string, expected i32")),
    );
    check(
        &with(|v| v["persons"][0]["age"] = json!(3_000_000_000_i64)),
        Some(("persons[0].age", "invalid value: integer, expected i32")),
    );
    check(
        &with(|v| v["persons"][0]["ids"][0]["value"] = json!(["D1234567"])),
        Some((
            "persons[0].ids[0].value",
            "invalid type: sequence, expected a string",
        )),
    );
    check(
        &with(|v| v["channel"] = json!({"name": "officer"})),
        Some(("channel", "invalid type: map, expected a string")),
    );
    check(
        &with(|v| v["location"]["lat"] = json!("33.4484")),
        Some(("location.lat", "invalid type: string, expected f64")),
    );
    check(
        &with(|v| v["behavior_codes"] = json!("INTRSN,SABOT")),
        Some((
            "behavior_codes",
            "invalid type: string, expected a sequence",
        )),
    );
    check(
        &with(|v| v["behavior_codes"][1] = json!(7)),
        Some((
            "behavior_codes[1]",
            "invalid type: integer, expected a string",
        )),
    );
    check(
        &with(|v| v["submitter"] = json!(null)),
        Some(("submitter", "invalid type: null, expected an object")),
    );
}

#[test]
fn missing_and_unknown_fields() {
    check(
        &with(|v| drop(v.as_object_mut().unwrap().remove("narrative"))),
        Some(("narrative", "missing required field")),
    );
    check(
        &with(|v| {
            drop(
                v["location"]
                    .as_object_mut()
                    .unwrap()
                    .remove("jurisdiction"),
            )
        }),
        Some(("location.jurisdiction", "missing required field")),
    );
    check(
        &with(|v| drop(v["persons"][0].as_object_mut().unwrap().remove("role"))),
        Some(("persons[0].role", "missing required field")),
    );
    check(
        &with(|v| v["narative"] = json!("typo")),
        Some((
            "narative",
            "unknown field `narative`, expected one of `source`",
        )),
    );
    check(
        &with(|v| v["submitter"]["badge"] = json!("4411")),
        Some(("submitter.badge", "unknown field `badge`")),
    );
    check(
        &with(|v| v["persons"][0]["descriptors"]["eye color"] = json!("green")),
        Some(("persons[0].descriptors.?", "unknown field `?`")),
    );
}

#[test]
fn every_structural_problem_is_reported_at_once() {
    let line = with(|v| {
        v["lawfully_obtained"] = json!("yes-planted");
        v["persons"][0]["dob"] = json!(19_880_412);
        v["submitter"]["badge"] = json!("4411");
        drop(v.as_object_mut().unwrap().remove("narrative"));
    });
    let reject = parse_intake(&line).unwrap_err();
    assert_eq!(reject.code, RejectCode::Undecodable);
    let errors: Vec<(&str, &str)> = reject
        .field_errors
        .iter()
        .map(|error| (error.path.as_str(), error.problem.as_str()))
        .collect();
    // serde's own first, then the rest from the schema's shape, each path once.
    assert_eq!(errors.len(), 4, "{reject}");
    let paths: std::collections::BTreeSet<&str> = errors.iter().map(|(path, _)| *path).collect();
    assert_eq!(
        paths,
        [
            "lawfully_obtained",
            "narrative",
            "persons[0].dob",
            "submitter.badge"
        ]
        .into_iter()
        .collect()
    );
    assert!(errors.contains(&("narrative", "missing required field")));
    assert!(errors.contains(&("submitter.badge", "unknown field `badge`")));
    assert!(
        errors
            .iter()
            .all(|(_, problem)| !problem.contains("planted") && !problem.contains('"'))
    );
    // The same record with its problems mended one at a time loses one error each time.
    let mended = with(|v| {
        v["persons"][0]["dob"] = json!(19_880_412);
        drop(v.as_object_mut().unwrap().remove("narrative"));
    });
    assert_eq!(parse_intake(&mended).unwrap_err().field_errors.len(), 2);
}

#[test]
fn multi_line_json_positions() {
    let mut value = example();
    value["persons"][0]["age"] = json!("old");
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    check(&pretty, Some(("persons[0].age", "invalid type: string")));
}

#[test]
fn synthetic_lines_that_do_not_parse_are_refused() {
    let config = SynthConfig {
        count: 3_000,
        seed: 11,
        shares: HardCaseShares::default().with_malformed(0.5),
    };
    let mut refused = 0;
    for item in sar_synth::generate(&config).unwrap() {
        match item.case {
            Case::Malformed(kind) if !kind.still_parses() => {
                let reject = parse_intake(&item.line).unwrap_err();
                assert_eq!(reject.code, RejectCode::Undecodable, "{kind:?}");
                assert_eq!(reject.field_errors.len(), 1, "{kind:?}: {reject}");
                let problem = &reject.field_errors[0].problem;
                assert!(!problem.contains('"'), "{kind:?}: {problem}");
                refused += 1;
            }
            _ => {
                let parsed = parse_intake(&item.line).unwrap();
                assert_eq!(Some(parsed), item.record);
            }
        }
    }
    assert!(refused > 300, "only {refused} unparseable lines");
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "officer",
            "INTRSN",
            "2026-03-01T02:10:00-07:00",
            "A",
            "1"
        ])
        .prop_map(|text| Value::String(text.to_owned())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "source",
                    "channel",
                    "narrative",
                    "persons",
                    "role",
                    "dob",
                    "lat",
                    "x",
                    "",
                ])
                .prop_map(str::to_owned),
                inner,
                0..6
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// The example with one field (at any depth) replaced by an arbitrary value.
fn mutated_example() -> impl Strategy<Value = Value> {
    (any::<prop::sample::Index>(), json_value()).prop_map(|(index, replacement)| {
        let mut value = example();
        let mut paths = Vec::new();
        collect_pointers(&value, String::new(), &mut paths);
        let pointer = index.get(&paths).clone();
        if let Some(slot) = value.pointer_mut(&pointer) {
            *slot = replacement;
        }
        value
    })
}

fn collect_pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let pointer = format!("{at}/{key}");
                out.push(pointer.clone());
                collect_pointers(inner, pointer, out);
            }
        }
        Value::Array(items) => {
            for (index, inner) in items.iter().enumerate() {
                let pointer = format!("{at}/{index}");
                out.push(pointer.clone());
                collect_pointers(inner, pointer, out);
            }
        }
        _ => {}
    }
}

proptest! {
    #[test]
    fn never_panics_on_any_json_value(value in json_value()) {
        let _ = parse_intake(&value.to_string());
    }

    #[test]
    fn never_panics_on_any_string(text in any::<String>()) {
        let _ = parse_intake(&text);
    }

    #[test]
    fn mutated_examples_parse_or_name_a_path(value in mutated_example()) {
        let line = value.to_string();
        if let Err(reject) = parse_intake(&line) {
            prop_assert_eq!(reject.code, RejectCode::Undecodable);
            prop_assert!(!reject.field_errors.is_empty());
            let mut paths = std::collections::BTreeSet::new();
            for error in &reject.field_errors {
                prop_assert!(!error.path.is_empty());
                prop_assert!(!error.problem.contains('"'), "{}", error.problem);
                prop_assert!(paths.insert(error.path.clone()), "{} twice", error.path);
            }
        }
    }
}
