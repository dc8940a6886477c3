//! People, vehicles and identifiers, all made up: phone numbers in the fictional 555-01xx
//! range, e-mail addresses at example.com/.org/.net, SSN-shaped numbers in the never-issued
//! 9xx area, IPv4 addresses from the documentation ranges, VINs with a valid check digit.

use sar_model::intake::{
    IntakeDescriptors, IntakePerson, IntakePersonId, IntakePhysical, IntakeVehicle,
};

use crate::{
    clock,
    rng::Rng,
    vocab::{
        BOTTOMS, BUILDS, COLORS, EMAIL_DOMAINS, EXTRAS, EYES, FIRST_FEMALE, FIRST_MALE, HAIR,
        HANDLE_WORDS, LAST_NAMES, STREET_SUFFIXES, STREETS, TOPS, VEHICLES,
    },
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gender {
    Male,
    Female,
}

/// A made-up person's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Name {
    pub(crate) first: &'static str,
    pub(crate) last: &'static str,
    pub(crate) middle_initial: Option<char>,
}

impl Name {
    pub(crate) fn random(rng: &mut Rng, gender: Gender) -> Self {
        let first = match gender {
            Gender::Male => rng.choose(FIRST_MALE),
            Gender::Female => rng.choose(FIRST_FEMALE),
        };
        let last = rng.choose(LAST_NAMES);
        let middle_initial = rng
            .chance(0.3)
            .then(|| char::from(b'A' + rng.below(26) as u8));
        Self {
            first,
            last,
            middle_initial,
        }
    }

    pub(crate) fn full(&self) -> String {
        match self.middle_initial {
            Some(initial) => format!("{} {initial}. {}", self.first, self.last),
            None => format!("{} {}", self.first, self.last),
        }
    }

    /// `WHITFIELD, Dana` as records systems print it.
    pub(crate) fn records_style(&self) -> String {
        format!("{}, {}", self.last.to_uppercase(), self.first)
    }
}

pub(crate) fn random_gender(rng: &mut Rng) -> Gender {
    if rng.chance(0.7) {
        Gender::Male
    } else {
        Gender::Female
    }
}

/// A phone number in the 555-0100..0199 range reserved for fiction.
pub(crate) fn phone(rng: &mut Rng, area_code: &str) -> String {
    let line = 100 + rng.below(100);
    match rng.below(5) {
        0 => format!("({area_code}) 555-{line:04}"),
        1 => format!("{area_code}.555.{line:04}"),
        2 => format!("+1 {area_code} 555 {line:04}"),
        _ => format!("{area_code}-555-{line:04}"),
    }
}

pub(crate) fn email(rng: &mut Rng, name: &Name) -> String {
    let domain = rng.pick(EMAIL_DOMAINS);
    let first = name.first.to_lowercase();
    let last = name.last.to_lowercase().replace(' ', "");
    match rng.below(5) {
        0 => format!("{first}.{last}@{domain}"),
        1 => format!("{}{last}{}@{domain}", &first[..1], rng.range(1, 99)),
        2 => format!("{first}{}@{domain}", rng.range(70, 2009)),
        3 => format!("{last}.{}@mail.{domain}", &first[..1]),
        _ => format!("{first}_{last}@{domain}"),
    }
}

/// An e-mail address for a throwaway account.
pub(crate) fn anonymous_email(rng: &mut Rng) -> String {
    let left = rng.pick(HANDLE_WORDS);
    let right = rng.pick(HANDLE_WORDS);
    format!(
        "{left}{right}{}@{}",
        rng.range(1, 999),
        rng.pick(EMAIL_DOMAINS)
    )
}

pub(crate) fn handle(rng: &mut Rng) -> String {
    let left = rng.pick(HANDLE_WORDS);
    let right = rng.pick(HANDLE_WORDS);
    match rng.below(3) {
        0 => format!("@{left}_{right}{}", rng.range(1, 99)),
        1 => format!("@{left}{right}"),
        _ => format!("@the_{left}_{right}"),
    }
}

const PLATE_LETTERS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ";

fn letter(rng: &mut Rng) -> char {
    char::from(rng.choose(PLATE_LETTERS))
}

fn digit(rng: &mut Rng) -> char {
    char::from(b'0' + rng.below(10) as u8)
}

