//! The field day over JSON: fill a shift, book several people, take one off, the roll call
//! with its idempotency key, a cooperative's day sheet (JSON, CSV, XLSX) and settling the day.
//! The same use cases as the pages (`app::usecases::fieldday`), which check who asks.

use super::error::{ApiError, body};
use super::openapi::ErrorBody;
use crate::startup::AppState;
use app::usecases::alliance::WorkOutcome;
use app::usecases::fieldday;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{Value, json};
use tianlian_domain::access::Caller;
use utoipa::ToSchema;

/// A refusal as the API answers it: 409 for a clash with what others did, 422 otherwise.
fn refusal(o: WorkOutcome) -> ApiError {
    match o {
        WorkOutcome::Refused(code, zh, en) => {
            if matches!(
                code,
                "shift_full" | "double_booked" | "changed_meanwhile" | "has_hours"
            ) {
                ApiError::new(StatusCode::CONFLICT, code, zh, en)
            } else {
                ApiError::invalid(code, zh, en)
            }
        }
        WorkOutcome::Forbidden => ApiError::forbidden(),
        WorkOutcome::NotFound | WorkOutcome::Done(_) => ApiError::not_found(),
    }
}

fn booked(o: WorkOutcome) -> Result<(StatusCode, Json<Value>), ApiError> {
    match o {
        WorkOutcome::Done(n) => Ok((StatusCode::CREATED, Json(json!({ "booked": n })))),
        other => Err(refusal(other)),
    }
}

#[utoipa::path(post, path = "/api/v1/shifts/{id}/fill", tag = "alliance",
    params(("id" = i64, Path, description = "Shift id")),
    responses((status = 201, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// Fills the shift's free places from the suggestions (poor households first) in one
/// transaction → 201 `{"booked": n}`; 409 `shift_full` when there is no place.
pub async fn fill(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    booked(fieldday::fill(&state.db, &caller, id).await?)
}

/// People to book together.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingsBody {
    #[schema(schema_with = super::schema::person_ids)]
    person_ids: Vec<i64>,
}

#[utoipa::path(post, path = "/api/v1/shifts/{id}/bookings", tag = "alliance", request_body = BookingsBody,
    params(("id" = i64, Path, description = "Shift id")),
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)), security(("bearer" = [])))]
/// Books several people at once, all or none → 201 `{"booked": n}`; 409 names everyone who
/// could not be booked (or says how many places are left).
pub async fn bookings(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    json: Result<Json<BookingsBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(json)?;
    booked(fieldday::book(&state.db, &caller, id, &b.person_ids).await?)
}

#[utoipa::path(delete, path = "/api/v1/shifts/{id}/assignments/{person_id}", tag = "alliance",
    params(("id" = i64, Path, description = "Shift id"), ("person_id" = i64, Path, description = "Person id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// Takes a person off the shift → 204; 409 `has_hours` once hours are recorded for them.
pub async fn unbook(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((id, person)): Path<(i64, i64)>,
) -> Result<StatusCode, ApiError> {
    match fieldday::unbook(&state.db, &caller, id, person).await? {
        WorkOutcome::Done(_) => Ok(StatusCode::NO_CONTENT),
        other => Err(refusal(other)),
    }
}

#[utoipa::path(get, path = "/api/v1/shifts/{id}/roll-call", tag = "alliance",
    params(("id" = i64, Path, description = "Shift id")),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
/// The roll call: everyone on the shift with the hours to start from, and a fresh `key` to
/// send back with the submission (managers only).
pub async fn roll_call(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let page = fieldday::roll_call_page(&state.db, &caller, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(json!(page)))
}

/// One roll-call line: `hours` empty or missing = the shift's planned hours.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RollLineBody {
    person_id: i64,
    #[serde(default)]
    absent: bool,
    #[schema(schema_with = super::schema::roll_hours)]
    #[serde(default)]
    hours: Option<Value>,
}

/// A roll call: the key from `GET …/roll-call` (or any unique text up to 64 characters) and a
/// line per person.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RollCallBody {
    #[schema(schema_with = super::schema::roll_key)]
    key: String,
    #[serde(default)]
    lines: Vec<RollLineBody>,
}

