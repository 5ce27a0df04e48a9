//! Scratch databases for tests: a fresh SQLite file, or a fresh PostgreSQL database created
//! next to `TEST_DATABASE_URL` and dropped afterwards.

use crate::{Db, DbOptions, StorageError};
use std::collections::BTreeMap;
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
    /// A new database on `engine`, migrated, with a pool open on it.
    ///
    /// # Panics
    /// The database cannot be created, reached or migrated (test use only).
    pub async fn migrated(engine: &Engine) -> (ScratchDb, Db) {
        let scratch = ScratchDb::create(engine).await.expect("scratch database");
        let db = Db::connect(&scratch.url, &DbOptions::default())
            .await
            .expect("connect");
        db.migrate().await.expect("migrate");
        (scratch, db)
    }

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

/// One table as its engine's catalogue describes it, in a form both engines produce: what the
/// schema comparison of the two migration folders looks at.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TableSchema {
    /// (column, NOT NULL or primary key)
    pub columns: Vec<(String, bool)>,
    /// (index name, unique, columns) for indexes made by CREATE INDEX
    pub indexes: Vec<(String, bool, String)>,
    /// Column lists of UNIQUE constraints
    pub unique: Vec<String>,
    /// (column, referenced table)
    pub foreign_keys: Vec<(String, String)>,
    pub checks: i64,
}

async fn strings(db: &Db, sql: &str, table: &str) -> Vec<String> {
    sqlx::query_scalar::<_, String>(sql)
        .bind(table)
        .fetch_all(db.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn sqlite_schema(db: &Db) -> BTreeMap<String, TableSchema> {
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .fetch_all(db.pool())
    .await
    .expect("tables");
    let mut out = BTreeMap::new();
    for (name, sql) in tables {
        let columns: Vec<(String, i64, i64)> =
            sqlx::query_as("SELECT name, \"notnull\", pk FROM pragma_table_info($1)")
                .bind(&name)
                .fetch_all(db.pool())
                .await
                .expect("columns");
        let list: Vec<(String, i64, String)> =
            sqlx::query_as("SELECT name, \"unique\", origin FROM pragma_index_list($1)")
                .bind(&name)
                .fetch_all(db.pool())
                .await
                .expect("indexes");
        let mut t = TableSchema {
            columns: columns
                .into_iter()
                .map(|(c, notnull, pk)| (c, notnull != 0 || pk != 0))
                .collect(),
            checks: i64::try_from(sql.matches("CHECK (").count() + sql.matches("CHECK(").count())
                .unwrap_or(i64::MAX),
            ..TableSchema::default()
        };
        for (index, unique, origin) in list {
            let cols = strings(
                db,
                "SELECT name FROM pragma_index_info($1) ORDER BY seqno",
                &index,
            )
            .await
            .join(",");
            match origin.as_str() {
                "c" => t.indexes.push((index, unique != 0, cols)),
                "u" => t.unique.push(cols),
                _ => {}
            }
        }
        let fks: Vec<(String, String)> =
            sqlx::query_as("SELECT \"from\", \"table\" FROM pragma_foreign_key_list($1)")
                .bind(&name)
                .fetch_all(db.pool())
                .await
                .expect("foreign keys");
        t.foreign_keys = fks;
        out.insert(name, t);
    }
    out
}

async fn postgres_schema(db: &Db) -> BTreeMap<String, TableSchema> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
           AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(db.pool())
    .await
    .expect("tables");
    let mut out = BTreeMap::new();
    for name in tables {
        let columns: Vec<(String, String)> = sqlx::query_as(
            "SELECT column_name::text, is_nullable::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(&name)
        .fetch_all(db.pool())
        .await
        .expect("columns");
        let indexes: Vec<(String, i64, String)> = sqlx::query_as(
            "SELECT c.relname::text, (CASE WHEN i.indisunique THEN 1 ELSE 0 END)::bigint,
                    array_to_string(ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
                        FROM generate_series(1, i.indnatts) k ORDER BY k), ',')
             FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             JOIN pg_class t ON t.oid = i.indrelid
             WHERE t.relname = $1 AND t.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
               AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
        )
        .bind(&name)
        .fetch_all(db.pool())
        .await
        .expect("indexes");
        let unique = strings(
            db,
            "SELECT array_to_string(ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, o)
                 JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o), ',')
             FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
             WHERE k.contype = 'u' AND t.relname = $1 AND t.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())",
            &name,
        )
        .await;
        let foreign_keys: Vec<(String, String)> = sqlx::query_as(
            "SELECT a.attname::text, r.relname::text FROM pg_constraint k
             JOIN pg_class t ON t.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid
             JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
             WHERE k.contype = 'f' AND t.relname = $1 AND t.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())",
        )
        .bind(&name)
        .fetch_all(db.pool())
        .await
        .expect("foreign keys");
        let checks: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
             WHERE k.contype = 'c' AND t.relname = $1 AND t.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())",
        )
        .bind(&name)
        .fetch_one(db.pool())
        .await
        .expect("checks");
        out.insert(
            name,
            TableSchema {
                columns: columns
                    .into_iter()
                    .map(|(c, nullable)| (c, nullable == "NO"))
                    .collect(),
                indexes: indexes
                    .into_iter()
                    .map(|(n, u, cols)| (n, u != 0, cols))
                    .collect(),
                unique,
                foreign_keys,
                checks,
            },
        );
    }
    out
}

/// Sorted, so that the order the catalogues list things in does not matter (column order does).
fn normalised(mut schema: BTreeMap<String, TableSchema>) -> BTreeMap<String, TableSchema> {
    for t in schema.values_mut() {
        t.indexes.sort();
        t.unique.sort();
        t.foreign_keys.sort();
    }
    schema
}

/// The schema of a migrated database, read from its own catalogue (SQLite's `sqlite_master` and
/// pragmas, PostgreSQL's `information_schema` and `pg_catalog`), sorted where order is not part
/// of the definition.
///
/// # Panics
/// A catalogue query fails (test use only).
pub async fn schema(db: &Db) -> BTreeMap<String, TableSchema> {
    normalised(match db.backend() {
        crate::Backend::Sqlite => sqlite_schema(db).await,
        crate::Backend::Postgres => postgres_schema(db).await,
    })
}
