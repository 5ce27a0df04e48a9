//! Downloads: plots, plantings, progress and the market calendar as CSV or XLSX, in the
//! caller's scope (the same use cases as the pages). The CSV of plots and plantings is streamed a
//! page at a time.

use super::error::ApiError;
use super::openapi::ErrorBody;
use crate::startup::AppState;
use app::export::{self, FileKind};
use axum::Extension;
use axum::body::{Body, Bytes};
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
    let disposition = format!("attachment; filename=\"tianlian-{file}\"");
    if kind == FileKind::Csv && what.is_paged() {
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            Body::from_stream(csv_pages(state, caller, what)),
        )
            .into_response());
    }
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
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// A paged export's CSV, written a page at a time as it is read: the header line first, then
/// each page of [`export::EXPORT_PAGE`] rows. A database failure midway ends the body early
/// (the client sees a broken download, and it is logged).
fn csv_pages(
    state: AppState,
    caller: Caller,
    what: export::Export,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> {
    enum Next {
        Head,
        Page(Option<i64>),
    }
    futures::stream::unfold(Some(Next::Head), move |next| {
        let (state, caller) = (state.clone(), caller.clone());
        async move {
            match next? {
                Next::Head => Some((
                    Ok(Bytes::from(export::csv_head(&export::sheet(what).1))),
                    Some(Next::Page(None)),
                )),
                Next::Page(cursor) => {
                    let page = export::page(
                        &state.db,
                        &state.climates,
                        &caller,
                        what,
                        cursor,
                        export::EXPORT_PAGE,
                    )
                    .await;
                    match page {
                        Ok((rows, next)) => Some((
                            Ok(Bytes::from(export::csv_rows(&rows))),
                            next.map(|n| Next::Page(Some(n))),
                        )),
                        Err(e) => {
                            tracing::error!(error = %e, "export stopped midway");
                            Some((Err(std::io::Error::other(e.to_string())), None))
                        }
                    }
                }
            }
        }
    })
}
