//! `ReportIndex`: the index directory, its schema and the one reader of the process. Searches
//! take a fresh searcher from the reader, so a commit is visible to the next request.

use std::path::Path;

use serde_json::Value;
use tantivy::{
    DocAddress, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term,
    collector::{Count, TopDocs},
    directory::MmapDirectory,
    query::TermQuery,
    schema::{Field, IndexRecordOption, Value as _},
    snippet::SnippetGenerator,
};

use sar_model::{
    access::Caller,
    privacy::{Context, summarize_value},
};

use crate::{
    IndexError, ReportWriter,
    document::StoredSummary,
    schema::{self, Fields},
    search::{
        DetailedView, ReportView, SearchHit, SearchRequest, SearchResponse, SortBy, ViewKind,
        build_query,
    },
};

/// The report index. Share it behind an `Arc`: searches take `&self`.
#[derive(Clone)]
pub struct ReportIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

impl std::fmt::Debug for ReportIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportIndex").finish_non_exhaustive()
    }
}

/// Upper bound of the threads one search spreads its segments over.
const MAX_SEARCH_THREADS: usize = 4;

impl ReportIndex {
    /// Opens the index in `dir`, creating the directory and an empty index when absent.
    /// `SchemaChanged` when `dir` holds an index of another schema (built by an earlier
    /// version): nothing there is touched.
    pub fn open_or_create(dir: &Path) -> Result<Self, IndexError> {
        std::fs::create_dir_all(dir).map_err(|error| IndexError::Storage {
            operation: "create the index directory",
            message: error.to_string(),
        })?;
        let directory = MmapDirectory::open(dir).map_err(|error| IndexError::Storage {
            operation: "open the index directory",
            message: error.to_string(),
        })?;
        let (schema, fields) = schema::build();
        let index = Index::open_or_create(directory, schema).map_err(|error| match error {
            // What tantivy answers when the directory holds an index of another schema.
            tantivy::TantivyError::SchemaError(_) => IndexError::SchemaChanged {
                dir: dir.display().to_string(),
            },
            error => IndexError::storage("open the index")(error),
        })?;
        Self::with_index(index, fields)
    }

    /// An empty index in memory (tests, one-shot tools).
    pub fn in_memory() -> Result<Self, IndexError> {
        let (schema, fields) = schema::build();
        Self::with_index(Index::create_in_ram(schema), fields)
    }

