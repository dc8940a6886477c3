//! For other crates' router tests: a layer that makes every request come from a fixed caller,
//! without tokens.

use axum::Router;
use sar_model::access::Caller;

/// `router` with every request authenticated as `caller`.
pub fn with_caller(router: Router, caller: Caller) -> Router {
    router.layer(axum::Extension(caller))
}
