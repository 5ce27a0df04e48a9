//! `/login`: sign in with mobile number and password (works without JavaScript).

use crate::functions::auth::Login;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn message(code: &str) -> &'static str {
    match code {
        "rate_limited" => "登录尝试过多，请一分钟后再试。",
        "unavailable" => "服务器暂时无法处理，请稍后再试。",
        _ => "手机号或密码错误。",
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
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
            <h1>"登录 田联"</h1>
            {move || query.read().get("e").map(|e| view! { <p class="notice error" role="alert">{message(&e)}</p> })}
            <ActionForm action=login attr:class="stack-form">
                <input type="hidden" name="next" value=next />
                <div class="field">
                    <label for="phone">"手机号"</label>
                    <input id="phone" name="phone" type="tel" inputmode="numeric" autocomplete="username"
                        maxlength="11" value=phone aria-invalid=if error.is_some() { "true" } else { "false" } />
                </div>
                <div class="field">
                    <label for="password">"密码"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" />
                </div>
                <button type="submit">"登录"</button>
            </ActionForm>
        </section>
    }
}
