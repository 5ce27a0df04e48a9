//! The forecast itself: per climate year, the cumulative development of a crop is worked out
//! once for a whole season (a [`SeasonTable`]); a planting's harvest date is then a binary
//! search in that table, so forecasting a county is one search per planting and climate year,
//! never a loop over days.

use super::climate::{Climate, SpreadBasis, july_first};
use super::crops::{CropChoice, CropModel, Development, PlantedAs};
use super::{ForecastError, Protection};
use crate::Mu;
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Days a season table covers from its 1 July: the longest crop (折耳根, ~1 year) planted late
/// in June still fits.
pub const SEASON_DAYS: usize = 731;
const NONE: u16 = u16::MAX;

/// A crop's development over one season for every climate year of a site: for each possible
/// planting day and climate year, the day of first harvest. Built once per site, crop,
/// protection and season from the cumulative development curves (one binary search per planting
/// day and year), so forecasting a planting afterwards is a lookup of one row.
#[derive(Debug, Clone)]
pub struct SeasonTable {
    anchor: NaiveDate,
    members: usize,
    /// `starts[planted * members + member]`: first-harvest day index, or `NONE`.
    starts: Vec<u16>,
}

/// The season-year a date belongs to (seasons start on 1 July).
pub fn season_year(date: NaiveDate) -> i32 {
    if date.month() >= 7 {
        date.year()
    } else {
        date.year() - 1
    }
}

impl SeasonTable {
    /// Builds the table of `model` under `protection` for the season starting 1 July
    /// `season_year`. Observed weather before `observed_until` replaces the climate years'.
    pub fn build(
        model: &CropModel,
        protection: Protection,
        climate: &Climate,
        season_year: i32,
        observed_until: Option<NaiveDate>,
    ) -> SeasonTable {
        let anchor = july_first(season_year);
        let offset = model.protection_offset_c[protection.index()];
        let members = climate.member_count();
        let mut starts = vec![NONE; SEASON_DAYS * members];
        let mut cum = Vec::with_capacity(SEASON_DAYS + 1);
        for member in 0..members {
            let days = climate.member_days(member, anchor, SEASON_DAYS, observed_until);
            let means: Vec<f32> = days.iter().map(|t| t.mean() + offset).collect();
            cum.clear();
            let harvest: Box<dyn Fn(usize) -> Option<usize>> = match model.development {
                Development::ThermalTime {
                    base_c,
                    upper_c,
                    degree_days,
                    cool_gate,
                } => {
                    running_total(
                        &mut cum,
                        means.iter().map(|&m| degree_day(m, base_c, upper_c)),
                    );
                    let cum = &cum;
                    match cool_gate {
                        None => Box::new(move |planted| reach(cum, planted, degree_days)),
                        Some(gate) => {
                            let cool = next_run(&means, |m| m < gate.mean_below_c, gate.days);
                            let wait = usize::from(gate.days.max(1)) - 1;
                            let rest = (degree_days - gate.after_degree_days).max(0.0);
                            Box::new(move |planted| {
                                // Old enough to form a curd, then the first cool run wholly
                                // after that day, then the curd grows from the day after.
                                let ready = reach(cum, planted, gate.after_degree_days)?;
                                let initiated = *cool.get(ready + wait)?;
                                (initiated != NONE)
                                    .then(|| reach(cum, usize::from(initiated) + 1, rest))
                                    .flatten()
                            })
                        }
                    }
                }
                Development::MorelTrigger {
                    min_incubation_days,
                    trigger_mean_c,
                    trigger_days,
                    cool_below_c,
                    cool_days,
                    warm_days,
                } => {
                    // Fruiting progress: 1/cool_days a day below `cool_below_c`, 1/warm_days above.
                    running_total(
                        &mut cum,
                        means.iter().map(|&m| {
                            if m < cool_below_c {
                                1.0 / cool_days
                            } else {
                                1.0 / warm_days
                            }
                        }),
                    );
                    let trigger = next_run(&means, |m| m > trigger_mean_c, trigger_days);
                    // The run of warm days must lie wholly after the incubation.
                    let wait = usize::from(min_incubation_days) + usize::from(trigger_days) - 1;
                    let cum = &cum;
                    Box::new(move |planted| {
                        let primordia = *trigger.get(planted + wait)?;
                        // Fruit bodies develop from the day after primordia form.
                        (primordia != NONE)
                            .then(|| reach(cum, usize::from(primordia) + 1, 1.0 - 1e-4))
                            .flatten()
                    })
                }
            };
            for planted in 0..SEASON_DAYS {
                if let Some(day) = harvest(planted) {
                    starts[planted * members + member] = day as u16;
                }
            }
        }
        SeasonTable {
            anchor,
            members,
            starts,
        }
    }

