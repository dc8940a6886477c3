//! Search requests and responses, and the need-to-know rules that shape both.
//!
//! A caller without the PII right (`Caller::sees_pii`) has its free text matched against the
//! redacted narrative and the summary text only, may not name a PII field in the query syntax,
//! gets snippets cut from the redacted narrative and no Detailed view. Every caller's query is
//! filtered to the jurisdictions it covers.

use std::ops::Bound;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tantivy::{
    DateTime, Index, Order, Term,
    query::{
        AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
        TermSetQuery,
    },
    query_grammar::{UserInputAst, UserInputLeaf},
    schema::IndexRecordOption,
};

use sar_model::{ZonedTime, access::Caller};

use crate::{
    IndexError,
    schema::{Fields, PII_QUERYABLE, SUMMARY_QUERYABLE, keyword},
};

/// Hits per page when the request names no limit.
pub const DEFAULT_LIMIT: usize = 20;
/// Most hits per page.
pub const MAX_LIMIT: usize = 100;
/// Deepest offset a request may page to.
pub const MAX_OFFSET: usize = 10_000;
/// Longest free-text query, in characters.
const MAX_QUERY_CHARS: usize = 1_000;
/// Most values in one list filter.
const MAX_FILTER_VALUES: usize = 64;

/// What to search for. Lists are alternatives (any of them); the filters are conjunctive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    /// Free text in tantivy's query syntax (`+must -not "a phrase" field:value`); terms are
    /// required by default.
    pub q: Option<String>,
    /// Any of these behaviour codes (`INTRSN`).
    pub behavior_codes: Vec<String>,
    /// Any of these target sectors (`WATR`).
    pub sectors: Vec<String>,
    /// Observed at or after this instant.
    pub observed_from: Option<ZonedTime>,
    /// Observed at or before this instant.
    pub observed_to: Option<ZonedTime>,
    /// Score at least this.
    pub min_score: Option<f64>,
    /// Score at most this.
    pub max_score: Option<f64>,
    /// Analyst queue (`priority`).
    pub queue: Option<String>,
    /// Gate outcome (`triage`).
    pub outcome: Option<String>,
    /// One jurisdiction (within the caller's).
    pub jurisdiction: Option<String>,
    /// Sensitivity label (`open`, `agency_name_only`, `restricted`; 28 CFR 23.20(g)).
    pub sensitivity: Option<String>,
    /// Sort key.
    pub sort: SortBy,
    /// Sort order (ignored for relevance: best first).
    pub order: SortOrder,
    /// Hits per page, 1 to `MAX_LIMIT`.
    pub limit: usize,
    /// Hits to skip, up to `MAX_OFFSET`.
    pub offset: usize,
}

impl Default for SearchRequest {
    fn default() -> Self {
        Self {
            q: None,
            behavior_codes: Vec::new(),
            sectors: Vec::new(),
            observed_from: None,
            observed_to: None,
            min_score: None,
            max_score: None,
            queue: None,
            outcome: None,
            jurisdiction: None,
            sensitivity: None,
            sort: SortBy::default(),
            order: SortOrder::default(),
            limit: DEFAULT_LIMIT,
            offset: 0,
        }
    }
}

/// Sort key of a search.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    /// BM25 relevance to `q`; without `q`, the same as `received_at`.
    #[default]
    Relevance,
    /// Triage score.
    Score,
    /// Receipt time.
    ReceivedAt,
    /// Start of the observed period.
    ObservedAt,
}

impl SortBy {
    /// The value with this wire name.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "relevance" => Some(Self::Relevance),
            "score" => Some(Self::Score),
            "received_at" => Some(Self::ReceivedAt),
            "observed_at" => Some(Self::ObservedAt),
            _ => None,
        }
    }
}

/// Sort order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Smallest first.
    Asc,
    /// Largest (newest) first.
    #[default]
    Desc,
}

impl SortOrder {
    /// The value with this wire name.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "asc" => Some(Self::Asc),
            "desc" => Some(Self::Desc),
            _ => None,
        }
    }
}

/// One page of hits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchResponse {
    /// Matching reports the caller may see, over all pages.
    pub total: u64,
    /// This page.
    pub hits: Vec<SearchHit>,
    /// PII fields were queried or returned: the caller must audit the access (rule T-40).
    pub pii_fields_touched: bool,
}

/// One matching report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchHit {
    /// Report id.
    pub report_id: String,
    /// BM25 relevance, when sorted by relevance.
    pub relevance: Option<f32>,
    /// The Summary view.
    pub summary: HitSummary,
    /// Matching passage, HTML-escaped, matches in `<b>`: from the raw narrative for a PII
    /// caller, from the redacted narrative for everyone else.
    pub snippet: Option<String>,
    /// The PII part, only for a caller with the PII right.
    pub detailed: Option<DetailedView>,
}

