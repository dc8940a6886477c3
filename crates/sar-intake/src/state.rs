//! `IntakeState`: what the handlers share: the config, the group committer (every ledger
//! write goes through it), one store connection for reads and small writes (partner keys,
//! batch replay marks, status), the codec of the journal payloads, the key cache, the rate
//! limiter and the clock.

#[allow(unused_imports)]
use std::{
    path::Path,
    sync::{Arc, Mutex},
};

use time::OffsetDateTime;
use tokio::sync::oneshot;

use sar_http::Problem;
use sar_model::access::{Caller, Role};
use sar_normalize::NormalizeConfig;
use sar_schema::Codec;
use sar_store::{GroupCommitter, Journal, LedgerReceipt, NewSubmission, StoreError};
use sar_telemetry::Metrics;

use crate::{
    IntakeError,
    config::IntakeConfig,
    keys::{self, KeyCache, PresentedKey},
    rate::RateLimiter,
};

/// The clock of the service (replaceable in tests).
pub type Clock = Arc<dyn Fn() -> OffsetDateTime + Send + Sync>;

/// The state of the intake router. Cheap to clone.
#[derive(Clone)]
pub struct IntakeState {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for IntakeState {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("IntakeState")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    pub(crate) config: IntakeConfig,
    pub(crate) normalize: NormalizeConfig,
    pub(crate) committer: Arc<GroupCommitter>,
    pub(crate) codec: Arc<Codec>,
    pub(crate) store: Mutex<Journal>,
    pub(crate) keys: KeyCache,
    pub(crate) rate: RateLimiter,
    pub(crate) metrics: Metrics,
    pub(crate) clock: Clock,
}

/// A partner authenticated by its key.
#[derive(Debug, Clone)]
pub(crate) struct Partner {
    pub(crate) caller: Caller,
    /// The HMAC key (bytes).
    pub(crate) signing_key: Vec<u8>,
}

impl IntakeState {
    /// The intake state over `committer` (shared with whoever else journals) and a connection
    /// of its own to the store file at `store_path` (the file the committer writes).
    pub fn new(
        config: IntakeConfig,
        committer: Arc<GroupCommitter>,
        store_path: &Path,
        codec: Arc<Codec>,
        metrics: Metrics,
    ) -> Result<Self, IntakeError> {
        let store = Journal::open(store_path).map_err(IntakeError::Store)?;
        let normalize = NormalizeConfig {
            max_narrative_chars: config.max_narrative_chars,
            ..NormalizeConfig::default()
        };
        Ok(Self {
            inner: Arc::new(Inner {
                keys: KeyCache::new(config.key_cache_entries),
                rate: RateLimiter::new(config.partner_rate),
                config,
                normalize,
                committer,
                codec,
                store: Mutex::new(store),
                metrics,
                clock: Arc::new(OffsetDateTime::now_utc),
            }),
        })
    }

    /// The same state reading time from `clock` (tests).
    #[must_use]
    pub fn with_clock(self, clock: Clock) -> Self {
        let inner = match Arc::try_unwrap(self.inner) {
            Ok(inner) => inner,
            // Cloned already: nothing to do but keep the clock it has. Call this right after
            // `new`.
            Err(inner) => return Self { inner },
        };
        Self {
            inner: Arc::new(Inner { clock, ..inner }),
        }
    }
}

impl Inner {
    pub(crate) fn now(&self) -> OffsetDateTime {
        (self.clock)()
    }

    /// Runs `work` with the store connection on the blocking pool.
    pub(crate) async fn with_store<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&mut Journal) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, Problem> {
        let inner = Arc::clone(self);
        let outcome = tokio::task::spawn_blocking(move || inner.with_store_blocking(work)).await;
        match outcome {
            Ok(result) => result.map_err(|error| store_problem(&error)),
            Err(_) => {
                tracing::error!(service = "intake", "a store task panicked");
                Err(Problem::internal())
            }
        }
    }

    /// `with_store` for code already on a blocking thread.
    pub(crate) fn with_store_blocking<T>(
        &self,
        work: impl FnOnce(&mut Journal) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // A poisoned lock means a panic mid-call; SQLite rolled the transaction back, so the
        // connection is still sound.
        let mut store = self
            .store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        work(&mut store)
    }

    /// Records submissions through the group committer; `Ok` receipts are durable.
    pub(crate) async fn submit(
        &self,
        batch: Vec<NewSubmission>,
    ) -> Result<Vec<LedgerReceipt>, Problem> {
        let (sender, receiver) = oneshot::channel();
        self.committer.submit_submissions(batch, move |result| {
            // The handler waits below; if it is gone (client hung up) the outcome stays durable.
            let _ = sender.send(result);
        });
        match receiver.await {
            Ok(Ok(receipts)) => Ok(receipts),
            Ok(Err(error)) => Err(store_problem(&error)),
            Err(_) => Err(store_problem(&StoreError::CommitterStopped)),
        }
    }

    /// Checks a partner key: the key row (read every time, so revocation is immediate), then
    /// the secret (argon2 once per key and secret, then the cache).
    pub(crate) async fn authenticate_partner(
        self: &Arc<Self>,
        presented: PresentedKey,
    ) -> Result<Partner, Problem> {
        let inner = Arc::clone(self);
        tokio::task::spawn_blocking(move || inner.authenticate_blocking(&presented))
            .await
            .map_err(|_| Problem::internal())?
    }

    fn authenticate_blocking(&self, presented: &PresentedKey) -> Result<Partner, Problem> {
        let refused = || Problem::unauthorized("unknown or invalid partner key");
        let key_id = presented.key_id.clone();
        let stored = self
            .with_store_blocking(|store| store.partner_key(&key_id))
            .map_err(|error| store_problem(&error))?
            .ok_or_else(refused)?;
        if stored.revoked_at.is_some() {
            return Err(refused());
        }
        let known = self
            .keys
            .knows(&presented.key_id, &stored.secret_hash, &presented.secret);
        if !known {
            if !keys::verify_secret(&presented.secret, &stored.secret_hash) {
                self.keys.forget(&presented.key_id);
                return Err(refused());
            }
            self.keys
                .remember(&presented.key_id, &stored.secret_hash, &presented.secret);
        }
        let signing_key = hex::decode(&stored.signing_key).map_err(|_| {
            tracing::error!(
                service = "intake",
                "a stored partner signing key is not hex"
            );
            Problem::internal()
        })?;
        Ok(Partner {
            caller: Caller {
                subject: stored.partner_id.clone(),
                role: Role::Partner,
                agency: stored.partner_id,
                jurisdictions: vec![stored.jurisdiction],
                pii: false,
            },
            signing_key,
        })
    }
}

/// A store failure as an answer: 503 when the committer is gone (shutting down), else 500; the
/// cause is logged here, once (store errors name operations and constraints, never values).
pub(crate) fn store_problem(error: &StoreError) -> Problem {
    match error {
        StoreError::CommitterStopped => {
            tracing::warn!(service = "intake", %error, "store unavailable");
            Problem::unavailable("the store is not accepting submissions; retry later")
        }
        _ => {
            tracing::error!(service = "intake", %error, "store failure");
            Problem::internal()
        }
    }
}
