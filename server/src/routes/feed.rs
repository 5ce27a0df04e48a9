//! `/calendar/{token}.ics`: a household's private calendar feed for a phone's calendar app.
//! The token in the address is the only key (no sign-in: calendar apps cannot sign in); it is
//! revoked or replaced from the farmer's page. Built with the `icalendar` crate.

use crate::startup::AppState;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use icalendar::{Calendar, Component, EventLike};

/// The feed, or 404 for an unknown or revoked token (the same answer, so tokens can't be probed).
pub async fn ics(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(token) = file.strip_suffix(".ics").filter(|t| t.len() <= 128) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let household = match tianlian_storage::feeds::household_of(&state.db, token).await {
        Ok(Some(h)) => h,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = ?e, "calendar feed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let events = match app::usecases::feed::events(&state.db, &state.climates, household).await {
        Ok(e) => e,
        Err(e) => {
            tracing::error!(error = ?e, "calendar feed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let mut calendar = Calendar::new();
    calendar.name("田联 · 我的日历").timezone("Asia/Shanghai");
    for e in events {
        calendar.push(
            icalendar::Event::new()
                .uid(&e.uid)
                .summary(&e.summary)
                .description(&e.description)
                .starts(e.from)
                .ends(app::usecases::feed::end_exclusive(e.until))
                .done(),
        );
    }
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=900"),
        ],
        calendar.done().to_string(),
    )
        .into_response()
}
