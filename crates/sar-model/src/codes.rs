//! The NIEM PM-ISE SAR code lists (`sar.xsd`) as data: behaviour codes, target sectors, tip classes
//! and tip domains.
//!
//! A code is a key into a table, never a label: `Code::<Behavior>::parse("INTRSN")` succeeds,
//! `"Breach/Attempted Intrusion"` is an unknown code. Labels are for display only (the NIEM
//! documentation string itself misspells one of them). The tables are plain data so that a later
//! Functional Standard revision is a new table, not a new enum.

use std::{fmt, hash::Hash, marker::PhantomData};

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// One list of codes: its name and its rows.
pub trait CodeList: 'static {
    /// Short name of the list, as used in error messages and in `sarflow codes`.
    const LIST_NAME: &'static str;
    /// The rows, in the order NIEM lists them.
    const ENTRIES: &'static [CodeEntry];
}

/// One row of a code list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeEntry {
    /// The NIEM code, the only key.
    pub code: &'static str,
    /// Human label, for display.
    pub name: &'static str,
    /// Functional Standard group, set only in the behaviour list.
    pub group: Option<BehaviorGroup>,
}

/// The two behaviour groups of the ISE-SAR Functional Standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum BehaviorGroup {
    /// Defined criminal activity and potential terrorism nexus activity.
    A,
    /// Potential criminal or non-criminal activity requiring additional information during vetting.
    B,
}

/// A validated code from list `K`. Stored as an index into `K::ENTRIES`; serialized as the code.
pub struct Code<K: CodeList> {
    index: u8,
    list: PhantomData<K>,
}

/// A code that is not in its list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {list} code `{code}`")]
pub struct UnknownCode {
    /// Which list was searched.
    pub list: &'static str,
    /// The text that was not found (codes are short, public vocabulary, never PII).
    pub code: String,
}

/// Marker for the 16 suspicious-activity (behaviour) codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Behavior {}
/// Marker for the 34 target-sector codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TargetSector {}
/// Marker for the 18 tip-class codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TipClass {}
/// Marker for the 8 tip-domain codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TipDomain {}

/// A Functional Standard behaviour code (`INTRSN`, `PHOTO`, ...).
pub type BehaviorCode = Code<Behavior>;
/// A target-sector code (`WATR`, `CULTR`, ...).
pub type TargetSectorCode = Code<TargetSector>;
/// A tip-class code (`EXPL`, `HATE`, ...).
pub type TipClassCode = Code<TipClass>;
/// A tip-domain code (`A` to `H`).
pub type TipDomainCode = Code<TipDomain>;

impl<K: CodeList> Code<K> {
    /// Looks `code` up in the list; exact, case-sensitive match on the code, never on the label.
    pub fn parse(code: &str) -> Result<Self, UnknownCode> {
        K::ENTRIES
            .iter()
            .position(|entry| entry.code == code)
            .map(|position| Self::from_index(position))
            .ok_or_else(|| UnknownCode {
                list: K::LIST_NAME,
                code: code.to_owned(),
            })
    }

    /// Every code of the list, in list order.
    pub fn all() -> impl Iterator<Item = Self> {
        (0..K::ENTRIES.len()).map(Self::from_index)
    }

    /// The NIEM code.
    pub fn code(self) -> &'static str {
        self.entry().code
    }

    /// The display label.
    pub fn name(self) -> &'static str {
        self.entry().name
    }

    /// The full table row.
    pub fn entry(self) -> &'static CodeEntry {
        &K::ENTRIES[usize::from(self.index)]
    }

    fn from_index(position: usize) -> Self {
        debug_assert!(position < K::ENTRIES.len() && position <= usize::from(u8::MAX));
        Self {
            index: position as u8,
            list: PhantomData,
        }
    }
}

impl Code<Behavior> {
    /// The Functional Standard group (A or B) of this behaviour.
    pub fn group(self) -> BehaviorGroup {
        // Every behaviour row carries a group; the table test checks it.
        self.entry().group.unwrap_or(BehaviorGroup::B)
    }
}

impl<K: CodeList> Clone for Code<K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K: CodeList> Copy for Code<K> {}
impl<K: CodeList> PartialEq for Code<K> {
    fn eq(&self, other: &Self) -> bool {
        self.index == other.index
    }
}
impl<K: CodeList> Eq for Code<K> {}
impl<K: CodeList> Hash for Code<K> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.index.hash(state);
    }
}
impl<K: CodeList> PartialOrd for Code<K> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<K: CodeList> Ord for Code<K> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.code().cmp(other.code())
    }
}
impl<K: CodeList> fmt::Debug for Code<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
impl<K: CodeList> fmt::Display for Code<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
impl<K: CodeList> Serialize for Code<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}
impl<'de, K: CodeList> Deserialize<'de> for Code<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(de::Error::custom)
    }
}

const fn row(code: &'static str, name: &'static str) -> CodeEntry {
    CodeEntry {
        code,
        name,
        group: None,
    }
}

const fn behavior(code: &'static str, name: &'static str, group: BehaviorGroup) -> CodeEntry {
    CodeEntry {
        code,
        name,
        group: Some(group),
    }
}

