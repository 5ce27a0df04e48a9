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
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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

/// `limit` of a cooperative's shifts from `from` on, from `offset` on, by day and id.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn cooperative_shifts(
    db: &Db,
    cooperative_id: i64,
    from: NaiveDate,
    offset: i64,
    limit: i64,
) -> Result<Vec<ShiftRow>, StorageError> {
    convert(
        sqlx::query_as(&format!(
            "{SELECT} WHERE s.cooperative_id = $1 AND s.day >= $2 ORDER BY s.day, s.id
             LIMIT $3 OFFSET $4"
        ))
        .bind(cooperative_id)
        .bind(iso(from))
        .bind(limit.max(0))
        .bind(offset.max(0))
        .fetch_all(db.pool())
        .await?,
    )
}

/// How many shifts a cooperative has from `from` on.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn count_from(
    db: &Db,
    cooperative_id: i64,
    from: NaiveDate,
) -> Result<i64, StorageError> {
    Ok(sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM shifts WHERE cooperative_id = $1 AND day >= $2",
    )
    .bind(cooperative_id)
    .bind(iso(from))
    .fetch_one(db.pool())
    .await?)
}

/// A person who works shifts, with their household.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonRow {
    pub id: i64,
    pub household_id: i64,
    pub household_code: String,
    pub name: String,
    pub phone: Option<String>,
    #[sqlx(try_from = "crate::columns::Flag")]
    pub able_to_work: bool,
    #[sqlx(try_from = "crate::columns::Flag")]
    pub is_poor: bool,
    pub township_id: i64,
}

const PERSON: &str = "SELECT pe.id, pe.household_id, h.code AS household_code, pe.name, pe.phone,
        pe.able_to_work, h.is_poor, v.township_id
    FROM persons pe JOIN households h ON h.id = pe.household_id JOIN villages v ON v.id = h.village_id";

/// Adds a person to a household.
///
/// # Errors
/// The database refused the insert.
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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
    #[sqlx(try_from = "crate::columns::Flag")]
    pub able_to_work: bool,
    #[sqlx(try_from = "crate::columns::Flag")]
    pub is_poor: bool,
    /// Member of one of the cooperative's alliances (and not left).
    #[sqlx(try_from = "crate::columns::Flag")]
    pub in_alliance: bool,
    #[sqlx(try_from = "crate::columns::Flag")]
    pub booked_that_day: bool,
    pub season_hours_centi: i64,
}

/// Everyone in the township's households, as candidates for a cooperative's shift on `day`;
/// `season_from` starts the hours already worked.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
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
    #[sqlx(try_from = "crate::columns::Flag")]
    pub is_poor: bool,
    /// Marked absent at the roll call.
    #[sqlx(try_from = "crate::columns::Flag")]
    pub absent: bool,
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
#[tracing::instrument(skip_all)]
pub async fn assigned(db: &Db, shift_id: i64) -> Result<Vec<AssignedRow>, StorageError> {
    Ok(sqlx::query_as(
        "SELECT pe.id AS person_id, pe.name, pe.household_id, h.is_poor, a.absent,
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

/// A person on a shift as the roll call shows them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RollLineRow {
    pub person_id: i64,
    pub name: String,
    pub household_code: String,
    #[sqlx(try_from = "crate::columns::Flag")]
    pub is_poor: bool,
    #[sqlx(try_from = "crate::columns::Flag")]
    pub absent: bool,
    /// The current work entry and its hours, if hours are recorded.
    pub entry_id: Option<i64>,
    pub hours_centi: i64,
}

/// Everyone on a shift for the roll call, by household code then name.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn roll_lines(db: &Db, shift_id: i64) -> Result<Vec<RollLineRow>, StorageError> {
    Ok(sqlx::query_as(
        "SELECT a.person_id, pe.name, h.code AS household_code, h.is_poor, a.absent,
            w.id AS entry_id, COALESCE(w.hours_centi, 0) AS hours_centi
         FROM shift_assignments a JOIN persons pe ON pe.id = a.person_id
         JOIN households h ON h.id = pe.household_id
         LEFT JOIN wage_entries w ON w.shift_id = a.shift_id AND w.person_id = a.person_id AND w.kind = 'work'
            AND NOT EXISTS (SELECT 1 FROM wage_entries r WHERE r.reverses_id = w.id)
         WHERE a.shift_id = $1 ORDER BY h.code, pe.name, a.person_id",
    )
    .bind(shift_id)
    .fetch_all(db.pool())
    .await?)
}

/// How many roll calls were recorded for a shift.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn roll_calls_of(db: &Db, shift_id: i64) -> Result<i64, StorageError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM roll_calls WHERE shift_id = $1")
            .bind(shift_id)
            .fetch_one(db.pool())
            .await?,
    )
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

