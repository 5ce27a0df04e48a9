//! Sign-in, the caller, accounts, tokens and the audit log.

use super::error::{ApiError, body};
use super::openapi::ErrorBody;
use crate::startup::AppState;
use app::usecases::auth::{
    AttemptFrom, ClientAddr, NewAccount, NewAccountError, PasswordError, SignInError,
    change_own_password as change_own, create_account as create_account_as, device_cookie,
    device_token, new_api_token, reset_password as reset, sign_in, sign_out,
};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::{Extension, response::IntoResponse};
use serde::Deserialize;
use serde_json::{Value, json};
use tianlian_domain::access::{Caller, can_manage_accounts};
use tianlian_storage::accounts;
use tianlian_storage::audit::{self, AuditEntry};
use tianlian_storage::tokens;
use tower_sessions::Session;
use utoipa::ToSchema;

type ApiResult<T> = Result<T, ApiError>;

fn admin(caller: &Caller) -> ApiResult<()> {
    if can_manage_accounts(caller.scope) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

fn weak_password() -> ApiError {
    ApiError::invalid(
        "weak_password",
        "密码至少 8 个字符",
        "The password needs at least 8 characters",
    )
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    phone: String,
    password: String,
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginBody,
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody)))]
/// `POST /api/v1/auth/login` → 200 `{"role":…}` and the session cookie; 401 for any wrong
/// phone or password alike; 429 past the attempt limit.
pub async fn login(
    State(state): State<AppState>,
    session: Session,
    addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    json: Result<Json<LoginBody>, JsonRejection>,
) -> ApiResult<Response> {
    let b = body(json)?;
    let device = device_token(&headers);
    let from = AttemptFrom {
        addr: addr.map(|Extension(ClientAddr(a))| a),
        device: device.as_deref(),
    };
    match sign_in(
        &state.db,
        &state.login_limiter,
        &session,
        from,
        &b.phone,
        &b.password,
    )
    .await
    {
        Ok(signed_in) => {
            let mut response =
                Json(json!({ "role": signed_in.caller.scope.role().code() })).into_response();
            if let Some(token) = signed_in.new_device
                && let Ok(cookie) =
                    HeaderValue::from_str(&device_cookie(&token, &state.login_limiter))
            {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            Ok(response)
        }
        Err(SignInError::BadCredentials) => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "手机号或密码错误",
            "Wrong phone number or password",
        )),
        Err(SignInError::Disabled) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "disabled",
            "此账号已停用，请联系乡镇农技员或管理员",
            "This account is disabled: ask the township or an admin",
        )),
        Err(SignInError::RateLimited(after)) => {
            let mut refused = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "登录尝试过多，请稍后再试",
                "Too many sign-in attempts; try again later",
            )
            .into_response();
            refused
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(after));
            Ok(refused)
        }
        Err(e) => Err(ApiError::internal(&e)),
    }
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
/// `POST /api/v1/auth/logout` → 204; the session is deleted on the server.
pub async fn logout(session: Session) -> ApiResult<StatusCode> {
    sign_out(&session)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses((status = 200, body = Object), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
/// `GET /api/v1/me` → who is signed in and their scope.
pub async fn me(Extension(caller): Extension<Caller>) -> Json<Value> {
    Json(json!({
        "account_id": caller.account_id,
        "phone": caller.phone,
        "role": caller.scope.role().code(),
        "scope": caller.scope,
        "must_change_password": caller.must_change_password,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordBody {
    /// The password now (422 `wrong_password` when it is not).
    current: String,
    #[schema(schema_with = super::schema::password)]
    new: String,
}

#[utoipa::path(post, path = "/api/v1/me/password", tag = "auth", request_body = ChangePasswordBody,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
/// `POST /api/v1/me/password` `{"current","new"}` → 204.
pub async fn change_own_password(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    session: Session,
    json: Result<Json<ChangePasswordBody>, JsonRejection>,
) -> ApiResult<StatusCode> {
    let b = body(json)?;
    change_own(&state.db, &caller, &session, &b.current, &b.new)
        .await
        .map_err(password_error)?;
    Ok(StatusCode::NO_CONTENT)
}

/// A refused password change or reset as the API answers it.
fn password_error(e: PasswordError) -> ApiError {
    match e {
        PasswordError::WrongPassword => ApiError::invalid(
            "wrong_password",
            "当前密码不正确",
            "The current password is wrong",
        ),
        PasswordError::WeakPassword => weak_password(),
        PasswordError::NoAccount => ApiError::not_found(),
        other => ApiError::internal(&other),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccountBody {
    #[schema(schema_with = super::schema::account_phone)]
    phone: String,
    #[schema(schema_with = super::schema::password)]
    password: String,
    #[schema(schema_with = super::schema::role)]
    role: String,
    /// Needed for an agronomist (422 `missing_scope` without it).
    township_id: Option<i64>,
    /// Needed for a cooperative.
    cooperative_id: Option<i64>,
    /// Needed for a farmer.
    household_id: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = NewAccountBody,
    responses((status = 201, body = Object), (status = 409, body = ErrorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
/// `POST /api/v1/accounts` (admin) → 201 `{"id":…}`.
pub async fn create_account(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    json: Result<Json<NewAccountBody>, JsonRejection>,
) -> ApiResult<impl IntoResponse> {
    admin(&caller)?;
    let b = body(json)?;
    let new = NewAccount {
        phone: &b.phone,
        password: &b.password,
        role: &b.role,
        township_id: b.township_id,
        cooperative_id: b.cooperative_id,
        household_id: b.household_id,
    };
    match create_account_as(&state.db, Some(&caller), &new).await {
        Ok(id) => Ok((StatusCode::CREATED, Json(json!({ "id": id })))),
        Err(NewAccountError::InvalidPhone) => Err(ApiError::invalid(
            "invalid_phone",
            "手机号须为 11 位数字",
            "The phone number must have 11 digits",
        )),
        Err(NewAccountError::WeakPassword) => Err(weak_password()),
        Err(NewAccountError::MissingPlace) => Err(ApiError::invalid(
            "missing_scope",
            "该角色须指定所属乡镇、合作社或农户",
            "This role needs its township, cooperative or household",
        )),
        Err(NewAccountError::UnknownRole) => Err(ApiError::invalid(
            "unknown_role",
            "角色无效",
            "Unknown role",
        )),
        Err(NewAccountError::PhoneTaken) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "phone_taken",
            "该手机号已有账户",
            "An account with this phone exists",
        )),
        Err(NewAccountError::UnknownPlace) => Err(ApiError::invalid(
            "unknown_place",
            "所属乡镇、合作社或农户不存在",
            "No such township, cooperative or household",
        )),
        Err(e) => Err(ApiError::internal(&e)),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetBody {
    #[schema(schema_with = super::schema::password)]
    password: String,
}

#[utoipa::path(post, path = "/api/v1/accounts/{id}/password", tag = "accounts", request_body = ResetBody,
    params(("id" = i64, Path, description = "Account id")),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
/// `POST /api/v1/accounts/{id}/password` (admin) → 204; the owner must change it at next sign-in.
pub async fn reset_password(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    json: Result<Json<ResetBody>, JsonRejection>,
) -> ApiResult<StatusCode> {
    admin(&caller)?;
    let b = body(json)?;
    reset(&state.db, &caller, id, &b.password)
        .await
        .map_err(password_error)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    account_id: i64,
    #[serde(default)]
    label: String,
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = TokenBody,
    responses((status = 201, body = Object), (status = 404, body = ErrorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
/// `POST /api/v1/tokens` (admin) `{"account_id","label"}` → 201 `{"id","token"}`; the token is
/// shown this once.
pub async fn issue_token(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    json: Result<Json<TokenBody>, JsonRejection>,
) -> ApiResult<impl IntoResponse> {
    admin(&caller)?;
    let b = body(json)?;
    if accounts::by_id(&state.db, b.account_id).await?.is_none() {
        return Err(ApiError::not_found());
    }
    let (token, hash) = new_api_token();
    let entry = AuditEntry::new(Some(caller.account_id), "issue", "api_token")
        .after(json!({ "account_id": b.account_id, "label": b.label }));
    let id = tokens::insert(&state.db, b.account_id, &hash, &b.label, &entry).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "token": token })),
    ))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts",
    params(("id" = i64, Path, description = "Token id")),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
/// `DELETE /api/v1/tokens/{id}` (admin) → 204, 404 when there is no live token with that id.
pub async fn revoke_token(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    admin(&caller)?;
    let entry = AuditEntry::new(Some(caller.account_id), "revoke", "api_token");
    if !tokens::revoke(&state.db, id, &entry).await? {
        return Err(ApiError::not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "accounts", params(super::plots::PageQuery),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
/// `GET /api/v1/audit` (admin) → a page of changes, newest first:
/// `{"entries": […], "next_cursor": id|null}` (the cursor pages back in time).
pub async fn audit_log(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<super::plots::PageQuery>,
) -> ApiResult<Json<Value>> {
    admin(&caller)?;
    let (cursor, limit) = q.parse()?;
    let mut entries = audit::before(&state.db, cursor, limit + 1).await?;
    let more = entries.len() as i64 > limit;
    entries.truncate(usize::try_from(limit).unwrap_or(0));
    let next = if more {
        entries.last().map(|e| e.id)
    } else {
        None
    };
    Ok(Json(json!({ "entries": entries, "next_cursor": next })))
}
