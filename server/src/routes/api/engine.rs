//! The forecasting engine over JSON: the Chinese calendar, harvest forecasts, backward schedules
//! (倒排工期), plan rates, and sites with their weather. Calendar, forecast and schedule routes
//! are public: they read no one's records.

use super::error::{ApiError, body};
use super::openapi::ErrorBody;
use crate::startup::AppState;
use app::usecases::forecasting::{self, EngineError, ForecastQuery, WeatherImportError};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tianlian_domain::Lang;
use tianlian_domain::access::{Caller, can_import_weather};
use tianlian_domain::calendar::{self, CalendarError};
use tianlian_domain::forecast::{self, ForecastError, MarketTarget};
use tianlian_domain::{Mu, forecast::SpreadBasis};
use utoipa::ToSchema;

impl From<ForecastError> for ApiError {
    fn from(e: ForecastError) -> Self {
        ApiError::invalid(e.code(), e.message(Lang::Zh), e.message(Lang::En))
    }
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Invalid(e) => e.into(),
            EngineError::Storage(e) => e.into(),
        }
    }
}

impl From<CalendarError> for ApiError {
    fn from(e: CalendarError) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            e.code(),
            e.message(Lang::Zh),
            e.message(Lang::En),
        )
    }
}

fn year(text: &str) -> Result<i32, ApiError> {
    text.trim().parse().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_year",
            "年份应为数字，例如 2027",
            "The year must be a number such as 2027",
        )
    })
}

/// `{"year":2027,"date":"2027-02-06"}`
#[derive(Serialize, ToSchema)]
pub struct SpringFestival {
    year: i32,
    date: NaiveDate,
}

/// The Spring Festival (春节) of a Gregorian year, 1901–2100.
#[utoipa::path(get, path = "/api/v1/calendar/spring-festival/{year}", tag = "calendar",
    params(("year" = i32, Path, minimum = 1901, maximum = 2100, description = "Gregorian year, 1901–2100")),
    responses((status = 200, body = SpringFestival), (status = 400, body = ErrorBody)))]
pub async fn spring_festival(Path(text): Path<String>) -> Result<Json<SpringFestival>, ApiError> {
    let year = year(&text)?;
    let date = calendar::spring_festival(year)?;
    Ok(Json(SpringFestival { year, date }))
}

#[derive(Serialize, ToSchema)]
pub struct SolarTerm {
    name_zh: String,
    name_en: String,
    date: NaiveDate,
}

#[derive(Serialize, ToSchema)]
pub struct SolarTerms {
    year: i32,
    /// The 24 terms in date order (小寒 … 冬至).
    terms: Vec<SolarTerm>,
}

/// The 24 solar terms (二十四节气) of a Gregorian year, 1901–2100.
#[utoipa::path(get, path = "/api/v1/calendar/solar-terms/{year}", tag = "calendar",
    params(("year" = i32, Path, minimum = 1901, maximum = 2100, description = "Gregorian year, 1901–2100")),
    responses((status = 200, body = SolarTerms), (status = 400, body = ErrorBody)))]
pub async fn solar_terms(Path(text): Path<String>) -> Result<Json<SolarTerms>, ApiError> {
    let year = year(&text)?;
    let terms = calendar::solar_terms(year)?
        .into_iter()
        .map(|t| SolarTerm {
            name_zh: t.name_zh,
            name_en: t.name_en,
            date: t.date,
        })
        .collect();
    Ok(Json(SolarTerms { year, terms }))
}

/// A number (`10`, `2.5`) or the same as text (`"2.5"`).
#[derive(Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Amount {
    Number(f64),
    Text(String),
}

