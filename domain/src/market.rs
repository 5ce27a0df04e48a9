//! The market calendar: expected supply in kg per crop and week, summed from every planting's
//! forecast, with a P10–P90 band; weeks above the market's capacity flagged, and which planned
//! plantings to move, by how many days, to flatten the peak (succession planting).
//!
//! The band assumes years are shared: in a warm year every planting is early together (all at
//! their P10 start), in a cold year late together (P90). Weather is common to a township's
//! fields, so this is closer to the truth than treating plantings as independent.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A planting's expected harvest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supply {
    pub planting_id: i64,
    pub crop: String,
    pub start_p10: NaiveDate,
    pub start_p50: NaiveDate,
    pub start_p90: NaiveDate,
    /// Days of harvest; the yield is spread evenly over them.
    pub harvest_days: u32,
    pub yield_kg: i64,
    /// Still only planned, so it can be moved.
    pub movable: bool,
    pub planted_on: NaiveDate,
}

/// The Monday of `date`'s week.
pub fn week_of(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

/// One crop's week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Week {
    pub crop: String,
    /// Monday.
    pub week: NaiveDate,
    pub p50_kg: i64,
    /// The band: least and most of the early-year, median and late-year supply.
    pub low_kg: i64,
    pub high_kg: i64,
    pub capacity_kg: Option<i64>,
    pub over_capacity: bool,
}

/// Adds `kg` spread over `days` days from `start` into `weeks` (whole kg; the remainder goes to
/// the first days so the total is exact).
fn spread(weeks: &mut BTreeMap<NaiveDate, i64>, start: NaiveDate, days: u32, kg: i64) {
    let days = i64::from(days.max(1));
    let (each, extra) = (kg / days, kg % days);
    for d in 0..days {
        let day = start + Duration::days(d);
        *weeks.entry(week_of(day)).or_default() += each + i64::from(d < extra);
    }
}

/// Weekly supply of each crop for one scenario (which start to use).
fn weekly(
    supplies: &[Supply],
    start: impl Fn(&Supply) -> NaiveDate,
) -> BTreeMap<(String, NaiveDate), i64> {
    let mut out: BTreeMap<String, BTreeMap<NaiveDate, i64>> = BTreeMap::new();
    for s in supplies {
        spread(
            out.entry(s.crop.clone()).or_default(),
            start(s),
            s.harvest_days,
            s.yield_kg,
        );
    }
    out.into_iter()
        .flat_map(|(crop, weeks)| {
            weeks
                .into_iter()
                .map(move |(w, kg)| ((crop.clone(), w), kg))
        })
        .collect()
}

/// The market calendar: every crop-week with supply in any scenario, by crop then week.
pub fn calendar(supplies: &[Supply], capacity: &BTreeMap<String, i64>) -> Vec<Week> {
    let (early, mid, late) = (
        weekly(supplies, |s| s.start_p10),
        weekly(supplies, |s| s.start_p50),
        weekly(supplies, |s| s.start_p90),
    );
    let mut keys: Vec<&(String, NaiveDate)> =
        early.keys().chain(mid.keys()).chain(late.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|key| {
            let get = |m: &BTreeMap<(String, NaiveDate), i64>| m.get(key).copied().unwrap_or(0);
            let (a, b, c) = (get(&early), get(&mid), get(&late));
            let capacity_kg = capacity.get(&key.0).copied();
            Week {
                crop: key.0.clone(),
                week: key.1,
                p50_kg: b,
                low_kg: a.min(b).min(c),
                high_kg: a.max(b).max(c),
                capacity_kg,
                over_capacity: capacity_kg.is_some_and(|cap| b > cap),
            }
        })
        .collect()
}

/// A suggested move of a planned planting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Move {
    pub planting_id: i64,
    pub crop: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Positive: later.
    pub days: i64,
}

/// Shifts tried for a planned planting, nearest first (later first: a later planting is also
/// the one most often still possible).
pub const SHIFTS: [i64; 8] = [7, -7, 14, -14, 21, -21, 28, -28];

