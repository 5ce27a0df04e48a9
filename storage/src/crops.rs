//! Crops (作物): the catalogue shipped with the domain, kept in the `crops` table so that new
//! crops can be added as data.

use crate::{Db, StorageError};
use tianlian_domain::crops::{CATALOGUE, Crop};

#[derive(sqlx::FromRow)]
struct CropRow {
    code: String,
    name_zh: String,
    name_en: String,
    season_days: i64,
}

/// Inserts the catalogue's crops that the table lacks; rows already there are left as they are.
///
/// # Errors
/// The database refused the insert.
#[tracing::instrument(skip_all)]
pub async fn seed_catalogue(db: &Db) -> Result<(), StorageError> {
    for c in CATALOGUE {
        sqlx::query(
            "INSERT INTO crops (code, name_zh, name_en, season_days) VALUES ($1, $2, $3, $4)
             ON CONFLICT (code) DO NOTHING",
        )
        .bind(c.code)
        .bind(c.name_zh)
        .bind(c.name_en)
        .bind(i64::from(c.season_days))
        .execute(db.pool())
        .await?;
    }
    Ok(())
}

/// Every crop, by code.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db) -> Result<Vec<Crop>, StorageError> {
    let rows: Vec<CropRow> =
        sqlx::query_as("SELECT code, name_zh, name_en, season_days FROM crops ORDER BY code")
            .fetch_all(db.pool())
            .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Crop {
                season_days: u32::try_from(r.season_days)
                    .map_err(|_| StorageError::Corrupt(format!("season_days {}", r.season_days)))?,
                code: r.code,
                name_zh: r.name_zh,
                name_en: r.name_en,
            })
        })
        .collect()
}
