//! `Router`: from a gated record to its destinations.
//!
//! Two built-in rules come before and beside the configured ones and cannot be configured away:
//! a record with the scorer's `ImminentThreat` flag or the gate reason `imminent_threat` goes to
//! the `Imminent` queue at `Immediate` priority whatever else it says (reason
//! `IMMINENT_RULE_ID`), and every record except a `BlockedProtectedActivity` one also goes to
//! the search index (reason `SEARCH_INDEX_RULE_ID`): blocked records are kept only for the
//! privacy audit and are not searchable. Otherwise the first configured rule that matches
//! decides the one analyst queue.

use sar_model::{
    BehaviorGroup, GatedRecord, Reject, RejectCode, RoutedRecord, ZonedTime,
    records::{DestinationKind, FieldError, FlagKind, GateOutcome, Priority, QueueName, Route},
};

use crate::config::{
    Conditions, GroupCondition, IMMINENT_RULE_ID, RouteConfig, RouteConfigError, RouteRule,
    RuleProblem, SEARCH_INDEX_RULE_ID,
};

/// Routes gated records with a validated `RouteConfig`.
#[derive(Debug, Clone)]
pub struct Router {
    config: RouteConfig,
}

/// A router over `RouteConfig::default()`.
impl Default for Router {
    fn default() -> Self {
        Self {
            config: RouteConfig::default(),
        }
    }
}

impl Router {
    /// A router over `config`. A `RouteConfig` is validated when it is loaded; this re-checks
    /// the one invariant routing relies on (the last rule is a catch-all), so `route` always
    /// finds a rule.
    pub fn new(config: RouteConfig) -> Result<Self, RouteConfigError> {
        match config.rules().last() {
            None => Err(RouteConfigError::NoRules),
            Some(last) if !last.conditions.is_catch_all() => Err(RouteConfigError::Invalid {
                problems: vec![RuleProblem {
                    rule: last.id.clone(),
                    problem: "the last rule must be a catch-all (no conditions)".to_owned(),
                }],
            }),
            Some(_) => Ok(Self { config }),
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &RouteConfig {
        &self.config
    }

    /// The destinations of `record`: the search index (unless blocked) and exactly one analyst
    /// queue. Refuses a non-imminent record whose score is not a number in [0, 100] (a scorer
    /// bug: no score band can be trusted); an imminent threat is never refused.
    pub fn route(&self, record: GatedRecord, now: ZonedTime) -> Result<RoutedRecord, Reject> {
        let (queue, priority, reason) = if is_imminent(&record) {
            (QueueName::Imminent, Priority::Immediate, IMMINENT_RULE_ID)
        } else {
            let rule = self.rule_for(&record)?;
            (rule.queue, rule.priority, rule.id.as_str())
        };
        let mut routes = Vec::with_capacity(2);
        if record.decision.outcome != GateOutcome::BlockedProtectedActivity {
            routes.push(Route {
                destination: DestinationKind::SearchIndex,
                queue: None,
                priority: Priority::Normal,
                reason: SEARCH_INDEX_RULE_ID.to_owned(),
            });
        }
        routes.push(Route {
            destination: DestinationKind::AnalystQueue,
            queue: Some(queue),
            priority,
            reason: reason.to_owned(),
        });
        Ok(RoutedRecord {
            gated: record,
            routes,
            routed_at: now,
        })
    }

    fn rule_for(&self, record: &GatedRecord) -> Result<&RouteRule, Reject> {
        let score = record.scored.score.value;
        if !(0.0..=100.0).contains(&score) {
            return Err(invariant(
                "score out of range",
                "scored.score.value",
                "not a number in [0, 100]",
            ));
        }
        // The last rule is a catch-all (validated at load), so this finds one.
        self.config
            .rules()
            .iter()
            .find(|rule| matches(&rule.conditions, record))
            .ok_or_else(|| invariant("no routing rule matched", "", "no catch-all rule"))
    }
}

fn invariant(message: &str, path: &str, problem: &str) -> Reject {
    Reject {
        code: RejectCode::InvariantViolated,
        message: message.to_owned(),
        field_errors: vec![FieldError {
            path: path.to_owned(),
            problem: problem.to_owned(),
        }],
    }
}

/// The hard invariant: an imminent threat to life goes to the live desk.
fn is_imminent(record: &GatedRecord) -> bool {
    record
        .scored
        .flags
        .iter()
        .any(|flag| flag.kind == FlagKind::ImminentThreat)
        || record
            .decision
            .reasons
            .iter()
            .any(|reason| reason.code == IMMINENT_RULE_ID)
}

fn matches(conditions: &Conditions, record: &GatedRecord) -> bool {
    let report = &record.scored.normalized.report;
    let score = record.scored.score.value;
    let codes = &report.behavior_codes;
    let group = if codes.is_empty() {
        GroupCondition::NoCode
    } else if codes.iter().any(|code| code.group() == BehaviorGroup::A) {
        GroupCondition::A
    } else {
        GroupCondition::B
    };
    conditions
        .outcome
        .is_none_or(|outcome| outcome == record.decision.outcome)
        && conditions.min_score.is_none_or(|min| score >= min)
        && conditions.max_score.is_none_or(|max| score < max)
        && conditions
            .behavior_group
            .is_none_or(|wanted| wanted == group)
        && conditions
            .jurisdiction
            .as_deref()
            .is_none_or(|jurisdiction| jurisdiction == report.location.jurisdiction)
        && conditions
            .flag
            .is_none_or(|kind| record.scored.flags.iter().any(|flag| flag.kind == kind))
}

#[cfg(test)]
mod tests;
