//! Privacy classification of every field (domain spec §3.4) and the Summary view derived from it.
//!
//! Each field of each record type is listed here with its PII class and what the Summary format
//! does with it. The Summary view of any record is derived mechanically from these tables: a field
//! that is not listed is dropped (fail closed), and a test walks fully populated records to prove
//! that every field is listed, so a new field cannot reach an export unclassified.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::{
    intake::IntakeRecord,
    records::{DlqRecord, GatedRecord, NormalizedRecord, RawRecord, RoutedRecord, ScoredRecord},
    report::SarReport,
};

/// How much a field identifies a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PiiClass {
    /// Not personal information.
    NotPii,
    /// Identifies a person directly (name, DOB, ID numbers, contact details).
    Direct,
    /// Identifies in combination (age, physical description).
    Quasi,
    /// Links to a person through a registry (plates, VINs, hull numbers, serials).
    Linkable,
    /// Protected descriptors: identification only, never scoring.
    Sensitive,
    /// Free text that may contain any of the above.
    ContainsPii,
}

/// What the Summary format does with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryRule {
    /// Copied whole (the subtree too).
    Keep,
    /// Removed.
    Drop,
    /// An age replaced by its decade band (`"30-39"`).
    AgeBand,
    /// Removed when the location is a private residence, kept otherwise.
    DropIfResidence,
    /// Kept only when the person has no name attached.
    KeepIfNoName,
    /// The value is another classified record type.
    Nested(Context),
}

/// Which table a path is relative to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// The topic records that wrap a report (raw, normalized, scored, gated, routed, dlq).
    Record,
    /// `SarReport`.
    Report,
    /// `IntakeRecord`.
    Intake,
}

/// One row of a classification table. Paths use `.` between fields and `[]` for array elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldClass {
    /// Path relative to the table's record type.
    pub path: &'static str,
    /// PII class.
    pub pii: PiiClass,
    /// Summary rule.
    pub summary: SummaryRule,
}

const fn field(path: &'static str, pii: PiiClass, summary: SummaryRule) -> FieldClass {
    FieldClass { path, pii, summary }
}

use PiiClass::{ContainsPii, Direct, Linkable, NotPii, Quasi, Sensitive};
use SummaryRule::{AgeBand, Drop, DropIfResidence, Keep, KeepIfNoName, Nested};

/// Fields shared by `SarReport` and `IntakeRecord` under the same path.
macro_rules! person_and_asset_fields {
    () => {
        [
            field("persons[].role", NotPii, Keep),
            field("persons[].name", Direct, Drop),
            field("persons[].aliases", Direct, Drop),
            field("persons[].dob", Direct, Drop),
            field("persons[].age", Quasi, AgeBand),
            field("persons[].ids", Direct, Drop),
            field("persons[].addresses", Direct, Drop),
            field("persons[].phones", Direct, Drop),
            field("persons[].emails", Direct, Drop),
            field("persons[].online_ids", Direct, Drop),
            field("persons[].physical", Quasi, KeepIfNoName),
            field("persons[].descriptors", Sensitive, Drop),
            field("vehicles[].plate", Linkable, Drop),
            field("vehicles[].plate_state", NotPii, Keep),
            field("vehicles[].vin", Linkable, Drop),
            field("vehicles[].make", NotPii, Keep),
            field("vehicles[].model", NotPii, Keep),
            field("vehicles[].color", NotPii, Keep),
            field("vehicles[].year", NotPii, Keep),
            field("vessels[].registration", Linkable, Drop),
            field("vessels[].name", Linkable, Drop),
            field("vessels[].vessel_type", NotPii, Keep),
            field("aircraft[].tail_number", Linkable, Drop),
            field("aircraft[].aircraft_type", NotPii, Keep),
            field("property[].property_type", NotPii, Keep),
            field("property[].description", ContainsPii, Drop),
            field("property[].quantity", NotPii, Keep),
            field("property[].serial", Linkable, Drop),
            field("attachments", Direct, Drop),
            field("behavior_codes", NotPii, Keep),
            field("target_sectors", NotPii, Keep),
            field("tip_class", NotPii, Keep),
            field("tip_domain", NotPii, Keep),
            field("narrative", ContainsPii, Drop),
            field("additional_facts", ContainsPii, Drop),
            field("channel", NotPii, Keep),
            field("submitted_at", NotPii, Keep),
            field("observed", NotPii, Keep),
            field("submitter.org_id", NotPii, Keep),
            field("submitter.org_name", NotPii, Keep),
            field("submitter.org_type", NotPii, Keep),
            field("submitter.sector", NotPii, Keep),
            field("submitter.reporter_role", NotPii, Keep),
            field("submitter.reporter_contact", Direct, Drop),
            field("location.address", Direct, DropIfResidence),
            field("location.city", NotPii, Keep),
            field("location.state", NotPii, Keep),
            field("location.zip", NotPii, Keep),
            field("location.place_name", Quasi, DropIfResidence),
            field("location.jurisdiction", NotPii, Keep),
            field("location.is_residence", NotPii, Keep),
            field("fs_version", NotPii, Keep),
        ]
    };
}

