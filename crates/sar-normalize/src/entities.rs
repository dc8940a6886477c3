//! Entity extraction from the narrative and the redacted narrative.
//!
//! Two sources of entities:
//! - patterns (`Patterns`, compiled once per process): plates, NANP phone numbers, e-mail
//!   addresses, SSN-shaped numbers, ID-shaped numbers, money amounts, times and dates, street
//!   addresses;
//! - the report's own structured values found verbatim (case-insensitive, on word boundaries):
//!   vehicle plates and VINs, vessel registrations, tail numbers, serials, the persons' ids,
//!   phones and e-mails, the reporter's contact, the place name and address.
//!
//! Overlaps are resolved by position: the earliest entity wins, then the longest. Offsets are in
//! characters of the (cleaned) narrative. `pii` is true for plates, phones, e-mails, SSN-like and
//! ID-like numbers, for places only when the location is a residence, and for a date written as
//! a date of birth (`DOB 05/21/1976`); money and other times are never PII.
//!
//! The redacted narrative replaces every PII entity with its token (`[PLATE]`, `[PHONE]`,
//! `[EMAIL]`, `[SSN]`, `[ID]`, `[ADDRESS]`, `[DOB]`) and every person's name, each name word of
//! three letters or more, and every alias with `[NAME]` (case-insensitive, whole words).

use std::sync::OnceLock;

use regex::Regex;
use sar_model::{
    SarReport,
    records::{EntityKind, ExtractedEntity},
    report::PersonIdKind,
};

/// What extraction produced for one report.
pub(crate) struct Extraction {
    pub(crate) entities: Vec<ExtractedEntity>,
    pub(crate) redacted: String,
}

/// The compiled patterns; an immutable constant built on first use.
struct Patterns {
    email: Regex,
    ssn: Regex,
    phone: Regex,
    money: Regex,
    times: Vec<Regex>,
    /// `1913 hours`: the entity is the time, `1913`.
    military_time: Regex,
    plate: Regex,
    id_prefixed: Regex,
    id_keyword: Regex,
    vin: Regex,
    long_number: Regex,
    streets: Vec<Regex>,
}

const STREET_SUFFIXES: &str = "Street|St|Road|Rd|Avenue|Ave|Boulevard|Blvd|Drive|Dr|Lane|Ln|Way|\
Parkway|Pkwy|Court|Ct|Place|Pl|Highway|Hwy|Terrace|Ter|Circle|Cir|Trail|Trl|Loop|Square|Sq";
/// Without a house number, abbreviations that are also common words or titles are left out.
const NAMED_STREET_SUFFIXES: &str =
    "Street|St|Road|Rd|Avenue|Ave|Boulevard|Blvd|Drive|Lane|Ln|Way|Parkway|Pkwy|Highway|Hwy";
const MONTHS: &str = "January|February|March|April|May|June|July|August|September|October|\
November|December|Jan\\.?|Feb\\.?|Mar\\.?|Apr\\.?|Jun\\.?|Jul\\.?|Aug\\.?|Sept?\\.?|Oct\\.?|Nov\\.?|Dec\\.?";

fn compile(pattern: &str) -> Regex {
    // The patterns are literals of this module and a unit test compiles each one: a failure
    // here is a bug in this file, never a property of the input.
    Regex::new(pattern)
        .unwrap_or_else(|error| unreachable!("entity pattern does not compile: {error}"))
}

impl Patterns {
    fn new() -> Self {
        Self {
            email: compile(
                r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b",
            ),
            ssn: compile(r"\b\d{3}-\d{2}-\d{4}\b"),
            phone: compile(r"(?:\+?1[-. ]?)?(?:\(\d{3}\)[-. ]?|\b\d{3}[-. ])\d{3}[-. ]\d{4}\b"),
            money: compile(
                r"\$\s?\d+(?:,\d{3})*(?:\.\d{1,2})?(?:\s?(?:thousand|million|billion)\b|[kKmM]\b)?|\b\d+(?:,\d{3})*(?:\.\d{1,2})?\s?(?:dollars|USD)\b",
            ),
            times: vec![
                compile(
                    r"\b(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:\s?(?:[AaPp]\.[Mm]\.|[AaPp][Mm]\b))?",
                ),
                compile(r"\b(?:1[0-2]|0?[1-9])\s?(?:[AaPp]\.[Mm]\.|[AaPp][Mm]\b)"),
                compile(r"\b(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])/(?:\d{4}|\d{2})\b"),
                compile(r"\b\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b"),
                compile(&format!(
                    r"\b(?:{MONTHS})\s\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s\d{{4}}\b)?"
                )),
            ],
            military_time: compile(r"\b((?:[01]\d|2[0-3])[0-5]\d)\s?(?:hours|hrs|hr)\b"),
            plate: compile(
                r"\b(?:[A-Z0-9]{5,8}|[A-Z0-9]{2,4}-[A-Z0-9]{2,5}|[A-Z0-9]{3,4} [A-Z0-9]{3,4})\b",
            ),
            id_prefixed: compile(r"\b[A-Z]{1,5}-?(?:\d{2,4}-)?\d{5,12}\b"),
            id_keyword: compile(
                r"(?i)(?:\b(?:number|no|num|serial|item|case|badge|account|acct|id|ref|reference|report)\b\.?|#)\s*(?:(?:no|number)\b\.?\s*)?:?\s*#?\s*(\d[\d-]{3,14}\d)\b",
            ),
            vin: compile(r"\b[A-HJ-NPR-Z0-9]{17}\b"),
            long_number: compile(r"\b\d{7,}\b|\b(?:\d{1,3}\.){3}\d{1,3}\b"),
            streets: vec![
                compile(&format!(
                    r"\b\d{{1,6}}\s(?:[NSEW]\.?\s)?(?:[A-Z][A-Za-z'-]*\s){{1,3}}(?:{STREET_SUFFIXES})\b"
                )),
                compile(&format!(
                    r"\b(?:[A-Z][a-z]+\s){{1,2}}(?:{NAMED_STREET_SUFFIXES})\b"
                )),
            ],
        }
    }

