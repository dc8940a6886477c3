//! The record on each topic, one type per pipeline state. A stage's output type is the next
//! stage's input; each later record embeds the earlier one whole, so nothing is lost between
//! stages and the schemas in `schemas/` mirror these types one to one.
//!
//! Note what is absent: no gate outcome and no route promotes a report to ISE-SAR or criminal
//! intelligence. Those states are reached only by a recorded human decision (rule T-31).

use serde::{Deserialize, Serialize};

use crate::{
    ids::ReportId,
    intake::IntakeRecord,
    report::{LegalBasis, SarReport, StoreKind},
    zoned::ZonedTime,
};

/// `sar.reports.raw.v1`: a submission as received, with the id and receipt time given to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawRecord {
    /// The report id assigned on receipt (UUID v7).
    pub record_id: ReportId,
    /// When sarflow received it.
    pub received_at: ZonedTime,
    /// Sequence number in the intake ledger (gap-free, rule T-30); absent when the record did not
    /// come through the ledger (CLI filters over files).
    pub ledger_seq: Option<i64>,
    /// The submission as sent.
    pub submission: IntakeRecord,
}

/// `sar.reports.normalized.v1`: the canonical report plus what normalization derived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NormalizedRecord {
    /// The canonical report.
    pub report: SarReport,
    /// The narrative with every extracted PII entity and every person's name replaced.
    pub narrative_redacted: String,
    /// Entities found in the narrative.
    pub entities: Vec<ExtractedEntity>,
    /// Keys for exact and near-duplicate detection.
    pub dedup: DedupKeys,
    /// When normalization ran.
    pub normalized_at: ZonedTime,
}

/// Kind of entity found in a narrative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// Licence plate.
    Plate,
    /// Phone number.
    Phone,
    /// E-mail address.
    Email,
    /// A number shaped like an SSN.
    SsnLike,
    /// Another identifier-shaped number.
    IdLike,
    /// Money amount.
    Money,
    /// Time or date mentioned.
    Time,
    /// Place mentioned.
    Place,
}

/// An entity found in the narrative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractedEntity {
    /// Kind.
    pub kind: EntityKind,
    /// The text as found.
    pub text: String,
    /// Start, in characters of the normalized narrative.
    pub start: i32,
    /// End (exclusive), in characters.
    pub end: i32,
    /// Whether the entity identifies a person (then it is redacted in the Summary view).
    pub pii: bool,
}

/// Keys to link duplicates; duplicates are linked for an analyst, never merged (T-26, T-27).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DedupKeys {
    /// Exact key: the origin system and report id.
    pub exact: String,
    /// SimHash of the narrative's shingles (64 bits).
    pub narrative_simhash: i64,
    /// Observed start, bucketed to the hour (Unix hours).
    pub time_bucket: i64,
    /// Geographic cell of the location, when it has coordinates.
    pub geo_cell: Option<String>,
}

/// `sar.reports.scored.v1`: a normalized record with its explained score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredRecord {
    /// The normalized record.
    pub normalized: NormalizedRecord,
    /// Score and its explanation.
    pub score: Score,
    /// Findings a human must look at, whatever the score.
    pub flags: Vec<ReviewFlag>,
}

/// A triage score in [0, 100] and the contributions that sum to it (rule T-09). It orders
/// queues; it never promotes anything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// The score.
    pub value: f64,
    /// Per-rule contributions; they sum to `value` within 0.001.
    pub contributions: Vec<Contribution>,
    /// The rule pack that produced it.
    pub rule_pack: RulePackRef,
    /// When it was computed.
    pub scored_at: ZonedTime,
}

/// One rule's part of a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// Rule id in the rule pack.
    pub rule: String,
    /// Human description of the rule.
    pub description: String,
    /// Points added (or removed).
    pub contribution: f64,
}

/// Identifies a versioned rule pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulePackRef {
    /// Pack id.
    pub id: String,
    /// Pack version.
    pub version: String,
}

