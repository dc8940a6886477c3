//! Validation of an intake record: every field problem at once, each with its path.
//!
//! `check` parses while it validates: on success it returns the typed values normalization
//! needs (codes, times, roles, grading, the cleaned narrative), so nothing is parsed twice and
//! nothing is unwrapped after validation. Problems never repeat the value that was sent.

use sar_model::{
    BehaviorCode, CalendarDate, Code, CodeList, ContentValidity, GradeBasis, Grading,
    GradingScheme, SourceReliability, TargetSectorCode, TipClassCode, TipDomainCode, ZonedTime,
    intake::{IntakeAttachment, IntakePerson, IntakeRecord},
    records::FieldError,
    reject::Reject,
    report::{Channel, GeoPoint, ObservedPeriod, OrgType, PersonIdKind, PersonRole, ReporterRole},
};

use crate::{NormalizeConfig, clean::clean_text};

/// Checks every field of `intake` and reports every problem at once.
///
/// `Err` is a `Reject` with code `invalid_field` and one `FieldError` per problem, in field
/// order, with paths such as `persons[2].dob`, `behavior_codes[1]`, `location.lat` or
/// `observed.end`. Duplicate codes in a code list are not an error (normalization keeps the
/// first of each).
pub fn validate(intake: &IntakeRecord, config: &NormalizeConfig) -> Result<(), Reject> {
    check(intake, config)
        .map(|_| ())
        .map_err(Reject::invalid_fields)
}

/// The typed values of a valid intake record.
pub(crate) struct Checked {
    pub(crate) channel: Channel,
    pub(crate) submitted_at: ZonedTime,
    pub(crate) org_type: OrgType,
    pub(crate) sector: Option<TargetSectorCode>,
    pub(crate) reporter_role: ReporterRole,
    pub(crate) observed: ObservedPeriod,
    pub(crate) coordinates: Option<GeoPoint>,
    /// Cleaned, non-empty, within the configured length.
    pub(crate) narrative: String,
    /// Cleaned; `None` when absent or empty after cleaning.
    pub(crate) additional_facts: Option<String>,
    pub(crate) behavior_codes: Vec<BehaviorCode>,
    pub(crate) target_sectors: Vec<TargetSectorCode>,
    pub(crate) tip_class: Option<TipClassCode>,
    pub(crate) tip_domain: Option<TipDomainCode>,
    /// One per intake person, in order.
    pub(crate) persons: Vec<CheckedPerson>,
    pub(crate) grading: Grading,
    pub(crate) fs_version: String,
}

/// The typed values of one person.
pub(crate) struct CheckedPerson {
    pub(crate) role: PersonRole,
    pub(crate) dob: Option<CalendarDate>,
    /// One per intake id, in order.
    pub(crate) id_kinds: Vec<PersonIdKind>,
}

/// Clock skew allowed between a submitter's clock and the observed start.
const CLOCK_SKEW: time::Duration = time::Duration::minutes(5);

const INTAKE_PERSON_ROLES: [PersonRole; 5] = [
    PersonRole::Subject,
    PersonRole::Witness,
    PersonRole::Victim,
    PersonRole::Reporter,
    PersonRole::Associate,
];

/// Collects field errors; paths are built only when there is an error.
#[derive(Default)]
struct Problems {
    errors: Vec<FieldError>,
}

impl Problems {
    fn push(&mut self, path: impl Into<String>, problem: impl Into<String>) {
        self.errors.push(FieldError {
            path: path.into(),
            problem: problem.into(),
        });
    }

    fn take<T>(&mut self, result: Result<T, String>, path: impl FnOnce() -> String) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(problem) => {
                self.push(path(), problem);
                None
            }
        }
    }
}

