use crate::helpers::{spawn_app, spawn_app_with};
use app::usecases::auth::LoginLimiter;
use axum::body::Body;
use axum::http::Request;
use server::startup::{AppState, RouterOptions, router};
use std::sync::Arc;
use tianlian_storage::sessions::Sessions;
use tianlian_storage::testing::engines;
use tianlian_storage::{Db, DbOptions};
use tower::ServiceExt;

#[tokio::test]
async fn healthz_reports_ok_and_which_database() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let res = app
            .client
            .get(app.url("/healthz"))
            .send()
            .await
            .expect("request");
        assert_eq!(res.status().as_u16(), 200);
        let body: serde_json::Value = res.json().await.expect("json");
        assert_eq!(
            body,
            serde_json::json!({ "status": "ok", "database": app.engine.name() })
        );
        app.finish().await;
    }
}

/// The app's router over a database pool that has been closed (every query fails); the
/// session store stays open.
async fn router_over_a_closed_pool(app: &crate::helpers::TestApp) -> axum::Router {
    let db = Db::connect(&app.database_url, &DbOptions::default())
        .await
        .expect("db");
    let sessions = Sessions::open(&db, &app.database_url)
        .await
        .expect("sessions");
    db.close().await;
    let settings = server::config::Settings::for_tests(&app.database_url);
    let state = AppState {
        db,
        sessions,
        login_limiter: Arc::new(LoginLimiter::new(10)),
        trusted_proxies: Default::default(),
        climates: Default::default(),
        leptos_options: settings.leptos_options(),
    };
    router(state, &RouterOptions::from_settings(&settings))
}

#[tokio::test]
async fn healthz_is_503_when_the_database_is_gone() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        // A router over a pool that has been closed: every query fails.
        let router = router_over_a_closed_pool(&app).await;
        let res = router
            .oneshot(
                Request::get("/healthz")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("response");
        assert_eq!(res.status().as_u16(), 503);
        app.finish().await;
    }
}

#[tokio::test]
async fn responses_are_compressed_when_the_client_accepts_it() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let client = app.signed_in(crate::helpers::AGRONOMIST).await;
        let res = client
            .get(app.url("/plots"))
            .header("Accept-Encoding", "gzip")
            .send()
            .await
            .expect("request");
        assert_eq!(
            res.headers()
                .get("content-encoding")
                .and_then(|v| v.to_str().ok()),
            Some("gzip")
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn the_server_stops_gracefully_and_closes_the_pool() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let url = app.url("/healthz");
        app.finish().await; // panics if the server task failed
        assert!(reqwest::get(url).await.is_err(), "nothing listens any more");
    }
}

#[tokio::test]
async fn static_files_are_served_without_reading_the_session_or_the_database() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        // A real session cookie, taken from a sign-in.
        let res = reqwest::Client::new()
            .post(app.url("/api/v1/auth/login"))
            .json(&serde_json::json!({ "phone": crate::helpers::FARMER.0, "password": crate::helpers::FARMER.1 }))
            .send()
            .await
            .expect("sign in");
        assert_eq!(res.status().as_u16(), 200);
        let cookie = crate::helpers::session_pair(&res);
        assert!(cookie.starts_with("tianlian_session="), "{cookie}");
        // The same site over a closed pool: anything that reads the database fails.
        let router = router_over_a_closed_pool(&app).await;
        let status = |path: &'static str| {
            let router = router.clone();
            let cookie = cookie.clone();
            async move {
                router
                    .oneshot(
                        Request::get(path)
                            .header("cookie", cookie)
                            .body(Body::empty())
                            .expect("request"),
                    )
                    .await
                    .expect("response")
                    .status()
                    .as_u16()
            }
        };
        assert_eq!(
            status("/plots").await,
            500,
            "a page reads the caller's account"
        );
        for path in [
            "/pkg/tianlian.css",
            "/pkg/tianlian.js",
            "/icon.svg",
            "/icon-maskable.svg",
            "/manifest.webmanifest",
        ] {
            let s = status(path).await;
            assert!(
                s == 200 || s == 404,
                "{path}: {s} (the site may not be built)"
            );
        }
        assert_eq!(status("/sw.js").await, 200);
        app.finish().await;
    }
}

