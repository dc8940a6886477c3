//! The intake format: the JSON a partner or an officer sends (`schemas/intake.schema.json`).
//!
//! These names are a published contract: fields may be added, never renamed. The types are
//! *lexical*: codes, enumerations and times are kept as the text that was sent, so that
//! normalization can check every field and report every problem at once with its path
//! (`persons[2].dob: not a date`) instead of stopping at the first. Unknown fields are refused,
//! so a misspelt field is an error, never silently dropped. The raw topic carries this record as
//! submitted.

use serde::{Deserialize, Serialize};

/// One submission, as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeRecord {
    /// Originating system and its report id: the idempotency key.
    pub source: IntakeSource,
    /// `officer | partner_feed | web_form | mobile_app | phone | email | niem_xml | csv`.
    pub channel: String,
    /// When the submitter sent it, RFC 3339 with offset.
    pub submitted_at: String,
    /// The submitting organisation and the reporter's role.
    pub submitter: IntakeSubmitter,
    /// When the activity was observed.
    pub observed: IntakeObserved,
    /// Where the activity was observed.
    pub location: IntakeLocation,
    /// Functional Standard behaviour codes (`INTRSN`, `PHOTO`, ...).
    #[serde(default)]
    pub behavior_codes: Vec<String>,
    /// NIEM target-sector codes (`WATR`, `CULTR`, ...).
    #[serde(default)]
    pub target_sectors: Vec<String>,
    /// NIEM tip-class code.
    #[serde(default)]
    pub tip_class: Option<String>,
    /// NIEM tip-domain code (`A`-`H`).
    #[serde(default)]
    pub tip_domain: Option<String>,
    /// What was observed, in the reporter's words.
    pub narrative: String,
    /// Facts beyond the narrative that support a group-B behaviour.
    #[serde(default)]
    pub additional_facts: Option<String>,
    /// People involved.
    #[serde(default)]
    pub persons: Vec<IntakePerson>,
    /// Vehicles involved.
    #[serde(default)]
    pub vehicles: Vec<IntakeVehicle>,
    /// Vessels involved (extension of the contract).
    #[serde(default)]
    pub vessels: Vec<IntakeVessel>,
    /// Aircraft involved (extension of the contract).
    #[serde(default)]
    pub aircraft: Vec<IntakeAircraft>,
    /// Property items involved (extension of the contract).
    #[serde(default)]
    pub property: Vec<IntakeProperty>,
    /// Source reliability and content validity, if the submitter graded them.
    #[serde(default)]
    pub grading: Option<IntakeGrading>,
    /// Attestation that the information was obtained lawfully (28 CFR 23.20(d)).
    pub lawfully_obtained: bool,
    /// Metadata of attached media; the media travel separately.
    #[serde(default)]
    pub attachments: Vec<IntakeAttachment>,
    /// Functional Standard version the submitter used; `1.5.5` when absent.
    #[serde(default)]
    pub fs_version: Option<String>,
}

/// `source {system, report_id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeSource {
    /// Originating system.
    pub system: String,
    /// Report id in that system.
    pub report_id: String,
}

/// `submitter {org_id, org_name, org_type, sector?, reporter_role}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeSubmitter {
    /// Organisation id (an ORI for law enforcement, a partner id otherwise).
    pub org_id: String,
    /// Organisation name.
    pub org_name: String,
    /// `law_enforcement | private_sector | public | government_non_le`.
    pub org_type: String,
    /// The organisation's own sector, as a target-sector code.
    #[serde(default)]
    pub sector: Option<String>,
    /// `officer | security_officer | employee | citizen | anonymous`.
    pub reporter_role: String,
    /// How to reach the reporter; PII, optional, absent for anonymous tips.
    #[serde(default)]
    pub reporter_contact: Option<IntakeContact>,
}

/// Reporter contact details (extension of the contract).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeContact {
    /// Reporter's name.
    #[serde(default)]
    pub name: Option<String>,
    /// Reporter's phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// Reporter's e-mail.
    #[serde(default)]
    pub email: Option<String>,
}

/// `observed {start, end?}`, RFC 3339 with offset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeObserved {
    /// Start of the observed activity.
    pub start: String,
    /// End of the observed activity.
    #[serde(default)]
    pub end: Option<String>,
}

/// `location {address?, city?, state?, zip?, lat?, lon?, place_name?, jurisdiction}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeLocation {
    /// Street address.
    #[serde(default)]
    pub address: Option<String>,
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// State (two-letter USPS code).
    #[serde(default)]
    pub state: Option<String>,
    /// ZIP code.
    #[serde(default)]
    pub zip: Option<String>,
    /// Latitude, WGS 84 degrees.
    #[serde(default)]
    pub lat: Option<f64>,
    /// Longitude, WGS 84 degrees.
    #[serde(default)]
    pub lon: Option<f64>,
    /// Name of the place (facility, venue).
    #[serde(default)]
    pub place_name: Option<String>,
    /// The jurisdiction responsible for the location.
    pub jurisdiction: String,
    /// Whether the address is a private residence (then it is PII; extension of the contract).
    #[serde(default)]
    pub is_residence: Option<bool>,
}

