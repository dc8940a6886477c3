//! Partner API keys (the secret only as an argon2 PHC hash; the HMAC signing key in hex) and the
//! signed batches already received (replay protection).

use rusqlite::{OptionalExtension, params};

use crate::{Journal, StoreError};

/// One partner API key as stored. Hashing and verifying the secret is the caller's job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerKey {
    pub key_id: String,
    pub partner_id: String,
    /// The jurisdiction this partner reports for.
    pub jurisdiction: String,
    /// argon2 PHC string of the secret.
    pub secret_hash: String,
    /// Hex HMAC-SHA256 key the partner signs batches with.
    pub signing_key: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339; a revoked key is refused.
    pub revoked_at: Option<String>,
}

impl Journal {
    /// Stores a new key; a `key_id` already registered is refused (`Invalid`).
    pub fn register_partner(&mut self, key: &PartnerKey) -> Result<(), StoreError> {
        let n_inserted = self
            .connection
            .prepare_cached(
                "INSERT INTO partner_keys (key_id, partner_id, jurisdiction, secret_hash,
                     signing_key, created_at, revoked_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (key_id) DO NOTHING",
            )
            .and_then(|mut statement| {
                statement.execute(params![
                    key.key_id,
                    key.partner_id,
                    key.jurisdiction,
                    key.secret_hash,
                    key.signing_key,
                    key.created_at,
                    key.revoked_at,
                ])
            })
            .map_err(StoreError::sqlite("register a partner key"))?;
        if n_inserted == 0 {
            return Err(StoreError::Invalid {
                what: "partner key",
                reason: "key id already registered",
            });
        }
        Ok(())
    }

    /// The key `key_id`, revoked or not.
    pub fn partner_key(&self, key_id: &str) -> Result<Option<PartnerKey>, StoreError> {
        self.connection
            .prepare_cached(
                "SELECT key_id, partner_id, jurisdiction, secret_hash, signing_key, created_at,
                     revoked_at
                 FROM partner_keys WHERE key_id = ?1",
            )
            .and_then(|mut statement| {
                statement
                    .query_row([key_id], |row| {
                        Ok(PartnerKey {
                            key_id: row.get(0)?,
                            partner_id: row.get(1)?,
                            jurisdiction: row.get(2)?,
                            secret_hash: row.get(3)?,
                            signing_key: row.get(4)?,
                            created_at: row.get(5)?,
                            revoked_at: row.get(6)?,
                        })
                    })
                    .optional()
            })
            .map_err(StoreError::sqlite("read a partner key"))
    }

    /// Revokes `key_id` at `at` (RFC 3339). False if there is no such key or it was already
    /// revoked (the first revocation time is kept).
    pub fn revoke_partner_key(&mut self, key_id: &str, at: &str) -> Result<bool, StoreError> {
        let n_updated = self
            .connection
            .prepare_cached(
                "UPDATE partner_keys SET revoked_at = ?2 WHERE key_id = ?1 AND revoked_at IS NULL",
            )
            .and_then(|mut statement| statement.execute(params![key_id, at]))
            .map_err(StoreError::sqlite("revoke a partner key"))?;
        Ok(n_updated == 1)
    }

    /// Records that `partner_id` sent the batch `batch_id` (e.g. the sha256 of its signed
    /// content) at `at`. False = seen before: a replay.
    pub fn remember_batch(
        &mut self,
        partner_id: &str,
        batch_id: &str,
        at: &str,
    ) -> Result<bool, StoreError> {
        let n_inserted = self
            .connection
            .prepare_cached(
                "INSERT INTO partner_batches (partner_id, batch_id, received_at)
                 VALUES (?1, ?2, ?3)
                 ON CONFLICT (partner_id, batch_id) DO NOTHING",
            )
            .and_then(|mut statement| statement.execute(params![partner_id, batch_id, at]))
            .map_err(StoreError::sqlite("remember a batch"))?;
        Ok(n_inserted == 1)
    }
}

#[cfg(test)]
mod tests;