    fn shared() -> &'static Self {
        static PATTERNS: OnceLock<Patterns> = OnceLock::new();
        PATTERNS.get_or_init(Self::new)
    }
}

/// A span of the narrative, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Candidate {
    start: usize,
    end: usize,
    kind: EntityKind,
    pii: bool,
}

/// Tie-break between candidates of the same span: the more specific kind first.
fn rank(kind: EntityKind) -> u8 {
    match kind {
        EntityKind::Email => 0,
        EntityKind::SsnLike => 1,
        EntityKind::Phone => 2,
        EntityKind::Plate => 3,
        EntityKind::IdLike => 4,
        EntityKind::Money => 5,
        EntityKind::Time => 6,
        EntityKind::Place => 7,
    }
}

/// What a literal of the report stands for when found in the narrative.
#[derive(Debug, Clone, Copy)]
enum Literal {
    Entity(EntityKind),
    Name,
}

/// Entities and redacted narrative of `report`.
pub(crate) fn extract(report: &SarReport) -> Extraction {
    let text = report.narrative.as_str();
    let patterns = Patterns::shared();
    let residence = report.location.is_residence;
    let mut candidates = Vec::new();
    // Patterns that cannot match are not run: each needs some bytes that one pass over the
    // narrative tells present or absent.
    let present = Present::scan(text.as_bytes());
    pattern_candidates(patterns, text, &present, residence, &mut candidates);
    let mut names = Vec::new();
    literal_candidates(report, text, residence, &mut candidates, &mut names);

    candidates.sort_by_key(|c| (c.start, std::cmp::Reverse(c.end), rank(c.kind)));
    let mut chosen: Vec<Candidate> = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        if chosen.last().is_none_or(|last| candidate.start >= last.end) {
            chosen.push(candidate);
        }
    }
    let redacted = redact(text, &chosen, &names);
    let entities = to_char_offsets(text, &chosen);
    Extraction { entities, redacted }
}

