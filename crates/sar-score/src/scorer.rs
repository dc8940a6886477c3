//! The scoring stage: `NormalizedRecord -> ScoredRecord`.
//!
//! The score is a sum of contributions, each naming its rule, in a fixed order: behaviour (the
//! heaviest code, then a capped bonus per further code), target sector (the most critical one),
//! lexicons and regex indicators (in pack order), specificity facts, source reliability, content
//! validity, corroboration, and last a `cap.max_100` or `cap.min_0` contribution when the sum
//! leaves [0, 100]. There is always at least the behaviour contribution (rule T-09).
//!
//! The text matched is the redacted narrative and the additional facts, both masked first (see
//! `mask`); the matchers see neither the unredacted narrative nor anything of a person but the
//! presence of a physical description, nor raw offsets or lengths.

use std::borrow::Cow;

use regex::bytes::{RegexSet, RegexSetBuilder};
use sar_model::{
    BehaviorGroup, Reject, RejectCode, ZonedTime,
    records::{
        Contribution, EntityKind, FlagKind, NormalizedRecord, ReviewFlag, RulePackRef, Score,
        ScoredRecord,
    },
};

use crate::{
    lexicon::{Either, WordMatcher},
    mask::Masker,
    pack::{Fact, Rule, RulePack, RulePackError},
};

/// Rule id of the contribution that brings a sum above 100 down to 100.
const CAP_MAX_ID: &str = "cap.max_100";
const CAP_MAX_DESCRIPTION: &str =
    "the score is at most 100: the sum of the rules above exceeded it";
/// Rule id of the contribution that brings a negative sum up to 0.
const CAP_MIN_ID: &str = "cap.min_0";
const CAP_MIN_DESCRIPTION: &str =
    "the score is at least 0: the sum of the rules above was negative";

/// Rule ids of the flags this stage raises on its own (not from a pack rule).
const NO_BEHAVIOR_FLAG: &str = "T-01";
const GROUP_B_FLAG: &str = "T-03";

/// What the scorer knows beyond the record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScoreContext {
    /// Reports the store has linked to this one (corroboration). 0 in the stateless CLI filters,
    /// which see one record at a time. Default 0.
    pub linked_reports: u32,
}

/// The scoring stage, with its rule pack compiled once.
#[derive(Debug, Clone)]
pub struct Scorer {
    pack: RulePack,
    masker: Masker,
    lexicon: WordMatcher,
    /// The lexicon's and the protected terms' filters together, for the fused pass.
    either: Either,
    /// Lexicon index of each lexicon pattern.
    term_owner: Vec<u32>,
    /// (lexicon index, term index in it) of each lexicon pattern.
    term_source: Vec<(u32, u32)>,
    regexes: RegexSet,
}

impl Scorer {
    /// Compiles the pack's automatons and regexes.
    pub fn new(pack: RulePack) -> Result<Self, RulePackError> {
        let masker = Masker::new().map_err(|detail| RulePackError::Automaton {
            rule: "protected-class terms".to_owned(),
            detail,
        })?;
        let mut terms: Vec<&str> = Vec::with_capacity(pack.n_lexicon_terms());
        let mut term_owner = Vec::with_capacity(pack.n_lexicon_terms());
        let mut term_source = Vec::with_capacity(pack.n_lexicon_terms());
        for (index, lexicon) in pack.lexicons.iter().enumerate() {
            let owner = u32::try_from(index).map_err(|_| RulePackError::Automaton {
                rule: lexicon.scoring.rule.id.clone(),
                detail: "too many lexicons".to_owned(),
            })?;
            for (position, term) in lexicon.terms.iter().enumerate() {
                terms.push(term);
                term_owner.push(owner);
                term_source.push((owner, u32::try_from(position).unwrap_or(u32::MAX)));
            }
        }
        let lexicon = WordMatcher::new(&terms).map_err(|detail| RulePackError::Automaton {
            rule: "lexicons".to_owned(),
            detail,
        })?;
        let either = lexicon.either(masker.matcher());
        let regexes = RegexSetBuilder::new(pack.regexes.iter().map(|regex| &regex.pattern))
            .unicode(false)
            .case_insensitive(true)
            .build()
            .map_err(|error| RulePackError::InvalidRegex {
                rule: "regex set".to_owned(),
                detail: error.to_string(),
            })?;
        Ok(Self {
            pack,
            masker,
            lexicon,
            either,
            term_owner,
            term_source,
            regexes,
        })
    }

