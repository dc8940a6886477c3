//! The gate's documented rule set, as data: lexicons with ids and descriptions.
//!
//! Every lexicon is matched with aho-corasick (leftmost-longest, ASCII case-insensitive) on whole
//! words; a trailing plural `s` after a term still counts as the term (`protesters`, `somalis`).
//! Matching runs over the narrative and the additional facts together. Reasons and CII details
//! name the rule ids below and the lexicon terms that matched, never the narrative itself.
//!
//! How the rules combine (see `gate.rs`):
//!
//! - **Protected activity (T-04, 28 CFR 23.20(b))**: a record is blocked when at least one
//!   `PROTECTED_ACTIVITY` rule fires and no criminal-predicate signal and no `OTHER_CONDUCT` rule
//!   fires. A rule with `requires` fires only when a term of each list matches: photography alone
//!   is not protected-activity evidence (a photo of a refinery from a public road is group-B
//!   behaviour that needs facts, S3, T-03); photography with a stated expressive, journalistic or
//!   tourist purpose is (lawful public photography "with nothing else").
//! - **Criminal predicate**: any group-A behaviour code (`CP-GROUP-A`; group-B codes such as
//!   `PHOTO` are never a predicate by themselves), the scorer's imminent-threat flag
//!   (`CP-IMMINENT`), or a `CRIMINAL_PREDICATE` lexicon rule in the narrative or the additional
//!   facts. These are also the reasonable-suspicion signals of the CII prerequisites.
//! - **Other conduct**: behaviour beyond protected activity that is not itself criminal
//!   (measuring, sketching, questions about security). It keeps a record out of the block (the
//!   activity is not the *only* basis) without counting as reasonable suspicion.
//! - **Protected-class language (T-36)**: a term of `sar_model::protected_terms` counts when it is
//!   used as a reason: (a) `T-36-REASON`, the term is in a sentence that also has a
//!   `REASON_WORDS` term (`suspicious`, `because`, `looked`, ...); or (b) `T-36-PROFILE`, the term
//!   characterizes a person (a `PERSON_NOUNS` word follows within three words) in a sentence with
//!   no `DESCRIPTION_MARKERS` term while the report has no criminal-predicate signal: with nothing
//!   criminal reported, naming the subject by a protected class is the basis of suspicion (S2),
//!   whereas "described as a white male in his 30s" is a suspect description and is not flagged.
//!   `AMBIGUOUS_TERMS` (colour words) count only when they characterize a person, so "a white
//!   van" is never a protected-class term; a term followed by a `PLACE_NOUNS` word within two
//!   words names a place or an organisation ("the Islamic Center") and never counts.

/// A lexicon rule: fires when one of `terms` matches (and, if `requires` is set, one of those
/// terms matches too).
#[derive(Debug, Clone, Copy)]
pub(crate) struct LexiconRule {
    /// Stable id, cited in reasons.
    pub(crate) id: &'static str,
    /// What the rule detects.
    pub(crate) description: &'static str,
    /// Terms, lowercase.
    pub(crate) terms: &'static [&'static str],
    /// A second list that must also match for the rule to fire.
    pub(crate) requires: &'static [&'static str],
}

const fn rule(
    id: &'static str,
    description: &'static str,
    terms: &'static [&'static str],
) -> LexiconRule {
    LexiconRule {
        id,
        description,
        terms,
        requires: &[],
    }
}

