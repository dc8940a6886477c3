//! Civil-calendar arithmetic, US time zones with their daylight-saving rules, and RFC 3339 text.
//!
//! The generator never reads a clock: every instant is a number of Unix milliseconds derived
//! from the seed, shown in the offset of the zone where it happened.

pub(crate) const SECOND_MS: i64 = 1_000;
pub(crate) const MINUTE_MS: i64 = 60 * SECOND_MS;
pub(crate) const HOUR_MS: i64 = 60 * MINUTE_MS;
pub(crate) const DAY_MS: i64 = 24 * HOUR_MS;

/// A US time zone (the rules in force since 2007).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Zone {
    Eastern,
    Central,
    Mountain,
    /// Mountain Standard Time all year (no daylight saving).
    Arizona,
    Pacific,
    Alaska,
    /// Hawaii-Aleutian Standard Time all year.
    Hawaii,
}

impl Zone {
    fn standard_offset_s(self) -> i32 {
        match self {
            Self::Eastern => -5 * 3600,
            Self::Central => -6 * 3600,
            Self::Mountain | Self::Arizona => -7 * 3600,
            Self::Pacific => -8 * 3600,
            Self::Alaska => -9 * 3600,
            Self::Hawaii => -10 * 3600,
        }
    }

    fn observes_dst(self) -> bool {
        !matches!(self, Self::Arizona | Self::Hawaii)
    }

    /// The UTC offset in seconds in force at `unix_ms`: daylight time from 02:00 local standard
    /// time on the second Sunday of March to 02:00 local daylight time on the first Sunday of
    /// November.
    pub(crate) fn offset_at(self, unix_ms: i64) -> i32 {
        let standard = self.standard_offset_s();
        if !self.observes_dst() {
            return standard;
        }
        let (year, _, _) = civil_from_days(unix_ms.div_euclid(DAY_MS));
        let start_day = nth_sunday(year, 3, 2);
        let end_day = nth_sunday(year, 11, 1);
        let start_ms = start_day * DAY_MS + 2 * HOUR_MS - i64::from(standard) * SECOND_MS;
        let end_ms = end_day * DAY_MS + 2 * HOUR_MS - i64::from(standard + 3600) * SECOND_MS;
        if (start_ms..end_ms).contains(&unix_ms) {
            standard + 3600
        } else {
            standard
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day number (inverse of `days_from_civil`).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Day of the week, 0 = Sunday.
pub(crate) fn weekday(days: i64) -> u32 {
    // 1970-01-01 was a Thursday.
    (days + 4).rem_euclid(7) as u32
}

fn nth_sunday(year: i64, month: u32, nth: i64) -> i64 {
    let first = days_from_civil(year, month, 1);
    let until_sunday = (7 - i64::from(weekday(first))) % 7;
    first + until_sunday + 7 * (nth - 1)
}

/// A local wall-clock reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Local {
    pub(crate) year: i64,
    pub(crate) month: u32,
    pub(crate) day: u32,
    pub(crate) hour: u32,
    pub(crate) minute: u32,
    pub(crate) second: u32,
    pub(crate) millis: u32,
    /// 0 = Sunday.
    pub(crate) weekday: u32,
    /// Days since 1970-01-01 of the local date.
    pub(crate) day_number: i64,
}

/// The wall clock at `unix_ms` in the given offset.
pub(crate) fn local(unix_ms: i64, offset_s: i32) -> Local {
    let shifted = unix_ms + i64::from(offset_s) * SECOND_MS;
    let day_number = shifted.div_euclid(DAY_MS);
    let in_day = shifted.rem_euclid(DAY_MS);
    let (year, month, day) = civil_from_days(day_number);
    Local {
        year,
        month,
        day,
        hour: (in_day / HOUR_MS) as u32,
        minute: (in_day % HOUR_MS / MINUTE_MS) as u32,
        second: (in_day % MINUTE_MS / SECOND_MS) as u32,
        millis: (in_day % SECOND_MS) as u32,
        weekday: weekday(day_number),
        day_number,
    }
}

/// RFC 3339 text of `unix_ms` in the given offset (`Z` for UTC); milliseconds are written only
/// when not zero.
pub(crate) fn rfc3339(unix_ms: i64, offset_s: i32) -> String {
    let wall = local(unix_ms, offset_s);
    let mut text = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second
    );
    if wall.millis != 0 {
        text.push_str(&format!(".{:03}", wall.millis));
    }
    text.push_str(&offset_text(offset_s));
    text
}

/// `Z`, or `±HH:MM`.
pub(crate) fn offset_text(offset_s: i32) -> String {
    if offset_s == 0 {
        return "Z".to_owned();
    }
    let sign = if offset_s < 0 { '-' } else { '+' };
    let magnitude = offset_s.unsigned_abs();
    format!("{sign}{:02}:{:02}", magnitude / 3600, magnitude % 3600 / 60)
}

/// `YYYY-MM-DD` of a day number.
pub(crate) fn iso_date(day_number: i64) -> String {
    let (year, month, day) = civil_from_days(day_number);
    format!("{year:04}-{month:02}-{day:02}")
}

pub(crate) const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Local {
    /// `0215`: the 24-hour time officers write.
    pub(crate) fn military(&self) -> String {
        format!("{:02}{:02}", self.hour, self.minute)
    }

    /// `2:15 a.m.` / `2:15 PM` / `2 p.m.`.
    pub(crate) fn twelve_hour(&self, style: usize) -> String {
        let hour12 = match self.hour % 12 {
            0 => 12,
            other => other,
        };
        let morning = self.hour < 12;
        let suffix = match (style % 3, morning) {
            (0, true) => "a.m.",
            (0, false) => "p.m.",
            (1, true) => "AM",
            (1, false) => "PM",
            (_, true) => "am",
            (_, false) => "pm",
        };
        if self.minute == 0 {
            format!("{hour12} {suffix}")
        } else {
            format!("{hour12}:{:02} {suffix}", self.minute)
        }
    }

    /// `03/01/2026`.
    pub(crate) fn us_date(&self) -> String {
        format!("{:02}/{:02}/{}", self.month, self.day, self.year)
    }

    /// `March 1, 2026`.
    pub(crate) fn long_date(&self) -> String {
        format!(
            "{} {}, {}",
            MONTHS[(self.month - 1) as usize],
            self.day,
            self.year
        )
    }

    /// `Sunday`.
    pub(crate) fn weekday_name(&self) -> &'static str {
        WEEKDAYS[self.weekday as usize]
    }
}

#[cfg(test)]
mod tests;
