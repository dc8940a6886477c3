//! Gate tests: the domain fixtures S1-S5 and S12, rules T-03, T-04, T-31, T-36 and T-37, and the
//! synthetic hard cases.

use std::collections::BTreeMap;

use sar_model::{
    BehaviorCode, Grading, ScoredRecord, ZonedTime, examples,
    records::{CiiPrerequisite, FlagKind, GateOutcome, GatedRecord, ReviewFlag},
    report::{LegalBasis, StoreKind},
};
use sar_synth::{Case, HardCaseShares, SynthConfig};

use super::*;
use crate::config::{GateConfig, GateConfigError};

use GateOutcome::{BlockedProtectedActivity as Blocked, NotSar, PrivacyReview, Triage};

fn at(text: &str) -> ZonedTime {
    ZonedTime::parse(text).unwrap()
}

fn now() -> ZonedTime {
    at("2026-03-01T10:05:04Z")
}

/// The S1 example record with another narrative, facts, codes and no flags.
fn record(narrative: &str, facts: Option<&str>, codes: &[&str]) -> ScoredRecord {
    let mut record = examples::scored_record();
    let report = &mut record.normalized.report;
    report.narrative = narrative.to_owned();
    report.additional_facts = facts.map(str::to_owned);
    report.behavior_codes = codes
        .iter()
        .map(|code| BehaviorCode::parse(code).unwrap())
        .collect();
    record.flags.clear();
    record
}

fn flagged(mut record: ScoredRecord, kind: FlagKind) -> ScoredRecord {
    record.flags.push(ReviewFlag {
        kind,
        rule_id: "T-13".to_owned(),
        detail: "flag".to_owned(),
    });
    record
}

fn gate() -> Gate {
    Gate::new(GateConfig::default()).unwrap()
}

/// Gates `record` with the default configuration and checks the outcome, the reason codes (in
/// order) and the invariants every decision keeps.
fn check(record: ScoredRecord, outcome: GateOutcome, reason_codes: &[&str]) -> GatedRecord {
    let report = record.normalized.report.clone();
    let gated = gate().gate(record, now()).unwrap();
    let decision = &gated.decision;
    let codes: Vec<&str> = decision.reasons.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(
        (decision.outcome, codes.as_slice()),
        (outcome, reason_codes),
        "reasons: {:#?}",
        decision.reasons
    );
    assert_eq!(decision.legal_basis, LegalBasis::FsSar);
    assert_eq!(decision.store, StoreKind::TipsLeads);
    assert_eq!(decision.decided_at, now());
    assert_eq!(decision.policy_version, "gate-2026-01");
    let prerequisites: Vec<CiiPrerequisite> = decision
        .cii_prerequisites
        .iter()
        .map(|check| check.prerequisite)
        .collect();
    assert_eq!(prerequisites, ALL_PREREQUISITES);
    // Reasons name rules and lexicon terms, never the reporter's sentences.
    let texts = [
        report.narrative.as_str(),
        report.additional_facts.as_deref().unwrap_or(""),
    ];
    for message in decision
        .reasons
        .iter()
        .map(|r| r.message.as_str())
        .chain(decision.cii_prerequisites.iter().map(|c| c.detail.as_str()))
    {
        for text in texts {
            for (start, end) in crate::lexicon::sentences(text) {
                let sentence = text[start..end].trim();
                assert!(
                    sentence.len() < 20 || !message.contains(sentence),
                    "message repeats the narrative: {message}"
                );
            }
        }
    }
    gated
}

const ALL_PREREQUISITES: [CiiPrerequisite; 6] = [
    CiiPrerequisite::ReasonableSuspicionSignal,
    CiiPrerequisite::SensitivityLabel,
    CiiPrerequisite::ConfidenceLabel,
    CiiPrerequisite::SubmittingAgencyLabel,
    CiiPrerequisite::ControlOfficialLabel,
    CiiPrerequisite::LawfulSourceAttestation,
];

fn present(gated: &GatedRecord, prerequisite: CiiPrerequisite) -> bool {
    gated
        .decision
        .cii_prerequisites
        .iter()
        .find(|check| check.prerequisite == prerequisite)
        .unwrap()
        .present
}

