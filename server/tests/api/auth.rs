//! Accounts, sessions, tokens and abuse limits, over HTTP.

use crate::helpers::{ADMIN, AGRONOMIST, FARMER, browser, spawn_app, spawn_app_with, start_on};
use serde_json::{Value, json};
use tianlian_storage::testing::engines;

#[tokio::test]
async fn sign_in_answers_the_role_and_sets_an_httponly_lax_session_cookie() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let res = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({ "phone": FARMER.0, "password": FARMER.1 }))
            .send()
            .await
            .expect("request");
        assert_eq!(res.status().as_u16(), 200);
        let cookie = crate::helpers::session_set_cookie(&res);
        assert!(cookie.starts_with("tianlian_session="), "{cookie}");
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        assert_eq!(
            res.json::<Value>().await.expect("json"),
            json!({ "role": "farmer" })
        );
        let me: Value = app
            .client
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .expect("me")
            .json()
            .await
            .expect("json");
        assert_eq!(me["role"], "farmer");
        assert_eq!(me["scope"]["role"], "farmer");
        app.finish().await;
    }
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_phone_get_the_same_401() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let mut bodies = Vec::new();
        for (phone, password) in [
            (FARMER.0, "wrong password"),
            ("13811112222", "whatever1"),
            ("not-a-phone", "x"),
        ] {
            let res = app
                .client
                .post(app.url("/api/v1/auth/login"))
                .json(&json!({ "phone": phone, "password": password }))
                .send()
                .await
                .expect("request");
            assert_eq!(res.status().as_u16(), 401);
            bodies.push(res.json::<Value>().await.expect("json"));
        }
        assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");
        assert_eq!(bodies[0]["error"]["message"], "手机号或密码错误");
        app.finish().await;
    }
}

#[tokio::test]
async fn the_eleventh_sign_in_attempt_in_a_minute_is_refused_with_a_clear_message() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        // A different phone each time: the per-address limit, not a number's own slowing.
        let attempt = |lang: &'static str, i: u32| {
            app.client
                .post(app.url("/api/v1/auth/login"))
                .header("Accept-Language", lang)
                .json(&json!({ "phone": format!("139000001{i:02}"), "password": "guess-guess" }))
                .send()
        };
        for i in 0..10 {
            assert_eq!(
                attempt("zh-CN", i)
                    .await
                    .expect("request")
                    .status()
                    .as_u16(),
                401
            );
        }
        let res = attempt("en", 10).await.expect("request");
        assert_eq!(res.status().as_u16(), 429);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["error"]["code"], "rate_limited");
        assert_eq!(
            body["error"]["message"],
            "Too many sign-in attempts; try again later"
        );
        // Even the right password waits out the limit.
        let right = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({ "phone": AGRONOMIST.0, "password": AGRONOMIST.1 }))
            .send()
            .await
            .expect("request");
        assert_eq!(right.status().as_u16(), 429);
        app.finish().await;
    }
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let res = app
            .client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({ "phone": FARMER.0, "password": FARMER.1 }))
            .send()
            .await
            .expect("request");
        let pair = crate::helpers::session_pair(&res);
        let out = app
            .client
            .post(app.url("/api/v1/auth/logout"))
            .header("Content-Type", "application/json")
            .send()
            .await
            .expect("logout");
        assert_eq!(out.status().as_u16(), 204);
        // Replaying the old cookie by hand: the server no longer knows the session.
        let replay = reqwest::Client::new()
            .get(app.url("/api/v1/me"))
            .header("Cookie", pair)
            .send()
            .await
            .expect("me");
        assert_eq!(replay.status().as_u16(), 401);
        app.finish().await;
    }
}

