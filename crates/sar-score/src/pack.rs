//! The rule pack: a versioned TOML file, parsed and validated once.
//!
//! Every rule has an id and a human description, and every contribution of a score names the
//! rule that produced it. Validation refuses, with the rule id in the message: a missing weight
//! for any of the 16 behaviour codes, 34 target sectors or 20 grade tokens; a group-A weight not
//! above every group-B weight; duplicate rule ids; invalid regexes; and any lexicon term or regex
//! that matches a protected-class term (domain spec §2.4, §9.2; rules T-06, T-07).
//!
//! Lexicons may list terms one by one (`terms`) and generate families of them (`expand`): each
//! `[[lexicon.expand]]` is a cartesian product of `parts`, joined by `join` (a space unless
//! given); an empty alternative drops that part, so `[["glock"], ["19"], ["", "pistol"]]` gives
//! `glock 19` and `glock 19 pistol`.

use std::collections::{HashMap, HashSet};

use regex::bytes::{Regex, RegexBuilder};
use sar_model::{
    BehaviorCode, BehaviorGroup, Code, CodeList, ContentValidity, SourceReliability,
    TargetSectorCode,
};
use serde::Deserialize;

use crate::mask::Masker;

/// The shipped rule pack.
const DEFAULT_PACK: &str = include_str!("../rules/default.toml");

/// Largest number of terms one `expand` table may generate (guards against a typo that
/// multiplies a family into millions of terms).
const MAX_EXPANSION: usize = 50_000;

/// Largest absolute weight or cap of any rule: a score lives in [0, 100].
const MAX_WEIGHT: f64 = 100.0;

/// Why a rule pack was refused. Messages name the rule; they never contain record data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulePackError {
    /// The text is not TOML of the rule-pack format.
    #[error("rule pack is not a valid rule-pack toml document: {detail}")]
    Parse {
        /// The parser's explanation (about the pack file, not about a record).
        detail: String,
    },
    /// The pack id or version is empty.
    #[error("rule pack has an empty `{field}`")]
    EmptyField {
        /// `id` or `version`.
        field: &'static str,
    },
    /// A rule has an empty id.
    #[error("a {section} rule has an empty id")]
    EmptyRuleId {
        /// Section of the pack.
        section: &'static str,
    },
    /// A rule has no human description.
    #[error("rule `{rule}` has no description")]
    MissingDescription {
        /// Rule id.
        rule: String,
    },
    /// Two rules share an id.
    #[error("rule id `{rule}` is used more than once")]
    DuplicateRuleId {
        /// Rule id.
        rule: String,
    },
    /// A lexicon term or a regex matches a protected-class term.
    #[error("rule `{rule}` uses protected-class term `{term}` as an indicator")]
    ProtectedClassIndicator {
        /// Rule id.
        rule: String,
        /// The protected-class term.
        term: String,
    },
    /// A regex does not compile.
    #[error("rule `{rule}` has an invalid regex: {detail}")]
    InvalidRegex {
        /// Rule id.
        rule: String,
        /// The compiler's explanation.
        detail: String,
    },
    /// A behaviour code has no weight.
    #[error("no behavior rule for code `{code}`")]
    MissingBehaviorWeight {
        /// The code.
        code: &'static str,
    },
    /// A target sector has no weight.
    #[error("no sector rule for code `{code}`")]
    MissingSectorWeight {
        /// The code.
        code: &'static str,
    },
    /// A rule names a code outside its list.
    #[error("rule `{rule}` names unknown code `{code}`")]
    UnknownCode {
        /// Rule id.
        rule: String,
        /// The code as written in the pack.
        code: String,
    },
    /// Two rules weigh the same code or grade.
    #[error("rule `{rule}` repeats `{code}`, already weighed by another rule")]
    DuplicateCode {
        /// Rule id.
        rule: String,
        /// The code or grade token.
        code: String,
    },
    /// A group-A weight is not above a group-B weight.
    #[error("group-a rule `{group_a_rule}` must weigh more than group-b rule `{group_b_rule}`")]
    GroupOrder {
        /// The lightest group-A rule.
        group_a_rule: String,
        /// The heaviest group-B rule.
        group_b_rule: String,
    },
    /// A weight or cap is not finite, or out of range.
    #[error("rule `{rule}` has a weight or cap that is not a finite number in its range")]
    InvalidWeight {
        /// Rule id.
        rule: String,
    },
    /// A grade token has no weight.
    #[error("no {axis} rule for grade `{grade}`")]
    MissingGradeWeight {
        /// `source_reliability` or `content_validity`.
        axis: &'static str,
        /// The grade token.
        grade: &'static str,
    },
    /// A rule names a grade outside both schemes.
    #[error("rule `{rule}` names unknown {axis} grade `{grade}`")]
    UnknownGrade {
        /// Rule id.
        rule: String,
        /// `source_reliability` or `content_validity`.
        axis: &'static str,
        /// The token as written in the pack.
        grade: String,
    },
    /// A specificity fact has no rule.
    #[error("no specificity rule for fact `{fact}`")]
    MissingSpecificityFact {
        /// The fact.
        fact: &'static str,
    },
    /// A rule names an unknown specificity fact.
    #[error("rule `{rule}` names unknown specificity fact `{fact}`")]
    UnknownSpecificityFact {
        /// Rule id.
        rule: String,
        /// The fact as written in the pack.
        fact: String,
    },
    /// A lexicon has no terms.
    #[error("lexicon `{rule}` has no terms")]
    EmptyLexicon {
        /// Rule id.
        rule: String,
    },
    /// A lexicon term is empty, not ASCII, or has surrounding whitespace.
    #[error("lexicon `{rule}` has a term that is {problem}")]
    InvalidTerm {
        /// Rule id.
        rule: String,
        /// What is wrong.
        problem: &'static str,
    },
    /// The same term is in two lexicons, so a hit could not be attributed to one rule.
    #[error("term `{term}` of lexicon `{rule}` is already in lexicon `{other_rule}`")]
    DuplicateTerm {
        /// Rule id.
        rule: String,
        /// The lexicon that has it first.
        other_rule: String,
        /// The term.
        term: String,
    },
    /// An `expand` table generates too many terms.
    #[error("lexicon `{rule}` has an expansion of more than {limit} terms")]
    ExpansionTooLarge {
        /// Rule id.
        rule: String,
        /// The limit.
        limit: usize,
    },
    /// The matching automaton could not be built.
    #[error("failed to build the matcher for `{rule}`: {detail}")]
    Automaton {
        /// Rule id, or the group of rules.
        rule: String,
        /// The builder's explanation.
        detail: String,
    },
}

