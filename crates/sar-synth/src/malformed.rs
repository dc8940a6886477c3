//! Breaking a valid record on purpose: either semantically (it still deserializes as an
//! `IntakeRecord`, but a code, time, coordinate, channel or grade is invalid) or syntactically
//! (the line is not an `IntakeRecord` at all).
//!
//! Syntactic breaks edit the serialized line as text, so the line keeps the field order of the
//! struct and does not depend on how a JSON map orders its keys.

use sar_model::{
    BehaviorCode, ZonedTime,
    intake::{IntakeGrading, IntakeRecord},
};

use crate::{
    case::MalformedKind,
    clock::{self, MINUTE_MS, SECOND_MS},
    rng::Rng,
};

/// `record` broken as `kind`: the record when the line still parses, and the line.
pub(crate) fn corrupt(
    rng: &mut Rng,
    kind: MalformedKind,
    mut record: IntakeRecord,
) -> (Option<IntakeRecord>, String) {
    match kind {
        MalformedKind::UnknownBehaviorCode => {
            let bad = rng.choose(&[
                "SUSPIC",
                "BOMB",
                "INTRUSION",
                "photo",
                "TERROR",
                "DRONE",
                "SURV",
                "Intrsn",
            ]);
            replace_or_push(rng, &mut record.behavior_codes, bad.to_owned());
        }
        MalformedKind::BehaviorLabel => {
            let labelled = record.behavior_codes.is_empty();
            for code in &mut record.behavior_codes {
                if let Ok(parsed) = BehaviorCode::parse(code) {
                    *code = parsed.name().to_owned();
                }
            }
            if labelled {
                let labels: Vec<&str> = BehaviorCode::all().map(BehaviorCode::name).collect();
                record.behavior_codes.push((rng.choose(&labels)).to_owned());
            }
        }
        MalformedKind::ImpossibleDate => impossible_date(rng, &mut record),
        MalformedKind::CoordinatesOutOfRange => {
            if rng.chance(0.7) {
                record.location.lat = Some(rng.choose(&[123.0, 95.5, -91.25, 181.0]));
                record.location.lon.get_or_insert(-112.07);
            } else {
                record.location.lon = Some(rng.choose(&[-212.4, 190.0, 361.0]));
                record.location.lat.get_or_insert(33.45);
            }
        }
        MalformedKind::EmptyNarrative => {
            // Truly empty (a blank one is lexically valid: `minLength: 1` in the published schema).
            record.narrative = String::new();
        }
        MalformedKind::EndBeforeStart => end_before_start(rng, &mut record),
        MalformedKind::UnknownChannel => {
            record.channel = (rng.choose(&[
                "fax", "sms", "Web Form", "OFFICER", "walk_in", "twitter", "radio",
            ]))
            .to_owned();
        }
        MalformedKind::BadGradeToken => {
            let grading = record.grading.get_or_insert(IntakeGrading {
                source_reliability: None,
                content_validity: None,
            });
            let bad_source = rng.choose(&["Z", "G", "very reliable", "Reliable", "a", "0"]);
            let bad_content = rng.choose(&["7", "0", "likely", "Probable", "high"]);
            match rng.below(3) {
                0 => grading.source_reliability = Some(bad_source.to_owned()),
                1 => grading.content_validity = Some(bad_content.to_owned()),
                _ => {
                    grading.source_reliability = Some(bad_source.to_owned());
                    grading.content_validity = Some(bad_content.to_owned());
                }
            }
        }
        MalformedKind::TruncatedJson => return (None, truncated(rng, &to_line(&record))),
        MalformedKind::MissingRequiredField => return (None, missing_field(rng, &record)),
        MalformedKind::WrongJsonType => return (None, wrong_type(rng, &record)),
        MalformedKind::UnknownField => return (None, unknown_field(rng, &record)),
    }
    let line = to_line(&record);
    (Some(record), line)
}