/// Log lines written to memory, for the test that reads them back.
#[derive(Clone, Default)]
struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut out) = self.0.lock() {
            out.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn each_request_has_an_id_its_log_lines_name_the_caller_and_use_cases_carry_spans() {
    let captured = Captured::default();
    let writer = captured.clone();
    // Span closes are logged too, so the use case's and storage's spans can be read back.
    let _ = tracing_subscriber::fmt()
        .with_env_filter("info")
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .try_init();
    for engine in engines() {
        let app = spawn_app(engine).await;
        let farmer = app.signed_in(crate::helpers::FARMER).await;
        let id_of = |res: &reqwest::Response| {
            res.headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
                .expect("x-request-id")
        };
        let first = farmer.get(app.url("/api/v1/me")).send().await.expect("me");
        let second = farmer.get(app.url("/api/v1/me")).send().await.expect("me");
        let (a, b) = (id_of(&first), id_of(&second));
        assert_ne!(a, b, "each request its own id");
        let kept = farmer
            .get(app.url("/healthz"))
            .header("x-request-id", "from-the-proxy-1")
            .send()
            .await
            .expect("healthz");
        assert_eq!(id_of(&kept), "from-the-proxy-1");
        let account = tianlian_storage::accounts::by_phone(&app.db, crate::helpers::FARMER.0)
            .await
            .expect("db")
            .expect("farmer")
            .caller
            .account_id;
        let logs = String::from_utf8_lossy(&captured.0.lock().expect("logs")).into_owned();
        // The request's last line (its span closing), written after the gate named the caller.
        let line = logs
            .lines()
            .rfind(|l| l.contains(&format!("request_id={a}")))
            .unwrap_or_else(|| panic!("no log line names request {a}:\n{logs}"));
        assert!(
            line.contains(&format!("account_id={account}")),
            "the line does not name the caller: {line}"
        );
        // A use case's span names the caller, and storage's spans sit inside it, inside the
        // request's span.
        let plots = farmer
            .get(app.url("/api/v1/plots"))
            .send()
            .await
            .expect("plots");
        let c = id_of(&plots);
        let logs = String::from_utf8_lossy(&captured.0.lock().expect("logs")).into_owned();
        let use_case = format!("plots_after{{account={account}}}:");
        let line = logs
            .lines()
            .find(|l| l.contains(&format!("request_id={c}")) && l.contains(&use_case))
            .unwrap_or_else(|| panic!("no storage span inside {use_case} in request {c}:\n{logs}"));
        assert!(line.contains("close"), "{line}");
        app.finish().await;
    }
}

#[tokio::test]
async fn hashed_bundles_are_kept_for_a_year_and_unhashed_ones_revalidated() {
    // A built site of one hashed stylesheet, as `hash-files` names it.
    let site = std::env::temp_dir().join(format!("tianlian-site-{}", std::process::id()));
    std::fs::create_dir_all(site.join("pkg")).expect("pkg dir");
    std::fs::write(site.join("pkg/tianlian.Zm9vYmFy.css"), "body{margin:0}").expect("css");
    for (hashed, expected) in [
        (true, "public, max-age=31536000, immutable"),
        (false, "no-cache"),
    ] {
        let root = site.to_string_lossy().into_owned();
        let app = spawn_app_with(tianlian_storage::testing::Engine::Sqlite, |s| {
            s.site_root = root;
            s.hash_files = Some(hashed);
        })
        .await;
        let res = reqwest::get(app.url("/pkg/tianlian.Zm9vYmFy.css"))
            .await
            .expect("GET css");
        assert_eq!(res.status().as_u16(), 200);
        assert_eq!(
            res.headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some(expected),
            "hash_files = {hashed}"
        );
        assert!(
            res.headers().get("set-cookie").is_none(),
            "no session for a static file"
        );
        // No page loads the wasm bundle or its JS: every control is a plain form.
        let page = reqwest::get(app.url("/login"))
            .await
            .expect("GET /login")
            .text()
            .await
            .expect("body");
        assert!(
            !page.contains(".wasm")
                && !page.contains("tianlian.js")
                && !page.contains("modulepreload"),
            "{page}"
        );
        app.finish().await;
    }
    let _ = std::fs::remove_dir_all(site);
}
