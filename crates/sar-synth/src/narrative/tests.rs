//! Tests of the rewording helpers.

use super::*;

#[test]
fn rewording_changes_words_but_never_entities() {
    let sentence = "The man left in a car (AZ plate ABC1234), called 602-555-0143 and e-mailed j.man@example.com from the car.";
    let formal = reword(sentence, Voice::Officer);
    assert_eq!(
        formal,
        "The male left in a vehicle (AZ plate ABC1234), called 602-555-0143 and e-mailed j.man@example.com from the vehicle."
    );
    assert_eq!(
        reword("He photographed the vehicle.", Voice::Citizen),
        "He took pictures of the car."
    );
    assert_eq!(
        reword("Man at the gate.", Voice::Officer),
        "Male at the gate."
    );
    assert_eq!(reword("USA MAN", Voice::Officer), "USA MAN");
    assert_eq!(reword("unchanged text", Voice::Security), "unchanged text");
    assert_eq!(
        paraphrase("He walked several times, watching."),
        "He went a few times, looking at."
    );
}

#[test]
fn articles_and_short_names() {
    assert_eq!(with_article("operator"), "an operator");
    assert_eq!(with_article("guard"), "a guard");
    assert_eq!(with_article("Arizona"), "an Arizona");
    assert_eq!(
        short_name("Phoenix International Airport", "the station"),
        "the airport"
    );
    assert_eq!(
        short_name("the Phoenix Water Treatment Plant", "the plant"),
        "the plant"
    );
    assert_eq!(short_name("Oak Hardware", "the store"), "the store");
}

#[test]
fn durations_read_naturally() {
    assert_eq!(duration_text(20), "about 20 minutes");
    assert_eq!(duration_text(60), "about an hour");
    assert_eq!(duration_text(95), "about an hour and a half");
    assert_eq!(duration_text(119), "nearly two hours");
}
