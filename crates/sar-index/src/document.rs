//! A routed record as an index document: the indexed fields, and the three stored JSON views
//! (Summary, Detailed, whole record) the searcher answers from.
//!
//! Protected descriptors are removed from everything stored: they are identification data for
//! the record of origin, never something a search returns (domain spec §2.4).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tantivy::{DateTime, TantivyDocument};

use sar_model::{
    records::{DestinationKind, RoutedRecord},
    report::SarReport,
};

use crate::{
    IndexError,
    schema::{Fields, keyword},
    search::{DetailedView, HitSummary},
};

/// The stored Summary view: what a hit shows, plus the redacted narrative its snippet is cut
/// from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredSummary {
    #[serde(flatten)]
    pub(crate) hit: HitSummary,
    pub(crate) narrative_redacted: String,
}

/// The document of one record.
pub(crate) fn to_document(
    fields: &Fields,
    record: &RoutedRecord,
) -> Result<TantivyDocument, IndexError> {
    let normalized = &record.gated.scored.normalized;
    let report = &normalized.report;
    let summary = summary_of(record);
    let detailed = detailed_of(report)?;
    let mut whole = serde_json::to_value(record).map_err(encode)?;
    if let Some(persons) = whole.pointer_mut("/gated/scored/normalized/report/persons") {
        strip_descriptors(persons);
    }

    let mut doc = TantivyDocument::default();
    doc.add_text(fields.report_id, report.report_id.to_string());
    doc.add_text(fields.narrative_redacted, &normalized.narrative_redacted);
    doc.add_text(fields.summary_text, summary_text(report));
    for code in &report.behavior_codes {
        doc.add_text(fields.behavior_codes, keyword(code.code()));
    }
    for sector in &report.target_sectors {
        doc.add_text(fields.target_sectors, keyword(sector.code()));
    }
    if let Some(queue) = &summary.queue {
        doc.add_text(fields.queue, keyword(queue));
    }
    doc.add_text(fields.outcome, keyword(&summary.outcome));
    doc.add_text(fields.jurisdiction, keyword(&report.location.jurisdiction));
    doc.add_text(fields.agency, keyword(&report.submitter.org_id));
    doc.add_text(fields.sensitivity, report.labels.sensitivity.as_str());
    doc.add_date(
        fields.received_at,
        DateTime::from_timestamp_secs(report.received_at.unix_seconds()),
    );
    doc.add_date(
        fields.observed_at,
        DateTime::from_timestamp_secs(report.observed.start.unix_seconds()),
    );
    doc.add_f64(fields.score, record.gated.scored.score.value);

    let stored = StoredSummary {
        hit: summary,
        narrative_redacted: normalized.narrative_redacted.clone(),
    };
    doc.add_text(
        fields.summary_view,
        serde_json::to_string(&stored).map_err(encode)?,
    );
    doc.add_text(
        fields.detailed_view,
        serde_json::to_string(&detailed).map_err(encode)?,
    );
    doc.add_text(
        fields.record,
        serde_json::to_string(&whole).map_err(encode)?,
    );

    add_pii_fields(fields, report, &mut doc);
    Ok(doc)
}

/// The analyst queue of a record: its first analyst-queue route (as the queue service decides).
pub(crate) fn queue_of(record: &RoutedRecord) -> Option<&'static str> {
    record
        .routes
        .iter()
        .filter(|route| route.destination == DestinationKind::AnalystQueue)
        .find_map(|route| route.queue.map(|queue| queue.as_str()))
}

fn summary_of(record: &RoutedRecord) -> HitSummary {
    let scored = &record.gated.scored;
    let report = &scored.normalized.report;
    HitSummary {
        score: scored.score.value,
        queue: queue_of(record).map(str::to_owned),
        outcome: record.gated.decision.outcome.as_str().to_owned(),
        channel: report.channel.as_str().to_owned(),
        received_at: report.received_at.to_rfc3339(),
        observed_at: report.observed.start.to_rfc3339(),
        behavior_codes: report
            .behavior_codes
            .iter()
            .map(|code| code.code().to_owned())
            .collect(),
        target_sectors: report
            .target_sectors
            .iter()
            .map(|sector| sector.code().to_owned())
            .collect(),
        jurisdiction: report.location.jurisdiction.clone(),
        city: report.location.city.clone(),
        state: report.location.state.clone(),
        submitting_agency: report.submitter.org_id.clone(),
        submitting_org_name: report.submitter.org_name.clone(),
        flags: scored
            .flags
            .iter()
            .map(|flag| flag.kind.as_str().to_owned())
            .collect(),
    }
}

