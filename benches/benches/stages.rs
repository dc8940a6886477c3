//! Benches of the four pure stages, alone and chained, on synthetic reports with narratives of
//! about 2 KB (issue target: the chain >= 100k SARs/s per core), and of the scorer's lexicon scan
//! over the default rule pack (>= 5,000 terms; target >= 500 MB/s per core).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sar_gate::{Gate, GateConfig};
use sar_model::{ZonedTime, records::RawRecord};
use sar_normalize::{NormalizeConfig, normalize};
use sar_route::{RouteConfig, Router};
use sar_score::{RulePack, ScoreContext, Scorer};

const N_RECORDS: usize = 200;

/// Raw records whose narratives are 1,800 to 2,600 bytes long (about 2 KB).
fn two_kb_raw_records() -> Vec<RawRecord> {
    let mut records = Vec::new();
    let mut seed = 0;
    while records.len() < N_RECORDS {
        records.extend(
            sar_synth::canonical::raw_records(seed, 500)
                .into_iter()
                .filter(|raw| (1_800..=2_600).contains(&raw.submission.narrative.len())),
        );
        seed += 1;
    }
    records.truncate(N_RECORDS);
    records
}

struct Stages {
    normalize_config: NormalizeConfig,
    scorer: Scorer,
    gate: Gate,
    router: Router,
    now: ZonedTime,
}

fn stages() -> Stages {
    Stages {
        normalize_config: NormalizeConfig::default(),
        scorer: Scorer::new(RulePack::default_pack().expect("default pack loads")).expect("scorer"),
        gate: Gate::new(GateConfig::default()).expect("gate"),
        router: Router::new(RouteConfig::default_config().expect("routes load")).expect("router"),
        now: ZonedTime::parse("2026-11-23T12:00:00Z").expect("valid time"),
    }
}

fn pipeline(c: &mut Criterion) {
    let stages = stages();
    let raws = two_kb_raw_records();
    let normalized: Vec<_> = raws
        .iter()
        .map(|raw| {
            normalize(raw.clone(), &stages.normalize_config, stages.now).expect("normalizes")
        })
        .collect();
    let context = ScoreContext::default();
    let scored: Vec<_> = normalized
        .iter()
        .map(|record| {
            stages
                .scorer
                .score(record.clone(), &context, stages.now)
                .expect("scores")
        })
        .collect();
    let gated: Vec<_> = scored
        .iter()
        .map(|record| stages.gate.gate(record.clone(), stages.now).expect("gates"))
        .collect();

    let mut group = c.benchmark_group("stage_2kb");
    group.throughput(Throughput::Elements(N_RECORDS as u64));
    group.bench_function("normalize", |bench| {
        bench.iter_batched(
            || raws.clone(),
            |raws| {
                raws.into_iter()
                    .map(|raw| normalize(raw, &stages.normalize_config, stages.now))
                    .filter(Result::is_ok)
                    .count()
            },
            criterion::BatchSize::LargeInput,
        );
    });
    group.bench_function("score", |bench| {
        bench.iter_batched(
            || normalized.clone(),
            |records| {
                records
                    .into_iter()
                    .map(|record| stages.scorer.score(record, &context, stages.now))
                    .filter(Result::is_ok)
                    .count()
            },
            criterion::BatchSize::LargeInput,
        );
    });
    group.bench_function("gate", |bench| {
        bench.iter_batched(
            || scored.clone(),
            |records| {
                records
                    .into_iter()
                    .map(|record| stages.gate.gate(record, stages.now))
                    .filter(Result::is_ok)
                    .count()
            },
            criterion::BatchSize::LargeInput,
        );
    });
    group.bench_function("route", |bench| {
        bench.iter_batched(
            || gated.clone(),
            |records| {
                records
                    .into_iter()
                    .map(|record| stages.router.route(record, stages.now))
                    .filter(Result::is_ok)
                    .count()
            },
            criterion::BatchSize::LargeInput,
        );
    });
    group.bench_function("chain", |bench| {
        bench.iter_batched(
            || raws.clone(),
            |raws| {
                raws.into_iter()
                    .filter_map(|raw| {
                        let normalized =
                            normalize(raw, &stages.normalize_config, stages.now).ok()?;
                        let scored = stages.scorer.score(normalized, &context, stages.now).ok()?;
                        let gated = stages.gate.gate(scored, stages.now).ok()?;
                        stages.router.route(gated, stages.now).ok()
                    })
                    .count()
            },
            criterion::BatchSize::LargeInput,
        );
    });
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