fn pattern_candidates(
    patterns: &Patterns,
    text: &str,
    present: &Present,
    residence: bool,
    out: &mut Vec<Candidate>,
) {
    let mut push = |start: usize, end: usize, kind: EntityKind, pii: bool| {
        out.push(Candidate {
            start,
            end,
            kind,
            pii,
        });
    };
    // Each pattern is searched where its matches can be: the whole text, or on ASCII text only
    // the regions around digit runs made of the bytes its matches are made of (`regions`).
    let digits = |regex: &Regex,
                  alphabet: &Alphabet,
                  worth: Worth,
                  each: &mut dyn FnMut(regex::Match<'_>)| {
        present.regions(text, alphabet, worth, &mut |hay, from| {
            let mut at = from;
            while let Some(found) = regex.find_at(hay, at) {
                at = found.end();
                each(found);
            }
        });
    };
    if present.at {
        // Rare; searched everywhere.
        for found in patterns.email.find_iter(text) {
            push(found.start(), found.end(), EntityKind::Email, true);
        }
    }
    if present.hyphen && present.digit_run >= 4 {
        digits(&patterns.ssn, &SSN_BYTES, has_hyphen, &mut |found| {
            push(found.start(), found.end(), EntityKind::SsnLike, true);
        });
    }
    if present.phone_shape {
        digits(&patterns.phone, &PHONE_BYTES, phone_long, &mut |found| {
            push(found.start(), found.end(), EntityKind::Phone, true);
        });
    }
    let money_like = present.digit_run >= 1
        && (present.dollar || text.contains("dollars") || text.contains("USD"));
    if money_like {
        digits(&patterns.money, &MONEY_BYTES, money_word, &mut |found| {
            push(found.start(), found.end(), EntityKind::Money, false);
        });
    }
    let times_possible = [
        present.colon,
        present.digit_ampm,
        present.slash,
        present.digits4_hyphen,
        true,
    ];
    let times_worth: [Worth; 5] = [has_colon, has_ampm, has_slash, has_hyphen, anything];
    let times_bytes = [
        &CLOCK_BYTES,
        &CLOCK_BYTES,
        &SLASH_DATE_BYTES,
        &ISO_DATE_BYTES,
        &MONTH_DATE_BYTES,
    ];
    let times = patterns.times.iter().zip(times_possible).zip(times_bytes);
    for (index, ((regex, possible), alphabet)) in times.enumerate() {
        if !possible || present.digit_run == 0 {
            continue;
        }
        let search = &mut |hay: &str, from: usize| {
            let mut at = from;
            while let Some(found) = regex.find_at(hay, at) {
                at = found.end();
                let pii = is_date_of_birth(&text[..found.start()]);
                push(found.start(), found.end(), EntityKind::Time, pii);
            }
        };
        match (index == 4, &present.month_days) {
            // `March 3rd`: around the day numbers after a month's name.
            (true, Some(days)) => regions_around(text, days, alphabet, anything, search),
            _ => present.regions(text, alphabet, times_worth[index], search),
        }
    }
    if present.digit_run == 0 {
        // Every pattern below but the named-street one needs a digit (a plate or a VIN
        // without one is dropped).
        named_streets(patterns, text, present, residence, &mut push);
        return;
    }
    if present.digit_run >= 4 && present.hours {
        present.regions(text, &MILITARY_BYTES, has_h, &mut |hay, from| {
            let mut at = from;
            while let Some(captures) = patterns.military_time.captures_at(hay, at) {
                let Some(whole) = captures.get(0) else { break };
                at = whole.end();
                if let Some(found) = captures.get(1) {
                    let pii = is_date_of_birth(&text[..found.start()]);
                    push(found.start(), found.end(), EntityKind::Time, pii);
                }
            }
        });
    }
    if present.upper_and_digit {
        digits(&patterns.plate, &PLATE_BYTES, has_upper, &mut |found| {
            let token = found.as_str();
            let alnum = token.bytes().filter(u8::is_ascii_alphanumeric).count();
            let has_digit = token.bytes().any(|b| b.is_ascii_digit());
            let has_letter = token.bytes().any(|b| b.is_ascii_uppercase());
            if (5..=8).contains(&alnum) && has_digit && has_letter {
                let before = &text[..found.start()];
                let kind = plate_or_id(token, before);
                // `ABC 1234` is a plate only where the text says so: two words are too often a
                // word and a number (`SSN 935`).
                if token.contains(' ') && !after_plate_cue(before) {
                    return;
                }
                push(found.start(), found.end(), kind, true);
            }
        });
    }
    if present.digit_run >= 5 {
        digits(&patterns.id_prefixed, &PLATE_BYTES, digits5, &mut |found| {
            let kind = plate_or_id(found.as_str(), &text[..found.start()]);
            push(found.start(), found.end(), kind, true);
        });
    }
    if present.digits5_in_hyphen_run {
        present.regions(
            text,
            &ID_KEYWORD_BYTES,
            digits5_with_hyphens,
            &mut |hay, from| {
                let mut at = from;
                while let Some(captures) = patterns.id_keyword.captures_at(hay, at) {
                    let Some(whole) = captures.get(0) else { break };
                    at = whole.end();
                    if let Some(number) = captures.get(1)
                        && number.as_str().bytes().filter(u8::is_ascii_digit).count() >= 5
                    {
                        push(number.start(), number.end(), EntityKind::IdLike, true);
                    }
                }
            },
        );
    }
    if present.digit_word >= 17 {
        digits(&patterns.vin, &PLATE_BYTES, vin_long, &mut |found| {
            let token = found.as_str();
            if token.bytes().any(|b| b.is_ascii_digit())
                && token.bytes().any(|b| b.is_ascii_uppercase())
            {
                push(found.start(), found.end(), EntityKind::IdLike, true);
            }
        });
    }
    if present.digit_run >= 7 || present.dot {
        digits(
            &patterns.long_number,
            &LONG_NUMBER_BYTES,
            long_number,
            &mut |found| {
                push(found.start(), found.end(), EntityKind::IdLike, true);
            },
        );
    }
    if present.digit_space_upper {
        digits(
            &patterns.streets[0],
            &STREET_BYTES,
            has_upper,
            &mut |found| {
                push(found.start(), found.end(), EntityKind::Place, residence);
            },
        );
    }
    named_streets(patterns, text, present, residence, &mut push);
}

/// `Main Street`: searched around each street word that follows a space.
fn named_streets(
    patterns: &Patterns,
    text: &str,
    present: &Present,
    residence: bool,
    push: &mut dyn FnMut(usize, usize, EntityKind, bool),
) {
    let search = &mut |hay: &str, from: usize| {
        let mut at = from;
        while let Some(found) = patterns.streets[1].find_at(hay, at) {
            at = found.end();
            push(found.start(), found.end(), EntityKind::Place, residence);
        }
    };
    match &present.street_words {
        None => search(text, 0),
        Some(anchors) => regions_around(text, anchors, &NAMED_STREET_BYTES, anything, search),
    }
}

/// A set of bytes.
type Alphabet = [bool; 256];

const fn alphabet(ranges: &[(u8, u8)]) -> Alphabet {
    let mut set = [false; 256];
    let mut index = 0;
    while index < ranges.len() {
        let (mut byte, last) = ranges[index];
        while byte <= last {
            set[byte as usize] = true;
            byte += 1;
        }
        index += 1;
    }
    set
}

/// `\s` on ASCII text.
const SPACES: (u8, u8) = (b'\t', b'\r');
const SPACE: (u8, u8) = (b' ', b' ');
const DIGITS: (u8, u8) = (b'0', b'9');
const UPPER: (u8, u8) = (b'A', b'Z');
const LOWER: (u8, u8) = (b'a', b'z');
const fn one(byte: u8) -> (u8, u8) {
    (byte, byte)
}

