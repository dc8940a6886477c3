//! sar-http: the HTTP plumbing every sarflow service shares, so that the intake, search and queue
//! APIs answer errors, authentication and metrics the same way.
//!
//! - `problem`: RFC 7807 `application/problem+json` errors with every field error at once.
//! - `auth`: HS256 bearer tokens carrying a [`sar_model::access::Caller`], the layer that verifies
//!   them and the [`Authenticated`] extractor handlers take.
//! - `json`: a JSON body extractor whose rejections are problems naming the field.
//! - `observe`: the request-metrics layer (`sarflow_http_*`, labelled by the matched route).
//! - `client`: a small keep-alive HTTP/1.1 client for loopback (tests, load generators, tools).
//! - `serve`: binds a listener and serves a router until a shutdown token fires.

mod auth;
pub mod client;
mod json;
mod observe;
mod problem;
mod serve;
pub mod test_support;

pub use auth::{
    AuthError, Authenticated, MAX_PURPOSE_CHARS, TokenKeys, auth_layer, caller_must, stated_purpose,
};
pub use json::Json;
pub use observe::metrics_layer;
pub use problem::{
    FieldProblem, PROBLEM_CONTENT_TYPE, Problem, method_not_allowed, no_such_endpoint,
};
pub use serve::{HttpError, serve};
