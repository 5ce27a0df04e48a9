//! The Chinese calendar dates the market runs on: the Spring Festival (春节, lunar 1/1) and the
//! 24 solar terms (二十四节气), for the Gregorian years 1901–2100.
//!
//! Both come from `tyme4rs` (MIT), which computes the terms astronomically (the 寿星 algorithm)
//! and the lunar months from new moons, in China Standard Time. Tests check it against published
//! tables (Hong Kong Observatory / Purple Mountain Observatory almanac dates).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tyme4rs::tyme::lunar::LunarDay;
use tyme4rs::tyme::solar::{SolarDay, SolarTerm as TymeTerm};

/// First and last Gregorian year the calendar answers for.
pub const FIRST_YEAR: i32 = 1901;
pub const LAST_YEAR: i32 = 2100;

/// The 24 terms in the order they fall in a Gregorian year (小寒 in early January first),
/// with their usual English names.
pub const TERM_NAMES: [(&str, &str); 24] = [
    ("小寒", "Minor Cold"),
    ("大寒", "Major Cold"),
    ("立春", "Start of Spring"),
    ("雨水", "Rain Water"),
    ("惊蛰", "Awakening of Insects"),
    ("春分", "Spring Equinox"),
    ("清明", "Pure Brightness"),
    ("谷雨", "Grain Rain"),
    ("立夏", "Start of Summer"),
    ("小满", "Grain Buds"),
    ("芒种", "Grain in Ear"),
    ("夏至", "Summer Solstice"),
    ("小暑", "Minor Heat"),
    ("大暑", "Major Heat"),
    ("立秋", "Start of Autumn"),
    ("处暑", "End of Heat"),
    ("白露", "White Dew"),
    ("秋分", "Autumn Equinox"),
    ("寒露", "Cold Dew"),
    ("霜降", "Frost's Descent"),
    ("立冬", "Start of Winter"),
    ("小雪", "Minor Snow"),
    ("大雪", "Major Snow"),
    ("冬至", "Winter Solstice"),
];

/// A solar term, by its position in the Gregorian year (0 = 小寒 … 23 = 冬至).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Term(u8);

impl Term {
    pub const START_OF_SPRING: Term = Term(2);
    pub const PURE_BRIGHTNESS: Term = Term(6);
    pub const START_OF_AUTUMN: Term = Term(14);
    pub const END_OF_HEAT: Term = Term(15);
    pub const WHITE_DEW: Term = Term(16);

    /// The term at `index` (0 = 小寒), if it exists.
    pub fn from_index(index: usize) -> Option<Term> {
        (index < 24).then_some(Term(index as u8))
    }

    /// Finds a term by its Chinese or English name.
    pub fn from_name(name: &str) -> Option<Term> {
        TERM_NAMES
            .iter()
            .position(|(zh, en)| *zh == name || en.eq_ignore_ascii_case(name))
            .and_then(Term::from_index)
    }

    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    pub fn name_zh(self) -> &'static str {
        TERM_NAMES[self.index()].0
    }

    pub fn name_en(self) -> &'static str {
        TERM_NAMES[self.index()].1
    }

    /// The day this term begins in `year`.
    ///
    /// # Errors
    /// [`CalendarError::YearOutOfRange`] outside 1901–2100.
    pub fn date_in(self, year: i32) -> Result<NaiveDate, CalendarError> {
        Ok(year_dates(year)?.terms[usize::from(self.0)])
    }

    /// [`Term::date_in`] worked out from the astronomy (tens of microseconds).
    fn compute_date_in(self, year: i32) -> Result<NaiveDate, CalendarError> {
        check_year(year)?;
        // tyme4rs counts a term year from the previous 冬至: index 0 is 冬至 (December of the year
        // before), 1 = 小寒 … 23 = 大雪. Our 冬至 is therefore index 0 of the following year.
        let term = if self.0 == 23 {
            TymeTerm::from_index(year as isize + 1, 0)
        } else {
            TymeTerm::from_index(year as isize, isize::from(self.0) + 1)
        };
        to_date(&term.get_solar_day())
    }
}

/// A solar term with its date, as the API and the calendar pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermDate {
    pub name_zh: String,
    pub name_en: String,
    pub date: NaiveDate,
}

