//! Scenarios of the hard cases: First Amendment activity with no criminal facts (domain spec W5,
//! S5), protected-class words as the reason for suspicion (W6, S2), group-B behaviour without
//! further facts (S3), imminent threats (S12), and tips with no behaviour code (W4, W14).
//!
//! Each template fixes its own target sector and the behaviour codes a reporter would plausibly
//! have picked; protected-activity and profiling reports carry a group-B code or none.

use sar_model::intake::IntakeDescriptors;

use crate::{
    people,
    scene::{Core, Scene},
};

/// A hard-case template.
pub(crate) struct Template {
    /// Target sectors it can be set in; the first is the most typical.
    pub(crate) sectors: &'static [&'static str],
    /// Behaviour-code sets a reporter would pick, one chosen at random (may be empty).
    pub(crate) codes: &'static [&'static [&'static str]],
    pub(crate) build: fn(&mut Scene) -> Core,
}

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Template")
            .field("sectors", &self.sectors)
            .finish_non_exhaustive()
    }
}

const fn template(
    sectors: &'static [&'static str],
    codes: &'static [&'static [&'static str]],
    build: fn(&mut Scene) -> Core,
) -> Template {
    Template {
        sectors,
        codes,
        build,
    }
}

fn sentences(list: Vec<String>) -> Core {
    Core {
        sentences: list,
        facts: Vec::new(),
    }
}

/// Protected activity only: worship, a lecture, a protest, petitions, public photography.
pub(crate) const PROTECTED: &[Template] = &[
    template(&["CULTR"], &[&[], &[], &["SURVL"]], lecture),
    template(
        &["GVTBLDG", "POP", "MASS"],
        &[&[], &[], &["SURVL"]],
        protest_announcement,
    ),
    template(
        &["TRANS", "MNMT", "DAMS", "GVTBLDG"],
        &[&["PHOTO"], &["PHOTO"], &["PHOTO", "SURVL"]],
        public_photography,
    ),
    template(&["POP", "GVTBLDG"], &[&["PHOTO"], &[]], filming_police),
    template(&["CULTR"], &[&[], &["SURVL"]], worship),
    template(&["ENRG", "GVTBLDG", "COMM"], &[&[], &["SURVL"]], petition),
    template(&["MNMT", "POP", "GVTBLDG", "EDU"], &[&[]], vigil),
    template(&["MNMT", "GVTBLDG", "TRANS"], &[&["PHOTO"]], tourist_photos),
    template(&["EDU"], &[&[], &["RECRUT"]], student_meeting),
    template(
        &["POP", "TRANS", "RETL"],
        &[&[], &["SURVL"]],
        street_preacher,
    ),
];

/// Protected-class words used as the reason for suspicion.
pub(crate) const PROFILING: &[Template] = &[
    template(&["RETL"], &[&["MATRLS"], &[]], bottled_water),
    template(&["PRSN"], &[&[], &["SURVL"]], unfriendly_neighbor),
    template(&["TRANS"], &[&["SURVL"], &[]], foreign_on_platform),
    template(&["TRANS"], &[&["PHOTO"]], hijab_photos),
    template(&["RETL", "COMM"], &[&["SURVL"], &[]], men_in_car),
    template(&["ENRG", "WATR", "UTL"], &[&["SURVL"]], did_not_belong),
    template(&["TRANS"], &[&["ELICIT"]], turban_questions),
    template(&["EDU"], &[&["ELICIT"], &[]], student_spy),
    template(&["RETL", "POP"], &[&[]], group_of_young_men),
    template(&["GVTBLDG"], &[&["SURVL"]], bearded_reader),
    template(
        &["ENRG", "TELCM"],
        &[&["SURVL"], &["PHOTO"]],
        language_overheard,
    ),
];

