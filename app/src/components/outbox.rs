//! The outbox line (待发送) and its script: a roll call submitted with no signal waits on the
//! phone and is sent when the signal returns (`outbox.js`). Pages a manager visits in the field
//! carry it, so a waiting roll call goes out from whichever opens first. Without JavaScript the
//! line stays hidden and forms post as usual.

use leptos::prelude::*;

const SCRIPT: &str = include_str!("outbox.js");

#[component]
pub fn Outbox() -> impl IntoView {
    view! {
        <p id="outbox" class="notice pending" role="status" aria-live="polite" hidden></p>
        <script inner_html=SCRIPT></script>
    }
}