    /// The id and version of the pack in use.
    pub fn rule_pack(&self) -> RulePackRef {
        RulePackRef {
            id: self.pack.id.clone(),
            version: self.pack.version.clone(),
        }
    }

    /// Scores one record. Fails only on a broken invariant (a contribution that is not a
    /// finite number), which a validated pack cannot produce.
    pub fn score(
        &self,
        record: NormalizedRecord,
        context: &ScoreContext,
        now: ZonedTime,
    ) -> Result<ScoredRecord, Reject> {
        let mut contributions = Vec::with_capacity(12);
        let mut flags = Vec::new();
        self.behavior(&record, &mut contributions, &mut flags);
        self.sector(&record, &mut contributions);
        self.text(&record, &mut contributions, &mut flags);
        self.specificity(&record, &mut contributions);
        self.grading(&record, &mut contributions);
        self.corroboration(context, &mut contributions);
        let value = close(&mut contributions);
        if !value.is_finite() || contributions.iter().any(|c| !c.contribution.is_finite()) {
            return Err(Reject {
                code: RejectCode::InvariantViolated,
                message: "score is not a finite number".to_owned(),
                field_errors: Vec::new(),
            });
        }
        flags.sort_by_key(|flag: &ReviewFlag| flag_order(flag.kind));
        Ok(ScoredRecord {
            normalized: record,
            score: Score {
                value,
                contributions,
                rule_pack: self.rule_pack(),
                scored_at: now,
            },
            flags,
        })
    }

    fn behavior(
        &self,
        record: &NormalizedRecord,
        out: &mut Vec<Contribution>,
        flags: &mut Vec<ReviewFlag>,
    ) {
        let codes = &record.report.behavior_codes;
        if codes.is_empty() {
            push(out, &self.pack.no_behavior, 0.0);
            flags.push(ReviewFlag {
                kind: FlagKind::NoBehaviorCode,
                rule_id: NO_BEHAVIOR_FLAG.to_owned(),
                detail: "no functional standard behavior code: not on the ise-sar path".to_owned(),
            });
            return;
        }
        // The heaviest code; on a tie, the one listed first in the pack.
        let mut heaviest = None;
        let mut distinct = 0usize;
        for (code, rule) in &self.pack.behaviors {
            if !codes.contains(code) {
                continue;
            }
            distinct += 1;
            if heaviest.is_none_or(|(_, weight)| rule.weight > weight) {
                heaviest = Some((&rule.rule, rule.weight));
            }
        }
        if let Some((rule, weight)) = heaviest {
            push(out, rule, weight);
        }
        let extra = &self.pack.additional_codes;
        let bonus = (distinct.saturating_sub(1) as f64 * extra.per_item).min(extra.cap);
        if bonus > 0.0 {
            push(out, &extra.rule, bonus);
        }
        let only_group_b = codes.iter().all(|code| code.group() == BehaviorGroup::B);
        let no_facts = record
            .report
            .additional_facts
            .as_deref()
            .is_none_or(|facts| facts.trim().is_empty());
        if only_group_b && no_facts {
            flags.push(ReviewFlag {
                kind: FlagKind::GroupBWithoutFacts,
                rule_id: GROUP_B_FLAG.to_owned(),
                detail: "only group-b behavior codes and no additional facts".to_owned(),
            });
        }
    }

    fn sector(&self, record: &NormalizedRecord, out: &mut Vec<Contribution>) {
        let sectors = &record.report.target_sectors;
        let mut heaviest: Option<(&Rule, f64)> = None;
        for (code, rule) in &self.pack.sectors {
            if sectors.contains(code) && heaviest.is_none_or(|(_, weight)| rule.weight > weight) {
                heaviest = Some((&rule.rule, rule.weight));
            }
        }
        if let Some((rule, weight)) = heaviest
            && weight != 0.0
        {
            push(out, rule, weight);
        }
    }

