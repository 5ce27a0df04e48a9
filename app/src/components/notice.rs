//! The line at the top of a page after a form: `?ok=what` or `?error=code&msg=…`.

use leptos::prelude::*;
use leptos_router::params::ParamsMap;

/// The message for `ok=…`, from the page's own list; `error=…` shows `msg` (or a plain
/// message for `forbidden` and `not_found`).
#[component]
pub fn Notice(query: ParamsMap, ok: &'static [(&'static str, &'static str)]) -> impl IntoView {
    if let Some(code) = query.get("error") {
        let msg = match code.as_str() {
            "forbidden" => "您没有权限进行此操作。".to_owned(),
            "not_found" => "找不到该记录。".to_owned(),
            _ => query
                .get("msg")
                .unwrap_or_else(|| "操作未完成。".to_owned()),
        };
        return view! { <p class="notice error" role="alert">{msg}</p> }.into_any();
    }
    let done = query
        .get("ok")
        .and_then(|k| ok.iter().find(|(key, _)| *key == k).map(|(_, m)| *m));
    done.map(|m| view! { <p class="notice ok" role="status">{m}</p> })
        .into_any()
}
