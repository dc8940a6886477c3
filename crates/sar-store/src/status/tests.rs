//! Report status tests.

use super::*;

fn update(stage: &str, queue: Option<&str>, disposition: Option<&str>, at: &str) -> StatusUpdate {
    StatusUpdate {
        stage: stage.to_owned(),
        outcome: None,
        queue: queue.map(str::to_owned),
        disposition: disposition.map(str::to_owned),
        at: at.to_owned(),
    }
}

#[test]
fn a_status_moves_and_keeps_what_later_updates_leave_out() {
    let dir = tempfile::tempdir().unwrap();
    let mut journal = Journal::open(&dir.path().join("store.db")).unwrap();
    assert_eq!(journal.report_status("r1").unwrap(), None);
    journal
        .set_report_status(
            "r1",
            &StatusUpdate {
                outcome: Some("eligible".to_owned()),
                ..update("gated", None, None, "2026-03-01T12:00:00Z")
            },
        )
        .unwrap();
    journal
        .set_report_status(
            "r1",
            &update("queued", Some("priority"), None, "2026-03-01T12:01:00Z"),
        )
        .unwrap();
    journal
        .set_report_status(
            "r1",
            &update("disposed", None, Some("unfounded"), "2026-03-02T09:00:00Z"),
        )
        .unwrap();
    assert_eq!(
        journal.report_status("r1").unwrap(),
        Some(ReportStatus {
            stage: "disposed".to_owned(),
            outcome: Some("eligible".to_owned()),
            queue: Some("priority".to_owned()),
            disposition: Some("unfounded".to_owned()),
            at: "2026-03-02T09:00:00Z".to_owned(),
        })
    );
    assert_eq!(journal.report_status("r2").unwrap(), None);
}
