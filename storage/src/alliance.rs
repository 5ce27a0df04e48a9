//! Alliances (专合组织 + 致富能人 + 贫困户), land transfer contracts (土地流转) with their
//! payments, dividends and the income line — the rows behind the benefit report.

use crate::{Db, StorageError, iso, parse_iso};
use chrono::{NaiveDate, Utc};
use tianlian_domain::lease::{Lease, Payment};
use tianlian_domain::season::Occupancy;
use tianlian_domain::{Fen, Mu};

/// Adds an alliance of a cooperative unless it exists; its id.
///
/// # Errors
/// The database refused the statement.
#[tracing::instrument(skip_all)]
pub async fn ensure_alliance(
    db: &Db,
    cooperative_id: i64,
    name: &str,
    created_on: NaiveDate,
) -> Result<i64, StorageError> {
    sqlx::query(
        "INSERT INTO alliances (cooperative_id, name, created_on) VALUES ($1, $2, $3)
         ON CONFLICT (cooperative_id, name) DO NOTHING",
    )
    .bind(cooperative_id)
    .bind(name)
    .bind(iso(created_on))
    .execute(db.pool())
    .await?;
    Ok(
        sqlx::query_scalar("SELECT id FROM alliances WHERE cooperative_id = $1 AND name = $2")
            .bind(cooperative_id)
            .bind(name)
            .fetch_one(db.pool())
            .await?,
    )
}

/// Adds a household to an alliance (`able` or `member`, a poor member with its mentor).
///
/// # Errors
/// The database refused the insert.
#[tracing::instrument(skip_all)]
pub async fn add_member(
    db: &Db,
    alliance_id: i64,
    household_id: i64,
    role: &str,
    mentor_id: Option<i64>,
    joined_on: NaiveDate,
) -> Result<i64, StorageError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO alliance_members (alliance_id, household_id, role, mentor_id, joined_on)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(alliance_id)
    .bind(household_id)
    .bind(role)
    .bind(mentor_id)
    .bind(iso(joined_on))
    .fetch_one(db.pool())
    .await?)
}

/// A household leaves an alliance: the membership is kept with its end date.
///
/// # Errors
/// The database refused the update.
#[tracing::instrument(skip_all)]
pub async fn leave(db: &Db, member_id: i64, on: NaiveDate) -> Result<bool, StorageError> {
    let done =
        sqlx::query("UPDATE alliance_members SET left_on = $1 WHERE id = $2 AND left_on IS NULL")
            .bind(iso(on))
            .bind(member_id)
            .execute(db.pool())
            .await?;
    Ok(done.rows_affected() == 1)
}

/// A membership with the household and mentor, as the alliance page lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub id: i64,
    pub alliance_id: i64,
    pub alliance_name: String,
    pub cooperative_id: i64,
    pub cooperative_name: String,
    pub household_id: i64,
    pub household_code: String,
    pub head_name: String,
    pub members: i64,
    #[sqlx(try_from = "crate::columns::Flag")]
    pub is_poor: bool,
    pub poor_since_year: Option<i64>,
    pub role: String,
    pub mentor_name: Option<String>,
    #[sqlx(try_from = "crate::columns::IsoDate")]
    pub joined_on: NaiveDate,
    #[sqlx(try_from = "crate::columns::MaybeIsoDate")]
    pub left_on: Option<NaiveDate>,
}

const MEMBER_SELECT: &str = "SELECT m.id, a.id AS alliance_id, a.name AS alliance_name,
    c.id AS cooperative_id, c.name AS cooperative_name, h.id AS household_id,
    h.code AS household_code, h.head_name, h.members, h.is_poor, h.poor_since_year, m.role,
    mh.head_name AS mentor_name, m.joined_on, m.left_on
  FROM alliance_members m JOIN alliances a ON a.id = m.alliance_id
  JOIN cooperatives c ON c.id = a.cooperative_id JOIN households h ON h.id = m.household_id
  LEFT JOIN alliance_members mm ON mm.id = m.mentor_id
  LEFT JOIN households mh ON mh.id = mm.household_id";

/// Memberships of the cooperatives in `cooperative` (or of a township's, or all), left ones too.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn members(
    db: &Db,
    cooperative: Option<i64>,
    township: Option<i64>,
    household: Option<i64>,
) -> Result<Vec<MemberRow>, StorageError> {
    Ok(sqlx::query_as(&format!(
        "{MEMBER_SELECT}
         WHERE ($1 IS NULL OR c.id = $1) AND ($2 IS NULL OR c.township_id = $2) AND ($3 IS NULL OR h.id = $3)
         ORDER BY a.id, m.role, h.code, m.id"
    ))
    .bind(cooperative)
    .bind(township)
    .bind(household)
    .fetch_all(db.pool())
    .await?)
}