#[tokio::test]
async fn an_idle_session_expires() {
    for engine in engines() {
        let app = spawn_app_with(engine, |s| s.session_idle_secs = 1).await;
        let farmer = app.signed_in(FARMER).await;
        assert_eq!(
            farmer
                .get(app.url("/api/v1/me"))
                .send()
                .await
                .expect("me")
                .status()
                .as_u16(),
            200
        );
        tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
        assert_eq!(
            farmer
                .get(app.url("/api/v1/me"))
                .send()
                .await
                .expect("me")
                .status()
                .as_u16(),
            401
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn an_api_token_works_until_it_is_revoked() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let admin = app.signed_in(ADMIN).await;
        let farmer_id = tianlian_storage::accounts::by_phone(&app.db, FARMER.0)
            .await
            .expect("db")
            .expect("farmer")
            .caller
            .account_id;
        let (token_id, token) = app.issue_token(&admin, farmer_id, "test").await;
        let anonymous = reqwest::Client::new();
        let me = anonymous
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("me");
        assert_eq!(me.status().as_u16(), 200);
        assert_eq!(me.json::<Value>().await.expect("json")["phone"], FARMER.0);
        // A bearer call changes state without any cookie or CSRF token.
        let changed = anonymous
            .post(app.url("/api/v1/me/password"))
            .bearer_auth(&token)
            .json(&json!({ "current": "wrong", "new": "something-long" }))
            .send()
            .await
            .expect("post");
        assert_eq!(changed.status().as_u16(), 422);
        let revoked = admin
            .delete(app.url(&format!("/api/v1/tokens/{token_id}")))
            .send()
            .await
            .expect("revoke");
        assert_eq!(revoked.status().as_u16(), 204);
        let after = anonymous
            .get(app.url("/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("me");
        assert_eq!(after.status().as_u16(), 401);
        let audit: Value = admin
            .get(app.url("/api/v1/audit"))
            .send()
            .await
            .expect("audit")
            .json()
            .await
            .expect("json");
        let actions: Vec<&str> = audit["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        assert_eq!(actions[..2], ["revoke", "issue"]);
        app.finish().await;
    }
}

#[tokio::test]
async fn a_reset_password_must_be_changed_before_anything_else() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let admin = app.signed_in(ADMIN).await;
        let farmer_id = tianlian_storage::accounts::by_phone(&app.db, FARMER.0)
            .await
            .expect("db")
            .expect("farmer")
            .caller
            .account_id;
        let reset = admin
            .post(app.url(&format!("/api/v1/accounts/{farmer_id}/password")))
            .json(&json!({ "password": "temporary-123" }))
            .send()
            .await
            .expect("reset");
        assert_eq!(reset.status().as_u16(), 204);
        let farmer = app.signed_in((FARMER.0, "temporary-123")).await;
        let plots = farmer
            .get(app.url("/api/v1/plots"))
            .send()
            .await
            .expect("plots");
        assert_eq!(plots.status().as_u16(), 403);
        assert_eq!(
            plots.json::<Value>().await.expect("json")["error"]["code"],
            "password_change_required"
        );
        let page = farmer.get(app.url("/plots")).send().await.expect("page");
        assert_eq!(
            page.headers().get("location").and_then(|v| v.to_str().ok()),
            Some("/account/password")
        );
        let changed = farmer
            .post(app.url("/api/v1/me/password"))
            .json(&json!({ "current": "temporary-123", "new": "my-own-password" }))
            .send()
            .await
            .expect("change");
        assert_eq!(changed.status().as_u16(), 204);
        assert_eq!(
            farmer
                .get(app.url("/api/v1/plots"))
                .send()
                .await
                .expect("plots")
                .status()
                .as_u16(),
            200
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn only_an_admin_creates_accounts_and_bad_ones_are_refused() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let admin = app.signed_in(ADMIN).await;
        let township = tianlian_storage::places::ensure_township(&app.db, "飞虹乡", "阿坝州茂县")
            .await
            .expect("township");
        let create = |body: Value| admin.post(app.url("/api/v1/accounts")).json(&body).send();
        let ok = create(json!({ "phone": "13712345678", "password": "long-enough", "role": "agronomist", "township_id": township }))
            .await
            .expect("create");
        assert_eq!(ok.status().as_u16(), 201);
        let id = ok.json::<Value>().await.expect("json")["id"]
            .as_i64()
            .expect("id");
        // Audited under the admin's id; the demo accounts (the command line) under none.
        let audit = tianlian_storage::audit::latest(&app.db, 200)
            .await
            .expect("audit");
        let created: Vec<_> = audit
            .iter()
            .filter(|e| e.action == "create" && e.entity == "account")
            .collect();
        let admin_id = tianlian_storage::accounts::by_phone(&app.db, ADMIN.0)
            .await
            .expect("db")
            .expect("admin")
            .caller
            .account_id;
        assert_eq!(created[0].entity_id, Some(id));
        assert_eq!(created[0].account_id, Some(admin_id));
        assert!(
            created[0]
                .after_json
                .as_deref()
                .is_some_and(|j| j.contains("13712345678"))
        );
        assert!(created[1..].len() >= 5 && created[1..].iter().all(|e| e.account_id.is_none()));
        for (body, status, code) in [
            (
                json!({ "phone": "13712345678", "password": "long-enough", "role": "admin" }),
                409,
                "phone_taken",
            ),
            (
                json!({ "phone": "1371234567", "password": "long-enough", "role": "admin" }),
                422,
                "invalid_phone",
            ),
            (
                json!({ "phone": "13712345679", "password": "short", "role": "admin" }),
                422,
                "weak_password",
            ),
            (
                json!({ "phone": "13712345679", "password": "long-enough", "role": "farmer" }),
                422,
                "missing_scope",
            ),
            (
                json!({ "phone": "13712345679", "password": "long-enough", "role": "farmer", "household_id": 999_999 }),
                422,
                "unknown_place",
            ),
            (
                json!({ "phone": "13712345679", "password": "long-enough", "role": "king" }),
                422,
                "unknown_role",
            ),
        ] {
            let res = create(body.clone()).await.expect("create");
            assert_eq!(res.status().as_u16(), status, "{body}");
            assert_eq!(
                res.json::<Value>().await.expect("json")["error"]["code"],
                code,
                "{body}"
            );
        }
        let agronomist = app.signed_in(AGRONOMIST).await;
        let denied = agronomist
            .post(app.url("/api/v1/accounts"))
            .json(&json!({ "phone": "13712345670", "password": "long-enough", "role": "admin" }))
            .send()
            .await
            .expect("create");
        assert_eq!(denied.status().as_u16(), 403);
        app.finish().await;
    }
}

#[tokio::test]
async fn pages_send_anonymous_visitors_to_sign_in_and_refuse_cross_site_forms() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let res = app
            .client
            .get(app.url("/plots/3"))
            .send()
            .await
            .expect("page");
        assert_eq!(res.status().as_u16(), 303);
        assert_eq!(
            res.headers().get("location").and_then(|v| v.to_str().ok()),
            Some("/login?next=%2Fplots%2F3")
        );
        assert_eq!(
            app.client
                .get(app.url("/login"))
                .send()
                .await
                .expect("login")
                .status()
                .as_u16(),
            200
        );
        let agronomist = app.signed_in(AGRONOMIST).await;
        let forged = agronomist
            .post(app.url("/fn/add_planting"))
            .header("Origin", "http://evil.example")
            .form(&[
                ("plot_id", "1"),
                ("crop", "celtuce"),
                ("area", "1"),
                ("planted_on", "2026-12-01"),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(forged.status().as_u16(), 403);
        // Without any credentials the same post is just not signed in (401, as the API document
        // says), while a cross-site post to sign-in, which anyone may use, is still refused.
        let anonymous = app
            .client
            .post(app.url("/api/v1/plots/1/plantings"))
            .header("Origin", "http://evil.example")
            .form(&[("crop", "celtuce")])
            .send()
            .await
            .expect("post");
        assert_eq!(anonymous.status().as_u16(), 401);
        let login = app
            .client
            .post(app.url("/fn/login"))
            .header("Origin", "http://evil.example")
            .form(&[("phone", "13900000001"), ("password", "x")])
            .send()
            .await
            .expect("post");
        assert_eq!(login.status().as_u16(), 403);
        app.finish().await;
    }
}

#[tokio::test]
async fn a_session_opened_on_one_instance_works_on_another_sharing_the_database() {
    for engine in engines() {
        let first = spawn_app(engine.clone()).await;
        let second = start_on(engine, &first.database_url.clone(), |_| {}).await;
        let client = browser(&first.address);
        let login = client
            .post(first.url("/api/v1/auth/login"))
            .json(&json!({ "phone": FARMER.0, "password": FARMER.1 }))
            .send()
            .await
            .expect("login");
        let pair = crate::helpers::session_pair(&login);
        let me = reqwest::Client::new()
            .get(second.url("/api/v1/me"))
            .header("Cookie", &pair)
            .send()
            .await
            .expect("me");
        assert_eq!(me.status().as_u16(), 200, "{:?}", first.engine);
        assert_eq!(me.json::<Value>().await.expect("json")["phone"], FARMER.0);
        second.finish().await;
        first.finish().await;
    }
}
