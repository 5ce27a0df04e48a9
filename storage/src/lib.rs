//! The storage layer: every SQL statement Tianlian runs, one module per aggregate, as free
//! functions taking the [`Db`]. One build serves SQLite (embedded default) and PostgreSQL.
//!
//! Statements are written once for both engines through sqlx's `Any` driver: `$n` placeholders,
//! dates as ISO `YYYY-MM-DD` text, areas in hundredths of a mu and money in fen as `BIGINT`.

pub mod accounts;
pub mod alliance;
pub mod audit;
pub mod backup;
pub mod check;
mod columns;
pub mod cooperatives;
pub mod county;
pub mod crops;
pub mod demo;
pub mod feeds;
pub mod households;
pub mod imports;
pub mod market;
pub mod overview;
pub mod paging;
pub mod places;
pub mod plantings;
pub mod plots;
pub mod sessions;
pub mod sites;
pub mod targets;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod throttle;
pub mod tokens;
pub mod work;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::pool::PoolConnectionMetadata;
use sqlx::{AnyPool, Connection, Executor};
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Once;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// The default database when `DATABASE_URL` is unset: a SQLite file next to the working directory.
pub const DEFAULT_SQLITE_URL: &str = "sqlite://data/tianlian.db";

/// Which engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The engine named by a database URL.
    ///
    /// # Errors
    /// [`StorageError::UnsupportedUrl`] for anything but `sqlite:` and `postgres(ql):`.
    pub fn of_url(url: &str) -> Result<Self, StorageError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StorageError::UnsupportedUrl(
                url.split(':').next().unwrap_or("").to_owned(),
            ))
        }
    }

    /// `"sqlite"` or `"postgres"`, as `/healthz` reports it.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Errors of the storage layer. The message is for logs, never for users.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database error")]
    Database(#[from] sqlx::Error),
    #[error("migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL scheme `{0}` (use sqlite: or postgres:)")]
    UnsupportedUrl(String),
    #[error("could not create the database folder")]
    Io(#[from] std::io::Error),
    #[error("stored value is invalid: {0}")]
    Corrupt(String),
}

/// Whether the database refused a row because a unique key already holds its value.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// A pool of connections to the one database, and which engine it is.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

fn install_drivers_once() {
    static DRIVERS: Once = Once::new();
    DRIVERS.call_once(install_default_drivers);
}

/// A pooled PostgreSQL connection idle at least this long is pinged before it is handed out.
pub const PING_IF_IDLE_FOR: Duration = Duration::from_secs(1);

/// The check before a pooled PostgreSQL connection is used: ping it only if it sat idle for
/// [`PING_IF_IDLE_FOR`] or more. Pinging every one (sqlx's default) doubled each query's round
/// trips under load, where connections are never idle that long. A connection that died while
/// idle (a database restart, a dropped network) fails its ping and is replaced with a new one,
/// so the next request does not see the error; one that dies within the second after its last
/// use fails the query that meets it, as it would have failed mid-query anyway.
pub fn ping_if_idle<C: Connection>(
    conn: &mut C,
    meta: PoolConnectionMetadata,
) -> Pin<Box<dyn Future<Output = Result<bool, sqlx::Error>> + Send + '_>> {
    Box::pin(async move {
        if meta.idle_for >= PING_IF_IDLE_FOR {
            conn.ping().await?;
        }
        Ok(true)
    })
}

