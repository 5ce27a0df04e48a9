//! The frame around every page: header with navigation, and the not-found page.

use leptos::prelude::*;

/// The site header: name and the main sections.
#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="site-header">
            <a class="brand" href="/">"田联" <small>" Tianlian"</small></a>
            <nav aria-label="主导航">
                <a href="/plots">"地块与种植"</a>
            </nav>
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
