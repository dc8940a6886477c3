//! Turning a scene's facts into a narrative in the reporter's voice: an officer's report, a
//! guard's incident log, an employee's note, a citizen's web tip, an anonymous message, a
//! call-taker's summary or an e-mail; reworded for register, padded with ordinary details to a
//! drawn length, and kept within 150..=3000 characters.

use sar_model::records::EntityKind;

use crate::{
    clock::{self, Local, MINUTE_MS},
    people::{self, Name},
    scene::{Scene, capitalize, place_name},
};

/// Shortest and longest narrative generated.
pub(crate) const MIN_CHARS: usize = 150;
pub(crate) const MAX_CHARS: usize = 3000;

/// Who is telling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Voice {
    Officer,
    Security,
    Employee,
    Citizen,
    Anonymous,
    /// A call-taker writing down a phone tip, in the third person.
    CallTaker,
}

/// How the facts feel: shapes which details and closings fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mood {
    /// A behaviour that may be suspicious.
    Suspicious,
    /// Nothing criminal in the facts (protected activity, profiling, nuisance).
    Plain,
    /// Danger now.
    Urgent,
}

/// The reporter as the narrative needs them.
#[derive(Debug, Clone)]
pub(crate) struct Teller {
    pub(crate) voice: Voice,
    /// Sent by e-mail: wrapped in a subject line, greeting and signature.
    pub(crate) email: bool,
    pub(crate) name: Option<Name>,
    pub(crate) phone: Option<String>,
    pub(crate) email_address: Option<String>,
    pub(crate) org_name: String,
    /// The law-enforcement agency of the jurisdiction.
    pub(crate) agency: String,
    pub(crate) job: &'static str,
    /// The originating system's report id, which officers quote.
    pub(crate) case_number: String,
}

/// What the telling added beyond text.
#[derive(Debug, Default)]
pub(crate) struct Told {
    pub(crate) text: String,
    /// The officer identified the subject (name, DOB, licence written into the narrative).
    pub(crate) identified: Option<Identified>,
    /// The reporter says photos are attached.
    pub(crate) photos_attached: bool,
    /// People named in passing (witnesses, supervisors).
    pub(crate) witnesses: Vec<String>,
}

/// The subject's identity as an officer wrote it down.
#[derive(Debug, Clone)]
pub(crate) struct Identified {
    /// Intake id kind of the document shown.
    pub(crate) kind: &'static str,
    pub(crate) number: String,
    pub(crate) issuer: Option<String>,
    pub(crate) ssn: Option<String>,
}

/// Tells `core` (neutral register) as `teller` would, at the given length target.
pub(crate) fn tell(
    scene: &mut Scene,
    teller: &Teller,
    core: &[String],
    extra_facts: &[String],
    mood: Mood,
    submitted: Local,
    duration_minutes: Option<i64>,
) -> Told {
    let mut told = Told::default();
    let target = target_length(scene);
    let day_ref = day_reference(scene, &scene.observed.clone(), &submitted);
    let place_planted = scene.plant(EntityKind::Place, scene.place.clone(), scene.residence);

    let intro = intro(scene, teller, mood, &day_ref, &place_planted, &submitted);
    // After the introduction has named the place, reporters mostly say "the store".
    let short = short_name(&scene.place, scene.sector.noun);
    let mut body: Vec<String> = Vec::new();
    for sentence in core {
        let mut sentence = sentence.clone();
        if sentence.contains(&scene.place) && scene.rng.chance(0.6) {
            sentence = sentence.replace(&scene.place, &short);
            if let Some(rest) = sentence.strip_prefix(&short) {
                sentence = format!("{}{rest}", capitalize(&short));
            }
        }
        body.push(reword(&sentence, teller.voice));
    }
    if teller.voice == Voice::CallTaker && !body.is_empty() {
        body[0] = format!("Caller states that {}", lower_first(&body[0]));
    }
    let mut paragraphs = vec![join_intro(&intro, &body)];

    // A short tip is just the introduction and what was seen.
    let brief = target < 400 && teller.voice != Voice::Officer;
    let mut follow = Vec::new();
    if mood == Mood::Suspicious && !brief {
        // The last facts: `additional_facts` takes the first ones.
        for fact in extra_facts.iter().rev().take(scene.rng.index(3)) {
            follow.push(reword(fact, teller.voice));
        }
    }
    if !brief {
        for line in reaction(scene, teller, mood, &mut told) {
            follow.push(reword(&line, teller.voice));
        }
    }
    if !follow.is_empty() {
        paragraphs.push(follow.join(" "));
    }
    let closing = if brief && scene.rng.chance(0.6) {
        String::new()
    } else {
        closing(scene, teller, mood)
    };

    let blocks = details(scene, teller, mood, duration_minutes, &mut told);
    let length = |paragraphs: &[String]| -> usize {
        paragraphs
            .iter()
            .map(|paragraph| paragraph.chars().count() + 2)
            .sum::<usize>()
            + closing.chars().count()
    };
    let mut pending: Vec<String> = Vec::new();
    for block in blocks {
        if length(&paragraphs) + pending.iter().map(|line| line.len() + 1).sum::<usize>() >= target
        {
            break;
        }
        pending.extend(block.iter().map(|line| reword(line, teller.voice)));
        if pending.len() >= 3 {
            paragraphs.push(pending.join(" "));
            pending.clear();
        }
    }
    if !pending.is_empty() {
        paragraphs.push(pending.join(" "));
    }
    if !closing.is_empty() {
        paragraphs.push(closing);
    }
    let mut text = paragraphs.join(if scene.rng.chance(0.3) { " " } else { "\n\n" });
    if teller.email {
        text = wrap_email(scene, teller, &text);
    }
    told.text = fit_length(text, scene);
    told
}

