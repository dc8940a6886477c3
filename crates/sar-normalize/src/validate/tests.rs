//! Tests of `validate`: one `check` helper (a mutation of the S1 example -> the expected set of
//! `(path, problem prefix)`), every error at once, and no field value in any message.

use sar_model::{
    examples,
    intake::{
        IntakeAttachment, IntakeGrading, IntakeLocation, IntakePerson, IntakePersonId, IntakeRecord,
    },
};

use super::validate;
use crate::NormalizeConfig;

/// Applies `mutate` to the S1 intake record and checks that validation reports exactly
/// `expected`: each a path and the start of its problem. An empty `expected` means valid.
fn check(mutate: impl FnOnce(&mut IntakeRecord), expected: &[(&str, &str)]) {
    let mut intake = examples::intake_record();
    mutate(&mut intake);
    let config = NormalizeConfig::default();
    let actual: Vec<(String, String)> = match validate(&intake, &config) {
        Ok(()) => Vec::new(),
        Err(reject) => {
            assert_eq!(reject.code.as_str(), "invalid_field");
            reject
                .field_errors
                .into_iter()
                .map(|error| (error.path, error.problem))
                .collect()
        }
    };
    assert_eq!(
        actual.len(),
        expected.len(),
        "expected {expected:?}, got {actual:?}"
    );
    for (path, prefix) in expected {
        assert!(
            actual
                .iter()
                .any(|(actual_path, problem)| actual_path == path && problem.starts_with(prefix)),
            "missing ({path}, {prefix}..) in {actual:?}"
        );
    }
}

fn person(role: &str) -> IntakePerson {
    IntakePerson::with_role(role)
}

#[test]
fn the_example_is_valid() {
    check(|_| {}, &[]);
}

#[test]
fn source_channel_and_submitter() {
    check(
        |r| r.source.system = " ".into(),
        &[("source.system", "must not be empty")],
    );
    check(
        |r| r.source.report_id.clear(),
        &[("source.report_id", "must not be empty")],
    );
    check(
        |r| r.channel = "fax".into(),
        &[("channel", "unknown channel: expected one of officer")],
    );
    check(
        |r| r.channel = "OFFICER".into(),
        &[("channel", "unknown channel")],
    );
    check(
        |r| r.submitter.org_type = "police".into(),
        &[("submitter.org_type", "unknown organisation type")],
    );
    check(
        |r| r.submitter.reporter_role = "witness".into(),
        &[("submitter.reporter_role", "unknown reporter role")],
    );
    check(
        |r| r.submitter.sector = Some("Water".into()),
        &[("submitter.sector", "a label, not a code: use WATR")],
    );
    check(
        |r| r.submitter.org_id = "\t".into(),
        &[("submitter.org_id", "must not be empty")],
    );
}

#[test]
fn times() {
    check(
        |r| r.submitted_at = "2026-03-01 03:05".into(),
        &[("submitted_at", "not an RFC 3339")],
    );
    check(
        |r| r.submitted_at = "2026-02-30T03:05:00-07:00".into(),
        &[("submitted_at", "not an RFC 3339")],
    );
    check(
        |r| r.observed.start = "2026-03-01T02:10:00".into(),
        &[("observed.start", "not an RFC 3339")],
    );
    check(
        |r| r.observed.end = Some("yesterday".into()),
        &[("observed.end", "not an RFC 3339")],
    );
    check(
        |r| r.observed.end = Some("2026-03-01T02:09:59-07:00".into()),
        &[("observed.end", "before observed.start")],
    );
    // The same instant in another offset is not before the start.
    check(
        |r| r.observed.end = Some("2026-03-01T09:10:00Z".into()),
        &[],
    );
    check(|r| r.observed.end = None, &[]);
    // Up to five minutes of clock skew is allowed.
    check(
        |r| {
            r.observed.start = "2026-03-01T03:10:00-07:00".into();
            r.observed.end = None;
        },
        &[],
    );
    check(
        |r| {
            r.observed.start = "2026-03-01T03:10:01-07:00".into();
            r.observed.end = None;
        },
        &[("observed.start", "after submitted_at")],
    );
}

