//! Randomized canonical records of every pipeline state, for tests of later stages and for Avro
//! round trips: `raw_records`, `normalized_records`, `scored_records`, `gated_records`,
//! `routed_records` and `dlq_records`; and `raw_record`, the raw form of one generated item
//! (`sarflow synth --format avro`).
//!
//! They are built from the same scenarios as `generate` (default hard-case shares), mapped
//! field by field into the canonical types. This is test data, not the normalizer: codes and
//! times are parsed with the sar-model types, entity spans come from the values the generator
//! planted in the narrative, and scores, gate decisions and routes are plausible for the case,
//! not computed by the real rules. Optional fields are set or left empty at random and lists
//! have 0 to 3 elements, so round trips exercise both; a small share of reports carries a later
//! workflow status, legal basis or store so every enumeration value occurs.

use sar_model::{
    BehaviorCode, BehaviorGroup, CalendarDate, ContentValidity, GradeBasis, Grading, GradingScheme,
    Origin, ProtectedDescriptorValues, ProtectedDescriptors, ReportId, SourceReliability,
    TargetSectorCode, TipClassCode, TipDomainCode, ZonedTime,
    intake::{IntakeGrading, IntakePerson, IntakeRecord},
    records::{
        CiiPrerequisite, CiiPrerequisiteCheck, Contribution, DedupKeys, DestinationKind, DlqRecord,
        EntityKind, ExtractedEntity, FieldError, FlagKind, GateDecision, GateOutcome, GateReason,
        GatedRecord, Header, NormalizedRecord, Priority, QueueName, RawRecord, ReviewFlag, Route,
        RoutedRecord, RulePackRef, Score, ScoredRecord, Stage,
    },
    report::{
        Aircraft, Attachment, Channel, GeoPoint, LawfulSource, LegalBasis, Location,
        ObservedPeriod, OrgType, Part23Labels, Person, PersonIdKind, PersonIdentifier, PersonRole,
        PhysicalDescription, PropertyItem, ReportStatus, ReporterContact, ReporterRole, Retention,
        SarReport, Sensitivity, StoreKind, Submitter, Vehicle, Vessel,
    },
};

use crate::{
    case::{Case, MalformedKind},
    clock::{self, DAY_MS, SECOND_MS},
    config::{HardCaseShares, MAX_COUNT, SynthConfig},
    generate::{Generated, Generator, SynthItem, start_ms},
    people,
    rng::Rng,
    scene::Planted,
};

/// `count` raw records: generated submissions with a report id, a receipt time and a ledger
/// sequence number.
pub fn raw_records(seed: u64, count: usize) -> Vec<RawRecord> {
    scenarios(seed, count)
        .map(|scenario| scenario.raw)
        .collect()
}

/// `count` normalized records: the canonical report, the redacted narrative, the planted
/// entities with their spans and dedup keys.
pub fn normalized_records(seed: u64, count: usize) -> Vec<NormalizedRecord> {
    scenarios(seed, count)
        .map(|scenario| scenario.normalized())
        .collect()
}

/// `count` scored records: contributions that sum to a value in [0, 100] and the flags of the
/// case.
pub fn scored_records(seed: u64, count: usize) -> Vec<ScoredRecord> {
    scenarios(seed, count)
        .map(|scenario| scenario.scored())
        .collect()
}

/// `count` gated records: an outcome plausible for the case, with reasons and retention.
pub fn gated_records(seed: u64, count: usize) -> Vec<GatedRecord> {
    scenarios(seed, count)
        .map(|scenario| scenario.gated())
        .collect()
}

/// `count` routed records: the search index and a queue or hand-off fitting the outcome.
pub fn routed_records(seed: u64, count: usize) -> Vec<RoutedRecord> {
    scenarios(seed, count)
        .map(|scenario| scenario.routed())
        .collect()
}

/// `count` dead-letter records of malformed submissions, with the original bytes, field errors
/// and headers.
pub fn dlq_records(seed: u64, count: usize) -> Vec<DlqRecord> {
    let config = SynthConfig {
        count: count.min(MAX_COUNT),
        seed,
        shares: HardCaseShares {
            malformed: 1.0,
            ..HardCaseShares::none()
        },
    };
    let mut generator = Generator::new(&config);
    let mut out = Vec::with_capacity(count.min(4_096));
    while let Some(generated) = generator.next_generated() {
        out.push(dlq(seed, &generated));
    }
    out
}

/// One valid generated record on its way through the stages.
struct Scenario {
    rng: Rng,
    case: Case,
    planted: Vec<Planted>,
    raw: RawRecord,
}

fn scenarios(seed: u64, count: usize) -> impl Iterator<Item = Scenario> {
    let config = SynthConfig {
        count: count.min(MAX_COUNT),
        seed,
        shares: HardCaseShares::default(),
    };
    let mut generator = Generator::new(&config);
    std::iter::from_fn(move || generator.next_generated()).filter_map(move |generated| {
        let Generated { item, planted } = generated;
        let record = item.record?;
        let mut rng = Rng::for_stream(seed ^ RAW_SALT, item.index as u64);
        let raw = raw(&mut rng, seed, item.index, record);
        Some(Scenario {
            rng,
            case: item.case,
            planted,
            raw,
        })
    })
}

