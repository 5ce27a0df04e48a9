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
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
pub async fn count(db: &Db) -> Result<i64, StorageError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM households")
        .fetch_one(db.pool())
        .await?)
}

/// The id of the household with this code.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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

/// Which households a list shows.
#[derive(Debug, Clone, Default)]
pub struct HouseholdFilter {
    /// `None`: the whole county.
    pub township: Option<i64>,
    pub village: Option<i64>,
    /// Household code prefix, or part of the head's or a person's name, or a phone prefix.
    pub q: Option<String>,
    /// Registered poor (poor now or lifted out) or not.
    pub poor: Option<bool>,
    /// Only households in an alliance of this cooperative (its current members).
    pub alliance_of: Option<i64>,
}

/// A household with where it is and how many people and accounts it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdRow {
    pub id: i64,
    pub code: String,
    pub head_name: String,
    pub phone: Option<String>,
    pub village_id: i64,
    pub village_name: String,
    pub township_id: i64,
    pub township_name: String,
    pub members: i64,
    pub persons: i64,
    pub poor: tianlian_domain::household::PoorStatus,
    /// The household's farmer account, if it has one.
    pub account_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct Listed {
    id: i64,
    code: String,
    head_name: String,
    phone: Option<String>,
    village_id: i64,
    village_name: String,
    township_id: i64,
    township_name: String,
    members: i64,
    persons: i64,
    is_poor: i64,
    poor_since_year: Option<i64>,
    poor_lifted_year: Option<i64>,
    account_id: Option<i64>,
}

impl From<Listed> for HouseholdRow {
    fn from(r: Listed) -> Self {
        let year = |y: Option<i64>| y.and_then(|y| i32::try_from(y).ok());
        HouseholdRow {
            poor: tianlian_domain::household::PoorStatus::from_columns(
                r.is_poor != 0,
                year(r.poor_since_year),
                year(r.poor_lifted_year),
            ),
            id: r.id,
            code: r.code,
            head_name: r.head_name,
            phone: r.phone,
            village_id: r.village_id,
            village_name: r.village_name,
            township_id: r.township_id,
            township_name: r.township_name,
            members: r.members,
            persons: r.persons,
            account_id: r.account_id,
        }
    }
}

const HOUSEHOLD_SELECT: &str = "SELECT h.id, h.code, h.head_name, h.phone, h.village_id, v.name AS village_name,
        v.township_id, t.name AS township_name, h.members,
        (SELECT COUNT(*) FROM persons p WHERE p.household_id = h.id) AS persons,
        h.is_poor, h.poor_since_year, h.poor_lifted_year,
        (SELECT MIN(a.id) FROM accounts a WHERE a.household_id = h.id) AS account_id
    FROM households h JOIN villages v ON v.id = h.village_id JOIN townships t ON t.id = v.township_id";

const HOUSEHOLD_WHERE: &str = "WHERE ($1 IS NULL OR v.township_id = $1)
      AND ($2 IS NULL OR h.village_id = $2)
      AND ($3 IS NULL OR h.code LIKE $3 || '%' OR h.head_name LIKE '%' || $3 || '%' OR h.phone LIKE $3 || '%'
           OR EXISTS (SELECT 1 FROM persons p WHERE p.household_id = h.id
                      AND (p.name LIKE '%' || $3 || '%' OR p.phone LIKE $3 || '%')))
      AND ($4 IS NULL OR h.is_poor = $4)
      AND ($5 IS NULL OR EXISTS (SELECT 1 FROM alliance_members m JOIN alliances al ON al.id = m.alliance_id
                                 WHERE m.household_id = h.id AND m.left_on IS NULL AND al.cooperative_id = $5))";

fn search(q: Option<&str>) -> Option<String> {
    q.map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| q.replace(['%', '_'], ""))
}

/// Households in the filter after id `after`, skipping `offset`, at most `limit`, by id.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &Db,
    filter: &HouseholdFilter,
    after: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<HouseholdRow>, StorageError> {
    let rows: Vec<Listed> = sqlx::query_as(&format!(
        "{HOUSEHOLD_SELECT} {HOUSEHOLD_WHERE} AND h.id > $6 ORDER BY h.id LIMIT $7 OFFSET $8"
    ))
    .bind(filter.township)
    .bind(filter.village)
    .bind(search(filter.q.as_deref()))
    .bind(filter.poor.map(i64::from))
    .bind(filter.alliance_of)
    .bind(after)
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(HouseholdRow::from).collect())
}

