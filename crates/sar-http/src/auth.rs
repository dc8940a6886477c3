//! Bearer tokens: HS256 JWTs that carry a [`Caller`] (subject, role, agency, jurisdictions, PII
//! right). [`auth_layer`] verifies the token of every request and leaves the outcome in the request
//! extensions; handlers take [`Authenticated`], which answers 401 when there is no valid token.
//! Routers never see the secret. Other `Authorization` schemes (the partner feed's `SarflowKey`)
//! pass through untouched for the handler that owns them.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    task::{Context, Poll},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use axum::{extract::FromRequestParts, http::request::Parts};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use sar_model::access::{Caller, Permission, Role};
use serde::{Deserialize, Serialize};

use crate::{FieldProblem, Problem};

/// Longest purpose, in characters, a caller may state for a read or a search (recorded in the
/// audit log, rule T-23); every API holds it to the same limit through `stated_purpose`.
pub const MAX_PURPOSE_CHARS: usize = 500;

/// The `iss` of every sarflow token.
const ISSUER: &str = "sarflow";

/// Clock skew tolerated between the issuer and this server.
const LEEWAY_SECONDS: i64 = 30;

/// Why a token was refused. The message never repeats the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No `Authorization: Bearer` header.
    #[error("missing bearer token")]
    Missing,
    /// Not a JWT, wrong signature, wrong algorithm or issuer.
    #[error("invalid bearer token")]
    Invalid,
    /// Past its `exp`.
    #[error("bearer token expired")]
    Expired,
    /// The role claim is not a known role, or a partner role (partners use API keys).
    #[error("bearer token carries an unknown role")]
    UnknownRole,
    /// Signing failed (only when issuing).
    #[error("failed to sign a token")]
    Signing,
}

/// The claims of a sarflow token.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    role: String,
    agency: String,
    jurisdictions: Vec<String>,
    pii: bool,
    iat: i64,
    exp: i64,
}

/// The deployment's token secret: issues and verifies tokens.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Tokens whose signature, issuer and role verified, by their full text (signature
    /// included), so a repeated token skips the HMAC and the JSON; times are checked every call.
    verified: Arc<Mutex<HashMap<String, Verified>>>,
}

/// Most tokens `TokenKeys` remembers; it forgets them all when full.
const VERIFIED_CAPACITY: usize = 1024;

/// A token that verified, with the times checked on every use.
#[derive(Debug, Clone)]
struct Verified {
    caller: Caller,
    iat: i64,
    exp: i64,
}

impl Verified {
    fn at(&self, now_unix: i64) -> Result<Caller, AuthError> {
        check_times(self.iat, self.exp, now_unix)?;
        Ok(self.caller.clone())
    }
}

/// Expired, or issued in the future (both with `LEEWAY_SECONDS`).
fn check_times(iat: i64, exp: i64, now_unix: i64) -> Result<(), AuthError> {
    if exp.saturating_add(LEEWAY_SECONDS) <= now_unix {
        return Err(AuthError::Expired);
    }
    if iat > now_unix.saturating_add(LEEWAY_SECONDS) {
        return Err(AuthError::Invalid);
    }
    Ok(())
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("TokenKeys(<redacted>)")
    }
}

impl TokenKeys {
    /// Keys from the shared secret (at least 32 random bytes in a deployment).
    pub fn new(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            verified: Arc::default(),
        }
    }

    /// A token for `caller`, valid for `ttl` from `now_unix`.
    pub fn issue(
        &self,
        caller: &Caller,
        ttl: Duration,
        now_unix: i64,
    ) -> Result<String, AuthError> {
        let ttl_seconds = i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX);
        let claims = Claims {
            iss: ISSUER.to_owned(),
            sub: caller.subject.clone(),
            role: caller.role.as_str().to_owned(),
            agency: caller.agency.clone(),
            jurisdictions: caller.jurisdictions.clone(),
            pii: caller.pii,
            iat: now_unix,
            exp: now_unix.saturating_add(ttl_seconds),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|_| AuthError::Signing)
    }

    /// The caller a token names, if it verifies at `now_unix`.
    pub fn verify(&self, token: &str, now_unix: i64) -> Result<Caller, AuthError> {
        let known = self
            .verified
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(token)
            .cloned();
        if let Some(known) = known {
            return known.at(now_unix);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is checked by `check_times` against the clock we were given, so tests can
        // move it.
        validation.validate_exp = false;
        validation.required_spec_claims.clear();
        validation.set_issuer(&[ISSUER]);
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|_| AuthError::Invalid)?
            .claims;
        check_times(claims.iat, claims.exp, now_unix)?;
        let role = Role::parse(&claims.role)
            .filter(|role| *role != Role::Partner)
            .ok_or(AuthError::UnknownRole)?;
        let caller = Caller {
            subject: claims.sub,
            role,
            agency: claims.agency,
            jurisdictions: claims.jurisdictions,
            pii: claims.pii,
        };
        let verified = Verified {
            caller: caller.clone(),
            iat: claims.iat,
            exp: claims.exp,
        };
        let mut known = self
            .verified
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if known.len() >= VERIFIED_CAPACITY {
            known.clear();
        }
        known.insert(token.to_owned(), verified);
        Ok(caller)
    }
}