/// Group-B behaviour alone, with no further facts (S3), one per group-B code.
pub(crate) const GROUP_B_THIN: &[Template] = &[
    template(
        &["CHEM", "ENRG", "NCLR", "WATR"],
        &[&["PHOTO"], &["PHOTO", "SURVL"]],
        thin_photo,
    ),
    template(
        &["GVTBLDG", "TRANS", "ENRG", "FIN"],
        &[&["SURVL"]],
        thin_survl,
    ),
    template(
        &["ENRG", "WATR", "CHEM", "DFNSE"],
        &[&["ELICIT"]],
        thin_elicit,
    ),
    template(&["GVTBLDG", "TRANS", "NCLR"], &[&["TESTSEC"]], thin_testsec),
    template(&["POP", "EDU", "RETL"], &[&["RECRUT"]], thin_recrut),
    template(&["RETL", "AGRI"], &[&["MATRLS"]], thin_matrls),
    template(&["TRANS", "EDU"], &[&["EXPERT"]], thin_expert),
    template(&["OTHR", "COMM"], &[&["WPNS"]], thin_wpns),
    template(&["HLTH", "AGRI", "MAIL"], &[&["SECTOR"]], thin_sector),
];

/// An explicit threat with a time and place today.
pub(crate) const IMMINENT: &[Template] = &[
    template(
        &["RETL", "COMM", "HLTH", "MFG"],
        &[&["THREAT"]],
        shoot_employees_today,
    ),
    template(&["EDU"], &[&["THREAT"]], gun_to_school),
    template(
        &["GVTBLDG", "COMM", "HLTH", "FIN"],
        &[&["THREAT"]],
        bomb_call,
    ),
    template(&["GVTBLDG", "FIN"], &[&["THREAT"]], coming_back_with_rifle),
    template(&["MASS", "SPCFXN"], &[&["THREAT"]], truck_into_parade),
    template(&["HLTH", "EDU", "GVTBLDG"], &[&["THREAT"]], gun_in_bag),
];

/// Tips with no behaviour code: ordinary crime, nuisance, or a report the submitter did not
/// code.
pub(crate) const NO_CODE: &[Template] = &[
    template(&["OTHR", "POP"], &[&[]], drug_house),
    template(&["RETL", "COMM", "OTHR"], &[&[]], catalytic_converters),
    template(&["RETL"], &[&[]], shoplifting_ring),
    template(&["OTHR"], &[&[]], late_night_dropoffs),
    template(&["COMM", "OTHR", "TRANS"], &[&[]], sleeping_in_car),
    template(&["OTHR", "POP"], &[&[]], street_racing),
    template(&["FIN", "RETL"], &[&[]], counterfeit_bills),
];

fn lecture(s: &mut Scene) -> Core {
    s.relocate(&[
        "the {city} Islamic Center",
        "the Islamic Society of {city}",
        "the Muslim Community Center of {county} County",
    ]);
    let topic = s.pick(&[
        "civil liberties after 9/11",
        "US foreign policy in the Middle East",
        "the history of Islam in America",
        "refugee resettlement",
        "voting rights and civic participation",
    ]);
    sentences(vec![
        format!("A guest speaker, a US-born professor at a local university, gave a public lecture at {} on {topic}.", s.place()),
        format!("About {} people attended, including families with children. The event was advertised on the center's public website and was open to anyone.", s.num(40, 220)),
        "The speaker criticized US foreign policy and encouraged the audience to contact their representatives and to vote.".to_owned(),
        "People arrived and left normally over about two hours.".to_owned(),
    ])
}

fn protest_announcement(s: &mut Scene) -> Core {
    if s.chance(0.5) {
        s.relocate(&[
            "{city} City Hall",
            "the {city} Police Department headquarters",
            "the plaza outside {city} City Hall",
        ]);
    }
    let day = s.pick(&[
        "next Saturday",
        "this Sunday",
        "next Friday evening",
        "on the 14th",
    ]);
    sentences(vec![
        format!("A flyer and a public social media event announce a \"Demonstration Against Law Enforcement Use of Excessive Force\" at {} {day}.", s.place()),
        "The organizers are a local community coalition. The post asks people to bring signs and water, to stay on the sidewalks and to remain peaceful.".to_owned(),
        format!("The event page shows about {} people as interested. A permit application is on file with the city.", s.num(60, 900)),
    ])
}

