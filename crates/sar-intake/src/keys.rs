//! Partner API keys: `Authorization: SarflowKey <key_id>.<secret>`.
//!
//! The store keeps only the argon2id hash of the secret (PHC string) and the HMAC signing key.
//! Argon2 is slow on purpose (tens of milliseconds), so a verified secret is remembered in
//! memory as its SHA-256 next to the PHC string it matched: the next request with the same key
//! compares digests in constant time instead of running argon2 again. The cache never
//! outlives a key change: an entry counts only while the stored PHC string is the same, and the
//! key row is read on every request (a revoked key is refused at once).

use std::{collections::HashMap, sync::Mutex};

use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};
use rand::RngCore as _;
use sha2::{Digest, Sha256};

/// The `Authorization` scheme of partner keys.
pub const PARTNER_KEY_SCHEME: &str = "SarflowKey";

/// A key id and secret as presented by a partner.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct PresentedKey {
    pub(crate) key_id: String,
    pub(crate) secret: String,
}

impl std::fmt::Debug for PresentedKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("PresentedKey")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

/// Reads `SarflowKey <key_id>.<secret>`; `None` for any other scheme or shape.
pub(crate) fn parse_authorization(header: &str) -> Option<PresentedKey> {
    let (scheme, credentials) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case(PARTNER_KEY_SCHEME) {
        return None;
    }
    let (key_id, secret) = credentials.trim().split_once('.')?;
    let plain = |text: &str| {
        !text.is_empty()
            && text.len() <= 128
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    if !plain(key_id) || !plain(secret) {
        return None;
    }
    Some(PresentedKey {
        key_id: key_id.to_owned(),
        secret: secret.to_owned(),
    })
}

/// Whether a header uses the partner key scheme (whatever follows).
pub(crate) fn is_partner_scheme(header: &str) -> bool {
    header
        .trim()
        .split_once(' ')
        .is_some_and(|(scheme, _)| scheme.eq_ignore_ascii_case(PARTNER_KEY_SCHEME))
}

/// A new key's parts, in clear: shown once to the operator, never stored as such.
#[derive(Clone, PartialEq, Eq)]
pub struct GeneratedKey {
    /// Public id (`pk_` + 16 hex digits).
    pub key_id: String,
    /// The secret half of the API key (64 hex digits).
    pub secret: String,
    /// The HMAC-SHA256 signing key of batches (64 hex digits = 32 bytes).
    pub signing_key: String,
}

impl std::fmt::Debug for GeneratedKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("GeneratedKey")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl GeneratedKey {
    /// Fresh random parts from the operating system's generator.
    pub(crate) fn random() -> Self {
        let mut rng = rand::rng();
        let mut id = [0u8; 8];
        let mut secret = [0u8; 32];
        let mut signing_key = [0u8; 32];
        rng.fill_bytes(&mut id);
        rng.fill_bytes(&mut secret);
        rng.fill_bytes(&mut signing_key);
        Self {
            key_id: format!("pk_{}", hex::encode(id)),
            secret: hex::encode(secret),
            signing_key: hex::encode(signing_key),
        }
    }

    /// The `Authorization` header value of this key.
    pub fn authorization(&self) -> String {
        format!("{PARTNER_KEY_SCHEME} {}.{}", self.key_id, self.secret)
    }
}

/// The argon2id PHC string of `secret` (random salt, default parameters).
pub(crate) fn hash_secret(secret: &str) -> Option<String> {
    Argon2::default()
        .hash_password(secret.as_bytes())
        .ok()
        .map(|hash| hash.to_string())
}

/// Whether `secret` matches the PHC string (argon2; slow).
pub(crate) fn verify_secret(secret: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    Argon2::default()
        .verify_password(secret.as_bytes(), &parsed)
        .is_ok()
}

/// Verified secrets by key id: `(PHC string, SHA-256 of the secret)`.
#[derive(Debug)]
pub(crate) struct KeyCache {
    capacity: usize,
    entries: Mutex<HashMap<String, (String, [u8; 32])>>,
}

impl KeyCache {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `secret` was verified before against this very `phc` string.
    pub(crate) fn knows(&self, key_id: &str, phc: &str, secret: &str) -> bool {
        let digest = sha256(secret);
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.get(key_id).is_some_and(|(cached_phc, cached)| {
            cached_phc == phc && constant_time_eq(cached, &digest)
        })
    }

    /// Remembers a secret that argon2 verified. When full, the cache starts over (keys are
    /// few; a full cache means churn, and re-verifying is only slow, never wrong).
    pub(crate) fn remember(&self, key_id: &str, phc: &str, secret: &str) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if entries.len() >= self.capacity && !entries.contains_key(key_id) {
            entries.clear();
        }
        entries.insert(key_id.to_owned(), (phc.to_owned(), sha256(secret)));
    }

    /// Forgets a key (after a failed verification, so a changed secret is checked afresh).
    pub(crate) fn forget(&self, key_id: &str) {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(key_id);
    }
}

