//! Tests for grading vocabularies and mapping.

use super::*;

#[test]
fn each_axis_accepts_only_its_vocabulary() {
    assert!(SourceReliability::parse("usually_reliable").is_ok());
    assert!(SourceReliability::parse("C").is_ok());
    // validity words and digits are not reliability grades, and the reverse
    assert!(SourceReliability::parse("probable").is_err());
    assert!(SourceReliability::parse("3").is_err());
    assert!(ContentValidity::parse("B").is_err());
    assert!(ContentValidity::parse("reliable").is_err());
    let error = ContentValidity::parse("7").unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("unknown content_validity grade `7`"),
        "{error}"
    );
}

#[test]
fn tokens_round_trip() {
    for token in [
        "reliable",
        "usually_reliable",
        "unreliable",
        "unknown",
        "A",
        "B",
        "C",
        "D",
        "E",
        "F",
    ] {
        assert_eq!(SourceReliability::parse(token).unwrap().token(), token);
    }
    for token in [
        "confirmed",
        "probable",
        "doubtful",
        "cannot_be_judged",
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
    ] {
        assert_eq!(ContentValidity::parse(token).unwrap().token(), token);
    }
}

#[test]
fn anonymous_default_is_unknown_and_cannot_be_judged() {
    let grading = Grading::anonymous_default();
    assert_eq!(grading.source_reliability.token(), "unknown");
    assert_eq!(grading.content_validity.token(), "cannot_be_judged");
    let mapped = grading
        .with_mapping_to(GradingScheme::Admiralty)
        .mapped
        .unwrap();
    assert_eq!(mapped.source_reliability.token(), "F");
    assert_eq!(mapped.content_validity.token(), "6");
}

#[test]
fn mapping_never_overwrites_the_original() {
    let original = Grading {
        source_reliability: SourceReliability::parse("C").unwrap(),
        content_validity: ContentValidity::parse("3").unwrap(),
        basis: GradeBasis::Submitted,
        mapped: None,
    };
    let with_mapping = original.with_mapping_to(GradingScheme::Us4x4);
    assert_eq!(with_mapping.source_reliability, original.source_reliability);
    assert_eq!(with_mapping.content_validity, original.content_validity);
    let mapped = with_mapping.mapped.unwrap();
    assert_eq!(mapped.mapped_from, GradingScheme::Admiralty);
    assert_eq!(mapped.source_reliability.token(), "usually_reliable");
    assert_eq!(mapped.content_validity.token(), "probable");
}

#[test]
fn axes_are_independent() {
    // a reliable source may still send doubtful content, and the reverse
    let grading = Grading {
        source_reliability: SourceReliability::parse("A").unwrap(),
        content_validity: ContentValidity::parse("5").unwrap(),
        basis: GradeBasis::Submitted,
        mapped: None,
    };
    let json = serde_json::to_string(&grading).unwrap();
    assert_eq!(serde_json::from_str::<Grading>(&json).unwrap(), grading);
    assert!(json.contains("\"source_reliability\":\"A\""), "{json}");
    assert!(json.contains("\"content_validity\":\"5\""), "{json}");
}