/// Parses a time the generator wrote. The generator writes only valid RFC 3339 (its tests check
/// every time of every valid record), so failure is a broken invariant of this crate.
fn zoned(text: &str) -> ZonedTime {
    ZonedTime::parse(text)
        .unwrap_or_else(|_| unreachable!("the generator writes valid RFC 3339, got `{text}`"))
}

fn zoned_ms(unix_ms: i64, offset_s: i32) -> ZonedTime {
    zoned(&clock::rfc3339(unix_ms, offset_s))
}

fn unix_ms(time: &ZonedTime) -> i64 {
    time.unix_seconds() * SECOND_MS + i64::from(time.original().millisecond())
}

/// The raw record of a generated item, as intake would publish it on `sar.reports.raw.v1`: the
/// submission with a report id (UUID v7), a receipt time a little after `submitted_at` and
/// usually a ledger sequence number, all derived from `seed` and the item's index. `None` when
/// the line is not an intake record at all; a semantically invalid record still has a raw form
/// (intake stores it, normalization refuses it).
///
/// For the default shares, `raw_record(&item, seed)` of the `i`-th generated item equals
/// `raw_records(seed, n)[i]`.
pub fn raw_record(item: &SynthItem, seed: u64) -> Option<RawRecord> {
    let record = item.record.clone()?;
    let mut rng = Rng::for_stream(seed ^ RAW_SALT, item.index as u64);
    Some(raw(&mut rng, seed, item.index, record))
}

const RAW_SALT: u64 = 0xCA0_0C1C;

fn raw(rng: &mut Rng, seed: u64, index: usize, submission: IntakeRecord) -> RawRecord {
    // A malformed record may carry an impossible `submitted_at`: fall back to the observed start,
    // then to the run's clock.
    let submitted = ZonedTime::parse(&submission.submitted_at)
        .or_else(|_| ZonedTime::parse(&submission.observed.start))
        .ok();
    let (submitted_ms, submitted_offset) = match &submitted {
        Some(time) => (unix_ms(time), time.offset_seconds()),
        None => (start_ms(seed) + index as i64 * 60_000, 0),
    };
    let received_ms = submitted_ms + rng.range(150, 45_000);
    let offset = if rng.chance(0.8) { 0 } else { submitted_offset };
    RawRecord {
        record_id: ReportId::from_parts(received_ms as u64, rng.bytes::<10>()),
        received_at: zoned_ms(received_ms, offset),
        ledger_seq: rng.chance(0.85).then_some(1_000 + index as i64),
        submission,
    }
}

fn channel(text: &str) -> Channel {
    // Canonical records are built from valid intake records only.
    Channel::parse(text).unwrap_or(Channel::Csv)
}

fn org_type(text: &str) -> OrgType {
    // Canonical records are built from valid intake records only.
    OrgType::parse(text).unwrap_or(OrgType::Public)
}

fn reporter_role(text: &str) -> ReporterRole {
    // Canonical records are built from valid intake records only.
    ReporterRole::parse(text).unwrap_or(ReporterRole::Anonymous)
}

fn person_role(text: &str) -> PersonRole {
    // Canonical records are built from valid intake records only.
    PersonRole::parse(text).unwrap_or(PersonRole::Associate)
}

fn id_kind(text: &str) -> PersonIdKind {
    // Canonical records are built from valid intake records only.
    PersonIdKind::parse(text).unwrap_or(PersonIdKind::Other)
}

fn person(rng: &mut Rng, intake: &IntakePerson) -> Person {
    let descriptors = intake.descriptors.clone().unwrap_or_default();
    Person {
        role: person_role(&intake.role),
        name: intake.name.clone(),
        aliases: intake.aliases.clone(),
        dob: intake
            .dob
            .as_deref()
            .and_then(|dob| CalendarDate::parse(dob).ok()),
        age: intake.age,
        ids: intake
            .ids
            .iter()
            .map(|id| PersonIdentifier {
                kind: id_kind(&id.kind),
                value: id.value.clone(),
                issuer: id.issuer.clone(),
            })
            .collect(),
        addresses: intake.addresses.clone(),
        phones: intake.phones.clone(),
        emails: intake.emails.clone(),
        online_ids: intake.online_ids.clone(),
        physical: intake
            .physical
            .as_ref()
            .map(|physical| PhysicalDescription {
                height_cm: physical.height_cm,
                weight_kg: physical.weight_kg,
                hair: physical.hair.clone(),
                eyes: physical.eyes.clone(),
                description: physical.description.clone(),
            }),
        descriptors: ProtectedDescriptors::new(ProtectedDescriptorValues {
            race: descriptors.race,
            ethnicity: descriptors.ethnicity,
            nationality: descriptors.nationality,
            religion: descriptors.religion,
            gender: descriptors.gender,
            sexual_orientation: descriptors.sexual_orientation,
            gender_identity: descriptors.gender_identity,
            language: descriptors.language,
        }),
        noncriminal_identifying: intake.role == "associate" && rng.chance(0.5),
    }
}

