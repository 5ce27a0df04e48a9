//! The form posts whose answer is not a redirect: an uploaded import file (multipart, read as
//! CSV or XLSX), and the three writes that create one-time passwords — a household import, an
//! admin's reset and a household's new farmer account — which answer with the printable slip
//! sheet (`app::routes::slips`). The passwords exist only in that answer, sent `no-store`.
//! Who may do what is the use cases' (`app::usecases::onboard`); the gate has checked the session and
//! the origin.

use crate::startup::AppState;
use app::models::Slip;
use app::usecases::alliance::WorkOutcome;
use app::usecases::onboard::{self, SlipOutcome};
use axum::Extension;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use tianlian_domain::access::Caller;
use tianlian_domain::import::ImportKind;

/// The app's sign-in address as the phone reached it, for the slips' QR code.
fn sign_in_address(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    format!("{}://{host}/login", if https { "https" } else { "http" })
}

fn sheet(headers: &HeaderMap, slips: &[Slip], summary: &str, back: &str) -> Response {
    let html = app::routes::slips::sheet_html(slips, &sign_in_address(headers), summary, back);
    let mut res = (StatusCode::OK, Html(html)).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Back to `page` with the outcome in the address, as every other form.
fn back_to(page: &str, outcome: WorkOutcome) -> Response {
    let query = match outcome {
        WorkOutcome::Refused(code, zh, _) => {
            serde_urlencoded::to_string([("error", code), ("msg", zh.as_str())]).unwrap_or_default()
        }
        WorkOutcome::Forbidden => "error=forbidden".into(),
        WorkOutcome::NotFound | WorkOutcome::Done(_) => "error=not_found".into(),
    };
    Redirect::to(&format!("{page}?{query}")).into_response()
}

fn failed(e: onboard::OnboardError) -> Response {
    tracing::error!(error = ?e, "onboarding failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Html("<p>服务器暂时无法处理，请稍后再试。The server could not complete this.</p>"),
    )
        .into_response()
}

/// `POST /import/upload` (multipart: `kind`, `file`): checks the file (never stores) and shows
/// its report at `/import?run=ID`.
pub async fn upload(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    mut form: Multipart,
) -> Response {
    let (mut kind, mut bytes) = (None, None);
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("kind") => {
                kind = field
                    .text()
                    .await
                    .ok()
                    .as_deref()
                    .and_then(ImportKind::parse)
            }
            Some("file") => bytes = field.bytes().await.ok(),
            _ => {}
        }
    }
    let (Some(kind), Some(bytes)) = (kind, bytes) else {
        return Redirect::to("/import?bad_kind=1").into_response();
    };
    let Ok(text) = onboard::upload_text(&bytes) else {
        return Redirect::to("/import?bad_file=1").into_response();
    };
    match app::usecases::plots::run_import(&state.db, &caller, kind, &text, true).await {
        Ok(Some(r)) => Redirect::to(&format!("/import?run={}", r.id)).into_response(),
        Ok(None) => Redirect::to("/import?forbidden=1").into_response(),
        Err(e) => failed(e),
    }
}

/// `POST /import/{run}/slips`: imports the caller's checked household run, checked again now,
/// and answers with the slips of the accounts it created (or the new run's report).
pub async fn import_households(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(run): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let earlier = match app::usecases::plots::own_run(&state.db, &caller, run).await {
        Ok(Some((r, text))) if r.kind == ImportKind::Households.code() => text,
        Ok(_) => return Redirect::to("/import?missing=1").into_response(),
        Err(e) => return failed(e.into()),
    };
    match app::usecases::plots::run_import(
        &state.db,
        &caller,
        ImportKind::Households,
        &earlier,
        false,
    )
    .await
    {
        Ok(Some(r)) if r.errors.is_empty() => {
            let summary = format!(
                "已导入 {} 户，开通 {} 个农户账号。",
                r.stored,
                r.slips.len()
            );
            sheet(&headers, &r.slips, &summary, "/households")
        }
        Ok(Some(r)) => Redirect::to(&format!("/import?run={}", r.id)).into_response(),
        Ok(None) => Redirect::to("/import?forbidden=1").into_response(),
        Err(e) => failed(e),
    }
}

/// `POST /accounts/{id}/slip`: an admin resets the account to a one-time password.
pub async fn reset(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    match onboard::reset_one_time(&state.db, &caller, id).await {
        Ok(SlipOutcome::Slip(slip)) => sheet(
            &headers,
            &[slip],
            "密码已重置，该账号的登录已全部退出。",
            &format!("/accounts/{id}"),
        ),
        Ok(SlipOutcome::Refused(o)) => back_to(&format!("/accounts/{id}"), o),
        Err(e) => failed(e),
    }
}

/// `POST /households/{id}/slip`: the household gets a farmer account on its phone.
pub async fn give_account(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    match onboard::give_account(&state.db, &caller, id).await {
        Ok(SlipOutcome::Slip(slip)) => sheet(
            &headers,
            &[slip],
            "农户账号已开通。",
            &format!("/households/{id}"),
        ),
        Ok(SlipOutcome::Refused(o)) => back_to(&format!("/households/{id}"), o),
        Err(e) => failed(e),
    }
}

/// The admin's new-account form.
#[derive(serde::Deserialize)]
pub struct NewAccountForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    township_id: String,
    #[serde(default)]
    cooperative_id: String,
    #[serde(default)]
    household_code: String,
}

/// `POST /accounts/new`: an admin creates an account with a one-time password.
pub async fn create_account(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<NewAccountForm>,
) -> Response {
    let id = |s: &str| s.trim().parse::<i64>().ok();
    let form = onboard::AccountForm {
        phone: f.phone,
        role: f.role,
        township_id: id(&f.township_id),
        cooperative_id: id(&f.cooperative_id),
        household_code: f.household_code,
    };
    match onboard::create_account(&state.db, &caller, &form).await {
        Ok(SlipOutcome::Slip(slip)) => sheet(&headers, &[slip], "账号已创建。", "/accounts"),
        Ok(SlipOutcome::Refused(o)) => back_to("/accounts", o),
        Err(e) => failed(e),
    }
}
