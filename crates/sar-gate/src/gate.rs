//! `Gate`: the automated FS / 28 CFR Part 23 gate, from a scored record to a gated one.
//!
//! Precedence (first that applies): `BlockedProtectedActivity` (T-04), `NotSar` (W14),
//! `PrivacyReview` (T-36, T-03), `Triage`. Every rule that fired is a reason, the first being
//! the one that decided the outcome. The gate holds every record as an FS SAR in the tips/leads
//! store; it has no way to say ISE-SAR or criminal intelligence (T-31).

use sar_model::{
    BehaviorGroup, GradeBasis, Reject, RejectCode, ScoredRecord, ZonedTime,
    protected_terms::protected_terms,
    records::{
        CiiPrerequisite, CiiPrerequisiteCheck, FieldError, FlagKind, GateDecision, GateOutcome,
        GateReason, GatedRecord,
    },
    report::{LegalBasis, SarReport, StoreKind},
};

use crate::{
    config::{GateConfig, GateConfigError, MAX_TIPS_LEADS_TTL_DAYS},
    lexicon::{
        Hit, Lexicon, LexiconSet, SENTENCE_TERMINATORS, next_words, sentence_around, sentences,
    },
    rules::{
        AMBIGUOUS_TERMS, CRIMINAL_PREDICATE, DESCRIPTION_MARKERS, LexiconRule, OTHER_CONDUCT,
        PERSON_NOUNS, PLACE_NOUNS, PROTECTED_ACTIVITY, REASON_WORDS,
    },
};

/// The automated gate: built once from its configuration, then applied to each record.
#[derive(Debug, Clone)]
pub struct Gate {
    config: GateConfig,
    protected_activity: RuleTable,
    criminal_predicate: RuleTable,
    other_conduct: RuleTable,
    protected_class: Lexicon,
    reason_words: Lexicon,
    description_markers: Lexicon,
    /// No protected term holds a sentence terminator: the lexicon may run over the whole text.
    protected_whole_text: bool,
    /// The three rule tables' lexicons and the protected-class one in one automaton (`None`
    /// when that cannot give the same matches; then each runs on its own).
    all: Option<LexiconSet>,
}