#[test]
fn location() {
    check(
        |r| r.location.lat = Some(90.5),
        &[("location.lat", "out of range")],
    );
    check(
        |r| r.location.lon = Some(-180.01),
        &[("location.lon", "out of range")],
    );
    check(
        |r| r.location.lat = None,
        &[("location.lat", "required when location.lon")],
    );
    check(
        |r| r.location.lon = None,
        &[("location.lon", "required when location.lat")],
    );
    check(
        |r| {
            r.location.lat = None;
            r.location.lon = None;
        },
        &[],
    );
    check(
        |r| r.location.lat = Some(f64::NAN),
        &[("location.lat", "out of range")],
    );
    check(
        |r| r.location.state = Some("az".into()),
        &[("location.state", "not a two-letter")],
    );
    check(
        |r| r.location.state = Some("ARZ".into()),
        &[("location.state", "not a two-letter")],
    );
    check(|r| r.location.state = None, &[]);
    check(
        |r| r.location.jurisdiction = " \n ".into(),
        &[("location.jurisdiction", "must not be empty")],
    );
}

#[test]
fn narrative() {
    check(
        |r| r.narrative.clear(),
        &[("narrative", "must not be empty")],
    );
    check(
        |r| r.narrative = " \u{200b}\t\n".into(),
        &[("narrative", "must not be empty")],
    );
    check(|r| r.narrative = "é".repeat(20_000), &[]);
    check(
        |r| r.narrative = "é".repeat(20_001),
        &[("narrative", "longer than 20000 characters")],
    );
    check(|r| r.additional_facts = Some("  ".into()), &[]);
}

#[test]
fn codes() {
    check(
        |r| r.behavior_codes = vec!["INTRSN".into(), "SUSPIC".into()],
        &[("behavior_codes[1]", "unknown behavior code")],
    );
    check(
        |r| r.behavior_codes = vec!["Photography".into()],
        &[("behavior_codes[0]", "a label, not a code: use PHOTO")],
    );
    check(
        |r| r.behavior_codes = vec!["photo".into()],
        &[(
            "behavior_codes[0]",
            "unknown behavior code: codes are exact, use PHOTO",
        )],
    );
    check(
        |r| r.behavior_codes = vec!["PHOTO".into(), "PHOTO".into(), "INTRSN".into()],
        &[],
    );
    check(|r| r.behavior_codes.clear(), &[]);
    check(
        |r| r.target_sectors = vec!["WATR".into(), "Water".into(), "XX".into()],
        &[
            ("target_sectors[1]", "a label, not a code: use WATR"),
            ("target_sectors[2]", "unknown target_sector code"),
        ],
    );
    check(
        |r| r.tip_class = Some("Explosives".into()),
        &[("tip_class", "a label, not a code: use EXPL")],
    );
    check(
        |r| r.tip_domain = Some("Z".into()),
        &[("tip_domain", "unknown tip_domain code")],
    );
}

#[test]
fn persons() {
    check(
        |r| r.persons.push(person("officer")),
        &[(
            "persons[1].role",
            "unknown person role: expected one of subject, witness, victim, reporter, associate",
        )],
    );
    check(
        |r| r.persons.push(person("suspect")),
        &[("persons[1].role", "unknown person role")],
    );
    check(
        |r| r.persons[0].dob = Some("1988-02-30".into()),
        &[("persons[0].dob", "not a date (YYYY-MM-DD)")],
    );
    check(
        |r| r.persons[0].dob = Some("04/12/1988".into()),
        &[("persons[0].dob", "not a date")],
    );
    check(
        |r| r.persons[0].dob = Some("2026-03-02".into()),
        &[("persons[0].dob", "after submitted_at")],
    );
    check(|r| r.persons[0].dob = Some("2026-03-01".into()), &[]);
    check(
        |r| r.persons[0].age = Some(131),
        &[("persons[0].age", "out of range (0-130)")],
    );
    check(
        |r| r.persons[0].age = Some(-1),
        &[("persons[0].age", "out of range")],
    );
    check(|r| r.persons[0].age = Some(0), &[]);
    check(
        |r| {
            r.persons[0].ids.push(IntakePersonId {
                kind: "library_card".into(),
                value: "X".into(),
                issuer: None,
            });
        },
        &[("persons[0].ids[1].kind", "unknown id kind")],
    );
}

