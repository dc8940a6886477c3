//! sar-index: the full-text index of reports (tantivy): schema, single writer with checkpoint in the commit payload, need-to-know search.
