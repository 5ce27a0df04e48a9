//! `/account/password`: change one's own password (required after an admin reset).

use crate::functions::auth::ChangePassword;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn message(code: &str) -> &'static str {
    match code {
        "wrong_password" => "当前密码不正确。",
        "weak_password" => "新密码至少 8 个字符。",
        "mismatch" => "两次输入的新密码不一致。",
        _ => "无法修改密码，请稍后再试。",
    }
}

#[component]
pub fn PasswordPage() -> impl IntoView {
    let query = use_query_map();
    let change = ServerAction::<ChangePassword>::new();
    view! {
        <section class="card narrow">
            <h1>"修改密码"</h1>
            {move || query.read().get("e").map(|e| view! { <p class="notice error" role="alert">{message(&e)}</p> })}
            <ActionForm action=change attr:class="stack-form">
                <div class="field">
                    <label for="current">"当前密码"</label>
                    <input id="current" name="current" type="password" autocomplete="current-password" />
                </div>
                <div class="field">
                    <label for="new">"新密码（至少 8 个字符）"</label>
                    <input id="new" name="new" type="password" autocomplete="new-password" />
                </div>
                <div class="field">
                    <label for="confirm">"再次输入新密码"</label>
                    <input id="confirm" name="confirm" type="password" autocomplete="new-password" />
                </div>
                <button type="submit">"保存"</button>
            </ActionForm>
        </section>
    }
}
