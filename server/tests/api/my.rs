//! "我的日历" (`/my`), the language switch and the offline pieces (#7), on both engines.

use crate::helpers::{AGRONOMIST, FARMER, browser, spawn_app};
use tianlian_storage::testing::engines;

/// The demo farmer (household demo-0-0-009, 团结村 plot 1-010) is booked to transplant in two
/// days; the 回澜镇 worker household (demo-1-0-014) is not.
const WORKER: (&str, &str) = ("13900000004", "demo-work-2026");

/// The HTML of the `<section>` whose class list starts with `class`.
fn section<'a>(html: &'a str, class: &str) -> &'a str {
    let start = html
        .find(&format!("class=\"card {class}"))
        .unwrap_or_else(|| panic!("no section {class}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

#[tokio::test]
async fn a_farmer_sees_their_crops_forecast_next_shift_and_pay_without_any_wasm() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let farmer = app.signed_in(FARMER).await;
        let (status, html) = app.get_text_as(&farmer, "/my").await;
        assert_eq!(status, 200);
        for text in [
            "我的日历",
            "下次上工",
            "地块 1-010",
            "我的作物",
            "预计采收",
            "我的收入",
        ] {
            assert!(html.contains(text), "missing {text}");
        }
        // The next shift is the demo's transplanting on the household's plot in two days.
        let next = section(&html, "next-shift");
        let in_two_days = (chrono::Utc::now() + chrono::Duration::hours(8 + 48)).date_naive();
        for text in ["移栽", "地块 1-010", &in_two_days.to_string(), "8 小时"] {
            assert!(next.contains(text), "next shift lacks {text}: {next}");
        }
        assert!(html.contains("<html lang=\"zh-CN\""));
        // Complete as HTML: no hydration script, no wasm, but the service worker is registered.
        assert!(
            !html.contains("tianlian.js") && !html.contains(".wasm"),
            "no wasm on /my"
        );
        assert!(html.contains("serviceWorker"));
        // Nor does any other page (every control is a plain form).
        let (_, plots) = app.get_text_as(&farmer, "/plots").await;
        assert!(!plots.contains("tianlian.js") && !plots.contains(".wasm"));

        // The harvest month: the Spring Festival and the solar terms of February 2027.
        let (status, feb) = app.get_text_as(&farmer, "/my?m=2027-02").await;
        assert_eq!(status, 200);
        assert!(feb.contains("2027年2月"));
        assert!(
            feb.contains("2月6日") && feb.contains("春节"),
            "the Spring Festival is 6 Feb 2027"
        );
        assert!(feb.contains("立春") && feb.contains("雨水"));

        // A bad month is not an error: this month is shown.
        for bad in ["2027-13", "x", "2200-01", "%E6%9C%88"] {
            let (status, page) = app.get_text_as(&farmer, &format!("/my?m={bad}")).await;
            assert_eq!(status, 200, "{bad}");
            assert!(page.contains("我的作物"));
        }
        // A NUL is refused before the page (a 400 page in Chinese, not an error).
        let res = farmer
            .get(app.url("/my?m=%00"))
            .header("Accept", "text/html")
            .send()
            .await
            .expect("nul");
        assert_eq!(res.status().as_u16(), 400);
        assert!(res.text().await.expect("body").contains("空字符"));
        app.finish().await;
    }
}

#[tokio::test]
async fn each_household_sees_only_its_own_calendar() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let worker = app.signed_in(WORKER).await;
        let (status, html) = app.get_text_as(&worker, "/my").await;
        assert_eq!(status, 200);
        assert!(html.contains("demo-1-0-014"));
        assert!(
            !html.contains("demo-0-0-009") && !html.contains("移栽"),
            "not the other household's shift"
        );
        // Morels on land leased to the cooperative are its crop, not the household's.
        assert!(html.contains("本户没有登记的种植"));
        assert!(html.contains("下次流转费"), "the lease fee it is owed");

        let agronomist = app.signed_in(AGRONOMIST).await;
        let (status, html) = app.get_text_as(&agronomist, "/my").await;
        assert_eq!(status, 200);
        assert!(html.contains("请用农户账号登录") && !html.contains("下次上工"));

        let res = app
            .client
            .get(app.url("/my"))
            .send()
            .await
            .expect("anonymous");
        assert_eq!(res.status().as_u16(), 303);
        app.finish().await;
    }
}

