//! Tests of the calendar, the US zones and RFC 3339 text, against sar-model's parser.

use sar_model::ZonedTime;

use super::*;

#[test]
fn civil_days_round_trip_and_known_dates() {
    assert_eq!(days_from_civil(1970, 1, 1), 0);
    assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    assert_eq!(days_from_civil(2026, 3, 1), 20_513);
    for days in (-800_000..800_000).step_by(997) {
        let (year, month, day) = civil_from_days(days);
        assert_eq!(days_from_civil(year, month, day), days);
    }
    assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
}

#[test]
fn weekdays() {
    assert_eq!(weekday(0), 4); // Thursday
    assert_eq!(
        WEEKDAYS[weekday(days_from_civil(2026, 3, 1)) as usize],
        "Sunday"
    );
}

#[test]
fn daylight_saving_switches_on_the_right_instants() {
    // 2025: starts Sunday 9 March 02:00 local, ends Sunday 2 November 02:00 local.
    let start_utc = days_from_civil(2025, 3, 9) * DAY_MS + 7 * HOUR_MS;
    assert_eq!(Zone::Eastern.offset_at(start_utc - 1), -5 * 3600);
    assert_eq!(Zone::Eastern.offset_at(start_utc), -4 * 3600);
    let end_utc = days_from_civil(2025, 11, 2) * DAY_MS + 6 * HOUR_MS;
    assert_eq!(Zone::Eastern.offset_at(end_utc - 1), -4 * 3600);
    assert_eq!(Zone::Eastern.offset_at(end_utc), -5 * 3600);
    // 2026: 8 March and 1 November.
    let pacific_start = days_from_civil(2026, 3, 8) * DAY_MS + 10 * HOUR_MS;
    assert_eq!(Zone::Pacific.offset_at(pacific_start - 1), -8 * 3600);
    assert_eq!(Zone::Pacific.offset_at(pacific_start), -7 * 3600);
    let july = days_from_civil(2026, 7, 1) * DAY_MS;
    assert_eq!(Zone::Arizona.offset_at(july), -7 * 3600);
    assert_eq!(Zone::Hawaii.offset_at(july), -10 * 3600);
    assert_eq!(Zone::Alaska.offset_at(july), -8 * 3600);
    assert_eq!(Zone::Central.offset_at(july), -5 * 3600);
    assert_eq!(Zone::Mountain.offset_at(july), -6 * 3600);
}

#[test]
fn rfc3339_text_parses_back_to_the_same_instant_and_offset() {
    let base = days_from_civil(2025, 6, 15) * DAY_MS;
    for step in 0..500_i64 {
        let unix_ms = base + step * 7_777_777 + (step % 3) * 250;
        for zone in [Zone::Eastern, Zone::Central, Zone::Arizona, Zone::Hawaii] {
            let offset = zone.offset_at(unix_ms);
            let text = rfc3339(unix_ms, offset);
            let parsed = ZonedTime::parse(&text).unwrap();
            assert_eq!(parsed.unix_seconds(), unix_ms.div_euclid(1_000), "{text}");
            assert_eq!(parsed.offset_seconds(), offset);
        }
    }
    assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00Z");
    assert_eq!(rfc3339(1_500, -7 * 3600), "1969-12-31T17:00:01.500-07:00");
    assert_eq!(offset_text(5 * 3600 + 1800), "+05:30");
}

#[test]
fn local_readings() {
    let unix_ms = days_from_civil(2026, 3, 1) * DAY_MS + 9 * HOUR_MS + 10 * MINUTE_MS;
    let wall = local(unix_ms, -7 * 3600);
    assert_eq!((wall.hour, wall.minute), (2, 10));
    assert_eq!(wall.military(), "0210");
    assert_eq!(wall.twelve_hour(0), "2:10 a.m.");
    assert_eq!(wall.twelve_hour(1), "2:10 AM");
    assert_eq!(wall.us_date(), "03/01/2026");
    assert_eq!(wall.long_date(), "March 1, 2026");
    assert_eq!(wall.weekday_name(), "Sunday");
    assert_eq!(iso_date(wall.day_number), "2026-03-01");
    let noon = local(days_from_civil(2026, 3, 1) * DAY_MS + 12 * HOUR_MS, 0);
    assert_eq!(noon.twelve_hour(2), "12 pm");
}
