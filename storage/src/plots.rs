//! Plots (地块): land by village, with area in mu and an owner household.

use crate::{Bind, Db, StorageError};
use tianlian_domain::access::PlotFilter;
use tianlian_domain::{Mu, PlantingStatus};

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
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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

/// What a list of plots is narrowed to, inside the caller's scope. Every field is optional;
/// all that are set must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlotQuery {
    pub township_id: Option<i64>,
    pub village_id: Option<i64>,
    /// Plots with a planting of this crop (a crop code) …
    pub crop: Option<String>,
    /// … in this status (the same planting, when both are set).
    pub status: Option<PlantingStatus>,
    /// The start of a plot code or of the owner household's code, or part of the owner's name.
    pub text: Option<String>,
}

impl PlotQuery {
    /// The `AND …` terms (on `p`, `v`, `h` of [`plot_from`]) for the scope and this query, and
    /// their values from `$first` on. With `planting`, the alias of a joined plantings table,
    /// crop and status narrow that planting; else plots with such a planting.
    pub(crate) fn terms(
        &self,
        filter: PlotFilter,
        first: usize,
        planting: Option<&str>,
    ) -> (String, Vec<Bind>) {
        let (mut sql, ints) = scope_terms(filter, self.village_id, first);
        let mut binds: Vec<Bind> = ints.into_iter().map(Bind::Int).collect();
        let mut param = |value: Bind| {
            binds.push(value);
            format!("${}", first + binds.len() - 1)
        };
        if let Some(t) = self.township_id {
            sql.push_str(&format!(" AND v.township_id = {}", param(Bind::Int(t))));
        }
        if self.crop.is_some() || self.status.is_some() {
            let x = planting.unwrap_or("x");
            if planting.is_none() {
                sql.push_str(" AND EXISTS (SELECT 1 FROM plantings x WHERE x.plot_id = p.id");
            }
            if let Some(c) = &self.crop {
                sql.push_str(&format!(
                    " AND {x}.crop_code = {}",
                    param(Bind::Text(c.clone()))
                ));
            }
            if let Some(st) = self.status {
                let code = st.code().to_owned();
                sql.push_str(&format!(" AND {x}.status = {}", param(Bind::Text(code))));
            }
            if planting.is_none() {
                sql.push(')');
            }
        }
        if let Some(text) = self
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let prefix = param(Bind::Text(format!("{}%", crate::like_escaped(text))));
            let part = param(Bind::Text(format!("%{}%", crate::like_escaped(text))));
            sql.push_str(&format!(
                " AND (p.code LIKE {prefix} ESCAPE '\\' OR h.code LIKE {prefix} ESCAPE '\\' \
                 OR h.head_name LIKE {part} ESCAPE '\\')"
            ));
        }
        (sql, binds)
    }
}

