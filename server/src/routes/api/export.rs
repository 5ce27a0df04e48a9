//! Downloads: plots, plantings, progress and the market calendar as CSV or XLSX, in the
//! caller's scope (the same use cases as the pages).

use super::error::ApiError;
use super::openapi::ErrorBody;
use crate::startup::AppState;
use app::export::{self, FileKind};
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tianlian_domain::access::Caller;

/// `GET /api/v1/export/{file}` with `file` one of `plots`, `plantings`, `progress`, `market`
/// followed by `.csv` or `.xlsx`.
#[utoipa::path(get, path = "/api/v1/export/{file}", tag = "plans",
    params(("file" = String, Path, description = "plots|plantings|progress|market, then .csv or .xlsx")),
    responses((status = 200, description = "The file", content_type = "text/csv"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn download(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let (what, kind) = export::parse_file_name(&file).ok_or_else(ApiError::not_found)?;
    let table = export::table(&state.db, &state.climates, &caller, what).await?;
    let (body, content_type) = match kind {
        FileKind::Csv => (export::to_csv(&table), "text/csv; charset=utf-8"),
        FileKind::Xlsx => (
            export::to_xlsx(&table).map_err(|e| ApiError::internal(&e))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"tianlian-{file}\""),
            ),
        ],
        body,
    )
        .into_response())
}
