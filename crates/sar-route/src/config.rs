//! `RouteConfig`: ordered routing rules loaded from TOML and validated at load.
//!
//! The file has an optional `version` and ordered `[[rule]]` tables, each with an `id`, a
//! `description`, optional conditions (`outcome`, `min_score` (inclusive), `max_score`
//! (exclusive), `behavior_group` `"A"`/`"B"`/`"none"`, `jurisdiction` (exact), `flag`), a
//! `queue` and a `priority`. The last rule must be a catch-all (no conditions), so every record
//! has a queue; a catch-all anywhere else would hide the rules after it. Unknown names and keys
//! are refused, each problem naming its rule, all problems at once. `rules/default.toml` is the
//! default, documented in the file itself.

use std::fmt;

use sar_model::records::{FlagKind, GateOutcome, Priority, QueueName};
use serde::Deserialize;

/// Rule id of the built-in imminent-threat override (reason of its route).
pub const IMMINENT_RULE_ID: &str = "imminent_threat";
/// Rule id of the built-in search-index route (reason of that route).
pub const SEARCH_INDEX_RULE_ID: &str = "search_index";

const DEFAULT_TOML: &str = include_str!("../rules/default.toml");

/// Validated routing rules, in order. Build one with `from_toml` or `default_config`.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteConfig {
    version: Option<String>,
    rules: Vec<RouteRule>,
}

/// One routing rule.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteRule {
    /// Stable id; the reason of the route it produces.
    pub id: String,
    /// What the rule is for.
    pub description: String,
    /// Conditions that must all hold; none for a catch-all.
    pub conditions: Conditions,
    /// The analyst queue.
    pub queue: QueueName,
    /// The urgency.
    pub priority: Priority,
}

/// A rule's conditions; an absent condition always holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conditions {
    /// The gate outcome is this one.
    pub outcome: Option<GateOutcome>,
    /// The score is at least this.
    pub min_score: Option<f64>,
    /// The score is below this.
    pub max_score: Option<f64>,
    /// The behaviour codes are of this kind.
    pub behavior_group: Option<GroupCondition>,
    /// The location's jurisdiction is exactly this.
    pub jurisdiction: Option<String>,
    /// The scorer raised this flag.
    pub flag: Option<FlagKind>,
}

/// Which behaviour codes a record has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupCondition {
    /// At least one group A code (`"A"`).
    A,
    /// At least one code, all group B (`"B"`).
    B,
    /// No code (`"none"`).
    NoCode,
}

/// A route configuration that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RouteConfigError {
    /// Not TOML, or not the shape of a route config (unknown key, missing field, wrong type).
    #[error("route config is not valid: {message}")]
    Syntax {
        /// The parser's message, with the line.
        message: String,
    },
    /// No `[[rule]]` at all.
    #[error("route config has no rules: a final catch-all rule is required")]
    NoRules,
    /// One or more rules are invalid.
    #[error("invalid route config: {}", join(problems))]
    Invalid {
        /// Every problem, in rule order.
        problems: Vec<RuleProblem>,
    },
}

/// A problem with one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleProblem {
    /// The rule's id (or its position when the id is empty).
    pub rule: String,
    /// What is wrong.
    pub problem: String,
}

impl fmt::Display for RuleProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule `{}`: {}", self.rule, self.problem)
    }
}

fn join(problems: &[RuleProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl RouteConfig {
    /// Parses and validates a TOML route config.
    pub fn from_toml(text: &str) -> Result<Self, RouteConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|error| RouteConfigError::Syntax {
            message: syntax_message(text, &error),
        })?;
        raw.validate()
    }

    /// The shipped default, `rules/default.toml` (compiled in; a unit test proves it loads).
    pub fn default_config() -> Result<Self, RouteConfigError> {
        Self::from_toml(DEFAULT_TOML)
    }

    /// The config's `version`, if it has one.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// The rules, in order; the last is a catch-all.
    pub fn rules(&self) -> &[RouteRule] {
        &self.rules
    }
}

/// `default_config()`. Should the embedded file ever fail to load (a unit test proves it does
/// not), every record goes to privacy review: fail safe, never silently to a lower queue.
impl Default for RouteConfig {
    fn default() -> Self {
        Self::default_config().unwrap_or_else(|_| Self {
            version: None,
            rules: vec![RouteRule {
                id: "embedded_default_invalid".to_owned(),
                description: "the embedded default config failed to load: human review".to_owned(),
                conditions: Conditions::default(),
                queue: QueueName::PrivacyReview,
                priority: Priority::High,
            }],
        })
    }
}

impl Conditions {
    /// Whether the rule has no condition at all.
    pub fn is_catch_all(&self) -> bool {
        *self == Self::default()
    }
}

