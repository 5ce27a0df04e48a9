//! The gate every request passes: who is asking (session cookie or bearer token), is the
//! request same-origin when it changes state, and may an anonymous caller see this at all.
//! Finer rules (which plots, which household) are `tianlian_domain::access`, asked by handlers.

use crate::client_addr::client_addr;
use crate::routes::api::error::ApiError;
use crate::startup::AppState;
use app::usecases::auth::{ClientAddr, caller_from_session, caller_from_token};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;
use tianlian_domain::access::Caller;
use tower_sessions::Session;

/// Paths anyone may reach without signing in.
fn is_public(path: &str) -> bool {
    // Static files (bundles, icons, manifest, service worker) and /healthz never reach the
    // gate: the router serves them outside it (startup.rs).
    matches!(path, "/login" | "/fn/login" | "/favicon.ico" | "/lang")
        // A household's calendar feed: its unguessable token is the key (calendar apps cannot
        // sign in); the handler answers 404 for any other.
        || path.starts_with("/calendar/")
        || crate::routes::api::is_public(path)
}

/// Paths a caller who must change their password may still use.
fn allowed_before_password_change(path: &str) -> bool {
    matches!(
        path,
        "/account/password"
            | "/fn/change_password"
            | "/fn/logout"
            | "/api/v1/me"
            | "/api/v1/me/password"
            | "/api/v1/auth/logout"
    ) || is_public(path)
}

/// A state-changing request made with a session cookie must come from our own pages:
/// its `Origin` (or, lacking one, `Referer`) names this host, or it is JSON (which a
/// cross-site form cannot send without a CORS preflight we never allow). Calls signed in with a
/// live bearer token skip this check before it is asked; any other `Authorization` header
/// (`Basic …`, a dead token) earns nothing.
fn is_same_origin_or_safe(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim_start().starts_with("application/json"));
    if json {
        return true;
    }
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    source.is_some_and(|s| {
        let rest = s.split_once("://").map_or(s, |(_, r)| r);
        rest.split('/').next() == Some(host)
    })
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The request's own span (`startup::request_span`), kept in the request: layers in between
/// (the session layer) open spans of their own, so the gate cannot reach it as the current span.
#[derive(Clone)]
pub struct RequestSpan(pub tracing::Span);

/// Keeps the current span (the request's, this layer sits right inside the trace layer) in the
/// request for [`gate`] to record the caller in.
pub async fn keep_request_span(mut req: Request, next: Next) -> Response {
    req.extensions_mut()
        .insert(RequestSpan(tracing::Span::current()));
    next.run(req).await
}

/// Resolves the caller into the request's extensions, then applies the gate.
pub async fn gate(
    State(state): State<AppState>,
    session: Session,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    let is_api = path.starts_with("/api/");
    let is_fn = path.starts_with("/fn/");
    if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let addr = client_addr(peer.ip(), req.headers(), &state.trusted_proxies);
        req.extensions_mut().insert(ClientAddr(addr));
    }
    // A live bearer token is the caller; a dead one is refused outright.
    let token_caller = match bearer(req.headers()) {
        Some(token) => match caller_from_token(&state.db, token).await {
            Ok(Some(c)) => Some(c),
            Ok(None) => return ApiError::unauthorized().into_response(),
            Err(e) => return ApiError::internal(&e).into_response(),
        },
        None => None,
    };
    let by_token = token_caller.is_some();
    let caller: Option<Caller> = match token_caller {
        Some(c) => Some(c),
        None => match caller_from_session(&state.db, &session).await {
            Ok(c) => c,
            Err(e) => return ApiError::internal(&e).into_response(),
        },
    };
    // A cross-site state change is refused when it would ride on a session, or reach a page
    // anyone may post to (sign-in). A request with no credentials at all to any other path is
    // simply not signed in: 401 below, as the API document says, not 403.
    let session_borne = !by_token && (caller.is_some() || is_public(&path));
    if session_borne && !is_same_origin_or_safe(req.method(), req.headers()) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_site",
            "请求来源无效",
            "Cross-site request refused",
        )
        .into_response();
    }
    match &caller {
        None if !is_public(&path) => {
            if is_api || is_fn {
                return ApiError::unauthorized().into_response();
            }
            let next_path = req
                .uri()
                .path_and_query()
                .map_or("/", |pq| pq.as_str())
                .to_owned();
            let query = serde_urlencoded::to_string([("next", next_path)]).unwrap_or_default();
            return Redirect::to(&format!("/login?{query}")).into_response();
        }
        Some(c) if c.must_change_password && !allowed_before_password_change(&path) => {
            if is_api || is_fn {
                return ApiError::new(
                    StatusCode::FORBIDDEN,
                    "password_change_required",
                    "请先修改密码",
                    "Change your password first",
                )
                .into_response();
            }
            return Redirect::to("/account/password").into_response();
        }
        _ => {}
    }
    if let Some(c) = caller {
        // Every log line of the request names who asked.
        if let Some(RequestSpan(span)) = req.extensions().get::<RequestSpan>() {
            span.record("account_id", c.account_id);
        }
        req.extensions_mut().insert(c);
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(k.clone(), HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn a_form_post_from_another_site_is_refused() {
        let h = headers(&[
            (header::HOST, "tianlian.example"),
            (header::ORIGIN, "https://evil.example"),
        ]);
        assert!(!is_same_origin_or_safe(&Method::POST, &h));
        let h = headers(&[(header::HOST, "tianlian.example")]);
        assert!(
            !is_same_origin_or_safe(&Method::POST, &h),
            "no origin, no referer"
        );
    }

    #[test]
    fn an_authorization_header_alone_does_not_pass_the_origin_check() {
        let h = headers(&[
            (header::HOST, "tianlian.example"),
            (header::ORIGIN, "https://evil.example"),
            (header::AUTHORIZATION, "Basic eDp5"),
        ]);
        assert!(!is_same_origin_or_safe(&Method::POST, &h));
    }

    #[test]
    fn our_own_forms_and_json_calls_pass() {
        let own = headers(&[
            (header::HOST, "127.0.0.1:3000"),
            (header::ORIGIN, "http://127.0.0.1:3000"),
        ]);
        assert!(is_same_origin_or_safe(&Method::POST, &own));
        let referer = headers(&[
            (header::HOST, "127.0.0.1:3000"),
            (header::REFERER, "http://127.0.0.1:3000/plots/1"),
        ]);
        assert!(is_same_origin_or_safe(&Method::POST, &referer));
        let json = headers(&[(header::CONTENT_TYPE, "application/json")]);
        assert!(is_same_origin_or_safe(&Method::POST, &json));
        assert!(is_same_origin_or_safe(&Method::GET, &HeaderMap::new()));
    }
}
