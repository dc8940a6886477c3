//! The scoring stage: contributions and flags (`check`), T-09 over synthetic records, group A
//! above group B, CULTR as a target, S1, S12, and the T-06 / T-07 property test that replacing
//! one protected-class word by another leaves the score bit-identical.

use std::sync::OnceLock;

use proptest::prelude::*;
use sar_model::{
    BehaviorCode, TargetSectorCode, ZonedTime,
    examples::normalized_record,
    protected_terms::protected_terms,
    records::{FlagKind, NormalizedRecord, ScoredRecord},
};

use super::{ScoreContext, Scorer};
use crate::{RulePack, lexicon::WordMatcher};

/// The default scorer, built once for all tests.
fn scorer() -> &'static Scorer {
    static SCORER: OnceLock<Scorer> = OnceLock::new();
    SCORER.get_or_init(|| Scorer::new(RulePack::default_pack().unwrap()).unwrap())
}

fn now() -> ZonedTime {
    ZonedTime::parse("2026-03-01T10:06:00Z").unwrap()
}

fn score_with(scorer: &Scorer, record: NormalizedRecord, linked_reports: u32) -> ScoredRecord {
    scorer
        .score(record, &ScoreContext { linked_reports }, now())
        .unwrap()
}

fn behaviors(codes: &[&str]) -> Vec<BehaviorCode> {
    codes
        .iter()
        .map(|code| BehaviorCode::parse(code).unwrap())
        .collect()
}

fn sectors(codes: &[&str]) -> Vec<TargetSectorCode> {
    codes
        .iter()
        .map(|code| TargetSectorCode::parse(code).unwrap())
        .collect()
}

/// Checks T-09 on one score: value in [0, 100], at least one contribution, sum within 0.001.
fn assert_explained(scored: &ScoredRecord) {
    let score = &scored.score;
    assert!((0.0..=100.0).contains(&score.value), "{}", score.value);
    assert!(!score.contributions.is_empty());
    let sum: f64 = score.contributions.iter().map(|c| c.contribution).sum();
    assert!(
        (sum - score.value).abs() <= 0.001,
        "{sum} vs {}",
        score.value
    );
    for contribution in &score.contributions {
        assert!(!contribution.rule.is_empty() && !contribution.description.is_empty());
    }
}

/// S1 (`examples::normalized_record`) after `mutate`, scored with no linked reports: the
/// contributions, in order, and the flag kinds.
fn check(
    mutate: impl FnOnce(&mut NormalizedRecord),
    expected: &[(&str, f64)],
    expected_flags: &[FlagKind],
) {
    let mut record = normalized_record();
    mutate(&mut record);
    let scored = score_with(scorer(), record, 0);
    assert_explained(&scored);
    let actual: Vec<(&str, f64)> = scored
        .score
        .contributions
        .iter()
        .map(|c| (c.rule.as_str(), c.contribution))
        .collect();
    assert_eq!(actual, expected);
    let flags: Vec<FlagKind> = scored.flags.iter().map(|flag| flag.kind).collect();
    assert_eq!(flags, expected_flags);
}

/// What S1 scores on top of its behaviour, sector and text rules.
const S1_FACTS: [(&str, f64); 12] = [
    ("specificity.observed_end", 2.0),
    ("specificity.coordinates", 3.0),
    ("specificity.place_name", 2.0),
    ("specificity.street_address", 2.0),
    ("specificity.vehicle", 2.0),
    ("specificity.vehicle_identifier", 3.0),
    ("specificity.person_described", 2.0),
    ("specificity.property_item", 2.0),
    ("specificity.attachment", 1.0),
    ("specificity.time_mentioned", 2.0),
    ("reliability.reliable", 5.0),
    ("validity.probable", 3.0),
];