/// A length drawn from the mix of short tips, ordinary reports and long ones.
fn target_length(scene: &mut Scene) -> usize {
    let (low, high) = match scene.rng.weighted(&[22, 45, 24, 9]) {
        0 => (160, 380),
        1 => (380, 950),
        2 => (950, 1_900),
        _ => (1_900, 2_900),
    };
    scene.rng.range(low, high) as usize
}

/// `today`, `last night`, `on Tuesday`, `on 03/01/2026`.
fn day_reference(scene: &mut Scene, observed: &Local, submitted: &Local) -> String {
    let days = submitted.day_number - observed.day_number;
    match days {
        0 if observed.hour < 12 && submitted.hour >= 12 => "this morning".to_owned(),
        0 => scene.pick(&["today", "earlier today"]).to_owned(),
        1 if observed.hour >= 19 || observed.hour < 4 => "last night".to_owned(),
        1 => "yesterday".to_owned(),
        2..=6 => format!("on {}", observed.weekday_name()),
        _ => format!("on {}", observed.us_date()),
    }
}

fn join_intro(intro: &str, body: &[String]) -> String {
    let mut parts = vec![intro.to_owned()];
    parts.extend(body.iter().cloned());
    parts.join(" ")
}

fn intro(
    scene: &mut Scene,
    teller: &Teller,
    mood: Mood,
    day_ref: &str,
    place: &str,
    submitted: &Local,
) -> String {
    let observed = scene.observed;
    let military = scene.plant(EntityKind::Time, observed.military(), false);
    let style = scene.rng.index(3);
    let twelve = scene.plant(EntityKind::Time, observed.twelve_hour(style), false);
    let date_text = if scene.rng.chance(0.7) {
        observed.us_date()
    } else {
        observed.long_date()
    };
    let date = scene.plant(EntityKind::Time, date_text, false);
    let weekday = observed.weekday_name();
    let urgent = mood == Mood::Urgent;
    match teller.voice {
        Voice::Officer => {
            let line = match scene.rng.below(6) {
                0 => format!(
                    "On {date} at approximately {military} hours, I was on patrol in the area of {place}."
                ),
                1 => format!(
                    "On {date} at about {military} hours, I was dispatched to {place} regarding a suspicious activity call."
                ),
                2 => format!(
                    "On {date} at {military} hours, I responded to {place} after the site supervisor called dispatch."
                ),
                3 => format!(
                    "While working an extra-duty assignment at {place} on {date}, at approximately {military} hours, I learned of the following."
                ),
                4 => format!(
                    "On {weekday}, {date}, at about {military} hours, I met with staff at {place} about an incident they reported."
                ),
                _ => format!(
                    "Reporting officer (R/O) was flagged down at {place} on {date} at approximately {military} hours."
                ),
            };
            if urgent {
                format!("PRIORITY. {line}")
            } else {
                line
            }
        }
        Voice::Security => match scene.rng.below(4) {
            0 => format!(
                "While on perimeter patrol at {place} at approximately {twelve} on {date}, I observed the following."
            ),
            1 => format!("At {twelve} on {date} I was posted at the main gate of {place}."),
            2 => format!(
                "The security operations center received a camera alert for {place} at {twelve}. On review of the footage, the following was seen."
            ),
            _ => format!(
                "On {weekday} at about {twelve}, during my rounds at {place}, I noticed activity that I am reporting."
            ),
        },
        Voice::Employee => {
            let job = teller.job;
            match scene.rng.below(4) {
                0 => format!(
                    "I work as {} at {place}. {} around {twelve} I noticed something I think should be reported.",
                    with_article(job),
                    capitalize(day_ref)
                ),
                1 => format!(
                    "Reporting on behalf of {}: at about {twelve} on {date}, at {place}, the following happened.",
                    teller.org_name
                ),
                2 => format!(
                    "I am {} at {place}. This happened {day_ref} around {twelve}.",
                    with_article(job)
                ),
                _ => format!(
                    "{} at about {twelve}, while I was working at {place}, the following happened.",
                    capitalize(day_ref)
                ),
            }
        }
        Voice::Citizen => {
            let activity = scene.pick(&[
                "walking my dog",
                "jogging",
                "waiting for the bus",
                "driving home from work",
                "picking up my kids",
                "getting gas",
            ]);
            match scene.rng.below(4) {
                0 => format!(
                    "Hi, I want to report something I saw {day_ref} around {twelve} at {place}."
                ),
                1 => format!(
                    "I was {activity} near {place} around {twelve} {day_ref} and noticed something that didn't seem right."
                ),
                2 => format!(
                    "Not sure if this is the right place for this, but {day_ref} around {twelve} at {place}, this happened."
                ),
                _ => format!(
                    "{} at about {twelve} I was at {place} and saw something I want to report.",
                    capitalize(day_ref)
                ),
            }
        }
        Voice::Anonymous => match scene.rng.below(3) {
            0 => format!(
                "I don't want to give my name. {} around {twelve} at {place}.",
                capitalize(day_ref)
            ),
            1 => format!("Anonymous tip. This happened at {place} {day_ref}, around {twelve}."),
            _ => format!(
                "I'm not going to leave my name but somebody needs to know about this. It was {day_ref} around {twelve} at {place}."
            ),
        },
        Voice::CallTaker => {
            let call_time = scene.plant(EntityKind::Time, submitted.twelve_hour(style), false);
            let line = match scene.rng.below(3) {
                0 => format!(
                    "Caller reports activity {day_ref} at approximately {twelve} at {place}."
                ),
                1 => format!(
                    "RP called the tip line at {call_time} to report activity at {place} {day_ref} around {twelve}."
                ),
                _ => format!(
                    "Call received at {call_time} regarding {place}, {day_ref} at about {twelve}."
                ),
            };
            if urgent {
                format!("URGENT - caller requests immediate response. {line}")
            } else {
                line
            }
        }
    }
}