/// A lease with its plot and parties.
#[derive(Debug, Clone)]
pub struct LeaseRow {
    pub id: i64,
    pub plot_id: i64,
    pub plot_code: String,
    pub village: String,
    pub household_id: i64,
    pub head_name: String,
    pub cooperative_id: i64,
    pub cooperative_name: String,
    pub area: Mu,
    pub fee_per_mu_year: Fen,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub schedule: String,
}

#[derive(sqlx::FromRow)]
struct LRow {
    id: i64,
    plot_id: i64,
    plot_code: String,
    village: String,
    household_id: i64,
    head_name: String,
    cooperative_id: i64,
    cooperative_name: String,
    area_centi_mu: i64,
    fee_per_mu_year_fen: i64,
    starts_on: String,
    ends_on: String,
    schedule: String,
}

/// Leases of a cooperative, township or household (all when every filter is `None`).
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn leases(
    db: &Db,
    cooperative: Option<i64>,
    township: Option<i64>,
    household: Option<i64>,
) -> Result<Vec<LeaseRow>, StorageError> {
    leases_where(db, cooperative, township, household, None).await
}

/// Up to `limit` of the leases [`leases`] returns, in id order after `after` (an API cursor).
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn leases_after(
    db: &Db,
    cooperative: Option<i64>,
    township: Option<i64>,
    household: Option<i64>,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<LeaseRow>, StorageError> {
    leases_where(
        db,
        cooperative,
        township,
        household,
        Some((after.unwrap_or(0), limit)),
    )
    .await
}

async fn leases_where(
    db: &Db,
    cooperative: Option<i64>,
    township: Option<i64>,
    household: Option<i64>,
    page: Option<(i64, i64)>,
) -> Result<Vec<LeaseRow>, StorageError> {
    let (terms, binds) = crate::and_equal(
        &[
            ("l.cooperative_id", cooperative),
            ("c.township_id", township),
            ("l.household_id", household),
        ],
        1,
    );
    let n = binds.len();
    let mut binds = binds;
    let (page_terms, order) = match page {
        Some((after, limit)) => {
            binds.extend([after, limit]);
            (
                format!(" AND l.id > ${}", n + 1),
                format!("l.id LIMIT ${}", n + 2),
            )
        }
        None => (String::new(), "l.ends_on, l.id".to_owned()),
    };
    let sql = format!("{LEASE_SELECT} WHERE 1 = 1{terms}{page_terms} ORDER BY {order}");
    let rows: Vec<LRow> = crate::bind_all(sqlx::query_as(&sql), binds)
        .fetch_all(db.pool())
        .await?;
    rows.into_iter().map(LeaseRow::try_from).collect()
}

const LEASE_SELECT: &str = "SELECT l.id, l.plot_id, p.code AS plot_code, v.name AS village,
    l.household_id, h.head_name, l.cooperative_id, c.name AS cooperative_name, l.area_centi_mu,
    l.fee_per_mu_year_fen, l.starts_on, l.ends_on, l.schedule
  FROM leases l JOIN plots p ON p.id = l.plot_id JOIN villages v ON v.id = p.village_id
  JOIN households h ON h.id = l.household_id JOIN cooperatives c ON c.id = l.cooperative_id";

/// `(prefix, part)` patterns for `LIKE … ESCAPE '\'` from a search text, `None` when blank.
fn search_patterns(text: Option<&str>) -> (Option<String>, Option<String>) {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => {
            let t = crate::like_escaped(t);
            (Some(format!("{t}%")), Some(format!("%{t}%")))
        }
        None => (None, None),
    }
}

/// The leases of a cooperative that `text` admits (part of the household head's name or of the
/// village, or the start of the plot code), `$2` and `$3` the patterns.
const LEASE_MATCH: &str = "l.cooperative_id = $1 AND ($2 IS NULL OR p.code LIKE $2 ESCAPE '\\'
    OR h.head_name LIKE $3 ESCAPE '\\' OR v.name LIKE $3 ESCAPE '\\')";

/// `limit` of a cooperative's leases that `text` admits, from `offset` on, by end date (the
/// soonest first) and id.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn cooperative_leases(
    db: &Db,
    cooperative_id: i64,
    text: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<Vec<LeaseRow>, StorageError> {
    let (prefix, part) = search_patterns(text);
    let sql =
        format!("{LEASE_SELECT} WHERE {LEASE_MATCH} ORDER BY l.ends_on, l.id LIMIT $4 OFFSET $5");
    let rows: Vec<LRow> = sqlx::query_as(&sql)
        .bind(cooperative_id)
        .bind(prefix)
        .bind(part)
        .bind(limit.max(0))
        .bind(offset.max(0))
        .fetch_all(db.pool())
        .await?;
    rows.into_iter().map(LeaseRow::try_from).collect()
}