impl Gate {
    /// Validates `config` and compiles the lexicons.
    pub fn new(config: GateConfig) -> Result<Self, GateConfigError> {
        config.validate()?;
        let compile = |rules| RuleTable::new(rules).map_err(|_| GateConfigError::Lexicon);
        let flat = |terms| Lexicon::flat(terms).map_err(|_| GateConfigError::Lexicon);
        let protected_activity = compile(PROTECTED_ACTIVITY)?;
        let criminal_predicate = compile(CRIMINAL_PREDICATE)?;
        let other_conduct = compile(OTHER_CONDUCT)?;
        let protected_class = Lexicon::new(protected_terms().map(|term| (0, term.term)))
            .map_err(|_| GateConfigError::Lexicon)?;
        let protected_whole_text =
            protected_terms().all(|term| !term.term.contains(SENTENCE_TERMINATORS));
        let all = if protected_whole_text {
            LexiconSet::new(&set_members(
                [&protected_activity, &criminal_predicate, &other_conduct],
                &protected_class,
            ))
            .map_err(|_| GateConfigError::Lexicon)?
        } else {
            None
        };
        Ok(Self {
            protected_activity,
            criminal_predicate,
            other_conduct,
            protected_class,
            reason_words: flat(REASON_WORDS)?,
            description_markers: flat(DESCRIPTION_MARKERS)?,
            protected_whole_text,
            all,
            config,
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &GateConfig {
        &self.config
    }

    /// Decides what may happen to `record`. Fails only when the retention deadline cannot be
    /// represented (a receipt time near the end of the supported date range).
    pub fn gate(&self, record: ScoredRecord, now: ZonedTime) -> Result<GatedRecord, Reject> {
        let report = &record.normalized.report;
        let findings = self.findings(&record);
        let outcome = findings.outcome();
        let decision = GateDecision {
            outcome,
            reasons: findings.reasons(outcome),
            cii_prerequisites: cii_prerequisites(report, &findings),
            legal_basis: LegalBasis::FsSar,
            store: StoreKind::TipsLeads,
            retain_until: self.retain_until(&report.received_at)?,
            policy_version: self.config.policy_version.clone(),
            decided_at: now,
        };
        Ok(GatedRecord {
            scored: record,
            decision,
        })
    }

    fn findings(&self, record: &ScoredRecord) -> Findings {
        let report = &record.normalized.report;
        let facts = report
            .additional_facts
            .as_deref()
            .map(str::trim)
            .filter(|facts| !facts.is_empty());
        let text: std::borrow::Cow<'_, str> = match facts {
            Some(facts) => format!("{}\n{facts}", report.narrative).into(),
            None => report.narrative.as_str().into(),
        };
        let group_a: Vec<&'static str> = report
            .behavior_codes
            .iter()
            .filter(|code| code.group() == BehaviorGroup::A)
            .map(|code| code.code())
            .collect();
        let imminent = record
            .flags
            .iter()
            .any(|flag| flag.kind == FlagKind::ImminentThreat);
        let mut predicates = Vec::new();
        if !group_a.is_empty() {
            predicates.push(Fired {
                rule: "CP-GROUP-A",
                terms: group_a.clone(),
            });
        }
        if imminent {
            predicates.push(Fired {
                rule: "CP-IMMINENT",
                terms: vec!["imminent_threat flag"],
            });
        }
        let tables = [
            &self.protected_activity,
            &self.criminal_predicate,
            &self.other_conduct,
        ];
        // One pass for the three rule tables, their `requires` lists and the protected-class
        // lexicon when possible; otherwise each lexicon on its own, a `requires` list only
        // when its rule's terms match.
        let (fired, protected_hits) = match &self.all {
            Some(all) => {
                let mut hits = all
                    .hits(&set_members(tables, &self.protected_class), &text)
                    .into_iter();
                let mut main = hits
                    .by_ref()
                    .take(tables.len())
                    .collect::<Vec<_>>()
                    .into_iter();
                let protected = hits.next().unwrap_or_default();
                let fired = tables.map(|table| {
                    let table_hits = main.next().unwrap_or_default();
                    // The `requires` hits come next in the set, in table and rule order.
                    let mut required: Vec<Option<Vec<Hit>>> = table
                        .requires
                        .iter()
                        .map(|lexicon| lexicon.as_ref().map(|_| hits.next().unwrap_or_default()))
                        .collect();
                    table.fired(table_hits, |index, _| {
                        required
                            .get_mut(index)
                            .and_then(Option::take)
                            .unwrap_or_default()
                    })
                });
                (fired, Some(protected))
            }
            None => (
                tables.map(|table| {
                    table.fired(table.terms.hits(&text), |_, required| required.hits(&text))
                }),
                None,
            ),
        };
        let [protected_activity, predicate_rules, other_conduct] = fired;
        predicates.extend(predicate_rules);
        let protected_class =
            self.protected_class_reasons(&text, protected_hits, !predicates.is_empty());
        Findings {
            protected_activity,
            other_conduct,
            predicates,
            protected_class,
            no_code: report.behavior_codes.is_empty(),
            group_a: !group_a.is_empty(),
            group_b_only: report
                .behavior_codes
                .iter()
                .map(|code| code.code())
                .filter(|_| group_a.is_empty())
                .collect(),
            has_facts: facts.is_some(),
            imminent,
            duplicate: record
                .flags
                .iter()
                .any(|flag| flag.kind == FlagKind::PossibleDuplicate),
        }
    }

    /// The T-36 linter: protected-class terms used as a reason (see `rules.rs`).
    ///
    /// The protected-class lexicon is matched once over the whole text: no protected term holds
    /// a sentence terminator (checked at `Gate::new`), so no match crosses a sentence, and the
    /// text around a sentence's edges is a terminator or nothing, so the whole-word and plural
    /// checks decide the same as within the sentence. Sentences are only split when there is a
    /// hit.
    ///
    /// `whole_text_hits`: the protected-class hits over the whole text, when the caller has them.
    fn protected_class_reasons(
        &self,
        text: &str,
        whole_text_hits: Option<Vec<Hit>>,
        has_predicate: bool,
    ) -> Vec<Fired> {
        let mut reason = Fired {
            rule: "T-36-REASON",
            terms: Vec::new(),
        };
        let mut profile = Fired {
            rule: "T-36-PROFILE",
            terms: Vec::new(),
        };
        // The sentences with a hit, in order, each with its hits (sentence offsets).
        let with_hits: Vec<(usize, usize, Vec<Hit>)> = if self.protected_whole_text {
            let hits = whole_text_hits.unwrap_or_else(|| self.protected_class.hits(text));
            // Hits are in text order and hold no terminator: each hit's sentence is the one
            // around its start, and the hits after it up to that sentence's end are in it.
            let mut out: Vec<(usize, usize, Vec<Hit>)> = Vec::new();
            for hit in hits {
                if out.last().is_none_or(|&(_, end, _)| hit.start >= end) {
                    let (start, end) = sentence_around(text, hit.start);
                    out.push((start, end, Vec::new()));
                }
                if let Some((start, _, in_sentence)) = out.last_mut() {
                    in_sentence.push(Hit {
                        start: hit.start - *start,
                        end: hit.end - *start,
                        ..hit
                    });
                }
            }
            out
        } else {
            sentences(text)
                .into_iter()
                .map(|(start, end)| (start, end, self.protected_class.hits(&text[start..end])))
                .filter(|(_, _, hits)| !hits.is_empty())
                .collect()
        };
        for (start, end, hits) in with_hits {
            let sentence = &text[start..end];
            let gives_reason = self.reason_words.matches(sentence);
            let describes = self.description_markers.matches(sentence);
            for hit in hits {
                let characterizes_person = next_words(sentence, hit.end, 3)
                    .iter()
                    .any(|word| is_person_noun(word));
                let names_place = next_words(sentence, hit.end, 2)
                    .iter()
                    .any(|word| PLACE_NOUNS.contains(&word.as_str()));
                if names_place || (AMBIGUOUS_TERMS.contains(&hit.term) && !characterizes_person) {
                    continue;
                }
                if gives_reason {
                    push_unique(&mut reason.terms, hit.term);
                } else if characterizes_person && !describes && !has_predicate {
                    push_unique(&mut profile.terms, hit.term);
                }
            }
        }
        [reason, profile]
            .into_iter()
            .filter(|fired| !fired.terms.is_empty())
            .collect()
    }

    fn retain_until(&self, received_at: &ZonedTime) -> Result<ZonedTime, Reject> {
        let received = received_at.original();
        let days = self.config.tips_leads_ttl_days.min(MAX_TIPS_LEADS_TTL_DAYS);
        let by_ttl = received.checked_add(time::Duration::days(i64::from(days)));
        // Five calendar years; 29 February becomes 28 February.
        let anchor = if received.month() == time::Month::February && received.day() == 29 {
            received.replace_day(28).ok()
        } else {
            Some(received)
        };
        let five_years = anchor.and_then(|anchor| anchor.replace_year(received.year() + 5).ok());
        match (by_ttl, five_years) {
            (Some(by_ttl), Some(five_years)) => {
                Ok(ZonedTime::from_offset_date_time(by_ttl.min(five_years)))
            }
            _ => Err(Reject {
                code: RejectCode::InvariantViolated,
                message: "retention deadline out of range".to_owned(),
                field_errors: vec![FieldError {
                    path: "normalized.report.received_at".to_owned(),
                    problem: "too late to add the retention period".to_owned(),
                }],
            }),
        }
    }
}

/// The lexicons of the one-pass set, in order: the terms of each table, the protected-class
/// lexicon, then each table's `requires` lists in table and rule order.
fn set_members<'a>(tables: [&'a RuleTable; 3], protected_class: &'a Lexicon) -> Vec<&'a Lexicon> {
    let mut members: Vec<&Lexicon> = tables.iter().map(|table| &table.terms).collect();
    members.push(protected_class);
    for table in tables {
        members.extend(table.requires.iter().flatten());
    }
    members
}

fn is_person_noun(word: &str) -> bool {
    PERSON_NOUNS.contains(&word)
        || word
            .strip_suffix('s')
            .is_some_and(|w| PERSON_NOUNS.contains(&w))
}

fn push_unique(terms: &mut Vec<&'static str>, term: &'static str) {
    if !terms.contains(&term) {
        terms.push(term);
    }
}

/// A lexicon rule table compiled into one automaton (group = rule index) plus the `requires`
/// lists.
#[derive(Debug, Clone)]
struct RuleTable {
    rules: &'static [LexiconRule],
    terms: Lexicon,
    requires: Vec<Option<Lexicon>>,
}

impl RuleTable {
    fn new(rules: &'static [LexiconRule]) -> Result<Self, aho_corasick::BuildError> {
        let terms = Lexicon::new(
            rules
                .iter()
                .enumerate()
                .flat_map(|(index, rule)| rule.terms.iter().map(move |term| (index, *term))),
        )?;
        let mut requires = Vec::with_capacity(rules.len());
        for rule in rules {
            requires.push(if rule.requires.is_empty() {
                None
            } else {
                Some(Lexicon::flat(rule.requires)?)
            });
        }
        Ok(Self {
            rules,
            terms,
            requires,
        })
    }

