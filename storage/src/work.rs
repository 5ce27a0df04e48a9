//! Shifts, assignments, the wage ledger and payments (日结). The ledger and payments are
//! append-only: a correction is a reversal plus a new entry; settling adds a payment. The
//! shift's row is locked for every change to it, so two managers cannot over-fill it, and the
//! database refuses a second booking of one person on one day.

use crate::{Db, StorageError, iso, parse_iso};
use chrono::{NaiveDate, Utc};
use tianlian_domain::Fen;
use tianlian_domain::wages::{Hours, Wage};

/// A shift as pages show it.
#[derive(Debug, Clone)]
pub struct ShiftRow {
    pub id: i64,
    pub cooperative_id: i64,
    pub cooperative_name: String,
    pub township_id: i64,
    pub day: NaiveDate,
    pub task_code: String,
    pub plot_id: Option<i64>,
    pub plot_code: Option<String>,
    pub headcount: i64,
    pub hours: Hours,
    pub hourly: Fen,
    pub regular_hours_centi: i64,
    pub overtime_percent: i64,
    pub assigned: i64,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    cooperative_id: i64,
    cooperative_name: String,
    township_id: i64,
    day: String,
    task_code: String,
    plot_id: Option<i64>,
    plot_code: Option<String>,
    headcount: i64,
    hours_centi: i64,
    hourly_fen: i64,
    regular_hours_centi: i64,
    overtime_percent: i64,
    assigned: i64,
}

impl TryFrom<Row> for ShiftRow {
    type Error = StorageError;
    fn try_from(r: Row) -> Result<Self, StorageError> {
        Ok(ShiftRow {
            id: r.id,
            cooperative_id: r.cooperative_id,
            cooperative_name: r.cooperative_name,
            township_id: r.township_id,
            day: parse_iso(&r.day)?,
            task_code: r.task_code,
            plot_id: r.plot_id,
            plot_code: r.plot_code,
            headcount: r.headcount,
            hours: Hours::from_centi(r.hours_centi),
            hourly: Fen::new(r.hourly_fen),
            regular_hours_centi: r.regular_hours_centi,
            overtime_percent: r.overtime_percent,
            assigned: r.assigned,
        })
    }
}

const SELECT: &str =
    "SELECT s.id, s.cooperative_id, c.name AS cooperative_name, c.township_id, s.day,
        s.task_code, s.plot_id, p.code AS plot_code, s.headcount, s.hours_centi, s.hourly_fen,
        s.regular_hours_centi, s.overtime_percent,
        (SELECT COUNT(*) FROM shift_assignments a WHERE a.shift_id = s.id) AS assigned
    FROM shifts s JOIN cooperatives c ON c.id = s.cooperative_id
    LEFT JOIN plots p ON p.id = s.plot_id";

fn convert(rows: Vec<Row>) -> Result<Vec<ShiftRow>, StorageError> {
    rows.into_iter().map(ShiftRow::try_from).collect()
}

/// A shift to post.
#[derive(Debug, Clone)]
pub struct NewShift<'a> {
    pub cooperative_id: i64,
    pub day: NaiveDate,
    pub task_code: &'a str,
    pub plot_id: Option<i64>,
    pub headcount: i64,
    pub hours: Hours,
    pub hourly: Fen,
    pub regular_hours_centi: i64,
    pub overtime_percent: i64,
    pub created_by: Option<i64>,
}

/// Posts a shift.
///
/// # Errors
/// The database refused the insert.
pub async fn create(db: &Db, s: &NewShift<'_>) -> Result<i64, StorageError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO shifts (cooperative_id, day, task_code, plot_id, headcount, hours_centi, hourly_fen,
                             regular_hours_centi, overtime_percent, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(s.cooperative_id)
    .bind(iso(s.day))
    .bind(s.task_code)
    .bind(s.plot_id)
    .bind(s.headcount)
    .bind(s.hours.centi())
    .bind(s.hourly.get())
    .bind(s.regular_hours_centi)
    .bind(s.overtime_percent)
    .bind(s.created_by)
    .bind(Utc::now().to_rfc3339())
    .fetch_one(db.pool())
    .await?)
}

/// One shift.
///
/// # Errors
/// The database could not be read.
pub async fn get(db: &Db, id: i64) -> Result<Option<ShiftRow>, StorageError> {
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT} WHERE s.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.map(ShiftRow::try_from).transpose()
}

