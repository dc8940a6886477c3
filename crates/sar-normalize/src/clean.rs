//! Text cleaning: Unicode NFC, control and invisible format characters removed, whitespace
//! tidied. Applied to every free-text field, so offsets, hashes and comparisons downstream see
//! one spelling of the same text.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Cleans `text`:
///
/// - `\r\n` and a lone `\r` become `\n`; other control characters are removed (`\n` is kept);
/// - tabs and every other whitespace character (no-break space, ideographic space, line
///   separator, ...) become a plain space;
/// - invisible format characters used to hide or reorder text (zero-width space, bidi
///   overrides and isolates, word joiner, byte-order mark) are removed;
/// - the result is in Unicode NFC;
/// - runs of spaces collapse to one space, spaces at the end of a line are removed, and blank
///   lines at the start and end are removed (blank lines inside are kept).
///
/// Idempotent: `clean_text(&clean_text(x)) == clean_text(x)`.
pub fn clean_text(text: &str) -> String {
    if is_clean_ascii(text.as_bytes()) {
        return text.to_owned();
    }
    clean_text_general(text)
}

/// Whether `clean_text` leaves `bytes` as it is, decided in one pass for the common case:
/// printable ASCII and line feeds only, no double space, no space before a line feed, no line
/// feed at either end and no trailing space. `false` may be a false negative (then the general
/// path runs), never a false positive.
fn is_clean_ascii(bytes: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return true;
    };
    if first == b'\n' || last == b'\n' || last == b' ' {
        return false;
    }
    // Two branch-free passes rather than one that branches on every byte.
    let unprintable = bytes.iter().fold(false, |bad, &byte| {
        bad | !((b' '..=b'~').contains(&byte) | (byte == b'\n'))
    });
    let space_before_space = bytes.windows(2).fold(false, |bad, pair| {
        bad | ((pair[0] == b' ') & ((pair[1] == b' ') | (pair[1] == b'\n')))
    });
    !unprintable && !space_before_space
}

/// The general path of `clean_text`, for any input.
pub(crate) fn clean_text_general(text: &str) -> String {
    // Filter before composing: removing a character between a base letter and its combining
    // mark after NFC would leave a non-NFC pair behind, and the result would not be idempotent.
    let mut filtered = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\n' => filtered.push('\n'),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    filtered.push('\n');
                }
            }
            ch if ch.is_whitespace() => filtered.push(' '),
            ch if ch.is_control() || is_invisible_format(ch) => {}
            ch => filtered.push(ch),
        }
    }
    let composed = if filtered.is_ascii() || is_nfc_quick(filtered.chars()) == IsNormalized::Yes {
        filtered
    } else {
        filtered.nfc().collect()
    };
    tidy_spaces(&composed)
}

/// Zero-width and direction-control characters (Unicode category Cf) that hide or reorder text.
/// Zero-width joiner and non-joiner are kept: some scripts and emoji need them.
fn is_invisible_format(ch: char) -> bool {
    matches!(
        ch,
        '\u{200B}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Collapses runs of spaces, trims spaces at line ends and blank lines at both ends.
fn tidy_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_blank_lines = 0usize;
    let mut wrote_line = false;
    for line in text.split('\n') {
        let start = out.len();
        if wrote_line {
            // Tentatively: removed again if the line turns out blank.
            out.push('\n');
        }
        let content_start = out.len();
        let mut previous_space = false;
        for ch in line.chars() {
            if ch == ' ' {
                if !previous_space {
                    out.push(' ');
                }
                previous_space = true;
            } else {
                out.push(ch);
                previous_space = false;
            }
        }
        while out.len() > content_start && out.ends_with(' ') {
            out.pop();
        }
        if out.len() == content_start {
            // Blank line: held back until a non-blank line follows, so trailing ones vanish.
            out.truncate(start);
            if wrote_line {
                pending_blank_lines += 1;
            }
            continue;
        }
        if pending_blank_lines > 0 {
            let content = out.split_off(content_start);
            for _ in 0..pending_blank_lines {
                out.push('\n');
            }
            out.push_str(&content);
            pending_blank_lines = 0;
        }
        wrote_line = true;
    }
    out
}

#[cfg(test)]
mod tests;
