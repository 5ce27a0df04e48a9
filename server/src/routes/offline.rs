//! `GET /sw.js`: the service worker that keeps a farmer's last loaded pages for offline
//! reading (`public/sw.js`). Served from the binary, so it is there whatever the site folder
//! holds, and revalidated on every check so an update reaches phones at once.

use axum::http::header;
use axum::response::IntoResponse;

const SERVICE_WORKER: &str = include_str!("../../../public/sw.js");

pub async fn service_worker() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SERVICE_WORKER,
    )
}
