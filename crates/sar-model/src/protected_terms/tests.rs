//! Tests for the protected-class term list.

use std::collections::HashSet;

use super::*;

#[test]
fn terms_are_lowercase_unique_and_cover_every_class() {
    let mut seen = HashSet::new();
    let mut classes = HashSet::new();
    for term in protected_terms() {
        assert_eq!(term.term, term.term.to_lowercase(), "{}", term.term);
        assert_eq!(term.term, term.term.trim(), "{}", term.term);
        assert!(seen.insert(term.term), "duplicate term {}", term.term);
        classes.insert(term.class);
    }
    assert_eq!(classes.len(), 6);
    for expected in [
        "middle eastern",
        "muslim",
        "looked foreign",
        "jewish",
        "hispanic",
        "speaking arabic",
    ] {
        assert!(seen.contains(expected), "{expected}");
    }
}