/// A cooperative's leases counted: all of them, their area, those ending between `soon_from`
/// and `soon_until` (inclusive), and those a search admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct LeaseTally {
    pub leases: i64,
    pub area_centi_mu: i64,
    pub ending_soon: i64,
    pub matching: i64,
}

/// One SQL aggregate over a cooperative's leases (see [`LeaseTally`]).
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn lease_tally(
    db: &Db,
    cooperative_id: i64,
    text: Option<&str>,
    soon_from: NaiveDate,
    soon_until: NaiveDate,
) -> Result<LeaseTally, StorageError> {
    let (prefix, part) = search_patterns(text);
    let sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS leases,
           CAST(COALESCE(SUM(l.area_centi_mu), 0) AS BIGINT) AS area_centi_mu,
           CAST(COALESCE(SUM(CASE WHEN l.ends_on >= $4 AND l.ends_on <= $5 THEN 1 ELSE 0 END), 0) AS BIGINT) AS ending_soon,
           CAST(COALESCE(SUM(CASE WHEN {LEASE_MATCH} THEN 1 ELSE 0 END), 0) AS BIGINT) AS matching
         FROM leases l JOIN plots p ON p.id = l.plot_id JOIN villages v ON v.id = p.village_id
         JOIN households h ON h.id = l.household_id
         WHERE l.cooperative_id = $1"
    );
    Ok(sqlx::query_as(&sql)
        .bind(cooperative_id)
        .bind(prefix)
        .bind(part)
        .bind(iso(soon_from))
        .bind(iso(soon_until))
        .fetch_one(db.pool())
        .await?)
}

/// A cooperative's unpaid lease payments due on or before `until` (overdue included): how
/// many, and their sum in fen.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn payments_due(
    db: &Db,
    cooperative_id: i64,
    until: NaiveDate,
) -> Result<(i64, i64), StorageError> {
    Ok(sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(lp.amount_fen), 0) AS BIGINT)
         FROM lease_payments lp JOIN leases l ON l.id = lp.lease_id
         WHERE l.cooperative_id = $1 AND lp.paid_on IS NULL AND lp.due_on <= $2",
    )
    .bind(cooperative_id)
    .bind(iso(until))
    .fetch_one(db.pool())
    .await?)
}

/// The plots a cooperative leases on `day` (a lease running to `day` or later), by id.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn leased_plots(
    db: &Db,
    cooperative_id: i64,
    day: NaiveDate,
) -> Result<Vec<i64>, StorageError> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT plot_id FROM leases WHERE cooperative_id = $1 AND ends_on >= $2 ORDER BY plot_id",
    )
    .bind(cooperative_id)
    .bind(iso(day))
    .fetch_all(db.pool())
    .await?)
}

/// A cooperative's alliances with their members counted: everyone who joined, those in it now
/// and the poor among those; alliances without members are left out.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AllianceCount {
    pub id: i64,
    pub name: String,
    pub total: i64,
    pub current: i64,
    pub poor: i64,
    /// Members that `text` admits (see [`cooperative_members`]).
    pub matching: i64,
}

/// The members `text` admits (part of the head's name or the start of the household code),
/// `$2` and `$3` the patterns.
const MEMBER_MATCH: &str =
    "($2 IS NULL OR h.code LIKE $2 ESCAPE '\\' OR h.head_name LIKE $3 ESCAPE '\\')";

/// A cooperative's alliances with their counts, by id (one SQL aggregate).
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn alliance_counts(
    db: &Db,
    cooperative_id: i64,
    text: Option<&str>,
) -> Result<Vec<AllianceCount>, StorageError> {
    let (prefix, part) = search_patterns(text);
    let sql = format!(
        "SELECT a.id, a.name, CAST(COUNT(*) AS BIGINT) AS total,
           CAST(SUM(CASE WHEN m.left_on IS NULL THEN 1 ELSE 0 END) AS BIGINT) AS current,
           CAST(SUM(CASE WHEN m.left_on IS NULL AND h.is_poor = 1 THEN 1 ELSE 0 END) AS BIGINT) AS poor,
           CAST(SUM(CASE WHEN {MEMBER_MATCH} THEN 1 ELSE 0 END) AS BIGINT) AS matching
         FROM alliance_members m JOIN alliances a ON a.id = m.alliance_id
         JOIN households h ON h.id = m.household_id
         WHERE a.cooperative_id = $1 GROUP BY a.id, a.name ORDER BY a.id"
    );
    Ok(sqlx::query_as(&sql)
        .bind(cooperative_id)
        .bind(prefix)
        .bind(part)
        .fetch_all(db.pool())
        .await?)
}

