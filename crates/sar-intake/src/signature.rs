//! Feed batch signatures: `X-Sarflow-Timestamp: <unix seconds>` and `X-Sarflow-Signature:
//! sha256=<hex HMAC-SHA256(signing key, timestamp + "." + body)>`, where the signing key is the
//! 32 bytes its hex text encodes. The MAC is computed incrementally while the body streams in
//! and compared in constant time at the end. The same pass computes the batch id (SHA-256 of
//! the signed message, timestamp included) used for replay protection.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// The timestamp header.
pub const TIMESTAMP_HEADER: &str = "x-sarflow-timestamp";
/// The signature header.
pub const SIGNATURE_HEADER: &str = "x-sarflow-signature";

/// Why a batch's signature headers or signature were refused. Messages carry no header values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SignatureError {
    #[error("missing X-Sarflow-Timestamp header")]
    MissingTimestamp,
    #[error("X-Sarflow-Timestamp is not unix seconds")]
    BadTimestamp,
    #[error("X-Sarflow-Timestamp is outside the allowed window of {tolerance_secs} s")]
    Stale { tolerance_secs: u64 },
    #[error("missing X-Sarflow-Signature header")]
    MissingSignature,
    #[error("X-Sarflow-Signature is not `sha256=<64 hex digits>`")]
    BadSignatureFormat,
    #[error("the batch signature does not verify")]
    Mismatch,
}

/// Reads the timestamp header; the text is kept as sent (it is part of the signed message).
pub(crate) fn parse_timestamp(header: Option<&str>) -> Result<(String, i64), SignatureError> {
    let text = header.ok_or(SignatureError::MissingTimestamp)?.trim();
    if text.is_empty() || text.len() > 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SignatureError::BadTimestamp);
    }
    let seconds = text
        .parse::<i64>()
        .map_err(|_| SignatureError::BadTimestamp)?;
    Ok((text.to_owned(), seconds))
}

/// Refuses a timestamp more than `tolerance_secs` away from `now_unix`, either way.
pub(crate) fn check_window(
    timestamp: i64,
    now_unix: i64,
    tolerance_secs: u64,
) -> Result<(), SignatureError> {
    if timestamp.abs_diff(now_unix) > tolerance_secs {
        return Err(SignatureError::Stale { tolerance_secs });
    }
    Ok(())
}

/// Reads `sha256=<hex>`.
pub(crate) fn parse_signature(header: Option<&str>) -> Result<[u8; 32], SignatureError> {
    let text = header.ok_or(SignatureError::MissingSignature)?.trim();
    let hex_text = text
        .strip_prefix("sha256=")
        .ok_or(SignatureError::BadSignatureFormat)?;
    let mut signature = [0u8; 32];
    hex::decode_to_slice(hex_text, &mut signature)
        .map_err(|_| SignatureError::BadSignatureFormat)?;
    Ok(signature)
}

/// The signature header value of a batch: `sha256=<hex>` (for partners' tools and tests).
pub fn sign_batch(signing_key_hex: &str, timestamp: &str, body: &[u8]) -> Option<String> {
    let key = hex::decode(signing_key_hex).ok()?;
    let mut hasher = BatchHasher::new(&key, timestamp)?;
    hasher.update(body);
    Some(format!(
        "sha256={}",
        hex::encode(hasher.mac.finalize().into_bytes())
    ))
}

/// Hashes a batch while it streams in.
pub(crate) struct BatchHasher {
    mac: HmacSha256,
    /// Of `timestamp.body`: the batch id.
    signed: Sha256,
    /// Of the body alone.
    body: Sha256,
}

/// The digests of a verified batch, hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BatchDigests {
    /// SHA-256 of the signed message (`timestamp.body`): the replay key.
    pub(crate) batch_id: String,
    /// SHA-256 of the body.
    pub(crate) body_sha256: String,
}

impl BatchHasher {
    /// Starts with `timestamp + "."`; `None` only if the key is unusable (HMAC takes any length,
    /// so never in practice).
    pub(crate) fn new(signing_key: &[u8], timestamp: &str) -> Option<Self> {
        let mut mac = HmacSha256::new_from_slice(signing_key).ok()?;
        let mut signed = Sha256::new();
        for part in [timestamp.as_bytes(), b"."] {
            mac.update(part);
            signed.update(part);
        }
        Some(Self {
            mac,
            signed,
            body: Sha256::new(),
        })
    }

