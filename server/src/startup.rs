//! Wiring: the router (pages, server functions, API, static files) and the application that
//! binds a listener, serves until a shutdown signal, and closes the pool.

use crate::client_addr::TrustedProxies;
use crate::config::Settings;
use crate::gate::gate;
use crate::routes::api::{self, error::localize};
use crate::routes::health::healthz;
use anyhow::Context;
use app::usecases::auth::LoginLimiter;
use app::usecases::forecasting::ClimateCache;
use app::{App, shell};
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tianlian_storage::sessions::Sessions;
use tianlian_storage::{Db, DbOptions};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeader;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_sessions::cookie::{SameSite, time};
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer};
use tracing::Level;

/// What every handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub db: Db,
    pub sessions: Sessions,
    pub login_limiter: Arc<LoginLimiter>,
    /// Proxies whose forwarding headers name the client.
    pub trusted_proxies: TrustedProxies,
    /// Site climates for forecasts, rebuilt when a site's weather changes.
    pub climates: ClimateCache,
    pub leptos_options: LeptosOptions,
}

/// Router settings that come from configuration.
#[derive(Debug, Clone)]
pub struct RouterOptions {
    pub body_limit: usize,
    pub session_idle_secs: i64,
    pub secure_cookies: bool,
}

impl RouterOptions {
    pub fn from_settings(s: &Settings) -> Self {
        RouterOptions {
            body_limit: s.body_limit,
            session_idle_secs: s.session_idle_secs,
            secure_cookies: s.secure_cookies,
        }
    }
}

/// The whole HTTP surface, without a socket (tests may call it with `oneshot`).
///
/// Layers, outermost first: request tracing, compression, error localisation, the session
/// cookie, then the gate (caller, same-origin check, sign-in required) before every route.
pub fn router(state: AppState, options: &RouterOptions) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let (db, limiter, climates) = (
            state.db.clone(),
            state.login_limiter.clone(),
            state.climates.clone(),
        );
        move || {
            provide_context(db.clone());
            provide_context(limiter.clone());
            provide_context(climates.clone());
        }
    };
    let leptos_options = state.leptos_options.clone();
    let body_limit = options.body_limit;
    let sessions = SessionManagerLayer::new(state.sessions.clone())
        .with_name("tianlian_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(options.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::seconds(
            options.session_idle_secs,
        )));
    let gated = Router::new()
        .route("/calendar/{file}", get(crate::routes::feed::ics))
        .route("/lang", get(crate::routes::lang::switch))
        .route("/import/upload", post(crate::routes::slips::upload))
        .route(
            "/import/{run}/slips",
            post(crate::routes::slips::import_households),
        )
        .route("/accounts/new", post(crate::routes::slips::create_account))
        .route("/accounts/{id}/slip", post(crate::routes::slips::reset))
        .route(
            "/households/{id}/slip",
            post(crate::routes::slips::give_account),
        )
        .merge(api::router())
        .leptos_routes_with_context(&state, routes, context, move || {
            shell(leptos_options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn_with_state(state.clone(), gate))
        .layer(sessions);
    static_files(&state.leptos_options)
        .merge(gated)
        .layer(middleware::from_fn(move |req, next| {
            crate::input::refuse_nul(body_limit, req, next)
        }))
        .layer(middleware::from_fn(localize))
        .layer(DefaultBodyLimit::max(options.body_limit))
        // No response is ever read as another type than it says (a plain-text refusal that
        // echoes input stays text).
        .layer(
            tower_http::set_header::SetResponseHeaderLayer::if_not_present(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        )
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(crate::gate::keep_request_span))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Millis),
                ),
        )
        // Every request gets an id (kept when a proxy sent one), answered in `x-request-id`
        // and written in each of its log lines through the span above.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// The span every log line of a request is written in: method, path, its request id, and the
/// caller's account id once the gate knows it.
fn request_span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        method = %req.method(),
        path = %req.uri().path(),
        request_id = %id,
        account_id = tracing::field::Empty,
    )
}

/// What is the same for everyone and needs no caller: the bundles, the icons, the manifest, the
/// service worker and the health check. These are served outside the session layer and the
/// gate, so they cost no database read.
fn static_files(options: &LeptosOptions) -> Router<AppState> {
    let root = std::path::Path::new(options.site_root.as_ref());
    let file = |name: &str| ServeFile::new(root.join(name));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/sw.js", get(crate::routes::offline::service_worker))
        .route_service("/manifest.webmanifest", file("manifest.webmanifest"))
        .route_service("/icon.svg", file("icon.svg"))
        .route_service("/icon-maskable.svg", file("icon-maskable.svg"))
        .nest_service("/pkg", pkg_service(options))
}

/// The wasm, JS and CSS bundles: the `.br`/`.gz` files `cargo leptos build --precompress` wrote
/// are sent as they are (the compression layer leaves encoded responses alone). When the build
/// put a content hash in their names (`hash-files`), a name never changes meaning, so phones keep
/// them for a year without asking again; a new build's pages name the new hashes. Without hashes
/// browsers revalidate (`no-cache`) and get 304 when nothing changed.
fn pkg_service(options: &LeptosOptions) -> SetResponseHeader<ServeDir, HeaderValue> {
    let dir = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    SetResponseHeader::overriding(
        ServeDir::new(dir).precompressed_br().precompressed_gzip(),
        header::CACHE_CONTROL,
        HeaderValue::from_static(pkg_cache_control(options.hash_files)),
    )
}

/// `Cache-Control` for the bundles under `/pkg`.
pub fn pkg_cache_control(hashed: bool) -> &'static str {
    if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// A bound, ready-to-run server.
pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
    db: Db,
    sessions: Sessions,
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
        let sessions = Sessions::open(&db, &settings.database_url)
            .await
            .context("could not open the session store")?;
        let state = AppState {
            db: db.clone(),
            sessions: sessions.clone(),
            login_limiter: Arc::new(
                LoginLimiter::new(settings.login_attempts_per_minute)
                    .with_secure_cookies(settings.secure_cookies),
            ),
            trusted_proxies: TrustedProxies {
                nets: settings.trusted_proxies.clone(),
                header: settings.forwarded_header,
            },
            climates: ClimateCache::default(),
            leptos_options: settings.leptos_options(),
        };
        let router = router(state, &RouterOptions::from_settings(settings));
        Ok(Application {
            listener,
            router,
            db,
            sessions,
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
        // Expired sessions are deleted hourly by whichever instance is running.
        let cleanup = tokio::spawn(
            self.sessions
                .clone()
                .continuously_delete_expired(Duration::from_secs(3600)),
        );
        // Sign-in throttle rows and devices nobody needs any more go every minute.
        let purge = tokio::spawn({
            let db = self.db.clone();
            async move {
                let mut every = tokio::time::interval(Duration::from_secs(60));
                loop {
                    every.tick().await;
                    if let Err(e) = app::usecases::auth::purge_throttle(&db).await {
                        tracing::warn!(error = ?e, "could not purge the sign-in throttle");
                    }
                }
            }
        });
        let served = axum::serve(
            listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        cleanup.abort();
        purge.abort();
        // Closing waits for every checked-out connection; a task that still holds one must not
        // keep the process from stopping.
        if tokio::time::timeout(Duration::from_secs(10), self.db.close())
            .await
            .is_err()
        {
            tracing::warn!("database pool did not close within 10 s; stopping anyway");
        }
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
        max_connections: settings.db_max_connections.unwrap_or(
            match tianlian_storage::Backend::of_url(&settings.database_url) {
                Ok(tianlian_storage::Backend::Postgres) => 16,
                _ => 4,
            },
        ),
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
