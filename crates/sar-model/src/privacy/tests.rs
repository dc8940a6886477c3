//! Tests for the privacy classification and the Summary view.

use serde_json::Value;

use super::*;
use crate::examples;

fn check_complete<T: Summarize>(record: &T) {
    let value = serde_json::to_value(record).unwrap();
    let unclassified = unclassified_paths(T::CONTEXT, &value);
    assert!(
        unclassified.is_empty(),
        "fields without a privacy class: {unclassified:?}"
    );
}

/// Every leaf string of the summary, to search for leaked values.
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => out.push(text.clone()),
        Value::Array(items) => items.iter().for_each(|item| strings(item, out)),
        Value::Object(object) => object.values().for_each(|item| strings(item, out)),
        _ => {}
    }
}

fn summary_text<T: Summarize>(record: &T) -> String {
    let summary = record.summary().unwrap();
    let mut texts = Vec::new();
    strings(&summary, &mut texts);
    texts.join("\n")
}

const PII_VALUES: &[&str] = &[
    "John Q. Example",
    "JQ",
    "1988-04-12",
    "D1234567",
    "12 Elm St",
    "555-201-7788",
    "jqe@example.com",
    "@jqexample",
    "white",
    "male",
    "English",
    "7ABC123",
    "1HGCM82633A004352",
    "AZ-1234-BC",
    "Dry Spell",
    "N123RX",
    "BC-99812",
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "Ofc. Dana Whitfield",
    "dwhitfield@riverside.example",
    "Fresh bolt-cutter marks",
    "subject linked to a second fence cut",
];

#[test]
fn every_field_of_every_record_is_classified() {
    check_complete(&examples::intake_record());
    check_complete(&examples::report());
    check_complete(&examples::raw_record());
    check_complete(&examples::normalized_record());
    check_complete(&examples::scored_record());
    check_complete(&examples::gated_record());
    check_complete(&examples::routed_record());
    check_complete(&examples::dlq_record());
}

#[test]
fn summary_contains_no_privacy_field_value() {
    let texts = [
        summary_text(&examples::intake_record()),
        summary_text(&examples::report()),
        summary_text(&examples::raw_record()),
        summary_text(&examples::routed_record()),
    ];
    for text in &texts {
        for pii in PII_VALUES {
            assert!(!text.contains(pii), "summary leaks `{pii}`");
        }
    }
}

#[test]
fn summary_keeps_what_is_not_pii() {
    let summary = examples::report().summary().unwrap();
    assert_eq!(
        summary["behavior_codes"],
        serde_json::json!(["INTRSN", "SABOT"])
    );
    assert_eq!(summary["target_sectors"], serde_json::json!(["WATR"]));
    assert_eq!(summary["location"]["city"], "Riverside");
    assert_eq!(
        summary["location"]["address"], "4100 River Rd",
        "business addresses are not PII"
    );
    assert_eq!(summary["persons"][0]["role"], "subject");
    assert_eq!(summary["persons"][0]["age"], "30-39");
    assert!(
        summary["persons"][0].get("physical").is_none(),
        "a named person's description goes"
    );
    assert!(summary["persons"][0].get("descriptors").is_none());
    assert_eq!(summary["vehicles"][0]["make"], "Honda");
    assert!(summary["vehicles"][0].get("plate").is_none());
    assert!(summary.get("narrative").is_none());
    let routed = examples::routed_record().summary().unwrap();
    let report = &routed["gated"]["scored"]["normalized"]["report"];
    assert_eq!(report["labels"]["sensitivity"], "agency_name_only");
    assert_eq!(routed["gated"]["scored"]["score"]["value"], 71.5);
    assert!(routed["gated"]["scored"]["normalized"]["narrative_redacted"].is_string());
}

#[test]
fn residence_locations_are_generalized() {
    let mut report = examples::report();
    report.location.is_residence = true;
    report.persons[0].name = None;
    let summary = report.summary().unwrap();
    assert!(summary["location"].get("address").is_none());
    assert!(summary["location"].get("coordinates").is_none());
    assert!(summary["location"].get("place_name").is_none());
    assert_eq!(summary["location"]["zip"], "85001");
    assert!(
        summary["persons"][0]["physical"].is_object(),
        "unnamed person keeps a description"
    );
}

#[test]
fn unlisted_fields_are_dropped() {
    let value = serde_json::json!({"report_id": "x", "brand_new_field": "secret"});
    let summary = summarize_value(Context::Report, &value);
    assert_eq!(summary, serde_json::json!({"report_id": "x"}));
    assert_eq!(
        unclassified_paths(Context::Report, &value),
        ["brand_new_field"]
    );
}

#[test]
fn classification_answers_for_nested_paths() {
    let class = classify(Context::Report, "persons[].descriptors.religion").unwrap();
    assert_eq!(class.pii, PiiClass::Sensitive);
    assert_eq!(
        classify(Context::Report, "grading.mapped.mapped_from")
            .unwrap()
            .pii,
        PiiClass::NotPii
    );
    assert!(classify(Context::Report, "persons[].nam").is_none());
}

#[test]
fn protected_descriptors_debug_is_redacted() {
    let report = examples::report();
    let debug = format!("{:?}", report.persons[0]);
    assert!(
        debug.contains("ProtectedDescriptors(<redacted>)"),
        "{debug}"
    );
    assert!(!debug.contains("English"));
    // stored, though: it survives serialization for identification use
    assert_eq!(
        report.persons[0].descriptors.religion_for_tests(),
        Some("unknown")
    );
}