/// The Summary view of a hit: no person, identifier, plate, contact or street address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HitSummary {
    /// Triage score, 0 to 100.
    pub score: f64,
    /// Analyst queue, if queued.
    pub queue: Option<String>,
    /// Gate outcome.
    pub outcome: String,
    /// Intake channel.
    pub channel: String,
    /// Receipt time, RFC 3339.
    pub received_at: String,
    /// Start of the observed period, RFC 3339 in its original offset.
    pub observed_at: String,
    /// Behaviour codes.
    pub behavior_codes: Vec<String>,
    /// Target sectors.
    pub target_sectors: Vec<String>,
    /// Responsible jurisdiction.
    pub jurisdiction: String,
    /// City.
    pub city: Option<String>,
    /// State.
    pub state: Option<String>,
    /// Submitting agency (organisation id).
    pub submitting_agency: String,
    /// Submitting organisation name.
    pub submitting_org_name: String,
    /// Review flags (kinds).
    pub flags: Vec<String>,
}

/// The PII part of a report: narrative, people, assets with their identifiers, reporter contact
/// and location. Protected descriptors are never included.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DetailedView {
    /// The reporter's words.
    pub narrative: String,
    /// Facts beyond the narrative.
    pub additional_facts: Option<String>,
    /// People, as in the report (without protected descriptors).
    #[schema(value_type = Vec<Object>)]
    pub persons: Vec<Value>,
    /// Vehicles.
    #[schema(value_type = Vec<Object>)]
    pub vehicles: Vec<Value>,
    /// Vessels.
    #[schema(value_type = Vec<Object>)]
    pub vessels: Vec<Value>,
    /// Aircraft.
    #[schema(value_type = Vec<Object>)]
    pub aircraft: Vec<Value>,
    /// Property items.
    #[schema(value_type = Vec<Object>)]
    pub property: Vec<Value>,
    /// Reporter contact.
    #[schema(value_type = Option<Object>)]
    pub reporter_contact: Option<Value>,
    /// Location, street address included.
    #[schema(value_type = Object)]
    pub location: Value,
}

/// Which view of a report a caller got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ViewKind {
    /// Summary format (domain spec §3.4): PII removed or generalized.
    Summary,
    /// Everything, for a caller with the PII right (protected descriptors excepted).
    Detailed,
}

/// One report as a caller may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportView {
    /// Report id.
    pub report_id: String,
    /// Which view `record` is.
    pub view: ViewKind,
    /// The routed record in that view.
    #[schema(value_type = Object)]
    pub record: Value,
}

impl SearchRequest {
    /// Checks the bounds of the request.
    pub fn validate(&self) -> Result<(), IndexError> {
        let invalid = |field, problem| Err(IndexError::InvalidRequest { field, problem });
        if self.limit == 0 || self.limit > MAX_LIMIT {
            return invalid("limit", "must be between 1 and 100");
        }
        if self.offset > MAX_OFFSET {
            return invalid("offset", "must be at most 10000");
        }
        if self
            .q
            .as_ref()
            .is_some_and(|q| q.chars().count() > MAX_QUERY_CHARS)
        {
            return invalid("q", "longer than 1000 characters");
        }
        if self.behavior_codes.len() > MAX_FILTER_VALUES {
            return invalid("behavior_codes", "more than 64 values");
        }
        if self.sectors.len() > MAX_FILTER_VALUES {
            return invalid("sectors", "more than 64 values");
        }
        for (field, score) in [("min_score", self.min_score), ("max_score", self.max_score)] {
            if score.is_some_and(|score| !score.is_finite()) {
                return invalid(field, "not a finite number");
            }
        }
        if let (Some(min), Some(max)) = (self.min_score, self.max_score)
            && min > max
        {
            return invalid("min_score", "greater than max_score");
        }
        if let (Some(from), Some(to)) = (&self.observed_from, &self.observed_to)
            && from > to
        {
            return invalid("observed_from", "after observed_to");
        }
        Ok(())
    }

    /// The sort actually applied: relevance without a query sorts by receipt time.
    pub(crate) fn effective_sort(&self) -> SortBy {
        match (self.sort, self.text()) {
            (SortBy::Relevance, None) => SortBy::ReceivedAt,
            (sort, _) => sort,
        }
    }

    /// The free text, if any is left after trimming.
    pub(crate) fn text(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|q| !q.is_empty())
    }
}

impl SortOrder {
    pub(crate) fn tantivy(self) -> Order {
        match self {
            Self::Asc => Order::Asc,
            Self::Desc => Order::Desc,
        }
    }
}

/// The query of a request for a caller: the text part (for snippets) and the whole query.
pub(crate) struct CallerQuery {
    pub(crate) text: Option<Box<dyn Query>>,
    pub(crate) all: Box<dyn Query>,
}

