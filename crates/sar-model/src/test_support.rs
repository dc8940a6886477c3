//! Helpers shared by this crate's unit tests.

use serde::Serialize;

/// Checks a closed vocabulary: every value's wire name is its serde name and parses back, and
/// names are case-sensitive.
pub(crate) fn check_vocabulary<T>(
    all: &[T],
    as_str: fn(T) -> &'static str,
    parse: fn(&str) -> Option<T>,
) where
    T: Copy + PartialEq + std::fmt::Debug + Serialize,
{
    for &value in all {
        let name = as_str(value);
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            format!("\"{name}\""),
            "{value:?}"
        );
        assert_eq!(parse(name), Some(value));
        assert_eq!(
            parse(&name.to_uppercase()),
            None,
            "names are case-sensitive"
        );
    }
    assert_eq!(parse(""), None);
}
