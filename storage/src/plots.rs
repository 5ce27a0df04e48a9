//! Plots (地块): land by village, with area in mu and an owner household.

use crate::{Db, StorageError};
use tianlian_domain::Mu;
use tianlian_domain::access::PlotFilter;

/// A plot as lists and forms show it.
#[derive(Debug, Clone)]
pub struct PlotRow {
    pub id: i64,
    pub code: String,
    pub area: Mu,
    pub village_id: i64,
    pub village_name: String,
    pub township_id: i64,
    pub township_name: String,
    pub owner_household_id: Option<i64>,
    pub owner_name: Option<String>,
    pub owner_code: Option<String>,
    pub irrigation: String,
    pub notes: String,
    pub retired: bool,
    /// The forecast site of the plot's township, if it has one.
    pub site_code: Option<String>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    pub(crate) id: i64,
    code: String,
    area_centi_mu: i64,
    village_id: i64,
    village_name: String,
    township_id: i64,
    township_name: String,
    owner_household_id: Option<i64>,
    owner_name: Option<String>,
    owner_code: Option<String>,
    irrigation: String,
    notes: String,
    retired_on: Option<String>,
    site_code: Option<String>,
}

impl From<Row> for PlotRow {
    fn from(r: Row) -> Self {
        PlotRow {
            id: r.id,
            code: r.code,
            area: Mu::from_centi(r.area_centi_mu),
            village_id: r.village_id,
            village_name: r.village_name,
            township_id: r.township_id,
            township_name: r.township_name,
            owner_household_id: r.owner_household_id,
            owner_name: r.owner_name,
            owner_code: r.owner_code,
            irrigation: r.irrigation,
            notes: r.notes,
            retired: r.retired_on.is_some(),
            site_code: r.site_code,
        }
    }
}

/// A plot's columns as [`Row`] reads them, and the joins they come from (also read by
/// `plantings::with_plots`, which adds each plot's plantings).
macro_rules! plot_columns {
    () => {
        "SELECT p.id, p.code, p.area_centi_mu, p.village_id, v.name AS village_name,
        t.id AS township_id, t.name AS township_name, p.owner_household_id, h.head_name AS owner_name, h.code AS owner_code,
        p.irrigation, p.notes, p.retired_on, t.site_code"
    };
}
macro_rules! plot_from {
    () => {
        "
    FROM plots p
    JOIN villages v ON v.id = p.village_id
    JOIN townships t ON t.id = v.township_id
    LEFT JOIN households h ON h.id = p.owner_household_id"
    };
}
pub(crate) use {plot_columns, plot_from};

const SELECT: &str = concat!(plot_columns!(), plot_from!());

/// A plot to add.
#[derive(Debug, Clone)]
pub struct NewPlot<'a> {
    pub village_id: i64,
    pub code: &'a str,
    pub area: Mu,
    pub owner_household_id: Option<i64>,
    pub irrigation: &'a str,
}

/// Adds a plot unless its village already has one with that code; returns its id either way.
///
/// # Errors
/// The database refused the statement (for example an area ≤ 0).
pub async fn ensure(db: &Db, p: &NewPlot<'_>) -> Result<i64, StorageError> {
    sqlx::query(
        "INSERT INTO plots (village_id, code, area_centi_mu, owner_household_id, irrigation)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (village_id, code) DO NOTHING",
    )
    .bind(p.village_id)
    .bind(p.code)
    .bind(p.area.centi())
    .bind(p.owner_household_id)
    .bind(p.irrigation)
    .execute(db.pool())
    .await?;
    Ok(
        sqlx::query_scalar("SELECT id FROM plots WHERE village_id = $1 AND code = $2")
            .bind(p.village_id)
            .bind(p.code)
            .fetch_one(db.pool())
            .await?,
    )
}

