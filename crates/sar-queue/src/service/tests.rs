//! Ingest tests: one item per queued record, idempotent replays, deadlines per queue,
//! near-duplicate links (never merges), the status and the checkpoint.

use sar_model::{
    ReportId,
    records::{Priority, Route},
};
use sar_store::{QueueFilter, QueueScope};
use time::macros::datetime;

use super::*;

pub(crate) const NOW: OffsetDateTime = datetime!(2026-03-01 12:00 UTC);

pub(crate) fn service(dir: &tempfile::TempDir) -> QueueService {
    QueueService::open(
        &dir.path().join("journal.sqlite"),
        QueueConfig::default(),
        Metrics::new(),
    )
    .unwrap()
    .with_clock(Arc::new(|| NOW))
}

/// `record` routed to `queue` in `jurisdiction`, under a fresh report id `n`.
pub(crate) fn queued(
    mut record: RoutedRecord,
    n: u64,
    queue: QueueName,
    jurisdiction: &str,
) -> RoutedRecord {
    let report = &mut record.gated.scored.normalized.report;
    report.report_id = ReportId::from_parts(1_772_000_000_000 + n, [n as u8; 10]);
    report.location.jurisdiction = jurisdiction.to_owned();
    record.routes = vec![
        Route {
            destination: DestinationKind::SearchIndex,
            queue: None,
            priority: Priority::Normal,
            reason: "index".to_owned(),
        },
        Route {
            destination: DestinationKind::AnalystQueue,
            queue: Some(queue),
            priority: Priority::Normal,
            reason: "test".to_owned(),
        },
    ];
    record
}

pub(crate) fn id_of(record: &RoutedRecord) -> String {
    record.gated.scored.normalized.report.report_id.to_string()
}

fn all_items(service: &QueueService) -> Vec<sar_store::QueueItem> {
    service
        .lock()
        .list_queue(
            &QueueFilter {
                limit: 1_000,
                ..QueueFilter::default()
            },
            NOW,
        )
        .unwrap()
}

#[test]
fn records_are_queued_once_in_their_first_queue_route() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(&dir);
    let mut records = sar_synth::canonical::routed_records(7, 40);
    // Every fifth record only goes to the index.
    for record in records.iter_mut().step_by(5) {
        record
            .routes
            .retain(|route| route.destination != DestinationKind::AnalystQueue);
    }
    let n_queued = records
        .iter()
        .filter(|record| {
            record
                .routes
                .iter()
                .any(|route| route.destination == DestinationKind::AnalystQueue)
        })
        .count();
    assert!(
        n_queued > 0 && n_queued < records.len(),
        "{n_queued} of {}",
        records.len()
    );
    let outcome = service.ingest(&records, Some(("queue", 40))).unwrap();
    assert_eq!(outcome.inserted, n_queued as u64);
    assert_eq!(outcome.duplicates, 0);
    let replay = service.ingest(&records, Some(("queue", 40))).unwrap();
    assert_eq!((replay.inserted, replay.duplicates), (0, n_queued as u64));

    let items = all_items(&service);
    assert_eq!(items.len(), n_queued);
    let store = service.lock();
    assert_eq!(store.checkpoint("queue").unwrap(), 40);
    for item in &items {
        let record = records
            .iter()
            .find(|record| id_of(record) == item.report_id)
            .unwrap();
        let route = record
            .routes
            .iter()
            .find(|route| route.destination == DestinationKind::AnalystQueue)
            .unwrap();
        assert_eq!(Some(item.queue), route.queue);
        assert_eq!(item.priority, route.priority);
        let stored: RoutedRecord = serde_json::from_slice(&item.payload).unwrap();
        assert_eq!(&stored, record);
        let status = store.report_status(&item.report_id).unwrap().unwrap();
        assert_eq!(status.stage, "queued");
        assert_eq!(status.queue.as_deref(), Some(item.queue.as_str()));
    }
}

#[test]
fn the_deadline_is_the_queues_sla_after_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(&dir);
    let base = sar_synth::canonical::routed_records(3, 1).remove(0);
    let imminent = queued(base.clone(), 1, QueueName::Imminent, "Riverside");
    let audit = queued(base, 2, QueueName::BlockedAudit, "Riverside");
    service
        .ingest(&[imminent.clone(), audit.clone()], None)
        .unwrap();
    let store = service.lock();
    for (record, minutes) in [(&imminent, 15), (&audit, 30 * 24 * 60)] {
        let item = store
            .queue_item(&id_of(record), &QueueScope::all(), NOW)
            .unwrap()
            .unwrap();
        let received = record.gated.scored.normalized.report.received_at.utc();
        let due = OffsetDateTime::parse(&item.sla_due_at, &Rfc3339).unwrap();
        assert_eq!(due - received, time::Duration::minutes(minutes));
    }
}

#[test]
fn near_duplicates_are_linked_never_merged() {
    let dir = tempfile::tempdir().unwrap();
    let service = service(&dir);
    let base = sar_synth::canonical::routed_records(11, 1).remove(0);
    assert!(
        !base
            .gated
            .scored
            .normalized
            .report
            .behavior_codes
            .is_empty(),
        "the first synthetic record has a behaviour code"
    );
    let first = queued(base.clone(), 1, QueueName::Standard, "Riverside");
    // Another report of the same scene, queued in a later call, and one in the same call.
    let second = queued(base.clone(), 2, QueueName::Standard, "Riverside");
    let third = queued(base.clone(), 3, QueueName::Priority, "Riverside");
    // The same text observed a day later is not a near duplicate.
    let mut later = queued(base, 4, QueueName::Standard, "Riverside");
    let observed = &mut later.gated.scored.normalized.report.observed;
    observed.start =
        sar_model::ZonedTime::from_unix(observed.start.unix_seconds() + 86_400, 0).unwrap();
    later.gated.scored.normalized.dedup.time_bucket += 24;

    service.ingest(std::slice::from_ref(&first), None).unwrap();
    let outcome = service
        .ingest(&[second.clone(), third.clone(), later.clone()], None)
        .unwrap();
    assert_eq!(outcome.inserted, 3, "linked reports stay separate items");

    let store = service.lock();
    let links = |record: &RoutedRecord| {
        store
            .queue_item(&id_of(record), &QueueScope::all(), NOW)
            .unwrap()
            .unwrap()
            .links
    };
    let mut expected = vec![id_of(&second), id_of(&third)];
    expected.sort();
    assert_eq!(links(&first), expected);
    let mut expected = vec![id_of(&first), id_of(&third)];
    expected.sort();
    assert_eq!(links(&second), expected);
    assert!(links(&later).is_empty());
}