/// Locks the shift (see [`lock`]): its headcount, day and how many are booked on it, or `None`.
async fn lock_with_places(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    shift_id: i64,
) -> Result<Option<(i64, String, i64)>, sqlx::Error> {
    let Some((headcount, day)) = lock(tx, shift_id).await? else {
        return Ok(None);
    };
    let assigned: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM shift_assignments WHERE shift_id = $1")
            .bind(shift_id)
            .fetch_one(&mut **tx)
            .await?;
    Ok(Some((headcount, day, assigned)))
}

/// Books a person on a shift if `check(headcount, already assigned, booked that day)`
/// accepts, with the shift locked; the database refuses a second booking that day even when
/// two shifts are booked at once.
///
/// # Errors
/// No shift, double booking, `check` refused, storage failures.
#[tracing::instrument(skip_all)]
pub async fn assign_checked<E>(
    db: &Db,
    shift_id: i64,
    person_id: i64,
    check: impl FnOnce(u32, u32, bool) -> Result<(), E>,
) -> Result<(), WorkError<E>> {
    let mut tx = db.pool().begin().await?;
    let Some((headcount, day, assigned)) = lock_with_places(&mut tx, shift_id).await? else {
        return Err(WorkError::NoShift);
    };
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
/// The shift is locked, so a roll call cannot record hours for someone being taken off.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all)]
pub async fn unassign(db: &Db, shift_id: i64, person_id: i64) -> Result<bool, StorageError> {
    let mut tx = db.pool().begin().await?;
    if lock(&mut tx, shift_id).await?.is_none() {
        return Ok(false);
    }
    let done = sqlx::query(
        "DELETE FROM shift_assignments WHERE shift_id = $1 AND person_id = $2
           AND NOT EXISTS (SELECT 1 FROM wage_entries w WHERE w.shift_id = $1 AND w.person_id = $2)",
    )
    .bind(shift_id)
    .bind(person_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// What booking several people at once did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Booking {
    /// These people are now on the shift, in the order given.
    Booked(Vec<i64>),
    /// More people than free places: nothing booked.
    Full { free: i64 },
    /// These people are on another shift that day (or this one): nothing booked.
    Taken(Vec<i64>),
}

/// How [`book_many`] treats the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookMode {
    /// Book every one or none (people the manager ticked).
    AllOrNone,
    /// Book down the list until the shift is full, passing over anyone booked that day
    /// meanwhile ("fill from suggestions").
    UpToHeadcount,
}

/// Books several people on a shift in one transaction, with the shift locked: it never holds
/// more than its headcount, and the database's one-shift-a-day rule passes over (never fails
/// on) a person another manager booked a moment ago, on this shift or another.
///
/// # Errors
/// No shift, storage failures.
#[tracing::instrument(skip_all)]
pub async fn book_many(
    db: &Db,
    shift_id: i64,
    people: &[i64],
    mode: BookMode,
) -> Result<Booking, WorkError<std::convert::Infallible>> {
    let mut tx = db.pool().begin().await?;
    let Some((headcount, day, assigned)) = lock_with_places(&mut tx, shift_id).await? else {
        return Err(WorkError::NoShift);
    };
    let free = (headcount - assigned).max(0);
    if mode == BookMode::AllOrNone && i64::try_from(people.len()).unwrap_or(i64::MAX) > free {
        return Ok(Booking::Full { free });
    }
    let now = Utc::now().to_rfc3339();
    let (mut booked, mut taken) = (vec![], vec![]);
    for &person in people {
        if i64::try_from(booked.len()).unwrap_or(i64::MAX) >= free {
            break;
        }
        let done = sqlx::query(
            "INSERT INTO shift_assignments (shift_id, person_id, day, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
        )
        .bind(shift_id)
        .bind(person)
        .bind(&day)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            booked.push(person);
        } else {
            taken.push(person);
        }
    }
    if mode == BookMode::AllOrNone && !taken.is_empty() {
        tx.rollback().await?;
        return Ok(Booking::Taken(taken));
    }
    tx.commit().await?;
    Ok(Booking::Booked(booked))
}

