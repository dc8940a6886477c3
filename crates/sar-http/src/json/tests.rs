//! Tests of the JSON body extractor: which problem each kind of bad body gets.

#![allow(clippy::unwrap_used)]

use serde::Deserialize;

use super::parse;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Body {
    name: String,
    items: Vec<Item>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Item {
    count: u32,
}

#[test]
fn wrong_types_name_the_field_path() {
    let problem =
        parse::<Body>(br#"{"name":"x","items":[{"count":1},{"count":"two"}]}"#).unwrap_err();
    assert_eq!(problem.status, 422);
    assert_eq!(problem.errors[0].field, "items[1].count");
    assert!(
        !problem.errors[0].problem.contains("two"),
        "{:?}",
        problem.errors
    );
}

#[test]
fn unknown_and_missing_fields_are_422() {
    let unknown = parse::<Body>(br#"{"name":"x","items":[],"nmae":1}"#).unwrap_err();
    assert_eq!(unknown.status, 422);
    assert!(
        unknown.errors[0].problem.contains("unknown field"),
        "{unknown:?}"
    );
    let missing = parse::<Body>(br#"{"items":[]}"#).unwrap_err();
    assert_eq!(missing.status, 422);
    assert_eq!(missing.errors[0].field, "name", "{missing:?}");
    let nested = parse::<Body>(br#"{"name":"x","items":[{}]}"#).unwrap_err();
    assert_eq!(nested.errors[0].field, "items[0].count", "{nested:?}");
}

#[test]
fn syntax_errors_and_bad_utf8_are_400() {
    assert_eq!(parse::<Body>(b"{\"name\":").unwrap_err().status, 400);
    let bad_utf8 = parse::<Body>(b"{\"name\":\"\xff\",\"items\":[]}").unwrap_err();
    assert_eq!(bad_utf8.status, 400);
    assert!(bad_utf8.detail.contains("UTF-8"));
    assert_eq!(
        parse::<Body>(br#"{"name":"x","items":[]} {}"#)
            .unwrap_err()
            .status,
        400
    );
}