// The bytes each pattern's matches are made of, on ASCII text.
const SSN_BYTES: Alphabet = alphabet(&[DIGITS, one(b'-')]);
const PHONE_BYTES: Alphabet = alphabet(&[
    DIGITS,
    one(b'+'),
    one(b'-'),
    one(b'.'),
    SPACE,
    one(b'('),
    one(b')'),
]);
const MONEY_BYTES: Alphabet = alphabet(&[
    DIGITS,
    SPACES,
    SPACE,
    one(b'$'),
    one(b','),
    one(b'.'),
    UPPER,
    LOWER,
]);
const CLOCK_BYTES: Alphabet = alphabet(&[
    DIGITS,
    SPACES,
    SPACE,
    one(b':'),
    one(b'.'),
    one(b'A'),
    one(b'a'),
    one(b'P'),
    one(b'p'),
    one(b'M'),
    one(b'm'),
]);
const SLASH_DATE_BYTES: Alphabet = alphabet(&[DIGITS, one(b'/')]);
const ISO_DATE_BYTES: Alphabet = alphabet(&[DIGITS, one(b'-')]);
const MONTH_DATE_BYTES: Alphabet =
    alphabet(&[DIGITS, SPACES, SPACE, one(b'.'), one(b','), UPPER, LOWER]);
const MILITARY_BYTES: Alphabet = alphabet(&[
    DIGITS,
    SPACES,
    SPACE,
    one(b'h'),
    one(b'o'),
    one(b'u'),
    one(b'r'),
    one(b's'),
]);
const PLATE_BYTES: Alphabet = alphabet(&[DIGITS, UPPER, one(b'-'), SPACE]);
const ID_KEYWORD_BYTES: Alphabet = alphabet(&[
    DIGITS,
    SPACES,
    SPACE,
    UPPER,
    LOWER,
    one(b'.'),
    one(b'#'),
    one(b':'),
    one(b'-'),
]);
const LONG_NUMBER_BYTES: Alphabet = alphabet(&[DIGITS, one(b'.')]);
const STREET_BYTES: Alphabet = alphabet(&[
    DIGITS,
    SPACES,
    SPACE,
    UPPER,
    LOWER,
    one(b'.'),
    one(b'\''),
    one(b'-'),
]);
const NAMED_STREET_BYTES: Alphabet = alphabet(&[SPACES, SPACE, UPPER, LOWER]);

/// A necessary condition on an ASCII region for its pattern to find a match it keeps there.
type Worth = fn(&[u8]) -> bool;

fn anything(_: &[u8]) -> bool {
    true
}
fn has_hyphen(region: &[u8]) -> bool {
    region.contains(&b'-')
}
fn has_colon(region: &[u8]) -> bool {
    region.contains(&b':')
}
fn has_slash(region: &[u8]) -> bool {
    region.contains(&b'/')
}
fn has_h(region: &[u8]) -> bool {
    region.contains(&b'h')
}
fn has_ampm(region: &[u8]) -> bool {
    region
        .iter()
        .any(|byte| matches!(byte, b'a' | b'A' | b'p' | b'P'))
}
fn has_upper(region: &[u8]) -> bool {
    region.iter().any(u8::is_ascii_uppercase)
}
/// `555-201-7788`, the shortest phone number.
fn phone_long(region: &[u8]) -> bool {
    region.len() >= 12
}
fn vin_long(region: &[u8]) -> bool {
    region.len() >= 17
}
fn money_word(region: &[u8]) -> bool {
    region.contains(&b'$')
        || region.windows(7).any(|word| word == b"dollars")
        || region.windows(3).any(|word| word == b"USD")
}
/// Longest run of digits (`joined`: of digits and `-`) counting its digits.
fn most_digits(region: &[u8], joined: bool) -> usize {
    let (mut most, mut run) = (0, 0);
    for &byte in region {
        if byte.is_ascii_digit() {
            run += 1;
            most = most.max(run);
        } else if !(joined && byte == b'-') {
            run = 0;
        }
    }
    most
}
fn digits5(region: &[u8]) -> bool {
    most_digits(region, false) >= 5
}
fn digits5_with_hyphens(region: &[u8]) -> bool {
    most_digits(region, true) >= 5
}
fn long_number(region: &[u8]) -> bool {
    region.contains(&b'.') || most_digits(region, false) >= 7
}

/// Runs `search(haystack, from)` over the maximal runs of `alphabet` bytes holding one of the
/// `anchors` (byte ranges, in order) for which `worth` holds. `haystack` is the text up to one byte past the run, so
/// `\b` at the run's end sees the real next byte; a match never holds a byte outside its
/// pattern's alphabet, so it never crosses a run's ends, and the runs without an anchor hold
/// no match.
fn regions_around(
    text: &str,
    anchors: &[(usize, usize)],
    alphabet: &Alphabet,
    worth: Worth,
    search: &mut dyn FnMut(&str, usize),
) {
    let bytes = text.as_bytes();
    let mut done = 0;
    for &(start, end) in anchors {
        if start < done {
            continue;
        }
        let mut from = start;
        while from > done && alphabet[usize::from(bytes[from - 1])] {
            from -= 1;
        }
        let mut to = end;
        while to < bytes.len() && alphabet[usize::from(bytes[to])] {
            to += 1;
        }
        done = to;
        if !worth(&bytes[from..to]) {
            continue;
        }
        let context = (to + 1).min(bytes.len());
        search(&text[..context], from);
    }
}

