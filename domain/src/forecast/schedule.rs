//! Working backwards from the market (倒排工期): the latest planting date that still reaches the
//! market, the earliest date worth planting, and the daily planting rate a plan target needs.

use super::ForecastError;
use super::crops::{CropModel, PlantingWindow, WindowEdge};
use super::engine::Forecaster;
use crate::calendar;
use crate::{Lang, Mu};
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// How far before the market the search for planting dates goes: as far as a season table
/// reaches, so no crop's planting is out of sight.
pub const SEARCH_DAYS: i64 = super::engine::SEASON_DAYS as i64 - 1;
/// The furthest a market target may sit before the Spring Festival.
pub const MAX_DAYS_BEFORE: u32 = 180;

/// When the crop must be at market.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MarketTarget {
    /// "N days before the Spring Festival of year Y" (春节前 N 天).
    SpringFestival {
        spring_festival: i32,
        days_before: u32,
    },
    /// A fixed date.
    Date { date: NaiveDate },
}

impl MarketTarget {
    /// The market date.
    ///
    /// # Errors
    /// [`ForecastError::YearOutOfRange`] outside 1901–2100, [`ForecastError::InvalidMarket`] when
    /// `days_before` exceeds [`MAX_DAYS_BEFORE`].
    pub fn date(self) -> Result<NaiveDate, ForecastError> {
        match self {
            MarketTarget::Date { date } => {
                if (calendar::FIRST_YEAR..=calendar::LAST_YEAR).contains(&date.year()) {
                    Ok(date)
                } else {
                    Err(ForecastError::YearOutOfRange)
                }
            }
            MarketTarget::SpringFestival {
                spring_festival,
                days_before,
            } => {
                if days_before > MAX_DAYS_BEFORE {
                    return Err(ForecastError::InvalidMarket);
                }
                let festival = calendar::spring_festival(spring_festival)
                    .map_err(|_| ForecastError::YearOutOfRange)?;
                Ok(festival - Duration::days(i64::from(days_before)))
            }
        }
    }
}

impl PlantingWindow {
    /// Whether `date` lies in the window (edges of `date`'s own year; a window may wrap the new
    /// year) and, for windows with a temperature rule, its normal maximum is below the limit.
    pub fn contains(&self, date: NaiveDate, normal_tmax: f32) -> bool {
        let year = date.year();
        let (Some(from), Some(to)) = (edge(self.from, year), edge(self.to, year)) else {
            return false;
        };
        let in_dates = if from <= to {
            from <= date && date <= to
        } else {
            date >= from || date <= to
        };
        in_dates
            && self.tmax_below_c.is_none_or(|limit| normal_tmax < limit)
            && self.tmax_above_c.is_none_or(|limit| normal_tmax > limit)
    }

    /// Days from `date` to the nearest day of the window's dates (0 inside it), looking at the
    /// windows of the year before, the year itself and the year after.
    pub fn days_from(&self, date: NaiveDate) -> i64 {
        let year = date.year();
        (year - 1..=year + 1)
            .filter_map(|y| {
                let from = edge(self.from, y)?;
                let mut to = edge(self.to, y)?;
                if to < from {
                    to = edge(self.to, y + 1)?;
                }
                Some(if date < from {
                    (from - date).num_days()
                } else if date > to {
                    (date - to).num_days()
                } else {
                    0
                })
            })
            .min()
            .unwrap_or(i64::MAX)
    }
}

fn edge(edge: WindowEdge, year: i32) -> Option<NaiveDate> {
    match edge {
        WindowEdge::Day(month, day) => NaiveDate::from_ymd_opt(year, month, day),
        WindowEdge::Term(term) => term.date_in(year).ok(),
    }
}

/// A backward schedule for one market date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackwardSchedule {
    pub market_date: NaiveDate,
    /// Latest planting that reaches first harvest by the market in half the climate years.
    pub latest_planting_p50: NaiveDate,
    /// … in nine climate years out of ten.
    pub latest_planting_p90: Option<NaiveDate>,
    /// Earliest planting worth making: inside the crop's planting window and still in harvest
    /// (P50) on the market day.
    pub earliest_planting: Option<NaiveDate>,
    /// Whether the latest P50 date lies inside the crop type's usual planting window.
    pub latest_in_window: bool,
    /// The crop type the schedule is for.
    pub crop_type: String,
}

/// Works backwards from `market` for the crop of `forecaster`. For a named type, that type;
/// otherwise every type of the crop is worked back and the answer is the type whose latest
/// planting lies in its own window (of several, the one that leaves the most time to plant;
/// of none, the same among all).
///
/// # Errors
/// [`ForecastError::MarketUnreachable`] when no planting in the [`SEARCH_DAYS`] before the
/// market reaches it in half the climate years.
pub fn backward(
    forecaster: &mut Forecaster<'_>,
    market: NaiveDate,
) -> Result<BackwardSchedule, ForecastError> {
    let mut best: Option<BackwardSchedule> = None;
    for model in forecaster.choice().candidates() {
        let Ok(s) = backward_for(&mut forecaster.fixed_to(model), model, market) else {
            continue;
        };
        let better = best.as_ref().is_none_or(|b| {
            (s.latest_in_window, s.latest_planting_p50)
                > (b.latest_in_window, b.latest_planting_p50)
        });
        if better {
            best = Some(s);
        }
    }
    best.ok_or(ForecastError::MarketUnreachable)
}

