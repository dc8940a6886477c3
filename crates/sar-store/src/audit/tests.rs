//! Audit log tests: seqs, paging, the chain catching edits and deletions.

use super::*;

fn event(action: &str, record_ids: &[&str]) -> AuditEvent {
    AuditEvent {
        at: "2026-03-01T12:00:00Z".to_owned(),
        actor: "analyst-1".to_owned(),
        role: "analyst".to_owned(),
        action: action.to_owned(),
        purpose: Some("case 42".to_owned()),
        record_ids: record_ids.iter().map(|id| (*id).to_owned()).collect(),
        detail: None,
    }
}

fn open() -> (tempfile::TempDir, Journal) {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(&dir.path().join("store.db")).unwrap();
    (dir, journal)
}

fn four_events(journal: &mut Journal) {
    for (idx, action) in ["search", "read_report", "claim", "dispose"]
        .iter()
        .enumerate()
    {
        let seq = journal.audit(&event(action, &["r1", "r2"])).unwrap();
        assert_eq!(seq, idx as u64 + 1);
    }
    assert!(journal.verify_audit().unwrap().is_ok());
}

#[test]
fn events_are_numbered_and_read_back_in_order() {
    let (dir, mut journal) = open();
    four_events(&mut journal);
    let page = journal.audit_after(1, 2).unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(page[0].seq, 2);
    assert_eq!(page[0].event, event("read_report", &["r1", "r2"]));
    assert_eq!(page[1].event.action, "claim");

    // A second connection continues the chain.
    let mut other = Journal::open(&dir.path().join("store.db")).unwrap();
    assert_eq!(other.audit(&event("search", &[])).unwrap(), 5);
    let verification = journal.verify_audit().unwrap();
    assert!(verification.is_ok(), "{verification:?}");
    assert_eq!((verification.entries, verification.last_seq), (5, 5));
}

#[test]
fn an_edited_event_breaks_its_link() {
    let (_dir, mut journal) = open();
    four_events(&mut journal);
    journal
        .connection
        .execute("UPDATE audit SET purpose = 'curiosity' WHERE seq = 2", [])
        .unwrap();
    let verification = journal.verify_audit().unwrap();
    assert_eq!(verification.broken_links, [2]);
    assert!(verification.gaps.is_empty());
}

#[test]
fn a_deleted_event_is_a_gap() {
    let (_dir, mut journal) = open();
    four_events(&mut journal);
    journal
        .connection
        .execute("DELETE FROM audit WHERE seq IN (2, 4)", [])
        .unwrap();
    let verification = journal.verify_audit().unwrap();
    assert_eq!(verification.gaps, [(2, 2), (4, 4)]);
    assert!(verification.broken_links.is_empty());
}