pub(crate) fn check(
    intake: &IntakeRecord,
    config: &NormalizeConfig,
) -> Result<Checked, Vec<FieldError>> {
    let mut problems = Problems::default();

    if intake.source.system.trim().is_empty() {
        problems.push("source.system", "must not be empty");
    }
    if intake.source.report_id.trim().is_empty() {
        problems.push("source.report_id", "must not be empty");
    }
    let channel = problems.take(
        vocabulary(
            &intake.channel,
            Channel::parse,
            Channel::ALL,
            Channel::as_str,
            "channel",
        ),
        || "channel".to_owned(),
    );
    let submitted_at = problems.take(time(&intake.submitted_at), || "submitted_at".to_owned());

    let submitter = &intake.submitter;
    if clean_text(&submitter.org_id).is_empty() {
        problems.push("submitter.org_id", "must not be empty");
    }
    let org_type = problems.take(
        vocabulary(
            &submitter.org_type,
            OrgType::parse,
            OrgType::ALL,
            OrgType::as_str,
            "organisation type",
        ),
        || "submitter.org_type".to_owned(),
    );
    let sector = optional_code::<sar_model::codes::TargetSector>(
        &mut problems,
        submitter.sector.as_deref(),
        || "submitter.sector".to_owned(),
    );
    let reporter_role = problems.take(
        vocabulary(
            &submitter.reporter_role,
            ReporterRole::parse,
            ReporterRole::ALL,
            ReporterRole::as_str,
            "reporter role",
        ),
        || "submitter.reporter_role".to_owned(),
    );

    let observed = observed(&mut problems, intake, submitted_at.as_ref());
    let coordinates = coordinates(&mut problems, intake.location.lat, intake.location.lon);
    if let Some(state) = &intake.location.state
        && !(state.len() == 2 && state.bytes().all(|b| b.is_ascii_uppercase()))
    {
        problems.push("location.state", "not a two-letter state code (e.g. AZ)");
    }
    if clean_text(&intake.location.jurisdiction).is_empty() {
        problems.push("location.jurisdiction", "must not be empty");
    }

    let narrative = clean_text(&intake.narrative);
    if narrative.is_empty() {
        problems.push("narrative", "must not be empty");
    } else if narrative.chars().count() > config.max_narrative_chars {
        problems.push(
            "narrative",
            format!("longer than {} characters", config.max_narrative_chars),
        );
    }
    let additional_facts = intake
        .additional_facts
        .as_deref()
        .map(clean_text)
        .filter(|facts| !facts.is_empty());

    let behavior_codes = code_list::<sar_model::codes::Behavior>(
        &mut problems,
        &intake.behavior_codes,
        "behavior_codes",
    );
    let target_sectors = code_list::<sar_model::codes::TargetSector>(
        &mut problems,
        &intake.target_sectors,
        "target_sectors",
    );
    let tip_class = optional_code::<sar_model::codes::TipClass>(
        &mut problems,
        intake.tip_class.as_deref(),
        || "tip_class".to_owned(),
    );
    let tip_domain = optional_code::<sar_model::codes::TipDomain>(
        &mut problems,
        intake.tip_domain.as_deref(),
        || "tip_domain".to_owned(),
    );

    let persons: Vec<Option<CheckedPerson>> = intake
        .persons
        .iter()
        .enumerate()
        .map(|(index, person)| check_person(&mut problems, index, person, submitted_at.as_ref()))
        .collect();
    for (index, vehicle) in intake.vehicles.iter().enumerate() {
        if let Some(year) = vehicle.year
            && !(1900..=2100).contains(&year)
        {
            problems.push(
                format!("vehicles[{index}].year"),
                "out of range (1900-2100)",
            );
        }
    }
    for (index, attachment) in intake.attachments.iter().enumerate() {
        check_attachment(&mut problems, index, attachment);
    }
    let grading = grading(&mut problems, intake, reporter_role);
    if !intake.lawfully_obtained {
        problems.push(
            "lawfully_obtained",
            "attestation required (28 CFR 23.20(d))",
        );
    }
    let fs_version = match intake.fs_version.as_deref() {
        None => Some(sar_model::FS_VERSION.to_owned()),
        Some(version @ ("1.5" | "1.5.5")) => Some(version.to_owned()),
        Some(_) => {
            problems.push(
                "fs_version",
                "unsupported Functional Standard version: expected 1.5 or 1.5.5",
            );
            None
        }
    };

    let persons: Option<Vec<CheckedPerson>> = persons.into_iter().collect();
    if !problems.errors.is_empty() {
        return Err(problems.errors);
    }
    let (
        Some(channel),
        Some(submitted_at),
        Some(org_type),
        Some(sector),
        Some(reporter_role),
        Some(observed),
        Some(coordinates),
        Some(behavior_codes),
        Some(target_sectors),
        Some(tip_class),
        Some(tip_domain),
        Some(persons),
        Some(grading),
        Some(fs_version),
    ) = (
        channel,
        submitted_at,
        org_type,
        sector,
        reporter_role,
        observed,
        coordinates,
        behavior_codes,
        target_sectors,
        tip_class,
        tip_domain,
        persons,
        grading,
        fs_version,
    )
    else {
        // Every `None` above comes with a pushed problem; this is a broken invariant of this
        // module, reported as a field error rather than a panic.
        return Err(vec![FieldError {
            path: "$".to_owned(),
            problem: "invalid record".to_owned(),
        }]);
    };
    Ok(Checked {
        channel,
        submitted_at,
        org_type,
        sector,
        reporter_role,
        observed,
        coordinates,
        narrative,
        additional_facts,
        behavior_codes,
        target_sectors,
        tip_class,
        tip_domain,
        persons,
        grading,
        fs_version,
    })
}

