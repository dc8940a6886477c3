//! Source reliability and content validity, graded independently, each in its own scheme.
//!
//! Two schemes are accepted: the US criminal-intelligence "4x4" words and the NATO/Admiralty
//! letters (A-F) and digits (1-6). A grade is kept in the scheme it was given in; a mapping to the
//! other scheme is stored beside it (`Grading::mapped`) and never replaces it (rule T-32).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// A grading scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GradingScheme {
    /// US criminal-intelligence 4x4 words.
    Us4x4,
    /// NATO/Admiralty 6x6 (STANAG 2511).
    Admiralty,
}

/// How reliable the source is, in the scheme it was graded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceReliability {
    /// A 4x4 word.
    Us4x4(UsReliability),
    /// An Admiralty letter.
    Admiralty(AdmiraltyReliability),
}

/// 4x4 source reliability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UsReliability {
    /// No doubt; consistent track record.
    Reliable,
    /// Minor doubts; mostly valid history.
    UsuallyReliable,
    /// History of invalid information.
    Unreliable,
    /// Not enough history to judge.
    Unknown,
}

/// Admiralty source reliability, A (completely reliable) to F (cannot be judged).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AdmiraltyReliability {
    /// Completely reliable.
    A,
    /// Usually reliable.
    B,
    /// Fairly reliable.
    C,
    /// Not usually reliable.
    D,
    /// Unreliable.
    E,
    /// Reliability cannot be judged.
    F,
}

/// How valid the content is, in the scheme it was graded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentValidity {
    /// A 4x4 word.
    Us4x4(UsValidity),
    /// An Admiralty digit.
    Admiralty(AdmiraltyCredibility),
}

/// 4x4 content validity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UsValidity {
    /// Corroborated by independent sources.
    Confirmed,
    /// Logical and consistent, not confirmed.
    Probable,
    /// Inconsistent, illogical or contradicted.
    Doubtful,
    /// No basis to evaluate.
    CannotBeJudged,
}

/// Admiralty information credibility, 1 (confirmed) to 6 (cannot be judged).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AdmiraltyCredibility {
    /// 1: confirmed by other independent sources.
    Confirmed1,
    /// 2: probably true.
    ProbablyTrue2,
    /// 3: possibly true.
    PossiblyTrue3,
    /// 4: doubtful.
    Doubtful4,
    /// 5: improbable.
    Improbable5,
    /// 6: truth cannot be judged.
    CannotBeJudged6,
}

/// Why the grade has the value it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GradeBasis {
    /// Given by the submitter.
    Submitted,
    /// Defaulted because the tip is anonymous (Unknown / Cannot be judged until corroborated).
    DefaultAnonymous,
    /// Defaulted because the submission carried no grade.
    DefaultNotProvided,
    /// Set by an analyst during vetting.
    Analyst,
}

/// A grade as assigned, plus an optional mapping for display or export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grading {
    /// Source reliability, as assigned.
    pub source_reliability: SourceReliability,
    /// Content validity, as assigned; graded independently of the source.
    pub content_validity: ContentValidity,
    /// Where the grade came from.
    pub basis: GradeBasis,
    /// The same grade expressed in another scheme; the assigned grade above stays authoritative.
    pub mapped: Option<MappedGrading>,
}

/// A grade mapped to another scheme (domain spec §5.3), with the scheme it was mapped from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedGrading {
    /// Mapped source reliability.
    pub source_reliability: SourceReliability,
    /// Mapped content validity.
    pub content_validity: ContentValidity,
    /// The scheme of the original source reliability grade.
    pub mapped_from: GradingScheme,
}

/// A grade token outside both vocabularies.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {axis} grade `{token}`: {expected}")]
pub struct InvalidGrade {
    /// `source_reliability` or `content_validity`.
    pub axis: &'static str,
    /// The text given.
    pub token: String,
    /// The accepted vocabulary.
    pub expected: &'static str,
}

const RELIABILITY_VOCABULARY: &str =
    "expected reliable, usually_reliable, unreliable, unknown (4x4) or A-F (Admiralty)";
const VALIDITY_VOCABULARY: &str =
    "expected confirmed, probable, doubtful, cannot_be_judged (4x4) or 1-6 (Admiralty)";

impl SourceReliability {
    /// Every grade of both schemes: the 4x4 words, then A to F.
    pub const ALL: [Self; 10] = [
        Self::Us4x4(UsReliability::Reliable),
        Self::Us4x4(UsReliability::UsuallyReliable),
        Self::Us4x4(UsReliability::Unreliable),
        Self::Us4x4(UsReliability::Unknown),
        Self::Admiralty(AdmiraltyReliability::A),
        Self::Admiralty(AdmiraltyReliability::B),
        Self::Admiralty(AdmiraltyReliability::C),
        Self::Admiralty(AdmiraltyReliability::D),
        Self::Admiralty(AdmiraltyReliability::E),
        Self::Admiralty(AdmiraltyReliability::F),
    ];