/// A validated rule pack.
#[derive(Debug, Clone)]
pub struct RulePack {
    pub(crate) id: String,
    pub(crate) version: String,
    pub(crate) behaviors: Vec<(BehaviorCode, WeightedRule)>,
    pub(crate) additional_codes: CappedRule,
    pub(crate) no_behavior: Rule,
    pub(crate) sectors: Vec<(TargetSectorCode, WeightedRule)>,
    pub(crate) lexicons: Vec<Lexicon>,
    pub(crate) regexes: Vec<RegexRule>,
    pub(crate) specificity: Vec<(Fact, WeightedRule)>,
    pub(crate) reliability: Vec<(SourceReliability, WeightedRule)>,
    pub(crate) validity: Vec<(ContentValidity, WeightedRule)>,
    pub(crate) corroboration: CappedRule,
}

/// A rule's id and description.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rule {
    pub(crate) id: String,
    pub(crate) description: String,
}

/// A rule with one weight.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct WeightedRule {
    pub(crate) rule: Rule,
    pub(crate) weight: f64,
}

/// A rule that adds `per_item` per counted item, up to `cap`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CappedRule {
    pub(crate) rule: Rule,
    pub(crate) per_item: f64,
    pub(crate) cap: f64,
}

/// An indicator lexicon.
#[derive(Debug, Clone)]
pub(crate) struct Lexicon {
    pub(crate) scoring: CappedRule,
    /// Lowercase, ASCII, distinct.
    pub(crate) terms: Vec<String>,
}

