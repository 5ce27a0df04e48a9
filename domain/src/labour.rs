//! Labour demand (用工需求): task templates per crop (work steps, when, and person-hours per mu)
//! and the daily number of workers the plantings of a place will need, against those available.
//!
//! Person-hours are integers in hundredths of an hour. A task's hours for a planting are
//! `area × hours per mu`, rounded half up to the hundredth once; they are then spread over the
//! task's days as evenly as integers allow, the remainder going one hundredth each to the first
//! days, so daily sums add up exactly to the task's total.
//!
//! Most per-mu figures are **assumptions**: shared/agronomy.md has few labour numbers. Each one
//! says below whether it is sourced, derived from a source, or assumed.

use crate::Mu;
use crate::wages::{Hours, div_half_up};
use Anchor::{Harvest, Planting};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// What a task's start is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// The planting (sowing or transplanting) day.
    Planting,
    /// The forecast first day of harvest (P50).
    Harvest,
}

/// One work step of a crop (农事任务) and the labour it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TaskTemplate {
    /// Stable code, shared by crops for the same kind of work (`harvest`).
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub anchor: Anchor,
    /// First day of the task, in days after the anchor (negative: before it).
    pub offset_days: i32,
    /// How many days the task is spread over (at least 1).
    pub duration_days: u32,
    /// Person-hours per mu, in hundredths of an hour (800 = one 8-hour worker-day).
    pub person_hours_per_mu_centi: i64,
}

/// An 8-hour worker-day in hundredths of an hour: the 什邡 case's "10 yuan/hour, 8 hours a day".
const WORKER_DAY: i64 = 800;

const fn task(
    code: &'static str,
    name_zh: &'static str,
    name_en: &'static str,
    anchor: Anchor,
    offset_days: i32,
    duration_days: u32,
    worker_days_per_mu_tenths: i64,
) -> TaskTemplate {
    TaskTemplate {
        code,
        name_zh,
        name_en,
        anchor,
        offset_days,
        duration_days,
        person_hours_per_mu_centi: worker_days_per_mu_tenths * WORKER_DAY / 10,
    }
}

/// 羊肚菌 morel, the steps of shared/agronomy.md in order (timings from there).
///
/// Labour, sourced: 800 yuan/mu (m.tftnews.com/news3853510) = 10 worker-days/mu at the case's
/// 80 yuan a day (derived); 4–6 worker-days/mu from sowing to harvest (cqcmst.com, low-quality
/// source) — we take 5 for sowing, rubbing, mulching and nutrient bags together. The split
/// between steps is **assumed**, and so are the 5 remaining worker-days (1 land preparation,
/// 1.5 shed, 2.5 harvest: harvest labour was not found). Sowing, rubbing and mulching are
/// spread over 7 days (assumed) so that the 700-mu 什邡 case needs about 300 workers a day, as
/// reported. Harvest runs the 30 days of the forecast model's morel harvest.
const MOREL: &[TaskTemplate] = &[
    // ~1 month before sowing: quicklime and tillage (cn-localfoods.com). 1.0 wd/mu assumed.
    task(
        "land_preparation",
        "整地撒石灰",
        "Land preparation",
        Planting,
        -30,
        10,
        10,
    ),
    // Shade-net shed 1–2 weeks before sowing. 1.5 wd/mu assumed.
    task("shade_shed", "搭遮阳棚", "Shade shed", Planting, -14, 7, 15),
    // Raised beds and spreading spawn. 1.5 wd/mu assumed.
    task("sowing", "作畦播种", "Sowing", Planting, 0, 7, 15),
    // 搓菌种, with sowing (the case's second work step). 1.0 wd/mu assumed.
    task(
        "spawn_rubbing",
        "搓菌种",
        "Spawn rubbing",
        Planting,
        0,
        7,
        10,
    ),
    // Black mulch film right behind the sowing teams. 0.5 wd/mu assumed.
    task("mulching", "覆膜", "Mulching", Planting, 1, 7, 5),
    // 外源营养袋 1–2 weeks after sowing (qcxyydj.com/article/24209.html). 2.0 wd/mu assumed.
    task(
        "nutrient_bags",
        "摆放营养袋",
        "Nutrient bags",
        Planting,
        7,
        7,
        20,
    ),
    // Picking in flushes. 2.5 wd/mu assumed (~170 kg/mu, crop model yield).
    task("harvest", "采收", "Harvest", Harvest, 0, 30, 25),
];

