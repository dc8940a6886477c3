//! RFC 7807 problem details. A 4xx carries a message for the user and every field problem at
//! once; a 5xx carries a generic message (the cause is logged where it is handled).

use axum::{
    extract::rejection::QueryRejection,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};

/// The media type of a problem document.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// One field-level problem: `persons[2].dob: not a date`. Never repeats the value sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FieldProblem {
    /// Path of the field in the request (`narrative`, `persons[2].dob`, `line 7: source.report_id`).
    pub field: String,
    /// What is wrong with it.
    pub problem: String,
}

impl FieldProblem {
    /// A field problem.
    pub fn new(field: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

/// An error answer (`application/problem+json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`urn:sarflow:problem:<slug>`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the kind.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// What went wrong with this request.
    pub detail: String,
    /// Every field-level problem, when the request body was at fault.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

impl Problem {
    /// A problem with this status, slug, title and detail.
    pub fn new(status: StatusCode, slug: &str, title: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("urn:sarflow:problem:{slug}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// 400: the request cannot be read (bad JSON, bad UTF-8, bad query).
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "bad request",
            detail,
        )
    }

    /// 401: no credentials, or credentials that do not verify.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "authentication required",
            detail,
        )
    }

    /// 403: authenticated, but the role or jurisdiction does not allow it.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "not allowed", detail)
    }

    /// 404: nothing there (or nothing the caller may know exists).
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "not found", detail)
    }

    /// 405: the path exists, not with this method.
    pub fn method_not_allowed(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "method not allowed",
            detail,
        )
    }

    /// 409: the request conflicts with the current state (claimed item, replayed batch).
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", "conflict", detail)
    }

    /// 413: the body or a field is over its limit.
    pub fn payload_too_large(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "payload too large",
            detail,
        )
    }

    /// 415: a content type the endpoint does not take.
    pub fn unsupported_media_type(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "unsupported media type",
            detail,
        )
    }

    /// 400: a query string the handler's parameters cannot be read from (an unknown, repeated
    /// or mistyped parameter). Every API answers these alike; the parser's message, which names
    /// the parameter, is the problem of the field `query`. Query values that parse but are
    /// invalid are also 400, with their own field names (`bad_request(..).with_errors(..)`):
    /// 422 is for a request body.
    pub fn invalid_query(rejection: &QueryRejection) -> Self {
        Self::bad_request("invalid query parameters")
            .with_errors(vec![FieldProblem::new("query", rejection.body_text())])
    }

    /// 422: the body was read but its fields are invalid; lists every field problem.
    pub fn unprocessable(detail: impl Into<String>, errors: Vec<FieldProblem>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-fields",
            "invalid fields",
            detail,
        )
        .with_errors(errors)
    }

    /// 429: over the caller's rate limit.
    pub fn too_many_requests(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "too many requests",
            detail,
        )
    }

    /// 503: a dependency (store, index) is not available; retry later.
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "service unavailable",
            detail,
        )
    }

    /// 500 with a generic message: internal detail never reaches the caller.
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error",
            "the server failed to handle the request; it has been logged",
        )
    }

    /// The same problem with these field problems.
    #[must_use]
    pub fn with_errors(mut self, errors: Vec<FieldProblem>) -> Self {
        self.errors = errors;
        self
    }

    /// The status code.
    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let body = match serde_json::to_vec(&self) {
            Ok(body) => body,
            // A struct of strings always serializes; keep an answer even if it did not.
            Err(_) => b"{\"type\":\"urn:sarflow:problem:internal\",\"status\":500}".to_vec(),
        };
        let mut response = (status, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(PROBLEM_CONTENT_TYPE),
        );
        response
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{} {}: {}", self.status, self.title, self.detail)
    }
}

/// The answer of an API router to a path it does not serve (`Router::fallback`): a 404 problem
/// document like every other refusal.
pub async fn no_such_endpoint() -> Problem {
    Problem::not_found("no such endpoint; the API is described at /v1/openapi.json")
}

/// The answer of an API router to a method a path does not take
/// (`Router::method_not_allowed_fallback`): a 405 problem document.
pub async fn method_not_allowed() -> Problem {
    Problem::method_not_allowed("this endpoint does not take that method; see /v1/openapi.json")
}
