//! Downloads: plots, plantings, progress and the market calendar as CSV or XLSX, in the
//! caller's scope (the same use cases as the pages). Plots and plantings are read and written a
//! page at a time: their CSV is streamed as it is read, their XLSX is written in constant memory
//! on the blocking pool and streamed out as the zip is written.

use super::error::ApiError;
use super::openapi::ErrorBody;
use crate::startup::AppState;
use app::usecases::export::{self, FileKind};
use axum::Extension;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tianlian_domain::access::Caller;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

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
    if what.is_paged() {
        let (content_type, body) = match kind {
            FileKind::Csv => (
                "text/csv; charset=utf-8",
                Body::from_stream(csv_pages(state, caller, what)),
            ),
            FileKind::Xlsx => (XLSX, Body::from_stream(xlsx_pages(state, caller, what))),
        };
        return Ok((
            [
                (header::CONTENT_TYPE, content_type.to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            body,
        )
            .into_response());
    }
    let table = export::table(&state.db, &state.climates, &caller, what).await?;
    let (body, content_type) = match kind {
        FileKind::Csv => (export::to_csv(&table), "text/csv; charset=utf-8"),
        FileKind::Xlsx => (
            export::to_xlsx(&table).map_err(|e| ApiError::internal(&e))?,
            XLSX,
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

/// A paged export's XLSX. One blocking task reads the pages in turn, writes each into an
/// [`export::XlsxPages`] (rows go to a temporary file) and then writes the zip into a channel
/// whose chunks are the body, so neither the rows nor the file are ever held whole. A failure
/// midway ends the body early (the client sees a broken download, and it is logged); a client
/// that hangs up stops the task at its next chunk.
fn xlsx_pages(
    state: AppState,
    caller: Caller,
    what: export::Export,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let write = || -> Result<(), String> {
            let (name, headers) = export::sheet(what);
            let mut book = export::XlsxPages::new(name, &headers).map_err(|e| e.to_string())?;
            let mut cursor = None;
            loop {
                let (rows, next) = runtime
                    .block_on(export::page(
                        &state.db,
                        &state.climates,
                        &caller,
                        what,
                        cursor,
                        export::EXPORT_PAGE,
                    ))
                    .map_err(|e| e.to_string())?;
                book.write(&rows).map_err(|e| e.to_string())?;
                match next {
                    Some(n) => cursor = Some(n),
                    None => break,
                }
            }
            let mut out = ChunkWriter {
                tx: tx.clone(),
                buf: Vec::with_capacity(CHUNK),
            };
            book.finish(&mut out).map_err(|e| e.to_string())?;
            out.send().map_err(|e| e.to_string())
        };
        if let Err(e) = write() {
            tracing::error!(error = %e, "export stopped midway");
            let _ = tx.blocking_send(Err(std::io::Error::other(e)));
        }
    });
    futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    })
}

/// Bytes an XLSX body is sent in.
const CHUNK: usize = 64 * 1024;

/// Writes into the response body's channel, [`CHUNK`] bytes at a time (blocking).
struct ChunkWriter {
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

impl ChunkWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))
    }
}

impl std::io::Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}
