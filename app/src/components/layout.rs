//! The frame around every page: header with navigation and the signed-in account, and the
//! not-found page.

use crate::functions::auth::{Logout, whoami};
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use tianlian_domain::Lang;
use tianlian_domain::access::Role;

fn role_label(role: Role, lang: Lang) -> &'static str {
    match role {
        Role::Admin => lang.pick("管理员", "Admin"),
        Role::Agronomist => lang.pick("农技员", "Agronomist"),
        Role::Cooperative => lang.pick("合作社", "Cooperative"),
        Role::Farmer => lang.pick("农户", "Farmer"),
    }
}

/// A link of the main navigation: (address, Chinese, English).
type Section = (&'static str, &'static str, &'static str);

/// The planning pages agronomists and admins work in.
const PLANNING: &[Section] = &[
    ("/plots", "地块与种植", "Plots"),
    ("/targets", "进度", "Progress"),
    ("/wallchart", "挂图", "Wall chart"),
    ("/market", "上市", "Market"),
    ("/forecast", "预测", "Forecast"),
    ("/coop", "合作社", "Cooperatives"),
    ("/benefit", "收益", "Benefits"),
    ("/households", "农户", "Households"),
];

/// The main sections each role works in, most used first: a farmer's phone shows four links,
/// not the township's planning pages it has no use for; an admin starts with the county.
pub fn sections(role: Role) -> Vec<Section> {
    match role {
        Role::Farmer => vec![
            ("/my", "我的日历", "My calendar"),
            ("/my/pay", "我的收入", "My pay"),
            ("/plots", "我的地块", "My plots"),
            ("/forecast", "预测", "Forecast"),
        ],
        Role::Cooperative => vec![
            ("/coop", "合作社", "Cooperative"),
            ("/plots", "地块", "Plots"),
            ("/targets", "进度", "Progress"),
            ("/market", "上市", "Market"),
            ("/benefit", "收益", "Benefits"),
            ("/households", "农户", "Households"),
        ],
        Role::Agronomist => PLANNING.to_vec(),
        Role::Admin => std::iter::once(("/county", "全县", "County"))
            .chain(PLANNING.iter().copied())
            .chain(std::iter::once(("/accounts", "账号", "Accounts")))
            .collect(),
    }
}

/// The site header: name, the main sections, who is signed in and the sign-out button.
#[component]
pub fn Header() -> impl IntoView {
    // Who is signed in, asked once as the page renders on the server.
    let location = use_location();
    let me = super::load::server_data(|| (), |()| whoami());
    let logout = ServerAction::<Logout>::new();
    let lang = crate::lang::use_lang();
    let other = match lang {
        Lang::Zh => Lang::En,
        Lang::En => Lang::Zh,
    };
    let switch = move || {
        let (path, search) = (location.pathname.get(), location.search.get());
        let search = search.trim_start_matches('?');
        let back = if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        };
        crate::lang::switch_href(other, &back)
    };
    view! {
        <header class="site-header">
            <a class="brand" href="/">"田联" <small>" Tianlian"</small></a>
            <a class="lang-switch" href=switch hreflang=other.code() lang=other.code()>
                {lang.pick("English", "中文")}
            </a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    me().await.ok().flatten().map(|m| view! {
                        <nav aria-label=lang.pick("主导航", "Main")>
                            {sections(m.role).into_iter().map(|(href, zh, en)| view! { <a href=href>{lang.pick(zh, en)}</a> }).collect_view()}
                        </nav>
                        <div class="account">
                            <span class="who">{format!("{} · {}", role_label(m.role, lang), m.phone)}</span>
                            <ActionForm action=logout attr:class="inline-form">
                                <button type="submit" class="link-button">{lang.pick("退出", "Sign out")}</button>
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
