//! Queue state tests: ingest idempotence, listings under a scope, claims and leases,
//! dispositions with their status and audit, notes, links, counts.

use time::{Duration, macros::datetime};

use super::*;

const NOW: OffsetDateTime = datetime!(2026-03-01 12:00 UTC);

fn open() -> (tempfile::TempDir, Journal) {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(&dir.path().join("store.db")).unwrap();
    (dir, journal)
}

fn input(report_id: &str, queue: QueueName, jurisdiction: &str, score: f64) -> QueueItemInput {
    QueueItemInput {
        report_id: report_id.to_owned(),
        queue,
        priority: Priority::Normal,
        score,
        jurisdiction: jurisdiction.to_owned(),
        agency: "agency-1".to_owned(),
        gate_outcome: "triage".to_owned(),
        received_at: "2026-03-01T10:00:00Z".to_owned(),
        routed_at: "2026-03-01T10:00:05Z".to_owned(),
        sla_due_at: "2026-03-04T10:00:00Z".to_owned(),
        behavior_codes: vec!["SURVL".to_owned()],
        time_bucket: 493_000,
        payload: format!("{{\"id\":\"{report_id}\"}}").into_bytes(),
    }
}

fn actor(subject: &str, jurisdictions: Option<&[&str]>) -> QueueActor {
    QueueActor {
        subject: subject.to_owned(),
        role: "analyst".to_owned(),
        scope: QueueScope {
            jurisdictions: jurisdictions
                .map(|list| list.iter().map(|one| (*one).to_owned()).collect()),
            queues: None,
        },
    }
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|one| (*one).to_owned()).collect()
}

fn report_ids(items: &[QueueItem]) -> Vec<&str> {
    items.iter().map(|item| item.report_id.as_str()).collect()
}

/// r1..r4 in `riverside` (standard), r5 in `lakeside` (priority), r6 privacy review.
fn seeded() -> (tempfile::TempDir, Journal) {
    let (dir, mut journal) = open();
    let mut items = vec![
        input("r1", QueueName::Standard, "Riverside", 40.0),
        input("r2", QueueName::Standard, "Riverside", 80.0),
        input("r3", QueueName::Standard, "Riverside", 60.0),
        input("r4", QueueName::Standard, "Riverside", 20.0),
        input("r5", QueueName::Priority, "Lakeside", 90.0),
        input("r6", QueueName::PrivacyReview, "Riverside", 50.0),
    ];
    items[1].priority = Priority::High;
    items[2].received_at = "2026-03-01T09:00:00Z".to_owned();
    items[3].behavior_codes = vec!["PHOTO".to_owned()];
    items[3].sla_due_at = "2026-03-01T11:00:00Z".to_owned();
    let outcome = journal.ingest_queue_items(&items, &[], None).unwrap();
    assert_eq!(outcome.inserted, 6);
    (dir, journal)
}

#[test]
fn ingest_is_idempotent_sets_the_status_and_moves_the_checkpoint() {
    let (_dir, mut journal) = open();
    let first = input("r1", QueueName::Standard, "Riverside", 40.0);
    let outcome = journal
        .ingest_queue_items(std::slice::from_ref(&first), &[], Some(("queue", 7)))
        .unwrap();
    assert_eq!(
        outcome,
        IngestOutcome {
            inserted: 1,
            duplicates: 0
        }
    );
    let mut changed = first.clone();
    changed.score = 99.0;
    let again = journal
        .ingest_queue_items(
            &[changed, input("r2", QueueName::Standard, "Riverside", 1.0)],
            &[],
            Some(("queue", 5)),
        )
        .unwrap();
    assert_eq!(
        again,
        IngestOutcome {
            inserted: 1,
            duplicates: 1
        }
    );
    let item = journal
        .queue_item("r1", &QueueScope::all(), NOW)
        .unwrap()
        .unwrap();
    assert_eq!(item.score, 40.0, "a duplicate changes nothing");
    assert_eq!(item.payload, first.payload);
    assert_eq!(journal.checkpoint("queue").unwrap(), 7);
    let status = journal.report_status("r1").unwrap().unwrap();
    assert_eq!(status.stage, "queued");
    assert_eq!(status.queue.as_deref(), Some("standard"));
    assert_eq!(status.outcome.as_deref(), Some("triage"));

    let mut bad = input("r3", QueueName::Standard, "Riverside", 1.0);
    bad.sla_due_at = "tomorrow".to_owned();
    assert!(matches!(
        journal.ingest_queue_items(&[bad], &[], None),
        Err(StoreError::Invalid { .. })
    ));
}

