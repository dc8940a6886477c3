//! T-06 / T-07 across the stages: changing only the protected descriptors of the persons in a
//! report leaves score, contributions, flags, gate decision and routes bit-for-bit unchanged.
//! (The stage crates cannot even name the descriptors; this test, outside them, can write them.)

use proptest::prelude::*;
use sar_model::{
    ProtectedDescriptorValues, ProtectedDescriptors, ZonedTime, records::NormalizedRecord,
};

/// Eight optional descriptor values, in `ProtectedDescriptorValues` field order.
type Values = Vec<Option<String>>;

fn descriptor_values() -> impl Strategy<Value = Values> {
    let options: [&'static [&'static str]; 8] = [
        &[
            "white",
            "black",
            "asian",
            "native american",
            "pacific islander",
        ],
        &["hispanic", "not hispanic", "arab", "kurdish"],
        &["US", "Mexico", "Pakistan", "Syria", "Russia"],
        &["muslim", "christian", "jewish", "sikh", "hindu", "none"],
        &["male", "female", "nonbinary"],
        &["heterosexual", "gay", "lesbian", "bisexual"],
        &["cisgender", "transgender"],
        &["English", "Arabic", "Spanish", "Farsi"],
    ];
    options
        .map(|choices| {
            proptest::option::of(proptest::sample::select(choices).prop_map(str::to_owned))
        })
        .to_vec()
}

fn descriptors(values: &Values) -> ProtectedDescriptors {
    let value = |index: usize| values[index].clone();
    ProtectedDescriptors::new(ProtectedDescriptorValues {
        race: value(0),
        ethnicity: value(1),
        nationality: value(2),
        religion: value(3),
        gender: value(4),
        sexual_orientation: value(5),
        gender_identity: value(6),
        language: value(7),
    })
}

fn outputs(record: NormalizedRecord) -> String {
    let now = ZonedTime::parse("2026-11-23T12:00:00Z").unwrap();
    let scorer = sar_score::Scorer::new(sar_score::RulePack::default_pack().unwrap()).unwrap();
    let gate = sar_gate::Gate::new(sar_gate::GateConfig::default()).unwrap();
    let router = sar_route::Router::new(sar_route::RouteConfig::default_config().unwrap()).unwrap();
    let scored = scorer
        .score(record, &sar_score::ScoreContext::default(), now)
        .unwrap();
    let gated = gate.gate(scored, now).unwrap();
    let routed = router.route(gated, now).unwrap();
    // Everything the stages decided, with f64s compared by their exact text.
    serde_json::to_string(&(
        &routed.gated.scored.score,
        &routed.gated.scored.flags,
        &routed.gated.decision,
        &routed.routes,
    ))
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn protected_descriptors_never_change_any_stage_output(
        seed in 0u64..1_000,
        values in proptest::collection::vec(descriptor_values(), 1..4),
    ) {
        let mut original = sar_synth::canonical::normalized_records(seed, 1).remove(0);
        if original.report.persons.is_empty() {
            // never vacuous: every case has a person whose descriptors change
            original.report.persons.push(sar_model::examples::report().persons.remove(0));
        }
        let mut changed = original.clone();
        for (person_idx, person) in changed.report.persons.iter_mut().enumerate() {
            person.descriptors = descriptors(&values[person_idx % values.len()]);
        }
        prop_assert_eq!(outputs(original), outputs(changed));
    }
}
