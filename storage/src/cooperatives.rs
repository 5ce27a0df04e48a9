//! Cooperatives (专业合作社): who leases land, employs day-workers and pays them.

use crate::{Db, StorageError};
use tianlian_domain::Fen;

/// A cooperative to add, with its wage settings.
#[derive(Debug, Clone)]
pub struct NewCooperative<'a> {
    pub township_id: i64,
    pub name: &'a str,
    pub registration: Option<&'a str>,
    pub hourly_wage: Fen,
    pub regular_hours_per_day: i64,
    /// Overtime pay as a percentage of the hourly wage (150 = time and a half).
    pub overtime_percent: i64,
    pub notes: &'a str,
}

/// A cooperative as pages show it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CooperativeRow {
    pub id: i64,
    pub township_id: i64,
    pub name: String,
    pub hourly_wage_fen: i64,
    pub regular_hours_per_day: i64,
    pub overtime_percent: i64,
    pub notes: String,
}

/// Adds a cooperative unless one of that name exists; returns its id either way.
///
/// # Errors
/// The database refused the statement.
#[tracing::instrument(skip_all)]
pub async fn ensure(db: &Db, c: &NewCooperative<'_>) -> Result<i64, StorageError> {
    sqlx::query(
        "INSERT INTO cooperatives (township_id, name, registration, hourly_wage_fen, regular_hours_per_day,
                                   overtime_percent, notes)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING",
    )
    .bind(c.township_id)
    .bind(c.name)
    .bind(c.registration)
    .bind(c.hourly_wage.get())
    .bind(c.regular_hours_per_day)
    .bind(c.overtime_percent)
    .bind(c.notes)
    .execute(db.pool())
    .await?;
    Ok(
        sqlx::query_scalar("SELECT id FROM cooperatives WHERE name = $1")
            .bind(c.name)
            .fetch_one(db.pool())
            .await?,
    )
}

/// Every cooperative, by name.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db) -> Result<Vec<CooperativeRow>, StorageError> {
    Ok(sqlx::query_as(
        "SELECT id, township_id, name, hourly_wage_fen, regular_hours_per_day, overtime_percent, notes
         FROM cooperatives ORDER BY name",
    )
    .fetch_all(db.pool())
    .await?)
}
