//! A household's month calendar (我的日历): which days of a month carry a harvest window, its
//! uncertain edges, a planting, a shift, a solar term or the Spring Festival. Pure: the page
//! passes in the household's dated events and gets back weeks of marked days.

use crate::calendar::{self, CalendarError};
use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    pub fn of(day: NaiveDate) -> YearMonth {
        YearMonth {
            year: day.year(),
            month: day.month(),
        }
    }

    /// Reads `2027-02`. `None` for anything else or a year the Chinese calendar cannot place.
    pub fn parse(text: &str) -> Option<YearMonth> {
        let (y, m) = text.trim().split_once('-')?;
        let (year, month) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?);
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        ((calendar::FIRST_YEAR..=calendar::LAST_YEAR).contains(&year) && y.len() == 4)
            .then(|| YearMonth::of(first))
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    pub fn next(self) -> YearMonth {
        YearMonth::of(self.first_day() + Months::new(1))
    }

    pub fn prev(self) -> YearMonth {
        YearMonth::of(self.first_day() - Months::new(1))
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        YearMonth::of(day) == self
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// What a day can be marked with, in the order the page draws them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Mark {
    /// Inside a forecast harvest window (median start to harvest end).
    Harvest,
    /// Before the median start but after the early (P10) start, or after the median but before
    /// the late (P90) start: harvest may begin here.
    MayStart,
    /// A crop was (or is to be) planted that day.
    Planted,
    /// Someone of the household is booked to work.
    Shift,
    /// A lease fee falls due.
    LeaseDue,
}

/// A dated event of the household for the calendar (the days `from..=until`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub mark: Mark,
}

/// One day of the month grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCell {
    pub date: NaiveDate,
    /// False for the leading and trailing days of the neighbouring months.
    pub in_month: bool,
    pub today: bool,
    pub marks: Vec<Mark>,
    /// The solar term (节气) starting that day, index into [`calendar::TERM_NAMES`].
    pub term: Option<usize>,
    pub spring_festival: bool,
}

/// The month as weeks of seven days, Monday first, every day in the month present once.
///
/// # Errors
/// The month lies outside the years the Chinese calendar answers for.
pub fn month_grid(
    month: YearMonth,
    today: NaiveDate,
    events: &[Event],
) -> Result<Vec<Vec<DayCell>>, CalendarError> {
    let mut terms = calendar::solar_terms(month.year)?;
    // The grid shows a few days of the neighbouring years at its edges.
    if month.month == 1 {
        terms.extend(calendar::solar_terms(month.year - 1).unwrap_or_default());
    }
    if month.month == 12 {
        terms.extend(calendar::solar_terms(month.year + 1).unwrap_or_default());
    }
    let festivals: Vec<NaiveDate> = [month.year - 1, month.year, month.year + 1]
        .into_iter()
        .filter_map(|y| calendar::spring_festival(y).ok())
        .collect();
    let first = month.first_day();
    let lead = u64::from(first.weekday().num_days_from_monday());
    let start = first - Days::new(lead);
    let last = month.last_day();
    let trail = u64::from(6 - last.weekday().num_days_from_monday());
    let end = last + Days::new(trail);
    let mut weeks = Vec::new();
    let mut week = Vec::with_capacity(7);
    for date in start.iter_days().take_while(|d| *d <= end) {
        let mut marks: Vec<Mark> = events
            .iter()
            .filter(|e| e.from <= date && date <= e.until)
            .map(|e| e.mark)
            .collect();
        marks.sort();
        marks.dedup();
        // A day inside a harvest window needs no "may start" mark as well.
        if marks.contains(&Mark::Harvest) {
            marks.retain(|m| *m != Mark::MayStart);
        }
        week.push(DayCell {
            date,
            in_month: month.contains(date),
            today: date == today,
            marks,
            term: terms
                .iter()
                .find(|t| t.date == date)
                .and_then(|t| calendar::Term::from_name(&t.name_zh))
                .map(calendar::Term::index),
            spring_festival: festivals.contains(&date),
        });
        if date.weekday() == Weekday::Sun {
            weeks.push(std::mem::take(&mut week));
        }
    }
    Ok(weeks)
}

/// A planting's forecast window as calendar events: harvest from the median start to the end,
/// and "may start" days between the early (P10) and late (P90) starts outside that.
pub fn harvest_events(
    p10: NaiveDate,
    p50: NaiveDate,
    p90: NaiveDate,
    end: NaiveDate,
) -> Vec<Event> {
    let mut out = vec![Event {
        from: p50,
        until: end.max(p50),
        mark: Mark::Harvest,
    }];
    if p10 < p50 {
        out.push(Event {
            from: p10,
            until: p50.pred_opt().unwrap_or(p50),
            mark: Mark::MayStart,
        });
    }
    if p90 > end {
        out.push(Event {
            from: end.succ_opt().unwrap_or(end),
            until: p90,
            mark: Mark::MayStart,
        });
    }
    out
}

/// How a forecast's median harvest start moved since an earlier forecast, in days (positive:
/// later).
pub fn moved_days(earlier: NaiveDate, now: NaiveDate) -> i64 {
    (now - earlier).num_days()
}