/// How many households the filter holds.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn count_in(db: &Db, filter: &HouseholdFilter) -> Result<i64, StorageError> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM households h JOIN villages v ON v.id = h.village_id {HOUSEHOLD_WHERE}"
    ))
    .bind(filter.township)
    .bind(filter.village)
    .bind(search(filter.q.as_deref()))
    .bind(filter.poor.map(i64::from))
    .bind(filter.alliance_of)
    .fetch_one(db.pool())
    .await?)
}

/// Whether household `id` is a current member of an alliance of cooperative `cooperative_id`.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn in_alliance_of(db: &Db, id: i64, cooperative_id: i64) -> Result<bool, StorageError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM alliance_members m JOIN alliances al ON al.id = m.alliance_id
         WHERE m.household_id = $1 AND m.left_on IS NULL AND al.cooperative_id = $2",
    )
    .bind(id)
    .bind(cooperative_id)
    .fetch_one(db.pool())
    .await?;
    Ok(n > 0)
}

/// Household `id` with its place.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, id: i64) -> Result<Option<HouseholdRow>, StorageError> {
    let row: Option<Listed> = sqlx::query_as(&format!("{HOUSEHOLD_SELECT} WHERE h.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(HouseholdRow::from))
}

/// A person of a household.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub able_to_work: bool,
}

/// The people of household `id`, in the order they were added.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn persons(db: &Db, household_id: i64) -> Result<Vec<PersonRow>, StorageError> {
    let rows: Vec<(i64, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT id, name, phone, able_to_work FROM persons WHERE household_id = $1 ORDER BY id",
    )
    .bind(household_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, phone, able)| PersonRow {
            id,
            name,
            phone,
            able_to_work: able != 0,
        })
        .collect())
}

/// Whether `phone` belongs to a person of another household than `household_id` (`None`: any
/// household) or to an account of another household.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn phone_taken(
    db: &Db,
    phone: &str,
    household_id: Option<i64>,
) -> Result<bool, StorageError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM persons WHERE phone = $1 AND ($2 IS NULL OR household_id <> $2))
              + (SELECT COUNT(*) FROM accounts WHERE phone = $1 AND ($2 IS NULL OR household_id IS NULL OR household_id <> $2))",
    )
    .bind(phone)
    .bind(household_id)
    .fetch_one(db.pool())
    .await?;
    Ok(n > 0)
}

/// Every household code in the county (codes are unique county-wide).
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn all_codes(db: &Db) -> Result<std::collections::HashSet<String>, StorageError> {
    let codes: Vec<String> = sqlx::query_scalar("SELECT code FROM households")
        .fetch_all(db.pool())
        .await?;
    Ok(codes.into_iter().collect())
}

/// Every phone of a person or an account.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn phones_in_use(db: &Db) -> Result<std::collections::HashSet<String>, StorageError> {
    let phones: Vec<String> = sqlx::query_scalar(
        "SELECT phone FROM persons WHERE phone IS NOT NULL UNION SELECT phone FROM accounts",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(phones.into_iter().collect())
}

/// Why a household write was refused.
#[derive(Debug, thiserror::Error)]
pub enum HouseholdWriteError {
    #[error("another household has this code")]
    CodeTaken,
    #[error("no such household or person")]
    NotFound,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for HouseholdWriteError {
    fn from(e: sqlx::Error) -> Self {
        HouseholdWriteError::Storage(e.into())
    }
}

fn poor_columns(h: &tianlian_domain::household::ValidHousehold) -> (i64, Option<i64>, Option<i64>) {
    (
        i64::from(h.poor.is_registered()),
        h.poor.since().map(i64::from),
        h.poor.lifted().map(i64::from),
    )
}

async fn insert_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    village_id: i64,
    h: &tianlian_domain::household::ValidHousehold,
    members: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let (poor, since, lifted) = poor_columns(h);
    sqlx::query_scalar(
        "INSERT INTO households (village_id, code, head_name, phone, members, is_poor, poor_since_year, poor_lifted_year)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (code) DO NOTHING RETURNING id",
    )
    .bind(village_id)
    .bind(&h.code)
    .bind(&h.head_name)
    .bind(h.phone.as_deref())
    .bind(members)
    .bind(poor)
    .bind(since)
    .bind(lifted)
    .fetch_optional(&mut **tx)
    .await
}