const S3: &str = "A man took photographs of the refinery from the public road next to the \
fence for about 20 minutes. He then left in a grey pickup.";

#[test]
fn s1_perimeter_breach_is_triage_with_all_six_prerequisites() {
    let gated = check(
        examples::scored_record(),
        Triage,
        &["group_a_behavior", "possible_duplicate"],
    );
    for prerequisite in ALL_PREREQUISITES {
        assert!(present(&gated, prerequisite), "{prerequisite:?} missing");
    }
    let signal = &gated.decision.cii_prerequisites[0].detail;
    assert!(signal.contains("CP-GROUP-A (INTRSN, SABOT)"), "{signal}");
    assert!(signal.contains("CP-PROPERTY"), "{signal}");
}

#[test]
fn s2_profiling_goes_to_privacy_review() {
    let s2 = "Two Middle Eastern men bought lots of bottled water at a warehouse store.";
    let gated = check(
        record(s2, None, &["MATRLS"]),
        PrivacyReview,
        &["protected_class_language", "group_b_without_facts"],
    );
    let reason = &gated.decision.reasons[0];
    assert_eq!(reason.rule, "T-36");
    assert!(
        reason.message.contains("T-36-PROFILE (middle eastern)"),
        "{}",
        reason.message
    );
    // The same tip with facts is still privacy review: the linter alone decides.
    check(
        record(s2, Some("They paid in cash."), &["MATRLS"]),
        PrivacyReview,
        &["protected_class_language", "group_b_with_facts"],
    );
    // Without a code it is not a SAR at all; the linter finding stays on record.
    check(
        record(s2, None, &[]),
        NotSar,
        &["no_behavior_code", "protected_class_language"],
    );
}

#[test]
fn t36_reason_words_flag_even_with_a_criminal_predicate() {
    let gated = check(
        record(
            "A man cut the fence. He looked foreign and nervous to me, which is why I am \
             reporting it.",
            None,
            &["INTRSN"],
        ),
        PrivacyReview,
        &["protected_class_language", "group_a_behavior"],
    );
    assert!(
        gated.decision.reasons[0]
            .message
            .contains("T-36-REASON (looked foreign)")
    );
    check(
        record(
            "Because she was Muslim I thought security should know.",
            Some("She took photos of the departures board."),
            &["PHOTO"],
        ),
        PrivacyReview,
        &["protected_class_language", "group_b_with_facts"],
    );
}

#[test]
fn t36_suspect_descriptions_and_colours_of_things_are_not_flagged() {
    check(
        record(
            "The suspect was described as a white male in his 30s. He cut the fence and \
             entered the pump house.",
            None,
            &["INTRSN"],
        ),
        Triage,
        &["group_a_behavior"],
    );
    check(
        record(
            "Subject described as a Hispanic male, approximately 30, sat across from the plant.",
            Some("He took notes on the guard rotation."),
            &["SURVL"],
        ),
        Triage,
        &["group_b_with_facts"],
    );
    check(
        record(
            "A white van with a black ladder looked suspicious, parked by the gate for an hour.",
            Some("It came back the next night."),
            &["SURVL"],
        ),
        Triage,
        &["group_b_with_facts"],
    );
}

#[test]
fn s3_photo_only_without_facts_goes_to_privacy_review() {
    let gated = check(
        record(S3, None, &["PHOTO"]),
        PrivacyReview,
        &["group_b_without_facts"],
    );
    assert_eq!(gated.decision.reasons[0].rule, "T-03");
    assert!(!present(&gated, CiiPrerequisite::ReasonableSuspicionSignal));
    // Blank facts are no facts.
    check(
        record(S3, Some("  "), &["PHOTO"]),
        PrivacyReview,
        &["group_b_without_facts"],
    );
}

#[test]
fn s4_photo_with_facts_is_triage() {
    let gated = check(
        record(
            S3,
            Some(
                "The man asked the guards about shift-change times and was later seen \
                 measuring the gate with a tape.",
            ),
            &["PHOTO", "ELICIT", "SURVL"],
        ),
        Triage,
        &["group_b_with_facts"],
    );
    // Group B facts are not a criminal predicate: no reasonable-suspicion signal yet.
    assert!(!present(&gated, CiiPrerequisite::ReasonableSuspicionSignal));
}