/// The bind values of a [`PlotFilter`]: township id, household id.
pub(crate) fn filter_binds(filter: PlotFilter) -> (Option<i64>, Option<i64>) {
    match filter {
        PlotFilter::All => (None, None),
        PlotFilter::Township(t) => (Some(t), None),
        PlotFilter::Household(h) => (None, Some(h)),
    }
}

/// The `AND …` terms (on `p` plots and `v` villages) that admit what `filter` and `village_id`
/// allow, and their values to bind from `$first` on. Written out per case so that each engine
/// uses its index: a `$n IS NULL OR …` term makes both read the whole table.
pub(crate) fn scope_terms(
    filter: PlotFilter,
    village_id: Option<i64>,
    first: usize,
) -> (String, Vec<i64>) {
    let (township, household) = filter_binds(filter);
    crate::and_equal(
        &[
            ("p.village_id", village_id),
            ("v.township_id", township),
            ("p.owner_household_id", household),
        ],
        first,
    )
}

/// Plots in use (not retired) that `filter` admits, optionally of one village, by township,
/// village and code.
///
/// # Errors
/// The database could not be read.
pub async fn list_active(
    db: &Db,
    filter: PlotFilter,
    village_id: Option<i64>,
) -> Result<Vec<PlotRow>, StorageError> {
    let (terms, binds) = scope_terms(filter, village_id, 1);
    let sql = format!("{SELECT} WHERE p.retired_on IS NULL{terms} ORDER BY t.name, v.name, p.code");
    let rows: Vec<Row> = crate::bind_all(sqlx::query_as(&sql), binds)
        .fetch_all(db.pool())
        .await?;
    Ok(rows.into_iter().map(PlotRow::from).collect())
}

/// One plot, retired or not.
///
/// # Errors
/// The database could not be read.
pub async fn get(db: &Db, id: i64) -> Result<Option<PlotRow>, StorageError> {
    let sql = format!("{SELECT} WHERE p.id = $1");
    let row: Option<Row> = sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(PlotRow::from))
}

/// A plot's fields as stored (the owner already found in the plot's village).
#[derive(Debug, Clone)]
pub struct PlotFields {
    pub code: String,
    pub area: Mu,
    pub owner_household_id: Option<i64>,
    pub irrigation: String,
    pub notes: String,
}

/// Why a plot write did not happen.
#[derive(Debug, thiserror::Error)]
pub enum WriteError<E> {
    #[error("no such plot")]
    NotFound,
    #[error("another plot of the village has this code")]
    CodeTaken,
    #[error("the change breaks a rule")]
    Rejected(E),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl<E> From<sqlx::Error> for WriteError<E> {
    fn from(e: sqlx::Error) -> Self {
        if crate::is_unique_violation(&e) {
            WriteError::CodeTaken
        } else {
            WriteError::Storage(StorageError::Database(e))
        }
    }
}

/// A plot locked for a change inside a transaction.
pub(crate) struct Locked {
    pub area: Mu,
    pub retired: bool,
}

/// Locks a plot's row for the rest of the transaction (an `UPDATE` of its lock counter: a row
/// lock on PostgreSQL, the write lock on SQLite), so every change that checks the plot-area
/// rule on it runs one after another. `None` when there is no such plot.
pub(crate) async fn lock(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
) -> Result<Option<Locked>, sqlx::Error> {
    sqlx::query("UPDATE plots SET lock_version = lock_version + 1 WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let row: Option<(i64, Option<String>)> =
        sqlx::query_as("SELECT area_centi_mu, retired_on FROM plots WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.map(|(area, retired_on)| Locked {
        area: Mu::from_centi(area),
        retired: retired_on.is_some(),
    }))
}

/// Adds a plot to a village.
///
/// # Errors
/// [`WriteError::CodeTaken`] when the village has a plot with this code; storage failures.
pub async fn create(
    db: &Db,
    village_id: i64,
    f: &PlotFields,
) -> Result<i64, WriteError<std::convert::Infallible>> {
    let mut tx = db.pool().begin().await?;
    let id = insert(&mut tx, village_id, f).await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    village_id: i64,
    f: &PlotFields,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO plots (village_id, code, area_centi_mu, owner_household_id, irrigation, notes)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(village_id)
    .bind(&f.code)
    .bind(f.area.centi())
    .bind(f.owner_household_id)
    .bind(&f.irrigation)
    .bind(&f.notes)
    .fetch_one(&mut **tx)
    .await
}