/// "比上周推迟 3 天" / "3 days later than last week", or "unchanged".
pub fn moved_text(days: i64, lang: crate::Lang) -> String {
    match (days.signum(), lang) {
        (0, crate::Lang::Zh) => "与上周预测相同".to_owned(),
        (0, crate::Lang::En) => "same as last week's forecast".to_owned(),
        (1, crate::Lang::Zh) => format!("比上周预测推迟 {days} 天"),
        (1, crate::Lang::En) => format!("{days} days later than last week's forecast"),
        (_, crate::Lang::Zh) => format!("比上周预测提前 {} 天", -days),
        (_, crate::Lang::En) => format!("{} days earlier than last week's forecast", -days),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn months_parse_strictly_and_step() {
        let feb = YearMonth::parse("2027-02").expect("month");
        assert_eq!(feb.to_string(), "2027-02");
        assert_eq!(feb.last_day(), d(2027, 2, 28));
        assert_eq!(
            YearMonth::parse("2026-12").map(|m| m.next()),
            Some(feb.prev())
        );
        assert_eq!(feb.prev().prev().to_string(), "2026-12");
        for bad in [
            "",
            "2027",
            "2027-13",
            "2027-00",
            "27-02",
            "1800-01",
            "2027-02-01",
            "x-y",
        ] {
            assert_eq!(YearMonth::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_grid_runs_monday_to_sunday_and_holds_each_day_of_the_month_once() {
        for text in ["2026-11", "2026-12", "2027-02", "2024-02", "2027-03"] {
            let month = YearMonth::parse(text).expect("month");
            let weeks = month_grid(month, d(2026, 11, 25), &[]).expect("grid");
            assert!(weeks.iter().all(|w| w.len() == 7), "{text}");
            assert!(weeks.iter().all(|w| w[0].date.weekday() == Weekday::Mon));
            let days: Vec<NaiveDate> = weeks
                .iter()
                .flatten()
                .filter(|c| c.in_month)
                .map(|c| c.date)
                .collect();
            let expected: Vec<NaiveDate> = month
                .first_day()
                .iter_days()
                .take_while(|x| *x <= month.last_day())
                .collect();
            assert_eq!(days, expected, "{text}");
        }
    }

    #[test]
    fn february_2027_shows_the_spring_festival_and_its_solar_terms() {
        let weeks = month_grid(
            YearMonth::parse("2027-02").expect("m"),
            d(2026, 11, 25),
            &[],
        )
        .expect("grid");
        let cells: Vec<&DayCell> = weeks.iter().flatten().filter(|c| c.in_month).collect();
        let festival: Vec<NaiveDate> = cells
            .iter()
            .filter(|c| c.spring_festival)
            .map(|c| c.date)
            .collect();
        // 2027's Spring Festival is 6 February (Hong Kong Observatory).
        assert_eq!(festival, vec![d(2027, 2, 6)]);
        let terms: Vec<(NaiveDate, &str)> = cells
            .iter()
            .filter_map(|c| c.term.map(|t| (c.date, calendar::TERM_NAMES[t].0)))
            .collect();
        assert_eq!(terms.len(), 2, "{terms:?}");
        assert_eq!(terms[0].1, "立春");
        assert_eq!(terms[1].1, "雨水");
        assert!(cells.iter().all(|c| !c.today));
    }

    #[test]
    fn harvest_days_and_uncertain_edges_are_marked_once() {
        let events = harvest_events(
            d(2027, 1, 28),
            d(2027, 2, 3),
            d(2027, 2, 12),
            d(2027, 2, 10),
        );
        let mut all = events.clone();
        all.push(Event {
            from: d(2027, 2, 5),
            until: d(2027, 2, 5),
            mark: Mark::Shift,
        });
        let weeks =
            month_grid(YearMonth::parse("2027-02").expect("m"), d(2027, 2, 5), &all).expect("grid");
        let cell = |day: u32| {
            weeks
                .iter()
                .flatten()
                .find(|c| c.in_month && c.date.day() == day)
                .expect("cell")
                .clone()
        };
        assert_eq!(cell(1).marks, vec![Mark::MayStart]);
        assert_eq!(cell(3).marks, vec![Mark::Harvest]);
        assert_eq!(cell(5).marks, vec![Mark::Harvest, Mark::Shift]);
        assert!(cell(5).today);
        assert_eq!(cell(10).marks, vec![Mark::Harvest]);
        assert_eq!(cell(11).marks, vec![Mark::MayStart]);
        assert_eq!(cell(12).marks, vec![Mark::MayStart]);
        assert!(cell(13).marks.is_empty());
        // The early edge reaches back into January's grid (1 February 2027 is a Monday).
        assert!(weeks[0][0].date == d(2027, 2, 1));
        let january =
            month_grid(YearMonth::parse("2027-01").expect("m"), d(2027, 2, 5), &all).expect("grid");
        let marks = |day: u32| {
            january
                .iter()
                .flatten()
                .find(|c| c.date == d(2027, 1, day))
                .expect("cell")
                .marks
                .clone()
        };
        assert_eq!(marks(28), vec![Mark::MayStart]);
        assert_eq!(marks(31), vec![Mark::MayStart]);
        assert!(marks(27).is_empty());
    }

    #[test]
    fn a_month_outside_the_calendar_is_an_error_not_a_panic() {
        let far = YearMonth {
            year: 2200,
            month: 1,
        };
        assert!(month_grid(far, d(2026, 11, 25), &[]).is_err());
    }

    #[test]
    fn movement_reads_in_both_languages() {
        assert_eq!(moved_days(d(2027, 2, 3), d(2027, 2, 6)), 3);
        assert_eq!(moved_text(3, crate::Lang::Zh), "比上周预测推迟 3 天");
        assert_eq!(
            moved_text(-2, crate::Lang::En),
            "2 days earlier than last week's forecast"
        );
        assert_eq!(moved_text(0, crate::Lang::Zh), "与上周预测相同");
    }
}
