//! Seasons of land use: the days a planting holds its plot, and the peak area held at once.
//! This is where "planted area in any overlapping season never exceeds the plot" is decided.

use crate::Mu;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// The days a planting holds its land, both ends included: from planting to the end of harvest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Season {
    pub from: NaiveDate,
    pub until: NaiveDate,
}

impl Season {
    /// A season of `days` days starting on `from` (at least the planting day itself).
    pub fn starting(from: NaiveDate, days: u32) -> Self {
        let until = from
            .checked_add_days(Days::new(u64::from(days.max(1) - 1)))
            .unwrap_or(from);
        Season { from, until }
    }

    pub fn overlaps(&self, other: &Season) -> bool {
        self.from <= other.until && other.from <= self.until
    }
}

/// Land held on a plot: an area over a season.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occupancy {
    pub season: Season,
    pub area: Mu,
}

/// The farming season a day belongs to: 1 July to 30 June (winter crops straddle the new
/// year), as (first day, last day).
pub fn season_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let y = crate::forecast::engine::season_year(day);
    let from = NaiveDate::from_ymd_opt(y, 7, 1).unwrap_or(day);
    let until = NaiveDate::from_ymd_opt(y + 1, 6, 30).unwrap_or(day);
    (from, until)
}

/// The largest total area that `held` occupies on any single day of `window`.
///
/// Two plantings that overlap `window` but not each other (a November crop and a March crop
/// against a November–March window) never count together: the sum is taken day by day.
pub fn peak_area(held: &[Occupancy], window: Season) -> Mu {
    // Sweep over the days on which the occupied area changes.
    let mut events: Vec<(NaiveDate, i64)> = Vec::with_capacity(held.len() * 2);
    for o in held.iter().filter(|o| o.season.overlaps(&window)) {
        let start = o.season.from.max(window.from);
        events.push((start, o.area.centi()));
        if let Some(after) = o.season.until.succ_opt()
            && o.season.until < window.until
        {
            events.push((after, -o.area.centi()));
        }
    }
    // On the same day, releases come before new holdings.
    events.sort_unstable();
    let (mut now, mut peak) = (0i64, 0i64);
    for (_, delta) in events {
        now += delta;
        peak = peak.max(now);
    }
    Mu::from_centi(peak)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_season_runs_from_july_to_june() {
        let d = |s: &str| s.parse::<chrono::NaiveDate>().expect("date");
        assert_eq!(
            super::season_of(d("2026-12-02")),
            (d("2026-07-01"), d("2027-06-30"))
        );
        assert_eq!(
            super::season_of(d("2027-06-30")),
            (d("2026-07-01"), d("2027-06-30"))
        );
        assert_eq!(
            super::season_of(d("2027-07-01")),
            (d("2027-07-01"), d("2028-06-30"))
        );
    }

    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn held(from: NaiveDate, until: NaiveDate, mu: i64) -> Occupancy {
        Occupancy {
            season: Season { from, until },
            area: Mu::from_whole(mu),
        }
    }

    #[test]
    fn a_season_of_n_days_ends_on_day_n() {
        let s = Season::starting(d(2026, 12, 1), 10);
        assert_eq!(s.until, d(2026, 12, 10));
        assert_eq!(Season::starting(d(2026, 12, 1), 0).until, d(2026, 12, 1));
    }

    #[test]
    fn plantings_that_follow_each_other_do_not_add_up() {
        let autumn = held(d(2026, 8, 1), d(2026, 10, 31), 6);
        let winter = held(d(2026, 11, 1), d(2027, 2, 28), 5);
        let window = Season {
            from: d(2026, 9, 1),
            until: d(2027, 1, 31),
        };
        assert_eq!(peak_area(&[autumn, winter], window), Mu::from_whole(6));
    }

    #[test]
    fn plantings_sharing_a_day_add_up() {
        let a = held(d(2026, 8, 1), d(2026, 11, 1), 6);
        let b = held(d(2026, 11, 1), d(2027, 2, 28), 5);
        let window = Season {
            from: d(2026, 9, 1),
            until: d(2027, 1, 31),
        };
        assert_eq!(peak_area(&[a, b], window), Mu::from_whole(11));
    }

    #[test]
    fn plantings_outside_the_window_do_not_count() {
        let old = held(d(2025, 11, 1), d(2026, 3, 1), 9);
        let window = Season {
            from: d(2026, 11, 1),
            until: d(2027, 3, 1),
        };
        assert_eq!(peak_area(&[old], window), Mu::ZERO);
    }

    proptest! {
        /// The sweep agrees with checking every single day.
        #[test]
        fn peak_matches_a_day_by_day_count(
            spans in proptest::collection::vec((0u64..120, 0u64..90, 1i64..500), 0..12),
            wfrom in 0u64..120, wlen in 0u64..120,
        ) {
            let base = d(2026, 9, 1);
            let at = |n: u64| base.checked_add_days(Days::new(n)).expect("in range");
            let held: Vec<Occupancy> = spans.iter().map(|&(s, len, c)| Occupancy {
                season: Season { from: at(s), until: at(s + len) },
                area: Mu::from_centi(c),
            }).collect();
            let window = Season { from: at(wfrom), until: at(wfrom + wlen) };
            let brute = (wfrom..=wfrom + wlen).map(|day| {
                held.iter().filter(|o| o.season.from <= at(day) && at(day) <= o.season.until)
                    .map(|o| o.area).sum::<Mu>()
            }).max().unwrap_or(Mu::ZERO);
            prop_assert_eq!(peak_area(&held, window), brute);
        }
    }
}