/// A regex indicator.
#[derive(Debug, Clone)]
pub(crate) struct RegexRule {
    pub(crate) scoring: WeightedRule,
    pub(crate) pattern: String,
    /// A match is an explicit threat of violence with a time or target.
    pub(crate) imminent: bool,
}

/// A fact that makes a report specific. Each is counted once, present or absent: facts, not
/// text length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fact {
    ObservedEnd,
    Coordinates,
    PlaceName,
    StreetAddress,
    Vehicle,
    VehicleIdentifier,
    PersonDescribed,
    PropertyItem,
    Attachment,
    TimeMentioned,
    PlaceMentioned,
}

impl Fact {
    pub(crate) const ALL: [Self; 11] = [
        Self::ObservedEnd,
        Self::Coordinates,
        Self::PlaceName,
        Self::StreetAddress,
        Self::Vehicle,
        Self::VehicleIdentifier,
        Self::PersonDescribed,
        Self::PropertyItem,
        Self::Attachment,
        Self::TimeMentioned,
        Self::PlaceMentioned,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::ObservedEnd => "observed_end",
            Self::Coordinates => "coordinates",
            Self::PlaceName => "place_name",
            Self::StreetAddress => "street_address",
            Self::Vehicle => "vehicle",
            Self::VehicleIdentifier => "vehicle_identifier",
            Self::PersonDescribed => "person_described",
            Self::PropertyItem => "property_item",
            Self::Attachment => "attachment",
            Self::TimeMentioned => "time_mentioned",
            Self::PlaceMentioned => "place_mentioned",
        }
    }
}

impl RulePack {
    /// Parses and validates a rule pack.
    pub fn from_toml(text: &str) -> Result<Self, RulePackError> {
        let file: PackFile = toml::from_str(text).map_err(|error| RulePackError::Parse {
            detail: error.message().to_owned(),
        })?;
        build(file)
    }

    /// The shipped pack, `rules/default.toml`.
    pub fn default_pack() -> Result<Self, RulePackError> {
        Self::from_toml(DEFAULT_PACK)
    }

    /// Pack id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Pack version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Number of distinct lexicon terms, over all lexicons.
    pub fn n_lexicon_terms(&self) -> usize {
        self.lexicons
            .iter()
            .map(|lexicon| lexicon.terms.len())
            .sum()
    }
}

