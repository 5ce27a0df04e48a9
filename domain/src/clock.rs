//! China's clock. Every township works on Beijing time (UTC+8, no daylight saving), whatever
//! zone the server runs in; timestamps are stored in UTC and shown on this clock.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};

/// An instant as China's wall clock reads it.
#[must_use]
pub fn china_time(at: DateTime<Utc>) -> NaiveDateTime {
    (at + Duration::hours(8)).naive_utc()
}

/// The day in China at an instant.
#[must_use]
pub fn china_day(at: DateTime<Utc>) -> NaiveDate {
    china_time(at).date()
}

/// An instant shown to a person: `YYYY-MM-DD HH:MM`, Beijing time.
#[must_use]
pub fn china_minute(at: DateTime<Utc>) -> String {
    china_time(at).format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("an RFC 3339 instant")
            .with_timezone(&Utc)
    }

    #[test]
    fn utc_evening_is_the_next_morning_in_china() {
        let at = utc("2026-12-02T17:30:00Z");
        assert_eq!(
            china_day(at),
            NaiveDate::from_ymd_opt(2026, 12, 3).expect("a day")
        );
        assert_eq!(china_minute(at), "2026-12-03 01:30");
    }

    #[test]
    fn an_offset_instant_reads_the_same_as_its_utc_equal() {
        let at = utc("2026-12-03T08:00:00+08:00");
        assert_eq!(china_minute(at), "2026-12-03 08:00");
        assert_eq!(
            china_day(utc("2026-12-02T15:59:59Z")),
            NaiveDate::from_ymd_opt(2026, 12, 2).expect("a day")
        );
    }
}
