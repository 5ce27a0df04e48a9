//! The frame around every page: header with navigation and the signed-in account, and the
//! not-found page.

use crate::functions::auth::{Logout, whoami};
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use tianlian_domain::access::Role;

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Admin => "管理员",
        Role::Agronomist => "农技员",
        Role::Cooperative => "合作社",
        Role::Farmer => "农户",
    }
}

/// The site header: name, the main sections, who is signed in and the sign-out button.
#[component]
pub fn Header() -> impl IntoView {
    // Asked again on every navigation, so signing in or out updates the header without a reload.
    let location = use_location();
    let me = Resource::new(move || location.pathname.get(), |_| whoami());
    let logout = ServerAction::<Logout>::new();
    view! {
        <header class="site-header">
            <a class="brand" href="/">"田联" <small>" Tianlian"</small></a>
            <nav aria-label="主导航">
                <a href="/plots">"地块与种植"</a>
                <a href="/targets">"进度"</a>
                <a href="/wallchart">"挂图"</a>
                <a href="/market">"上市"</a>
                <a href="/forecast">"预测"</a>
                <a href="/coop">"合作社"</a>
                <a href="/my/pay">"我的收入"</a>
            </nav>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    me.await.ok().flatten().map(|m| view! {
                        <div class="account">
                            <span class="who">{format!("{} · {}", role_label(m.role), m.phone)}</span>
                            <ActionForm action=logout attr:class="inline-form">
                                <button type="submit" class="link-button">"退出"</button>
                            </ActionForm>
                        </div>
                    })
                })}
            </Suspense>
        </header>
    }
}

/// Shown for any unknown address (with status 404 on the server).
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="card">
            <h1>"找不到该页面"</h1>
            <p>"地址可能有误。" <a href="/plots">"返回地块列表"</a></p>
        </section>
    }
}
