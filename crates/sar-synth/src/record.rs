//! Assembling one intake record: the plan (which story, codes and sector), the submitter and
//! channel, the times, the scene and its narrative, and the structured fields that agree with
//! it. Also the memory of a record that later duplicates are built from.

use std::collections::BTreeMap;

use sar_model::intake::{
    IntakeAttachment, IntakeContact, IntakeGrading, IntakeLocation, IntakeObserved, IntakePerson,
    IntakeRecord, IntakeSource, IntakeSubmitter,
};
use sar_model::report::Channel;

use crate::{
    case::Case,
    clock::{self, DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS, Zone},
    hard::{self, Template},
    narrative::{self, Mood, Teller, Voice},
    people::{self, Name},
    rng::{Rng, fnv1a, mix64},
    scene::{Core, Planted, Scene, place_name},
    story::{self, CODES},
    vocab::{CITIES, CONTRACT_SECURITY, City, GOVERNMENT, MEDIA, PARTNERS, Sector, sector_info},
};

/// A generated valid record and what duplicates of it need.
#[derive(Debug, Clone)]
pub(crate) struct Built {
    pub(crate) record: IntakeRecord,
    /// Entities written into the narrative.
    pub(crate) planted: Vec<Planted>,
    /// What a later duplicate of this record is built from.
    pub(crate) memory: Memory,
}

/// The facts of a record, kept so that a second reporter can retell them.
#[derive(Debug, Clone)]
pub(crate) struct Memory {
    pub(crate) record: IntakeRecord,
    /// Every entity planted in the record's narrative.
    pub(crate) planted: Vec<Planted>,
    pub(crate) city: &'static City,
    pub(crate) sector: &'static Sector,
    pub(crate) place: String,
    pub(crate) residence: bool,
    pub(crate) core: Core,
    pub(crate) mood: Mood,
    pub(crate) observed_ms: i64,
    pub(crate) duration_ms: Option<i64>,
    pub(crate) submitted_offset_s: i32,
    pub(crate) coordinates: Option<(f64, f64)>,
    pub(crate) subject: people::Sketch,
    pub(crate) subject_mentioned: bool,
    pub(crate) subject_extra: IntakePerson,
    pub(crate) scene_planted: Vec<Planted>,
    pub(crate) vehicles: Vec<sar_model::intake::IntakeVehicle>,
    pub(crate) property: Vec<sar_model::intake::IntakeProperty>,
    pub(crate) aircraft: Vec<sar_model::intake::IntakeAircraft>,
    pub(crate) vessels: Vec<sar_model::intake::IntakeVessel>,
    pub(crate) others: Vec<IntakePerson>,
}

/// Report-id sequences, one per originating system, so ids are unique per system.
#[derive(Debug, Default)]
pub(crate) struct IdBook {
    seed: u64,
    next: BTreeMap<String, u64>,
}

impl IdBook {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            seed,
            next: BTreeMap::new(),
        }
    }

    fn next_sequence(&mut self, system: &str, rng: &mut Rng) -> u64 {
        let seed = self.seed;
        let entry = self
            .next
            .entry(system.to_owned())
            .or_insert_with(|| 1 + mix64(seed ^ fnv1a(system)) % 20_000);
        let value = *entry;
        *entry += 1 + rng.below(3);
        value
    }
}

/// How an originating system numbers its reports.
#[derive(Debug, Clone)]
enum IdStyle {
    Rms(String),
    Partner(String),
    Csv,
    WebForm,
    App,
    Tipline,
    Email,
    Fusion(String),
}

fn report_id(style: &IdStyle, sequence: u64, year: i64) -> String {
    match style {
        IdStyle::Rms(prefix) => format!("{prefix}-{year}-{sequence:06}"),
        IdStyle::Partner(prefix) => format!("{prefix}-SR-{sequence:06}"),
        IdStyle::Csv => format!("B{:05}-R{:02}", sequence / 40, sequence % 40 + 1),
        IdStyle::WebForm => format!("WF-{year}-{sequence:07}"),
        IdStyle::App => format!("APP-{sequence:08}"),
        IdStyle::Tipline => format!("TL-{sequence:06}"),
        IdStyle::Email => format!("EM-{year}{sequence:06}"),
        IdStyle::Fusion(prefix) => format!("{prefix}-{year}-{sequence:05}"),
    }
}

/// Who sent the report and through which channel.
#[derive(Debug, Clone)]
struct Submitter {
    channel: &'static str,
    system: String,
    id_style: IdStyle,
    org_id: String,
    org_name: String,
    org_type: &'static str,
    sector: Option<String>,
    role: &'static str,
    contact: Option<IntakeContact>,
    teller: Teller,
}

