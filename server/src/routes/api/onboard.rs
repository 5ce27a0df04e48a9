//! Onboarding over JSON: accounts for admins (list, one, disable, enable, one-time password),
//! households and their people for the township's agronomists (cooperatives read their
//! alliance's), and a household's farmer account. The same use cases as the pages
//! (`app::usecases::onboard`), which check who asks. Bulk import is `POST /api/v1/import/households`.

use super::error::{ApiError, body};
use super::openapi::ErrorBody;
use super::plots::{PageQuery, one_of, search_text};
use crate::startup::AppState;
use app::models::{AccountListQuery, HouseholdListQuery, Slip};
use app::usecases::alliance::WorkOutcome;
use app::usecases::onboard::{self, OnboardError, SlipOutcome};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{Value, json};
use tianlian_domain::access::Caller;
use tianlian_domain::household::{HouseholdInput, PersonInput};
use utoipa::{IntoParams, ToSchema};

impl From<OnboardError> for ApiError {
    fn from(e: OnboardError) -> Self {
        match e {
            OnboardError::Storage(e) => ApiError::internal(&e),
            OnboardError::Hashing(e) => ApiError::internal(&e),
        }
    }
}

fn refusal(o: WorkOutcome) -> ApiError {
    match o {
        WorkOutcome::Refused(code, zh, en) => {
            if matches!(code, "code_taken" | "phone_taken" | "has_account") {
                ApiError::new(StatusCode::CONFLICT, code, zh, en)
            } else {
                ApiError::invalid(code, zh, en)
            }
        }
        WorkOutcome::Forbidden => ApiError::forbidden(),
        WorkOutcome::NotFound | WorkOutcome::Done(_) => ApiError::not_found(),
    }
}

fn created(o: WorkOutcome) -> Result<(StatusCode, Json<Value>), ApiError> {
    match o {
        WorkOutcome::Done(id) => Ok((StatusCode::CREATED, Json(json!({ "id": id })))),
        other => Err(refusal(other)),
    }
}

fn no_content(o: WorkOutcome) -> Result<StatusCode, ApiError> {
    match o {
        WorkOutcome::Done(_) => Ok(StatusCode::NO_CONTENT),
        other => Err(refusal(other)),
    }
}

/// The next page's cursor: the last id of a full page (a short page is the last).
fn next_cursor(last: Option<i64>, len: usize, limit: i64) -> Option<i64> {
    (i64::try_from(len).unwrap_or(0) == limit)
        .then_some(last)
        .flatten()
}

/// A sign-in slip as JSON: shown once; the one-time password is not stored in clear.
pub fn slip_json(s: &Slip) -> Value {
    json!({
        "township": s.township, "village": s.village, "household_code": s.household_code,
        "head_name": s.head_name, "phone": s.phone, "one_time_password": s.password,
    })
}

fn slip(o: SlipOutcome) -> Result<(StatusCode, Json<Value>), ApiError> {
    match o {
        SlipOutcome::Slip(s) => Ok((StatusCode::CREATED, Json(json!({ "slip": slip_json(&s) })))),
        SlipOutcome::Refused(o) => Err(refusal(o)),
    }
}

/// Which accounts a list holds.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountsQuery {
    /// The start of a phone, or part of the place's name (township, cooperative, household).
    #[param(max_length = 40)]
    q: Option<String>,
    /// Only this role.
    #[param(inline, value_type = Option<RoleName>)]
    role: Option<String>,
    /// `active` or `disabled`.
    #[param(inline, value_type = Option<AccountStatus>)]
    status: Option<String>,
}

/// A role code.
#[derive(ToSchema)]
#[allow(dead_code)]
#[schema(rename_all = "lowercase")]
pub enum RoleName {
    Admin,
    Agronomist,
    Cooperative,
    Farmer,
}

/// Whether an account may sign in.
#[derive(ToSchema)]
#[allow(dead_code)]
#[schema(rename_all = "lowercase")]
pub enum AccountStatus {
    Active,
    Disabled,
}

