//! Area shown the way township reports write it: mu first, hectares beside.

use leptos::prelude::*;
use tianlian_domain::Mu;

/// `7.25 亩 (0.48 公顷)`, or `7.25 mu (0.48 ha)` in English.
#[component]
pub fn AreaText(area: Mu) -> impl IntoView {
    let lang = crate::lang::use_lang();
    view! {
        <span class="area">
            {format!("{area} {}", lang.pick("亩", "mu"))}
            <small class="hectares">{format!(" ({:.2} {})", area.hectares(), lang.pick("公顷", "ha"))}</small>
        </span>
    }
}
