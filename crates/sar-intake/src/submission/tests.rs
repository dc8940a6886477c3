//! Tests of the submission checks, origin keys and ledger entries.

use sar_model::examples;
use sar_store::NewOutcome;

use super::*;

fn officer() -> Sender {
    Sender {
        principal: "officer-17".to_owned(),
        agency: "AZ0070100".to_owned(),
        channel: OFFICER_CHANNEL,
        kind: SenderKind::Officer,
    }
}

fn partner() -> Sender {
    Sender {
        principal: "acme".to_owned(),
        agency: "acme".to_owned(),
        channel: FEED_CHANNEL,
        kind: SenderKind::Partner,
    }
}

fn fields(problems: &[FieldProblem]) -> Vec<&str> {
    problems
        .iter()
        .map(|problem| problem.field.as_str())
        .collect()
}

#[test]
fn the_example_passes_for_its_own_agency() {
    let problems = check(
        &examples::intake_record(),
        &officer(),
        &NormalizeConfig::default(),
    );
    assert_eq!(problems, Vec::new());
}

#[test]
fn every_problem_is_reported_at_once_with_the_ownership_rules() {
    let mut intake = examples::intake_record();
    intake.submitter.org_id = "AZ0000000".to_owned();
    intake.behavior_codes = vec!["INTRSN".to_owned(), "NOPE".to_owned()];
    intake.persons[0].dob = Some("12/04/1988".to_owned());
    intake.lawfully_obtained = false;
    let problems = check(&intake, &officer(), &NormalizeConfig::default());
    assert_eq!(
        fields(&problems),
        [
            "behavior_codes[1]",
            "persons[0].dob",
            "lawfully_obtained",
            "submitter.org_id"
        ]
    );
    // No problem repeats the value sent.
    assert!(
        problems
            .iter()
            .all(|problem| !problem.problem.contains("NOPE"))
    );
}

#[test]
fn a_partner_names_itself_as_organisation_and_origin() {
    let mut intake = examples::intake_record();
    let problems = check(&intake, &partner(), &NormalizeConfig::default());
    assert_eq!(
        fields(&problems),
        ["submitter.org_id", "source.system", "channel"]
    );
    intake.submitter.org_id = "acme".to_owned();
    intake.source.system = "partner:acme".to_owned();
    intake.channel = "partner_feed".to_owned();
    assert_eq!(
        check(&intake, &partner(), &NormalizeConfig::default()),
        Vec::new()
    );
}

#[test]
fn the_narrative_limit_comes_from_the_config() {
    let config = NormalizeConfig {
        max_narrative_chars: 10,
        ..NormalizeConfig::default()
    };
    let problems = check(&examples::intake_record(), &officer(), &config);
    assert_eq!(fields(&problems), ["narrative"]);
}

#[test]
fn origin_keys_match_the_cli_format_and_need_both_parts() {
    let source = IntakeSource {
        system: "rms".to_owned(),
        report_id: "R-1".to_owned(),
    };
    assert_eq!(origin_key(&source).as_deref(), Some("origin:rms\u{1f}R-1"));
    let empty = IntakeSource {
        system: String::new(),
        report_id: "R-1".to_owned(),
    };
    assert_eq!(origin_key(&empty), None);
}

#[test]
fn report_ids_are_v7_at_the_receipt_time() {
    let at = time::macros::datetime!(2026-03-01 10:00 UTC);
    let first = new_report_id(at);
    let second = new_report_id(at);
    assert_ne!(first, second);
    assert_eq!(first.as_uuid().get_version_num(), 7);
    let (seconds, _) = first.as_uuid().get_timestamp().unwrap().to_unix();
    assert_eq!(i64::try_from(seconds).unwrap(), at.unix_timestamp());
}

#[test]
fn an_accepted_entry_encodes_the_raw_record_with_its_ledger_seq() {
    let codec = Arc::new(Codec::new().unwrap());
    let at = time::macros::datetime!(2026-03-01 10:00 UTC);
    let envelope = Envelope::new(at, b"{}");
    let entry = envelope
        .accept(&officer(), examples::intake_record(), &codec)
        .unwrap();
    assert_eq!(entry.channel, OFFICER_CHANNEL);
    assert_eq!(entry.agency, "AZ0070100");
    assert_eq!(
        entry.origin_key.as_deref(),
        Some("origin:riverside-pd-rms\u{1f}RPD-2026-004411")
    );
    assert_eq!(entry.body_sha256, sha256_hex(b"{}"));
    let NewOutcome::Accept { payload } = entry.outcome else {
        panic!("an accepted entry");
    };
    let record: RawRecord = codec.decode(&payload(42)).unwrap();
    assert_eq!(record.ledger_seq, Some(42));
    assert_eq!(record.record_id, envelope.report_id);
    assert_eq!(record.submission, examples::intake_record());
}

#[test]
fn the_ledger_seq_is_spliced_into_the_bytes_the_codec_gives() {
    let codec = Codec::new().unwrap();
    for (at, body) in [
        (time::macros::datetime!(2026-03-01 10:00 UTC), "{}"),
        (
            time::macros::datetime!(2026-12-31 23:59:59.123456 UTC),
            "[]",
        ),
    ] {
        let envelope = Envelope::new(at, body.as_bytes());
        let mut record = RawRecord {
            record_id: envelope.report_id,
            received_at: ZonedTime::from_offset_date_time(at),
            ledger_seq: None,
            submission: examples::intake_record(),
        };
        let without_seq = codec.encode(&record).unwrap();
        let offset = ledger_seq_offset(&without_seq, &record).unwrap();
        for seq in [0, 1, 63, 64, 8191, 8192, 1 << 40, i64::MAX] {
            record.ledger_seq = Some(seq);
            assert_eq!(
                with_ledger_seq(&without_seq, offset, seq),
                codec.encode(&record).unwrap(),
                "seq {seq}"
            );
        }
    }
}

#[test]
fn bytes_of_another_layout_are_not_spliced() {
    let codec = Codec::new().unwrap();
    let at = time::macros::datetime!(2026-03-01 10:00 UTC);
    let record = RawRecord {
        record_id: Envelope::new(at, b"").report_id,
        received_at: ZonedTime::from_offset_date_time(at),
        ledger_seq: Some(7),
        submission: examples::intake_record(),
    };
    let with_seq = codec.encode(&record).unwrap();
    assert_eq!(ledger_seq_offset(&with_seq, &record), None);
    assert_eq!(ledger_seq_offset(&with_seq[..12], &record), None);
}

#[test]
fn a_rejected_entry_keeps_the_field_problems() {
    let envelope = Envelope::new(time::OffsetDateTime::UNIX_EPOCH, b"x");
    let entry = envelope.reject(
        &partner(),
        None,
        reason::INVALID_FIELD,
        &[FieldProblem::new("narrative", "must not be empty")],
    );
    let NewOutcome::Reject {
        reason_code,
        field_errors,
    } = entry.outcome
    else {
        panic!("a rejected entry");
    };
    assert_eq!(reason_code, "invalid_field");
    assert_eq!(
        field_errors,
        [("narrative".to_owned(), "must not be empty".to_owned())]
    );
    assert_eq!(entry.principal, "acme");
    assert_eq!(entry.channel, FEED_CHANNEL);
}
