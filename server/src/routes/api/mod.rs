//! `/api/v1`: JSON for integrations and scripts. Every route is listed once in [`routes`] with
//! who may call it; the router is built from that list and the authorization test walks it,
//! so a route added without a rule fails the test.

pub mod auth;
pub mod engine;
pub mod error;
pub mod export;
pub mod fieldday;
pub mod market;
pub mod onboard;
pub mod openapi;
pub mod plots;
pub mod register;
pub mod schema;
pub mod targets;
pub mod work;

use crate::startup::AppState;
use axum::Router;
use axum::routing::MethodRouter;

/// Who may call a route at all (finer, per-record rules are checked inside the handler).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in; calendar and forecasts, which read no one's records).
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
    use axum::routing::{delete, get, patch, post, put};
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
            "GET",
            "/api/v1/accounts",
            Access::Admin,
            get(onboard::list_accounts),
        ),
        r(
            "GET",
            "/api/v1/accounts/{id}",
            Access::Admin,
            get(onboard::show_account),
        ),
        r(
            "POST",
            "/api/v1/accounts/{id}/disable",
            Access::Admin,
            post(onboard::disable),
        ),
        r(
            "POST",
            "/api/v1/accounts/{id}/enable",
            Access::Admin,
            post(onboard::enable),
        ),
        r(
            "POST",
            "/api/v1/accounts/{id}/one-time-password",
            Access::Admin,
            post(onboard::one_time_password),
        ),
        r(
            "GET",
            "/api/v1/households",
            Access::SignedIn,
            get(onboard::list_households),
        ),
        r(
            "POST",
            "/api/v1/households",
            Access::SignedIn,
            post(onboard::create_household),
        ),
        r(
            "GET",
            "/api/v1/households/{id}",
            Access::SignedIn,
            get(onboard::show_household),
        ),
        r(
            "PATCH",
            "/api/v1/households/{id}",
            Access::SignedIn,
            patch(onboard::edit_household),
        ),
        r(
            "POST",
            "/api/v1/households/{id}/persons",
            Access::SignedIn,
            post(onboard::add_person),
        ),
        r(
            "PATCH",
            "/api/v1/households/{id}/persons/{person_id}",
            Access::SignedIn,
            patch(onboard::edit_person),
        ),
        r(
            "POST",
            "/api/v1/households/{id}/account",
            Access::SignedIn,
            post(onboard::give_account),
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
            "POST",
            "/api/v1/plots",
            Access::SignedIn,
            post(register::create),
        ),
        r(
            "PATCH",
            "/api/v1/plots/{id}",
            Access::SignedIn,
            patch(register::edit),
        ),
        r(
            "POST",
            "/api/v1/plots/{id}/retire",
            Access::SignedIn,
            post(register::retire),
        ),
        r(
            "GET",
            "/api/v1/plantings",
            Access::SignedIn,
            get(register::plantings),
        ),
        r(
            "POST",
            "/api/v1/import/{kind}",
            Access::SignedIn,
            post(register::import),
        ),
        r(
            "GET",
            "/api/v1/progress",
            Access::SignedIn,
            get(targets::progress),
        ),
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
        r(
            "GET",
            "/api/v1/export/{file}",
            Access::SignedIn,
            get(export::download),
        ),
        r(
            "GET",
            "/api/v1/market-calendar",
            Access::SignedIn,
            get(market::calendar),
        ),
        r(
            "GET",
            "/api/v1/wallchart",
            Access::SignedIn,
            get(market::wallchart),
        ),
        r(
            "PUT",
            "/api/v1/market-calendar/capacity",
            Access::SignedIn,
            put(market::set_capacity),
        ),
        r(
            "POST",
            "/api/v1/plantings/{id}/status",
            Access::SignedIn,
            post(plots::change_status),
        ),
        r(
            "GET",
            "/api/v1/targets",
            Access::SignedIn,
            get(targets::list),
        ),
        r(
            "POST",
            "/api/v1/targets",
            Access::SignedIn,
            post(targets::create),
        ),
        r(
            "GET",
            "/api/v1/targets/{id}",
            Access::SignedIn,
            get(targets::show),
        ),
        r(
            "DELETE",
            "/api/v1/targets/{id}",
            Access::SignedIn,
            delete(targets::delete),
        ),
        r(
            "GET",
            "/api/v1/cooperatives/{id}",
            Access::SignedIn,
            get(work::cooperative),
        ),
        r(
            "POST",
            "/api/v1/shifts",
            Access::SignedIn,
            post(work::post_shift),
        ),
        r(
            "GET",
            "/api/v1/shifts/{id}",
            Access::SignedIn,
            get(work::shift),
        ),
        r(
            "POST",
            "/api/v1/shifts/{id}/assignments",
            Access::SignedIn,
            post(work::assign),
        ),
        r(
            "POST",
            "/api/v1/shifts/{id}/hours",
            Access::SignedIn,
            post(work::hours),
        ),
        r(
            "POST",
            "/api/v1/shifts/{id}/settle",
            Access::SignedIn,
            post(work::settle),
        ),
        r(
            "POST",
            "/api/v1/shifts/{id}/fill",
            Access::SignedIn,
            post(fieldday::fill),
        ),
        r(
            "POST",
            "/api/v1/shifts/{id}/bookings",
            Access::SignedIn,
            post(fieldday::bookings),
        ),
        r(
            "DELETE",
            "/api/v1/shifts/{id}/assignments/{person_id}",
            Access::SignedIn,
            delete(fieldday::unbook),
        ),
        r(
            "GET",
            "/api/v1/shifts/{id}/roll-call",
            Access::SignedIn,
            get(fieldday::roll_call),
        ),
        r(
            "POST",
            "/api/v1/shifts/{id}/roll-call",
            Access::SignedIn,
            post(fieldday::submit_roll_call),
        ),
        r(
            "GET",
            "/api/v1/cooperatives/{id}/days/{day}",
            Access::SignedIn,
            get(fieldday::day_sheet),
        ),
        r(
            "GET",
            "/api/v1/cooperatives/{id}/days/{day}/{file}",
            Access::SignedIn,
            get(fieldday::day_sheet_file),
        ),
        r(
            "POST",
            "/api/v1/cooperatives/{id}/days/{day}/settle",
            Access::SignedIn,
            post(fieldday::settle_day),
        ),
        r(
            "POST",
            "/api/v1/alliances",
            Access::SignedIn,
            post(work::create_alliance),
        ),
        r(
            "POST",
            "/api/v1/alliances/{id}/members",
            Access::SignedIn,
            post(work::add_member),
        ),
        r(
            "POST",
            "/api/v1/alliance-members/{id}/leave",
            Access::SignedIn,
            post(work::leave),
        ),
        r(
            "POST",
            "/api/v1/persons",
            Access::SignedIn,
            post(work::add_person),
        ),
        r("GET", "/api/v1/leases", Access::SignedIn, get(work::leases)),
        r(
            "POST",
            "/api/v1/leases",
            Access::SignedIn,
            post(work::lease),
        ),
        r(
            "POST",
            "/api/v1/lease-payments/{id}/pay",
            Access::SignedIn,
            post(work::pay_lease),
        ),
        r(
            "POST",
            "/api/v1/dividends",
            Access::SignedIn,
            post(work::dividend),
        ),
        r("GET", "/api/v1/me/pay", Access::SignedIn, get(work::my_pay)),
        r(
            "GET",
            "/api/v1/me/calendar",
            Access::SignedIn,
            get(work::my_calendar),
        ),
        r(
            "POST",
            "/api/v1/me/calendar",
            Access::SignedIn,
            post(work::regenerate_calendar),
        ),
        r(
            "DELETE",
            "/api/v1/me/calendar",
            Access::SignedIn,
            delete(work::revoke_calendar),
        ),
        r(
            "GET",
            "/api/v1/benefit",
            Access::SignedIn,
            get(work::benefit),
        ),
        r(
            "PUT",
            "/api/v1/income-lines/{year}",
            Access::Admin,
            put(work::income_line),
        ),
        r(
            "GET",
            "/api/v1/calendar/spring-festival/{year}",
            Access::Public,
            get(engine::spring_festival),
        ),
        r(
            "GET",
            "/api/v1/calendar/solar-terms/{year}",
            Access::Public,
            get(engine::solar_terms),
        ),
        r(
            "POST",
            "/api/v1/forecast",
            Access::Public,
            post(engine::forecast),
        ),
        r(
            "POST",
            "/api/v1/schedule/backward",
            Access::Public,
            post(engine::backward),
        ),
        r(
            "POST",
            "/api/v1/schedule/rate",
            Access::Public,
            post(engine::rate),
        ),
        r("GET", "/api/v1/sites", Access::Public, get(engine::sites)),
        r(
            "POST",
            "/api/v1/sites/{code}/weather",
            Access::SignedIn,
            post(engine::import_weather),
        ),
        r(
            "GET",
            "/api/v1/openapi.json",
            Access::Public,
            get(openapi::document),
        ),
    ]
}

