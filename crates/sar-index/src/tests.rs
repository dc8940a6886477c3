//! Index tests: idempotent upserts, the commit payload across a reopen, every filter against a
//! brute-force answer over the same records, need-to-know (PII fields and jurisdictions),
//! pagination, sorting and deletes.

use std::collections::BTreeSet;

use sar_model::{
    ReportId, ZonedTime,
    access::{Caller, Role},
    examples,
    records::RoutedRecord,
    report::Sensitivity,
};

use crate::{
    IndexError, ReportIndex, SearchRequest, SearchResponse, SortBy, SortOrder, ViewKind,
    document::queue_of,
};

const MEMORY: usize = 50_000_000;
const NAME: &str = "Zebulon Quartermaine";
const PII_STRINGS: &[&str] = &[
    "Zebulon",
    "Quartermaine",
    "7ABC123",
    "1HGCM82633A004352",
    "D1234567",
    "555-201-7788",
    "jqe@example.com",
    "Whitfield",
    "dwhitfield",
    "12 Elm St",
    "BC-99812",
    "N123RX",
    "descriptors",
    "bolt-cutter marks",
];

fn caller(role: Role, jurisdictions: &[&str], pii: bool) -> Caller {
    Caller {
        subject: "user-1".into(),
        role,
        agency: "AZ0070100".into(),
        jurisdictions: jurisdictions.iter().map(|j| (*j).to_owned()).collect(),
        pii,
    }
}

fn analyst() -> Caller {
    caller(Role::Analyst, &["*"], false)
}

fn pii_analyst() -> Caller {
    caller(Role::Analyst, &["*"], true)
}

/// The fully populated example, with a distinctive subject name, the given id suffix and
/// jurisdiction.
fn example(n: u8, jurisdiction: &str) -> RoutedRecord {
    let mut record = examples::routed_record();
    let report = &mut record.gated.scored.normalized.report;
    report.report_id = ReportId::from_parts(1_772_000_000_000 + u64::from(n), [n; 10]);
    report.location.jurisdiction = jurisdiction.into();
    report.persons[0].name = Some(NAME.into());
    report.narrative = format!("{} The driver was {NAME}.", report.narrative);
    record
}

fn id_of(record: &RoutedRecord) -> String {
    record.gated.scored.normalized.report.report_id.to_string()
}

fn index_with(records: &[RoutedRecord]) -> ReportIndex {
    let index = ReportIndex::in_memory().unwrap();
    let mut writer = index.writer(MEMORY).unwrap();
    for record in records {
        writer.upsert(record).unwrap();
    }
    writer.commit("{}").unwrap();
    index
}

fn search(index: &ReportIndex, request: &SearchRequest, caller: &Caller) -> SearchResponse {
    index.search(request, caller).unwrap()
}

fn text(q: &str) -> SearchRequest {
    SearchRequest {
        q: Some(q.into()),
        ..SearchRequest::default()
    }
}

/// Every id matching the request, paging through all of it.
fn all_ids(index: &ReportIndex, request: &SearchRequest, caller: &Caller) -> Vec<String> {
    let mut ids = Vec::new();
    let mut page = SearchRequest {
        limit: 100,
        offset: 0,
        ..request.clone()
    };
    loop {
        let response = search(index, &page, caller);
        let n = response.hits.len();
        ids.extend(response.hits.into_iter().map(|hit| hit.report_id));
        if n < page.limit {
            assert_eq!(ids.len() as u64, response.total);
            return ids;
        }
        page.offset += page.limit;
    }
}

fn synth() -> Vec<RoutedRecord> {
    sar_synth::canonical::routed_records(11, 300)
}

fn expected(records: &[RoutedRecord], keep: impl Fn(&RoutedRecord) -> bool) -> BTreeSet<String> {
    records.iter().filter(|r| keep(r)).map(id_of).collect()
}

#[test]
fn upsert_twice_is_one_document() {
    let mut record = example(1, "Riverside PD");
    let index = index_with(&[record.clone(), record.clone()]);
    assert_eq!(index.count(), 1);

    record.gated.scored.score.value = 12.5;
    let mut writer = index.writer(MEMORY).unwrap();
    writer.upsert(&record).unwrap();
    writer.upsert(&record).unwrap();
    writer.commit("{}").unwrap();
    assert_eq!(index.count(), 1);
    let response = search(&index, &SearchRequest::default(), &analyst());
    assert_eq!(response.total, 1);
    assert_eq!(response.hits[0].summary.score, 12.5);
}