fn sha256(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

fn constant_time_eq(left: &[u8; 32], right: &[u8; 32]) -> bool {
    left.iter()
        .zip(right)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_authorization_header_is_read_strictly() {
        let key = parse_authorization("SarflowKey pk_0011.abcdef").unwrap();
        assert_eq!(key.key_id, "pk_0011");
        assert_eq!(key.secret, "abcdef");
        assert!(parse_authorization("sarflowkey pk_1.s").is_some());
        for bad in [
            "Bearer pk_1.s",
            "SarflowKey pk_1",
            "SarflowKey .s",
            "SarflowKey pk_1.",
            "SarflowKey pk 1.s",
            "SarflowKey pk_1.s\u{e9}",
            "SarflowKey",
        ] {
            assert_eq!(parse_authorization(bad), None, "{bad}");
        }
        assert!(is_partner_scheme("SarflowKey garbage"));
        assert!(!is_partner_scheme("Bearer x.y.z"));
    }

    #[test]
    fn generated_keys_are_random_and_debug_shows_no_secret() {
        let first = GeneratedKey::random();
        let second = GeneratedKey::random();
        assert_ne!(first, second);
        assert!(first.key_id.starts_with("pk_") && first.key_id.len() == 19);
        assert_eq!(first.secret.len(), 64);
        assert_eq!(hex::decode(&first.signing_key).unwrap().len(), 32);
        let debug = format!("{first:?}");
        assert!(!debug.contains(&first.secret) && !debug.contains(&first.signing_key));
        let presented = parse_authorization(&first.authorization()).unwrap();
        assert_eq!(presented.key_id, first.key_id);
        assert_eq!(presented.secret, first.secret);
    }

    #[test]
    fn argon2_verifies_the_secret_and_only_it() {
        let phc = hash_secret("correct-secret").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_secret("correct-secret", &phc));
        assert!(!verify_secret("wrong-secret", &phc));
        assert!(!verify_secret("correct-secret", "not a phc string"));
    }

    #[test]
    fn the_cache_answers_only_for_the_same_secret_and_hash() {
        let cache = KeyCache::new(2);
        assert!(!cache.knows("pk_1", "$phc1", "secret"));
        cache.remember("pk_1", "$phc1", "secret");
        assert!(cache.knows("pk_1", "$phc1", "secret"));
        assert!(!cache.knows("pk_1", "$phc1", "other"));
        // The stored hash changed (key re-issued): the cache no longer vouches.
        assert!(!cache.knows("pk_1", "$phc2", "secret"));
        cache.forget("pk_1");
        assert!(!cache.knows("pk_1", "$phc1", "secret"));
        // Bounded: a third key clears the full cache.
        cache.remember("pk_1", "$a", "s1");
        cache.remember("pk_2", "$b", "s2");
        cache.remember("pk_3", "$c", "s3");
        assert!(cache.knows("pk_3", "$c", "s3"));
        assert!(!cache.knows("pk_1", "$a", "s1"));
    }
}