// ---- the file format ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    id: String,
    version: String,
    description: String,
    behavior: BehaviorFile,
    #[serde(default)]
    sector: Vec<CodeRuleFile>,
    #[serde(default)]
    lexicon: Vec<LexiconFile>,
    #[serde(default)]
    regex: Vec<RegexFile>,
    #[serde(default)]
    specificity: Vec<FactFile>,
    #[serde(default)]
    reliability: Vec<GradeFile>,
    #[serde(default)]
    validity: Vec<GradeFile>,
    corroboration: CappedFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BehaviorFile {
    additional_codes: CappedFile,
    none: RuleFile,
    #[serde(default)]
    code: Vec<CodeRuleFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    id: String,
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CappedFile {
    id: String,
    description: String,
    per_item: f64,
    cap: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeRuleFile {
    id: String,
    description: String,
    code: String,
    weight: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    id: String,
    description: String,
    weight_per_term: f64,
    cap: f64,
    #[serde(default)]
    terms: Vec<String>,
    #[serde(default)]
    expand: Vec<ExpandFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpandFile {
    parts: Vec<Vec<String>>,
    join: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegexFile {
    id: String,
    description: String,
    weight: f64,
    pattern: String,
    #[serde(default)]
    imminent: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FactFile {
    id: String,
    description: String,
    fact: String,
    weight: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GradeFile {
    id: String,
    description: String,
    grade: String,
    weight: f64,
}

// ---- validation ----

/// Rule ids seen so far, to refuse duplicates.
struct Ids(HashSet<String>);

impl Ids {
    fn rule(
        &mut self,
        section: &'static str,
        id: String,
        description: String,
    ) -> Result<Rule, RulePackError> {
        if id.trim().is_empty() {
            return Err(RulePackError::EmptyRuleId { section });
        }
        if description.trim().is_empty() {
            return Err(RulePackError::MissingDescription { rule: id });
        }
        if !self.0.insert(id.clone()) {
            return Err(RulePackError::DuplicateRuleId { rule: id });
        }
        Ok(Rule { id, description })
    }
}

fn weight(rule: &Rule, value: f64, signed: bool) -> Result<f64, RulePackError> {
    let low = if signed { -MAX_WEIGHT } else { 0.0 };
    if value.is_finite() && (low..=MAX_WEIGHT).contains(&value) {
        Ok(value)
    } else {
        Err(RulePackError::InvalidWeight {
            rule: rule.id.clone(),
        })
    }
}

fn capped(
    ids: &mut Ids,
    section: &'static str,
    file: CappedFile,
) -> Result<CappedRule, RulePackError> {
    let rule = ids.rule(section, file.id, file.description)?;
    let per_item = weight(&rule, file.per_item, false)?;
    let cap = weight(&rule, file.cap, false)?;
    Ok(CappedRule {
        rule,
        per_item,
        cap,
    })
}

fn build(file: PackFile) -> Result<RulePack, RulePackError> {
    if file.id.trim().is_empty() {
        return Err(RulePackError::EmptyField { field: "id" });
    }
    if file.version.trim().is_empty() {
        return Err(RulePackError::EmptyField { field: "version" });
    }
    // The pack's own description is documentation only; it must exist like any rule's.
    if file.description.trim().is_empty() {
        return Err(RulePackError::MissingDescription { rule: file.id });
    }
    let mut ids = Ids(HashSet::new());
    let masker = Masker::new().map_err(|detail| RulePackError::Automaton {
        rule: "protected-class terms".to_owned(),
        detail,
    })?;

    let behaviors = behaviors(&mut ids, file.behavior.code)?;
    let additional_codes = capped(&mut ids, "behavior", file.behavior.additional_codes)?;
    let no_behavior = ids.rule(
        "behavior",
        file.behavior.none.id,
        file.behavior.none.description,
    )?;
    let sectors = sectors(&mut ids, file.sector)?;
    let lexicons = lexicons(&mut ids, &masker, file.lexicon)?;
    let regexes = regexes(&mut ids, file.regex)?;
    let specificity = specificity(&mut ids, file.specificity)?;
    let reliability = grades(
        &mut ids,
        "source_reliability",
        &SourceReliability::ALL.map(SourceReliability::token),
        file.reliability,
        |token| SourceReliability::parse(token).ok(),
    )?;
    let validity = grades(
        &mut ids,
        "content_validity",
        &ContentValidity::ALL.map(ContentValidity::token),
        file.validity,
        |token| ContentValidity::parse(token).ok(),
    )?;
    let corroboration = capped(&mut ids, "corroboration", file.corroboration)?;
    Ok(RulePack {
        id: file.id,
        version: file.version,
        behaviors,
        additional_codes,
        no_behavior,
        sectors,
        lexicons,
        regexes,
        specificity,
        reliability,
        validity,
        corroboration,
    })
}

fn behaviors(
    ids: &mut Ids,
    files: Vec<CodeRuleFile>,
) -> Result<Vec<(BehaviorCode, WeightedRule)>, RulePackError> {
    let out = coded_rules(ids, "behavior", files, |code| {
        RulePackError::MissingBehaviorWeight { code }
    })?;
    let lightest_a = out
        .iter()
        .filter(|(code, _)| code.group() == BehaviorGroup::A)
        .min_by(|x, y| x.1.weight.total_cmp(&y.1.weight));
    let heaviest_b = out
        .iter()
        .filter(|(code, _)| code.group() == BehaviorGroup::B)
        .max_by(|x, y| x.1.weight.total_cmp(&y.1.weight));
    if let (Some((_, a)), Some((_, b))) = (lightest_a, heaviest_b)
        && a.weight <= b.weight
    {
        return Err(RulePackError::GroupOrder {
            group_a_rule: a.rule.id.clone(),
            group_b_rule: b.rule.id.clone(),
        });
    }
    Ok(out)
}

fn sectors(
    ids: &mut Ids,
    files: Vec<CodeRuleFile>,
) -> Result<Vec<(TargetSectorCode, WeightedRule)>, RulePackError> {
    coded_rules(ids, "sector", files, |code| {
        RulePackError::MissingSectorWeight { code }
    })
}

/// One weighted rule per code of list `K`: every code exactly once, no unknown code.
fn coded_rules<K: CodeList>(
    ids: &mut Ids,
    section: &'static str,
    files: Vec<CodeRuleFile>,
    missing: fn(&'static str) -> RulePackError,
) -> Result<Vec<(Code<K>, WeightedRule)>, RulePackError> {
    let mut out: Vec<(Code<K>, WeightedRule)> = Vec::with_capacity(files.len());
    for file in files {
        let rule = ids.rule(section, file.id, file.description)?;
        let weight = weight(&rule, file.weight, false)?;
        let Ok(code) = Code::<K>::parse(&file.code) else {
            return Err(RulePackError::UnknownCode {
                rule: rule.id,
                code: file.code,
            });
        };
        if out.iter().any(|(seen, _)| *seen == code) {
            return Err(RulePackError::DuplicateCode {
                rule: rule.id,
                code: file.code,
            });
        }
        out.push((code, WeightedRule { rule, weight }));
    }
    if let Some(code) = Code::<K>::all().find(|code| !out.iter().any(|(seen, _)| seen == code)) {
        return Err(missing(code.code()));
    }
    Ok(out)
}

fn lexicons(
    ids: &mut Ids,
    masker: &Masker,
    files: Vec<LexiconFile>,
) -> Result<Vec<Lexicon>, RulePackError> {
    // term -> index of the lexicon that has it
    let mut owners: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Lexicon> = Vec::with_capacity(files.len());
    for file in files {
        let rule = ids.rule("lexicon", file.id, file.description)?;
        let per_item = weight(&rule, file.weight_per_term, false)?;
        let cap = weight(&rule, file.cap, false)?;
        let mut raw_terms = file.terms;
        for expand in &file.expand {
            expand_into(&rule, expand, &mut raw_terms)?;
        }
        let mut terms = Vec::with_capacity(raw_terms.len());
        for raw in raw_terms {
            let term = checked_term(&rule, masker, raw)?;
            match owners.get(&term) {
                Some(&owner) if owner == out.len() => continue,
                Some(&owner) => {
                    return Err(RulePackError::DuplicateTerm {
                        rule: rule.id,
                        other_rule: out[owner].scoring.rule.id.clone(),
                        term,
                    });
                }
                None => {
                    owners.insert(term.clone(), out.len());
                    terms.push(term);
                }
            }
        }
        if terms.is_empty() {
            return Err(RulePackError::EmptyLexicon { rule: rule.id });
        }
        out.push(Lexicon {
            scoring: CappedRule {
                rule,
                per_item,
                cap,
            },
            terms,
        });
    }
    Ok(out)
}

/// Lowercases a term and refuses empty, non-ASCII and protected-class terms.
fn checked_term(rule: &Rule, masker: &Masker, raw: String) -> Result<String, RulePackError> {
    let problem = if raw.trim().is_empty() {
        Some("empty")
    } else if raw.trim() != raw {
        Some("surrounded by whitespace")
    } else if !raw.is_ascii() {
        Some("not ascii")
    } else {
        None
    };
    if let Some(problem) = problem {
        return Err(RulePackError::InvalidTerm {
            rule: rule.id.clone(),
            problem,
        });
    }
    let term = raw.to_ascii_lowercase();
    if let Some(protected) = masker.first_protected_term(&term) {
        return Err(RulePackError::ProtectedClassIndicator {
            rule: rule.id.clone(),
            term: protected.to_owned(),
        });
    }
    Ok(term)
}

fn expand_into(
    rule: &Rule,
    expand: &ExpandFile,
    out: &mut Vec<String>,
) -> Result<(), RulePackError> {
    let join = expand.join.as_deref().unwrap_or(" ");
    let total = expand
        .parts
        .iter()
        .try_fold(1usize, |total, part| total.checked_mul(part.len()))
        .unwrap_or(usize::MAX);
    if total > MAX_EXPANSION {
        return Err(RulePackError::ExpansionTooLarge {
            rule: rule.id.clone(),
            limit: MAX_EXPANSION,
        });
    }
    let mut current: Vec<String> = vec![String::new()];
    for part in &expand.parts {
        let mut next = Vec::with_capacity(current.len() * part.len());
        for prefix in &current {
            for alternative in part {
                let mut term = prefix.clone();
                if !alternative.is_empty() {
                    if !term.is_empty() {
                        term.push_str(join);
                    }
                    term.push_str(alternative);
                }
                next.push(term);
            }
        }
        current = next;
    }
    out.extend(current);
    Ok(())
}

/// Compiles a regex indicator the way the scorer runs it: over bytes, ASCII classes and word
/// boundaries (so a non-ASCII byte is never a word character), case-insensitive.
pub(crate) fn compile_regex(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .unicode(false)
        .case_insensitive(true)
        .build()
}

fn regexes(ids: &mut Ids, files: Vec<RegexFile>) -> Result<Vec<RegexRule>, RulePackError> {
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let rule = ids.rule("regex", file.id, file.description)?;
        let weight = weight(&rule, file.weight, false)?;
        let regex = compile_regex(&file.pattern).map_err(|error| RulePackError::InvalidRegex {
            rule: rule.id.clone(),
            detail: error.to_string(),
        })?;
        for protected in sar_model::protected_terms::protected_terms() {
            if regex.is_match(protected.term.as_bytes()) {
                return Err(RulePackError::ProtectedClassIndicator {
                    rule: rule.id,
                    term: protected.term.to_owned(),
                });
            }
        }
        out.push(RegexRule {
            scoring: WeightedRule { rule, weight },
            pattern: file.pattern,
            imminent: file.imminent,
        });
    }
    Ok(out)
}

fn specificity(
    ids: &mut Ids,
    files: Vec<FactFile>,
) -> Result<Vec<(Fact, WeightedRule)>, RulePackError> {
    let mut out: Vec<(Fact, WeightedRule)> = Vec::with_capacity(files.len());
    for file in files {
        let rule = ids.rule("specificity", file.id, file.description)?;
        let weight = weight(&rule, file.weight, false)?;
        let Some(fact) = Fact::ALL
            .into_iter()
            .find(|fact| fact.as_str() == file.fact)
        else {
            return Err(RulePackError::UnknownSpecificityFact {
                rule: rule.id,
                fact: file.fact,
            });
        };
        if out.iter().any(|(seen, _)| *seen == fact) {
            return Err(RulePackError::DuplicateCode {
                rule: rule.id,
                code: file.fact,
            });
        }
        out.push((fact, WeightedRule { rule, weight }));
    }
    // Facts are contributed in their fixed order, whatever the order in the file.
    let mut ordered = Vec::with_capacity(Fact::ALL.len());
    for fact in Fact::ALL {
        let Some(position) = out.iter().position(|(seen, _)| *seen == fact) else {
            return Err(RulePackError::MissingSpecificityFact {
                fact: fact.as_str(),
            });
        };
        ordered.push(out.swap_remove(position));
    }
    Ok(ordered)
}

fn grades<G: Copy + PartialEq>(
    ids: &mut Ids,
    axis: &'static str,
    tokens: &[&'static str],
    files: Vec<GradeFile>,
    parse: impl Fn(&str) -> Option<G>,
) -> Result<Vec<(G, WeightedRule)>, RulePackError> {
    let mut out: Vec<(G, WeightedRule)> = Vec::with_capacity(files.len());
    for file in files {
        let rule = ids.rule(axis, file.id, file.description)?;
        let weight = weight(&rule, file.weight, true)?;
        let Some(grade) = parse(&file.grade) else {
            return Err(RulePackError::UnknownGrade {
                rule: rule.id,
                axis,
                grade: file.grade,
            });
        };
        if out.iter().any(|(seen, _)| *seen == grade) {
            return Err(RulePackError::DuplicateCode {
                rule: rule.id,
                code: file.grade,
            });
        }
        out.push((grade, WeightedRule { rule, weight }));
    }
    for &token in tokens {
        let present = parse(token).is_some_and(|grade| out.iter().any(|(seen, _)| *seen == grade));
        if !present {
            return Err(RulePackError::MissingGradeWeight { axis, grade: token });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
