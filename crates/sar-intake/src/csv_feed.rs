//! CSV feed batches: one row per report, persons and other repeated items flattened into
//! numbered columns (`person1_name`, `person1_id2_value`, `vehicle1_plate`). The published
//! column dictionary is `docs/feed-csv.md`; a test keeps it and the tables below in step.
//!
//! A row becomes the JSON shape of an `IntakeRecord` (so the same validation runs on both feed
//! formats) with three fields set from the partner key: `source.system = partner:<id>`,
//! `submitter.org_id = <id>`, `channel = csv`. Empty cells are absent values. Lists (`;`-
//! separated), integers, numbers and booleans are converted here, each bad cell reported with
//! its column; the validation's paths are mapped back to column names (`persons[0].dob` ->
//! `person1_dob`), so a partner sees every problem of a row at once, named as in their file.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use sar_http::FieldProblem;
use sar_model::intake::IntakeRecord;

/// How a cell is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    /// `;`-separated, items trimmed, empty items dropped.
    List,
    Integer,
    Number,
    /// `true`/`false`, `yes`/`no`, `1`/`0`, any case.
    Boolean,
}

/// One column: its name (or name suffix in a numbered group), the intake path it fills
/// (relative to the group item), how it is read and whether it is required.
#[derive(Debug)]
struct Field {
    column: &'static str,
    path: &'static str,
    kind: Kind,
    required: bool,
}

const fn field(column: &'static str, path: &'static str, kind: Kind) -> Field {
    Field {
        column,
        path,
        kind,
        required: false,
    }
}

const fn required(column: &'static str, path: &'static str, kind: Kind) -> Field {
    Field {
        column,
        path,
        kind,
        required: true,
    }
}

use Kind::{Boolean, Integer, List, Number, Text};

/// Columns of the report itself.
const TOP: &[Field] = &[
    required("source_report_id", "source.report_id", Text),
    required("submitted_at", "submitted_at", Text),
    required("submitter_org_name", "submitter.org_name", Text),
    required("submitter_org_type", "submitter.org_type", Text),
    field("submitter_sector", "submitter.sector", Text),
    required("reporter_role", "submitter.reporter_role", Text),
    field(
        "reporter_contact_name",
        "submitter.reporter_contact.name",
        Text,
    ),
    field(
        "reporter_contact_phone",
        "submitter.reporter_contact.phone",
        Text,
    ),
    field(
        "reporter_contact_email",
        "submitter.reporter_contact.email",
        Text,
    ),
    required("observed_start", "observed.start", Text),
    field("observed_end", "observed.end", Text),
    field("location_address", "location.address", Text),
    field("location_city", "location.city", Text),
    field("location_state", "location.state", Text),
    field("location_zip", "location.zip", Text),
    field("location_lat", "location.lat", Number),
    field("location_lon", "location.lon", Number),
    field("location_place_name", "location.place_name", Text),
    required("location_jurisdiction", "location.jurisdiction", Text),
    field("location_is_residence", "location.is_residence", Boolean),
    field("behavior_codes", "behavior_codes", List),
    field("target_sectors", "target_sectors", List),
    field("tip_class", "tip_class", Text),
    field("tip_domain", "tip_domain", Text),
    required("narrative", "narrative", Text),
    field("additional_facts", "additional_facts", Text),
    field("source_reliability", "grading.source_reliability", Text),
    field("content_validity", "grading.content_validity", Text),
    required("lawfully_obtained", "lawfully_obtained", Boolean),
    field("fs_version", "fs_version", Text),
];