fn public_photography(s: &mut Scene) -> Core {
    sentences(vec![
        format!(
            "{} was photographing {} from the public sidewalk with a camera on a tripod for {}.",
            s.subj_cap(),
            s.place(),
            s.minutes()
        ),
        format!(
            "{} stayed on public property the whole time and did not try to go past the fence.",
            s.he_cap()
        ),
        format!(
            "When asked, {} said {} is a hobby photographer working on a series about the architecture of {} and showed other photos on the camera.",
            s.he(),
            s.he(),
            s.city.name
        ),
    ])
}

fn filming_police(s: &mut Scene) -> Core {
    sentences(vec![
        format!(
            "{} filmed officers making a traffic stop on {} from the sidewalk near {} with {} phone.",
            s.subj_cap(),
            s.street(),
            s.place(),
            s.his()
        ),
        format!(
            "{} stayed about 30 feet back, did not interfere and said {} posts videos of police encounters online.",
            s.he_cap(),
            s.he()
        ),
    ])
}

fn worship(s: &mut Scene) -> Core {
    s.relocate(&[
        "Gurdwara Sahib of {city}",
        "the {city} Islamic Center",
        "Temple Beth Shalom",
        "the {city} Buddhist Temple",
        "First Baptist Church of {city}",
        "St. Mark's Cathedral",
    ]);
    let gathering = s.pick(&[
        "evening prayers",
        "a religious holiday service",
        "a late-night prayer vigil",
        "a weekend youth retreat",
    ]);
    sentences(vec![
        format!(
            "About {} people gathered at {} for {gathering}.",
            s.num(25, 300),
            s.place()
        ),
        "The parking lot was full and cars were parked along the street.".to_owned(),
        "The gathering lasted about two hours and people left in small groups.".to_owned(),
    ])
}

fn petition(s: &mut Scene) -> Core {
    let issue = s.pick(&[
        "the proposed pipeline",
        "the new transmission line",
        "a rate increase",
        "the plan to close the public clinic",
    ]);
    sentences(vec![
        format!(
            "Two people handed out leaflets criticizing {issue} outside {} and collected signatures for a petition.",
            s.place()
        ),
        format!(
            "They stayed on the public sidewalk for {} and spoke with people who stopped.",
            s.minutes()
        ),
        "One of them carried a sign reading \"Our community, our say\".".to_owned(),
    ])
}

fn vigil(s: &mut Scene) -> Core {
    sentences(vec![
        format!(
            "A candlelight vigil of about {} people was held at {} for civilians killed in an overseas conflict.",
            s.num(30, 400),
            s.place()
        ),
        "Speakers criticized US policy and called for a ceasefire. The crowd sang and read names."
            .to_owned(),
        "The vigil ended on schedule and the area was cleared within half an hour.".to_owned(),
    ])
}

fn tourist_photos(s: &mut Scene) -> Core {
    sentences(vec![
        format!(
            "A family of four took photos of each other in front of {} and of the building's architecture, including the entrance and the columns.",
            s.place()
        ),
        format!(
            "One of them used a large camera with a zoom lens to photograph the {}.",
            s.asset()
        ),
        "They spoke a foreign language among themselves and walked off toward the visitor parking."
            .to_owned(),
    ])
}

fn student_meeting(s: &mut Scene) -> Core {
    sentences(vec![
        format!("A student association at {} held a meeting about immigration enforcement.", s.place()),
        "A speaker urged students to \"resist\" by calling their representatives and joining a march next month.".to_owned(),
        format!("About {} students attended and several signed up to volunteer.", s.num(20, 150)),
    ])
}

fn street_preacher(s: &mut Scene) -> Core {
    sentences(vec![
        format!(
            "{} preached on the sidewalk outside {} with a sign about the end times and handed out religious pamphlets to people walking by.",
            s.subj_cap(),
            s.place()
        ),
        format!(
            "{} stayed for {} and spoke loudly about judgment and repentance.",
            s.he_cap(),
            s.minutes()
        ),
    ])
}

