//! Indexer task tests: commit by count and by time, the checkpoint of the last commit, and a
//! crash (handle dropped without shutdown) resumed from the commit payload without doubles.

use std::{collections::BTreeSet, sync::Arc, time::Duration};

use sar_index::{IndexError, ReportIndex, SearchRequest};
use sar_model::{
    access::{Caller, Role},
    records::RoutedRecord,
};
use sar_telemetry::Metrics;

use super::*;

fn records(count: usize) -> Vec<RoutedRecord> {
    sar_synth::canonical::routed_records(5, count)
}

fn config(commit_every_docs: u64, commit_interval: Duration) -> IndexerConfig {
    IndexerConfig {
        commit_every_docs,
        commit_interval,
        writer_memory_bytes: 30_000_000,
        queue_capacity: 2,
    }
}

fn commits(metrics: &Metrics) -> u64 {
    let rendered = metrics.render();
    let line = rendered
        .lines()
        .find(|line| line.starts_with("sarflow_index_commit_duration_seconds_count"))
        .unwrap();
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

fn ids(index: &ReportIndex) -> Vec<String> {
    let caller = Caller {
        subject: "t".into(),
        role: Role::Auditor,
        agency: "t".into(),
        jurisdictions: vec!["*".into()],
        pii: false,
    };
    let request = SearchRequest {
        limit: 100,
        ..SearchRequest::default()
    };
    let response = index.search(&request, &caller).unwrap();
    assert!(response.total <= 100);
    response.hits.into_iter().map(|hit| hit.report_id).collect()
}

fn id_of(record: &RoutedRecord) -> String {
    record.gated.scored.normalized.report.report_id.to_string()
}

#[tokio::test]
async fn commits_once_enough_documents_are_pending() {
    let index = Arc::new(ReportIndex::in_memory().unwrap());
    let metrics = Metrics::new();
    let handle = spawn_indexer(
        Arc::clone(&index),
        config(10, Duration::from_secs(3_600)),
        &metrics,
    )
    .unwrap();
    let mut committed = handle.committed();
    assert_eq!(*committed.borrow(), None);
    let records = records(16);
    for (n, batch) in records.chunks(4).take(3).enumerate() {
        handle.apply(batch.to_vec(), format!("{n}")).await.unwrap();
    }
    committed
        .wait_for(|checkpoint| checkpoint.as_deref() == Some("2"))
        .await
        .unwrap();
    assert_eq!(index.count(), 12);
    assert_eq!(commits(&metrics), 1, "no commit before 10 documents");

    handle
        .apply(records[12..].to_vec(), "3".into())
        .await
        .unwrap();
    assert_eq!(handle.flush().await.unwrap().as_deref(), Some("3"));
    assert_eq!(index.count(), 16);
    assert_eq!(commits(&metrics), 2);
    assert!(
        metrics
            .render()
            .contains("sarflow_index_documents_total 16")
    );
    handle.shutdown().await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn commits_after_the_interval_however_few_are_pending() {
    let index = Arc::new(ReportIndex::in_memory().unwrap());
    let handle = spawn_indexer(
        Arc::clone(&index),
        config(1_000, Duration::from_secs(2)),
        &Metrics::new(),
    )
    .unwrap();
    let started = tokio::time::Instant::now();
    handle.apply(records(3), "a".into()).await.unwrap();
    let mut committed = handle.committed();
    committed
        .wait_for(|checkpoint| checkpoint.as_deref() == Some("a"))
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert_eq!(index.count(), 3);
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_last_commit_carries_the_last_applied_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let index = Arc::new(ReportIndex::open_or_create(dir.path()).unwrap());
    let handle = spawn_indexer(
        Arc::clone(&index),
        config(7, Duration::from_secs(3_600)),
        &Metrics::new(),
    )
    .unwrap();
    assert_eq!(
        spawn_indexer(
            Arc::clone(&index),
            IndexerConfig::default(),
            &Metrics::new()
        )
        .unwrap_err(),
        IndexerError::Index(IndexError::WriterBusy)
    );
    let records = records(25);
    for (n, batch) in records.chunks(3).enumerate() {
        handle
            .apply(batch.to_vec(), format!(r#"{{"seq":{n}}}"#))
            .await
            .unwrap();
    }
    // an apply without records still moves the checkpoint
    handle
        .apply(Vec::new(), r#"{"seq":99}"#.into())
        .await
        .unwrap();
    let committed = handle.committed();
    handle.shutdown().await.unwrap();
    assert_eq!(committed.borrow().as_deref(), Some(r#"{"seq":99}"#));
    assert_eq!(
        index.last_commit_payload().unwrap().as_deref(),
        Some(r#"{"seq":99}"#)
    );
    let reopened = ReportIndex::open_or_create(dir.path()).unwrap();
    assert_eq!(
        reopened.last_commit_payload().unwrap().as_deref(),
        Some(r#"{"seq":99}"#)
    );
    assert_eq!(reopened.count(), 25);
}

#[tokio::test]
async fn a_crash_resumes_from_the_last_commit_without_doubles() {
    let dir = tempfile::tempdir().unwrap();
    let records = records(30);
    // The driver's source: checkpoint n = "everything before records[n] was applied".
    {
        let index = Arc::new(ReportIndex::open_or_create(dir.path()).unwrap());
        let handle = spawn_indexer(
            Arc::clone(&index),
            config(1_000, Duration::from_secs(3_600)),
            &Metrics::new(),
        )
        .unwrap();
        handle
            .apply(records[..10].to_vec(), "10".into())
            .await
            .unwrap();
        handle
            .apply(records[10..14].to_vec(), "14".into())
            .await
            .unwrap();
        assert_eq!(handle.flush().await.unwrap().as_deref(), Some("14"));
        handle
            .apply(records[14..25].to_vec(), "25".into())
            .await
            .unwrap();
        let mut committed = handle.committed();
        drop(handle); // crash: no shutdown
        while committed.changed().await.is_ok() {}
        assert_eq!(committed.borrow().as_deref(), Some("14"));
    }
    let index = Arc::new(ReportIndex::open_or_create(dir.path()).unwrap());
    let resume: usize = index
        .last_commit_payload()
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(resume, 14);
    assert_eq!(index.count(), 14);
    let handle = spawn_indexer(
        Arc::clone(&index),
        config(1_000, Duration::from_secs(3_600)),
        &Metrics::new(),
    )
    .unwrap();
    // re-apply from the checkpoint, overlapping what was committed (at-least-once drivers do)
    handle
        .apply(records[resume - 4..].to_vec(), "30".into())
        .await
        .unwrap();
    handle.shutdown().await.unwrap();
    assert_eq!(index.count(), 30);
    let found: BTreeSet<String> = ids(&index).into_iter().collect();
    let want: BTreeSet<String> = records.iter().map(id_of).collect();
    assert_eq!(found, want);
    assert_eq!(index.last_commit_payload().unwrap().as_deref(), Some("30"));
}

#[tokio::test]
async fn shutdown_stops_the_task() {
    let index = Arc::new(ReportIndex::in_memory().unwrap());
    let handle = spawn_indexer(index, IndexerConfig::default(), &Metrics::new()).unwrap();
    let commands = handle.commands.clone();
    handle.shutdown().await.unwrap();
    assert!(commands.send(Command::Shutdown).await.is_err());
}