    /// Lexicons and regex indicators over the masked narrative and additional facts.
    fn text(
        &self,
        record: &NormalizedRecord,
        out: &mut Vec<Contribution>,
        flags: &mut Vec<ReviewFlag>,
    ) {
        // Distinct terms hit, per lexicon.
        let mut hits: Vec<usize> = Vec::new();
        let narrative = self.masked_lexicon_pass(&record.narrative_redacted, |pattern| {
            hits.push(pattern);
        });
        let facts = record.report.additional_facts.as_deref().map(|facts| {
            let mut names: Vec<&str> = Vec::new();
            for person in &record.report.persons {
                names.extend(person.name.as_deref());
                names.extend(person.aliases.iter().map(String::as_str));
            }
            self.masker.mask(facts, &names)
        });
        let texts: [&str; 2] = [&narrative, facts.as_deref().unwrap_or("")];

        self.lexicon
            .for_each(texts[1], |pattern, _, _| hits.push(pattern));
        hits.sort_unstable();
        hits.dedup();
        let mut counts = vec![0u32; self.pack.lexicons.len()];
        for pattern in hits {
            if let Some(&owner) = self.term_owner.get(pattern) {
                counts[owner as usize] += 1;
            }
        }
        for (lexicon, count) in self.pack.lexicons.iter().zip(counts) {
            let scoring = &lexicon.scoring;
            let points = (f64::from(count) * scoring.per_item).min(scoring.cap);
            if points > 0.0 {
                push(out, &scoring.rule, points);
            }
        }

        let in_narrative = self.regexes.matches(texts[0].as_bytes());
        let in_facts = (!texts[1].is_empty()).then(|| self.regexes.matches(texts[1].as_bytes()));
        let mut imminent: Vec<&str> = Vec::new();
        for (index, regex) in self.pack.regexes.iter().enumerate() {
            let matched = in_narrative.matched(index)
                || in_facts.as_ref().is_some_and(|set| set.matched(index));
            if !matched {
                continue;
            }
            if regex.scoring.weight > 0.0 {
                push(out, &regex.scoring.rule, regex.scoring.weight);
            }
            if regex.imminent {
                imminent.push(&regex.scoring.rule.id);
            }
        }
        if let Some(first) = imminent.first() {
            flags.push(ReviewFlag {
                kind: FlagKind::ImminentThreat,
                rule_id: (*first).to_owned(),
                detail: format!(
                    "explicit threat of violence with a time or target (rules {})",
                    imminent.join(", ")
                ),
            });
        }
    }

    /// Masks `text` (protected-class terms only) and reports the lexicon pattern of each
    /// whole-word match in the masked text; returns the masked text. One fused pass finds the
    /// protected terms and the lexicon matches; when nothing is masked (the common case) those
    /// matches are the answer and `text` is borrowed, otherwise only the text around the masks
    /// is scanned again.
    fn masked_lexicon_pass<'t>(
        &self,
        text: &'t str,
        mut on_pattern: impl FnMut(usize),
    ) -> Cow<'t, str> {
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        let mut protected: Vec<(usize, usize)> = Vec::new();
        self.lexicon.for_each_with(
            self.masker.matcher(),
            &self.either,
            text,
            |pattern, start, end| found.push((pattern, start, end)),
            |_, start, end| protected.push((start, end)),
        );
        if protected.is_empty() {
            found
                .into_iter()
                .for_each(|(pattern, _, _)| on_pattern(pattern));
            return Cow::Borrowed(text);
        }
        let (masked, spans) = self.masker.mask_merged(text, protected);
        self.lexicon
            .for_each_replaced(text, &found, &spans, &masked, |pattern, _, _| {
                on_pattern(pattern)
            });
        masked
    }

    /// The lexicon scan of scoring on its own: masks protected-class terms in `text`, then
    /// matches every lexicon of the pack at once (one automaton, whole words, leftmost-longest,
    /// ASCII case-insensitive), calling `on_match(rule_id, term)` for each match, left to right.
    /// Returns the number of matches. For benchmarks and rule-pack tooling; `score` uses the
    /// same pass.
    pub fn scan_lexicons(&self, text: &str, mut on_match: impl FnMut(&str, &str)) -> usize {
        let mut count = 0;
        self.masked_lexicon_pass(text, |pattern| {
            if let Some(&(owner, term)) = self.term_source.get(pattern)
                && let Some(lexicon) = self.pack.lexicons.get(owner as usize)
                && let Some(term) = lexicon.terms.get(term as usize)
            {
                count += 1;
                on_match(&lexicon.scoring.rule.id, term);
            }
        });
        count
    }

    fn specificity(&self, record: &NormalizedRecord, out: &mut Vec<Contribution>) {
        for (fact, rule) in &self.pack.specificity {
            if rule.weight != 0.0 && has_fact(record, *fact) {
                push(out, &rule.rule, rule.weight);
            }
        }
    }

    fn grading(&self, record: &NormalizedRecord, out: &mut Vec<Contribution>) {
        let grading = &record.report.grading;
        let reliability = self
            .pack
            .reliability
            .iter()
            .find(|(grade, _)| *grade == grading.source_reliability);
        if let Some((_, rule)) = reliability
            && rule.weight != 0.0
        {
            push(out, &rule.rule, rule.weight);
        }
        let validity = self
            .pack
            .validity
            .iter()
            .find(|(grade, _)| *grade == grading.content_validity);
        if let Some((_, rule)) = validity
            && rule.weight != 0.0
        {
            push(out, &rule.rule, rule.weight);
        }
    }

    fn corroboration(&self, context: &ScoreContext, out: &mut Vec<Contribution>) {
        let rule = &self.pack.corroboration;
        let points = (f64::from(context.linked_reports) * rule.per_item).min(rule.cap);
        if points > 0.0 {
            push(out, &rule.rule, points);
        }
    }
}

