//! Tests of the CSV layout, row conversion and column naming.

use super::*;

const DOC: &str = include_str!("../../../../docs/partner-feed.md");

fn layout(header: &str) -> Result<CsvLayout, Vec<FieldProblem>> {
    CsvLayout::from_header(header.split(','))
}

const MINIMAL: &str = "source_report_id,submitted_at,submitter_org_name,submitter_org_type,\
reporter_role,observed_start,location_jurisdiction,narrative,lawfully_obtained";

fn minimal_row() -> Vec<&'static str> {
    vec![
        "T-1",
        "2026-03-01T10:00:00-07:00",
        "Acme Retail",
        "private_sector",
        "security_officer",
        "2026-03-01T09:00:00-07:00",
        "Riverside PD",
        "Person photographed the loading dock for twenty minutes.",
        "true",
    ]
}

#[test]
fn the_documented_dictionary_is_the_implemented_one() {
    let documented: Vec<String> = DOC
        .lines()
        .skip_while(|line| !line.starts_with("## CSV column dictionary"))
        .filter(|line| line.starts_with("| `"))
        .filter_map(|line| {
            let start = line.find('`')? + 1;
            let length = line[start..].find('`')?;
            Some(line[start..start + length].to_owned())
        })
        .collect();
    let mut implemented = dictionary();
    let mut documented_sorted = documented.clone();
    implemented.sort();
    documented_sorted.sort();
    assert_eq!(documented_sorted, implemented);
    // And every required column is marked so.
    for top in TOP.iter().filter(|top| top.required) {
        let row = DOC
            .lines()
            .find(|line| line.starts_with(&format!("| `{}` |", top.column)))
            .unwrap();
        assert!(row.contains("| yes |"), "{}", top.column);
    }
}

#[test]
fn a_minimal_row_makes_a_valid_intake_record_owned_by_the_partner() {
    let layout = layout(MINIMAL).unwrap();
    let row = layout.row(minimal_row(), "acme");
    assert_eq!(row.problems, Vec::new());
    let intake = row.intake.unwrap();
    assert_eq!(intake.source.system, "partner:acme");
    assert_eq!(intake.source.report_id, "T-1");
    assert_eq!(intake.submitter.org_id, "acme");
    assert_eq!(intake.channel, "csv");
    assert!(intake.lawfully_obtained);
    assert!(intake.persons.is_empty());
    assert_eq!(
        sar_normalize::validate(&intake, &sar_normalize::NormalizeConfig::default()),
        Ok(())
    );
}

#[test]
fn numbered_columns_become_ordered_items() {
    let header = format!(
        "{MINIMAL},behavior_codes,person3_role,person3_name,person3_id2_kind,person3_id2_value,\
person3_id1_kind,person3_id1_value,person1_role,person1_height_cm,person1_race,vehicle2_plate,\
vehicle2_year,location_lat,location_is_residence"
    );
    let layout = layout(&header).unwrap();
    let mut cells = minimal_row();
    cells.extend([
        "PHOTO; SURVL;",
        "subject",
        "Pat Example",
        "passport",
        "P123",
        "drivers_license",
        "D1",
        "witness",
        "180",
        "declined",
        "ABC123",
        "2019",
        "33.5",
        "no",
    ]);
    let row = layout.row(cells, "acme");
    assert_eq!(row.problems, Vec::new());
    let intake = row.intake.unwrap();
    assert_eq!(intake.behavior_codes, ["PHOTO", "SURVL"]);
    assert_eq!(intake.persons.len(), 2);
    assert_eq!(intake.persons[0].role, "witness");
    assert_eq!(
        intake.persons[0]
            .physical
            .as_ref()
            .and_then(|p| p.height_cm),
        Some(180)
    );
    assert!(intake.persons[0].descriptors.is_some());
    assert_eq!(intake.persons[1].name.as_deref(), Some("Pat Example"));
    let kinds: Vec<&str> = intake.persons[1]
        .ids
        .iter()
        .map(|id| id.kind.as_str())
        .collect();
    assert_eq!(kinds, ["drivers_license", "passport"]);
    assert_eq!(intake.vehicles.len(), 1);
    assert_eq!(intake.vehicles[0].year, Some(2019));
    assert_eq!(intake.location.lat, Some(33.5));
    assert_eq!(intake.location.is_residence, Some(false));
    // Validation paths are named as columns of the file.
    assert_eq!(row.numbers.column_of("persons[1].name"), "person3_name");
    assert_eq!(row.numbers.column_of("persons[0].dob"), "person1_dob");
    assert_eq!(
        row.numbers.column_of("persons[1].ids[1].kind"),
        "person3_id2_kind"
    );
    assert_eq!(row.numbers.column_of("vehicles[0].year"), "vehicle2_year");
    assert_eq!(
        row.numbers.column_of("behavior_codes[1]"),
        "behavior_codes[1]"
    );
    assert_eq!(row.numbers.column_of("observed.end"), "observed_end");
    assert_eq!(
        row.numbers.column_of("grading.source_reliability"),
        "source_reliability"
    );
    assert_eq!(
        row.numbers.column_of("submitter.org_id"),
        "submitter.org_id"
    );
}

#[test]
fn bad_and_missing_cells_are_all_reported_by_column() {
    let header = format!("{MINIMAL},person2_age,person2_id1_value,location_lon");
    let layout = layout(&header).unwrap();
    let mut cells = minimal_row();
    cells[0] = "";
    cells[8] = "maybe";
    cells.extend(["forty", "X9", "east"]);
    let row = layout.row(cells, "acme");
    let problems: Vec<(&str, &str)> = row
        .problems
        .iter()
        .map(|problem| (problem.field.as_str(), problem.problem.as_str()))
        .collect();
    assert_eq!(
        problems,
        [
            ("lawfully_obtained", "not true or false"),
            ("person2_age", "not an integer"),
            ("location_lon", "not a number"),
            ("source_report_id", "required value missing"),
            ("person2_role", "required value missing"),
            ("person2_id1_kind", "required value missing"),
        ]
    );
    // The record is still built, so validation can add the problems of the other fields.
    assert!(row.intake.is_some());
}

#[test]
fn the_header_is_checked_as_a_whole() {
    let problems = layout(
        "source_report_id,narrative,narrative,person0_role,person1_shoe_size,person100_role,\
vehicle01_plate,channel,bad name",
    )
    .err()
    .unwrap();
    let fields: Vec<&str> = problems
        .iter()
        .map(|problem| problem.field.as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "narrative",
            "person0_role",
            "person1_shoe_size",
            "person100_role",
            "vehicle01_plate",
            "channel",
            "column 9",
            "submitted_at",
            "submitter_org_name",
            "submitter_org_type",
            "reporter_role",
            "observed_start",
            "location_jurisdiction",
            "lawfully_obtained",
        ]
    );
    // A byte-order mark before the first column is tolerated.
    assert!(CsvLayout::from_header(format!("\u{feff}{MINIMAL}").split(',')).is_ok());
}