fn grading(rng: &mut Rng, intake: Option<&IntakeGrading>, anonymous: bool) -> Grading {
    let submitted = intake.and_then(|grading| {
        let source = grading
            .source_reliability
            .as_deref()
            .and_then(|token| SourceReliability::parse(token).ok());
        let content = grading
            .content_validity
            .as_deref()
            .and_then(|token| ContentValidity::parse(token).ok());
        if source.is_none() && content.is_none() {
            return None;
        }
        let default = Grading::not_provided_default();
        Some(Grading {
            source_reliability: source.unwrap_or(default.source_reliability),
            content_validity: content.unwrap_or(default.content_validity),
            basis: if rng.chance(0.05) {
                GradeBasis::Analyst
            } else {
                GradeBasis::Submitted
            },
            mapped: None,
        })
    });
    let grading = match submitted {
        Some(grading) => grading,
        None if anonymous => Grading::anonymous_default(),
        None => Grading::not_provided_default(),
    };
    if rng.chance(0.5) {
        let other = match grading.source_reliability.scheme() {
            GradingScheme::Us4x4 => GradingScheme::Admiralty,
            GradingScheme::Admiralty => GradingScheme::Us4x4,
        };
        return grading.with_mapping_to(other);
    }
    grading
}

const STATUSES: [ReportStatus; 17] = [
    ReportStatus::Received,
    ReportStatus::RejectedMalformed,
    ReportStatus::Normalized,
    ReportStatus::DedupLinked,
    ReportStatus::TriageQueue,
    ReportStatus::Step1Review,
    ReportStatus::PrivacyReview,
    ReportStatus::BlockedProtectedActivity,
    ReportStatus::NotSarCriminalTip,
    ReportStatus::Unfounded,
    ReportStatus::Step2Vetting,
    ReportStatus::IseSar,
    ReportStatus::NotIseSar,
    ReportStatus::CiiCandidate,
    ReportStatus::Cii,
    ReportStatus::Expired,
    ReportStatus::Purged,
];

