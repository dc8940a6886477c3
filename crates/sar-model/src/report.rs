//! The canonical SAR (domain spec §3.2): typed, validated, one shape for every stage.

use serde::{Deserialize, Serialize};

use crate::{
    codes::{BehaviorCode, TargetSectorCode, TipClassCode, TipDomainCode},
    grading::Grading,
    ids::{Origin, ReportId},
    protected::ProtectedDescriptors,
    zoned::{CalendarDate, ZonedTime},
};

/// A suspicious activity report after normalization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SarReport {
    /// System id, UUID v7, assigned on receipt.
    pub report_id: ReportId,
    /// Originating system and id: the idempotency key.
    pub origin: Origin,
    /// Functional Standard version the codes were assigned under.
    pub fs_version: String,
    /// Privacy policy version in force when the report was admitted (rule T-38).
    pub privacy_policy_version: String,
    /// How the report arrived.
    pub channel: Channel,
    /// When the submitter sent it.
    pub submitted_at: ZonedTime,
    /// When sarflow received it.
    pub received_at: ZonedTime,
    /// Who submitted it.
    pub submitter: Submitter,
    /// When the activity was observed.
    pub observed: ObservedPeriod,
    /// Where the activity was observed.
    pub location: Location,
    /// The reporter's words (PII-bearing).
    pub narrative: String,
    /// Facts beyond the narrative (PII-bearing).
    pub additional_facts: Option<String>,
    /// Functional Standard behaviour codes; may be empty at intake, then no ISE-SAR path (T-01).
    pub behavior_codes: Vec<BehaviorCode>,
    /// Target sectors.
    pub target_sectors: Vec<TargetSectorCode>,
    /// Tip class.
    pub tip_class: Option<TipClassCode>,
    /// Tip domain.
    pub tip_domain: Option<TipDomainCode>,
    /// People involved.
    pub persons: Vec<Person>,
    /// Vehicles involved.
    pub vehicles: Vec<Vehicle>,
    /// Vessels involved.
    pub vessels: Vec<Vessel>,
    /// Aircraft involved.
    pub aircraft: Vec<Aircraft>,
    /// Property items involved.
    pub property: Vec<PropertyItem>,
    /// Attachment metadata.
    pub attachments: Vec<Attachment>,
    /// Source reliability and content validity.
    pub grading: Grading,
    /// Lawful-source attestation (28 CFR 23.20(d)).
    pub lawful_source: LawfulSource,
    /// 28 CFR 23.20(g) labels.
    pub labels: Part23Labels,
    /// The standard the record is held under (rule T-38).
    pub legal_basis: LegalBasis,
    /// Which store holds it and until when.
    pub retention: Retention,
    /// Workflow state (domain spec §9.1).
    pub status: ReportStatus,
}

/// Intake channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Officer report from an RMS or the officer API.
    Officer,
    /// Private-sector partner batch feed.
    PartnerFeed,
    /// Public web form.
    WebForm,
    /// Mobile app.
    MobileApp,
    /// Phone tip captured by a call-taker.
    Phone,
    /// E-mail.
    Email,
    /// NIEM ISE-SAR XML exchange.
    NiemXml,
    /// CSV batch.
    Csv,
}

/// Kind of submitting organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgType {
    /// Law-enforcement agency.
    LawEnforcement,
    /// Private-sector partner.
    PrivateSector,
    /// Member of the public (or a public body without LE authority acting as one).
    Public,
    /// Government, not law enforcement.
    GovernmentNonLe,
}

/// Role of the person who made the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReporterRole {
    /// Sworn officer.
    Officer,
    /// Private security officer.
    SecurityOfficer,
    /// Employee of the submitting organisation.
    Employee,
    /// Member of the public.
    Citizen,
    /// Anonymous tipster.
    Anonymous,
}

