//! Season targets and progress over JSON, in the caller's scope: admins every township,
//! agronomists and cooperatives their own, farmers none; only admins and the township's
//! agronomists add or delete.

use super::error::{ApiError, body};
use super::openapi::ErrorBody;
use crate::startup::AppState;
use app::models::TargetView;
use app::usecases::planning::{self, AddTargetOutcome};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::{Extension, Json};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tianlian_domain::Lang;
use tianlian_domain::access::Caller;
use tianlian_domain::targets::NewTargetInput;
use utoipa::ToSchema;

/// A day of the progress series.
#[derive(Serialize, ToSchema)]
pub struct DayJson {
    date: NaiveDate,
    planted_mu: f64,
    required_mu: f64,
}

#[derive(Serialize, ToSchema)]
pub struct VillageJson {
    village: String,
    planted_mu: f64,
}

/// A target with its progress today.
#[derive(Serialize, ToSchema)]
pub struct TargetJson {
    id: i64,
    place: String,
    crops: String,
    target_mu: f64,
    target_ha: f64,
    starts_on: NaiveDate,
    deadline: NaiveDate,
    planted_mu: f64,
    /// e.g. `62.50%`
    percent_of_plan: String,
    days_left: i64,
    /// Mu a day needed from today to the deadline.
    per_day_mu: f64,
    required_today_mu: f64,
    on_track: bool,
    state: String,
    by_village: Vec<VillageJson>,
    /// Cumulative planted vs required, day by day (left out of `/api/v1/progress`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    series: Vec<DayJson>,
}

impl From<TargetView> for TargetJson {
    fn from(t: TargetView) -> Self {
        TargetJson {
            id: t.id,
            place: t.place,
            crops: t.crops,
            target_mu: t.area.as_f64(),
            target_ha: t.area.hectares(),
            starts_on: t.starts_on,
            deadline: t.deadline,
            planted_mu: t.planted.as_f64(),
            percent_of_plan: t.percent,
            days_left: t.days_left,
            per_day_mu: t.per_day.as_f64(),
            required_today_mu: t.required_today.as_f64(),
            on_track: t.on_track,
            state: t.state_zh,
            by_village: t
                .by_village
                .into_iter()
                .map(|(village, area)| VillageJson {
                    village,
                    planted_mu: area.as_f64(),
                })
                .collect(),
            series: t
                .chart
                .into_iter()
                .map(|p| DayJson {
                    date: p.date,
                    planted_mu: p.planted.as_f64(),
                    required_mu: p.required.as_f64(),
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TargetList {
    targets: Vec<TargetJson>,
}

/// Targets the caller may see, with progress.
#[utoipa::path(get, path = "/api/v1/targets", tag = "plans",
    responses((status = 200, body = TargetList), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<TargetList>, ApiError> {
    let targets = planning::target_views(&state.db, &caller).await?;
    Ok(Json(TargetList {
        targets: targets.into_iter().map(TargetJson::from).collect(),
    }))
}

/// Progress against every target the caller may see (挂图作战): planted vs target, % of plan,
/// days left, the daily rate now needed, on track or not, per village — without the day series.
#[utoipa::path(get, path = "/api/v1/progress", tag = "plans",
    responses((status = 200, body = TargetList), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn progress(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<TargetList>, ApiError> {
    let targets = planning::target_views(&state.db, &caller).await?;
    Ok(Json(TargetList {
        targets: targets
            .into_iter()
            .map(|t| TargetJson {
                series: Vec::new(),
                ..TargetJson::from(t)
            })
            .collect(),
    }))
}

/// One target with its progress series; 404 outside the caller's scope.
#[utoipa::path(get, path = "/api/v1/targets/{id}", tag = "plans",
    params(("id" = i64, Path, description = "Target id")),
    responses((status = 200, body = TargetJson), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn show(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Result<Json<TargetJson>, ApiError> {
    let view = planning::target_view(&state.db, &caller, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(view.into()))
}

/// A new target: `place` is `t:ID` (a township) or `v:ID` (a village); `crops` a crop code or
/// `winter_vegetables`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTarget {
    /// `t:ID` (a township) or `v:ID` (a village).
    #[schema(schema_with = super::schema::target_place)]
    place: String,
    /// A crop code or `winter_vegetables`.
    #[schema(schema_with = super::schema::target_crops)]
    crops: String,
    #[schema(schema_with = super::schema::target_area)]
    area_mu: Value,
    #[schema(schema_with = super::schema::engine_day_field)]
    starts_on: String,
    /// On or after `starts_on`.
    #[schema(schema_with = super::schema::engine_day_field)]
    deadline: String,
}

/// Adds a target → 201 `{"id"}`; 422 with every field's error; 403 outside the caller's township.
#[utoipa::path(post, path = "/api/v1/targets", tag = "plans", request_body = NewTarget,
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    json: Result<Json<NewTarget>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(json)?;
    let input = NewTargetInput {
        crops: b.crops,
        area: super::number_or_text(b.area_mu),
        starts_on: b.starts_on,
        deadline: b.deadline,
    };
    match planning::add_target(&state.db, &caller, &b.place, &input).await? {
        AddTargetOutcome::Added(id) => Ok((StatusCode::CREATED, Json(json!({ "id": id })))),
        AddTargetOutcome::Forbidden => Err(ApiError::forbidden()),
        AddTargetOutcome::Refused(errors) => {
            let first = errors.first().copied();
            let mut err = ApiError::invalid(
                first.map_or("invalid", |e| e.code()),
                first.map(|e| e.message(Lang::Zh)).unwrap_or_default(),
                first.map(|e| e.message(Lang::En)).unwrap_or_default(),
            );
            err.fields = Some(errors.iter().map(|e| json!({ "code": e.code() })).collect());
            Err(err)
        }
    }
}

/// Deletes a target → 204; 403 for those who may only read it; 404 outside the caller's scope.
#[utoipa::path(delete, path = "/api/v1/targets/{id}", tag = "plans",
    params(("id" = i64, Path, description = "Target id")),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    match planning::delete_target(&state.db, &caller, id).await? {
        Some(true) => Ok(StatusCode::NO_CONTENT),
        Some(false) => Err(ApiError::forbidden()),
        None => Err(ApiError::not_found()),
    }
}
