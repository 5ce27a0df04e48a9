//! How a page gets its data.

/// A page's data, fetched on the server while the page renders.
///
/// No page is hydrated (see the crate docs), so unlike a `Resource` nothing is serialized into
/// the HTML for a hydration that never comes: the page's rows are sent once, as HTML. Await the
/// returned closure's future inside `Suspend::new(async move { … })`.
pub fn server_data<S, Fut>(
    source: impl Fn() -> S + Copy,
    fetch: impl Fn(S) -> Fut + Copy,
) -> impl Fn() -> Fut + Copy {
    move || fetch(source())
}
