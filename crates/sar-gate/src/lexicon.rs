//! Whole-word, case-insensitive lexicon matching with aho-corasick, and sentence splitting.
//!
//! A lexicon is a list of lowercase terms, each owned by a group (a rule, or a single list).
//! Matching is leftmost-longest and ASCII case-insensitive; a match counts only when it stands
//! on word boundaries (the characters around it are not alphanumeric), where a single trailing
//! `s` is accepted as a plural. Terms are ASCII, so every match starts and ends on a character
//! boundary of the text.

use aho_corasick::{
    AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Anchored, BuildError, MatchKind,
    automaton::Automaton as _, dfa,
};

/// A compiled lexicon. Each term belongs to one group (an index chosen by the caller).
#[derive(Debug, Clone)]
pub(crate) struct Lexicon {
    automaton: AhoCorasick,
    /// For each pattern: (group, term).
    patterns: Vec<(usize, &'static str)>,
}

/// One whole-word match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    /// The group of the term.
    pub(crate) group: usize,
    /// The term as listed (lowercase).
    pub(crate) term: &'static str,
    /// Byte start in the text.
    pub(crate) start: usize,
    /// Byte end (exclusive), including an accepted plural `s`.
    pub(crate) end: usize,
}

impl Lexicon {
    /// Builds a lexicon from `(group, term)` pairs.
    pub(crate) fn new(
        terms: impl IntoIterator<Item = (usize, &'static str)>,
    ) -> Result<Self, BuildError> {
        let patterns: Vec<(usize, &'static str)> = terms.into_iter().collect();
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            // Built once per gate: a full DFA is the fastest to search.
            .kind(Some(AhoCorasickKind::DFA))
            .build(patterns.iter().map(|(_, term)| term))?;
        Ok(Self {
            automaton,
            patterns,
        })
    }

    /// A lexicon whose terms all belong to group 0.
    pub(crate) fn flat(terms: &[&'static str]) -> Result<Self, BuildError> {
        Self::new(terms.iter().map(|term| (0, *term)))
    }

    /// Every whole-word match in `text`, in order.
    pub(crate) fn hits(&self, text: &str) -> Vec<Hit> {
        self.hit_iter(text).collect()
    }

    /// Whether any term matches `text` as a whole word.
    pub(crate) fn matches(&self, text: &str) -> bool {
        self.hit_iter(text).next().is_some()
    }

    fn hit_iter<'a>(&'a self, text: &'a str) -> impl Iterator<Item = Hit> + 'a {
        self.automaton.find_iter(text).filter_map(move |found| {
            self.to_hit(text, found.pattern().as_usize(), found.start(), found.end())
        })
    }

    /// The match of `pattern` at `start..end`, if it stands on word boundaries (or is a plural).
    fn to_hit(&self, text: &str, pattern: usize, start: usize, end: usize) -> Option<Hit> {
        let &(group, term) = self.patterns.get(pattern)?;
        let mut end = end;
        if !boundary_before(text, start) {
            return None;
        }
        if !boundary_after(text, end) {
            // A plural: `protesters`, `somalis`.
            let plural = text[end..].starts_with(['s', 'S']) && boundary_after(text, end + 1);
            if !plural {
                return None;
            }
            end += 1;
        }
        Some(Hit {
            group,
            term,
            start,
            end,
        })
    }
}

/// How many walks `LexiconSet::hits` runs at once.
const WALKS: usize = 4;

/// A text shorter than this is walked in one piece by `LexiconSet::hits`.
const MIN_SPLIT: usize = 256;

/// Several lexicons searched in one pass over the text: one automaton reports every occurrence
/// of every term (overlapping), and each lexicon's leftmost-longest matches are picked from its
/// occurrences as its own search would find them: the occurrence that starts first, the longest
/// there, then the next one starting at or after its end.
///
/// The occurrences are found by walking the automaton over several parts of the text side by
/// side (`occurrences`): each step of a walk is a table look-up that needs the one before, so a
/// single walk runs at the latency of those look-ups, and independent walks overlap them.
#[derive(Debug, Clone)]
pub(crate) struct LexiconSet {
    automaton: dfa::DFA,
    /// For each pattern: (lexicon index, pattern index in that lexicon).
    owners: Vec<(usize, usize)>,
    lexicons: usize,
}

impl LexiconSet {
    /// `None` when a lexicon lists two terms equal but for ASCII case: two matches with the same
    /// span would then be a tie that only that lexicon's own automaton can break.
    pub(crate) fn new(lexicons: &[&Lexicon]) -> Result<Option<Self>, BuildError> {
        let mut owners = Vec::new();
        let mut terms = Vec::new();
        for (index, lexicon) in lexicons.iter().enumerate() {
            let mut lowered: Vec<String> = lexicon
                .patterns
                .iter()
                .map(|(_, term)| term.to_ascii_lowercase())
                .collect();
            lowered.sort_unstable();
            if lowered.windows(2).any(|pair| pair[0] == pair[1]) {
                return Ok(None);
            }
            for (pattern, (_, term)) in lexicon.patterns.iter().enumerate() {
                owners.push((index, pattern));
                terms.push(*term);
            }
        }
        // No prefilter: the walks below handle dead and match states only.
        let automaton = dfa::Builder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&terms)?;
        Ok(Some(Self {
            automaton,
            owners,
            lexicons: lexicons.len(),
        }))
    }

    /// For each of `lexicons` (the ones the set was built from, in the same order), what its
    /// `hits(text)` gives.
    pub(crate) fn hits(&self, lexicons: &[&Lexicon], text: &str) -> Vec<Vec<Hit>> {
        // (lexicon, start, longest first, pattern)
        let mut found: Vec<(usize, usize, std::cmp::Reverse<usize>, usize)> = Vec::new();
        let split = text.len() >= MIN_SPLIT;
        self.occurrences(text.as_bytes(), split, &mut |pattern, start, end| {
            if let Some(&(lexicon, pattern)) = self.owners.get(pattern) {
                found.push((lexicon, start, std::cmp::Reverse(end), pattern));
            }
        });
        found.sort_unstable();
        let mut out = vec![Vec::new(); self.lexicons];
        let mut resume = 0;
        let mut current = usize::MAX;
        for (lexicon, start, std::cmp::Reverse(end), pattern) in found {
            if lexicon != current {
                current = lexicon;
                resume = 0;
            }
            if start < resume {
                continue;
            }
            resume = end;
            if let (Some(hits), Some(owner)) = (out.get_mut(lexicon), lexicons.get(lexicon))
                && let Some(hit) = owner.to_hit(text, pattern, start, end)
            {
                hits.push(hit);
            }
        }
        out
    }

    /// Calls `each(pattern, start, end)` for every occurrence of every pattern in `text`
    /// (overlapping, as `find_overlapping_iter` reports them, in another order), walking
    /// `WALKS` parts side by side (one part when `split` is false).
    ///
    /// An occurrence belongs to the part it starts in: the walk of a part begins at the part's
    /// start in the automaton's start state, goes on past the part's end by the longest
    /// pattern's length less one, and reports only what starts inside the part. A walk begun
    /// at a part's start never reports an occurrence that starts before it (the automaton's
    /// state never holds more text than it has read).
    fn occurrences(&self, text: &[u8], split: bool, each: &mut impl FnMut(usize, usize, usize)) {
        let Ok(start) = self.automaton.start_state(Anchored::No) else {
            return;
        };
        if !split {
            self.walk(text, 0, text.len(), text.len(), start, each);
            return;
        }
        let part = text.len().div_ceil(WALKS);
        let overrun = self.automaton.max_pattern_len().saturating_sub(1);
        // For each walk: where it starts, where it stops, and the end of the starts it reports.
        let walks: [(usize, usize, usize); WALKS] = std::array::from_fn(|index| {
            let from = (index * part).min(text.len());
            let owned = (from + part).min(text.len());
            (from, (owned + overrun).min(text.len()), owned)
        });
        let steps = walks
            .iter()
            .map(|&(from, to, _)| to - from)
            .min()
            .unwrap_or(0);
        let mut states = [start; WALKS];
        for step in 0..steps {
            for (state, &(from, _, owned)) in states.iter_mut().zip(&walks) {
                let at = from + step;
                let Some(&byte) = text.get(at) else { continue };
                *state = self.automaton.next_state(Anchored::No, *state, byte);
                if self.automaton.is_special(*state) {
                    self.report(*state, at + 1, owned, each);
                }
            }
        }
        for (state, &(from, to, owned)) in states.iter().zip(&walks) {
            self.walk(text, from + steps, to, owned, *state, each);
        }
    }

    /// One walk over `text[from..to]` from `state`, reporting occurrences that start before
    /// `owned`.
    fn walk(
        &self,
        text: &[u8],
        from: usize,
        to: usize,
        owned: usize,
        mut state: aho_corasick::automaton::StateID,
        each: &mut impl FnMut(usize, usize, usize),
    ) {
        for (at, &byte) in text.get(from..to).unwrap_or_default().iter().enumerate() {
            state = self.automaton.next_state(Anchored::No, state, byte);
            if self.automaton.is_special(state) {
                self.report(state, from + at + 1, owned, each);
            }
        }
    }

    /// The occurrences that end at `end` in `state` and start before `owned`.
    #[cold]
    fn report(
        &self,
        state: aho_corasick::automaton::StateID,
        end: usize,
        owned: usize,
        each: &mut impl FnMut(usize, usize, usize),
    ) {
        if !self.automaton.is_match(state) {
            return;
        }
        for index in 0..self.automaton.match_len(state) {
            let pattern = self.automaton.match_pattern(state, index);
            let begin = end - self.automaton.pattern_len(pattern);
            if begin < owned {
                each(pattern.as_usize(), begin, end);
            }
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

fn boundary_before(text: &str, start: usize) -> bool {
    text.get(..start)
        .and_then(|before| before.chars().next_back())
        .is_none_or(|c| !is_word_char(c))
}

fn boundary_after(text: &str, end: usize) -> bool {
    text.get(end..)
        .and_then(|after| after.chars().next())
        .is_none_or(|c| !is_word_char(c))
}

/// The characters that can end a sentence (see `sentences`).
pub(crate) const SENTENCE_TERMINATORS: [char; 6] = ['\n', '\r', ';', '.', '!', '?'];

/// Splits `text` into sentences: a `.`, `!` or `?` followed by whitespace (or the end), a line
/// break or a `;` ends one. Returns byte ranges, never empty ones (nor only whitespace).
pub(crate) fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for index in 0..text.len() {
        if ends_sentence(text, index) {
            let end = index + 1;
            if !text[start..end].trim().is_empty() {
                out.push((start, end));
            }
            start = end;
        }
    }
    if !text[start..].trim().is_empty() {
        out.push((start, text.len()));
    }
    out
}

/// Whether the byte at `index` ends a sentence (see `sentences`).
fn ends_sentence(text: &str, index: usize) -> bool {
    // Terminators are ASCII, so a byte equal to one is that character.
    match text.as_bytes().get(index) {
        Some(b'\n' | b'\r' | b';') => true,
        Some(b'.' | b'!' | b'?') => text
            .get(index + 1..)
            .and_then(|after| after.chars().next())
            .is_none_or(char::is_whitespace),
        _ => false,
    }
}

/// The sentence of `sentences(text)` that holds the byte at `at`, when the text from `at` to
/// the end of what the caller looks at holds no terminator (a lexicon hit of terms without
/// one): the text from just after the last terminator before `at` to the first one from it.
/// Only that sentence is scanned, not the whole text.
pub(crate) fn sentence_around(text: &str, at: usize) -> (usize, usize) {
    let start = (0..at.min(text.len()))
        .rev()
        .find(|&index| ends_sentence(text, index))
        .map_or(0, |index| index + 1);
    let end = (at..text.len())
        .find(|&index| ends_sentence(text, index))
        .map_or(text.len(), |index| index + 1);
    (start, end)
}

/// The first `count` words after byte offset `end`, lowercased.
pub(crate) fn next_words(text: &str, end: usize, count: usize) -> Vec<String> {
    text.get(end..)
        .unwrap_or("")
        .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
        .filter(|word| !word.is_empty())
        .take(count)
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests;