/// `limit` of a cooperative's memberships (of one alliance, or all) that `text` admits, from
/// `offset` on: by alliance, those in it now first, then by role, household code and id.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn cooperative_members(
    db: &Db,
    cooperative_id: i64,
    alliance: Option<i64>,
    text: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<Vec<MemberRow>, StorageError> {
    let (prefix, part) = search_patterns(text);
    let sql = format!(
        "{MEMBER_SELECT} WHERE c.id = $1 AND {MEMBER_MATCH} AND ($4 IS NULL OR a.id = $4)
         ORDER BY a.id, CASE WHEN m.left_on IS NULL THEN 0 ELSE 1 END, m.role, h.code, m.id
         LIMIT $5 OFFSET $6"
    );
    Ok(sqlx::query_as(&sql)
        .bind(cooperative_id)
        .bind(prefix)
        .bind(part)
        .bind(alliance)
        .bind(limit.max(0))
        .bind(offset.max(0))
        .fetch_all(db.pool())
        .await?)
}

/// The households in a cooperative's alliances now, by id.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn member_households(db: &Db, cooperative_id: i64) -> Result<Vec<i64>, StorageError> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT m.household_id FROM alliance_members m JOIN alliances a ON a.id = m.alliance_id
         WHERE a.cooperative_id = $1 AND m.left_on IS NULL ORDER BY m.household_id",
    )
    .bind(cooperative_id)
    .fetch_all(db.pool())
    .await?)
}

impl TryFrom<LRow> for LeaseRow {
    type Error = StorageError;
    fn try_from(r: LRow) -> Result<Self, StorageError> {
        Ok(LeaseRow {
            id: r.id,
            plot_id: r.plot_id,
            plot_code: r.plot_code,
            village: r.village,
            household_id: r.household_id,
            head_name: r.head_name,
            cooperative_id: r.cooperative_id,
            cooperative_name: r.cooperative_name,
            area: Mu::from_centi(r.area_centi_mu),
            fee_per_mu_year: Fen::new(r.fee_per_mu_year_fen),
            starts_on: parse_iso(&r.starts_on)?,
            ends_on: parse_iso(&r.ends_on)?,
            schedule: r.schedule,
        })
    }
}

/// The leases of one plot with their terms: what the planting rule
/// (`tianlian_domain::access::can_work_planting`) needs to know about the land.
///
/// # Errors
/// The database failed or holds a bad date.
#[tracing::instrument(skip_all)]
pub async fn lease_terms_of_plot(
    db: &Db,
    plot_id: i64,
) -> Result<Vec<tianlian_domain::access::LeaseTerm>, StorageError> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT cooperative_id, starts_on, ends_on FROM leases WHERE plot_id = $1 ORDER BY id",
    )
    .bind(plot_id)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|(cooperative_id, starts, ends)| {
            Ok(tianlian_domain::access::LeaseTerm {
                cooperative_id,
                starts_on: parse_iso(&starts)?,
                ends_on: parse_iso(&ends)?,
            })
        })
        .collect()
}

/// A household's leases (by end) with their payments (by due date), in one read: what its
/// farmer's pages show on every view.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn household_leases(
    db: &Db,
    household_id: i64,
) -> Result<(Vec<LeaseRow>, Vec<PaymentRow>), StorageError> {
    #[derive(sqlx::FromRow)]
    struct Joined {
        #[sqlx(flatten)]
        lease: LRow,
        lp_id: Option<i64>,
        #[sqlx(try_from = "crate::columns::MaybeIsoDate")]
        lp_due_on: Option<NaiveDate>,
        lp_amount_fen: Option<i64>,
        #[sqlx(try_from = "crate::columns::MaybeIsoDate")]
        lp_paid_on: Option<NaiveDate>,
    }
    let rows: Vec<Joined> = sqlx::query_as(
        "SELECT l.id, l.plot_id, p.code AS plot_code, v.name AS village, l.household_id, h.head_name,
            l.cooperative_id, c.name AS cooperative_name, l.area_centi_mu, l.fee_per_mu_year_fen,
            l.starts_on, l.ends_on, l.schedule,
            lp.id AS lp_id, lp.due_on AS lp_due_on, lp.amount_fen AS lp_amount_fen, lp.paid_on AS lp_paid_on
         FROM leases l JOIN plots p ON p.id = l.plot_id JOIN villages v ON v.id = p.village_id
         JOIN households h ON h.id = l.household_id JOIN cooperatives c ON c.id = l.cooperative_id
         LEFT JOIN lease_payments lp ON lp.lease_id = l.id
         WHERE l.household_id = $1
         ORDER BY l.ends_on, l.id, lp.due_on, lp.id",
    )
    .bind(household_id)
    .fetch_all(db.pool())
    .await?;
    let mut leases: Vec<LeaseRow> = Vec::new();
    let mut payments = Vec::new();
    for j in rows {
        let (lease_id, cooperative_id) = (j.lease.id, j.lease.cooperative_id);
        if leases.last().is_none_or(|l| l.id != lease_id) {
            leases.push(LeaseRow::try_from(j.lease)?);
        }
        if let (Some(id), Some(due_on), Some(amount_fen)) = (j.lp_id, j.lp_due_on, j.lp_amount_fen)
        {
            payments.push(PaymentRow {
                id,
                lease_id,
                household_id,
                cooperative_id,
                due_on,
                amount_fen,
                paid_on: j.lp_paid_on,
            });
        }
    }
    payments.sort_by_key(|p| (p.due_on, p.id));
    Ok((leases, payments))
}

