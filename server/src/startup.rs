//! Wiring: the router (pages, server functions, API, static files) and the application that
//! binds a listener, serves until a shutdown signal, and closes the pool.

use crate::config::Settings;
use crate::routes::health::healthz;
use anyhow::Context;
use app::{App, shell};
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::http::{HeaderValue, header};
use axum::routing::get;
use axum::serve::ListenerExt;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::future::Future;
use std::net::SocketAddr;
use tianlian_storage::{Db, DbOptions};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeader;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// What every handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub db: Db,
    pub leptos_options: LeptosOptions,
}

/// The whole HTTP surface, without a socket (tests may call it with `oneshot`).
pub fn router(state: AppState, body_limit: usize) -> Router {
    let routes = generate_route_list(App);
    let db = state.db.clone();
    let options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(healthz))
        .nest_service("/pkg", pkg_service(&state.leptos_options))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(db.clone()),
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Millis),
                ),
        )
        .with_state(state)
}

/// The wasm, JS and CSS bundles: the `.br`/`.gz` files `cargo leptos build --precompress` wrote
/// are sent as they are (the compression layer leaves encoded responses alone). File names carry
/// no hash yet, so browsers revalidate (`no-cache`) and get 304 when nothing changed.
fn pkg_service(options: &LeptosOptions) -> SetResponseHeader<ServeDir, HeaderValue> {
    let dir = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    SetResponseHeader::overriding(
        ServeDir::new(dir).precompressed_br().precompressed_gzip(),
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    )
}

/// A bound, ready-to-run server.
pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
    db: Db,
    addr: SocketAddr,
}

impl Application {
    /// Connects to the database, applies migrations and binds the listener.
    ///
    /// # Errors
    /// The database can't be opened or migrated, or the address can't be bound.
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let db = connect_and_migrate(settings).await?;
        let listener = tokio::net::TcpListener::bind(settings.addr)
            .await
            .with_context(|| format!("could not listen on {}", settings.addr))?;
        let addr = listener.local_addr()?;
        let state = AppState {
            db: db.clone(),
            leptos_options: settings.leptos_options(),
        };
        Ok(Application {
            listener,
            router: router(state, settings.body_limit),
            db,
            addr,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Serves until `shutdown` resolves, lets in-flight requests finish, then closes the pool.
    ///
    /// # Errors
    /// The server failed while accepting connections.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        tracing::info!(addr = %self.addr, database = self.db.backend().name(), "tianlian listening");
        // Streaming SSR writes small chunks; without TCP_NODELAY Nagle's algorithm stalls them.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::warn!(error = %e, "could not set TCP_NODELAY");
            }
        });
        let served = axum::serve(listener, self.router.into_make_service())
            .with_graceful_shutdown(shutdown)
            .await;
        self.db.close().await;
        tracing::info!("tianlian stopped");
        served
    }
}

/// Opens the configured database and brings its schema up to date.
///
/// # Errors
/// The database can't be opened or a migration fails.
pub async fn connect_and_migrate(settings: &Settings) -> anyhow::Result<Db> {
    let options = DbOptions {
        max_connections: settings.db_max_connections,
        ..DbOptions::default()
    };
    let db = Db::connect(&settings.database_url, &options)
        .await
        .context("could not open the database")?;
    db.migrate().await.context("could not apply migrations")?;
    Ok(db)
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received: finishing requests in flight");
}
