//! The scene of one report: where and when it happened, who was seen, and everything a
//! narrative template mentions (plates, phones, amounts), so that the structured fields of the
//! record agree with the narrative.

use sar_model::{
    intake::{IntakeAircraft, IntakePerson, IntakeProperty, IntakeVehicle, IntakeVessel},
    records::EntityKind,
};

use crate::{
    clock::{self, Local, MINUTE_MS},
    people::{self, Sketch},
    rng::Rng,
    vocab::{City, STREETS, Sector},
};

/// A value written into the narrative that an entity extractor should find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Planted {
    pub(crate) kind: EntityKind,
    pub(crate) text: String,
    pub(crate) pii: bool,
}

/// The facts a template produced: sentences for the narrative (written in a neutral register,
/// reworded later for the reporter's voice) and candidate additional facts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Core {
    pub(crate) sentences: Vec<String>,
    pub(crate) facts: Vec<String>,
}

/// The working state of one report while it is built.
#[derive(Debug)]
pub(crate) struct Scene {
    pub(crate) rng: Rng,
    pub(crate) city: &'static City,
    pub(crate) sector: &'static Sector,
    /// The place as a narrative names it, with its article (`the Phoenix Water Treatment
    /// Plant`).
    pub(crate) place: String,
    pub(crate) residence: bool,
    pub(crate) observed_ms: i64,
    pub(crate) offset_s: i32,
    pub(crate) observed: Local,
    pub(crate) subject: Sketch,
    pub(crate) subject_mentioned: bool,
    /// Contact details and ids of the subject that the narrative mentioned.
    pub(crate) subject_extra: IntakePerson,
    pub(crate) planted: Vec<Planted>,
    pub(crate) vehicles: Vec<IntakeVehicle>,
    pub(crate) property: Vec<IntakeProperty>,
    pub(crate) aircraft: Vec<IntakeAircraft>,
    pub(crate) vessels: Vec<IntakeVessel>,
    /// Victims, witnesses and associates the narrative named.
    pub(crate) others: Vec<IntakePerson>,
}

impl Scene {
    pub(crate) fn new(
        mut rng: Rng,
        city: &'static City,
        sector: &'static Sector,
        observed_ms: i64,
    ) -> Self {
        let offset_s = city.zone.offset_at(observed_ms);
        let observed = clock::local(observed_ms, offset_s);
        let place_pattern = rng.choose(sector.places);
        let place = fill_place(&mut rng, place_pattern, city);
        let residence = place.starts_with("the residence") || place.starts_with("the home");
        let subject = Sketch::random(&mut rng, observed.day_number);
        Self {
            rng,
            city,
            sector,
            place,
            residence,
            observed_ms,
            offset_s,
            observed,
            subject,
            subject_mentioned: false,
            subject_extra: people::blank_person("subject"),
            planted: Vec::new(),
            vehicles: Vec::new(),
            property: Vec::new(),
            aircraft: Vec::new(),
            vessels: Vec::new(),
            others: Vec::new(),
        }
    }

    /// Replaces the place (hard-case templates that name their own place).
    pub(crate) fn set_place(&mut self, place: String, residence: bool) {
        self.place = place;
        self.residence = residence;
    }

    /// Moves the scene to one of `patterns` (filled for the scene's city).
    pub(crate) fn relocate(&mut self, patterns: &[&'static str]) {
        let pattern = self.rng.choose(patterns);
        let place = fill_place(&mut self.rng, pattern, self.city);
        self.set_place(place, false);
    }

    pub(crate) fn place(&self) -> String {
        self.place.clone()
    }

    /// The sector's word for the place on second mention (`the plant`).
    pub(crate) fn noun(&self) -> &'static str {
        self.sector.noun
    }

    /// The subject: described on first mention, `the man` afterwards.
    pub(crate) fn subj(&mut self) -> String {
        if self.subject_mentioned {
            return self.the();
        }
        self.subject_mentioned = true;
        self.subject.describe(&mut self.rng)
    }

    /// `subj()` at the start of a sentence.
    pub(crate) fn subj_cap(&mut self) -> String {
        capitalize(&self.subj())
    }

    pub(crate) fn the(&self) -> String {
        format!("the {}", self.subject.noun())
    }

    pub(crate) fn the_cap(&self) -> String {
        format!("The {}", self.subject.noun())
    }

