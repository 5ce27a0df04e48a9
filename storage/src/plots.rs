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
    pub irrigation: String,
    pub notes: String,
    pub retired: bool,
    /// The forecast site of the plot's township, if it has one.
    pub site_code: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    code: String,
    area_centi_mu: i64,
    village_id: i64,
    village_name: String,
    township_id: i64,
    township_name: String,
    owner_household_id: Option<i64>,
    owner_name: Option<String>,
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
            irrigation: r.irrigation,
            notes: r.notes,
            retired: r.retired_on.is_some(),
            site_code: r.site_code,
        }
    }
}

const SELECT: &str = "SELECT p.id, p.code, p.area_centi_mu, p.village_id, v.name AS village_name,
        t.id AS township_id, t.name AS township_name, p.owner_household_id, h.head_name AS owner_name,
        p.irrigation, p.notes, p.retired_on, t.site_code
    FROM plots p
    JOIN villages v ON v.id = p.village_id
    JOIN townships t ON t.id = v.township_id
    LEFT JOIN households h ON h.id = p.owner_household_id";

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
    let sql = format!(
        "{SELECT} WHERE p.retired_on IS NULL AND ($1 IS NULL OR p.village_id = $1)
           AND ($2 IS NULL OR v.township_id = $2) AND ($3 IS NULL OR p.owner_household_id = $3)
         ORDER BY t.name, v.name, p.code"
    );
    let (township, household) = filter_binds(filter);
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(village_id)
        .bind(township)
        .bind(household)
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