/// Protected First Amendment activity (28 CFR 23.20(b); domain spec §2.5).
pub(crate) const PROTECTED_ACTIVITY: &[LexiconRule] = &[
    rule(
        "PA-PROTEST",
        "protest, demonstration, rally, march, vigil, picket or petition",
        &[
            "protest",
            "protester",
            "protestor",
            "protesting",
            "demonstration",
            "demonstrator",
            "rally",
            "rallies",
            "a march",
            "the march",
            "protest march",
            "marched",
            "marcher",
            "vigil",
            "picket",
            "picketing",
            "petition",
            "leaflet",
            "sit-in",
            "boycott",
        ],
    ),
    rule(
        "PA-WORSHIP",
        "worship, prayer, religious service or sermon (at a mosque, church, synagogue, temple)",
        &[
            "worship",
            "worshipper",
            "worshiper",
            "prayer",
            "prayers",
            "praying",
            "religious service",
            "holiday service",
            "church service",
            "sermon",
            "mass was held",
            "congregation",
            "youth retreat",
            "bible study",
            "religious pamphlet",
        ],
    ),
    rule(
        "PA-SPEECH",
        "religious or political speech: a lecture, a speech, preaching, public criticism of policy",
        &[
            "lecture",
            "guest speaker",
            "speech",
            "speeches",
            "preached",
            "preaching",
            "preacher",
            "criticized",
            "criticizing",
            "criticising",
            "called for a ceasefire",
            "contact their representatives",
            "calling their representatives",
        ],
    ),
    rule(
        "PA-ASSOCIATION",
        "association or meeting: a community, student or political group gathering",
        &[
            "student association",
            "association",
            "held a meeting",
            "community meeting",
            "public meeting",
            "town hall",
            "organizers",
            "organisers",
            "coalition",
            "signed up to volunteer",
        ],
    ),
    LexiconRule {
        id: "PA-PHOTO",
        description: "lawful public photography or filming with a stated expressive, journalistic \
                      or tourist purpose",
        terms: &[
            "photographing",
            "photographed",
            "photograph",
            "photographs",
            "photo",
            "photos",
            "pictures",
            "filming",
            "filmed",
            "video",
            "videos",
        ],
        requires: &[
            "hobby",
            "hobbyist",
            "tourist",
            "tourists",
            "sightseeing",
            "architecture",
            "photos of each other",
            "family of",
            "police encounters",
            "filmed officers",
            "journalist",
            "news crew",
            "art project",
            "photography class",
        ],
    },
];

/// Criminal-predicate signals in the text (reasonable-suspicion signals, 28 CFR 23.20(a), (c)).
pub(crate) const CRIMINAL_PREDICATE: &[LexiconRule] = &[
    rule(
        "CP-WEAPON",
        "weapons or explosives",
        &[
            "gun",
            "handgun",
            "pistol",
            "rifle",
            "shotgun",
            "firearm",
            "weapon",
            "ammunition",
            "ammo",
            "machete",
            "bomb",
            "pipe bomb",
            "explosive",
            "detonator",
            "ied",
            "grenade",
            "blasting cap",
        ],
    ),
    rule(
        "CP-THREAT",
        "threat of violence",
        &[
            "threat",
            "threaten",
            "threatened",
            "threatening",
            "kill",
            "kill everybody",
            "will shoot",
            "going to shoot",
            "start shooting",
            "shoot up",
            "open fire",
            "blow up",
            "murder",
            "stab",
        ],
    ),
    rule(
        "CP-PROPERTY",
        "trespass, forced entry, theft or damage",
        &[
            "trespass",
            "trespassing",
            "trespassed",
            "forced entry",
            "forced",
            "broke in",
            "broke into",
            "break in",
            "breaking into",
            "cut the fence",
            "cut the perimeter fence",
            "cut through",
            "bolt cutter",
            "bolt cutters",
            "bolt-cutter",
            "pried",
            "stole",
            "stolen",
            "steal",
            "stealing",
            "theft",
            "burglary",
            "vandalism",
            "vandalized",
            "damaged",
            "damage",
            "graffiti",
            "arson",
            "set fire",
            "tampering",
            "tampered",
            "sabotage",
            "sabotaged",
            "shoplifting",
            "counterfeit",
            "selling drugs",
        ],
    ),
];