fn reaction(scene: &mut Scene, teller: &Teller, mood: Mood, told: &mut Told) -> Vec<String> {
    let subject = scene.subject_mentioned;
    let mut lines = Vec::new();
    match teller.voice {
        Voice::Officer => {
            if subject && scene.rng.chance(0.5) && mood != Mood::Urgent {
                lines.push(identify(scene, told));
            } else if subject {
                lines.push(format!(
                    "{} was gone before I arrived, and a check of the area did not locate {}.",
                    scene.the_cap(),
                    scene.him()
                ));
            } else {
                lines.push("A check of the area was negative.".to_owned());
            }
            if scene.rng.chance(0.4) {
                let item_number = scene.rng.range(10_000, 99_999).to_string();
                let item = scene.plant(EntityKind::IdLike, item_number, false);
                lines.push(format!("I photographed the scene; the photos were booked as evidence under item number {item}."));
            }
            if scene.rng.chance(0.3) {
                let witness = scene.name();
                lines.push(format!(
                    "The site supervisor, {witness}, gave a written statement."
                ));
                told.witnesses.push(witness);
            }
        }
        Voice::Security => {
            if subject && scene.rng.chance(0.5) {
                lines.push(format!(
                    "I approached and asked {} to identify {}self; {} declined and left the area.",
                    scene.him(),
                    scene.him(),
                    scene.he()
                ));
            }
            lines.push(format!(
                "I notified the site manager and called the {}.",
                teller.agency
            ));
            if scene.rng.chance(0.5) {
                lines.push(format!(
                    "Footage from cameras {} and {} has been saved.",
                    scene.rng.range(1, 40),
                    scene.rng.range(41, 90)
                ));
            }
        }
        Voice::Employee => {
            if scene.rng.chance(0.5) {
                let witness = scene.name();
                lines.push(format!(
                    "I told my supervisor, {witness}, who asked me to send this in."
                ));
                told.witnesses.push(witness);
            }
            if scene.rng.chance(0.4) {
                lines.push("Our security team has the camera footage.".to_owned());
            }
        }
        Voice::Citizen => {
            if subject {
                lines.push(format!("I didn't approach {}.", scene.him()));
            }
            if scene.rng.chance(0.3) {
                lines.push("I took a couple of photos with my phone and attached them.".to_owned());
                told.photos_attached = true;
            }
        }
        Voice::Anonymous => {
            if scene.rng.chance(0.5) {
                lines.push("I'm not getting involved but someone should check it out.".to_owned());
            }
            if scene.rng.chance(0.2) {
                lines.push("Photo attached.".to_owned());
                told.photos_attached = true;
            }
        }
        Voice::CallTaker => {
            lines.push(if mood == Mood::Urgent {
                "Caller was told to stay on the line; units were dispatched.".to_owned()
            } else {
                "Caller did not approach and was advised to call 911 if the activity resumes."
                    .to_owned()
            });
            if let Some(phone) = &teller.phone {
                let phone = scene.plant(EntityKind::Phone, phone.clone(), true);
                lines.push(format!("Caller provided callback number {phone}."));
            }
        }
    }
    lines
}

