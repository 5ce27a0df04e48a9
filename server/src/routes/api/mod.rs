//! `/api/v1`: JSON for integrations and scripts. Every route is listed once in [`routes`] with
//! who may call it; the router is built from that list and the authorization test walks it,
//! so a route added without a rule fails the test.

pub mod auth;
pub mod error;
pub mod plots;

use crate::startup::AppState;
use axum::Router;
use axum::routing::MethodRouter;

/// Who may call a route at all (finer, per-record rules are checked inside the handler).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (sign-in).
    Public,
    /// Any signed-in account; the handler narrows to the caller's scope.
    SignedIn,
    /// Admins only.
    Admin,
}

/// One API route.
pub struct ApiRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub handler: MethodRouter<AppState>,
}

/// Every `/api/v1` route.
pub fn routes() -> Vec<ApiRoute> {
    use axum::routing::{delete, get, post};
    let r = |method, path, access, handler| ApiRoute {
        method,
        path,
        access,
        handler,
    };
    vec![
        r(
            "POST",
            "/api/v1/auth/login",
            Access::Public,
            post(auth::login),
        ),
        r(
            "POST",
            "/api/v1/auth/logout",
            Access::SignedIn,
            post(auth::logout),
        ),
        r("GET", "/api/v1/me", Access::SignedIn, get(auth::me)),
        r(
            "POST",
            "/api/v1/me/password",
            Access::SignedIn,
            post(auth::change_own_password),
        ),
        r(
            "POST",
            "/api/v1/accounts",
            Access::Admin,
            post(auth::create_account),
        ),
        r(
            "POST",
            "/api/v1/accounts/{id}/password",
            Access::Admin,
            post(auth::reset_password),
        ),
        r(
            "POST",
            "/api/v1/tokens",
            Access::Admin,
            post(auth::issue_token),
        ),
        r(
            "DELETE",
            "/api/v1/tokens/{id}",
            Access::Admin,
            delete(auth::revoke_token),
        ),
        r("GET", "/api/v1/audit", Access::Admin, get(auth::audit_log)),
        r("GET", "/api/v1/plots", Access::SignedIn, get(plots::list)),
        r(
            "GET",
            "/api/v1/plots/{id}",
            Access::SignedIn,
            get(plots::show),
        ),
        r(
            "POST",
            "/api/v1/plots/{id}/plantings",
            Access::SignedIn,
            post(plots::add_planting),
        ),
    ]
}

/// The API router, built from [`routes`].
pub fn router() -> Router<AppState> {
    routes().into_iter().fold(Router::new(), |router, route| {
        router.route(route.path, route.handler)
    })
}
