//! ‹ 上一页 · 2 / 7 · 下一页 ›: the paging links under every list that pages.

use leptos::prelude::*;

/// Links to the page before and after `page` of `pages` (nothing when there is one page);
/// `href` gives a page's address, keeping the list's filter.
#[component]
pub fn Pager(page: usize, pages: usize, href: impl Fn(usize) -> String + 'static) -> impl IntoView {
    (pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label="翻页">
                {(page > 1).then(|| view! { <a rel="prev" href=href(page - 1)>"‹ 上一页"</a> })}
                <span>{format!("{page} / {pages}")}</span>
                {(page < pages).then(|| view! { <a rel="next" href=href(page + 1)>"下一页 ›"</a> })}
            </nav>
        }
    })
}
