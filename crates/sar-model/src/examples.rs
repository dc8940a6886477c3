//! One fully populated record of every type: every optional field set, every list non-empty.
//!
//! The scenario is the domain spec's S1 (a perimeter breach at a water treatment plant), made up.
//! Tests use it to prove completeness (every field classified, every field round-trips through
//! Avro), and the schema fixtures in `schemas/fixtures/` are encoded from it.

use crate::{
    codes::{BehaviorCode, TargetSectorCode, TipClassCode, TipDomainCode},
    grading::{ContentValidity, GradeBasis, Grading, GradingScheme, SourceReliability},
    ids::{Origin, ReportId},
    intake::{
        IntakeAircraft, IntakeAttachment, IntakeContact, IntakeDescriptors, IntakeGrading,
        IntakeLocation, IntakeObserved, IntakePerson, IntakePersonId, IntakePhysical,
        IntakeProperty, IntakeRecord, IntakeSource, IntakeSubmitter, IntakeVehicle, IntakeVessel,
    },
    protected::{ProtectedDescriptorValues, ProtectedDescriptors},
    records::{
        CiiPrerequisite, CiiPrerequisiteCheck, Contribution, DedupKeys, DestinationKind, DlqRecord,
        EntityKind, ExtractedEntity, FieldError, FlagKind, GateDecision, GateOutcome, GateReason,
        GatedRecord, Header, NormalizedRecord, Priority, QueueName, RawRecord, ReviewFlag, Route,
        RoutedRecord, RulePackRef, Score, ScoredRecord, Stage,
    },
    report::{
        Aircraft, Attachment, Channel, LawfulSource, LegalBasis, Location, ObservedPeriod, OrgType,
        Part23Labels, Person, PersonIdKind, PersonIdentifier, PersonRole, PhysicalDescription,
        PropertyItem, ReportStatus, ReporterContact, ReporterRole, Retention, SarReport,
        Sensitivity, StoreKind, Submitter, Vehicle, Vessel,
    },
    zoned::{CalendarDate, ZonedTime},
};

const NARRATIVE: &str = "At 02:10 the reporting officer saw a man cut the perimeter fence of the \
Riverside water treatment plant and enter the pump house. He left at 02:25 in a grey sedan, \
plate 7ABC123, and called 555-201-7788 from the lot.";

fn at(text: &str) -> ZonedTime {
    // Literal, valid RFC 3339: cannot fail.
    ZonedTime::parse(text).unwrap_or_else(|_| unreachable!("example time `{text}` is valid"))
}

fn some(text: &str) -> Option<String> {
    Some(text.to_owned())
}

/// The report id used by every example.
pub fn report_id() -> ReportId {
    ReportId::from_parts(1_767_000_000_000, [7, 1, 2, 3, 4, 5, 6, 7, 8, 9])
}

