//! Tests of bearer tokens: issue and verify, refusals, the layer and the extractor.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use axum::{Router, body::Body, http::Request, routing::get};
use http_body_util::BodyExt;
use sar_model::access::{Caller, Permission, Role};
use tower::ServiceExt;

use super::*;

const NOW: i64 = 1_790_000_000;

fn analyst() -> Caller {
    Caller {
        subject: "a-17".to_owned(),
        role: Role::Analyst,
        agency: "CA0340000".to_owned(),
        jurisdictions: vec!["Sacramento County".to_owned()],
        pii: true,
    }
}

#[test]
fn a_token_round_trips_its_caller() {
    let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
    let token = keys
        .issue(&analyst(), Duration::from_secs(3600), NOW)
        .unwrap();
    assert_eq!(keys.verify(&token, NOW + 10).unwrap(), analyst());
}

#[test]
fn expired_foreign_and_garbled_tokens_are_refused() {
    let keys = TokenKeys::new(b"secret-one");
    let token = keys
        .issue(&analyst(), Duration::from_secs(60), NOW)
        .unwrap();
    assert_eq!(keys.verify(&token, NOW + 3600), Err(AuthError::Expired));
    let other = TokenKeys::new(b"secret-two");
    assert_eq!(other.verify(&token, NOW), Err(AuthError::Invalid));
    assert_eq!(keys.verify("not.a.jwt", NOW), Err(AuthError::Invalid));
    let mut tampered = token.clone();
    tampered.push('x');
    assert_eq!(keys.verify(&tampered, NOW), Err(AuthError::Invalid));
}

#[test]
fn a_remembered_token_still_expires_and_its_forgeries_are_refused() {
    let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
    let token = keys
        .issue(&analyst(), Duration::from_secs(60), NOW)
        .unwrap();
    assert_eq!(keys.verify(&token, NOW).unwrap(), analyst());
    assert_eq!(keys.clone().verify(&token, NOW + 1).unwrap(), analyst());
    assert_eq!(keys.verify(&token, NOW + 3600), Err(AuthError::Expired));
    assert_eq!(keys.verify(&token, NOW - 3600), Err(AuthError::Invalid));
    let mut tampered = token.clone();
    tampered.push('x');
    assert_eq!(keys.verify(&tampered, NOW), Err(AuthError::Invalid));
    let other = TokenKeys::new(b"secret-two");
    assert_eq!(other.verify(&token, NOW), Err(AuthError::Invalid));
}

#[test]
fn a_partner_role_is_never_accepted_from_a_token() {
    let keys = TokenKeys::new(b"secret");
    let mut partner = analyst();
    partner.role = Role::Partner;
    let token = keys.issue(&partner, Duration::from_secs(60), NOW).unwrap();
    assert_eq!(keys.verify(&token, NOW), Err(AuthError::UnknownRole));
}

#[test]
fn caller_must_answers_403_for_a_missing_permission() {
    assert!(caller_must(&analyst(), Permission::Search).is_ok());
    let refused = caller_must(&analyst(), Permission::SubmitReport).unwrap_err();
    assert_eq!(refused.status, 403);
}

async fn whoami(Authenticated(caller): Authenticated) -> String {
    caller.subject
}

async fn call(router: Router, authorization: Option<&str>) -> (u16, String) {
    let mut request = Request::get("/whoami");
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = router
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn the_layer_and_extractor_authenticate_requests() {
    let keys = TokenKeys::new(b"layer-secret");
    let router = Router::new()
        .route("/whoami", get(whoami))
        .layer(auth_layer(keys.clone()));
    let token = keys
        .issue(&analyst(), Duration::from_secs(600), unix_now())
        .unwrap();
    assert_eq!(
        call(router.clone(), Some(&format!("Bearer {token}"))).await,
        (200, "a-17".to_owned())
    );
    let (status, body) = call(router.clone(), None).await;
    assert_eq!(status, 401);
    assert!(body.contains("missing bearer token"), "{body}");
    let (status, body) = call(router.clone(), Some("Bearer nonsense")).await;
    assert_eq!(status, 401);
    assert!(body.contains("invalid bearer token"), "{body}");
    assert!(!body.contains("nonsense"), "the token is never echoed");
    let (status, _) = call(router, Some("SarflowKey k1.secret")).await;
    assert_eq!(status, 401, "other schemes are not bearer tokens");
}

#[tokio::test]
async fn test_support_injects_a_fixed_caller() {
    let router =
        crate::test_support::with_caller(Router::new().route("/whoami", get(whoami)), analyst());
    assert_eq!(call(router, None).await, (200, "a-17".to_owned()));
}
