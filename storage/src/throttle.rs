//! Sign-in throttles (登录限速) kept in the database, so every instance on one PostgreSQL counts
//! the same attempts, and the devices that signed in to an account before. The policy (how many,
//! how long to wait) is `tianlian_domain::access`; this module is only its SQL.

use crate::{Db, StorageError};

/// Counts one attempt under `key` in a fixed window of `window_secs` that starts with the key's
/// first attempt; returns the attempts in the current window, this one included.
///
/// # Errors
/// The database refused the write.
#[tracing::instrument(skip_all)]
pub async fn count_in_window(
    db: &Db,
    key: &str,
    now: i64,
    window_secs: i64,
) -> Result<i64, StorageError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO sign_in_throttle (key, attempts, window_start, blocked_until) VALUES ($1, 1, $2, 0)
         ON CONFLICT (key) DO UPDATE SET
             attempts = CASE WHEN sign_in_throttle.window_start <= $3 THEN 1
                             ELSE sign_in_throttle.attempts + 1 END,
             window_start = CASE WHEN sign_in_throttle.window_start <= $3 THEN $2
                                 ELSE sign_in_throttle.window_start END
         RETURNING attempts",
    )
    .bind(key)
    .bind(now)
    .bind(now - window_secs)
    .fetch_one(db.pool())
    .await?)
}

/// What [`claim`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The attempt may go ahead; it is already counted as a failure until [`clear`] is called.
    Go,
    /// Too early: the next attempt may come at this Unix time.
    WaitUntil(i64),
}

/// Takes the next attempt under `key` if its wait is over: counts it as a failure at once (so
/// concurrent attempts on several instances cannot all pass) and sets the wait before the one
/// after it to `delay(failures)` seconds.
///
/// # Errors
/// The database failed.
#[tracing::instrument(skip_all)]
pub async fn claim(
    db: &Db,
    key: &str,
    now: i64,
    delay: impl Fn(i64) -> i64,
) -> Result<Claim, StorageError> {
    sqlx::query(
        "INSERT INTO sign_in_throttle (key, attempts, window_start, blocked_until) VALUES ($1, 0, $2, 0)
         ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(now)
    .execute(db.pool())
    .await?;
    // Two tries: the second follows a concurrent attempt that changed the row between the
    // read and the write; a third race is answered as "wait a second".
    for _ in 0..2 {
        let (failures, blocked_until): (i64, i64) =
            sqlx::query_as("SELECT attempts, blocked_until FROM sign_in_throttle WHERE key = $1")
                .bind(key)
                .fetch_optional(db.pool())
                .await?
                .unwrap_or((0, 0));
        if blocked_until > now {
            return Ok(Claim::WaitUntil(blocked_until));
        }
        let next = failures + 1;
        let taken = sqlx::query(
            "UPDATE sign_in_throttle SET attempts = $1, window_start = $2, blocked_until = $3
             WHERE key = $4 AND attempts = $5",
        )
        .bind(next)
        .bind(now)
        .bind(now + delay(next))
        .bind(key)
        .bind(failures)
        .execute(db.pool())
        .await?
        .rows_affected();
        if taken == 1 {
            return Ok(Claim::Go);
        }
    }
    Ok(Claim::WaitUntil(now + 1))
}

/// Forgets the failures under `key` (after a successful sign-in).
///
/// # Errors
/// The database refused the delete.
#[tracing::instrument(skip_all)]
pub async fn clear(db: &Db, key: &str) -> Result<(), StorageError> {
    sqlx::query("DELETE FROM sign_in_throttle WHERE key = $1")
        .bind(key)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Deletes what no longer limits anyone: address windows that ended before `windows_before`,
/// failure counts idle since before `failures_before`, devices unused since `devices_before`.
///
/// # Errors
/// The database refused the deletes.
#[tracing::instrument(skip_all)]
pub async fn purge(
    db: &Db,
    windows_before: i64,
    failures_before: i64,
    devices_before: i64,
) -> Result<(), StorageError> {
    sqlx::query(
        "DELETE FROM sign_in_throttle
         WHERE (key LIKE 'addr:%' AND window_start < $1) OR window_start < $2",
    )
    .bind(windows_before)
    .bind(failures_before)
    .execute(db.pool())
    .await?;
    sqlx::query("DELETE FROM known_devices WHERE last_used < $1")
        .bind(devices_before)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// How many throttle rows exist (what a flood of distinct keys would grow).
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn rows(db: &Db) -> Result<i64, StorageError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_throttle")
        .fetch_one(db.pool())
        .await?)
}

/// The account a known device's token (its SHA-256) signed in to, marking it used now.
///
/// # Errors
/// The database failed.
#[tracing::instrument(skip_all)]
pub async fn device_account(
    db: &Db,
    token_hash: &str,
    now: i64,
) -> Result<Option<i64>, StorageError> {
    Ok(sqlx::query_scalar(
        "UPDATE known_devices SET last_used = $1 WHERE token_hash = $2 RETURNING account_id",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(db.pool())
    .await?)
}

/// Devices remembered per account; signing in from more forgets the longest unused.
pub const DEVICES_PER_ACCOUNT: i64 = 10;

/// Remembers a device (its token's SHA-256) that signed in to an account, keeping at most
/// [`DEVICES_PER_ACCOUNT`] of them.
///
/// # Errors
/// The database refused the insert.
#[tracing::instrument(skip_all)]
pub async fn remember_device(
    db: &Db,
    token_hash: &str,
    account_id: i64,
    now: i64,
) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO known_devices (token_hash, account_id, last_used) VALUES ($1, $2, $3)
         ON CONFLICT (token_hash) DO UPDATE SET account_id = $2, last_used = $3",
    )
    .bind(token_hash)
    .bind(account_id)
    .bind(now)
    .execute(db.pool())
    .await?;
    sqlx::query(
        "DELETE FROM known_devices WHERE account_id = $1 AND token_hash NOT IN
            (SELECT token_hash FROM known_devices WHERE account_id = $1
             ORDER BY last_used DESC, token_hash LIMIT $2)",
    )
    .bind(account_id)
    .bind(DEVICES_PER_ACCOUNT)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// How many devices an account has remembered.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn device_count(db: &Db, account_id: i64) -> Result<i64, StorageError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM known_devices WHERE account_id = $1")
            .bind(account_id)
            .fetch_one(db.pool())
            .await?,
    )
}