/// One page of the plots in use that the scope and `q` admit, by township, village and code.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn page(
    db: &Db,
    filter: PlotFilter,
    q: &PlotQuery,
    offset: i64,
    limit: i64,
) -> Result<Vec<PlotRow>, StorageError> {
    let (terms, mut binds) = q.terms(filter, 1, None);
    let n = binds.len();
    binds.extend([Bind::Int(limit), Bind::Int(offset)]);
    let sql = format!(
        "{SELECT} WHERE p.retired_on IS NULL{terms} ORDER BY t.name, v.name, p.code, p.id LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    fetch(db, &sql, binds).await
}

/// The plots a statement built at run time selects.
async fn fetch(db: &Db, sql: &str, binds: Vec<Bind>) -> Result<Vec<PlotRow>, StorageError> {
    let rows: Vec<Row> = crate::bind_values(sqlx::query_as(sql), binds)
        .fetch_all(db.pool())
        .await?;
    Ok(rows.into_iter().map(PlotRow::from).collect())
}

/// Up to `limit` plots in use that the scope and `q` admit, in id order after `after` (an
/// API cursor: stable while plots are added, since ids only grow).
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn after(
    db: &Db,
    filter: PlotFilter,
    q: &PlotQuery,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<PlotRow>, StorageError> {
    let (terms, mut binds) = q.terms(filter, 1, None);
    let n = binds.len();
    binds.extend([Bind::Int(after.unwrap_or(0)), Bind::Int(limit)]);
    let sql = format!(
        "{SELECT} WHERE p.retired_on IS NULL{terms} AND p.id > ${} ORDER BY p.id LIMIT ${}",
        n + 1,
        n + 2
    );
    fetch(db, &sql, binds).await
}

/// How many plots in use the scope and `q` admit, and their total area: over the whole
/// filter, not a page.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn tally(db: &Db, filter: PlotFilter, q: &PlotQuery) -> Result<(i64, Mu), StorageError> {
    let (terms, binds) = q.terms(filter, 1, None);
    let sql = format!(
        "SELECT COUNT(*), CAST(COALESCE(SUM(p.area_centi_mu), 0) AS BIGINT) {} WHERE p.retired_on IS NULL{terms}",
        plot_from!()
    );
    let (count, centi): (i64, i64) = crate::bind_values(sqlx::query_as(&sql), binds)
        .fetch_one(db.pool())
        .await?;
    Ok((count, Mu::from_centi(centi)))
}

/// The plots with these ids (one page's plantings' plots), retired or not, by id.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn by_ids(db: &Db, ids: &[i64]) -> Result<Vec<PlotRow>, StorageError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "{SELECT} WHERE p.id IN ({}) ORDER BY p.id",
        marks.join(", ")
    );
    let rows: Vec<Row> = crate::bind_all(sqlx::query_as(&sql), ids.to_vec())
        .fetch_all(db.pool())
        .await?;
    Ok(rows.into_iter().map(PlotRow::from).collect())
}

/// One plot, retired or not.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
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

/// Adds a plot to a village, with its audit entry (about the new plot) in the same transaction.
///
/// # Errors
/// [`WriteError::CodeTaken`] when the village has a plot with this code; storage failures.
#[tracing::instrument(skip_all)]
pub async fn create(
    db: &Db,
    village_id: i64,
    f: &PlotFields,
    audit: &crate::audit::AuditEntry<'_>,
) -> Result<i64, WriteError<std::convert::Infallible>> {
    let mut tx = db.pool().begin().await?;
    let id = insert(&mut tx, village_id, f).await?;
    crate::audit::record_in(&mut *tx, &audit.about(id)).await?;
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
#[tracing::instrument(skip_all)]
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
/// the plot locked so no planting can be added in between; the audit entry is recorded in the
/// same transaction.
///
/// # Errors
/// Missing plot, a taken code, `check` refused, or storage failures.
#[tracing::instrument(skip_all)]
pub async fn update_checked<E>(
    db: &Db,
    id: i64,
    check: impl FnOnce(&crate::plantings::PlotLoad) -> Result<PlotFields, E>,
    audit: &crate::audit::AuditEntry<'_>,
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
    crate::audit::record_in(&mut *tx, &audit.about(id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Retires a plot on `on` if `check` accepts (it gets whether the plot is retired already and
/// its plantings' statuses), with the plot locked so no planting is added meanwhile. The plot
/// and its history stay; it no longer appears among plots in use. Audited in the same
/// transaction.
///
/// # Errors
/// Missing plot, `check` refused, or storage failures.
#[tracing::instrument(skip_all)]
pub async fn retire_checked<E>(
    db: &Db,
    id: i64,
    on: chrono::NaiveDate,
    check: impl FnOnce(bool, &[tianlian_domain::PlantingStatus]) -> Result<(), E>,
    audit: &crate::audit::AuditEntry<'_>,
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
    crate::audit::record_in(&mut *tx, &audit.about(id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Every plot code of the given villages, retired ones included: (village id, code).
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
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