fn with_s1_facts(head: &[(&'static str, f64)]) -> Vec<(&'static str, f64)> {
    head.iter().copied().chain(S1_FACTS).collect()
}

#[test]
fn s1_scores_high_with_intrusion_and_water() {
    check(
        |_| {},
        &with_s1_facts(&[
            ("behavior.INTRSN", 30.0),
            ("behavior.additional_codes", 3.0),
            ("sector.WATR", 20.0),
            ("lexicon.restricted_areas", 6.0),
            ("lexicon.breaching", 3.0),
            ("regex.specific.clock_time", 2.0),
        ]),
        &[],
    );
    let scored = score_with(scorer(), normalized_record(), 0);
    assert!(scored.score.value >= 80.0, "{}", scored.score.value);
    assert_eq!(scored.score.rule_pack.id, "sarflow-default");
    assert_eq!(scored.score.scored_at, now());
}

#[test]
fn no_behavior_code_is_flagged_and_still_explained() {
    check(
        |record| {
            record.report.behavior_codes.clear();
            record.report.target_sectors = sectors(&["OTHR"]);
            record.narrative_redacted = "Nothing of note.".into();
            record.report.additional_facts = None;
        },
        &with_s1_facts(&[("behavior.none", 0.0), ("sector.OTHR", 2.0)]),
        &[FlagKind::NoBehaviorCode],
    );
}

#[test]
fn group_b_without_facts_is_flagged() {
    check(
        |record| {
            record.report.behavior_codes = behaviors(&["PHOTO", "SURVL"]);
            record.report.target_sectors.clear();
            record.narrative_redacted = "A person took photos of the plant.".into();
            record.report.additional_facts = None;
        },
        &with_s1_facts(&[("behavior.SURVL", 14.0), ("behavior.additional_codes", 3.0)]),
        &[FlagKind::GroupBWithoutFacts],
    );
    // With facts, or with a group-A code, no flag.
    let mut record = normalized_record();
    record.report.behavior_codes = behaviors(&["PHOTO"]);
    let scored = score_with(scorer(), record, 0);
    assert!(scored.flags.is_empty());
}

#[test]
fn imminent_threat_is_flagged_on_s12_text() {
    check(
        |record| {
            record.report.behavior_codes = behaviors(&["THREAT"]);
            record.report.target_sectors = sectors(&["RETL"]);
            record.narrative_redacted =
                "Caller said he will shoot employees at the mall today.".into();
            record.report.additional_facts = None;
        },
        &with_s1_facts(&[
            ("behavior.THREAT", 32.0),
            ("sector.RETL", 8.0),
            ("lexicon.threat_language", 5.0),
            ("regex.threat.violence_with_time", 25.0),
            ("regex.threat.explicit_language", 10.0),
        ])
        .into_iter()
        .chain([("cap.max_100", -9.0)])
        .collect::<Vec<_>>(),
        &[FlagKind::ImminentThreat],
    );
    let mut record = normalized_record();
    record.narrative_redacted = "said he will shoot employees at the mall today".into();
    let scored = score_with(scorer(), record, 0);
    let flag = &scored.flags[0];
    assert_eq!(flag.kind, FlagKind::ImminentThreat);
    assert_eq!(flag.rule_id, "regex.threat.violence_with_time");
    assert!(!flag.detail.contains("mall"), "{}", flag.detail);
}

#[test]
fn ordinary_reports_raise_no_imminent_flag() {
    let scorer = scorer();
    for text in [
        "An e-mail threatened to shoot up the building. It did not give a date.",
        "He will come back tomorrow to finish the survey of the roof.",
        "Earlier today a man photographed the gate at 14:30 and left.",
        "A rifle was in the back seat at 0930 hours during the traffic stop.",
    ] {
        let mut record = normalized_record();
        record.narrative_redacted = text.into();
        let scored = score_with(scorer, record, 0);
        assert!(
            scored
                .flags
                .iter()
                .all(|flag| flag.kind != FlagKind::ImminentThreat),
            "{text}"
        );
    }
}

#[test]
fn a_sum_above_100_is_capped_with_its_own_contribution() {
    let mut record = normalized_record();
    record.report.behavior_codes = behaviors(&["THREAT", "INTRSN", "SABOT", "CYBER"]);
    record.report.target_sectors = sectors(&["NCLR"]);
    record.narrative_redacted = "He said he will shoot everyone at the plant today with his AR-15 \
        and a pipe bomb made with 50 lbs of ammonium nitrate, blasting caps and a glock 19."
        .into();
    let scored = score_with(scorer(), record, 3);
    assert_explained(&scored);
    assert_eq!(scored.score.value, 100.0);
    let last = scored.score.contributions.last().unwrap();
    assert_eq!(last.rule, "cap.max_100");
    assert!(last.contribution < 0.0);
    let corroboration = scored
        .score
        .contributions
        .iter()
        .find(|c| c.rule == "corroboration.linked_reports")
        .unwrap();
    assert_eq!(corroboration.contribution, 12.0);
}

#[test]
fn a_negative_sum_is_lifted_to_zero() {
    let mut record = normalized_record();
    record.report.behavior_codes.clear();
    record.report.target_sectors.clear();
    record.narrative_redacted = "Nothing.".into();
    record.report.additional_facts = None;
    record.entities.clear();
    let report = &mut record.report;
    report.observed.end = None;
    report.location.coordinates = None;
    report.location.place_name = None;
    report.location.address = None;
    report.vehicles.clear();
    report.vessels.clear();
    report.aircraft.clear();
    report.property.clear();
    report.attachments.clear();
    report.persons.clear();
    report.grading.source_reliability = sar_model::SourceReliability::parse("E").unwrap();
    report.grading.content_validity = sar_model::ContentValidity::parse("doubtful").unwrap();
    let scored = score_with(scorer(), record, 0);
    assert_explained(&scored);
    assert_eq!(scored.score.value, 0.0);
    let rules: Vec<&str> = scored
        .score
        .contributions
        .iter()
        .map(|c| c.rule.as_str())
        .collect();
    assert_eq!(
        rules,
        [
            "behavior.none",
            "reliability.E",
            "validity.doubtful",
            "cap.min_0"
        ]
    );
}

#[test]
fn t09_on_2000_synthetic_records() {
    let scorer = scorer();
    for record in sar_synth::canonical::normalized_records(9, 2_000) {
        assert_explained(&score_with(scorer, record, 1));
    }
}

#[test]
fn imminent_flag_follows_the_synthetic_imminent_cases() {
    let scorer = scorer();
    let (mut imminent, mut flagged, mut false_alarms, mut total) = (0, 0, 0, 0);
    for labelled in sar_synth::canonical::scored_records(3, 3_000) {
        let is_imminent = labelled
            .flags
            .iter()
            .any(|flag| flag.kind == FlagKind::ImminentThreat);
        let scored = score_with(scorer, labelled.normalized, 0);
        let raised = scored
            .flags
            .iter()
            .any(|flag| flag.kind == FlagKind::ImminentThreat);
        total += 1;
        if is_imminent {
            imminent += 1;
            flagged += usize::from(raised);
        } else {
            false_alarms += usize::from(raised);
        }
    }
    assert!(imminent > 0);
    assert_eq!(flagged, imminent, "every imminent threat is flagged");
    assert!(
        false_alarms * 200 <= total,
        "{false_alarms} false alarms in {total}"
    );
}

#[test]
fn group_a_outscores_group_b_otherwise_equal() {
    let scorer = scorer();
    let a_codes = [
        "INTRSN", "MISREP", "THEFT", "SABOT", "CYBER", "THREAT", "AVIATION",
    ];
    let b_codes = [
        "ELICIT", "TESTSEC", "RECRUT", "PHOTO", "SURVL", "MATRLS", "EXPERT", "WPNS", "SECTOR",
    ];
    for record in sar_synth::canonical::normalized_records(5, 50) {
        for (a, b) in a_codes.iter().zip(b_codes.iter().cycle()) {
            let mut with_a = record.clone();
            with_a.report.behavior_codes = behaviors(&[a]);
            let mut with_b = record.clone();
            with_b.report.behavior_codes = behaviors(&[b]);
            let a_score = score_with(scorer, with_a, 0).score.value;
            let b_score = score_with(scorer, with_b, 0).score.value;
            assert!(
                a_score > b_score || a_score == 100.0,
                "{a} {a_score} vs {b} {b_score}"
            );
        }
    }
}

#[test]
fn cultr_target_raises_the_score_over_othr() {
    let scorer = scorer();
    let mut record = normalized_record();
    record.report.target_sectors = sectors(&["OTHR"]);
    let other = score_with(scorer, record.clone(), 0);
    record.report.target_sectors = sectors(&["CULTR"]);
    let cultural = score_with(scorer, record, 0);
    assert!(cultural.score.value > other.score.value);
    assert!(
        cultural
            .score
            .contributions
            .iter()
            .any(|c| c.rule == "sector.CULTR")
    );
}

#[test]
fn scoring_is_deterministic_and_keeps_the_record() {
    let scorer = scorer();
    let record = normalized_record();
    let first = score_with(scorer, record.clone(), 2);
    let second = score_with(scorer, record.clone(), 2);
    assert_eq!(first, second);
    assert_eq!(first.normalized, record);
}

#[test]
fn person_names_in_additional_facts_are_not_inputs() {
    let scorer = scorer();
    let mut named_colt = normalized_record();
    named_colt.report.persons[0].name = Some("Sam Colt".into());
    named_colt.report.additional_facts = Some("Colt was seen at the fence.".into());
    let mut named_other = normalized_record();
    named_other.report.persons[0].name = Some("Sam Smith".into());
    named_other.report.additional_facts = Some("Smith was seen at the fence.".into());
    assert_eq!(
        score_with(scorer, named_colt, 0).score,
        score_with(scorer, named_other, 0).score
    );
}

// ---- T-06 / T-07: replacing one protected-class word by another ----

/// Byte span of the first whole-word protected-class term in `text`, if any.
fn first_protected_span(text: &str) -> Option<(usize, usize)> {
    let terms: Vec<&str> = protected_terms().map(|term| term.term).collect();
    let matcher = WordMatcher::new(&terms).unwrap();
    let mut first = None;
    matcher.for_each(text, |_, start, end| {
        first.get_or_insert((start, end));
    });
    first
}

/// `text` with the span `at` replaced by `word`; when there is no protected term, `word` is
/// inserted before the `slot`-th word instead.
fn with_word(text: &str, at: Option<(usize, usize)>, slot: usize, word: &str) -> String {
    match at {
        Some((start, end)) => format!("{}{word}{}", &text[..start], &text[end..]),
        None => {
            let starts: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices(' ').map(|(index, _)| index + 1))
                .collect();
            let start = starts[slot % starts.len()];
            format!("{}{word} {}", &text[..start], &text[start..])
        }
    }
}

fn assert_bit_identical(a: &ScoredRecord, b: &ScoredRecord) {
    assert_eq!(a.score.value.to_bits(), b.score.value.to_bits());
    assert_eq!(a.score.contributions.len(), b.score.contributions.len());
    for (x, y) in a.score.contributions.iter().zip(&b.score.contributions) {
        assert_eq!(x.rule, y.rule);
        assert_eq!(x.contribution.to_bits(), y.contribution.to_bits());
    }
    assert_eq!(a.score, b.score);
    assert_eq!(a.flags, b.flags);
}

fn all_terms() -> Vec<&'static str> {
    protected_terms().map(|term| term.term).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn replacing_a_protected_word_never_changes_the_score(
        seed in 0u64..2_000,
        first in 0usize..150,
        second in 0usize..150,
        slot in 0usize..400,
        upper in any::<bool>(),
        in_facts in any::<bool>(),
    ) {
        let terms = all_terms();
        let pick = |index: usize| {
            let term = terms[index % terms.len()];
            if upper { term.to_ascii_uppercase() } else { term.to_owned() }
        };
        let scorer = scorer();
        let record = sar_synth::canonical::normalized_records(seed, 1).remove(0);
        let text = if in_facts {
            record.report.additional_facts.clone().unwrap_or_else(|| "Seen near the gate.".into())
        } else {
            record.narrative_redacted.clone()
        };
        let at = first_protected_span(&text);
        let a_word = match at {
            Some((start, end)) if first % 2 == 0 => text[start..end].to_owned(),
            _ => pick(first),
        };
        let variants = [with_word(&text, at, slot, &a_word), with_word(&text, at, slot, &pick(second))];
        let scored = variants.map(|variant| {
            let mut changed = record.clone();
            if in_facts {
                changed.report.additional_facts = Some(variant);
            } else {
                changed.report.narrative = variant.clone();
                changed.narrative_redacted = variant;
            }
            score_with(scorer, changed, 0)
        });
        assert_bit_identical(&scored[0], &scored[1]);
    }
}
