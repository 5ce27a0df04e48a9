//! `/`: where to start.

use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    // A farmer's home is their own calendar.
    #[cfg(feature = "ssr")]
    if let Some(caller) = crate::usecases::try_caller()
        && caller.scope.role() == tianlian_domain::access::Role::Farmer
    {
        leptos_axum::redirect(crate::lang::home_of(caller.scope.role()));
    }
    view! {
        <section class="card">
            <h1>"田联 · 冬季作物规划"</h1>
            <p>"按村、地块和作物规划冬季种植，跟踪进度与上市时间。"</p>
            <p><a class="button" href="/plots">"查看地块与种植"</a></p>
        </section>
    }
}
