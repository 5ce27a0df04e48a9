use crate::helpers::spawn_app;
use app::auth::LoginLimiter;
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

#[tokio::test]
async fn healthz_is_503_when_the_database_is_gone() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        // A router over a pool that has been closed: every query fails.
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
            climates: Default::default(),
            leptos_options: settings.leptos_options(),
        };
        let router = router(state, &RouterOptions::from_settings(&settings));
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
