//! Forecast sites (地点) with their climate normals, and observed daily weather imported from CSV.

use crate::{Db, StorageError, parse_iso};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use tianlian_domain::forecast::{DailyTemp, MonthlyNormals, SITES};

/// A site as stored.
#[derive(Debug, Clone)]
pub struct SiteRow {
    pub id: i64,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub normals: MonthlyNormals,
    pub source: String,
    /// Changes whenever the site's observed weather changes.
    pub weather_version: i64,
    /// Days of observed weather held.
    pub observed_days: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    code: String,
    name_zh: String,
    name_en: String,
    normals_json: String,
    source: String,
    weather_version: i64,
    observed_days: i64,
}

impl TryFrom<Row> for SiteRow {
    type Error = StorageError;
    fn try_from(r: Row) -> Result<Self, StorageError> {
        let normals = serde_json::from_str(&r.normals_json)
            .map_err(|e| StorageError::Corrupt(format!("normals of site {}: {e}", r.code)))?;
        Ok(SiteRow {
            id: r.id,
            code: r.code,
            name_zh: r.name_zh,
            name_en: r.name_en,
            normals,
            source: r.source,
            weather_version: r.weather_version,
            observed_days: r.observed_days,
        })
    }
}

const SELECT: &str = "SELECT s.id, s.code, s.name_zh, s.name_en, s.normals_json, s.source,
        s.weather_version,
        (SELECT COUNT(*) FROM weather_daily w WHERE w.site_id = s.id) AS observed_days
     FROM sites s";

/// Inserts the domain's demo sites that the table lacks; rows already there are kept.
///
/// # Errors
/// The database refused the insert.
#[tracing::instrument(skip_all)]
pub async fn seed_catalogue(db: &Db) -> Result<(), StorageError> {
    for s in SITES {
        let normals = serde_json::to_string(&s.normals)
            .map_err(|e| StorageError::Corrupt(format!("normals: {e}")))?;
        sqlx::query(
            "INSERT INTO sites (code, name_zh, name_en, normals_json, source)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING",
        )
        .bind(s.code)
        .bind(s.name_zh)
        .bind(s.name_en)
        .bind(normals)
        .bind(s.source)
        .execute(db.pool())
        .await?;
    }
    Ok(())
}

/// Every site, by code.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db) -> Result<Vec<SiteRow>, StorageError> {
    let rows: Vec<Row> = sqlx::query_as(&format!("{SELECT} ORDER BY s.code"))
        .fetch_all(db.pool())
        .await?;
    rows.into_iter().map(SiteRow::try_from).collect()
}

/// The site with `code`, if any.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn by_code(db: &Db, code: &str) -> Result<Option<SiteRow>, StorageError> {
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT} WHERE s.code = $1"))
        .bind(code)
        .fetch_optional(db.pool())
        .await?;
    row.map(SiteRow::try_from).transpose()
}

/// The site's observed weather, by day.
///
/// # Errors
/// The database could not be read, or holds a malformed day.
#[tracing::instrument(skip_all)]
pub async fn weather(
    db: &Db,
    site_id: i64,
) -> Result<BTreeMap<NaiveDate, DailyTemp>, StorageError> {
    let rows: Vec<(String, f64, f64)> =
        sqlx::query_as("SELECT day, tmin, tmax FROM weather_daily WHERE site_id = $1")
            .bind(site_id)
            .fetch_all(db.pool())
            .await?;
    rows.into_iter()
        .map(|(day, tmin, tmax)| {
            Ok((
                parse_iso(&day)?,
                DailyTemp {
                    tmin: tmin as f32,
                    tmax: tmax as f32,
                },
            ))
        })
        .collect()
}

/// Rows per INSERT statement (4 values each, well under SQLite's bind limit).
const BATCH: usize = 250;

/// Stores observed days for a site in one transaction (a day already held is replaced) and bumps
/// the site's weather version. Returns the number of days written.
///
/// # Errors
/// The database refused the statements; nothing is written then.
#[tracing::instrument(skip_all)]
pub async fn import_weather(
    db: &Db,
    site_id: i64,
    days: &BTreeMap<NaiveDate, DailyTemp>,
) -> Result<usize, StorageError> {
    let mut tx = db.pool().begin().await?;
    let days: Vec<_> = days.iter().collect();
    for chunk in days.chunks(BATCH) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                format!(
                    "(${}, ${}, ${}, ${})",
                    4 * i + 1,
                    4 * i + 2,
                    4 * i + 3,
                    4 * i + 4
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO weather_daily (site_id, day, tmin, tmax) VALUES {}
             ON CONFLICT (site_id, day) DO UPDATE SET tmin = excluded.tmin, tmax = excluded.tmax",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for (day, t) in chunk {
            q = q
                .bind(site_id)
                .bind(day.to_string())
                .bind(f64::from(t.tmin))
                .bind(f64::from(t.tmax));
        }
        q.execute(&mut *tx).await?;
    }
    sqlx::query("UPDATE sites SET weather_version = weather_version + 1 WHERE id = $1")
        .bind(site_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(days.len())
}

/// Points a township at the site whose climate its fields share.
///
/// # Errors
/// The database refused the update (e.g. an unknown site code).
#[tracing::instrument(skip_all)]
pub async fn set_township_site(
    db: &Db,
    township_id: i64,
    site_code: &str,
) -> Result<(), StorageError> {
    sqlx::query("UPDATE townships SET site_code = $1 WHERE id = $2")
        .bind(site_code)
        .bind(township_id)
        .execute(db.pool())
        .await?;
    Ok(())
}
