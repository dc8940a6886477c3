//! Tests of whole-word matching and sentence splitting.

use super::*;

fn check(terms: &[&'static str], text: &str, expected: &[&str]) {
    let lexicon = Lexicon::flat(terms).unwrap();
    let found: Vec<&str> = lexicon
        .hits(text)
        .iter()
        .map(|hit| &text[hit.start..hit.end])
        .collect();
    assert_eq!(found, expected, "terms {terms:?} in {text:?}");
}

#[test]
fn whole_words_case_insensitive() {
    check(&["gun"], "A GUN, a gunshot, a shotgun.", &["GUN"]);
    check(
        &["protest", "protester"],
        "Protesters gathered; protestant, protests",
        &["Protesters", "protests"],
    );
    check(
        &["middle eastern", "eastern"],
        "two Middle Eastern men",
        &["Middle Eastern"],
    );
    check(&["arab"], "Arabic speakers", &[]);
    check(&["vigil"], "(vigil)", &["vigil"]);
    check(&["bomb"], "bombé bomb", &["bomb"]);
    check(&["white"], "", &[]);
}

#[test]
fn sentences_split_on_terminators_followed_by_space() {
    let text = "He left at 2.30 pm. She stayed! Why? one; two\nthree";
    let parts: Vec<&str> = sentences(text)
        .into_iter()
        .map(|(start, end)| text[start..end].trim())
        .collect();
    assert_eq!(
        parts,
        [
            "He left at 2.30 pm.",
            "She stayed!",
            "Why?",
            "one;",
            "two",
            "three"
        ]
    );
    assert!(sentences("  \n ").is_empty());
}

#[test]
fn next_words_are_lowercased() {
    assert_eq!(next_words("white Male, in his 30s", 5, 2), ["male", "in"]);
    assert!(next_words("white", 5, 3).is_empty());
}

/// Texts made of up to `most` of `parts`, in any order, with repeats.
fn texts(parts: &[&'static str], most: usize) -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::strategy::Strategy as _;
    proptest::collection::vec(proptest::sample::select(parts.to_vec()), 0..most)
        .prop_map(|parts| parts.concat())
}

/// `LexiconSet` gives each lexicon exactly its own hits.
fn check_set(lexicons: &[&Lexicon], text: &str) {
    let set = LexiconSet::new(lexicons).unwrap().unwrap();
    let together = set.hits(lexicons, text);
    for (lexicon, hits) in lexicons.iter().zip(&together) {
        assert_eq!(&lexicon.hits(text), hits, "in {text:?}");
    }
}

#[test]
fn a_lexicon_set_matches_like_each_lexicon() {
    let a = Lexicon::new([(0, "car bomb"), (1, "bomb"), (0, "gun"), (1, "guns")]).unwrap();
    let b = Lexicon::flat(&["scar", "bomb threat", "arab", "protest", "protester"]).unwrap();
    let c = Lexicon::flat(&["white", "white van", "van"]).unwrap();
    for text in [
        "scar bomb threat; a car bomb, guns and a gun",
        "the Protesters protested near a white van, a WHITE vanity",
        "carabiner arab, parable; bombs",
        "",
        "gunsgun gun-gun",
    ] {
        check_set(&[&a, &b, &c], text);
    }
    // Equal terms but for case: no set.
    let twice = Lexicon::flat(&["gun", "GUN"]).unwrap();
    assert!(LexiconSet::new(&[&a, &twice]).unwrap().is_none());
}

proptest::proptest! {
    #[test]
    fn a_lexicon_set_matches_like_each_lexicon_on_any_text(
        text in texts(
            &[
                "car", "s", "bomb", " ", "threat", "a", "rab", "white", "van", "gun", "-", ".",
                "ity", "protest", "er", "S", "\n",
            ],
            16,
        )
    ) {
        let a = Lexicon::new([(0, "car bomb"), (1, "bomb"), (0, "gun"), (1, "guns")]).unwrap();
        let b = Lexicon::flat(&["scar", "bomb threat", "arab", "protest", "protester"]).unwrap();
        let c = Lexicon::flat(&["white", "white van", "van", "a"]).unwrap();
        check_set(&[&a, &b, &c], &text);
    }
}

/// Every occurrence, as one walk of the automaton over the whole text reports them.
fn check_walks(terms: &[&'static str], text: &str) {
    let lexicon = Lexicon::flat(terms).unwrap();
    let set = LexiconSet::new(&[&lexicon]).unwrap().unwrap();
    let reference = AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(terms)
        .unwrap();
    let mut expected: Vec<(usize, usize, usize)> = reference
        .find_overlapping_iter(text)
        .map(|found| (found.pattern().as_usize(), found.start(), found.end()))
        .collect();
    expected.sort_unstable();
    for split in [false, true] {
        let mut found = Vec::new();
        set.occurrences(text.as_bytes(), split, &mut |pattern, start, end| {
            found.push((pattern, start, end));
        });
        found.sort_unstable();
        assert_eq!(found, expected, "split {split} over {text:?}");
    }
}

#[test]
fn walks_side_by_side_find_every_occurrence_once() {
    let terms = [
        "car bomb",
        "bomb",
        "a",
        "arab",
        "carabiner",
        "bomb threat",
        "threat",
    ];
    check_walks(&terms, "");
    check_walks(&terms, "a");
    check_walks(
        &terms,
        "carabiner car bomb threat; Arab bomb, a CAR BOMB THREAT",
    );
    check_walks(&terms, &"a carabiner, a car bomb threat".repeat(20));
}

proptest::proptest! {
    #[test]
    fn walks_side_by_side_find_every_occurrence_once_on_any_text(
        text in texts(
            &[
                "car", "s", "bomb", " ", "threat", "a", "rab", "iner", "b", "A", "ca", "-",
            ],
            40,
        )
    ) {
        let terms = ["car bomb", "bomb", "a", "arab", "carabiner", "bomb threat", "threat"];
        check_walks(&terms, &text);
    }
}

/// `sentence_around` gives the sentence of `sentences` that holds a word byte.
fn check_sentence_around(text: &str) {
    let all = sentences(text);
    for (at, byte) in text.bytes().enumerate() {
        if byte.is_ascii_alphanumeric() {
            let holding = all.iter().find(|(start, end)| (*start..*end).contains(&at));
            assert_eq!(
                Some(&sentence_around(text, at)),
                holding,
                "at {at} of {text:?}"
            );
        }
    }
}

#[test]
fn the_sentence_around_a_word_is_the_one_sentences_gives() {
    check_sentence_around("");
    check_sentence_around("one");
    check_sentence_around("One. Two 3.5 four!\nFive; six?  Seven.\u{a0}Eight. ");
}

proptest::proptest! {
    #[test]
    fn the_sentence_around_a_word_is_the_one_sentences_gives_on_any_text(
        text in texts(
            &[
                "a", "Bb", " ", ".", "!", "?", ";", "\n", "\r", "\u{a0}", "é", "3", "..",
            ],
            30,
        )
    ) {
        check_sentence_around(&text);
    }
}