    /// Parses a 4x4 word or an Admiralty letter.
    pub fn parse(token: &str) -> Result<Self, InvalidGrade> {
        use AdmiraltyReliability as Adm;
        use UsReliability as Us;
        let grade = match token {
            "reliable" => Self::Us4x4(Us::Reliable),
            "usually_reliable" => Self::Us4x4(Us::UsuallyReliable),
            "unreliable" => Self::Us4x4(Us::Unreliable),
            "unknown" => Self::Us4x4(Us::Unknown),
            "A" => Self::Admiralty(Adm::A),
            "B" => Self::Admiralty(Adm::B),
            "C" => Self::Admiralty(Adm::C),
            "D" => Self::Admiralty(Adm::D),
            "E" => Self::Admiralty(Adm::E),
            "F" => Self::Admiralty(Adm::F),
            _ => {
                return Err(InvalidGrade {
                    axis: "source_reliability",
                    token: token.to_owned(),
                    expected: RELIABILITY_VOCABULARY,
                });
            }
        };
        Ok(grade)
    }

    /// The token this grade is written as.
    pub fn token(self) -> &'static str {
        use AdmiraltyReliability as Adm;
        use UsReliability as Us;
        match self {
            Self::Us4x4(Us::Reliable) => "reliable",
            Self::Us4x4(Us::UsuallyReliable) => "usually_reliable",
            Self::Us4x4(Us::Unreliable) => "unreliable",
            Self::Us4x4(Us::Unknown) => "unknown",
            Self::Admiralty(Adm::A) => "A",
            Self::Admiralty(Adm::B) => "B",
            Self::Admiralty(Adm::C) => "C",
            Self::Admiralty(Adm::D) => "D",
            Self::Admiralty(Adm::E) => "E",
            Self::Admiralty(Adm::F) => "F",
        }
    }

    /// The scheme the grade is in.
    pub fn scheme(self) -> GradingScheme {
        match self {
            Self::Us4x4(_) => GradingScheme::Us4x4,
            Self::Admiralty(_) => GradingScheme::Admiralty,
        }
    }

    /// The grade in `scheme` (domain spec §5.3; the non-downgrading column).
    pub fn mapped_to(self, scheme: GradingScheme) -> Self {
        use AdmiraltyReliability as Adm;
        use UsReliability as Us;
        match (self, scheme) {
            (Self::Us4x4(_), GradingScheme::Us4x4)
            | (Self::Admiralty(_), GradingScheme::Admiralty) => self,
            (Self::Us4x4(us), GradingScheme::Admiralty) => Self::Admiralty(match us {
                Us::Reliable => Adm::A,
                Us::UsuallyReliable => Adm::B,
                Us::Unreliable => Adm::E,
                Us::Unknown => Adm::F,
            }),
            (Self::Admiralty(adm), GradingScheme::Us4x4) => Self::Us4x4(match adm {
                Adm::A => Us::Reliable,
                Adm::B | Adm::C => Us::UsuallyReliable,
                Adm::D | Adm::E => Us::Unreliable,
                Adm::F => Us::Unknown,
            }),
        }
    }
}

impl ContentValidity {
    /// Every grade of both schemes: the 4x4 words, then 1 to 6.
    pub const ALL: [Self; 10] = [
        Self::Us4x4(UsValidity::Confirmed),
        Self::Us4x4(UsValidity::Probable),
        Self::Us4x4(UsValidity::Doubtful),
        Self::Us4x4(UsValidity::CannotBeJudged),
        Self::Admiralty(AdmiraltyCredibility::Confirmed1),
        Self::Admiralty(AdmiraltyCredibility::ProbablyTrue2),
        Self::Admiralty(AdmiraltyCredibility::PossiblyTrue3),
        Self::Admiralty(AdmiraltyCredibility::Doubtful4),
        Self::Admiralty(AdmiraltyCredibility::Improbable5),
        Self::Admiralty(AdmiraltyCredibility::CannotBeJudged6),
    ];

