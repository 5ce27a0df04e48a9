//! `tianlian`: serve the app, apply migrations, or load the demo data.

use clap::{Parser, Subcommand};
use server::config::Settings;
use server::startup::{Application, connect_and_migrate, shutdown_signal};
use server::telemetry;

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
    /// Load the demo data (idempotent) and exit.
    Demo,
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
    }
    Ok(())
}

async fn load_demo(settings: &Settings) -> anyhow::Result<()> {
    let db = connect_and_migrate(settings).await?;
    let summary = tianlian_storage::demo::load(&db).await?;
    db.close().await;
    println!(
        "demo data loaded: {} households, {} plantings ({} added now)",
        summary.households, summary.plantings, summary.plantings_added
    );
    Ok(())
}