/// Subjects described only by protected characteristics, as a profiling report describes them.
fn profiled(s: &mut Scene, count: usize, gender: &str, descriptors: IntakeDescriptors) {
    for _ in 0..count {
        let mut person = people::blank_person("subject");
        person.descriptors = Some(IntakeDescriptors {
            gender: Some(gender.to_owned()),
            ..descriptors.clone()
        });
        if s.chance(0.4) {
            person.age = Some(s.num(20, 50) as i32);
        }
        s.others.push(person);
    }
}

fn ethnicity(value: &str) -> IntakeDescriptors {
    IntakeDescriptors {
        ethnicity: Some(value.to_owned()),
        ..IntakeDescriptors::default()
    }
}

fn bottled_water(s: &mut Scene) -> Core {
    s.relocate(&[
        "the PriceKing Warehouse store on {street}",
        "the Costwise warehouse club on {street}",
    ]);
    profiled(s, 2, "male", ethnicity("Middle Eastern"));
    sentences(vec![
        format!(
            "Two Middle Eastern men bought a lot of bottled water at {}.",
            s.place()
        ),
        format!(
            "They filled two flatbed carts with cases of water, about {} cases, and paid with a card.",
            s.num(20, 60)
        ),
        "They looked Middle Eastern and I thought it was suspicious, so I am reporting it."
            .to_owned(),
    ])
}

fn unfriendly_neighbor(s: &mut Scene) -> Core {
    let street = people::street_address(&mut s.rng);
    s.set_place(format!("the house at {street}"), true);
    profiled(
        s,
        1,
        "male",
        IntakeDescriptors {
            ethnicity: Some("Middle Eastern".to_owned()),
            ..IntakeDescriptors::default()
        },
    );
    sentences(vec![
        format!("My neighbor at {street} is a Middle Eastern doctor and he is very unfriendly."),
        "He never says hello, has visitors at odd hours and keeps his blinds closed all day."
            .to_owned(),
        "With his background I don't trust him and I think someone should look into him."
            .to_owned(),
    ])
}

fn foreign_on_platform(s: &mut Scene) -> Core {
    s.relocate(&[
        "{city} Union Station",
        "the {city} light-rail platform on {street}",
    ]);
    profiled(
        s,
        1,
        "male",
        IntakeDescriptors {
            language: Some("Arabic".to_owned()),
            ..IntakeDescriptors::default()
        },
    );
    sentences(vec![
        format!(
            "A man who looked foreign was standing at {} speaking Arabic on his phone.",
            s.place()
        ),
        "He let two trains go by without getting on.".to_owned(),
        "He looked foreign and nervous to me, which is why I am reporting it.".to_owned(),
    ])
}

fn hijab_photos(s: &mut Scene) -> Core {
    s.relocate(&["{city} International Airport"]);
    profiled(
        s,
        1,
        "female",
        IntakeDescriptors {
            religion: Some("Muslim".to_owned()),
            ..IntakeDescriptors::default()
        },
    );
    sentences(vec![
        format!(
            "A Muslim woman wearing a hijab was taking pictures inside the terminal at {}.",
            s.place()
        ),
        "She took photos of the departures board and of the windows facing the runway.".to_owned(),
        "Because she was Muslim I thought security should know.".to_owned(),
    ])
}

fn men_in_car(s: &mut Scene) -> Core {
    profiled(
        s,
        3,
        "male",
        IntakeDescriptors {
            nationality: Some("Somali".to_owned()),
            ..IntakeDescriptors::default()
        },
    );
    sentences(vec![
        format!(
            "Three Somali men sat in a car in the parking lot of {} for about half an hour.",
            s.place()
        ),
        "They seemed out of place here and I have never seen Somalis at this store before."
            .to_owned(),
        "Then they drove off.".to_owned(),
    ])
}