fn report(rng: &mut Rng, case: Case, raw: &RawRecord) -> SarReport {
    let intake = &raw.submission;
    let received_ms = unix_ms(&raw.received_at);
    let mut persons: Vec<Person> = intake.persons.iter().map(|p| person(rng, p)).collect();
    if intake.channel == "officer" && rng.chance(0.3) {
        let officer_name = intake
            .submitter
            .reporter_contact
            .as_ref()
            .and_then(|contact| contact.name.clone());
        persons.push(Person {
            role: PersonRole::Officer,
            name: officer_name,
            aliases: Vec::new(),
            dob: None,
            age: None,
            ids: vec![PersonIdentifier {
                kind: PersonIdKind::Other,
                value: format!("badge {}", rng.range(100, 9_999)),
                issuer: None,
            }],
            addresses: Vec::new(),
            phones: Vec::new(),
            emails: Vec::new(),
            online_ids: Vec::new(),
            physical: None,
            descriptors: ProtectedDescriptors::default(),
            noncriminal_identifying: false,
        });
    }
    let later_state = rng.chance(0.12);
    let (legal_basis, store, status) = if later_state {
        let status = rng.choose(&STATUSES);
        let (legal_basis, store) = match status {
            ReportStatus::IseSar => (LegalBasis::IseSar, StoreKind::IseShare),
            ReportStatus::Cii | ReportStatus::CiiCandidate => (
                rng.choose(&[LegalBasis::Cfr23, LegalBasis::NoncriminalId]),
                StoreKind::CriminalIntel,
            ),
            _ => (LegalBasis::FsSar, StoreKind::TipsLeads),
        };
        (legal_basis, store, status)
    } else {
        let status = if case == Case::NearDuplicate || case == Case::ExactDuplicate {
            ReportStatus::DedupLinked
        } else {
            ReportStatus::Normalized
        };
        (LegalBasis::FsSar, StoreKind::TipsLeads, status)
    };
    let retain_days = match store {
        StoreKind::TipsLeads => 365,
        StoreKind::IseShare => 5 * 365,
        StoreKind::CriminalIntel => 5 * 365,
    };
    let validated = rng.chance(0.15);
    let control_official = if rng.chance(0.1) {
        let gender = people::random_gender(rng);
        Some(format!("Lt. {}", people::Name::random(rng, gender).full()))
    } else {
        None
    };
    SarReport {
        report_id: raw.record_id,
        origin: Origin {
            system: intake.source.system.clone(),
            report_id: intake.source.report_id.clone(),
        },
        fs_version: intake
            .fs_version
            .clone()
            .unwrap_or_else(|| sar_model::FS_VERSION.to_owned()),
        privacy_policy_version: (rng.choose(&["2025-07", "2026-01"])).to_owned(),
        channel: channel(&intake.channel),
        submitted_at: zoned(&intake.submitted_at),
        received_at: raw.received_at,
        submitter: Submitter {
            org_id: intake.submitter.org_id.clone(),
            org_name: intake.submitter.org_name.clone(),
            org_type: org_type(&intake.submitter.org_type),
            sector: intake
                .submitter
                .sector
                .as_deref()
                .and_then(|code| TargetSectorCode::parse(code).ok()),
            reporter_role: reporter_role(&intake.submitter.reporter_role),
            reporter_contact: intake.submitter.reporter_contact.as_ref().map(|contact| {
                ReporterContact {
                    name: contact.name.clone(),
                    phone: contact.phone.clone(),
                    email: contact.email.clone(),
                }
            }),
        },
        observed: ObservedPeriod {
            start: zoned(&intake.observed.start),
            end: intake.observed.end.as_deref().map(zoned),
        },
        location: Location {
            address: intake.location.address.clone(),
            city: intake.location.city.clone(),
            state: intake.location.state.clone(),
            zip: intake.location.zip.clone(),
            coordinates: match (intake.location.lat, intake.location.lon) {
                (Some(lat), Some(lon)) => Some(GeoPoint { lat, lon }),
                _ => None,
            },
            place_name: intake.location.place_name.clone(),
            jurisdiction: intake.location.jurisdiction.clone(),
            is_residence: intake.location.is_residence.unwrap_or(false),
        },
        narrative: intake.narrative.clone(),
        additional_facts: intake.additional_facts.clone(),
        behavior_codes: intake
            .behavior_codes
            .iter()
            .filter_map(|code| BehaviorCode::parse(code).ok())
            .collect(),
        target_sectors: intake
            .target_sectors
            .iter()
            .filter_map(|code| TargetSectorCode::parse(code).ok())
            .collect(),
        tip_class: intake
            .tip_class
            .as_deref()
            .and_then(|code| TipClassCode::parse(code).ok()),
        tip_domain: intake
            .tip_domain
            .as_deref()
            .and_then(|code| TipDomainCode::parse(code).ok()),
        persons,
        vehicles: intake
            .vehicles
            .iter()
            .map(|vehicle| Vehicle {
                plate: vehicle.plate.clone(),
                plate_state: vehicle.plate_state.clone(),
                vin: vehicle.vin.clone(),
                make: vehicle.make.clone(),
                model: vehicle.model.clone(),
                color: vehicle.color.clone(),
                year: vehicle.year,
            })
            .collect(),
        vessels: intake
            .vessels
            .iter()
            .map(|vessel| Vessel {
                registration: vessel.registration.clone(),
                name: vessel.name.clone(),
                vessel_type: vessel.vessel_type.clone(),
            })
            .collect(),
        aircraft: intake
            .aircraft
            .iter()
            .map(|aircraft| Aircraft {
                tail_number: aircraft.tail_number.clone(),
                aircraft_type: aircraft.aircraft_type.clone(),
            })
            .collect(),
        property: intake
            .property
            .iter()
            .map(|item| PropertyItem {
                property_type: item.property_type.clone(),
                description: item.description.clone(),
                quantity: item.quantity,
                serial: item.serial.clone(),
            })
            .collect(),
        attachments: intake
            .attachments
            .iter()
            .map(|attachment| Attachment {
                sha256: attachment.sha256.clone(),
                media_type: attachment.media_type.clone(),
                size_bytes: attachment.size_bytes,
            })
            .collect(),
        grading: grading(
            rng,
            intake.grading.as_ref(),
            intake.submitter.reporter_role == "anonymous",
        ),
        lawful_source: LawfulSource {
            lawfully_obtained: intake.lawfully_obtained,
            attested_by: intake.submitter.org_id.clone(),
            quarantined: rng.chance(0.02),
        },
        labels: Part23Labels {
            sensitivity: [
                Sensitivity::Open,
                Sensitivity::AgencyNameOnly,
                Sensitivity::Restricted,
            ][rng.weighted(&[6, 3, 1])],
            submitting_agency: intake.submitter.org_id.clone(),
            control_official,
        },
        legal_basis,
        retention: Retention {
            store,
            retain_until: zoned_ms(received_ms + retain_days * DAY_MS, 0),
            last_validated_at: validated
                .then(|| zoned_ms(received_ms + rng.range(30, 300) * DAY_MS, 0)),
            validated_by: validated.then(|| format!("analyst-{:04}", rng.range(1, 9_999))),
            validation_rationale: validated.then(|| {
                (rng.choose(&[
                    "subject linked to a second report at the same site",
                    "new corroborating information from the site operator",
                    "ongoing investigation; retention reviewed",
                ]))
                .to_owned()
            }),
        },
        status,
    }
}

fn placeholder(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Plate => "[PLATE]",
        EntityKind::Phone => "[PHONE]",
        EntityKind::Email => "[EMAIL]",
        EntityKind::SsnLike => "[SSN]",
        EntityKind::IdLike => "[ID]",
        EntityKind::Money => "[MONEY]",
        EntityKind::Time => "[DATE]",
        EntityKind::Place => "[ADDRESS]",
    }
}

/// The planted entities found in `narrative`, with character spans (first occurrence of each).
fn entities(narrative: &str, planted: &[Planted]) -> Vec<ExtractedEntity> {
    let mut found: Vec<ExtractedEntity> = planted
        .iter()
        .filter_map(|entity| {
            let byte_start = narrative.find(&entity.text)?;
            let start = narrative[..byte_start].chars().count();
            let end = start + entity.text.chars().count();
            Some(ExtractedEntity {
                kind: entity.kind,
                text: entity.text.clone(),
                start: i32::try_from(start).ok()?,
                end: i32::try_from(end).ok()?,
                pii: entity.pii,
            })
        })
        .collect();
    found.sort_by_key(|entity| (entity.start, entity.end));
    found
}

/// The narrative with every PII entity and every person's name replaced by a placeholder.
fn redact(narrative: &str, planted: &[Planted], persons: &[Person]) -> String {
    let mut text = narrative.to_owned();
    for entity in planted.iter().filter(|entity| entity.pii) {
        text = text.replace(&entity.text, placeholder(entity.kind));
    }
    for name in persons.iter().filter_map(|person| person.name.as_deref()) {
        text = text.replace(name, "[NAME]");
    }
    text
}

