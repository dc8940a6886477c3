//! Tests of `clean_text`: one `check` table and the idempotence property.

use proptest::prelude::*;

use super::{clean_text, clean_text_general};

fn check(input: &str, expected: &str) {
    let cleaned = clean_text(input);
    assert_eq!(cleaned, expected, "clean_text({input:?})");
    assert_eq!(clean_text(&cleaned), cleaned, "not idempotent on {input:?}");
}

#[test]
fn cleans_whitespace_controls_and_forms() {
    check("", "");
    check("plain text", "plain text");
    check("  two   spaces  ", " two spaces");
    check("tab\there", "tab here");
    check("line one   \nline two\t\n", "line one\nline two");
    check("\n\n  \nfirst\n\n\nsecond\n \n\n", "first\n\n\nsecond");
    check("crlf\r\nline\rold mac", "crlf\nline\nold mac");
    check("nul\u{0}bell\u{7}esc\u{1b}", "nulbellesc");
    check(
        "no\u{a0}break\u{3000}ideographic\u{2028}sep",
        "no break ideographic sep",
    );
    check(
        "zero\u{200b}width\u{feff} bidi\u{202e}x\u{2066}y",
        "zerowidth bidixy",
    );
    check("keeps\u{200d}joiner", "keeps\u{200d}joiner");
    // NFD e + combining acute -> NFC é; a control between them does not block composition.
    check("cafe\u{301}", "caf\u{e9}");
    check("cafe\u{0}\u{301}", "caf\u{e9}");
    check("\u{212b}ngstr\u{f6}m", "\u{c5}ngstr\u{f6}m");
    check(" \u{301}", " \u{301}");
}

proptest! {
    #[test]
    fn fast_path_agrees_with_the_general_path(
        text in "[a-c \\t\\r\\n.\u{0}\u{7f}\u{a0}\u{301}]{0,30}"
    ) {
        prop_assert_eq!(clean_text(&text), clean_text_general(&text));
    }

    #[test]
    fn fast_path_agrees_on_printable_ascii(text in "[ -~\\n]{0,40}") {
        prop_assert_eq!(clean_text(&text), clean_text_general(&text));
    }

    #[test]
    fn idempotent_on_any_string(text in any::<String>()) {
        let once = clean_text(&text);
        prop_assert_eq!(clean_text(&once), once.clone());
    }

    #[test]
    fn idempotent_on_whitespace_heavy_strings(
        text in "[a-e \\t\\r\\n\u{a0}\u{301}\u{300}\u{0}\u{200b}\u{2028}]{0,40}"
    ) {
        let once = clean_text(&text);
        prop_assert_eq!(clean_text(&once), once.clone());
        prop_assert!(!once.contains("  "));
        prop_assert!(!once.contains(" \n"));
        prop_assert!(!once.ends_with('\n') && !once.starts_with('\n'));
    }
}
