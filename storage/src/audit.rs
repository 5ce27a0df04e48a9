//! The audit log: who changed what, when, with the record before and after (JSON, written by
//! serde). A write that is audited takes its [`AuditEntry`] and records it in the write's own
//! transaction, so the entry is stored exactly when the change is.

use crate::{Db, StorageError};
use chrono::Utc;

/// One change to record.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub account_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> AuditEntry<'a> {
    /// An entry by `account_id` about `entity` (its id, when known, is set by [`Self::about`]
    /// or by the write that creates it).
    #[must_use]
    pub fn new(account_id: Option<i64>, action: &'a str, entity: &'a str) -> Self {
        AuditEntry {
            account_id,
            action,
            entity,
            entity_id: None,
            before: None,
            after: None,
        }
    }

    /// The same entry about record `id`.
    #[must_use]
    pub fn about(&self, id: i64) -> Self {
        AuditEntry {
            entity_id: Some(id),
            ..self.clone()
        }
    }

    /// The same entry with the record as it was before the change.
    #[must_use]
    pub fn before(self, value: serde_json::Value) -> Self {
        AuditEntry {
            before: Some(value),
            ..self
        }
    }

    /// The same entry with the record as it is after the change.
    #[must_use]
    pub fn after(self, value: serde_json::Value) -> Self {
        AuditEntry {
            after: Some(value),
            ..self
        }
    }
}

/// A recorded change.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AuditRow {
    pub id: i64,
    #[sqlx(try_from = "crate::columns::Timestamp")]
    pub at: chrono::DateTime<chrono::Utc>,
    pub account_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// Appends an entry on a connection or in a transaction: in the change's own transaction, the
/// entry is stored exactly when the change is.
///
/// # Errors
/// The database refused the insert.
#[tracing::instrument(skip_all)]
pub async fn record_in<'e, E>(ex: E, e: &AuditEntry<'_>) -> Result<(), StorageError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO audit_log (at, account_id, action, entity, entity_id, before_json, after_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(Utc::now().to_rfc3339())
    .bind(e.account_id)
    .bind(e.action)
    .bind(e.entity)
    .bind(e.entity_id)
    .bind(e.before.as_ref().map(serde_json::Value::to_string))
    .bind(e.after.as_ref().map(serde_json::Value::to_string))
    .execute(ex)
    .await?;
    Ok(())
}

/// Up to `limit` entries about account `id` (done to it) or by it, newest first.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn of_account(db: &Db, id: i64, limit: i64) -> Result<Vec<AuditRow>, StorageError> {
    Ok(sqlx::query_as(
        "SELECT id, at, account_id, action, entity, entity_id, before_json, after_json
         FROM audit_log WHERE (entity = 'account' AND entity_id = $1) OR account_id = $1
         ORDER BY id DESC LIMIT $2",
    )
    .bind(id)
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}

/// Up to `limit` entries older than `before` (an id; `None`: the newest), newest first.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn before(
    db: &Db,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRow>, StorageError> {
    Ok(sqlx::query_as(
        "SELECT id, at, account_id, action, entity, entity_id, before_json, after_json
         FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(before.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}

/// The latest entries, newest first.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn latest(db: &Db, limit: i64) -> Result<Vec<AuditRow>, StorageError> {
    Ok(sqlx::query_as(
        "SELECT id, at, account_id, action, entity, entity_id, before_json, after_json
         FROM audit_log ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}