/// A person on the shift as the roll call finds them.
#[derive(Debug, Clone, sqlx::FromRow)]
struct CurrentRow {
    person_id: i64,
    absent: i32,
    entry_id: Option<i64>,
    hours_centi: Option<i64>,
}

/// What a roll call did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RollCallDone {
    /// Recorded; this many ledger entries and marks changed.
    Recorded { changed: usize },
    /// This key was submitted before: nothing was recorded again.
    Repeated,
}

/// Who submitted a roll call, under which key, and how many came.
#[derive(Debug, Clone, Copy)]
pub struct RollCallMeta<'a> {
    pub key: &'a str,
    pub present: usize,
    pub absent: usize,
    pub by: Option<i64>,
}

/// Records a roll call atomically: with the shift locked, `plan` sees everyone on the shift
/// as the ledger has them and answers the steps that make the ledger agree with the roll call
/// (or refuses); `wage` prices hours. Every step and the key are written in one transaction, or
/// none. A key seen before records nothing.
///
/// # Errors
/// No shift, `plan` refused, storage failures.
#[tracing::instrument(skip_all)]
pub async fn roll_call<E>(
    db: &Db,
    shift_id: i64,
    meta: RollCallMeta<'_>,
    plan: impl FnOnce(
        &[tianlian_domain::rollcall::Current],
    ) -> Result<Vec<tianlian_domain::rollcall::Step>, E>,
    wage: impl Fn(Hours) -> Wage,
) -> Result<RollCallDone, WorkError<E>> {
    use tianlian_domain::rollcall::{Current, Step};
    let mut tx = db.pool().begin().await?;
    let Some((_, day)) = lock(&mut tx, shift_id).await? else {
        return Err(WorkError::NoShift);
    };
    let seen: Option<i64> = sqlx::query_scalar("SELECT id FROM roll_calls WHERE idem_key = $1")
        .bind(meta.key)
        .fetch_optional(&mut *tx)
        .await?;
    if seen.is_some() {
        return Ok(RollCallDone::Repeated);
    }
    let rows: Vec<CurrentRow> = sqlx::query_as(
        "SELECT a.person_id, a.absent, w.id AS entry_id, w.hours_centi
         FROM shift_assignments a
         LEFT JOIN wage_entries w ON w.shift_id = a.shift_id AND w.person_id = a.person_id AND w.kind = 'work'
            AND NOT EXISTS (SELECT 1 FROM wage_entries r WHERE r.reverses_id = w.id)
         WHERE a.shift_id = $1 ORDER BY a.id",
    )
    .bind(shift_id)
    .fetch_all(&mut *tx)
    .await?;
    let current: Vec<Current> = rows
        .iter()
        .map(|r| Current {
            person_id: r.person_id,
            entry: r
                .entry_id
                .map(|id| (id, Hours::from_centi(r.hours_centi.unwrap_or(0)))),
            absent: r.absent != 0,
        })
        .collect();
    let steps = plan(&current).map_err(WorkError::Rejected)?;
    let now = Utc::now().to_rfc3339();
    for step in &steps {
        match *step {
            Step::Reverse { entry_id, .. } => {
                sqlx::query(
                    "INSERT INTO wage_entries (shift_id, person_id, day, kind, reverses_id, hours_centi,
                        regular_fen, overtime_fen, amount_fen, recorded_by, recorded_at)
                     SELECT shift_id, person_id, day, 'reversal', id, -hours_centi, -regular_fen,
                        -overtime_fen, -amount_fen, $2, $3
                     FROM wage_entries WHERE id = $1 AND shift_id = $4",
                )
                .bind(entry_id)
                .bind(meta.by)
                .bind(&now)
                .bind(shift_id)
                .execute(&mut *tx)
                .await?;
            }
            Step::Record { person_id, hours } => {
                let w = wage(hours);
                sqlx::query(
                    "INSERT INTO wage_entries (shift_id, person_id, day, kind, hours_centi, regular_fen,
                        overtime_fen, amount_fen, recorded_by, recorded_at)
                     VALUES ($1, $2, $3, 'work', $4, $5, $6, $7, $8, $9)",
                )
                .bind(shift_id)
                .bind(person_id)
                .bind(&day)
                .bind(hours.centi())
                .bind(w.regular_fen.get())
                .bind(w.overtime_fen.get())
                .bind(w.total_fen.get())
                .bind(meta.by)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
            }
            Step::MarkAbsent { person_id, absent } => {
                sqlx::query(
                    "UPDATE shift_assignments SET absent = $3 WHERE shift_id = $1 AND person_id = $2",
                )
                .bind(shift_id)
                .bind(person_id)
                .bind(i32::from(absent))
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    sqlx::query(
        "INSERT INTO roll_calls (shift_id, idem_key, present, absent, changed, submitted_by, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(shift_id)
    .bind(meta.key)
    .bind(count(meta.present))
    .bind(count(meta.absent))
    .bind(count(steps.len()))
    .bind(meta.by)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(RollCallDone::Recorded {
        changed: steps.len(),
    })
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
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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
    let (total, _) = pay_owed(&mut tx, &[shift_id], paid_on, by).await?;
    tx.commit().await?;
    Ok(total)
}

/// Settles a cooperative's whole day: every shift it ran that day, every worker paid what
/// the ledger owes them, in one transaction with those shifts locked, so settling twice (or
/// two phones at once) pays nothing twice. Returns the total paid now and how many were paid.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all)]
pub async fn settle_day(
    db: &Db,
    cooperative_id: i64,
    day: NaiveDate,
    paid_on: NaiveDate,
    by: Option<i64>,
) -> Result<(Fen, usize), StorageError> {
    let mut tx = db.pool().begin().await?;
    // Lock first, read after: a transaction that read before writing could not take SQLite's
    // write lock once another wrote meanwhile.
    sqlx::query(
        "UPDATE shifts SET lock_version = lock_version + 1 WHERE cooperative_id = $1 AND day = $2",
    )
    .bind(cooperative_id)
    .bind(iso(day))
    .execute(&mut *tx)
    .await?;
    let shifts: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM shifts WHERE cooperative_id = $1 AND day = $2 ORDER BY id",
    )
    .bind(cooperative_id)
    .bind(iso(day))
    .fetch_all(&mut *tx)
    .await?;
    let (total, paid) = pay_owed(&mut tx, &shifts, paid_on, by).await?;
    tx.commit().await?;
    Ok((total, paid))
}

/// Pays, on the locked shifts, each worker whose ledger balance exceeds what they were paid:
/// one statement per shift, so 300 workers are one round trip. Returns the total paid and how
/// many payments were made.
async fn pay_owed(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    shifts: &[i64],
    paid_on: NaiveDate,
    by: Option<i64>,
) -> Result<(Fen, usize), sqlx::Error> {
    const OWED: &str = "SELECT a.shift_id, a.person_id,
            COALESCE((SELECT CAST(SUM(w.amount_fen) AS BIGINT) FROM wage_entries w WHERE w.shift_id = a.shift_id AND w.person_id = a.person_id), 0)
          - COALESCE((SELECT CAST(SUM(p.amount_fen) AS BIGINT) FROM wage_payments p WHERE p.shift_id = a.shift_id AND p.person_id = a.person_id), 0)
            AS owed
         FROM shift_assignments a WHERE a.shift_id = $1";
    let now = Utc::now().to_rfc3339();
    let (mut total, mut paid) = (0, 0);
    for &shift_id in shifts {
        let (owed, workers): (i64, i64) = sqlx::query_as(&format!(
            "SELECT CAST(COALESCE(SUM(o.owed), 0) AS BIGINT), COUNT(*) FROM ({OWED}) o WHERE o.owed > 0"
        ))
        .bind(shift_id)
        .fetch_one(&mut **tx)
        .await?;
        if workers == 0 {
            continue;
        }
        sqlx::query(&format!(
            "INSERT INTO wage_payments (shift_id, person_id, amount_fen, paid_on, paid_by, paid_at)
             SELECT o.shift_id, o.person_id, o.owed, $2, $3, $4 FROM ({OWED}) o WHERE o.owed > 0"
        ))
        .bind(shift_id)
        .bind(iso(paid_on))
        .bind(by)
        .bind(&now)
        .execute(&mut **tx)
        .await?;
        total += owed;
        paid += usize::try_from(workers).unwrap_or(0);
    }
    Ok((Fen::new(total), paid))
}

/// One worker's line on a cooperative's day sheet (日结单).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DayLineRow {
    pub shift_id: i64,
    pub task_code: String,
    pub person_id: i64,
    pub name: String,
    pub household_code: String,
    #[sqlx(try_from = "crate::columns::Flag")]
    pub is_poor: bool,
    #[sqlx(try_from = "crate::columns::Flag")]
    pub absent: bool,
    /// The shift's regular hours a day (beyond them is overtime).
    pub regular_hours_centi: i64,
    pub hours_centi: i64,
    pub regular_fen: i64,
    pub overtime_fen: i64,
    pub earned_fen: i64,
    pub paid_fen: i64,
}

