//! The label of each generated record: which hard case it was built to exhibit.

use crate::{config::HardCaseShares, rng::Rng};

/// What a generated record was built to exhibit. A record has exactly one case, the one it was
/// drawn for; an exact duplicate of a profiling report, say, is labelled `ExactDuplicate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Case {
    /// A plausible report with a behaviour code that fits its narrative; group-B codes come with
    /// additional facts.
    Ordinary,
    /// Only First Amendment activity (protest, worship, a lecture, public photography), no
    /// criminal facts.
    ProtectedActivity,
    /// Protected-class words used as the reason for suspicion.
    ProfilingLanguage,
    /// The same `source {system, report_id}` as an earlier record.
    ExactDuplicate,
    /// A second report of an earlier record's activity: other reporter, same behaviour code,
    /// about 40 minutes later and 120 m away, reworded.
    NearDuplicate,
    /// Only group-B behaviour codes and `additional_facts` absent.
    GroupBWithoutFacts,
    /// An explicit threat with a time and place today.
    ImminentThreat,
    /// `behavior_codes` empty.
    NoBehaviorCode,
    /// Invalid: see the kind.
    Malformed(MalformedKind),
}

/// How a malformed record is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MalformedKind {
    /// A behaviour code that is not in the list (`SUSPIC`, `photo`).
    UnknownBehaviorCode,
    /// A behaviour label instead of its code (`Photography` for `PHOTO`).
    BehaviorLabel,
    /// A date that does not exist (`2026-02-30T..`), in a time or a date of birth.
    ImpossibleDate,
    /// Latitude or longitude outside its range (`lat 123.0`).
    CoordinatesOutOfRange,
    /// An empty narrative (`""`).
    EmptyNarrative,
    /// `observed.end` before `observed.start`.
    EndBeforeStart,
    /// A channel outside the eight (`fax`).
    UnknownChannel,
    /// A grade token outside both vocabularies (`Z`).
    BadGradeToken,
    /// The line is cut short.
    TruncatedJson,
    /// A required field is missing.
    MissingRequiredField,
    /// A field has the wrong JSON type (`"lawfully_obtained": "yes"`).
    WrongJsonType,
    /// A field the format does not have.
    UnknownField,
}

impl Case {
    /// The snake_case name; every malformed kind is `malformed` (see `MalformedKind::as_str`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Ordinary => "ordinary",
            Self::ProtectedActivity => "protected_activity",
            Self::ProfilingLanguage => "profiling_language",
            Self::ExactDuplicate => "exact_duplicate",
            Self::NearDuplicate => "near_duplicate",
            Self::GroupBWithoutFacts => "group_b_without_facts",
            Self::ImminentThreat => "imminent_threat",
            Self::NoBehaviorCode => "no_behavior_code",
            Self::Malformed(_) => "malformed",
        }
    }

    /// Whether the record is a valid submission (every case but `Malformed`).
    pub fn is_valid(&self) -> bool {
        !matches!(self, Self::Malformed(_))
    }
}

impl MalformedKind {
    /// Every kind.
    pub const ALL: [Self; 12] = [
        Self::UnknownBehaviorCode,
        Self::BehaviorLabel,
        Self::ImpossibleDate,
        Self::CoordinatesOutOfRange,
        Self::EmptyNarrative,
        Self::EndBeforeStart,
        Self::UnknownChannel,
        Self::BadGradeToken,
        Self::TruncatedJson,
        Self::MissingRequiredField,
        Self::WrongJsonType,
        Self::UnknownField,
    ];

    /// The snake_case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::UnknownBehaviorCode => "unknown_behavior_code",
            Self::BehaviorLabel => "behavior_label",
            Self::ImpossibleDate => "impossible_date",
            Self::CoordinatesOutOfRange => "coordinates_out_of_range",
            Self::EmptyNarrative => "empty_narrative",
            Self::EndBeforeStart => "end_before_start",
            Self::UnknownChannel => "unknown_channel",
            Self::BadGradeToken => "bad_grade_token",
            Self::TruncatedJson => "truncated_json",
            Self::MissingRequiredField => "missing_required_field",
            Self::WrongJsonType => "wrong_json_type",
            Self::UnknownField => "unknown_field",
        }
    }

    /// Whether the line still deserializes as an `IntakeRecord` (then the record is only
    /// semantically invalid and `SynthItem::record` is `Some`).
    pub fn still_parses(&self) -> bool {
        !matches!(
            self,
            Self::TruncatedJson
                | Self::MissingRequiredField
                | Self::WrongJsonType
                | Self::UnknownField
        )
    }
}

/// Draws a case with the configured shares; the remainder is `Ordinary`.
pub(crate) fn draw(rng: &mut Rng, shares: &HardCaseShares) -> Case {
    let ticket = rng.unit();
    let cases = [
        Case::ProtectedActivity,
        Case::ProfilingLanguage,
        Case::ExactDuplicate,
        Case::NearDuplicate,
        Case::GroupBWithoutFacts,
        Case::ImminentThreat,
        Case::NoBehaviorCode,
    ];
    let mut cumulative = 0.0;
    for (case, (_, share)) in cases.into_iter().zip(shares.named()) {
        cumulative += share;
        if ticket < cumulative {
            return case;
        }
    }
    cumulative += shares.malformed;
    if ticket < cumulative {
        return Case::Malformed(rng.choose(&MalformedKind::ALL));
    }
    Case::Ordinary
}
