//! The index schema: the fields, the tokenizers they use, and which fields are PII.
//!
//! Keyword fields (codes, sectors, queue, outcome, jurisdiction, agency, sensitivity) are one
//! lowercased token each,
//! so filters match whatever case the caller sends. Narratives use the English stemmer; names,
//! identifiers and the summary text the default tokenizer (split on non-alphanumerics,
//! lowercased), so `555-201-7788` is found as the phrase `555 201 7788`.

use tantivy::{
    Index,
    schema::{
        DateOptions, DateTimePrecision, FAST, Field, INDEXED, IndexRecordOption, STORED, Schema,
        TextFieldIndexing, TextOptions,
    },
    tokenizer::{LowerCaser, RawTokenizer, TextAnalyzer},
};

/// Tokenizer of keyword fields: the whole value, lowercased.
pub(crate) const KEYWORD: &str = "sar_keyword";
/// Tokenizer of narratives.
const STEMMED: &str = "en_stem";
/// Tokenizer of names, identifiers and the summary text.
const PLAIN: &str = "default";

/// Field names, as the query syntax `field:value` spells them.
pub(crate) mod names {
    pub(crate) const REPORT_ID: &str = "report_id";
    pub(crate) const NARRATIVE_REDACTED: &str = "narrative_redacted";
    pub(crate) const SUMMARY_TEXT: &str = "summary_text";
    pub(crate) const BEHAVIOR_CODES: &str = "behavior_codes";
    pub(crate) const TARGET_SECTORS: &str = "target_sectors";
    pub(crate) const QUEUE: &str = "queue";
    pub(crate) const OUTCOME: &str = "outcome";
    pub(crate) const JURISDICTION: &str = "jurisdiction";
    pub(crate) const AGENCY: &str = "agency";
    pub(crate) const SENSITIVITY: &str = "sensitivity";
    pub(crate) const RECEIVED_AT: &str = "received_at";
    pub(crate) const OBSERVED_AT: &str = "observed_at";
    pub(crate) const SCORE: &str = "score";
    pub(crate) const SUMMARY_VIEW: &str = "summary_view";
    pub(crate) const DETAILED_VIEW: &str = "detailed_view";
    pub(crate) const RECORD: &str = "record";
    pub(crate) const NARRATIVE: &str = "narrative";
    pub(crate) const PERSON_NAMES: &str = "person_names";
    pub(crate) const IDENTIFIERS: &str = "identifiers";
    pub(crate) const PLATES: &str = "plates";
    pub(crate) const CONTACT: &str = "contact";
    pub(crate) const ADDRESSES: &str = "addresses";
}

/// Names a caller without the PII right may use in a query (`field:value`).
pub(crate) const SUMMARY_QUERYABLE: &[&str] = &[
    names::REPORT_ID,
    names::NARRATIVE_REDACTED,
    names::SUMMARY_TEXT,
    names::BEHAVIOR_CODES,
    names::TARGET_SECTORS,
    names::QUEUE,
    names::OUTCOME,
    names::JURISDICTION,
    names::AGENCY,
    names::SENSITIVITY,
    names::RECEIVED_AT,
    names::OBSERVED_AT,
    names::SCORE,
];

/// The PII fields: queried, and their views returned, only for a caller with the PII right.
pub(crate) const PII_QUERYABLE: &[&str] = &[
    names::NARRATIVE,
    names::PERSON_NAMES,
    names::IDENTIFIERS,
    names::PLATES,
    names::CONTACT,
    names::ADDRESSES,
];

/// Every field of the schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub(crate) report_id: Field,
    pub(crate) narrative_redacted: Field,
    pub(crate) summary_text: Field,
    pub(crate) behavior_codes: Field,
    pub(crate) target_sectors: Field,
    pub(crate) queue: Field,
    pub(crate) outcome: Field,
    pub(crate) jurisdiction: Field,
    pub(crate) agency: Field,
    pub(crate) sensitivity: Field,
    pub(crate) received_at: Field,
    pub(crate) observed_at: Field,
    pub(crate) score: Field,
    pub(crate) summary_view: Field,
    pub(crate) detailed_view: Field,
    pub(crate) record: Field,
    pub(crate) narrative: Field,
    pub(crate) person_names: Field,
    pub(crate) identifiers: Field,
    pub(crate) plates: Field,
    pub(crate) contact: Field,
    pub(crate) addresses: Field,
}