/// The officer's identification line: name, DOB and the document shown (usually a driver
/// licence), sometimes an SSN from a records check.
fn identify(scene: &mut Scene, told: &mut Told) -> String {
    let (year, month, day) = clock::civil_from_days(scene.subject.dob_day);
    let dob_text = scene.plant(
        EntityKind::Time,
        format!("{month:02}/{day:02}/{year}"),
        true,
    );
    let name = scene.subject.name.clone();
    let state = scene.city.state;
    let state_name = scene.city.state_name;
    let (kind, number, issuer, document) = match scene.rng.weighted(&[70, 10, 12, 8]) {
        0 => {
            let number = people::drivers_license(&mut scene.rng);
            (
                "drivers_license",
                number,
                Some(state.to_owned()),
                format!("{} driver license", with_article(state_name)),
            )
        }
        1 => {
            let number = people::drivers_license(&mut scene.rng);
            (
                "state_id",
                number,
                Some(state.to_owned()),
                format!("{} state ID card", with_article(state_name)),
            )
        }
        2 => {
            let number = people::passport(&mut scene.rng);
            let country = scene.pick(&["USA", "MEX", "CAN", "GBR", "IND", "PHL"]);
            (
                "passport",
                number,
                Some(country.to_owned()),
                format!("a passport issued by {country}"),
            )
        }
        _ => {
            let number = people::alien_number(&mut scene.rng);
            (
                "alien_number",
                number,
                Some("USA".to_owned()),
                "a permanent resident card".to_owned(),
            )
        }
    };
    let number = scene.plant(EntityKind::IdLike, number, true);
    let mut line = match scene.rng.below(3) {
        0 => format!(
            "I made contact with {}, who was identified by {document} as {} (DOB {dob_text}, no. {number}).",
            scene.the(),
            name.records_style()
        ),
        1 => format!(
            "I stopped {} a short distance away. {} was identified as {}, DOB {dob_text}, by {document} (no. {number}), and was cooperative.",
            scene.the(),
            scene.he_cap(),
            name.full()
        ),
        _ => {
            let excuse = scene.pick(&[
                "waiting for a friend",
                "lost",
                "looking for work",
                "taking photos for a class",
            ]);
            format!(
                "I located {} and conducted a field interview. {} identified {}self with {document} as {} (no. {number}, DOB {dob_text}) and stated {} was {excuse}.",
                scene.the(),
                scene.he_cap(),
                scene.him(),
                name.full(),
                scene.he()
            )
        }
    };
    let mut ssn = None;
    if scene.rng.chance(0.2) {
        let ssn_text = people::ssn_like(&mut scene.rng);
        let number = scene.plant(EntityKind::SsnLike, ssn_text, true);
        line.push_str(&format!(
            " A records check listed SSN {number}; no wants or warrants."
        ));
        ssn = Some(number);
    }
    told.identified = Some(Identified {
        kind,
        number,
        issuer,
        ssn,
    });
    line
}

