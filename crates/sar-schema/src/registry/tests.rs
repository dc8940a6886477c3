//! Tests for the registry: embedded files, fixtures of every version, compatibility.

use std::{collections::BTreeSet, path::PathBuf};

use apache_avro::schema_compatibility::SchemaCompatibility;
use sar_model::{
    examples,
    records::{DlqRecord, GatedRecord, NormalizedRecord, RawRecord, RoutedRecord, ScoredRecord},
};

use super::*;
use crate::codec::{AvroRecord, Codec};

fn schemas_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas")
}

#[test]
fn files_match_the_directory() {
    let mut on_disk = BTreeSet::new();
    for version_dir in std::fs::read_dir(schemas_dir()).unwrap() {
        let version_dir = version_dir.unwrap().path();
        let Some(version) = version_dir
            .file_name()
            .and_then(|name| name.to_str())
            .and_then(|name| name.strip_prefix('v'))
            .and_then(|number| number.parse::<u32>().ok())
        else {
            continue;
        };
        for file in std::fs::read_dir(&version_dir).unwrap() {
            let name = file.unwrap().file_name().into_string().unwrap();
            if let Some(fullname) = name.strip_suffix(".avsc") {
                on_disk.insert((version, fullname.to_owned()));
            }
        }
    }
    let embedded: BTreeSet<(u32, String)> = schema_files()
        .iter()
        .map(|file| (file.version, file.fullname.to_owned()))
        .collect();
    assert_eq!(
        on_disk, embedded,
        "schemas/ and sar-schema's embedded list disagree"
    );
}

#[test]
fn every_topic_record_has_a_current_schema() {
    let registry = Registry::load().unwrap();
    for fullname in TOPIC_RECORDS {
        let current = registry.current(fullname).unwrap();
        assert_eq!(
            registry
                .by_fingerprint(current.fingerprint)
                .unwrap()
                .fullname,
            fullname
        );
    }
    let fingerprints: BTreeSet<String> = registry
        .versions()
        .iter()
        .map(|version| version.fingerprint.to_string())
        .collect();
    assert_eq!(
        fingerprints.len(),
        registry.versions().len(),
        "fingerprints are distinct"
    );
}

#[test]
fn older_versions_are_readable_by_the_current_schema() {
    let registry = Registry::load().unwrap();
    for version in registry.versions() {
        let current = registry.current(version.fullname).unwrap();
        SchemaCompatibility::can_read(&version.schema, &current.schema).unwrap_or_else(|error| {
            panic!(
                "{} v{} cannot be read as current: {error}",
                version.fullname, version.version
            )
        });
    }
}

/// Fixtures of every schema version are kept in `schemas/fixtures/v<N>/`: the encoded bytes and
/// the record as JSON. They must decode with the current reader forever. Missing fixtures of the
/// current version are written when `SARFLOW_BLESS_FIXTURES=1` (`cargo xtask fixtures`); existing
/// ones are never rewritten.
#[test]
fn fixtures_of_every_version_decode_with_the_current_reader() {
    let codec = Codec::new().unwrap();
    #[allow(clippy::disallowed_methods)] // a test switch, read only here
    let bless = std::env::var("SARFLOW_BLESS_FIXTURES").is_ok_and(|value| value == "1");
    check_fixtures(&codec, bless, examples::raw_record());
    check_fixtures(&codec, bless, examples::normalized_record());
    check_fixtures(&codec, bless, examples::scored_record());
    check_fixtures(&codec, bless, examples::gated_record());
    check_fixtures(&codec, bless, examples::routed_record());
    check_fixtures(&codec, bless, examples::dlq_record());
}

fn check_fixtures<T: AvroRecord + PartialEq + std::fmt::Debug>(
    codec: &Codec,
    bless: bool,
    example: T,
) {
    let name = T::FULLNAME.trim_start_matches("sarflow.");
    let mut versions: Vec<u32> = codec
        .registry()
        .versions()
        .iter()
        .map(|v| v.version)
        .collect();
    versions.dedup();
    for version in versions {
        let dir = schemas_dir().join("fixtures").join(format!("v{version}"));
        let bin_path = dir.join(format!("{name}.bin"));
        let json_path = dir.join(format!("{name}.json"));
        if !bin_path.exists() && bless && version == crate::files::CURRENT_VERSION {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&bin_path, codec.encode(&example).unwrap()).unwrap();
            let json = serde_json::to_string_pretty(&example).unwrap();
            std::fs::write(&json_path, json + "\n").unwrap();
        }
        let bytes = std::fs::read(&bin_path).unwrap_or_else(|_| {
            panic!(
                "missing fixture {}: run `cargo xtask fixtures`",
                bin_path.display()
            )
        });
        let (writer, _) = codec.writer_version(&bytes).unwrap();
        assert_eq!(
            (writer.fullname, writer.version),
            (T::FULLNAME, version),
            "{}",
            bin_path.display()
        );
        let decoded: T = codec.decode(&bytes).unwrap();
        let expected: T =
            serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
        assert_eq!(decoded, expected, "{}", bin_path.display());
    }
}

#[test]
fn typed_records_know_their_schema() {
    assert_eq!(RawRecord::FULLNAME, TOPIC_RECORDS[0]);
    assert_eq!(NormalizedRecord::FULLNAME, TOPIC_RECORDS[1]);
    assert_eq!(ScoredRecord::FULLNAME, TOPIC_RECORDS[2]);
    assert_eq!(GatedRecord::FULLNAME, TOPIC_RECORDS[3]);
    assert_eq!(RoutedRecord::FULLNAME, TOPIC_RECORDS[4]);
    assert_eq!(DlqRecord::FULLNAME, TOPIC_RECORDS[5]);
}

#[test]
fn an_unresolvable_reference_is_a_clear_error() {
    let mut assembler = Assembler {
        version: 1,
        root: "sarflow.Test",
        defined: HashSet::new(),
    };
    let schema = serde_json::json!({"type": "record", "name": "Test", "fields": [
        {"name": "x", "type": "sarflow.NoSuchType"}
    ]});
    let error = assembler.inline(schema, NAMESPACE).unwrap_err();
    assert_eq!(
        error.to_string(),
        "schema `sarflow.Test` refers to unknown type `sarflow.NoSuchType`"
    );
}

/// The Avro spec's canonical form writes primitives in their simple form (`"string"`). apache-avro
/// 0.22 keeps `{"type":"string"}` for a string with a logical type, so other implementations
/// (fastavro, Java) would compute another fingerprint and refuse our messages. Keep logical types
/// on primitives out of the schemas; the e2e test compares fingerprints with fastavro as well.
#[test]
fn canonical_forms_use_simple_primitives_as_other_implementations_do() {
    let registry = Registry::load().unwrap();
    for version in registry.versions() {
        let canonical = version.schema.canonical_form();
        for primitive in PRIMITIVES {
            let object_form = format!("{{\"type\":\"{primitive}\"}}");
            assert!(
                !canonical.contains(&object_form),
                "{} v{}: canonical form holds {object_form}; drop the logical type",
                version.fullname,
                version.version
            );
        }
    }
}