/// A licence plate in a shape common in the state.
pub(crate) fn plate(rng: &mut Rng, state: &str) -> String {
    let pattern = match state {
        "CA" | "NV" => "9LLL999",
        "AZ" | "NY" | "PA" | "MI" | "GA" | "OH" | "NC" => "LLL9999",
        "TX" | "IL" | "MO" | "MN" => "LLL-9999",
        "FL" => "LLL L99",
        "WA" | "OR" | "ID" | "UT" => "LLL9999",
        "CO" | "NM" | "OK" => "LLL-L99",
        "MA" | "CT" | "DE" | "NJ" => "9LL 999",
        _ => "999 LLL",
    };
    pattern
        .chars()
        .map(|symbol| match symbol {
            'L' => letter(rng),
            '9' => digit(rng),
            other => other,
        })
        .collect()
}

/// A 17-character VIN with a valid check digit (position 9).
pub(crate) fn vin(rng: &mut Rng) -> String {
    const VIN_CHARS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
    const WMI: &[&str] = &[
        "1HG", "1FT", "2T1", "3GC", "5YJ", "1C6", "JTM", "KNA", "4T1", "1GK",
    ];
    let mut chars: Vec<u8> = WMI[rng.index(WMI.len())].bytes().collect();
    while chars.len() < 17 {
        chars.push(rng.choose(VIN_CHARS));
    }
    chars[8] = vin_check_digit(&chars);
    chars.into_iter().map(char::from).collect()
}

/// The check digit (position 9) of a 17-character VIN; position 9 itself is ignored.
pub(crate) fn vin_check_digit(vin: &[u8]) -> u8 {
    const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
    let sum: u32 = vin
        .iter()
        .zip(WEIGHTS)
        .map(|(c, w)| vin_value(*c) * w)
        .sum();
    match sum % 11 {
        10 => b'X',
        check => b'0' + check as u8,
    }
}

fn vin_value(c: u8) -> u32 {
    match c {
        b'0'..=b'9' => u32::from(c - b'0'),
        b'A' | b'J' => 1,
        b'B' | b'K' | b'S' => 2,
        b'C' | b'L' | b'T' => 3,
        b'D' | b'M' | b'U' => 4,
        b'E' | b'N' | b'V' => 5,
        b'F' | b'W' => 6,
        b'G' | b'P' | b'X' => 7,
        b'H' | b'Y' => 8,
        b'R' | b'Z' => 9,
        _ => 0,
    }
}

/// A driver's licence number: a letter and 7 or 8 digits.
pub(crate) fn drivers_license(rng: &mut Rng) -> String {
    let digits = if rng.chance(0.5) { 7 } else { 8 };
    let mut text = String::new();
    text.push(letter(rng));
    for _ in 0..digits {
        text.push(digit(rng));
    }
    text
}

/// An SSN-shaped number in the 900-999 area, which is never issued as an SSN.
pub(crate) fn ssn_like(rng: &mut Rng) -> String {
    format!(
        "9{:02}-{:02}-{:04}",
        rng.below(100),
        10 + rng.below(90),
        1000 + rng.below(9000)
    )
}

pub(crate) fn passport(rng: &mut Rng) -> String {
    format!("{:09}", 100_000_000 + rng.below(900_000_000))
}

pub(crate) fn alien_number(rng: &mut Rng) -> String {
    format!("A{:09}", 200_000_000 + rng.below(100_000_000))
}

/// An IPv4 address from the documentation ranges (RFC 5737).
pub(crate) fn documentation_ip(rng: &mut Rng) -> String {
    let net = rng.pick(&["192.0.2", "198.51.100", "203.0.113"]);
    format!("{net}.{}", 1 + rng.below(254))
}

/// `$4,860` or `$12,000.00`.
pub(crate) fn money(rng: &mut Rng, low: i64, high: i64) -> String {
    let mut amount = rng.range(low, high);
    if amount > 1_000 && rng.chance(0.6) {
        amount = amount / 100 * 100;
    }
    let grouped = group_thousands(amount);
    if rng.chance(0.15) {
        format!("${grouped}.00")
    } else {
        format!("${grouped}")
    }
}

pub(crate) fn group_thousands(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (position, ch) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if amount < 0 { format!("-{out}") } else { out }
}

pub(crate) fn street(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(STREETS), rng.pick(STREET_SUFFIXES))
}

pub(crate) fn street_address(rng: &mut Rng) -> String {
    format!("{} {}", rng.range(100, 9899), street(rng))
}