/// A cooperative's shifts from `from` on (`None`: every cooperative's), by day.
///
/// # Errors
/// The database could not be read.
pub async fn list(
    db: &Db,
    cooperative_id: Option<i64>,
    township_id: Option<i64>,
    from: NaiveDate,
) -> Result<Vec<ShiftRow>, StorageError> {
    convert(
        sqlx::query_as(&format!(
            "{SELECT} WHERE ($1 IS NULL OR s.cooperative_id = $1) AND ($2 IS NULL OR c.township_id = $2)
               AND s.day >= $3 ORDER BY s.day, s.id"
        ))
        .bind(cooperative_id)
        .bind(township_id)
        .bind(iso(from))
        .fetch_all(db.pool())
        .await?,
    )
}

/// A person who works shifts, with their household.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonRow {
    pub id: i64,
    pub household_id: i64,
    pub household_code: String,
    pub name: String,
    pub phone: Option<String>,
    pub able_to_work: i32,
    pub is_poor: i32,
    pub township_id: i64,
}

const PERSON: &str = "SELECT pe.id, pe.household_id, h.code AS household_code, pe.name, pe.phone,
        pe.able_to_work, h.is_poor, v.township_id
    FROM persons pe JOIN households h ON h.id = pe.household_id JOIN villages v ON v.id = h.village_id";

/// Adds a person to a household.
///
/// # Errors
/// The database refused the insert.
pub async fn add_person(
    db: &Db,
    household_id: i64,
    name: &str,
    phone: Option<&str>,
    able_to_work: bool,
) -> Result<i64, StorageError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO persons (household_id, name, phone, able_to_work) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(household_id)
    .bind(name)
    .bind(phone)
    .bind(i32::from(able_to_work))
    .fetch_one(db.pool())
    .await?)
}

