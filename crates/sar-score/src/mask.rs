//! Masks protected-class terms before anything is matched (rules T-06, T-07).
//!
//! Every whole-word occurrence of a term of `sar_model::protected_terms` (leftmost-longest,
//! case-insensitive) becomes one fixed token, [`MASK`]. For "replace one protected word by
//! another" to give an identical text, three more steps are needed:
//!
//! - a mask swallows the neighbouring words that are *parts* of a multi-word protected term
//!   (`south` of `south asian`, `looked` of `looked foreign`), joined to it by spaces, hyphens or
//!   apostrophes: otherwise `south muslim` and `south asian` would mask differently;
//! - masks separated only by such separators merge into one token: otherwise `muslim` and
//!   `african american` would differ by a token;
//! - person names and aliases (in the unredacted additional facts) are masked the same way, so a
//!   name is never an input either.
//!
//! The mask character (U+2063, invisible separator) is not a word character for the lexicon or
//! the regexes, so a masked word can neither match nor glue two words into a match.

use std::{borrow::Cow, collections::HashSet};

use sar_model::protected_terms::protected_terms;

use crate::lexicon::{WordMatcher, is_word_byte};

/// The token every masked span becomes.
pub(crate) const MASK: &str = "\u{2063}";

/// Protected-term masker, built once.
#[derive(Debug, Clone)]
pub(crate) struct Masker {
    matcher: WordMatcher,
    terms: Vec<&'static str>,
    /// Lowercase words of multi-word protected terms, split on separators.
    parts: HashSet<String>,
}

/// The longest word of a multi-word protected term (`Masker::new` refuses longer ones).
const MAX_PART_LEN: usize = 64;

/// Space, tab, line breaks, hyphen, apostrophe: what joins the words of a protected term.
fn is_separator(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | b'-' | b'\'')
}

impl Masker {
    pub(crate) fn new() -> Result<Self, String> {
        let terms: Vec<&'static str> = protected_terms().map(|term| term.term).collect();
        let matcher = WordMatcher::new(&terms)?;
        let mut parts = HashSet::new();
        for term in &terms {
            if term.bytes().any(is_separator) {
                parts.extend(
                    term.split(|c: char| c.is_ascii() && is_separator(c as u8))
                        .map(str::to_ascii_lowercase),
                );
            }
        }
        parts.remove("");
        if let Some(long) = parts.iter().find(|part| part.len() > MAX_PART_LEN) {
            return Err(format!(
                "protected-term word {long:?} is longer than {MAX_PART_LEN} bytes"
            ));
        }
        Ok(Self {
            matcher,
            terms,
            parts,
        })
    }

    /// The protected-term matcher.
    pub(crate) fn matcher(&self) -> &WordMatcher {
        &self.matcher
    }