async fn insert_person_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    household_id: i64,
    p: &tianlian_domain::household::ValidPerson,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO persons (household_id, name, phone, able_to_work) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(household_id)
    .bind(&p.name)
    .bind(p.phone.as_deref())
    .bind(i32::from(p.able_to_work))
    .fetch_one(&mut **tx)
    .await
}

/// Adds a household (its head as its first person, when `head` is given), audited in the
/// same transaction.
///
/// # Errors
/// The code is taken, or the database failed.
#[tracing::instrument(skip_all)]
pub async fn create(
    db: &Db,
    village_id: i64,
    h: &tianlian_domain::household::ValidHousehold,
    head: Option<&tianlian_domain::household::ValidPerson>,
    by: i64,
) -> Result<i64, HouseholdWriteError> {
    let mut tx = db.pool().begin().await?;
    let id = insert_in(&mut tx, village_id, h, i64::from(head.is_some()))
        .await?
        .ok_or(HouseholdWriteError::CodeTaken)?;
    if let Some(p) = head {
        insert_person_in(&mut tx, id, p).await?;
    }
    crate::audit::record_in(
        &mut *tx,
        &crate::audit::AuditEntry {
            account_id: Some(by),
            action: "create",
            entity: "household",
            entity_id: Some(id),
            before: None,
            after: Some(household_json(village_id, h)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

fn household_json(
    village_id: i64,
    h: &tianlian_domain::household::ValidHousehold,
) -> serde_json::Value {
    serde_json::json!({
        "village_id": village_id,
        "code": h.code,
        "head_name": h.head_name,
        "phone": h.phone,
        "poor_since_year": h.poor.since(),
        "poor_lifted_year": h.poor.lifted(),
    })
}

/// Changes a household (village within the caller's reach, code, head, phone, poor status),
/// audited with the record before and after in the same transaction.
///
/// # Errors
/// No such household, the code is taken, or the database failed.
#[tracing::instrument(skip_all)]
pub async fn update(
    db: &Db,
    id: i64,
    village_id: i64,
    h: &tianlian_domain::household::ValidHousehold,
    by: i64,
) -> Result<(), HouseholdWriteError> {
    let before = get(db, id).await?.ok_or(HouseholdWriteError::NotFound)?;
    let (poor, since, lifted) = poor_columns(h);
    let mut tx = db.pool().begin().await?;
    let taken: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM households WHERE code = $1 AND id <> $2")
            .bind(&h.code)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    if taken > 0 {
        return Err(HouseholdWriteError::CodeTaken);
    }
    let n = sqlx::query(
        "UPDATE households SET village_id = $1, code = $2, head_name = $3, phone = $4, is_poor = $5,
                poor_since_year = $6, poor_lifted_year = $7 WHERE id = $8",
    )
    .bind(village_id)
    .bind(&h.code)
    .bind(&h.head_name)
    .bind(h.phone.as_deref())
    .bind(poor)
    .bind(since)
    .bind(lifted)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(HouseholdWriteError::NotFound);
    }
    let before_json = serde_json::json!({
        "village_id": before.village_id,
        "code": before.code,
        "head_name": before.head_name,
        "phone": before.phone,
        "poor_since_year": before.poor.since(),
        "poor_lifted_year": before.poor.lifted(),
    });
    crate::audit::record_in(
        &mut *tx,
        &crate::audit::AuditEntry {
            account_id: Some(by),
            action: "update",
            entity: "household",
            entity_id: Some(id),
            before: Some(before_json),
            after: Some(household_json(village_id, h)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The audit entry of a person written, in the write's transaction.
async fn audit_person(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    by: i64,
    action: &str,
    id: i64,
    p: &tianlian_domain::household::ValidPerson,
) -> Result<(), StorageError> {
    let after =
        serde_json::json!({ "name": p.name, "phone": p.phone, "able_to_work": p.able_to_work });
    crate::audit::record_in(
        &mut **tx,
        &crate::audit::AuditEntry {
            account_id: Some(by),
            action,
            entity: "person",
            entity_id: Some(id),
            before: None,
            after: Some(after),
        },
    )
    .await
}

/// Adds a person to household `household_id` (its member count follows), audited.
///
/// # Errors
/// The database failed.
#[tracing::instrument(skip_all)]
pub async fn add_person(
    db: &Db,
    household_id: i64,
    p: &tianlian_domain::household::ValidPerson,
    by: i64,
) -> Result<i64, HouseholdWriteError> {
    let mut tx = db.pool().begin().await?;
    let n = sqlx::query(
        "UPDATE households SET members = CASE WHEN members > (SELECT COUNT(*) FROM persons WHERE household_id = $1)
                THEN members ELSE (SELECT COUNT(*) FROM persons WHERE household_id = $1) + 1 END
         WHERE id = $1",
    )
    .bind(household_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(HouseholdWriteError::NotFound);
    }
    let id = insert_person_in(&mut tx, household_id, p).await?;
    audit_person(&mut tx, by, "create", id, p).await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes person `person_id` of household `household_id`, audited.
///
/// # Errors
/// No such person in that household, or the database failed.
#[tracing::instrument(skip_all)]
pub async fn update_person(
    db: &Db,
    household_id: i64,
    person_id: i64,
    p: &tianlian_domain::household::ValidPerson,
    by: i64,
) -> Result<(), HouseholdWriteError> {
    let mut tx = db.pool().begin().await?;
    let n = sqlx::query(
        "UPDATE persons SET name = $1, phone = $2, able_to_work = $3 WHERE id = $4 AND household_id = $5",
    )
    .bind(&p.name)
    .bind(p.phone.as_deref())
    .bind(i32::from(p.able_to_work))
    .bind(person_id)
    .bind(household_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(HouseholdWriteError::NotFound);
    }
    audit_person(&mut tx, by, "update", person_id, p).await?;
    tx.commit().await?;
    Ok(())
}

/// A household to store in bulk, with its people and, when wanted, its farmer account's
/// password hash (the account signs in with the household's phone).
pub struct BulkHousehold<'a> {
    pub village_id: i64,
    pub household: &'a tianlian_domain::household::ValidHousehold,
    pub persons: &'a [tianlian_domain::household::ValidPerson],
    pub account: Option<crate::accounts::PasswordHash>,
}

/// Why a bulk store was refused.
#[derive(Debug, thiserror::Error)]
pub enum BulkError {
    /// A code or phone was taken between the check and the store: nothing was stored.
    #[error("a household code or phone was taken meanwhile")]
    ChangedMeanwhile,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for BulkError {
    fn from(e: sqlx::Error) -> Self {
        BulkError::Storage(e.into())
    }
}

/// Stores households, their people and accounts, all or none, with one audit entry; returns
/// each household's id and its account's id.
///
/// Phones are checked again inside the transaction (after its first write, so on SQLite no
/// other writer runs in between); a household code or account phone taken meanwhile is found
/// by the inserts themselves.
///
/// # Errors
/// Something changed since the check, or the database failed.
#[tracing::instrument(skip_all)]
pub async fn store_all(
    db: &Db,
    households: &[BulkHousehold<'_>],
    by: i64,
) -> Result<Vec<(i64, Option<i64>)>, BulkError> {
    let mut tx = db.pool().begin().await?;
    let mut out = Vec::with_capacity(households.len());
    let mut phones: Vec<&str> = Vec::new();
    for b in households {
        let members = i64::try_from(b.persons.len()).unwrap_or(i64::MAX);
        let id = insert_in(&mut tx, b.village_id, b.household, members)
            .await?
            .ok_or(BulkError::ChangedMeanwhile)?;
        for p in b.persons {
            insert_person_in(&mut tx, id, p).await?;
            phones.extend(p.phone.as_deref());
        }
        let account = match (&b.account, b.household.phone.as_deref()) {
            (Some(hash), Some(phone)) => Some(
                crate::accounts::insert_farmer_in(&mut tx, phone, hash, id)
                    .await?
                    .ok_or(BulkError::ChangedMeanwhile)?,
            ),
            _ => None,
        };
        out.push((id, account));
    }
    // Each new phone must now be on exactly one person (the one just stored), in chunks.
    for chunk in phones.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT COUNT(*) FROM persons WHERE phone IN ({}) ",
            marks.join(", ")
        );
        let mut q = sqlx::query_scalar::<_, i64>(&sql);
        for phone in chunk {
            q = q.bind(*phone);
        }
        let n = q.fetch_one(&mut *tx).await?;
        if usize::try_from(n).unwrap_or(usize::MAX) != chunk.len() {
            return Err(BulkError::ChangedMeanwhile);
        }
    }
    crate::audit::record_in(
        &mut *tx,
        &crate::audit::AuditEntry {
            account_id: Some(by),
            action: "import",
            entity: "household",
            entity_id: None,
            before: None,
            after: Some(serde_json::json!({
                "households": out.len(),
                "accounts": out.iter().filter(|(_, a)| a.is_some()).count(),
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(out)
}
