//! The market calendar over JSON: weekly supply per crop with its band, capacity flags and the
//! suggested moves; capacity set by the township's agronomist.

use super::error::{ApiError, body};
use super::openapi::ErrorBody;
use crate::startup::AppState;
use app::models::MarketPageData;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;
use tianlian_domain::access::Caller;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MarketQuery {
    /// Township id; the caller's own when left out.
    township: Option<i64>,
}

/// Weekly supply (kg) per crop of a township: `p50_kg` with `low_kg`–`high_kg` (P10–P90 years),
/// capacity and over-capacity flags, the Spring Festival week, and suggested moves of planned
/// plantings. 404 for a township outside the caller's view.
#[utoipa::path(get, path = "/api/v1/market-calendar", tag = "plans", params(MarketQuery),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn calendar(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<MarketQuery>,
) -> Result<Json<MarketPageData>, ApiError> {
    app::usecases::planning::market_page(&state.db, &state.climates, &caller, q.township)
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

/// The wall chart (挂图) as data: per village and crop, the planting and harvest windows, today,
/// the targets' deadlines and the Spring Festival. 404 for a township outside the caller's view.
#[utoipa::path(get, path = "/api/v1/wallchart", tag = "plans", params(MarketQuery),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn wallchart(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<MarketQuery>,
) -> Result<Json<app::models::WallChartData>, ApiError> {
    app::usecases::planning::wall_chart(&state.db, &state.climates, &caller, q.township)
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

/// `{"township_id":1,"crop":"celtuce","kg_per_week":20000}`; `kg_per_week` null or 0 clears it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacityBody {
    township_id: i64,
    #[schema(schema_with = super::schema::crop_exact)]
    crop: String,
    /// Null or 0 clears it.
    #[schema(schema_with = super::schema::kg_per_week)]
    kg_per_week: Option<i64>,
}

/// Sets a crop's weekly market capacity → 204; 403 for anyone but the township's agronomist or
/// an admin; 404 for no such township; 422 for an unknown crop or a negative amount.
#[utoipa::path(put, path = "/api/v1/market-calendar/capacity", tag = "plans", request_body = CapacityBody,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_capacity(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    json: Result<Json<CapacityBody>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    use app::usecases::planning::CapacityOutcome;
    let b = body(json)?;
    match app::usecases::planning::set_capacity(
        &state.db,
        &caller,
        b.township_id,
        &b.crop,
        b.kg_per_week,
    )
    .await?
    {
        CapacityOutcome::Set => Ok(StatusCode::NO_CONTENT),
        CapacityOutcome::Forbidden => Err(ApiError::forbidden()),
        CapacityOutcome::NoTownship => Err(ApiError::not_found()),
        CapacityOutcome::Invalid => Err(ApiError::invalid(
            "invalid_capacity",
            "容量应为不小于 0 的整数公斤，作物须为已知作物",
            "Capacity must be whole kg, not negative, for a known crop",
        )),
    }
}
