//! Backups of the embedded SQLite database. `backup` writes a consistent copy while the server
//! runs: `VACUUM INTO` reads the whole database in one read transaction, so writers carry on
//! (WAL) and the copy is the database as of one instant, never half a write. `restore` checks a
//! copy (SQLite header, `integrity_check`, `foreign_key_check`, migrations this build knows)
//! before it replaces the database file atomically. PostgreSQL is backed up with
//! `pg_dump`/`pg_restore` (README, "Backups").

use crate::{Backend, Db, DbOptions, SQLITE_MIGRATIONS, StorageError};
use std::path::{Path, PathBuf};

/// Why a backup or restore did not happen (nothing was changed).
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("PostgreSQL is backed up with pg_dump and pg_restore (see the README, \"Backups\")")]
    Postgres,
    #[error("{0} already exists: choose a new file name")]
    Exists(PathBuf),
    #[error("{0} is not a SQLite database")]
    NotSqlite(PathBuf),
    #[error("{0} failed its integrity check: {1}")]
    Corrupt(PathBuf, String),
    #[error("{0} is not a Tianlian database (no migration table)")]
    NotTianlian(PathBuf),
    #[error("{0} was written by a newer Tianlian (migration {1} is unknown to this build)")]
    Newer(PathBuf, i64),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for BackupError {
    fn from(e: sqlx::Error) -> Self {
        BackupError::Storage(e.into())
    }
}

/// What a checked copy holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub bytes: u64,
    pub migrations: i64,
    pub plantings: i64,
    pub wage_entries: i64,
    pub leases: i64,
}

/// Writes a consistent copy of the (running) SQLite database to `dest`, then checks it.
///
/// # Errors
/// A PostgreSQL database, an existing `dest`, or the copy failed or does not check out.
#[tracing::instrument(skip_all)]
pub async fn backup(db: &Db, dest: &Path) -> Result<Summary, BackupError> {
    if db.backend() == Backend::Postgres {
        return Err(BackupError::Postgres);
    }
    if dest.exists() {
        return Err(BackupError::Exists(dest.to_owned()));
    }
    if let Some(parent) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    // Written beside the destination, then renamed: a crash leaves no half file under its name.
    let partial = partial_name(dest);
    let _ = std::fs::remove_file(&partial);
    sqlx::query("VACUUM INTO $1")
        .bind(partial.to_string_lossy().into_owned())
        .execute(db.pool())
        .await?;
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, dest)?;
    check(dest).await
}

/// Checks that `file` is a sound Tianlian SQLite database this build can run on.
///
/// # Errors
/// Not SQLite, failed integrity or foreign-key checks, not Tianlian's, or newer than this build.
#[tracing::instrument(skip_all)]
pub async fn check(file: &Path) -> Result<Summary, BackupError> {
    let mut header = [0u8; 16];
    {
        use std::io::Read;
        let mut f = std::fs::File::open(file)?;
        if f.read_exact(&mut header).is_err() || &header != b"SQLite format 3\0" {
            return Err(BackupError::NotSqlite(file.to_owned()));
        }
    }
    let url = format!("sqlite://{}?mode=ro", file.display());
    let db = Db::connect_plain(&url, &DbOptions::default()).await?;
    let result = inspect(&db, file).await;
    db.close().await;
    result
}

async fn inspect(db: &Db, file: &Path) -> Result<Summary, BackupError> {
    let integrity: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(db.pool())
        .await?;
    if integrity != ["ok"] {
        return Err(BackupError::Corrupt(file.to_owned(), integrity.join("; ")));
    }
    let dangling: Vec<String> =
        sqlx::query_scalar("SELECT \"table\" FROM pragma_foreign_key_check")
            .fetch_all(db.pool())
            .await?;
    if !dangling.is_empty() {
        return Err(BackupError::Corrupt(
            file.to_owned(),
            format!("broken references in {}", dangling.join(", ")),
        ));
    }
    let has_migrations: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(db.pool())
    .await?;
    if has_migrations == 0 {
        return Err(BackupError::NotTianlian(file.to_owned()));
    }
    let versions: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = 1")
            .fetch_all(db.pool())
            .await?;
    if let Some(unknown) = versions
        .iter()
        .find(|v| !SQLITE_MIGRATIONS.iter().any(|m| m.version == **v))
    {
        return Err(BackupError::Newer(file.to_owned(), *unknown));
    }
    let count = |table: &'static str| {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        async move {
            sqlx::query_scalar::<_, i64>(&sql)
                .fetch_one(db.pool())
                .await
        }
    };
    Ok(Summary {
        bytes: std::fs::metadata(file)?.len(),
        migrations: i64::try_from(versions.len()).unwrap_or(i64::MAX),
        plantings: count("plantings").await?,
        wage_entries: count("wage_entries").await?,
        leases: count("leases").await?,
    })
}

/// Replaces the SQLite database at `url` with the checked copy `from`. The server must be
/// stopped: a running server would keep writing to the file it has open.
///
/// # Errors
/// A PostgreSQL URL, or `from` does not check out (then nothing is changed).
#[tracing::instrument(skip_all)]
pub async fn restore(from: &Path, url: &str) -> Result<Summary, BackupError> {
    if Backend::of_url(url)? == Backend::Postgres {
        return Err(BackupError::Postgres);
    }
    let summary = check(from).await?;
    let target = sqlite_path(url);
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let partial = partial_name(&target);
    std::fs::copy(from, &partial)?;
    std::fs::File::open(&partial)?.sync_all()?;
    // The old database's write-ahead log belongs to the old file: it must not replay onto this one.
    for side in ["-wal", "-shm"] {
        let mut name = target.clone().into_os_string();
        name.push(side);
        let _ = std::fs::remove_file(name);
    }
    std::fs::rename(&partial, &target)?;
    Ok(summary)
}

/// The file a `sqlite://…` URL names.
pub fn sqlite_path(url: &str) -> PathBuf {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    PathBuf::from(rest.split_once('?').map_or(rest, |(path, _)| path))
}

fn partial_name(file: &Path) -> PathBuf {
    let mut name = file.to_owned().into_os_string();
    name.push(".partial");
    PathBuf::from(name)
}
