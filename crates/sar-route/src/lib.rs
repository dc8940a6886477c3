//! sar-route: the routing stage, turning a `GatedRecord` into a `RoutedRecord`: exactly one
//! analyst queue (imminent, priority, standard, privacy review, blocked audit, not-SAR) chosen by
//! ordered, config-driven rules over the gate outcome, score band, behaviour group, jurisdiction
//! and scorer flags, plus the search index.
//!
//! Architecture invariant: pure and deterministic: no IO, no clock (time comes in as `now`), no
//! environment, no randomness; the default rules are compiled in from `rules/default.toml`.
//! Architecture invariant: an imminent threat (scorer flag or gate reason) always lands in the
//! imminent queue at immediate priority; no configuration can change that.
//! Architecture invariant: a blocked protected-activity record is never sent to the search index.
//! Architecture invariant: never promotes (no route means ISE-SAR or criminal intelligence) and
//! never reads protected descriptors; depends on sar-model only among sarflow crates.

mod config;
mod router;

pub use config::{
    Conditions, GroupCondition, IMMINENT_RULE_ID, RouteConfig, RouteConfigError, RouteRule,
    RuleProblem, SEARCH_INDEX_RULE_ID,
};
pub use router::Router;