/// Everyone a cooperative booked on `day`, shift by shift, with hours and money.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn day_lines(
    db: &Db,
    cooperative_id: i64,
    day: NaiveDate,
) -> Result<Vec<DayLineRow>, StorageError> {
    Ok(sqlx::query_as(
        "SELECT s.id AS shift_id, s.task_code, pe.id AS person_id, pe.name, h.code AS household_code,
            h.is_poor, a.absent, s.regular_hours_centi,
            COALESCE((SELECT CAST(SUM(w.hours_centi) AS BIGINT) FROM wage_entries w WHERE w.shift_id = s.id AND w.person_id = pe.id), 0) AS hours_centi,
            COALESCE((SELECT CAST(SUM(w.regular_fen) AS BIGINT) FROM wage_entries w WHERE w.shift_id = s.id AND w.person_id = pe.id), 0) AS regular_fen,
            COALESCE((SELECT CAST(SUM(w.overtime_fen) AS BIGINT) FROM wage_entries w WHERE w.shift_id = s.id AND w.person_id = pe.id), 0) AS overtime_fen,
            COALESCE((SELECT CAST(SUM(w.amount_fen) AS BIGINT) FROM wage_entries w WHERE w.shift_id = s.id AND w.person_id = pe.id), 0) AS earned_fen,
            COALESCE((SELECT CAST(SUM(p.amount_fen) AS BIGINT) FROM wage_payments p WHERE p.shift_id = s.id AND p.person_id = pe.id), 0) AS paid_fen
         FROM shift_assignments a JOIN shifts s ON s.id = a.shift_id JOIN persons pe ON pe.id = a.person_id
         JOIN households h ON h.id = pe.household_id
         WHERE s.cooperative_id = $1 AND s.day = $2 ORDER BY s.id, a.id",
    )
    .bind(cooperative_id)
    .bind(iso(day))
    .fetch_all(db.pool())
    .await?)
}