/// What `\s` matches on ASCII text (tab, line feed, vertical tab, form feed, carriage return,
/// space); `u8::is_ascii_whitespace` leaves out the vertical tab.
fn is_regex_space(byte: u8) -> bool {
    matches!(byte, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

/// What one pass over the bytes of a narrative found, to skip patterns that cannot match. Each
/// flag is a necessary condition of a pattern (on ASCII text, where `\d`, `\s` and `\b` mean
/// their ASCII forms).
#[derive(Debug, Default)]
struct Present {
    at: bool,
    dollar: bool,
    colon: bool,
    slash: bool,
    hyphen: bool,
    dot: bool,
    /// Longest run of ASCII digits.
    digit_run: usize,
    /// Longest run of ASCII letters and digits holding a digit (a VIN).
    digit_word: usize,
    /// Four digits then `-` (an ISO date).
    digits4_hyphen: bool,
    /// Three digits, one of `-. `, four digits (the end of a phone number).
    phone_shape: bool,
    /// A digit, a whitespace byte, an uppercase letter (a house number and a street name).
    digit_space_upper: bool,
    /// A digit, maybe a space, then `a`, `p` (either case): `9 am`, `11pm`.
    digit_ampm: bool,
    /// A run of digits and `-` holding five digits or more (an ID after a keyword).
    digits5_in_hyphen_run: bool,
    /// A run of uppercase letters, digits, `-` and spaces holding both an uppercase letter and
    /// a digit (a plate).
    upper_and_digit: bool,
    /// A digit, maybe a whitespace byte, then `h` (`1913 hours`).
    hours: bool,
    /// The runs of ASCII digits (byte ranges), on ASCII text: every pattern that needs a digit
    /// is searched only around them. `None`: every pattern is searched in the whole text.
    digit_runs: Option<Vec<(usize, usize)>>,
    /// The street words (`Street`, `Rd`, ...) after a whitespace byte, on ASCII text: the
    /// named-street pattern is searched only around them. `None`: in the whole text.
    street_words: Option<Vec<(usize, usize)>>,
    /// The digit runs after a month's name and a whitespace byte, on ASCII text.
    month_days: Option<Vec<(usize, usize)>>,
}

impl Present {
    /// Every pattern possible.
    fn everything() -> Self {
        Self {
            at: true,
            dollar: true,
            colon: true,
            slash: true,
            hyphen: true,
            dot: true,
            digit_run: usize::MAX,
            digit_word: usize::MAX,
            digits4_hyphen: true,
            phone_shape: true,
            digit_space_upper: true,
            digit_ampm: true,
            digits5_in_hyphen_run: true,
            upper_and_digit: true,
            hours: true,
            digit_runs: None,
            street_words: None,
            month_days: None,
        }
    }

    fn scan(bytes: &[u8]) -> Self {
        if !bytes.is_ascii() {
            // `\d`, `\s` and `\b` are Unicode-aware: no pattern is skipped.
            return Self::everything();
        }
        // One pass finds the digit runs, the street words and the punctuation present; the
        // flags about digits are then read around each digit run.
        let mut classes = 0u8;
        let mut digit_runs = Vec::new();
        let mut street_words = Vec::new();
        // The bytes of a class other than 0, found sixteen at a time.
        let marks = crate::words::marks_bitmap(bytes);
        let mut index = 0;
        while let Some(next) = crate::words::next_set(&marks, index) {
            index = next;
            let class = CLASS[usize::from(bytes[index])];
            classes |= class;
            if class & DIGIT != 0 {
                let start = index;
                while index < bytes.len() && bytes[index].is_ascii_digit() {
                    index += 1;
                }
                digit_runs.push((start, index));
                continue;
            }
            if class & UPPERCASE != 0
                && index > 0
                && is_regex_space(bytes[index - 1])
                && let Some(word) = street_word(&bytes[index..])
            {
                street_words.push((index, index + word));
            }
            index += 1;
        }
        let mut present = Self {
            at: classes & AT != 0,
            dollar: classes & DOLLAR != 0,
            colon: classes & COLON != 0,
            slash: classes & SLASH != 0,
            hyphen: classes & HYPHEN != 0,
            dot: classes & DOT != 0,
            ..Self::default()
        };
        let at = |index: usize| bytes.get(index).copied().unwrap_or(0);
        // Digits in the current run of digits and hyphens, and where that run ends.
        let (mut hyphen_run_digits, mut hyphen_run_end) = (0usize, 0usize);
        let mut previous_run = (usize::MAX, usize::MAX);
        let mut plate_region_end = 0;
        let mut month_days = Vec::new();
        for &(start, end) in &digit_runs {
            let length = end - start;
            present.digit_run = present.digit_run.max(length);
            // Three digits, one of `-. `, four digits.
            if length >= 4
                && start > 0
                && matches!(bytes[start - 1], b'-' | b'.' | b' ')
                && previous_run.1 == start - 1
                && previous_run.1 - previous_run.0 >= 3
            {
                present.phone_shape = true;
            }
            if length >= 4 && at(end) == b'-' {
                present.digits4_hyphen = true;
            }
            let next = at(end);
            let after_space = if is_regex_space(next) { at(end + 1) } else { 0 };
            if after_space.is_ascii_uppercase() {
                present.digit_space_upper = true;
            }
            if matches!(next, b'a' | b'A' | b'p' | b'P')
                || matches!(after_space, b'a' | b'A' | b'p' | b'P')
            {
                present.digit_ampm = true;
            }
            if next == b'h' || after_space == b'h' {
                present.hours = true;
            }
            // Runs of digits and `-`.
            let joined = start > 0
                && hyphen_run_end <= start
                && bytes[hyphen_run_end..start]
                    .iter()
                    .all(|byte| *byte == b'-')
                && hyphen_run_end > 0;
            hyphen_run_digits = if joined { hyphen_run_digits } else { 0 } + length;
            hyphen_run_end = end;
            present.digits5_in_hyphen_run |= hyphen_run_digits >= 5;
            // The run of uppercase letters, digits, `-` and spaces around it, with an
            // uppercase letter; the run of letters and digits around it.
            if start >= plate_region_end {
                let (from, to) = extend(bytes, start, end, &PLATE_BYTES);
                plate_region_end = to;
                present.upper_and_digit |= bytes[from..to].iter().any(u8::is_ascii_uppercase);
            }
            let (from, to) = extend(bytes, start, end, &ALNUM_BYTES);
            present.digit_word = present.digit_word.max(to - from);
            if start >= 2 && is_regex_space(bytes[start - 1]) && after_month(&bytes[..start - 1]) {
                month_days.push((start, end));
            }
            previous_run = (start, end);
        }
        present.month_days = Some(month_days);
        present.digit_runs = Some(digit_runs);
        present.street_words = Some(street_words);
        present
    }

    /// Runs `search(haystack, from)` where a pattern needing a digit can match: the whole
    /// text, or the regions of `alphabet` bytes around the digit runs.
    fn regions(
        &self,
        text: &str,
        alphabet: &Alphabet,
        worth: Worth,
        search: &mut dyn FnMut(&str, usize),
    ) {
        match &self.digit_runs {
            None => search(text, 0),
            Some(runs) => regions_around(text, runs, alphabet, worth, search),
        }
    }
}

// Byte classes of `Present::scan`; 0 for the bytes it passes over.
const DIGIT: u8 = 1;
const UPPERCASE: u8 = 2;
const AT: u8 = 4;
const DOLLAR: u8 = 8;
const COLON: u8 = 16;
const SLASH: u8 = 32;
const HYPHEN: u8 = 64;
const DOT: u8 = 128;
const CLASS: [u8; 256] = {
    let mut class = [0u8; 256];
    let mut byte = b'0';
    while byte <= b'9' {
        class[byte as usize] = DIGIT;
        byte += 1;
    }
    let mut byte = b'A';
    while byte <= b'Z' {
        class[byte as usize] = UPPERCASE;
        byte += 1;
    }
    class[b'@' as usize] = AT;
    class[b'$' as usize] = DOLLAR;
    class[b':' as usize] = COLON;
    class[b'/' as usize] = SLASH;
    class[b'-' as usize] = HYPHEN;
    class[b'.' as usize] = DOT;
    class
};
const ALNUM_BYTES: Alphabet = alphabet(&[DIGITS, UPPER, LOWER]);

/// The maximal run of `alphabet` bytes holding `start..end`.
fn extend(bytes: &[u8], start: usize, end: usize, alphabet: &Alphabet) -> (usize, usize) {
    let mut from = start;
    while from > 0 && alphabet[usize::from(bytes[from - 1])] {
        from -= 1;
    }
    let mut to = end;
    while to < bytes.len() && alphabet[usize::from(bytes[to])] {
        to += 1;
    }
    (from, to)
}

/// Whether `before` ends with a month's name (`MONTHS`), maybe followed by `.`, as a whole run
/// of letters.
fn after_month(before: &[u8]) -> bool {
    let before = before.strip_suffix(b".").unwrap_or(before);
    let letters = before
        .iter()
        .rev()
        .take_while(|byte| byte.is_ascii_alphabetic())
        .count();
    MONTH_WORDS.contains(&&before[before.len() - letters..])
}

/// The words of `MONTHS`, without their optional `.`.
const MONTH_WORDS: [&[u8]; 24] = [
    b"January",
    b"February",
    b"March",
    b"April",
    b"May",
    b"June",
    b"July",
    b"August",
    b"September",
    b"October",
    b"November",
    b"December",
    b"Jan",
    b"Feb",
    b"Mar",
    b"Apr",
    b"Jun",
    b"Jul",
    b"Aug",
    b"Sep",
    b"Sept",
    b"Oct",
    b"Nov",
    b"Dec",
];

/// The length of the street word (`NAMED_STREET_SUFFIXES`) that `bytes` starts with, if the
/// run of ASCII letters it starts with is one.
fn street_word(bytes: &[u8]) -> Option<usize> {
    let length = bytes
        .iter()
        .take_while(|byte| byte.is_ascii_alphabetic())
        .count();
    matches!(
        &bytes[..length],
        b"Street"
            | b"St"
            | b"Road"
            | b"Rd"
            | b"Avenue"
            | b"Ave"
            | b"Boulevard"
            | b"Blvd"
            | b"Drive"
            | b"Lane"
            | b"Ln"
            | b"Way"
            | b"Parkway"
            | b"Pkwy"
            | b"Highway"
            | b"Hwy"
    )
    .then_some(length)
}

/// The last few characters before a match, lowercased, to read its context.
fn context_before(before: &str) -> String {
    let mut start = before.len().saturating_sub(24);
    while !before.is_char_boundary(start) {
        start -= 1;
    }
    before[start..].to_lowercase()
}

fn is_date_of_birth(before: &str) -> bool {
    let context = context_before(before);
    ["dob", "d.o.b", "date of birth", "born"]
        .iter()
        .any(|cue| context.contains(cue))
}

/// A plate-shaped or ID-shaped token: a plate after "plate" or "tag", an ID after "badge",
/// "number", "license" and the like; otherwise one to three letters then five or more digits
/// (`D1234567`) is an ID and anything else a plate.
fn plate_or_id(token: &str, before: &str) -> EntityKind {
    if after_plate_cue(before) {
        return EntityKind::Plate;
    }
    if last_words_contain(
        before,
        &[
            "badge", "number", "no", "id", "passport", "license", "licence", "dl", "serial",
            "account", "case", "#", "card", "ssn",
        ],
    ) {
        return EntityKind::IdLike;
    }
    let compact: Vec<u8> = token.bytes().filter(|b| *b != b'-').collect();
    let letters = compact
        .iter()
        .take_while(|b| b.is_ascii_uppercase())
        .count();
    let digits = compact.len() - letters;
    let id_shaped = (1..=3).contains(&letters)
        && digits >= 5
        && compact[letters..].iter().all(u8::is_ascii_digit);
    if id_shaped {
        EntityKind::IdLike
    } else {
        EntityKind::Plate
    }
}

/// One of the last three words before a match is one of `cues`.
fn last_words_contain(before: &str, cues: &[&str]) -> bool {
    let context = context_before(before);
    let words: Vec<&str> = context
        .split(|ch: char| !ch.is_alphanumeric() && ch != '#')
        .filter(|word| !word.is_empty())
        .collect();
    words[words.len().saturating_sub(3)..]
        .iter()
        .any(|word| cues.contains(word))
}

fn after_plate_cue(before: &str) -> bool {
    last_words_contain(before, &["plate", "plates", "tag", "tags", "registration"])
}

/// Titles left out of the name words: they are not names, and redacting them everywhere would
/// hide ordinary words.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "dr", "ofc", "officer", "sgt", "det", "lt", "capt", "cpl", "jr",
    "sr", "ii", "iii", "iv", "the", "and",
];

fn literal_candidates<'r>(
    report: &'r SarReport,
    text: &str,
    residence: bool,
    out: &mut Vec<Candidate>,
    names: &mut Vec<(usize, usize)>,
) {
    let mut literals: Vec<(&'r str, Literal)> = Vec::new();
    let mut entity = |value: Option<&'r str>, kind: EntityKind| {
        if let Some(value) = value.map(str::trim)
            && value.chars().count() >= 4
        {
            literals.push((value, Literal::Entity(kind)));
        }
    };
    for vehicle in &report.vehicles {
        entity(vehicle.plate.as_deref(), EntityKind::Plate);
        entity(vehicle.vin.as_deref(), EntityKind::IdLike);
    }
    for vessel in &report.vessels {
        entity(vessel.registration.as_deref(), EntityKind::IdLike);
    }
    for aircraft in &report.aircraft {
        entity(aircraft.tail_number.as_deref(), EntityKind::IdLike);
    }
    for item in &report.property {
        entity(item.serial.as_deref(), EntityKind::IdLike);
    }
    for person in &report.persons {
        for id in &person.ids {
            let kind = match id.kind {
                PersonIdKind::Ssn => EntityKind::SsnLike,
                _ => EntityKind::IdLike,
            };
            entity(Some(&id.value), kind);
        }
        for phone in &person.phones {
            entity(Some(phone), EntityKind::Phone);
        }
        for email in &person.emails {
            entity(Some(email), EntityKind::Email);
        }
    }
    if let Some(contact) = &report.submitter.reporter_contact {
        entity(contact.phone.as_deref(), EntityKind::Phone);
        entity(contact.email.as_deref(), EntityKind::Email);
    }
    entity(report.location.place_name.as_deref(), EntityKind::Place);
    entity(report.location.address.as_deref(), EntityKind::Place);

    for person in &report.persons {
        if let Some(full) = &person.name {
            push_name(&mut literals, full);
        }
        for alias in &person.aliases {
            // An alias is redacted whole, whatever its length.
            let alias = alias.trim();
            if !alias.is_empty() {
                literals.push((alias, Literal::Name));
            }
        }
    }
    if let Some(full) = report
        .submitter
        .reporter_contact
        .as_ref()
        .and_then(|contact| contact.name.as_deref())
    {
        push_name(&mut literals, full);
    }
    if literals.is_empty() {
        return;
    }
    // A handful of short literals: each is compared at the word starts of the narrative (or,
    // when it starts with a non-word character, at every position with its first byte), ASCII
    // case-insensitively; the same matches as an overlapping aho-corasick search, without
    // building an automaton per report.
    let starts = WordStarts::new(text);
    let bytes = text.as_bytes();
    for (value, literal) in &literals {
        let value = value.as_bytes();
        let Some(&first) = value.first() else {
            continue;
        };
        let mut on_match = |start: usize| {
            let end = start + value.len();
            if end > bytes.len()
                || !bytes[start..end].eq_ignore_ascii_case(value)
                || !on_word_boundaries(text, start, end)
            {
                return;
            }
            match literal {
                Literal::Entity(kind) => out.push(Candidate {
                    start,
                    end,
                    kind: *kind,
                    pii: *kind != EntityKind::Place || residence,
                }),
                Literal::Name => names.push((start, end)),
            }
        };
        let first_is_word = value_starts_alphanumeric(value);
        if first_is_word {
            for &start in starts.beginning_with(first) {
                on_match(start);
            }
        } else {
            for (start, byte) in bytes.iter().enumerate() {
                if byte.eq_ignore_ascii_case(&first) {
                    on_match(start);
                }
            }
        }
    }
}