#[test]
fn vehicles_attachments_grading_attestation_version() {
    check(
        |r| r.vehicles[0].year = Some(1899),
        &[("vehicles[0].year", "out of range (1900-2100)")],
    );
    check(|r| r.vehicles[0].year = Some(2100), &[]);
    check(
        |r| r.attachments[0].sha256 = r.attachments[0].sha256.to_uppercase(),
        &[("attachments[0].sha256", "not a SHA-256")],
    );
    check(
        |r| {
            r.attachments[0].sha256.pop();
        },
        &[("attachments[0].sha256", "not a SHA-256")],
    );
    check(
        |r| r.attachments[0].media_type = "jpeg".into(),
        &[("attachments[0].media_type", "not a media type")],
    );
    check(
        |r| r.attachments[0].media_type = "image/".into(),
        &[("attachments[0].media_type", "not a media type")],
    );
    check(
        |r| r.attachments[0].media_type = "application/vnd.ms-excel".into(),
        &[],
    );
    check(
        |r| r.attachments[0].size_bytes = -1,
        &[("attachments[0].size_bytes", "must not be negative")],
    );
    check(|r| r.attachments[0].size_bytes = 0, &[]);
    check(
        |r| {
            r.grading = Some(IntakeGrading {
                source_reliability: Some("Z".into()),
                content_validity: Some("7".into()),
            })
        },
        &[
            ("grading.source_reliability", "unknown grade"),
            ("grading.content_validity", "unknown grade"),
        ],
    );
    check(
        |r| {
            r.grading = Some(IntakeGrading {
                source_reliability: Some("B".into()),
                content_validity: None,
            })
        },
        &[],
    );
    check(|r| r.grading = None, &[]);
    check(
        |r| r.lawfully_obtained = false,
        &[(
            "lawfully_obtained",
            "attestation required (28 CFR 23.20(d))",
        )],
    );
    check(|r| r.fs_version = Some("1.5".into()), &[]);
    check(|r| r.fs_version = None, &[]);
    check(
        |r| r.fs_version = Some("2.0".into()),
        &[("fs_version", "unsupported Functional Standard version")],
    );
}

#[test]
fn every_error_at_once() {
    check(
        |r| {
            r.channel = "fax".into();
            r.behavior_codes.push("Photography".into());
            r.persons[0].dob = Some("1988-13-01".into());
            r.location.lat = Some(123.0);
            r.lawfully_obtained = false;
        },
        &[
            ("channel", "unknown channel"),
            ("behavior_codes[2]", "a label, not a code: use PHOTO"),
            ("persons[0].dob", "not a date"),
            ("location.lat", "out of range"),
            ("lawfully_obtained", "attestation required"),
        ],
    );
    let mut intake = examples::intake_record();
    intake.narrative.clear();
    intake.observed.start = "soon".into();
    intake.attachments.push(IntakeAttachment {
        sha256: "x".into(),
        media_type: "y".into(),
        size_bytes: -5,
    });
    let reject = validate(&intake, &NormalizeConfig::default()).unwrap_err();
    assert_eq!(reject.field_errors.len(), 5, "{reject}");
    assert_eq!(reject.message, "5 invalid fields");
}

#[test]
fn messages_never_repeat_values() {
    let planted = [
        "PLANTED-SYS",
        "Fax Machine 3000",
        "Zeppelin",
        "1899-99-99",
        "SECRETCODE",
        "Secret Sector",
        "Very Reliable Indeed",
        "99.5",
        "2999-01-01T00:00:00Q",
        "jurisdiction-xyz",
        "Nebraska",
    ];
    let mut intake = examples::intake_record();
    intake.channel = planted[1].into();
    intake.submitter.reporter_role = planted[2].into();
    intake.persons[0].dob = Some(planted[3].into());
    intake.behavior_codes.push(planted[4].into());
    intake.target_sectors.push(planted[5].into());
    intake.grading = Some(IntakeGrading {
        source_reliability: Some(planted[6].into()),
        content_validity: None,
    });
    intake.submitted_at = planted[8].into();
    intake.location = IntakeLocation {
        state: Some(planted[10].into()),
        lat: Some(99.5),
        ..intake.location.clone()
    };
    intake.persons.push(IntakePerson {
        role: "Grand Vizier".into(),
        ..person("x")
    });
    let reject = validate(&intake, &NormalizeConfig::default()).unwrap_err();
    let shown = reject.to_string();
    assert!(reject.field_errors.len() >= 9, "{shown}");
    for value in planted.iter().chain(&["Grand Vizier"]) {
        assert!(!shown.contains(value), "`{value}` leaked into {shown}");
    }
}
