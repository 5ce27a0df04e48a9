//! Accounts (账户): sign-in by phone, a role and the place the role is bound to.
//! Only the password hash is stored, in a type that cannot be serialised or printed.

use crate::{Db, StorageError};
use chrono::Utc;
use std::fmt;
use tianlian_domain::access::{Caller, Role, Scope};

/// An argon2 PHC string. Deliberately neither `Serialize` nor `Display`, and `Debug` hides it.
#[derive(Clone)]
pub struct PasswordHash(pub String);

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(…)")
    }
}

/// An account with what sign-in needs.
#[derive(Debug, Clone)]
pub struct AccountRow {
    pub caller: Caller,
    pub password_hash: PasswordHash,
    /// Raised by every password change and reset; a session signed in under another epoch
    /// has ended.
    pub session_epoch: i64,
    /// A disabled account cannot sign in, and its sessions and tokens have ended.
    pub disabled: bool,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    phone: String,
    password_hash: String,
    role: String,
    township_id: Option<i64>,
    cooperative_id: Option<i64>,
    household_id: Option<i64>,
    #[sqlx(try_from = "crate::columns::Flag")]
    must_change_password: bool,
    session_epoch: i64,
    #[sqlx(try_from = "crate::columns::Flag")]
    disabled: bool,
    coop_township_id: Option<i64>,
}

const SELECT: &str = "SELECT a.id, a.phone, a.password_hash, a.role, a.township_id, a.cooperative_id, a.household_id,
        a.must_change_password, a.session_epoch, a.disabled, c.township_id AS coop_township_id
    FROM accounts a LEFT JOIN cooperatives c ON c.id = a.cooperative_id";

impl TryFrom<Row> for AccountRow {
    type Error = StorageError;
    fn try_from(r: Row) -> Result<Self, StorageError> {
        let corrupt = || StorageError::Corrupt(format!("account {} scope", r.id));
        let scope = match Role::from_code(&r.role).ok_or_else(corrupt)? {
            Role::Admin => Scope::Admin,
            Role::Agronomist => Scope::Agronomist {
                township_id: r.township_id.ok_or_else(corrupt)?,
            },
            Role::Cooperative => Scope::Cooperative {
                cooperative_id: r.cooperative_id.ok_or_else(corrupt)?,
                township_id: r.coop_township_id.ok_or_else(corrupt)?,
            },
            Role::Farmer => Scope::Farmer {
                household_id: r.household_id.ok_or_else(corrupt)?,
            },
        };
        Ok(AccountRow {
            caller: Caller {
                account_id: r.id,
                phone: r.phone,
                scope,
                must_change_password: r.must_change_password,
            },
            password_hash: PasswordHash(r.password_hash),
            session_epoch: r.session_epoch,
            disabled: r.disabled,
        })
    }
}

/// The account with this phone number.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn by_phone(db: &Db, phone: &str) -> Result<Option<AccountRow>, StorageError> {
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT} WHERE a.phone = $1"))
        .bind(phone)
        .fetch_optional(db.pool())
        .await?;
    row.map(AccountRow::try_from).transpose()
}

/// The account with this id.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn by_id(db: &Db, id: i64) -> Result<Option<AccountRow>, StorageError> {
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT} WHERE a.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    row.map(AccountRow::try_from).transpose()
}

/// Why an account was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreateAccountError {
    #[error("an account with this phone exists")]
    PhoneTaken,
    #[error("the township, cooperative or household does not exist")]
    UnknownPlace,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Creates an account, with its audit entry (about the new account) in the same transaction;
