//! Import runs: each bulk import or dry run, with the text as sent and what the checks found.

use crate::{Db, StorageError};
use chrono::Utc;

/// An import run to record.
#[derive(Debug, Clone)]
pub struct NewRun<'a> {
    pub account_id: i64,
    pub kind: &'a str,
    pub dry_run: bool,
    pub csv_text: &'a str,
    pub rows_ok: i64,
    pub stored: i64,
    /// The errors as JSON (the app's own report lines).
    pub errors_json: &'a str,
}

/// A recorded run.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RunRow {
    pub id: i64,
    pub account_id: i64,
    pub kind: String,
    #[sqlx(try_from = "crate::columns::Flag")]
    pub dry_run: bool,
    pub csv_text: String,
    pub rows_ok: i64,
    pub stored: i64,
    pub errors_json: String,
    #[sqlx(try_from = "crate::columns::Timestamp")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Records a run and returns its id.
///
/// # Errors
/// The database refused the insert.
#[tracing::instrument(skip_all)]
pub async fn record(db: &Db, r: &NewRun<'_>) -> Result<i64, StorageError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO import_runs (account_id, kind, dry_run, csv_text, rows_ok, stored, errors_json, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(r.account_id)
    .bind(r.kind)
    .bind(i32::from(r.dry_run))
    .bind(r.csv_text)
    .bind(r.rows_ok)
    .bind(r.stored)
    .bind(r.errors_json)
    .bind(Utc::now().to_rfc3339())
    .fetch_one(db.pool())
    .await?)
}

/// One of the account's own runs (a run is private to whoever sent it).
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn get_own(db: &Db, id: i64, account_id: i64) -> Result<Option<RunRow>, StorageError> {
    Ok(sqlx::query_as(
        "SELECT id, account_id, kind, dry_run, csv_text, rows_ok, stored, errors_json, created_at
         FROM import_runs WHERE id = $1 AND account_id = $2",
    )
    .bind(id)
    .bind(account_id)
    .fetch_optional(db.pool())
    .await?)
}