    pub(crate) fn he(&self) -> &'static str {
        self.subject.he()
    }

    pub(crate) fn he_cap(&self) -> String {
        capitalize(self.subject.he())
    }

    pub(crate) fn him(&self) -> &'static str {
        self.subject.him()
    }

    pub(crate) fn his(&self) -> &'static str {
        self.subject.his()
    }

    pub(crate) fn asset(&mut self) -> &'static str {
        self.rng.choose(self.sector.assets)
    }

    pub(crate) fn num(&mut self, low: i64, high: i64) -> i64 {
        self.rng.range(low, high)
    }

    pub(crate) fn pick(&mut self, options: &[&'static str]) -> &'static str {
        self.rng.choose(options)
    }

    pub(crate) fn chance(&mut self, probability: f64) -> bool {
        self.rng.chance(probability)
    }

    pub(crate) fn street(&mut self) -> String {
        people::street(&mut self.rng)
    }

    pub(crate) fn state(&self) -> &'static str {
        self.city.state
    }

    /// Records `text` as an entity of the narrative and returns it.
    pub(crate) fn plant(&mut self, kind: EntityKind, text: String, pii: bool) -> String {
        if !self.planted.iter().any(|planted| planted.text == text) {
            self.planted.push(Planted {
                kind,
                text: text.clone(),
                pii,
            });
        }
        text
    }

    /// A vehicle of the subject, usually with its plate: `a silver Toyota Camry with Arizona
    /// plate ABC1234`.
    pub(crate) fn vehicle(&mut self) -> String {
        let plate_state = if self.rng.chance(0.85) {
            self.city.state
        } else {
            self.pick(&["TX", "CA", "FL", "NV", "AZ", "NM", "OH"])
        };
        let (mut vehicle, phrase) = people::vehicle(&mut self.rng, plate_state, self.observed.year);
        let text = match (self.rng.below(5), vehicle.plate.clone()) {
            (0, _) | (_, None) => {
                vehicle.plate = None;
                vehicle.plate_state = None;
                format!("{phrase} (plate not obtained)")
            }
            (1, Some(plate)) => {
                let plate = self.plant(EntityKind::Plate, plate, true);
                format!("{phrase} ({plate_state} plate {plate})")
            }
            (2, Some(plate)) => {
                let plate = self.plant(EntityKind::Plate, plate, true);
                format!("{phrase} bearing {plate_state} tag {plate}")
            }
            (_, Some(plate)) => {
                let plate = self.plant(EntityKind::Plate, plate, true);
                format!("{phrase} with {plate_state} plate {plate}")
            }
        };
        self.vehicles.push(vehicle);
        text
    }

    /// A phone number of the subject, planted.
    pub(crate) fn phone(&mut self) -> String {
        let number = people::phone(&mut self.rng, self.city.area_code);
        self.subject_extra.phones.push(number.clone());
        self.plant(EntityKind::Phone, number, true)
    }

    /// An e-mail address of the subject, planted.
    pub(crate) fn email(&mut self) -> String {
        let address = if self.rng.chance(0.5) {
            people::email(&mut self.rng, &self.subject.name.clone())
        } else {
            people::anonymous_email(&mut self.rng)
        };
        self.subject_extra.emails.push(address.clone());
        self.plant(EntityKind::Email, address, true)
    }

    /// An online handle of the subject (not an entity kind of its own).
    pub(crate) fn handle(&mut self) -> String {
        let handle = people::handle(&mut self.rng);
        self.subject_extra.online_ids.push(handle.clone());
        handle
    }

    /// A money amount, planted.
    pub(crate) fn money(&mut self, low: i64, high: i64) -> String {
        let amount = people::money(&mut self.rng, low, high);
        self.plant(EntityKind::Money, amount, false)
    }

    /// An identifier-shaped number, planted.
    pub(crate) fn id_like(&mut self, text: String, pii: bool) -> String {
        self.plant(EntityKind::IdLike, text, pii)
    }

    /// A time `minutes` after the observation, as a reporter writes it (`5:30 p.m.`), planted.
    pub(crate) fn later(&mut self, minutes: i64) -> String {
        let mut at = clock::local(self.observed_ms + minutes * MINUTE_MS, self.offset_s);
        // Still today, and at an hour when things happen: an event "at 3:30 a.m." or one that
        // falls tomorrow would not read as a threat for today.
        if at.day_number != self.observed.day_number {
            at = clock::Local {
                hour: 23,
                minute: 30,
                ..self.observed
            };
        } else if at.hour < 7 {
            at = clock::Local {
                hour: self.rng.range(7, 11) as u32,
                ..at
            };
        }
        let rounded = clock::Local {
            minute: at.minute / 15 * 15,
            ..at
        };
        let text = rounded.twelve_hour(self.rng.index(3));
        self.plant(EntityKind::Time, text, false)
    }

    /// A made-up full name.
    pub(crate) fn name(&mut self) -> String {
        let gender = people::random_gender(&mut self.rng);
        people::Name::random(&mut self.rng, gender).full()
    }

    /// Adds a named person in a role other than subject.
    pub(crate) fn add_person(&mut self, role: &str, name: &str) {
        let mut person = people::blank_person(role);
        person.name = Some(name.to_owned());
        self.others.push(person);
    }

    pub(crate) fn add_property(
        &mut self,
        property_type: &str,
        description: &str,
        quantity: Option<i32>,
        with_serial: bool,
    ) {
        let serial = with_serial.then(|| people::serial(&mut self.rng));
        self.property.push(IntakeProperty {
            property_type: property_type.to_owned(),
            description: Some(description.to_owned()),
            quantity,
            serial,
        });
    }

    /// `about 20 minutes`.
    pub(crate) fn minutes(&mut self) -> String {
        let value = self.pick(&["5", "10", "15", "20", "25", "30", "40", "45"]);
        format!("about {value} minutes")
    }
}

/// Upper-cases the first letter.
pub(crate) fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Fills a place pattern's `{...}` slots.
pub(crate) fn fill_place(rng: &mut Rng, pattern: &str, city: &City) -> String {
    let county = city.county.unwrap_or(city.name);
    let mut text = pattern
        .replace("{city}", city.name)
        .replace("{county}", county)
        .replace("{water}", city.water)
        .replace("{state_name}", city.state_name);
    if text.contains("{street}") {
        text = text.replacen("{street}", &people::street(rng), 1);
    }
    if text.contains("{street2}") {
        text = text.replacen("{street2}", &people::street(rng), 1);
    }
    if text.contains("{streetname}") {
        text = text.replacen("{streetname}", rng.choose(STREETS), 1);
    }
    if text.contains("{n}") {
        text = text.replacen("{n}", &rng.range(2, 48).to_string(), 1);
    }
    text
}

/// The place name as stored in `location.place_name`: no leading article, capitalized.
pub(crate) fn place_name(place: &str) -> String {
    let bare = place
        .strip_prefix("the ")
        .or_else(|| place.strip_prefix("an "))
        .or_else(|| place.strip_prefix("a "))
        .unwrap_or(place);
    capitalize(bare)
}