/// Days a cooperative still owes wages for: (day, owed fen), oldest first, at most `limit`.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn unsettled_days(
    db: &Db,
    cooperative_id: i64,
    limit: i64,
) -> Result<Vec<(NaiveDate, Fen)>, StorageError> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT s.day,
            CAST(COALESCE((SELECT SUM(w.amount_fen) FROM wage_entries w JOIN shifts t ON t.id = w.shift_id
                           WHERE t.cooperative_id = s.cooperative_id AND t.day = s.day), 0)
               - COALESCE((SELECT SUM(p.amount_fen) FROM wage_payments p JOIN shifts t ON t.id = p.shift_id
                           WHERE t.cooperative_id = s.cooperative_id AND t.day = s.day), 0) AS BIGINT) AS owed
         FROM shifts s WHERE s.cooperative_id = $1 GROUP BY s.cooperative_id, s.day ORDER BY s.day",
    )
    .bind(cooperative_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .filter(|(_, owed)| *owed > 0)
        .take(usize::try_from(limit).unwrap_or(0))
        .map(|(d, owed)| Ok((parse_iso(&d)?, Fen::new(owed))))
        .collect()
}

/// One day's pay of a household's people: shift, day, task, hours, earned, paid.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PayRow {
    pub shift_id: i64,
    pub person_id: i64,
    #[sqlx(try_from = "crate::columns::IsoDate")]
    pub day: NaiveDate,
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
#[tracing::instrument(skip_all)]
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
#[tracing::instrument(skip_all)]
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