    pub fn anchor(&self) -> NaiveDate {
        self.anchor
    }

    pub fn members(&self) -> usize {
        self.members
    }

    /// The day index of `date` in this table.
    pub fn index_of(&self, date: NaiveDate) -> Option<usize> {
        let i = (date - self.anchor).num_days();
        (0..SEASON_DAYS as i64).contains(&i).then_some(i as usize)
    }

    pub fn date_of(&self, index: usize) -> NaiveDate {
        self.anchor + Duration::days(index as i64)
    }

    /// First-harvest day indexes of the climate years that reach harvest, sorted. Years that
    /// never do are left out: they count as later than every date, so a quantile whose rank
    /// falls past the end has no date.
    pub fn sorted_starts(&self, planted: usize, out: &mut Vec<u16>) {
        out.clear();
        let row = &self.starts[planted * self.members..(planted + 1) * self.members];
        out.extend(row.iter().copied().filter(|&d| d != NONE));
        out.sort_unstable();
    }

    /// P10/P50/P90 first-harvest dates of a planting on `planted_on`; `scratch` is reused
    /// between calls to avoid allocating.
    pub fn start_range(&self, planted_on: NaiveDate, scratch: &mut Vec<u16>) -> Option<StartRange> {
        let planted = self.index_of(planted_on)?;
        self.sorted_starts(planted, scratch);
        let at = |q: f64| {
            scratch
                .get(quantile_rank(self.members, q))
                .map(|&day| self.date_of(usize::from(day)))
        };
        Some(StartRange {
            p10: at(0.1)?,
            p50: at(0.5)?,
            p90: at(0.9)?,
        })
    }
}

/// The first day `j >= from` on which `cum[j + 1] - cum[from]` reaches `need`, if the table
/// reaches it (`cum` is non-decreasing, so this is a binary search).
fn reach(cum: &[f32], from: usize, need: f32) -> Option<usize> {
    if from >= SEASON_DAYS {
        return None;
    }
    let goal = cum[from] + need;
    let k = cum[from + 1..].partition_point(|&c| c < goal);
    (from + k < SEASON_DAYS).then_some(from + k)
}

/// McMaster & Wilhelm (1997) method 1: the mean, capped at the upper cutoff (horizontal cutoff),
/// minus the base, floored at zero.
pub fn degree_day(mean: f32, base: f32, upper: Option<f32>) -> f32 {
    let capped = upper.map_or(mean, |u| mean.min(u));
    (capped - base).max(0.0)
}

fn running_total(cum: &mut Vec<f32>, daily: impl Iterator<Item = f32>) {
    let mut total = 0.0f32;
    cum.push(total);
    for d in daily {
        total += d;
        cum.push(total);
    }
}

/// For each day, the first day at or after it that ends a run of `days` days whose means all
/// pass `test`.
fn next_run(means: &[f32], test: impl Fn(f32) -> bool, days: u16) -> Vec<u16> {
    let mut run = 0u16;
    let ends: Vec<bool> = means
        .iter()
        .map(|&m| {
            run = if test(m) { run.saturating_add(1) } else { 0 };
            run >= days
        })
        .collect();
    let mut out = vec![NONE; means.len()];
    let mut next = NONE;
    for i in (0..means.len()).rev() {
        if ends[i] {
            next = i as u16;
        }
        out[i] = next;
    }
    out
}

