//! `normalize`: a raw record to a normalized record. Validation (with every field error), the
//! canonical report built from the typed values, then entities, redaction and dedup keys.

use sar_model::{
    NormalizedRecord, ProtectedDescriptorValues, ProtectedDescriptors, RawRecord, ReportId,
    ZonedTime,
    ids::Origin,
    intake::{IntakeDescriptors, IntakePerson, IntakeRecord},
    reject::{Reject, RejectCode},
    report::{
        Aircraft, Attachment, LawfulSource, LegalBasis, Location, Part23Labels, Person,
        PersonIdentifier, PhysicalDescription, PropertyItem, ReportStatus, ReporterContact,
        ReporterRole, Retention, SarReport, StoreKind, Submitter, Vehicle, Vessel,
    },
};

use crate::{
    NormalizeConfig,
    clean::clean_text,
    dedup, entities,
    validate::{self, Checked, CheckedPerson},
};

/// Normalizes one raw record.
///
/// Refuses a record with any invalid field (`invalid_field`, every problem at once, as
/// `validate` reports them). Otherwise builds the canonical report: `report_id` is the raw
/// record's id, times keep their original offsets, every free-text field is cleaned
/// (`clean_text`), codes are typed and deduplicated, missing grades get the anonymous or
/// not-provided default and a mapping to the other scheme, the report is labelled with the
/// configured sensitivity and the submitting organisation, held as an FS SAR in the tips-and-
/// leads store until `received_at` + `tips_leads_ttl_days`, with status `normalized`. Then
/// extracts entities, redacts the narrative and computes the dedup keys. `now` becomes
/// `normalized_at`; the same input always gives the same output.
pub fn normalize(
    raw: RawRecord,
    config: &NormalizeConfig,
    now: ZonedTime,
) -> Result<NormalizedRecord, Reject> {
    let RawRecord {
        record_id,
        received_at,
        ledger_seq: _,
        submission,
    } = raw;
    let checked = validate::check(&submission, config).map_err(Reject::invalid_fields)?;
    let retain_until = retain_until(received_at, config.tips_leads_ttl_days)?;
    let report = build_report(
        record_id,
        received_at,
        retain_until,
        submission,
        checked,
        config,
    );
    let extraction = entities::extract(&report);
    let dedup = dedup::keys(&report);
    Ok(NormalizedRecord {
        report,
        narrative_redacted: extraction.redacted,
        entities: extraction.entities,
        dedup,
        normalized_at: now,
    })
}

/// `received_at` plus `days`, in `received_at`'s offset.
fn retain_until(received_at: ZonedTime, days: u32) -> Result<ZonedTime, Reject> {
    received_at
        .original()
        .checked_add(time::Duration::days(i64::from(days)))
        .map(ZonedTime::from_offset_date_time)
        .ok_or_else(|| Reject {
            code: RejectCode::InvariantViolated,
            message: "received_at plus the retention period is out of range".to_owned(),
            field_errors: Vec::new(),
        })
}