#[utoipa::path(post, path = "/api/v1/shifts/{id}/roll-call", tag = "alliance", request_body = RollCallBody,
    params(("id" = i64, Path, description = "Shift id")),
    responses((status = 200, body = Object, description = "This key was recorded before: nothing recorded again"),
        (status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)), security(("bearer" = [])))]
/// Records a roll call atomically → 201 `{"present", "absent", "changed", "repeated": false}`;
/// the same key again → 200 with `"repeated": true` and nothing recorded; 422 names every bad
/// line.
pub async fn submit_roll_call(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    json: Result<Json<RollCallBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(json)?;
    let lines: Vec<tianlian_domain::rollcall::RollLineInput> = b
        .lines
        .into_iter()
        .map(|l| tianlian_domain::rollcall::RollLineInput {
            person_id: l.person_id,
            absent: l.absent,
            hours: super::number_or_text(l.hours),
        })
        .collect();
    match fieldday::submit_roll_call(&state.db, &caller, id, &b.key, &lines).await? {
        Ok(s) => Ok((
            if s.repeated {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            },
            Json(json!({
                "present": s.present, "absent": s.absent, "changed": s.changed, "repeated": s.repeated
            })),
        )),
        Err(o) => Err(refusal(o)),
    }
}

fn day_of(text: &str) -> Result<chrono::NaiveDate, ApiError> {
    text.parse().map_err(|_| {
        ApiError::invalid(
            "bad_date",
            "日期格式应为 2026-12-02",
            "Dates look like 2026-12-02",
        )
    })
}

#[utoipa::path(get, path = "/api/v1/cooperatives/{id}/days/{day}", tag = "alliance",
    params(("id" = i64, Path, description = "Cooperative id"), ("day" = String, Path, format = Date, description = "YYYY-MM-DD")),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)), security(("bearer" = [])))]
/// The day sheet (日结单): every worker of the cooperative's shifts that day, regular and
/// overtime hours, amount and paid (fen).
pub async fn day_sheet(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((id, day)): Path<(i64, String)>,
) -> Result<Json<Value>, ApiError> {
    let day = day_of(&day)?;
    let sheet = fieldday::day_sheet(&state.db, &caller, id, day, 0)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(json!(sheet)))
}

#[utoipa::path(get, path = "/api/v1/cooperatives/{id}/days/{day}/{file}", tag = "alliance",
    params(("id" = i64, Path, description = "Cooperative id"), ("day" = String, Path, format = Date, description = "YYYY-MM-DD"),
        ("file" = String, Path, description = "sheet.csv or sheet.xlsx")),
    responses((status = 200, description = "The day sheet", content_type = "text/csv"),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// The day sheet as `sheet.csv` or `sheet.xlsx`, with a column to sign.
pub async fn day_sheet_file(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((id, day, file)): Path<(i64, String, String)>,
) -> Result<Response, ApiError> {
    let xlsx = match file.as_str() {
        "sheet.csv" => false,
        "sheet.xlsx" => true,
        _ => return Err(ApiError::not_found()),
    };
    let day = day_of(&day)?;
    let sheet = fieldday::day_sheet(&state.db, &caller, id, day, 0)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let table = app::usecases::export::day_sheet_table(&sheet);
    let (bytes, content_type, ext) = if xlsx {
        (
            app::usecases::export::to_xlsx(&table).map_err(|e| ApiError::internal(&e))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    } else {
        (
            app::usecases::export::to_csv(&table),
            "text/csv; charset=utf-8",
            "csv",
        )
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"tianlian-day-{id}-{day}.{ext}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[utoipa::path(post, path = "/api/v1/cooperatives/{id}/days/{day}/settle", tag = "alliance",
    params(("id" = i64, Path, description = "Cooperative id"), ("day" = String, Path, format = Date, description = "YYYY-MM-DD")),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
/// Settles the cooperative's day: every worker of every shift paid what is owed, once →
/// 200 `{"paid_fen"}` (0 when nothing was owed).
pub async fn settle_day(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((id, day)): Path<(i64, String)>,
) -> Result<Json<Value>, ApiError> {
    let day = day_of(&day)?;
    match fieldday::settle_day(&state.db, &caller, id, day).await? {
        WorkOutcome::Done(paid) => Ok(Json(json!({ "paid_fen": paid }))),
        other => Err(refusal(other)),
    }
}
