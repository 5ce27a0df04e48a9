//! Townships (乡镇) and villages (村): the places plans are made for.

use crate::{Db, StorageError};
use tianlian_domain::access::PlotFilter;

/// A village with its township, as lists show it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VillageRow {
    pub id: i64,
    pub name: String,
    pub township_id: i64,
    pub township_name: String,
}

/// Whether a township with this id exists.
///
/// # Errors
/// The database refused the query.
#[tracing::instrument(skip(db))]
pub async fn township_exists(db: &Db, id: i64) -> Result<bool, StorageError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM townships WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await?;
    Ok(n > 0)
}

/// Adds a township unless one of that name exists; returns its id either way.
///
/// # Errors
/// The database refused the statement.
#[tracing::instrument(skip_all)]
pub async fn ensure_township(db: &Db, name: &str, county: &str) -> Result<i64, StorageError> {
    sqlx::query(
        "INSERT INTO townships (name, county) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(county)
    .execute(db.pool())
    .await?;
    Ok(
        sqlx::query_scalar("SELECT id FROM townships WHERE name = $1")
            .bind(name)
            .fetch_one(db.pool())
            .await?,
    )
}

/// Adds a village to a township unless it exists; returns its id either way.
///
/// # Errors
/// The database refused the statement.
#[tracing::instrument(skip_all)]
pub async fn ensure_village(db: &Db, township_id: i64, name: &str) -> Result<i64, StorageError> {
    sqlx::query("INSERT INTO villages (township_id, name) VALUES ($1, $2) ON CONFLICT (township_id, name) DO NOTHING")
        .bind(township_id)
        .bind(name)
        .execute(db.pool())
        .await?;
    Ok(
        sqlx::query_scalar("SELECT id FROM villages WHERE township_id = $1 AND name = $2")
            .bind(township_id)
            .bind(name)
            .fetch_one(db.pool())
            .await?,
    )
}

/// The villages that hold plots `filter` admits, by township and name.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn list_villages(db: &Db, filter: PlotFilter) -> Result<Vec<VillageRow>, StorageError> {
    let (township, household) = crate::plots::filter_binds(filter);
    Ok(sqlx::query_as(
        "SELECT v.id, v.name, t.id AS township_id, t.name AS township_name
         FROM villages v JOIN townships t ON t.id = v.township_id
         WHERE ($1 IS NULL OR t.id = $1)
           AND ($2 IS NULL OR v.id IN (SELECT village_id FROM plots WHERE owner_household_id = $2))
         ORDER BY t.name, v.name",
    )
    .bind(township)
    .bind(household)
    .fetch_all(db.pool())
    .await?)
}

/// The townships (id, name) by name: all of them, or only `only`.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn list_townships(
    db: &Db,
    only: Option<i64>,
) -> Result<Vec<(i64, String)>, StorageError> {
    let (terms, binds) = crate::and_equal(&[("id", only)], 1);
    let sql = format!("SELECT id, name FROM townships WHERE 1 = 1{terms} ORDER BY name");
    Ok(crate::bind_all(sqlx::query_as(&sql), binds)
        .fetch_all(db.pool())
        .await?)
}

/// One village with its township.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn get_village(db: &Db, id: i64) -> Result<Option<VillageRow>, StorageError> {
    Ok(sqlx::query_as(
        "SELECT v.id, v.name, t.id AS township_id, t.name AS township_name
         FROM villages v JOIN townships t ON t.id = v.township_id WHERE v.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?)
}