fn did_not_belong(s: &mut Scene) -> Core {
    profiled(s, 1, "male", ethnicity("Hispanic or Latino"));
    sentences(vec![
        format!(
            "A Hispanic man who did not look like he belonged in this neighborhood walked past {} twice.",
            s.place()
        ),
        "He looked at the fence as he walked by.".to_owned(),
        "We don't usually see people like that around here.".to_owned(),
    ])
}

fn turban_questions(s: &mut Scene) -> Core {
    s.relocate(&["{city} International Airport"]);
    profiled(
        s,
        1,
        "male",
        IntakeDescriptors {
            religion: Some("Sikh".to_owned()),
            ..IntakeDescriptors::default()
        },
    );
    sentences(vec![
        format!(
            "A Sikh man wearing a turban asked the gate agent at {} what time the flights to New York leave.",
            s.place()
        ),
        "With the turban and the beard he stood out, and I thought the question was suspicious."
            .to_owned(),
    ])
}

fn student_spy(s: &mut Scene) -> Core {
    profiled(
        s,
        1,
        "male",
        IntakeDescriptors {
            nationality: Some("Chinese".to_owned()),
            ..IntakeDescriptors::default()
        },
    );
    sentences(vec![
        format!(
            "A Chinese student was asking the lab manager at {} a lot of questions about the equipment.",
            s.place()
        ),
        "He is from China, so I think he might be a spy.".to_owned(),
    ])
}

fn group_of_young_men(s: &mut Scene) -> Core {
    profiled(
        s,
        4,
        "male",
        IntakeDescriptors {
            race: Some("Black".to_owned()),
            ..IntakeDescriptors::default()
        },
    );
    sentences(vec![
        format!(
            "A group of young Black men were standing around near the entrance of {}.",
            s.place()
        ),
        "They were talking and laughing and I felt they were up to something.".to_owned(),
        format!("They were there for {}.", s.minutes()),
    ])
}

fn bearded_reader(s: &mut Scene) -> Core {
    profiled(
        s,
        1,
        "male",
        IntakeDescriptors {
            religion: Some("Muslim".to_owned()),
            language: Some("Arabic".to_owned()),
            ..IntakeDescriptors::default()
        },
    );
    sentences(vec![
        format!(
            "A man with a long beard who looked Muslim was reading something in Arabic on a bench across from {}.",
            s.place()
        ),
        format!("He sat there for {}.", s.minutes()),
        "Given how he looked I thought I should report it.".to_owned(),
    ])
}

fn language_overheard(s: &mut Scene) -> Core {
    profiled(
        s,
        2,
        "male",
        IntakeDescriptors {
            language: Some("Russian".to_owned()),
            ..IntakeDescriptors::default()
        },
    );
    sentences(vec![
        format!(
            "Two men speaking Russian were standing near the {} at {}.",
            s.asset(),
            s.place()
        ),
        "They sounded foreign, so I thought someone should check them out.".to_owned(),
    ])
}

fn thin_photo(s: &mut Scene) -> Core {
    sentences(vec![
        format!(
            "{} took photographs of {} from the public road next to the fence for {}.",
            s.subj_cap(),
            s.place(),
            s.minutes()
        ),
        format!("{} then left in {}.", s.he_cap(), s.vehicle()),
    ])
}

fn thin_survl(s: &mut Scene) -> Core {
    sentences(vec![
        format!(
            "{} sat in {} across from {} for about an hour, looking toward the {}.",
            s.subj_cap(),
            s.vehicle(),
            s.place(),
            s.asset()
        ),
        format!("{} drove off without speaking to anyone.", s.he_cap()),
    ])
}

fn thin_elicit(s: &mut Scene) -> Core {
    let job = s.rng.choose(s.sector.jobs);
    sentences(vec![
        format!(
            "{} asked {} at {} what the {} is used for and how many people work there.",
            s.subj_cap(),
            crate::narrative::with_article(job),
            s.place(),
            s.asset()
        ),
        format!("{} thanked the {job} and left.", s.he_cap()),
    ])
}

