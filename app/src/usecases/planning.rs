//! Season targets and progress against them (挂图作战), for the progress page and the API: each
//! use case combines `domain::targets` with storage. Only with `ssr`.

use crate::models::{
    ChartPoint, CropOption, GanttRow, MarketCrop, MarketPageData, MarketWeek, MoveView,
    PlaceOption, TargetView, TargetsPageData, WallChartData,
};
use crate::usecases::forecasting::china_today;
use std::collections::HashMap;
use tianlian_domain::Lang;
use tianlian_domain::access::{Caller, PlotFilter, TownshipView, can_set_targets, township_view};
use tianlian_domain::forecast::PlanState;
use tianlian_domain::targets::{self, NewTargetInput, PlantedItem, TargetError};
use tianlian_storage::audit::AuditEntry;
use tianlian_storage::places::VillageRow;
use tianlian_storage::targets::TargetRow;
use tianlian_storage::{Db, StorageError, crops, places, plantings};

/// The villages a caller may plan for (every village of the townships they see).
async fn villages(db: &Db, view: TownshipView) -> Result<Vec<VillageRow>, StorageError> {
    match view {
        TownshipView::All => places::list_villages(db, PlotFilter::All).await,
        TownshipView::One(t) => places::list_villages(db, PlotFilter::Township(t)).await,
        TownshipView::Nothing => Ok(Vec::new()),
    }
}

/// The targets a caller may see, each with its progress today.
///
/// # Errors
/// The database failed.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn target_views(db: &Db, caller: &Caller) -> Result<Vec<TargetView>, StorageError> {
    views(db, caller, None).await
}

/// The caller's targets (or only target `only`), with progress worked out for those alone.
async fn views(
    db: &Db,
    caller: &Caller,
    only: Option<i64>,
) -> Result<Vec<TargetView>, StorageError> {
    let _turn = crate::usecases::report_turn().await;
    let mut rows = match township_view(caller.scope) {
        TownshipView::All => tianlian_storage::targets::list(db, None).await?,
        TownshipView::One(t) => tianlian_storage::targets::list(db, Some(t)).await?,
        TownshipView::Nothing => return Ok(Vec::new()),
    };
    if let Some(id) = only {
        rows.retain(|r| r.id == id);
    }
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let crop_names: HashMap<String, String> = crops::list(db)
        .await?
        .into_iter()
        .map(|c| (c.code, c.name_zh))
        .collect();
    let village_names: HashMap<i64, String> = villages(db, township_view(caller.scope))
        .await?
        .into_iter()
        .map(|v| (v.id, v.name))
        .collect();
    let today = china_today();
    // Every target's plantings in one read (an admin sees the county's targets: one statement
    // per target was the page's cost), then each target takes its own.
    let season_start = |t: &targets::Target| {
        tianlian_domain::forecast::climate::july_first(tianlian_domain::forecast::season_year(
            t.deadline,
        ))
    };
    let mut townships: Vec<i64> = rows.iter().map(|r| r.township_id).collect();
    townships.sort_unstable();
    townships.dedup();
    let from = rows
        .iter()
        .map(|r| season_start(&r.target))
        .min()
        .unwrap_or(today);
    let mut crops: Vec<&str> = rows
        .iter()
        .flat_map(|r| r.target.crops.crop_codes())
        .collect();
    crops.sort_unstable();
    crops.dedup();
    let items = tianlian_storage::targets::planted_items_in(db, &townships, from, &crops).await?;
    let mut views = Vec::with_capacity(rows.len());
    for row in &rows {
        let start = season_start(&row.target);
        let mine: Vec<PlantedItem> = items
            .iter()
            .filter(|(township, item)| {
                *township == row.township_id
                    && row.village_id.is_none_or(|v| item.village_id == v)
                    && item.planted_on >= start
                    && row.target.crops.includes(&item.crop)
            })
            .map(|(_, item)| item.clone())
            .collect();
        views.push(view_of(row, &mine, &crop_names, &village_names, today));
    }
    Ok(views)
}

/// One target with its progress, if the caller may see it.
///
/// # Errors
/// The database failed.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn target_view(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<Option<TargetView>, StorageError> {
    Ok(views(db, caller, Some(id)).await?.pop())
}

