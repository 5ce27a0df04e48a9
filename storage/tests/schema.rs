//! The SQLite and PostgreSQL migrations must keep defining the same schema: the same tables,
//! columns (and which may be empty), indexes, unique keys, foreign keys and CHECK constraints.
//! Each engine is migrated from scratch and read back from its own catalogue.

use std::collections::BTreeMap;
use tianlian_storage::testing::{Engine, ScratchDb, TableSchema, engines, schema};

#[tokio::test]
async fn the_sqlite_and_postgres_migrations_define_the_same_schema() {
    let Some(pg) = engines()
        .into_iter()
        .find(|e| matches!(e, Engine::Postgres(_)))
    else {
        eprintln!("note: TEST_DATABASE_URL is unset: the schema comparison is SKIPPED");
        return;
    };
    let (lite_scratch, lite) = ScratchDb::migrated(&Engine::Sqlite).await;
    let (pg_scratch, postgres) = ScratchDb::migrated(&pg).await;
    let a = schema(&lite).await;
    let b = schema(&postgres).await;
    assert!(a.len() > 10, "read {} SQLite tables", a.len());
    let names = |s: &BTreeMap<String, TableSchema>| s.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "the engines have different tables");
    for (name, lite_table) in &a {
        assert_eq!(
            Some(lite_table),
            b.get(name),
            "table {name}: SQLite (left) and PostgreSQL (right) differ"
        );
    }
    lite.close().await;
    postgres.close().await;
    lite_scratch.drop_now().await;
    pg_scratch.drop_now().await;
}