/// Why a calendar question has no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("year {0} is outside 1901–2100")]
    YearOutOfRange(i32),
}

impl CalendarError {
    pub fn code(self) -> &'static str {
        "year_out_of_range"
    }

    pub fn message(self, lang: crate::Lang) -> String {
        let CalendarError::YearOutOfRange(year) = self;
        match lang {
            crate::Lang::Zh => format!("年份 {year} 超出范围（可用 {FIRST_YEAR}–{LAST_YEAR} 年）"),
            crate::Lang::En => {
                format!("Year {year} is out of range (use {FIRST_YEAR}–{LAST_YEAR})")
            }
        }
    }
}

fn check_year(year: i32) -> Result<(), CalendarError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(CalendarError::YearOutOfRange(year))
    }
}

fn to_date(day: &SolarDay) -> Result<NaiveDate, CalendarError> {
    let year = day.get_year() as i32;
    NaiveDate::from_ymd_opt(year, day.get_month() as u32, day.get_day() as u32)
        .ok_or(CalendarError::YearOutOfRange(year))
}

/// Years where `tyme4rs` puts the Spring Festival a day away from the published almanacs, and
/// the published date. 1954: the new moon of the first month falls just before midnight China
/// time, 3 February; the Hong Kong Observatory table and the almanacs issued in China give
/// 3 February, the library 4 February. Found by checking every year 1901–2100 against the
/// Hong Kong Observatory table (`tests/calendar_tables.rs`); no other year differs.
const FESTIVAL_CORRECTIONS: &[(i32, u32, u32)] = &[(1954, 2, 3)];

/// The Spring Festival (first day of the first lunar month) that falls in Gregorian `year`.
///
/// # Errors
/// [`CalendarError::YearOutOfRange`] outside 1901–2100.
pub fn spring_festival(year: i32) -> Result<NaiveDate, CalendarError> {
    Ok(year_dates(year)?.festival)
}

/// A year's 24 term dates and its Spring Festival, worked out once per process: the month
/// calendar of every farmer's page asks for them, and the astronomy behind them takes ~40 µs
/// a year.
struct YearDates {
    terms: [NaiveDate; 24],
    festival: NaiveDate,
}

const YEARS: usize = (LAST_YEAR - FIRST_YEAR + 1) as usize;
static YEAR_DATES: [std::sync::OnceLock<YearDates>; YEARS] =
    [const { std::sync::OnceLock::new() }; YEARS];

fn year_dates(year: i32) -> Result<&'static YearDates, CalendarError> {
    check_year(year)?;
    let slot = &YEAR_DATES[(year - FIRST_YEAR) as usize];
    if let Some(dates) = slot.get() {
        return Ok(dates);
    }
    let mut terms = [NaiveDate::MIN; 24];
    for (i, slot) in terms.iter_mut().enumerate() {
        *slot = Term(i as u8).compute_date_in(year)?;
    }
    let festival = match FESTIVAL_CORRECTIONS.iter().find(|(y, _, _)| *y == year) {
        Some(&(y, m, d)) => {
            NaiveDate::from_ymd_opt(y, m, d).ok_or(CalendarError::YearOutOfRange(y))?
        }
        None => to_date(&LunarDay::from_ymd(year as isize, 1, 1).get_solar_day())?,
    };
    Ok(slot.get_or_init(|| YearDates { terms, festival }))
}

