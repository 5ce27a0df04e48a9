//! The plot register over JSON: add, edit and retire plots; list plantings with their
//! forecasts; bulk import of plots and plantings (CSV, with a dry run). Admins and the
//! township's agronomists write; everyone reads in their own scope.

use super::error::{ApiError, body};
use super::openapi::ErrorBody;
use crate::startup::AppState;
use app::models::ImportReport;
use app::usecases::plots::{self, PlotOutcome};
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tianlian_domain::Lang;
use tianlian_domain::access::Caller;
use tianlian_domain::import::ImportKind;
use tianlian_domain::plot::{PlotError, PlotInput};
use utoipa::{IntoParams, ToSchema};

/// A plot as JSON. `area_mu` may be a number or text; `owner` is a household code.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlotBody {
    /// Needed to add a plot; ignored when editing.
    #[serde(default)]
    village_id: Option<i64>,
    #[schema(schema_with = super::schema::plot_code)]
    code: String,
    #[schema(schema_with = super::schema::plot_area)]
    area_mu: Value,
    /// A household code of the plot's village; empty for collective land.
    #[schema(schema_with = super::schema::owner)]
    #[serde(default)]
    owner: String,
    /// `rainfed`, `furrow`, `pumped`, `sprinkler`, `drip` or empty.
    #[schema(schema_with = super::schema::irrigation)]
    #[serde(default)]
    irrigation: String,
    #[schema(schema_with = super::schema::notes)]
    #[serde(default)]
    notes: String,
}

impl PlotBody {
    fn input(self) -> (Option<i64>, PlotInput) {
        (
            self.village_id,
            PlotInput {
                code: self.code,
                area: super::number_or_text(self.area_mu),
                owner: self.owner,
                irrigation: self.irrigation,
                notes: self.notes,
            },
        )
    }
}

fn refused(errors: &[PlotError]) -> ApiError {
    let first = errors.first();
    let mut err = ApiError::invalid(
        first.map_or("invalid", PlotError::code),
        first.map(|e| e.message(Lang::Zh)).unwrap_or_default(),
        first.map(|e| e.message(Lang::En)).unwrap_or_default(),
    );
    err.fields = Some(
        errors
            .iter()
            .map(|e| json!({ "field": e.field(), "code": e.code() }))
            .collect(),
    );
    err
}

fn outcome(o: PlotOutcome, created: bool) -> Result<(StatusCode, Json<Value>), ApiError> {
    match o {
        PlotOutcome::Saved(id) => Ok((
            if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            },
            Json(json!({ "id": id })),
        )),
        PlotOutcome::Refused(errors) => Err(refused(&errors)),
        PlotOutcome::NotFound => Err(ApiError::not_found()),
        PlotOutcome::Forbidden => Err(ApiError::forbidden()),
        PlotOutcome::NotRetired(e) => Err(ApiError::new(
            StatusCode::CONFLICT,
            e.code(),
            e.message(Lang::Zh),
            e.message(Lang::En),
        )),
    }
}

/// Adds a plot → 201 `{"id"}`; 422 with every field's error (an unknown or foreign village
/// is `unknown_village`).
#[utoipa::path(post, path = "/api/v1/plots", tag = "plots", request_body = PlotBody,
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    json: Result<Json<PlotBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let (village, input) = body(json)?.input();
    let o = plots::create_plot(&state.db, &caller, village.unwrap_or(0), &input).await?;
    outcome(o, true)
}

/// Edits a plot (every field is replaced) → 200; 422 when the area falls below what its
/// plantings hold (`area_below_planted`) or another rule breaks.
#[utoipa::path(patch, path = "/api/v1/plots/{id}", tag = "plots", request_body = PlotBody,
    params(("id" = i64, Path, description = "Plot id")),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn edit(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    json: Result<Json<PlotBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let (_, input) = body(json)?.input();
    let o = plots::edit_plot(&state.db, &caller, id, &input).await?;
    outcome(o, false)
}

/// Retires a plot (kept with its history) → 200; 409 while plantings on it are planned, in
/// the ground or being harvested, or when it is retired already.
#[utoipa::path(post, path = "/api/v1/plots/{id}/retire", tag = "plots",
    params(("id" = i64, Path, description = "Plot id")),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
pub async fn retire(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    let today = app::usecases::forecasting::china_today();
    let o = plots::retire_plot(&state.db, &caller, id, today).await?;
    outcome(o, false)
}