#[tokio::test]
async fn the_english_switch_is_remembered_and_safe() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let farmer = app.signed_in(FARMER).await;
        let res = farmer
            .get(app.url("/lang?to=en&back=%2Fmy%3Fm%3D2027-02"))
            .send()
            .await
            .expect("switch");
        assert_eq!(res.status().as_u16(), 303);
        assert_eq!(res.headers()["location"], "/my?m=2027-02");
        let cookie = res.headers()["set-cookie"]
            .to_str()
            .expect("cookie")
            .to_owned();
        assert!(
            cookie.starts_with("lang=en;") && cookie.contains("Max-Age=31536000"),
            "{cookie}"
        );
        let (_, html) = app.get_text_as(&farmer, "/my?m=2027-02").await;
        assert!(html.contains("<html lang=\"en\""));
        for text in [
            "My calendar",
            "Next shift",
            "Transplanting",
            "Spring Festival",
            "Start of Spring",
            "My pay",
        ] {
            assert!(html.contains(text), "missing {text}");
        }
        assert!(!html.contains("下次上工"));
        // Other pages follow the choice in their frame, and the sign-in page too.
        let (_, login) = app.get_text_as(&browser(&app.address), "/login").await;
        assert!(login.contains("手机号"), "a new visitor reads Chinese");

        let res = farmer
            .get(app.url("/lang?to=zh&back=/my"))
            .send()
            .await
            .expect("back");
        assert_eq!(res.status().as_u16(), 303);
        let (_, html) = app.get_text_as(&farmer, "/my").await;
        assert!(html.contains("我的日历") && html.contains("<html lang=\"zh-CN\""));

        // Unknown languages are refused; only local pages are gone back to.
        let res = farmer.get(app.url("/lang?to=fr")).send().await.expect("fr");
        assert_eq!(res.status().as_u16(), 400);
        for evil in [
            "//evil.example/",
            "https://evil.example/",
            "/a%0d%0aSet-Cookie:%20x=1",
        ] {
            let res = farmer
                .get(app.url(&format!("/lang?to=en&back={evil}")))
                .send()
                .await
                .expect("evil");
            assert_eq!(res.status().as_u16(), 303);
            assert_eq!(res.headers()["location"], "/", "{evil}");
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn signing_in_starts_a_farmer_on_my_calendar_and_signing_out_clears_the_offline_copy() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let client = browser(&app.address);
        let res = app
            .post_form_as(
                &client,
                "/fn/login",
                &[("phone", FARMER.0), ("password", FARMER.1)],
            )
            .await;
        assert!(res.status().is_redirection());
        assert_eq!(res.headers()["location"], "/my");
        let res = app.post_form_as(&client, "/fn/logout", &[]).await;
        assert!(res.status().is_redirection());
        assert_eq!(res.headers()["clear-site-data"], "\"cache\", \"storage\"");

        // The service worker is public and is JavaScript.
        let res = app.client.get(app.url("/sw.js")).send().await.expect("sw");
        assert_eq!(res.status().as_u16(), 200);
        let kind = res.headers()["content-type"]
            .to_str()
            .expect("type")
            .to_owned();
        assert!(kind.contains("javascript"), "{kind}");
        assert!(res.text().await.expect("body").contains("caches.open"));
        app.finish().await;
    }
}

#[tokio::test]
async fn a_warm_week_of_observed_weather_moves_the_harvest_earlier_than_last_weeks_forecast() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let farmer = app.signed_in(FARMER).await;
        let (_, before) = app.get_text_as(&farmer, "/my").await;
        assert!(
            before.contains("与上周预测相同"),
            "no weather yet: nothing moved"
        );

        // The last seven days at 茂县 were observed, much warmer than its normals: today's
        // forecast counts them, last week's could not.
        let today = app::usecases::forecasting::china_today();
        let mut csv = String::from("date,tmin,tmax\n");
        for back in 1..=7 {
            let day = today - chrono::Days::new(back);
            csv.push_str(&format!("{day},12,24\n"));
        }
        let agronomist = app.signed_in(AGRONOMIST).await;
        let res = app.import_weather(&agronomist, "maoxian", csv).await;
        assert_eq!(res.status().as_u16(), 200);

        let (_, after) = app.get_text_as(&farmer, "/my").await;
        assert!(
            after.contains("比上周预测提前") && !after.contains("与上周预测相同"),
            "the warm week brings the harvest forward"
        );
        let (status, _) = app.get_text_as(&farmer, "/lang?to=en&back=/my").await;
        assert_eq!(status, 303);
        let (_, english) = app.get_text_as(&farmer, "/my").await;
        assert!(english.contains("earlier than last week's forecast"));
        app.finish().await;
    }
}
