//! Plantings (种植): crops on plots by acreage. The plot-area rule is checked by the caller's
//! domain function inside a transaction that holds the plot's row lock, so two concurrent
//! requests can never together over-fill a plot, on SQLite or PostgreSQL.

use crate::{Db, StorageError, iso, parse_iso};
use chrono::{NaiveDate, Utc};
use tianlian_domain::access::PlotFilter;
use tianlian_domain::{Mu, Occupancy, PlantingStatus, Season, ValidPlanting};

/// A planting as lists show it.
#[derive(Debug, Clone)]
pub struct PlantingRow {
    pub id: i64,
    pub plot_id: i64,
    pub crop_code: String,
    pub crop_name_zh: String,
    pub crop_name_en: String,
    pub area: Mu,
    pub planned_on: NaiveDate,
    pub planted_on: Option<NaiveDate>,
    pub season: Season,
    pub status: PlantingStatus,
    /// `open`, `mulch` or `tunnel` (the cover its forecast assumes).
    pub protection: String,
    /// The cooperative that plants it on land it leases (土地流转); `None`: the plot's household.
    pub cooperative_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    plot_id: i64,
    crop_code: String,
    name_zh: String,
    name_en: String,
    area_centi_mu: i64,
    planned_on: String,
    planted_on: Option<String>,
    season_from: String,
    season_until: String,
    status: String,
    protection: String,
    cooperative_id: Option<i64>,
}

impl TryFrom<Row> for PlantingRow {
    type Error = StorageError;
    fn try_from(r: Row) -> Result<Self, StorageError> {
        Ok(PlantingRow {
            id: r.id,
            plot_id: r.plot_id,
            area: Mu::from_centi(r.area_centi_mu),
            planned_on: parse_iso(&r.planned_on)?,
            planted_on: r.planted_on.as_deref().map(parse_iso).transpose()?,
            season: Season {
                from: parse_iso(&r.season_from)?,
                until: parse_iso(&r.season_until)?,
            },
            status: PlantingStatus::from_code(&r.status)
                .ok_or_else(|| StorageError::Corrupt(format!("status `{}`", r.status)))?,
            protection: r.protection,
            cooperative_id: r.cooperative_id,
            crop_code: r.crop_code,
            crop_name_zh: r.name_zh,
            crop_name_en: r.name_en,
        })
    }
}

const SELECT: &str =
    "SELECT pl.id, pl.plot_id, pl.crop_code, c.name_zh, c.name_en, pl.area_centi_mu,
        pl.planned_on, pl.planted_on, pl.season_from, pl.season_until, pl.status, pl.protection,
        pl.cooperative_id
    FROM plantings pl JOIN crops c ON c.code = pl.crop_code";

fn convert(rows: Vec<Row>) -> Result<Vec<PlantingRow>, StorageError> {
    rows.into_iter().map(PlantingRow::try_from).collect()
}

/// Plantings on the plots that `plots::list_active` returns for the same filter, by plot and date.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn list_on_active_plots(
    db: &Db,
    filter: PlotFilter,
    village_id: Option<i64>,
) -> Result<Vec<PlantingRow>, StorageError> {
    let (terms, binds) = crate::plots::scope_terms(filter, village_id, 1);
    let sql = format!(
        "{SELECT} JOIN plots p ON p.id = pl.plot_id JOIN villages v ON v.id = p.village_id
         WHERE p.retired_on IS NULL{terms}
         ORDER BY pl.plot_id, pl.season_from, pl.id"
    );
    convert(
        crate::bind_all(sqlx::query_as(&sql), binds)
            .fetch_all(db.pool())
            .await?,
    )
}

/// Up to `limit` plantings on plots in use that the scope and `q` admit (crop and status
/// narrow the planting itself), in id order after `after`: an API cursor.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn after(
    db: &Db,
    filter: PlotFilter,
    q: &crate::plots::PlotQuery,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<PlantingRow>, StorageError> {
    let (terms, mut binds) = q.terms(filter, 1, Some("pl"));
    let n = binds.len();
    binds.extend([
        crate::Bind::Int(after.unwrap_or(0)),
        crate::Bind::Int(limit),
    ]);
    let sql = format!(
        "{SELECT} JOIN plots p ON p.id = pl.plot_id JOIN villages v ON v.id = p.village_id
         LEFT JOIN households h ON h.id = p.owner_household_id
         WHERE p.retired_on IS NULL{terms} AND pl.id > ${} ORDER BY pl.id LIMIT ${}",
        n + 1,
        n + 2
    );
    convert(
        crate::bind_values(sqlx::query_as(&sql), binds)
            .fetch_all(db.pool())
            .await?,
    )
}