/// One person.
///
/// # Errors
/// The database could not be read.
pub async fn person(db: &Db, id: i64) -> Result<Option<PersonRow>, StorageError> {
    Ok(sqlx::query_as(&format!("{PERSON} WHERE pe.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?)
}

/// A person the shift could use, with what the suggestion needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CandidateRow {
    pub id: i64,
    pub household_id: i64,
    pub household_code: String,
    pub name: String,
    pub able_to_work: i32,
    pub is_poor: i32,
    /// Member of one of the cooperative's alliances (and not left).
    pub in_alliance: i32,
    pub booked_that_day: i32,
    pub season_hours_centi: i64,
}

/// Everyone in the township's households, as candidates for a cooperative's shift on `day`;
/// `season_from` starts the hours already worked.
///
/// # Errors
/// The database could not be read.
pub async fn candidates(
    db: &Db,
    township_id: i64,
    cooperative_id: i64,
    day: NaiveDate,
    season_from: NaiveDate,
) -> Result<Vec<CandidateRow>, StorageError> {
    Ok(sqlx::query_as(
        "SELECT pe.id, pe.household_id, h.code AS household_code, pe.name, pe.able_to_work, h.is_poor,
            CASE WHEN EXISTS (SELECT 1 FROM alliance_members m JOIN alliances a ON a.id = m.alliance_id
                              WHERE m.household_id = h.id AND m.left_on IS NULL AND a.cooperative_id = $2)
                 THEN 1 ELSE 0 END AS in_alliance,
            CASE WHEN EXISTS (SELECT 1 FROM shift_assignments sa WHERE sa.person_id = pe.id AND sa.day = $3)
                 THEN 1 ELSE 0 END AS booked_that_day,
            COALESCE((SELECT CAST(SUM(w.hours_centi) AS BIGINT) FROM wage_entries w WHERE w.person_id = pe.id AND w.day >= $4), 0)
                AS season_hours_centi
         FROM persons pe JOIN households h ON h.id = pe.household_id JOIN villages v ON v.id = h.village_id
         WHERE v.township_id = $1 ORDER BY pe.id",
    )
    .bind(township_id)
    .bind(cooperative_id)
    .bind(iso(day))
    .bind(iso(season_from))
    .fetch_all(db.pool())
    .await?)
}

/// Who is on a shift, with their hours and money so far.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AssignedRow {
    pub person_id: i64,
    pub name: String,
    pub household_id: i64,
    pub is_poor: i32,
    /// Hours in the ledger for this shift (net of reversals).
    pub hours_centi: i64,
    pub earned_fen: i64,
    pub paid_fen: i64,
    /// The current (not reversed) work entry, if hours are recorded.
    pub entry_id: Option<i64>,
}

/// The shift's people with their ledger balance and payments.
///
/// # Errors
/// The database could not be read.
pub async fn assigned(db: &Db, shift_id: i64) -> Result<Vec<AssignedRow>, StorageError> {
    Ok(sqlx::query_as(
        "SELECT pe.id AS person_id, pe.name, pe.household_id, h.is_poor,
            COALESCE((SELECT CAST(SUM(w.hours_centi) AS BIGINT) FROM wage_entries w WHERE w.shift_id = a.shift_id AND w.person_id = pe.id), 0) AS hours_centi,
            COALESCE((SELECT CAST(SUM(w.amount_fen) AS BIGINT) FROM wage_entries w WHERE w.shift_id = a.shift_id AND w.person_id = pe.id), 0) AS earned_fen,
            COALESCE((SELECT CAST(SUM(p.amount_fen) AS BIGINT) FROM wage_payments p WHERE p.shift_id = a.shift_id AND p.person_id = pe.id), 0) AS paid_fen,
            (SELECT MAX(w.id) FROM wage_entries w WHERE w.shift_id = a.shift_id AND w.person_id = pe.id
                AND w.kind = 'work' AND NOT EXISTS (SELECT 1 FROM wage_entries r WHERE r.reverses_id = w.id)) AS entry_id
         FROM shift_assignments a JOIN persons pe ON pe.id = a.person_id JOIN households h ON h.id = pe.household_id
         WHERE a.shift_id = $1 ORDER BY a.id",
    )
    .bind(shift_id)
    .fetch_all(db.pool())
    .await?)
}

/// Why a write to a shift did not happen.
#[derive(Debug, thiserror::Error)]
pub enum WorkError<E> {
    #[error("no such shift")]
    NoShift,
    /// The person already has a shift that day (the database's unique rule).
    #[error("booked that day")]
    DoubleBooked,
    #[error("refused")]
    Rejected(E),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl<E> From<sqlx::Error> for WorkError<E> {
    fn from(e: sqlx::Error) -> Self {
        if crate::is_unique_violation(&e) {
            WorkError::DoubleBooked
        } else {
            WorkError::Storage(StorageError::Database(e))
        }
    }
}

/// Locks the shift row for the rest of the transaction; its headcount, or `None`.
async fn lock(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    shift_id: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query("UPDATE shifts SET lock_version = lock_version + 1 WHERE id = $1")
        .bind(shift_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query_as("SELECT headcount, day FROM shifts WHERE id = $1")
        .bind(shift_id)
        .fetch_optional(&mut **tx)
        .await
}

/// Books a person on a shift if `check(headcount, already assigned, booked that day)`
/// accepts, with the shift locked; the database refuses a second booking that day even when
/// two shifts are booked at once.
///
/// # Errors
/// No shift, double booking, `check` refused, storage failures.
pub async fn assign_checked<E>(
    db: &Db,
    shift_id: i64,
    person_id: i64,
    check: impl FnOnce(u32, u32, bool) -> Result<(), E>,
) -> Result<(), WorkError<E>> {
    let mut tx = db.pool().begin().await?;
    let Some((headcount, day)) = lock(&mut tx, shift_id).await? else {
        return Err(WorkError::NoShift);
    };
    let assigned: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM shift_assignments WHERE shift_id = $1")
            .bind(shift_id)
            .fetch_one(&mut *tx)
            .await?;
    let booked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM shift_assignments WHERE person_id = $1 AND day = $2",
    )
    .bind(person_id)
    .bind(&day)
    .fetch_one(&mut *tx)
    .await?;
    check(
        u32::try_from(headcount).unwrap_or(u32::MAX),
        u32::try_from(assigned).unwrap_or(u32::MAX),
        booked > 0,
    )
    .map_err(WorkError::Rejected)?;
    sqlx::query(
        "INSERT INTO shift_assignments (shift_id, person_id, day, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(shift_id)
    .bind(person_id)
    .bind(&day)
    .bind(Utc::now().to_rfc3339())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Takes a person off a shift, unless hours are already in the ledger for them (then `false`).
///
/// # Errors
/// Storage failures.
pub async fn unassign(db: &Db, shift_id: i64, person_id: i64) -> Result<bool, StorageError> {
    let done = sqlx::query(
        "DELETE FROM shift_assignments WHERE shift_id = $1 AND person_id = $2
           AND NOT EXISTS (SELECT 1 FROM wage_entries w WHERE w.shift_id = $1 AND w.person_id = $2)",
    )
    .bind(shift_id)
    .bind(person_id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Why hours were not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordRefusal {
    NotAssigned,
    /// Hours are recorded already: correct them (reversal + new entry) instead.
    AlreadyRecorded,
    /// The entry to correct is not the person's current one on this shift.
    NotCurrent,
}

/// Records a person's hours on a shift as a work entry, or — with `replaces` — reverses that
/// entry and records the new hours in the same transaction. One current entry per person and
/// shift; nothing is edited or deleted.
///
/// # Errors
/// No shift, a refusal, storage failures.
pub async fn record_hours(
    db: &Db,
    shift_id: i64,
    person_id: i64,
    hours: Hours,
    wage: &Wage,
    replaces: Option<i64>,
    by: Option<i64>,
) -> Result<i64, WorkError<RecordRefusal>> {
    let mut tx = db.pool().begin().await?;
    let Some((_, day)) = lock(&mut tx, shift_id).await? else {
        return Err(WorkError::NoShift);
    };
    let on_shift: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM shift_assignments WHERE shift_id = $1 AND person_id = $2",
    )
    .bind(shift_id)
    .bind(person_id)
    .fetch_one(&mut *tx)
    .await?;
    if on_shift == 0 {
        return Err(WorkError::Rejected(RecordRefusal::NotAssigned));
    }
    let current: Option<(i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT w.id, w.hours_centi, w.regular_fen, w.overtime_fen, w.amount_fen FROM wage_entries w
         WHERE w.shift_id = $1 AND w.person_id = $2 AND w.kind = 'work'
           AND NOT EXISTS (SELECT 1 FROM wage_entries r WHERE r.reverses_id = w.id)",
    )
    .bind(shift_id)
    .bind(person_id)
    .fetch_optional(&mut *tx)
    .await?;
    let now = Utc::now().to_rfc3339();
    match (current, replaces) {
        (Some(_), None) => return Err(WorkError::Rejected(RecordRefusal::AlreadyRecorded)),
        (Some((id, h, reg, over, amount)), Some(r)) if id == r => {
            sqlx::query(
                "INSERT INTO wage_entries (shift_id, person_id, day, kind, reverses_id, hours_centi,
                    regular_fen, overtime_fen, amount_fen, recorded_by, recorded_at)
                 VALUES ($1, $2, $3, 'reversal', $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(shift_id)
            .bind(person_id)
            .bind(&day)
            .bind(id)
            .bind(-h)
            .bind(-reg)
            .bind(-over)
            .bind(-amount)
            .bind(by)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        }
        (_, Some(_)) => return Err(WorkError::Rejected(RecordRefusal::NotCurrent)),
        (None, None) => {}
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO wage_entries (shift_id, person_id, day, kind, hours_centi, regular_fen,
            overtime_fen, amount_fen, recorded_by, recorded_at)
         VALUES ($1, $2, $3, 'work', $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(shift_id)
    .bind(person_id)
    .bind(&day)
    .bind(hours.centi())
    .bind(wage.regular_fen.get())
    .bind(wage.overtime_fen.get())
    .bind(wage.total_fen.get())
    .bind(by)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Settles the shift-day (日结): for each person on it whose ledger balance exceeds what they
/// were paid, records a payment of the difference. Runs with the shift locked, so settling
/// twice pays nothing twice. Returns the total paid now.
///
/// # Errors
/// No shift, storage failures.
pub async fn settle(
    db: &Db,
    shift_id: i64,
    paid_on: NaiveDate,
    by: Option<i64>,
) -> Result<Fen, WorkError<std::convert::Infallible>> {
    let mut tx = db.pool().begin().await?;
    if lock(&mut tx, shift_id).await?.is_none() {
        return Err(WorkError::NoShift);
    }
    let owed: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT a.person_id,
            COALESCE((SELECT CAST(SUM(w.amount_fen) AS BIGINT) FROM wage_entries w WHERE w.shift_id = a.shift_id AND w.person_id = a.person_id), 0)
          - COALESCE((SELECT CAST(SUM(p.amount_fen) AS BIGINT) FROM wage_payments p WHERE p.shift_id = a.shift_id AND p.person_id = a.person_id), 0)
         FROM shift_assignments a WHERE a.shift_id = $1 ORDER BY a.id",
    )
    .bind(shift_id)
    .fetch_all(&mut *tx)
    .await?;
    let now = Utc::now().to_rfc3339();
    let mut total = 0;
    for (person_id, amount) in owed.into_iter().filter(|(_, a)| *a > 0) {
        sqlx::query(
            "INSERT INTO wage_payments (shift_id, person_id, amount_fen, paid_on, paid_by, paid_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(shift_id)
        .bind(person_id)
        .bind(amount)
        .bind(iso(paid_on))
        .bind(by)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        total += amount;
    }
    tx.commit().await?;
    Ok(Fen::new(total))
}

/// One day's pay of a household's people: shift, day, task, hours, earned, paid.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PayRow {
    pub shift_id: i64,
    pub person_id: i64,
    pub day: String,
    pub task_code: String,
    pub person_name: String,
    pub cooperative_name: String,
    /// The plot the shift works on, if it names one.
    pub plot_code: Option<String>,
    /// Hours the shift is planned for (what the worker should expect).
    pub planned_hours_centi: i64,
    pub hours_centi: i64,
    pub earned_fen: i64,
    pub paid_fen: i64,
}

/// Every shift a household's people were booked on from `from`, with hours and money.
///
/// # Errors
/// The database could not be read.
pub async fn household_pay(
    db: &Db,
    household_id: i64,
    from: NaiveDate,
) -> Result<Vec<PayRow>, StorageError> {
    Ok(sqlx::query_as(
        "SELECT s.id AS shift_id, pe.id AS person_id, s.day, s.task_code, pe.name AS person_name, c.name AS cooperative_name,
            pl.code AS plot_code, s.hours_centi AS planned_hours_centi,
            COALESCE((SELECT CAST(SUM(w.hours_centi) AS BIGINT) FROM wage_entries w WHERE w.shift_id = s.id AND w.person_id = pe.id), 0) AS hours_centi,
            COALESCE((SELECT CAST(SUM(w.amount_fen) AS BIGINT) FROM wage_entries w WHERE w.shift_id = s.id AND w.person_id = pe.id), 0) AS earned_fen,
            COALESCE((SELECT CAST(SUM(p.amount_fen) AS BIGINT) FROM wage_payments p WHERE p.shift_id = s.id AND p.person_id = pe.id), 0) AS paid_fen
         FROM shift_assignments a JOIN shifts s ON s.id = a.shift_id JOIN persons pe ON pe.id = a.person_id
         JOIN cooperatives c ON c.id = s.cooperative_id LEFT JOIN plots pl ON pl.id = s.plot_id
         WHERE pe.household_id = $1 AND s.day >= $2 ORDER BY s.day, s.id",
    )
    .bind(household_id)
    .bind(iso(from))
    .fetch_all(db.pool())
    .await?)
}

/// The wage ledger's integrity: (sum of entries, sum of payments, reversals whose amount is not
/// the exact negative of their entry). Used by checks and tests.
///
/// # Errors
/// The database could not be read.
pub async fn ledger_check(db: &Db) -> Result<(i64, i64, i64), StorageError> {
    let entries: i64 =
        sqlx::query_scalar("SELECT COALESCE(CAST(SUM(amount_fen) AS BIGINT), 0) FROM wage_entries")
            .fetch_one(db.pool())
            .await?;
    let paid: i64 = sqlx::query_scalar(
        "SELECT COALESCE(CAST(SUM(amount_fen) AS BIGINT), 0) FROM wage_payments",
    )
    .fetch_one(db.pool())
    .await?;
    let broken: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM wage_entries r JOIN wage_entries w ON w.id = r.reverses_id
         WHERE r.amount_fen <> -w.amount_fen OR r.hours_centi <> -w.hours_centi",
    )
    .fetch_one(db.pool())
    .await?;
    Ok((entries, paid, broken))
}
