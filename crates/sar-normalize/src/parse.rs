//! `parse_intake`: one JSON text to an `IntakeRecord`.
//!
//! serde reports the first problem and the position it stopped at. The position is turned back
//! into a JSON path (`persons[0].age`) by re-reading the text up to it, and the message is
//! rewritten without the offending value (`invalid type: string "yes", expected a boolean`
//! becomes `invalid type: string, expected a boolean`), so the reject can be logged. The other
//! structural problems of the same record are found on its JSON value by `shape`, so the
//! submitter gets them all at once.

use sar_model::{
    intake::IntakeRecord,
    records::FieldError,
    reject::{Reject, RejectCode},
};
use serde_json::error::Category;

/// Parses one intake record from JSON text.
///
/// A text that is not JSON is refused with `RejectCode::Undecodable` and one field error at `$`.
/// JSON that is not an intake record (wrong types, missing or unknown fields) is refused with
/// the same code and a field error per problem: first the one serde stopped at, then every
/// other one the published schema's shape finds (`shape`), each with its JSON path
/// (`persons[0].age`). No problem repeats a value from the text; unknown field names are named,
/// being part of the document's shape.
pub fn parse_intake(line: &str) -> Result<IntakeRecord, Reject> {
    serde_json::from_str(line).map_err(|error| Reject {
        code: RejectCode::Undecodable,
        message: "not an intake record".to_owned(),
        field_errors: field_errors(line, &error),
    })
}

/// serde's error first, then, for JSON that is not an intake record, every other structural
/// problem the published schema finds (`shape`), one per path.
fn field_errors(line: &str, error: &serde_json::Error) -> Vec<FieldError> {
    let first = field_error(line, error);
    if error.classify() != Category::Data {
        return vec![first];
    }
    let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else {
        return vec![first];
    };
    let mut errors = vec![first];
    for problem in crate::shape::problems(&value) {
        if errors.iter().all(|known| known.path != problem.path) {
            errors.push(problem);
        }
    }
    errors
}

fn field_error(line: &str, error: &serde_json::Error) -> FieldError {
    let message = message_without_position(error);
    match error.classify() {
        Category::Eof => FieldError {
            path: "$".to_owned(),
            problem: "not valid JSON: unexpected end of input".to_owned(),
        },
        Category::Io | Category::Syntax => FieldError {
            path: "$".to_owned(),
            problem: format!("not valid JSON: {}", strip_values(&message)),
        },
        Category::Data => {
            let offset = byte_offset(line, error.line(), error.column());
            let path = path_at(line, offset);
            data_error(path, &message)
        }
    }
}

fn data_error(path: Vec<String>, message: &str) -> FieldError {
    if let Some(rest) = message.strip_prefix("missing field ") {
        let mut path = path;
        path.push(safe_segment(&first_backticked(rest).unwrap_or_default()));
        return FieldError {
            path: render(&path),
            problem: "missing required field".to_owned(),
        };
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let name = safe_segment(&first_backticked(rest).unwrap_or_default());
        let expected = rest
            .split_once(", expected ")
            .map(|(_, expected)| format!(", expected {expected}"))
            .unwrap_or_default();
        return FieldError {
            path: render(&path),
            problem: format!("unknown field `{name}`{expected}"),
        };
    }
    if let Some(rest) = message.strip_prefix("duplicate field ") {
        let name = safe_segment(&first_backticked(rest).unwrap_or_default());
        return FieldError {
            path: render(&path),
            problem: format!("duplicate field `{name}`"),
        };
    }
    let mut problem = strip_values(message);
    if let Some(at) = problem.find("expected struct ") {
        problem.truncate(at);
        problem.push_str("expected an object");
    }
    FieldError {
        path: render(&path),
        problem,
    }
}

/// serde_json's message without the ` at line L column C` suffix.
fn message_without_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    if error.line() == 0 {
        return text;
    }
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

fn first_backticked(text: &str) -> Option<String> {
    let start = text.find('`')? + 1;
    let length = text[start..].find('`')?;
    Some(text[start..start + length].to_owned())
}

/// A field name as a path segment: shown only when it looks like a field name (letters,
/// digits, `_`, at most 64 characters), so a path never carries a value smuggled in as a key.
pub(crate) fn safe_segment(name: &str) -> String {
    let plain = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if plain {
        name.to_owned()
    } else {
        "?".to_owned()
    }
}

/// Removes every `"quoted"` and `` `backticked` `` part of a serde message: that is where serde
/// puts the value it refused.
fn strip_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '"' => {
                let mut escaped = false;
                for inner in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if inner == '\\' {
                        escaped = true;
                    } else if inner == '"' {
                        break;
                    }
                }
            }
            '`' => {
                for inner in chars.by_ref() {
                    if inner == '`' {
                        break;
                    }
                }
            }
            ch => out.push(ch),
        }
    }
    let mut tidy = out.split_whitespace().collect::<Vec<_>>().join(" ");
    while let Some(at) = tidy.find(" ,") {
        tidy.replace_range(at..at + 2, ",");
    }
    tidy
}

/// The byte offset of serde_json's (1-based line, 0-based byte column) position.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.bytes()
            .enumerate()
            .filter(|(_, byte)| *byte == b'\n')
            .nth(line - 2)
            .map_or(text.len(), |(at, _)| at + 1)
    };
    (line_start + column).min(text.len())
}

enum Frame {
    Object {
        key: Option<String>,
        expecting_key: bool,
    },
    Array {
        index: usize,
    },
}

/// The path of the value being read at byte `offset` of a JSON text, as segments (`persons`,
/// `[0]`, `dob`). Reads only the structure: strings are skipped, object keys remembered.
fn path_at(text: &str, offset: usize) -> Vec<String> {
    let bytes = text.as_bytes();
    let end = offset.min(bytes.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut at = 0;
    while at < end {
        match bytes[at] {
            b'{' => stack.push(Frame::Object {
                key: None,
                expecting_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { key, expecting_key }) => {
                    *key = None;
                    *expecting_key = true;
                }
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            b'"' => {
                let close = string_end(bytes, at, end);
                if let Some(Frame::Object { key, expecting_key }) = stack.last_mut()
                    && *expecting_key
                {
                    let raw = &bytes[at + 1..close.min(end)];
                    let decoded = if raw.contains(&b'\\') {
                        serde_json::from_slice::<String>(&bytes[at..(close + 1).min(end)])
                            .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned())
                    } else {
                        String::from_utf8_lossy(raw).into_owned()
                    };
                    *key = Some(decoded);
                    *expecting_key = false;
                }
                at = close;
            }
            _ => {}
        }
        at += 1;
    }
    let mut segments = Vec::new();
    for frame in stack {
        match frame {
            Frame::Object { key: Some(key), .. } => segments.push(safe_segment(&key)),
            Frame::Object { key: None, .. } => break,
            Frame::Array { index } => segments.push(format!("[{index}]")),
        }
    }
    segments
}

/// Index of the closing quote of the string opening at `open`, or `end` if it is cut short.
fn string_end(bytes: &[u8], open: usize, end: usize) -> usize {
    let mut at = open + 1;
    while at < end {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at,
            _ => at += 1,
        }
    }
    end
}

pub(crate) fn render(segments: &[String]) -> String {
    if segments.is_empty() {
        return "$".to_owned();
    }
    let mut path = String::new();
    for segment in segments {
        if !segment.starts_with('[') && !path.is_empty() {
            path.push('.');
        }
        path.push_str(segment);
    }
    path
}

#[cfg(test)]
mod tests;
