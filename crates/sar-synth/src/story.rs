//! What happened in an ordinary report: one template family per Functional Standard behaviour
//! code, each with several variants, some only for the sectors where they make sense.
//!
//! Templates write in a neutral register ("a man", "the vehicle"); the narrative module rewords
//! them for the reporter's voice. They mention no clock time of the observation (the reporter's
//! introduction does), so the same facts can be retold by a second reporter.

use crate::{
    people,
    scene::{Core, Scene},
};

/// A behaviour code and what goes with it.
#[derive(Debug)]
pub(crate) struct CodeInfo {
    pub(crate) code: &'static str,
    pub(crate) group_b: bool,
    /// Target sectors where the templates read plausibly.
    pub(crate) sectors: &'static [&'static str],
    pub(crate) tip_classes: &'static [&'static str],
    pub(crate) tip_domains: &'static [&'static str],
    /// Relative frequency among ordinary reports.
    pub(crate) weight: u32,
}

const fn info(
    code: &'static str,
    group_b: bool,
    sectors: &'static [&'static str],
    tip_classes: &'static [&'static str],
    tip_domains: &'static [&'static str],
    weight: u32,
) -> CodeInfo {
    CodeInfo {
        code,
        group_b,
        sectors,
        tip_classes,
        tip_domains,
        weight,
    }
}

/// The 16 behaviour codes in NIEM list order.
pub(crate) const CODES: &[CodeInfo] = &[
    info(
        "INTRSN",
        false,
        &[
            "WATR", "ENRG", "UTL", "TELCM", "TRANS", "NCLR", "DAMS", "CHEM", "GVTBLDG", "IT",
            "DFNSE", "HLTH", "EDU", "CORR",
        ],
        &["INFRA", "SPCSA", "SPCSP"],
        &["B", "F", "G"],
        10,
    ),
    info(
        "MISREP",
        false,
        &[
            "GVTBLDG", "HLTH", "TRANS", "ENRG", "FIN", "DFNSE", "EDU", "EMRG", "MAIL", "WATR",
        ],
        &["FRAUD", "CNTFTG", "SPCSP"],
        &["A", "F"],
        6,
    ),
    info(
        "THEFT",
        false,
        &[
            "EMRG", "TRANS", "HLTH", "ENRG", "DFNSE", "GVTBLDG", "MAIL", "CHEM", "HAZMAT", "AGRI",
            "UTL",
        ],
        &["SPCSA", "INFRA"],
        &["A", "B"],
        7,
    ),
    info(
        "SABOT",
        false,
        &[
            "WATR", "ENRG", "TELCM", "TRANS", "UTL", "DAMS", "CULTR", "MNMT", "CHEM", "IT",
        ],
        &["INFRA", "CTMN"],
        &["A", "B"],
        6,
    ),
    info(
        "CYBER",
        false,
        &[
            "IT", "FIN", "HLTH", "WATR", "ENRG", "GVTBLDG", "EDU", "TELCM", "COMM", "UTL",
        ],
        &["VRUS", "FRAUD", "INFRA"],
        &["C"],
        6,
    ),
    info(
        "THREAT",
        false,
        &[
            "GVTBLDG", "EDU", "RETL", "CULTR", "HLTH", "PRSN", "ENTMT", "COMM", "FIN", "MFG",
        ],
        &["THRTPUB", "HATE", "CYBER", "SPCSA"],
        &["H", "A"],
        7,
    ),
    info(
        "AVIATION",
        false,
        &[
            "TRANS", "NCLR", "MASS", "ENTMT", "CORR", "DAMS", "SPCFXN", "TACTCP", "ENRG",
        ],
        &["SPCSA", "INFRA"],
        &["F", "G"],
        5,
    ),
    info(
        "ELICIT",
        true,
        &[
            "NCLR", "CHEM", "TRANS", "ENRG", "DFNSE", "HLTH", "WATR", "SPCFXN", "GVTBLDG",
        ],
        &["SPCSP", "SPCSA"],
        &["E", "G"],
        6,
    ),
    info(
        "TESTSEC",
        true,
        &[
            "TRANS", "GVTBLDG", "NCLR", "ENRG", "ENTMT", "CORR", "FIN", "HLTH", "COMM",
        ],
        &["SPCSA", "SPCSP"],
        &["F", "G"],
        6,
    ),
    info(
        "RECRUT",
        true,
        &["POP", "EDU", "COMM", "FIN", "OTHR", "CORR", "RETL"],
        &["FUND", "LAUND", "SPCSP"],
        &["D", "E"],
        4,
    ),
    info(
        "PHOTO",
        true,
        &[
            "TRANS", "DAMS", "ENRG", "WATR", "NCLR", "MNMT", "GVTBLDG", "CHEM", "TELCM", "MASS",
            "CSTL",
        ],
        &["SPCSP", "SPCSA"],
        &["G", "E"],
        9,
    ),
    info(
        "SURVL",
        true,
        &[
            "GVTBLDG", "MASS", "TRANS", "FIN", "ENRG", "WATR", "EDU", "CULTR", "ENTMT", "CSTL",
            "COMM", "RETL",
        ],
        &["SPCSP", "SPCSA"],
        &["G", "E"],
        9,
    ),
    info(
        "MATRLS",
        true,
        &[
            "RETL", "AGRI", "CHEM", "HAZMAT", "COMM", "MFG", "LIVSTK", "OTHR",
        ],
        &["EXPL", "CHEM", "SPCSSBST", "INCEND"],
        &["A", "G"],
        6,
    ),
    info(
        "EXPERT",
        true,
        &["EDU", "TRANS", "COMM", "MFG", "OTHR"],
        &["SPCSP", "SPCSA"],
        &["E", "G"],
        4,
    ),
    info(
        "WPNS",
        true,
        &["OTHR", "COMM", "TRANS", "RETL", "POP", "MASS", "HAZMAT"],
        &["EXPL", "INCEND", "SPCSSBST"],
        &["A"],
        5,
    ),
    info(
        "SECTOR",
        true,
        &[
            "HLTH", "AGRI", "LIVSTK", "MAIL", "NATRL", "TACTCP", "SPCFXN", "EMRG", "CORR", "FIN",
            "POP", "PRSN", "NCLR",
        ],
        &["BIO", "CTMN", "NCLR", "SPCSSBST", "INFRA"],
        &["B", "G"],
        4,
    ),
];