/// Kind of finding that needs human attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// Protected-class terms used as the reason for suspicion (T-36).
    ProtectedClassLanguage,
    /// The factual basis looks like protected First Amendment activity (T-04).
    ProtectedActivity,
    /// Only group-B behaviours and no additional facts (T-03).
    GroupBWithoutFacts,
    /// Imminent threat to life: live desk.
    ImminentThreat,
    /// Possible duplicate of another report (T-27).
    PossibleDuplicate,
    /// No behaviour code: not on the ISE-SAR path (T-01).
    NoBehaviorCode,
}

/// A finding for a reviewer. `detail` names rules and terms, never PII or narrative text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewFlag {
    /// Kind.
    pub kind: FlagKind,
    /// Rule that raised it.
    pub rule_id: String,
    /// Explanation.
    pub detail: String,
}

/// `sar.reports.gated.v1`: a scored record with the automated Functional Standard / 28 CFR
/// Part 23 gate decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GatedRecord {
    /// The scored record.
    pub scored: ScoredRecord,
    /// The gate's decision.
    pub decision: GateDecision,
}

/// What the automated gate may decide. There is deliberately no ISE-SAR or CII outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateOutcome {
    /// Goes to Step-1 human review through the triage queues.
    Triage,
    /// Goes to mandatory privacy review before anything else.
    PrivacyReview,
    /// Only protected activity: blocked from ISE-SAR and CII, kept as evidence of the decision.
    BlockedProtectedActivity,
    /// Not a SAR (no valid FS behaviour code): ordinary crime-tip handling, not the SAR path (W14).
    NotSar,
}

/// The automated gate's decision and its reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateDecision {
    /// Outcome.
    pub outcome: GateOutcome,
    /// Every reason, with the rule it applies.
    pub reasons: Vec<GateReason>,
    /// Which 28 CFR Part 23 prerequisites are present or missing, should an analyst later propose
    /// the report as criminal intelligence. Informational: the gate never promotes.
    pub cii_prerequisites: Vec<CiiPrerequisiteCheck>,
    /// Legal basis the record is held under.
    pub legal_basis: LegalBasis,
    /// Store that holds it.
    pub store: StoreKind,
    /// Retention deadline in that store.
    pub retain_until: ZonedTime,
    /// Gate policy version.
    pub policy_version: String,
    /// When the decision was made.
    pub decided_at: ZonedTime,
}

/// One reason of a gate decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateReason {
    /// Bounded reason code, e.g. `group_b_without_facts`.
    pub code: String,
    /// Rule cited, e.g. `T-03` or `28 CFR 23.20(b)`.
    pub rule: String,
    /// Explanation for the reviewer (no PII).
    pub message: String,
}

/// A 28 CFR Part 23 prerequisite for criminal intelligence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CiiPrerequisite {
    /// Signals of reasonable suspicion of criminal conduct (23.20(a), (c)).
    ReasonableSuspicionSignal,
    /// Level of sensitivity label (23.20(g)).
    SensitivityLabel,
    /// Level of confidence label: the grading (23.20(g)).
    ConfidenceLabel,
    /// Submitting agency label (23.20(g)).
    SubmittingAgencyLabel,
    /// Control official label (23.20(g)).
    ControlOfficialLabel,
    /// Lawful-source attestation (23.20(d)).
    LawfulSourceAttestation,
}

/// Whether one prerequisite is present, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CiiPrerequisiteCheck {
    /// The prerequisite.
    pub prerequisite: CiiPrerequisite,
    /// Present?
    pub present: bool,
    /// Explanation (no PII).
    pub detail: String,
}

/// `sar.reports.routed.v1`: a gated record with its destinations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoutedRecord {
    /// The gated record.
    pub gated: GatedRecord,
    /// Where it goes.
    pub routes: Vec<Route>,
    /// When routing ran.
    pub routed_at: ZonedTime,
}

