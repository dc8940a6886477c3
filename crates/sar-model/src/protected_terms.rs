//! Protected-class terms as data: words that name a religion, race, ethnicity, nationality or
//! national origin, political affiliation, language, gender or sexual orientation.
//!
//! They are never a reason for suspicion (domain spec §2.4, W6). The scorer masks them before it
//! matches anything, so swapping one for another cannot change a score (T-06, T-07); a rule pack
//! that uses one as an indicator is refused at load; the gate's linter flags them when a narrative
//! gives them as the reason (T-36). Terms are lowercase; matching is case-insensitive on word
//! boundaries. `CULTR` (a religious *site* as target sector) is a code, not a term here.

/// What kind of protected class a term names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProtectedClass {
    /// Religion or religious affiliation.
    Religion,
    /// Race or ethnicity.
    RaceEthnicity,
    /// Nationality or national origin.
    Nationality,
    /// Political affiliation.
    Political,
    /// Language spoken.
    Language,
    /// Gender, gender identity or sexual orientation.
    GenderSexuality,
}

/// One protected-class term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProtectedTerm {
    /// The term, lowercase.
    pub term: &'static str,
    /// Its class.
    pub class: ProtectedClass,
}

macro_rules! terms {
    ($class:ident: $($term:literal),+ $(,)?) => {
        [$(ProtectedTerm { term: $term, class: ProtectedClass::$class }),+]
    };
}

const RELIGION: [ProtectedTerm; 40] = terms!(Religion:
    "muslim", "muslims", "islam", "islamic", "moslem", "jewish", "jew", "jews", "judaism",
    "christian", "christians", "catholic", "catholics", "protestant", "evangelical", "mormon",
    "sikh", "sikhs", "hindu", "hindus", "buddhist", "buddhists", "atheist", "atheists",
    "orthodox jew", "hasidic", "amish", "quaker", "jehovah's witness", "scientologist", "pagan",
    "wiccan", "shia", "shiite", "sunni", "sufi", "baptist", "methodist", "pentecostal", "rastafarian",
);
const RACE_ETHNICITY: [ProtectedTerm; 31] = terms!(RaceEthnicity:
    "middle eastern", "middle-eastern", "arab", "arabs", "arabic-looking", "black", "african american",
    "african-american", "white", "caucasian", "hispanic", "latino", "latina", "latinx", "asian",
    "asian-looking", "native american", "indigenous", "pacific islander", "south asian",
    "east asian", "persian", "kurdish", "somali", "roma", "gypsy", "brown-skinned", "dark-skinned",
    "light-skinned", "ethnic", "swarthy",
);
const NATIONALITY: [ProtectedTerm; 37] = terms!(Nationality:
    "foreign", "foreigner", "foreigners", "looked foreign", "foreign-looking", "immigrant",
    "immigrants", "illegal alien", "alien", "mexican", "mexicans", "pakistani", "afghan", "iraqi",
    "iranian", "syrian", "saudi", "yemeni", "egyptian", "libyan", "palestinian", "lebanese",
    "turkish", "chinese", "russian", "korean", "vietnamese", "indian", "nigerian", "ethiopian",
    "haitian", "cuban", "venezuelan", "colombian", "salvadoran", "guatemalan", "honduran",
);
const POLITICAL: [ProtectedTerm; 14] = terms!(Political:
    "democrat", "democrats", "republican", "republicans", "liberal", "conservative", "socialist",
    "communist", "libertarian", "progressive", "anarchist", "leftist", "right-wing", "left-wing",
);
const LANGUAGE: [ProtectedTerm; 16] = terms!(Language:
    "speaking arabic", "spoke arabic", "speaking spanish", "spoke spanish", "speaking farsi",
    "speaking urdu", "speaking chinese", "speaking russian", "speaking somali", "foreign language",
    "foreign accent", "heavy accent", "accent", "arabic", "farsi", "urdu",
);
const GENDER_SEXUALITY: [ProtectedTerm; 12] = terms!(GenderSexuality:
    "gay", "lesbian", "bisexual", "transgender", "trans woman", "trans man", "queer",
    "homosexual", "nonbinary", "non-binary", "cross-dresser", "drag queen",
);

/// Every protected-class term.
pub fn protected_terms() -> impl Iterator<Item = &'static ProtectedTerm> {
    RELIGION
        .iter()
        .chain(&RACE_ETHNICITY)
        .chain(&NATIONALITY)
        .chain(&POLITICAL)
        .chain(&LANGUAGE)
        .chain(&GENDER_SEXUALITY)
}

#[cfg(test)]
mod tests;
