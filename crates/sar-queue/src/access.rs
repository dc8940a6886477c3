//! Which queues a role reads and works, and the store scope of a caller.
//!
//! - Analysts work the Step-1 queues (`priority`, `standard`) and `not_sar`.
//! - Supervisors, as analysts, plus the imminent desk (and bulk actions: `BulkWorkQueue`).
//! - Privacy officers work `privacy_review` and `blocked_audit`, and only those.
//! - Auditors read every queue (Summary view only) and work none.
//!
//! Every caller is further limited to their jurisdictions.

use sar_model::{
    access::{Caller, Role},
    records::QueueName,
};
use sar_store::{QueueActor, QueueScope};

/// Reading or acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    Read,
    Work,
}

/// The queues `role` may read or work.
pub(crate) fn queues_for(role: Role, access: Access) -> &'static [QueueName] {
    use QueueName as Q;
    match (role, access) {
        (Role::Analyst, _) => &[Q::Priority, Q::Standard, Q::NotSar],
        (Role::Supervisor, _) => &[Q::Imminent, Q::Priority, Q::Standard, Q::NotSar],
        (Role::PrivacyOfficer, _) => &[Q::PrivacyReview, Q::BlockedAudit],
        (Role::Auditor, Access::Read) => QueueName::ALL,
        (Role::Auditor, Access::Work) | (Role::Officer | Role::Partner, _) => &[],
    }
}

/// What `caller` may see (`Read`) or touch (`Work`) in the store.
pub(crate) fn scope_for(caller: &Caller, access: Access) -> QueueScope {
    QueueScope {
        jurisdictions: caller.jurisdiction_filter().map(<[String]>::to_vec),
        queues: Some(queues_for(caller.role, access).to_vec()),
    }
}

/// `caller` as the actor of a store action.
pub(crate) fn actor_for(caller: &Caller, access: Access) -> QueueActor {
    QueueActor {
        subject: caller.subject.clone(),
        role: caller.role.as_str().to_owned(),
        scope: scope_for(caller, access),
    }
}