    fn with_index(mut index: Index, fields: Fields) -> Result<Self, IndexError> {
        schema::register_tokenizers(&index);
        // One query searches its segments in parallel: with a single analyst searching, the
        // largest query of the bench mix (855k hits over six segments at 1M documents) otherwise
        // runs on one core while the other idles.
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        if threads > 1 {
            index
                .set_multithread_executor(threads.min(MAX_SEARCH_THREADS))
                .map_err(IndexError::storage("start the search threads"))?;
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()
            .map_err(IndexError::storage("open the index reader"))?;
        Ok(Self {
            index,
            reader,
            fields,
        })
    }

    /// The only writer of the index, with `memory_bytes` of indexing memory over all its threads
    /// (at least 15 MB per thread; fewer threads are used when the budget is small).
    /// `WriterBusy` when another writer, in this process or another, holds the index lock.
    pub fn writer(&self, memory_bytes: usize) -> Result<ReportWriter, IndexError> {
        let writer = self
            .index
            .writer(memory_bytes)
            .map_err(|error| match error {
                tantivy::TantivyError::LockFailure(..) => IndexError::WriterBusy,
                other => IndexError::storage("create the index writer")(other),
            })?;
        Ok(ReportWriter::new(writer, self.reader.clone(), self.fields))
    }

    /// The payload of the last commit: the checkpoint a driver resumes after.
    pub fn last_commit_payload(&self) -> Result<Option<String>, IndexError> {
        let metas = self
            .index
            .load_metas()
            .map_err(IndexError::storage("read the index metadata"))?;
        Ok(metas.payload)
    }

    /// Makes the last commit visible now (the reader also reloads by itself shortly after a
    /// commit, including one made by another process).
    pub fn reload(&self) -> Result<(), IndexError> {
        self.reader
            .reload()
            .map_err(IndexError::storage("reload the index reader"))
    }

    /// Documents visible to searches.
    pub fn count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// One page of reports matching `request` that `caller` may see, in the view it may see.
    pub fn search(
        &self,
        request: &SearchRequest,
        caller: &Caller,
    ) -> Result<SearchResponse, IndexError> {
        request.validate()?;
        let pii = caller.sees_pii();
        let Some(query) = build_query(&self.index, &self.fields, request, caller)? else {
            return Ok(SearchResponse {
                total: 0,
                hits: Vec::new(),
                pii_fields_touched: false,
            });
        };
        let searcher = self.reader.searcher();
        let top = TopDocs::with_limit(request.limit).and_offset(request.offset);
        let order = request.order.tantivy();
        let search = |error| IndexError::storage("search the index")(error);
        let (total, docs): (usize, Vec<(Option<f32>, DocAddress)>) = match request.effective_sort()
        {
            SortBy::Relevance => {
                let (total, docs) = searcher
                    .search(&query.all, &(Count, top.order_by_score()))
                    .map_err(search)?;
                let docs = docs.into_iter().map(|(s, a)| (Some(s), a)).collect();
                (total, docs)
            }
            SortBy::Score => {
                let collector = top.order_by_fast_field::<f64>(schema::names::SCORE, order);
                let (total, docs) = searcher
                    .search(&query.all, &(Count, collector))
                    .map_err(search)?;
                (total, docs.into_iter().map(|(_, a)| (None, a)).collect())
            }
            SortBy::ReceivedAt | SortBy::ObservedAt => {
                let field = if request.effective_sort() == SortBy::ReceivedAt {
                    schema::names::RECEIVED_AT
                } else {
                    schema::names::OBSERVED_AT
                };
                let collector = top.order_by_fast_field::<tantivy::DateTime>(field, order);
                let (total, docs) = searcher
                    .search(&query.all, &(Count, collector))
                    .map_err(search)?;
                (total, docs.into_iter().map(|(_, a)| (None, a)).collect())
            }
        };
        let snippet_field = if pii {
            self.fields.narrative
        } else {
            self.fields.narrative_redacted
        };
        let snippets = match &query.text {
            Some(text) => Some(
                SnippetGenerator::create(&searcher, text.as_ref(), snippet_field)
                    .map_err(IndexError::storage("prepare snippets"))?,
            ),
            None => None,
        };
        let mut hits = Vec::with_capacity(docs.len());
        for (relevance, address) in docs {
            hits.push(self.hit(&searcher, address, relevance, pii, snippets.as_ref())?);
        }
        Ok(SearchResponse {
            total: total as u64,
            pii_fields_touched: pii && (query.text.is_some() || !hits.is_empty()),
            hits,
        })
    }

    /// One report in the view `caller` may see: `None` when it is not indexed or lies outside
    /// the caller's jurisdictions (the two are not told apart).
    pub fn report(
        &self,
        report_id: &str,
        caller: &Caller,
    ) -> Result<Option<ReportView>, IndexError> {
        let searcher = self.reader.searcher();
        let query = TermQuery::new(
            Term::from_field_text(self.fields.report_id, report_id),
            IndexRecordOption::Basic,
        );
        let found = searcher
            .search(&query, &TopDocs::with_limit(1).order_by_score())
            .map_err(IndexError::storage("search the index"))?;
        let Some((_, address)) = found.first() else {
            return Ok(None);
        };
        let doc = self.doc(&searcher, *address)?;
        let summary: StoredSummary = parse(&doc, self.fields.summary_view, "summary view")?;
        if !caller.covers_jurisdiction(&summary.hit.jurisdiction) {
            return Ok(None);
        }
        let record: Value = parse(&doc, self.fields.record, "record")?;
        let (view, record) = if caller.sees_pii() {
            (ViewKind::Detailed, record)
        } else {
            (ViewKind::Summary, summarize_value(Context::Record, &record))
        };
        Ok(Some(ReportView {
            report_id: report_id.to_owned(),
            view,
            record,
        }))
    }

    fn hit(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        relevance: Option<f32>,
        pii: bool,
        snippets: Option<&SnippetGenerator>,
    ) -> Result<SearchHit, IndexError> {
        let doc = self.doc(searcher, address)?;
        let report_id = text(&doc, self.fields.report_id, "report id")?.to_owned();
        let summary: StoredSummary = parse(&doc, self.fields.summary_view, "summary view")?;
        let detailed: Option<DetailedView> = if pii {
            Some(parse(&doc, self.fields.detailed_view, "detailed view")?)
        } else {
            None
        };
        let snippet = snippets.and_then(|generator| {
            let texts: Vec<&str> = match &detailed {
                Some(detailed) => std::iter::once(detailed.narrative.as_str())
                    .chain(detailed.additional_facts.as_deref())
                    .collect(),
                None => vec![summary.narrative_redacted.as_str()],
            };
            texts
                .into_iter()
                .map(|text| generator.snippet(text))
                .find(|snippet| !snippet.is_empty())
                .map(|snippet| snippet.to_html())
        });
        Ok(SearchHit {
            report_id,
            relevance,
            summary: summary.hit,
            snippet,
            detailed,
        })
    }

    fn doc(&self, searcher: &Searcher, address: DocAddress) -> Result<TantivyDocument, IndexError> {
        searcher
            .doc(address)
            .map_err(IndexError::storage("read a stored document"))
    }
}

fn text<'a>(
    doc: &'a TantivyDocument,
    field: Field,
    what: &'static str,
) -> Result<&'a str, IndexError> {
    doc.get_first(field)
        .and_then(|value| value.as_str())
        .ok_or(IndexError::Corrupt { what })
}

fn parse<T: serde::de::DeserializeOwned>(
    doc: &TantivyDocument,
    field: Field,
    what: &'static str,
) -> Result<T, IndexError> {
    serde_json::from_str(text(doc, field, what)?).map_err(|_| IndexError::Corrupt { what })
}
