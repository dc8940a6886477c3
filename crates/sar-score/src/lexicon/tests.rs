//! Whole-word, leftmost-longest matching.

use proptest::prelude::*;

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
        &matcher.either(&guard),
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
        &matcher.either(&guard),
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

#[test]
fn punctuation_before_a_word_byte_only() {
    // Every punctuation term has a word byte second, so only marks before one are tried.
    let terms = [".45 acp", ".22", "#1"];
    check(
        &terms,
        ". .45 acp .22. # #1 .x .",
        &[".45 acp", ".22", "#1"],
    );
    // A mark as the last byte of a 64-byte block, its word in the next block.
    let text = format!("{}.22 and {}#1", "x ".repeat(31) + "y", "z ".repeat(40));
    assert_eq!(text.find(".22"), Some(63));
    check(&terms, &text, &[".22", "#1"]);
    check(&terms, &format!("{}.", "x".repeat(63)), &[]);
}

/// The scan as the matching rules define it, one byte at a time: at every word start and every
/// non-word byte not inside a match, the longest term (lowest id on a tie) that equals the text
/// there, ASCII case-insensitively, and does not end inside a word.
fn reference(terms: &[String], text: &str) -> Vec<(usize, usize, usize)> {
    let bytes = text.as_bytes();
    let is_word = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'_';
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let is_point = at == 0 || !is_word(bytes[at]) || !is_word(bytes[at - 1]);
        let best = terms
            .iter()
            .enumerate()
            .filter(|(_, term)| {
                let end = at + term.len();
                is_point
                    && bytes
                        .get(at..end)
                        .is_some_and(|found| found.eq_ignore_ascii_case(term.as_bytes()))
                    && !(end < bytes.len() && is_word(bytes[end - 1]) && is_word(bytes[end]))
            })
            .max_by_key(|(id, term)| (term.len(), std::cmp::Reverse(*id)));
        match best {
            Some((id, term)) => {
                found.push((id, at, at + term.len()));
                at += term.len();
            }
            None => at += 1,
        }
    }
    found
}

fn all_matches(matcher: &WordMatcher, text: &str) -> Vec<(usize, usize, usize)> {
    let mut found = Vec::new();
    matcher.for_each(text, |pattern, start, end| {
        found.push((pattern, start, end))
    });
    found
}

/// Terms over a small alphabet (so that they occur), deduplicated case-insensitively.
fn terms_strategy() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec("[abAB1_ .#-]{1,7}", 1..12).prop_map(|terms| {
        let mut seen = std::collections::HashSet::new();
        terms
            .into_iter()
            .filter(|term| seen.insert(term.to_ascii_lowercase()))
            .collect()
    })
}

/// Terms and a text made mostly of those terms (upper-cased at times), glued by separators,
/// non-ASCII, or nothing, with long words (past the eight-byte loads and the 64-byte blocks).
fn terms_and_text() -> impl Strategy<Value = (Vec<String>, String)> {
    terms_strategy().prop_flat_map(|terms| {
        let n_terms = terms.len();
        let piece = (0..n_terms + 6, any::<bool>());
        (Just(terms), proptest::collection::vec(piece, 0..80)).prop_map(|(terms, pieces)| {
            let fillers = [" ", "", "é", "\u{2063}", "a", "abababababababababab"];
            let mut text = String::new();
            for (index, upper) in pieces {
                let piece = match terms.get(index) {
                    Some(term) if upper => term.to_ascii_uppercase(),
                    Some(term) => term.clone(),
                    None => fillers[index - terms.len()].to_owned(),
                };
                text.push_str(&piece);
            }
            (terms, text)
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn scan_agrees_with_the_byte_by_byte_reference(
        (terms, text) in terms_and_text(),
        guard_terms in terms_strategy(),
    ) {
        let matcher = WordMatcher::new(&terms).unwrap();
        let expected = reference(&terms, &text);
        prop_assert_eq!(&all_matches(&matcher, &text), &expected);
        // Fused with a guard, each side sees what it sees alone.
        let guard = WordMatcher::new(&guard_terms).unwrap();
        let (mut fused, mut guarded) = (Vec::new(), Vec::new());
        matcher.for_each_with(
            &guard,
            &matcher.either(&guard),
            &text,
            |pattern, start, end| fused.push((pattern, start, end)),
            |pattern, start, end| guarded.push((pattern, start, end)),
        );
        prop_assert_eq!(&fused, &expected);
        prop_assert_eq!(guarded, reference(&guard_terms, &text));
    }

    #[test]
    fn rescanning_around_replaced_spans_equals_scanning_the_replaced_text(
        (terms, text) in terms_and_text(),
        cuts in proptest::collection::vec(0usize..1_000, 0..6),
    ) {
        let matcher = WordMatcher::new(&terms).unwrap();
        // Disjoint spans between char boundaries chosen by `cuts`.
        let boundaries: Vec<usize> = text
            .char_indices()
            .map(|(at, _)| at)
            .chain([text.len()])
            .collect();
        let mut points: Vec<usize> = cuts
            .iter()
            .map(|cut| boundaries[cut % boundaries.len()])
            .collect();
        points.sort_unstable();
        points.dedup();
        let spans: Vec<(usize, usize)> = points
            .chunks_exact(2)
            .map(|pair| (pair[0], pair[1]))
            .collect();
        let mut replaced = String::new();
        let mut written = 0;
        for &(start, end) in &spans {
            replaced.push_str(&text[written..start]);
            replaced.push_str(crate::mask::MASK);
            written = end;
        }
        replaced.push_str(&text[written..]);
        let found = all_matches(&matcher, &text);
        let mut repaired = Vec::new();
        matcher.for_each_replaced(&text, &found, &spans, &replaced, |pattern, start, end| {
            repaired.push((pattern, start, end))
        });
        prop_assert_eq!(repaired, all_matches(&matcher, &replaced));
    }
}

/// Seventeen terms with one first word make a group large enough for the automaton.
fn large_group(first_word: &str) -> Vec<String> {
    (0..17)
        .map(|index| format!("{first_word} open {index}"))
        .collect()
}

#[test]
fn the_automaton_reports_only_terms_that_start_at_the_word() {
    // The automaton's state after `pried` also carries `ied`, the match of its suffix.
    let mut terms = large_group("pried");
    terms.push("ied".to_owned());
    let terms: Vec<&str> = terms.iter().map(String::as_str).collect();
    check(&terms, "the door was pried loose", &[]);
    check(&terms, "pried open 12, an IED", &["pried open 12", "ied"]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn large_groups_agree_with_the_reference(
        (terms, text) in terms_and_text(),
    ) {
        // The random terms, plus a large group whose first word is the text's first word.
        let first_word: String = text
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let mut all = terms;
        if !first_word.is_empty() {
            all.extend(large_group(&first_word.to_ascii_lowercase()));
        }
        let mut seen = std::collections::HashSet::new();
        all.retain(|term| seen.insert(term.to_ascii_lowercase()));
        let matcher = WordMatcher::new(&all).unwrap();
        prop_assert_eq!(all_matches(&matcher, &text), reference(&all, &text));
    }
}

proptest! {
    #[test]
    fn the_short_word_hash_is_the_general_one(
        word in "[a-zA-Z0-9_]{1,8}",
        padding in "[a-z ]{0,8}",
    ) {
        // What follows the word in the eight loaded bytes must not matter.
        let text = format!("{word}{padding}");
        let bytes = text.as_bytes();
        prop_assert_eq!(
            super::short_word_bit(super::load(bytes, 0), word.len()),
            super::word_bit(bytes, 0, word.len())
        );
    }
}