/// SimHash of the narrative's three-word shingles (FNV-1a 64 of each shingle).
fn simhash(text: &str) -> i64 {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut votes = [0_i32; 64];
    for shingle in words.windows(3) {
        let hash = crate::rng::fnv1a(&shingle.join(" "));
        for (bit, vote) in votes.iter_mut().enumerate() {
            if hash >> bit & 1 == 1 {
                *vote += 1;
            } else {
                *vote -= 1;
            }
        }
    }
    let mut out: u64 = 0;
    for (bit, vote) in votes.iter().enumerate() {
        if *vote > 0 {
            out |= 1 << bit;
        }
    }
    out as i64
}

fn geo_cell(point: &GeoPoint) -> String {
    let row = ((point.lat + 90.0) * 500.0).floor().clamp(0.0, 90_000.0) as u64;
    let column = ((point.lon + 180.0) * 500.0).floor().clamp(0.0, 180_000.0) as u64;
    format!("8b{:013x}", row * 180_001 + column)
}

impl Scenario {
    fn normalized(mut self) -> NormalizedRecord {
        self.normalized_with().1
    }

    fn normalized_with(&mut self) -> (i64, NormalizedRecord) {
        let report = report(&mut self.rng, self.case, &self.raw);
        let normalized_ms = unix_ms(&self.raw.received_at) + self.rng.range(40, 2_500);
        let entities = entities(&report.narrative, &self.planted);
        let narrative_redacted = redact(&report.narrative, &self.planted, &report.persons);
        let dedup = DedupKeys {
            exact: format!("{}\u{1f}{}", report.origin.system, report.origin.report_id),
            narrative_simhash: simhash(&report.narrative),
            time_bucket: report.observed.start.unix_seconds().div_euclid(3_600),
            geo_cell: report.location.coordinates.as_ref().map(geo_cell),
        };
        let record = NormalizedRecord {
            report,
            narrative_redacted,
            entities,
            dedup,
            normalized_at: zoned_ms(normalized_ms, 0),
        };
        (normalized_ms, record)
    }

    fn scored(mut self) -> ScoredRecord {
        self.scored_with().1
    }

    fn scored_with(&mut self) -> (i64, ScoredRecord) {
        let (normalized_ms, normalized) = self.normalized_with();
        let scored_ms = normalized_ms + self.rng.range(5, 900);
        let contributions = contributions(&mut self.rng, self.case, &normalized.report);
        let value = contributions.iter().map(|c| c.contribution).sum::<f64>();
        let flags = flags(&mut self.rng, self.case);
        let record = ScoredRecord {
            normalized,
            score: Score {
                value,
                contributions,
                rule_pack: RulePackRef {
                    id: "sarflow-default".to_owned(),
                    version: (self.rng.choose(&["1.0.0", "1.1.0", "1.2.0"])).to_owned(),
                },
                scored_at: zoned_ms(scored_ms, 0),
            },
            flags,
        };
        (scored_ms, record)
    }

    fn gated(mut self) -> GatedRecord {
        self.gated_with().1
    }

    fn gated_with(&mut self) -> (i64, GatedRecord) {
        let (scored_ms, scored) = self.scored_with();
        let decided_ms = scored_ms + self.rng.range(5, 600);
        let outcome = match self.case {
            Case::ProtectedActivity => GateOutcome::BlockedProtectedActivity,
            Case::ProfilingLanguage => GateOutcome::PrivacyReview,
            Case::NoBehaviorCode => GateOutcome::NotSar,
            Case::GroupBWithoutFacts if self.rng.chance(0.7) => GateOutcome::PrivacyReview,
            _ => GateOutcome::Triage,
        };
        let reasons = reasons(&mut self.rng, self.case, outcome, &scored.normalized.report);
        let cii_prerequisites = cii_prerequisites(&mut self.rng, &scored.normalized.report);
        let received_ms = unix_ms(&scored.normalized.report.received_at);
        let retain_days = match outcome {
            GateOutcome::NotSar => 90,
            _ => 365,
        };
        let record = GatedRecord {
            scored,
            decision: GateDecision {
                outcome,
                reasons,
                cii_prerequisites,
                legal_basis: LegalBasis::FsSar,
                store: StoreKind::TipsLeads,
                retain_until: zoned_ms(received_ms + retain_days * DAY_MS, 0),
                policy_version: (self.rng.choose(&["gate-2025-07", "gate-2026-01"])).to_owned(),
                decided_at: zoned_ms(decided_ms, 0),
            },
        };
        (decided_ms, record)
    }

    fn routed(mut self) -> RoutedRecord {
        let (decided_ms, gated) = self.gated_with();
        let routed_ms = decided_ms + self.rng.range(2, 400);
        let routes = routes(&mut self.rng, self.case, &gated);
        RoutedRecord {
            gated,
            routes,
            routed_at: zoned_ms(routed_ms, 0),
        }
    }
}

fn contribution(rule: String, description: String, points: f64) -> Contribution {
    Contribution {
        rule,
        description,
        contribution: points,
    }
}