impl Amount {
    fn text(&self) -> String {
        match self {
            // Two decimals at most are meaningful (hundredths of a mu); more is refused.
            Amount::Number(n) => format!("{n}"),
            Amount::Text(t) => t.clone(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForecastRequest {
    /// `celtuce`, `cauliflower`, `morel`, `chuanxiong` or `houttuynia`.
    #[schema(schema_with = super::schema::crop)]
    crop: String,
    /// A type of the crop: celtuce `overwintering`, `spring`, `early_autumn`, `late_autumn`;
    /// cauliflower `overwintering`, `early`, `mid`, `late`, `spring`; morel and houttuynia
    /// `field`; chuanxiong `basin`. Missing or blank: picked from the planting date and site.
    #[schema(schema_with = super::schema::crop_type)]
    #[serde(default)]
    crop_type: Option<String>,
    /// `maoxian`, `shifang`, `chengdu`, or a site added as data.
    #[schema(schema_with = super::schema::site)]
    site: String,
    /// `open` (default), `mulch` (地膜) or `tunnel` (小拱棚).
    #[schema(schema_with = super::schema::protection)]
    #[serde(default)]
    protection: Option<String>,
    /// Sowing or transplanting date, `YYYY-MM-DD`.
    #[schema(schema_with = super::schema::engine_day_field)]
    planted_on: String,
    /// Area in mu.
    #[schema(schema_with = super::schema::area)]
    area_mu: Amount,
}

#[derive(Serialize, ToSchema)]
pub struct ForecastResponse {
    crop: String,
    /// The crop type the forecast used (named, or picked from the date and site).
    crop_type: String,
    /// Its Chinese name (越冬莴笋, 早熟花菜, …).
    crop_type_zh: String,
    /// Whether the engine picked the type (the request named none).
    crop_type_picked: bool,
    site: String,
    protection: String,
    planted_on: NaiveDate,
    /// `sowing` or `transplanting`: what `planted_on` means for this crop.
    planted_as: String,
    area_mu: f64,
    /// First harvest (P50).
    harvest_start: NaiveDate,
    harvest_peak: NaiveDate,
    harvest_end: NaiveDate,
    harvest_start_p10: NaiveDate,
    harvest_start_p50: NaiveDate,
    harvest_start_p90: NaiveDate,
    yield_kg: i64,
    /// `observed_years` or `normals` (the documented synthetic spread), and how many years.
    spread: Spread,
}

#[derive(Serialize, ToSchema)]
pub struct Spread {
    kind: String,
    years: usize,
}

impl From<SpreadBasis> for Spread {
    fn from(b: SpreadBasis) -> Self {
        match b {
            SpreadBasis::ObservedYears(years) => Spread {
                kind: "observed_years".into(),
                years,
            },
            SpreadBasis::Normals(years) => Spread {
                kind: "normals".into(),
                years,
            },
        }
    }
}

/// Forecasts a planting's harvest window (P10/P50/P90 first harvest) and yield.
#[utoipa::path(post, path = "/api/v1/forecast", tag = "forecast", request_body = ForecastRequest,
    responses((status = 200, body = ForecastResponse),
        (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn forecast(
    State(state): State<AppState>,
    json: Result<Json<ForecastRequest>, JsonRejection>,
) -> Result<Json<ForecastResponse>, ApiError> {
    let b = body(json)?;
    let area = b.area_mu.text();
    let query = ForecastQuery {
        crop: &b.crop,
        crop_type: b.crop_type.as_deref(),
        site: &b.site,
        protection: b.protection.as_deref(),
        planted_on: &b.planted_on,
        area_mu: &area,
    };
    let (f, protection, site) = forecasting::forecast(&state.db, &state.climates, &query).await?;
    let area: Mu = forecast::parse_area(&area)?;
    Ok(Json(ForecastResponse {
        crop_type_zh: forecasting::type_label(&f.crop, &f.crop_type),
        crop_type_picked: b.crop_type.as_deref().is_none_or(|t| t.trim().is_empty()),
        crop_type: f.crop_type,
        crop: f.crop,
        site: site.code,
        protection: protection.code().into(),
        planted_on: f.planted_on,
        planted_as: match f.planted_as {
            forecast::PlantedAs::Sowing => "sowing".into(),
            forecast::PlantedAs::Transplanting => "transplanting".into(),
        },
        area_mu: area.as_f64(),
        harvest_start: f.harvest_start,
        harvest_peak: f.harvest_peak,
        harvest_end: f.harvest_end,
        harvest_start_p10: f.harvest_start_p10,
        harvest_start_p50: f.harvest_start,
        harvest_start_p90: f.harvest_start_p90,
        yield_kg: f.yield_kg,
        spread: f.basis.into(),
    }))
}

/// `{"spring_festival":2027,"days_before":7}` or `{"date":"2027-01-30"}`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Market {
    /// The Spring Festival of this year (with `days_before`), or …
    #[schema(schema_with = super::schema::spring_festival)]
    #[serde(default)]
    spring_festival: Option<i32>,
    #[schema(schema_with = super::schema::days_before)]
    #[serde(default)]
    days_before: Option<u32>,
    /// … a market day (alone).
    #[schema(schema_with = super::schema::engine_day_or_null)]
    #[serde(default)]
    date: Option<String>,
}

impl Market {
    fn target(&self) -> Result<MarketTarget, ForecastError> {
        match (self.spring_festival, &self.date) {
            (Some(year), None) => Ok(MarketTarget::SpringFestival {
                spring_festival: year,
                days_before: self.days_before.unwrap_or(0),
            }),
            (None, Some(date)) if self.days_before.is_none() => Ok(MarketTarget::Date {
                date: forecast::parse_day(date)?,
            }),
            _ => Err(ForecastError::InvalidMarket),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BackwardRequest {
    #[schema(schema_with = super::schema::crop)]
    crop: String,
    /// A type of the crop (as for a forecast); missing or blank: the type whose latest planting
    /// lies in its own planting window.
    #[schema(schema_with = super::schema::crop_type)]
    #[serde(default)]
    crop_type: Option<String>,
    #[schema(schema_with = super::schema::site)]
    site: String,
    #[schema(schema_with = super::schema::protection)]
    #[serde(default)]
    protection: Option<String>,
    market: Market,
}

#[derive(Serialize, ToSchema)]
pub struct BackwardResponse {
    /// The crop type the schedule is for.
    crop_type: String,
    market_date: NaiveDate,
    /// Latest planting that reaches first harvest by the market in half the climate years.
    latest_planting_p50: NaiveDate,
    /// … in nine years out of ten (`null` when none does).
    latest_planting_p90: Option<NaiveDate>,
    /// Earliest planting worth making: in the crop's window and still in harvest on market day.
    earliest_planting: Option<NaiveDate>,
    latest_in_window: bool,
}

/// Works backwards from a market date (倒排工期): the latest planting dates at 50 % and 90 %
/// confidence and the earliest sensible one.
#[utoipa::path(post, path = "/api/v1/schedule/backward", tag = "forecast", request_body = BackwardRequest,
    responses((status = 200, body = BackwardResponse),
        (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn backward(
    State(state): State<AppState>,
    json: Result<Json<BackwardRequest>, JsonRejection>,
) -> Result<Json<BackwardResponse>, ApiError> {
    let b = body(json)?;
    let market = b.market.target()?;
    let s = forecasting::backward(
        &state.db,
        &state.climates,
        &b.crop,
        b.crop_type.as_deref(),
        &b.site,
        b.protection.as_deref(),
        market,
    )
    .await?;
    Ok(Json(BackwardResponse {
        crop_type: s.crop_type,
        market_date: s.market_date,
        latest_planting_p50: s.latest_planting_p50,
        latest_planting_p90: s.latest_planting_p90,
        earliest_planting: s.earliest_planting,
        latest_in_window: s.latest_in_window,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateRequest {
    /// Plan target in mu (e.g. 800).
    #[schema(schema_with = super::schema::area)]
    target_mu: Amount,
    /// Already planted, in mu.
    #[schema(schema_with = super::schema::planted_area)]
    planted_mu: Amount,
    /// Deadline, `YYYY-MM-DD` (e.g. 10 December).
    #[schema(schema_with = super::schema::engine_day_field)]
    deadline: String,
    /// Defaults to today in China.
    #[schema(schema_with = super::schema::engine_day_or_null)]
    #[serde(default)]
    today: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RateResponse {
    /// `done`, `in_progress` or `overdue`.
    state: String,
    remaining_mu: f64,
    days_left: i64,
    /// Mu a day needed from today to the deadline (rounded up to 0.01 mu).
    per_day_mu: f64,
    /// Planted as a percentage of the target (two decimals).
    percent_of_plan: f64,
}

/// The daily planting rate a plan target needs from today (e.g. 800 mu by 10 December).
#[utoipa::path(post, path = "/api/v1/schedule/rate", tag = "forecast", request_body = RateRequest,
    responses((status = 200, body = RateResponse),
        (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn rate(
    json: Result<Json<RateRequest>, JsonRejection>,
) -> Result<Json<RateResponse>, ApiError> {
    let b = body(json)?;
    // The domain's own rules: a target above zero, nothing or more planted, both within its cap.
    let target = forecast::parse_area(&b.target_mu.text())?;
    let planted = forecast::parse_planted_area(&b.planted_mu.text())?;
    let deadline = forecast::parse_day(&b.deadline)?;
    let today = match b.today.as_deref() {
        Some(t) => forecast::parse_day(t)?,
        None => forecasting::china_today(),
    };
    let r = forecast::plan_rate(target, planted, today, deadline);
    Ok(Json(RateResponse {
        state: match r.state {
            forecast::PlanState::Done => "done",
            forecast::PlanState::InProgress => "in_progress",
            forecast::PlanState::Overdue => "overdue",
        }
        .into(),
        remaining_mu: r.remaining.as_f64(),
        days_left: r.days_left,
        per_day_mu: r.per_day.as_f64(),
        percent_of_plan: r.percent_basis_points as f64 / 100.0,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct Site {
    code: String,
    name_zh: String,
    name_en: String,
    source: String,
    /// Monthly normal minimum / maximum, °C, January first.
    normals_tmin: Vec<f32>,
    normals_tmax: Vec<f32>,
    observed_days: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Sites {
    sites: Vec<Site>,
}

/// Forecast sites and how much observed weather each holds.
#[utoipa::path(get, path = "/api/v1/sites", tag = "forecast", responses((status = 200, body = Sites)))]
pub async fn sites(State(state): State<AppState>) -> Result<Json<Sites>, ApiError> {
    let sites = tianlian_storage::sites::list(&state.db)
        .await?
        .into_iter()
        .map(|s| Site {
            code: s.code,
            name_zh: s.name_zh,
            name_en: s.name_en,
            source: s.source,
            normals_tmin: s.normals.tmin.to_vec(),
            normals_tmax: s.normals.tmax.to_vec(),
            observed_days: s.observed_days,
        })
        .collect();
    Ok(Json(Sites { sites }))
}

#[derive(Serialize, ToSchema)]
pub struct WeatherImported {
    site: String,
    days: usize,
}

/// Imports observed daily weather for a site from CSV (`date,tmin,tmax` or `date,tmean`, with
/// a header). Any bad row refuses the whole file: the error lists every bad line. Admins and
/// agronomists only.
#[utoipa::path(post, path = "/api/v1/sites/{code}/weather", tag = "forecast",
    params(("code" = String, Path, description = "Site code")),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = WeatherImported), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn import_weather(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(code): Path<String>,
    text: String,
) -> Result<Json<WeatherImported>, ApiError> {
    if !can_import_weather(caller.scope) {
        return Err(ApiError::forbidden());
    }
    let (site, written) = match forecasting::import_weather(&state.db, &code, &text).await {
        Ok(done) => {
            state.climates.forget_site(&code);
            done
        }
        Err(WeatherImportError::UnknownSite) => return Err(ApiError::not_found()),
        Err(WeatherImportError::Storage(e)) => return Err(e.into()),
        Err(WeatherImportError::Rows(errors)) => {
            let lines = |lang| {
                errors
                    .iter()
                    .take(20)
                    .map(|e| e.message(lang))
                    .collect::<Vec<_>>()
                    .join("；")
            };
            let mut err = ApiError::invalid("invalid_rows", lines(Lang::Zh), lines(Lang::En));
            err.fields = Some(
                errors
                    .iter()
                    .map(|e| serde_json::json!({ "line": e.line, "code": e.code() }))
                    .collect(),
            );
            return Err(err);
        }
    };
    Ok(Json(WeatherImported {
        site: site.code,
        days: written,
    }))
}