const SHARED_FIELDS: [FieldClass; 52] = person_and_asset_fields!();

/// `SarReport` fields not in the shared list.
pub const REPORT_FIELDS: &[FieldClass] = &[
    field("report_id", NotPii, Keep),
    field("origin", NotPii, Keep),
    field("privacy_policy_version", NotPii, Keep),
    field("received_at", NotPii, Keep),
    field("location.coordinates", Quasi, DropIfResidence),
    field("persons[].noncriminal_identifying", NotPii, Keep),
    field("grading", NotPii, Keep),
    field("lawful_source", NotPii, Keep),
    field("labels", NotPii, Keep),
    field("legal_basis", NotPii, Keep),
    field("retention.store", NotPii, Keep),
    field("retention.retain_until", NotPii, Keep),
    field("retention.last_validated_at", NotPii, Keep),
    field("retention.validated_by", NotPii, Keep),
    field("retention.validation_rationale", ContainsPii, Drop),
    field("status", NotPii, Keep),
];

/// `IntakeRecord` fields not in the shared list.
pub const INTAKE_FIELDS: &[FieldClass] = &[
    field("source", NotPii, Keep),
    field("location.lat", Quasi, DropIfResidence),
    field("location.lon", Quasi, DropIfResidence),
    field("grading", NotPii, Keep),
    field("lawfully_obtained", NotPii, Keep),
];

/// Fields of the topic records around the report.
pub const RECORD_FIELDS: &[FieldClass] = &[
    // raw
    field("record_id", NotPii, Keep),
    field("received_at", NotPii, Keep),
    field("ledger_seq", NotPii, Keep),
    field("submission", ContainsPii, Nested(Context::Intake)),
    // normalized
    field("report", ContainsPii, Nested(Context::Report)),
    field("narrative_redacted", NotPii, Keep),
    field("entities[].kind", NotPii, Keep),
    field("entities[].text", Direct, Drop),
    field("entities[].start", NotPii, Keep),
    field("entities[].end", NotPii, Keep),
    field("entities[].pii", NotPii, Keep),
    field("dedup", NotPii, Keep),
    field("normalized_at", NotPii, Keep),
    // scored
    field("normalized", ContainsPii, Nested(Context::Record)),
    field("score", NotPii, Keep),
    field("flags", NotPii, Keep),
    // gated
    field("scored", ContainsPii, Nested(Context::Record)),
    field("decision", NotPii, Keep),
    // routed
    field("gated", ContainsPii, Nested(Context::Record)),
    field("routes", NotPii, Keep),
    field("routed_at", NotPii, Keep),
    // dlq
    field("stage", NotPii, Keep),
    field("reason_code", NotPii, Keep),
    field("message", NotPii, Keep),
    field("field_errors", NotPii, Keep),
    field("source_topic", NotPii, Keep),
    field("source_partition", NotPii, Keep),
    field("source_offset", NotPii, Keep),
    field("original", ContainsPii, Drop),
    field("original_headers", ContainsPii, Drop),
    field("failed_at", NotPii, Keep),
];

/// The classification of `path` in `context`: the row for the path itself or for its nearest
/// listed ancestor.
pub fn classify(context: Context, path: &str) -> Option<FieldClass> {
    rows(context)
        .filter(|row| is_same_or_ancestor(row.path, path))
        .max_by_key(|row| row.path.len())
        .copied()
}

/// A record type with a Summary view.
pub trait Summarize: Serialize {
    /// The table its paths are relative to.
    const CONTEXT: Context;

    /// The Summary-format view: every privacy field removed or generalized.
    fn summary(&self) -> Result<Value, serde_json::Error> {
        let value = serde_json::to_value(self)?;
        Ok(summarize_value(Self::CONTEXT, &value))
    }
}

impl Summarize for SarReport {
    const CONTEXT: Context = Context::Report;
}
impl Summarize for IntakeRecord {
    const CONTEXT: Context = Context::Intake;
}
macro_rules! summarize_records {
    ($($record:ty),*) => { $(impl Summarize for $record { const CONTEXT: Context = Context::Record; })* };
}
summarize_records!(
    RawRecord,
    NormalizedRecord,
    ScoredRecord,
    GatedRecord,
    RoutedRecord,
    DlqRecord
);

