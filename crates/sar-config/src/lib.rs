//! Typed config loading for every service: defaults < file < environment map (style guide §3.3).
//! Only `main` reads the process environment; everything here takes a map. Depends on no other
//! sarflow crate.
//!
//! Layout:
//! - `load` (this file): parse the TOML file into a table, overlay the
//!   `SARFLOW_<SERVICE>__<SECTION>__<KEY>` entries of the env map, then deserialize the target
//!   struct; defaults come only from its `#[serde(default = "fn")]` functions.
//! - `secret`: `Secret<T>`, which never prints or serializes its value.
//! - `duration`: `parse_duration` and the `duration_text` serde helper (`"250ms"`, `"5s"`, `"7d"`).

mod duration;
mod secret;

use std::{collections::BTreeMap, fmt, path::Path, path::PathBuf};

use serde::de::DeserializeOwned;

pub use crate::duration::{duration_text, format_duration, parse_duration};
pub use crate::secret::Secret;

/// The prefix of every sarflow env key.
const ENV_PREFIX: &str = "SARFLOW_";
/// Separator between the service and each path segment of an env key.
const ENV_SEPARATOR: &str = "__";
/// How many problems one `load` reports before giving up (each retry deserializes again).
const MAX_PROBLEMS: usize = 32;
/// Path fragments that mark a key as secret: its value never appears in an error.
const SECRET_MARKERS: [&str; 6] = ["secret", "password", "passwd", "token", "credential", "key"];

/// Everything that can go wrong while loading config or parsing a config value.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("failed to read config file `{}`: {source}", file.display())]
    Read {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("config file `{}` is not valid TOML (line {line}, column {column}): {message}", file.display())]
    Syntax {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("invalid config{}: {}", FileSuffix(file.as_deref()), ProblemList(problems))]
    Invalid {
        file: Option<PathBuf>,
        problems: Vec<ConfigProblem>,
    },
    #[error("invalid duration `{text}`: {reason}")]
    Duration { text: String, reason: &'static str },
}

/// One problem found while loading config: where it came from, which key, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    /// Dotted key path, e.g. `kafka.brokers` (empty for the root).
    pub path: String,
    pub origin: Origin,
    /// What is wrong; never contains the value of a secret-looking key.
    pub message: String,
}

/// Which layer supplied the offending value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The TOML file, or a default when the key was set nowhere.
    File,
    /// The env map entry of this name.
    Env(String),
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "<root>"
        } else {
            &self.path
        };
        match &self.origin {
            Origin::File => write!(formatter, "`{path}`: {}", self.message),
            Origin::Env(name) => {
                write!(formatter, "`{path}` (from env `{name}`): {}", self.message)
            }
        }
    }
}

struct FileSuffix<'a>(Option<&'a Path>);

impl fmt::Display for FileSuffix<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(file) => write!(formatter, " (file `{}`)", file.display()),
            None => Ok(()),
        }
    }
}

struct ProblemList<'a>(&'a [ConfigProblem]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (problem_idx, problem) in self.0.iter().enumerate() {
            if problem_idx > 0 {
                formatter.write_str("; ")?;
            }
            write!(formatter, "{problem}")?;
        }
        Ok(())
    }
}

