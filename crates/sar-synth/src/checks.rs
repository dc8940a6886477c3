//! Test support: what makes an intake record semantically invalid, checked with the sar-model
//! types. Used by the generator's and the corruptor's tests.

use sar_model::{
    BehaviorCode, CalendarDate, ContentValidity, SourceReliability, TargetSectorCode, TipClassCode,
    TipDomainCode, ZonedTime,
    intake::IntakeRecord,
    report::{Channel, OrgType, PersonIdKind, ReporterRole},
};

/// Person roles of the intake format (the canonical model adds `officer`).
pub(crate) const PERSON_ROLES: [&str; 5] =
    ["subject", "witness", "victim", "reporter", "associate"];
/// Every way `record` breaks the intake contract beyond its JSON shape; empty when valid.
pub(crate) fn problems(record: &IntakeRecord) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            out.push(what);
        }
    };
    check(
        Channel::parse(&record.channel).is_some(),
        format!("channel `{}`", record.channel),
    );
    check(
        OrgType::parse(&record.submitter.org_type).is_some(),
        "org_type".into(),
    );
    check(
        ReporterRole::parse(&record.submitter.reporter_role).is_some(),
        "reporter_role".into(),
    );
    for code in &record.behavior_codes {
        check(
            BehaviorCode::parse(code).is_ok(),
            format!("behavior code `{code}`"),
        );
    }
    for code in &record.target_sectors {
        check(
            TargetSectorCode::parse(code).is_ok(),
            format!("target sector `{code}`"),
        );
    }
    if let Some(sector) = &record.submitter.sector {
        check(
            TargetSectorCode::parse(sector).is_ok(),
            format!("submitter sector `{sector}`"),
        );
    }
    if let Some(code) = &record.tip_class {
        check(
            TipClassCode::parse(code).is_ok(),
            format!("tip class `{code}`"),
        );
    }
    if let Some(code) = &record.tip_domain {
        check(
            TipDomainCode::parse(code).is_ok(),
            format!("tip domain `{code}`"),
        );
    }
    let submitted = ZonedTime::parse(&record.submitted_at);
    let start = ZonedTime::parse(&record.observed.start);
    let end = record.observed.end.as_deref().map(ZonedTime::parse);
    check(
        submitted.is_ok(),
        format!("submitted_at `{}`", record.submitted_at),
    );
    check(
        start.is_ok(),
        format!("observed.start `{}`", record.observed.start),
    );
    if let Some(end) = &end {
        check(end.is_ok(), "observed.end".into());
    }
    if let (Ok(start), Some(Ok(end))) = (&start, &end) {
        check(end >= start, "observed.end before observed.start".into());
    }
    if let (Ok(start), Ok(submitted)) = (&start, &submitted) {
        check(start <= submitted, "observed after submission".into());
    }
    if let Some(lat) = record.location.lat {
        check((-90.0..=90.0).contains(&lat), format!("lat {lat}"));
    }
    if let Some(lon) = record.location.lon {
        check((-180.0..=180.0).contains(&lon), format!("lon {lon}"));
    }
    check(
        !record.narrative.trim().is_empty(),
        "empty narrative".into(),
    );
    check(
        !record.location.jurisdiction.trim().is_empty(),
        "empty jurisdiction".into(),
    );
    check(record.lawfully_obtained, "not lawfully obtained".into());
    if let Some(grading) = &record.grading {
        if let Some(token) = &grading.source_reliability {
            check(
                SourceReliability::parse(token).is_ok(),
                format!("source reliability `{token}`"),
            );
        }
        if let Some(token) = &grading.content_validity {
            check(
                ContentValidity::parse(token).is_ok(),
                format!("content validity `{token}`"),
            );
        }
    }
    for person in &record.persons {
        check(
            PERSON_ROLES.contains(&person.role.as_str()),
            format!("person role `{}`", person.role),
        );
        if let Some(dob) = &person.dob {
            check(CalendarDate::parse(dob).is_ok(), format!("dob `{dob}`"));
        }
        if let Some(age) = person.age {
            check((0..=130).contains(&age), format!("age {age}"));
        }
        for id in &person.ids {
            check(
                PersonIdKind::parse(&id.kind).is_some(),
                format!("id kind `{}`", id.kind),
            );
        }
    }
    for vehicle in &record.vehicles {
        if let Some(year) = vehicle.year {
            check(
                (1900..=2100).contains(&year),
                format!("vehicle year {year}"),
            );
        }
    }
    for attachment in &record.attachments {
        let hex = attachment.sha256.len() == 64
            && attachment
                .sha256
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
        check(hex, "sha256".into());
        check(attachment.size_bytes > 0, "attachment size".into());
    }
    out
}