/// Applies the Summary rules of `context` to a serialized record.
pub fn summarize_value(context: Context, value: &Value) -> Value {
    match value {
        Value::Object(object) => Value::Object(summarize_object(context, "", object)),
        _ => Value::Null,
    }
}

/// Leaf paths of a serialized record that no row classifies (empty when the table is complete).
pub fn unclassified_paths(context: Context, value: &Value) -> Vec<String> {
    let mut unclassified = Vec::new();
    collect_unclassified(context, "", value, &mut unclassified);
    unclassified
}

fn rows(context: Context) -> impl Iterator<Item = &'static FieldClass> {
    let (shared, own): (&'static [FieldClass], &'static [FieldClass]) = match context {
        Context::Record => (&[], RECORD_FIELDS),
        Context::Report => (&SHARED_FIELDS, REPORT_FIELDS),
        Context::Intake => (&SHARED_FIELDS, INTAKE_FIELDS),
    };
    shared.iter().chain(own)
}

fn is_same_or_ancestor(ancestor: &str, path: &str) -> bool {
    match path.strip_prefix(ancestor) {
        Some(rest) => rest.is_empty() || rest.starts_with('.') || rest.starts_with("[]"),
        None => false,
    }
}

fn has_listed_descendant(context: Context, path: &str) -> bool {
    rows(context).any(|row| row.path != path && is_same_or_ancestor(path, row.path))
}

fn child_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

fn summarize_object(
    context: Context,
    path: &str,
    object: &Map<String, Value>,
) -> Map<String, Value> {
    let mut summary = Map::new();
    for (key, child) in object {
        let child_path = child_path(path, key);
        if let Some(kept) = summarize_field(context, &child_path, child, object) {
            summary.insert(key.clone(), kept);
        }
    }
    summary
}

fn summarize_field(
    context: Context,
    path: &str,
    value: &Value,
    parent: &Map<String, Value>,
) -> Option<Value> {
    let exact_row = rows(context).find(|row| row.path == path);
    if let Some(row) = exact_row {
        return apply_rule(row.summary, value, parent);
    }
    if !has_listed_descendant(context, path) {
        // Not classified: fail closed.
        return None;
    }
    match value {
        Value::Object(object) => Some(Value::Object(summarize_object(context, path, object))),
        Value::Array(elements) => {
            let element_path = format!("{path}[]");
            let kept = elements
                .iter()
                .map(|element| match element {
                    Value::Object(object) => {
                        Value::Object(summarize_object(context, &element_path, object))
                    }
                    _ => Value::Null,
                })
                .collect();
            Some(Value::Array(kept))
        }
        _ => Some(Value::Null),
    }
}

fn apply_rule(rule: SummaryRule, value: &Value, parent: &Map<String, Value>) -> Option<Value> {
    match rule {
        Keep => Some(value.clone()),
        Drop => None,
        AgeBand => Some(age_band(value)),
        DropIfResidence => {
            let is_residence = parent
                .get("is_residence")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if is_residence {
                None
            } else {
                Some(value.clone())
            }
        }
        KeepIfNoName => {
            let has_name = parent.get("name").is_some_and(|name| !name.is_null());
            if has_name { None } else { Some(value.clone()) }
        }
        Nested(context) => Some(summarize_value(context, value)),
    }
}

fn age_band(value: &Value) -> Value {
    match value.as_i64() {
        Some(age) if age >= 0 => {
            let decade = age / 10 * 10;
            Value::String(format!("{decade}-{}", decade + 9))
        }
        _ => Value::Null,
    }
}

fn collect_unclassified(context: Context, path: &str, value: &Value, out: &mut Vec<String>) {
    if !path.is_empty() {
        if let Some(row) = rows(context).find(|row| row.path == path) {
            if let Nested(inner) = row.summary {
                collect_unclassified(inner, "", value, out);
            }
            return;
        }
        if classify(context, path).is_some() {
            return;
        }
    }
    match value {
        Value::Object(object) => {
            for (key, child) in object {
                collect_unclassified(context, &child_path(path, key), child, out);
            }
        }
        Value::Array(elements) => {
            let element_path = format!("{path}[]");
            for element in elements {
                collect_unclassified(context, &element_path, element, out);
            }
        }
        _ => out.push(path.to_owned()),
    }
}

#[cfg(test)]
mod tests;