fn closing(scene: &mut Scene, teller: &Teller, mood: Mood) -> String {
    match teller.voice {
        Voice::Officer => match scene.rng.below(4) {
            0 => format!(
                "Case number {} was assigned. Forwarded to the fusion center for review per department policy.",
                scene.plant(EntityKind::IdLike, teller.case_number.clone(), false)
            ),
            1 => "FI card completed. No arrest was made. Copy forwarded to the fusion center."
                .to_owned(),
            2 => format!(
                "Supervisor {} was notified. Submitted for information.",
                scene.name()
            ),
            _ if mood == Mood::Urgent => {
                "Units are responding; the site has been notified.".to_owned()
            }
            _ => {
                "Follow-up is pending with the property owner regarding camera footage.".to_owned()
            }
        },
        Voice::Security => match scene.rng.below(3) {
            0 => {
                let incident = format!("INC-{}", scene.rng.range(100_000, 999_999));
                let incident = scene.plant(EntityKind::IdLike, incident, false);
                format!("Incident report {incident} was filed with site management.")
            }
            1 => match &teller.phone {
                Some(phone) => format!(
                    "Contact the security operations center at {} for the footage.",
                    scene.plant(EntityKind::Phone, phone.clone(), false)
                ),
                None => "Reported per the site's suspicious activity procedure.".to_owned(),
            },
            _ => "Reported per the site's suspicious activity procedure.".to_owned(),
        },
        Voice::Employee => match (&teller.phone, scene.rng.below(2)) {
            (Some(phone), 0) => {
                format!(
                    "I can be reached at {}.",
                    scene.plant(EntityKind::Phone, phone.clone(), true)
                )
            }
            _ => "Please contact me if you need anything else.".to_owned(),
        },
        Voice::Citizen => match (&teller.phone, &teller.email_address, scene.rng.below(3)) {
            (Some(phone), Some(email), 0) => format!(
                "Thanks. You can reach me at {} or {}.",
                scene.plant(EntityKind::Phone, phone.clone(), true),
                scene.plant(EntityKind::Email, email.clone(), true)
            ),
            (Some(phone), _, 1) => format!(
                "My number is {} if you need anything.",
                scene.plant(EntityKind::Phone, phone.clone(), true)
            ),
            _ if mood == Mood::Suspicious => {
                "It's probably nothing but it didn't feel right.".to_owned()
            }
            _ => "Please let me know if you need more information.".to_owned(),
        },
        Voice::Anonymous => scene
            .pick(&[
                "That's all I know.",
                "Please don't try to find out who I am.",
                "",
            ])
            .to_owned(),
        Voice::CallTaker => {
            let initials: String = (0..2)
                .map(|_| char::from(b'A' + scene.rng.below(26) as u8))
                .collect();
            format!("Call-taker {initials}. Entered into the tip system.")
        }
    }
}