const S5: &str = "Subject: planned protest. A flyer and a public event page announce a protest \
against police use of force at City Hall next Saturday. The organizers ask people to bring signs \
and to remain peaceful.";

#[test]
fn s5_planned_protest_is_blocked() {
    let gated = check(
        record(S5, None, &[]),
        Blocked,
        &["protected_activity_only", "no_behavior_code"],
    );
    let reason = &gated.decision.reasons[0];
    assert_eq!(reason.rule, "28 CFR 23.20(b)");
    assert!(
        reason.message.contains("PA-PROTEST (protest)"),
        "{}",
        reason.message
    );
    assert!(
        reason.message.contains("PA-ASSOCIATION (organizers)"),
        "{}",
        reason.message
    );
    // A reporter's SURVL code does not turn a protest into a predicate.
    check(
        record(S5, None, &["SURVL"]),
        Blocked,
        &["protected_activity_only", "group_b_without_facts"],
    );
}

#[test]
fn t04_lecture_worship_and_public_photography_are_blocked() {
    check(
        record(
            "A guest speaker, a professor at a local university, gave a public lecture at the \
             Islamic Society on US foreign policy. About 80 people attended.",
            None,
            &[],
        ),
        Blocked,
        &["protected_activity_only", "no_behavior_code"],
    );
    check(
        record(
            "About 200 people gathered at Temple Beth Shalom for evening prayers. The parking \
             lot was full.",
            None,
            &["SURVL"],
        ),
        Blocked,
        &["protected_activity_only", "group_b_without_facts"],
    );
    check(
        record(
            "A man was photographing the dam from the public sidewalk with a tripod. He said \
             he is a hobby photographer working on a series about its architecture.",
            None,
            &["PHOTO"],
        ),
        Blocked,
        &["protected_activity_only", "group_b_without_facts"],
    );
}

#[test]
fn t04_a_criminal_predicate_or_other_conduct_prevents_the_block() {
    let protest_with_bomb = "A flyer announces a protest at City Hall on Saturday. A caller \
says one of the marchers will carry a pipe bomb in his backpack.";
    let gated = check(
        record(protest_with_bomb, None, &[]),
        NotSar,
        &["no_behavior_code", "protected_activity_with_other_basis"],
    );
    assert!(
        gated.decision.reasons[1]
            .message
            .contains("CP-WEAPON (pipe bomb)")
    );
    assert!(present(&gated, CiiPrerequisite::ReasonableSuspicionSignal));
    check(
        record(protest_with_bomb, None, &["THREAT"]),
        Triage,
        &["group_a_behavior", "protected_activity_with_other_basis"],
    );
    check(
        record(
            S5,
            Some("One organizer was seen measuring the gate."),
            &["SURVL"],
        ),
        Triage,
        &["group_b_with_facts", "protected_activity_with_other_basis"],
    );
    // The scorer's imminent-threat flag is a predicate too.
    check(
        flagged(record(S5, None, &[]), FlagKind::ImminentThreat),
        NotSar,
        &[
            "no_behavior_code",
            "protected_activity_with_other_basis",
            "imminent_threat",
        ],
    );
}

#[test]
fn s12_imminent_threat_is_triage_with_its_reason() {
    check(
        flagged(
            record(
                "Caller states that a former partner texted that he will shoot employees at \
                 the mall today when the evening shift starts at 17:00.",
                None,
                &["THREAT"],
            ),
            FlagKind::ImminentThreat,
        ),
        Triage,
        &["group_a_behavior", "imminent_threat"],
    );
}

#[test]
fn w14_no_behavior_code_is_not_a_sar() {
    let gated = check(
        record(
            "People come and go from the house all night. I think they are selling drugs.",
            None,
            &[],
        ),
        NotSar,
        &["no_behavior_code"],
    );
    assert_eq!(gated.decision.reasons[0].rule, "W14");
}