/// The plantings on the given plots (one page of a list), by plot and date.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn on_plots(db: &Db, plot_ids: &[i64]) -> Result<Vec<PlantingRow>, StorageError> {
    if plot_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=plot_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "{SELECT} WHERE pl.plot_id IN ({}) ORDER BY pl.plot_id, pl.season_from, pl.id",
        marks.join(", ")
    );
    convert(
        crate::bind_all(sqlx::query_as(&sql), plot_ids.to_vec())
            .fetch_all(db.pool())
            .await?,
    )
}

/// A township's plantings that hold land on or after `from` (this season's, for the market
/// calendar and the wall chart), with each plot's "村 code" label, by plot and date. Failed
/// plantings and those of earlier seasons are left out in SQL: a county's history does not
/// travel to every request.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn in_season(
    db: &Db,
    township_id: i64,
    from: NaiveDate,
) -> Result<Vec<(PlantingRow, String)>, StorageError> {
    #[derive(sqlx::FromRow)]
    struct Labelled {
        #[sqlx(flatten)]
        row: Row,
        village: String,
        plot_code: String,
    }
    let rows: Vec<Labelled> = sqlx::query_as(&format!(
        "SELECT pl.id, pl.plot_id, pl.crop_code, c.name_zh, c.name_en, pl.area_centi_mu,
            pl.planned_on, pl.planted_on, pl.season_from, pl.season_until, pl.status, pl.protection,
            pl.cooperative_id, v.name AS village, p.code AS plot_code
         FROM plantings pl JOIN crops c ON c.code = pl.crop_code
         JOIN plots p ON p.id = pl.plot_id JOIN villages v ON v.id = p.village_id
         WHERE p.retired_on IS NULL AND v.township_id = $1 AND pl.season_until >= $2
           AND {holds}
         ORDER BY pl.plot_id, pl.season_from, pl.id",
        holds = holds_land("pl")
    ))
    .bind(township_id)
    .bind(iso(from))
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|l| {
            Ok((
                PlantingRow::try_from(l.row)?,
                format!("{} {}", l.village, l.plot_code),
            ))
        })
        .collect()
}