/// One target's view from the plantings it counts (`items`: its place, crops and season).
fn view_of(
    row: &TargetRow,
    items: &[PlantedItem],
    crop_names: &HashMap<String, String>,
    village_names: &HashMap<i64, String>,
    today: chrono::NaiveDate,
) -> TargetView {
    let t = &row.target;
    let p = targets::progress(t, items, today);
    let crop_name = match &t.crops {
        targets::CropScope::Crop(code) => crop_names.get(code).map(String::as_str),
        targets::CropScope::WinterVegetables => None,
    };
    TargetView {
        id: row.id,
        place: match &row.village_name {
            Some(v) => format!("{} · {v}", row.township_name),
            None => format!("{}（全乡）", row.township_name),
        },
        crops: t.crops.label(Lang::Zh, crop_name),
        area: t.area,
        starts_on: t.starts_on,
        deadline: t.deadline,
        planted: p.planted,
        percent: tianlian_domain::forecast::schedule::percent_text(p.percent_basis_points),
        days_left: p.days_left,
        per_day: p.per_day,
        state_zh: match p.state {
            PlanState::Done => "已完成",
            PlanState::InProgress if p.on_track => "按计划推进",
            PlanState::InProgress => "落后于计划",
            PlanState::Overdue => "已逾期未完成",
        }
        .to_owned(),
        on_track: p.on_track,
        required_today: p.required_today,
        by_village: p
            .by_village
            .iter()
            .map(|(id, area)| {
                (
                    village_names
                        .get(id)
                        .cloned()
                        .unwrap_or_else(|| format!("#{id}")),
                    *area,
                )
            })
            .collect(),
        chart: p
            .series
            .iter()
            .map(|d| ChartPoint {
                date: d.date,
                planted: d.planted,
                required: d.required,
            })
            .collect(),
        today,
    }
}

/// The progress page.
///
/// # Errors
/// The database failed.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn targets_page(db: &Db, caller: &Caller) -> Result<TargetsPageData, StorageError> {
    let view = township_view(caller.scope);
    let villages = villages(db, view).await?;
    let mut places = Vec::new();
    let mut seen = Vec::new();
    for v in &villages {
        if can_set_targets(caller.scope, v.township_id) {
            if !seen.contains(&v.township_id) {
                seen.push(v.township_id);
                places.push(PlaceOption {
                    value: format!("t:{}", v.township_id),
                    label: format!("{}（全乡）", v.township_name),
                });
            }
            places.push(PlaceOption {
                value: format!("v:{}", v.id),
                label: format!("{} · {}", v.township_name, v.name),
            });
        }
    }
    let mut crops: Vec<CropOption> = vec![CropOption {
        code: "winter_vegetables".into(),
        name_zh: "冬季蔬菜（莴笋+花菜）".into(),
    }];
    crops.extend(crops::list(db).await?.into_iter().map(|c| CropOption {
        code: c.code,
        name_zh: c.name_zh,
    }));
    Ok(TargetsPageData {
        targets: target_views(db, caller).await?,
        can_edit: !places.is_empty(),
        places,
        crops,
        today: china_today(),
    })
}

/// What became of a new target.
#[derive(Debug)]
pub enum AddTargetOutcome {
    Added(i64),
    Refused(Vec<TargetError>),
    Forbidden,
}

/// Adds a target for a place (`t:ID` township or `v:ID` village) after the access rule and the
/// domain's checks; records it in the audit log.
///
/// # Errors
/// The database failed.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn add_target(
    db: &Db,
    caller: &Caller,
    place: &str,
    input: &NewTargetInput,
) -> Result<AddTargetOutcome, StorageError> {
    let all = places::list_villages(db, PlotFilter::All).await?;
    let resolved = match place.trim().split_once(':') {
        Some(("t", id)) => id
            .parse::<i64>()
            .ok()
            .filter(|id| all.iter().any(|v| v.township_id == *id))
            .map(|id| (id, None)),
        Some(("v", id)) => id
            .parse::<i64>()
            .ok()
            .and_then(|id| all.iter().find(|v| v.id == id))
            .map(|v| (v.township_id, Some(v.id))),
        _ => None,
    };
    let known: Vec<String> = crops::list(db).await?.into_iter().map(|c| c.code).collect();
    let checked = targets::validate_target(input, |c| known.iter().any(|k| k == c));
    let Some((township_id, village_id)) = resolved else {
        let mut errors = vec![TargetError::UnknownPlace];
        errors.extend(checked.err().unwrap_or_default());
        return Ok(AddTargetOutcome::Refused(errors));
    };
    if !can_set_targets(caller.scope, township_id) {
        return Ok(AddTargetOutcome::Forbidden);
    }
    let target = match checked {
        Ok(t) => t,
        Err(errors) => return Ok(AddTargetOutcome::Refused(errors)),
    };
    let entry =
        AuditEntry::new(Some(caller.account_id), "create", "target").after(serde_json::json!({
            "crops": target.crops.code(),
            "area_centi_mu": target.area.centi(),
            "deadline": target.deadline,
        }));
    let id = tianlian_storage::targets::create(
        db,
        township_id,
        village_id,
        &target,
        Some(caller.account_id),
        &entry,
    )
    .await?;
    Ok(AddTargetOutcome::Added(id))
}