/// Kind of destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DestinationKind {
    /// The full-text index.
    SearchIndex,
    /// An analyst queue (see `queue`).
    AnalystQueue,
}

/// Analyst queues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueName {
    /// Imminent threats to life: a live desk, minutes.
    Imminent,
    /// Step-1 review ahead of the rest.
    Priority,
    /// Step-1 review in order.
    Standard,
    /// Privacy officer review before anything else.
    PrivacyReview,
    /// Blocked protected-activity reports, kept for the privacy audit.
    BlockedAudit,
    /// Not a SAR: ordinary crime-tip handling.
    NotSar,
}

/// Urgency of a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Now.
    Immediate,
    /// Ahead of normal.
    High,
    /// In order.
    Normal,
    /// When time allows.
    Low,
}

/// One destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// Kind of destination.
    pub destination: DestinationKind,
    /// The queue, for `analyst_queue`.
    pub queue: Option<QueueName>,
    /// Urgency.
    pub priority: Priority,
    /// Why (rule id or reason code).
    pub reason: String,
}

/// A pipeline stage, as named in topics, labels and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// HTTP and feed intake.
    Intake,
    /// Normalization.
    Normalize,
    /// Scoring.
    Score,
    /// The FS / Part 23 gate.
    Gate,
    /// Routing.
    Route,
    /// Indexing.
    Index,
    /// Analyst queues.
    Queue,
}

/// `sar.dlq.<stage>.v1`: a record a stage refused, with the original bytes and the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DlqRecord {
    /// Stage that refused it.
    pub stage: Stage,
    /// Bounded reason code (`invalid_field`, `undecodable`, ...).
    pub reason_code: String,
    /// One-line summary of the failure (no PII, no narrative text).
    pub message: String,
    /// Every field-level problem, with its path.
    pub field_errors: Vec<FieldError>,
    /// Report id, when the record got that far.
    pub record_id: Option<ReportId>,
    /// Topic the record was read from.
    pub source_topic: Option<String>,
    /// Partition it was read from.
    pub source_partition: Option<i32>,
    /// Offset it was read from.
    pub source_offset: Option<i64>,
    /// The bytes as received.
    #[serde(with = "serde_bytes")]
    pub original: Vec<u8>,
    /// The message headers as received.
    pub original_headers: Vec<Header>,
    /// When it failed.
    pub failed_at: ZonedTime,
}

/// A field-level problem: `persons[2].dob: not a date`. The problem never repeats the value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FieldError {
    /// Path in the intake format.
    pub path: String,
    /// What is wrong.
    pub problem: String,
}

/// A message header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Key.
    pub key: String,
    /// Value.
    #[serde(with = "serde_bytes")]
    pub value: Vec<u8>,
}

vocabulary!(FlagKind {
    ProtectedClassLanguage => "protected_class_language",
    ProtectedActivity => "protected_activity",
    GroupBWithoutFacts => "group_b_without_facts",
    ImminentThreat => "imminent_threat",
    PossibleDuplicate => "possible_duplicate",
    NoBehaviorCode => "no_behavior_code",
});
vocabulary!(GateOutcome {
    Triage => "triage",
    PrivacyReview => "privacy_review",
    BlockedProtectedActivity => "blocked_protected_activity",
    NotSar => "not_sar",
});
vocabulary!(DestinationKind {
    SearchIndex => "search_index",
    AnalystQueue => "analyst_queue",
});
vocabulary!(QueueName {
    Imminent => "imminent",
    Priority => "priority",
    Standard => "standard",
    PrivacyReview => "privacy_review",
    BlockedAudit => "blocked_audit",
    NotSar => "not_sar",
});
vocabulary!(Priority {
    Immediate => "immediate",
    High => "high",
    Normal => "normal",
    Low => "low",
});

#[cfg(test)]
mod tests;