/// Lowercase hex of `N` random bytes.
pub(crate) fn hex<const N: usize>(rng: &mut Rng) -> String {
    rng.bytes::<N>()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

pub(crate) fn serial(rng: &mut Rng) -> String {
    let prefix: String = (0..2).map(|_| letter(rng)).collect();
    format!("{prefix}{}-{:05}", rng.range(10, 99), rng.below(100_000))
}

pub(crate) fn tail_number(rng: &mut Rng) -> String {
    let letters: String = (0..2).map(|_| letter(rng)).collect();
    format!("N{}{letters}", rng.range(100, 9999))
}

/// The FAA registration number of a small drone.
pub(crate) fn drone_registration(rng: &mut Rng) -> String {
    let body: String = (0..8)
        .map(|_| {
            if rng.chance(0.5) {
                letter(rng)
            } else {
                digit(rng)
            }
        })
        .collect();
    format!("FA3{body}")
}

pub(crate) fn vessel_registration(rng: &mut Rng, state: &str) -> String {
    let letters: String = (0..2).map(|_| letter(rng)).collect();
    format!("{state} {:04} {letters}", rng.range(1000, 9999))
}

/// Someone seen by the reporter: what they looked like and, if it came out, who they are.
#[derive(Debug, Clone)]
pub(crate) struct Sketch {
    pub(crate) gender: Gender,
    pub(crate) name: Name,
    pub(crate) age: i32,
    pub(crate) dob_day: i64,
    pub(crate) height_cm: i32,
    pub(crate) weight_kg: i32,
    pub(crate) build: &'static str,
    pub(crate) hair: &'static str,
    pub(crate) eyes: &'static str,
    pub(crate) clothing: String,
}

impl Sketch {
    /// A random adult seen on `observed_day` (a day number).
    pub(crate) fn random(rng: &mut Rng, observed_day: i64) -> Self {
        let gender = random_gender(rng);
        let age = rng.range(18, 67) as i32;
        let dob_day = observed_day - i64::from(age) * 365 - rng.range(6, 360);
        let (height_cm, weight_kg) = match gender {
            Gender::Male => (rng.range(163, 196) as i32, rng.range(60, 125) as i32),
            Gender::Female => (rng.range(152, 183) as i32, rng.range(48, 105) as i32),
        };
        let mut clothing = format!("{} and {}", rng.pick(TOPS), rng.pick(BOTTOMS));
        if rng.chance(0.6) {
            clothing = format!(
                "{}, {} and {}",
                rng.pick(TOPS),
                rng.pick(BOTTOMS),
                rng.pick(EXTRAS)
            );
        }
        Self {
            gender,
            name: Name::random(rng, gender),
            age,
            dob_day,
            height_cm,
            weight_kg,
            build: rng.choose(BUILDS),
            hair: rng.choose(HAIR),
            eyes: rng.choose(EYES),
            clothing,
        }
    }

    pub(crate) fn noun(&self) -> &'static str {
        match self.gender {
            Gender::Male => "man",
            Gender::Female => "woman",
        }
    }

    pub(crate) fn he(&self) -> &'static str {
        match self.gender {
            Gender::Male => "he",
            Gender::Female => "she",
        }
    }

    pub(crate) fn him(&self) -> &'static str {
        match self.gender {
            Gender::Male => "him",
            Gender::Female => "her",
        }
    }

    pub(crate) fn his(&self) -> &'static str {
        match self.gender {
            Gender::Male => "his",
            Gender::Female => "her",
        }
    }

    /// `5'10"`.
    pub(crate) fn height_text(&self) -> String {
        let inches = (f64::from(self.height_cm) / 2.54).round() as i32;
        format!("{}'{}\"", inches / 12, inches % 12)
    }

    fn age_band(&self) -> String {
        if self.age < 20 {
            return format!("in {} late teens", self.his());
        }
        let decade = self.age / 10 * 10;
        match self.age % 10 {
            0..=3 => format!("in {} early {decade}s", self.his()),
            4..=6 => format!("in {} {decade}s", self.his()),
            _ => format!("in {} late {decade}s", self.his()),
        }
    }

    /// First mention: `a man in his 30s, about 5'10" with a thin build, wearing ...`.
    pub(crate) fn describe(&self, rng: &mut Rng) -> String {
        let hair = match self.hair {
            "bald" => "a shaved head".to_owned(),
            other => format!("{other} hair"),
        };
        match rng.below(4) {
            0 => format!(
                "a {} who appeared to be {}, about {} with a {} build, wearing {}",
                self.noun(),
                self.age_band(),
                self.height_text(),
                self.build,
                self.clothing
            ),
            1 => format!(
                "a {} {}, approximately {}, {} build, {}, wearing {}",
                self.noun(),
                self.age_band(),
                self.height_text(),
                self.build,
                hair,
                self.clothing
            ),
            2 => format!(
                "a {} {} wearing {}",
                self.noun(),
                self.age_band(),
                self.clothing
            ),
            _ => format!(
                "a {} with {} and a {} build, about {} tall, wearing {}",
                self.noun(),
                hair,
                self.build,
                self.height_text(),
                self.clothing
            ),
        }
    }

    pub(crate) fn dob_iso(&self) -> String {
        clock::iso_date(self.dob_day)
    }

    pub(crate) fn physical(&self, rng: &mut Rng) -> IntakePhysical {
        IntakePhysical {
            height_cm: rng.chance(0.8).then_some(self.height_cm),
            weight_kg: rng.chance(0.6).then_some(self.weight_kg),
            hair: rng.chance(0.8).then(|| self.hair.to_owned()),
            eyes: rng.chance(0.35).then(|| self.eyes.to_owned()),
            description: Some(format!("{} build, wearing {}", self.build, self.clothing)),
        }
    }

    pub(crate) fn gender_word(&self) -> &'static str {
        match self.gender {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }
}