fn vocabulary<T: Copy>(
    text: &str,
    parse: fn(&str) -> Option<T>,
    all: &[T],
    name: fn(T) -> &'static str,
    what: &str,
) -> Result<T, String> {
    parse(text).ok_or_else(|| format!("unknown {what}: expected one of {}", names(all, name)))
}

fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> String {
    all.iter()
        .map(|value| name(*value))
        .collect::<Vec<_>>()
        .join(", ")
}

fn time(text: &str) -> Result<ZonedTime, String> {
    ZonedTime::parse(text).map_err(|_| "not an RFC 3339 date-time with offset".to_owned())
}

/// Looks a code up; the problem says when a label or a wrongly cased code was sent instead.
fn code<K: CodeList>(text: &str) -> Result<Code<K>, String> {
    Code::<K>::parse(text).map_err(|_| {
        let trimmed = text.trim();
        if let Some(entry) = K::ENTRIES
            .iter()
            .find(|entry| entry.name.eq_ignore_ascii_case(trimmed))
        {
            return format!("a label, not a code: use {}", entry.code);
        }
        if let Some(entry) = K::ENTRIES
            .iter()
            .find(|entry| entry.code.eq_ignore_ascii_case(trimmed))
        {
            return format!(
                "unknown {} code: codes are exact, use {}",
                K::LIST_NAME,
                entry.code
            );
        }
        format!("unknown {} code", K::LIST_NAME)
    })
}

fn optional_code<K: CodeList>(
    problems: &mut Problems,
    text: Option<&str>,
    path: impl FnOnce() -> String,
) -> Option<Option<Code<K>>> {
    match text {
        None => Some(None),
        Some(text) => problems.take(code::<K>(text), path).map(Some),
    }
}

/// Every code checked; duplicates dropped, first occurrence kept in order.
fn code_list<K: CodeList>(
    problems: &mut Problems,
    texts: &[String],
    field: &str,
) -> Option<Vec<Code<K>>> {
    let mut codes = Vec::with_capacity(texts.len());
    let mut valid = true;
    for (index, text) in texts.iter().enumerate() {
        match problems.take(code::<K>(text), || format!("{field}[{index}]")) {
            Some(parsed) if !codes.contains(&parsed) => codes.push(parsed),
            Some(_) => {}
            None => valid = false,
        }
    }
    valid.then_some(codes)
}

fn observed(
    problems: &mut Problems,
    intake: &IntakeRecord,
    submitted_at: Option<&ZonedTime>,
) -> Option<ObservedPeriod> {
    let start = problems.take(time(&intake.observed.start), || "observed.start".to_owned());
    let end = match intake.observed.end.as_deref() {
        None => Some(None),
        Some(text) => problems
            .take(time(text), || "observed.end".to_owned())
            .map(Some),
    };
    if let (Some(start), Some(Some(end))) = (&start, &end)
        && end.utc() < start.utc()
    {
        problems.push("observed.end", "before observed.start");
    }
    if let (Some(start), Some(submitted_at)) = (&start, submitted_at)
        && start.utc() - submitted_at.utc() > CLOCK_SKEW
    {
        problems.push("observed.start", "after submitted_at");
    }
    let (start, end) = (start?, end?);
    if end.is_some_and(|end| end.utc() < start.utc()) {
        return None;
    }
    Some(ObservedPeriod { start, end })
}

fn coordinates(
    problems: &mut Problems,
    lat: Option<f64>,
    lon: Option<f64>,
) -> Option<Option<GeoPoint>> {
    let lat_ok = lat.is_none_or(|lat| (-90.0..=90.0).contains(&lat));
    let lon_ok = lon.is_none_or(|lon| (-180.0..=180.0).contains(&lon));
    if !lat_ok {
        problems.push("location.lat", "out of range (-90 to 90)");
    }
    if !lon_ok {
        problems.push("location.lon", "out of range (-180 to 180)");
    }
    match (lat, lon) {
        (Some(_), None) => {
            problems.push("location.lon", "required when location.lat is given");
            None
        }
        (None, Some(_)) => {
            problems.push("location.lat", "required when location.lon is given");
            None
        }
        (Some(lat), Some(lon)) if lat_ok && lon_ok => Some(Some(GeoPoint { lat, lon })),
        (Some(_), Some(_)) => None,
        (None, None) => Some(None),
    }
}

