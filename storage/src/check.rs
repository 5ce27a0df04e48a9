//! Consistency checks of a live database, for operators (`tianlian check`) and the crash and
//! load scripts: the engine's own integrity check and the wage ledger's rules.

use crate::{Backend, Db, StorageError};

/// What `tianlian check` reports.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// `ok`, or what SQLite's `quick_check` found (PostgreSQL: `ok` when every table reads).
    pub integrity: String,
    /// Ledger entries (work and reversals).
    pub entries: i64,
    pub entries_fen: i64,
    pub payments_fen: i64,
    /// Reversals that are not the exact negative of the entry they reverse.
    pub broken_reversals: i64,
    /// Bookings (shift, person) paid more than their entries sum to.
    pub overpaid: i64,
    /// Bookings with more than one work entry still standing (not reversed).
    pub duplicate_work_entries: i64,
    pub plantings: i64,
}

impl Report {
    /// Whether every rule holds.
    pub fn sound(&self) -> bool {
        self.integrity == "ok"
            && self.broken_reversals == 0
            && self.overpaid == 0
            && self.duplicate_work_entries == 0
    }
}

async fn scalar(db: &Db, sql: &str) -> Result<i64, StorageError> {
    Ok(sqlx::query_scalar(sql).fetch_one(db.pool()).await?)
}

/// Runs every check.
///
/// # Errors
/// The database could not be read.
#[tracing::instrument(skip_all)]
pub async fn run(db: &Db) -> Result<Report, StorageError> {
    let integrity = match db.backend() {
        Backend::Sqlite => {
            let lines: Vec<String> = sqlx::query_scalar("PRAGMA quick_check")
                .fetch_all(db.pool())
                .await?;
            lines.join("; ")
        }
        Backend::Postgres => "ok".to_owned(),
    };
    let (entries_fen, payments_fen, broken_reversals) = crate::work::ledger_check(db).await?;
    Ok(Report {
        integrity,
        entries: scalar(db, "SELECT COUNT(*) FROM wage_entries").await?,
        entries_fen,
        payments_fen,
        broken_reversals,
        overpaid: scalar(
            db,
            "SELECT COUNT(*) FROM (
               SELECT p.shift_id, p.person_id, SUM(p.amount_fen) AS paid FROM wage_payments p
               GROUP BY p.shift_id, p.person_id) paid
             WHERE paid.paid > COALESCE((SELECT SUM(w.amount_fen) FROM wage_entries w
                   WHERE w.shift_id = paid.shift_id AND w.person_id = paid.person_id), 0)",
        )
        .await?,
        duplicate_work_entries: scalar(
            db,
            "SELECT COUNT(*) FROM (
               SELECT w.shift_id, w.person_id FROM wage_entries w
               WHERE w.kind = 'work' AND NOT EXISTS (SELECT 1 FROM wage_entries r WHERE r.reverses_id = w.id)
               GROUP BY w.shift_id, w.person_id HAVING COUNT(*) > 1) dup",
        )
        .await?,
        plantings: scalar(db, "SELECT COUNT(*) FROM plantings").await?,
    })
}