/// What the layer found, left in the request extensions for [`Authenticated`].
#[derive(Debug, Clone)]
enum AuthOutcome {
    Verified(Caller),
    Refused(AuthError),
}

/// The layer that verifies bearer tokens. Apply it to the merged router.
pub fn auth_layer(keys: TokenKeys) -> AuthLayer {
    AuthLayer {
        keys: Arc::new(keys),
    }
}

/// See [`auth_layer`].
#[derive(Debug, Clone)]
pub struct AuthLayer {
    keys: Arc<TokenKeys>,
}

impl<S> tower::Layer<S> for AuthLayer {
    type Service = AuthService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        AuthService {
            inner,
            keys: Arc::clone(&self.keys),
        }
    }
}

/// The service [`AuthLayer`] wraps around a router.
#[derive(Debug, Clone)]
pub struct AuthService<S> {
    inner: S,
    keys: Arc<TokenKeys>,
}

impl<S, B> tower::Service<axum::http::Request<B>> for AuthService<S>
where
    S: tower::Service<axum::http::Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, mut request: axum::http::Request<B>) -> Self::Future {
        let bearer = request
            .headers()
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                value
                    .strip_prefix("Bearer ")
                    .or_else(|| value.strip_prefix("bearer "))
            })
            .map(str::trim);
        if let Some(token) = bearer {
            let outcome = match self.keys.verify(token, unix_now()) {
                Ok(caller) => AuthOutcome::Verified(caller),
                Err(error) => AuthOutcome::Refused(error),
            };
            request.extensions_mut().insert(outcome);
        }
        self.inner.call(request)
    }
}

/// Seconds since the Unix epoch (0 if the clock is before it).
pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}

/// The verified caller of a request; rejects with a 401 problem when the request has no valid
/// bearer token.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for Authenticated {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            // Inserted directly (test support, or a service that authenticated another way).
            return Ok(Self(caller.clone()));
        }
        match parts.extensions.get::<AuthOutcome>() {
            Some(AuthOutcome::Verified(caller)) => Ok(Self(caller.clone())),
            Some(AuthOutcome::Refused(error)) => Err(Problem::unauthorized(error.to_string())),
            None => Err(Problem::unauthorized(AuthError::Missing.to_string())),
        }
    }
}

/// 403 unless the caller's role grants `permission`.
pub fn caller_must(caller: &Caller, permission: Permission) -> Result<(), Problem> {
    if caller.may(permission) {
        Ok(())
    } else {
        Err(Problem::forbidden(format!(
            "role `{}` may not {}",
            caller.role.as_str(),
            permission_words(permission)
        )))
    }
}

/// The `purpose` a caller stated for a read or a search, trimmed; `None` when absent or blank.
/// Each API decides what no purpose means (search requires one with the PII right, the queue
/// API records a default).
pub fn stated_purpose(purpose: Option<String>) -> Result<Option<String>, FieldProblem> {
    let purpose = purpose
        .map(|purpose| purpose.trim().to_owned())
        .filter(|purpose| !purpose.is_empty());
    match purpose {
        Some(purpose) if purpose.chars().count() > MAX_PURPOSE_CHARS => Err(FieldProblem::new(
            "purpose",
            format!("at most {MAX_PURPOSE_CHARS} characters"),
        )),
        purpose => Ok(purpose),
    }
}

fn permission_words(permission: Permission) -> &'static str {
    match permission {
        Permission::SubmitReport => "submit reports",
        Permission::SubmitFeed => "send feed batches",
        Permission::ReadStatus => "read report status",
        Permission::Search => "search reports",
        Permission::ReadQueue => "read queues",
        Permission::WorkQueue => "work queue items",
        Permission::BulkWorkQueue => "act on queue items in bulk",
        Permission::ReadAudit => "read the audit trail",
    }
}

#[cfg(test)]
mod tests;