/// The row of a behaviour code (every template code is in the table).
pub(crate) fn code_info(code: &str) -> &'static CodeInfo {
    CODES
        .iter()
        .find(|row| row.code == code)
        .unwrap_or(&CODES[0])
}

/// The facts of an ordinary report of `code` at the scene's place.
pub(crate) fn core(code: &str, scene: &mut Scene) -> Core {
    let sentences = match code {
        "INTRSN" => intrsn(scene),
        "MISREP" => misrep(scene),
        "THEFT" => theft(scene),
        "SABOT" => sabot(scene),
        "CYBER" => cyber(scene),
        "THREAT" => threat(scene),
        "AVIATION" => aviation(scene),
        "ELICIT" => elicit(scene),
        "TESTSEC" => testsec(scene),
        "RECRUT" => recrut(scene),
        "PHOTO" => photo(scene),
        "SURVL" => survl(scene),
        "MATRLS" => matrls(scene),
        "EXPERT" => expert(scene),
        "WPNS" => wpns(scene),
        _ => sector_specific(scene),
    };
    let facts = facts(code, scene);
    Core { sentences, facts }
}

/// Picks one of the variants allowed for the scene's sector.
fn choose(scene: &mut Scene, always: &[u8], by_sector: &[(&[&str], u8)]) -> u8 {
    let mut variants: Vec<u8> = always.to_vec();
    for (sectors, variant) in by_sector {
        if sectors.contains(&scene.sector.code) {
            variants.push(*variant);
            variants.push(*variant);
        }
    }
    scene.rng.choose(&variants)
}

fn intrsn(s: &mut Scene) -> Vec<String> {
    match choose(s, &[0, 1, 2, 3, 4], &[(&["TELCM", "ENRG", "WATR", "UTL", "DAMS"], 5)]) {
        0 => vec![
            format!("{} climbed over the perimeter fence of {} near the {}.", s.subj_cap(), s.place(), s.asset()),
            format!("{} walked along the inside of the fence line and tried the doors of two outbuildings.", s.he_cap()),
            format!("When the motion lights came on, {} ran back to the fence, climbed out and drove away in {}.", s.he(), s.vehicle()),
        ],
        1 => vec![
            format!("{} followed an employee through the badge-controlled entrance of {} without using a badge.", s.subj_cap(), s.place()),
            format!("{} was found a few minutes later in a non-public corridor next to the {}.", s.he_cap(), s.asset()),
            format!("{} said {} was looking for a restroom but could not explain how {} got past the turnstile, and left when staff called security.", s.he_cap(), s.he(), s.he()),
        ],
        2 => vec![
            format!("{} put on a hard hat and entered the restricted yard at {} through a vehicle gate that was open for a delivery.", s.subj_cap(), s.place()),
            format!("{} told staff {} was with the inspection contractor, but no inspection was scheduled and {} had no contractor badge.", s.he_cap(), s.he(), s.he()),
            format!("{} walked out through the same gate before a supervisor arrived and got into {}.", s.he_cap(), s.vehicle()),
        ],
        3 => vec![
            format!("The door to the {} at {} was found propped open with a folded piece of cardboard.", s.asset(), s.place()),
            format!("Camera footage shows {} entering the restricted area and spending {} inside before leaving through the same door.", s.subj(), s.minutes()),
            "Nothing appears to be missing, but the door had been locked at the start of the shift.".to_owned(),
        ],
        4 => vec![
            format!("The padlock on the service gate at {} was cut, and {} drove onto the access road that leads to the {}.", s.place(), s.subj(), s.asset()),
            format!("Staff stopped {} about 200 yards inside the gate. {} said {} was taking a shortcut and left in {}.", s.the(), s.he_cap(), s.he(), s.vehicle()),
        ],
        _ => vec![
            format!("Employees arriving at {} found a ladder propped against the fence and footprints leading to the {}.", s.place(), s.asset()),
            format!("The lock on the {} had been pried at but held.", s.asset()),
            format!("Camera footage shows {} at the fence with a flashlight shortly before.", s.subj()),
        ],
    }
}

fn misrep(s: &mut Scene) -> Vec<String> {
    match choose(s, &[0, 1, 3, 4, 5], &[(&["ENRG", "WATR", "UTL", "HLTH", "GVTBLDG"], 2)]) {
        0 => {
            let badge = format!("FM-{}", s.num(1000, 9999));
            vec![
                format!("{} came to the front desk of {} and said {} was a fire inspector from the city.", s.subj_cap(), s.place(), s.he()),
                format!("{} showed a laminated badge reading \"Fire Marshal - Code Enforcement\" with badge number {} but could not name {} supervisor.", s.he_cap(), s.id_like(badge, true), s.his()),
                "The fire marshal's office later confirmed it has no inspector by that name or badge number.".to_owned(),
            ]
        }
        1 => {
            let alias = s.name();
            s.subject_extra.aliases.push(alias.clone());
            let dl = people::drivers_license(&mut s.rng);
            let state = s.state();
            s.subject_extra.ids.push(people::person_id("drivers_license", dl.clone(), Some(state)));
            vec![
                format!("{} presented a {} driver license in the name of {} (DL {}) to get a visitor pass at {}.", s.subj_cap(), state, alias, s.id_like(dl, true), s.place()),
                format!("The photo did not match {}, and the license number came back to a different person.", s.him()),
                format!("{} left when asked to wait while the license was verified.", s.he_cap()),
            ]
        }
        2 => vec![
            format!("{} asked to be let into the {} at {}, saying {} was a utility worker responding to a gas leak call, and pointed to a company logo sewn on {} jacket.", s.subj_cap(), s.asset(), s.place(), s.he(), s.his()),
            "The utility's dispatch center confirmed no crew had been sent to that address.".to_owned(),
            format!("{} left in {} before staff could ask for identification.", s.he_cap(), s.vehicle()),
        ],
        3 => vec![
            format!("A caller using {} contacted the facilities office at {} claiming to be a federal auditor and asked for the after-hours door codes.", s.phone(), s.place()),
            "When the employee asked for a callback number at the agency, the caller hung up.".to_owned(),
            "The same number called twice more that afternoon asking for different staff members by first name.".to_owned(),
        ],
        4 => {
            let employee_number = format!("E-{}", s.num(100_000, 999_999));
            vec![
                format!("An applicant using the e-mail address {} applied for a contractor badge at {} with the name and employee number ({}) of a contractor who retired last year.", s.email(), s.place(), s.id_like(employee_number, true)),
                "The photo sent with the application does not match the retired contractor, and the phone number on it is disconnected.".to_owned(),
            ]
        }
        _ => vec![
            format!("{}, with a police-style badge clipped to {} belt, tried to enter the {} at {}, saying {} was a federal agent doing a security check.", s.subj_cap(), s.his(), s.asset(), s.place(), s.he()),
            format!("{} could not produce credentials when asked and left on foot.", s.he_cap()),
        ],
    }
}