/// the caller has hashed the password and validated the phone.
///
/// # Errors
/// The phone is taken, the scope's place does not exist, or the database failed.
#[tracing::instrument(skip_all)]
pub async fn create(
    db: &Db,
    phone: &str,
    hash: &PasswordHash,
    scope: Scope,
    must_change_password: bool,
    audit: &crate::audit::AuditEntry<'_>,
) -> Result<i64, CreateAccountError> {
    if by_phone(db, phone).await?.is_some() {
        return Err(CreateAccountError::PhoneTaken);
    }
    let (township, cooperative, household) = match scope {
        Scope::Admin => (None, None, None),
        Scope::Agronomist { township_id } => (Some(township_id), None, None),
        Scope::Cooperative { cooperative_id, .. } => (None, Some(cooperative_id), None),
        Scope::Farmer { household_id } => (None, None, Some(household_id)),
    };
    let mut tx = db.pool().begin().await.map_err(StorageError::from)?;
    let place_exists: i64 = sqlx::query_scalar(
        "SELECT (CASE WHEN $1 IS NULL OR EXISTS (SELECT 1 FROM townships WHERE id = $1) THEN 1 ELSE 0 END)
              * (CASE WHEN $2 IS NULL OR EXISTS (SELECT 1 FROM cooperatives WHERE id = $2) THEN 1 ELSE 0 END)
              * (CASE WHEN $3 IS NULL OR EXISTS (SELECT 1 FROM households WHERE id = $3) THEN 1 ELSE 0 END)",
    )
    .bind(township)
    .bind(cooperative)
    .bind(household)
    .fetch_one(&mut *tx)
    .await
    .map_err(StorageError::from)?;
    if place_exists == 0 {
        return Err(CreateAccountError::UnknownPlace);
    }
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO accounts (phone, password_hash, role, township_id, cooperative_id, household_id,
                               must_change_password, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (phone) DO NOTHING RETURNING id",
    )
    .bind(phone)
    .bind(&hash.0)
    .bind(scope.role().code())
    .bind(township)
    .bind(cooperative)
    .bind(household)
    .bind(i64::from(must_change_password))
    .bind(Utc::now().to_rfc3339())
    .fetch_optional(&mut *tx)
    .await
    .map_err(StorageError::from)?;
    let Some(id) = id else {
        return Err(CreateAccountError::PhoneTaken);
    };
    crate::audit::record_in(&mut *tx, &audit.about(id)).await?;
    tx.commit().await.map_err(StorageError::from)?;
    Ok(id)
}

/// Replaces an account's password hash, sets whether it must be changed at next sign-in,
/// raises its session epoch (which ends the sessions signed in before) and forgets its known
/// devices, with the audit entry in the same transaction. Returns the new epoch, or `None` when
/// there is no such account.
///
/// # Errors
/// The database refused the update.
#[tracing::instrument(skip_all)]
pub async fn set_password(
    db: &Db,
    id: i64,
    hash: &PasswordHash,
    must_change: bool,
    audit: &crate::audit::AuditEntry<'_>,
) -> Result<Option<i64>, StorageError> {
    let mut tx = db.pool().begin().await?;
    let epoch: Option<i64> = sqlx::query_scalar(
        "UPDATE accounts SET password_hash = $1, must_change_password = $2,
                session_epoch = session_epoch + 1
         WHERE id = $3 RETURNING session_epoch",
    )
    .bind(&hash.0)
    .bind(i64::from(must_change))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    if epoch.is_none() {
        return Ok(None);
    }
    // Devices that knew the old password are strangers to the new one.
    sqlx::query("DELETE FROM known_devices WHERE account_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    crate::audit::record_in(&mut *tx, &audit.about(id)).await?;
    tx.commit().await?;
    Ok(epoch)
}

/// Inserts a farmer account in an open transaction (bulk onboarding); `None` when the phone is
/// taken.
///
/// # Errors
/// The database refused the insert.
#[tracing::instrument(skip_all)]
pub async fn insert_farmer_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    phone: &str,
    hash: &PasswordHash,
    household_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO accounts (phone, password_hash, role, household_id, must_change_password, created_at)
         VALUES ($1, $2, 'farmer', $3, 1, $4) ON CONFLICT (phone) DO NOTHING RETURNING id",
    )
    .bind(phone)
    .bind(&hash.0)
    .bind(household_id)
    .bind(Utc::now().to_rfc3339())
    .fetch_optional(&mut **tx)
    .await
}

/// Disables or enables an account, with its audit entry in the same transaction. Disabling
/// raises the session epoch (every session of the account ends at its next request), revokes
/// its API tokens and forgets its devices. `false` when there is no such account.
///
/// # Errors
/// The database refused the update.
#[tracing::instrument(skip_all)]
pub async fn set_disabled(
    db: &Db,
    id: i64,
    disabled: bool,
    audit: &crate::audit::AuditEntry<'_>,
) -> Result<bool, StorageError> {
    let now = Utc::now().to_rfc3339();
    let mut tx = db.pool().begin().await?;
    let found = sqlx::query(
        "UPDATE accounts SET disabled = $1,
                disabled_at = CASE WHEN $1 = 1 THEN $2 ELSE NULL END,
                session_epoch = session_epoch + $1
         WHERE id = $3",
    )
    .bind(i64::from(disabled))
    .bind(&now)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if !found {
        return Ok(false);
    }
    if disabled {
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL",
        )
        .bind(&now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM known_devices WHERE account_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    crate::audit::record_in(&mut *tx, audit).await?;
    tx.commit().await?;
    Ok(true)
}

/// Which accounts a list shows.
#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    /// Phone prefix, or part of the place's name (township, cooperative, household code or
    /// head).
    pub q: Option<String>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
}

