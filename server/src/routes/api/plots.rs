//! Plots and plantings over JSON, in the caller's scope (a farmer sees only their household's).

use super::error::ApiError;
use super::openapi::ErrorBody;
use crate::startup::AppState;
use app::usecases::plots::{self, AddPlantingOutcome};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tianlian_domain::access::Caller;
use tianlian_domain::{Lang, NewPlantingInput};
use utoipa::{IntoParams, ToSchema};

/// What a plot or planting list is narrowed to, and where its page starts.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this township's (others than a county admin see only their own anyway).
    township: Option<i64>,
    /// Only this village's.
    village: Option<i64>,
    /// Only with a planting of this crop code (plantings: of this crop).
    #[param(max_length = 40)]
    crop: Option<String>,
    /// Only with a planting in this status (plantings: in this status).
    #[param(inline, value_type = Option<StatusName>)]
    status: Option<String>,
    /// The start of a plot code or household code, or part of the owner's name.
    #[param(max_length = 40)]
    q: Option<String>,
    /// Rows per page, 1 to 100 (default 100).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<i64>,
    /// Where the page starts: the `next_cursor` of the page before (absent: the first page).
    /// Rows come in id order, so a cursor stays valid while rows are added.
    #[param(minimum = 0)]
    cursor: Option<i64>,
}

/// Where a page of a list starts and how long it is.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Rows per page, 1 to 100 (default 100).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<i64>,
    /// Where the page starts: the `next_cursor` of the page before (absent: the first page).
    #[param(minimum = 0)]
    cursor: Option<i64>,
}

impl PageQuery {
    /// The cursor and the page size, or a 400 when either is out of range.
    pub fn parse(&self) -> Result<(Option<i64>, i64), ApiError> {
        Ok((page_cursor(self.cursor)?, page_limit(self.limit)?))
    }
}

/// A cursor: absent, or an id or position from 0 (what the document says), else 400.
pub fn page_cursor(cursor: Option<i64>) -> Result<Option<i64>, ApiError> {
    match cursor {
        Some(c) if c < 0 => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_cursor",
            "cursor 须为上一页给出的 next_cursor",
            "cursor must be the next_cursor of the page before",
        )),
        c => Ok(c),
    }
}

/// The most characters a search text (`q`) or a code filter may have, as the document says.
pub const MAX_SEARCH_CHARS: usize = 40;

/// A search text or code filter of at most [`MAX_SEARCH_CHARS`] characters, else 400.
pub fn search_text(name: &str, text: Option<&str>) -> Result<Option<String>, ApiError> {
    match text {
        Some(t) if t.chars().count() > MAX_SEARCH_CHARS => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_query",
            format!("{name} 不超过 {MAX_SEARCH_CHARS} 个字"),
            format!("{name} must be at most {MAX_SEARCH_CHARS} characters"),
        )),
        t => Ok(t.map(str::to_owned)),
    }
}

/// A value that must be one of `allowed` (as the document's enum says), else 400.
pub fn one_of(
    name: &str,
    value: Option<&str>,
    allowed: &[&str],
) -> Result<Option<String>, ApiError> {
    match value {
        Some(v) if !allowed.contains(&v) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_filter",
            format!("{name} 须为 {}", allowed.join("、")),
            format!("{name} must be one of {}", allowed.join(", ")),
        )),
        v => Ok(v.map(str::to_owned)),
    }
}

/// A page size: 1 to [`plots::MAX_API_PAGE`], that by default.
fn page_limit(limit: Option<i64>) -> Result<i64, ApiError> {
    let limit = limit.unwrap_or(plots::MAX_API_PAGE);
    if (1..=plots::MAX_API_PAGE).contains(&limit) {
        Ok(limit)
    } else {
        Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_limit",
            "limit 须在 1 到 100 之间",
            "limit must be between 1 and 100",
        ))
    }
}

/// A planting status code.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StatusName {
    Planned,
    Planted,
    Harvesting,
    Done,
    Failed,
}

impl ListQuery {
    /// Where the page starts (checked by [`Self::parse`]).
    pub fn cursor(&self) -> Option<i64> {
        self.cursor
    }

