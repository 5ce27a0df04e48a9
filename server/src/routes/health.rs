//! `GET /healthz`: is the server up and does the database answer.

use crate::startup::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// 200 `{"status":"ok","database":"sqlite"}`, or 503 `{"status":"unavailable",…}` when the
/// database does not answer within two seconds.
#[tracing::instrument(skip_all)]
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let database = state.db.backend().name();
    let ping = tokio::time::timeout(std::time::Duration::from_secs(2), state.db.ping()).await;
    match ping {
        Ok(Ok(())) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": database })),
        ),
        Ok(Err(e)) => {
            tracing::warn!(error = ?e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": database })),
            )
        }
        Err(_) => {
            tracing::warn!("health check: database timed out");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": database })),
            )
        }
    }
}