/// 莴笋 celtuce. Harvest, derived: 69 workers harvest 20 mu a day (Anzhou farmer report,
/// m.yd166.com/sannong/5624498746.html) = 3.45, taken as 3.5 worker-days/mu, over the forecast
/// model's 20 harvest days. Transplanting 2.0 wd/mu is **assumed** for 3,500–4,000 plants/mu
/// (my478.com/html/201807/97513.htm), about 250 plants per person-hour; weeding and
/// fertilising 1.5 wd/mu **assumed**.
const CELTUCE: &[TaskTemplate] = &[
    task("transplanting", "移栽", "Transplanting", Planting, 0, 5, 20),
    task(
        "weeding_fertilising",
        "除草追肥",
        "Weeding and fertilising",
        Planting,
        20,
        20,
        15,
    ),
    task("harvest", "采收", "Harvest", Harvest, 0, 20, 35),
];

/// 花菜 cauliflower: all figures **assumed** (no labour figure in agronomy.md): transplanting
/// 1.5, weeding and fertilising 1.5, cutting curds 2.0 worker-days/mu over the forecast model's
/// 15 harvest days.
const CAULIFLOWER: &[TaskTemplate] = &[
    task("transplanting", "移栽", "Transplanting", Planting, 0, 5, 15),
    task(
        "weeding_fertilising",
        "除草追肥",
        "Weeding and fertilising",
        Planting,
        20,
        20,
        15,
    ),
    task("harvest", "采收", "Harvest", Harvest, 0, 15, 20),
];

/// 川芎 chuanxiong: labour is 37 % of the cost (shared/agronomy.md, 川芎 sources) but no
/// absolute figure was found; planting 3, field care 4, digging 5 worker-days/mu **assumed**,
/// digging over the forecast model's 10 days.
const CHUANXIONG: &[TaskTemplate] = &[
    task("planting", "栽种", "Planting", Planting, 0, 10, 30),
    task(
        "weeding_fertilising",
        "除草追肥",
        "Weeding and fertilising",
        Planting,
        30,
        60,
        40,
    ),
    task("harvest", "采挖", "Digging", Harvest, 0, 10, 50),
];

/// 折耳根 houttuynia: planting 3, field care 3, digging 8 worker-days/mu **assumed** (rhizome
/// ~2,500 kg/mu at 犍为, about 40 kg dug and cleaned per person-hour), digging over the forecast
/// model's 150-day winter window.
const HOUTTUYNIA: &[TaskTemplate] = &[
    task("planting", "栽种", "Planting", Planting, 0, 10, 30),
    task(
        "weeding_fertilising",
        "除草追肥",
        "Weeding and fertilising",
        Planting,
        30,
        60,
        30,
    ),
    task("harvest", "采挖", "Digging", Harvest, 0, 150, 80),
];

/// Task templates by crop code (the codes of `forecast::crops::CROP_MODELS`).
pub const TEMPLATES: &[(&str, &[TaskTemplate])] = &[
    ("celtuce", CELTUCE),
    ("cauliflower", CAULIFLOWER),
    ("morel", MOREL),
    ("chuanxiong", CHUANXIONG),
    ("houttuynia", HOUTTUYNIA),
];

/// The tasks of a crop, in work order; empty for an unknown crop.
pub fn templates(crop_code: &str) -> &'static [TaskTemplate] {
    TEMPLATES
        .iter()
        .find(|(code, _)| *code == crop_code)
        .map_or(&[], |(_, t)| t)
}

