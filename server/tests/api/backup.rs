//! #8 backups: `tianlian backup FILE` copies a running SQLite database while writes go on, and
//! `tianlian restore FILE` puts a checked copy back; bad files are refused.

use crate::helpers::spawn_app;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tianlian_storage::backup::{self, BackupError};
use tianlian_storage::testing::{self, Engine, engines};
use tianlian_storage::{Db, DbOptions, work};

fn scratch_dir(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("tianlian-{name}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

async fn persons(db: &Db) -> i64 {
    testing::row_count(db, "persons").await.expect("count")
}

#[tokio::test]
async fn a_backup_taken_during_writes_is_one_instant_and_restores_to_a_sound_database() {
    let app = spawn_app(Engine::Sqlite).await;
    let dir = scratch_dir("backup");
    let household = tianlian_storage::households::id_by_code(&app.db, "demo-0-0-009")
        .await
        .expect("db")
        .expect("household");
    // A writer adds people as fast as it can while the backups run.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (db, stop) = (app.db.clone(), stop.clone());
        tokio::spawn(async move {
            let mut written = 0_i64;
            while !stop.load(Ordering::Relaxed) {
                work::add_person(&db, household, &format!("写入{written}"), None, true)
                    .await
                    .expect("write");
                written += 1;
            }
            written
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let before = persons(&app.db).await;
    let file = dir.join("copy.db");
    let summary = backup::backup(&app.db, &file).await.expect("backup");
    // The command-line tool, against the same running database.
    let by_cli = dir.join("cli.db");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tianlian"))
        .arg("backup")
        .arg(&by_cli)
        .env("DATABASE_URL", &app.database_url)
        .output()
        .expect("tianlian backup");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("plantings"));
    let after = persons(&app.db).await;
    stop.store(true, Ordering::Relaxed);
    let written = writer.await.expect("writer");
    assert!(
        written > 0 && after > before,
        "writes went on during the backup"
    );
    assert!(summary.plantings > 0 && summary.leases > 0 && summary.wage_entries > 0);

    // Restored to a new place: sound, migratable, with the rows of one instant.
    let restored = dir.join("restored").join("tianlian.db");
    let url = format!("sqlite://{}", restored.display());
    backup::restore(&file, &url).await.expect("restore");
    let db = Db::connect(&url, &DbOptions::default())
        .await
        .expect("open");
    db.migrate()
        .await
        .expect("migrations run on the restored copy");
    let copied = persons(&db).await;
    assert!(
        before <= copied && copied <= after,
        "{before} <= {copied} <= {after}"
    );
    let (entries, _paid, broken) = work::ledger_check(&db).await.expect("ledger");
    assert_eq!(broken, 0);
    assert!(entries > 0);
    db.close().await;
    backup::check(&restored)
        .await
        .expect("integrity of the restored file");
    backup::check(&by_cli)
        .await
        .expect("integrity of the CLI copy");

    // Refusals, each changing nothing.
    assert!(matches!(
        backup::backup(&app.db, &file).await,
        Err(BackupError::Exists(_))
    ));
    let text = dir.join("notes.txt");
    std::fs::write(&text, "not a database").expect("write");
    assert!(matches!(
        backup::restore(&text, &url).await,
        Err(BackupError::NotSqlite(_))
    ));
    let empty = dir.join("empty.db");
    let other = Db::connect(
        &format!("sqlite://{}", empty.display()),
        &DbOptions::default(),
    )
    .await
    .expect("empty");
    testing::execute(&other, "CREATE TABLE t (x INTEGER)")
        .await
        .expect("t");
    other.close().await;
    assert!(matches!(
        backup::restore(&empty, &url).await,
        Err(BackupError::NotTianlian(_))
    ));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tianlian"))
        .arg("restore")
        .arg(&text)
        .env("DATABASE_URL", &url)
        .output()
        .expect("tianlian restore");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a SQLite database"));
    // The restored database is untouched by the refused restores.
    let db = Db::connect(&url, &DbOptions::default())
        .await
        .expect("open");
    assert_eq!(persons(&db).await, copied);
    db.close().await;

    app.finish().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn postgres_is_pointed_to_pg_dump() {
    for engine in engines() {
        if let Engine::Postgres(_) = engine {
            let app = spawn_app(engine).await;
            let file = scratch_dir("pg").join("copy.db");
            let refused = backup::backup(&app.db, &file).await;
            assert!(matches!(refused, Err(BackupError::Postgres)));
            assert!(!file.exists());
            app.finish().await;
        }
    }
}