/// A fully populated intake record.
pub fn intake_record() -> IntakeRecord {
    IntakeRecord {
        source: IntakeSource {
            system: "riverside-pd-rms".into(),
            report_id: "RPD-2026-004411".into(),
        },
        channel: "officer".into(),
        submitted_at: "2026-03-01T03:05:00-07:00".into(),
        submitter: IntakeSubmitter {
            org_id: "AZ0070100".into(),
            org_name: "Riverside Police Department".into(),
            org_type: "law_enforcement".into(),
            sector: some("EMRG"),
            reporter_role: "officer".into(),
            reporter_contact: Some(IntakeContact {
                name: some("Ofc. Dana Whitfield"),
                phone: some("555-201-0001"),
                email: some("dwhitfield@riverside.example"),
            }),
        },
        observed: IntakeObserved {
            start: "2026-03-01T02:10:00-07:00".into(),
            end: some("2026-03-01T02:25:00-07:00"),
        },
        location: IntakeLocation {
            address: some("4100 River Rd"),
            city: some("Riverside"),
            state: some("AZ"),
            zip: some("85001"),
            lat: Some(33.4484),
            lon: Some(-112.074),
            place_name: some("Riverside Water Treatment Plant"),
            jurisdiction: "Riverside PD".into(),
            is_residence: Some(false),
        },
        behavior_codes: vec!["INTRSN".into(), "SABOT".into()],
        target_sectors: vec!["WATR".into()],
        tip_class: some("INFRA"),
        tip_domain: some("B"),
        narrative: NARRATIVE.into(),
        additional_facts: some("Fresh bolt-cutter marks on the fence; pump house lock forced."),
        persons: vec![IntakePerson {
            role: "subject".into(),
            name: some("John Q. Example"),
            aliases: vec!["JQ".into()],
            dob: some("1988-04-12"),
            age: Some(37),
            ids: vec![IntakePersonId {
                kind: "drivers_license".into(),
                value: "D1234567".into(),
                issuer: some("AZ"),
            }],
            addresses: vec!["12 Elm St, Riverside, AZ 85001".into()],
            phones: vec!["555-201-7788".into()],
            emails: vec!["jqe@example.com".into()],
            online_ids: vec!["@jqexample".into()],
            physical: Some(IntakePhysical {
                height_cm: Some(180),
                weight_kg: Some(82),
                hair: some("brown"),
                eyes: some("green"),
                description: some("dark hooded jacket, work boots"),
            }),
            descriptors: Some(IntakeDescriptors {
                race: some("white"),
                ethnicity: some("not hispanic"),
                nationality: some("US"),
                religion: some("unknown"),
                gender: some("male"),
                sexual_orientation: some("unknown"),
                gender_identity: some("unknown"),
                language: some("English"),
            }),
        }],
        vehicles: vec![IntakeVehicle {
            plate: some("7ABC123"),
            plate_state: some("AZ"),
            vin: some("1HGCM82633A004352"),
            make: some("Honda"),
            model: some("Accord"),
            color: some("grey"),
            year: Some(2014),
        }],
        vessels: vec![IntakeVessel {
            registration: some("AZ-1234-BC"),
            name: some("Dry Spell"),
            vessel_type: some("skiff"),
        }],
        aircraft: vec![IntakeAircraft {
            tail_number: some("N123RX"),
            aircraft_type: some("quadcopter drone"),
        }],
        property: vec![IntakeProperty {
            property_type: "tool".into(),
            description: some("bolt cutters, 36 inch"),
            quantity: Some(1),
            serial: some("BC-99812"),
        }],
        grading: Some(IntakeGrading {
            source_reliability: some("reliable"),
            content_validity: some("probable"),
        }),
        lawfully_obtained: true,
        attachments: vec![IntakeAttachment {
            sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
            media_type: "image/jpeg".into(),
            size_bytes: 482_113,
        }],
        fs_version: some("1.5.5"),
    }
}

/// A fully populated raw record.
pub fn raw_record() -> RawRecord {
    RawRecord {
        record_id: report_id(),
        received_at: at("2026-03-01T10:05:02.250Z"),
        ledger_seq: Some(4411),
        submission: intake_record(),
    }
}

fn code<T>(parsed: Result<T, crate::codes::UnknownCode>) -> T {
    parsed.unwrap_or_else(|error| unreachable!("example code is in its list: {error}"))
}

