//! Households' private calendar feed tokens.

use crate::{Db, StorageError};
use chrono::Utc;

/// Sets (or replaces) a household's feed token.
///
/// # Errors
/// The database refused the statement.
#[tracing::instrument(skip_all)]
pub async fn set(db: &Db, household_id: i64, token: &str) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO calendar_feeds (household_id, token, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (household_id) DO UPDATE SET token = excluded.token, created_at = excluded.created_at",
    )
    .bind(household_id)
    .bind(token)
    .bind(Utc::now().to_rfc3339())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Revokes a household's feed; `false` when it had none.
///
/// # Errors
/// The database refused the statement.
#[tracing::instrument(skip_all)]
pub async fn revoke(db: &Db, household_id: i64) -> Result<bool, StorageError> {
    let done = sqlx::query("DELETE FROM calendar_feeds WHERE household_id = $1")
        .bind(household_id)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A household's current token.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn token_of(db: &Db, household_id: i64) -> Result<Option<String>, StorageError> {
    Ok(
        sqlx::query_scalar("SELECT token FROM calendar_feeds WHERE household_id = $1")
            .bind(household_id)
            .fetch_optional(db.pool())
            .await?,
    )
}

/// The household a token belongs to.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn household_of(db: &Db, token: &str) -> Result<Option<i64>, StorageError> {
    Ok(
        sqlx::query_scalar("SELECT household_id FROM calendar_feeds WHERE token = $1")
            .bind(token)
            .fetch_optional(db.pool())
            .await?,
    )
}