/// Adds every plot or none: one transaction; a code taken meanwhile undoes them all.
///
/// # Errors
/// [`WriteError::CodeTaken`] names no line: the caller re-checks to find it.
pub async fn create_all(
    db: &Db,
    plots: &[(i64, PlotFields)],
) -> Result<Vec<i64>, WriteError<std::convert::Infallible>> {
    let mut tx = db.pool().begin().await?;
    let mut ids = Vec::with_capacity(plots.len());
    for (village_id, f) in plots {
        ids.push(insert(&mut tx, *village_id, f).await?);
    }
    tx.commit().await?;
    Ok(ids)
}

/// Changes a plot's fields if `check` accepts them against the land its plantings hold, with
/// the plot locked so no planting can be added in between.
///
/// # Errors
/// Missing plot, a taken code, `check` refused, or storage failures.
pub async fn update_checked<E>(
    db: &Db,
    id: i64,
    check: impl FnOnce(&crate::plantings::PlotLoad) -> Result<PlotFields, E>,
) -> Result<(), WriteError<E>> {
    let mut tx = db.pool().begin().await?;
    let Some(locked) = lock(&mut tx, id).await? else {
        return Err(WriteError::NotFound);
    };
    let held = crate::plantings::held(&mut tx, id).await?;
    let f = check(&crate::plantings::PlotLoad {
        area: locked.area,
        held,
        uses: Vec::new(),
        leases: Vec::new(),
    })
    .map_err(WriteError::Rejected)?;
    sqlx::query(
        "UPDATE plots SET code = $1, area_centi_mu = $2, owner_household_id = $3, irrigation = $4,
            notes = $5 WHERE id = $6",
    )
    .bind(&f.code)
    .bind(f.area.centi())
    .bind(f.owner_household_id)
    .bind(&f.irrigation)
    .bind(&f.notes)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Retires a plot on `on` if `check` accepts (it gets whether the plot is retired already and
/// its plantings' statuses), with the plot locked so no planting is added meanwhile. The plot
/// and its history stay; it no longer appears among plots in use.
///
/// # Errors
/// Missing plot, `check` refused, or storage failures.
pub async fn retire_checked<E>(
    db: &Db,
    id: i64,
    on: chrono::NaiveDate,
    check: impl FnOnce(bool, &[tianlian_domain::PlantingStatus]) -> Result<(), E>,
) -> Result<(), WriteError<E>> {
    let mut tx = db.pool().begin().await?;
    let Some(locked) = lock(&mut tx, id).await? else {
        return Err(WriteError::NotFound);
    };
    let codes: Vec<String> = sqlx::query_scalar("SELECT status FROM plantings WHERE plot_id = $1")
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
    let statuses: Vec<_> = codes
        .iter()
        .filter_map(|c| tianlian_domain::PlantingStatus::from_code(c))
        .collect();
    check(locked.retired, &statuses).map_err(WriteError::Rejected)?;
    sqlx::query("UPDATE plots SET retired_on = $1 WHERE id = $2")
        .bind(crate::iso(on))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Every plot code of the given villages, retired ones included: (village id, code).
///
/// # Errors
/// The database could not be read.
pub async fn codes_in_villages(
    db: &Db,
    filter: PlotFilter,
) -> Result<Vec<(i64, String)>, StorageError> {
    let (township, _) = filter_binds(filter);
    Ok(sqlx::query_as(
        "SELECT p.village_id, p.code FROM plots p JOIN villages v ON v.id = p.village_id
         WHERE ($1 IS NULL OR v.township_id = $1)",
    )
    .bind(township)
    .fetch_all(db.pool())
    .await?)
}