#[test]
fn missing_prerequisites_are_listed_as_missing() {
    let mut scored = examples::scored_record();
    let report = &mut scored.normalized.report;
    report.grading = Grading::anonymous_default();
    report.labels.submitting_agency = " ".to_owned();
    report.labels.control_official = None;
    report.lawful_source.quarantined = true;
    let gated = check(scored, Triage, &["group_a_behavior", "possible_duplicate"]);
    let present: Vec<(CiiPrerequisite, bool)> = gated
        .decision
        .cii_prerequisites
        .iter()
        .map(|check| (check.prerequisite, check.present))
        .collect();
    assert_eq!(
        present,
        [
            (CiiPrerequisite::ReasonableSuspicionSignal, true),
            (CiiPrerequisite::SensitivityLabel, true),
            (CiiPrerequisite::ConfidenceLabel, false),
            (CiiPrerequisite::SubmittingAgencyLabel, false),
            (CiiPrerequisite::ControlOfficialLabel, false),
            (CiiPrerequisite::LawfulSourceAttestation, false),
        ]
    );
    let mut unattested = examples::scored_record();
    unattested.normalized.report.lawful_source.lawfully_obtained = false;
    let gated = gate().gate(unattested, now()).unwrap();
    assert!(!present_in(
        &gated,
        CiiPrerequisite::LawfulSourceAttestation
    ));
}

fn present_in(gated: &GatedRecord, prerequisite: CiiPrerequisite) -> bool {
    present(gated, prerequisite)
}

fn retain_until(ttl_days: u32, received_at: &str) -> Result<ZonedTime, sar_model::Reject> {
    let gate = Gate::new(GateConfig {
        tips_leads_ttl_days: ttl_days,
        ..GateConfig::default()
    })
    .unwrap();
    let mut scored = examples::scored_record();
    scored.normalized.report.received_at = at(received_at);
    gate.gate(scored, now())
        .map(|gated| gated.decision.retain_until)
}

#[test]
fn t37_retention_is_the_ttl_and_never_past_five_years() {
    // Default: 365 days after receipt, in the receipt's offset, to the millisecond.
    assert_eq!(
        retain_until(365, "2026-03-01T10:05:02.250Z").unwrap(),
        at("2027-03-01T10:05:02.250Z")
    );
    assert_eq!(
        retain_until(90, "2026-03-01T03:05:00-07:00").unwrap(),
        at("2026-05-30T03:05:00-07:00")
    );
    // The longest TTL stays within five calendar years, also across 2100 (no leap day).
    assert_eq!(
        retain_until(1826, "2026-03-01T00:00:00Z").unwrap(),
        at("2031-03-01T00:00:00Z")
    );
    assert_eq!(
        retain_until(1826, "2097-03-01T00:00:00Z").unwrap(),
        at("2102-03-01T00:00:00Z")
    );
    assert_eq!(
        retain_until(1826, "2028-02-29T12:00:00Z").unwrap(),
        at("2033-02-28T12:00:00Z")
    );
    // Above five years is refused, by `validate` and by `Gate::new`.
    let too_long = GateConfig {
        tips_leads_ttl_days: 1827,
        ..GateConfig::default()
    };
    assert_eq!(too_long.validate(), Err(GateConfigError::TtlTooLong));
    assert_eq!(Gate::new(too_long).err(), Some(GateConfigError::TtlTooLong));
    let zero = GateConfig {
        tips_leads_ttl_days: 0,
        ..GateConfig::default()
    };
    assert_eq!(Gate::new(zero).err(), Some(GateConfigError::TtlZero));
    let blank = GateConfig {
        policy_version: " ".to_owned(),
        ..GateConfig::default()
    };
    assert_eq!(
        Gate::new(blank).err(),
        Some(GateConfigError::EmptyPolicyVersion)
    );
    assert_eq!(GateConfig::default().validate(), Ok(()));
}

#[test]
fn a_deadline_past_the_date_range_is_a_reject_without_values() {
    let reject = retain_until(365, "9999-06-01T00:00:00Z").unwrap_err();
    assert_eq!(reject.code, sar_model::RejectCode::InvariantViolated);
    assert_eq!(reject.field_errors.len(), 1);
    assert!(!reject.to_string().contains("9999"), "{reject}");
}

#[test]
fn rule_ids_are_unique_and_described() {
    let rules = crate::rule_descriptions();
    let mut ids: Vec<&str> = rules.iter().map(|(id, _)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), rules.len());
    assert!(rules.iter().all(|(_, description)| !description.is_empty()));
}

