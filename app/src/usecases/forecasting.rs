//! Forecasts for the server: a site's climate is loaded from storage once and cached until its
//! weather changes; the engine itself is pure (`tianlian_domain::forecast`). Only with `ssr`.

use crate::models::{
    BackwardView, CropOption, ForecastForm, ForecastPageData, ForecastView, PlantingForecast,
    SiteOption, TermView,
};
use chrono::{Datelike, NaiveDate, Utc};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};
use tianlian_domain::forecast::weather_csv::{self, RowError};
use tianlian_domain::forecast::{
    self, BackwardSchedule, Climate, Forecast, ForecastError, Forecaster, MarketTarget, Protection,
    SeasonTable, TableKey, TableStore,
};
use tianlian_domain::forecast::{PlantedAs, SpreadBasis};
use tianlian_domain::{Lang, calendar};
use tianlian_storage::plantings::PlantingRow;
use tianlian_storage::sites::{self, SiteRow};
use tianlian_storage::{Db, StorageError, crops};

/// Now on China's clock (UTC+8), as a local date and time.
pub fn china_now() -> chrono::NaiveDateTime {
    tianlian_domain::clock::china_time(Utc::now())
}

/// Today in China (UTC+8), the calendar every township works in.
pub fn china_today() -> NaiveDate {
    china_now().date()
}