vocabulary!(Channel {
    Officer => "officer",
    PartnerFeed => "partner_feed",
    WebForm => "web_form",
    MobileApp => "mobile_app",
    Phone => "phone",
    Email => "email",
    NiemXml => "niem_xml",
    Csv => "csv",
});
vocabulary!(OrgType {
    LawEnforcement => "law_enforcement",
    PrivateSector => "private_sector",
    Public => "public",
    GovernmentNonLe => "government_non_le",
});
vocabulary!(ReporterRole {
    Officer => "officer",
    SecurityOfficer => "security_officer",
    Employee => "employee",
    Citizen => "citizen",
    Anonymous => "anonymous",
});
vocabulary!(PersonRole {
    Subject => "subject",
    Witness => "witness",
    Victim => "victim",
    Reporter => "reporter",
    Associate => "associate",
    Officer => "officer",
});
vocabulary!(Sensitivity {
    Open => "open",
    AgencyNameOnly => "agency_name_only",
    Restricted => "restricted",
});
vocabulary!(PersonIdKind {
    DriversLicense => "drivers_license",
    Ssn => "ssn",
    Passport => "passport",
    AlienNumber => "alien_number",
    StateId => "state_id",
    Other => "other",
});

/// The submitting organisation and reporter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submitter {
    /// Organisation id (ORI or partner id).
    pub org_id: String,
    /// Organisation name.
    pub org_name: String,
    /// Organisation type.
    pub org_type: OrgType,
    /// The organisation's own sector.
    pub sector: Option<TargetSectorCode>,
    /// Reporter's role.
    pub reporter_role: ReporterRole,
    /// Reporter contact (PII; never for anonymous tips).
    pub reporter_contact: Option<ReporterContact>,
}

/// Reporter contact details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReporterContact {
    /// Name.
    pub name: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
}

/// When the activity was observed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedPeriod {
    /// Start.
    pub start: ZonedTime,
    /// End, if known; never before the start.
    pub end: Option<ZonedTime>,
}

/// Where the activity was observed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Street address (PII if a residence).
    pub address: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State.
    pub state: Option<String>,
    /// ZIP code.
    pub zip: Option<String>,
    /// Coordinates.
    pub coordinates: Option<GeoPoint>,
    /// Place name.
    pub place_name: Option<String>,
    /// Responsible jurisdiction.
    pub jurisdiction: String,
    /// The address is a private residence.
    pub is_residence: bool,
}

/// WGS 84 coordinates, latitude in [-90, 90], longitude in [-180, 180].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

/// Role of a person in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonRole {
    /// Subject of the report.
    Subject,
    /// Witness.
    Witness,
    /// Victim.
    Victim,
    /// The reporter.
    Reporter,
    /// Associate of a subject.
    Associate,
    /// Officer involved.
    Officer,
}

/// A person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    /// Role.
    pub role: PersonRole,
    /// Full name.
    pub name: Option<String>,
    /// Aliases.
    pub aliases: Vec<String>,
    /// Date of birth.
    pub dob: Option<CalendarDate>,
    /// Age in years.
    pub age: Option<i32>,
    /// Identification numbers.
    pub ids: Vec<PersonIdentifier>,
    /// Addresses.
    pub addresses: Vec<String>,
    /// Phones.
    pub phones: Vec<String>,
    /// E-mails.
    pub emails: Vec<String>,
    /// Online identifiers.
    pub online_ids: Vec<String>,
    /// Physical description.
    pub physical: Option<PhysicalDescription>,
    /// Protected descriptors; unreadable outside sar-model.
    pub descriptors: ProtectedDescriptors,
    /// Held only to identify a criminal subject, with no criminal connotation (28 CFR 23, 1998
    /// clarification).
    pub noncriminal_identifying: bool,
}

/// Kind of identification number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonIdKind {
    /// Driver's licence.
    DriversLicense,
    /// Social security number.
    Ssn,
    /// Passport.
    Passport,
    /// Alien registration number.
    AlienNumber,
    /// State identification card.
    StateId,
    /// Anything else.
    Other,
}

/// An identification number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonIdentifier {
    /// Kind.
    pub kind: PersonIdKind,
    /// Number.
    pub value: String,
    /// Issuing state or country.
    pub issuer: Option<String>,
}

/// Physical description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhysicalDescription {
    /// Height, centimetres.
    pub height_cm: Option<i32>,
    /// Weight, kilograms.
    pub weight_kg: Option<i32>,
    /// Hair.
    pub hair: Option<String>,
    /// Eyes.
    pub eyes: Option<String>,
    /// Free text.
    pub description: Option<String>,
}

