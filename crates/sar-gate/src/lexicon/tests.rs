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
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "car", "s", "bomb", " ", "threat", "a", "rab", "white", "van", "gun", "-", ".",
                "ity", "protest", "er", "S", "\n",
            ]),
            0..16,
        )
    ) {
        let a = Lexicon::new([(0, "car bomb"), (1, "bomb"), (0, "gun"), (1, "guns")]).unwrap();
        let b = Lexicon::flat(&["scar", "bomb threat", "arab", "protest", "protester"]).unwrap();
        let c = Lexicon::flat(&["white", "white van", "van", "a"]).unwrap();
        check_set(&[&a, &b, &c], &parts.concat());
    }
}