/// Why a forecast request failed.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The request itself is wrong (the user's fault: a 4xx).
    #[error("{0}")]
    Invalid(#[from] ForecastError),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// A climate with the weather version of its site it was built from.
type Versioned = (i64, Arc<Climate>);

/// Season tables by site, weather version and [`TableKey`].
type Tables = HashMap<(String, i64, TableKey), Arc<SeasonTable>>;

/// More tables than any county asks for at once (3 sites × 5 crops × 3 covers × 2 seasons ×
/// a few observed cut-offs); past it the store starts again rather than grow (~44 KB a table).
const MAX_TABLES: usize = 512;

/// How long a site's row (its weather version) is trusted before it is read again. An import
/// through this server forgets it at once; another server sharing the database sees new
/// weather at most this late.
const SITE_TTL: std::time::Duration = std::time::Duration::from_secs(5);

/// Site climates by code, and the season tables built from them, shared by every request: a
/// table takes ~5 ms to build and a page of forecasts then reads it in microseconds.
#[derive(Clone, Default)]
pub struct ClimateCache {
    sites: Arc<RwLock<HashMap<String, (std::time::Instant, SiteRow)>>>,
    climates: Arc<RwLock<HashMap<String, Versioned>>>,
    tables: Arc<RwLock<Tables>>,
}

/// A site with its climate.
pub struct SiteClimate {
    pub site: SiteRow,
    pub climate: Arc<Climate>,
    /// Where forecasts of this site find (and leave) their season tables.
    pub tables: SiteTables,
}

/// The shared season tables of one site's climate at one weather version.
pub struct SiteTables {
    site: String,
    version: i64,
    tables: Arc<RwLock<Tables>>,
}

/// Season years kept in the shared store: the seasons people plan and grow now, two either
/// side of this one. A forecast for any other year (anyone may ask `POST /api/v1/forecast` for
/// 1950 or 2090) is built for that request alone and never pushes out the tables that the
/// plot pages, `/my` and the reports share.
pub fn shared_season_years(today: NaiveDate) -> std::ops::RangeInclusive<i32> {
    today.year() - 2..=today.year() + 2
}

impl TableStore for SiteTables {
    fn table(&self, key: TableKey, build: &dyn Fn() -> SeasonTable) -> Arc<SeasonTable> {
        if !shared_season_years(china_today()).contains(&key.season_year) {
            return Arc::new(build());
        }
        let id = (self.site.clone(), self.version, key);
        if let Some(hit) = self.tables.read().ok().and_then(|t| t.get(&id).cloned()) {
            return hit;
        }
        // Built outside the lock: two requests may both build a new table, neither waits.
        let table = Arc::new(build());
        if let Ok(mut tables) = self.tables.write() {
            if tables.len() >= MAX_TABLES {
                tables.clear();
            }
            tables.insert(id, table.clone());
        }
        table
    }
}

impl ClimateCache {
    /// The site `code` and its climate; reloads the observed weather only when it changed (the
    /// version check is one small query, so several servers sharing a database stay in step).
    ///
    /// # Errors
    /// [`ForecastError::UnknownSite`], or the database failed.
    #[tracing::instrument(skip_all)]
    pub async fn site(&self, db: &Db, code: &str) -> Result<SiteClimate, EngineError> {
        let code = code.trim();
        let fresh = self
            .sites
            .read()
            .ok()
            .and_then(|m| m.get(code).cloned())
            .filter(|(at, _)| at.elapsed() < SITE_TTL)
            .map(|(_, site)| site);
        let site = match fresh {
            Some(site) => site,
            None => {
                let site = sites::by_code(db, code)
                    .await?
                    .ok_or(ForecastError::UnknownSite)?;
                if let Ok(mut m) = self.sites.write() {
                    m.insert(code.to_owned(), (std::time::Instant::now(), site.clone()));
                }
                site
            }
        };
        let tables = SiteTables {
            site: site.code.clone(),
            version: site.weather_version,
            tables: self.tables.clone(),
        };
        let cached = self
            .climates
            .read()
            .ok()
            .and_then(|map| map.get(&site.code).cloned())
            .filter(|(version, _)| *version == site.weather_version);
        if let Some((_, climate)) = cached {
            return Ok(SiteClimate {
                site,
                climate,
                tables,
            });
        }
        let observed = if site.observed_days > 0 {
            sites::weather(db, site.id).await?
        } else {
            BTreeMap::new()
        };
        let climate = Arc::new(Climate::new(&site.normals, observed, &site.code));
        if let Ok(mut map) = self.climates.write() {
            map.insert(site.code.clone(), (site.weather_version, climate.clone()));
        }
        Ok(SiteClimate {
            site,
            climate,
            tables,
        })
    }

    /// Forgets what is known of site `code` (after its weather changed through this server).
    pub fn forget_site(&self, code: &str) {
        if let Ok(mut m) = self.sites.write() {
            m.remove(code.trim());
        }
    }
}

/// A forecast request as typed or posted (text fields, validated here).
pub struct ForecastQuery<'a> {
    pub crop: &'a str,
    /// A type of the crop; `None` or blank: picked from the planting date and place.
    pub crop_type: Option<&'a str>,
    pub site: &'a str,
    pub protection: Option<&'a str>,
    pub planted_on: &'a str,
    pub area_mu: &'a str,
}

/// Forecasts asked one at a time (`POST /api/v1/forecast`, backward schedules, the forecast
/// page): as many at once as the machine has cores.
static FORECASTS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
});

async fn forecast_turn() -> Option<tokio::sync::SemaphorePermit<'static>> {
    FORECASTS.acquire().await.ok()
}

/// Forecasts one planting, with observed weather up to today where the site has it.
///
/// # Errors
/// The first invalid field, or the database failed.
#[tracing::instrument(skip_all)]
pub async fn forecast(
    db: &Db,
    cache: &ClimateCache,
    q: &ForecastQuery<'_>,
) -> Result<(Forecast, Protection, SiteRow), EngineError> {
    let model = forecast::parse_crop_type(q.crop, q.crop_type)?;
    let protection = forecast::parse_protection(q.protection)?;
    let planted_on = forecast::parse_day(q.planted_on)?;
    let area = forecast::parse_area(q.area_mu)?;
    let SiteClimate {
        site,
        climate,
        tables,
    } = cache.site(db, q.site).await?;
    // Whatever anyone asks (the API is open to all), no more forecasts run at once than the
    // machine has cores; they queue apart from the township reports, which they cannot starve.
    let _turn = forecast_turn().await;
    let result = Forecaster::new(model, protection, &climate, Some(china_today()))
        .with_store(&tables)
        .forecast(planted_on, area)?;
    Ok((result, protection, site))
}