/// Builds the query: the caller's text over the fields it may search, AND every filter, AND the
/// caller's jurisdictions. `None` when the caller covers no jurisdiction at all.
pub(crate) fn build_query(
    index: &Index,
    fields: &Fields,
    request: &SearchRequest,
    caller: &Caller,
) -> Result<Option<CallerQuery>, IndexError> {
    let pii = caller.sees_pii();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let text = match request.text() {
        Some(q) => Some(parse_text(index, fields, q, pii)?),
        None => None,
    };
    if let Some(text) = &text {
        clauses.push((Occur::Must, text.box_clone()));
    }
    let mut filter = |query: Box<dyn Query>| {
        clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0))));
    };
    if let Some(own) = caller.jurisdiction_filter() {
        if own.is_empty() {
            return Ok(None);
        }
        filter(any_of(fields.jurisdiction, own));
    }
    if let Some(jurisdiction) = &request.jurisdiction {
        filter(term(fields.jurisdiction, jurisdiction));
    }
    if !request.behavior_codes.is_empty() {
        filter(any_of(fields.behavior_codes, &request.behavior_codes));
    }
    if !request.sectors.is_empty() {
        filter(any_of(fields.target_sectors, &request.sectors));
    }
    if let Some(queue) = &request.queue {
        filter(term(fields.queue, queue));
    }
    if let Some(outcome) = &request.outcome {
        filter(term(fields.outcome, outcome));
    }
    if let Some(sensitivity) = &request.sensitivity {
        filter(term(fields.sensitivity, sensitivity));
    }
    if request.min_score.is_some() || request.max_score.is_some() {
        let bound = |score: Option<f64>| match score {
            Some(score) => Bound::Included(Term::from_field_f64(fields.score, score)),
            None => Bound::Unbounded,
        };
        filter(Box::new(RangeQuery::new(
            bound(request.min_score),
            bound(request.max_score),
        )));
    }
    if request.observed_from.is_some() || request.observed_to.is_some() {
        let bound = |at: Option<&ZonedTime>| match at {
            Some(at) => Bound::Included(Term::from_field_date(
                fields.observed_at,
                DateTime::from_timestamp_secs(at.unix_seconds()),
            )),
            None => Bound::Unbounded,
        };
        filter(Box::new(RangeQuery::new(
            bound(request.observed_from.as_ref()),
            bound(request.observed_to.as_ref()),
        )));
    }
    let all: Box<dyn Query> = if clauses.is_empty() {
        Box::new(AllQuery)
    } else {
        Box::new(BooleanQuery::new(clauses))
    };
    Ok(Some(CallerQuery { text, all }))
}

fn term(field: tantivy::schema::Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, &keyword(value)),
        IndexRecordOption::Basic,
    ))
}

fn any_of(field: tantivy::schema::Field, values: &[String]) -> Box<dyn Query> {
    Box::new(TermSetQuery::new(
        values
            .iter()
            .map(|value| Term::from_field_text(field, &keyword(value))),
    ))
}

/// Parses the caller's text. Every field the text names must be one the caller may query, so
/// `person_names:smith` is refused for a Summary caller (before any term reaches the index).
fn parse_text(
    index: &Index,
    fields: &Fields,
    q: &str,
    pii: bool,
) -> Result<Box<dyn Query>, IndexError> {
    let ast = tantivy::query_grammar::parse_query(q).map_err(|_| IndexError::InvalidQuery {
        reason: "syntax error",
    })?;
    let allowed =
        |name: &str| SUMMARY_QUERYABLE.contains(&name) || (pii && PII_QUERYABLE.contains(&name));
    check_fields(&ast, &allowed)?;
    let mut parser = QueryParser::for_index(index, fields.default_text_fields(pii));
    parser.set_conjunction_by_default();
    parser
        .build_query_from_user_input_ast(ast)
        .map_err(|_| IndexError::InvalidQuery {
            reason: "a term does not fit its field",
        })
}

fn check_fields(ast: &UserInputAst, allowed: &dyn Fn(&str) -> bool) -> Result<(), IndexError> {
    let unknown = Err(IndexError::InvalidQuery {
        reason: "unknown field",
    });
    match ast {
        UserInputAst::Clause(clauses) => {
            for (_, clause) in clauses {
                check_fields(clause, allowed)?;
            }
            Ok(())
        }
        UserInputAst::Boost(inner, _) => check_fields(inner, allowed),
        UserInputAst::Leaf(leaf) => {
            let field = match leaf.as_ref() {
                UserInputLeaf::Literal(literal) => literal.field_name.as_deref(),
                UserInputLeaf::All => None,
                UserInputLeaf::Range { field, .. }
                | UserInputLeaf::Set { field, .. }
                | UserInputLeaf::Regex { field, .. } => field.as_deref(),
                UserInputLeaf::Exists { field } => Some(field.as_str()),
            };
            match field {
                Some(name) if !allowed(name) => unknown,
                _ => Ok(()),
            }
        }
    }
}
