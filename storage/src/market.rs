//! Market capacity per township and crop (kg a week), for the market calendar.

use crate::{Db, StorageError};
use std::collections::BTreeMap;

/// Capacity by crop code for a township.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn capacity(db: &Db, township_id: i64) -> Result<BTreeMap<String, i64>, StorageError> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT crop_code, kg_per_week FROM market_capacity WHERE township_id = $1")
            .bind(township_id)
            .fetch_all(db.pool())
            .await?;
    Ok(rows.into_iter().collect())
}

/// Sets (or, with `None`, clears) a crop's weekly capacity for a township.
///
/// # Errors
/// The database refused the statement (e.g. an unknown crop).
#[tracing::instrument(skip_all)]
pub async fn set_capacity(
    db: &Db,
    township_id: i64,
    crop: &str,
    kg_per_week: Option<i64>,
) -> Result<(), StorageError> {
    match kg_per_week {
        Some(kg) => {
            sqlx::query(
                "INSERT INTO market_capacity (township_id, crop_code, kg_per_week)
                 VALUES ($1, $2, $3)
                 ON CONFLICT (township_id, crop_code) DO UPDATE SET kg_per_week = excluded.kg_per_week",
            )
            .bind(township_id)
            .bind(crop)
            .bind(kg)
            .execute(db.pool())
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM market_capacity WHERE township_id = $1 AND crop_code = $2")
                .bind(township_id)
                .bind(crop)
                .execute(db.pool())
                .await?;
        }
    }
    Ok(())
}

/// The forecast site of a township, if it has one.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn township_site(db: &Db, township_id: i64) -> Result<Option<String>, StorageError> {
    let site: Option<Option<String>> =
        sqlx::query_scalar("SELECT site_code FROM townships WHERE id = $1")
            .bind(township_id)
            .fetch_optional(db.pool())
            .await?;
    Ok(site.flatten())
}