/// Blocks of ordinary detail that lengthen a report without changing what it is about. Each
/// block is coherent on its own (one weather, one lighting, the real duration); they are added
/// whole, in order, until the drawn length is reached.
fn details(
    scene: &mut Scene,
    teller: &Teller,
    mood: Mood,
    duration_minutes: Option<i64>,
    told: &mut Told,
) -> Vec<Vec<String>> {
    let voice = teller.voice;
    let first_person = voice != Voice::CallTaker;
    let night = scene.observed.hour >= 20 || scene.observed.hour < 6;
    let asset = scene.asset();
    let street = scene.street();
    let short = short_name(&scene.place, scene.sector.noun);
    let mut blocks: Vec<Vec<String>> = Vec::new();

    let month = scene.observed.month;
    let (low, high) = match month {
        12 | 1 | 2 => (22, 55),
        3..=5 | 9..=11 => (45, 78),
        _ => (68, 99),
    };
    let afternoon = (12..18).contains(&scene.observed.hour);
    let conditions = if night {
        scene.pick(&[
            "It was dark, and the nearest streetlight was out.",
            "It was dark but the area was well lit by the parking lot lights.",
            "It was dark and raining lightly; visibility was fair.",
            "It was a clear night and the area was lit.",
        ])
    } else if afternoon && high > 90 && scene.chance(0.4) {
        "It was a hot afternoon and the area was busy."
    } else {
        scene.pick(&[
            "The weather was clear and dry.",
            "It was overcast and windy, but visibility was good.",
            "It was raining lightly; visibility was fair.",
            "It was sunny and there was a lot of foot traffic.",
        ])
    };
    let mut block = vec![conditions.to_owned()];
    if scene.chance(0.5) {
        let degrees = if conditions.contains("hot") {
            scene.num(90, 104)
        } else if night {
            scene.num(low - 8, high - 12)
        } else {
            scene.num(low, high)
        };
        block.push(format!("The temperature was about {degrees} degrees."));
    }
    blocks.push(block);

    if let Some(minutes) = duration_minutes.filter(|minutes| *minutes > 1) {
        let span = duration_text(minutes);
        blocks.push(vec![if first_person && voice != Voice::Officer {
            format!("I was there for {span} in all.")
        } else {
            format!("The activity lasted {span}.")
        }]);
    }

    // Homes, motels and rooms have no "main entrance" or staff to speak of.
    let workplace = !scene.residence
        && !scene.place.starts_with("a ")
        && !scene.place.starts_with("an ")
        && !["platform", "house", "plaza", "district", "transit mall"]
            .iter()
            .any(|word| scene.place.contains(word))
        && !matches!(
            scene.sector.code,
            "CULTR" | "PRSN" | "MNMT" | "MASS" | "POP" | "SPCFXN" | "TACTCP" | "NATRL"
        );
    if workplace {
        blocks.push(vec![
            format!(
                "{} has a main entrance on {street} and a service entrance off {}.",
                capitalize(&place_name(&scene.place)),
                scene.street()
            ),
            format!("The nearest camera covers the {asset} but not the street."),
        ]);
    }
    blocks.push(vec![
        scene
            .pick(&[
                "There were a few other people around at the time.",
                "Several employees were on break outside and may also have seen it.",
                "There is a bus stop across the street, which is usually busy at that hour.",
                "The area is open to the public during business hours.",
            ])
            .to_owned(),
    ]);

    if scene.subject_mentioned && mood != Mood::Urgent && first_person && voice != Voice::Anonymous
    {
        let mut remarks = vec![
            "I had not seen this person there before.".to_owned(),
            format!("I did not see anyone else with {}.", scene.him()),
            format!("{} did not appear to be intoxicated.", scene.he_cap()),
            format!(
                "{} had a phone in {} hand most of the time.",
                scene.he_cap(),
                scene.his()
            ),
            format!(
                "{} seemed calm and did not look around much.",
                scene.he_cap()
            ),
        ];
        scene.rng.shuffle(&mut remarks);
        remarks.truncate(2);
        blocks.push(remarks);
    }

    if workplace {
        let employees = scene.num(20, 900);
        let shifts = scene.pick(&[
            "runs around the clock in three shifts",
            "is staffed from 6 a.m. to 10 p.m.",
            "has a skeleton crew at night",
        ]);
        blocks.push(vec![format!(
            "{} employs about {employees} people and {shifts}.",
            capitalize(&short)
        )]);
    }

    if mood == Mood::Suspicious {
        blocks.push(vec![if scene.chance(0.5) {
            "I don't know if it is related, but there was a similar report in the area last month."
                .to_owned()
        } else {
            format!(
                "Staff said something similar was reported to site management about {} weeks ago.",
                scene.num(2, 10)
            )
        }]);
        if workplace && matches!(voice, Voice::Officer | Voice::Security | Voice::Employee) {
            let witness = scene.name();
            let job = scene.rng.choose(scene.sector.jobs);
            let subject_word = if scene.subject_mentioned {
                format!("the same {}", scene.subject.noun())
            } else {
                "someone".to_owned()
            };
            blocks.push(vec![format!(
                "{witness}, {} on the same shift, said they saw {subject_word} near the {asset} about an hour earlier.",
                with_article(job)
            )]);
            told.witnesses.push(witness);
        }
    }

    match voice {
        Voice::Officer => {
            let mut minutes = scene.rng.range(20, 45);
            let mut timeline = Vec::new();
            for step in [
                "I checked the surrounding blocks with negative results",
                "I reviewed the camera footage with the site supervisor",
                "I spoke with the night manager, who had nothing further to add",
                "I cleared the scene and returned to service",
            ] {
                if scene.chance(0.3) {
                    continue;
                }
                let at = clock::local(scene.observed_ms + minutes * MINUTE_MS, scene.offset_s);
                let time = scene.plant(EntityKind::Time, at.military(), false);
                timeline.push(format!("At {time} hours {step}."));
                minutes += scene.rng.range(10, 40);
            }
            if !timeline.is_empty() {
                blocks.push(timeline);
            }
            let calls = scene.num(0, 12);
            let mut follow_up = vec![format!(
                "Dispatch records show {calls} calls to this location in the past year."
            )];
            if let Some(plate) = scene
                .vehicles
                .iter()
                .find_map(|vehicle| vehicle.plate.clone())
            {
                follow_up.push(format!(
                    "A registration check on {plate} returned to a {} out of {}.",
                    scene.pick(&["private owner", "rental company", "leasing company"]),
                    scene.city.name
                ));
            }
            follow_up
                .push("I requested camera footage from the business across the street.".to_owned());
            blocks.push(follow_up);
        }
        Voice::Security => {
            if scene.subject_mentioned {
                blocks.push(vec![format!(
                    "Camera review: the {} arrived on foot from {street}, stayed near the {asset}, and left the way {} came.",
                    scene.subject.noun(),
                    scene.he()
                )]);
            }
            blocks.push(vec![format!(
                "Patrols of the {asset} were increased for the rest of the shift."
            )]);
        }
        Voice::Citizen => {
            let years = scene.num(2, 25);
            blocks.push(vec![if mood == Mood::Suspicious {
                format!(
                    "I've lived in the area for {years} years and have never seen anything like it."
                )
            } else {
                format!("I've lived in the area for {years} years.")
            }]);
        }
        Voice::Anonymous => blocks.push(vec![
            "I work nearby and pass that place every day.".to_owned(),
        ]),
        Voice::CallTaker => blocks.push(vec![
            scene
                .pick(&[
                    "Caller sounded calm and was sure of the details.",
                    "Caller was upset but clear.",
                    "Caller has called the tip line before.",
                ])
                .to_owned(),
        ]),
        Voice::Employee => blocks.push(vec![format!(
            "I have worked here for {} years.",
            scene.num(1, 20)
        )]),
    }
    // The first block (conditions) stays first; the officer's timeline and follow-up stay last.
    let tail = if voice == Voice::Officer {
        blocks.len().min(2)
    } else {
        0
    };
    let middle_end = blocks.len() - tail;
    if middle_end > 1 {
        scene.rng.shuffle(&mut blocks[1..middle_end]);
    }
    blocks
}