fn build_report(
    record_id: ReportId,
    received_at: ZonedTime,
    retain_until: ZonedTime,
    intake: IntakeRecord,
    checked: Checked,
    config: &NormalizeConfig,
) -> SarReport {
    let IntakeRecord {
        source,
        submitter,
        location,
        persons,
        vehicles,
        vessels,
        aircraft,
        property,
        attachments,
        ..
    } = intake;
    let org_id = clean_field(&submitter.org_id);
    let reporter_contact = match checked.reporter_role {
        ReporterRole::Anonymous => None,
        _ => submitter.reporter_contact.and_then(|contact| {
            let contact = ReporterContact {
                name: clean_optional(contact.name),
                phone: clean_optional(contact.phone),
                email: clean_optional(contact.email),
            };
            let any = contact.name.is_some() || contact.phone.is_some() || contact.email.is_some();
            any.then_some(contact)
        }),
    };
    SarReport {
        report_id: record_id,
        origin: Origin {
            system: source.system,
            report_id: source.report_id,
        },
        fs_version: checked.fs_version,
        privacy_policy_version: config.privacy_policy_version.clone(),
        channel: checked.channel,
        submitted_at: checked.submitted_at,
        received_at,
        submitter: Submitter {
            org_id: org_id.clone(),
            org_name: clean_field(&submitter.org_name),
            org_type: checked.org_type,
            sector: checked.sector,
            reporter_role: checked.reporter_role,
            reporter_contact,
        },
        observed: checked.observed,
        location: Location {
            address: clean_optional(location.address),
            city: clean_optional(location.city),
            state: clean_optional(location.state),
            zip: clean_optional(location.zip),
            coordinates: checked.coordinates,
            place_name: clean_optional(location.place_name),
            jurisdiction: clean_field(&location.jurisdiction),
            is_residence: location.is_residence.unwrap_or(false),
        },
        narrative: checked.narrative,
        additional_facts: checked.additional_facts,
        behavior_codes: checked.behavior_codes,
        target_sectors: checked.target_sectors,
        tip_class: checked.tip_class,
        tip_domain: checked.tip_domain,
        persons: persons
            .into_iter()
            .zip(checked.persons)
            .map(|(person, typed)| build_person(person, typed))
            .collect(),
        vehicles: vehicles
            .into_iter()
            .map(|vehicle| Vehicle {
                plate: clean_optional(vehicle.plate).map(|plate| plate.to_uppercase()),
                plate_state: clean_optional(vehicle.plate_state),
                vin: clean_optional(vehicle.vin),
                make: clean_optional(vehicle.make),
                model: clean_optional(vehicle.model),
                color: clean_optional(vehicle.color),
                year: vehicle.year,
            })
            .collect(),
        vessels: vessels
            .into_iter()
            .map(|vessel| Vessel {
                registration: clean_optional(vessel.registration),
                name: clean_optional(vessel.name),
                vessel_type: clean_optional(vessel.vessel_type),
            })
            .collect(),
        aircraft: aircraft
            .into_iter()
            .map(|craft| Aircraft {
                tail_number: clean_optional(craft.tail_number),
                aircraft_type: clean_optional(craft.aircraft_type),
            })
            .collect(),
        property: property
            .into_iter()
            .map(|item| PropertyItem {
                property_type: clean_field(&item.property_type),
                description: clean_optional(item.description),
                quantity: item.quantity,
                serial: clean_optional(item.serial),
            })
            .collect(),
        attachments: attachments
            .into_iter()
            .map(|attachment| Attachment {
                sha256: attachment.sha256,
                media_type: attachment.media_type,
                size_bytes: attachment.size_bytes,
            })
            .collect(),
        grading: checked.grading,
        lawful_source: LawfulSource {
            lawfully_obtained: true,
            attested_by: org_id.clone(),
            quarantined: false,
        },
        labels: Part23Labels {
            sensitivity: config.default_sensitivity,
            submitting_agency: org_id,
            control_official: None,
        },
        legal_basis: LegalBasis::FsSar,
        retention: Retention {
            store: StoreKind::TipsLeads,
            retain_until,
            last_validated_at: None,
            validated_by: None,
            validation_rationale: None,
        },
        status: ReportStatus::Normalized,
    }
}

fn build_person(person: IntakePerson, typed: CheckedPerson) -> Person {
    let descriptors = person.descriptors.map(protected_values).unwrap_or_default();
    Person {
        role: typed.role,
        name: clean_optional(person.name),
        aliases: clean_list(person.aliases),
        dob: typed.dob,
        age: person.age,
        ids: person
            .ids
            .into_iter()
            .zip(typed.id_kinds)
            .map(|(id, kind)| PersonIdentifier {
                kind,
                value: clean_field(&id.value),
                issuer: clean_optional(id.issuer),
            })
            .collect(),
        addresses: clean_list(person.addresses),
        phones: clean_list(person.phones),
        emails: clean_list(person.emails),
        online_ids: clean_list(person.online_ids),
        physical: person.physical.map(|physical| PhysicalDescription {
            height_cm: physical.height_cm,
            weight_kg: physical.weight_kg,
            hair: clean_optional(physical.hair),
            eyes: clean_optional(physical.eyes),
            description: clean_optional(physical.description),
        }),
        descriptors: ProtectedDescriptors::new(descriptors),
        noncriminal_identifying: false,
    }
}

fn protected_values(descriptors: IntakeDescriptors) -> ProtectedDescriptorValues {
    ProtectedDescriptorValues {
        race: clean_optional(descriptors.race),
        ethnicity: clean_optional(descriptors.ethnicity),
        nationality: clean_optional(descriptors.nationality),
        religion: clean_optional(descriptors.religion),
        gender: clean_optional(descriptors.gender),
        sexual_orientation: clean_optional(descriptors.sexual_orientation),
        gender_identity: clean_optional(descriptors.gender_identity),
        language: clean_optional(descriptors.language),
    }
}

/// A short field (a name, a code, a number): cleaned and without leading spaces either.
fn clean_field(text: &str) -> String {
    let cleaned = clean_text(text);
    match cleaned.strip_prefix(' ') {
        Some(rest) => rest.to_owned(),
        None => cleaned,
    }
}

/// Cleaned; `None` when absent or empty after cleaning.
fn clean_optional(text: Option<String>) -> Option<String> {
    text.map(|text| clean_field(&text))
        .filter(|text| !text.is_empty())
}

/// Each entry cleaned; entries empty after cleaning dropped.
fn clean_list(texts: Vec<String>) -> Vec<String> {
    texts
        .iter()
        .map(|text| clean_field(text))
        .filter(|text| !text.is_empty())
        .collect()
}

#[cfg(test)]
mod tests;