/// `person<N>_<suffix>`.
const PERSON: &[Field] = &[
    required("role", "role", Text),
    field("name", "name", Text),
    field("aliases", "aliases", List),
    field("dob", "dob", Text),
    field("age", "age", Integer),
    field("addresses", "addresses", List),
    field("phones", "phones", List),
    field("emails", "emails", List),
    field("online_ids", "online_ids", List),
    field("height_cm", "physical.height_cm", Integer),
    field("weight_kg", "physical.weight_kg", Integer),
    field("hair", "physical.hair", Text),
    field("eyes", "physical.eyes", Text),
    field("description", "physical.description", Text),
    field("race", "descriptors.race", Text),
    field("ethnicity", "descriptors.ethnicity", Text),
    field("nationality", "descriptors.nationality", Text),
    field("religion", "descriptors.religion", Text),
    field("gender", "descriptors.gender", Text),
    field("sexual_orientation", "descriptors.sexual_orientation", Text),
    field("gender_identity", "descriptors.gender_identity", Text),
    field("language", "descriptors.language", Text),
];

/// `person<N>_id<M>_<suffix>`.
const PERSON_ID: &[Field] = &[
    required("kind", "kind", Text),
    required("value", "value", Text),
    field("issuer", "issuer", Text),
];

const VEHICLE: &[Field] = &[
    field("plate", "plate", Text),
    field("plate_state", "plate_state", Text),
    field("vin", "vin", Text),
    field("make", "make", Text),
    field("model", "model", Text),
    field("color", "color", Text),
    field("year", "year", Integer),
];

const VESSEL: &[Field] = &[
    field("registration", "registration", Text),
    field("name", "name", Text),
    field("type", "vessel_type", Text),
];

const AIRCRAFT: &[Field] = &[
    field("tail_number", "tail_number", Text),
    field("type", "aircraft_type", Text),
];

const PROPERTY: &[Field] = &[
    required("type", "property_type", Text),
    field("description", "description", Text),
    field("quantity", "quantity", Integer),
    field("serial", "serial", Text),
];

const ATTACHMENT: &[Field] = &[
    required("sha256", "sha256", Text),
    required("media_type", "media_type", Text),
    required("size_bytes", "size_bytes", Integer),
];

/// A numbered group: `<prefix><N>_<suffix>` fills `<array>[k].<path>`.
struct Group {
    prefix: &'static str,
    array: &'static str,
    fields: &'static [Field],
}

const GROUPS: &[Group] = &[
    Group {
        prefix: "person",
        array: "persons",
        fields: PERSON,
    },
    Group {
        prefix: "vehicle",
        array: "vehicles",
        fields: VEHICLE,
    },
    Group {
        prefix: "vessel",
        array: "vessels",
        fields: VESSEL,
    },
    Group {
        prefix: "aircraft",
        array: "aircraft",
        fields: AIRCRAFT,
    },
    Group {
        prefix: "property",
        array: "property",
        fields: PROPERTY,
    },
    Group {
        prefix: "attachment",
        array: "attachments",
        fields: ATTACHMENT,
    },
];

/// Index of the persons group in `GROUPS`.
const PERSONS: usize = 0;

/// Highest item number of a group (and of a person's ids).
pub(crate) const MAX_ITEMS: u16 = 99;

/// Where a header column goes.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Top(&'static Field),
    Item {
        group: usize,
        number: u16,
        field: &'static Field,
    },
    PersonId {
        person: u16,
        number: u16,
        field: &'static Field,
    },
}

/// The columns of a batch, read from its header row.
#[derive(Debug)]
pub(crate) struct CsvLayout {
    slots: Vec<Slot>,
}

