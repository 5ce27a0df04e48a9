//! Sign-in, sign-out, password change and "who am I", as server functions for the pages.

use crate::models::Me;
use leptos::prelude::*;
use leptos::server_fn::ServerFnError;

/// Who is signed in (`None` on the sign-in page).
#[server(prefix = "/fn", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<Me>, ServerFnError> {
    Ok(crate::usecases::try_caller().map(|c| Me {
        phone: c.phone,
        role: c.scope.role(),
    }))
}

/// Signs in from the form; redirects to `next` (a local path) or back to the form with an error.
#[server(prefix = "/fn", endpoint = "login")]
pub async fn login(
    phone: Option<String>,
    password: Option<String>,
    next: Option<String>,
) -> Result<(), ServerFnError> {
    use crate::usecases::auth::{
        AttemptFrom, ClientAddr, LoginLimiter, SignInError, device_cookie, device_token, sign_in,
    };
    use std::sync::Arc;

    let db = crate::usecases::db()?;
    let limiter =
        use_context::<Arc<LoginLimiter>>().ok_or_else(|| ServerFnError::new("no limiter"))?;
    let session: tower_sessions::Session = leptos_axum::extract().await?;
    let parts = use_context::<http::request::Parts>();
    let addr = parts
        .as_ref()
        .and_then(|p| p.extensions.get::<ClientAddr>().map(|a| a.0));
    let device = parts.as_ref().and_then(|p| device_token(&p.headers));
    let from = AttemptFrom {
        addr,
        device: device.as_deref(),
    };
    let phone = phone.unwrap_or_default();
    let next = next.filter(|n| tianlian_domain::access::is_local_path(n));
    match sign_in(
        &db,
        &limiter,
        &session,
        from,
        &phone,
        &password.unwrap_or_default(),
    )
    .await
    {
        // Without a page to return to, each role starts on its own home.
        Ok(signed_in) => {
            if let Some(token) = signed_in.new_device
                && let (Some(res), Ok(cookie)) = (
                    use_context::<leptos_axum::ResponseOptions>(),
                    http::HeaderValue::from_str(&device_cookie(&token, &limiter)),
                )
            {
                res.append_header(http::header::SET_COOKIE, cookie);
            }
            leptos_axum::redirect(
                next.as_deref()
                    .unwrap_or(crate::lang::home_of(signed_in.caller.scope.role())),
            );
        }
        Err(e) => {
            let code = match e {
                SignInError::BadCredentials => "bad_credentials",
                SignInError::RateLimited(_) => "rate_limited",
                SignInError::Disabled => "disabled",
                other => {
                    tracing::error!(error = ?other, "sign-in failed");
                    "unavailable"
                }
            };
            let query = serde_urlencoded::to_string([
                ("e", code),
                ("phone", phone.trim()),
                ("next", next.as_deref().unwrap_or_default()),
            ])
            .unwrap_or_default();
            leptos_axum::redirect(&format!("/login?{query}"));
        }
    }
    Ok(())
}

/// Signs out (the session is deleted on the server) and returns to the sign-in page.
#[server(prefix = "/fn", endpoint = "logout")]
pub async fn logout() -> Result<(), ServerFnError> {
    let session: tower_sessions::Session = leptos_axum::extract().await?;
    crate::usecases::auth::sign_out(&session)
        .await
        .map_err(|e| {
            tracing::error!(error = ?e, "sign-out failed");
            ServerFnError::new("服务器暂时无法处理，请稍后再试")
        })?;
    // The service worker's offline copy of "my calendar" must not outlive the session on a
    // shared phone: the browser drops the site's caches and storage.
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.insert_header(
            http::header::HeaderName::from_static("clear-site-data"),
            http::HeaderValue::from_static("\"cache\", \"storage\""),
        );
    }
    leptos_axum::redirect("/login");
    Ok(())
}

/// Changes the signed-in account's password (required after an admin reset).
#[server(prefix = "/fn", endpoint = "change_password")]
pub async fn change_password(
    current: Option<String>,
    new: Option<String>,
    confirm: Option<String>,
) -> Result<(), ServerFnError> {
    use crate::usecases::auth::{PasswordError, change_own_password};

    let db = crate::usecases::db()?;
    let caller = crate::usecases::caller()?;
    let session: tower_sessions::Session = leptos_axum::extract().await?;
    let new = new.unwrap_or_default();
    if confirm.as_deref() != Some(new.as_str()) {
        leptos_axum::redirect("/account/password?e=mismatch");
        return Ok(());
    }
    let refused =
        match change_own_password(&db, &caller, &session, &current.unwrap_or_default(), &new).await
        {
            Ok(()) => None,
            Err(PasswordError::NoAccount) => Some("unknown_account"),
            Err(PasswordError::WrongPassword) => Some("wrong_password"),
            Err(PasswordError::WeakPassword) => Some("weak_password"),
            Err(other) => {
                tracing::error!(error = ?other, "password change failed");
                return Err(ServerFnError::new("服务器暂时无法处理，请稍后再试"));
            }
        };
    match refused {
        Some(code) => leptos_axum::redirect(&format!("/account/password?e={code}")),
        // Home: a farmer lands on 我的日历, an agronomist on the plots.
        None => leptos_axum::redirect(crate::lang::home_of(caller.scope.role())),
    }
    Ok(())
}