fn theft(s: &mut Scene) -> Vec<String> {
    match choose(
        s,
        &[0, 2, 4, 5],
        &[
            (&["EMRG", "HLTH"], 1),
            (&["CHEM", "HAZMAT", "AGRI", "MAIL", "DFNSE"], 3),
        ],
    ) {
        0 => {
            let badge = s.num(10_000, 99_999).to_string();
            let count = s.num(3, 9);
            s.add_property(
                "access badge",
                "employee access badges",
                Some(count as i32),
                false,
            );
            vec![
                format!(
                    "{count} employee access badges and two uniform shirts were reported missing from the locker room at {}.",
                    s.place()
                ),
                format!(
                    "Door logs show badge {} (issued to an employee on medical leave) opened the locker room shortly after midnight.",
                    s.id_like(badge, true)
                ),
                "The badges have been deactivated.".to_owned(),
            ]
        }
        1 => {
            let unit = format!("Medic {}", s.num(2, 40));
            s.add_property(
                "radio",
                "portable radio taken from the ambulance",
                Some(1),
                true,
            );
            vec![
                format!(
                    "A marked ambulance ({unit}) was taken from the bay at {} while the crew was inside with a patient.",
                    s.place()
                ),
                format!(
                    "It was found abandoned about {} miles away with the radio, two uniform jackets and the controlled-substance box missing.",
                    s.num(2, 9)
                ),
            ]
        }
        2 => {
            let serial = people::serial(&mut s.rng);
            s.property.push(sar_model::intake::IntakeProperty {
                property_type: "laptop".to_owned(),
                description: Some("laptop with the access-control software".to_owned()),
                quantity: Some(1),
                serial: Some(serial.clone()),
            });
            vec![
                format!(
                    "{} was seen on camera carrying a box of facility drawings and a laptop out of an unlocked office at {}.",
                    s.subj_cap(),
                    s.place()
                ),
                format!(
                    "The laptop (serial {}) has the building's access-control software installed.",
                    s.id_like(serial, true)
                ),
                format!(
                    "{} left through the loading dock and got into {}.",
                    s.he_cap(),
                    s.vehicle()
                ),
            ]
        }
        3 => {
            let material = match s.sector.code {
                "CHEM" => "sodium chlorite",
                "HAZMAT" => "industrial solvent drums",
                "AGRI" => "ammonium nitrate fertilizer",
                "DFNSE" => "night-vision components",
                _ => "copper wire",
            };
            let quantity = s.num(10, 60) as i32;
            s.add_property("cargo", material, Some(quantity), false);
            vec![
                format!(
                    "A shipment of {material} was diverted from {}: the bill of lading lists a delivery address that turned out to be a vacant lot.",
                    s.place()
                ),
                format!("The load was worth about {}.", s.money(8_000, 240_000)),
            ]
        }
        4 => vec![
            format!(
                "Two agency uniforms, a hard hat and a ring of master keys for the {} were stolen from a work truck parked at {}.",
                s.asset(),
                s.place()
            ),
            "The truck's window was smashed; no other vehicles were touched.".to_owned(),
        ],
        _ => {
            let count = s.num(3, 12);
            s.add_property("radio", "handheld radios", Some(count as i32), false);
            vec![
                format!(
                    "{count} handheld radios and a master key card were missing from the charging station in the {} at {} at the start of the day shift.",
                    s.asset(),
                    s.place()
                ),
                format!(
                    "The room is locked and only {} people have keys.",
                    s.num(3, 8)
                ),
            ]
        }
    }
}

fn sabot(s: &mut Scene) -> Vec<String> {
    match choose(
        s,
        &[0, 4, 5],
        &[(&["WATR", "UTL", "CHEM"], 1), (&["ENRG"], 2), (&["TELCM", "IT"], 3)],
    ) {
        0 => vec![
            format!("The lock on the {} at {} had been cut and the control cabinet inside was open.", s.asset(), s.place()),
            "Staff found wires pulled from two terminal blocks and an alarm sensor bent out of position.".to_owned(),
            format!("Nothing was taken, and the system was restored after about {} hours.", s.num(2, 9)),
        ],
        1 => vec![
            format!("Operators at {} saw the chlorine residual drop sharply and found the chemical feed line to the {} had been cut.", s.place(), s.asset()),
            "A second valve had been closed by hand. The plant switched to its backup feed.".to_owned(),
        ],
        2 => vec![
            format!("Several rounds were fired at the {} at {}; staff found holes in the radiator fins and oil leaking onto the gravel.", s.asset(), s.place()),
            format!("About {} customers lost power for several hours. Shell casings were found near the fence on the access road.", people::group_thousands(s.num(800, 14_000))),
        ],
        3 => vec![
            format!("The fiber vault outside {} was opened and two cables were cut cleanly, taking down service to about {} customers.", s.place(), people::group_thousands(s.num(500, 30_000))),
            "The cuts look like they were made with a saw, and the vault cover had been pried up.".to_owned(),
        ],
        4 => vec![
            format!("The words \"YOU'RE NEXT\" were spray-painted on the wall of {}, and the camera above the {} was painted over.", s.place(), s.asset()),
            format!("A window of the {} was broken with a rock.", s.asset()),
        ],
        _ => vec![
            format!("{} was seen pouring a liquid from a plastic jug into the ventilation intake of the {} at {}.", s.subj_cap(), s.asset(), s.place()),
            format!("{} ran when a guard shouted and left in {}. A sample of the liquid was collected.", s.he_cap(), s.vehicle()),
        ],
    }
}