/// Works back from a market target (倒排工期).
///
/// # Errors
/// The first invalid field, an unreachable market, or the database failed.
#[tracing::instrument(skip_all)]
pub async fn backward(
    db: &Db,
    cache: &ClimateCache,
    crop: &str,
    crop_type: Option<&str>,
    site: &str,
    protection: Option<&str>,
    market: MarketTarget,
) -> Result<BackwardSchedule, EngineError> {
    let model = forecast::parse_crop_type(crop, crop_type)?;
    let protection = forecast::parse_protection(protection)?;
    let market = market.date()?;
    let SiteClimate {
        climate, tables, ..
    } = cache.site(db, site).await?;
    let _turn = forecast_turn().await;
    let mut forecaster =
        Forecaster::new(model, protection, &climate, Some(china_today())).with_store(&tables);
    Ok(forecast::backward(&mut forecaster, market)?)
}

/// Why a weather file was not imported.
#[derive(Debug, thiserror::Error)]
pub enum WeatherImportError {
    #[error("unknown site")]
    UnknownSite,
    /// Every bad line; nothing was imported.
    #[error("{} bad rows", .0.len())]
    Rows(Vec<RowError>),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Imports a site's observed weather from CSV text, all or nothing; returns the days written.
/// The API and the `tianlian weather import` command both call this.
///
/// # Errors
/// An unknown site, the file's bad rows, or the database failed.
#[tracing::instrument(skip_all)]
pub async fn import_weather(
    db: &Db,
    site_code: &str,
    csv: &str,
) -> Result<(SiteRow, usize), WeatherImportError> {
    let site = sites::by_code(db, site_code.trim())
        .await?
        .ok_or(WeatherImportError::UnknownSite)?;
    let days = weather_csv::parse(csv).map_err(WeatherImportError::Rows)?;
    let written = sites::import_weather(db, site.id, &days).await?;
    tracing::info!(site = %site.code, days = written, "weather imported");
    Ok((site, written))
}

/// The forecast page: fills the form's blanks with defaults (celtuce at 茂县 in the open, planted
/// today, 10 mu; market 7 days before the next Spring Festival), then answers both questions.
///
/// # Errors
/// The database failed (bad input is an answer on the page, not an error).
#[tracing::instrument(skip_all)]
pub async fn forecast_page(
    db: &Db,
    cache: &ClimateCache,
    mut form: ForecastForm,
) -> Result<ForecastPageData, StorageError> {
    let today = china_today();
    let or = |field: &mut String, default: String| {
        if field.trim().is_empty() {
            *field = default;
        }
    };
    let festival_year = match calendar::spring_festival(today.year()) {
        Ok(date) if date > today => today.year(),
        _ => today.year() + 1,
    };
    or(&mut form.crop, "celtuce".into());
    or(&mut form.site, "maoxian".into());
    or(&mut form.protection, "open".into());
    or(&mut form.planted_on, today.to_string());
    or(&mut form.area, "10".into());
    or(&mut form.market_year, festival_year.to_string());
    or(&mut form.days_before, "7".into());

    let query = ForecastQuery {
        crop: &form.crop,
        crop_type: Some(&form.crop_type),
        site: &form.site,
        protection: Some(&form.protection),
        planted_on: &form.planted_on,
        area_mu: &form.area,
    };
    let forecast = match forecast(db, cache, &query).await {
        Ok((f, _, _)) => Ok(ForecastView {
            crop_type_zh: type_label(&f.crop, &f.crop_type),
            type_picked: form.crop_type.trim().is_empty(),
            planted_as_zh: match f.planted_as {
                PlantedAs::Sowing => "播种".into(),
                PlantedAs::Transplanting => "移栽".into(),
            },
            harvest_start: f.harvest_start,
            harvest_start_p10: f.harvest_start_p10,
            harvest_start_p90: f.harvest_start_p90,
            harvest_peak: f.harvest_peak,
            harvest_end: f.harvest_end,
            yield_kg: f.yield_kg,
            spread_zh: match f.basis {
                SpreadBasis::ObservedYears(n) => format!("按 {n} 年实测气象"),
                SpreadBasis::Normals(n) => format!("按气候平均值及 {n} 个模拟年份"),
            },
        }),
        Err(EngineError::Invalid(e)) => Err(e.message(Lang::Zh)),
        Err(EngineError::Storage(e)) => return Err(e),
    };
    let market = match (
        form.market_year.trim().parse::<i32>(),
        form.days_before.trim().parse::<u32>(),
    ) {
        (Ok(year), Ok(days_before)) => Ok(MarketTarget::SpringFestival {
            spring_festival: year,
            days_before,
        }),
        _ => Err(ForecastError::InvalidMarket),
    };
    let backward = match market {
        Ok(market) => backward(
            db,
            cache,
            &form.crop,
            Some(&form.crop_type),
            &form.site,
            Some(&form.protection),
            market,
        )
        .await
        .map(|s| BackwardView {
            crop_type_zh: type_label(&form.crop, &s.crop_type),
            market_date: s.market_date,
            latest_p50: s.latest_planting_p50,
            latest_p90: s.latest_planting_p90,
            earliest: s.earliest_planting,
            latest_in_window: s.latest_in_window,
        }),
        Err(e) => Err(EngineError::Invalid(e)),
    };
    let backward = match backward {
        Ok(view) => Ok(view),
        Err(EngineError::Invalid(e)) => Err(e.message(Lang::Zh)),
        Err(EngineError::Storage(e)) => return Err(e),
    };
    let year = form
        .market_year
        .trim()
        .parse::<i32>()
        .unwrap_or(festival_year);
    let terms = calendar::solar_terms(year)
        .map(|terms| {
            terms
                .into_iter()
                .map(|t| TermView {
                    name_zh: t.name_zh,
                    date: t.date,
                })
                .collect()
        })
        .unwrap_or_default();
    let crops = crops::list(db)
        .await?
        .into_iter()
        .map(|c| CropOption {
            code: c.code,
            name_zh: c.name_zh,
        })
        .collect();
    let sites = sites::list(db)
        .await?
        .into_iter()
        .map(|s| SiteOption {
            code: s.code,
            name_zh: s.name_zh,
        })
        .collect();
    Ok(ForecastPageData {
        form,
        crops,
        sites,
        forecast,
        backward,
        spring_festival: calendar::spring_festival(year).ok(),
        terms,
    })
}

/// "越冬莴笋"-style name of a crop's type (the code itself if unknown).
pub fn type_label(crop: &str, kind: &str) -> String {
    forecast::crop_type(crop.trim(), kind).map_or_else(|| kind.to_owned(), |m| m.kind_zh.to_owned())
}

/// Forecasts for stored plantings of one site (`None` for a planting the engine cannot place:
/// no site for the township, or no harvest within a season). One season table per crop and
/// cover is built and shared by the plantings that need it.
///
/// # Errors
/// The database failed.
#[tracing::instrument(skip_all)]
pub async fn planting_forecasts(
    db: &Db,
    cache: &ClimateCache,
    site: Option<&str>,
    rows: &[PlantingRow],
) -> Result<Vec<Option<PlantingForecast>>, StorageError> {
    planting_forecasts_at(db, cache, site, rows, china_today()).await
}

/// [`planting_forecasts`] as they stood on `as_of`: observed weather only up to that day (how
/// "moved since last week" is worked out).
///
/// # Errors
/// The database failed.
#[tracing::instrument(skip_all)]
pub async fn planting_forecasts_at(
    db: &Db,
    cache: &ClimateCache,
    site: Option<&str>,
    rows: &[PlantingRow],
    as_of: NaiveDate,
) -> Result<Vec<Option<PlantingForecast>>, StorageError> {
    let sown: Vec<Sown<'_>> = rows
        .iter()
        .map(|row| Sown {
            crop: &row.crop_code,
            protection: &row.protection,
            on: row.planted_on.unwrap_or(row.planned_on),
            area: row.area,
        })
        .collect();
    forecasts_of(db, cache, site, &sown, as_of).await
}

/// Land sown with a crop on a day: one planting, or plantings alike summed (the harvest dates do
/// not depend on the area; the yield grows with it).
#[derive(Debug, Clone, Copy)]
pub struct Sown<'a> {
    pub crop: &'a str,
    /// A [`Protection`] code (open when unknown).
    pub protection: &'a str,
    pub on: NaiveDate,
    pub area: tianlian_domain::Mu,
}

