//! Scratch databases for tests: a fresh SQLite file, or a fresh PostgreSQL database created
//! next to `TEST_DATABASE_URL` and dropped afterwards.

use crate::{Db, DbOptions, StorageError};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The engines a test should run on: SQLite always, PostgreSQL when `TEST_DATABASE_URL` is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres(String),
}

impl Engine {
    pub fn name(&self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres(_) => "postgres",
        }
    }
}

/// SQLite, plus PostgreSQL when `TEST_DATABASE_URL` is set (a note says so when it is not).
pub fn engines() -> Vec<Engine> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => vec![Engine::Sqlite, Engine::Postgres(url)],
        _ => {
            eprintln!(
                "note: TEST_DATABASE_URL is unset: PostgreSQL runs of this test are SKIPPED (SQLite only)"
            );
            vec![Engine::Sqlite]
        }
    }
}

fn unique_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "tianlian_test_{}_{}_{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// One connection to the server's own database, for creating, ending and dropping others.
async fn admin(admin_url: &str) -> Result<Db, StorageError> {
    Db::connect(
        admin_url,
        &DbOptions {
            max_connections: 1,
            ..DbOptions::default()
        },
    )
    .await
}

/// A database that exists only for one test.
#[derive(Debug)]
pub struct ScratchDb {
    pub url: String,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

impl ScratchDb {
    /// Creates an empty database on `engine` (not yet migrated).
    ///
    /// # Errors
    /// PostgreSQL is unreachable or refuses `CREATE DATABASE`.
    pub async fn create(engine: &Engine) -> Result<ScratchDb, StorageError> {
        let name = unique_name();
        match engine {
            Engine::Sqlite => {
                let dir = std::env::temp_dir().join("tianlian-tests");
                std::fs::create_dir_all(&dir)?;
                let path = dir.join(format!("{name}.db"));
                Ok(ScratchDb {
                    url: format!("sqlite://{}", path.display()),
                    cleanup: Cleanup::File(path),
                })
            }
            Engine::Postgres(admin_url) => {
                let admin = admin(admin_url).await?;
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(admin.pool())
                    .await?;
                admin.close().await;
                let base = admin_url
                    .rsplit_once('/')
                    .map_or(admin_url.as_str(), |(b, _)| b);
                Ok(ScratchDb {
                    url: format!("{base}/{name}"),
                    cleanup: Cleanup::Postgres {
                        admin_url: admin_url.clone(),
                        name,
                    },
                })
            }
        }
    }

    /// Ends every server process connected to this PostgreSQL database, as a database restart
    /// would, and says how many there were (SQLite has none: 0).
    ///
    /// # Errors
    /// PostgreSQL is unreachable.
    pub async fn end_connections(&self) -> Result<i64, StorageError> {
        let Cleanup::Postgres { admin_url, name } = &self.cleanup else {
            return Ok(0);
        };
        let admin = admin(admin_url).await?;
        let ended: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = $1 AND pid <> pg_backend_pid()) AS ended",
        )
        .bind(name.as_str())
        .fetch_one(admin.pool())
        .await?;
        admin.close().await;
        Ok(ended)
    }

    /// Removes the database (best effort: a failure only leaves a scratch database behind).
    pub async fn drop_now(self) {
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(admin) = admin(&admin_url).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(admin.pool())
                        .await;
                    admin.close().await;
                }
            }
        }
    }
}

/// Rows in `table` (tests check counts without SQL of their own).
///
/// # Errors
/// The table does not exist or the database failed.
pub async fn row_count(db: &Db, table: &str) -> Result<i64, StorageError> {
    if !table.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
        return Err(StorageError::Corrupt(format!("table name `{table}`")));
    }
    Ok(sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(db.pool())
        .await?)
}

/// Runs one statement (tests that must build a database unlike Tianlian's).
///
/// # Errors
/// The statement failed.
pub async fn execute(db: &Db, sql: &str) -> Result<(), StorageError> {
    sqlx::query(sql).execute(db.pool()).await?;
    Ok(())
}

/// The text in `column` of row `id` of `table` (tests read back fields no API returns).
///
/// # Errors
/// A name that is not a plain identifier, no such row, or the database failed.
pub async fn text_of(db: &Db, table: &str, column: &str, id: i64) -> Result<String, StorageError> {
    let plain =
        |name: &str| !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_');
    if !plain(table) || !plain(column) {
        return Err(StorageError::Corrupt(format!("name `{table}.{column}`")));
    }
    Ok(
        sqlx::query_scalar(&format!("SELECT {column} FROM {table} WHERE id = $1"))
            .bind(id)
            .fetch_one(db.pool())
            .await?,
    )
}
