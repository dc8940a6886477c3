//! sar-indexer: index service: applies routed records to the one index writer, commits with the source checkpoint, serves search.
