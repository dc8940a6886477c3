//! A JSON body extractor whose every rejection is a [`Problem`]: a wrong content type is a 415,
//! bytes that are not UTF-8 or not JSON a 400 with the line and column, and JSON of the wrong
//! shape (missing or unknown field, wrong type) a 422 naming the field's path.

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::header,
    response::{IntoResponse, Response},
};
use serde::{Serialize, de::DeserializeOwned};

use crate::{FieldProblem, Problem};

/// A JSON request body (or response).
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(request.headers()) {
            return Err(Problem::unsupported_media_type(
                "the body must be `application/json`",
            ));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    Problem::payload_too_large("the body is over the size limit")
                } else {
                    Problem::bad_request("failed to read the body")
                }
            })?;
        parse(&bytes).map(Json)
    }
}

/// Parses a JSON document into `T` with the same problems as the extractor.
pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    if let Err(error) = std::str::from_utf8(bytes) {
        return Err(Problem::bad_request(format!(
            "the body is not valid UTF-8 (at byte {})",
            error.valid_up_to()
        )));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    let value = match parsed {
        Ok(value) => value,
        Err(error) => {
            let path = error.path().to_string();
            let inner = error.into_inner();
            return Err(match inner.classify() {
                serde_json::error::Category::Data => Problem::unprocessable(
                    "the body does not match the schema",
                    vec![FieldProblem::new(
                        field_path(&path, &inner),
                        data_problem(&inner),
                    )],
                ),
                _ => Problem::bad_request(format!(
                    "the body is not valid JSON (line {}, column {})",
                    inner.line(),
                    inner.column()
                )),
            });
        }
    };
    deserializer
        .end()
        .map_err(|_| Problem::bad_request("the body has data after the JSON document"))?;
    Ok(value)
}

/// The path of the field at fault: serde reports a missing field at its parent, so the field's
/// own name (a schema name, never a value) is appended.
fn field_path(path: &str, error: &serde_json::Error) -> String {
    let message = error.to_string();
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    match (path, missing) {
        (".", Some(name)) => name.to_owned(),
        (_, Some(name)) => format!("{path}.{name}"),
        (".", None) => "(body)".to_owned(),
        (_, None) => path.to_owned(),
    }
}

/// serde's message without the value that was sent (it may be PII) and without its trailing
/// position (the path says where): `invalid type: string "x", expected u32` becomes
/// `invalid type, expected u32`.
fn data_problem(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let message = match message.find(" at line ") {
        Some(cut) => &message[..cut],
        None => &message[..],
    };
    let (head, expected) = match message.find(", expected") {
        Some(split) => (&message[..split], &message[split..]),
        None => (message, ""),
    };
    let kind_end = [head.find(':'), head.find(" `"), head.find(" \"")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(head.len());
    format!("{}{expected}", &head[..kind_end])
}

fn is_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media| {
            let media = media.trim();
            media.eq_ignore_ascii_case("application/json")
                || (media.starts_with("application/") && media.ends_with("+json"))
        })
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

#[cfg(test)]
mod tests;