/// Deletes a target the caller may set; `None` when there is no such target in their view.
///
/// # Errors
/// The database failed.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn delete_target(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<Option<bool>, StorageError> {
    let Some(row) = tianlian_storage::targets::get(db, id).await? else {
        return Ok(None);
    };
    let visible = match township_view(caller.scope) {
        TownshipView::All => true,
        TownshipView::One(t) => t == row.township_id,
        TownshipView::Nothing => false,
    };
    if !visible {
        return Ok(None);
    }
    if !can_set_targets(caller.scope, row.township_id) {
        return Ok(Some(false));
    }
    let entry = AuditEntry::new(Some(caller.account_id), "delete", "target");
    tianlian_storage::targets::delete(db, id, &entry).await?;
    Ok(Some(true))
}

/// A township's plantings that hold land, with their forecasts: what the market calendar and the
/// wall chart are drawn from.
struct TownshipPlantings {
    township_id: i64,
    label: String,
    townships: Vec<PlaceOption>,
    rows: Vec<tianlian_storage::plantings::PlantingRow>,
    forecasts: Vec<Option<crate::models::PlantingForecast>>,
    /// "村 code" by plot id.
    plot_codes: HashMap<i64, String>,
    site: Option<String>,
}

/// The township the caller asked for (`None`: their own, or an admin's first), if they see it.
async fn township_plantings(
    db: &Db,
    cache: &crate::usecases::forecasting::ClimateCache,
    caller: &Caller,
    township: Option<i64>,
) -> Result<Option<TownshipPlantings>, StorageError> {
    let all = villages(db, township_view(caller.scope)).await?;
    let mut townships: Vec<PlaceOption> = Vec::new();
    for v in &all {
        if !townships
            .iter()
            .any(|t| t.value == v.township_id.to_string())
        {
            townships.push(PlaceOption {
                value: v.township_id.to_string(),
                label: v.township_name.clone(),
            });
        }
    }
    let chosen = match township {
        Some(t) => townships.iter().find(|o| o.value == t.to_string()),
        None => townships.first(),
    };
    let Some(chosen) = chosen.cloned() else {
        return Ok(None);
    };
    let township_id: i64 = chosen.value.parse().unwrap_or_default();
    // This season's: from its 1 July (a planting of an earlier season still holding land counts).
    let season_start = tianlian_domain::forecast::climate::july_first(
        tianlian_domain::forecast::season_year(crate::usecases::forecasting::china_today()),
    );
    let mut plot_codes = HashMap::new();
    let rows: Vec<_> = plantings::in_season(db, township_id, season_start)
        .await?
        .into_iter()
        .map(|(row, label)| {
            plot_codes.insert(row.plot_id, label);
            row
        })
        .collect();
    let site = tianlian_storage::market::township_site(db, township_id).await?;
    let forecasts =
        crate::usecases::forecasting::planting_forecasts(db, cache, site.as_deref(), &rows).await?;
    Ok(Some(TownshipPlantings {
        township_id,
        label: chosen.label,
        townships,
        rows,
        forecasts,
        plot_codes,
        site,
    }))
}

