//! The alliance's work over JSON: cooperatives, shifts (assign, hours, settle), leases,
//! dividends, a farmer's own pay and the benefit report. The use cases check who asks.

use super::error::{ApiError, body};
use super::openapi::ErrorBody;
use crate::startup::AppState;
use app::usecases::alliance::{self, WorkOutcome};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{Value, json};
use tianlian_domain::access::Caller;
use utoipa::{IntoParams, ToSchema};

/// Done → 201 `{"id"}`; a conflict with what others did (full, booked, recorded, changed) →
/// 409; any other refusal → 422; 403 and 404 as usual.
fn reply(o: WorkOutcome, key: &str) -> Result<(StatusCode, Json<Value>), ApiError> {
    match o {
        WorkOutcome::Done(id) => Ok((StatusCode::CREATED, Json(json!({ key: id })))),
        WorkOutcome::Refused(code, zh, en) => {
            let conflict = matches!(
                code,
                "shift_full"
                    | "double_booked"
                    | "already_recorded"
                    | "changed_meanwhile"
                    | "phone_taken"
            );
            Err(if conflict {
                ApiError::new(StatusCode::CONFLICT, code, zh, en)
            } else {
                ApiError::invalid(code, zh, en)
            })
        }
        WorkOutcome::NotFound => Err(ApiError::not_found()),
        WorkOutcome::Forbidden => Err(ApiError::forbidden()),
    }
}

/// Which of a cooperative's lists to page through.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CooperativeQuery {
    /// `shifts` (from today on), `members` (of every alliance) or `leases`, 50 a page (leases
    /// 15, each with its payments). Absent: the summary, with the first 10 of each list.
    #[param(inline, value_type = Option<CoopListName>)]
    list: Option<String>,
    /// Members and leases: part of the household head's name or the start of its code (leases
    /// also the plot code or village).
    #[param(max_length = 40)]
    q: Option<String>,
    /// The page of the list, from 1 (past the last: the last).
    #[param(minimum = 1)]
    page: Option<usize>,
}

/// The lists of `GET /api/v1/cooperatives/{id}`.
#[derive(serde::Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CoopListName {
    Shifts,
    Members,
    Leases,
}

/// A cooperative's page: the summary (what needs doing, labour demand, the first rows of each
/// list, with counts over all of them), or one page of one list (`list`, `q`, `page`). The
/// counts (`shift_total`, `member_total`, `lease_total`), `page` and `pages` say how much there is.
#[utoipa::path(get, path = "/api/v1/cooperatives/{id}", tag = "alliance",
    params(("id" = i64, Path, description = "Cooperative id"), CooperativeQuery),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn cooperative(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    Query(q): Query<CooperativeQuery>,
) -> Result<Json<Value>, ApiError> {
    let list = app::models::CoopList::from_code(q.list.as_deref());
    if q.list.is_some() && list == app::models::CoopList::Summary {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_list",
            "list 须为 shifts、members 或 leases",
            "list must be shifts, members or leases",
        ));
    }
    let text = super::plots::search_text("q", q.q.as_deref())?;
    if q.page == Some(0) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_page",
            "page 从 1 起",
            "page starts at 1",
        ));
    }
    let page = alliance::coop_page(
        &state.db,
        &state.climates,
        &caller,
        Some(id),
        list,
        text.as_deref(),
        q.page.unwrap_or(1),
    )
    .await?;
    match &page.cooperative {
        Some(c) if c.id == id => Ok(Json(json!(page))),
        _ => Err(ApiError::not_found()),
    }
}

/// A shift to post; `hourly_yuan` empty = the cooperative's wage.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftBody {
    cooperative_id: i64,
    #[schema(schema_with = super::schema::day)]
    date: String,
    #[schema(schema_with = super::schema::task)]
    task: String,
    #[serde(default)]
    plot_id: Option<i64>,
    #[schema(schema_with = super::schema::headcount)]
    headcount: Value,
    #[schema(schema_with = super::schema::shift_hours)]
    hours: Value,
    /// Null or left out: the cooperative's wage.
    #[schema(schema_with = super::schema::hourly_yuan)]
    #[serde(default)]
    hourly_yuan: Option<Value>,
}