fn backward_for(
    forecaster: &mut Forecaster<'_>,
    model: &'static CropModel,
    market: NaiveDate,
) -> Result<BackwardSchedule, ForecastError> {
    let first = market - Duration::days(SEARCH_DAYS);
    let dates: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= market).collect();
    let ranges: Vec<_> = dates.iter().map(|d| forecaster.start_range(*d)).collect();
    // Latest date whose quantile start is on or before the market. Starts never move earlier
    // when planting later, so scanning from the market backwards finds it.
    let latest = |pick: fn(&super::engine::StartRange) -> NaiveDate| {
        dates
            .iter()
            .zip(&ranges)
            .rev()
            .find(|(_, r)| r.as_ref().is_some_and(|r| pick(r) <= market))
            .map(|(d, _)| *d)
    };
    let latest_p50 = latest(|r| r.p50).ok_or(ForecastError::MarketUnreachable)?;
    let latest_p90 = latest(|r| r.p90);
    let climate = forecaster.climate();
    let harvest = Duration::days(i64::from(model.harvest_days));
    let still_in_harvest = |i: usize| {
        ranges[i]
            .as_ref()
            .is_some_and(|r| r.p50 + harvest >= market)
    };
    let in_window = |d: NaiveDate| model.window.contains(d, climate.normal(d).tmax);
    let earliest = dates
        .iter()
        .enumerate()
        .take_while(|(_, d)| **d <= latest_p50)
        .find(|(i, d)| still_in_harvest(*i) && in_window(**d))
        .or_else(|| {
            dates
                .iter()
                .enumerate()
                .take_while(|(_, d)| **d <= latest_p50)
                .find(|(i, _)| still_in_harvest(*i))
        })
        .map(|(_, d)| *d);
    Ok(BackwardSchedule {
        market_date: market,
        latest_planting_p50: latest_p50,
        latest_planting_p90: latest_p90,
        earliest_planting: earliest,
        latest_in_window: in_window(latest_p50),
        crop_type: model.kind.to_owned(),
    })
}

/// Where a plan target stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanState {
    /// The target is met.
    Done,
    /// Days remain: plant `per_day` a day to finish on time.
    InProgress,
    /// The deadline has passed without the target met.
    Overdue,
}

/// The daily planting rate a plan target (e.g. 800 mu by 10 December) needs from today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRate {
    pub state: PlanState,
    pub remaining: Mu,
    /// Days from today to the deadline, both counted.
    pub days_left: i64,
    /// Mu a day needed, rounded up to the hundredth of a mu.
    pub per_day: Mu,
    /// Planted as a share of the target, in hundredths of a percent (10012 = 100.12 %).
    pub percent_basis_points: i64,
}

/// `part` as a share of `whole` in hundredths of a percent, rounded half up (0 when `whole` is
/// not positive): 394.08 of 800 mu is 4926 (49.26 %).
pub fn share_basis_points(part: Mu, whole: Mu) -> i64 {
    if whole.centi() > 0 {
        (part.centi() * 10_000 + whole.centi() / 2) / whole.centi()
    } else {
        0
    }
}

/// Hundredths of a percent as township reports write them: `49.26%`.
pub fn percent_text(basis_points: i64) -> String {
    format!("{}.{:02}%", basis_points / 100, basis_points % 100)
}

/// The rate needed to plant `target` by `deadline` with `planted` already in the ground.
pub fn plan_rate(target: Mu, planted: Mu, today: NaiveDate, deadline: NaiveDate) -> PlanRate {
    let remaining = target.saturating_sub(planted);
    let days_left = ((deadline - today).num_days() + 1).max(0);
    let percent_basis_points = share_basis_points(planted, target);
    let (state, per_day) = if !remaining.is_positive() {
        (PlanState::Done, Mu::ZERO)
    } else if days_left == 0 {
        (PlanState::Overdue, remaining)
    } else {
        let centi = (remaining.centi() + days_left - 1) / days_left;
        (PlanState::InProgress, Mu::from_centi(centi))
    };
    PlanRate {
        state,
        remaining,
        days_left,
        per_day,
        percent_basis_points,
    }
}

impl PlanState {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            PlanState::Done => lang.pick("已完成", "Done"),
            PlanState::InProgress => lang.pick("进行中", "In progress"),
            PlanState::Overdue => lang.pick("已逾期", "Overdue"),
        }
    }
}