fn detailed_of(report: &SarReport) -> Result<DetailedView, IndexError> {
    let mut persons = serde_json::to_value(&report.persons).map_err(encode)?;
    strip_descriptors(&mut persons);
    let list = |value: Value| match value {
        Value::Array(items) => items,
        _ => Vec::new(),
    };
    Ok(DetailedView {
        narrative: report.narrative.clone(),
        additional_facts: report.additional_facts.clone(),
        persons: list(persons),
        vehicles: list(serde_json::to_value(&report.vehicles).map_err(encode)?),
        vessels: list(serde_json::to_value(&report.vessels).map_err(encode)?),
        aircraft: list(serde_json::to_value(&report.aircraft).map_err(encode)?),
        property: list(serde_json::to_value(&report.property).map_err(encode)?),
        reporter_contact: report
            .submitter
            .reporter_contact
            .as_ref()
            .map(serde_json::to_value)
            .transpose()
            .map_err(encode)?,
        location: serde_json::to_value(&report.location).map_err(encode)?,
    })
}

/// Removes `descriptors` from every person of a serialized person list.
fn strip_descriptors(persons: &mut Value) {
    if let Value::Array(persons) = persons {
        for person in persons {
            if let Value::Object(person) = person {
                person.remove("descriptors");
            }
        }
    }
}

/// The searchable text of the Summary view: place (unless a residence), organisation, assets
/// by kind and make, and the names of the codes. Nothing the Summary view drops.
fn summary_text(report: &SarReport) -> String {
    let location = &report.location;
    let mut parts: Vec<&str> = Vec::new();
    parts.extend(location.city.as_deref());
    parts.extend(location.state.as_deref());
    parts.extend(location.zip.as_deref());
    if !location.is_residence {
        parts.extend(location.place_name.as_deref());
    }
    parts.push(&report.submitter.org_name);
    for vehicle in &report.vehicles {
        parts.extend(vehicle.make.as_deref());
        parts.extend(vehicle.model.as_deref());
        parts.extend(vehicle.color.as_deref());
    }
    for vessel in &report.vessels {
        parts.extend(vessel.vessel_type.as_deref());
    }
    for aircraft in &report.aircraft {
        parts.extend(aircraft.aircraft_type.as_deref());
    }
    for item in &report.property {
        parts.push(&item.property_type);
    }
    for code in &report.behavior_codes {
        parts.push(code.name());
    }
    for sector in &report.target_sectors {
        parts.push(sector.name());
    }
    parts.join("\n")
}

fn add_pii_fields(fields: &Fields, report: &SarReport, doc: &mut TantivyDocument) {
    doc.add_text(fields.narrative, &report.narrative);
    if let Some(facts) = &report.additional_facts {
        doc.add_text(fields.narrative, facts);
    }
    for person in &report.persons {
        for name in person.name.iter().chain(&person.aliases) {
            doc.add_text(fields.person_names, name);
        }
        for id in &person.ids {
            doc.add_text(fields.identifiers, &id.value);
        }
        for value in person
            .phones
            .iter()
            .chain(&person.emails)
            .chain(&person.online_ids)
        {
            doc.add_text(fields.identifiers, value);
        }
        if let Some(dob) = &person.dob {
            doc.add_text(fields.identifiers, dob.to_iso());
        }
        for address in &person.addresses {
            doc.add_text(fields.addresses, address);
        }
    }
    for vehicle in &report.vehicles {
        for value in vehicle.plate.iter().chain(&vehicle.vin) {
            doc.add_text(fields.plates, value);
        }
    }
    for vessel in &report.vessels {
        for value in vessel.registration.iter().chain(&vessel.name) {
            doc.add_text(fields.plates, value);
        }
    }
    for aircraft in &report.aircraft {
        if let Some(tail) = &aircraft.tail_number {
            doc.add_text(fields.plates, tail);
        }
    }
    for item in &report.property {
        if let Some(serial) = &item.serial {
            doc.add_text(fields.plates, serial);
        }
        if let Some(description) = &item.description {
            doc.add_text(fields.narrative, description);
        }
    }
    if let Some(contact) = &report.submitter.reporter_contact {
        for value in [&contact.name, &contact.phone, &contact.email]
            .into_iter()
            .flatten()
        {
            doc.add_text(fields.contact, value);
        }
    }
    let location = &report.location;
    if let Some(address) = &location.address {
        doc.add_text(fields.addresses, address);
    }
    if location.is_residence
        && let Some(place) = &location.place_name
    {
        doc.add_text(fields.addresses, place);
    }
}

fn encode(error: serde_json::Error) -> IndexError {
    IndexError::Encode(error.to_string())
}