/// `about 20 minutes`, `about an hour`, `nearly two hours`.
fn duration_text(minutes: i64) -> String {
    match minutes {
        0..=55 => format!("about {minutes} minutes"),
        56..=75 => "about an hour".to_owned(),
        76..=105 => "about an hour and a half".to_owned(),
        _ => "nearly two hours".to_owned(),
    }
}

/// How a reporter refers to a place after naming it once.
pub(crate) fn short_name(place: &str, sector_noun: &'static str) -> String {
    const BY_WORD: &[(&str, &str)] = &[
        ("depot", "the depot"),
        ("terminal", "the terminal"),
        ("Airport", "the airport"),
        ("Hardware", "the store"),
        ("store", "the store"),
        ("Supply", "the store"),
        ("pharmacy", "the pharmacy"),
        ("Garden Center", "the store"),
        ("club", "the store"),
        ("mall", "the mall"),
        ("Station", "the station"),
        ("platform", "the platform"),
        ("School", "the school"),
        ("College", "the college"),
        ("University", "the campus"),
        ("Hospital", "the hospital"),
        ("Medical Center", "the hospital"),
        ("Church", "the church"),
        ("Cathedral", "the cathedral"),
        ("Temple", "the temple"),
        ("Gurdwara", "the gurdwara"),
        ("Islamic", "the center"),
        ("Muslim", "the center"),
        ("motel", "the motel"),
        ("Inn", "the hotel"),
        ("Storage", "the storage facility"),
        ("storage", "the storage facility"),
        ("house", "the house"),
        ("apartment", "the apartment"),
        ("City Hall", "city hall"),
        ("Library", "the library"),
    ];
    BY_WORD
        .iter()
        .find(|(word, _)| place.contains(word))
        .map_or_else(|| sector_noun.to_owned(), |(_, noun)| (*noun).to_owned())
}

fn wrap_email(scene: &mut Scene, teller: &Teller, body: &str) -> String {
    let subject_line = match scene.rng.below(3) {
        0 => format!(
            "Subject: Suspicious activity at {}",
            place_name(&scene.place)
        ),
        1 => format!("Subject: FYSA - {}", place_name(&scene.place)),
        _ => "Subject: report".to_owned(),
    };
    let greeting = scene.pick(&[
        "Good afternoon,",
        "Hello,",
        "To whom it may concern,",
        "Hi,",
    ]);
    let signature = match (&teller.name, teller.voice) {
        (_, Voice::Anonymous) | (None, _) => "Sent from my phone".to_owned(),
        (Some(name), Voice::Employee | Voice::Security | Voice::Officer) => {
            format!(
                "Regards,\n{}\n{}, {}",
                name.full(),
                capitalize(teller.job),
                teller.org_name
            )
        }
        (Some(name), _) => format!("Thank you,\n{}", name.full()),
    };
    format!("{subject_line}\n\n{greeting}\n\n{body}\n\n{signature}")
}

/// Keeps the narrative within bounds: cuts at a sentence end below the maximum, pads a short
/// one with a neutral sentence.
fn fit_length(mut text: String, scene: &mut Scene) -> String {
    text = text.replace("a.m..", "a.m.").replace("p.m..", "p.m.");
    if text.chars().count() > MAX_CHARS {
        let cut: String = text.chars().take(MAX_CHARS).collect();
        let end = cut
            .rfind(". ")
            .map(|position| position + 1)
            .or_else(|| cut.rfind('.').map(|p| p + 1));
        text = match end {
            Some(end) if end >= MIN_CHARS => cut[..end].to_owned(),
            _ => cut,
        };
    }
    let fillers = [
        "Nothing else unusual was noticed at the time.",
        "No one was hurt.",
        "This is reported for information and whatever follow-up is appropriate.",
        "The reporter is available for follow-up questions.",
    ];
    let mut index = scene.rng.index(fillers.len());
    while text.chars().count() < MIN_CHARS {
        text.push(' ');
        text.push_str(fillers[index % fillers.len()]);
        index += 1;
    }
    text.trim_end().to_owned()
}