    /// The storage query and the page size, or a 400 naming the bad value.
    pub fn parse(&self) -> Result<(tianlian_storage::plots::PlotQuery, i64), ApiError> {
        let limit = page_limit(self.limit)?;
        page_cursor(self.cursor)?;
        let status = match self.status.as_deref() {
            None => None,
            Some(code) => Some(tianlian_domain::PlantingStatus::from_code(code).ok_or_else(
                || {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "bad_status",
                        "status 须为 planned、planted、harvesting、done 或 failed",
                        "status must be planned, planted, harvesting, done or failed",
                    )
                },
            )?),
        };
        Ok((
            tianlian_storage::plots::PlotQuery {
                township_id: self.township,
                village_id: self.village,
                crop: search_text("crop", self.crop.as_deref())?,
                status,
                text: search_text("q", self.q.as_deref())?,
            },
            limit,
        ))
    }
}

/// A planting as the API shows it: area in mu, hectares beside.
#[derive(Serialize, ToSchema)]
pub struct PlantingJson {
    id: i64,
    crop_code: String,
    crop_name_zh: String,
    crop_name_en: String,
    /// Area in mu (亩), to the hundredth: 7.48.
    area_mu: f64,
    /// The same area in hectares (1 ha = 15 mu), to four decimals.
    area_ha: f64,
    planned_on: String,
    season_until: String,
    #[schema(inline, value_type = StatusName)]
    status: String,
    /// Harvest window and yield from the forecast engine, when the township has a site.
    #[schema(value_type = Option<Object>)]
    forecast: Option<app::models::PlantingForecast>,
    /// Planted by this cooperative on land it leases; null: by the plot's household.
    cooperative_id: Option<i64>,
    /// Whether the caller may move its status on.
    can_change: bool,
}

impl From<app::models::PlantingView> for PlantingJson {
    fn from(p: app::models::PlantingView) -> Self {
        PlantingJson {
            id: p.id,
            crop_code: p.crop_code,
            crop_name_zh: p.crop_name_zh,
            crop_name_en: p.crop_name_en,
            area_mu: p.area.as_f64(),
            area_ha: hectares(p.area),
            planned_on: p.planned_on,
            season_until: p.season_until,
            status: p.status.code().to_owned(),
            forecast: p.forecast,
            cooperative_id: p.cooperative_id,
            can_change: p.can_change,
        }
    }
}

/// A plot as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct PlotJson {
    id: i64,
    code: String,
    village_id: i64,
    village: String,
    township: String,
    owner: Option<String>,
    owner_code: Option<String>,
    irrigation: String,
    notes: String,
    /// Area in mu (亩), to the hundredth: 7.48.
    area_mu: f64,
    /// The same area in hectares (1 ha = 15 mu), to four decimals.
    area_ha: f64,
    /// Held today by plantings that hold land, in mu.
    held_today_mu: f64,
    retired: bool,
    plantings: Vec<PlantingJson>,
}

impl From<app::models::PlotSummary> for PlotJson {
    fn from(p: app::models::PlotSummary) -> Self {
        PlotJson {
            id: p.id,
            code: p.code,
            village_id: p.village_id,
            village: p.village,
            township: p.township,
            owner: p.owner,
            owner_code: p.owner_code,
            irrigation: p.irrigation,
            notes: p.notes,
            area_mu: p.area.as_f64(),
            area_ha: hectares(p.area),
            held_today_mu: p.held_today.as_f64(),
            retired: p.retired,
            plantings: p.plantings.into_iter().map(PlantingJson::from).collect(),
        }
    }
}

/// Hectares to four decimals (a tenth of a square metre's worth of noise is not an area).
pub fn hectares(area: tianlian_domain::Mu) -> f64 {
    (area.hectares() * 10_000.0).round() / 10_000.0
}