#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts", params(AccountsQuery, PageQuery),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)), security(("bearer" = [])))]
/// A page of accounts in id order → `{"accounts", "total", "next_cursor"}` (admins).
pub async fn list_accounts(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<AccountsQuery>,
    Query(page): Query<PageQuery>,
) -> Result<Json<Value>, ApiError> {
    let (cursor, limit) = page.parse()?;
    let query = AccountListQuery {
        q: search_text("q", q.q.as_deref())?.unwrap_or_default(),
        role: one_of(
            "role",
            q.role.as_deref(),
            &["admin", "agronomist", "cooperative", "farmer"],
        )?
        .unwrap_or_default(),
        status: one_of("status", q.status.as_deref(), &["active", "disabled"])?.unwrap_or_default(),
        page: 1,
    };
    let (lines, total) =
        onboard::accounts_after(&state.db, &caller, &query, cursor.unwrap_or(0), limit)
            .await?
            .ok_or_else(ApiError::forbidden)?;
    let next = (i64::try_from(lines.len()).unwrap_or(0) == limit)
        .then(|| lines.last().map(|l| l.id))
        .flatten();
    Ok(Json(
        json!({ "accounts": lines, "total": total, "next_cursor": next }),
    ))
}

#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "accounts", params(("id" = i64, Path, description = "Account id")),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)), security(("bearer" = [])))]
/// One account with its audit trail (admins).
pub async fn show_account(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    if !tianlian_domain::access::can_manage_accounts(caller.scope) {
        return Err(ApiError::forbidden());
    }
    let detail = onboard::account_page(&state.db, &caller, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(
        json!({ "account": detail.account, "trail": detail.trail }),
    ))
}

#[utoipa::path(post, path = "/api/v1/accounts/{id}/disable", tag = "accounts", params(("id" = i64, Path, description = "Account id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
/// Disables an account: its sessions end and its tokens are revoked at once (admins; not
/// their own).
pub async fn disable(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    no_content(onboard::set_disabled(&state.db, &caller, id, true).await?)
}

#[utoipa::path(post, path = "/api/v1/accounts/{id}/enable", tag = "accounts", params(("id" = i64, Path, description = "Account id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)), security(("bearer" = [])))]
/// Enables a disabled account again (its old sessions stay ended).
pub async fn enable(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    no_content(onboard::set_disabled(&state.db, &caller, id, false).await?)
}

#[utoipa::path(post, path = "/api/v1/accounts/{id}/one-time-password", tag = "accounts",
    params(("id" = i64, Path, description = "Account id")),
    responses((status = 201, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)), security(("bearer" = [])))]
/// Resets the password to a new one-time password, to be changed at the next sign-in; every
/// session of the account ends → 201 `{"slip"}` (admins). The password is shown only here.
pub async fn one_time_password(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    slip(onboard::reset_one_time(&state.db, &caller, id).await?)
}

/// Which households a list holds.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HouseholdsQuery {
    /// Only this township's (admins; others see their own anyway).
    township: Option<i64>,
    /// Only this village's.
    village: Option<i64>,
    /// The start of a household code or phone, or part of a name.
    #[param(max_length = 40)]
    q: Option<String>,
    /// `poor` (registered poor, now or lifted out) or `not_poor`.
    #[param(inline, value_type = Option<PoorFilter>)]
    poor: Option<String>,
}

/// Poor status in a filter.
#[derive(ToSchema)]
#[allow(dead_code)]
#[schema(rename_all = "snake_case")]
pub enum PoorFilter {
    Poor,
    NotPoor,
}

#[utoipa::path(get, path = "/api/v1/households", tag = "households", params(HouseholdsQuery, PageQuery),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)), security(("bearer" = [])))]
/// A page of the households the caller may see, in id order → `{"households", "total",
/// "next_cursor"}`. Admins: the county; agronomists: their township; cooperatives: their
/// alliance's; farmers: 403.
pub async fn list_households(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<HouseholdsQuery>,
    Query(page): Query<PageQuery>,
) -> Result<Json<Value>, ApiError> {
    let (cursor, limit) = page.parse()?;
    let query = HouseholdListQuery {
        q: search_text("q", q.q.as_deref())?.unwrap_or_default(),
        township: q.township,
        village: q.village,
        poor: one_of("poor", q.poor.as_deref(), &["poor", "not_poor"])?.unwrap_or_default(),
        page: 1,
    };
    let (lines, total) =
        onboard::households_after(&state.db, &caller, &query, cursor.unwrap_or(0), limit)
            .await?
            .ok_or_else(ApiError::forbidden)?;
    let next = next_cursor(lines.last().map(|l| l.id), lines.len(), limit);
    Ok(Json(
        json!({ "households": lines, "total": total, "next_cursor": next }),
    ))
}