fn syntax_message(text: &str, error: &toml::de::Error) -> String {
    match error.span() {
        Some(span) => {
            let line = text
                .get(..span.start)
                .map_or(0, |before| before.matches('\n').count())
                + 1;
            format!("line {line}: {}", error.message().trim_end_matches('.'))
        }
        None => error.message().trim_end_matches('.').to_owned(),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    version: Option<String>,
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    description: String,
    outcome: Option<String>,
    min_score: Option<f64>,
    max_score: Option<f64>,
    behavior_group: Option<String>,
    jurisdiction: Option<String>,
    flag: Option<String>,
    queue: String,
    priority: String,
}

const GROUPS: [(&str, GroupCondition); 3] = [
    ("A", GroupCondition::A),
    ("B", GroupCondition::B),
    ("none", GroupCondition::NoCode),
];

fn lookup<T: Copy>(table: &[(&str, T)], name: &str) -> Option<T> {
    table
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, value)| *value)
}

fn names<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> String {
    all.iter()
        .map(|value| as_str(*value))
        .collect::<Vec<_>>()
        .join(", ")
}

impl RawConfig {
    fn validate(self) -> Result<RouteConfig, RouteConfigError> {
        if self.rule.is_empty() {
            return Err(RouteConfigError::NoRules);
        }
        let count = self.rule.len();
        let mut problems = Vec::new();
        let mut rules = Vec::with_capacity(count);
        let mut seen: Vec<String> = Vec::new();
        for (position, raw) in self.rule.into_iter().enumerate() {
            let name = if raw.id.trim().is_empty() {
                format!("#{}", position + 1)
            } else {
                raw.id.clone()
            };
            let mut problem = |text: String| {
                problems.push(RuleProblem {
                    rule: name.clone(),
                    problem: text,
                });
            };
            if raw.id.trim().is_empty() {
                problem("empty id".to_owned());
            } else if seen.contains(&raw.id) {
                problem("duplicate id".to_owned());
            } else if raw.id == IMMINENT_RULE_ID || raw.id == SEARCH_INDEX_RULE_ID {
                problem("id is reserved for a built-in rule".to_owned());
            }
            seen.push(raw.id.clone());
            if raw.description.trim().is_empty() {
                problem("empty description".to_owned());
            }
            let queue = QueueName::parse(&raw.queue);
            if queue.is_none() {
                problem(format!(
                    "unknown queue (expected one of {})",
                    names(QueueName::ALL, QueueName::as_str)
                ));
            }
            let priority = Priority::parse(&raw.priority);
            if priority.is_none() {
                problem(format!(
                    "unknown priority (expected one of {})",
                    names(Priority::ALL, Priority::as_str)
                ));
            }
            let outcome = raw.outcome.as_deref().map(GateOutcome::parse);
            if outcome == Some(None) {
                problem(format!(
                    "unknown outcome (expected one of {})",
                    names(GateOutcome::ALL, GateOutcome::as_str)
                ));
            }
            let flag = raw.flag.as_deref().map(FlagKind::parse);
            if flag == Some(None) {
                problem(format!(
                    "unknown flag (expected one of {})",
                    names(FlagKind::ALL, FlagKind::as_str)
                ));
            }
            let group = raw
                .behavior_group
                .as_deref()
                .map(|name| lookup(&GROUPS, name));
            if group == Some(None) {
                problem(format!(
                    "unknown behavior_group (expected one of {})",
                    GROUPS.map(|(name, _)| name).join(", ")
                ));
            }
            for score in [raw.min_score, raw.max_score].into_iter().flatten() {
                if !(0.0..=100.0).contains(&score) {
                    problem("score bound outside [0, 100]".to_owned());
                }
            }
            if let (Some(min), Some(max)) = (raw.min_score, raw.max_score)
                && min >= max
            {
                problem("min_score must be below max_score".to_owned());
            }
            if raw
                .jurisdiction
                .as_deref()
                .is_some_and(|jurisdiction| jurisdiction.trim().is_empty())
            {
                problem("empty jurisdiction".to_owned());
            }
            let conditions = Conditions {
                outcome: outcome.flatten(),
                min_score: raw.min_score,
                max_score: raw.max_score,
                behavior_group: group.flatten(),
                jurisdiction: raw.jurisdiction,
                flag: flag.flatten(),
            };
            let declared_catch_all = raw.outcome.is_none()
                && raw.min_score.is_none()
                && raw.max_score.is_none()
                && raw.behavior_group.is_none()
                && conditions.jurisdiction.is_none()
                && raw.flag.is_none();
            let last = position + 1 == count;
            if last && !declared_catch_all {
                problem("the last rule must be a catch-all (no conditions)".to_owned());
            }
            if !last && declared_catch_all {
                problem("a catch-all (no conditions) must be the last rule".to_owned());
            }
            if let (Some(queue), Some(priority)) = (queue, priority) {
                rules.push(RouteRule {
                    id: raw.id,
                    description: raw.description,
                    conditions,
                    queue,
                    priority,
                });
            }
        }
        if !problems.is_empty() {
            return Err(RouteConfigError::Invalid { problems });
        }
        Ok(RouteConfig {
            version: self.version,
            rules,
        })
    }
}

#[cfg(test)]
mod tests;
