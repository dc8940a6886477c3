//! The shape of an intake record, checked on a parsed JSON value against the published schema
//! (`schemas/intake.schema.json`), so that a record with several structural problems (a wrong
//! type here, a missing field there, an unknown field elsewhere) is refused with all of them at
//! once. serde stops at the first.
//!
//! Only the schema's structural keywords are read: `type`, `properties`, `required`,
//! `additionalProperties: false`, `items`, `anyOf` and `$ref` into `$defs`. Value rules (`enum`,
//! `pattern`, `format`, `minimum`, `maximum`, lengths) are `validate`'s, which reports them with
//! its own messages once the shape is right. The schema is parsed once per process, on first
//! use, into an immutable value: a constant, not state.
//!
//! Messages follow serde's wording (`invalid type: string, expected a boolean`) and never carry
//! a value from the record; a key that does not look like a field name is shown as `?`.

use std::sync::OnceLock;

use sar_model::records::FieldError;
use serde_json::{Map, Value};

use crate::parse::{render, safe_segment};

const SCHEMA_TEXT: &str = include_str!("../../../schemas/intake.schema.json");

fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    // The file is part of this crate's source; a test parses it, so this cannot fail at run time.
    SCHEMA.get_or_init(|| serde_json::from_str(SCHEMA_TEXT).unwrap_or(Value::Null))
}

/// Every structural problem of `value` as an intake record: an object's present fields in key
/// order, then its missing ones. Empty for a record of the right shape.
pub(crate) fn problems(value: &Value) -> Vec<FieldError> {
    let root = schema();
    let mut out = Vec::new();
    Walk {
        root,
        out: &mut out,
    }
    .check(root, value, &mut Vec::new());
    out
}

struct Walk<'a> {
    root: &'static Value,
    out: &'a mut Vec<FieldError>,
}

impl Walk<'_> {
    fn check(&mut self, node: &'static Value, value: &Value, path: &mut Vec<String>) {
        let node = self.resolve(node);
        if let Some(alternatives) = node.get("anyOf").and_then(Value::as_array) {
            self.any_of(alternatives, value, path);
            return;
        }
        if let Some(expected) = node.get("type")
            && !type_matches(expected, value)
        {
            self.push(
                path,
                format!(
                    "invalid type: {}, expected {}",
                    found(value),
                    expected_words(expected)
                ),
            );
            return;
        }
        match value {
            Value::Object(fields) => self.object(node, fields, path),
            Value::Array(items) => {
                if let Some(item) = node.get("items") {
                    for (index, value) in items.iter().enumerate() {
                        path.push(format!("[{index}]"));
                        self.check(item, value, path);
                        path.pop();
                    }
                }
            }
            _ => {}
        }
    }

    /// The problems of the first alternative whose type the value has (`null` or an object,
    /// say); a type error naming them all when none has it.
    fn any_of(&mut self, alternatives: &'static [Value], value: &Value, path: &mut Vec<String>) {
        let matching = alternatives
            .iter()
            .map(|node| self.resolve(node))
            .find(|node| {
                node.get("type")
                    .is_none_or(|expected| type_matches(expected, value))
            });
        match matching {
            Some(node) => self.check(node, value, path),
            None => {
                let expected: Vec<String> = alternatives
                    .iter()
                    .filter_map(|node| self.resolve(node).get("type"))
                    .map(expected_words)
                    .collect();
                self.push(
                    path,
                    format!(
                        "invalid type: {}, expected {}",
                        found(value),
                        expected.join(" or ")
                    ),
                );
            }
        }
    }

    fn object(
        &mut self,
        node: &'static Value,
        fields: &Map<String, Value>,
        path: &mut Vec<String>,
    ) {
        let properties = node.get("properties").and_then(Value::as_object);
        let closed = node.get("additionalProperties") == Some(&Value::Bool(false));
        for (key, value) in fields {
            path.push(safe_segment(key));
            match properties.and_then(|properties| properties.get(key)) {
                Some(property) => self.check(property, value, path),
                None if closed => {
                    let problem = format!("unknown field `{}`", safe_segment(key));
                    self.push(path, problem);
                }
                None => {}
            }
            path.pop();
        }
        let required = node.get("required").and_then(Value::as_array);
        for name in required.into_iter().flatten().filter_map(Value::as_str) {
            if !fields.contains_key(name) {
                path.push(safe_segment(name));
                self.push(path, "missing required field".to_owned());
                path.pop();
            }
        }
    }

    /// `node`, or the `$defs` entry its `$ref` names.
    fn resolve(&self, node: &'static Value) -> &'static Value {
        node.get("$ref")
            .and_then(Value::as_str)
            .and_then(|reference| reference.strip_prefix("#/$defs/"))
            .and_then(|name| self.root.get("$defs")?.get(name))
            .unwrap_or(node)
    }

    fn push(&mut self, path: &[String], problem: String) {
        self.out.push(FieldError {
            path: render(path),
            problem,
        });
    }
}

fn type_matches(expected: &Value, value: &Value) -> bool {
    match expected {
        Value::String(name) => is_type(name, value),
        Value::Array(names) => names
            .iter()
            .filter_map(Value::as_str)
            .any(|name| is_type(name, value)),
        _ => true,
    }
}

fn is_type(name: &str, value: &Value) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

/// What the value is, in serde's words.
fn found(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(number) if number.is_f64() => "floating point",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "sequence",
        Value::Object(_) => "map",
    }
}

/// `a string`, `an integer or null`: the schema's type(s) in words.
fn expected_words(expected: &Value) -> String {
    let words = |name: &str| match name {
        "null" => "null",
        "boolean" => "a boolean",
        "integer" => "an integer",
        "number" => "a number",
        "string" => "a string",
        "array" => "a sequence",
        "object" => "an object",
        _ => "a value",
    };
    match expected {
        Value::String(name) => words(name).to_owned(),
        Value::Array(names) => names
            .iter()
            .filter_map(Value::as_str)
            .map(words)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "a value".to_owned(),
    }
}

#[cfg(test)]
mod tests;
