//! Benches of the pure crates: Avro single-object encode/decode of the topic records (anchor P5:
//! apache-avro's Value path ~100 MB/s), synthetic record generation, and the Summary view.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sar_model::Summarize;
use sar_schema::Codec;
use sar_synth::{SynthConfig, generate};

fn codec(c: &mut Criterion) {
    let codec = Codec::new().expect("schemas load");
    let records = sar_synth::canonical::routed_records(42, 256);
    let messages: Vec<Vec<u8>> = records
        .iter()
        .map(|record| codec.encode(record).expect("encodes"))
        .collect();
    let total_bytes: usize = messages.iter().map(Vec::len).sum();
    let mut group = c.benchmark_group("avro_routed_record");
    group.throughput(Throughput::Bytes(total_bytes as u64));
    group.bench_function(BenchmarkId::new("encode", records.len()), |bench| {
        bench.iter(|| {
            for record in &records {
                std::hint::black_box(codec.encode(record).expect("encodes"));
            }
        });
    });
    group.bench_function(BenchmarkId::new("decode", records.len()), |bench| {
        bench.iter(|| {
            for message in &messages {
                let record: sar_model::RoutedRecord = codec.decode(message).expect("decodes");
                std::hint::black_box(record);
            }
        });
    });
    group.finish();
}

fn synth(c: &mut Criterion) {
    let config = SynthConfig {
        count: 1_000,
        seed: 7,
        shares: Default::default(),
    };
    let mut group = c.benchmark_group("synth");
    group.throughput(Throughput::Elements(config.count as u64));
    group.bench_function("ndjson_1000", |bench| {
        bench.iter(|| {
            let lines = generate(&config)
                .expect("valid config")
                .map(|item| item.line.len())
                .sum::<usize>();
            std::hint::black_box(lines)
        });
    });
    group.finish();
}

fn summary(c: &mut Criterion) {
    let records = sar_synth::canonical::routed_records(43, 256);
    let mut group = c.benchmark_group("summary_view");
    group.throughput(Throughput::Elements(records.len() as u64));
    group.bench_function("routed_record", |bench| {
        bench.iter(|| {
            for record in &records {
                std::hint::black_box(record.summary().expect("serializes"));
            }
        });
    });
    group.finish();
}

criterion_group!(benches, codec, synth, summary);
criterion_main!(benches);