/// Suggests moving planned plantings so that no crop's P50 week exceeds its capacity: for each
/// over-full week, the planned plantings that harvest in it are tried, largest first, at each
/// shift of [`SHIFTS`]; a move is kept when the new forecast (from `reforecast`, which returns
/// the P50 first harvest for a new planting date, or `None`) lowers the crop's highest excess
/// without creating a new over-full week.
pub fn flatten(
    supplies: &[Supply],
    capacity: &BTreeMap<String, i64>,
    reforecast: impl Fn(&Supply, NaiveDate) -> Option<NaiveDate>,
) -> Vec<Move> {
    let mut current: Vec<Supply> = supplies.to_vec();
    let mut moves = Vec::new();
    let excess = |set: &[Supply], crop: &str| -> i64 {
        let Some(cap) = capacity.get(crop) else {
            return 0;
        };
        weekly(set, |s| s.start_p50)
            .into_iter()
            .filter(|((c, _), _)| c == crop)
            .map(|(_, kg)| (kg - cap).max(0))
            .sum()
    };
    for crop in capacity.keys() {
        let mut order: Vec<usize> = (0..current.len())
            .filter(|&i| current[i].movable && current[i].crop == *crop)
            .collect();
        order.sort_by_key(|&i| std::cmp::Reverse(current[i].yield_kg));
        for i in order {
            let now = excess(&current, crop);
            if now == 0 {
                break;
            }
            let best = SHIFTS
                .iter()
                .filter_map(|&days| {
                    let to = current[i].planted_on + Duration::days(days);
                    let start = reforecast(&current[i], to)?;
                    let mut trial = current.clone();
                    let shift = start - trial[i].start_p50;
                    trial[i].planted_on = to;
                    trial[i].start_p10 += shift;
                    trial[i].start_p50 = start;
                    trial[i].start_p90 += shift;
                    let after = excess(&trial, crop);
                    (after < now).then_some((after, days.abs(), days, trial))
                })
                .min_by_key(|(after, abs, _, _)| (*after, *abs));
            if let Some((_, _, days, trial)) = best {
                let from = current[i].planted_on;
                current = trial;
                moves.push(Move {
                    planting_id: current[i].planting_id,
                    crop: crop.clone(),
                    from,
                    to: current[i].planted_on,
                    days,
                });
            }
        }
    }
    moves
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        let year = if m >= 7 { 2026 } else { 2027 };
        NaiveDate::from_ymd_opt(year, m, day).expect("date")
    }

    fn supply(id: i64, start: NaiveDate, kg: i64, movable: bool) -> Supply {
        Supply {
            planting_id: id,
            crop: "celtuce".into(),
            start_p10: start - Duration::days(7),
            start_p50: start,
            start_p90: start + Duration::days(7),
            harvest_days: 14,
            yield_kg: kg,
            movable,
            planted_on: start - Duration::days(70),
        }
    }

    #[test]
    fn weekly_supply_sums_exactly_and_the_band_holds_the_median() {
        // Mondays: 1 Feb 2027 is a Monday.
        let s = [
            supply(1, d(2, 1), 1_400, false),
            supply(2, d(2, 8), 701, false),
        ];
        let weeks = calendar(&s, &BTreeMap::new());
        let total: i64 = weeks.iter().map(|w| w.p50_kg).sum();
        assert_eq!(total, 2_101);
        let feb1 = weeks.iter().find(|w| w.week == d(2, 1)).expect("week");
        assert_eq!(feb1.p50_kg, 700);
        assert!(
            weeks
                .iter()
                .all(|w| w.low_kg <= w.p50_kg && w.p50_kg <= w.high_kg)
        );
        assert_eq!(week_of(d(2, 7)), d(2, 1));
    }

    #[test]
    fn weeks_above_capacity_are_flagged() {
        let s = [
            supply(1, d(2, 1), 1_400, false),
            supply(2, d(2, 1), 1_400, false),
        ];
        let cap = BTreeMap::from([("celtuce".to_owned(), 1_000)]);
        let weeks = calendar(&s, &cap);
        assert!(weeks.iter().filter(|w| w.over_capacity).count() >= 2);
        assert!(weeks.iter().all(|w| w.capacity_kg == Some(1_000)));
    }

    #[test]
    fn moving_a_planned_planting_a_fortnight_later_flattens_the_peak() {
        let s = [
            supply(1, d(2, 1), 1_400, false),
            supply(2, d(2, 1), 1_400, true),
            supply(3, d(2, 1), 700, false),
        ];
        let cap = BTreeMap::from([("celtuce".to_owned(), 1_500)]);
        // In this test a planting moved by n days harvests n days later.
        let moves = flatten(&s, &cap, |s, to| Some(s.start_p50 + (to - s.planted_on)));
        assert_eq!(moves.len(), 1);
        assert_eq!(moves[0].planting_id, 2);
        assert_eq!(moves[0].days.abs(), 14, "{moves:?}");
        // Fixed plantings are never moved, and nothing is suggested without a capacity.
        assert!(flatten(&s, &BTreeMap::new(), |s, _| Some(s.start_p50)).is_empty());
    }
}