fn cyber(s: &mut Scene) -> Vec<String> {
    match choose(s, &[0, 1, 3, 4, 5], &[(&["WATR", "ENRG", "UTL"], 2)]) {
        0 => {
            let ip = people::documentation_ip(&mut s.rng);
            vec![
                format!("The IT team at {} detected about {} failed VPN logins from IP address {} against administrator accounts over two hours.", s.place(), s.num(200, 4_000), s.id_like(ip, false)),
                "One administrator account was locked out and the address was blocked at the firewall.".to_owned(),
            ]
        }
        1 => vec![
            format!("Employees at {} received an e-mail from {} that looked like it came from the payroll department, with a link to a fake login page.", s.place(), s.email()),
            "Two employees entered their passwords before the message was reported, and one account was used to change direct-deposit details.".to_owned(),
        ],
        2 => {
            let ip = people::documentation_ip(&mut s.rng);
            vec![
                format!("The operator workstation that controls the {} at {} showed the mouse cursor moving by itself and a setpoint being changed.", s.asset(), s.place()),
                format!("The operator disconnected the remote-access software and put the setpoint back. Logs show a login from {}.", s.id_like(ip, false)),
            ]
        }
        3 => vec![
            format!("A ransom note demanding {} in cryptocurrency appeared on the file server at {}, and about {} workstations were encrypted.", s.money(20_000, 900_000), s.place(), s.num(12, 400)),
            format!("The note gave {} as the contact address.", s.email()),
        ],
        4 => {
            let ip = people::documentation_ip(&mut s.rng);
            vec![
                format!("A USB drive labeled \"Payroll Q{}\" was found in the parking lot of {}, and an employee plugged it into a workstation.", s.num(1, 4), s.place()),
                format!("The workstation then tried to connect to {} and was isolated by the security team.", s.id_like(ip, false)),
            ]
        }
        _ => vec![
            format!("The public website of {} was defaced with a message claiming responsibility for attacks on other agencies in {}.", s.place(), s.city.name),
            format!("The attackers used a stolen contractor account; {} files were downloaded before the account was disabled.", s.num(40, 9_000)),
        ],
    }
}

fn threat(s: &mut Scene) -> Vec<String> {
    // A former employee or a manager only where people are employed, not at a home or a church.
    let workplace = !matches!(s.sector.code, "PRSN" | "CULTR");
    let variants: &[u8] = if workplace {
        &[0, 1, 2, 3, 4, 5]
    } else {
        &[1, 3, 4]
    };
    match choose(s, variants, &[]) {
        0 => {
            let victim = s.name();
            s.add_person("victim", &victim);
            vec![
                format!(
                    "{}, a former employee of {}, left a voicemail from {} saying people there \"are going to pay for what they did\" and that \"one day this place will burn\".",
                    s.subj_cap(),
                    s.place(),
                    s.phone()
                ),
                format!(
                    "{} was let go last month after a dispute with {} supervisor, {victim}.",
                    s.he_cap(),
                    s.his()
                ),
            ]
        }
        1 => vec![
            format!(
                "A letter mailed to {} said the building would be \"blown up\" unless the company paid {}.",
                s.place(),
                s.money(50_000, 2_000_000)
            ),
            format!(
                "The letter had no return address and was postmarked in {}. A search of the building found nothing.",
                s.city.name
            ),
        ],
        2 => vec![
            format!(
                "{} told a staff member at {} that {} \"had something for\" the manager and that \"you'll all see it on the news\".",
                s.subj_cap(),
                s.place(),
                s.he()
            ),
            format!(
                "{} was calm, did not show a weapon and walked out.",
                s.he_cap()
            ),
        ],
        3 => vec![
            format!(
                "A post on a public social media account ({}) named {} and said the author would \"bring a rifle to the next board meeting\".",
                s.handle(),
                s.place()
            ),
            format!(
                "The account was created two weeks ago and has posted about the facility {} times.",
                s.num(3, 30)
            ),
        ],
        4 => vec![
            format!(
                "An e-mail from {} to the front office of {} threatened to \"shoot up\" the building.",
                s.email(),
                s.place()
            ),
            "It did not give a date, and the sender signed it only with initials.".to_owned(),
        ],
        _ => {
            let victim = s.name();
            s.add_person("victim", &victim);
            vec![
                format!(
                    "{} was overheard at {} saying {} wanted to \"take out\" {victim}, a manager there.",
                    s.subj_cap(),
                    s.place(),
                    s.he()
                ),
                format!(
                    "{} then asked a coworker where the manager parks and what time {} leaves.",
                    s.he_cap(),
                    "the manager"
                ),
            ]
        }
    }
}