/// What a fresh record tells.
#[derive(Debug, Clone, Copy)]
enum Story {
    /// An ordinary story of a behaviour code.
    Code(&'static str),
    /// A hard-case template.
    Template(&'static Template),
}

#[derive(Debug, Clone)]
struct Plan {
    story: Story,
    codes: Vec<&'static str>,
    sector: &'static str,
    mood: Mood,
}

fn plan(rng: &mut Rng, case: Case) -> Plan {
    let from_template = |rng: &mut Rng, templates: &'static [Template], mood: Mood| {
        let template = rng.pick(templates);
        Plan {
            story: Story::Template(template),
            codes: rng.pick(template.codes).to_vec(),
            sector: rng.choose(template.sectors),
            mood,
        }
    };
    match case {
        Case::ProtectedActivity => from_template(rng, hard::PROTECTED, Mood::Plain),
        Case::ProfilingLanguage => from_template(rng, hard::PROFILING, Mood::Plain),
        Case::GroupBWithoutFacts => from_template(rng, hard::GROUP_B_THIN, Mood::Suspicious),
        Case::ImminentThreat => from_template(rng, hard::IMMINENT, Mood::Urgent),
        Case::NoBehaviorCode if rng.chance(0.65) => {
            let mut plan = from_template(rng, hard::NO_CODE, Mood::Plain);
            plan.codes.clear();
            plan
        }
        Case::NoBehaviorCode => {
            let mut plan = ordinary_plan(rng);
            plan.codes.clear();
            plan
        }
        _ => ordinary_plan(rng),
    }
}

fn ordinary_plan(rng: &mut Rng) -> Plan {
    let weights: Vec<u32> = CODES.iter().map(|row| row.weight).collect();
    let info = &CODES[rng.weighted(&weights)];
    let mut codes = vec![info.code];
    if rng.chance(0.15) {
        let companion = match info.code {
            "PHOTO" => "SURVL",
            "SURVL" => "PHOTO",
            "ELICIT" => "SURVL",
            "INTRSN" => "SABOT",
            "TESTSEC" => "SURVL",
            "MISREP" => "ELICIT",
            "THEFT" => "INTRSN",
            "MATRLS" => "WPNS",
            "WPNS" => "MATRLS",
            "AVIATION" => "PHOTO",
            _ => "SURVL",
        };
        codes.push(companion);
    }
    Plan {
        story: Story::Code(info.code),
        codes,
        sector: rng.choose(info.sectors),
        mood: Mood::Suspicious,
    }
}

fn channel_weights(case: Case) -> [u32; 8] {
    match case {
        Case::ProtectedActivity => [15, 5, 25, 15, 10, 25, 10, 3],
        // Profiling templates speak in the first person: never a call-taker's summary.
        Case::ProfilingLanguage => [6, 6, 34, 28, 0, 22, 2, 2],
        Case::ImminentThreat => [22, 5, 10, 15, 45, 5, 0, 0],
        Case::NoBehaviorCode => [12, 6, 24, 20, 20, 12, 2, 4],
        Case::GroupBWithoutFacts => [15, 30, 15, 15, 10, 5, 5, 5],
        _ => [22, 18, 16, 14, 10, 8, 7, 5],
    }
}

fn slug(text: &str) -> String {
    let mut out = String::new();
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

fn initials(text: &str) -> String {
    text.split([' ', '-'])
        .filter_map(|word| word.chars().next())
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// A law-enforcement agency of the city: (name, slug, ORI, report prefix, is sheriff).
fn agency(city: &City, sheriff: bool) -> (String, String, String, String) {
    let (name, slug_text, prefix) = match (sheriff, city.county) {
        (true, Some(county)) => (
            format!("{county} County Sheriff's Office"),
            format!("{}-so", slug(county)),
            format!("{}SO", initials(county)),
        ),
        _ => (
            format!("{} Police Department", city.name),
            format!("{}-pd", slug(city.name)),
            format!("{}PD", initials(city.name)),
        ),
    };
    let number = fnv1a(&name) % 100_000;
    let ori = format!("{}{number:05}00", city.state);
    (name, slug_text, ori, prefix)
}

fn officer_title(rng: &mut Rng, sheriff: bool) -> &'static str {
    if sheriff {
        return rng.choose(&["Deputy", "Dep.", "Sgt.", "Det."]);
    }
    rng.choose(&["Ofc.", "Officer", "Ofc.", "Sgt.", "Det.", "Cpl."])
}

fn choose_submitter(
    rng: &mut Rng,
    case: Case,
    city: &'static City,
    sector: &'static str,
) -> Submitter {
    // `channel_weights` is in the order of `Channel::ALL`.
    let channel = Channel::ALL[rng.weighted(&channel_weights(case))].as_str();
    let sheriff = city.county.is_some() && rng.chance(0.25);
    let (agency_name, agency_slug, agency_ori, agency_prefix) = agency(city, sheriff);
    let mut teller = Teller {
        voice: Voice::Citizen,
        email: channel == "email",
        name: None,
        phone: None,
        email_address: None,
        org_name: String::new(),
        agency: agency_name.clone(),
        job: "employee",
        case_number: String::new(),
    };
    let role_weights: [u32; 5] = match channel {
        // officer, security_officer, employee, citizen, anonymous
        "officer" | "niem_xml" => [1, 0, 0, 0, 0],
        "partner_feed" => [0, 6, 4, 0, 0],
        "csv" => [0, 4, 6, 0, 0],
        "web_form" => [0, 0, 2, 6, 3],
        "mobile_app" => [0, 0, 0, 6, 4],
        "phone" => [0, 0, 1, 6, 4],
        _ => [1, 0, 4, 4, 1],
    };
    let role = [
        "officer",
        "security_officer",
        "employee",
        "citizen",
        "anonymous",
    ][rng.weighted(&role_weights)];
    let gender = people::random_gender(rng);
    let name = Name::random(rng, gender);
    let phone = people::phone(rng, city.area_code);

    let (org_id, org_name, org_type, org_sector, system, id_style);
    match role {
        "officer" => {
            let fusion = channel == "niem_xml" && rng.chance(0.4);
            if fusion {
                org_name = format!("{} Fusion Center", city.state_name);
                org_id = format!("{}FC{:05}", city.state, fnv1a(&org_name) % 100_000);
                system = format!("{}-fusion-center", city.state.to_ascii_lowercase());
                id_style = IdStyle::Fusion(format!("{}FC", city.state));
            } else {
                org_name = agency_name.clone();
                org_id = agency_ori.clone();
                system = format!("{agency_slug}-rms");
                id_style = IdStyle::Rms(agency_prefix.clone());
            }
            org_type = "law_enforcement";
            org_sector = rng.chance(0.3).then(|| "EMRG".to_owned());
            let title = officer_title(rng, sheriff);
            teller.voice = Voice::Officer;
            teller.name = Some(name.clone());
            teller.job = if sheriff { "deputy" } else { "officer" };
            let domain = format!("{}.example.org", agency_slug);
            teller.email_address =
                Some(format!("{}{}@{domain}", &name.first[..1], name.last).to_lowercase());
            teller.phone = Some(phone.clone());
            teller.org_name = org_name.clone();
            let contact = IntakeContact {
                name: Some(format!("{title} {} {}", name.first, name.last)),
                phone: rng.chance(0.8).then(|| phone.clone()),
                email: rng
                    .chance(0.6)
                    .then(|| teller.email_address.clone())
                    .flatten(),
            };
            let submitter = Submitter {
                channel,
                system,
                id_style,
                org_id,
                org_name,
                org_type,
                sector: org_sector,
                role,
                contact: Some(contact),
                teller,
            };
            return submitter;
        }
        "security_officer" | "employee" => {
            let government =
                role == "employee" && (channel == "csv" || channel == "email") && rng.chance(0.35);
            if government {
                let candidates: Vec<&(&str, &str, &str)> =
                    GOVERNMENT.iter().filter(|row| row.2 == sector).collect();
                let row = if candidates.is_empty() {
                    rng.pick(GOVERNMENT)
                } else {
                    rng.choose(&candidates)
                };
                let pattern = row.1;
                org_name = crate::scene::fill_place(rng, pattern, city);
                org_id = format!("GOV-{}-{:04}", city.state, fnv1a(&org_name) % 10_000);
                org_type = "government_non_le";
                org_sector = Some(row.2.to_owned());
                system = format!(
                    "{}:{}",
                    if channel == "csv" { "csv" } else { "email" },
                    slug(&org_name)
                );
                id_style = if channel == "csv" {
                    IdStyle::Csv
                } else {
                    IdStyle::Email
                };
            } else {
                let candidates: Vec<&(&str, &str, &str)> =
                    PARTNERS.iter().filter(|row| row.2 == sector).collect();
                let contract =
                    candidates.is_empty() || (role == "security_officer" && rng.chance(0.3));
                let (partner_slug, partner_name, partner_sector) = if contract {
                    let (slug_text, name_text) = rng.choose(CONTRACT_SECURITY);
                    (slug_text, name_text, sector)
                } else {
                    *rng.choose(&candidates)
                };
                org_name = partner_name.to_owned();
                org_id = format!("P-{:05}", fnv1a(partner_slug) % 100_000);
                org_type = "private_sector";
                org_sector = Some(partner_sector.to_owned());
                (system, id_style) = match channel {
                    "csv" => (format!("csv:{partner_slug}"), IdStyle::Csv),
                    "web_form" => ("webform".to_owned(), IdStyle::WebForm),
                    "phone" => ("tipline".to_owned(), IdStyle::Tipline),
                    "email" => ("email-intake".to_owned(), IdStyle::Email),
                    _ => (
                        format!("partner:{partner_slug}"),
                        IdStyle::Partner(initials(partner_name).chars().take(4).collect()),
                    ),
                };
            }
            teller.voice = if role == "security_officer" {
                Voice::Security
            } else {
                Voice::Employee
            };
            teller.job = if role == "security_officer" {
                "security officer"
            } else {
                rng.choose(sector_info(sector).jobs)
            };
        }
        _ => {
            org_id = "public".to_owned();
            org_name = "Member of the public".to_owned();
            org_type = "public";
            org_sector = None;
            (system, id_style) = match channel {
                "mobile_app" => ("seesay-app".to_owned(), IdStyle::App),
                "phone" => ("tipline".to_owned(), IdStyle::Tipline),
                "email" => ("email-intake".to_owned(), IdStyle::Email),
                _ => ("webform".to_owned(), IdStyle::WebForm),
            };
            teller.voice = if role == "anonymous" {
                Voice::Anonymous
            } else {
                Voice::Citizen
            };
        }
    }
    if channel == "phone" {
        teller.voice = Voice::CallTaker;
    }
    teller.org_name = org_name.clone();

    let contact = match role {
        "anonymous" => None,
        "citizen" if rng.chance(0.15) => None,
        "citizen" => {
            let email = people::email(rng, &name);
            Some(IntakeContact {
                name: rng.chance(0.85).then(|| name.full()),
                phone: rng.chance(0.7).then(|| phone.clone()),
                email: rng.chance(0.55).then_some(email),
            })
        }
        _ => {
            let domain = format!("{}.example.com", slug(&org_name));
            let email = format!("{}.{}@{domain}", name.first, name.last).to_lowercase();
            rng.chance(0.85).then(|| IntakeContact {
                name: Some(name.full()),
                phone: rng.chance(0.8).then(|| phone.clone()),
                email: rng.chance(0.7).then_some(email),
            })
        }
    };
    if let Some(contact) = &contact {
        teller.name = contact.name.as_ref().map(|_| name.clone());
        teller.phone = contact.phone.clone();
        teller.email_address = contact.email.clone();
    }
    Submitter {
        channel,
        system,
        id_style,
        org_id,
        org_name,
        org_type,
        sector: org_sector,
        role,
        contact,
        teller,
    }
}

/// When it was seen and for how long, given when it was submitted.
fn observation_times(
    rng: &mut Rng,
    case: Case,
    channel: &str,
    submitted_ms: i64,
    zone: Zone,
) -> (i64, Option<i64>) {
    // Most activity is seen by day: redraw a small-hours time most of the time.
    let mut delay_ms = observation_delay(rng, case, channel);
    for _ in 0..3 {
        let start = submitted_ms - delay_ms;
        let hour = clock::local(start, zone.offset_at(start)).hour;
        if (6..23).contains(&hour) || rng.chance(0.3) {
            break;
        }
        delay_ms = observation_delay(rng, case, channel);
    }
    let start_ms = (submitted_ms - delay_ms) / MINUTE_MS * MINUTE_MS;
    let duration_ms = match case {
        Case::ImminentThreat => rng.range(MINUTE_MS, 10 * MINUTE_MS),
        _ => rng.range(2, 120) * MINUTE_MS,
    };
    let room = submitted_ms - start_ms - MINUTE_MS;
    let duration = (rng.chance(0.7) && room > MINUTE_MS)
        .then(|| duration_ms.min(room) / MINUTE_MS * MINUTE_MS);
    (start_ms, duration.filter(|value| *value > 0))
}

fn observation_delay(rng: &mut Rng, case: Case, channel: &str) -> i64 {
    match (case, channel) {
        (Case::ImminentThreat, _) => rng.range(3 * MINUTE_MS, 25 * MINUTE_MS),
        (_, "officer") => rng.range(30 * MINUTE_MS, 12 * HOUR_MS),
        (_, "niem_xml") => rng.range(2 * HOUR_MS, 5 * DAY_MS),
        (_, "partner_feed") => rng.range(15 * MINUTE_MS, 2 * DAY_MS),
        (_, "csv") => rng.range(DAY_MS, 8 * DAY_MS),
        (_, "phone") => rng.range(5 * MINUTE_MS, DAY_MS),
        (_, "email") => rng.range(HOUR_MS, 4 * DAY_MS),
        _ => rng.range(10 * MINUTE_MS, 3 * DAY_MS),
    }
}

/// A fresh (not duplicate) record of `case`; malformed records start as ordinary ones.
pub(crate) fn fresh(mut rng: Rng, case: Case, now_ms: i64, book: &mut IdBook) -> Built {
    let plan = plan(&mut rng, case);
    let city = rng.pick(CITIES);
    let submitter = choose_submitter(&mut rng, case, city, plan.sector);
    let (observed_ms, duration_ms) =
        observation_times(&mut rng, case, submitter.channel, now_ms, city.zone);
    let sector = sector_info(plan.sector);
    let mut scene = Scene::new(rng, city, sector, observed_ms);
    let core = match plan.story {
        Story::Code(code) => story::core(code, &mut scene),
        Story::Template(template) => (template.build)(&mut scene),
    };
    let additional_facts = match case {
        Case::Ordinary | Case::Malformed(_) => {
            let only_group_b = plan.codes.iter().all(|code| story::code_info(code).group_b);
            (only_group_b || scene.chance(0.45)).then(|| facts_text(&mut scene, &core.facts))
        }
        Case::ImminentThreat => scene.chance(0.5).then(|| {
            scene
                .pick(&[
                    "The subject has a prior arrest for aggravated assault.",
                    "The reporting party forwarded screenshots of the messages.",
                    "Site security has been told and is locking the doors.",
                    "The subject is known to carry a handgun in his vehicle.",
                ])
                .to_owned()
        }),
        Case::NoBehaviorCode => scene
            .chance(0.2)
            .then(|| facts_text(&mut scene, &core.facts)),
        _ => None,
    };
    let sectors = target_sectors(&mut scene, case, plan.sector);
    let (tip_class, tip_domain) = tips(&mut scene, case, &plan);
    let coordinates = coordinates(&mut scene);
    let memory_seed = snapshot(&scene, &core);
    let codes: Vec<String> = plan.codes.iter().map(|code| (*code).to_owned()).collect();
    let parts = Parts {
        codes,
        sectors,
        tip_class,
        tip_domain,
        additional_facts,
        coordinates,
        mood: plan.mood,
        duration_ms,
        now_ms,
    };
    assemble(scene, core, parts, submitter, book, memory_seed)
}

/// A second report of a remembered one: another reporter, about 40 minutes later and about
/// 120 m away, same behaviour codes, the facts reworded.
pub(crate) fn near_duplicate(
    mut rng: Rng,
    original: &Memory,
    now_ms: i64,
    book: &mut IdBook,
) -> Built {
    let submitter = choose_submitter(
        &mut rng,
        Case::Ordinary,
        original.city,
        original.sector.code,
    );
    let observed_ms = original.observed_ms + rng.range(35, 45) * MINUTE_MS;
    let duration_ms = original
        .duration_ms
        .map(|value| (value + rng.range(-5, 5) * MINUTE_MS).max(MINUTE_MS));
    let end_ms = observed_ms + duration_ms.unwrap_or(0);
    let submitted_ms = now_ms.max(end_ms + rng.range(5, 90) * MINUTE_MS);
    let mut scene = Scene::new(rng, original.city, original.sector, observed_ms);
    scene.set_place(original.place.clone(), original.residence);
    scene.subject = original.subject.clone();
    scene.subject_mentioned = original.subject_mentioned;
    scene.subject_extra = original.subject_extra.clone();
    scene.planted = original.scene_planted.clone();
    scene.vehicles = original.vehicles.clone();
    scene.property = original.property.clone();
    scene.aircraft = original.aircraft.clone();
    scene.vessels = original.vessels.clone();
    scene.others = original.others.clone();
    let mut sentences: Vec<String> = original
        .core
        .sentences
        .iter()
        .map(|sentence| narrative::paraphrase(sentence))
        .collect();
    if sentences.len() >= 3 && scene.chance(0.5) {
        let drop = 1 + scene.rng.index(sentences.len() - 1);
        sentences.remove(drop);
    }
    let core = Core {
        sentences,
        facts: original.core.facts.clone(),
    };
    let coordinates = original.coordinates.map(|(lat, lon)| {
        let (north, east) = displacement(&mut scene.rng);
        let lat_rad = lat * std::f64::consts::PI / 180.0;
        (
            round6(lat + north / 111_320.0),
            round6(lon + east / (111_320.0 * cos_approx(lat_rad))),
        )
    });
    let record = &original.record;
    let memory_seed = snapshot(&scene, &core);
    let parts = Parts {
        codes: record.behavior_codes.clone(),
        sectors: record.target_sectors.clone(),
        tip_class: record.tip_class.clone().filter(|_| scene.chance(0.5)),
        tip_domain: record.tip_domain.clone().filter(|_| scene.chance(0.5)),
        additional_facts: record
            .additional_facts
            .as_deref()
            .map(narrative::paraphrase),
        coordinates,
        mood: original.mood,
        duration_ms,
        now_ms: submitted_ms,
    };
    assemble(scene, core, parts, submitter, book, memory_seed)
}

/// The same `source` again: a replay, a later resend, or an RMS report re-uploaded as NIEM XML.
pub(crate) fn exact_duplicate(rng: &mut Rng, original: &Memory, now_ms: i64) -> IntakeRecord {
    let mut record = original.record.clone();
    let resend_ms = now_ms + rng.range(0, 600) * SECOND_MS;
    match rng.below(10) {
        0..=3 => {}
        4..=6 => record.submitted_at = clock::rfc3339(resend_ms, original.submitted_offset_s),
        _ => {
            if record.channel == "officer" {
                record.channel = "niem_xml".to_owned();
                record.fs_version = Some(sar_model::FS_VERSION.to_owned());
            }
            record.submitted_at = clock::rfc3339(resend_ms, original.submitted_offset_s);
        }
    }
    record
}

/// About 120 m in a random direction, as (north, east) metres.
fn displacement(rng: &mut Rng) -> (f64, f64) {
    // Unit vectors of 16 compass points; no trigonometry, so every platform computes the same.
    use std::f64::consts::FRAC_1_SQRT_2;
    const DIRECTIONS: [(f64, f64); 16] = [
        (1.0, 0.0),
        (0.923_879_532_5, 0.382_683_432_4),
        (FRAC_1_SQRT_2, FRAC_1_SQRT_2),
        (0.382_683_432_4, 0.923_879_532_5),
        (0.0, 1.0),
        (-0.382_683_432_4, 0.923_879_532_5),
        (-FRAC_1_SQRT_2, FRAC_1_SQRT_2),
        (-0.923_879_532_5, 0.382_683_432_4),
        (-1.0, 0.0),
        (-0.923_879_532_5, -0.382_683_432_4),
        (-FRAC_1_SQRT_2, -FRAC_1_SQRT_2),
        (-0.382_683_432_4, -0.923_879_532_5),
        (0.0, -1.0),
        (0.382_683_432_4, -0.923_879_532_5),
        (FRAC_1_SQRT_2, -FRAC_1_SQRT_2),
        (0.923_879_532_5, -0.382_683_432_4),
    ];
    let (north, east) = rng.choose(&DIRECTIONS);
    let distance = 90.0 + rng.unit() * 60.0;
    (north * distance, east * distance)
}

/// cos(x) for |x| <= 1.6 by its Taylor series: only +, -, *, / so results are bit-identical on
/// every platform.
pub(crate) fn cos_approx(x: f64) -> f64 {
    let x2 = x * x;
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 1..=9 {
        let k = f64::from(2 * n);
        term *= -x2 / ((k - 1.0) * k);
        sum += term;
    }
    sum
}

pub(crate) fn round6(value: f64) -> f64 {
    (value * 1e6).round() / 1e6
}

fn coordinates(scene: &mut Scene) -> Option<(f64, f64)> {
    if !scene.chance(0.85) {
        return None;
    }
    let lat = scene.city.lat + (scene.rng.unit() - 0.5) * 0.12;
    let lon = scene.city.lon + (scene.rng.unit() - 0.5) * 0.14;
    let digits = scene.pick(&["4", "5", "6"]);
    let scale = match digits {
        "4" => 1e4,
        "5" => 1e5,
        _ => 1e6,
    };
    Some(((lat * scale).round() / scale, (lon * scale).round() / scale))
}

fn facts_text(scene: &mut Scene, facts: &[String]) -> String {
    let take = 1 + scene.rng.index(facts.len().clamp(1, 3));
    let chosen: Vec<String> = facts.iter().take(take).cloned().collect();
    if chosen.is_empty() {
        return "Camera footage of the activity has been preserved by the site.".to_owned();
    }
    chosen.join(" ")
}

fn target_sectors(scene: &mut Scene, case: Case, primary: &'static str) -> Vec<String> {
    if scene.chance(0.07) && case != Case::ProtectedActivity {
        return Vec::new();
    }
    let mut sectors = vec![primary.to_owned()];
    if scene.chance(0.1) {
        let extra = scene.pick(&[
            "OTHR", "POP", "COMM", "MASS", "PRSN", "TRANS", "UTL", "ENRG",
        ]);
        if extra != primary {
            sectors.push(extra.to_owned());
        }
    }
    sectors
}

fn tips(scene: &mut Scene, case: Case, plan: &Plan) -> (Option<String>, Option<String>) {
    let (classes, domains): (&[&str], &[&str]) = match (case, plan.codes.first()) {
        (Case::ImminentThreat, _) => (&["THRTPUB", "SPCSA", "HATE"], &["H", "H", "A"]),
        (Case::ProtectedActivity, _) => (&["SPCSA"], &["G", "E"]),
        (Case::ProfilingLanguage, _) => (&["SPCSP", "SPCSA"], &["G"]),
        (Case::NoBehaviorCode, _) => (&["SPCSA", "FRAUD", "CNTFTG"], &["A", "G"]),
        (_, Some(code)) => {
            let info = story::code_info(code);
            (info.tip_classes, info.tip_domains)
        }
        (_, None) => (&["SPCSA"], &["G"]),
    };
    let probability = match case {
        Case::ImminentThreat => 0.7,
        Case::ProtectedActivity | Case::ProfilingLanguage => 0.15,
        _ => 0.45,
    };
    let class = scene
        .chance(probability)
        .then(|| scene.pick(classes).to_owned());
    let domain = scene
        .chance(probability)
        .then(|| scene.pick(domains).to_owned());
    (class, domain)
}

fn snapshot(scene: &Scene, core: &Core) -> MemorySeed {
    MemorySeed {
        place: scene.place.clone(),
        residence: scene.residence,
        core: core.clone(),
        subject: scene.subject.clone(),
        subject_mentioned: scene.subject_mentioned,
        subject_extra: scene.subject_extra.clone(),
        scene_planted: scene.planted.clone(),
        vehicles: scene.vehicles.clone(),
        property: scene.property.clone(),
        aircraft: scene.aircraft.clone(),
        vessels: scene.vessels.clone(),
        others: scene.others.clone(),
    }
}

/// The part of the memory taken from the scene before the narrative is told.
#[derive(Debug)]
struct MemorySeed {
    place: String,
    residence: bool,
    core: Core,
    subject: people::Sketch,
    subject_mentioned: bool,
    subject_extra: IntakePerson,
    scene_planted: Vec<Planted>,
    vehicles: Vec<sar_model::intake::IntakeVehicle>,
    property: Vec<sar_model::intake::IntakeProperty>,
    aircraft: Vec<sar_model::intake::IntakeAircraft>,
    vessels: Vec<sar_model::intake::IntakeVessel>,
    others: Vec<IntakePerson>,
}

/// Fields decided before assembly.
#[derive(Debug)]
struct Parts {
    codes: Vec<String>,
    sectors: Vec<String>,
    tip_class: Option<String>,
    tip_domain: Option<String>,
    additional_facts: Option<String>,
    coordinates: Option<(f64, f64)>,
    mood: Mood,
    duration_ms: Option<i64>,
    now_ms: i64,
}

fn assemble(
    mut scene: Scene,
    core: Core,
    parts: Parts,
    mut submitter: Submitter,
    book: &mut IdBook,
    seed: MemorySeed,
) -> Built {
    let mut submitted_ms = parts.now_ms + scene.rng.range(0, 59) * SECOND_MS;
    if !matches!(
        submitter.channel,
        "web_form" | "mobile_app" | "partner_feed"
    ) {
        submitted_ms = submitted_ms / SECOND_MS * SECOND_MS;
    }
    // Partners in one zone report from their own; everyone else from where it happened.
    let submitted_zone = if submitter.channel == "partner_feed" && scene.chance(0.3) {
        scene.rng.choose(&[Zone::Eastern, Zone::Central])
    } else {
        scene.city.zone
    };
    let submitted_offset = submitted_zone.offset_at(submitted_ms);
    let submitted_local = clock::local(submitted_ms, scene.city.zone.offset_at(submitted_ms));
    let sequence = book.next_sequence(&submitter.system, &mut scene.rng);
    let report_id = report_id(&submitter.id_style, sequence, submitted_local.year);
    submitter.teller.case_number = report_id.clone();

    let told = narrative::tell(
        &mut scene,
        &submitter.teller,
        &core.sentences,
        &core.facts,
        parts.mood,
        submitted_local,
        parts.duration_ms.map(|duration| duration / MINUTE_MS),
    );

    let observed_end_ms = parts
        .duration_ms
        .map(|duration| scene.observed_ms + duration);
    let observed = IntakeObserved {
        start: clock::rfc3339(scene.observed_ms, scene.offset_s),
        end: observed_end_ms.map(|end| clock::rfc3339(end, scene.city.zone.offset_at(end))),
    };
    let persons = persons(&mut scene, &submitter, &told);
    let location = location(&mut scene, &submitter, parts.coordinates);
    let grading = grading(&mut scene.rng, submitter.role);
    let attachments = attachments(&mut scene.rng, submitter.channel, told.photos_attached);
    let fs_version = scene.chance(0.55).then(|| sar_model::FS_VERSION.to_owned());
    let vessels = maybe_vessels(&mut scene);

    let record = IntakeRecord {
        source: IntakeSource {
            system: submitter.system.clone(),
            report_id,
        },
        channel: submitter.channel.to_owned(),
        submitted_at: clock::rfc3339(submitted_ms, submitted_offset),
        submitter: IntakeSubmitter {
            org_id: submitter.org_id.clone(),
            org_name: submitter.org_name.clone(),
            org_type: submitter.org_type.to_owned(),
            sector: submitter.sector.clone(),
            reporter_role: submitter.role.to_owned(),
            reporter_contact: submitter.contact.clone(),
        },
        observed,
        location,
        behavior_codes: parts.codes,
        target_sectors: parts.sectors,
        tip_class: parts.tip_class,
        tip_domain: parts.tip_domain,
        narrative: told.text,
        additional_facts: parts.additional_facts,
        persons,
        vehicles: scene.vehicles.clone(),
        vessels,
        aircraft: scene.aircraft.clone(),
        property: scene.property.clone(),
        grading,
        lawfully_obtained: true,
        attachments,
        fs_version,
    };
    let memory = Memory {
        record: record.clone(),
        planted: scene.planted.clone(),
        city: scene.city,
        sector: scene.sector,
        place: seed.place,
        residence: seed.residence,
        core: seed.core,
        mood: parts.mood,
        observed_ms: scene.observed_ms,
        duration_ms: parts.duration_ms,
        submitted_offset_s: submitted_offset,
        coordinates: parts.coordinates,
        subject: seed.subject,
        subject_mentioned: seed.subject_mentioned,
        subject_extra: seed.subject_extra,
        scene_planted: seed.scene_planted,
        vehicles: seed.vehicles,
        property: seed.property,
        aircraft: seed.aircraft,
        vessels: seed.vessels,
        others: seed.others,
    };
    Built {
        record,
        planted: scene.planted,
        memory,
    }
}

fn maybe_vessels(scene: &mut Scene) -> Vec<sar_model::intake::IntakeVessel> {
    let mut vessels = scene.vessels.clone();
    let waterside =
        matches!(scene.sector.code, "CSTL" | "DAMS" | "NATRL") || scene.place.contains("ferry");
    if waterside && vessels.is_empty() && scene.chance(0.35) {
        let name = scene.pick(&[
            "Dry Spell",
            "Reel Time",
            "Second Wind",
            "Miss Behavin",
            "Knot Working",
            "Sea Ghost",
        ]);
        let kind = scene.pick(&[
            "skiff",
            "center-console boat",
            "pontoon boat",
            "fishing trawler",
            "jet ski",
            "sailboat",
        ]);
        vessels.push(sar_model::intake::IntakeVessel {
            registration: Some(people::vessel_registration(
                &mut scene.rng,
                scene.city.state,
            )),
            name: scene.chance(0.6).then(|| name.to_owned()),
            vessel_type: Some(kind.to_owned()),
        });
    }
    vessels
}

fn persons(scene: &mut Scene, submitter: &Submitter, told: &narrative::Told) -> Vec<IntakePerson> {
    let mut persons = Vec::new();
    let extra = scene.subject_extra.clone();
    let has_extra = !extra.phones.is_empty()
        || !extra.emails.is_empty()
        || !extra.online_ids.is_empty()
        || !extra.ids.is_empty()
        || !extra.aliases.is_empty();
    if scene.subject_mentioned || has_extra {
        let mut subject = extra;
        let sketch = scene.subject.clone();
        if scene.subject_mentioned {
            subject.physical = scene.chance(0.8).then(|| sketch.physical(&mut scene.rng));
            if scene.chance(0.3) {
                subject.descriptors = Some(people::random_descriptors(
                    &mut scene.rng,
                    sketch.gender_word(),
                ));
            }
        }
        let named = told.identified.is_some()
            || scene.others.iter().any(|p| p.role == "victim") && scene.chance(0.5)
            || scene.chance(0.08);
        if named && scene.subject_mentioned {
            subject.name = Some(sketch.name.full());
        }
        match &told.identified {
            Some(identified) => {
                subject.dob = Some(sketch.dob_iso());
                subject.age = scene.chance(0.5).then_some(sketch.age);
                subject.ids.push(people::person_id(
                    identified.kind,
                    identified.number.clone(),
                    identified.issuer.as_deref(),
                ));
                if let Some(ssn) = &identified.ssn {
                    subject
                        .ids
                        .push(people::person_id("ssn", ssn.clone(), None));
                }
                if scene.chance(0.6) {
                    let zip = scene.city.zip + scene.rng.below(40) as u32;
                    let address = format!(
                        "{}, {}, {} {zip:05}",
                        people::street_address(&mut scene.rng),
                        scene.city.name,
                        scene.city.state
                    );
                    subject.addresses.push(address);
                }
            }
            None if scene.subject_mentioned && scene.chance(0.4) => {
                subject.age = Some(sketch.age + scene.rng.range(-4, 4) as i32);
            }
            None => {}
        }
        if subject.name.is_some() && told.identified.is_none() && scene.chance(0.25) {
            let kind = scene.pick(&["passport", "alien_number", "state_id", "other"]);
            let (value, issuer) = match kind {
                "passport" => (
                    people::passport(&mut scene.rng),
                    Some(scene.pick(&["USA", "MEX", "CAN", "GBR", "IND"])),
                ),
                "alien_number" => (people::alien_number(&mut scene.rng), Some("USA")),
                "state_id" => (
                    people::drivers_license(&mut scene.rng),
                    Some(scene.city.state),
                ),
                _ => (format!("EMP-{}", scene.rng.range(10_000, 99_999)), None),
            };
            subject.ids.push(people::person_id(kind, value, issuer));
        }
        persons.push(subject);
    }
    for other in &scene.others {
        persons.push(other.clone());
    }
    for witness in &told.witnesses {
        let mut person = people::blank_person("witness");
        person.name = Some(witness.clone());
        if scene.chance(0.5) {
            person
                .phones
                .push(people::phone(&mut scene.rng, scene.city.area_code));
        }
        persons.push(person);
    }
    if submitter.role == "citizen"
        && scene.chance(0.3)
        && let Some(contact) = &submitter.contact
    {
        let mut reporter = people::blank_person("reporter");
        reporter.name = contact.name.clone();
        reporter.phones.extend(contact.phone.clone());
        reporter.emails.extend(contact.email.clone());
        persons.push(reporter);
    }
    if !scene.vehicles.is_empty() && scene.chance(0.06) {
        let gender = people::random_gender(&mut scene.rng);
        let owner = Name::random(&mut scene.rng, gender);
        let mut associate = people::blank_person("associate");
        associate.name = Some(owner.full());
        associate.addresses.push(format!(
            "{}, {}, {}",
            people::street_address(&mut scene.rng),
            scene.city.name,
            scene.city.state
        ));
        associate.dob = scene.chance(0.5).then(|| {
            clock::iso_date(scene.observed.day_number - scene.rng.range(20 * 365, 70 * 365))
        });
        persons.push(associate);
    }
    persons
}

fn location(
    scene: &mut Scene,
    submitter: &Submitter,
    coordinates: Option<(f64, f64)>,
) -> IntakeLocation {
    let city = scene.city;
    let address = if scene.residence {
        Some(
            scene
                .place
                .strip_prefix("the house at ")
                .map(str::to_owned)
                .unwrap_or_else(|| people::street_address(&mut scene.rng)),
        )
    } else {
        scene
            .chance(0.7)
            .then(|| people::street_address(&mut scene.rng))
    };
    let sheriff_jurisdiction = city.county.is_some() && scene.chance(0.2);
    let (jurisdiction, _, _, _) = agency(city, sheriff_jurisdiction);
    let jurisdiction = if submitter.org_type == "law_enforcement"
        && submitter.teller.agency != jurisdiction
        && scene.chance(0.7)
    {
        submitter.teller.agency.clone()
    } else {
        jurisdiction
    };
    let place_name = (!scene.residence && scene.chance(0.85)).then(|| place_name(&scene.place));
    IntakeLocation {
        address,
        city: scene.chance(0.95).then(|| city.name.to_owned()),
        state: scene.chance(0.95).then(|| city.state.to_owned()),
        zip: scene
            .chance(0.8)
            .then(|| format!("{:05}", city.zip + scene.rng.below(40) as u32)),
        lat: coordinates.map(|(lat, _)| lat),
        lon: coordinates.map(|(_, lon)| lon),
        place_name,
        jurisdiction,
        is_residence: if scene.residence {
            Some(true)
        } else {
            scene.chance(0.5).then_some(false)
        },
    }
}

fn grading(rng: &mut Rng, role: &str) -> Option<IntakeGrading> {
    let probability = match role {
        "officer" => 0.55,
        "security_officer" => 0.35,
        "employee" => 0.25,
        "citizen" => 0.1,
        _ => 0.08,
    };
    if !rng.chance(probability) {
        return None;
    }
    if role == "anonymous" {
        let (source, content) = if rng.chance(0.5) {
            ("unknown", "cannot_be_judged")
        } else {
            ("F", "6")
        };
        return Some(IntakeGrading {
            source_reliability: Some(source.to_owned()),
            content_validity: Some(content.to_owned()),
        });
    }
    let admiralty = rng.chance(if role == "officer" { 0.3 } else { 0.15 });
    let mixed = rng.chance(0.03);
    let us_source = [
        "reliable",
        "usually_reliable",
        "usually_reliable",
        "unreliable",
        "unknown",
    ];
    let us_content = [
        "confirmed",
        "probable",
        "probable",
        "doubtful",
        "cannot_be_judged",
    ];
    let adm_source = ["A", "B", "B", "C", "C", "D", "E", "F"];
    let adm_content = ["1", "2", "2", "3", "3", "4", "5", "6"];
    let source = if admiralty {
        rng.choose(&adm_source)
    } else {
        rng.choose(&us_source)
    };
    let content_admiralty = admiralty != mixed;
    let content = if content_admiralty {
        rng.choose(&adm_content)
    } else {
        rng.choose(&us_content)
    };
    let (source, content) = match rng.below(12) {
        0 => (None, Some(content)),
        1 => (Some(source), None),
        _ => (Some(source), Some(content)),
    };
    Some(IntakeGrading {
        source_reliability: source.map(str::to_owned),
        content_validity: content.map(str::to_owned),
    })
}

fn attachments(rng: &mut Rng, channel: &str, photos_promised: bool) -> Vec<IntakeAttachment> {
    let probability = match channel {
        "mobile_app" => 0.6,
        "email" => 0.3,
        "partner_feed" => 0.25,
        "officer" => 0.2,
        "web_form" => 0.15,
        _ => 0.05,
    };
    let count = if photos_promised || rng.chance(probability) {
        1 + rng.below(3) as usize
    } else {
        0
    };
    (0..count)
        .map(|position| {
            let (media_type, low, high) = if photos_promised && position == 0 {
                rng.choose(&MEDIA[..2])
            } else {
                match channel {
                    "partner_feed" | "csv" => rng.choose(&[MEDIA[0], MEDIA[3], MEDIA[3]]),
                    "phone" => MEDIA[6],
                    "officer" | "niem_xml" => rng.choose(&[MEDIA[0], MEDIA[5]]),
                    _ => rng.choose(MEDIA),
                }
            };
            IntakeAttachment {
                sha256: people::hex::<32>(rng),
                media_type: media_type.to_owned(),
                size_bytes: rng.range(low, high),
            }
        })
        .collect()
}