impl CodeList for Behavior {
    const LIST_NAME: &'static str = "behavior";
    // FS 1.5.5 names; NIEM `SuspiciousActivityCodeSimpleType` codes (v1.5 list, 16 values).
    const ENTRIES: &'static [CodeEntry] = &[
        behavior("INTRSN", "Breach/Attempted Intrusion", BehaviorGroup::A),
        behavior("MISREP", "Misrepresentation", BehaviorGroup::A),
        behavior("THEFT", "Theft/Loss/Diversion", BehaviorGroup::A),
        behavior("SABOT", "Sabotage/Tampering/Vandalism", BehaviorGroup::A),
        behavior("CYBER", "Cyberattack", BehaviorGroup::A),
        behavior("THREAT", "Expressed or Implied Threat", BehaviorGroup::A),
        behavior("AVIATION", "Aviation Activity", BehaviorGroup::A),
        behavior("ELICIT", "Eliciting Information", BehaviorGroup::B),
        behavior(
            "TESTSEC",
            "Testing or Probing of Security",
            BehaviorGroup::B,
        ),
        behavior("RECRUT", "Recruiting/Financing", BehaviorGroup::B),
        behavior("PHOTO", "Photography", BehaviorGroup::B),
        behavior("SURVL", "Observation/Surveillance", BehaviorGroup::B),
        behavior("MATRLS", "Materials Acquisition/Storage", BehaviorGroup::B),
        behavior("EXPERT", "Acquisition of Expertise", BehaviorGroup::B),
        behavior("WPNS", "Weapons Collection/Discovery", BehaviorGroup::B),
        behavior("SECTOR", "Sector-Specific Incident", BehaviorGroup::B),
    ];
}

impl CodeList for TargetSector {
    const LIST_NAME: &'static str = "target_sector";
    // NIEM `TargetSectorCodeSimpleType`, 34 values.
    const ENTRIES: &'static [CodeEntry] = &[
        row("AGRI", "Food, Agriculture, Livestock"),
        row("CHEM", "Chemical"),
        row("COMM", "Commercial Assets"),
        row("CORR", "Correctional Location"),
        row("CSTL", "Coastal Facilities"),
        row("CULTR", "Cultural/Religious/Ethnical"),
        row("DAMS", "Dams"),
        row("DFNSE", "Defense Industrial Base"),
        row("EDU", "Education"),
        row("EMRG", "Emergency Services"),
        row("ENRG", "Energy, Utilities"),
        row("ENTMT", "Entertainment Venue"),
        row("FIN", "Banking, Finance"),
        row("GVTBLDG", "Government Facilities"),
        row("HAZMAT", "Hazardous Materials"),
        row("HLTH", "Healthcare, Public Health"),
        row("IT", "Information Technology"),
        row("LIVSTK", "Livestock"),
        row("MAIL", "Postal, Shipping"),
        row("MASS", "Mass Gathering Location"),
        row("MFG", "Manufacturing"),
        row("MNMT", "National Monument, Icon"),
        row("NATRL", "Natural Threats"),
        row("NCLR", "Nuclear Facilities"),
        row("OTHR", "Other"),
        row("POP", "Population"),
        row("PRSN", "Person"),
        row("RETL", "Retail"),
        row("SPCFXN", "Special Function"),
        row("TACTCP", "Tactical Command Post"),
        row("TELCM", "Telecommunications"),
        row("TRANS", "Transportation"),
        row("UTL", "Utilities"),
        row("WATR", "Water"),
    ];
}

impl CodeList for TipClass {
    const LIST_NAME: &'static str = "tip_class";
    // NIEM `TipClassCodeSimpleType`, 18 values.
    const ENTRIES: &'static [CodeEntry] = &[
        row("BIO", "Biological"),
        row("CHEM", "Chemical"),
        row("CNTFTG", "Counterfeiting"),
        row("CTMN", "Contamination"),
        row("CYBER", "Cyberstalking"),
        row("EXPL", "Explosives"),
        row("FRAUD", "Fraud"),
        row("FUND", "Terrorism Funding"),
        row("HATE", "Hate Crime"),
        row("INCEND", "Incendiary"),
        row("INFRA", "Critical Infrastructure"),
        row("LAUND", "Money Laundering"),
        row("NCLR", "Nuclear/Radiological"),
        row("SPCSA", "Suspicious Activity"),
        row("SPCSP", "Suspicious Person"),
        row("SPCSSBST", "Suspicious Substance"),
        row("THRTPUB", "Threat Against Public Figure"),
        row("VRUS", "Virus/Worm"),
    ];
}

impl CodeList for TipDomain {
    const LIST_NAME: &'static str = "tip_domain";
    // NIEM `TipDomainCodeSimpleType`, 8 values.
    const ENTRIES: &'static [CodeEntry] = &[
        row("A", "Criminal Incident"),
        row("B", "Critical Infrastructure"),
        row("C", "Cyber Crime"),
        row("D", "Financial Incident"),
        row("E", "Intelligence"),
        row("F", "Security Issue"),
        row("G", "Suspicious Incident"),
        row("H", "Threats/Crimes Against Persons"),
    ];
}

#[cfg(test)]
mod tests;