/// The nearest-rank quantile `q` (0–1) of `n` sorted values: its 0-based rank.
pub fn quantile_rank(n: usize, q: f64) -> usize {
    ((q * n as f64).ceil() as usize).clamp(1, n.max(1)) - 1
}

/// A planting's forecast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forecast {
    pub crop: String,
    /// The crop type the forecast used (`overwintering`, `early`, …).
    pub crop_type: String,
    pub planted_on: NaiveDate,
    pub planted_as: PlantedAs,
    /// First harvest in half the climate years (P50).
    pub harvest_start: NaiveDate,
    /// Middle of the harvest window.
    pub harvest_peak: NaiveDate,
    /// End of harvest.
    pub harvest_end: NaiveDate,
    /// First harvest in 10 % / 90 % of climate years.
    pub harvest_start_p10: NaiveDate,
    pub harvest_start_p90: NaiveDate,
    pub yield_kg: i64,
    pub basis: SpreadBasis,
}

/// First-harvest quantiles of one planting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartRange {
    pub p10: NaiveDate,
    pub p50: NaiveDate,
    pub p90: NaiveDate,
}

/// Everything a season table of one site's climate depends on: two forecasts with equal keys
/// (and the same climate) use the same table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TableKey {
    pub crop: &'static str,
    pub kind: &'static str,
    pub protection: Protection,
    pub season_year: i32,
    /// The last observed day the table uses (observed days before `observed_until` within the
    /// season), `None` for none: "today" moving on changes nothing until new weather arrives.
    pub observed_through: Option<NaiveDate>,
}

/// Keeps season tables between forecasts (a server shares them across requests). Implemented
/// outside the domain; the engine only asks.
pub trait TableStore {
    /// The table for `key`, built with `build` when the store does not have it.
    fn table(&self, key: TableKey, build: &dyn Fn() -> SeasonTable) -> Arc<SeasonTable>;
}

/// Forecasts for one crop (a named type, or the type each planting date calls for),
/// protection and site, building season tables as they are needed.
pub struct Forecaster<'a> {
    choice: CropChoice,
    protection: Protection,
    climate: &'a Climate,
    observed_until: Option<NaiveDate>,
    tables: Vec<(&'static str, Arc<SeasonTable>)>,
    store: Option<&'a dyn TableStore>,
    scratch: Vec<u16>,
}

/// z of the 90th percentile of a normal distribution: the model's error, a standard deviation
/// in days, widens P10–P90 by this many of them on each side.
const Z90: f64 = 1.281_551_6;

impl<'a> Forecaster<'a> {
    /// `observed_until` is today when the site has observed weather for this season.
    pub fn new(
        choice: impl Into<CropChoice>,
        protection: Protection,
        climate: &'a Climate,
        observed_until: Option<NaiveDate>,
    ) -> Self {
        Forecaster {
            choice: choice.into(),
            protection,
            climate,
            observed_until,
            tables: Vec::new(),
            store: None,
            scratch: Vec::new(),
        }
    }

    /// Takes season tables from `store` (and leaves new ones there) instead of building its own.
    #[must_use]
    pub fn with_store(mut self, store: &'a dyn TableStore) -> Self {
        self.store = Some(store);
        self
    }

    /// The same site, protection, weather and table store, for one type only.
    #[must_use]
    pub fn fixed_to(&self, model: &'static CropModel) -> Forecaster<'a> {
        Forecaster {
            choice: CropChoice::Fixed(model),
            protection: self.protection,
            climate: self.climate,
            observed_until: self.observed_until,
            tables: Vec::new(),
            store: self.store,
            scratch: Vec::new(),
        }
    }

    pub fn choice(&self) -> CropChoice {
        self.choice
    }

    /// The type a planting on `date` uses here.
    pub fn model_on(&self, date: NaiveDate) -> &'static CropModel {
        self.choice
            .model_on(date, || self.climate.normal(date).tmax)
    }

