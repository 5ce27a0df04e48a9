//! The holes a hostile user looks for (issue 14): a sign-in limiter that grows with what is
//! sent, one bucket for every client behind a proxy, an account a stranger can lock, sessions
//! that outlive a password change, formulas in CSV exports, and an `Authorization` header that
//! switched off the origin check.

use crate::helpers::{
    ADMIN, AGRONOMIST, FARMER, TestApp, browser, session_pair, spawn_app, spawn_app_with, start_on,
};
use futures::future::join_all;
use serde_json::json;
use tianlian_storage::testing::engines;
use tianlian_storage::{accounts, throttle};

async fn login(client: &reqwest::Client, app: &TestApp, phone: &str, password: &str) -> u16 {
    client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "phone": phone, "password": password }))
        .send()
        .await
        .expect("login")
        .status()
        .as_u16()
}

async fn login_from(app: &TestApp, forwarded_for: &str, phone: &str) -> u16 {
    reqwest::Client::new()
        .post(app.url("/api/v1/auth/login"))
        .header("X-Forwarded-For", forwarded_for)
        .json(&json!({ "phone": phone, "password": "guess-guess" }))
        .send()
        .await
        .expect("login")
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_flood_of_made_up_phones_leaves_nothing_behind() {
    for engine in engines() {
        // Without a per-address limit in the way, every made-up phone reaches the account check.
        let app = spawn_app_with(engine.clone(), |s| s.login_attempts_per_minute = 1_000_000).await;
        let long = "9".repeat(100_000);
        let phones: Vec<String> = (0..300)
            .map(|i| {
                if i % 2 == 0 {
                    format!("{long}{i}")
                } else {
                    format!("1370000{i:04}")
                }
            })
            .collect();
        for chunk in phones.chunks(50) {
            let answers = join_all(chunk.iter().map(|p| login(&app.client, &app, p, "x"))).await;
            assert!(answers.iter().all(|&s| s == 401), "{answers:?}");
        }
        // Malformed phones add nothing; the 150 well-formed ones are counted like accounts
        // (so the waits do not tell which numbers have one), plus the one address.
        let rows = throttle::rows(&app.db).await.expect("rows");
        assert!(
            rows <= 151,
            "{rows} throttle rows after 300 made-up phones (one address)"
        );
        app.finish().await;

        // With the limit, thousands of distinct keys are refused and still add nothing.
        let app = spawn_app_with(engine, |s| s.login_attempts_per_minute = 10).await;
        let mut refused = 0;
        let keys: Vec<String> = (0..3_000)
            .map(|i| format!("{}{i}", &long[..1000]))
            .collect();
        for chunk in keys.chunks(100) {
            let answers = join_all(chunk.iter().map(|k| login(&app.client, &app, k, "x"))).await;
            refused += answers.iter().filter(|&&s| s == 429).count();
            assert!(answers.iter().all(|&s| s == 401 || s == 429));
        }
        assert!(refused >= 2_990, "{refused} of 3,000 refused");
        let rows = throttle::rows(&app.db).await.expect("rows");
        assert!(rows <= 1, "{rows} throttle rows after 3,000 distinct keys");
        // Well-formed phones too: past the address limit none is counted.
        let phones: Vec<String> = (0..1_000).map(|i| format!("1360000{i:04}")).collect();
        for chunk in phones.chunks(100) {
            join_all(chunk.iter().map(|p| login(&app.client, &app, p, "x"))).await;
        }
        let rows = throttle::rows(&app.db).await.expect("rows");
        assert!(
            rows <= 11,
            "{rows} throttle rows after 1,000 well-formed phones"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_limit() {
    for engine in engines() {
        let proxied = spawn_app_with(engine.clone(), |s| {
            s.login_attempts_per_minute = 3;
            s.trusted_proxies = vec![server::client_addr::parse_proxy("127.0.0.1").expect("proxy")];
        })
        .await;
        for _ in 0..3 {
            assert_eq!(
                login_from(&proxied, "203.0.113.1", "13900000099").await,
                401
            );
        }
        assert_eq!(
            login_from(&proxied, "203.0.113.1", "13900000099").await,
            429
        );
        // Another client behind the same proxy is not locked out with the first.
        assert_eq!(
            login_from(&proxied, "203.0.113.2", "13900000099").await,
            401
        );
        // A header naming a trusted proxy cannot buy a fresh bucket either: the last address
        // the proxy appended is the client.
        assert_eq!(
            login_from(&proxied, "198.51.100.7, 203.0.113.1", "13900000099").await,
            429
        );
        proxied.finish().await;

        // Without the setting nobody's header is believed: one client, one bucket.
        let direct = spawn_app_with(engine, |s| s.login_attempts_per_minute = 3).await;
        for _ in 0..3 {
            assert_eq!(login_from(&direct, "203.0.113.1", "13900000099").await, 401);
        }
        assert_eq!(login_from(&direct, "203.0.113.2", "13900000099").await, 429);
        direct.finish().await;
    }
}

#[tokio::test]
async fn a_stranger_guessing_slows_the_account_but_not_its_owners_own_phone() {
    for engine in engines() {
        let app = spawn_app_with(engine, |s| s.login_attempts_per_minute = 1000).await;
        // The owner signed in on this phone before (it keeps the device cookie) and signed out.
        let owner = browser(&app.address);
        assert_eq!(login(&owner, &app, FARMER.0, FARMER.1).await, 200);
        let out = owner
            .post(app.url("/api/v1/auth/logout"))
            .header("Content-Type", "application/json")
            .send()
            .await
            .expect("logout");
        assert_eq!(out.status().as_u16(), 204);

        // A stranger guesses: five tries come back at once, then each must wait longer.
        let stranger = browser(&app.address);
        let mut answers = Vec::new();
        for _ in 0..8 {
            answers.push(login(&stranger, &app, FARMER.0, "guess-guess").await);
        }
        assert_eq!(answers[..5], [401; 5], "{answers:?}");
        assert!(answers[5..].iter().all(|&s| s == 429), "{answers:?}");
        let res = stranger
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({ "phone": FARMER.0, "password": FARMER.1 }))
            .send()
            .await
            .expect("login");
        assert_eq!(
            res.status().as_u16(),
            429,
            "a new device waits, even with the password"
        );
        let wait: i64 = res
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .expect("Retry-After");
        assert!((1..=15).contains(&wait), "{wait}: the first wait is 15 s");

        // The owner's own phone signs in at once.
        assert_eq!(login(&owner, &app, FARMER.0, FARMER.1).await, 200);
        app.finish().await;
    }
}

#[tokio::test]
async fn the_waits_do_not_tell_which_phones_have_an_account() {
    for engine in engines() {
        let app = spawn_app_with(engine, |s| s.login_attempts_per_minute = 1000).await;
        let mut answers = Vec::new();
        for phone in [FARMER.0, "13900000099"] {
            let client = browser(&app.address);
            let mut these = Vec::new();
            for _ in 0..7 {
                these.push(login(&client, &app, phone, "guess-guess").await);
            }
            answers.push(these);
        }
        assert_eq!(answers[0], [401, 401, 401, 401, 401, 429, 429]);
        assert_eq!(
            answers[0], answers[1],
            "an account and a number without one differ"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn an_account_keeps_ten_devices_and_forgets_them_all_when_its_password_changes() {
    for engine in engines() {
        let app = spawn_app_with(engine, |s| s.login_attempts_per_minute = 1000).await;
        let id = accounts::by_phone(&app.db, FARMER.0)
            .await
            .expect("db")
            .expect("farmer")
            .caller
            .account_id;
        let mut last = None;
        for _ in 0..12 {
            last = Some(app.signed_in(FARMER).await);
        }
        let devices = throttle::device_count(&app.db, id).await.expect("devices");
        assert_eq!(devices, throttle::DEVICES_PER_ACCOUNT);
        let changed = last
            .expect("a client")
            .post(app.url("/api/v1/me/password"))
            .json(&json!({ "current": FARMER.1, "new": "a-new-password" }))
            .send()
            .await
            .expect("change");
        assert_eq!(changed.status().as_u16(), 204);
        assert_eq!(
            throttle::device_count(&app.db, id).await.expect("devices"),
            0
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn instances_sharing_a_database_share_the_sign_in_limits() {
    for engine in engines() {
        let first = spawn_app_with(engine.clone(), |s| s.login_attempts_per_minute = 4).await;
        let second = start_on(engine, &first.database_url.clone(), |s| {
            s.login_attempts_per_minute = 4;
        })
        .await;
        let mut answers = Vec::new();
        for i in 0..6 {
            let app = if i % 2 == 0 { &first } else { &second };
            answers.push(login(&app.client, app, "13900000099", "guess-guess").await);
        }
        assert_eq!(
            answers,
            [401, 401, 401, 401, 429, 429],
            "{:?}",
            first.engine
        );
        second.finish().await;
        first.finish().await;
    }
}

#[tokio::test]
async fn a_password_change_ends_the_accounts_other_sessions_and_keeps_this_one() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let here = app.signed_in(FARMER).await;
        let elsewhere = app.signed_in(FARMER).await;
        let farmer_id = accounts::by_phone(&app.db, FARMER.0)
            .await
            .expect("db")
            .expect("farmer")
            .caller
            .account_id;
        let admin = app.signed_in(ADMIN).await;
        let (_, token) = app.issue_token(&admin, farmer_id, "sync").await;
        let me = |client: reqwest::Client| {
            let url = app.url("/api/v1/me");
            async move { client.get(url).send().await.expect("me").status().as_u16() }
        };

        let changed = here
            .post(app.url("/api/v1/me/password"))
            .json(&json!({ "current": FARMER.1, "new": "a-new-password" }))
            .send()
            .await
            .expect("change");
        assert_eq!(changed.status().as_u16(), 204);
        assert_eq!(
            me(here.clone()).await,
            200,
            "the session it was changed from goes on"
        );
        assert_eq!(
            me(elsewhere.clone()).await,
            401,
            "the other session has ended"
        );
        // API tokens are an admin's grant to an integration and survive (README, "Security").
        let with_token = reqwest::Client::new()
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("me");
        assert_eq!(with_token.status().as_u16(), 200);

        // The form (server function) ends other sessions too.
        let third = app.signed_in((FARMER.0, "a-new-password")).await;
        let res = app
            .post_form_as(
                &here,
                "/fn/change_password",
                &[
                    ("current", "a-new-password"),
                    ("new", "another-password"),
                    ("confirm", "another-password"),
                ],
            )
            .await;
        assert!(res.status().is_redirection(), "{}", res.status());
        assert_eq!(me(here.clone()).await, 200);
        assert_eq!(me(third).await, 401);

        // An admin's reset ends every session of the account.
        let reset = admin
            .post(app.url(&format!("/api/v1/accounts/{farmer_id}/password")))
            .json(&json!({ "password": "temporary-123" }))
            .send()
            .await
            .expect("reset");
        assert_eq!(reset.status().as_u16(), 204);
        assert_eq!(me(here).await, 401);
        assert_eq!(me(admin).await, 200, "the admin's own session goes on");
        app.finish().await;
    }
}

#[tokio::test]
async fn csv_exports_write_formula_like_cells_as_text() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let agronomist = app.signed_in(AGRONOMIST).await;
        let tuanjie = app.village_id("团结村").await;
        for code in ["=HYPERLINK(1)", "+SUM(1)", "@A1", "-2+3"] {
            let res = agronomist
                .post(app.url("/api/v1/plots"))
                .json(&json!({ "village_id": tuanjie, "code": code, "area_mu": 1 }))
                .send()
                .await
                .expect("plot");
            assert_eq!(res.status().as_u16(), 201, "{code}");
        }
        let csv = agronomist
            .get(app.url("/api/v1/export/plots.csv"))
            .send()
            .await
            .expect("export")
            .text()
            .await
            .expect("text");
        for code in ["=HYPERLINK(1)", "+SUM(1)", "@A1", "-2+3"] {
            let neutral = format!("'{code}");
            assert!(csv.contains(&neutral), "{code} is not neutralised");
            let bare = format!(",{code}");
            let first = format!("\n{code}");
            assert!(
                !csv.contains(&bare) && !csv.contains(&first),
                "{code} stays a formula"
            );
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn an_authorization_header_that_is_not_a_live_bearer_token_keeps_the_origin_check() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let farmer = app.signed_in(FARMER).await;
        // A cross-site form post riding on the session, with any Authorization header.
        let forged = farmer
            .post(app.url("/api/v1/auth/logout"))
            .header("Origin", "https://evil.example")
            .header("Authorization", "Basic eDp5")
            .form(&[("x", "y")])
            .send()
            .await
            .expect("forged");
        assert_eq!(forged.status().as_u16(), 403);
        let me = farmer.get(app.url("/api/v1/me")).send().await.expect("me");
        assert_eq!(
            me.status().as_u16(),
            200,
            "the forged post signed the farmer out"
        );
        // A dead bearer token is refused outright.
        let dead = reqwest::Client::new()
            .post(app.url("/api/v1/auth/logout"))
            .header("Origin", "https://evil.example")
            .bearer_auth("tl_0000")
            .send()
            .await
            .expect("dead");
        assert_eq!(dead.status().as_u16(), 401);
        // A session cookie sent by hand with a live-looking Bearer prefix earns nothing either.
        let pair = {
            let res = reqwest::Client::new()
                .post(app.url("/api/v1/auth/login"))
                .json(&json!({ "phone": FARMER.0, "password": FARMER.1 }))
                .send()
                .await
                .expect("login");
            session_pair(&res)
        };
        let res = reqwest::Client::new()
            .post(app.url("/api/v1/auth/logout"))
            .header("Cookie", pair)
            .header("Origin", "https://evil.example")
            .header("Authorization", "Bearer")
            .form(&[("x", "y")])
            .send()
            .await
            .expect("forged");
        assert_eq!(res.status().as_u16(), 403);
        app.finish().await;
    }
}
