//! Partner key and batch replay tests.

use super::*;

fn key(key_id: &str) -> PartnerKey {
    PartnerKey {
        key_id: key_id.to_owned(),
        partner_id: "acme".to_owned(),
        jurisdiction: "Riverside PD".to_owned(),
        secret_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        signing_key: "0f".repeat(32),
        created_at: "2026-03-01T12:00:00Z".to_owned(),
        revoked_at: None,
    }
}

#[test]
fn keys_are_registered_once_read_back_and_revoked_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut journal = Journal::open(&dir.path().join("store.db")).unwrap();
    journal.register_partner(&key("k1")).unwrap();
    assert!(matches!(
        journal.register_partner(&key("k1")),
        Err(StoreError::Invalid { .. })
    ));
    assert_eq!(journal.partner_key("k1").unwrap(), Some(key("k1")));
    assert_eq!(journal.partner_key("k2").unwrap(), None);

    assert!(
        journal
            .revoke_partner_key("k1", "2026-03-02T00:00:00Z")
            .unwrap()
    );
    assert!(
        !journal
            .revoke_partner_key("k1", "2026-03-03T00:00:00Z")
            .unwrap()
    );
    assert!(
        !journal
            .revoke_partner_key("k2", "2026-03-03T00:00:00Z")
            .unwrap()
    );
    assert_eq!(
        journal
            .partner_key("k1")
            .unwrap()
            .unwrap()
            .revoked_at
            .as_deref(),
        Some("2026-03-02T00:00:00Z"),
        "the first revocation time is kept"
    );
}

#[test]
fn a_batch_is_new_once_per_partner() {
    let dir = tempfile::tempdir().unwrap();
    let mut journal = Journal::open(&dir.path().join("store.db")).unwrap();
    let at = "2026-03-01T12:00:00Z";
    assert!(journal.remember_batch("acme", "b1", at).unwrap());
    assert!(!journal.remember_batch("acme", "b1", at).unwrap());
    assert!(journal.remember_batch("globex", "b1", at).unwrap());
    assert!(journal.remember_batch("acme", "b2", at).unwrap());
}