/// The NDJSON line of a record.
pub(crate) fn to_line(record: &IntakeRecord) -> String {
    // Serializing an IntakeRecord cannot fail: every map key is a string and no field has a
    // fallible Serialize impl.
    serde_json::to_string(record)
        .unwrap_or_else(|error| unreachable!("an IntakeRecord always serializes: {error}"))
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn replace_or_push(rng: &mut Rng, codes: &mut Vec<String>, bad: String) {
    if codes.is_empty() || rng.chance(0.4) {
        let at = rng.index(codes.len() + 1);
        codes.insert(at, bad);
    } else {
        let at = rng.index(codes.len());
        codes[at] = bad;
    }
}

const BAD_MONTH_DAYS: &[&str] = &[
    "02-30", "02-31", "04-31", "06-31", "09-31", "11-31", "13-05", "00-12",
];

fn break_date(rng: &mut Rng, text: &str) -> String {
    let bad = rng.choose(BAD_MONTH_DAYS);
    match (text.get(..4), text.get(10..)) {
        (Some(year), Some(rest)) => format!("{year}-{bad}{rest}"),
        _ => format!("2026-{bad}"),
    }
}

fn impossible_date(rng: &mut Rng, record: &mut IntakeRecord) {
    let dob_holder = record
        .persons
        .iter()
        .position(|person| person.dob.is_some());
    let target = rng.below(20);
    match (target, dob_holder, record.observed.end.is_some()) {
        (0..=1, Some(holder), _) => {
            let person = &mut record.persons[holder];
            person.dob = person.dob.as_deref().map(|dob| break_date(rng, dob));
        }
        (2..=4, _, true) => {
            record.observed.end = record
                .observed
                .end
                .as_deref()
                .map(|end| break_date(rng, end));
        }
        (5..=9, _, _) => record.submitted_at = break_date(rng, &record.submitted_at),
        _ => record.observed.start = break_date(rng, &record.observed.start),
    }
}

fn end_before_start(rng: &mut Rng, record: &mut IntakeRecord) {
    let Ok(start) = ZonedTime::parse(&record.observed.start) else {
        record.observed.end = Some("2025-01-01T00:00:00-05:00".to_owned());
        return;
    };
    let end_ms = start.unix_seconds() * SECOND_MS - rng.range(5, 180) * MINUTE_MS;
    record.observed.end = Some(clock::rfc3339(end_ms, start.offset_seconds()));
}

/// Cut at a character boundary somewhere in the line: a strict prefix of a JSON object is never
/// a complete JSON value.
fn truncated(rng: &mut Rng, line: &str) -> String {
    let low = (line.len() / 10).max(1);
    let high = (line.len() * 95 / 100).max(low);
    let mut cut = rng.range(low as i64, high as i64) as usize;
    while cut > 0 && !line.is_char_boundary(cut) {
        cut -= 1;
    }
    line[..cut.max(1).min(line.len().saturating_sub(1))].to_owned()
}

/// Removes `pattern` from `line` once, or truncates the line if the pattern is not there.
fn edit(rng: &mut Rng, line: &str, pattern: &str, replacement: &str) -> String {
    if !pattern.is_empty() && line.contains(pattern) {
        line.replacen(pattern, replacement, 1)
    } else {
        truncated(rng, line)
    }
}

fn missing_field(rng: &mut Rng, record: &IntakeRecord) -> String {
    let line = to_line(record);
    let pattern = match rng.below(12) {
        0 => format!("\"source\":{},", json(&record.source)),
        1 => format!(",\"channel\":{}", json(&record.channel)),
        2 => format!(",\"submitted_at\":{}", json(&record.submitted_at)),
        3 => format!(",\"submitter\":{}", json(&record.submitter)),
        4 => format!(",\"observed\":{}", json(&record.observed)),
        5 => format!(",\"location\":{}", json(&record.location)),
        6 => format!(",\"narrative\":{}", json(&record.narrative)),
        7 => ",\"lawfully_obtained\":true".to_owned(),
        8 => format!(",\"report_id\":{}", json(&record.source.report_id)),
        9 => format!(",\"jurisdiction\":{}", json(&record.location.jurisdiction)),
        10 => format!("\"start\":{},", json(&record.observed.start)),
        _ => format!(",\"org_type\":{}", json(&record.submitter.org_type)),
    };
    edit(rng, &line, &pattern, "")
}

fn wrong_type(rng: &mut Rng, record: &IntakeRecord) -> String {
    let line = to_line(record);
    let with_age = record.persons.iter().find_map(|person| person.age);
    let (pattern, replacement) = match rng.below(7) {
        0 => (
            "\"lawfully_obtained\":true".to_owned(),
            format!(
                "\"lawfully_obtained\":{}",
                rng.pick(&["\"yes\"", "1", "\"true\""])
            ),
        ),
        1 => {
            let seconds = ZonedTime::parse(&record.submitted_at)
                .map(|time| time.unix_seconds())
                .unwrap_or(1_767_000_000);
            (
                format!("\"submitted_at\":{}", json(&record.submitted_at)),
                format!("\"submitted_at\":{seconds}"),
            )
        }
        2 => (
            format!("\"behavior_codes\":{}", json(&record.behavior_codes)),
            format!(
                "\"behavior_codes\":{}",
                json(&record.behavior_codes.join(","))
            ),
        ),
        3 => match record.location.lat {
            Some(lat) => (
                format!("\"lat\":{}", json(&lat)),
                format!("\"lat\":\"{}\"", json(&lat)),
            ),
            None => ("\"lat\":null".to_owned(), "\"lat\":\"unknown\"".to_owned()),
        },
        4 => match with_age {
            Some(age) => (format!("\"age\":{age}"), format!("\"age\":\"{age} years\"")),
            None => (
                "\"lawfully_obtained\":true".to_owned(),
                "\"lawfully_obtained\":\"Y\"".to_owned(),
            ),
        },
        5 => (
            format!("\"narrative\":{}", json(&record.narrative)),
            format!("\"narrative\":[{}]", json(&record.narrative)),
        ),
        _ => (
            format!("\"channel\":{}", json(&record.channel)),
            format!("\"channel\":{{\"name\":{}}}", json(&record.channel)),
        ),
    };
    edit(rng, &line, &pattern, &replacement)
}

fn unknown_field(rng: &mut Rng, record: &IntakeRecord) -> String {
    let line = to_line(record);
    match rng.below(5) {
        0 => insert_before_end(&line, ",\"priority\":\"high\""),
        1 => insert_before_end(
            &line,
            &format!(
                ",\"narative\":{}",
                json(&record.narrative.chars().take(60).collect::<String>())
            ),
        ),
        2 => insert_before_end(&line, ",\"reporter_phone\":\"555-0100\""),
        3 => {
            let pattern = format!(",\"jurisdiction\":{}", json(&record.location.jurisdiction));
            edit(
                rng,
                &line,
                &pattern,
                &format!("{pattern},\"county\":\"unknown\""),
            )
        }
        _ => {
            let pattern = format!(
                ",\"reporter_role\":{}",
                json(&record.submitter.reporter_role)
            );
            let badge = rng.range(100, 9_999);
            edit(
                rng,
                &line,
                &pattern,
                &format!("{pattern},\"badge\":\"{badge}\""),
            )
        }
    }
}

fn insert_before_end(line: &str, addition: &str) -> String {
    match line.strip_suffix('}') {
        Some(body) => format!("{body}{addition}}}"),
        None => format!("{line}{addition}"),
    }
}

#[cfg(test)]
mod tests;
