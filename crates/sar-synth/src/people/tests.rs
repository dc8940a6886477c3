//! Tests of the made-up identifiers.

use super::*;

#[test]
fn vins_have_a_valid_check_digit() {
    // A real-format example VIN whose check digit is 3.
    assert_eq!(vin_check_digit(b"1HGCM82633A004352"), b'3');
    let mut rng = Rng::new(1);
    for _ in 0..500 {
        let vin = vin(&mut rng);
        assert_eq!(vin.len(), 17);
        assert!(!vin.contains(['I', 'O', 'Q']), "{vin}");
        assert_eq!(vin.as_bytes()[8], vin_check_digit(vin.as_bytes()), "{vin}");
    }
}

#[test]
fn numbers_are_fictional() {
    let mut rng = Rng::new(2);
    for _ in 0..300 {
        let phone = phone(&mut rng, "602");
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        assert!(digits.ends_with(&digits[digits.len() - 4..]));
        let line: u32 = digits[digits.len() - 4..].parse().unwrap();
        assert!((100..=199).contains(&line), "{phone}");
        assert!(digits.contains("555"), "{phone}");
        let ssn = ssn_like(&mut rng);
        assert!(ssn.starts_with('9') && ssn.len() == 11, "{ssn}");
        let ip = documentation_ip(&mut rng);
        assert!(
            ["192.0.2.", "198.51.100.", "203.0.113."]
                .iter()
                .any(|net| ip.starts_with(net)),
            "{ip}"
        );
        let name = Name::random(&mut rng, Gender::Female);
        let address = email(&mut rng, &name);
        assert!(
            address.ends_with(".com") || address.ends_with(".org") || address.ends_with(".net")
        );
        assert!(address.contains("example."), "{address}");
    }
}

#[test]
fn money_and_plates() {
    assert_eq!(group_thousands(1_234_567), "1,234,567");
    assert_eq!(group_thousands(999), "999");
    assert_eq!(group_thousands(-4_860), "-4,860");
    let mut rng = Rng::new(3);
    for state in ["CA", "TX", "FL", "MA", "WI"] {
        let plate = plate(&mut rng, state);
        assert!((6..=8).contains(&plate.len()), "{plate}");
    }
    let amount = money(&mut rng, 1_000, 2_000);
    assert!(
        amount.starts_with("$1,") || amount == "$2,000" || amount == "$2,000.00",
        "{amount}"
    );
    assert_eq!(hex::<32>(&mut rng).len(), 64);
}

#[test]
fn sketches_describe_a_plausible_adult() {
    let mut rng = Rng::new(4);
    for _ in 0..200 {
        let sketch = Sketch::random(&mut rng, 20_500);
        assert!((18..=67).contains(&sketch.age));
        let description = sketch.describe(&mut rng);
        assert!(
            description.starts_with("a man") || description.starts_with("a woman"),
            "{description}"
        );
        assert!(!description.contains("10s"), "{description}");
        let dob = sketch.dob_iso();
        assert!(sar_model::CalendarDate::parse(&dob).is_ok(), "{dob}");
    }
}