#[test]
fn listings_filter_sort_and_page_within_the_scope() {
    let (_dir, journal) = seeded();
    let riverside = QueueScope {
        jurisdictions: Some(ids(&["RIVERSIDE"])),
        queues: None,
    };
    let filter = |queue, sort| QueueFilter {
        scope: riverside.clone(),
        queue,
        sort,
        ..QueueFilter::default()
    };
    let by_priority = journal
        .list_queue(
            &filter(Some(QueueName::Standard), QueueSort::ByPriorityAge),
            NOW,
        )
        .unwrap();
    assert_eq!(report_ids(&by_priority), ["r2", "r3", "r1", "r4"]);
    let by_score = journal
        .list_queue(&filter(Some(QueueName::Standard), QueueSort::ByScore), NOW)
        .unwrap();
    assert_eq!(report_ids(&by_score), ["r2", "r3", "r1", "r4"]);
    let by_age = journal
        .list_queue(&filter(None, QueueSort::ByAge), NOW)
        .unwrap();
    assert_eq!(
        report_ids(&by_age),
        ["r3", "r1", "r2", "r4", "r6"],
        "no lakeside item"
    );

    let narrowed = QueueFilter {
        min_score: Some(30.0),
        max_score: Some(70.0),
        ..filter(Some(QueueName::Standard), QueueSort::ByScore)
    };
    assert_eq!(
        report_ids(&journal.list_queue(&narrowed, NOW).unwrap()),
        ["r3", "r1"]
    );
    let photo = QueueFilter {
        behavior_code: Some("PHOTO".to_owned()),
        ..filter(None, QueueSort::ByAge)
    };
    let photo_items = journal.list_queue(&photo, NOW).unwrap();
    assert_eq!(report_ids(&photo_items), ["r4"]);
    assert!(photo_items[0].overdue);
    assert_eq!(photo_items[0].behavior_codes, ["PHOTO"]);

    let page = QueueFilter {
        limit: 2,
        offset: 1,
        ..filter(Some(QueueName::Standard), QueueSort::ByPriorityAge)
    };
    assert_eq!(
        report_ids(&journal.list_queue(&page, NOW).unwrap()),
        ["r3", "r1"]
    );
    assert_eq!(journal.count_queue(&page, NOW).unwrap(), 4);

    let no_privacy = QueueScope {
        jurisdictions: None,
        queues: Some(vec![QueueName::Standard, QueueName::Priority]),
    };
    let all = journal
        .list_queue(
            &QueueFilter {
                scope: no_privacy,
                ..QueueFilter::default()
            },
            NOW,
        )
        .unwrap();
    assert_eq!(all.len(), 5);
    assert!(
        all.iter()
            .all(|item| item.queue != QueueName::PrivacyReview)
    );
    assert!(
        journal.queue_item("r5", &riverside, NOW).unwrap().is_none(),
        "another jurisdiction's item is not found"
    );
}