impl CsvLayout {
    /// Reads the header row: every column must be in the dictionary, once, and every required
    /// report column must be there. All problems at once, named by column.
    pub(crate) fn from_header<'h>(
        header: impl IntoIterator<Item = &'h str>,
    ) -> Result<Self, Vec<FieldProblem>> {
        let mut slots = Vec::new();
        let mut problems = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for (index, name) in header.into_iter().enumerate() {
            let name = name.trim().trim_start_matches('\u{feff}');
            let shown = shown_column(name, index);
            if seen.iter().any(|known| known == name) {
                problems.push(FieldProblem::new(shown, "column given twice"));
                continue;
            }
            seen.push(name.to_owned());
            match slot_of(name) {
                Some(slot) => slots.push(slot),
                None => problems.push(FieldProblem::new(
                    shown,
                    "unknown column (see the column dictionary, docs/feed-csv.md)",
                )),
            }
        }
        for top in TOP.iter().filter(|top| top.required) {
            if !seen.iter().any(|name| name == top.column) {
                problems.push(FieldProblem::new(top.column, "required column missing"));
            }
        }
        if problems.is_empty() {
            Ok(Self { slots })
        } else {
            Err(problems)
        }
    }

    /// Number of columns.
    pub(crate) fn width(&self) -> usize {
        self.slots.len()
    }

    /// One row as an intake record, with the problems of its cells (named by column). The
    /// record is always built (bad or missing cells get a neutral value) so the validation can
    /// report the other fields' problems too.
    pub(crate) fn row<'c>(
        &self,
        cells: impl IntoIterator<Item = &'c str>,
        partner_id: &str,
    ) -> CsvRow {
        let mut builder = RowBuilder::default();
        for (slot, cell) in self.slots.iter().zip(cells) {
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            builder.set(*slot, cell);
        }
        builder.finish(partner_id)
    }
}

/// A column name as shown in a problem: the name when it is plain, else its position.
fn shown_column(name: &str, index: usize) -> String {
    let plain = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if plain {
        name.to_owned()
    } else {
        format!("column {}", index + 1)
    }
}

fn slot_of(name: &str) -> Option<Slot> {
    if let Some(top) = TOP.iter().find(|top| top.column == name) {
        return Some(Slot::Top(top));
    }
    for (group_index, group) in GROUPS.iter().enumerate() {
        let Some((number, rest)) = name.strip_prefix(group.prefix).and_then(numbered) else {
            continue;
        };
        if group_index == PERSONS
            && let Some((id_number, suffix)) = rest.strip_prefix("id").and_then(numbered)
        {
            let field = PERSON_ID.iter().find(|field| field.column == suffix)?;
            return Some(Slot::PersonId {
                person: number,
                number: id_number,
                field,
            });
        }
        let field = group.fields.iter().find(|field| field.column == rest)?;
        return Some(Slot::Item {
            group: group_index,
            number,
            field,
        });
    }
    None
}

/// `<N>_<rest>` with 1 <= N <= `MAX_ITEMS` and no leading zero.
fn numbered(text: &str) -> Option<(u16, &str)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 2 || text.starts_with('0') {
        return None;
    }
    let number = text[..digits].parse::<u16>().ok()?;
    let rest = text[digits..].strip_prefix('_')?;
    (1..=MAX_ITEMS).contains(&number).then_some((number, rest))
}

/// A converted row.
#[derive(Debug)]
pub(crate) struct CsvRow {
    pub(crate) intake: Option<IntakeRecord>,
    /// Cell problems, by column.
    pub(crate) problems: Vec<FieldProblem>,
    pub(crate) numbers: RowNumbers,
}

/// The item numbers behind each array index of the record, to name columns in problems.
#[derive(Debug, Default)]
pub(crate) struct RowNumbers {
    /// Per group, the numbers of the items present, in order.
    items: Vec<Vec<u16>>,
    /// Per person (array index), the numbers of their ids.
    person_ids: Vec<Vec<u16>>,
}

impl RowNumbers {
    /// The column behind an intake path (`persons[1].ids[0].kind` -> `person3_id1_kind`); the
    /// path itself when no column fills it (fields set from the key, whole objects).
    pub(crate) fn column_of(&self, path: &str) -> String {
        if let Some(column) = column_in(TOP, path, "") {
            return column;
        }
        for (group_index, group) in GROUPS.iter().enumerate() {
            let Some((index, rest)) = path.strip_prefix(group.array).and_then(indexed) else {
                continue;
            };
            let Some(number) = self
                .items
                .get(group_index)
                .and_then(|numbers| numbers.get(index))
            else {
                break;
            };
            let prefix = format!("{}{number}_", group.prefix);
            let Some(rest) = rest.strip_prefix('.') else {
                return format!("{}{number}", group.prefix);
            };
            if group_index == PERSONS
                && let Some((id_index, id_rest)) = rest.strip_prefix("ids").and_then(indexed)
                && let Some(id_number) = self
                    .person_ids
                    .get(index)
                    .and_then(|numbers| numbers.get(id_index))
            {
                let id_prefix = format!("{prefix}id{id_number}_");
                return id_rest
                    .strip_prefix('.')
                    .and_then(|id_rest| column_in(PERSON_ID, id_rest, &id_prefix))
                    .unwrap_or_else(|| format!("{prefix}id{id_number}"));
            }
            return column_in(group.fields, rest, &prefix).unwrap_or_else(|| path.to_owned());
        }
        path.to_owned()
    }
}