/// Why a lease was not stored.
#[derive(Debug, thiserror::Error)]
pub enum LeaseWriteError<E> {
    #[error("no such plot")]
    NoPlot,
    #[error("refused")]
    Rejected(E),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl<E> From<sqlx::Error> for LeaseWriteError<E> {
    fn from(e: sqlx::Error) -> Self {
        LeaseWriteError::Storage(StorageError::Database(e))
    }
}

/// Stores a lease and its payment schedule if `check` accepts it against the plot's area and
/// the land already leased out of it (read with the plot locked).
///
/// # Errors
/// No plot, `check` refused, storage failures.
#[tracing::instrument(skip_all)]
pub async fn create_lease_checked<E>(
    db: &Db,
    plot_id: i64,
    household_id: i64,
    cooperative_id: i64,
    check: impl FnOnce(Mu, &[Occupancy]) -> Result<(Lease, Vec<Payment>), E>,
) -> Result<i64, LeaseWriteError<E>> {
    let mut tx = db.pool().begin().await?;
    let Some(plot) = crate::plots::lock(&mut tx, plot_id).await? else {
        return Err(LeaseWriteError::NoPlot);
    };
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT area_centi_mu, starts_on, ends_on FROM leases WHERE plot_id = $1")
            .bind(plot_id)
            .fetch_all(&mut *tx)
            .await?;
    let leased = rows
        .into_iter()
        .map(|(a, from, until)| crate::plantings::occupancy(a, &from, &until))
        .collect::<Result<Vec<_>, StorageError>>()?;
    let (lease, payments) = check(plot.area, &leased).map_err(LeaseWriteError::Rejected)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO leases (plot_id, household_id, cooperative_id, area_centi_mu, fee_per_mu_year_fen,
                             starts_on, ends_on, schedule, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(plot_id)
    .bind(household_id)
    .bind(cooperative_id)
    .bind(lease.area.centi())
    .bind(lease.fee_per_mu_year.get())
    .bind(iso(lease.starts_on))
    .bind(iso(lease.ends_on))
    .bind(lease.schedule.code())
    .bind(Utc::now().to_rfc3339())
    .fetch_one(&mut *tx)
    .await?;
    for p in &payments {
        sqlx::query(
            "INSERT INTO lease_payments (lease_id, due_on, amount_fen) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(iso(p.due_on))
        .bind(p.amount.get())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// A lease payment, due and perhaps paid.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PaymentRow {
    pub id: i64,
    pub lease_id: i64,
    pub household_id: i64,
    pub cooperative_id: i64,
    #[sqlx(try_from = "crate::columns::IsoDate")]
    pub due_on: NaiveDate,
    pub amount_fen: i64,
    #[sqlx(try_from = "crate::columns::MaybeIsoDate")]
    pub paid_on: Option<NaiveDate>,
}

/// Payments of the given leases' filters, by due date.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn payments(
    db: &Db,
    cooperative: Option<i64>,
    township: Option<i64>,
    household: Option<i64>,
) -> Result<Vec<PaymentRow>, StorageError> {
    let (terms, binds) = crate::and_equal(
        &[
            ("l.cooperative_id", cooperative),
            ("c.township_id", township),
            ("l.household_id", household),
        ],
        1,
    );
    let sql = format!(
        "SELECT lp.id, lp.lease_id, l.household_id, l.cooperative_id, lp.due_on, lp.amount_fen, lp.paid_on
         FROM lease_payments lp JOIN leases l ON l.id = lp.lease_id JOIN cooperatives c ON c.id = l.cooperative_id
         WHERE 1 = 1{terms}
         ORDER BY lp.due_on, lp.id"
    );
    Ok(crate::bind_all(sqlx::query_as(&sql), binds)
        .fetch_all(db.pool())
        .await?)
}

/// The payments of these leases (one page's), by due day.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn payments_of(db: &Db, lease_ids: &[i64]) -> Result<Vec<PaymentRow>, StorageError> {
    if lease_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=lease_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT lp.id, lp.lease_id, l.household_id, l.cooperative_id, lp.due_on, lp.amount_fen, lp.paid_on
         FROM lease_payments lp JOIN leases l ON l.id = lp.lease_id
         WHERE lp.lease_id IN ({})
         ORDER BY lp.due_on, lp.id",
        marks.join(", ")
    );
    Ok(crate::bind_all(sqlx::query_as(&sql), lease_ids.to_vec())
        .fetch_all(db.pool())
        .await?)
}

/// Marks a lease payment of the cooperative paid (once); `false` when it was not open.
///
/// # Errors
/// The database refused the update.
#[tracing::instrument(skip_all)]
pub async fn pay_lease(
    db: &Db,
    payment_id: i64,
    cooperative: Option<i64>,
    on: NaiveDate,
) -> Result<bool, StorageError> {
    let done = sqlx::query(
        "UPDATE lease_payments SET paid_on = $1 WHERE id = $2 AND paid_on IS NULL
           AND ($3 IS NULL OR lease_id IN (SELECT id FROM leases WHERE cooperative_id = $3))",
    )
    .bind(iso(on))
    .bind(payment_id)
    .bind(cooperative)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a dividend paid by a cooperative to a household.
///
/// # Errors
/// The database refused the insert.
#[tracing::instrument(skip_all)]
pub async fn add_dividend(
    db: &Db,
    cooperative_id: i64,
    household_id: i64,
    amount: Fen,
    paid_on: NaiveDate,
    note: &str,
) -> Result<i64, StorageError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO dividends (cooperative_id, household_id, amount_fen, paid_on, note, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(cooperative_id)
    .bind(household_id)
    .bind(amount.get())
    .bind(iso(paid_on))
    .bind(note)
    .bind(Utc::now().to_rfc3339())
    .fetch_one(db.pool())
    .await?)
}

/// One payment to a household, of any kind: the rows behind the benefit report, read plainly
/// (tests check the report's SQL against `domain::benefit::benefit_report` over them).
#[cfg(any(test, feature = "testing"))]
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IncomeRow {
    /// `lease`, `wage` or `dividend`.
    pub kind: String,
    pub household_id: i64,
    pub cooperative_id: i64,
    pub amount_fen: i64,
}

/// Money paid to households between `$2` and `$3` (inclusive): lease payments marked paid,
/// wages paid out (日结 payments), dividends — by the cooperatives of township `$1` (or all).
const INCOME: &str = "SELECT 'lease' AS kind, l.household_id, l.cooperative_id, lp.amount_fen
   FROM lease_payments lp JOIN leases l ON l.id = lp.lease_id JOIN cooperatives c ON c.id = l.cooperative_id
   WHERE lp.paid_on >= $2 AND lp.paid_on <= $3 AND ($1 IS NULL OR c.township_id = $1)
 UNION ALL
 SELECT 'wage' AS kind, pe.household_id, s.cooperative_id, wp.amount_fen
   FROM wage_payments wp JOIN persons pe ON pe.id = wp.person_id JOIN shifts s ON s.id = wp.shift_id
   JOIN cooperatives c ON c.id = s.cooperative_id
   WHERE wp.paid_on >= $2 AND wp.paid_on <= $3 AND ($1 IS NULL OR c.township_id = $1)
 UNION ALL
 SELECT 'dividend' AS kind, d.household_id, d.cooperative_id, d.amount_fen
   FROM dividends d JOIN cooperatives c ON c.id = d.cooperative_id
   WHERE d.paid_on >= $2 AND d.paid_on <= $3 AND ($1 IS NULL OR c.township_id = $1)";

#[cfg(any(test, feature = "testing"))]
/// Money paid to households between `from` and `until` (inclusive): lease payments marked
/// paid, wages paid out (日结 payments), dividends — within a township or everywhere.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn income(
    db: &Db,
    township: Option<i64>,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<IncomeRow>, StorageError> {
    Ok(sqlx::query_as(INCOME)
        .bind(township)
        .bind(iso(from))
        .bind(iso(until))
        .fetch_all(db.pool())
        .await?)
}

/// The benefit report's lines, as a CTE named `lines` (parameters `$1` township or NULL, `$2`
/// and `$3` the season): every household of the township, and any household paid by its
/// cooperatives, with its season's lease fees, wages and dividends summed by kind, its total
/// and its total per person (rounded down to the fen; 0 without members). Only households that
/// were paid or are poor have a line.
fn benefit_lines_cte() -> String {
    format!(
        "WITH income AS ({INCOME}),
         per AS (SELECT household_id,
             CAST(SUM(CASE WHEN kind = 'lease' THEN amount_fen ELSE 0 END) AS BIGINT) AS lease_fen,
             CAST(SUM(CASE WHEN kind = 'wage' THEN amount_fen ELSE 0 END) AS BIGINT) AS wage_fen,
             CAST(SUM(CASE WHEN kind = 'dividend' THEN amount_fen ELSE 0 END) AS BIGINT) AS dividend_fen
           FROM income GROUP BY household_id),
         sums AS (SELECT h.id, h.code, h.head_name, h.members, h.is_poor,
             COALESCE(per.lease_fen, 0) AS lease_fen, COALESCE(per.wage_fen, 0) AS wage_fen,
             COALESCE(per.dividend_fen, 0) AS dividend_fen,
             COALESCE(per.lease_fen, 0) + COALESCE(per.wage_fen, 0) + COALESCE(per.dividend_fen, 0) AS total
           FROM households h JOIN villages v ON v.id = h.village_id
           LEFT JOIN per ON per.household_id = h.id
           WHERE $1 IS NULL OR v.township_id = $1 OR per.household_id IS NOT NULL),
         lines AS (SELECT sums.*, CASE WHEN members > 0 THEN total / members ELSE 0 END AS per_person
           FROM sums WHERE total <> 0 OR is_poor = 1)"
    )
}

/// Which lines of the benefit report a list shows: poor households only, and a search text
/// (the start of the household code, or part of the head's name; `%` and `_` match only
/// themselves).
#[derive(Debug, Clone, Default)]
pub struct BenefitFilter {
    pub township: Option<i64>,
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub text: Option<String>,
    pub poor_only: bool,
}

impl BenefitFilter {
    /// `(code prefix, name part)` patterns for `LIKE … ESCAPE '\'`.
    fn patterns(&self) -> (Option<String>, Option<String>) {
        search_patterns(self.text.as_deref())
    }
}

/// The `WHERE` of the lines a [`BenefitFilter`] admits, with its parameters at `$4` to `$6`.
const BENEFIT_MATCH: &str = "($4 = 0 OR is_poor = 1)
    AND ($5 IS NULL OR code LIKE $5 ESCAPE '\\' OR head_name LIKE $6 ESCAPE '\\')";

/// One household's line of the benefit report.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BenefitLineRow {
    pub id: i64,
    pub code: String,
    pub head_name: String,
    pub members: i64,
    #[sqlx(try_from = "crate::columns::Flag")]
    pub is_poor: bool,
    pub lease_fen: i64,
    pub wage_fen: i64,
    pub dividend_fen: i64,
}

