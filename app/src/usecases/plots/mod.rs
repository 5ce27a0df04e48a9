//! The plot register and its plantings: lists and pages ([`plots_page`], [`plot_page`],
//! [`ScopedPlantings`]), adding and moving on plantings ([`planting`]), adding, editing and
//! retiring plots ([`register`]) and the CSV import ([`import`]).

pub mod import;
pub mod planting;
pub mod register;

pub use import::{may_import, own_run, run_import};
pub use planting::{
    AddPlantingOutcome, StatusOutcome, add_planting_from_form, change_status, form_error_query,
};
pub use register::{PlotOutcome, create_plot, edit_plot, retire_plot};

use crate::models::{
    CropOption, PlantingView, PlotPageData, PlotSummary, PlotsPageData, VillageOption,
};
use tianlian_domain::Occupancy;
use tianlian_domain::access::{
    Caller, PlotPlace, can_view_plot, can_work_planting, planter_of, plot_filter,
};
use tianlian_domain::lease::Planter;
use tianlian_domain::season::{Season, peak_area};
use tianlian_storage::plantings::PlantingRow;
use tianlian_storage::plots::PlotRow;
use tianlian_storage::{Db, StorageError, crops, places, plantings, plots};

/// Whose a stored planting is: its cooperative's, or the plot household's.
fn planter_by(cooperative_id: Option<i64>) -> Planter {
    cooperative_id.map_or(Planter::Household, Planter::Cooperative)
}

fn planting_view(p: &PlantingRow) -> PlantingView {
    PlantingView {
        id: p.id,
        crop_code: p.crop_code.clone(),
        crop_name_zh: p.crop_name_zh.clone(),
        crop_name_en: p.crop_name_en.clone(),
        area: p.area,
        planned_on: p.planned_on.to_string(),
        season_until: p.season.until.to_string(),
        status: p.status,
        forecast: None,
        cooperative_id: p.cooperative_id,
        can_change: false,
    }
}

fn place(plot: &PlotRow) -> PlotPlace {
    PlotPlace {
        township_id: plot.township_id,
        owner_household_id: plot.owner_household_id,
    }
}

fn plot_summary(plot: PlotRow, plantings: &[PlantingRow], today: chrono::NaiveDate) -> PlotSummary {
    let held: Vec<Occupancy> = plantings
        .iter()
        .filter(|p| p.status.holds_land())
        .map(|p| Occupancy {
            season: p.season,
            area: p.area,
        })
        .collect();
    PlotSummary {
        held_today: peak_area(
            &held,
            Season {
                from: today,
                until: today,
            },
        ),
        plantings: plantings.iter().map(planting_view).collect(),
        id: plot.id,
        code: plot.code,
        village_id: plot.village_id,
        village: plot.village_name,
        township: plot.township_name,
        owner: plot.owner_name,
        owner_code: plot.owner_code,
        irrigation: plot.irrigation,
        notes: plot.notes,
        area: plot.area,
        retired: plot.retired,
    }
}

/// Plots a page of the plots list shows (an API page may ask for up to
/// [`MAX_API_PAGE`]).
pub const PLOTS_PER_PAGE: i64 = 50;
/// The most rows an API list returns at once.
pub const MAX_API_PAGE: i64 = 100;

/// The storage query for a list query, inside the caller's scope (a status code that is not
/// one narrows nothing).
pub fn plot_query(q: &crate::models::PlotListQuery) -> plots::PlotQuery {
    plots::PlotQuery {
        township_id: q.township,
        village_id: q.village,
        crop: q.crop.clone(),
        status: q
            .status
            .as_deref()
            .and_then(tianlian_domain::PlantingStatus::from_code),
        text: q.q.clone(),
    }
}

/// Summaries of `plot_rows` with their plantings (one page's worth: the plantings are read
/// for these plots only).
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all)]
pub async fn summaries(db: &Db, plot_rows: Vec<PlotRow>) -> Result<Vec<PlotSummary>, StorageError> {
    let today = crate::usecases::forecasting::china_today();
    let ids: Vec<i64> = plot_rows.iter().map(|p| p.id).collect();
    let planting_rows = plantings::on_plots(db, &ids).await?;
    Ok(plot_rows
        .into_iter()
        .map(|plot| {
            // Plantings come ordered by plot: take this plot's run.
            let start = planting_rows.partition_point(|p| p.plot_id < plot.id);
            let end = planting_rows.partition_point(|p| p.plot_id <= plot.id);
            plot_summary(plot, &planting_rows[start..end], today)
        })
        .collect())
}

