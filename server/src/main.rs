//! `tianlian`: serve the app, apply migrations, or load the demo data.

use app::usecases::forecasting::WeatherImportError;
use clap::{Parser, Subcommand};
use server::config::Settings;
use server::startup::{Application, connect_and_migrate, shutdown_signal};
use server::telemetry;
use tianlian_domain::Lang;

/// mimalloc instead of the system allocator: with 64 requests in flight glibc's per-thread
/// arenas held twice the memory (bench/load.py: peak resident memory), and allocation was a
/// tenth of the farmer page's CPU time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "tianlian",
    version,
    about = "田联 Tianlian: winter crop planning for townships"
)]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app (the default).
    Serve {
        /// Load the demo data before serving.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load the demo data and demo accounts (idempotent) and exit.
    Demo,
    /// Copy the running SQLite database to FILE, consistently, while the server keeps serving
    /// (PostgreSQL: use pg_dump, see the README).
    Backup {
        /// The new file (must not exist).
        file: std::path::PathBuf,
    },
    /// Replace the SQLite database with the backup FILE after checking it (integrity, foreign
    /// keys, known migrations). Stop the server first.
    Restore {
        /// A file written by `tianlian backup`.
        file: std::path::PathBuf,
    },
    /// Check the database: the engine's integrity check and the wage ledger's rules (no
    /// overpaid booking, no broken reversal, one standing entry per booking). Exit 1 if unsound.
    Check {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Generate a county-sized data set into an empty database, for load and fault tests
    /// (bench/): townships, households, plantings, a season of shifts and their accounts.
    County {
        #[arg(long, default_value_t = 20)]
        townships: u32,
        #[arg(long, default_value_t = 20_000)]
        households: u32,
        /// The password of every generated account.
        #[arg(long, default_value = "bench-pass-2026")]
        password: String,
        /// Where to write what the load scripts need (phones, open shift bookings, plots) as JSON.
        #[arg(long)]
        manifest: std::path::PathBuf,
    },
    /// Manage accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Observed weather for forecast sites.
    Weather {
        #[command(subcommand)]
        command: WeatherCommand,
    },
}

#[derive(Subcommand)]
enum WeatherCommand {
    /// Import daily weather from a CSV file (`date,tmin,tmax` or `date,tmean`, with a header);
    /// any bad row refuses the whole file and every bad line is listed.
    Import {
        /// Site code, e.g. maoxian.
        #[arg(long)]
        site: String,
        /// The CSV file.
        file: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account, e.g. the first admin of a fresh install.
    Create {
        /// Mobile number (11 digits): the sign-in name.
        #[arg(long)]
        phone: String,
        /// Password (at least 8 characters); or set TIANLIAN_NEW_PASSWORD.
        #[arg(long, env = "TIANLIAN_NEW_PASSWORD", hide_env_values = true)]
        password: String,
        /// admin, agronomist, cooperative or farmer.
        #[arg(long)]
        role: String,
        /// The township (agronomist), cooperative (cooperative) or household (farmer) id.
        #[arg(long)]
        place_id: Option<i64>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init(cli.settings.log_format, "info");
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => {
            if demo {
                load_demo(&cli.settings).await?;
            }
            Application::build(&cli.settings)
                .await?
                .run_until(shutdown_signal())
                .await?;
        }
        Command::Migrate => {
            let db = connect_and_migrate(&cli.settings).await?;
            db.close().await;
            println!("migrations applied ({})", db.backend().name());
        }
        Command::Demo => load_demo(&cli.settings).await?,
        Command::Backup { file } => {
            let db = tianlian_storage::Db::connect(
                &cli.settings.database_url,
                &tianlian_storage::DbOptions::default(),
            )
            .await?;
            let done = tianlian_storage::backup::backup(&db, &file).await;
            db.close().await;
            let summary = done?;
            println!(
                "backup written to {} ({} bytes): {} plantings, {} leases, {} wage entries; integrity ok",
                file.display(),
                summary.bytes,
                summary.plantings,
                summary.leases,
                summary.wage_entries
            );
        }
        Command::Restore { file } => {
            let summary =
                tianlian_storage::backup::restore(&file, &cli.settings.database_url).await?;
            println!(
                "restored {} ({} plantings, {} leases, {} wage entries); start the server to apply any newer migrations",
                file.display(),
                summary.plantings,
                summary.leases,
                summary.wage_entries
            );
        }
        Command::Check { json } => {
            let db = tianlian_storage::Db::connect(
                &cli.settings.database_url,
                &tianlian_storage::DbOptions::default(),
            )
            .await?;
            let report = tianlian_storage::check::run(&db).await;
            db.close().await;
            let report = report?;
            if json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                println!(
                    "integrity {}; {} ledger entries ({} fen), {} fen paid; {} overpaid bookings, {} broken reversals, {} bookings with two standing entries; {} plantings",
                    report.integrity,
                    report.entries,
                    report.entries_fen,
                    report.payments_fen,
                    report.overpaid,
                    report.broken_reversals,
                    report.duplicate_work_entries,
                    report.plantings
                );
            }
            if !report.sound() {
                std::process::exit(1);
            }
        }
        Command::County {
            townships,
            households,
            password,
            manifest,
        } => {
            let db = connect_and_migrate(&cli.settings).await?;
            let hash = app::usecases::auth::hash_password(&password)
                .map_err(|e| anyhow::anyhow!("could not hash the password: {e}"))?;
            let started = std::time::Instant::now();
            let spec = tianlian_storage::county::CountySpec {
                townships,
                households,
                today: app::usecases::forecasting::china_today(),
                password_hash: hash.0,
            };
            let county = tianlian_storage::county::generate(&db, &spec).await;
            db.close().await;
            let county = county?;
            std::fs::write(&manifest, serde_json::to_vec(&county)?)?;
            println!(
                "county generated in {:.1} s: {} households, {} plantings, {} shifts, {} bookings, {} wage entries; manifest {}",
                started.elapsed().as_secs_f64(),
                county.households,
                county.plantings,
                county.shifts,
                county.assignments,
                county.wage_entries,
                manifest.display()
            );
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    phone,
                    password,
                    role,
                    place_id,
                },
        } => {
            let db = connect_and_migrate(&cli.settings).await?;
            let created =
                server::accounts::create_account(&db, &phone, &password, &role, place_id).await;
            db.close().await;
            println!("account {} created ({role}, {phone})", created?);
        }
        Command::Weather {
            command: WeatherCommand::Import { site, file },
        } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let db = connect_and_migrate(&cli.settings).await?;
            let result = app::usecases::forecasting::import_weather(&db, &site, &text).await;
            db.close().await;
            match result {
                Ok((site, days)) => println!("{days} days imported for {}", site.code),
                Err(WeatherImportError::Rows(errors)) => {
                    for e in &errors {
                        eprintln!("{}", e.message(Lang::En));
                    }
                    anyhow::bail!("nothing imported: {} bad rows", errors.len());
                }
                Err(e) => anyhow::bail!("nothing imported: {e}"),
            }
        }
    }
    Ok(())
}

async fn load_demo(settings: &Settings) -> anyhow::Result<()> {
    let db = connect_and_migrate(settings).await?;
    let summary = tianlian_storage::demo::load(&db).await?;
    server::accounts::ensure_demo_accounts(&db).await?;
    db.close().await;
    println!(
        "demo data loaded: {} households, {} plantings ({} added now)",
        summary.households, summary.plantings, summary.plantings_added
    );
    println!("demo accounts (demo data only; never use these passwords elsewhere):");
    for a in &server::accounts::DEMO_ACCOUNTS {
        println!("  {}  {:<16} {}", a.phone, a.password, a.label);
    }
    Ok(())
}