#[utoipa::path(post, path = "/api/v1/shifts", tag = "alliance", request_body = ShiftBody,
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// Posts a shift → 201 `{"id"}`.
pub async fn post_shift(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    json: Result<Json<ShiftBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(json)?;
    let input = tianlian_domain::shifts::NewShiftInput {
        date: b.date,
        task: b.task,
        headcount: super::number_or_text(b.headcount),
        hours: super::number_or_text(b.hours),
        hourly_yuan: super::number_or_text(b.hourly_yuan),
    };
    let o = alliance::post_shift(&state.db, &caller, b.cooperative_id, &input, b.plot_id).await?;
    reply(o, "id")
}

#[utoipa::path(get, path = "/api/v1/shifts/{id}", tag = "alliance",
    params(("id" = i64, Path, description = "Shift id")),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
/// A shift with its workers, their hours and pay, and the day's settlement totals (fen).
pub async fn shift(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let page = alliance::shift_page(&state.db, &caller, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(Json(json!(page)))
}

/// Who to book: a person, or (`household`) the first free person of a household by its code.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    /// Who; when null, `household` names them.
    #[serde(default)]
    person_id: Option<i64>,
    #[schema(schema_with = super::schema::household_ref_or_null)]
    #[serde(default)]
    household: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/shifts/{id}/assignments", tag = "alliance", request_body = AssignBody,
    params(("id" = i64, Path, description = "Shift id")),
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)), security(("bearer" = [])))]
/// Books a person (or a household's first free member) → 201; 409 `shift_full` or `double_booked`.
pub async fn assign(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    json: Result<Json<AssignBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(json)?;
    let o = match (b.person_id, b.household) {
        (Some(person), _) => alliance::assign(&state.db, &caller, id, person).await?,
        (None, Some(code)) => alliance::assign_household(&state.db, &caller, id, &code).await?,
        (None, None) => {
            return Err(ApiError::invalid(
                "person_missing",
                "请指定人员编号或户号",
                "Give a person_id or a household code",
            ));
        }
    };
    reply(o, "person_id")
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoursBody {
    person_id: i64,
    #[schema(schema_with = super::schema::recorded_hours)]
    hours: Value,
    /// The entry to correct (reversed, then the new hours recorded).
    #[serde(default)]
    replaces: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/shifts/{id}/hours", tag = "alliance", request_body = HoursBody,
    params(("id" = i64, Path, description = "Shift id")),
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)), security(("bearer" = [])))]
/// Records hours (or corrects them with `replaces`) → 201 `{"entry_id"}`.
pub async fn hours(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    json: Result<Json<HoursBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(json)?;
    let hours = super::number_or_text(b.hours);
    let o = alliance::record_hours(&state.db, &caller, id, b.person_id, &hours, b.replaces).await?;
    reply(o, "entry_id")
}

#[utoipa::path(post, path = "/api/v1/shifts/{id}/settle", tag = "alliance",
    params(("id" = i64, Path, description = "Shift id")),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)), security(("bearer" = [])))]
/// Settles the shift-day (日结) → 200 `{"paid_fen"}` (0 when nothing was owed).
pub async fn settle(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    match alliance::settle(&state.db, &caller, id).await? {
        WorkOutcome::Done(paid) => Ok(Json(json!({ "paid_fen": paid }))),
        other => reply(other, "paid_fen").map(|(_, j)| j),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeaseBody {
    cooperative_id: i64,
    plot_id: i64,
    #[schema(schema_with = super::schema::lease_area)]
    area_mu: Value,
    #[schema(schema_with = super::schema::lease_fee)]
    fee_yuan_per_mu_year: Value,
    #[schema(schema_with = super::schema::day)]
    starts_on: String,
    /// The last day of the lease, inclusive; after `starts_on`.
    #[schema(schema_with = super::schema::day)]
    ends_on: String,
    /// `annual`, `quarterly` or `once`.
    #[schema(schema_with = super::schema::schedule)]
    schedule: String,
}

#[utoipa::path(post, path = "/api/v1/leases", tag = "alliance", request_body = LeaseBody,
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// Signs a land transfer contract with its payment schedule → 201 `{"id"}`.
pub async fn lease(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    json: Result<Json<LeaseBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(json)?;
    let input = tianlian_domain::lease::NewLeaseInput {
        area: super::number_or_text(b.area_mu),
        fee_yuan_per_mu_year: super::number_or_text(b.fee_yuan_per_mu_year),
        starts_on: b.starts_on,
        ends_on: b.ends_on,
        schedule: b.schedule,
    };
    reply(
        alliance::create_lease(&state.db, &caller, b.cooperative_id, b.plot_id, &input).await?,
        "id",
    )
}

#[utoipa::path(get, path = "/api/v1/leases", tag = "alliance", params(super::plots::PageQuery),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
/// A page of the leases the caller may see (a farmer: their household's), in id order, with
/// payments due and paid: `{"leases": […], "next_cursor": id|null}`.
pub async fn leases(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<super::plots::PageQuery>,
) -> Result<Json<Value>, ApiError> {
    let (cursor, limit) = q.parse()?;
    let (leases, next) = alliance::lease_page(&state.db, &caller, cursor, limit).await?;
    Ok(Json(json!({ "leases": leases, "next_cursor": next })))
}

#[utoipa::path(post, path = "/api/v1/lease-payments/{id}/pay", tag = "alliance",
    params(("id" = i64, Path, description = "Payment id")),
    responses((status = 201, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)), security(("bearer" = [])))]