fn check_person(
    problems: &mut Problems,
    index: usize,
    person: &IntakePerson,
    submitted_at: Option<&ZonedTime>,
) -> Option<CheckedPerson> {
    let role = problems.take(
        PersonRole::parse(&person.role)
            .filter(|role| INTAKE_PERSON_ROLES.contains(role))
            .ok_or_else(|| {
                format!(
                    "unknown person role: expected one of {}",
                    names(&INTAKE_PERSON_ROLES, PersonRole::as_str)
                )
            }),
        || format!("persons[{index}].role"),
    );
    let dob = match person.dob.as_deref() {
        None => Some(None),
        Some(text) => {
            let parsed = problems.take(
                CalendarDate::parse(text).map_err(|_| "not a date (YYYY-MM-DD)".to_owned()),
                || format!("persons[{index}].dob"),
            );
            match (parsed, submitted_at) {
                (Some(dob), Some(submitted_at)) if dob.date() > submitted_at.original().date() => {
                    problems.push(format!("persons[{index}].dob"), "after submitted_at");
                    None
                }
                (parsed, _) => parsed.map(Some),
            }
        }
    };
    if let Some(age) = person.age
        && !(0..=130).contains(&age)
    {
        problems.push(format!("persons[{index}].age"), "out of range (0-130)");
    }
    let id_kinds: Vec<Option<PersonIdKind>> = person
        .ids
        .iter()
        .enumerate()
        .map(|(id_index, id)| {
            problems.take(
                vocabulary(
                    &id.kind,
                    PersonIdKind::parse,
                    PersonIdKind::ALL,
                    PersonIdKind::as_str,
                    "id kind",
                ),
                || format!("persons[{index}].ids[{id_index}].kind"),
            )
        })
        .collect();
    let id_kinds: Option<Vec<PersonIdKind>> = id_kinds.into_iter().collect();
    Some(CheckedPerson {
        role: role?,
        dob: dob?,
        id_kinds: id_kinds?,
    })
}

fn check_attachment(problems: &mut Problems, index: usize, attachment: &IntakeAttachment) {
    let sha256_ok = attachment.sha256.len() == 64
        && attachment
            .sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !sha256_ok {
        problems.push(
            format!("attachments[{index}].sha256"),
            "not a SHA-256 (64 lowercase hex digits)",
        );
    }
    if !is_media_type(&attachment.media_type) {
        problems.push(
            format!("attachments[{index}].media_type"),
            "not a media type (type/subtype)",
        );
    }
    if attachment.size_bytes < 0 {
        problems.push(
            format!("attachments[{index}].size_bytes"),
            "must not be negative",
        );
    }
}

/// `type/subtype` with RFC 6838 name characters, no parameters.
fn is_media_type(text: &str) -> bool {
    fn name(part: &str) -> bool {
        let mut bytes = part.bytes();
        bytes.next().is_some_and(|b| b.is_ascii_alphanumeric())
            && part.len() <= 127
            && bytes.all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    }
    text.split_once('/')
        .is_some_and(|(kind, subtype)| name(kind) && name(subtype))
}

/// The grade as given, each missing axis defaulted, with a mapping to the other scheme beside it.
fn grading(
    problems: &mut Problems,
    intake: &IntakeRecord,
    reporter_role: Option<ReporterRole>,
) -> Option<Grading> {
    let given = intake.grading.as_ref();
    let source_text = given.and_then(|grading| grading.source_reliability.as_deref());
    let content_text = given.and_then(|grading| grading.content_validity.as_deref());
    let source = match source_text {
        None => Some(None),
        Some(token) => problems
            .take(
                SourceReliability::parse(token)
                    .map_err(|error| format!("unknown grade: {}", error.expected)),
                || "grading.source_reliability".to_owned(),
            )
            .map(Some),
    };
    let content = match content_text {
        None => Some(None),
        Some(token) => problems
            .take(
                ContentValidity::parse(token)
                    .map_err(|error| format!("unknown grade: {}", error.expected)),
                || "grading.content_validity".to_owned(),
            )
            .map(Some),
    };
    let (source, content) = (source?, content?);
    let default = match reporter_role? {
        ReporterRole::Anonymous => Grading::anonymous_default(),
        _ => Grading::not_provided_default(),
    };
    let basis = if source.is_some() || content.is_some() {
        GradeBasis::Submitted
    } else {
        default.basis
    };
    let assigned = Grading {
        source_reliability: source.unwrap_or(default.source_reliability),
        content_validity: content.unwrap_or(default.content_validity),
        basis,
        mapped: None,
    };
    let other = match assigned.source_reliability.scheme() {
        GradingScheme::Us4x4 => GradingScheme::Admiralty,
        GradingScheme::Admiralty => GradingScheme::Us4x4,
    };
    Some(assigned.with_mapping_to(other))
}

#[cfg(test)]
mod tests;