/// Conduct beyond protected activity that is not itself criminal.
pub(crate) const OTHER_CONDUCT: &[LexiconRule] = &[rule(
    "OC-SECURITY-INTEREST",
    "interest in security: measuring, sketching, notes, questions about security or shifts",
    &[
        "measuring",
        "measured",
        "tape measure",
        "sketching",
        "sketched",
        "diagram",
        "binoculars",
        "took notes",
        "taking notes",
        "shift change",
        "shift-change",
        "security procedures",
        "card reader",
        "restricted area",
        "tried the door",
        "asked about security",
        "guard schedule",
        "number of guards",
        "guard rotation",
        "guards made their rounds",
        "provides security",
        "access-control",
        "access control",
        "floor plans",
        "which entrance",
        "gate codes",
        "access codes",
        "detailed questions",
        "stopwatch",
        "paced out",
        "counting steps",
        "press credential",
        "deliveries",
        "motorcade route",
    ],
)];

/// Words that make a sentence give a reason for suspicion (`T-36-REASON`).
pub(crate) const REASON_WORDS: &[&str] = &[
    "suspicious",
    "suspiciously",
    "suspicion",
    "because",
    "reason",
    "nervous",
    "looked",
    "which is why",
    "reporting",
    "appeared",
    "seemed",
    "sounded",
    "thought",
    "out of place",
    "belong",
    "belonged",
    "stood out",
    "up to something",
    "trust",
    "spy",
    "given how",
];

/// Person nouns: a protected term followed by one of these within three words characterizes a
/// person (`T-36-PROFILE`, `AMBIGUOUS_TERMS`).
pub(crate) const PERSON_NOUNS: &[&str] = &[
    "man",
    "men",
    "male",
    "woman",
    "women",
    "female",
    "guy",
    "guys",
    "person",
    "people",
    "boy",
    "girl",
    "kid",
    "teen",
    "teenager",
    "youth",
    "individual",
    "subject",
    "lady",
    "ladies",
    "family",
    "couple",
    "neighbor",
    "neighbour",
    "student",
    "doctor",
    "driver",
    "customer",
    "worker",
    "gentleman",
    "gentlemen",
    "folks",
];

/// Place nouns: a protected term followed by one of these within two words names a place or an
/// organisation ("the Islamic Center", "First Baptist Church"), not a person, and is skipped.
pub(crate) const PLACE_NOUNS: &[&str] = &[
    "temple",
    "center",
    "centre",
    "church",
    "cathedral",
    "mosque",
    "synagogue",
    "gurdwara",
    "society",
    "association",
    "community",
    "school",
    "academy",
    "college",
    "university",
    "restaurant",
    "market",
    "grocery",
    "store",
    "shop",
    "bakery",
    "consulate",
    "embassy",
    "cemetery",
    "club",
    "council",
    "foundation",
    "museum",
    "festival",
    "parade",
];

/// Words that make a sentence a suspect description rather than a reason (`T-36-PROFILE` only).
pub(crate) const DESCRIPTION_MARKERS: &[&str] = &[
    "described as",
    "description",
    "in his",
    "in her",
    "in their",
    "approximately",
    "approx",
    "height",
    "build",
    "complexion",
    "hair",
    "eyes",
    "tall",
];

/// Protected terms that also name colours of things; they count only next to a person noun.
pub(crate) const AMBIGUOUS_TERMS: &[&str] = &["white", "black", "indian", "alien"];

/// Rules decided from codes, flags or sentence context rather than a lexicon table.
const STRUCTURAL: &[(&str, &str)] = &[
    (
        "CP-GROUP-A",
        "a group A behaviour code (defined criminal activity); group B codes never count alone",
    ),
    ("CP-IMMINENT", "the scorer's imminent-threat flag"),
    (
        "T-36-REASON",
        "a protected-class term in a sentence that gives a reason for suspicion",
    ),
    (
        "T-36-PROFILE",
        "a protected-class term characterizing a person, outside a suspect description, in a \
         report with no criminal-predicate signal",
    ),
];

/// Every rule id with its description, lexicon rules first.
pub(crate) fn descriptions() -> Vec<(&'static str, &'static str)> {
    PROTECTED_ACTIVITY
        .iter()
        .chain(CRIMINAL_PREDICATE)
        .chain(OTHER_CONDUCT)
        .map(|rule| (rule.id, rule.description))
        .chain(STRUCTURAL.iter().copied())
        .collect()
}