#[test]
fn t31_canonical_records_stay_fs_sars_in_tips_leads() {
    let gate = gate();
    let mut outcomes = BTreeMap::new();
    for scored in sar_synth::canonical::scored_records(31, 2_000) {
        let received = scored.normalized.report.received_at.original();
        let gated = gate.gate(scored, now()).unwrap();
        let decision = &gated.decision;
        assert!(matches!(
            decision.outcome,
            Triage | PrivacyReview | Blocked | NotSar
        ));
        assert_eq!(decision.legal_basis, LegalBasis::FsSar);
        assert_eq!(decision.store, StoreKind::TipsLeads);
        assert!(!decision.reasons.is_empty());
        assert_eq!(decision.cii_prerequisites.len(), 6);
        let limit = received
            .replace_year(received.year() + 5)
            .unwrap_or(received);
        assert!(decision.retain_until.original() <= limit);
        *outcomes
            .entry(format!("{:?}", decision.outcome))
            .or_insert(0) += 1;
    }
    assert_eq!(outcomes.len(), 4, "every outcome occurs: {outcomes:?}");
}

/// Gated outcomes per synthetic case, pairing `generate` items with the canonical scored
/// records built from the same scenarios.
fn outcomes_by_case(seed: u64, count: usize) -> BTreeMap<&'static str, BTreeMap<String, usize>> {
    let config = SynthConfig {
        count,
        seed,
        shares: HardCaseShares::default(),
    };
    let items: Vec<_> = sar_synth::generate(&config)
        .unwrap()
        .filter(|item| item.record.is_some())
        .collect();
    let scored = sar_synth::canonical::scored_records(seed, count);
    assert_eq!(items.len(), scored.len());
    let gate = gate();
    let mut table: BTreeMap<&'static str, BTreeMap<String, usize>> = BTreeMap::new();
    for (item, scored) in items.iter().zip(scored) {
        let record = item.record.as_ref().unwrap();
        assert_eq!(
            record.source.report_id,
            scored.normalized.report.origin.report_id
        );
        let gated = gate.gate(scored, now()).unwrap();
        *table
            .entry(item.case.as_str())
            .or_default()
            .entry(format!("{:?}", gated.decision.outcome))
            .or_default() += 1;
    }
    table
}

fn share(table: &BTreeMap<&str, BTreeMap<String, usize>>, case: Case, outcomes: &[&str]) -> f64 {
    let row = &table[case.as_str()];
    let total: usize = row.values().sum();
    let hits: usize = outcomes
        .iter()
        .filter_map(|outcome| row.get(*outcome))
        .sum();
    hits as f64 / total as f64
}

#[test]
fn synthetic_hard_cases_mostly_get_their_outcome() {
    let table = outcomes_by_case(7, 3_000);
    let shares = [
        (
            Case::ProtectedActivity,
            &["BlockedProtectedActivity"][..],
            0.95,
        ),
        (
            Case::ProfilingLanguage,
            &["PrivacyReview", "NotSar"][..],
            0.95,
        ),
        (Case::GroupBWithoutFacts, &["PrivacyReview"][..], 0.95),
        (Case::NoBehaviorCode, &["NotSar"][..], 0.95),
        (Case::ImminentThreat, &["Triage", "PrivacyReview"][..], 1.0),
        (Case::Ordinary, &["Triage"][..], 0.98),
    ];
    for (case, outcomes, minimum) in shares {
        let got = share(&table, case, outcomes);
        assert!(
            got >= minimum,
            "{case:?}: {got:.3} in {outcomes:?}; table {table:#?}"
        );
    }
    // Profiling never reaches plain triage, and no imminent threat is ever blocked.
    assert_eq!(
        share(&table, Case::ProfilingLanguage, &["Triage"]),
        0.0,
        "{table:#?}"
    );
}

#[test]
fn the_default_lexicons_run_in_one_pass() {
    // The one-pass path is the one the other tests exercise: it must be available for the
    // built-in lexicons (no terminator in a protected term, no term listed twice).
    let gate = Gate::new(GateConfig::default()).unwrap();
    assert!(gate.protected_whole_text);
    assert!(gate.all.is_some());
}