/// A fully populated canonical report.
pub fn report() -> SarReport {
    let grading = Grading {
        source_reliability: SourceReliability::Us4x4(crate::grading::UsReliability::Reliable),
        content_validity: ContentValidity::Us4x4(crate::grading::UsValidity::Probable),
        basis: GradeBasis::Submitted,
        mapped: None,
    }
    .with_mapping_to(GradingScheme::Admiralty);
    SarReport {
        report_id: report_id(),
        origin: Origin {
            system: "riverside-pd-rms".into(),
            report_id: "RPD-2026-004411".into(),
        },
        fs_version: crate::FS_VERSION.into(),
        privacy_policy_version: "2026-01".into(),
        channel: Channel::Officer,
        submitted_at: at("2026-03-01T03:05:00-07:00"),
        received_at: at("2026-03-01T10:05:02.250Z"),
        submitter: Submitter {
            org_id: "AZ0070100".into(),
            org_name: "Riverside Police Department".into(),
            org_type: OrgType::LawEnforcement,
            sector: Some(code(TargetSectorCode::parse("EMRG"))),
            reporter_role: ReporterRole::Officer,
            reporter_contact: Some(ReporterContact {
                name: some("Ofc. Dana Whitfield"),
                phone: some("555-201-0001"),
                email: some("dwhitfield@riverside.example"),
            }),
        },
        observed: ObservedPeriod {
            start: at("2026-03-01T02:10:00-07:00"),
            end: Some(at("2026-03-01T02:25:00-07:00")),
        },
        location: Location {
            address: some("4100 River Rd"),
            city: some("Riverside"),
            state: some("AZ"),
            zip: some("85001"),
            coordinates: Some(crate::report::GeoPoint {
                lat: 33.4484,
                lon: -112.074,
            }),
            place_name: some("Riverside Water Treatment Plant"),
            jurisdiction: "Riverside PD".into(),
            is_residence: false,
        },
        narrative: NARRATIVE.into(),
        additional_facts: some("Fresh bolt-cutter marks on the fence; pump house lock forced."),
        behavior_codes: vec![
            code(BehaviorCode::parse("INTRSN")),
            code(BehaviorCode::parse("SABOT")),
        ],
        target_sectors: vec![code(TargetSectorCode::parse("WATR"))],
        tip_class: Some(code(TipClassCode::parse("INFRA"))),
        tip_domain: Some(code(TipDomainCode::parse("B"))),
        persons: vec![Person {
            role: PersonRole::Subject,
            name: some("John Q. Example"),
            aliases: vec!["JQ".into()],
            dob: CalendarDate::parse("1988-04-12").ok(),
            age: Some(37),
            ids: vec![PersonIdentifier {
                kind: PersonIdKind::DriversLicense,
                value: "D1234567".into(),
                issuer: some("AZ"),
            }],
            addresses: vec!["12 Elm St, Riverside, AZ 85001".into()],
            phones: vec!["555-201-7788".into()],
            emails: vec!["jqe@example.com".into()],
            online_ids: vec!["@jqexample".into()],
            physical: Some(PhysicalDescription {
                height_cm: Some(180),
                weight_kg: Some(82),
                hair: some("brown"),
                eyes: some("green"),
                description: some("dark hooded jacket, work boots"),
            }),
            descriptors: ProtectedDescriptors::new(ProtectedDescriptorValues {
                race: some("white"),
                ethnicity: some("not hispanic"),
                nationality: some("US"),
                religion: some("unknown"),
                gender: some("male"),
                sexual_orientation: some("unknown"),
                gender_identity: some("unknown"),
                language: some("English"),
            }),
            noncriminal_identifying: false,
        }],
        vehicles: vec![Vehicle {
            plate: some("7ABC123"),
            plate_state: some("AZ"),
            vin: some("1HGCM82633A004352"),
            make: some("Honda"),
            model: some("Accord"),
            color: some("grey"),
            year: Some(2014),
        }],
        vessels: vec![Vessel {
            registration: some("AZ-1234-BC"),
            name: some("Dry Spell"),
            vessel_type: some("skiff"),
        }],
        aircraft: vec![Aircraft {
            tail_number: some("N123RX"),
            aircraft_type: some("quadcopter drone"),
        }],
        property: vec![PropertyItem {
            property_type: "tool".into(),
            description: some("bolt cutters, 36 inch"),
            quantity: Some(1),
            serial: some("BC-99812"),
        }],
        attachments: vec![Attachment {
            sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
            media_type: "image/jpeg".into(),
            size_bytes: 482_113,
        }],
        grading,
        lawful_source: LawfulSource {
            lawfully_obtained: true,
            attested_by: "AZ0070100".into(),
            quarantined: false,
        },
        labels: Part23Labels {
            sensitivity: Sensitivity::AgencyNameOnly,
            submitting_agency: "AZ0070100".into(),
            control_official: some("Lt. R. Ochoa"),
        },
        legal_basis: LegalBasis::FsSar,
        retention: Retention {
            store: StoreKind::TipsLeads,
            retain_until: at("2027-03-01T10:05:02.250Z"),
            last_validated_at: Some(at("2026-06-01T09:00:00Z")),
            validated_by: some("analyst-0042"),
            validation_rationale: some("subject linked to a second fence cut at the same plant"),
        },
        status: ReportStatus::Normalized,
    }
}