/// The benefit report's totals over every line, and how many lines the filter admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct BenefitTotals {
    pub total_fen: i64,
    pub to_poor_fen: i64,
    pub poor_households: i64,
    /// Poor households with members whose total reaches `line × members` (the line passed in).
    pub poor_meeting_line: i64,
    pub matching: i64,
}

/// The report's totals (over the whole season and scope) and the count of lines `filter`
/// admits, measured against `line` per person: one SQL aggregate.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn benefit_totals(
    db: &Db,
    filter: &BenefitFilter,
    line: Fen,
) -> Result<BenefitTotals, StorageError> {
    let (prefix, part) = filter.patterns();
    let sql = format!(
        "{} SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) AS total_fen,
           CAST(COALESCE(SUM(CASE WHEN is_poor = 1 THEN total ELSE 0 END), 0) AS BIGINT) AS to_poor_fen,
           CAST(COALESCE(SUM(CASE WHEN is_poor = 1 THEN 1 ELSE 0 END), 0) AS BIGINT) AS poor_households,
           CAST(COALESCE(SUM(CASE WHEN is_poor = 1 AND members > 0 AND total >= $7 * members
             THEN 1 ELSE 0 END), 0) AS BIGINT) AS poor_meeting_line,
           CAST(COALESCE(SUM(CASE WHEN {BENEFIT_MATCH} THEN 1 ELSE 0 END), 0) AS BIGINT) AS matching
         FROM lines",
        benefit_lines_cte()
    );
    Ok(sqlx::query_as(&sql)
        .bind(filter.township)
        .bind(iso(filter.from))
        .bind(iso(filter.until))
        .bind(i64::from(filter.poor_only))
        .bind(prefix)
        .bind(part)
        .bind(line.get())
        .fetch_one(db.pool())
        .await?)
}