/// Loads the config of `service`: the target's serde defaults, overlaid by the TOML `file` (if
/// any), overlaid by the `SARFLOW_<SERVICE>__<SECTION>__<KEY>` entries of `env`.
///
/// The service name is upper-cased with `-` turned into `_`; path segments are split on `__` and
/// lower-cased. An env value is taken as a TOML value when it parses as one (`3`, `true`, `1.5`,
/// `["a","b"]`, `"quoted"`), else as a plain string; when a parsed value has the wrong type for
/// the field it is retried as a plain string, so a numeric password needs no quoting. Env keys of
/// other services are ignored; unknown keys are refused through `deny_unknown_fields` on the
/// target. Every problem found is reported in one `ConfigError::Invalid`.
pub fn load<T: DeserializeOwned>(
    file: Option<&Path>,
    env: &BTreeMap<String, String>,
    service: &str,
) -> Result<T, ConfigError> {
    let mut table = match file {
        Some(file) => read_file(file)?,
        None => toml::Table::new(),
    };
    let mut problems = Vec::new();
    let env_values = overlay_env(&mut table, env, service, &mut problems);

    let mut retried_as_string = Vec::new();
    loop {
        let value = toml::Value::Table(table.clone());
        let error = match serde_path_to_error::deserialize::<_, T>(value) {
            Ok(config) if problems.is_empty() => return Ok(config),
            Ok(_) => break,
            Err(error) => error,
        };
        let path = error_path(&error);
        let env_source = env_values.iter().find(|entry| entry.path == path);
        if let Some(entry) = env_source
            && entry.parsed_as_toml
            && !retried_as_string.contains(&path)
        {
            // `SARFLOW_X__DB__PASSWORD=1234` meant the string "1234": retry it as text.
            set_path(&mut table, &path, toml::Value::String(entry.raw.clone()));
            retried_as_string.push(path);
            continue;
        }
        let message = error.inner().message();
        problems.push(ConfigProblem {
            path: path.join("."),
            origin: origin_of(&path, &env_values),
            message: if looks_secret(&path) || message.starts_with(secret::REDACTED_ERROR) {
                redacted_message(message)
            } else {
                message.to_owned()
            },
        });
        // Drop the offending key and try again, so one run reports every problem it can. A
        // missing field cannot be dropped: stop there.
        let removable = !message.starts_with("missing field") && remove_path(&mut table, &path);
        if !removable || problems.len() >= MAX_PROBLEMS {
            break;
        }
    }
    Err(ConfigError::Invalid {
        file: file.map(Path::to_path_buf),
        problems,
    })
}

fn read_file(file: &Path) -> Result<toml::Table, ConfigError> {
    let text = std::fs::read_to_string(file).map_err(|source| ConfigError::Read {
        file: file.to_path_buf(),
        source,
    })?;
    text.parse::<toml::Table>().map_err(|error| {
        let offset = error.span().map_or(0, |span| span.start);
        let (line, column) = line_and_column(&text, offset);
        // `message()` names what is wrong without the source line, which may hold a secret.
        ConfigError::Syntax {
            file: file.to_path_buf(),
            line,
            column,
            message: error.message().trim().replace('\n', ", "),
        }
    })
}

fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |tail| tail.chars().count())
        + 1;
    (line, column)
}

/// One env entry applied to the table.
struct EnvValue {
    name: String,
    path: Vec<String>,
    raw: String,
    parsed_as_toml: bool,
}

fn env_prefix(service: &str) -> String {
    let service = service.to_uppercase().replace('-', "_");
    format!("{ENV_PREFIX}{service}{ENV_SEPARATOR}")
}

fn overlay_env(
    table: &mut toml::Table,
    env: &BTreeMap<String, String>,
    service: &str,
    problems: &mut Vec<ConfigProblem>,
) -> Vec<EnvValue> {
    let prefix = env_prefix(service);
    let mut applied = Vec::new();
    for (name, raw) in env {
        let Some(rest) = name.strip_prefix(&prefix) else {
            continue;
        };
        let path: Vec<String> = rest.split(ENV_SEPARATOR).map(str::to_lowercase).collect();
        if path.iter().any(String::is_empty) {
            problems.push(ConfigProblem {
                path: path.join("."),
                origin: Origin::Env(name.clone()),
                message: "env key has an empty path segment".to_owned(),
            });
            continue;
        }
        let (value, parsed_as_toml) = match parse_env_value(raw) {
            Some(value) => (value, true),
            None => (toml::Value::String(raw.clone()), false),
        };
        if let Err(blocking_prefix) = insert_path(table, &path, value) {
            problems.push(ConfigProblem {
                path: path.join("."),
                origin: Origin::Env(name.clone()),
                message: format!("`{}` is not a table", blocking_prefix.join(".")),
            });
            continue;
        }
        applied.push(EnvValue {
            name: name.clone(),
            path,
            raw: raw.clone(),
            parsed_as_toml,
        });
    }
    applied
}