fn thin_testsec(s: &mut Scene) -> Core {
    sentences(vec![format!(
        "{} walked up to the main gate of {}, looked at the card reader and walked away when a guard came out.",
        s.subj_cap(),
        s.place()
    )])
}

fn thin_recrut(s: &mut Scene) -> Core {
    sentences(vec![
        format!(
            "{} handed out flyers for a \"self-defense and preparedness\" group outside {}.",
            s.subj_cap(),
            s.place()
        ),
        format!(
            "{} talked with a few people who stopped and left after {}.",
            s.he_cap(),
            s.minutes()
        ),
    ])
}

fn thin_matrls(s: &mut Scene) -> Core {
    let bags = s.num(6, 15);
    sentences(vec![
        format!(
            "{} bought {bags} bags of fertilizer at {} and paid in cash.",
            s.subj_cap(),
            s.place()
        ),
        format!(
            "{} loaded them into {} and drove off.",
            s.he_cap(),
            s.vehicle()
        ),
    ])
}

fn thin_expert(s: &mut Scene) -> Core {
    sentences(vec![format!(
        "{} asked a flight school near {} about lessons and said {} wanted to learn quickly.",
        s.subj_cap(),
        s.place(),
        s.he()
    )])
}

fn thin_wpns(s: &mut Scene) -> Core {
    sentences(vec![format!(
        "{} was seen carrying a rifle case from {} into {}.",
        s.subj_cap(),
        s.vehicle(),
        s.place()
    )])
}

fn thin_sector(s: &mut Scene) -> Core {
    sentences(vec![
        format!(
            "{} asked staff at {} for a tour of the {}.",
            s.subj_cap(),
            s.place(),
            s.asset()
        ),
        format!("When told tours are not offered, {} left.", s.he()),
    ])
}

fn named_subject(s: &mut Scene) -> String {
    s.subject_mentioned = true;
    s.subject.name.full()
}

fn shoot_employees_today(s: &mut Scene) -> Core {
    let victim = s.name();
    s.add_person("victim", &victim);
    let subject = named_subject(s);
    let minutes = s.num(90, 300);
    let at = s.later(minutes);
    sentences(vec![
        format!(
            "{victim}, an employee of {}, reports that {subject}, a former partner, texted from {} that {} will shoot employees at {} today when the evening shift starts at {at}.",
            s.place(),
            s.phone(),
            s.he(),
            s.place()
        ),
        format!(
            "{} owns a handgun and sent a photo of it this morning.",
            s.he_cap()
        ),
        format!("{victim} is at work now and afraid to leave the building."),
    ])
}

fn gun_to_school(s: &mut Scene) -> Core {
    let subject = named_subject(s);
    let minutes = s.num(60, 240);
    let at = s.later(minutes);
    sentences(vec![
        format!(
            "A student reported a message from the account {} saying \"{subject} is bringing a gun to {} today at lunch\".",
            s.handle(),
            s.place()
        ),
        format!(
            "Lunch starts at {at}. The student says {subject} showed a pistol in a video last night."
        ),
    ])
}

fn bomb_call(s: &mut Scene) -> Core {
    let minutes = s.num(45, 200);
    let at = s.later(minutes);
    sentences(vec![
        format!(
            "A caller told the front desk of {} that a bomb in the lobby will go off \"at {at} today\" and hung up.",
            s.place()
        ),
        format!(
            "The call came from {}. The caller sounded like an adult man and named the lobby and the elevator bank.",
            s.phone()
        ),
    ])
}

fn coming_back_with_rifle(s: &mut Scene) -> Core {
    sentences(vec![
        format!(
            "{} told a clerk at {} that {} would come back \"in an hour\" with {} rifle and \"kill everybody in the building\" because they denied {} claim.",
            s.subj_cap(),
            s.place(),
            s.he(),
            s.his(),
            s.his()
        ),
        format!(
            "{} then left in {}. The office closes at {} today.",
            s.he_cap(),
            s.vehicle(),
            s.later(180)
        ),
    ])
}