/// The wall chart (挂图) of a township: per village and crop, the planting window and the
/// harvest window (P50 forecasts), with today, the targets' deadlines and the Spring Festival.
///
/// # Errors
/// The database failed.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn wall_chart(
    db: &Db,
    cache: &crate::usecases::forecasting::ClimateCache,
    caller: &Caller,
    township: Option<i64>,
) -> Result<Option<WallChartData>, StorageError> {
    let _turn = crate::usecases::report_turn().await;
    let Some(t) = township_plantings(db, cache, caller, township).await? else {
        return Ok(None);
    };
    let crop_rows = crops::list(db).await?;
    let mut rows: Vec<GanttRow> = Vec::new();
    for (r, f) in t.rows.iter().zip(&t.forecasts) {
        let village = t
            .plot_codes
            .get(&r.plot_id)
            .and_then(|c| c.split(' ').next())
            .unwrap_or_default()
            .to_owned();
        let crop = crop_rows
            .iter()
            .find(|c| c.code == r.crop_code)
            .map_or_else(|| r.crop_code.clone(), |c| c.name_zh.clone());
        let label = format!("{village} · {crop}");
        let planted = r.planted_on.unwrap_or(r.planned_on);
        let (h_from, h_to) = match f {
            Some(f) => (Some(f.harvest_start), Some(f.harvest_end)),
            None => (None, None),
        };
        match rows.iter_mut().find(|g| g.label == label) {
            Some(g) => {
                g.area += r.area;
                g.plant_from = g.plant_from.min(planted);
                g.plant_to = g.plant_to.max(planted);
                g.harvest_from = match (g.harvest_from, h_from) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                g.harvest_to = g.harvest_to.max(h_to);
            }
            None => rows.push(GanttRow {
                label,
                area: r.area,
                plant_from: planted,
                plant_to: planted,
                harvest_from: h_from,
                harvest_to: h_to,
            }),
        }
    }
    rows.sort_by(|a, b| a.label.cmp(&b.label));
    let deadlines = tianlian_storage::targets::list(db, Some(t.township_id))
        .await?
        .into_iter()
        .map(|g| {
            let name = match &g.target.crops {
                targets::CropScope::Crop(code) => crop_rows
                    .iter()
                    .find(|c| c.code == *code)
                    .map(|c| c.name_zh.as_str()),
                targets::CropScope::WinterVegetables => None,
            };
            let label = g.target.crops.label(tianlian_domain::Lang::Zh, name);
            (g.target.deadline, format!("{label}截止"))
        })
        .collect();
    let from = rows.iter().map(|r| r.plant_from).min();
    let to = rows
        .iter()
        .filter_map(|r| r.harvest_to.or(Some(r.plant_to)))
        .max();
    let festival = from.and_then(|f| {
        tianlian_domain::calendar::spring_festival(tianlian_domain::forecast::season_year(f) + 1)
            .ok()
    });
    Ok(Some(WallChartData {
        township: t.label,
        townships: t.townships,
        rows,
        deadlines,
        spring_festival: festival,
        today: crate::usecases::forecasting::china_today(),
        from,
        to,
    }))
}

