//! Avro interoperability with an independent implementation (python fastavro): our schemas parse
//! there, our container files and single-object messages decode there, and fastavro's encoding of
//! the same records decodes here.

use std::path::Path;

use sar_e2e::{python, python_json, sarflow_ok, scratch_dir, workspace_root};
use sar_model::{examples, records::RawRecord};
use sar_schema::{AvroRecord, Codec};

fn schema_dir() -> String {
    workspace_root().join("schemas/v1").display().to_string()
}

#[test]
fn fastavro_reads_synth_container_files_with_the_schema_from_schemas() {
    let Some(python) = python("fastavro_reads_synth_container_files") else {
        return;
    };
    let dir = scratch_dir("avro-ocf");
    let path = dir.join("synth.avro");
    let bytes = sarflow_ok(&[
        "synth", "--count", "300", "--seed", "11", "--format", "avro",
    ]);
    std::fs::write(&path, &bytes).unwrap();
    let report = python_json(
        &python,
        "avro_check.py",
        &[
            "ocf",
            &schema_dir(),
            "RawRecord",
            &path.display().to_string(),
        ],
    );
    assert_eq!(report["records"], 300);
    assert_eq!(
        report["writer_fingerprint"], report["reader_fingerprint"],
        "the file carries our schema"
    );
    let codec = Codec::new().unwrap();
    let ours = codec
        .current::<RawRecord>()
        .unwrap()
        .fingerprint
        .to_string();
    assert_eq!(
        report["reader_fingerprint"],
        ours.as_str(),
        "fastavro and sarflow agree on the fingerprint"
    );
    // the same seed gives the same NDJSON: the container's records are those records
    let ndjson =
        String::from_utf8(sarflow_ok(&["synth", "--count", "300", "--seed", "11"])).unwrap();
    let first_line: serde_json::Value =
        serde_json::from_str(ndjson.lines().next().unwrap()).unwrap();
    assert_eq!(report["first"]["submission"], first_line);
    let last_line: serde_json::Value =
        serde_json::from_str(ndjson.lines().last().unwrap()).unwrap();
    assert_eq!(report["last"]["submission"], last_line);
}

fn write_message<T: AvroRecord>(codec: &Codec, dir: &Path, record: &T) {
    let name = T::FULLNAME.trim_start_matches("sarflow.");
    std::fs::write(
        dir.join(format!("{name}.bin")),
        codec.encode(record).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join(format!("{name}.json")),
        serde_json::to_vec(record).unwrap(),
    )
    .unwrap();
}

fn read_fastavro_message<T: AvroRecord + PartialEq + std::fmt::Debug>(
    codec: &Codec,
    dir: &Path,
    expected: &T,
) {
    let name = T::FULLNAME.trim_start_matches("sarflow.");
    let bytes = std::fs::read(dir.join(format!("{name}.fastavro.bin"))).unwrap();
    let decoded: T = codec.decode(&bytes).unwrap();
    assert_eq!(&decoded, expected, "{name} written by fastavro");
}

#[test]
fn single_object_messages_interoperate_with_fastavro_both_ways() {
    let Some(python) = python("single_object_messages_interoperate_with_fastavro") else {
        return;
    };
    let codec = Codec::new().unwrap();
    let dir = scratch_dir("avro-single");
    let mut records_checked = 0;
    for (index, record) in sar_synth::canonical::raw_records(5, 3).iter().enumerate() {
        let sub = dir.join(format!("raw-{index}"));
        std::fs::create_dir_all(&sub).unwrap();
        write_message(&codec, &sub, record);
        let report = python_json(
            &python,
            "avro_check.py",
            &["single", &schema_dir(), &sub.display().to_string()],
        );
        assert_eq!(report["mismatches"], serde_json::json!([]), "{report}");
        read_fastavro_message(&codec, &sub, record);
        records_checked += 1;
    }
    write_message(&codec, &dir, &examples::raw_record());
    write_message(&codec, &dir, &examples::normalized_record());
    write_message(&codec, &dir, &examples::scored_record());
    write_message(&codec, &dir, &examples::gated_record());
    write_message(&codec, &dir, &examples::routed_record());
    write_message(&codec, &dir, &examples::dlq_record());
    let report = python_json(
        &python,
        "avro_check.py",
        &["single", &schema_dir(), &dir.display().to_string()],
    );
    assert_eq!(report["mismatches"], serde_json::json!([]), "{report}");
    assert_eq!(report["checked"].as_array().unwrap().len(), 6, "{report}");
    read_fastavro_message(&codec, &dir, &examples::raw_record());
    read_fastavro_message(&codec, &dir, &examples::normalized_record());
    read_fastavro_message(&codec, &dir, &examples::scored_record());
    read_fastavro_message(&codec, &dir, &examples::gated_record());
    read_fastavro_message(&codec, &dir, &examples::routed_record());
    read_fastavro_message(&codec, &dir, &examples::dlq_record());
    assert_eq!(records_checked, 3);
}

#[test]
fn every_schema_version_parses_in_fastavro_with_our_fingerprint() {
    let Some(python) = python("every_schema_version_parses_in_fastavro") else {
        return;
    };
    let codec = Codec::new().unwrap();
    let dir = scratch_dir("avro-fixtures");
    // the kept fixtures of every version are messages written by sarflow; fastavro decodes them
    for version in codec.registry().versions() {
        let name = version.fullname.trim_start_matches("sarflow.");
        let fixtures = workspace_root().join(format!("schemas/fixtures/v{}", version.version));
        for extension in ["bin", "json"] {
            std::fs::copy(
                fixtures.join(format!("{name}.{extension}")),
                dir.join(format!("{name}.{extension}")),
            )
            .unwrap();
        }
    }
    let versioned_dir = workspace_root().join("schemas/v1").display().to_string();
    let report = python_json(
        &python,
        "avro_check.py",
        &["single", &versioned_dir, &dir.display().to_string()],
    );
    assert_eq!(report["mismatches"], serde_json::json!([]), "{report}");
    assert_eq!(report["checked"].as_array().unwrap().len(), 6);
}