fn aviation(s: &mut Scene) -> Vec<String> {
    match choose(
        s,
        &[0, 1, 3, 5],
        &[(&["TRANS"], 2), (&["TRANS", "NCLR", "DAMS"], 4)],
    ) {
        0 => {
            add_drone(s);
            vec![
                format!(
                    "A quadcopter drone flew over {} for {}, hovering over the {} and the perimeter fence at low altitude.",
                    s.place(),
                    s.minutes(),
                    s.asset()
                ),
                format!(
                    "Staff saw the operator, {}, standing next to {} about 300 yards away; {} packed up the drone and left when approached.",
                    s.subj(),
                    s.vehicle(),
                    s.he()
                ),
            ]
        }
        1 => vec![
            format!(
                "A green laser was pointed at an aircraft on approach near {}, and the pilot reported the strike to the tower.",
                s.place()
            ),
            format!("The beam came from the area of {}.", s.street()),
        ],
        2 => {
            let tail = people::tail_number(&mut s.rng);
            let aircraft_type = s.pick(&[
                "Cessna 172",
                "Piper PA-28",
                "Beechcraft Bonanza",
                "Cirrus SR22",
            ]);
            s.aircraft.push(sar_model::intake::IntakeAircraft {
                tail_number: Some(tail.clone()),
                aircraft_type: Some(aircraft_type.to_owned()),
            });
            vec![
                format!(
                    "A single-engine airplane, tail number {}, circled {} three times at low altitude and did not answer radio calls.",
                    s.id_like(tail, false),
                    s.place()
                ),
                format!(
                    "It then flew off to the {}.",
                    s.pick(&["north", "south", "east", "west", "northwest"])
                ),
            ]
        }
        3 => {
            add_drone(s);
            vec![
                format!(
                    "{} flew a drone with a plastic container strapped underneath over the crowd at {}.",
                    s.subj_cap(),
                    s.place()
                ),
                format!(
                    "When staff approached, {} landed it quickly and drove away in {}.",
                    s.he(),
                    s.vehicle()
                ),
            ]
        }
        4 => vec![
            format!(
                "{} taking flying lessons at a flight school near {} asked the instructor how to turn off the transponder in flight and whether the restricted airspace over {} is watched.",
                s.subj_cap(),
                s.place(),
                s.noun()
            ),
            format!("{} showed no interest in takeoffs or landings.", s.he_cap()),
        ],
        _ => {
            add_drone(s);
            vec![
                format!(
                    "A drone with its lights off hovered beside the {} at {} at night for {}.",
                    s.asset(),
                    s.place(),
                    s.minutes()
                ),
                "It flew off toward the parking lot when a guard pointed a flashlight at it."
                    .to_owned(),
            ]
        }
    }
}

fn add_drone(s: &mut Scene) {
    let registration = s
        .chance(0.5)
        .then(|| people::drone_registration(&mut s.rng));
    let kind = s.pick(&[
        "quadcopter drone",
        "DJI Mavic 3 drone",
        "hexacopter drone",
        "small quadcopter",
    ]);
    s.aircraft.push(sar_model::intake::IntakeAircraft {
        tail_number: registration,
        aircraft_type: Some(kind.to_owned()),
    });
}

fn elicit(s: &mut Scene) -> Vec<String> {
    match choose(s, &[0, 1, 2, 4, 5], &[(&["TRANS"], 3)]) {
        0 => vec![
            format!(
                "{} approached an operator at {} during a smoke break and asked how many people work the night shift, when the guards change and whether the cameras are recorded or only watched live.",
                s.subj_cap(),
                s.place()
            ),
            format!(
                "{} said {} was \"just curious\" and wrote the answers in a small notebook.",
                s.he_cap(),
                s.he()
            ),
        ],
        1 => vec![
            format!(
                "A caller using {} contacted {} saying they were a student writing a paper, and asked where the chemical storage tanks are, when deliveries come and which company provides security.",
                s.phone(),
                s.place()
            ),
            "The caller would not give the name of the school.".to_owned(),
        ],
        2 => vec![
            format!(
                "{} asked the front desk at {} which entrance the director uses and what time the director usually arrives.",
                s.subj_cap(),
                s.place()
            ),
            format!(
                "{} asked the same question of a second employee in the parking lot.",
                s.he_cap()
            ),
        ],
        3 => vec![
            format!(
                "{} asked an agent at {} how long an unattended bag can sit before staff respond and which areas the cameras do not cover.",
                s.subj_cap(),
                s.place()
            ),
            format!(
                "{} walked away when the agent asked why {} wanted to know.",
                s.he_cap(),
                s.he()
            ),
        ],
        4 => vec![
            format!(
                "An e-mail from {} asked the public information office for the floor plans of {} and the brand of its access-control system, saying the sender was an insurance adjuster.",
                s.email(),
                s.place()
            ),
            "No insurer by that name has a claim open with the facility.".to_owned(),
        ],
        _ => {
            let job = s.rng.choose(s.sector.jobs);
            vec![
                format!(
                    "{} struck up a conversation with {} from {} at a coffee shop nearby and asked detailed questions about the {}, the number of guards at night and how the gate codes are changed.",
                    s.subj_cap(),
                    crate::narrative::with_article(job),
                    s.place(),
                    s.asset()
                ),
                format!(
                    "{} offered to buy the {job} lunch to \"talk more\" another day.",
                    s.he_cap()
                ),
            ]
        }
    }
}

fn testsec(s: &mut Scene) -> Vec<String> {
    match choose(
        s,
        &[0, 1, 3, 4, 5],
        &[(&["TRANS", "GVTBLDG", "ENTMT", "CORR"], 2)],
    ) {
        0 => vec![
            format!(
                "{} walked up to the vehicle barrier at {}, touched the gate arm and waited until a guard came out, checking {} watch.",
                s.subj_cap(),
                s.place(),
                s.his()
            ),
            format!(
                "About {} minutes later {} did the same at the south gate.",
                s.num(10, 40),
                s.he()
            ),
        ],
        1 => vec![
            format!("A backpack was left by the entrance of {}.", s.place()),
            format!(
                "When staff approached it, {} came across the street, picked it up and walked away, watching how staff reacted.",
                s.subj()
            ),
        ],
        2 => vec![
            format!(
                "{} tried to bring a large folding knife through the screening checkpoint at {} and then asked the screener what would have happened if {} had not declared it.",
                s.subj_cap(),
                s.place(),
                s.he()
            ),
            format!("{} left without going through screening.", s.he_cap()),
        ],
        3 => {
            let vehicle = s.vehicle();
            vec![
                format!(
                    "{} drove into the restricted drop-off lane at {}, stopped at the bollards and reversed out when a guard approached.",
                    crate::scene::capitalize(&vehicle),
                    s.place()
                ),
                format!(
                    "It came back {} minutes later and did the same thing.",
                    s.num(10, 50)
                ),
            ]
        }
        4 => vec![
            format!(
                "The fire alarm pull station at {} was activated.",
                s.place()
            ),
            format!(
                "While staff evacuated, {} stood near an exit counting people and watching where the guards went.",
                s.subj()
            ),
        ],
        _ => vec![
            format!(
                "Someone tried the handles of every exterior door of {} overnight.",
                s.place()
            ),
            format!(
                "Camera footage shows {} pulling on each door and checking the time on a phone after each one.",
                s.subj()
            ),
        ],
    }
}