/// One person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakePerson {
    /// `subject | witness | victim | reporter | associate`.
    pub role: String,
    /// Full name.
    #[serde(default)]
    pub name: Option<String>,
    /// Other names used.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Date of birth, `YYYY-MM-DD`.
    #[serde(default)]
    pub dob: Option<String>,
    /// Age in years, when the date of birth is unknown.
    #[serde(default)]
    pub age: Option<i32>,
    /// Identification numbers.
    #[serde(default)]
    pub ids: Vec<IntakePersonId>,
    /// Addresses, one line each.
    #[serde(default)]
    pub addresses: Vec<String>,
    /// Phone numbers.
    #[serde(default)]
    pub phones: Vec<String>,
    /// E-mail addresses.
    #[serde(default)]
    pub emails: Vec<String>,
    /// Online identifiers (handles, screen names; extension of the contract).
    #[serde(default)]
    pub online_ids: Vec<String>,
    /// Physical description.
    #[serde(default)]
    pub physical: Option<IntakePhysical>,
    /// Protected descriptors: stored for identification only, never used for scoring or routing.
    #[serde(default)]
    pub descriptors: Option<IntakeDescriptors>,
}

impl IntakePerson {
    /// A person with only a role, every other field empty.
    pub fn with_role(role: &str) -> Self {
        Self {
            role: role.to_owned(),
            name: None,
            aliases: Vec::new(),
            dob: None,
            age: None,
            ids: Vec::new(),
            addresses: Vec::new(),
            phones: Vec::new(),
            emails: Vec::new(),
            online_ids: Vec::new(),
            physical: None,
            descriptors: None,
        }
    }
}

/// An identification number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakePersonId {
    /// `drivers_license | ssn | passport | alien_number | state_id | other`.
    pub kind: String,
    /// The number.
    pub value: String,
    /// Issuing state or country.
    #[serde(default)]
    pub issuer: Option<String>,
}

/// Physical description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakePhysical {
    /// Height in centimetres.
    #[serde(default)]
    pub height_cm: Option<i32>,
    /// Weight in kilograms.
    #[serde(default)]
    pub weight_kg: Option<i32>,
    /// Hair.
    #[serde(default)]
    pub hair: Option<String>,
    /// Eyes.
    #[serde(default)]
    pub eyes: Option<String>,
    /// Build, marks, clothing: free text.
    #[serde(default)]
    pub description: Option<String>,
}

/// `descriptors {race?, ethnicity?, nationality?, religion?, gender?, sexual_orientation?,
/// gender_identity?, language?}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeDescriptors {
    /// Race.
    #[serde(default)]
    pub race: Option<String>,
    /// Ethnicity.
    #[serde(default)]
    pub ethnicity: Option<String>,
    /// Nationality or national origin.
    #[serde(default)]
    pub nationality: Option<String>,
    /// Religion.
    #[serde(default)]
    pub religion: Option<String>,
    /// Gender.
    #[serde(default)]
    pub gender: Option<String>,
    /// Sexual orientation.
    #[serde(default)]
    pub sexual_orientation: Option<String>,
    /// Gender identity.
    #[serde(default)]
    pub gender_identity: Option<String>,
    /// Language spoken.
    #[serde(default)]
    pub language: Option<String>,
}

/// `vehicles [{plate?, plate_state?, vin?, make?, model?, color?, year?}]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeVehicle {
    /// Licence plate.
    #[serde(default)]
    pub plate: Option<String>,
    /// Plate's state.
    #[serde(default)]
    pub plate_state: Option<String>,
    /// Vehicle identification number.
    #[serde(default)]
    pub vin: Option<String>,
    /// Make.
    #[serde(default)]
    pub make: Option<String>,
    /// Model.
    #[serde(default)]
    pub model: Option<String>,
    /// Colour.
    #[serde(default)]
    pub color: Option<String>,
    /// Model year.
    #[serde(default)]
    pub year: Option<i32>,
}

/// A vessel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeVessel {
    /// Hull or registration number.
    #[serde(default)]
    pub registration: Option<String>,
    /// Vessel name.
    #[serde(default)]
    pub name: Option<String>,
    /// Vessel type.
    #[serde(default)]
    pub vessel_type: Option<String>,
}

/// An aircraft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeAircraft {
    /// Tail number.
    #[serde(default)]
    pub tail_number: Option<String>,
    /// Aircraft type.
    #[serde(default)]
    pub aircraft_type: Option<String>,
}

/// A property item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeProperty {
    /// What it is.
    pub property_type: String,
    /// Free-text description.
    #[serde(default)]
    pub description: Option<String>,
    /// How many.
    #[serde(default)]
    pub quantity: Option<i32>,
    /// Serial number.
    #[serde(default)]
    pub serial: Option<String>,
}

/// `grading {source_reliability?, content_validity?}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeGrading {
    /// 4x4 word or Admiralty letter.
    #[serde(default)]
    pub source_reliability: Option<String>,
    /// 4x4 word or Admiralty digit.
    #[serde(default)]
    pub content_validity: Option<String>,
}

/// `attachments [{sha256, media_type, size_bytes}]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeAttachment {
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// Media type, e.g. `image/jpeg`.
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
}