/// Contributions in half points (exact in binary), summing to a value in [0, 100].
fn contributions(rng: &mut Rng, case: Case, report: &SarReport) -> Vec<Contribution> {
    let half = |rng: &mut Rng, low: i64, high: i64| rng.range(low * 2, high * 2) as f64 / 2.0;
    let mut out = Vec::new();
    for code in report.behavior_codes.iter().take(3) {
        let (points, group) = match code.group() {
            BehaviorGroup::A => (half(rng, 25, 45), "A"),
            BehaviorGroup::B => (half(rng, 8, 20), "B"),
        };
        out.push(contribution(
            format!("behavior.{}", code.code()),
            format!("group {group} behaviour: {}", code.name().to_lowercase()),
            points,
        ));
    }
    if let Some(sector) = report.target_sectors.first() {
        out.push(contribution(
            format!("sector.{}", sector.code()),
            format!("target sector: {}", sector.name().to_lowercase()),
            half(rng, 2, 20),
        ));
    }
    match case {
        Case::ImminentThreat => out.push(contribution(
            "threat.imminent".to_owned(),
            "explicit threat with a time and place today".to_owned(),
            half(rng, 30, 50),
        )),
        Case::GroupBWithoutFacts => out.push(contribution(
            "facts.group_b_without_facts".to_owned(),
            "group B behaviour without additional facts".to_owned(),
            -half(rng, 5, 15),
        )),
        Case::ProtectedActivity => out.push(contribution(
            "first_amendment.protected_only".to_owned(),
            "factual basis is protected activity only".to_owned(),
            -half(rng, 5, 25),
        )),
        Case::NearDuplicate | Case::ExactDuplicate => out.push(contribution(
            "corroboration.duplicate".to_owned(),
            "another report of the same activity".to_owned(),
            half(rng, 2, 8),
        )),
        _ => {}
    }
    if report.grading.basis == GradeBasis::Submitted && rng.chance(0.6) {
        out.push(contribution(
            format!("grading.{}", report.grading.source_reliability.token()),
            "source reliability as submitted".to_owned(),
            half(rng, -5, 10),
        ));
    }
    let sum: f64 = out.iter().map(|c| c.contribution).sum();
    if sum > 100.0 {
        out.push(contribution(
            "cap.max".to_owned(),
            "score capped at 100".to_owned(),
            100.0 - sum,
        ));
    } else if sum < 0.0 {
        out.push(contribution(
            "floor.min".to_owned(),
            "score floored at 0".to_owned(),
            -sum,
        ));
    }
    out
}

fn flags(rng: &mut Rng, case: Case) -> Vec<ReviewFlag> {
    let flag = |kind: FlagKind, rule_id: &str, detail: &str| ReviewFlag {
        kind,
        rule_id: rule_id.to_owned(),
        detail: detail.to_owned(),
    };
    let mut out = Vec::new();
    match case {
        Case::ProfilingLanguage => out.push(flag(
            FlagKind::ProtectedClassLanguage,
            "T-36",
            "protected-class term used as the reason for suspicion",
        )),
        Case::ProtectedActivity => {
            out.push(flag(
                FlagKind::ProtectedActivity,
                "T-04",
                "factual basis looks like First Amendment activity",
            ));
        }
        Case::GroupBWithoutFacts => {
            out.push(flag(
                FlagKind::GroupBWithoutFacts,
                "T-03",
                "only group B behaviours and no additional facts",
            ));
        }
        Case::ImminentThreat => out.push(flag(
            FlagKind::ImminentThreat,
            "T-13",
            "explicit threat to life today",
        )),
        Case::NearDuplicate | Case::ExactDuplicate => {
            out.push(flag(
                FlagKind::PossibleDuplicate,
                "T-27",
                "matches another report's keys",
            ));
        }
        Case::NoBehaviorCode => out.push(flag(
            FlagKind::NoBehaviorCode,
            "T-01",
            "no Functional Standard behaviour code",
        )),
        Case::Ordinary | Case::Malformed(_) => {}
    }
    if rng.chance(0.05) {
        out.push(flag(
            FlagKind::PossibleDuplicate,
            "T-27",
            "near-duplicate fingerprint matches another report",
        ));
    }
    out
}

fn reasons(rng: &mut Rng, case: Case, outcome: GateOutcome, report: &SarReport) -> Vec<GateReason> {
    let reason = |code: &str, rule: &str, message: &str| GateReason {
        code: code.to_owned(),
        rule: rule.to_owned(),
        message: message.to_owned(),
    };
    let mut out = vec![match outcome {
        GateOutcome::BlockedProtectedActivity => reason(
            "protected_activity_only",
            "28 CFR 23.20(b)",
            "the only factual basis is protected First Amendment activity",
        ),
        GateOutcome::PrivacyReview if case == Case::ProfilingLanguage => reason(
            "protected_class_language",
            "T-36",
            "protected-class terms are given as the reason",
        ),
        GateOutcome::PrivacyReview => reason(
            "group_b_without_facts",
            "T-03",
            "group B behaviour needs additional facts and privacy review",
        ),
        GateOutcome::NotSar => reason(
            "no_behavior_code",
            "T-01",
            "no Functional Standard behaviour; ordinary criminal-tip handling",
        ),
        GateOutcome::Triage => {
            if report
                .behavior_codes
                .iter()
                .any(|code| code.group() == BehaviorGroup::A)
            {
                reason(
                    "group_a_behavior",
                    "T-01",
                    "has a group A behaviour code; Step-1 review",
                )
            } else {
                reason(
                    "group_b_with_facts",
                    "T-03",
                    "group B behaviour with additional facts; Step-1 review",
                )
            }
        }
    }];
    if case == Case::ImminentThreat {
        out.push(reason(
            "imminent_threat",
            "T-13",
            "imminent threat to life: live desk",
        ));
    }
    if matches!(case, Case::NearDuplicate | Case::ExactDuplicate) {
        out.push(reason(
            "possible_duplicate",
            "T-27",
            "linked to another report for the analyst",
        ));
    }
    if rng.chance(0.2) {
        out.push(reason(
            "retention_tips_leads",
            "BJA FAQ",
            "held as a tip or lead until retain_until",
        ));
    }
    out
}

