//! Season targets (目标) and the plantings progress is measured from.

use crate::{Db, StorageError, iso, parse_iso};
use chrono::{NaiveDate, Utc};
use tianlian_domain::targets::{CropScope, PlantedItem, Target};
use tianlian_domain::{Mu, PlantingStatus};

/// A stored target with its place.
#[derive(Debug, Clone)]
pub struct TargetRow {
    pub id: i64,
    pub township_id: i64,
    pub township_name: String,
    pub village_id: Option<i64>,
    pub village_name: Option<String>,
    pub target: Target,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    township_id: i64,
    township_name: String,
    village_id: Option<i64>,
    village_name: Option<String>,
    crops: String,
    area_centi_mu: i64,
    starts_on: String,
    deadline: String,
}

impl TryFrom<Row> for TargetRow {
    type Error = StorageError;
    fn try_from(r: Row) -> Result<Self, StorageError> {
        Ok(TargetRow {
            id: r.id,
            township_id: r.township_id,
            township_name: r.township_name,
            village_id: r.village_id,
            village_name: r.village_name,
            target: Target {
                crops: CropScope::from_code(&r.crops),
                area: Mu::from_centi(r.area_centi_mu),
                starts_on: parse_iso(&r.starts_on)?,
                deadline: parse_iso(&r.deadline)?,
            },
        })
    }
}

const SELECT: &str = "SELECT g.id, g.township_id, t.name AS township_name, g.village_id,
        v.name AS village_name, g.crops, g.area_centi_mu, g.starts_on, g.deadline
     FROM targets g JOIN townships t ON t.id = g.township_id
     LEFT JOIN villages v ON v.id = g.village_id";

/// Stores a target for a township, or for one of its villages.
///
/// # Errors
/// The database refused the insert (e.g. a village outside the township is caught by the caller).
#[tracing::instrument(skip_all)]
pub async fn create(
    db: &Db,
    township_id: i64,
    village_id: Option<i64>,
    target: &Target,
    created_by: Option<i64>,
    audit: &crate::audit::AuditEntry<'_>,
) -> Result<i64, StorageError> {
    let mut tx = db.pool().begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO targets (township_id, village_id, crops, area_centi_mu, starts_on, deadline,
                              created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(township_id)
    .bind(village_id)
    .bind(target.crops.code())
    .bind(target.area.centi())
    .bind(iso(target.starts_on))
    .bind(iso(target.deadline))
    .bind(created_by)
    .bind(Utc::now().to_rfc3339())
    .fetch_one(&mut *tx)
    .await?;
    crate::audit::record_in(&mut *tx, &audit.about(id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Targets of one township (or all, for `None`), by deadline.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, township_id: Option<i64>) -> Result<Vec<TargetRow>, StorageError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE ($1 IS NULL OR g.township_id = $1) ORDER BY g.deadline, g.id"
    ))
    .bind(township_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(TargetRow::try_from).collect()
}

/// One target.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, id: i64) -> Result<Option<TargetRow>, StorageError> {
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT} WHERE g.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.map(TargetRow::try_from).transpose()
}

/// Deletes a target, with its audit entry in the same transaction; `false` when there was none.
///
/// # Errors
/// The database refused the statement.
#[tracing::instrument(skip_all)]
pub async fn delete(
    db: &Db,
    id: i64,
    audit: &crate::audit::AuditEntry<'_>,
) -> Result<bool, StorageError> {
    let mut tx = db.pool().begin().await?;
    let done = sqlx::query("DELETE FROM targets WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    crate::audit::record_in(&mut *tx, &audit.about(id)).await?;
    tx.commit().await?;
    Ok(true)
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    township_id: i64,
    crop_code: String,
    area_centi_mu: i64,
    #[sqlx(try_from = "crate::columns::IsoDate")]
    day: NaiveDate,
    status: String,
    village_id: i64,
}

/// The plantings on active plots of a township (or one village) that progress is measured
/// from: the day is the actual planting day when recorded, else the planned one. Only `crops`,
/// and summed per crop, day, status and village (progress adds areas, so the sums count the
/// same while a county's thousands of plantings come back as a few hundred rows).
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn planted_items(
    db: &Db,
    township_id: i64,
    village_id: Option<i64>,
    from: NaiveDate,
    crops: &[&str],
) -> Result<Vec<PlantedItem>, StorageError> {
    Ok(planted_items_in(db, &[township_id], from, crops)
        .await?
        .into_iter()
        .filter(|(_, item)| village_id.is_none_or(|v| item.village_id == v))
        .map(|(_, item)| item)
        .collect())
}

/// [`planted_items`] of several townships in one read, each item with its township: the
/// progress of every target a caller sees (an admin: the county's) from one statement instead
/// of one per target.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn planted_items_in(
    db: &Db,
    townships: &[i64],
    from: NaiveDate,
    crops: &[&str],
) -> Result<Vec<(i64, PlantedItem)>, StorageError> {
    if crops.is_empty() || townships.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = |first: usize, n: usize| {
        (first..first + n)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let sql = format!(
        "SELECT v.township_id, pl.crop_code, CAST(SUM(pl.area_centi_mu) AS BIGINT) AS area_centi_mu,
                COALESCE(pl.planted_on, pl.planned_on) AS day, pl.status, p.village_id
         FROM plantings pl JOIN plots p ON p.id = pl.plot_id JOIN villages v ON v.id = p.village_id
         WHERE COALESCE(pl.planted_on, pl.planned_on) >= $1
           AND v.township_id IN ({})
           AND pl.crop_code IN ({})
         GROUP BY v.township_id, pl.crop_code, COALESCE(pl.planted_on, pl.planned_on), pl.status,
                  p.village_id",
        placeholders(2, townships.len()),
        placeholders(2 + townships.len(), crops.len()),
    );
    let mut query = sqlx::query_as(&sql).bind(iso(from));
    for t in townships {
        query = query.bind(*t);
    }
    for c in crops {
        query = query.bind(*c);
    }
    let rows: Vec<ItemRow> = query.fetch_all(db.pool()).await?;
    rows.into_iter()
        .map(|r| {
            Ok((
                r.township_id,
                PlantedItem {
                    status: PlantingStatus::from_code(&r.status)
                        .ok_or_else(|| StorageError::Corrupt(format!("status `{}`", r.status)))?,
                    planted_on: r.day,
                    crop: r.crop_code,
                    area: Mu::from_centi(r.area_centi_mu),
                    village_id: r.village_id,
                },
            ))
        })
        .collect()
}