/// A page of plots.
#[derive(Serialize, ToSchema)]
pub struct PlotPage {
    plots: Vec<PlotJson>,
    /// Pass as `cursor` for the next page; null on the last.
    next_cursor: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/plots", tag = "plots", params(ListQuery),
    responses((status = 200, body = PlotPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
/// `GET /api/v1/plots` → a page of the plots in use that the caller may see, in id order,
/// with their plantings, and the cursor of the next page.
pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<ListQuery>,
) -> Result<Json<PlotPage>, ApiError> {
    let (query, limit) = q.parse()?;
    let (plots, next_cursor) =
        plots::plots_after(&state.db, &caller, &query, q.cursor(), limit).await?;
    Ok(Json(PlotPage {
        plots: plots.into_iter().map(PlotJson::from).collect(),
        next_cursor,
    }))
}

#[utoipa::path(get, path = "/api/v1/plots/{id}", tag = "plots", params(("id" = i64, Path, description = "Plot id")),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
/// `GET /api/v1/plots/{id}` → `{"plot": …}`; 404 when missing or outside the caller's scope.
pub async fn show(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let page = plots::plot_page(&state.db, &state.climates, &caller, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(json!({ "plot": PlotJson::from(page.plot) })))
}

/// A planting as JSON: the area may be a number (`4.5`) or text (`"4.5"`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlantingBody {
    #[schema(schema_with = super::schema::crop)]
    crop: String,
    #[schema(schema_with = super::schema::area)]
    area_mu: serde_json::Value,
    #[schema(schema_with = super::schema::day)]
    planted_on: String,
    /// Empty: `planned`.
    #[schema(schema_with = super::schema::planting_status_or_empty)]
    #[serde(default)]
    status: String,
}

#[utoipa::path(post, path = "/api/v1/plots/{id}/plantings", tag = "plots", request_body = PlantingBody,
    params(("id" = i64, Path, description = "Plot id")),
    responses((status = 201, body = Object), (status = 404, body = ErrorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
/// `POST /api/v1/plots/{id}/plantings` → 201 `{"id"}`; 422 with every field's error; 403 when
/// the caller may see but not plan on the plot; 404 when the plot is missing or out of scope.
pub async fn add_planting(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    json: Result<Json<PlantingBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = super::error::body(json)?;
    let area = super::number_or_text(Some(b.area_mu));
    let input = NewPlantingInput {
        crop: b.crop,
        area,
        planted_on: b.planted_on,
        status: b.status,
    };
    match plots::add_planting_from_form(&state.db, &caller, id, &input).await? {
        AddPlantingOutcome::Added(planting) => {
            Ok((StatusCode::CREATED, Json(json!({ "id": planting }))))
        }
        AddPlantingOutcome::Refused(errors) => {
            let fields: Vec<Value> = errors
                .iter()
                .map(|e| json!({ "field": e.field().code(), "code": e.code() }))
                .collect();
            let first = errors.first();
            let mut err = ApiError::invalid(
                first.map_or("invalid", |e| e.code()),
                first.map(|e| e.message(Lang::Zh)).unwrap_or_default(),
                first.map(|e| e.message(Lang::En)).unwrap_or_default(),
            );
            err.fields = Some(Value::Array(fields));
            Err(err)
        }
        AddPlantingOutcome::PlotNotFound => Err(ApiError::not_found()),
        AddPlantingOutcome::Forbidden => Err(ApiError::forbidden()),
        AddPlantingOutcome::PlotRetired => Err(ApiError::invalid(
            "plot_retired",
            "该地块已停用",
            "The plot is retired",
        )),
    }
}

/// A status change: `{"status":"planted","on":"2026-11-20"}`; `reason` when failed.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    #[schema(schema_with = super::schema::planting_status)]
    status: String,
    #[schema(schema_with = super::schema::engine_day_field)]
    on: String,
    /// Why it failed: needed (1–200 characters) when `status` is `failed`, else ignored.
    #[schema(schema_with = super::schema::reason)]
    #[serde(default)]
    reason: String,
}

/// Moves a planting on (planned → planted → harvesting → done, or failed with a reason) →
/// 200; 422 for a step that is not allowed; 409 when someone changed it first.
#[utoipa::path(post, path = "/api/v1/plantings/{id}/status", tag = "plots", request_body = StatusBody,
    params(("id" = i64, Path, description = "Planting id")),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn change_status(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    json: Result<Json<StatusBody>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    use app::usecases::plots::StatusOutcome;
    let b = super::error::body(json)?;
    match plots::change_status(&state.db, &caller, id, &b.status, &b.on, &b.reason).await? {
        StatusOutcome::Changed { .. } => Ok(Json(json!({ "id": id, "status": b.status.trim() }))),
        StatusOutcome::Refused { error, .. } => Err(ApiError::invalid(
            error.code(),
            error.message(Lang::Zh),
            error.message(Lang::En),
        )),
        StatusOutcome::Conflict { .. } => Err(ApiError::new(
            StatusCode::CONFLICT,
            "changed_meanwhile",
            "该种植刚被他人修改，请刷新后再试",
            "Someone changed this planting meanwhile; reload and try again",
        )),
        StatusOutcome::Forbidden { .. } => Err(ApiError::forbidden()),
        StatusOutcome::NotFound => Err(ApiError::not_found()),
    }
}
