//! Area shown the way township reports write it: mu first, hectares beside.

use leptos::prelude::*;
use tianlian_domain::Mu;

/// `7.25 亩 (0.48 公顷)`
#[component]
pub fn AreaText(area: Mu) -> impl IntoView {
    view! {
        <span class="area">
            {format!("{area} 亩")}
            <small class="hectares">{format!(" ({:.2} 公顷)", area.hectares())}</small>
        </span>
    }
}