fn push(out: &mut Vec<Contribution>, rule: &Rule, contribution: f64) {
    out.push(Contribution {
        rule: rule.id.clone(),
        description: rule.description.clone(),
        contribution,
    });
}

/// Sums the contributions in order, adds the cap contribution when the sum leaves [0, 100], and
/// returns the value.
fn close(contributions: &mut Vec<Contribution>) -> f64 {
    let raw: f64 = contributions.iter().map(|c| c.contribution).sum();
    let (rule, description, value) = if raw > 100.0 {
        (CAP_MAX_ID, CAP_MAX_DESCRIPTION, 100.0)
    } else if raw < 0.0 {
        (CAP_MIN_ID, CAP_MIN_DESCRIPTION, 0.0)
    } else {
        return raw;
    };
    contributions.push(Contribution {
        rule: rule.to_owned(),
        description: description.to_owned(),
        contribution: value - raw,
    });
    value
}

fn flag_order(kind: FlagKind) -> u8 {
    match kind {
        FlagKind::ImminentThreat => 0,
        FlagKind::NoBehaviorCode => 1,
        FlagKind::GroupBWithoutFacts => 2,
        FlagKind::ProtectedClassLanguage => 3,
        FlagKind::ProtectedActivity => 4,
        FlagKind::PossibleDuplicate => 5,
    }
}

fn present(text: Option<&str>) -> bool {
    text.is_some_and(|text| !text.trim().is_empty())
}

fn has_fact(record: &NormalizedRecord, fact: Fact) -> bool {
    let report = &record.report;
    let mentioned = |kind: EntityKind| record.entities.iter().any(|entity| entity.kind == kind);
    match fact {
        Fact::ObservedEnd => report.observed.end.is_some(),
        Fact::Coordinates => report.location.coordinates.is_some(),
        Fact::PlaceName => present(report.location.place_name.as_deref()),
        Fact::StreetAddress => present(report.location.address.as_deref()),
        Fact::Vehicle => {
            !report.vehicles.is_empty() || !report.vessels.is_empty() || !report.aircraft.is_empty()
        }
        Fact::VehicleIdentifier => {
            report
                .vehicles
                .iter()
                .any(|v| present(v.plate.as_deref()) || present(v.vin.as_deref()))
                || report
                    .vessels
                    .iter()
                    .any(|v| present(v.registration.as_deref()))
                || report
                    .aircraft
                    .iter()
                    .any(|a| present(a.tail_number.as_deref()))
                || mentioned(EntityKind::Plate)
        }
        Fact::PersonDescribed => report.persons.iter().any(|p| p.physical.is_some()),
        Fact::PropertyItem => !report.property.is_empty(),
        Fact::Attachment => !report.attachments.is_empty(),
        Fact::TimeMentioned => mentioned(EntityKind::Time),
        Fact::PlaceMentioned => mentioned(EntityKind::Place),
    }
}

#[cfg(test)]
mod tests;
