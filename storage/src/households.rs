//! Households (农户), including registered poor households (贫困户).

use crate::{Db, StorageError};

/// A household to add.
#[derive(Debug, Clone)]
pub struct NewHousehold<'a> {
    pub village_id: i64,
    /// Stable code unique across the county (used by imports and demo data).
    pub code: &'a str,
    pub head_name: &'a str,
    pub phone: Option<&'a str>,
    pub members: i64,
    pub is_poor: bool,
    pub poor_since_year: Option<i64>,
}

/// Adds a household unless one with that code exists; returns its id either way.
///
/// # Errors
/// The database refused the statement.
pub async fn ensure(db: &Db, h: &NewHousehold<'_>) -> Result<i64, StorageError> {
    sqlx::query(
        "INSERT INTO households (village_id, code, head_name, phone, members, is_poor, poor_since_year)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO NOTHING",
    )
    .bind(h.village_id)
    .bind(h.code)
    .bind(h.head_name)
    .bind(h.phone)
    .bind(h.members)
    .bind(i64::from(h.is_poor))
    .bind(h.poor_since_year)
    .execute(db.pool())
    .await?;
    Ok(
        sqlx::query_scalar("SELECT id FROM households WHERE code = $1")
            .bind(h.code)
            .fetch_one(db.pool())
            .await?,
    )
}

/// How many households there are (for the demo summary and health of imports).
///
/// # Errors
/// The database could not be read.
pub async fn count(db: &Db) -> Result<i64, StorageError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM households")
        .fetch_one(db.pool())
        .await?)
}

/// The id of the household with this code.
///
/// # Errors
/// The database could not be read.
pub async fn id_by_code(db: &Db, code: &str) -> Result<Option<i64>, StorageError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM households WHERE code = $1")
            .bind(code)
            .fetch_optional(db.pool())
            .await?,
    )
}

/// The id of the household with this code if it lies in the township (`None`: anywhere). A
/// household outside it is answered as if there were none, so a code's existence elsewhere
/// does not show.
///
/// # Errors
/// The database could not be read.
pub async fn id_by_code_in_township(
    db: &Db,
    code: &str,
    township_id: Option<i64>,
) -> Result<Option<i64>, StorageError> {
    let Some(township_id) = township_id else {
        return id_by_code(db, code).await;
    };
    Ok(sqlx::query_scalar(
        "SELECT h.id FROM households h JOIN villages v ON v.id = h.village_id
         WHERE h.code = $1 AND v.township_id = $2",
    )
    .bind(code)
    .bind(township_id)
    .fetch_optional(db.pool())
    .await?)
}

/// The household with this code in this village (plots are owned by a household of their
/// own village).
///
/// # Errors
/// The database could not be read.
pub async fn id_in_village(
    db: &Db,
    code: &str,
    village_id: i64,
) -> Result<Option<i64>, StorageError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM households WHERE code = $1 AND village_id = $2")
            .bind(code)
            .bind(village_id)
            .fetch_optional(db.pool())
            .await?,
    )
}

/// Every household's (code, village id, id) in the filter's townships, for imports.
///
/// # Errors
/// The database could not be read.
pub async fn codes(
    db: &Db,
    filter: tianlian_domain::access::PlotFilter,
) -> Result<Vec<(String, i64, i64)>, StorageError> {
    let (township, _) = crate::plots::filter_binds(filter);
    Ok(sqlx::query_as(
        "SELECT h.code, h.village_id, h.id FROM households h JOIN villages v ON v.id = h.village_id
         WHERE ($1 IS NULL OR v.township_id = $1)",
    )
    .bind(township)
    .fetch_all(db.pool())
    .await?)
}

/// What a household's own pages show of the household itself, read at once: its code, its
/// calendar feed token (if turned on) and the dividends paid to it in a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Summary {
    pub code: String,
    pub feed_token: Option<String>,
    pub dividends_fen: i64,
}

/// The [`Summary`] of household `id`, with dividends paid from `from` to `until` (inclusive).
///
/// # Errors
/// The database could not be read.
pub async fn summary(
    db: &Db,
    id: i64,
    from: chrono::NaiveDate,
    until: chrono::NaiveDate,
) -> Result<Option<Summary>, StorageError> {
    Ok(sqlx::query_as(
        "SELECT h.code, f.token AS feed_token,
            COALESCE((SELECT CAST(SUM(d.amount_fen) AS BIGINT) FROM dividends d
                      WHERE d.household_id = h.id AND d.paid_on >= $2 AND d.paid_on <= $3), 0) AS dividends_fen
         FROM households h LEFT JOIN calendar_feeds f ON f.household_id = h.id
         WHERE h.id = $1",
    )
    .bind(id)
    .bind(crate::iso(from))
    .bind(crate::iso(until))
    .fetch_optional(db.pool())
    .await?)
}