    pub(crate) fn update(&mut self, chunk: &[u8]) {
        self.mac.update(chunk);
        self.signed.update(chunk);
        self.body.update(chunk);
    }

    /// Checks the signature (constant time) and returns the digests.
    pub(crate) fn verify(self, signature: &[u8; 32]) -> Result<BatchDigests, SignatureError> {
        self.mac
            .verify_slice(signature)
            .map_err(|_| SignatureError::Mismatch)?;
        Ok(BatchDigests {
            batch_id: hex::encode(self.signed.finalize()),
            body_sha256: hex::encode(self.body.finalize()),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    fn key_bytes() -> Vec<u8> {
        hex::decode(KEY).unwrap()
    }

    /// Verifies `good` over `body` fed in `chunks` pieces.
    fn verify(
        key: &[u8],
        timestamp: &str,
        body: &[u8],
        good: &[u8; 32],
    ) -> Result<BatchDigests, SignatureError> {
        let mut hasher = BatchHasher::new(key, timestamp).unwrap();
        for chunk in body.chunks(3) {
            hasher.update(chunk);
        }
        hasher.verify(good)
    }

    #[test]
    fn a_signature_made_by_sign_batch_verifies_over_chunks() {
        let body = b"{\"a\":1}\n{\"b\":2}\n";
        let header = sign_batch(KEY, "1700000000", body).unwrap();
        assert!(header.starts_with("sha256="));
        let signature = parse_signature(Some(&header)).unwrap();
        let digests = verify(&key_bytes(), "1700000000", body, &signature).unwrap();
        assert_eq!(digests.batch_id.len(), 64);
        assert_eq!(
            digests.body_sha256,
            hex::encode(Sha256::digest(body.as_slice()))
        );
    }

    #[test]
    fn verification_refuses_another_body_timestamp_or_key() {
        let body = b"line\n";
        let good = parse_signature(Some(&sign_batch(KEY, "1700000000", body).unwrap())).unwrap();
        assert!(verify(&key_bytes(), "1700000000", body, &good).is_ok());
        assert_eq!(
            verify(&key_bytes(), "1700000000", b"line\r\n", &good),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&key_bytes(), "1700000001", body, &good),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(b"another key", "1700000000", body, &good),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn the_batch_id_covers_the_timestamp() {
        let body = b"same body\n";
        let id_at = |timestamp: &str| {
            let signature =
                parse_signature(Some(&sign_batch(KEY, timestamp, body).unwrap())).unwrap();
            verify(&key_bytes(), timestamp, body, &signature)
                .unwrap()
                .batch_id
        };
        assert_ne!(id_at("1700000000"), id_at("1700000060"));
        assert_eq!(id_at("1700000000"), id_at("1700000000"));
    }

    #[test]
    fn headers_are_parsed_strictly() {
        assert_eq!(
            parse_timestamp(Some("1700000000")),
            Ok(("1700000000".to_owned(), 1_700_000_000))
        );
        assert_eq!(parse_timestamp(None), Err(SignatureError::MissingTimestamp));
        for bad in ["", "-5", "1.5", "17000000000000", "now"] {
            assert_eq!(
                parse_timestamp(Some(bad)),
                Err(SignatureError::BadTimestamp),
                "{bad}"
            );
        }
        assert_eq!(parse_signature(None), Err(SignatureError::MissingSignature));
        for bad in ["abc", "sha256=zz", "sha1=00", "sha256=0011"] {
            assert_eq!(
                parse_signature(Some(bad)),
                Err(SignatureError::BadSignatureFormat),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_window_is_symmetric_and_inclusive() {
        assert_eq!(check_window(1000, 1300, 300), Ok(()));
        assert_eq!(check_window(1600, 1300, 300), Ok(()));
        assert_eq!(
            check_window(999, 1300, 300),
            Err(SignatureError::Stale {
                tolerance_secs: 300
            })
        );
        assert!(check_window(1601, 1300, 300).is_err());
    }
}