    /// Parses a 4x4 word or an Admiralty digit.
    pub fn parse(token: &str) -> Result<Self, InvalidGrade> {
        use AdmiraltyCredibility as Adm;
        use UsValidity as Us;
        let grade = match token {
            "confirmed" => Self::Us4x4(Us::Confirmed),
            "probable" => Self::Us4x4(Us::Probable),
            "doubtful" => Self::Us4x4(Us::Doubtful),
            "cannot_be_judged" => Self::Us4x4(Us::CannotBeJudged),
            "1" => Self::Admiralty(Adm::Confirmed1),
            "2" => Self::Admiralty(Adm::ProbablyTrue2),
            "3" => Self::Admiralty(Adm::PossiblyTrue3),
            "4" => Self::Admiralty(Adm::Doubtful4),
            "5" => Self::Admiralty(Adm::Improbable5),
            "6" => Self::Admiralty(Adm::CannotBeJudged6),
            _ => {
                return Err(InvalidGrade {
                    axis: "content_validity",
                    token: token.to_owned(),
                    expected: VALIDITY_VOCABULARY,
                });
            }
        };
        Ok(grade)
    }

    /// The token this grade is written as.
    pub fn token(self) -> &'static str {
        use AdmiraltyCredibility as Adm;
        use UsValidity as Us;
        match self {
            Self::Us4x4(Us::Confirmed) => "confirmed",
            Self::Us4x4(Us::Probable) => "probable",
            Self::Us4x4(Us::Doubtful) => "doubtful",
            Self::Us4x4(Us::CannotBeJudged) => "cannot_be_judged",
            Self::Admiralty(Adm::Confirmed1) => "1",
            Self::Admiralty(Adm::ProbablyTrue2) => "2",
            Self::Admiralty(Adm::PossiblyTrue3) => "3",
            Self::Admiralty(Adm::Doubtful4) => "4",
            Self::Admiralty(Adm::Improbable5) => "5",
            Self::Admiralty(Adm::CannotBeJudged6) => "6",
        }
    }

    /// The scheme the grade is in.
    pub fn scheme(self) -> GradingScheme {
        match self {
            Self::Us4x4(_) => GradingScheme::Us4x4,
            Self::Admiralty(_) => GradingScheme::Admiralty,
        }
    }

    /// The grade in `scheme` (domain spec §5.3; the non-downgrading column).
    pub fn mapped_to(self, scheme: GradingScheme) -> Self {
        use AdmiraltyCredibility as Adm;
        use UsValidity as Us;
        match (self, scheme) {
            (Self::Us4x4(_), GradingScheme::Us4x4)
            | (Self::Admiralty(_), GradingScheme::Admiralty) => self,
            (Self::Us4x4(us), GradingScheme::Admiralty) => Self::Admiralty(match us {
                Us::Confirmed => Adm::Confirmed1,
                Us::Probable => Adm::ProbablyTrue2,
                Us::Doubtful => Adm::Doubtful4,
                Us::CannotBeJudged => Adm::CannotBeJudged6,
            }),
            (Self::Admiralty(adm), GradingScheme::Us4x4) => Self::Us4x4(match adm {
                Adm::Confirmed1 => Us::Confirmed,
                Adm::ProbablyTrue2 | Adm::PossiblyTrue3 => Us::Probable,
                Adm::Doubtful4 | Adm::Improbable5 => Us::Doubtful,
                Adm::CannotBeJudged6 => Us::CannotBeJudged,
            }),
        }
    }
}

impl Grading {
    /// Unknown / Cannot be judged, the default for anonymous tips until corroborated.
    pub fn anonymous_default() -> Self {
        Self::unknown(GradeBasis::DefaultAnonymous)
    }

    /// Unknown / Cannot be judged, the default when a submission carries no grade.
    pub fn not_provided_default() -> Self {
        Self::unknown(GradeBasis::DefaultNotProvided)
    }

    fn unknown(basis: GradeBasis) -> Self {
        Self {
            source_reliability: SourceReliability::Us4x4(UsReliability::Unknown),
            content_validity: ContentValidity::Us4x4(UsValidity::CannotBeJudged),
            basis,
            mapped: None,
        }
    }

    /// This grade with a mapping to `scheme` stored beside it. The assigned grade is untouched.
    pub fn with_mapping_to(self, scheme: GradingScheme) -> Self {
        let mapped = MappedGrading {
            source_reliability: self.source_reliability.mapped_to(scheme),
            content_validity: self.content_validity.mapped_to(scheme),
            mapped_from: self.source_reliability.scheme(),
        };
        Self {
            mapped: Some(mapped),
            ..self
        }
    }
}

macro_rules! grade_text_impls {
    ($grade:ty) => {
        impl fmt::Display for $grade {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.token())
            }
        }
        impl Serialize for $grade {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.token())
            }
        }
        impl<'de> Deserialize<'de> for $grade {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let token = String::deserialize(deserializer)?;
                Self::parse(&token).map_err(de::Error::custom)
            }
        }
    };
}
grade_text_impls!(SourceReliability);
grade_text_impls!(ContentValidity);

#[cfg(test)]
mod tests;