#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "households", params(("id" = i64, Path, description = "Household id")),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
/// A household with its people; 404 when missing or outside the caller's view.
pub async fn show_household(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let d = onboard::household_page(&state.db, &caller, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(
        json!({ "household": d.household, "persons": d.persons, "may_edit": d.may_edit }),
    ))
}

/// A household as sent: code, head, phone and poor status.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseholdBody {
    /// The village (of a township the caller manages); needed to add one, null keeps it.
    village_id: Option<i64>,
    #[schema(schema_with = super::schema::household_code)]
    code: String,
    #[schema(schema_with = super::schema::name40)]
    head_name: String,
    /// A mainland mobile number, or empty.
    #[schema(schema_with = super::schema::phone_or_empty)]
    #[serde(default)]
    phone: String,
    /// `not_poor` (or empty), `poor` or `lifted`, or a word the register uses for them.
    #[schema(schema_with = super::schema::poor)]
    #[serde(default)]
    poor: String,
    /// The year it was identified as poor (2000 to this year).
    poor_since: Option<i32>,
    /// The year it was lifted out of poverty.
    poor_lifted: Option<i32>,
}

impl HouseholdBody {
    fn input(&self) -> HouseholdInput {
        let year = |y: Option<i32>| y.map(|y| y.to_string()).unwrap_or_default();
        HouseholdInput {
            code: self.code.clone(),
            head_name: self.head_name.clone(),
            phone: self.phone.clone(),
            poor: self.poor.clone(),
            poor_since: year(self.poor_since),
            poor_lifted: year(self.poor_lifted),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/households", tag = "households", request_body = HouseholdBody,
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// Adds a household, its head as its first person → 201 `{"id"}` (admins and the township's
/// agronomists).
pub async fn create_household(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    json: Result<Json<HouseholdBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(json)?;
    created(
        onboard::create_household(&state.db, &caller, b.village_id.unwrap_or(0), &b.input())
            .await?,
    )
}

#[utoipa::path(patch, path = "/api/v1/households/{id}", tag = "households", request_body = HouseholdBody,
    params(("id" = i64, Path, description = "Household id")),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)), security(("bearer" = [])))]
/// Changes a household (every field as sent; the village stays when none is sent).
pub async fn edit_household(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    json: Result<Json<HouseholdBody>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let b = body(json)?;
    no_content(onboard::edit_household(&state.db, &caller, id, b.village_id, &b.input()).await?)
}

/// A person as sent.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonBody {
    #[schema(schema_with = super::schema::name40)]
    name: String,
    /// A mainland mobile number, or empty.
    #[schema(schema_with = super::schema::phone_or_empty)]
    #[serde(default)]
    phone: String,
    #[serde(default = "yes")]
    able_to_work: bool,
}

fn yes() -> bool {
    true
}

impl PersonBody {
    fn input(&self) -> PersonInput {
        PersonInput {
            name: self.name.clone(),
            phone: self.phone.clone(),
            able: if self.able_to_work { "是" } else { "否" }.into(),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/households/{id}/persons", tag = "households", request_body = PersonBody,
    params(("id" = i64, Path, description = "Household id")),
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)), security(("bearer" = [])))]
/// Adds a person to the household → 201 `{"id"}`.
pub async fn add_person(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    json: Result<Json<PersonBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(json)?;
    created(onboard::save_person(&state.db, &caller, id, None, &b.input()).await?)
}

#[utoipa::path(patch, path = "/api/v1/households/{id}/persons/{person_id}", tag = "households", request_body = PersonBody,
    params(("id" = i64, Path, description = "Household id"), ("person_id" = i64, Path, description = "Person id")),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)), security(("bearer" = [])))]
/// Changes a person of the household.
pub async fn edit_person(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((id, person)): Path<(i64, i64)>,
    json: Result<Json<PersonBody>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let b = body(json)?;
    no_content(onboard::save_person(&state.db, &caller, id, Some(person), &b.input()).await?)
}

#[utoipa::path(post, path = "/api/v1/households/{id}/account", tag = "households",
    params(("id" = i64, Path, description = "Household id")),
    responses((status = 201, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// Gives the household a farmer account on its phone with a one-time password → 201
/// `{"slip"}`; 409 when it has one.
pub async fn give_account(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    slip(onboard::give_account(&state.db, &caller, id).await?)
}