/// `limit` lines that `filter` admits from `offset` on, in the report's order: poor households
/// first, the lowest income per person first, then by household code.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn benefit_lines(
    db: &Db,
    filter: &BenefitFilter,
    offset: i64,
    limit: i64,
) -> Result<Vec<BenefitLineRow>, StorageError> {
    let (prefix, part) = filter.patterns();
    let sql = format!(
        "{} SELECT id, code, head_name, CAST(members AS BIGINT) AS members,
           CAST(is_poor AS BIGINT) AS is_poor, lease_fen, wage_fen, dividend_fen
         FROM lines WHERE {BENEFIT_MATCH}
         ORDER BY is_poor DESC, per_person, code LIMIT $7 OFFSET $8",
        benefit_lines_cte()
    );
    Ok(sqlx::query_as(&sql)
        .bind(filter.township)
        .bind(iso(filter.from))
        .bind(iso(filter.until))
        .bind(i64::from(filter.poor_only))
        .bind(prefix)
        .bind(part)
        .bind(limit.max(0))
        .bind(offset.max(0))
        .fetch_all(db.pool())
        .await?)
}

/// What one cooperative paid households in the season: to all, and to poor households.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PayerRow {
    pub cooperative_id: i64,
    pub name: String,
    pub to_all_fen: i64,
    pub to_poor_fen: i64,
}