#[test]
fn claims_conflict_renew_and_lapse() {
    let (_dir, mut journal) = seeded();
    let alice = actor("alice", Some(&["riverside"]));
    let bob = actor("bob", None);
    let lease = NOW + Duration::minutes(30);
    let claimed = journal
        .claim(&ids(&["r1", "r2", "r5", "nope"]), &alice, lease, NOW)
        .unwrap();
    assert_eq!(
        claimed,
        [
            ("r1".to_owned(), ClaimResult::Claimed),
            ("r2".to_owned(), ClaimResult::Claimed),
            ("r5".to_owned(), ClaimResult::NotFound),
            ("nope".to_owned(), ClaimResult::NotFound),
        ]
    );
    let item = journal
        .queue_item("r1", &QueueScope::all(), NOW)
        .unwrap()
        .unwrap();
    assert_eq!(item.state, QueueState::Claimed);
    assert_eq!(item.claimed_by.as_deref(), Some("alice"));
    assert_eq!(item.lease_until.as_deref(), Some("2026-03-01T12:30:00Z"));

    assert_eq!(
        journal.claim(&ids(&["r1"]), &bob, lease, NOW).unwrap()[0].1,
        ClaimResult::HeldBy {
            subject: "alice".to_owned()
        }
    );
    assert_eq!(
        journal
            .claim(&ids(&["r1"]), &alice, lease + Duration::minutes(30), NOW)
            .unwrap()[0]
            .1,
        ClaimResult::Renewed
    );

    // After the lease, the item reads as open and anyone may claim it.
    let later = NOW + Duration::hours(2);
    let lapsed = journal
        .queue_item("r2", &QueueScope::all(), later)
        .unwrap()
        .unwrap();
    assert_eq!((lapsed.state, lapsed.claimed_by), (QueueState::Open, None));
    assert_eq!(
        journal
            .claim(&ids(&["r2"]), &bob, later + Duration::minutes(30), later)
            .unwrap()[0]
            .1,
        ClaimResult::Claimed
    );
    assert!(matches!(
        journal.claim(&ids(&["r3"]), &bob, NOW, NOW),
        Err(StoreError::Invalid { .. })
    ));

    let audit = journal.audit_after(0, 10).unwrap();
    let actions: Vec<(&str, &str, Vec<String>)> = audit
        .iter()
        .map(|record| {
            (
                record.event.actor.as_str(),
                record.event.action.as_str(),
                record.event.record_ids.clone(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("alice", "claim", ids(&["r1", "r2"])),
            ("alice", "claim", ids(&["r1"])),
            ("bob", "claim", ids(&["r2"])),
        ],
        "one event per call that changed something"
    );
}

#[test]
fn only_the_holder_releases_and_disposes() {
    let (_dir, mut journal) = seeded();
    let alice = actor("alice", None);
    let bob = actor("bob", None);
    let lease = NOW + Duration::minutes(30);
    journal
        .claim(&ids(&["r1", "r2", "r3"]), &alice, lease, NOW)
        .unwrap();

    assert_eq!(
        journal.release("r1", &bob, NOW).unwrap(),
        ReleaseResult::NotHolder
    );
    assert_eq!(
        journal.release("r1", &alice, NOW).unwrap(),
        ReleaseResult::Released
    );
    assert_eq!(
        journal.release("r1", &alice, NOW).unwrap(),
        ReleaseResult::NotHolder
    );
    assert_eq!(
        journal.release("zz", &alice, NOW).unwrap(),
        ReleaseResult::NotFound
    );

    assert!(matches!(
        journal.dispose(&ids(&["r2"]), &alice, Disposition::Unfounded, "  ", NOW),
        Err(StoreError::Invalid { .. })
    ));
    let disposed = journal
        .dispose(
            &ids(&["r1", "r2", "r3", "r4"]),
            &alice,
            Disposition::AdvanceToStep2,
            "two codes and a matching prior report",
            NOW,
        )
        .unwrap();
    assert_eq!(
        disposed,
        [
            ("r1".to_owned(), DisposeResult::NotHolder),
            ("r2".to_owned(), DisposeResult::Disposed),
            ("r3".to_owned(), DisposeResult::Disposed),
            ("r4".to_owned(), DisposeResult::NotHolder),
        ]
    );
    assert_eq!(
        journal
            .dispose(&ids(&["r2"]), &alice, Disposition::Unfounded, "again", NOW)
            .unwrap()[0]
            .1,
        DisposeResult::AlreadyDisposed
    );
    let item = journal
        .queue_item("r2", &QueueScope::all(), NOW)
        .unwrap()
        .unwrap();
    assert_eq!(item.state, QueueState::Disposed);
    assert_eq!(item.disposition, Some(Disposition::AdvanceToStep2));
    assert_eq!(item.disposed_by.as_deref(), Some("alice"));
    assert!(!item.overdue);
    let status = journal.report_status("r2").unwrap().unwrap();
    assert_eq!(
        (
            status.stage.as_str(),
            status.disposition.as_deref(),
            status.queue.as_deref()
        ),
        ("disposed", Some("advance_to_step2"), Some("standard"))
    );
    let last = journal.audit_after(0, 100).unwrap().pop().unwrap();
    assert_eq!(last.event.action, "dispose");
    assert_eq!(last.event.record_ids, ids(&["r2", "r3"]));
    assert!(last.event.detail.unwrap().contains("T-31"));
    assert!(journal.verify_audit().unwrap().is_ok());

    let too_many: Vec<String> = (0..=MAX_BULK_IDS).map(|idx| format!("x{idx}")).collect();
    assert!(matches!(
        journal.claim(&too_many, &alice, lease, NOW),
        Err(StoreError::Invalid { .. })
    ));
}

#[test]
fn notes_are_kept_in_order_and_counted() {
    let (_dir, mut journal) = seeded();
    let alice = actor("alice", Some(&["riverside"]));
    assert_eq!(
        journal
            .add_note("r1", &alice, "called the reporter", NOW)
            .unwrap(),
        Some(1)
    );
    assert_eq!(
        journal.add_note("r1", &alice, "no answer", NOW).unwrap(),
        Some(2)
    );
    assert_eq!(
        journal.add_note("r5", &alice, "out of scope", NOW).unwrap(),
        None
    );
    assert!(matches!(
        journal.add_note("r1", &alice, "", NOW),
        Err(StoreError::Invalid { .. })
    ));
    let notes = journal.notes("r1", &alice.scope).unwrap().unwrap();
    let texts: Vec<&str> = notes.iter().map(|note| note.text.as_str()).collect();
    assert_eq!(texts, ["called the reporter", "no answer"]);
    assert_eq!(notes[0].author, "alice");
    assert_eq!(journal.notes("r5", &alice.scope).unwrap(), None);
    let item = journal
        .queue_item("r1", &alice.scope, NOW)
        .unwrap()
        .unwrap();
    assert_eq!(item.n_notes, 2);
}

#[test]
fn candidates_and_links() {
    let (_dir, mut journal) = seeded();
    let mut near = input("r7", QueueName::Standard, "Riverside", 10.0);
    near.time_bucket = 493_002;
    let mut far = input("r8", QueueName::Standard, "Riverside", 10.0);
    far.time_bucket = 493_010;
    journal.ingest_queue_items(&[near, far], &[], None).unwrap();
    let candidates = journal
        .near_duplicate_candidates(&ids(&["SURVL", "ZZZ"]), 493_001, 2)
        .unwrap();
    let candidate_ids: Vec<&str> = candidates.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(candidate_ids, ["r1", "r2", "r3", "r5", "r6", "r7"]);
    assert!(
        journal
            .near_duplicate_candidates(&[], 493_001, 2)
            .unwrap()
            .is_empty()
    );

    journal
        .ingest_queue_items(
            &[],
            &[
                ("r1".to_owned(), "r5".to_owned()),
                ("r1".to_owned(), "r7".to_owned()),
            ],
            None,
        )
        .unwrap();
    let everything = journal
        .queue_item("r1", &QueueScope::all(), NOW)
        .unwrap()
        .unwrap();
    assert_eq!(everything.links, ["r5", "r7"]);
    let riverside = QueueScope {
        jurisdictions: Some(ids(&["riverside"])),
        queues: None,
    };
    let scoped = journal.queue_item("r1", &riverside, NOW).unwrap().unwrap();
    assert_eq!(
        scoped.links,
        ["r7"],
        "links outside the scope are not shown"
    );
    let back = journal.queue_item("r7", &riverside, NOW).unwrap().unwrap();
    assert_eq!(back.links, ["r1"]);
}

#[test]
fn counts_per_queue() {
    let (_dir, mut journal) = seeded();
    let alice = actor("alice", None);
    journal
        .claim(&ids(&["r1"]), &alice, NOW + Duration::minutes(5), NOW)
        .unwrap();
    let counts = journal.queue_counts(&QueueScope::all(), NOW).unwrap();
    let standard = counts
        .iter()
        .find(|count| count.queue == QueueName::Standard)
        .unwrap();
    assert_eq!(
        (standard.open, standard.claimed, standard.overdue),
        (3, 1, 1)
    );
    assert_eq!(counts.len(), QueueName::ALL.len());
    let imminent = counts
        .iter()
        .find(|count| count.queue == QueueName::Imminent)
        .unwrap();
    assert_eq!(imminent.open, 0);

    let lakeside_priority = QueueScope {
        jurisdictions: Some(ids(&["lakeside"])),
        queues: Some(vec![QueueName::Priority, QueueName::Standard]),
    };
    let scoped = journal.queue_counts(&lakeside_priority, NOW).unwrap();
    let open: Vec<(QueueName, u64)> = scoped
        .iter()
        .map(|count| (count.queue, count.open))
        .collect();
    assert_eq!(open, [(QueueName::Priority, 1), (QueueName::Standard, 0)]);
    // Once the lease lapses, the claim counts as open again.
    let later = journal
        .queue_counts(&QueueScope::all(), NOW + Duration::hours(1))
        .unwrap();
    let standard = later
        .iter()
        .find(|count| count.queue == QueueName::Standard)
        .unwrap();
    assert_eq!((standard.open, standard.claimed), (4, 0));
}
