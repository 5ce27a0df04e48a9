//! The county overview's sums: a few grouped statements over the whole county, so an admin sees
//! every township at once without the county's 100,000 plantings travelling to the app.

use crate::{Db, StorageError, iso, parse_iso};
use chrono::NaiveDate;
use tianlian_domain::{Mu, PlantingStatus};

/// A township's land in use.
#[derive(Debug, Clone, PartialEq)]
pub struct TownshipLand {
    pub township_id: i64,
    pub name: String,
    /// Its forecast site, if it has one.
    pub site_code: Option<String>,
    pub plots: i64,
    pub area: Mu,
}

/// Every township with the count and area of its plots in use, by name.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn land(db: &Db) -> Result<Vec<TownshipLand>, StorageError> {
    let rows: Vec<(i64, String, Option<String>, i64, i64)> = sqlx::query_as(
        "SELECT t.id, t.name, t.site_code, COUNT(p.id),
                CAST(COALESCE(SUM(p.area_centi_mu), 0) AS BIGINT)
         FROM townships t
         LEFT JOIN villages v ON v.township_id = t.id
         LEFT JOIN plots p ON p.village_id = v.id AND p.retired_on IS NULL
         GROUP BY t.id, t.name, t.site_code
         ORDER BY t.name",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(township_id, name, site_code, plots, centi)| TownshipLand {
                township_id,
                name,
                site_code,
                plots,
                area: Mu::from_centi(centi),
            },
        )
        .collect())
}

/// Plantings of a season summed by township, village, crop, protection, status and day (the day
/// it went in, else the planned one): what progress and supply are worked out from. A county's
/// plantings come back as a few thousand rows.
#[derive(Debug, Clone, PartialEq)]
pub struct SeasonItem {
    pub township_id: i64,
    pub village_id: i64,
    pub crop_code: String,
    pub protection: String,
    pub status: PlantingStatus,
    pub day: NaiveDate,
    pub area: Mu,
}

/// The [`SeasonItem`]s of plantings that went in (or are to) on or after `from`.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn season_items(db: &Db, from: NaiveDate) -> Result<Vec<SeasonItem>, StorageError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        township_id: i64,
        village_id: i64,
        crop_code: String,
        protection: String,
        status: String,
        day: String,
        area_centi_mu: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT v.township_id, p.village_id, pl.crop_code, pl.protection, pl.status,
                COALESCE(pl.planted_on, pl.planned_on) AS day,
                CAST(SUM(pl.area_centi_mu) AS BIGINT) AS area_centi_mu
         FROM plantings pl JOIN plots p ON p.id = pl.plot_id JOIN villages v ON v.id = p.village_id
         WHERE COALESCE(pl.planted_on, pl.planned_on) >= $1
         GROUP BY v.township_id, p.village_id, pl.crop_code, pl.protection, pl.status,
                  COALESCE(pl.planted_on, pl.planned_on)",
    )
    .bind(iso(from))
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(SeasonItem {
                status: PlantingStatus::from_code(&r.status)
                    .ok_or_else(|| StorageError::Corrupt(format!("status `{}`", r.status)))?,
                day: parse_iso(&r.day)?,
                township_id: r.township_id,
                village_id: r.village_id,
                crop_code: r.crop_code,
                protection: r.protection,
                area: Mu::from_centi(r.area_centi_mu),
            })
        })
        .collect()
}

/// People asked for and booked on a township's cooperatives' shifts over some days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Staffing {
    pub township_id: i64,
    pub shifts: i64,
    pub needed: i64,
    pub booked: i64,
}

/// Per township (those with shifts only): the shifts from `from` to `until`, the people they
/// ask for and the people booked.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn staffing(
    db: &Db,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<Staffing>, StorageError> {
    let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT c.township_id, COUNT(*), CAST(SUM(s.headcount) AS BIGINT),
                CAST(COALESCE(SUM((SELECT COUNT(*) FROM shift_assignments a WHERE a.shift_id = s.id)), 0) AS BIGINT)
         FROM shifts s JOIN cooperatives c ON c.id = s.cooperative_id
         WHERE s.day >= $1 AND s.day <= $2
         GROUP BY c.township_id",
    )
    .bind(iso(from))
    .bind(iso(until))
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(township_id, shifts, needed, booked)| Staffing {
            township_id,
            shifts,
            needed,
            booked,
        })
        .collect())
}