/// A fully populated normalized record.
pub fn normalized_record() -> NormalizedRecord {
    NormalizedRecord {
        report: report(),
        narrative_redacted: "At 02:10 the reporting officer saw a man cut the perimeter fence of \
the Riverside water treatment plant and enter the pump house. He left at 02:25 in a grey sedan, \
plate [PLATE], and called [PHONE] from the lot."
            .into(),
        entities: vec![
            ExtractedEntity {
                kind: EntityKind::Plate,
                text: "7ABC123".into(),
                start: 170,
                end: 177,
                pii: true,
            },
            ExtractedEntity {
                kind: EntityKind::Time,
                text: "02:10".into(),
                start: 3,
                end: 8,
                pii: false,
            },
        ],
        dedup: DedupKeys {
            exact: "riverside-pd-rms\u{1f}RPD-2026-004411".into(),
            narrative_simhash: -6_172_844_019_223_112_301,
            time_bucket: 490_801,
            geo_cell: some("8b29a0000000fff"),
        },
        normalized_at: at("2026-03-01T10:05:02.900Z"),
    }
}

/// A fully populated scored record.
pub fn scored_record() -> ScoredRecord {
    ScoredRecord {
        normalized: normalized_record(),
        score: Score {
            value: 71.5,
            contributions: vec![
                Contribution {
                    rule: "behavior.INTRSN".into(),
                    description: "group A behaviour: breach/attempted intrusion".into(),
                    contribution: 40.0,
                },
                Contribution {
                    rule: "sector.WATR".into(),
                    description: "critical infrastructure sector: water".into(),
                    contribution: 31.5,
                },
            ],
            rule_pack: RulePackRef {
                id: "sarflow-default".into(),
                version: "1.0.0".into(),
            },
            scored_at: at("2026-03-01T10:05:03Z"),
        },
        flags: vec![ReviewFlag {
            kind: FlagKind::PossibleDuplicate,
            rule_id: "T-27".into(),
            detail: "near-duplicate fingerprint matches another report".into(),
        }],
    }
}

/// A fully populated gated record.
pub fn gated_record() -> GatedRecord {
    GatedRecord {
        scored: scored_record(),
        decision: GateDecision {
            outcome: GateOutcome::Triage,
            reasons: vec![GateReason {
                code: "group_a_behavior".into(),
                rule: "T-01".into(),
                message: "has a group A behaviour code; Step-1 review".into(),
            }],
            cii_prerequisites: vec![
                CiiPrerequisiteCheck {
                    prerequisite: CiiPrerequisite::ReasonableSuspicionSignal,
                    present: true,
                    detail: "group A behaviour with a criminal act described".into(),
                },
                CiiPrerequisiteCheck {
                    prerequisite: CiiPrerequisite::ControlOfficialLabel,
                    present: true,
                    detail: "control official set".into(),
                },
            ],
            legal_basis: LegalBasis::FsSar,
            store: StoreKind::TipsLeads,
            retain_until: at("2027-03-01T10:05:02.250Z"),
            policy_version: "gate-2026-01".into(),
            decided_at: at("2026-03-01T10:05:03.100Z"),
        },
    }
}

/// A fully populated routed record.
pub fn routed_record() -> RoutedRecord {
    RoutedRecord {
        gated: gated_record(),
        routes: vec![
            Route {
                destination: DestinationKind::SearchIndex,
                queue: None,
                priority: Priority::Normal,
                reason: "every admitted report is indexed".into(),
            },
            Route {
                destination: DestinationKind::AnalystQueue,
                queue: Some(QueueName::Priority),
                priority: Priority::High,
                reason: "score >= 60".into(),
            },
        ],
        routed_at: at("2026-03-01T10:05:03.200Z"),
    }
}

/// A fully populated dead-letter record.
pub fn dlq_record() -> DlqRecord {
    DlqRecord {
        stage: Stage::Normalize,
        reason_code: "invalid_field".into(),
        message: "2 invalid fields".into(),
        field_errors: vec![
            FieldError {
                path: "persons[0].dob".into(),
                problem: "not a date (YYYY-MM-DD)".into(),
            },
            FieldError {
                path: "behavior_codes[1]".into(),
                problem: "unknown behavior code".into(),
            },
        ],
        record_id: Some(report_id()),
        source_topic: some("sar.reports.raw.v1"),
        source_partition: Some(2),
        source_offset: Some(18_044),
        original: b"{\"source\":{\"system\":\"x\"}}".to_vec(),
        original_headers: vec![Header {
            key: "traceparent".into(),
            value: b"00-abc-def-01".to_vec(),
        }],
        failed_at: at("2026-03-01T10:05:02.500Z"),
    }
}