    pub fn climate(&self) -> &'a Climate {
        self.climate
    }

    fn table_for(&mut self, model: &'static CropModel, date: NaiveDate) -> &SeasonTable {
        let year = season_year(date);
        let anchor = july_first(year);
        match self
            .tables
            .iter()
            .position(|(kind, t)| *kind == model.kind && t.anchor == anchor)
        {
            Some(i) => &self.tables[i].1,
            None => {
                let (protection, climate) = (self.protection, self.climate);
                let until = self.observed_until;
                let build = || SeasonTable::build(model, protection, climate, year, until);
                let table = match self.store {
                    Some(store) => {
                        let key = TableKey {
                            crop: model.code,
                            kind: model.kind,
                            protection,
                            season_year: year,
                            observed_through: until
                                .and_then(|u| climate.last_observed_before(anchor, u)),
                        };
                        store.table(key, &build)
                    }
                    None => Arc::new(build()),
                };
                self.tables.push((model.kind, table));
                &self.tables[self.tables.len() - 1].1
            }
        }
    }

    /// P10/P50/P90 first-harvest dates of a planting on `planted_on`; `None` when the crop does
    /// not reach harvest within a season in at least that share of climate years.
    ///
    /// P50 is the climate years' median. P10 and P90 join two independent spreads: the climate
    /// years' own (their 10th and 90th percentiles) and the model's error measured on the
    /// validation set ([`CropModel::error_sd_days`]), as the root of the sum of their squares.
    pub fn start_range(&mut self, planted_on: NaiveDate) -> Option<StartRange> {
        let model = self.model_on(planted_on);
        let mut scratch = std::mem::take(&mut self.scratch);
        let range = self
            .table_for(model, planted_on)
            .start_range(planted_on, &mut scratch);
        self.scratch = scratch;
        let range = range?;
        let model_days = Z90 * f64::from(model.error_sd_days);
        let widen = |climate_days: i64| {
            let days = (climate_days as f64).hypot(model_days).round() as i64;
            Duration::days(days)
        };
        Some(StartRange {
            // Never before the planting itself.
            p10: (range.p50 - widen((range.p50 - range.p10).num_days())).max(planted_on),
            p50: range.p50,
            p90: range.p50 + widen((range.p90 - range.p50).num_days()),
        })
    }

    /// The forecast of a planting of `area` on `planted_on`.
    ///
    /// # Errors
    /// [`ForecastError::NoHarvest`] when the crop does not reach harvest in most climate years.
    pub fn forecast(&mut self, planted_on: NaiveDate, area: Mu) -> Result<Forecast, ForecastError> {
        let model = self.model_on(planted_on);
        let range = self
            .start_range(planted_on)
            .ok_or(ForecastError::NoHarvest)?;
        let end = harvest_end(model, self.climate, range.p50);
        Ok(Forecast {
            crop: model.code.to_owned(),
            crop_type: model.kind.to_owned(),
            planted_on,
            planted_as: model.planted_as,
            harvest_start: range.p50,
            harvest_peak: range.p50 + (end - range.p50) / 2,
            harvest_end: end,
            harvest_start_p10: range.p10,
            harvest_start_p90: range.p90,
            yield_kg: expected_yield_kg(model, area),
            basis: self.climate.basis(),
        })
    }
}

/// The end of harvest from its first day: `harvest_days` later, or earlier for a type that
/// bolts, on the last day before the normal daily mean passes its limit (at least one day of
/// harvest).
pub fn harvest_end(model: &CropModel, climate: &Climate, start: NaiveDate) -> NaiveDate {
    let full = start + Duration::days(i64::from(model.harvest_days));
    let Some(limit) = model.bolts_above_c else {
        return full;
    };
    (start + Duration::days(1))
        .iter_days()
        .take_while(|d| *d <= full)
        .find(|d| climate.normal(*d).mean() > limit)
        .map_or(full, |hot| {
            (hot - Duration::days(1)).max(start + Duration::days(1))
        })
}

/// Area × yield per mu, rounded to the kilogram (area is held in hundredths of a mu).
pub fn expected_yield_kg(model: &CropModel, area: Mu) -> i64 {
    (area.centi() * i64::from(model.yield_kg_per_mu) + 50) / 100
}
