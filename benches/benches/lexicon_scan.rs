//! Bench of the scorer's lexicon scan alone (issue 3: >= 500 MB/s per core with >= 5,000 terms):
//! the full default rule pack (8,186 lexicon terms in one automaton, protected-class masking
//! first, as scoring does) over synthetic narratives of about 2 KB, in bytes per second.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sar_score::{RulePack, Scorer};

const N_NARRATIVES: usize = 200;

/// Narratives 1,800 to 2,600 bytes long (about 2 KB).
fn two_kb_narratives() -> Vec<String> {
    let mut narratives = Vec::new();
    let mut seed = 0;
    while narratives.len() < N_NARRATIVES {
        narratives.extend(
            sar_synth::canonical::raw_records(seed, 500)
                .into_iter()
                .map(|raw| raw.submission.narrative)
                .filter(|narrative| (1_800..=2_600).contains(&narrative.len())),
        );
        seed += 1;
    }
    narratives.truncate(N_NARRATIVES);
    narratives
}

fn lexicon_scan(c: &mut Criterion) {
    let pack = RulePack::default_pack().expect("default pack loads");
    assert!(
        pack.n_lexicon_terms() >= 5_000,
        "the issue asks for >= 5,000 terms"
    );
    let scorer = Scorer::new(pack).expect("scorer");
    let narratives = two_kb_narratives();
    let bytes: usize = narratives.iter().map(String::len).sum();
    let mut group = c.benchmark_group("lexicon_scan");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("default_pack_2kb", |bench| {
        bench.iter(|| {
            narratives
                .iter()
                .map(|narrative| scorer.scan_lexicons(narrative, |_, _| {}))
                .sum::<usize>()
        });
    });
    group.finish();
}

criterion_group!(benches, lexicon_scan);
criterion_main!(benches);