/// Whether the first character of `value` (UTF-8) is alphanumeric.
fn value_starts_alphanumeric(value: &[u8]) -> bool {
    std::str::from_utf8(value)
        .ok()
        .and_then(|value| value.chars().next())
        .is_some_and(char::is_alphanumeric)
}

/// The word starts of a text grouped by their first byte, ASCII-lowercased; in text order
/// within a group.
struct WordStarts {
    /// `starts[group[b]..group[b + 1]]`: the starts whose first byte lowercases to `b`.
    group: [usize; 257],
    starts: Vec<usize>,
}

impl WordStarts {
    fn new(text: &str) -> Self {
        let all = word_starts(text);
        let bytes = text.as_bytes();
        let mut group = [0usize; 257];
        for &start in &all {
            group[usize::from(bytes[start].to_ascii_lowercase()) + 1] += 1;
        }
        for index in 1..group.len() {
            group[index] += group[index - 1];
        }
        let mut next = group;
        let mut starts = vec![0; all.len()];
        for &start in &all {
            let slot = &mut next[usize::from(bytes[start].to_ascii_lowercase())];
            starts[*slot] = start;
            *slot += 1;
        }
        Self { group, starts }
    }

    /// The word starts whose first byte equals `first`, ASCII case-insensitively.
    fn beginning_with(&self, first: u8) -> &[usize] {
        let first = usize::from(first.to_ascii_lowercase());
        &self.starts[self.group[first]..self.group[first + 1]]
    }
}

