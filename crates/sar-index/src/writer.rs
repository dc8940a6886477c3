//! `ReportWriter`: the only writer of the index. Upserts are idempotent by report id; a commit
//! carries the driver's checkpoint as its payload, so the index and the position in the source
//! become durable together (Quickwit's checkpoint-with-publish).

use tantivy::{IndexReader, IndexWriter, Opstamp, Term};

use sar_model::records::RoutedRecord;

use crate::{IndexError, document::to_document, schema::Fields};

/// The index writer. Blocking: an async caller runs `commit` on a blocking thread.
pub struct ReportWriter {
    writer: IndexWriter,
    reader: IndexReader,
    fields: Fields,
}

impl std::fmt::Debug for ReportWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportWriter").finish_non_exhaustive()
    }
}

impl ReportWriter {
    pub(crate) fn new(writer: IndexWriter, reader: IndexReader, fields: Fields) -> Self {
        Self {
            writer,
            reader,
            fields,
        }
    }

    /// Replaces the document of the record's report id (or adds it). Visible after the next
    /// commit; applying the same record twice leaves one document.
    pub fn upsert(&mut self, record: &RoutedRecord) -> Result<(), IndexError> {
        let doc = to_document(&self.fields, record)?;
        let report_id = record.gated.scored.normalized.report.report_id.to_string();
        self.writer.delete_term(self.id_term(&report_id));
        self.writer
            .add_document(doc)
            .map_err(IndexError::storage("add a document"))?;
        Ok(())
    }

    /// Deletes the report's document (a purge). Effective at the next commit.
    pub fn delete(&mut self, report_id: &str) {
        self.writer.delete_term(self.id_term(report_id));
    }

    /// Makes everything applied so far durable, with `payload` (the driver's checkpoint) as the
    /// commit payload, then makes it visible to searches. Returns the commit's opstamp.
    pub fn commit(&mut self, payload: &str) -> Result<Opstamp, IndexError> {
        let mut prepared = self
            .writer
            .prepare_commit()
            .map_err(IndexError::storage("prepare a commit"))?;
        prepared.set_payload(payload);
        let opstamp = prepared
            .commit()
            .map_err(IndexError::storage("commit the index"))?;
        self.reader
            .reload()
            .map_err(IndexError::storage("reload the index reader"))?;
        Ok(opstamp)
    }

    /// Drops everything applied since the last commit.
    pub fn rollback(&mut self) -> Result<(), IndexError> {
        self.writer
            .rollback()
            .map(|_| ())
            .map_err(IndexError::storage("roll back the index writer"))
    }

    fn id_term(&self, report_id: &str) -> Term {
        Term::from_field_text(self.fields.report_id, report_id)
    }
}
