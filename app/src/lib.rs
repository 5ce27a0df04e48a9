//! Tianlian's Leptos app: the shell, the router, pages, components and server functions.
//! Built with `ssr` into the server and with `hydrate` into the wasm bundle.
//!
//! Every page is sent as server-rendered HTML and CSS only: each control on it is a link or a
//! plain form that posts and redirects, so no page loads the wasm bundle (a phone on slow 4G
//! would wait seconds for half a megabyte that adds nothing). The `hydrate` entry stays for
//! `cargo leptos watch` and for an interactive part that may one day need it.

pub mod components;
pub mod functions;
pub mod lang;
pub mod models;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod usecases;

use components::layout::{Header, NotFound};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};
use routes::{
    accounts::{AccountPage, AccountsPage},
    benefit::BenefitPage,
    coop::CoopPage,
    county::CountyPage,
    daysheet::DaySheetPage,
    forecast::ForecastPage,
    home::HomePage,
    households::{HouseholdPage, HouseholdsPage},
    import::ImportPage,
    login::LoginPage,
    market::MarketPage,
    my::MyCalendarPage,
    password::PasswordPage,
    pay::PayPage,
    plot::PlotPage,
    plots::PlotsPage,
    rollcall::RollCallPage,
    shift::ShiftPage,
    targets::TargetsPage,
    wallchart::WallChartPage,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = lang::detect();
    view! {
        <!DOCTYPE html>
        <html lang=lang::html_lang(lang)>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#2f6b3a" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/icon.svg" type="image/svg+xml" />
                // Live reload under `cargo leptos watch` (renders nothing unless LEPTOS_WATCH is set).
                <AutoReload options=options.clone() />
                // `/pkg/tianlian.<hash>.css` when the build hashed its files (`hash-files`), so
                // the file can be cached for a year and a new build is fetched at once.
                <HashedStylesheet options id="leptos" />
                <script>{SW_REGISTER}</script>
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Registers the service worker that keeps the farmer's last loaded pages for offline reading
/// (`public/sw.js`).
const SW_REGISTER: &str = "if('serviceWorker'in navigator)addEventListener('load',function(){navigator.serviceWorker.register('/sw.js')})";

/// The app: header and routes. Pages render fully on the server before the response is sent
/// (`SsrMode::Async`), so they work without JavaScript and can set their status code.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    lang::provide();
    view! {
        <Title text="田联 Tianlian" />
        <Router>
            <Header />
            <main>
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/plots") view=PlotsPage ssr=SsrMode::Async />
                    <Route path=path!("/forecast") view=ForecastPage ssr=SsrMode::Async />
                    <Route path=path!("/targets") view=TargetsPage ssr=SsrMode::Async />
                    <Route path=path!("/market") view=MarketPage ssr=SsrMode::Async />
                    <Route path=path!("/wallchart") view=WallChartPage ssr=SsrMode::Async />
                    <Route path=path!("/plots/:id") view=PlotPage ssr=SsrMode::Async />
                    <Route path=path!("/import") view=ImportPage ssr=SsrMode::Async />
                    <Route path=path!("/coop") view=CoopPage ssr=SsrMode::Async />
                    <Route path=path!("/shifts/:id") view=ShiftPage ssr=SsrMode::Async />
                    <Route path=path!("/shifts/:id/roll") view=RollCallPage ssr=SsrMode::Async />
                    <Route path=path!("/coop/:coop/days/:day") view=DaySheetPage ssr=SsrMode::Async />
                    <Route path=path!("/my") view=MyCalendarPage ssr=SsrMode::Async />
                    <Route path=path!("/my/pay") view=PayPage ssr=SsrMode::Async />
                    <Route path=path!("/benefit") view=BenefitPage ssr=SsrMode::Async />
                    <Route path=path!("/county") view=CountyPage ssr=SsrMode::Async />
                    <Route path=path!("/accounts") view=AccountsPage ssr=SsrMode::Async />
                    <Route path=path!("/accounts/:id") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/households") view=HouseholdsPage ssr=SsrMode::Async />
                    <Route path=path!("/households/:id") view=HouseholdPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/account/password") view=PasswordPage ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
    }
}

/// The wasm entry: hydrates the server-rendered page, then marks `<body data-hydrated>` so that
/// end-to-end tests know when interactive behaviour is ready.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