/// The plots page: one page of the active plots the caller may see that the query admits,
/// with their plantings, the count and area over every page, and the filter's choices. An
/// admin picks a township before villages are offered (a county has hundreds).
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn plots_page(
    db: &Db,
    caller: &Caller,
    query: &crate::models::PlotListQuery,
) -> Result<PlotsPageData, StorageError> {
    use crate::models::TownshipOption;
    let filter = plot_filter(caller.scope);
    let q = plot_query(query);
    let (total, total_area) = plots::tally(db, filter, &q).await?;
    let pages = ((total + PLOTS_PER_PAGE - 1) / PLOTS_PER_PAGE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let rows = plots::page(db, filter, &q, (page - 1) * PLOTS_PER_PAGE, PLOTS_PER_PAGE).await?;
    let plots = summaries(db, rows).await?;
    let townships: Vec<TownshipOption> = match filter {
        tianlian_domain::access::PlotFilter::All => places::list_townships(db, None)
            .await?
            .into_iter()
            .map(|(id, name)| TownshipOption { id, name })
            .collect(),
        _ => Vec::new(),
    };
    let villages: Vec<VillageOption> = if townships.is_empty() || query.township.is_some() {
        places::list_villages(db, filter)
            .await?
            .into_iter()
            .filter(|v| query.township.is_none_or(|t| t == v.township_id))
            .map(|v| VillageOption {
                id: v.id,
                name: v.name,
                township: v.township_name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let crops = crops::list(db)
        .await?
        .into_iter()
        .map(|c| CropOption {
            code: c.code,
            name_zh: c.name_zh,
        })
        .collect();
    Ok(PlotsPageData {
        query: query.clone(),
        manage_villages: villages
            .iter()
            .filter(|_| crate::usecases::plots::may_import(caller))
            .cloned()
            .collect(),
        townships,
        villages,
        crops,
        plots,
        total,
        total_area,
        page,
        pages,
    })
}

/// Up to `limit` active plots the caller may see that `q` admits, in id order after
/// `cursor`, with their plantings, and the next page's cursor (`None` on the last page).
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn plots_after(
    db: &Db,
    caller: &Caller,
    q: &plots::PlotQuery,
    cursor: Option<i64>,
    limit: i64,
) -> Result<(Vec<PlotSummary>, Option<i64>), StorageError> {
    let filter = plot_filter(caller.scope);
    let rows = plots::after(db, filter, q, cursor, limit + 1).await?;
    let (rows, next) = tianlian_storage::paging::split(rows, limit, |p| p.id);
    Ok((summaries(db, rows).await?, next))
}

/// Up to `limit` plantings the caller may see that `q` admits, in id order after `cursor`,
/// each with its plot and forecast, and the next page's cursor.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn plantings_after(
    db: &Db,
    cache: &crate::usecases::forecasting::ClimateCache,
    caller: &Caller,
    q: &plots::PlotQuery,
    cursor: Option<i64>,
    limit: i64,
) -> Result<(Vec<crate::models::PlantingListItem>, Option<i64>), StorageError> {
    let filter = plot_filter(caller.scope);
    let rows = plantings::after(db, filter, q, cursor, limit + 1).await?;
    let (rows, next) = tianlian_storage::paging::split(rows, limit, |p| p.id);
    let mut ids: Vec<i64> = rows.iter().map(|r| r.plot_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let plots = plots::by_ids(db, &ids).await?;
    let mut list = ScopedPlantings { plots, rows }
        .with_forecasts(db, cache, crate::usecases::forecasting::china_today())
        .await?;
    list.sort_by_key(|i| i.planting.id);
    Ok((list, next))
}

/// Every planting on the plots the caller may see, each with its forecast from its
/// township's site (plantings are grouped by site so each site's climate is read once).
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn plantings_with_forecasts(
    db: &Db,
    cache: &crate::usecases::forecasting::ClimateCache,
    caller: &Caller,
) -> Result<Vec<crate::models::PlantingListItem>, StorageError> {
    ScopedPlantings::load(db, caller)
        .await?
        .with_forecasts(db, cache, crate::usecases::forecasting::china_today())
        .await
}

/// The plots and plantings a caller may see, read once and forecast as of any day.
pub struct ScopedPlantings {
    plots: Vec<PlotRow>,
    rows: Vec<PlantingRow>,
}

impl ScopedPlantings {
    /// # Errors
    /// Storage failures.
    #[tracing::instrument(skip_all, fields(account = caller.account_id))]
    pub async fn load(db: &Db, caller: &Caller) -> Result<ScopedPlantings, StorageError> {
        Self::load_in(db, plot_filter(caller.scope)).await
    }

    /// The plots and plantings a filter names, for a use case that has already decided what
    /// its caller may see (a cooperative's labour demand reads its whole township's).
    ///
    /// # Errors
    /// Storage failures.
    #[tracing::instrument(skip_all)]
    pub async fn load_in(
        db: &Db,
        filter: tianlian_domain::access::PlotFilter,
    ) -> Result<ScopedPlantings, StorageError> {
        let (plots, rows) = plantings::with_plots(db, filter).await?;
        Ok(ScopedPlantings { plots, rows })
    }

    /// The plantings on these plots (already read and already the caller's), in chunks of 500
    /// plots so no statement carries too many parameters.
    ///
    /// # Errors
    /// Storage failures.
    #[tracing::instrument(skip_all)]
    pub async fn on(db: &Db, plots: Vec<PlotRow>) -> Result<ScopedPlantings, StorageError> {
        let mut rows = Vec::new();
        for chunk in plots.chunks(500) {
            let ids: Vec<i64> = chunk.iter().map(|p| p.id).collect();
            rows.extend(plantings::on_plots(db, &ids).await?);
        }
        Ok(ScopedPlantings { plots, rows })
    }

    /// Every planting with its forecast as it stood on `as_of`, by plot and planting.
    ///
    /// # Errors
    /// Storage failures.
    #[tracing::instrument(skip_all)]
    pub async fn with_forecasts(
        &self,
        db: &Db,
        cache: &crate::usecases::forecasting::ClimateCache,
        as_of: chrono::NaiveDate,
    ) -> Result<Vec<crate::models::PlantingListItem>, StorageError> {
        use std::collections::HashMap;
        let plot_of: HashMap<i64, &PlotRow> = self.plots.iter().map(|p| (p.id, p)).collect();
        let mut by_site: HashMap<Option<&str>, Vec<PlantingRow>> = HashMap::new();
        for r in &self.rows {
            let site = plot_of.get(&r.plot_id).and_then(|p| p.site_code.as_deref());
            by_site.entry(site).or_default().push(r.clone());
        }
        let mut out = Vec::with_capacity(self.rows.len());
        for (site, group) in by_site {
            let forecasts =
                crate::usecases::forecasting::planting_forecasts_at(db, cache, site, &group, as_of)
                    .await?;
            for (row, forecast) in group.iter().zip(forecasts) {
                let Some(plot) = plot_of.get(&row.plot_id) else {
                    continue;
                };
                let mut planting = planting_view(row);
                planting.forecast = forecast;
                out.push(crate::models::PlantingListItem {
                    plot_id: plot.id,
                    plot_code: plot.code.clone(),
                    village: plot.village_name.clone(),
                    township: plot.township_name.clone(),
                    planting,
                });
            }
        }
        out.sort_by_key(|i| (i.plot_id, i.planting.id));
        Ok(out)
    }
}

/// One plot's page, or `None` if there is no such plot or the caller may not see it (the
/// two look the same, so existence does not leak).
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn plot_page(
    db: &Db,
    cache: &crate::usecases::forecasting::ClimateCache,
    caller: &Caller,
    id: i64,
) -> Result<Option<PlotPageData>, StorageError> {
    let today = crate::usecases::forecasting::china_today();
    let Some(plot) = plots::get(db, id)
        .await?
        .filter(|p| can_view_plot(caller.scope, place(p)))
    else {
        return Ok(None);
    };
    let leases = tianlian_storage::alliance::lease_terms_of_plot(db, plot.id).await?;
    let may = |planter| can_work_planting(caller.scope, place(&plot), planter, &leases, today);
    let can_plan = may(planter_of(caller.scope));
    let can_manage = tianlian_domain::access::can_manage_plots(caller.scope, plot.township_id);
    let planting_rows = plantings::list_for_plot(db, id).await?;
    let crops = crops::list(db).await?;
    let forecasts = crate::usecases::forecasting::planting_forecasts(
        db,
        cache,
        plot.site_code.as_deref(),
        &planting_rows,
    )
    .await?;
    let changeable: Vec<bool> = planting_rows
        .iter()
        .map(|p| may(planter_by(p.cooperative_id)))
        .collect();
    let mut summary = plot_summary(plot, &planting_rows, today);
    for ((view, forecast), can_change) in
        summary.plantings.iter_mut().zip(forecasts).zip(changeable)
    {
        view.forecast = forecast;
        view.can_change = can_change;
    }
    Ok(Some(PlotPageData {
        plot: summary,
        crops: crops
            .into_iter()
            .map(|c| CropOption {
                code: c.code,
                name_zh: c.name_zh,
            })
            .collect(),
        today: today.to_string(),
        can_plan,
        can_manage,
    }))
}
