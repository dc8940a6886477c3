//! Tests of entity extraction and redaction: one `check` helper (a narrative -> the entities
//! found, as kind and text, and the redacted narrative), and recall on the entities the
//! synthetic generator planted.

use sar_model::{
    SarReport, examples,
    records::EntityKind::{self, Email, IdLike, Money, Phone, Place, Plate, SsnLike, Time},
};

use proptest::prelude::*;

use super::{CLASS, Candidate, Patterns, Present, extract, pattern_candidates};

/// The S1 report with `narrative`, edited by `mutate`.
fn report(narrative: &str, mutate: impl FnOnce(&mut SarReport)) -> SarReport {
    let mut report = examples::report();
    report.narrative = narrative.to_owned();
    report.vehicles.clear();
    report.persons.clear();
    report.vessels.clear();
    report.aircraft.clear();
    report.property.clear();
    report.submitter.reporter_contact = None;
    report.location.place_name = None;
    report.location.address = None;
    mutate(&mut report);
    report
}

fn check(
    narrative: &str,
    mutate: impl FnOnce(&mut SarReport),
    expected: &[(EntityKind, &str)],
    redacted: &str,
) {
    let report = report(narrative, mutate);
    let extraction = extract(&report);
    let found: Vec<(EntityKind, &str)> = extraction
        .entities
        .iter()
        .map(|entity| (entity.kind, entity.text.as_str()))
        .collect();
    assert_eq!(found, expected, "in {narrative:?}");
    assert_eq!(extraction.redacted, redacted);
    let chars: Vec<char> = narrative.chars().collect();
    for entity in &extraction.entities {
        let text: String = chars[entity.start as usize..entity.end as usize]
            .iter()
            .collect();
        assert_eq!(text, entity.text);
    }
}

fn none(_: &mut SarReport) {}

#[test]
fn patterns_compile() {
    let _ = Patterns::new();
}

#[test]
fn plates_and_ids() {
    check(
        "plate 7ABC123 seen",
        none,
        &[(Plate, "7ABC123")],
        "plate [PLATE] seen",
    );
    check(
        "a van, tag ABC-1234.",
        none,
        &[(Plate, "ABC-1234")],
        "a van, tag [PLATE].",
    );
    check(
        "Texas plate ABC 1234",
        none,
        &[(Plate, "ABC 1234")],
        "Texas plate [PLATE]",
    );
    check(
        "CA 4GHJ221 left",
        none,
        &[(Plate, "4GHJ221")],
        "CA [PLATE] left",
    );
    // Not plates: no digit, or no letter, or too short.
    check(
        "GREER and SMITH at 12345 or AB12",
        none,
        &[],
        "GREER and SMITH at 12345 or AB12",
    );
    check(
        "licence D1234567 shown",
        none,
        &[(IdLike, "D1234567")],
        "licence [ID] shown",
    );
    check(
        "card no. A265307899",
        none,
        &[(IdLike, "A265307899")],
        "card no. [ID]",
    );
    check(
        "badge number FM-4565",
        none,
        &[(IdLike, "FM-4565")],
        "badge number [ID]",
    );
    check(
        "booked as item number 29006 and #72456",
        none,
        &[(IdLike, "29006"), (IdLike, "72456")],
        "booked as item number [ID] and #[ID]",
    );
    check(
        "VIN 1HGCM82633A004352",
        none,
        &[(IdLike, "1HGCM82633A004352")],
        "VIN [ID]",
    );
    // A plate listed on the report is found whatever its shape or case.
    check(
        "the car (plate xyz9) sped off",
        |r| {
            r.vehicles.push(examples::report().vehicles[0].clone());
            r.vehicles[0].plate = Some("XYZ9".into());
        },
        &[(Plate, "xyz9")],
        "the car (plate [PLATE]) sped off",
    );
}

#[test]
fn phones_emails_ssns() {
    check(
        "call (414) 555-0193 or 555.201.7788 or +1 555-201-0001",
        none,
        &[
            (Phone, "(414) 555-0193"),
            (Phone, "555.201.7788"),
            (Phone, "+1 555-201-0001"),
        ],
        "call [PHONE] or [PHONE] or [PHONE]",
    );
    check(
        "mail jqe@example.com.",
        none,
        &[(Email, "jqe@example.com")],
        "mail [EMAIL].",
    );
    check(
        "SSN 935-38-2309;",
        none,
        &[(SsnLike, "935-38-2309")],
        "SSN [SSN];",
    );
}

