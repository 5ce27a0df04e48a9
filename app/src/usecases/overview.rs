//! The county overview (县级总览) for admins: every township on one screen — land, this
//! season's planting against its township-wide targets, its busiest market week and the next
//! week's staffing. Worked out from a few grouped statements (`storage::overview`) and one
//! forecast per crop, protection and sowing day, so it stays fast at 20,000 households.

use crate::models::{CountyOverview, SupplyPeak, TownshipOverview};
use std::collections::{BTreeMap, HashMap};
use tianlian_domain::access::{Caller, Scope};
use tianlian_domain::forecast::PlanState;
use tianlian_domain::forecast::{climate::july_first, season_year};
use tianlian_domain::market::{self, Supply};
use tianlian_domain::targets::{self, PlantedItem};
use tianlian_domain::{Mu, PlantingStatus};
use tianlian_storage::overview::{self as store, SeasonItem};
use tianlian_storage::{Db, StorageError, crops};

/// Days ahead (today included) whose shifts the staffing column counts.
pub const STAFFING_DAYS: i64 = 7;

/// The overview as of today; `None` for anyone but an admin.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn county_overview(
    db: &Db,
    cache: &crate::usecases::forecasting::ClimateCache,
    caller: &Caller,
) -> Result<Option<CountyOverview>, StorageError> {
    if !matches!(caller.scope, Scope::Admin) {
        return Ok(None);
    }
    let _turn = crate::usecases::report_turn().await;
    let today = crate::usecases::forecasting::china_today();
    let season_start = july_first(season_year(today));
    let land = store::land(db).await?;
    let items = store::season_items(db, season_start).await?;
    let staffing: HashMap<i64, store::Staffing> =
        store::staffing(db, today, today + chrono::Duration::days(STAFFING_DAYS - 1))
            .await?
            .into_iter()
            .map(|s| (s.township_id, s))
            .collect();
    let all_targets = tianlian_storage::targets::list(db, None).await?;
    let crop_names: HashMap<String, String> = crops::list(db)
        .await?
        .into_iter()
        .map(|c| (c.code, c.name_zh))
        .collect();
    let mut by_township: HashMap<i64, Vec<SeasonItem>> = HashMap::new();
    for item in items {
        by_township.entry(item.township_id).or_default().push(item);
    }
    let mut townships = Vec::with_capacity(land.len());
    for t in land {
        let items = by_township.remove(&t.township_id).unwrap_or_default();
        let mut line = TownshipOverview {
            township_id: t.township_id,
            name: t.name,
            plots: t.plots,
            area: t.area,
            ..TownshipOverview::default()
        };
        for i in items.iter().filter(|i| i.status.holds_land()) {
            line.season_area += i.area;
            if i.status != PlantingStatus::Planned {
                line.in_ground += i.area;
            }
        }
        // This season's township-wide targets (village targets are parts of them).
        for row in all_targets.iter().filter(|r| {
            r.township_id == t.township_id
                && r.village_id.is_none()
                && r.target.deadline >= season_start
        }) {
            let scope: Vec<PlantedItem> = items
                .iter()
                .filter(|i| row.target.crops.includes(&i.crop_code))
                .map(|i| PlantedItem {
                    crop: i.crop_code.clone(),
                    area: i.area,
                    planted_on: i.day,
                    status: i.status,
                    village_id: i.village_id,
                })
                .collect();
            let p = targets::progress(&row.target, &scope, today);
            line.targets += 1;
            line.target_area += row.target.area;
            line.target_planted += p.planted;
            if p.state == PlanState::InProgress && !p.on_track {
                line.behind += 1;
            }
        }
        let (peak, over) = supply_peak(
            db,
            cache,
            t.site_code.as_deref(),
            t.township_id,
            &items,
            today,
        )
        .await?;
        line.peak = peak.map(|(crop, week, kg)| SupplyPeak {
            crop_name: crop_names.get(&crop).cloned().unwrap_or(crop),
            week,
            kg,
        });
        line.weeks_over_capacity = over;
        if let Some(s) = staffing.get(&t.township_id) {
            line.shifts = s.shifts;
            line.needed = s.needed;
            line.booked = s.booked;
        }
        townships.push(line);
    }
    let mut total = TownshipOverview {
        name: "全县".into(),
        ..TownshipOverview::default()
    };
    for t in &townships {
        total.plots += t.plots;
        total.area += t.area;
        total.season_area += t.season_area;
        total.in_ground += t.in_ground;
        total.targets += t.targets;
        total.target_area += t.target_area;
        total.target_planted += t.target_planted;
        total.behind += t.behind;
        total.weeks_over_capacity += t.weeks_over_capacity;
        total.shifts += t.shifts;
        total.needed += t.needed;
        total.booked += t.booked;
    }
    Ok(Some(CountyOverview {
        as_of: today,
        staffing_days: STAFFING_DAYS,
        townships,
        total,
    }))
}

/// A township's busiest crop-week (crop code, Monday, median kg) by the forecasts of its
/// season's plantings that hold land, and how many crop-weeks exceed its market capacity.
/// Plantings alike (crop, protection, day, still planned or not) are forecast once, summed.
async fn supply_peak(
    db: &Db,
    cache: &crate::usecases::forecasting::ClimateCache,
    site: Option<&str>,
    township_id: i64,
    items: &[SeasonItem],
    today: chrono::NaiveDate,
) -> Result<(Option<(String, chrono::NaiveDate, i64)>, usize), StorageError> {
    if site.is_none() {
        return Ok((None, 0));
    }
    let mut groups: BTreeMap<(&str, &str, chrono::NaiveDate, bool), Mu> = BTreeMap::new();
    for i in items.iter().filter(|i| i.status.holds_land()) {
        let key = (
            i.crop_code.as_str(),
            i.protection.as_str(),
            i.day,
            i.status == PlantingStatus::Planned,
        );
        *groups.entry(key).or_default() += i.area;
    }
    let sown: Vec<crate::usecases::forecasting::Sown<'_>> = groups
        .iter()
        .map(
            |(&(crop, protection, on, _), &area)| crate::usecases::forecasting::Sown {
                crop,
                protection,
                on,
                area,
            },
        )
        .collect();
    let forecasts =
        crate::usecases::forecasting::forecasts_of(db, cache, site, &sown, today).await?;
    let supplies: Vec<Supply> = groups
        .keys()
        .zip(forecasts)
        .enumerate()
        .filter_map(|(n, (&(crop, _, on, planned), f))| {
            let f = f?;
            Some(Supply {
                planting_id: i64::try_from(n).unwrap_or(i64::MAX),
                crop: crop.to_owned(),
                start_p10: f.harvest_start_p10,
                start_p50: f.harvest_start,
                start_p90: f.harvest_start_p90,
                harvest_days: u32::try_from((f.harvest_end - f.harvest_start).num_days())
                    .unwrap_or(0),
                yield_kg: f.yield_kg,
                movable: planned,
                planted_on: on,
            })
        })
        .collect();
    let capacity = tianlian_storage::market::capacity(db, township_id).await?;
    let weeks = market::calendar(&supplies, &capacity);
    let over = weeks.iter().filter(|w| w.over_capacity).count();
    let peak = weeks
        .into_iter()
        .max_by_key(|w| (w.p50_kg, std::cmp::Reverse(w.week)))
        .filter(|w| w.p50_kg > 0)
        .map(|w| (w.crop, w.week, w.p50_kg));
    Ok((peak, over))
}