fn recrut(s: &mut Scene) -> Vec<String> {
    match choose(s, &[0, 3, 5], &[(&["FIN"], 1), (&["CORR"], 2), (&["EDU"], 4)]) {
        0 => vec![
            format!("{} handed out business cards outside {} offering {} to young men willing to \"do security work\" and \"learn to shoot\" at a rural property.", s.subj_cap(), s.place(), s.money(500, 5_000)),
            format!("The cards list the number {}.", s.phone()),
        ],
        1 => vec![
            format!("A customer at {} made {} cash deposits of just under $10,000 each over eight days and then wired {} to an overseas account.", s.place(), s.num(4, 9), s.money(35_000, 90_000)),
            "Asked about the source of the funds, the customer said the money was \"for the cause\" and left.".to_owned(),
        ],
        2 => vec![
            format!("{}, an inmate at {}, was overheard telling other inmates {} could get money to their families if they joined {} group after release.", s.subj_cap(), s.place(), s.he(), s.his()),
            format!("{} also asked which of them had military training.", s.he_cap()),
        ],
        3 => vec![
            format!("Flyers left at {} invite people to a \"training camp\" and ask for donations through a payment app account ({}).", s.place(), s.handle()),
            "The flyer tells readers to \"prepare for the fight\".".to_owned(),
        ],
        4 => vec![
            format!("{} has been asking students at {} whether they have passports and would travel abroad for \"field work\", offering to pay for the tickets ({}).", s.subj_cap(), s.place(), s.money(900, 3_500)),
        ],
        _ => vec![
            format!("{} approached two veterans at {} and offered them {} each to train \"a team\" in tactics, asking them to keep it quiet.", s.subj_cap(), s.place(), s.money(2_000, 15_000)),
        ],
    }
}

fn photo(s: &mut Scene) -> Vec<String> {
    match choose(s, &[0, 1, 3, 4], &[(&["TRANS", "DAMS"], 2)]) {
        0 => vec![
            format!(
                "{} photographed {} from a parked vehicle with a long lens, focusing on the gate, the camera positions and the guard booth rather than the building.",
                s.subj_cap(),
                s.place()
            ),
            format!(
                "When approached, {} put the camera down and drove away in {}.",
                s.he(),
                s.vehicle()
            ),
        ],
        1 => vec![format!(
            "{} filmed the badge readers and the vehicle inspection at the entrance of {} with a phone held at waist level for {}.",
            s.subj_cap(),
            s.place(),
            s.minutes()
        )],
        2 => vec![format!(
            "{} photographed the {} at {} from the riverbank, including the supports and the access ladders, and took close-ups of the bolts.",
            s.subj_cap(),
            s.asset(),
            s.place()
        )],
        3 => vec![format!(
            "{} took pictures of the {} and of the guard's patrol route at {}, then sketched something in a notebook.",
            s.subj_cap(),
            s.asset(),
            s.place()
        )],
        _ => vec![format!(
            "{} walked slowly along the fence of {} photographing each camera mount and the gaps under the fence.",
            s.subj_cap(),
            s.place()
        )],
    }
}

fn survl(s: &mut Scene) -> Vec<String> {
    match choose(s, &[0, 1, 2, 3, 4], &[]) {
        0 => vec![format!(
            "{} sat in {} across from {} for about {} hours on {} days in a row, watching the {} through binoculars and writing in a notebook.",
            s.subj_cap(),
            s.vehicle(),
            s.place(),
            s.num(2, 5),
            s.num(2, 4),
            s.asset()
        )],
        1 => vec![format!(
            "{} paced out the distance between the main entrance of {} and the parking area, counting steps and typing numbers into a phone.",
            s.subj_cap(),
            s.place()
        )],
        2 => vec![format!(
            "{} walked the perimeter of {} twice, stopping at each camera and looking closely at the fence posts and the gate hinges.",
            s.subj_cap(),
            s.place()
        )],
        3 => vec![format!(
            "{} sat in the lobby of {} for over two hours without doing any business, writing down when the guards made their rounds.",
            s.subj_cap(),
            s.place()
        )],
        _ => vec![format!(
            "{} stood on the sidewalk across from {} for {}, watching deliveries at the {} and timing each one on a stopwatch.",
            s.subj_cap(),
            s.place(),
            s.minutes(),
            s.asset()
        )],
    }
}

fn matrls(s: &mut Scene) -> Vec<String> {
    match choose(
        s,
        &[],
        &[
            (&["RETL", "AGRI"], 0),
            (&["RETL", "COMM", "MFG"], 1),
            (&["OTHR", "COMM", "HAZMAT"], 2),
            (&["RETL", "CHEM", "HAZMAT"], 3),
            (&["AGRI", "LIVSTK", "MFG", "CHEM"], 4),
        ],
    ) {
        0 => {
            s.relocate(&[
                "{county} Farm Supply",
                "the Tractor Barn farm store on {street}",
                "{city} Home and Garden Center",
            ]);
            let bags = s.num(12, 60);
            s.add_property(
                "fertilizer",
                "50-pound bags of ammonium nitrate fertilizer",
                Some(bags as i32),
                false,
            );
            vec![
                format!(
                    "{} bought {bags} 50-pound bags of ammonium nitrate fertilizer at {} and paid {} in cash.",
                    s.subj_cap(),
                    s.place(),
                    s.money(600, 3_000)
                ),
                format!(
                    "{} could not say what crop it was for and declined a receipt.",
                    s.he_cap()
                ),
            ]
        }
        1 => {
            s.relocate(&[
                "the PriceKing Warehouse store on {street}",
                "the ValuMart on {street}",
                "the electronics store at the Pinecrest Town Center mall",
            ]);
            let phones = s.num(8, 30);
            s.add_property(
                "prepaid phone",
                "prepaid cell phones, still boxed",
                Some(phones as i32),
                false,
            );
            vec![format!(
                "{} bought {phones} prepaid phones and {} kitchen timers at {}, paid in cash and asked whether the store had more in stock.",
                s.subj_cap(),
                s.num(6, 20),
                s.place()
            )]
        }
        2 => {
            s.relocate(&[
                "{streetname} Self Storage",
                "the storage facility on {street}",
            ]);
            let cans = s.num(10, 40);
            s.add_property(
                "fuel can",
                "five-gallon cans of gasoline",
                Some(cans as i32),
                false,
            );
            vec![
                format!(
                    "A storage unit at {} was found to hold {cans} five-gallon cans of fuel, several propane cylinders and boxes of nails.",
                    s.place()
                ),
                format!(
                    "The renter paid six months in advance in cash ({}).",
                    s.money(700, 2_400)
                ),
            ]
        }
        3 => {
            s.relocate(&[
                "{streetname} Hardware",
                "the pool supply store on {street}",
                "the SuperSave pharmacy on {street}",
            ]);
            vec![format!(
                "{} tried to buy a large quantity of 35 percent hydrogen peroxide and acetone at {}, asked about concentrations and became angry when asked for identification.",
                s.subj_cap(),
                s.place()
            )]
        }
        _ => {
            let chemical = s.pick(&["potassium nitrate", "sodium chlorate", "aluminum powder"]);
            vec![format!(
                "{} asked staff at {} to sell {} {} pounds of {chemical} without the usual paperwork and offered {} in cash on top of the price.",
                s.subj_cap(),
                s.place(),
                s.him(),
                s.num(50, 400),
                s.money(200, 2_000)
            )]
        }
    }
}