/// A planting with its plot.
#[derive(Serialize, ToSchema)]
pub struct PlantingListJson {
    plot_id: i64,
    plot_code: String,
    village: String,
    township: String,
    #[serde(flatten)]
    planting: super::plots::PlantingJson,
}

/// A page of plantings.
#[derive(Serialize, ToSchema)]
pub struct PlantingPage {
    plantings: Vec<PlantingListJson>,
    /// Pass as `cursor` for the next page; null on the last.
    next_cursor: Option<i64>,
}

/// A page of the plantings on the plots the caller may see, in id order, each with its plot and
/// forecast, and the cursor of the next page.
#[utoipa::path(get, path = "/api/v1/plantings", tag = "plots", params(super::plots::ListQuery),
    responses((status = 200, body = PlantingPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn plantings(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<super::plots::ListQuery>,
) -> Result<Json<PlantingPage>, ApiError> {
    let (query, limit) = q.parse()?;
    let (list, next_cursor) = app::usecases::plots::plantings_after(
        &state.db,
        &state.climates,
        &caller,
        &query,
        q.cursor(),
        limit,
    )
    .await?;
    Ok(Json(PlantingPage {
        plantings: list
            .into_iter()
            .map(|i| PlantingListJson {
                plot_id: i.plot_id,
                plot_code: i.plot_code,
                village: i.village,
                township: i.township,
                planting: i.planting.into(),
            })
            .collect(),
        next_cursor,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `true` (the default) only checks; `false` stores every row or none.
    dry_run: Option<bool>,
}

/// Imports plots or plantings from CSV (UTF-8, comma- or tab-separated, header line first;
/// Chinese or English headers). A dry run (the default) checks every row; an import stores all
/// rows or none. 200 for a clean dry run, 201 when stored, 422 with every bad line otherwise.
#[utoipa::path(post, path = "/api/v1/import/{kind}", tag = "plots",
    params(("kind" = String, Path, description = "`plots`, `plantings` or `households`"), ImportQuery),
    request_body(content = String, content_type = "text/csv",
        description = "CSV (UTF-8) or an XLSX workbook (its first sheet). Households: one row per \
                       person; a real import answers the created accounts' one-time passwords in \
                       `slips`, once."),
    responses((status = 200, body = Object), (status = 201, body = Object), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn import(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(kind): Path<String>,
    Query(q): Query<ImportQuery>,
    bytes: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let kind = ImportKind::parse(&kind).ok_or_else(ApiError::not_found)?;
    let text = app::usecases::onboard::upload_text(&bytes).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "not_utf8",
            "文件须为 UTF-8 编码的 CSV（Excel 另存为“CSV UTF-8”）或 XLSX 工作簿",
            "The file must be UTF-8 CSV (in Excel: save as “CSV UTF-8”) or an XLSX workbook",
        )
    })?;
    let dry_run = q.dry_run.unwrap_or(true);
    let report: ImportReport = plots::run_import(&state.db, &caller, kind, &text, dry_run)
        .await?
        .ok_or_else(ApiError::forbidden)?;
    if !report.errors.is_empty() {
        let lines = |lang| {
            report
                .errors
                .iter()
                .take(20)
                .map(|e| {
                    let m = if lang == Lang::Zh {
                        &e.message_zh
                    } else {
                        &e.message_en
                    };
                    match lang {
                        Lang::Zh => format!("第 {} 行：{m}", e.line),
                        Lang::En => format!("line {}: {m}", e.line),
                    }
                })
                .collect::<Vec<_>>()
                .join("；")
        };
        let mut err = ApiError::invalid("invalid_rows", lines(Lang::Zh), lines(Lang::En));
        err.fields = Some(
            report
                .errors
                .iter()
                .map(|e| json!({ "line": e.line, "code": e.code }))
                .collect(),
        );
        return Err(err);
    }
    let status = if dry_run {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let mut answer = json!({ "run": report.id, "dry_run": dry_run, "rows_ok": report.rows_ok, "stored": report.stored });
    if kind == ImportKind::Households && !dry_run {
        // The accounts' one-time passwords: in this answer only, never stored in clear.
        answer["slips"] = report.slips.iter().map(super::onboard::slip_json).collect();
    }
    Ok((status, Json(answer)))
}
