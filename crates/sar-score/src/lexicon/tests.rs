//! Whole-word, leftmost-longest matching.

use super::WordMatcher;

/// The terms found in `text`, in order; the fused scan with a guard that never matches agrees.
fn check(terms: &[&str], text: &str, expected: &[&str]) {
    let matcher = WordMatcher::new(terms).unwrap();
    let mut found = Vec::new();
    matcher.for_each(text, |pattern, start, end| {
        assert_eq!(text[start..end].to_ascii_lowercase(), terms[pattern]);
        found.push(terms[pattern]);
    });
    assert_eq!(found, expected, "in {text:?}");
    // Fused with a guard, both sides see what they see alone.
    let guard = WordMatcher::new(&["the", "bags of", "poor"]).unwrap();
    let (mut fused, mut guarded, mut alone) = (Vec::new(), Vec::new(), Vec::new());
    matcher.for_each_with(
        &guard,
        text,
        |pattern, _, _| fused.push(terms[pattern]),
        |pattern, start, end| guarded.push((pattern, start, end)),
    );
    guard.for_each(text, |pattern, start, end| {
        alone.push((pattern, start, end))
    });
    assert_eq!(fused, expected, "fused, in {text:?}");
    assert_eq!(guarded, alone, "guard, in {text:?}");
}

#[test]
fn longest_match_wins_and_counts_once() {
    let terms = ["ammonium nitrate", "nitrate", "ammonium"];
    check(
        &terms,
        "two bags of ammonium nitrate",
        &["ammonium nitrate"],
    );
    check(&terms, "nitrate and ammonium", &["nitrate", "ammonium"]);
}

#[test]
fn matches_whole_words_only() {
    let terms = ["ram", "ied", "gun"];
    check(&terms, "the grammar was poor", &[]);
    check(&terms, "supplied the gunsmith", &[]);
    check(&terms, "an IED near the ram", &["ied", "ram"]);
    check(&terms, "gun_shop gun-shop", &["gun"]);
}

#[test]
fn is_ascii_case_insensitive() {
    check(&["pipe bomb"], "a PIPE Bomb.", &["pipe bomb"]);
}

#[test]
fn falls_back_to_a_shorter_term_at_the_same_start() {
    let terms = ["glock 19", "glock"];
    check(&terms, "a glock 19x here", &["glock"]);
    check(&terms, "a glock 19, here", &["glock 19"]);
}

#[test]
fn terms_may_start_or_end_with_punctuation() {
    let terms = [".45 acp", "skydio 2+"];
    check(
        &terms,
        "box of .45 ACP and a skydio 2+.",
        &[".45 acp", "skydio 2+"],
    );
}

#[test]
fn non_ascii_bytes_separate_words() {
    check(&["gun"], "\u{2063}gun\u{201d} é", &["gun"]);
    check(&["gun"], "égun", &["gun"]);
}

#[test]
fn first_word_filter_folds_case_and_punctuation() {
    let terms = ["m&p9", "10/22", "i'm going to", "ar-15", "o.mg cable"];
    check(
        &terms,
        "An M&P9, a Ruger 10/22: I'M GOING TO use the AR-15 and an O.MG cable",
        &["m&p9", "10/22", "i'm going to", "ar-15", "o.mg cable"],
    );
}

#[test]
fn every_default_term_finds_itself() {
    let pack = crate::RulePack::default_pack().unwrap();
    let terms: Vec<&str> = pack
        .lexicons
        .iter()
        .flat_map(|lexicon| lexicon.terms.iter().map(String::as_str))
        .collect();
    let matcher = WordMatcher::new(&terms).unwrap();
    for (index, term) in terms.iter().enumerate() {
        let text = format!("( {} )", term.to_ascii_uppercase());
        let mut found = Vec::new();
        matcher.for_each(&text, |pattern, start, end| {
            found.push((pattern, start, end))
        });
        assert_eq!(found, [(index, 2, 2 + term.len())], "{term}");
    }
}

#[test]
fn fused_scan_finds_guard_terms_inside_matches() {
    let matcher = WordMatcher::new(&["the word list"]).unwrap();
    let guard = WordMatcher::new(&["word", "list of"]).unwrap();
    let text = "see the word list of items";
    let (mut found, mut guarded) = (Vec::new(), Vec::new());
    matcher.for_each_with(
        &guard,
        text,
        |_, start, end| found.push(&text[start..end]),
        |_, start, end| guarded.push(&text[start..end]),
    );
    assert_eq!(found, ["the word list"]);
    assert_eq!(guarded, ["word", "list of"]);
}

#[test]
fn terms_starting_with_punctuation() {
    let terms = [".45 acp", ".22", "#"];
    check(
        &terms,
        "a .45 ACP. Then .22. #1 and .4 .2",
        &[".45 acp", ".22", "#"],
    );
    check(&terms, "end.", &[]);
}