#[test]
fn money_and_times() {
    check(
        "paid $1,200.50, then 1,200 dollars, then $5k",
        none,
        &[
            (Money, "$1,200.50"),
            (Money, "1,200 dollars"),
            (Money, "$5k"),
        ],
        "paid $1,200.50, then 1,200 dollars, then $5k",
    );
    check(
        "at 02:10, 7:24 PM, 2:07 p.m., 1913 hours, 11/30/2025 and 2026-03-01; on March 1, 2026",
        none,
        &[
            (Time, "02:10"),
            (Time, "7:24 PM"),
            (Time, "2:07 p.m."),
            (Time, "1913"),
            (Time, "11/30/2025"),
            (Time, "2026-03-01"),
            (Time, "March 1, 2026"),
        ],
        "at 02:10, 7:24 PM, 2:07 p.m., 1913 hours, 11/30/2025 and 2026-03-01; on March 1, 2026",
    );
    // A date of birth is personal: redacted.
    check(
        "GREER (DOB 05/21/1976)",
        none,
        &[(Time, "05/21/1976")],
        "GREER (DOB [DOB])",
    );
}

#[test]
fn places() {
    check(
        "from 4100 River Rd onto Franklin Pkwy near Main St",
        none,
        &[
            (Place, "4100 River Rd"),
            (Place, "Franklin Pkwy"),
            (Place, "Main St"),
        ],
        "from 4100 River Rd onto Franklin Pkwy near Main St",
    );
    check(
        "the Riverside water treatment plant gate",
        |r| r.location.place_name = Some("Riverside Water Treatment Plant".into()),
        &[(Place, "Riverside water treatment plant")],
        "the Riverside water treatment plant gate",
    );
    // At a residence, places are personal.
    check(
        "at the house at 3844 Park Way",
        |r| r.location.is_residence = true,
        &[(Place, "3844 Park Way")],
        "at the house at [ADDRESS]",
    );
}

#[test]
fn names_and_aliases_are_redacted_on_word_boundaries() {
    check(
        "GREER, Robert said Rob Greer (aka JQ) met Roberta; Robert's car",
        |r| {
            let mut person = examples::report().persons[0].clone();
            person.name = Some("Robert N. Greer".into());
            person.aliases = vec!["JQ".into()];
            person.ids.clear();
            person.phones.clear();
            person.emails.clear();
            r.persons.push(person);
        },
        &[],
        "[NAME], [NAME] said Rob [NAME] (aka [NAME]) met Roberta; [NAME]'s car",
    );
    // The reporter's contact name too; titles are not names.
    check(
        "Ofc. Whitfield and another ofc arrived",
        |r| {
            r.submitter.reporter_contact = examples::report().submitter.reporter_contact;
        },
        &[],
        "Ofc. [NAME] and another ofc arrived",
    );
}

#[test]
fn overlaps_prefer_the_earlier_then_the_longer() {
    // The phone is also ten digits; the e-mail contains a name word.
    check(
        "jqe.example@example.com 555-201-7788",
        |r| {
            let mut person = examples::report().persons[0].clone();
            person.ids.clear();
            r.persons.push(person);
        },
        &[(Email, "jqe.example@example.com"), (Phone, "555-201-7788")],
        "[EMAIL] [PHONE]",
    );
}

#[test]
fn offsets_are_in_characters() {
    check(
        "Café ☕ — plate 7ABC123, ☎ 555-201-7788",
        none,
        &[(Plate, "7ABC123"), (Phone, "555-201-7788")],
        "Café ☕ — plate [PLATE], ☎ [PHONE]",
    );
    let extraction = extract(&report("Café ☕ — plate 7ABC123", none));
    assert_eq!(extraction.entities[0].start, 15);
}

/// Of the entities the generator planted in its narratives, the extractor finds nearly all,
/// with the planted kind. (PII flags follow this crate's rule, not the generator's: an ID-like
/// number is always PII here.)
#[test]
fn recall_on_planted_entities() {
    let records = sar_synth::canonical::normalized_records(3, 1_500);
    let (mut planted, mut found) = (0usize, 0usize);
    let mut misses = Vec::new();
    for record in &records {
        let extraction = extract(&record.report);
        for expected in &record.entities {
            planted += 1;
            // The generator's spans may include an article (`the Riverside plant`) or a word
            // around the value; the same kind on an overlapping span is a hit.
            let hit = extraction.entities.iter().any(|entity| {
                entity.kind == expected.kind
                    && entity.start < expected.end
                    && expected.start < entity.end
            });
            if hit {
                found += 1;
            } else if misses.len() < 60 {
                misses.push((expected.kind, expected.text.clone(), expected.pii));
            }
        }
    }
    assert!(planted > 1_000, "{planted}");
    let recall = found as f64 / planted as f64;
    assert!(recall >= 0.9, "recall {recall:.3}; misses {misses:#?}");
}