/// A task's name in `lang`, from the crops' templates (`harvest` → 采收); its code when no
/// template has it.
pub fn task_name(code: &str, lang: crate::Lang) -> String {
    TEMPLATES
        .iter()
        .flat_map(|(_, ts)| ts.iter())
        .find(|t| t.code == code)
        .map_or_else(
            || code.to_owned(),
            |t| lang.pick(t.name_zh, t.name_en).to_owned(),
        )
}

/// Whether `code` is the code of a task of any crop.
pub fn is_task_code(code: &str) -> bool {
    TEMPLATES
        .iter()
        .any(|(_, tasks)| tasks.iter().any(|t| t.code == code))
}

/// Person-hours (hundredths) a task takes on `area`, rounded half up once.
pub fn task_hours_centi(area: Mu, template: &TaskTemplate) -> i64 {
    div_half_up(
        i128::from(area.centi()) * i128::from(template.person_hours_per_mu_centi),
        100,
    )
}

/// A planting as labour planning sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlantingLabourInput {
    pub planting_date: NaiveDate,
    /// Forecast first day of harvest (P50).
    pub harvest_date: NaiveDate,
    pub area: Mu,
    pub crop_code: String,
}

/// One task of one planting, placed in the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledTask {
    pub code: String,
    pub first_day: NaiveDate,
    pub days: u32,
    pub person_hours_centi: i64,
}

impl ScheduledTask {
    /// The hours of each day: equal shares, the remainder one hundredth each to the first days.
    pub fn daily_hours_centi(&self) -> impl Iterator<Item = (NaiveDate, i64)> + '_ {
        let days = i64::from(self.days.max(1));
        let (base, rem) = (
            self.person_hours_centi.div_euclid(days),
            self.person_hours_centi.rem_euclid(days),
        );
        (0..days).filter_map(move |i| {
            let date = self.first_day.checked_add_signed(Duration::days(i))?;
            Some((date, base + i64::from(i < rem)))
        })
    }
}

/// The tasks of a planting with their dates and hours; none for a crop without templates.
pub fn schedule_tasks(planting: &PlantingLabourInput) -> Vec<ScheduledTask> {
    templates(&planting.crop_code)
        .iter()
        .filter_map(|t| {
            let anchor = match t.anchor {
                Anchor::Planting => planting.planting_date,
                Anchor::Harvest => planting.harvest_date,
            };
            Some(ScheduledTask {
                code: t.code.to_owned(),
                first_day: anchor.checked_add_signed(Duration::days(i64::from(t.offset_days)))?,
                days: t.duration_days.max(1),
                person_hours_centi: task_hours_centi(planting.area, t),
            })
        })
        .collect()
}

/// Labour needed on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayDemand {
    pub date: NaiveDate,
    /// Person-hours in hundredths of an hour.
    pub person_hours_centi: i64,
    /// Workers needed: person-hours ÷ hours per worker-day, rounded up.
    pub workers: u32,
}

/// The labour all `plantings` need on every day from `from` to `until` (both included, one entry
/// a day, zero days too). `hours_per_worker_day` turns hours into workers (at least 0.01 h).
pub fn daily_demand(
    plantings: &[PlantingLabourInput],
    from: NaiveDate,
    until: NaiveDate,
    hours_per_worker_day: Hours,
) -> Vec<DayDemand> {
    let span = (until - from).num_days() + 1;
    let Ok(len) = usize::try_from(span) else {
        return Vec::new();
    };
    let mut hours = vec![0i64; len];
    for task in plantings.iter().flat_map(schedule_tasks) {
        for (date, h) in task.daily_hours_centi() {
            if let Some(slot) = usize::try_from((date - from).num_days())
                .ok()
                .and_then(|i| hours.get_mut(i))
            {
                *slot += h;
            }
        }
    }
    let per_worker = hours_per_worker_day.centi().max(1);
    hours
        .into_iter()
        .enumerate()
        .filter_map(|(i, h)| {
            Some(DayDemand {
                date: from.checked_add_signed(Duration::days(i64::try_from(i).ok()?))?,
                person_hours_centi: h,
                workers: u32::try_from((h.max(0) + per_worker - 1) / per_worker)
                    .unwrap_or(u32::MAX),
            })
        })
        .collect()
}