fn expert(s: &mut Scene) -> Vec<String> {
    match choose(s, &[0, 3, 4], &[(&["EDU"], 1), (&["TRANS"], 2)]) {
        0 => vec![
            format!(
                "{} at a shooting range near {} asked instructors for training in shooting from a moving vehicle and \"clearing rooms\".",
                s.subj_cap(),
                s.place()
            ),
            format!(
                "{} said {} has no military or police background and paid {} in cash for private sessions.",
                s.he_cap(),
                s.he(),
                s.money(400, 3_000)
            ),
        ],
        1 => vec![format!(
            "{} asked a teaching assistant in the chemistry lab at {} for help making a compound that is not part of the course, and asked how to keep it stable during transport.",
            s.subj_cap(),
            s.place()
        )],
        2 => vec![format!(
            "{} enrolled in a commercial driver course at {} but asked only about hazardous-materials placards and tanker trucks and skipped the other lessons.",
            s.subj_cap(),
            s.place()
        )],
        3 => vec![format!(
            "{} asked a drone training school near {} how to carry a {}-pound payload and release it remotely.",
            s.subj_cap(),
            s.place(),
            s.num(5, 30)
        )],
        _ => vec![format!(
            "{} paid {} in cash for private lessons at a flight school near {} and asked only about flying large aircraft, not about takeoffs or landings.",
            s.subj_cap(),
            s.money(3_000, 20_000),
            s.place()
        )],
    }
}

fn wpns(s: &mut Scene) -> Vec<String> {
    match choose(s, &[0, 1, 2, 3, 4], &[]) {
        0 => {
            s.relocate(&["a motel room on {street}", "an apartment on {street}"]);
            let rifles = s.num(6, 25);
            s.add_property("firearm", "rifles", Some(rifles as i32), false);
            let pipes = s.num(2, 10) as i32;
            s.add_property(
                "pipe",
                "steel pipe sections with end caps",
                Some(pipes),
                false,
            );
            vec![format!(
                "During a noise complaint at {}, officers saw {rifles} rifles, body armor and what looked like pipe-bomb parts (end caps and lengths of pipe) in plain view.",
                s.place()
            )]
        }
        1 => {
            let handguns = s.num(4, 15);
            s.add_property(
                "firearm",
                "handguns with obliterated serial numbers",
                Some(handguns as i32),
                false,
            );
            vec![format!(
                "Maintenance staff at {} found a duffel bag behind the boiler holding {handguns} handguns with the serial numbers ground off and several boxes of ammunition.",
                s.place()
            )]
        }
        2 => {
            s.relocate(&[
                "{streetname} Self Storage",
                "the storage facility on {street}",
            ]);
            vec![
                format!(
                    "A storage unit at {} held a drum of an unknown white powder, coils of wiring and powder residue on a workbench.",
                    s.place()
                ),
                "The unit's lock had been changed by the renter, against the lease.".to_owned(),
            ]
        }
        3 => {
            s.relocate(&[
                "the {city} Downtown Inn",
                "a motel on {street}",
                "the Airport Suites hotel",
            ]);
            vec![
                format!(
                    "Housekeeping at {} found {} rifle cases, a spotting scope and a map with hand-drawn lines in a room rented for a week.",
                    s.place(),
                    s.num(3, 6)
                ),
                "The guest had kept the \"Do Not Disturb\" sign up for four days.".to_owned(),
            ]
        }
        _ => vec![format!(
            "{} was seen carrying several long gun cases and boxes of ammunition from {} into a vacant unit at {} late at night.",
            s.subj_cap(),
            s.vehicle(),
            s.place()
        )],
    }
}

