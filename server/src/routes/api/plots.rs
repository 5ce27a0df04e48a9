//! Plots and plantings over JSON, in the caller's scope (a farmer sees only their household's).

use super::error::ApiError;
use super::openapi::ErrorBody;
use crate::startup::AppState;
use app::services::{self, AddPlantingOutcome};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{Value, json};
use tianlian_domain::access::Caller;
use tianlian_domain::{Lang, NewPlantingInput};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
pub struct ListQuery {
    /// Only this village's plots.
    village: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/plots", tag = "plots", params(ListQuery),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
/// `GET /api/v1/plots[?village=ID]` → the plots the caller may see, with their plantings.
pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let page = services::plots_page(&state.db, &caller, q.village).await?;
    Ok(Json(json!({ "plots": page.plots })))
}

#[utoipa::path(get, path = "/api/v1/plots/{id}", tag = "plots", params(("id" = i64, Path, description = "Plot id")),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
/// `GET /api/v1/plots/{id}` → one plot; 404 when missing or outside the caller's scope.
pub async fn show(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let page = services::plot_page(&state.db, &state.climates, &caller, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(json!({ "plot": page.plot })))
}

/// A planting as JSON: the area may be a number (`4.5`) or text (`"4.5"`).
#[derive(Deserialize, ToSchema)]
pub struct PlantingBody {
    crop: String,
    #[schema(value_type = f64)]
    area_mu: serde_json::Value,
    planted_on: String,
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
    let Json(b) = json.map_err(|e| ApiError::bad_json(&e.body_text()))?;
    let area = super::number_or_text(Some(b.area_mu));
    let input = NewPlantingInput {
        crop: b.crop,
        area,
        planted_on: b.planted_on,
        status: b.status,
    };
    match services::add_planting_from_form(&state.db, &caller, id, &input).await? {
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
pub struct StatusBody {
    #[serde(default)]
    status: String,
    #[serde(default)]
    on: String,
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
    use app::services::StatusOutcome;
    let b = super::error::body(json)?;
    match services::change_status(&state.db, &caller, id, &b.status, &b.on, &b.reason).await? {
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