    /// The first protected-class term found in `text` as a whole word, if any.
    pub(crate) fn first_protected_term(&self, text: &str) -> Option<&'static str> {
        let mut first = None;
        self.matcher.for_each(text, |pattern, _, _| {
            if first.is_none() {
                first = self.terms.get(pattern).copied();
            }
        });
        first
    }

    /// `text` with protected-class terms, and whole-word occurrences of `names` (words of at
    /// least two characters), masked. Borrows when there is nothing to mask.
    pub(crate) fn mask<'t>(&self, text: &'t str, names: &[&str]) -> Cow<'t, str> {
        let bytes = text.as_bytes();
        let mut spans: Vec<(usize, usize)> = Vec::new();
        self.matcher
            .for_each(text, |_, start, end| spans.push((start, end)));
        if !names.is_empty() {
            name_spans(bytes, names, &mut spans);
        }
        self.mask_spans(text, spans)
    }

    /// `text` with `spans` (whole-word matches of the protected terms, and of names) masked,
    /// as `mask` does once it has found them. Borrows when `spans` is empty.
    pub(crate) fn mask_spans<'t>(&self, text: &'t str, spans: Vec<(usize, usize)>) -> Cow<'t, str> {
        self.mask_merged(text, spans).0
    }

    /// `mask_spans`, also returning the spans of `text` that became one [`MASK`] each (after
    /// absorbing parts and merging), sorted and disjoint.
    pub(crate) fn mask_merged<'t>(
        &self,
        text: &'t str,
        mut spans: Vec<(usize, usize)>,
    ) -> (Cow<'t, str>, Vec<(usize, usize)>) {
        let bytes = text.as_bytes();
        if spans.is_empty() {
            return (Cow::Borrowed(text), spans);
        }
        for span in &mut spans {
            span.0 = self.absorb_left(bytes, span.0);
            span.1 = self.absorb_right(bytes, span.1);
        }
        spans.sort_unstable();
        let mut out = String::with_capacity(text.len());
        let mut merged = Vec::with_capacity(spans.len());
        let mut written = 0;
        let mut index = 0;
        while index < spans.len() {
            let (start, mut end) = spans[index];
            index += 1;
            while index < spans.len() && joined(bytes, end, spans[index].0) {
                end = end.max(spans[index].1);
                index += 1;
            }
            // `start` is never before `written`: a span that began inside the previous merged
            // span would have been joined to it.
            out.push_str(&text[written..start]);
            out.push_str(MASK);
            merged.push((start, end));
            written = end;
        }
        out.push_str(&text[written..]);
        (Cow::Owned(out), merged)
    }

    fn is_part(&self, word: &[u8]) -> bool {
        // Parts are lowercase ASCII of at most `MAX_PART_LEN` bytes (checked in `new`): the word
        // is lowercased on the stack and looked up; a longer word is no part.
        let mut lower = [0u8; MAX_PART_LEN];
        let Some(lower) = lower.get_mut(..word.len()) else {
            return false;
        };
        lower.copy_from_slice(word);
        lower.make_ascii_lowercase();
        std::str::from_utf8(lower).is_ok_and(|lower| self.parts.contains(lower))
    }

    /// Moves `start` left over separators and protected-term parts.
    fn absorb_left(&self, bytes: &[u8], mut start: usize) -> usize {
        loop {
            let mut word_end = start;
            while word_end > 0 && is_separator(bytes[word_end - 1]) {
                word_end -= 1;
            }
            if word_end == start {
                return start;
            }
            let mut word_start = word_end;
            while word_start > 0 && is_word_byte(bytes[word_start - 1]) {
                word_start -= 1;
            }
            if word_start == word_end || !self.is_part(&bytes[word_start..word_end]) {
                return start;
            }
            start = word_start;
        }
    }

    /// Moves `end` right over separators and protected-term parts.
    fn absorb_right(&self, bytes: &[u8], mut end: usize) -> usize {
        loop {
            let mut word_start = end;
            while word_start < bytes.len() && is_separator(bytes[word_start]) {
                word_start += 1;
            }
            if word_start == end {
                return end;
            }
            let mut word_end = word_start;
            while word_end < bytes.len() && is_word_byte(bytes[word_end]) {
                word_end += 1;
            }
            if word_start == word_end || !self.is_part(&bytes[word_start..word_end]) {
                return end;
            }
            end = word_end;
        }
    }
}

/// Whether the span starting at `next_start` overlaps or touches the one ending at `end`
/// through separators only.
fn joined(bytes: &[u8], end: usize, next_start: usize) -> bool {
    next_start <= end
        || bytes[end..next_start]
            .iter()
            .all(|&byte| is_separator(byte))
}

/// Adds the spans of whole words of `text` equal (ASCII case-insensitively) to a word of a name.
fn name_spans(bytes: &[u8], names: &[&str], spans: &mut Vec<(usize, usize)>) {
    let mut at = 0;
    while at < bytes.len() {
        if !is_word_byte(bytes[at]) {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len() && is_word_byte(bytes[at]) {
            at += 1;
        }
        let word = &bytes[start..at];
        let is_name = names.iter().any(|name| {
            name.as_bytes()
                .split(|&byte| !is_word_byte(byte))
                .any(|part| part.len() >= 2 && part.eq_ignore_ascii_case(word))
        });
        if is_name {
            spans.push((start, at));
        }
    }
}

#[cfg(test)]
mod tests;
