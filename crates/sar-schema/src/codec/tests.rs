//! Tests for the codec; property round trips over generated records are in `tests_roundtrip`.

use sar_model::examples;

use super::*;

#[test]
fn examples_round_trip() {
    let codec = Codec::new().unwrap();
    macro_rules! check {
        ($record:expr) => {{
            let record = $record;
            let bytes = codec.encode(&record).unwrap();
            assert_eq!(&bytes[..2], &[0xC3, 0x01]);
            let decoded = codec.decode(&bytes).unwrap();
            assert_eq!(record, decoded);
        }};
    }
    check!(examples::raw_record());
    check!(examples::normalized_record());
    check!(examples::scored_record());
    check!(examples::gated_record());
    check!(examples::routed_record());
    check!(examples::dlq_record());
}

#[test]
fn unknown_fingerprint_is_refused_with_a_clear_error() {
    let codec = Codec::new().unwrap();
    let mut bytes = codec.encode(&examples::dlq_record()).unwrap();
    bytes[2..10].copy_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
    let error = codec.decode::<DlqRecord>(&bytes).unwrap_err();
    assert_eq!(
        error.to_string(),
        "unknown schema fingerprint 0102030405060708: not a known version of any sarflow record"
    );
}

#[test]
fn malformed_messages_are_refused() {
    let codec = Codec::new().unwrap();
    let json = br#"{"source":{}}"#;
    assert_eq!(
        codec.decode::<RawRecord>(json).unwrap_err(),
        SchemaError::NotSingleObject
    );
    assert_eq!(
        codec.decode::<RawRecord>(&[0xC3, 0x01, 0]).unwrap_err(),
        SchemaError::Truncated { len: 3 }
    );
    let bytes = codec.encode(&examples::raw_record()).unwrap();
    let truncated = &bytes[..bytes.len() / 2];
    assert!(matches!(
        codec.decode::<RawRecord>(truncated),
        Err(SchemaError::Decode { .. })
    ));
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert!(matches!(
        codec.decode::<RawRecord>(&trailing),
        Err(SchemaError::Decode { .. })
    ));
}

#[test]
fn a_record_of_another_topic_is_refused() {
    let codec = Codec::new().unwrap();
    let bytes = codec.encode(&examples::raw_record()).unwrap();
    let error = codec.decode::<ScoredRecord>(&bytes).unwrap_err();
    assert!(
        matches!(&error, SchemaError::WrongRecord { found, expected, .. }
            if found == "sarflow.RawRecord" && expected == "sarflow.ScoredRecord"),
        "{error}"
    );
}

#[test]
fn errors_never_carry_record_content() {
    let codec = Codec::new().unwrap();
    let bytes = codec.encode(&examples::raw_record()).unwrap();
    let error = codec
        .decode::<RawRecord>(&bytes[..60])
        .unwrap_err()
        .to_string();
    assert!(!error.contains("Riverside"), "{error}");
    assert!(!error.contains("riverside"), "{error}");
}

/// Every record type round-trips for many generated records (optional fields set and unset,
/// lists empty and not, every enum value).
#[test]
fn generated_records_of_every_type_round_trip() {
    use sar_synth::canonical;
    let codec = Codec::new().unwrap();
    fn check_all<T: AvroRecord + PartialEq + std::fmt::Debug>(codec: &Codec, records: Vec<T>) {
        assert!(!records.is_empty());
        for record in records {
            let bytes = codec.encode(&record).unwrap();
            let decoded: T = codec.decode(&bytes).unwrap();
            assert_eq!(decoded, record);
        }
    }
    check_all(&codec, canonical::raw_records(1, 300));
    check_all(&codec, canonical::normalized_records(2, 300));
    check_all(&codec, canonical::scored_records(3, 300));
    check_all(&codec, canonical::gated_records(4, 300));
    check_all(&codec, canonical::routed_records(5, 300));
    check_all(&codec, canonical::dlq_records(6, 300));
}

#[test]
fn the_value_path_and_the_serde_path_write_the_same_bytes() {
    // Container files go through apache-avro's Value path; messages through the serde path.
    let codec = Codec::new().unwrap();
    for record in sar_synth::canonical::routed_records(9, 50) {
        let current = codec.current::<RoutedRecord>().unwrap();
        let value = to_resolved_value(&record, current).unwrap();
        let via_value = GenericDatumWriter::builder(&current.schema)
            .build()
            .unwrap()
            .write_value_to_vec(value)
            .unwrap();
        let via_serde = codec.encode(&record).unwrap();
        assert_eq!(&via_serde[HEADER_LEN..], &via_value[..]);
    }
}
