//! Message headers: `sarflow-schema-fingerprint` (the writer schema's CRC-64-AVRO fingerprint as
//! 16 lowercase hex digits, the same 8 bytes as in the value's single-object header) and
//! `traceparent` (W3C Trace Context). A record arriving with a valid `traceparent` keeps its trace
//! id and gets a new parent id; one without gets a new trace whose id is the report id's 16
//! bytes, so every hop of a report shares one trace.

use std::hash::BuildHasher;

use rdkafka::message::{Header as KafkaHeader, Headers, OwnedHeaders};
use sar_model::{ids::ReportId, records::Header};

/// Header carrying the schema fingerprint.
pub const FINGERPRINT_HEADER: &str = "sarflow-schema-fingerprint";
/// W3C trace context header.
pub const TRACEPARENT_HEADER: &str = "traceparent";

/// The fingerprint of a single-object message as hex, when it has the header.
pub(crate) fn fingerprint_hex(value: &[u8]) -> Option<String> {
    let fingerprint = value.get(2..10)?;
    Some(
        fingerprint
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect(),
    )
}

/// The `traceparent` for the next hop: the incoming trace id if `incoming` is valid, otherwise a
/// trace id made of the report id; always a fresh parent id, sampled flag set.
pub(crate) fn next_traceparent(incoming: Option<&[u8]>, record_id: Option<&ReportId>) -> String {
    let trace_id = incoming
        .and_then(parse_trace_id)
        .unwrap_or_else(|| match record_id {
            Some(id) => hex(id.as_uuid().as_bytes()),
            None => format!("{:016x}{:016x}", random_u64() | 1, random_u64()),
        });
    format!("00-{trace_id}-{:016x}-01", random_u64() | 1)
}

/// The trace id of a valid version-00 `traceparent`.
fn parse_trace_id(value: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(value).ok()?;
    let mut parts = text.split('-');
    let (version, trace_id, parent_id, flags) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let is_hex = |part: &str, len: usize| {
        part.len() == len
            && part
                .bytes()
                .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
    };
    let valid = parts.next().is_none()
        && version == "00"
        && is_hex(trace_id, 32)
        && is_hex(parent_id, 16)
        && is_hex(flags, 2)
        && trace_id.bytes().any(|byte| byte != b'0')
        && parent_id.bytes().any(|byte| byte != b'0');
    valid.then(|| trace_id.to_owned())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// A random 64-bit number: `RandomState` draws fresh SipHash keys per instance, which is random
/// enough for span ids and needs no RNG dependency.
fn random_u64() -> u64 {
    std::collections::hash_map::RandomState::new().hash_one(0u8)
}

/// The headers of a received message.
pub(crate) fn from_kafka<H: Headers>(headers: Option<&H>) -> Vec<Header> {
    let Some(headers) = headers else {
        return Vec::new();
    };
    headers
        .iter()
        .map(|header| Header {
            key: header.key.to_owned(),
            value: header.value.map(<[u8]>::to_vec).unwrap_or_default(),
        })
        .collect()
}

/// The value of the first header named `key`.
pub(crate) fn find<'h>(headers: &'h [Header], key: &str) -> Option<&'h [u8]> {
    headers
        .iter()
        .find(|header| header.key == key)
        .map(|header| header.value.as_slice())
}

/// Copies received headers unchanged (passthrough).
pub(crate) fn copied(headers: &[Header]) -> OwnedHeaders {
    let mut owned = OwnedHeaders::new_with_capacity(headers.len());
    for header in headers {
        owned = owned.insert(KafkaHeader {
            key: &header.key,
            value: Some(&header.value),
        });
    }
    owned
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn traceparent_propagates_a_valid_trace_and_replaces_an_invalid_one() {
        let incoming = b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let next = next_traceparent(Some(incoming), None);
        assert!(next.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"));
        assert_ne!(&next.as_bytes()[36..52], b"00f067aa0ba902b7");
        assert_eq!(parse_trace_id(next.as_bytes()).unwrap().len(), 32);

        let id = ReportId::from_parts(1_700_000_000_000, [7; 10]);
        let fresh = next_traceparent(Some(b"garbage"), Some(&id));
        assert_eq!(&fresh[3..35], hex(id.as_uuid().as_bytes()));
        assert!(parse_trace_id(fresh.as_bytes()).is_some());
        let zeros = b"00-00000000000000000000000000000000-00f067aa0ba902b7-01";
        assert!(parse_trace_id(zeros).is_none());
    }

    #[test]
    fn fingerprint_is_the_single_object_header() {
        let value = [0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 0xff, 42];
        assert_eq!(fingerprint_hex(&value).unwrap(), "01020304050607ff");
        assert_eq!(fingerprint_hex(&[0xC3]), None);
    }
}