/// The forecast of each of `sown` at `site` as it stood on `as_of` (`None` where the site or
/// the crop has no model). One forecaster per crop and protection, sharing the site's tables.
///
/// # Errors
/// The database failed.
#[tracing::instrument(skip_all)]
pub async fn forecasts_of(
    db: &Db,
    cache: &ClimateCache,
    site: Option<&str>,
    sown: &[Sown<'_>],
    as_of: NaiveDate,
) -> Result<Vec<Option<PlantingForecast>>, StorageError> {
    let Some(site) = site else {
        return Ok(vec![None; sown.len()]);
    };
    let (climate, tables) = match cache.site(db, site).await {
        Ok(found) => (found.climate, found.tables),
        Err(EngineError::Storage(e)) => return Err(e),
        Err(EngineError::Invalid(_)) => return Ok(vec![None; sown.len()]),
    };
    let mut forecasters: Vec<(&str, Protection, Forecaster<'_>)> = Vec::new();
    let mut out = Vec::with_capacity(sown.len());
    for s in sown {
        let Ok(model) = forecast::parse_crop(s.crop) else {
            out.push(None);
            continue;
        };
        let protection = Protection::from_code(s.protection).unwrap_or(Protection::Open);
        let at = match forecasters
            .iter()
            .position(|(c, p, _)| *c == s.crop && *p == protection)
        {
            Some(i) => i,
            None => {
                forecasters.push((
                    s.crop,
                    protection,
                    Forecaster::new(model, protection, &climate, Some(as_of)).with_store(&tables),
                ));
                forecasters.len() - 1
            }
        };
        out.push(
            forecasters[at]
                .2
                .forecast(s.on, s.area)
                .ok()
                .map(|f| PlantingForecast {
                    harvest_start: f.harvest_start,
                    harvest_start_p10: f.harvest_start_p10,
                    harvest_start_p90: f.harvest_start_p90,
                    harvest_end: f.harvest_end,
                    yield_kg: f.yield_kg,
                }),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tianlian_domain::forecast::climate::site_seed;
    use tianlian_domain::forecast::crops::crop_model;

    #[test]
    fn forecasts_for_far_years_do_not_push_out_the_shared_season_tables() {
        let seed = site_seed("maoxian").expect("site");
        let climate = Climate::new(&seed.normals, BTreeMap::new(), seed.code);
        let model = crop_model("celtuce").expect("crop");
        let store = SiteTables {
            site: seed.code.into(),
            version: 0,
            tables: Arc::default(),
        };
        let key = |season_year| TableKey {
            crop: model.code,
            kind: model.kind,
            protection: Protection::Open,
            season_year,
            observed_through: None,
        };
        let climate = &climate;
        let build_for =
            |year| move || SeasonTable::build(model, Protection::Open, climate, year, None);
        let this_season = china_today().year();
        let kept = store.table(key(this_season), &build_for(this_season));
        // A stranger asks for thirty far-off years, one after another.
        for year in 1901..1931 {
            let _ = store.table(key(year), &build_for(year));
        }
        let len = store.tables.read().map(|t| t.len()).unwrap_or(usize::MAX);
        assert_eq!(len, 1, "only the planning seasons are shared");
        let again = store.table(key(this_season), &|| panic!("rebuilt: it was pushed out"));
        assert!(Arc::ptr_eq(&kept, &again));
    }
}