fn sector_specific(s: &mut Scene) -> Vec<String> {
    match s.sector.code {
        "HLTH" => vec![
            format!(
                "A vial of a reference bacterial culture was found missing from the lab at {}, and the inventory log had been altered.",
                s.place()
            ),
            format!("Only {} people have access to the freezer.", s.num(4, 12)),
        ],
        "AGRI" | "LIVSTK" => vec![
            format!(
                "{} was found inside the {} at {} at night with a cooler and syringes.",
                s.subj_cap(),
                s.asset(),
                s.place()
            ),
            "Several animals later showed signs of illness and a veterinarian was called."
                .to_owned(),
        ],
        "MAIL" => vec![
            format!(
                "A package addressed to a county official leaked a white powder onto the sorting line at {}.",
                s.place()
            ),
            "The line was stopped and the area was evacuated.".to_owned(),
        ],
        "TACTCP" | "EMRG" => vec![format!(
            "People in {} parked next to {} were listening to the command radio channel on a scanner and photographing the staging area and the {}.",
            s.vehicle(),
            s.place(),
            s.asset()
        )],
        "NCLR" => vec![
            format!(
                "A radiation portal monitor at {} alarmed on a pickup truck.",
                s.place()
            ),
            format!(
                "The driver turned around before the truck could be inspected and left in the direction of {}.",
                s.street()
            ),
        ],
        "FIN" => vec![
            format!(
                "A skimming device and a pinhole camera were found on the ATM at {}.",
                s.place()
            ),
            format!("Footage shows {} installing them.", s.subj()),
        ],
        "NATRL" => vec![format!(
            "During the flood warning, someone opened a manual valve on the {} at {} that would have let water through if the river rose.",
            s.asset(),
            s.place()
        )],
        "CORR" => vec![format!(
            "A drone dropped a package containing phones and a bottle of liquid into the recreation yard at {}.",
            s.place()
        )],
        _ => vec![
            format!(
                "{} asked staff at {} where the officials would enter and tried to get a press credential without any media affiliation.",
                s.subj_cap(),
                s.place()
            ),
            format!(
                "{} gave the name of a news outlet that does not exist.",
                s.he_cap()
            ),
        ],
    }
}

/// Candidate additional facts of a report of `code`.
fn facts(code: &str, s: &mut Scene) -> Vec<String> {
    let with_subject = s.subject_mentioned;
    let mut out: Vec<String> = match code {
        "INTRSN" => vec![
            format!("Fresh cut marks were found on the fence fabric about {} feet from the {}.", s.num(10, 200), s.asset()),
            "Badge records show no valid badge was used at that door during the incident.".to_owned(),
            format!("Staff found a hand-drawn map of the site near the gate, with the {} circled.", s.asset()),
        ],
        "MISREP" => vec![
            format!("Two other facilities in {} reported a similar visit this month.", s.city.name),
            "The identification shown used a seal that does not match any agency's.".to_owned(),
        ],
        "THEFT" => vec![
            "The stolen items include equipment that opens restricted doors at the site.".to_owned(),
            format!("A similar theft was reported at another site of the same operator {} weeks ago.", s.num(2, 8)),
        ],
        "SABOT" => vec![
            format!("A similar cut was found at another site on the same line {} days ago.", s.num(2, 20)),
            "Tools left at the scene include a hacksaw and a pry bar.".to_owned(),
        ],
        "CYBER" => vec![
            "The connection came through a commercial VPN service.".to_owned(),
            "The compromised account belongs to a contractor whose access should have ended last month.".to_owned(),
        ],
        "THREAT" => vec![
            "The message referred to a specific room at the site.".to_owned(),
            "The sender appears to know the staff schedule.".to_owned(),
        ],
        "AVIATION" => vec![
            "The flight was inside a temporary flight restriction in place for the site.".to_owned(),
            format!("The same aircraft has been seen over the site on {} other days this month.", s.num(2, 5)),
        ],
        "ELICIT" => vec![
            "The questions went well beyond what is on the facility's public website.".to_owned(),
            format!("The same questions were put to at least {} other employees that week.", s.num(2, 4)),
        ],
        "TESTSEC" => vec![
            format!(
                "The same {} has approached the gate {} times in the past week without stopping.",
                if s.vehicles.is_empty() { "person" } else { "vehicle" },
                s.num(3, 7)
            ),
            "The door checks followed the guard's patrol route in reverse order.".to_owned(),
        ],
        "RECRUT" => vec![
            "The phone number on the flyer is linked to an account that posts photos of rifles and body armor.".to_owned(),
            "Two of the people who were approached reported it independently.".to_owned(),
        ],
        "PHOTO" => vec![
            "The photos were taken from a spot that cannot be seen from the road.".to_owned(),
            format!("The same spots were photographed again {} days later.", s.num(2, 9)),
        ],
        "SURVL" => vec![
            format!(
                "The same {} was seen at the site on {} earlier occasions, always around shift change.",
                if s.vehicles.is_empty() { "person" } else { "vehicle" },
                s.num(2, 6)
            ),
            "A hand-drawn diagram of the entrances was left behind on the bench.".to_owned(),
        ],
        "MATRLS" => vec![
            format!("Similar quantities were bought at {} other stores in the area the same week.", s.num(2, 5)),
            "The quantity is far more than a household or small farm would use.".to_owned(),
        ],
        "EXPERT" => vec![
            "The questions went beyond anything needed for the course.".to_owned(),
            format!("The same questions were asked at a second school in {}.", s.city.name),
        ],
        "WPNS" => vec![
            "The amount of ammunition far exceeds what a hunter or target shooter would keep.".to_owned(),
            format!("A receipt for {} pounds of black powder was found with the items.", s.num(5, 50)),
        ],
        _ => vec![
            format!("Access logs show {} entries that cannot be matched to staff.", s.num(2, 9)),
            "The incident matches a pattern described in a recent sector bulletin.".to_owned(),
        ],
    };
    if with_subject {
        let subject_facts = [
            format!("{} asked a guard what time the shift changes.", s.he_cap()),
            format!(
                "{} was later seen measuring the gate with a tape measure.",
                s.he_cap()
            ),
            format!(
                "{} returned {} days later at the same time.",
                s.he_cap(),
                s.num(2, 8)
            ),
            if s.vehicles.is_empty() {
                format!(
                    "{} gave a name that staff could not match to any visitor record.",
                    s.he_cap()
                )
            } else {
                format!(
                    "{} gave a false name, which did not match {} vehicle registration.",
                    s.he_cap(),
                    s.his()
                )
            },
            format!(
                "{} covered {} face with {} hood whenever {} passed a camera.",
                s.he_cap(),
                s.his(),
                s.his(),
                s.he()
            ),
            format!(
                "{} moved to a different spot each time a guard approached.",
                s.he_cap()
            ),
        ];
        let first = s.rng.index(subject_facts.len());
        out.push(subject_facts[first].clone());
        out.push(
            subject_facts[(first + 1 + s.rng.index(subject_facts.len() - 1)) % subject_facts.len()]
                .clone(),
        );
    }
    s.rng.shuffle(&mut out);
    out
}