impl Fields {
    /// The fields a free-text query searches when it names none: for a Summary caller the
    /// redacted narrative and the summary text; for a PII caller the full narrative instead of
    /// the redacted one, and the PII fields. The redacted narrative is the narrative with its
    /// PII spans replaced by placeholders (`[NAME]`, ...): searching both only doubled the work
    /// (a union of two near-identical posting lists per term) and matched placeholders.
    pub(crate) fn default_text_fields(&self, pii: bool) -> Vec<Field> {
        if !pii {
            return vec![self.narrative_redacted, self.summary_text];
        }
        vec![
            self.narrative,
            self.summary_text,
            self.person_names,
            self.identifiers,
            self.plates,
            self.contact,
            self.addresses,
        ]
    }
}

/// The schema and its fields.
pub(crate) fn build() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let keyword = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(KEYWORD)
            .set_fieldnorms(false)
            .set_index_option(IndexRecordOption::Basic),
    );
    let text = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let date = DateOptions::default()
        .set_indexed()
        .set_fast()
        .set_precision(DateTimePrecision::Seconds);
    let report_id = builder.add_text_field(
        names::REPORT_ID,
        TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer("raw")
                    .set_fieldnorms(false)
                    .set_index_option(IndexRecordOption::Basic),
            )
            .set_stored(),
    );
    let fields = Fields {
        report_id,
        narrative_redacted: builder.add_text_field(names::NARRATIVE_REDACTED, text(STEMMED)),
        summary_text: builder.add_text_field(names::SUMMARY_TEXT, text(PLAIN)),
        behavior_codes: builder.add_text_field(names::BEHAVIOR_CODES, keyword.clone()),
        target_sectors: builder.add_text_field(names::TARGET_SECTORS, keyword.clone()),
        queue: builder.add_text_field(names::QUEUE, keyword.clone()),
        outcome: builder.add_text_field(names::OUTCOME, keyword.clone()),
        jurisdiction: builder.add_text_field(names::JURISDICTION, keyword.clone()),
        agency: builder.add_text_field(names::AGENCY, keyword.clone()),
        sensitivity: builder.add_text_field(names::SENSITIVITY, keyword),
        received_at: builder.add_date_field(names::RECEIVED_AT, date.clone()),
        observed_at: builder.add_date_field(names::OBSERVED_AT, date),
        score: builder.add_f64_field(names::SCORE, INDEXED | FAST),
        summary_view: builder.add_text_field(names::SUMMARY_VIEW, STORED),
        detailed_view: builder.add_text_field(names::DETAILED_VIEW, STORED),
        record: builder.add_text_field(names::RECORD, STORED),
        narrative: builder.add_text_field(names::NARRATIVE, text(STEMMED)),
        person_names: builder.add_text_field(names::PERSON_NAMES, text(PLAIN)),
        identifiers: builder.add_text_field(names::IDENTIFIERS, text(PLAIN)),
        plates: builder.add_text_field(names::PLATES, text(PLAIN)),
        contact: builder.add_text_field(names::CONTACT, text(PLAIN)),
        addresses: builder.add_text_field(names::ADDRESSES, text(PLAIN)),
    };
    (builder.build(), fields)
}

/// Registers the tokenizers the schema names but tantivy does not ship (they are not stored in
/// the index, so every open registers them again).
pub(crate) fn register_tokenizers(index: &Index) {
    index.tokenizers().register(
        KEYWORD,
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
}

/// A keyword as indexed: lowercased.
pub(crate) fn keyword(value: &str) -> String {
    value.to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_either_summary_or_pii_or_stored_only() {
        let (schema, _) = build();
        for (_, entry) in schema.fields() {
            let name = entry.name();
            let stored_only = [names::SUMMARY_VIEW, names::DETAILED_VIEW, names::RECORD];
            let listed = SUMMARY_QUERYABLE.contains(&name)
                || PII_QUERYABLE.contains(&name)
                || stored_only.contains(&name);
            assert!(listed, "field {name} is not classified");
            assert!(
                !(SUMMARY_QUERYABLE.contains(&name) && PII_QUERYABLE.contains(&name)),
                "field {name} is both summary and pii"
            );
            if stored_only.contains(&name) {
                assert!(
                    !entry.is_indexed(),
                    "stored view {name} must not be searchable"
                );
            }
        }
    }
}