/// Marks a lease payment paid today (once) → 201.
pub async fn pay_lease(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    reply(alliance::pay_lease(&state.db, &caller, id).await?, "id")
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DividendBody {
    cooperative_id: i64,
    #[schema(schema_with = super::schema::household_ref)]
    household: String,
    #[schema(schema_with = super::schema::dividend_yuan)]
    amount_yuan: Value,
    #[serde(default)]
    note: String,
}

#[utoipa::path(post, path = "/api/v1/dividends", tag = "alliance", request_body = DividendBody,
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// Records a dividend paid today to a household (by code) → 201.
pub async fn dividend(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    json: Result<Json<DividendBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(json)?;
    let amount = super::number_or_text(b.amount_yuan);
    reply(
        alliance::add_dividend(
            &state.db,
            &caller,
            b.cooperative_id,
            &b.household,
            &amount,
            &b.note,
        )
        .await?,
        "id",
    )
}

#[utoipa::path(get, path = "/api/v1/me/pay", tag = "alliance",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
/// A farmer's own wages, upcoming shifts, leases and dividends this season; 403 for others.
pub async fn my_pay(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Value>, ApiError> {
    let pay = alliance::my_pay(&state.db, &caller)
        .await?
        .ok_or_else(ApiError::forbidden)?;
    Ok(Json(json!(pay)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BenefitQuery {
    /// Any day of the season (1 July – 30 June); today when left out.
    day: Option<chrono::NaiveDate>,
    /// The start of a household code, or part of the head's name.
    #[param(max_length = 40)]
    q: Option<String>,
    /// Only poor households' lines (the totals stay the whole report's).
    poor: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/benefit", tag = "alliance", params(BenefitQuery, super::plots::PageQuery),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)), security(("bearer" = [])))]
/// A page of the season's benefit report in the caller's townships: the whole report's totals
/// and payers, `matching` (the lines `q` and `poor` admit), `limit` of those lines (poor
/// households first, the lowest income per person first, then by code) from `cursor`, and
/// `next_cursor` (the position of the next line, null after the last). 403 for farmers.
pub async fn benefit(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<BenefitQuery>,
    Query(page): Query<super::plots::PageQuery>,
) -> Result<Json<Value>, ApiError> {
    let (cursor, limit) = page.parse()?;
    let offset = usize::try_from(cursor.unwrap_or(0)).unwrap_or(0);
    let limit = usize::try_from(limit).unwrap_or(1);
    let day = q
        .day
        .unwrap_or_else(app::usecases::forecasting::china_today);
    let window = alliance::BenefitWindow::From { offset, limit };
    let text = super::plots::search_text("q", q.q.as_deref())?;
    let report = alliance::benefit(
        &state.db,
        &caller,
        day,
        text.as_deref(),
        q.poor.unwrap_or(false),
        window,
    )
    .await?
    .ok_or_else(ApiError::forbidden)?;
    let end = offset + report.lines.len();
    let next_cursor = (end < report.matching).then_some(end);
    let mut body = json!(report);
    body["next_cursor"] = json!(next_cursor);
    Ok(Json(body))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncomeLineBody {
    #[schema(schema_with = super::schema::income_yuan)]
    yuan_per_person: Value,
}

#[utoipa::path(put, path = "/api/v1/income-lines/{year}", tag = "alliance", request_body = IncomeLineBody,
    params(("year" = i32, Path, minimum = 2000, maximum = 2100, description = "Season year (the season starting 1 July), 2000–2100")),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
/// Sets the income line per person per year poor households are measured against (admins).
pub async fn income_line(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(year): Path<i32>,
    json: Result<Json<IncomeLineBody>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    let b = body(json)?;
    let yuan = super::number_or_text(b.yuan_per_person);
    match alliance::set_income_line(&state.db, &caller, year, &yuan).await? {
        WorkOutcome::Done(_) => Ok(StatusCode::NO_CONTENT),
        refused => reply(refused, "year").map(|_| StatusCode::NO_CONTENT),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllianceBody {
    cooperative_id: i64,
    #[schema(schema_with = super::schema::name60)]
    name: String,
}

#[utoipa::path(post, path = "/api/v1/alliances", tag = "alliance", request_body = AllianceBody,
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// Creates an alliance (联合体) of a cooperative → 201 `{"id"}` (the same id for a name it has).
pub async fn create_alliance(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    json: Result<Json<AllianceBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(json)?;
    reply(
        alliance::create_alliance(&state.db, &caller, b.cooperative_id, &b.name).await?,
        "id",
    )
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberBody {
    /// Household code.
    #[schema(schema_with = super::schema::household_ref)]
    household: String,
    /// `able` (致富能人) or `member`.
    #[schema(schema_with = super::schema::member_role)]
    role: String,
    /// For a poor member: the membership id of the skilled farmer who mentors it.
    #[serde(default)]
    mentor_id: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/alliances/{id}/members", tag = "alliance", request_body = MemberBody,
    params(("id" = i64, Path, description = "Alliance id")),
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// Adds a household to an alliance → 201 `{"id"}` (the membership); a poor member needs a mentor.
pub async fn add_member(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    json: Result<Json<MemberBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(json)?;
    let o = alliance::add_member(
        &state.db,
        &caller,
        id,
        &b.household,
        b.role.trim(),
        b.mentor_id,
    )
    .await?;
    reply(o, "id")
}

#[utoipa::path(post, path = "/api/v1/alliance-members/{id}/leave", tag = "alliance",
    params(("id" = i64, Path, description = "Membership id")),
    responses((status = 201, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
/// A household leaves an alliance today; its membership is kept with the date.
pub async fn leave(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, ApiError> {
    reply(
        alliance::leave_alliance(&state.db, &caller, id).await?,
        "id",
    )
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPersonBody {
    #[schema(schema_with = super::schema::household_ref)]
    household: String,
    #[schema(schema_with = super::schema::name40)]
    name: String,
    #[schema(schema_with = super::schema::phone_or_empty)]
    #[serde(default)]
    phone: String,
    #[serde(default = "yes")]
    able_to_work: bool,
}

fn yes() -> bool {
    true
}

#[utoipa::path(post, path = "/api/v1/persons", tag = "alliance", request_body = NewPersonBody,
    responses((status = 201, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
/// Adds a member of a household named by its code (who can be booked on shifts) → 201
/// `{"id"}`. Admins, and agronomists for their township's households (the household pages'
/// rule); cooperatives and farmers 403. A phone of another household's person is 409.
pub async fn add_person(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    json: Result<Json<NewPersonBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let b = body(json)?;
    let o = alliance::add_person(
        &state.db,
        &caller,
        &b.household,
        &b.name,
        &b.phone,
        b.able_to_work,
    )
    .await?;
    reply(o, "id")
}

/// The signed-in farmer's calendar feed address (`null` when off).
#[utoipa::path(get, path = "/api/v1/me/calendar", tag = "alliance",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn my_calendar(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Value>, ApiError> {
    let household = app::usecases::feed::household_of(&caller).ok_or_else(ApiError::forbidden)?;
    let token = tianlian_storage::feeds::token_of(&state.db, household).await?;
    Ok(Json(
        json!({ "path": token.map(|t| format!("/calendar/{t}.ics")) }),
    ))
}

/// A new private feed address for the farmer's household; the old one stops working.
#[utoipa::path(post, path = "/api/v1/me/calendar", tag = "alliance",
    responses((status = 201, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn regenerate_calendar(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let household = app::usecases::feed::household_of(&caller).ok_or_else(ApiError::forbidden)?;
    let token = app::usecases::feed::regenerate(&state.db, household).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "path": format!("/calendar/{token}.ics") })),
    ))
}

/// Turns the farmer's feed off (its address answers 404 from now on).
#[utoipa::path(delete, path = "/api/v1/me/calendar", tag = "alliance",
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn revoke_calendar(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<StatusCode, ApiError> {
    let household = app::usecases::feed::household_of(&caller).ok_or_else(ApiError::forbidden)?;
    tianlian_storage::feeds::revoke(&state.db, household).await?;
    Ok(StatusCode::NO_CONTENT)
}