/// The plots `filter` admits with their plantings, in one read (a farmer's pages ask for both
/// on every view): plots by township, village and code, plantings by plot and date.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn with_plots(
    db: &Db,
    filter: PlotFilter,
) -> Result<(Vec<crate::plots::PlotRow>, Vec<PlantingRow>), StorageError> {
    #[derive(sqlx::FromRow)]
    struct Joined {
        #[sqlx(flatten)]
        plot: crate::plots::Row,
        pl_id: Option<i64>,
        pl_crop_code: Option<String>,
        pl_name_zh: Option<String>,
        pl_name_en: Option<String>,
        pl_area_centi_mu: Option<i64>,
        pl_planned_on: Option<String>,
        pl_planted_on: Option<String>,
        pl_season_from: Option<String>,
        pl_season_until: Option<String>,
        pl_status: Option<String>,
        pl_protection: Option<String>,
        pl_cooperative_id: Option<i64>,
    }
    let (terms, binds) = crate::plots::scope_terms(filter, None, 1);
    let sql = format!(
        concat!(
            crate::plots::plot_columns!(),
            ", pl.id AS pl_id, pl.crop_code AS pl_crop_code, c.name_zh AS pl_name_zh,
            c.name_en AS pl_name_en, pl.area_centi_mu AS pl_area_centi_mu,
            pl.planned_on AS pl_planned_on, pl.planted_on AS pl_planted_on,
            pl.season_from AS pl_season_from, pl.season_until AS pl_season_until,
            pl.status AS pl_status, pl.protection AS pl_protection,
            pl.cooperative_id AS pl_cooperative_id",
            crate::plots::plot_from!(),
            "
         LEFT JOIN plantings pl ON pl.plot_id = p.id LEFT JOIN crops c ON c.code = pl.crop_code
         WHERE p.retired_on IS NULL{terms}
         ORDER BY t.name, v.name, p.code, pl.season_from, pl.id"
        ),
        terms = terms
    );
    let rows: Vec<Joined> = crate::bind_all(sqlx::query_as(&sql), binds)
        .fetch_all(db.pool())
        .await?;
    let mut plots: Vec<crate::plots::PlotRow> = Vec::new();
    let mut plantings = Vec::new();
    for j in rows {
        if plots.last().is_none_or(|p| p.id != j.plot.id) {
            plots.push(j.plot.into());
        }
        let (Some(id), Some(plot_id)) = (j.pl_id, plots.last().map(|p| p.id)) else {
            continue;
        };
        let text = |v: Option<String>| v.unwrap_or_default();
        plantings.push(PlantingRow::try_from(Row {
            id,
            plot_id,
            crop_code: text(j.pl_crop_code),
            name_zh: text(j.pl_name_zh),
            name_en: text(j.pl_name_en),
            area_centi_mu: j.pl_area_centi_mu.unwrap_or_default(),
            planned_on: text(j.pl_planned_on),
            planted_on: j.pl_planted_on,
            season_from: text(j.pl_season_from),
            season_until: text(j.pl_season_until),
            status: text(j.pl_status),
            protection: text(j.pl_protection),
            cooperative_id: j.pl_cooperative_id,
        })?);
    }
    plantings.sort_by_key(|p| (p.plot_id, p.season.from, p.id));
    Ok((plots, plantings))
}

/// Plantings of one plot, by date.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn list_for_plot(db: &Db, plot_id: i64) -> Result<Vec<PlantingRow>, StorageError> {
    let sql = format!("{SELECT} WHERE pl.plot_id = $1 ORDER BY pl.season_from, pl.id");
    convert(
        sqlx::query_as(&sql)
            .bind(plot_id)
            .fetch_all(db.pool())
            .await?,
    )
}

/// What the plot-area check sees: the plot's area and the land its plantings hold.
#[derive(Debug, Clone)]
pub struct PlotLoad {
    pub area: Mu,
    pub held: Vec<Occupancy>,
    /// The same plantings with who planted them (`None`: the household).
    pub uses: Vec<tianlian_domain::lease::LandUse>,
    /// Land leased out of the plot to cooperatives.
    pub leases: Vec<tianlian_domain::lease::LeasedLand>,
}

