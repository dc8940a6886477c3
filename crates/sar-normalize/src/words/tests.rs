//! The bitmap walks against byte-by-byte definitions.

use super::*;

/// Words as maximal runs of ASCII letters and digits, byte by byte.
fn reference(text: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (index, byte) in text.iter().enumerate() {
        match (byte.is_ascii_alphanumeric(), start) {
            (true, None) => start = Some(index),
            (false, Some(from)) => {
                out.push((from, index));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        out.push((from, text.len()));
    }
    out
}

fn check(text: &[u8]) {
    let blocks = alnum_bitmap(text);
    let expected = reference(text);
    assert_eq!(words(&blocks).collect::<Vec<_>>(), expected, "{text:?}");
    let starts: Vec<usize> = expected.iter().map(|&(start, _)| start).collect();
    assert_eq!(word_starts(&blocks).collect::<Vec<_>>(), starts, "{text:?}");
}

#[test]
fn words_across_block_edges() {
    check(b"");
    check(b" ");
    check(b"a");
    check(&[b'x'; 64]);
    check(&[b'x'; 128]);
    check(&[b'7'; 65]);
    let mut text = vec![b' '; 63];
    text.extend_from_slice(b"ab cd");
    check(&text);
    check("Zé 9:30, AZ-19\u{7f}@[`{".as_bytes());
    check(&(0..=255u8).collect::<Vec<u8>>());
}

proptest::proptest! {
    #[test]
    fn words_are_the_runs_of_letters_and_digits(
        text in proptest::collection::vec(
            proptest::sample::select(vec![b'a', b'Z', b'0', b'9', b' ', b'.', b'@', b'[', b'`', b'{', b'/', b':', 0x80, 0xff]),
            0..300,
        )
    ) {
        check(&text);
    }
}

/// The marks bitmap picks exactly the bytes `pick` picks; `next_set` finds each in turn.
#[test]
fn marks_are_the_digits_uppercase_letters_and_six_punctuation_bytes() {
    let pick =
        |byte: u8| byte.is_ascii_digit() || byte.is_ascii_uppercase() || b"@$:/-.".contains(&byte);
    let mut text: Vec<u8> = (0..=255u8).collect();
    text.extend((0..=255u8).rev());
    text.extend_from_slice(b" at 9:30 A.M. on 3/4 $5 -x@y ");
    let marks = marks_bitmap(&text);
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = next_set(&marks, from) {
        found.push(at);
        from = at + 1;
    }
    let expected: Vec<usize> = (0..text.len()).filter(|&at| pick(text[at])).collect();
    assert_eq!(found, expected);
    assert_eq!(next_set(&marks, text.len() + 100), None);
}