/// An empty person record with only a role.
pub(crate) fn blank_person(role: &str) -> IntakePerson {
    IntakePerson::with_role(role)
}

pub(crate) fn person_id(kind: &str, value: String, issuer: Option<&str>) -> IntakePersonId {
    IntakePersonId {
        kind: kind.to_owned(),
        value,
        issuer: issuer.map(str::to_owned),
    }
}

/// Descriptors as a suspect description might carry them: stored for identification only.
pub(crate) fn random_descriptors(rng: &mut Rng, gender: &str) -> IntakeDescriptors {
    const RACES: &[&str] = &[
        "white",
        "Black",
        "Asian",
        "American Indian or Alaska Native",
        "Native Hawaiian or Pacific Islander",
        "unknown",
    ];
    const ETHNICITIES: &[&str] = &["Hispanic or Latino", "not Hispanic or Latino", "unknown"];
    const NATIONALITIES: &[&str] = &[
        "US",
        "Mexico",
        "Canada",
        "Philippines",
        "India",
        "Guatemala",
        "Vietnam",
        "unknown",
    ];
    const RELIGIONS: &[&str] = &[
        "unknown",
        "Christian",
        "Catholic",
        "Jewish",
        "Muslim",
        "none",
    ];
    const LANGUAGES: &[&str] = &[
        "English",
        "Spanish",
        "Vietnamese",
        "Mandarin",
        "Arabic",
        "Russian",
        "Tagalog",
        "Somali",
    ];
    IntakeDescriptors {
        race: rng.chance(0.7).then(|| rng.pick(RACES).to_string()),
        ethnicity: rng.chance(0.5).then(|| rng.pick(ETHNICITIES).to_string()),
        nationality: rng.chance(0.2).then(|| rng.pick(NATIONALITIES).to_string()),
        religion: rng.chance(0.05).then(|| rng.pick(RELIGIONS).to_string()),
        gender: rng.chance(0.9).then(|| gender.to_owned()),
        sexual_orientation: rng.chance(0.02).then(|| "unknown".to_owned()),
        gender_identity: rng.chance(0.02).then(|| "unknown".to_owned()),
        language: rng.chance(0.25).then(|| rng.pick(LANGUAGES).to_string()),
    }
}

/// A random vehicle; the plate is issued by `state`.
pub(crate) fn vehicle(rng: &mut Rng, state: &str, observed_year: i64) -> (IntakeVehicle, String) {
    let (make, model, body) = rng.choose(VEHICLES);
    let color = rng.choose(COLORS);
    let year = rng.range(observed_year - 22, observed_year) as i32;
    let plate_text = plate(rng, state);
    let record = IntakeVehicle {
        plate: Some(plate_text),
        plate_state: Some(state.to_owned()),
        vin: rng.chance(0.2).then(|| vin(rng)),
        make: Some(make.to_owned()),
        model: Some(model.to_owned()),
        color: Some(color.to_owned()),
        year: rng.chance(0.6).then_some(year),
    };
    let phrase = match body {
        "sedan" | "wagon" => format!("a {color} {make} {model}"),
        _ => format!("a {color} {make} {model} {body}"),
    };
    (record, phrase)
}

#[cfg(test)]
mod tests;