/// A vehicle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vehicle {
    /// Plate (linkable PII).
    pub plate: Option<String>,
    /// Plate state.
    pub plate_state: Option<String>,
    /// VIN (linkable PII).
    pub vin: Option<String>,
    /// Make.
    pub make: Option<String>,
    /// Model.
    pub model: Option<String>,
    /// Colour.
    pub color: Option<String>,
    /// Model year.
    pub year: Option<i32>,
}

/// A vessel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vessel {
    /// Hull or registration number (linkable PII).
    pub registration: Option<String>,
    /// Name.
    pub name: Option<String>,
    /// Type.
    pub vessel_type: Option<String>,
}

/// An aircraft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aircraft {
    /// Tail number (linkable).
    pub tail_number: Option<String>,
    /// Type.
    pub aircraft_type: Option<String>,
}

/// A property item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PropertyItem {
    /// What it is.
    pub property_type: String,
    /// Description.
    pub description: Option<String>,
    /// Quantity.
    pub quantity: Option<i32>,
    /// Serial number (linkable PII).
    pub serial: Option<String>,
}

/// Attachment metadata; the content is stored elsewhere by hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// SHA-256, lowercase hex.
    pub sha256: String,
    /// Media type.
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
}

/// Lawful-source attestation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LawfulSource {
    /// The submitter attests the information was obtained lawfully.
    pub lawfully_obtained: bool,
    /// Who attested: the submitting organisation id.
    pub attested_by: String,
    /// Set when the record was later found to be unlawfully obtained: quarantined, then purged.
    pub quarantined: bool,
}

/// Sensitivity label (28 CFR 23.20(g); IIR sample policy levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    /// Disseminate on a hit.
    Open,
    /// Give only the controlling agency and its contact.
    AgencyNameOnly,
    /// Do not reveal the hit; notify the controlling agency.
    Restricted,
}

/// The 28 CFR 23.20(g) labels. Confidence is the `grading` of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part23Labels {
    /// Level of sensitivity.
    pub sensitivity: Sensitivity,
    /// Submitting agency (organisation id).
    pub submitting_agency: String,
    /// Control official; set when the record is vetted, required before it can become CII.
    pub control_official: Option<String>,
}

/// The legal standard a record is held under (rule T-38).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalBasis {
    /// A SAR under the Functional Standard, held as a tip or lead.
    FsSar,
    /// An ISE-SAR after two-step human vetting.
    IseSar,
    /// Criminal intelligence under 28 CFR Part 23.
    Cfr23,
    /// Noncriminal identifying information attached to a CII subject.
    NoncriminalId,
}

/// The store that holds a record; each has its own retention policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StoreKind {
    /// Tips and leads working store.
    TipsLeads,
    /// ISE-SAR share set.
    IseShare,
    /// Criminal intelligence store (28 CFR Part 23).
    CriminalIntel,
}

/// Retention fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    /// Which store.
    pub store: StoreKind,
    /// Purge after this instant unless validated.
    pub retain_until: ZonedTime,
    /// Last validation.
    pub last_validated_at: Option<ZonedTime>,
    /// Reviewer of the last validation.
    pub validated_by: Option<String>,
    /// Reason for retention given at the last validation.
    pub validation_rationale: Option<String>,
}

/// Workflow state (domain spec §9.1). Only humans move a report to `IseSar` or `Cii`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// In the intake ledger.
    Received,
    /// Rejected as malformed.
    RejectedMalformed,
    /// Normalized.
    Normalized,
    /// Linked to a possible duplicate.
    DedupLinked,
    /// Scored and queued.
    TriageQueue,
    /// Step-1 review.
    Step1Review,
    /// Privacy review.
    PrivacyReview,
    /// Blocked: only protected activity.
    BlockedProtectedActivity,
    /// Not a SAR; handed to ordinary criminal-tip handling.
    NotSarCriminalTip,
    /// Unfounded.
    Unfounded,
    /// Step-2 vetting.
    Step2Vetting,
    /// ISE-SAR (human decision).
    IseSar,
    /// Not an ISE-SAR.
    NotIseSar,
    /// Proposed as criminal intelligence.
    CiiCandidate,
    /// Criminal intelligence (human decision).
    Cii,
    /// Expired.
    Expired,
    /// Purged.
    Purged,
}

#[cfg(test)]
mod tests;