/// `[k]<rest>`.
fn indexed(text: &str) -> Option<(usize, &str)> {
    let inner = text.strip_prefix('[')?;
    let close = inner.find(']')?;
    let index = inner[..close].parse().ok()?;
    Some((index, &inner[close + 1..]))
}

/// The column of `path` in `fields` (also `path[i]` of a list column, kept as `column[i]`).
fn column_in(fields: &[Field], path: &str, prefix: &str) -> Option<String> {
    fields.iter().find_map(|field| {
        let rest = path.strip_prefix(field.path)?;
        (rest.is_empty() || rest.starts_with('['))
            .then(|| format!("{prefix}{}{rest}", field.column))
    })
}

#[derive(Default)]
struct RowBuilder {
    root: Map<String, Value>,
    /// (group, number) -> item object.
    items: BTreeMap<(usize, u16), Map<String, Value>>,
    /// (person number, id number) -> id object.
    person_ids: BTreeMap<(u16, u16), Map<String, Value>>,
    problems: Vec<FieldProblem>,
}

impl RowBuilder {
    fn set(&mut self, slot: Slot, cell: &str) {
        let (field, column) = match slot {
            Slot::Top(field) => (field, field.column.to_owned()),
            Slot::Item {
                group,
                number,
                field,
            } => (
                field,
                format!("{}{number}_{}", GROUPS[group].prefix, field.column),
            ),
            Slot::PersonId {
                person,
                number,
                field,
            } => (field, format!("person{person}_id{number}_{}", field.column)),
        };
        let value = match convert(field.kind, cell) {
            Ok(value) => value,
            Err(problem) => {
                self.problems.push(FieldProblem::new(column, problem));
                neutral(field.kind)
            }
        };
        let target = match slot {
            Slot::Top(_) => &mut self.root,
            Slot::Item { group, number, .. } => self.items.entry((group, number)).or_default(),
            Slot::PersonId { person, number, .. } => {
                // A person with only id columns is still a person (whose role is missing).
                self.items.entry((PERSONS, person)).or_default();
                self.person_ids.entry((person, number)).or_default()
            }
        };
        insert(target, field.path, value);
    }