/// Byte offsets of the alphanumeric characters not preceded by an alphanumeric character.
fn word_starts(text: &str) -> Vec<usize> {
    if text.is_ascii() {
        return crate::words::word_starts(&crate::words::alnum_bitmap(text.as_bytes())).collect();
    }
    let mut starts = Vec::with_capacity(text.len() / 4);
    let mut previous_alnum = false;
    for (index, ch) in text.char_indices() {
        let alnum = ch.is_alphanumeric();
        if alnum && !previous_alnum {
            starts.push(index);
        }
        previous_alnum = alnum;
    }
    starts
}

/// Whether a name word is a title or a joining word, left unredacted on its own.
pub(crate) fn is_title(word: &str) -> bool {
    TITLES.contains(&word.to_lowercase().as_str())
}

/// A full name and each of its words of three letters or more, titles excepted.
fn push_name<'a>(literals: &mut Vec<(&'a str, Literal)>, full: &'a str) {
    let full = full.trim();
    if full.is_empty() {
        return;
    }
    literals.push((full, Literal::Name));
    for word in full.split(|ch: char| !ch.is_alphabetic()) {
        if word.chars().count() >= 3 && !is_title(word) {
            literals.push((word, Literal::Name));
        }
    }
}

/// A match starting or ending with a letter or digit must not continue a longer word.
fn on_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let found = &text[start..end];
    let starts_alnum = found.chars().next().is_some_and(char::is_alphanumeric);
    let ends_alnum = found.chars().next_back().is_some_and(char::is_alphanumeric);
    let before_ok = !starts_alnum
        || !text[..start]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
    let after_ok = !ends_alnum
        || !text[end..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric);
    before_ok && after_ok
}