/// Present/missing Part 23 prerequisites, read off the report (test data, not the real gate).
fn cii_prerequisites(rng: &mut Rng, report: &SarReport) -> Vec<CiiPrerequisiteCheck> {
    let check = |prerequisite: CiiPrerequisite, present: bool, detail: &str| CiiPrerequisiteCheck {
        prerequisite,
        present,
        detail: detail.to_owned(),
    };
    let group_a = report
        .behavior_codes
        .iter()
        .any(|code| code.group() == BehaviorGroup::A);
    vec![
        check(
            CiiPrerequisite::ReasonableSuspicionSignal,
            group_a && rng.chance(0.6),
            "criminal-predicate signals in the facts",
        ),
        check(
            CiiPrerequisite::SensitivityLabel,
            true,
            "sensitivity label set",
        ),
        check(CiiPrerequisite::ConfidenceLabel, true, "grading present"),
        check(
            CiiPrerequisite::SubmittingAgencyLabel,
            true,
            "submitting agency set",
        ),
        check(
            CiiPrerequisite::ControlOfficialLabel,
            report.labels.control_official.is_some(),
            "control official",
        ),
        check(
            CiiPrerequisite::LawfulSourceAttestation,
            report.lawful_source.lawfully_obtained,
            "lawful-source attestation",
        ),
    ]
}

fn routes(rng: &mut Rng, case: Case, gated: &GatedRecord) -> Vec<Route> {
    let route = |destination: DestinationKind,
                 queue: Option<QueueName>,
                 priority: Priority,
                 reason: &str| Route {
        destination,
        queue,
        priority,
        reason: reason.to_owned(),
    };
    let mut out = Vec::new();
    if rng.chance(0.9) {
        out.push(route(
            DestinationKind::SearchIndex,
            None,
            Priority::Normal,
            "every admitted report is indexed",
        ));
    }
    let score = gated.scored.score.value;
    match gated.decision.outcome {
        GateOutcome::Triage if case == Case::ImminentThreat => {
            out.push(route(
                DestinationKind::AnalystQueue,
                Some(QueueName::Imminent),
                Priority::Immediate,
                "T-13",
            ));
        }
        GateOutcome::Triage if score >= 60.0 => {
            out.push(route(
                DestinationKind::AnalystQueue,
                Some(QueueName::Priority),
                Priority::High,
                "score >= 60",
            ));
        }
        GateOutcome::Triage if score >= 30.0 => {
            out.push(route(
                DestinationKind::AnalystQueue,
                Some(QueueName::Standard),
                Priority::Normal,
                "score >= 30",
            ));
        }
        GateOutcome::Triage => {
            out.push(route(
                DestinationKind::AnalystQueue,
                Some(QueueName::Standard),
                Priority::Low,
                "score < 30",
            ));
        }
        GateOutcome::PrivacyReview => {
            out.push(route(
                DestinationKind::AnalystQueue,
                Some(QueueName::PrivacyReview),
                Priority::High,
                "T-36",
            ));
        }
        GateOutcome::BlockedProtectedActivity => {
            out.push(route(
                DestinationKind::AnalystQueue,
                Some(QueueName::BlockedAudit),
                Priority::Low,
                "T-04",
            ));
        }
        GateOutcome::NotSar => {
            out.push(route(
                DestinationKind::AnalystQueue,
                Some(QueueName::NotSar),
                Priority::Normal,
                "T-01",
            ));
        }
    }
    out
}

