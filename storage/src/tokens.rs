//! API tokens for integrations: shown once, stored as a SHA-256 hash, revocable.

use crate::{Db, StorageError};
use chrono::Utc;

/// Stores a token's hash for an account, with its audit entry (about the new token) in the
/// same transaction; returns the token's id.
///
/// # Errors
/// The database refused the insert.
#[tracing::instrument(skip_all)]
pub async fn insert(
    db: &Db,
    account_id: i64,
    token_hash: &str,
    label: &str,
    audit: &crate::audit::AuditEntry<'_>,
) -> Result<i64, StorageError> {
    let mut tx = db.pool().begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (account_id, token_hash, label, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(account_id)
    .bind(token_hash)
    .bind(label)
    .bind(Utc::now().to_rfc3339())
    .fetch_one(&mut *tx)
    .await?;
    crate::audit::record_in(&mut *tx, &audit.about(id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// The account a live (not revoked) token belongs to.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn account_for(db: &Db, token_hash: &str) -> Result<Option<i64>, StorageError> {
    Ok(sqlx::query_scalar(
        "SELECT account_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(token_hash)
    .fetch_optional(db.pool())
    .await?)
}

/// Revokes a token, with its audit entry in the same transaction; false when there was no live token with that id.
///
/// # Errors
/// The database refused the update.
#[tracing::instrument(skip_all)]
pub async fn revoke(
    db: &Db,
    token_id: i64,
    audit: &crate::audit::AuditEntry<'_>,
) -> Result<bool, StorageError> {
    let mut tx = db.pool().begin().await?;
    let n =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(Utc::now().to_rfc3339())
            .bind(token_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if n != 1 {
        return Ok(false);
    }
    crate::audit::record_in(&mut *tx, &audit.about(token_id)).await?;
    tx.commit().await?;
    Ok(true)
}