#[test]
fn an_index_of_another_schema_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    {
        // What an earlier version left: an index whose schema lacks a field of today's.
        let mut builder = tantivy::schema::Schema::builder();
        builder.add_text_field("report_id", tantivy::schema::STRING);
        let directory = tantivy::directory::MmapDirectory::open(dir.path()).unwrap();
        tantivy::Index::create(
            directory,
            builder.build(),
            tantivy::IndexSettings::default(),
        )
        .unwrap();
    }
    let meta = std::fs::read(dir.path().join("meta.json")).unwrap();
    let error = ReportIndex::open_or_create(dir.path()).unwrap_err();
    assert_eq!(
        error,
        IndexError::SchemaChanged {
            dir: dir.path().display().to_string()
        }
    );
    assert!(
        error.to_string().contains("move that directory away"),
        "{error}"
    );
    assert_eq!(std::fs::read(dir.path().join("meta.json")).unwrap(), meta);
}

#[test]
fn commit_payload_survives_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = ReportIndex::open_or_create(dir.path()).unwrap();
        assert_eq!(index.last_commit_payload().unwrap(), None);
        let mut writer = index.writer(MEMORY).unwrap();
        assert_eq!(index.writer(MEMORY).unwrap_err(), IndexError::WriterBusy);
        writer.upsert(&example(1, "Riverside PD")).unwrap();
        writer.commit(r#"{"journal_seq":7}"#).unwrap();
        writer.upsert(&example(2, "Riverside PD")).unwrap();
        // dropped without a commit: the second record is lost, the payload stays the first
    }
    let index = ReportIndex::open_or_create(dir.path()).unwrap();
    assert_eq!(
        index.last_commit_payload().unwrap().as_deref(),
        Some(r#"{"journal_seq":7}"#)
    );
    assert_eq!(index.count(), 1);
    let mut writer = index.writer(MEMORY).unwrap();
    writer.upsert(&example(2, "Riverside PD")).unwrap();
    writer.commit(r#"{"journal_seq":8}"#).unwrap();
    assert_eq!(index.count(), 2);
    assert_eq!(
        index.last_commit_payload().unwrap().as_deref(),
        Some(r#"{"journal_seq":8}"#)
    );
}

#[test]
fn every_filter_matches_a_brute_force_answer() {
    let records = synth();
    let index = index_with(&records);
    let all = analyst();
    assert_eq!(index.count() as usize, records.len());
    let report = |r: &RoutedRecord| r.gated.scored.normalized.report.clone();
    let check = |name: &str, request: SearchRequest, keep: &dyn Fn(&RoutedRecord) -> bool| {
        let got: BTreeSet<String> = all_ids(&index, &request, &all).into_iter().collect();
        let want = expected(&records, keep);
        assert!(!want.is_empty(), "{name}: pick a value that occurs");
        assert!(
            want.len() < records.len(),
            "{name}: pick a value that filters"
        );
        assert_eq!(got, want, "{name}");
    };

    let sample = &records[3];
    let code = report(sample).behavior_codes[0].code();
    check(
        "behavior code, any case",
        SearchRequest {
            behavior_codes: vec![code.to_lowercase()],
            ..SearchRequest::default()
        },
        &|r| report(r).behavior_codes.iter().any(|c| c.code() == code),
    );
    let sectors: Vec<&str> = records
        .iter()
        .flat_map(|r| r.gated.scored.normalized.report.target_sectors.iter())
        .map(|s| s.code())
        .take(2)
        .collect();
    check(
        "sectors",
        SearchRequest {
            sectors: sectors.iter().map(|s| (*s).to_owned()).collect(),
            ..SearchRequest::default()
        },
        &|r| {
            report(r)
                .target_sectors
                .iter()
                .any(|s| sectors.contains(&s.code()))
        },
    );
    check(
        "queue",
        SearchRequest {
            queue: Some("standard".into()),
            ..SearchRequest::default()
        },
        &|r| queue_of(r) == Some("standard"),
    );
    check(
        "outcome",
        SearchRequest {
            outcome: Some("privacy_review".into()),
            ..SearchRequest::default()
        },
        &|r| r.gated.decision.outcome.as_str() == "privacy_review",
    );
    check(
        "sensitivity",
        SearchRequest {
            sensitivity: Some("restricted".into()),
            ..SearchRequest::default()
        },
        &|r| report(r).labels.sensitivity == Sensitivity::Restricted,
    );
    let jurisdiction = report(sample).location.jurisdiction;
    check(
        "jurisdiction",
        SearchRequest {
            jurisdiction: Some(jurisdiction.to_uppercase()),
            ..SearchRequest::default()
        },
        &|r| report(r).location.jurisdiction == jurisdiction,
    );
    check(
        "score range",
        SearchRequest {
            min_score: Some(30.0),
            max_score: Some(60.0),
            ..SearchRequest::default()
        },
        &|r| (30.0..=60.0).contains(&r.gated.scored.score.value),
    );
    let mut starts: Vec<i64> = records
        .iter()
        .map(|r| {
            r.gated
                .scored
                .normalized
                .report
                .observed
                .start
                .unix_seconds()
        })
        .collect();
    starts.sort_unstable();
    let (from, to) = (starts[starts.len() / 4], starts[starts.len() / 2]);
    check(
        "observed range",
        SearchRequest {
            observed_from: Some(ZonedTime::from_unix(from, 3_600).unwrap()),
            observed_to: Some(ZonedTime::from_unix(to, -7 * 3_600).unwrap()),
            ..SearchRequest::default()
        },
        &|r| (from..=to).contains(&report(r).observed.start.unix_seconds()),
    );
    check(
        "filters combine",
        SearchRequest {
            outcome: Some("triage".into()),
            min_score: Some(40.0),
            ..SearchRequest::default()
        },
        &|r| r.gated.decision.outcome.as_str() == "triage" && r.gated.scored.score.value >= 40.0,
    );
}

#[test]
fn a_summary_caller_neither_finds_nor_sees_pii() {
    let records = vec![example(1, "Riverside PD"), example(2, "Mesa PD")];
    let index = index_with(&records);
    // the auditor's token claims PII, but the role cannot hold it
    for summary_caller in [analyst(), caller(Role::Auditor, &["*"], true)] {
        for q in [
            "Quartermaine",
            "Zebulon",
            "7ABC123",
            "dwhitfield",
            "D1234567",
            "\"555 201 7788\"",
        ] {
            let response = search(&index, &text(q), &summary_caller);
            assert_eq!(response.total, 0, "{q} found by a summary caller");
            assert!(!response.pii_fields_touched);
        }
        for q in [
            "person_names:quartermaine",
            "narrative:fence",
            "plates:*",
            "contact:[a TO z]",
        ] {
            assert_eq!(
                index.search(&text(q), &summary_caller).unwrap_err(),
                IndexError::InvalidQuery {
                    reason: "unknown field"
                },
                "{q}"
            );
        }
        let broad = search(&index, &text("fence pump"), &summary_caller);
        assert_eq!(broad.total, 2);
        let all = search(&index, &SearchRequest::default(), &summary_caller);
        for response in [broad, all] {
            let json = serde_json::to_string(&response).unwrap();
            for pii in PII_STRINGS {
                assert!(!json.contains(pii), "{pii} in a summary response");
            }
            for hit in &response.hits {
                assert!(hit.detailed.is_none());
            }
        }
        let snippet = search(&index, &text("fence"), &summary_caller).hits[0]
            .snippet
            .clone()
            .unwrap();
        assert!(snippet.contains("<b>fence</b>"), "{snippet}");
        assert!(
            snippet.contains("[PLATE]") || !snippet.contains("plate"),
            "{snippet}"
        );
    }
}

#[test]
fn a_pii_caller_finds_and_sees_pii_but_never_protected_descriptors() {
    let index = index_with(&[example(1, "Riverside PD")]);
    for q in [
        "Quartermaine",
        "7ABC123",
        "dwhitfield",
        "d1234567",
        "\"555-201-7788\"",
        "person_names:zebulon",
    ] {
        let response = search(&index, &text(q), &pii_analyst());
        assert_eq!(response.total, 1, "{q}");
        assert!(response.pii_fields_touched);
    }
    let response = search(&index, &text("7ABC123"), &pii_analyst());
    let hit = &response.hits[0];
    let detailed = hit.detailed.as_ref().unwrap();
    assert_eq!(detailed.persons[0]["name"], NAME);
    assert!(detailed.narrative.contains("7ABC123"));
    assert!(hit.snippet.as_deref().unwrap().contains("<b>7ABC123</b>"));
    let json = serde_json::to_string(&response).unwrap();
    assert!(!json.contains("descriptors"));
    assert!(!json.contains("hispanic"));
}

#[test]
fn a_pii_callers_free_text_searches_the_narrative_not_its_redacted_copy() {
    let records = synth();
    let index = index_with(&records);
    let ids = |q: &str, caller: &Caller| -> BTreeSet<String> {
        all_ids(&index, &text(q), caller).into_iter().collect()
    };
    // Outside the redacted spans both copies hold the same words.
    for q in ["vehicle", "photograph entrance"] {
        let summary = ids(q, &analyst());
        assert!(!summary.is_empty(), "{q}");
        assert!(summary.is_subset(&ids(q, &pii_analyst())), "{q}");
    }
    // A placeholder is a word of the redacted copy only ("nam": no "named" or "naming" either).
    let redacted_name = |r: &RoutedRecord| {
        let normalized = &r.gated.scored.normalized;
        let report = &normalized.report;
        let full = format!(
            "{} {}",
            report.narrative,
            report.additional_facts.as_deref().unwrap_or_default()
        );
        normalized.narrative_redacted.contains("[NAME]") && !full.to_lowercase().contains("nam")
    };
    let with_placeholder = expected(&records, redacted_name);
    assert!(!with_placeholder.is_empty(), "synth redacts some names");
    assert!(with_placeholder.is_subset(&ids("name", &analyst())));
    assert!(with_placeholder.is_disjoint(&ids("name", &pii_analyst())));
}

#[test]
fn report_view_follows_need_to_know() {
    let record = example(1, "Riverside PD");
    let id = id_of(&record);
    let index = index_with(&[record]);

    let summary = index.report(&id, &analyst()).unwrap().unwrap();
    assert_eq!(summary.view, ViewKind::Summary);
    let json = summary.record.to_string();
    for pii in PII_STRINGS {
        assert!(!json.contains(pii), "{pii} in a summary report view");
    }
    assert!(json.contains("[PLATE]"));

    let detailed = index.report(&id, &pii_analyst()).unwrap().unwrap();
    assert_eq!(detailed.view, ViewKind::Detailed);
    let json = detailed.record.to_string();
    assert!(json.contains(NAME));
    assert!(!json.contains("descriptors"));

    let elsewhere = caller(Role::Analyst, &["Mesa PD"], true);
    assert_eq!(index.report(&id, &elsewhere).unwrap(), None);
    assert_eq!(index.report("no-such-id", &pii_analyst()).unwrap(), None);
}

#[test]
fn searches_are_scoped_to_the_callers_jurisdictions() {
    let records = vec![
        example(1, "Riverside PD"),
        example(2, "Mesa PD"),
        example(3, "Tempe PD"),
    ];
    let index = index_with(&records);
    let ids = |caller: &Caller, request: &SearchRequest| -> BTreeSet<String> {
        all_ids(&index, request, caller).into_iter().collect()
    };
    let everything = SearchRequest::default();
    let two = caller(Role::Supervisor, &["riverside pd", "Mesa PD"], true);
    assert_eq!(
        ids(&two, &everything),
        [id_of(&records[0]), id_of(&records[1])]
            .into_iter()
            .collect()
    );
    assert_eq!(ids(&two, &text("Quartermaine")).len(), 2);
    let outside = SearchRequest {
        jurisdiction: Some("Tempe PD".into()),
        ..SearchRequest::default()
    };
    assert!(ids(&two, &outside).is_empty());
    assert_eq!(ids(&analyst(), &outside).len(), 1);
    assert!(ids(&caller(Role::Analyst, &[], false), &everything).is_empty());
    assert!(ids(&caller(Role::Analyst, &["Nowhere"], false), &everything).is_empty());
}

#[test]
fn pages_are_disjoint_and_sorted() {
    let records = synth();
    let index = index_with(&records);
    let caller = analyst();
    let sorted = |sort, order| {
        let request = SearchRequest {
            sort,
            order,
            limit: 37,
            ..SearchRequest::default()
        };
        let mut hits = Vec::new();
        loop {
            let page = search(
                &index,
                &SearchRequest {
                    offset: hits.len(),
                    ..request.clone()
                },
                &caller,
            );
            assert_eq!(page.total as usize, records.len());
            let n = page.hits.len();
            hits.extend(page.hits);
            if n < request.limit {
                return hits;
            }
        }
    };
    let by_score = sorted(SortBy::Score, SortOrder::Desc);
    assert_eq!(by_score.len(), records.len());
    let ids: BTreeSet<&str> = by_score.iter().map(|h| h.report_id.as_str()).collect();
    assert_eq!(ids.len(), records.len(), "pages overlap");
    assert!(
        by_score
            .windows(2)
            .all(|w| w[0].summary.score >= w[1].summary.score)
    );
    let ascending = sorted(SortBy::Score, SortOrder::Asc);
    assert!(
        ascending
            .windows(2)
            .all(|w| w[0].summary.score <= w[1].summary.score)
    );

    let instant = |text: &str| ZonedTime::parse(text).unwrap();
    let by_received = sorted(SortBy::ReceivedAt, SortOrder::Asc);
    assert!(by_received.windows(2).all(|w| {
        instant(&w[0].summary.received_at).unix_seconds()
            <= instant(&w[1].summary.received_at).unix_seconds()
    }));
    let by_observed = sorted(SortBy::ObservedAt, SortOrder::Desc);
    assert!(
        by_observed
            .windows(2)
            .all(|w| { instant(&w[0].summary.observed_at) >= instant(&w[1].summary.observed_at) })
    );
    // relevance without a query is newest first
    let newest = search(&index, &SearchRequest::default(), &caller);
    assert_eq!(
        newest.hits[0].report_id,
        sorted(SortBy::ReceivedAt, SortOrder::Desc)[0].report_id
    );

    let relevance = search(&index, &text("vehicle"), &caller);
    assert!(relevance.total > 0);
    let scores: Vec<f32> = relevance
        .hits
        .iter()
        .map(|h| h.relevance.unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn delete_removes_a_report() {
    let records = vec![example(1, "Riverside PD"), example(2, "Riverside PD")];
    let index = index_with(&records);
    let mut writer = index.writer(MEMORY).unwrap();
    writer.delete(&id_of(&records[0]));
    assert_eq!(index.count(), 2, "not before the commit");
    writer.commit("{}").unwrap();
    assert_eq!(index.count(), 1);
    assert_eq!(
        index.report(&id_of(&records[0]), &pii_analyst()).unwrap(),
        None
    );
    assert!(
        index
            .report(&id_of(&records[1]), &pii_analyst())
            .unwrap()
            .is_some()
    );
}

#[test]
fn requests_out_of_bounds_are_refused() {
    let index = index_with(&[]);
    let invalid = |request: SearchRequest, field| match index.search(&request, &analyst()) {
        Err(IndexError::InvalidRequest { field: got, .. }) => assert_eq!(got, field),
        other => panic!("expected invalid {field}, got {other:?}"),
    };
    invalid(
        SearchRequest {
            limit: 0,
            ..SearchRequest::default()
        },
        "limit",
    );
    invalid(
        SearchRequest {
            limit: 101,
            ..SearchRequest::default()
        },
        "limit",
    );
    invalid(
        SearchRequest {
            offset: 10_001,
            ..SearchRequest::default()
        },
        "offset",
    );
    invalid(
        SearchRequest {
            min_score: Some(50.0),
            max_score: Some(10.0),
            ..SearchRequest::default()
        },
        "min_score",
    );
    invalid(
        SearchRequest {
            q: Some("x".repeat(1_001)),
            ..SearchRequest::default()
        },
        "q",
    );
    assert!(matches!(
        index.search(&text("\"unclosed"), &analyst()),
        Ok(_) | Err(IndexError::InvalidQuery { .. })
    ));
}