/// Where and why a malformed line fails: (stage, reason code, field errors).
fn failure(generated: &Generated) -> (Stage, &'static str, Vec<FieldError>) {
    let error = |path: &str, problem: &str| FieldError {
        path: path.to_owned(),
        problem: problem.to_owned(),
    };
    let Case::Malformed(kind) = generated.item.case else {
        return (Stage::Normalize, "invalid_field", Vec::new());
    };
    let Some(record) = &generated.item.record else {
        let parse_error = serde_json::from_str::<IntakeRecord>(&generated.item.line).err();
        let message = parse_error
            .map(|error| error.to_string())
            .unwrap_or_default();
        // The field name, between backticks in serde's message; never the value.
        let field = message.split('`').nth(1).unwrap_or("").to_owned();
        return match kind {
            MalformedKind::TruncatedJson => (
                Stage::Intake,
                "undecodable",
                vec![error("", "unexpected end of JSON input")],
            ),
            MalformedKind::MissingRequiredField => (
                Stage::Intake,
                "missing_field",
                vec![error(&field, "required field is missing")],
            ),
            MalformedKind::UnknownField => (
                Stage::Intake,
                "unknown_field",
                vec![error(&field, "field is not part of the intake format")],
            ),
            _ => (
                Stage::Intake,
                "wrong_type",
                vec![error(&field, "wrong JSON type")],
            ),
        };
    };
    let mut errors = Vec::new();
    for (position, code) in record.behavior_codes.iter().enumerate() {
        if BehaviorCode::parse(code).is_err() {
            let problem = if BehaviorCode::all().any(|known| known.name() == code) {
                "a behaviour label, not a code"
            } else {
                "unknown behavior code"
            };
            errors.push(error(&format!("behavior_codes[{position}]"), problem));
        }
    }
    if ![
        "officer",
        "partner_feed",
        "web_form",
        "mobile_app",
        "phone",
        "email",
        "niem_xml",
        "csv",
    ]
    .contains(&record.channel.as_str())
    {
        errors.push(error("channel", "unknown channel"));
    }
    for (path, text) in [
        ("submitted_at", Some(record.submitted_at.as_str())),
        ("observed.start", Some(record.observed.start.as_str())),
        ("observed.end", record.observed.end.as_deref()),
    ] {
        if let Some(text) = text
            && ZonedTime::parse(text).is_err()
        {
            errors.push(error(path, "not an RFC 3339 date-time with offset"));
        }
    }
    if let (Some(start), Some(end)) = (
        ZonedTime::parse(&record.observed.start).ok(),
        record
            .observed
            .end
            .as_deref()
            .and_then(|end| ZonedTime::parse(end).ok()),
    ) && end < start
    {
        errors.push(error("observed.end", "before observed.start"));
    }
    for (position, person) in record.persons.iter().enumerate() {
        if let Some(dob) = &person.dob
            && CalendarDate::parse(dob).is_err()
        {
            errors.push(error(
                &format!("persons[{position}].dob"),
                "not a date (YYYY-MM-DD)",
            ));
        }
    }
    if record
        .location
        .lat
        .is_some_and(|lat| !(-90.0..=90.0).contains(&lat))
    {
        errors.push(error("location.lat", "out of range"));
    }
    if record
        .location
        .lon
        .is_some_and(|lon| !(-180.0..=180.0).contains(&lon))
    {
        errors.push(error("location.lon", "out of range"));
    }
    if record.narrative.trim().is_empty() {
        errors.push(error("narrative", "empty"));
    }
    if let Some(grading) = &record.grading {
        if grading
            .source_reliability
            .as_deref()
            .is_some_and(|token| SourceReliability::parse(token).is_err())
        {
            errors.push(error("grading.source_reliability", "unknown grade"));
        }
        if grading
            .content_validity
            .as_deref()
            .is_some_and(|token| ContentValidity::parse(token).is_err())
        {
            errors.push(error("grading.content_validity", "unknown grade"));
        }
    }
    (Stage::Normalize, "invalid_field", errors)
}

fn dlq(seed: u64, generated: &Generated) -> DlqRecord {
    let index = generated.item.index;
    let mut rng = Rng::for_stream(seed ^ 0xD1_0D1C, index as u64);
    let (mut stage, mut reason_code, field_errors) = failure(generated);
    if rng.chance(0.08) {
        stage = rng.choose(&[
            Stage::Score,
            Stage::Gate,
            Stage::Route,
            Stage::Index,
            Stage::Queue,
        ]);
        reason_code = "schema_mismatch";
    }
    let failed_ms = start_ms(seed) + index as i64 * 37_000 + rng.range(0, 30_000);
    let from_topic = stage != Stage::Intake;
    let message = match field_errors.len() {
        0 => format!("record refused: {reason_code}"),
        1 => "1 invalid field".to_owned(),
        many => format!("{many} invalid fields"),
    };
    let system = generated
        .item
        .record
        .as_ref()
        .map(|record| record.source.system.clone());
    let mut headers = Vec::new();
    if rng.chance(0.7) {
        headers.push(Header {
            key: "content-type".to_owned(),
            value: b"application/json".to_vec(),
        });
    }
    if rng.chance(0.6) {
        let trace = format!(
            "00-{}-{}-01",
            people::hex::<16>(&mut rng),
            people::hex::<8>(&mut rng)
        );
        headers.push(Header {
            key: "traceparent".to_owned(),
            value: trace.into_bytes(),
        });
    }
    if let Some(system) = system.filter(|_| rng.chance(0.5)) {
        headers.push(Header {
            key: "sar-source-system".to_owned(),
            value: system.into_bytes(),
        });
    }
    DlqRecord {
        stage,
        reason_code: reason_code.to_owned(),
        message,
        field_errors,
        record_id: from_topic.then(|| ReportId::from_parts(failed_ms as u64, rng.bytes::<10>())),
        source_topic: from_topic.then(|| "sar.reports.raw.v1".to_owned()),
        source_partition: from_topic.then(|| rng.range(0, 11) as i32),
        source_offset: from_topic.then(|| rng.range(0, 5_000_000)),
        original: generated.item.line.clone().into_bytes(),
        original_headers: headers,
        failed_at: zoned_ms(failed_ms, 0),
    }
}

#[cfg(test)]
mod tests;
