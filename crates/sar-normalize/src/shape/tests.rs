//! Tests of `shape::problems`: the schema parses, records that parse have no problem, and a
//! record with several problems gets each one with its path.

use sar_model::examples;
use sar_synth::{HardCaseShares, SynthConfig};
use serde_json::{Value, json};

use super::{SCHEMA_TEXT, problems};

fn example() -> Value {
    serde_json::to_value(examples::intake_record()).unwrap()
}

/// `(path, problem)` of each problem, in order.
fn check(value: &Value, expected: &[(&str, &str)]) {
    let got: Vec<(String, String)> = problems(value)
        .into_iter()
        .map(|error| (error.path, error.problem))
        .collect();
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(path, problem)| ((*path).to_owned(), (*problem).to_owned()))
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn the_schema_parses() {
    let schema: Value = serde_json::from_str(SCHEMA_TEXT).unwrap();
    assert!(schema["$defs"]["person"].is_object());
}

#[test]
fn records_that_parse_have_no_problem() {
    check(&example(), &[]);
    let config = SynthConfig {
        count: 3_000,
        seed: 5,
        shares: HardCaseShares::default().with_malformed(0.3),
    };
    let mut checked = 0;
    for item in sar_synth::generate(&config).unwrap() {
        if let Some(record) = item.record {
            check(&serde_json::to_value(record).unwrap(), &[]);
            checked += 1;
        }
    }
    assert!(checked > 2_000, "only {checked} records");
}

#[test]
fn every_problem_is_named_with_its_path() {
    let mut value = example();
    value["lawfully_obtained"] = json!("yes");
    value["persons"][0]["dob"] = json!(19_880_412);
    value["persons"][0]["age"] = json!(37.5);
    value["submitter"]["badge"] = json!("4411");
    value["location"]["lat"] = json!("33.4");
    value["behavior_codes"][1] = json!(7);
    value["grading"] = json!("A1");
    value["vehicles"] = json!({"plate": "X"});
    value.as_object_mut().unwrap().remove("narrative");
    value["persons"][0]["descriptors"]["eye color"] = json!("green");
    check(
        &value,
        &[
            (
                "behavior_codes[1]",
                "invalid type: integer, expected a string",
            ),
            (
                "grading",
                "invalid type: string, expected an object or null",
            ),
            (
                "lawfully_obtained",
                "invalid type: string, expected a boolean",
            ),
            (
                "location.lat",
                "invalid type: string, expected a number or null",
            ),
            (
                "persons[0].age",
                "invalid type: floating point, expected an integer or null",
            ),
            ("persons[0].descriptors.?", "unknown field `?`"),
            (
                "persons[0].dob",
                "invalid type: integer, expected a string or null",
            ),
            ("submitter.badge", "unknown field `badge`"),
            ("vehicles", "invalid type: map, expected a sequence"),
            ("narrative", "missing required field"),
        ],
    );
}

#[test]
fn a_wrong_root_is_one_problem() {
    check(
        &json!([]),
        &[("$", "invalid type: sequence, expected an object")],
    );
    check(
        &json!(null),
        &[("$", "invalid type: null, expected an object")],
    );
}