/// The market calendar of a township the caller may see (`None`: their own, or an admin's
/// first). `None` when the caller sees no township (farmers) or asks for one outside their view.
///
/// # Errors
/// The database failed.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn market_page(
    db: &Db,
    cache: &crate::usecases::forecasting::ClimateCache,
    caller: &Caller,
    township: Option<i64>,
) -> Result<Option<MarketPageData>, StorageError> {
    use std::cell::RefCell;
    use tianlian_domain::forecast::{self, Forecaster, Protection};
    use tianlian_domain::market::{self, Supply};

    let _turn = crate::usecases::report_turn().await;
    let Some(t) = township_plantings(db, cache, caller, township).await? else {
        return Ok(None);
    };
    let TownshipPlantings {
        township_id,
        label,
        townships,
        rows,
        forecasts,
        plot_codes,
        site,
    } = t;
    let supplies: Vec<Supply> = rows
        .iter()
        .zip(&forecasts)
        .filter_map(|(r, f)| {
            let f = f.as_ref()?;
            Some(Supply {
                planting_id: r.id,
                crop: r.crop_code.clone(),
                start_p10: f.harvest_start_p10,
                start_p50: f.harvest_start,
                start_p90: f.harvest_start_p90,
                harvest_days: u32::try_from((f.harvest_end - f.harvest_start).num_days())
                    .unwrap_or(0),
                yield_kg: f.yield_kg,
                movable: r.status == tianlian_domain::PlantingStatus::Planned,
                planted_on: r.planted_on.unwrap_or(r.planned_on),
            })
        })
        .collect();
    let capacity = tianlian_storage::market::capacity(db, township_id).await?;
    let weeks = market::calendar(&supplies, &capacity);
    let moves = match &site {
        Some(site) => {
            let climate = match cache.site(db, site).await {
                Ok(found) => Some((found.climate, found.tables)),
                Err(crate::usecases::forecasting::EngineError::Storage(e)) => return Err(e),
                Err(_) => None,
            };
            match climate {
                Some((climate, tables)) => {
                    let today = crate::usecases::forecasting::china_today();
                    let protections: HashMap<i64, Protection> = rows
                        .iter()
                        .map(|r| {
                            (
                                r.id,
                                Protection::from_code(&r.protection).unwrap_or(Protection::Open),
                            )
                        })
                        .collect();
                    let forecasters =
                        RefCell::new(Vec::<(String, Protection, Forecaster<'_>)>::new());
                    market::flatten(&supplies, &capacity, |s, to| {
                        let model = forecast::parse_crop(&s.crop).ok()?;
                        let protection = protections.get(&s.planting_id).copied()?;
                        let mut list = forecasters.borrow_mut();
                        let i = match list
                            .iter()
                            .position(|(c, p, _)| *c == s.crop && *p == protection)
                        {
                            Some(i) => i,
                            None => {
                                list.push((
                                    s.crop.clone(),
                                    protection,
                                    Forecaster::new(model, protection, &climate, Some(today))
                                        .with_store(&tables),
                                ));
                                list.len() - 1
                            }
                        };
                        list[i].2.start_range(to).map(|r| r.p50)
                    })
                }
                None => Vec::new(),
            }
        }
        None => Vec::new(),
    };
    let crop_rows = crops::list(db).await?;
    let name = |code: &str| {
        crop_rows
            .iter()
            .find(|c| c.code == code)
            .map_or_else(|| code.to_owned(), |c| c.name_zh.clone())
    };
    // The Spring Festival of the season under way: what this winter's supply is aimed at.
    let season =
        tianlian_domain::forecast::season_year(crate::usecases::forecasting::china_today());
    let festival = tianlian_domain::calendar::spring_festival(season + 1).ok();
    let festival_week = festival.map(market::week_of);
    let mut crops_out: Vec<MarketCrop> = Vec::new();
    for w in weeks {
        let row = MarketWeek {
            week: w.week,
            p50_kg: w.p50_kg,
            low_kg: w.low_kg,
            high_kg: w.high_kg,
            capacity_kg: w.capacity_kg,
            over_capacity: w.over_capacity,
            festival: festival_week == Some(w.week),
        };
        match crops_out.iter_mut().find(|c| c.code == w.crop) {
            Some(c) => c.weeks.push(row),
            None => crops_out.push(MarketCrop {
                name_zh: name(&w.crop),
                capacity_kg: capacity.get(&w.crop).copied(),
                code: w.crop,
                weeks: vec![row],
            }),
        }
    }
    let plot_of: HashMap<i64, i64> = rows.iter().map(|r| (r.id, r.plot_id)).collect();
    Ok(Some(MarketPageData {
        township_id,
        township: label,
        townships,
        spring_festival: festival,
        crops: crops_out,
        moves: moves
            .into_iter()
            .map(|m| MoveView {
                plot: plot_of
                    .get(&m.planting_id)
                    .and_then(|p| plot_codes.get(p))
                    .cloned()
                    .unwrap_or_default(),
                crop_name_zh: name(&m.crop),
                planting_id: m.planting_id,
                from: m.from,
                to: m.to,
                days: m.days,
            })
            .collect(),
        can_edit: can_set_targets(caller.scope, township_id),
    }))
}

/// What came of setting a market capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapacityOutcome {
    Set,
    /// The caller may not set it there.
    Forbidden,
    /// An unknown crop or a negative amount.
    Invalid,
    /// No such township (only an admin gets this far for one).
    NoTownship,
}

/// Sets a crop's weekly market capacity for a township (`None` or 0 clears it).
///
/// # Errors
/// The database failed.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn set_capacity(
    db: &Db,
    caller: &Caller,
    township_id: i64,
    crop: &str,
    kg_per_week: Option<i64>,
) -> Result<CapacityOutcome, StorageError> {
    if !can_set_targets(caller.scope, township_id) {
        return Ok(CapacityOutcome::Forbidden);
    }
    if !crops::list(db).await?.iter().any(|c| c.code == crop)
        || kg_per_week.is_some_and(|kg| kg < 0)
    {
        return Ok(CapacityOutcome::Invalid);
    }
    if !tianlian_storage::places::township_exists(db, township_id).await? {
        return Ok(CapacityOutcome::NoTownship);
    }
    tianlian_storage::market::set_capacity(db, township_id, crop, kg_per_week.filter(|kg| *kg > 0))
        .await?;
    Ok(CapacityOutcome::Set)
}
