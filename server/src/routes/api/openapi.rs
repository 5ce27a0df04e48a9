//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers' annotations (utoipa) and
//! served at `/api/v1/openapi.json`. A test checks it names exactly the routes the server has.

use super::{auth, engine, export, fieldday, market, onboard, plots, register, targets, work};
use axum::http::header;
use axum::response::IntoResponse;
use std::sync::OnceLock;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// Every API error: `{"error":{"code","message","fields"?}}`, the message in Chinese unless the
/// request's `Accept-Language` starts with `en`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ErrorDetail {
    /// Stable, machine-readable (`unknown_crop`, `invalid_date`, …).
    code: String,
    /// For people: Chinese by default, English on request.
    message: String,
    /// Per-field or per-line problems, when there are several.
    #[schema(value_type = Option<Vec<Object>>)]
    fields: Option<Vec<serde_json::Value>>,
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

/// The answers any operation can give besides its own, added to each so that the document
/// states every status the server sends (#19.6): 400 for a body, query or path the server
/// cannot read; 401 and 403 on every signed-in operation (no credentials; a cross-site
/// session post, or a password that must be changed first); 413 and 415 for a body too large
/// or not JSON; 429 when sign-in is throttled.
struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let error = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ErrorBody")))
                            .build(),
                    )
                    .build(),
            )
        };
        for (path, item) in &mut openapi.paths.paths {
            let public = super::is_public(path);
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                let mut add = |status: &str, description: &str| {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| error(description));
                };
                let has_input = op.request_body.is_some()
                    || op.parameters.as_ref().is_some_and(|p| !p.is_empty())
                    || path.contains('{');
                if has_input {
                    add("400", "The request could not be read");
                }
                if op.request_body.is_some() {
                    add("413", "The body is too large");
                    add("415", "The body is not JSON");
                }
                if !public {
                    add("401", "Not signed in");
                    add("403", "Not allowed, or the password must be changed first");
                }
            }
        }
    }
}

/// The characters a text may hold. The server refuses a NUL anywhere in a request with 400
/// (`crate::input`), so every text the document describes, in a body, a query or a path, says
/// so: a string schema without its own pattern, enum or format gets this one, and the patterns
/// written on fields exclude NUL themselves.
pub const NO_NUL: &str = r"^[^\x00]*$";

struct NoNul;

impl Modify for NoNul {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        fn walk(v: &mut serde_json::Value) {
            match v {
                serde_json::Value::Object(o) => {
                    let text = o.get("type").is_some_and(|t| {
                        t == "string"
                            || t.as_array()
                                .is_some_and(|a| a.iter().any(|t| t == "string"))
                    });
                    if text
                        && !["pattern", "enum", "format", "const"]
                            .iter()
                            .any(|k| o.contains_key(*k))
                    {
                        o.insert("pattern".into(), NO_NUL.into());
                    }
                    o.values_mut().for_each(walk);
                }
                serde_json::Value::Array(a) => a.iter_mut().for_each(walk),
                _ => {}
            }
        }
        let Ok(mut doc) = serde_json::to_value(&*openapi) else {
            return;
        };
        walk(&mut doc);
        if let Ok(doc) = serde_json::from_value(doc) {
            *openapi = doc;
        }
    }
}

/// The refusals (422, by `error.code`) that no schema can state, because they depend on stored
/// records, on today's date or on another field of the same request. Every other 422 means a
/// field broke its schema, so a request the schemas admit gets none of them. The document lists
/// these as `x-refusals-beyond-schema`, and the suite's schemathesis run fails on a schema-valid
/// request refused with any other code.
pub const REFUSALS_BEYOND_SCHEMA: &[(&str, &str)] = &[
    // Names a record that must exist, in the caller's scope.
    (
        "unknown_household",
        "no household with this code in the caller's township",
    ),
    ("unknown_person", "no such person in the shift's township"),
    (
        "unknown_plot",
        "no such plot in scope (or retired, or without an owner for a lease)",
    ),
    (
        "unknown_place",
        "no such township (with villages) or village; or no place for the account",
    ),
    ("unknown_village", "no such village"),
    (
        "unknown_owner",
        "no household with this code in the plot's village",
    ),
    ("unknown_site", "no such site"),
    ("other_township", "the village is in another township"),
    // Depends on what is stored.
    ("code_taken", "a plot of the village has this code"),
    ("already_member", "the household is in the alliance"),
    ("already_left", "the membership has ended"),
    ("not_assigned", "the person is not booked on the shift"),
    (
        "not_able_to_work",
        "the person is registered as unable to work",
    ),
    (
        "mentor_required",
        "a poor household joins with a skilled farmer as mentor",
    ),
    (
        "bad_mentor",
        "the mentor is not a skilled farmer of this alliance",
    ),
    (
        "area_exceeds_plot",
        "the plot has less free land in the crop's season",
    ),
    (
        "area_exceeds_free",
        "the plot has less unleased land in the term",
    ),
    (
        "area_below_planted",
        "the plot has more planted than the new area",
    ),
    ("plot_retired", "the plot is retired"),
    (
        "status_not_allowed",
        "the planting cannot take this step from its status",
    ),
    (
        "date_before_planting",
        "the day is before the planting's date",
    ),
    ("wrong_password", "the current password is not this"),
    ("self", "an admin cannot disable their own account"),
    (
        "account_needs_phone",
        "the household has no phone to sign in with",
    ),
    (
        "no_harvest",
        "the crop does not reach harvest from this date at this site",
    ),
    ("market_unreachable", "no planting reaches this market day"),
    (
        "invalid_rows",
        "a row of the file breaks a rule (the error lists each)",
    ),
    // Depends on another field, or on today's date.
    (
        "missing_scope",
        "the role needs its township, cooperative or household id",
    ),
    (
        "person_missing",
        "an assignment needs a person_id or a household",
    ),
    ("unknown_crop_type", "the type is not one of this crop's"),
    (
        "invalid_market",
        "a market is a Spring Festival year (with days before) or a date",
    ),
    ("deadline_before_start", "the deadline is before the start"),
    (
        "end_not_after_start",
        "the lease ends on or before its start",
    ),
    ("reason_required", "a failed planting needs its reason"),
    ("person_repeated", "a person is on two lines of a roll call"),
    (
        "bad_poor_year",
        "a poor household's year: 2000 to this year",
    ),
    (
        "bad_lifted_year",
        "a lifted household's years: identified ≤ lifted ≤ this year",
    ),
];

