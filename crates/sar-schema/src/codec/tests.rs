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