/// `a guard`, `an operator`.
pub(crate) fn with_article(noun: &str) -> String {
    let vowel =
        noun.starts_with(|c: char| matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u'));
    if vowel {
        format!("an {noun}")
    } else {
        format!("a {noun}")
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        // Keep proper nouns and acronyms ("A caller", "I") readable: lower only a plain article.
        Some(first)
            if text.starts_with("A ")
                || text.starts_with("The ")
                || text.starts_with("An ")
                || text.starts_with("Two ")
                || text.starts_with("Someone ")
                || text.starts_with("Employees ")
                || text.starts_with("People ") =>
        {
            first.to_lowercase().chain(chars).collect()
        }
        _ => text.to_owned(),
    }
}

/// Word substitutions for a register: (from, to), matched on whole lowercase words.
const CASUAL: &[(&str, &str)] = &[
    ("individual", "person"),
    ("vehicle", "car"),
    ("vehicles", "cars"),
    ("approximately", "about"),
    ("observed", "saw"),
    ("departed", "left"),
    ("residence", "house"),
    ("attempted", "tried"),
    ("stated", "said"),
    ("purchased", "bought"),
    ("inquired", "asked"),
    ("photographed", "took pictures of"),
    ("photographing", "taking pictures of"),
    ("photographs", "pictures"),
    ("male", "guy"),
    ("subsequently", "then"),
];

const FORMAL: &[(&str, &str)] = &[
    ("man", "male"),
    ("woman", "female"),
    ("men", "males"),
    ("guy", "male"),
    ("car", "vehicle"),
    ("cars", "vehicles"),
    ("bought", "purchased"),
    ("tried", "attempted"),
    ("said", "stated"),
    ("told", "advised"),
    ("kids", "children"),
];

/// Paraphrases a second reporter would use for the same facts.
const PARAPHRASE: &[(&str, &str)] = &[
    ("appeared", "seemed"),
    ("walked", "went"),
    ("several", "a few"),
    ("watching", "looking at"),
    ("notebook", "notepad"),
    ("wearing", "dressed in"),
    ("quickly", "fast"),
    ("photos", "pictures"),
    ("stood", "was standing"),
    ("spending", "staying"),
    ("found", "discovered"),
    ("asked", "questioned"),
    ("large", "big"),
];

/// Rewords a neutral sentence for the voice's register.
pub(crate) fn reword(sentence: &str, voice: Voice) -> String {
    match voice {
        Voice::Citizen | Voice::Anonymous => substitute(sentence, CASUAL),
        Voice::Officer | Voice::CallTaker => substitute(sentence, FORMAL),
        Voice::Security | Voice::Employee => sentence.to_owned(),
    }
}

/// Rewords a sentence as a different witness would tell it.
pub(crate) fn paraphrase(sentence: &str) -> String {
    substitute(sentence, PARAPHRASE)
}

/// Replaces whole words (runs of ASCII letters) found in `table`, keeping an initial capital.
/// A whitespace-separated chunk with a digit or an `@` (plates, phones, e-mails, handles) is
/// left alone.
fn substitute(text: &str, table: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut chunk = String::new();
    for ch in text.chars() {
        if ch.is_whitespace() {
            substitute_chunk(&chunk, table, &mut out);
            chunk.clear();
            out.push(ch);
        } else {
            chunk.push(ch);
        }
    }
    substitute_chunk(&chunk, table, &mut out);
    out
}

fn substitute_chunk(chunk: &str, table: &[(&str, &str)], out: &mut String) {
    if chunk.chars().any(|c| c.is_ascii_digit() || c == '@') {
        out.push_str(chunk);
        return;
    }
    let mut word_start = None;
    for (position, ch) in chunk.char_indices() {
        if ch.is_ascii_alphabetic() {
            word_start.get_or_insert(position);
            continue;
        }
        if let Some(start) = word_start.take() {
            substitute_word(&chunk[start..position], table, out);
        }
        out.push(ch);
    }
    if let Some(start) = word_start {
        substitute_word(&chunk[start..], table, out);
    }
}

fn substitute_word(word: &str, table: &[(&str, &str)], out: &mut String) {
    let Some((_, replacement)) = table
        .iter()
        .find(|(from, _)| from.eq_ignore_ascii_case(word))
    else {
        out.push_str(word);
        return;
    };
    let all_caps = word.len() > 1 && word.chars().all(|c| c.is_ascii_uppercase());
    if all_caps {
        out.push_str(word);
    } else if word.starts_with(|c: char| c.is_ascii_uppercase()) {
        out.push_str(&capitalize(replacement));
    } else {
        out.push_str(replacement);
    }
}

#[cfg(test)]
mod tests;