/// Parses an env value as one TOML value (`3`, `true`, `["a"]`); `None` means "take it as text".
fn parse_env_value(raw: &str) -> Option<toml::Value> {
    let document = format!("value = {raw}");
    let mut table = document.parse::<toml::Table>().ok()?;
    if table.len() != 1 {
        return None;
    }
    table.remove("value")
}

/// Sets `path` in `table`, creating intermediate tables; `Err` names a prefix that holds a
/// non-table value.
fn insert_path(
    table: &mut toml::Table,
    path: &[String],
    value: toml::Value,
) -> Result<(), Vec<String>> {
    let Some((last, parents)) = path.split_last() else {
        return Ok(());
    };
    let mut current = table;
    for (segment_idx, segment) in parents.iter().enumerate() {
        let entry = current
            .entry(segment.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        current = match entry {
            toml::Value::Table(inner) => inner,
            _ => return Err(path[..=segment_idx].to_vec()),
        };
    }
    current.insert(last.clone(), value);
    Ok(())
}

fn set_path(table: &mut toml::Table, path: &[String], value: toml::Value) {
    // The path was inserted by `overlay_env`, so every parent is a table.
    let _ = insert_path(table, path, value);
}

/// Map keys of a serde path; sequence indexes and enum variants are kept as text.
fn path_segments(path: &serde_path_to_error::Path) -> Vec<String> {
    path.iter()
        .filter_map(|segment| match segment {
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
            serde_path_to_error::Segment::Enum { variant } => Some(variant.clone()),
            serde_path_to_error::Segment::Unknown => None,
        })
        .collect()
}

/// The env entry that set the offending value (or a parent of it), else the file.
fn origin_of(path: &[String], env_values: &[EnvValue]) -> Origin {
    match env_values
        .iter()
        .find(|entry| path.starts_with(&entry.path))
    {
        Some(entry) => Origin::Env(entry.name.clone()),
        None => Origin::File,
    }
}

/// The key path an error points at, including the field of an "unknown field" error.
fn error_path(error: &serde_path_to_error::Error<toml::de::Error>) -> Vec<String> {
    let mut path = path_segments(error.path());
    if let Some(field) = unknown_field_name(error.inner().message())
        && path.last() != Some(&field)
    {
        path.push(field);
    }
    path
}

/// The field named by serde's "unknown field `x`, expected ..." message.
fn unknown_field_name(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let end = rest.find('`')?;
    Some(rest[..end].to_owned())
}

/// Removes the key at `path`; `false` when there is nothing to remove.
fn remove_path(table: &mut toml::Table, path: &[String]) -> bool {
    let Some((last, parents)) = path.split_last() else {
        return false;
    };
    let mut current = table;
    for segment in parents {
        current = match current.get_mut(segment) {
            Some(toml::Value::Table(inner)) => inner,
            _ => return false,
        };
    }
    current.remove(last).is_some()
}

fn looks_secret(path: &[String]) -> bool {
    path.iter().any(|segment| {
        SECRET_MARKERS
            .iter()
            .any(|marker| segment.to_lowercase().contains(marker))
    })
}

/// Keeps the shape of a serde message but drops anything quoted, which may be the value.
fn redacted_message(message: &str) -> String {
    if message.starts_with(secret::REDACTED_ERROR) {
        return message.to_owned();
    }
    if let Some(field) = unknown_field_name(message) {
        return format!("unknown field `{field}`");
    }
    match message.split_once(':') {
        Some((kind, _)) => format!("{kind} (value redacted)"),
        None => "invalid value (redacted)".to_owned(),
    }
}

#[cfg(test)]
mod tests;