    fn finish(mut self, partner_id: &str) -> CsvRow {
        insert(
            &mut self.root,
            "source.system",
            Value::String(format!("partner:{partner_id}")),
        );
        insert(&mut self.root, "channel", Value::String("csv".to_owned()));
        insert(
            &mut self.root,
            "submitter.org_id",
            Value::String(partner_id.to_owned()),
        );
        fill_required(&mut self.root, TOP, "", &mut self.problems);

        let mut numbers = RowNumbers {
            items: vec![Vec::new(); GROUPS.len()],
            person_ids: Vec::new(),
        };
        let mut arrays: Vec<Vec<Value>> = vec![Vec::new(); GROUPS.len()];
        let mut person_ids = std::mem::take(&mut self.person_ids);
        for ((group_index, number), mut item) in std::mem::take(&mut self.items) {
            let group = &GROUPS[group_index];
            let prefix = format!("{}{number}_", group.prefix);
            fill_required(&mut item, group.fields, &prefix, &mut self.problems);
            if group_index == PERSONS {
                let mut ids = Vec::new();
                let mut id_numbers = Vec::new();
                let keys: Vec<(u16, u16)> = person_ids
                    .range((number, 0)..=(number, u16::MAX))
                    .map(|(key, _)| *key)
                    .collect();
                for key in keys {
                    if let Some(mut id) = person_ids.remove(&key) {
                        let id_prefix = format!("{prefix}id{}_", key.1);
                        fill_required(&mut id, PERSON_ID, &id_prefix, &mut self.problems);
                        ids.push(Value::Object(id));
                        id_numbers.push(key.1);
                    }
                }
                if !ids.is_empty() {
                    item.insert("ids".to_owned(), Value::Array(ids));
                }
                numbers.person_ids.push(id_numbers);
            }
            numbers.items[group_index].push(number);
            arrays[group_index].push(Value::Object(item));
        }
        for (group, array) in GROUPS.iter().zip(arrays) {
            if !array.is_empty() {
                self.root
                    .insert(group.array.to_owned(), Value::Array(array));
            }
        }
        let intake = match serde_json::from_value::<IntakeRecord>(Value::Object(self.root)) {
            Ok(intake) => Some(intake),
            Err(_) => {
                // Every required value was filled above with the right type; this is a broken
                // invariant of the tables, reported as a row problem rather than a panic.
                self.problems
                    .push(FieldProblem::new("$", "row does not make an intake record"));
                None
            }
        };
        CsvRow {
            intake,
            problems: self.problems,
            numbers,
        }
    }
}

fn convert(kind: Kind, cell: &str) -> Result<Value, &'static str> {
    match kind {
        Text => Ok(Value::String(cell.to_owned())),
        List => Ok(Value::Array(
            cell.split(';')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| Value::String(item.to_owned()))
                .collect(),
        )),
        Integer => cell
            .parse::<i32>()
            .map(Value::from)
            .map_err(|_| "not an integer"),
        Number => cell
            .parse::<f64>()
            .ok()
            .filter(|number| number.is_finite())
            .map(Value::from)
            .ok_or("not a number"),
        Boolean => match cell.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Ok(Value::Bool(true)),
            "false" | "no" | "0" => Ok(Value::Bool(false)),
            _ => Err("not true or false"),
        },
    }
}

/// The value a missing or bad cell gets, so the record can still be built.
fn neutral(kind: Kind) -> Value {
    match kind {
        Text => Value::String(String::new()),
        List => Value::Array(Vec::new()),
        Integer | Number => Value::from(0),
        Boolean => Value::Bool(false),
    }
}

/// Puts a missing required value in, with a problem (unless its cell already had one).
fn fill_required(
    object: &mut Map<String, Value>,
    fields: &[Field],
    prefix: &str,
    problems: &mut Vec<FieldProblem>,
) {
    for field in fields.iter().filter(|field| field.required) {
        if lookup(object, field.path).is_none() {
            problems.push(FieldProblem::new(
                format!("{prefix}{}", field.column),
                "required value missing",
            ));
            insert(object, field.path, neutral(field.kind));
        }
    }
}

fn insert(object: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            object.insert(path.to_owned(), value);
        }
        Some((head, rest)) => {
            let child = object
                .entry(head.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !child.is_object() {
                *child = Value::Object(Map::new());
            }
            if let Value::Object(child) = child {
                insert(child, rest, value);
            }
        }
    }
}

fn lookup<'v>(object: &'v Map<String, Value>, path: &str) -> Option<&'v Value> {
    match path.split_once('.') {
        None => object.get(path),
        Some((head, rest)) => match object.get(head)? {
            Value::Object(child) => lookup(child, rest),
            _ => None,
        },
    }
}

/// Every column name of the dictionary, numbered groups with `<N>` / `<M>` (for the docs test).
#[cfg(test)]
fn dictionary() -> Vec<String> {
    let mut names: Vec<String> = TOP.iter().map(|top| top.column.to_owned()).collect();
    for group in GROUPS {
        for field in group.fields {
            names.push(format!("{}<N>_{}", group.prefix, field.column));
        }
    }
    for field in PERSON_ID {
        names.push(format!("person<N>_id<M>_{}", field.column));
    }
    names
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