/// How to open the pool.
#[derive(Debug, Clone)]
pub struct DbOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for DbOptions {
    fn default() -> Self {
        DbOptions {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

impl Db {
    /// Opens the database at `url`, creating a SQLite file (and its folder) when missing.
    /// SQLite connections use WAL, foreign keys and a 5 s busy timeout.
    ///
    /// # Errors
    /// An unsupported URL, a folder that can't be created, or a database that can't be reached.
    #[tracing::instrument(skip_all)]
    pub async fn connect(url: &str, options: &DbOptions) -> Result<Db, StorageError> {
        install_drivers_once();
        let backend = Backend::of_url(url)?;
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url)?,
            Backend::Postgres => url.to_owned(),
        };
        let is_sqlite = backend == Backend::Sqlite;
        let mut pool_options = AnyPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            // sqlx's default pings a connection before each use. A SQLite connection is a file
            // handle in this process: the ping only doubled every query's round trip to its
            // worker thread. A PostgreSQL connection can die with the network or a database
            // restart, so one that sat idle is still pinged (see `ping_if_idle`).
            .test_before_acquire(false);
        if !is_sqlite {
            pool_options = pool_options.before_acquire(ping_if_idle);
        }
        let pool = pool_options
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if is_sqlite {
                        // WAL lets readers run beside the one writer; NORMAL sync in WAL mode keeps
                        // every committed write across a process crash (not across power loss).
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        Ok(Db { pool, backend })
    }

    /// Opens a SQLite file as it is, without the server's connection settings (for checking a
    /// backup read-only: `?mode=ro`).
    ///
    /// # Errors
    /// The file can't be opened.
    #[tracing::instrument(skip_all)]
    pub async fn connect_plain(url: &str, options: &DbOptions) -> Result<Db, StorageError> {
        install_drivers_once();
        let pool = AnyPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout)
            .connect(url)
            .await?;
        Ok(Db {
            pool,
            backend: Backend::of_url(url)?,
        })
    }

    /// Applies the migrations of this engine that have not run yet (forward only).
    ///
    /// # Errors
    /// A migration that fails, or one already applied whose file has changed.
    #[tracing::instrument(skip_all)]
    pub async fn migrate(&self) -> Result<(), StorageError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        crops::seed_catalogue(self).await?;
        sites::seed_catalogue(self).await
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks that the database answers.
    ///
    /// # Errors
    /// The database is unreachable.
    #[tracing::instrument(skip_all)]
    pub async fn ping(&self) -> Result<(), StorageError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection (waits for the ones in use to come back).
    #[tracing::instrument(skip_all)]
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// Makes sure the SQLite file's folder exists and that the file is created when missing.
pub(crate) fn prepare_sqlite_url(url: &str) -> Result<String, StorageError> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path != ":memory:"
        && let Some(parent) = Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent)?;
    }
    let query = if query.contains("mode=") {
        query.to_owned()
    } else if query.is_empty() {
        "mode=rwc".to_owned()
    } else {
        format!("{query}&mode=rwc")
    };
    Ok(format!("sqlite://{path}?{query}"))
}

/// `AND column = $n` for each filter that is set, numbered from `$first`, with the values to
/// bind in order. Optional filters written as `($n IS NULL OR column = $n)` keep both engines
/// from using an index (they plan for any value), so lists that may be narrowed build their
/// `WHERE` with this instead.
pub(crate) fn and_equal(
    filters: &[(&'static str, Option<i64>)],
    first: usize,
) -> (String, Vec<i64>) {
    let mut terms = String::new();
    let mut binds = Vec::new();
    for (column, value) in filters {
        if let Some(v) = value {
            binds.push(*v);
            terms.push_str(&format!(" AND {column} = ${}", first + binds.len() - 1));
        }
    }
    (terms, binds)
}

/// A value to bind to a `$n` placeholder of a statement built at run time.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Bind {
    Int(i64),
    Text(String),
}

/// `query` with mixed `values` bound in order.
pub(crate) fn bind_values<'q, O>(
    query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    values: Vec<Bind>,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    values.into_iter().fold(query, |query, v| match v {
        Bind::Int(i) => query.bind(i),
        Bind::Text(t) => query.bind(t),
    })
}

/// `text` for a `LIKE … ESCAPE '\'` pattern: `%`, `_` and `\` match only themselves.
pub(crate) fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `query` with `values` bound in order (the values [`and_equal`] returns).
pub(crate) fn bind_all<'q, O>(
    query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>,
    values: Vec<i64>,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>> {
    values.into_iter().fold(query, |query, v| query.bind(v))
}

pub(crate) fn iso(date: chrono::NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// Reads an ISO date column.
pub(crate) fn parse_iso(text: &str) -> Result<chrono::NaiveDate, StorageError> {
    chrono::NaiveDate::from_str(text).map_err(|_| StorageError::Corrupt(format!("date `{text}`")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_is_read_from_the_url() {
        assert_eq!(
            Backend::of_url("sqlite://data/x.db").ok(),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            Backend::of_url("postgres://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::of_url("postgresql://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert!(
            matches!(Backend::of_url("mysql://x"), Err(StorageError::UnsupportedUrl(s)) if s == "mysql")
        );
    }

    #[test]
    fn sqlite_urls_create_the_file_when_missing() {
        let dir = std::env::temp_dir().join(format!("tianlian-url-{}", std::process::id()));
        let url = format!("sqlite:{}/a/b.db", dir.display());
        let prepared = prepare_sqlite_url(&url).expect("folder created");
        assert!(prepared.ends_with("/a/b.db?mode=rwc"), "{prepared}");
        assert!(dir.join("a").is_dir());
        assert_eq!(
            prepare_sqlite_url("sqlite::memory:").expect("memory"),
            "sqlite://:memory:?mode=rwc"
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