/// The days on which more workers are needed than `able_workers`, with how many are missing.
pub fn shortfalls(demand: &[DayDemand], able_workers: u32) -> Vec<(NaiveDate, u32)> {
    demand
        .iter()
        .filter(|d| d.workers > able_workers)
        .map(|d| (d.date, d.workers - able_workers))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_task_is_named_in_either_language_and_an_unknown_code_by_itself() {
        use crate::Lang;
        assert_eq!(super::task_name("harvest", Lang::Zh), "采收");
        assert_eq!(
            super::task_name("harvest", Lang::En).to_lowercase(),
            "harvest"
        );
        assert_eq!(super::task_name("no-such-task", Lang::Zh), "no-such-task");
    }

    use super::*;
    use crate::forecast::crops::CROP_MODELS;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn planting(
        crop: &str,
        planted: NaiveDate,
        harvest: NaiveDate,
        mu: i64,
    ) -> PlantingLabourInput {
        PlantingLabourInput {
            planting_date: planted,
            harvest_date: harvest,
            area: Mu::from_whole(mu),
            crop_code: crop.into(),
        }
    }

    #[test]
    fn every_crop_has_tasks_and_harvest_lasts_as_long_as_the_forecast_says() {
        for model in CROP_MODELS {
            let tasks = templates(model.code);
            let harvest = tasks
                .iter()
                .find(|t| t.code == "harvest")
                .expect(model.code);
            assert_eq!(harvest.anchor, Anchor::Harvest);
            assert_eq!(harvest.duration_days, model.harvest_days, "{}", model.code);
        }
        assert!(templates("rice").is_empty());
        assert!(is_task_code("spawn_rubbing") && !is_task_code("dancing"));
    }

    #[test]
    fn morel_tasks_follow_the_agronomy_steps_in_order() {
        let tasks = templates("morel");
        let codes: Vec<_> = tasks.iter().map(|t| t.code).collect();
        assert_eq!(
            codes,
            [
                "land_preparation",
                "shade_shed",
                "sowing",
                "spawn_rubbing",
                "mulching",
                "nutrient_bags",
                "harvest"
            ]
        );
        let planting_offsets: Vec<_> = tasks
            .iter()
            .filter(|t| t.anchor == Anchor::Planting)
            .map(|t| t.offset_days)
            .collect();
        assert!(planting_offsets.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(planting_offsets, [-30, -14, 0, 0, 1, 7]);
    }

    #[test]
    fn morel_labour_matches_the_published_cost_and_worker_days() {
        let tasks = templates("morel");
        let total: i64 = tasks.iter().map(|t| t.person_hours_per_mu_centi).sum();
        // 800 yuan/mu of labour at 10 yuan an hour = 80 person-hours.
        assert_eq!(total * 10 / 100, 800);
        let sowing_to_harvest: i64 = tasks
            .iter()
            .filter(|t| t.anchor == Anchor::Planting && t.offset_days >= 0)
            .map(|t| t.person_hours_per_mu_centi)
            .sum();
        assert!((4 * WORKER_DAY..=6 * WORKER_DAY).contains(&sowing_to_harvest));
    }

    #[test]
    fn seven_hundred_mu_of_morels_need_three_hundred_workers_a_day_at_sowing() {
        // The 什邡回澜镇 case: 700 mu sown from 1 November 2026, harvest from 1 March 2027.
        let sown = d(2026, 11, 1);
        let p = [planting("morel", sown, d(2027, 3, 1), 700)];
        let demand = daily_demand(&p, d(2026, 9, 1), d(2027, 4, 30), Hours::from_whole(8));
        let peak = demand.iter().map(|x| x.workers).max().expect("days");
        assert_eq!(peak, 300);
        let peak_days: Vec<_> = demand
            .iter()
            .filter(|x| x.workers == peak)
            .map(|x| x.date)
            .collect();
        assert_eq!(peak_days.first(), Some(&d(2026, 11, 2)));
        assert_eq!(peak_days.last(), Some(&d(2026, 11, 7)));
        let on = |date: NaiveDate| demand.iter().find(|x| x.date == date).map(|x| x.workers);
        assert_eq!(on(sown), Some(250)); // sowing and rubbing, mulching not yet
        assert_eq!(on(d(2026, 10, 2)), Some(70)); // land preparation
        assert_eq!(on(d(2026, 10, 18)), Some(150)); // shade shed
        assert_eq!(on(d(2027, 3, 10)), Some(59)); // harvest: 14,000 h over 30 days
        assert_eq!(shortfalls(&demand, 280).len(), 6);
    }

    #[test]
    fn remainders_go_to_the_first_days() {
        let t = ScheduledTask {
            code: "x".into(),
            first_day: d(2026, 11, 1),
            days: 3,
            person_hours_centi: 10,
        };
        let hours: Vec<i64> = t.daily_hours_centi().map(|(_, h)| h).collect();
        assert_eq!(hours, [4, 3, 3]);
    }

    #[test]
    fn shortfalls_name_the_days_and_how_many_are_missing() {
        let day = |date, workers| DayDemand {
            date,
            person_hours_centi: i64::from(workers) * 800,
            workers,
        };
        let demand = [
            day(d(2026, 11, 1), 120),
            day(d(2026, 11, 2), 80),
            day(d(2026, 11, 3), 101),
        ];
        assert_eq!(
            shortfalls(&demand, 100),
            vec![(d(2026, 11, 1), 20), (d(2026, 11, 3), 1)]
        );
        assert!(shortfalls(&demand, 120).is_empty());
    }

    #[test]
    fn days_outside_the_window_and_unknown_crops_add_nothing() {
        let p = [
            planting("celtuce", d(2026, 12, 1), d(2027, 2, 10), 10),
            planting("rice", d(2026, 12, 1), d(2027, 2, 10), 10),
        ];
        let demand = daily_demand(&p, d(2026, 12, 1), d(2026, 12, 5), Hours::from_whole(8));
        assert_eq!(demand.len(), 5);
        // 10 mu × 16 h = 160 h over 5 days = 32 h = 4 workers a day.
        assert!(
            demand
                .iter()
                .all(|x| x.person_hours_centi == 3_200 && x.workers == 4)
        );
        assert!(daily_demand(&p, d(2026, 12, 5), d(2026, 12, 1), Hours::from_whole(8)).is_empty());
    }

    proptest! {
        #[test]
        fn every_hour_of_every_task_lands_on_exactly_one_day(
            rows in proptest::collection::vec(
                (0usize..5, 0i64..120, 60i64..300, 1i64..100_000),
                1..8,
            )
        ) {
            let start = d(2026, 9, 1);
            let plantings: Vec<PlantingLabourInput> = rows
                .iter()
                .map(|&(crop, sow, grow, area)| PlantingLabourInput {
                    planting_date: start + Duration::days(sow),
                    harvest_date: start + Duration::days(sow + grow),
                    area: Mu::from_centi(area),
                    crop_code: TEMPLATES[crop].0.into(),
                })
                .collect();
            let expected: i64 = plantings
                .iter()
                .flat_map(|p| templates(&p.crop_code).iter().map(|t| task_hours_centi(p.area, t)))
                .sum();
            let demand = daily_demand(
                &plantings,
                start - Duration::days(40),
                start + Duration::days(700),
                Hours::from_whole(8),
            );
            let got: i64 = demand.iter().map(|x| x.person_hours_centi).sum();
            prop_assert_eq!(got, expected);
            prop_assert!(demand.iter().all(|x| i64::from(x.workers) * 800 >= x.person_hours_centi));
        }
    }
}