    /// The rules that fire, in table order, with the terms that matched, where `hits` are the
    /// hits of `self.terms` and `required(index, lexicon)` the hits of rule `index`'s
    /// `requires` list (asked only when the rule's terms match).
    fn fired(
        &self,
        hits: Vec<Hit>,
        mut required: impl FnMut(usize, &Lexicon) -> Vec<Hit>,
    ) -> Vec<Fired> {
        let mut out = Vec::new();
        for (index, rule) in self.rules.iter().enumerate() {
            let mut terms = Vec::new();
            for hit in hits.iter().filter(|hit| hit.group == index) {
                push_unique(&mut terms, hit.term);
            }
            if terms.is_empty() {
                continue;
            }
            if let Some(Some(lexicon)) = self.requires.get(index) {
                let required_hits = required(index, lexicon);
                if required_hits.is_empty() {
                    continue;
                }
                for hit in required_hits {
                    push_unique(&mut terms, hit.term);
                }
            }
            out.push(Fired {
                rule: rule.id,
                terms,
            });
        }
        out
    }
}

/// A rule that fired and the lexicon terms (or codes) behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fired {
    rule: &'static str,
    terms: Vec<&'static str>,
}

fn describe(fired: &[Fired]) -> String {
    fired
        .iter()
        .map(|fired| format!("{} ({})", fired.rule, fired.terms.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// What the rules found in one record.
#[derive(Debug)]
struct Findings {
    protected_activity: Vec<Fired>,
    other_conduct: Vec<Fired>,
    predicates: Vec<Fired>,
    protected_class: Vec<Fired>,
    no_code: bool,
    group_a: bool,
    /// The codes, when every one is group B (empty otherwise).
    group_b_only: Vec<&'static str>,
    has_facts: bool,
    imminent: bool,
    duplicate: bool,
}

impl Findings {
    fn blocked(&self) -> bool {
        !self.protected_activity.is_empty()
            && self.predicates.is_empty()
            && self.other_conduct.is_empty()
    }

    fn group_b_without_facts(&self) -> bool {
        !self.group_b_only.is_empty() && !self.has_facts
    }

    fn outcome(&self) -> GateOutcome {
        if self.blocked() {
            GateOutcome::BlockedProtectedActivity
        } else if self.no_code {
            GateOutcome::NotSar
        } else if !self.protected_class.is_empty() || self.group_b_without_facts() {
            GateOutcome::PrivacyReview
        } else {
            GateOutcome::Triage
        }
    }

    /// Every rule that fired; the first decided `outcome`.
    fn reasons(&self, outcome: GateOutcome) -> Vec<GateReason> {
        let reason = |code: &str, rule: &str, message: String| GateReason {
            code: code.to_owned(),
            rule: rule.to_owned(),
            message,
        };
        let mut primary = Vec::new();
        let mut secondary = Vec::new();
        if self.blocked() {
            primary.push(reason(
                "protected_activity_only",
                "28 CFR 23.20(b)",
                format!(
                    "T-04: the only factual basis is protected activity: {}; no criminal-predicate \
                     or other-conduct rule fired",
                    describe(&self.protected_activity)
                ),
            ));
        } else if !self.protected_activity.is_empty() {
            let mut beyond = self.predicates.clone();
            beyond.extend(self.other_conduct.iter().cloned());
            secondary.push(reason(
                "protected_activity_with_other_basis",
                "T-04",
                format!(
                    "protected activity ({}) is not the only basis: {}",
                    describe(&self.protected_activity),
                    describe(&beyond)
                ),
            ));
        }
        if self.no_code {
            let target = if outcome == GateOutcome::NotSar {
                &mut primary
            } else {
                &mut secondary
            };
            target.push(reason(
                "no_behavior_code",
                "W14",
                "no Functional Standard behaviour code (T-01): ordinary crime-tip handling, not \
                 the SAR path"
                    .to_owned(),
            ));
        }
        let privacy = if outcome == GateOutcome::PrivacyReview {
            &mut primary
        } else {
            &mut secondary
        };
        if !self.protected_class.is_empty() {
            privacy.push(reason(
                "protected_class_language",
                "T-36",
                format!(
                    "protected-class terms used as the reason for suspicion: {}",
                    describe(&self.protected_class)
                ),
            ));
        }
        if self.group_b_without_facts() {
            privacy.push(reason(
                "group_b_without_facts",
                "T-03",
                format!(
                    "only group B behaviour codes ({}) and no additional facts",
                    self.group_b_only.join(", ")
                ),
            ));
        }
        if !self.no_code && !self.group_b_without_facts() {
            let target = if outcome == GateOutcome::Triage {
                &mut primary
            } else {
                &mut secondary
            };
            if self.group_a {
                target.push(reason(
                    "group_a_behavior",
                    "T-01",
                    "has a group A behaviour code: eligible for Step-1 review".to_owned(),
                ));
            } else {
                target.push(reason(
                    "group_b_with_facts",
                    "T-03",
                    "group B behaviour with additional facts: eligible for Step-1 review"
                        .to_owned(),
                ));
            }
        }
        if self.imminent {
            secondary.push(reason(
                "imminent_threat",
                "T-13",
                "the scorer flagged an imminent threat to life: live desk".to_owned(),
            ));
        }
        if self.duplicate {
            secondary.push(reason(
                "possible_duplicate",
                "T-27",
                "linked to a possible duplicate for the analyst; never merged".to_owned(),
            ));
        }
        primary.extend(secondary);
        primary
    }
}

fn grade_basis_name(basis: GradeBasis) -> &'static str {
    match basis {
        GradeBasis::Submitted => "submitted",
        GradeBasis::DefaultAnonymous => "default_anonymous",
        GradeBasis::DefaultNotProvided => "default_not_provided",
        GradeBasis::Analyst => "analyst",
    }
}

/// The six 28 CFR Part 23 prerequisites, each present or missing. Informational: the gate never
/// promotes; an analyst proposing the report as CII sees what is still missing.
fn cii_prerequisites(report: &SarReport, findings: &Findings) -> Vec<CiiPrerequisiteCheck> {
    let check = |prerequisite, present, detail: String| CiiPrerequisiteCheck {
        prerequisite,
        present,
        detail,
    };
    let labels = &report.labels;
    let basis = report.grading.basis;
    let confidence = !matches!(
        basis,
        GradeBasis::DefaultAnonymous | GradeBasis::DefaultNotProvided
    );
    let control_official = labels
        .control_official
        .as_deref()
        .is_some_and(|official| !official.trim().is_empty());
    let lawful = report.lawful_source.lawfully_obtained && !report.lawful_source.quarantined;
    vec![
        check(
            CiiPrerequisite::ReasonableSuspicionSignal,
            !findings.predicates.is_empty(),
            if findings.predicates.is_empty() {
                "no criminal-predicate signal".to_owned()
            } else {
                format!(
                    "criminal-predicate signals: {}",
                    describe(&findings.predicates)
                )
            },
        ),
        check(
            CiiPrerequisite::SensitivityLabel,
            true,
            format!("sensitivity {}", labels.sensitivity.as_str()),
        ),
        check(
            CiiPrerequisite::ConfidenceLabel,
            confidence,
            format!(
                "grading basis {}{}",
                grade_basis_name(basis),
                if confidence {
                    ""
                } else {
                    " (a default, not a grade)"
                }
            ),
        ),
        check(
            CiiPrerequisite::SubmittingAgencyLabel,
            !labels.submitting_agency.trim().is_empty(),
            if labels.submitting_agency.trim().is_empty() {
                "submitting agency missing".to_owned()
            } else {
                "submitting agency set".to_owned()
            },
        ),
        check(
            CiiPrerequisite::ControlOfficialLabel,
            control_official,
            if control_official {
                "control official set".to_owned()
            } else {
                "control official not yet assigned (set at vetting)".to_owned()
            },
        ),
        check(
            CiiPrerequisite::LawfulSourceAttestation,
            lawful,
            match (
                report.lawful_source.lawfully_obtained,
                report.lawful_source.quarantined,
            ) {
                (_, true) => "quarantined as unlawfully obtained".to_owned(),
                (true, false) => "submitter attests lawful collection".to_owned(),
                (false, false) => "no lawful-source attestation".to_owned(),
            },
        ),
    ]
}

#[cfg(test)]
mod tests;