/// The list above, in the document.
struct RefusalsBeyondSchema;

impl Modify for RefusalsBeyondSchema {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let list: serde_json::Map<String, serde_json::Value> = REFUSALS_BEYOND_SCHEMA
            .iter()
            .map(|(code, why)| ((*code).to_owned(), (*why).into()))
            .collect();
        let extensions = utoipa::openapi::extensions::ExtensionsBuilder::new()
            .add("x-refusals-beyond-schema", list)
            .build();
        match openapi.extensions.as_mut() {
            Some(e) => e.merge(extensions),
            None => openapi.extensions = Some(extensions),
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tianlian 田联 API",
        version = "1",
        description = "Winter-crop planning for Sichuan townships. JSON; dates are YYYY-MM-DD; \
                       areas in mu; money in integer fen. Sign in with a session cookie \
                       (POST /api/v1/auth/login) or an API token (Authorization: Bearer)."
    ),
    paths(
        auth::login, auth::logout, auth::me, auth::change_own_password, auth::create_account,
        auth::reset_password, auth::issue_token, auth::revoke_token, auth::audit_log,
        plots::list, plots::show, plots::add_planting, plots::change_status,
        register::create, register::edit, register::retire, register::plantings, register::import,
        targets::progress,
        work::cooperative, work::post_shift, work::shift, work::assign, work::hours, work::settle,
        work::lease, work::leases, work::pay_lease, work::dividend, work::my_pay, work::benefit,
        work::income_line, work::create_alliance, work::add_member, work::leave, work::add_person,
        work::my_calendar, work::regenerate_calendar, work::revoke_calendar,
        fieldday::fill, fieldday::bookings, fieldday::unbook, fieldday::roll_call,
        fieldday::submit_roll_call, fieldday::day_sheet, fieldday::day_sheet_file, fieldday::settle_day,
        onboard::list_accounts, onboard::show_account, onboard::disable, onboard::enable,
        onboard::one_time_password, onboard::list_households, onboard::show_household,
        onboard::create_household, onboard::edit_household, onboard::add_person, onboard::edit_person,
        onboard::give_account,
        targets::list, targets::show, targets::create, targets::delete,
        market::calendar, market::wallchart, market::set_capacity, export::download,
        engine::spring_festival, engine::solar_terms, engine::forecast, engine::backward,
        engine::rate, engine::sites, engine::import_weather, document,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth, &CommonResponses, &NoNul, &RefusalsBeyondSchema),
    tags(
        (name = "auth", description = "Signing in and the caller"),
        (name = "accounts", description = "Accounts, tokens and the audit log (admins)"),
        (name = "households", description = "Households (农户), their people and farmer accounts"),
        (name = "plots", description = "Plots and plantings in the caller's scope"),
        (name = "plans", description = "Season targets and progress (挂图作战)"),
        (name = "alliance", description = "Cooperatives, alliances, land transfer, shifts, wages (fen) and benefits"),
        (name = "calendar", description = "Spring Festival and the 24 solar terms, 1901–2100"),
        (name = "forecast", description = "Harvest forecasts and backward schedules (倒排工期)"),
    )
)]
pub struct ApiDoc;

/// The document as JSON text, built once.
pub fn json() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        ApiDoc::openapi()
            .to_json()
            .unwrap_or_else(|_| "{}".to_owned())
    })
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "auth",
    responses((status = 200, description = "The OpenAPI document", body = Object)))]
pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], json())
}