/// Pattern candidates with the byte prefilter and with every pattern run.
fn both_ways(text: &str) -> (Vec<Candidate>, Vec<Candidate>) {
    let patterns = Patterns::shared();
    let (mut filtered, mut all) = (Vec::new(), Vec::new());
    pattern_candidates(
        patterns,
        text,
        &Present::scan(text.as_bytes()),
        false,
        &mut filtered,
    );
    pattern_candidates(patterns, text, &Present::everything(), false, &mut all);
    (filtered, all)
}

#[test]
fn the_prefilter_skips_nothing_that_matches_on_examples() {
    for text in [
        "call 602-555-0143 or (602) 555.0143, SSN 123-45-6789, born 1976-05-21",
        "at 9 am, 11pm, 10\tP.M. and 1913 hours on 05/21/1976 and March 3rd, 2024",
        "plate 7ABC123, tag AB-1234, ABC 1234, VIN 1HGCM82633A004352, badge #12-3456",
        "account no. 12345678, ref 1234-5678, 10.0.0.1, $1,200 and 300 dollars, 5 USD",
        "1200 N. Main Street, 45\u{b}Elm Road, Oak Lane, mail bob@example.com",
        "nothing here at all",
    ] {
        let (filtered, all) = both_ways(text);
        assert!(!all.is_empty() || text == "nothing here at all");
        assert_eq!(filtered, all, "{text:?}");
    }
}

/// The same on the synthetic narratives, which hold times, plates, house numbers, ids and
/// street names in context.
#[test]
fn the_prefilter_skips_nothing_that_matches_on_synthetic_narratives() {
    for raw in sar_synth::canonical::raw_records(11, 600) {
        let text = raw.submission.narrative;
        let (filtered, all) = both_ways(&text);
        assert_eq!(filtered, all, "{text:?}");
    }
}

/// The month words the month-date search starts from are the pattern's months.
#[test]
fn month_words_are_the_months() {
    let months: Vec<String> = super::MONTHS
        .split('|')
        .map(|month| month.replace("\\.?", "").replace("Sept?", "Sep"))
        .collect();
    let mut words: Vec<String> = super::MONTH_WORDS
        .iter()
        .filter(|word| **word != b"Sept")
        .map(|word| String::from_utf8_lossy(word).into_owned())
        .collect();
    words.sort();
    let mut sorted = months.clone();
    sorted.sort();
    assert_eq!(words, sorted);
    assert!(super::after_month(b"on Sept."));
    assert!(super::after_month(b"(May"));
    assert!(!super::after_month(b"xMay"));
}

/// The street words the named-street search starts from are the pattern's suffixes.
#[test]
fn street_words_are_the_named_street_suffixes() {
    for suffix in super::NAMED_STREET_SUFFIXES.split('|') {
        assert_eq!(super::street_word(suffix.as_bytes()), Some(suffix.len()));
        let followed = format!("{suffix}. x");
        assert_eq!(super::street_word(followed.as_bytes()), Some(suffix.len()));
        let longer = format!("{suffix}s");
        assert_eq!(super::street_word(longer.as_bytes()), None, "{longer}");
    }
    assert_eq!(super::street_word(b"Dr"), None);
}

proptest! {
    #[test]
    fn the_prefilter_skips_nothing_that_matches(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "1", "12", "123", "1234", "12345", "1234567", "0", "9", " ", "  ", "\n", "\t",
                "\u{b}", "-", ".", ":", "/", "@", "$", "#", ",", "am", "PM", "p.m.", "hours",
                "St", "Street", "Main", "N", "Elm", "Road", "ABC", "X", "Z9", "dob", "born",
                "id", "no", "account", "plate", "tag", "dollars", "USD", "March", "Jan.", "a",
                "bob", "example.com", "3rd", "VIN", "HGCM8263", "(", ")", "+1", "hrs", "hr",
                "h", "k", "M", "million", "Oct.", "St.", "Rd", "Way", "Pkwy", "AB-12", "_", "'",
                "#12", "serial", "ref", "Z", "q", "Ave", "Drive",
            ]),
            0..32,
        )
    ) {
        let text: String = parts.concat();
        let (filtered, all) = both_ways(&text);
        prop_assert_eq!(filtered, all, "{:?}", text);
    }
}

/// The pre-pass visits, from the marks bitmap, exactly the bytes `CLASS` gives a class.
#[test]
fn the_marks_bitmap_picks_the_classified_bytes() {
    let every: Vec<u8> = (0..=255u8).collect();
    let marks = crate::words::marks_bitmap(&every);
    for byte in every {
        let marked = marks[usize::from(byte) / 64] >> (byte % 64) & 1 == 1;
        assert_eq!(marked, CLASS[usize::from(byte)] != 0, "byte {byte}");
    }
}