/// The season's payers in township `township` (or all), by cooperative id.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn benefit_payers(
    db: &Db,
    township: Option<i64>,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<PayerRow>, StorageError> {
    let sql = format!(
        "WITH income AS ({INCOME})
         SELECT i.cooperative_id, c.name, CAST(SUM(i.amount_fen) AS BIGINT) AS to_all_fen,
           CAST(SUM(CASE WHEN h.is_poor = 1 THEN i.amount_fen ELSE 0 END) AS BIGINT) AS to_poor_fen
         FROM income i JOIN cooperatives c ON c.id = i.cooperative_id
         LEFT JOIN households h ON h.id = i.household_id
         GROUP BY i.cooperative_id, c.name ORDER BY i.cooperative_id"
    );
    Ok(sqlx::query_as(&sql)
        .bind(township)
        .bind(iso(from))
        .bind(iso(until))
        .fetch_all(db.pool())
        .await?)
}

/// The income line per person for a year, if set.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn income_line(db: &Db, year: i32) -> Result<Option<Fen>, StorageError> {
    let v: Option<i64> =
        sqlx::query_scalar("SELECT fen_per_person FROM income_lines WHERE year = $1")
            .bind(i64::from(year))
            .fetch_optional(db.pool())
            .await?;
    Ok(v.map(Fen::new))
}

/// Sets the income line per person for a year.
///
/// # Errors
/// The database refused the statement.
#[tracing::instrument(skip_all)]
pub async fn set_income_line(db: &Db, year: i32, per_person: Fen) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO income_lines (year, fen_per_person) VALUES ($1, $2)
         ON CONFLICT (year) DO UPDATE SET fen_per_person = excluded.fen_per_person",
    )
    .bind(i64::from(year))
    .bind(per_person.get())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Households of a township (or all) with what the benefit report needs, read plainly (tests).
#[cfg(any(test, feature = "testing"))]
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HouseholdRow {
    pub id: i64,
    pub code: String,
    pub head_name: String,
    pub members: i64,
    #[sqlx(try_from = "crate::columns::Flag")]
    pub is_poor: bool,
}

#[cfg(any(test, feature = "testing"))]
/// Every household of a township (or everywhere).
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn households(db: &Db, township: Option<i64>) -> Result<Vec<HouseholdRow>, StorageError> {
    Ok(sqlx::query_as(
        "SELECT h.id, h.code, h.head_name, h.members, h.is_poor FROM households h
         JOIN villages v ON v.id = h.village_id WHERE ($1 IS NULL OR v.township_id = $1) ORDER BY h.code",
    )
    .bind(township)
    .fetch_all(db.pool())
    .await?)
}

/// People able to work in the households that are members of the cooperative's alliances now.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn able_people(db: &Db, cooperative_id: i64) -> Result<i64, StorageError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM persons pe WHERE pe.able_to_work = 1 AND pe.household_id IN
           (SELECT m.household_id FROM alliance_members m JOIN alliances a ON a.id = m.alliance_id
            WHERE a.cooperative_id = $1 AND m.left_on IS NULL)",
    )
    .bind(cooperative_id)
    .fetch_one(db.pool())
    .await?)
}

/// An alliance with its cooperative's township, for access checks.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn alliance_owner(db: &Db, alliance_id: i64) -> Result<Option<(i64, i64)>, StorageError> {
    Ok(sqlx::query_as(
        "SELECT a.cooperative_id, c.township_id FROM alliances a JOIN cooperatives c ON c.id = a.cooperative_id
         WHERE a.id = $1",
    )
    .bind(alliance_id)
    .fetch_optional(db.pool())
    .await?)
}

/// A membership's alliance, household and role (for mentor checks and leaving).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MembershipRow {
    pub id: i64,
    pub alliance_id: i64,
    pub household_id: i64,
    pub role: String,
    #[sqlx(try_from = "crate::columns::MaybeIsoDate")]
    pub left_on: Option<NaiveDate>,
}

/// One membership.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn membership(db: &Db, id: i64) -> Result<Option<MembershipRow>, StorageError> {
    Ok(sqlx::query_as(
        "SELECT id, alliance_id, household_id, role, left_on FROM alliance_members WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?)
}

/// Whether the household is a current member of the alliance.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn is_current_member(
    db: &Db,
    alliance_id: i64,
    household_id: i64,
) -> Result<bool, StorageError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM alliance_members WHERE alliance_id = $1 AND household_id = $2 AND left_on IS NULL",
    )
    .bind(alliance_id)
    .bind(household_id)
    .fetch_one(db.pool())
    .await?;
    Ok(n > 0)
}