/// An area posted as a JSON number (`4.5`) or as text (`"4.5"`), as the text the domain parses;
/// anything else is empty text, which the domain refuses as an invalid area.
pub(crate) fn number_or_text(value: impl Into<Option<serde_json::Value>>) -> String {
    match value.into() {
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Whether `path` is a public API route (a template segment `{…}` matches any one segment).
/// The gate asks this, so [`routes`] is the one place that says which routes are public.
pub fn is_public(path: &str) -> bool {
    static PUBLIC: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    let templates = PUBLIC.get_or_init(|| {
        routes()
            .into_iter()
            .filter(|r| r.access == Access::Public)
            .map(|r| r.path)
            .collect()
    });
    templates.iter().any(|t| matches_template(t, path))
}

fn matches_template(template: &str, path: &str) -> bool {
    let (mut t, mut p) = (template.split('/'), path.split('/'));
    loop {
        match (t.next(), p.next()) {
            (None, None) => return true,
            (Some(ts), Some(ps)) if ts.starts_with('{') && ts.ends_with('}') => {
                if ps.is_empty() {
                    return false;
                }
            }
            (Some(ts), Some(ps)) if ts == ps => {}
            _ => return false,
        }
    }
}

/// The API router, built from [`routes`].
pub fn router() -> Router<AppState> {
    routes().into_iter().fold(Router::new(), |router, route| {
        router.route(route.path, route.handler)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_routes_are_read_from_the_table() {
        assert!(is_public("/api/v1/calendar/spring-festival/2027"));
        assert!(is_public("/api/v1/forecast"));
        assert!(is_public("/api/v1/auth/login"));
        assert!(!is_public("/api/v1/calendar/spring-festival/"));
        assert!(!is_public("/api/v1/calendar/spring-festival/2027/x"));
        assert!(!is_public("/api/v1/plots"));
        assert!(!is_public("/api/v1/sites/maoxian/weather"));
    }
}