fn truck_into_parade(s: &mut Scene) -> Core {
    let street = s.street();
    let minutes = s.num(60, 240);
    let at = s.later(minutes);
    sentences(vec![
        format!(
            "A post made 20 minutes ago on a public account ({}) says: \"Today at the parade on {street} I'm driving my truck through the crowd.\"",
            s.handle()
        ),
        format!(
            "The parade near {} starts at {at} today and thousands of people are expected.",
            s.place()
        ),
    ])
}

fn gun_in_bag(s: &mut Scene) -> Core {
    let minutes = s.num(60, 180);
    let at = s.later(minutes);
    sentences(vec![
        format!(
            "{} walked into {} and told staff {} had a gun in {} bag and would \"start shooting\" in the {} at {at} today if {} demands were not met.",
            s.subj_cap(),
            s.place(),
            s.he(),
            s.his(),
            s.asset(),
            s.his()
        ),
        format!("{} then walked out toward {}.", s.he_cap(), s.street()),
    ])
}

fn drug_house(s: &mut Scene) -> Core {
    let address = people::street_address(&mut s.rng);
    s.set_place(format!("the house at {address}"), true);
    sentences(vec![
        format!(
            "People come and go from the house at {address} all night, staying only a few minutes each."
        ),
        format!(
            "Cars park in front with the engine running, including {}.",
            s.vehicle()
        ),
        "I think they are selling drugs out of the house.".to_owned(),
    ])
}

fn catalytic_converters(s: &mut Scene) -> Core {
    sentences(vec![
        format!(
            "Someone has been stealing catalytic converters from cars in the parking lot of {}; {} cars were hit this week.",
            s.place(),
            s.num(3, 9)
        ),
        format!(
            "A witness saw {} under a car with a battery-powered saw, and {} left in {}.",
            s.subj(),
            s.he(),
            s.vehicle()
        ),
    ])
}

fn shoplifting_ring(s: &mut Scene) -> Core {
    sentences(vec![
        format!(
            "A group of {} people is running a shoplifting ring at {}.",
            s.num(3, 6),
            s.place()
        ),
        format!(
            "They fill carts with power tools and walk out the garden center exit while one of them distracts the cashier. Losses this month are about {}.",
            s.money(4_000, 40_000)
        ),
    ])
}

fn late_night_dropoffs(s: &mut Scene) -> Core {
    let address = people::street_address(&mut s.rng);
    s.set_place(format!("the house at {address}"), true);
    sentences(vec![
        format!(
            "A van, {}, drops off several people at the house at {address} late at night, and they are picked up again before dawn.",
            s.vehicle()
        ),
        "The windows are covered and nobody seems to live there during the day.".to_owned(),
    ])
}

fn sleeping_in_car(s: &mut Scene) -> Core {
    sentences(vec![
        format!(
            "{} has been sleeping in {} in the parking area of {} for about a week.",
            s.subj_cap(),
            s.vehicle(),
            s.place()
        ),
        format!(
            "{} keeps to {}self and has not bothered anyone, but staff asked that it be reported.",
            s.he_cap(),
            s.him()
        ),
    ])
}

fn street_racing(s: &mut Scene) -> Core {
    sentences(vec![
        format!(
            "Cars race on {} every Friday night near {}.",
            s.street(),
            s.place()
        ),
        format!(
            "About {} cars show up, including {}, and a crowd gathers in the lot to watch.",
            s.num(6, 30),
            s.vehicle()
        ),
    ])
}

fn counterfeit_bills(s: &mut Scene) -> Core {
    sentences(vec![
        format!(
            "{} paid at {} with {} fifty-dollar bills that failed the counterfeit pen test.",
            s.subj_cap(),
            s.place(),
            s.num(3, 12)
        ),
        format!(
            "{} left quickly in {} when the cashier called the manager.",
            s.he_cap(),
            s.vehicle()
        ),
    ])
}
