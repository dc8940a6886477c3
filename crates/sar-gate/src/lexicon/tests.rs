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
