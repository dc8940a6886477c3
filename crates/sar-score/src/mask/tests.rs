//! Masking of protected-class terms and names.

use super::{MASK, Masker};

fn check(text: &str, names: &[&str], expected: &str) {
    let masker = Masker::new().unwrap();
    let expected = expected.replace('#', MASK);
    assert_eq!(masker.mask(text, names), expected, "masking {text:?}");
}

#[test]
fn masks_whole_words_case_insensitively() {
    check("two Muslim men bought water", &[], "two # men bought water");
    check("a ROMA aroma", &[], "a # aroma");
    check("nothing here", &[], "nothing here");
}

#[test]
fn longest_term_is_one_token() {
    check("two middle eastern men", &[], "two # men");
    check("he looked foreign to me", &[], "he # to me");
}

#[test]
fn parts_of_multi_word_terms_are_absorbed() {
    // `south muslim` must mask like `south asian`; `looked sikh` like `looked foreign`.
    check("a south muslim family", &[], "a # family");
    check("a south asian family", &[], "a # family");
    check("he looked sikh", &[], "he #");
    check("a muslim-looking man", &[], "a #");
}

#[test]
fn adjacent_masks_merge() {
    check("an african american catholic woman", &[], "an #");
    check("a muslim, catholic", &[], "a #, #");
}

#[test]
fn names_are_masked_as_whole_words() {
    check(
        "Example called Dana.",
        &["John Q. Example", "Dana"],
        "# called #.",
    );
    check("Examples Q", &["John Q. Example"], "Examples Q");
}

#[test]
fn finds_protected_terms_inside_longer_phrases() {
    let masker = Masker::new().unwrap();
    assert_eq!(masker.first_protected_term("muslim"), Some("muslim"));
    assert_eq!(
        masker.first_protected_term("muslim community center"),
        Some("muslim")
    );
    assert_eq!(
        masker.first_protected_term("black-market explosives"),
        Some("black")
    );
    assert_eq!(masker.first_protected_term("blackcat ransomware"), None);
    assert_eq!(masker.first_protected_term("arabica coffee"), None);
}

#[test]
fn a_word_longer_than_any_part_is_not_absorbed() {
    let long = "south".repeat(20);
    check(
        &format!("{long} muslim {long}"),
        &[],
        &format!("{long} # {long}"),
    );
}