/// An account in a list: who, what role, bound to which place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountListRow {
    pub id: i64,
    pub phone: String,
    pub role: Role,
    /// The township, cooperative or household (code and head) the account is bound to.
    pub place: String,
    pub household_id: Option<i64>,
    pub disabled: bool,
    pub must_change_password: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(sqlx::FromRow)]
struct ListRow {
    id: i64,
    phone: String,
    role: String,
    place: Option<String>,
    household_id: Option<i64>,
    #[sqlx(try_from = "crate::columns::Flag")]
    disabled: bool,
    #[sqlx(try_from = "crate::columns::Flag")]
    must_change_password: bool,
    #[sqlx(try_from = "crate::columns::Timestamp")]
    created_at: chrono::DateTime<chrono::Utc>,
}

const LIST_FROM: &str = "FROM accounts a
    LEFT JOIN townships t ON t.id = a.township_id
    LEFT JOIN cooperatives c ON c.id = a.cooperative_id
    LEFT JOIN households h ON h.id = a.household_id
    WHERE ($1 IS NULL OR a.phone LIKE $1 || '%' OR t.name LIKE '%' || $1 || '%'
           OR c.name LIKE '%' || $1 || '%' OR h.code LIKE $1 || '%' OR h.head_name LIKE '%' || $1 || '%')
      AND ($2 IS NULL OR a.role = $2)
      AND ($3 IS NULL OR a.disabled = $3)";

fn like_safe(q: Option<&str>) -> Option<String> {
    q.map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| q.replace(['%', '_'], ""))
}

/// Accounts in the filter after id `after`, skipping `offset`, at most `limit`, by id.
///
/// # Errors
/// The database could not be read, or a stored role is unknown.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &Db,
    filter: &AccountFilter,
    after: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<AccountListRow>, StorageError> {
    let rows: Vec<ListRow> = sqlx::query_as(&format!(
        "SELECT a.id, a.phone, a.role, a.household_id, a.disabled, a.must_change_password, a.created_at,
                COALESCE(t.name, c.name, h.code || ' ' || h.head_name) AS place
         {LIST_FROM} AND a.id > $4 ORDER BY a.id LIMIT $5 OFFSET $6"
    ))
    .bind(like_safe(filter.q.as_deref()))
    .bind(filter.role.map(Role::code))
    .bind(filter.disabled.map(i64::from))
    .bind(after)
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(AccountListRow {
                role: Role::from_code(&r.role)
                    .ok_or_else(|| StorageError::Corrupt(format!("account {} role", r.id)))?,
                id: r.id,
                phone: r.phone,
                place: r.place.unwrap_or_default(),
                household_id: r.household_id,
                disabled: r.disabled,
                must_change_password: r.must_change_password,
                created_at: r.created_at,
            })
        })
        .collect()
}

/// Account `id` as the list shows it (with its place), if there is one.
///
/// # Errors
/// The database could not be read, or a stored role is unknown.
#[tracing::instrument(skip_all)]
pub async fn listed(db: &Db, id: i64) -> Result<Option<AccountListRow>, StorageError> {
    // Ids are whole numbers in order: the first account after `id - 1` is `id` if it exists.
    Ok(list(db, &AccountFilter::default(), id - 1, 0, 1)
        .await?
        .into_iter()
        .find(|r| r.id == id))
}

/// How many accounts the filter holds.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn count(db: &Db, filter: &AccountFilter) -> Result<i64, StorageError> {
    Ok(sqlx::query_scalar(&format!("SELECT COUNT(*) {LIST_FROM}"))
        .bind(like_safe(filter.q.as_deref()))
        .bind(filter.role.map(Role::code))
        .bind(filter.disabled.map(i64::from))
        .fetch_one(db.pool())
        .await?)
}

/// The account of household `id`, if it has one (a household has at most one farmer account
/// given from its page).
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn of_household(db: &Db, household_id: i64) -> Result<Option<i64>, StorageError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM accounts WHERE household_id = $1 ORDER BY id LIMIT 1")
            .bind(household_id)
            .fetch_optional(db.pool())
            .await?,
    )
}