/// Why a planting was not inserted.
#[derive(Debug, thiserror::Error)]
pub enum InsertError<E> {
    #[error("no such plot")]
    PlotNotFound,
    #[error("the plot is retired")]
    PlotRetired,
    #[error("the planting breaks a rule")]
    Rejected(E),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl<E> From<sqlx::Error> for InsertError<E> {
    fn from(e: sqlx::Error) -> Self {
        InsertError::Storage(StorageError::Database(e))
    }
}

/// Inserts a planting if `check` accepts it against the plot's current load.
///
/// The plot row is locked first (an `UPDATE` of its lock counter: a row lock on PostgreSQL, the
/// write lock on SQLite), so concurrent inserts on one plot run the check one after another.
///
/// # Errors
/// The plot is missing or retired, `check` refused, or the database failed.
#[tracing::instrument(skip_all)]
pub async fn insert_checked<E>(
    db: &Db,
    plot_id: i64,
    ref_code: Option<&str>,
    check: impl FnOnce(&PlotLoad) -> Result<ValidPlanting, E>,
) -> Result<i64, InsertError<E>> {
    insert_checked_by(db, plot_id, ref_code, None, check).await
}

/// [`insert_checked`] for a planting a cooperative makes on land it leases
/// (`cooperative_id`), or the household's own (`None`).
///
/// # Errors
/// The plot is missing or retired, `check` refused, or the database failed.
#[tracing::instrument(skip_all)]
pub async fn insert_checked_by<E>(
    db: &Db,
    plot_id: i64,
    ref_code: Option<&str>,
    cooperative_id: Option<i64>,
    check: impl FnOnce(&PlotLoad) -> Result<ValidPlanting, E>,
) -> Result<i64, InsertError<E>> {
    let mut tx = db.pool().begin().await?;
    let area = match crate::plots::lock(&mut tx, plot_id).await? {
        None => return Err(InsertError::PlotNotFound),
        Some(p) if p.retired => return Err(InsertError::PlotRetired),
        Some(p) => p.area,
    };
    let uses = land_uses(&mut tx, plot_id).await?;
    let leases = leased(&mut tx, plot_id).await?;
    let held = uses.iter().map(|u| u.held).collect();
    let planting = check(&PlotLoad {
        area,
        held,
        uses,
        leases,
    })
    .map_err(InsertError::Rejected)?;
    let id = insert(&mut tx, plot_id, &planting, ref_code).await?;
    if cooperative_id.is_some() {
        sqlx::query("UPDATE plantings SET cooperative_id = $1 WHERE id = $2")
            .bind(cooperative_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Land held from `from` to `until` (stored ISO dates).
pub(crate) fn occupancy(area: i64, from: &str, until: &str) -> Result<Occupancy, StorageError> {
    Ok(Occupancy {
        area: Mu::from_centi(area),
        season: Season {
            from: parse_iso(from)?,
            until: parse_iso(until)?,
        },
    })
}

/// `alias.status IN (…)`: the statuses that hold land, as the domain says
/// (`PlantingStatus::holds_land`), so the SQL and the Rust side cannot drift apart.
fn holds_land(alias: &str) -> String {
    let codes: Vec<String> = PlantingStatus::ALL
        .into_iter()
        .filter(|s| s.holds_land())
        .map(|s| format!("'{}'", s.code()))
        .collect();
    format!("{alias}.status IN ({})", codes.join(", "))
}

/// The land a plot's plantings hold with who planted them, read under the plot's lock.
async fn land_uses(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    plot_id: i64,
) -> Result<Vec<tianlian_domain::lease::LandUse>, StorageError> {
    let rows: Vec<(i64, String, String, Option<i64>)> = sqlx::query_as(&format!(
        "SELECT area_centi_mu, season_from, season_until, cooperative_id FROM plantings
             WHERE plot_id = $1 AND {}",
        holds_land("plantings")
    ))
    .bind(plot_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.into_iter()
        .map(|(a, from, until, cooperative_id)| {
            Ok(tianlian_domain::lease::LandUse {
                held: occupancy(a, &from, &until)?,
                cooperative_id,
            })
        })
        .collect()
}

/// Land leased out of a plot, read under the plot's lock.
async fn leased(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    plot_id: i64,
) -> Result<Vec<tianlian_domain::lease::LeasedLand>, StorageError> {
    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT area_centi_mu, starts_on, ends_on, cooperative_id FROM leases WHERE plot_id = $1",
    )
    .bind(plot_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.into_iter()
        .map(|(a, from, until, cooperative_id)| {
            Ok(tianlian_domain::lease::LeasedLand {
                leased: occupancy(a, &from, &until)?,
                cooperative_id,
            })
        })
        .collect()
}

/// The land a plot's plantings hold (every planting but failed ones), read inside the
/// transaction that locked the plot.
pub(crate) async fn held(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    plot_id: i64,
) -> Result<Vec<Occupancy>, StorageError> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(&format!(
        "SELECT area_centi_mu, season_from, season_until FROM plantings
             WHERE plot_id = $1 AND {}",
        holds_land("plantings")
    ))
    .bind(plot_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.into_iter()
        .map(|(a, from, until)| occupancy(a, &from, &until))
        .collect()
}

async fn insert(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    plot_id: i64,
    planting: &ValidPlanting,
    ref_code: Option<&str>,
) -> Result<i64, sqlx::Error> {
    let planted_on = (planting.status != PlantingStatus::Planned).then(|| iso(planting.planted_on));
    sqlx::query_scalar(
        "INSERT INTO plantings (plot_id, crop_code, area_centi_mu, planned_on, planted_on, season_from, season_until,
                                status, ref_code, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(plot_id)
    .bind(&planting.crop_code)
    .bind(planting.area.centi())
    .bind(iso(planting.planted_on))
    .bind(planted_on)
    .bind(iso(planting.season.from))
    .bind(iso(planting.season.until))
    .bind(planting.status.code())
    .bind(ref_code)
    .bind(Utc::now().to_rfc3339())
    .fetch_one(&mut **tx)
    .await
}

/// A plot as an import checks it: where it is and the land it holds, read under its lock.
#[derive(Debug, Clone)]
pub struct LockedPlot {
    pub id: i64,
    pub area: Mu,
    pub retired: bool,
    pub held: Vec<Occupancy>,
}

/// Inserts many plantings or none. Every plot in `plot_ids` is locked (in id order, so two
/// imports cannot deadlock) and read; `check` gets them and returns the plantings to store,
/// so the plot-area rule is checked against what is in the database at that moment.
///
/// # Errors
/// `check` refused, or storage failures (nothing is stored either way).
#[tracing::instrument(skip_all)]
pub async fn insert_all_checked<E>(
    db: &Db,
    plot_ids: &[i64],
    check: impl FnOnce(&[LockedPlot]) -> Result<Vec<(i64, ValidPlanting)>, E>,
) -> Result<Vec<i64>, InsertError<E>> {
    let mut ids: Vec<i64> = plot_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut tx = db.pool().begin().await?;
    let mut plots = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(locked) = crate::plots::lock(&mut tx, id).await? else {
            return Err(InsertError::PlotNotFound);
        };
        plots.push(LockedPlot {
            id,
            area: locked.area,
            retired: locked.retired,
            held: held(&mut tx, id).await?,
        });
    }
    let plantings = check(&plots).map_err(InsertError::Rejected)?;
    let mut out = Vec::with_capacity(plantings.len());
    for (plot_id, planting) in &plantings {
        out.push(insert(&mut tx, *plot_id, planting, None).await?);
    }
    tx.commit().await?;
    Ok(out)
}

/// Whether a planting with this reference code exists (demo data and imports are idempotent).
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn ref_exists(db: &Db, ref_code: &str) -> Result<bool, StorageError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM plantings WHERE ref_code = $1")
        .bind(ref_code)
        .fetch_one(db.pool())
        .await?;
    Ok(n > 0)
}

/// How many plantings there are.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn count(db: &Db) -> Result<i64, StorageError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM plantings")
        .fetch_one(db.pool())
        .await?)
}

/// One planting.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, id: i64) -> Result<Option<PlantingRow>, StorageError> {
    let sql = format!("{SELECT} WHERE pl.id = $1");
    let row: Option<Row> = sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.map(PlantingRow::try_from).transpose()
}

/// Moves a planting to a new status and records the day: planted on, harvest started on,
/// harvest ended on, or failed on (with the reason). Applies only if the planting is still in
/// `from`, so two people changing it at once cannot both succeed; `false` when it was not.
///
/// # Errors
/// The database refused the statement.
#[tracing::instrument(skip_all)]
pub async fn set_status(
    db: &Db,
    id: i64,
    from: PlantingStatus,
    change: &tianlian_domain::status::StatusChange,
    audit: &crate::audit::AuditEntry<'_>,
) -> Result<bool, StorageError> {
    let column = match change.to {
        PlantingStatus::Planted => "planted_on",
        PlantingStatus::Harvesting => "harvest_started_on",
        PlantingStatus::Done => "harvest_ended_on",
        PlantingStatus::Failed => "failed_on",
        PlantingStatus::Planned => return Ok(false),
    };
    let mut tx = db.pool().begin().await?;
    let done = sqlx::query(&format!(
        "UPDATE plantings SET status = $1, {column} = $2,
            failure_reason = COALESCE($3, failure_reason)
         WHERE id = $4 AND status = $5"
    ))
    .bind(change.to.code())
    .bind(iso(change.on))
    .bind(change.reason.as_deref())
    .bind(id)
    .bind(from.code())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    crate::audit::record_in(&mut *tx, &audit.about(id)).await?;
    tx.commit().await?;
    Ok(true)
}
