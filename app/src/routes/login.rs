//! `/login`: sign in with mobile number and password (works without JavaScript).

use crate::functions::auth::Login;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn message(code: &str, lang: tianlian_domain::Lang) -> &'static str {
    match code {
        "rate_limited" => lang.pick(
            "登录尝试过多，请一分钟后再试。",
            "Too many attempts: try again in a minute.",
        ),
        "disabled" => lang.pick(
            "此账号已停用，请联系乡镇农技员或管理员。",
            "This account is disabled: ask the township or an admin.",
        ),
        "unavailable" => lang.pick(
            "服务器暂时无法处理，请稍后再试。",
            "The server could not complete this, try again later.",
        ),
        _ => lang.pick("手机号或密码错误。", "Wrong mobile number or password."),
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = crate::lang::use_lang();
    let query = use_query_map();
    let login = ServerAction::<Login>::new();
    let q = query.read_untracked();
    let (phone, next, error) = (
        q.get("phone").unwrap_or_default(),
        q.get("next").unwrap_or_default(),
        q.get("e"),
    );
    view! {
        <section class="card narrow">
            <h1>{lang.pick("登录 田联", "Sign in to Tianlian")}</h1>
            {move || query.read().get("e").map(|e| view! { <p class="notice error" role="alert">{message(&e, lang)}</p> })}
            <ActionForm action=login attr:class="stack-form">
                <input type="hidden" name="next" value=next />
                <div class="field">
                    <label for="phone">{lang.pick("手机号", "Mobile number")}</label>
                    <input id="phone" name="phone" type="tel" inputmode="numeric" autocomplete="username"
                        maxlength="11" value=phone aria-invalid=if error.is_some() { "true" } else { "false" } />
                </div>
                <div class="field">
                    <label for="password">{lang.pick("密码", "Password")}</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" />
                </div>
                <button type="submit">{lang.pick("登录", "Sign in")}</button>
            </ActionForm>
        </section>
    }
}