/// The 24 solar terms of Gregorian `year`, in date order (小寒 … 冬至).
///
/// # Errors
/// [`CalendarError::YearOutOfRange`] outside 1901–2100.
pub fn solar_terms(year: i32) -> Result<Vec<TermDate>, CalendarError> {
    (0..24)
        .filter_map(Term::from_index)
        .map(|term| {
            Ok(TermDate {
                name_zh: term.name_zh().to_owned(),
                name_en: term.name_en().to_owned(),
                date: term.date_in(year)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    /// Chinese New Year dates as published by the Hong Kong Observatory's Gregorian–lunar
    /// conversion tables (hko.gov.hk/en/gts/time/conversion.htm).
    #[test]
    fn spring_festival_matches_the_hong_kong_observatory_tables() {
        let published = [
            (1901, d(1901, 2, 19)),
            (1949, d(1949, 1, 29)),
            (1985, d(1985, 2, 20)),
            (2000, d(2000, 2, 5)),
            (2008, d(2008, 2, 7)),
            (2020, d(2020, 1, 25)),
            (2021, d(2021, 2, 12)),
            (2022, d(2022, 2, 1)),
            (2023, d(2023, 1, 22)),
            (2024, d(2024, 2, 10)),
            (2025, d(2025, 1, 29)),
            (2026, d(2026, 2, 17)),
            (2027, d(2027, 2, 6)),
            (2028, d(2028, 1, 26)),
            (2029, d(2029, 2, 13)),
            (2030, d(2030, 2, 3)),
            (2031, d(2031, 1, 23)),
            (2032, d(2032, 2, 11)),
        ];
        for (year, date) in published {
            assert_eq!(spring_festival(year), Ok(date), "{year}");
        }
    }

    /// Solar term dates (China Standard Time) from the Hong Kong Observatory's "24 Solar Terms"
    /// tables for 2024–2027.
    #[test]
    fn solar_terms_match_the_hong_kong_observatory_tables() {
        let published = [
            (Term::START_OF_SPRING, d(2024, 2, 4)),
            (Term::START_OF_SPRING, d(2025, 2, 3)),
            (Term::START_OF_SPRING, d(2026, 2, 4)),
            (Term::START_OF_SPRING, d(2027, 2, 4)),
            (Term::PURE_BRIGHTNESS, d(2024, 4, 4)),
            (Term::PURE_BRIGHTNESS, d(2026, 4, 5)),
            (Term::START_OF_AUTUMN, d(2025, 8, 7)),
            (Term::END_OF_HEAT, d(2024, 8, 22)),
            (Term::END_OF_HEAT, d(2025, 8, 23)),
            (Term::from_name("秋分").expect("term"), d(2025, 9, 23)),
            (Term::from_name("夏至").expect("term"), d(2024, 6, 21)),
            (Term::from_name("冬至").expect("term"), d(2024, 12, 21)),
            (Term::from_name("冬至").expect("term"), d(2026, 12, 22)),
        ];
        for (term, date) in published {
            assert_eq!(term.date_in(date.year()), Ok(date), "{term:?}");
        }
    }

    #[test]
    fn every_year_has_24_terms_in_date_order_within_that_year() {
        for year in [FIRST_YEAR, 1950, 2026, 2033, LAST_YEAR] {
            let terms = solar_terms(year).expect("in range");
            assert_eq!(terms.len(), 24);
            assert!(terms.windows(2).all(|w| w[0].date < w[1].date), "{year}");
            assert!(terms.iter().all(|t| t.date.year() == year));
            assert_eq!(terms[2].name_zh, "立春");
            assert_eq!(terms[2].name_en, "Start of Spring");
        }
    }

    #[test]
    fn the_1954_spring_festival_is_the_almanacs_3_february_not_the_librarys_4th() {
        assert_eq!(spring_festival(1954), Ok(d(1954, 2, 3)));
        let library = LunarDay::from_ymd(1954, 1, 1).get_solar_day();
        assert_eq!(
            (library.get_month(), library.get_day()),
            (2, 4),
            "if the library now agrees, drop the correction"
        );
    }

    #[test]
    fn spring_festival_always_falls_between_21_january_and_20_february() {
        for year in FIRST_YEAR..=LAST_YEAR {
            let date = spring_festival(year).expect("in range");
            assert!(date >= d(year, 1, 21) && date <= d(year, 2, 20), "{date}");
        }
    }

    #[test]
    fn years_outside_the_table_are_refused() {
        assert_eq!(
            spring_festival(1900),
            Err(CalendarError::YearOutOfRange(1900))
        );
        assert!(solar_terms(2101).is_err());
        assert!(
            CalendarError::YearOutOfRange(2101)
                .message(crate::Lang::Zh)
                .contains("2101")
        );
    }

    #[test]
    fn terms_are_found_by_either_name() {
        assert_eq!(Term::from_name("立秋"), Some(Term::START_OF_AUTUMN));
        assert_eq!(
            Term::from_name("start of autumn"),
            Some(Term::START_OF_AUTUMN)
        );
        assert_eq!(Term::from_name("立冬节"), None);
    }
}