fn token(candidate: &Candidate) -> &'static str {
    match candidate.kind {
        EntityKind::Plate => "[PLATE]",
        EntityKind::Phone => "[PHONE]",
        EntityKind::Email => "[EMAIL]",
        EntityKind::SsnLike => "[SSN]",
        EntityKind::IdLike => "[ID]",
        EntityKind::Place => "[ADDRESS]",
        EntityKind::Time => "[DOB]",
        EntityKind::Money => "[MONEY]",
    }
}

/// `text` with every PII entity and every name span replaced; overlapping spans merge into one,
/// named by the first.
fn redact(text: &str, entities: &[Candidate], names: &[(usize, usize)]) -> String {
    let mut spans: Vec<(usize, usize, &'static str)> = entities
        .iter()
        .filter(|candidate| candidate.pii)
        .map(|candidate| (candidate.start, candidate.end, token(candidate)))
        .chain(names.iter().map(|(start, end)| (*start, *end, "[NAME]")))
        .collect();
    spans.sort_by_key(|(start, end, _)| (*start, std::cmp::Reverse(*end)));
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut current: Option<(usize, usize, &'static str)> = None;
    for (start, end, label) in spans {
        match &mut current {
            Some((_, current_end, _)) if start < *current_end => {
                *current_end = (*current_end).max(end);
            }
            _ => {
                if let Some((span_start, span_end, span_label)) = current.take() {
                    out.push_str(&text[copied..span_start]);
                    out.push_str(span_label);
                    copied = span_end;
                }
                current = Some((start, end, label));
            }
        }
    }
    if let Some((span_start, span_end, span_label)) = current {
        out.push_str(&text[copied..span_start]);
        out.push_str(span_label);
        copied = span_end;
    }
    out.push_str(&text[copied..]);
    out
}

/// The chosen spans (sorted, disjoint, in bytes) as entities with character offsets.
fn to_char_offsets(text: &str, chosen: &[Candidate]) -> Vec<ExtractedEntity> {
    let mut entities = Vec::with_capacity(chosen.len());
    let (mut byte_at, mut char_at) = (0usize, 0usize);
    for candidate in chosen {
        char_at += text[byte_at..candidate.start].chars().count();
        let start = char_at;
        let found = &text[candidate.start..candidate.end];
        char_at += found.chars().count();
        byte_at = candidate.end;
        entities.push(ExtractedEntity {
            kind: candidate.kind,
            text: found.to_owned(),
            start: i32::try_from(start).unwrap_or(i32::MAX),
            end: i32::try_from(char_at).unwrap_or(i32::MAX),
            pii: candidate.pii,
        });
    }
    entities
}

#[cfg(test)]
mod tests;
