//! The alliance at work over HTTP: post a shift, book a poor household's member, record 9
//! hours, settle, and the farmer sees 80 + 15 = 95 yuan; corrections by reversal; two managers
//! at once cannot over-fill a shift or book one person twice a day; who may do what.

use crate::helpers::{ADMIN, AGRONOMIST, COOPERATIVE, FARMER, post_shift, send, spawn_app};
use serde_json::json;
use tianlian_storage::testing::engines;
use tianlian_storage::{alliance, work};

#[tokio::test]
async fn a_poor_households_member_works_nine_hours_is_settled_and_sees_95_yuan() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let coop = app.signed_in(COOPERATIVE).await;
        let shift = post_shift(&app, &coop, "2026-12-02", 2).await;
        let (status, page) = send(coop.get(app.url(&format!("/api/v1/shifts/{shift}")))).await;
        assert_eq!(status, 200);
        let first = &page["suggestions"][0];
        assert_eq!(
            first["priority"], "poor",
            "poor households come first: {page}"
        );
        let person = first["person_id"].as_i64().expect("person");
        let (status, _) = send(
            coop.post(app.url(&format!("/api/v1/shifts/{shift}/assignments")))
                .json(&json!({ "person_id": person })),
        )
        .await;
        assert_eq!(status, 201);
        let (status, body) = send(
            coop.post(app.url(&format!("/api/v1/shifts/{shift}/hours")))
                .json(&json!({ "person_id": person, "hours": "9" })),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let (_, page) = send(coop.get(app.url(&format!("/api/v1/shifts/{shift}")))).await;
        assert_eq!(
            page["workers"][0]["earned"], 9500,
            "80 + 15 yuan in fen: {page}"
        );
        assert_eq!(page["unpaid"], 9500);
        let (status, body) =
            send(coop.post(app.url(&format!("/api/v1/shifts/{shift}/settle")))).await;
        assert_eq!((status, body["paid_fen"].as_i64()), (200, Some(9500)));
        let (_, body) = send(coop.post(app.url(&format!("/api/v1/shifts/{shift}/settle")))).await;
        assert_eq!(body["paid_fen"], 0, "settling twice pays nothing twice");

        // The worker's household signs in as a farmer and sees the day's pay.
        let household = work::person(&app.db, person)
            .await
            .expect("db")
            .expect("person")
            .household_id;
        server::accounts::create_account(
            &app.db,
            "13900000077",
            "worker-pass-1",
            "farmer",
            Some(household),
        )
        .await
        .expect("account");
        let farmer = app.signed_in(("13900000077", "worker-pass-1")).await;
        let (status, pay) = send(farmer.get(app.url("/api/v1/me/pay"))).await;
        assert_eq!(status, 200);
        let day = pay["wages"]
            .as_array()
            .expect("wages")
            .iter()
            .find(|w| w["day"] == "2026-12-02")
            .expect("the day")
            .clone();
        assert_eq!(
            (day["earned"].as_i64(), day["paid"].as_i64()),
            (Some(9500), Some(9500)),
            "{pay}"
        );
        let (status, html) = app.get_text_as(&farmer, "/my/pay").await;
        assert_eq!(status, 200);
        assert!(
            html.contains("¥95.00") && html.contains("已结清"),
            "the farmer's page shows 95 yuan paid"
        );
        // Another farmer sees none of it.
        let other = app.signed_in(FARMER).await;
        let (_, theirs) = send(other.get(app.url("/api/v1/me/pay"))).await;
        assert!(
            theirs["wages"]
                .as_array()
                .expect("wages")
                .iter()
                .all(|w| w["day"] != "2026-12-02")
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn a_mistake_is_corrected_by_a_reversal_and_the_ledger_still_balances() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let coop = app.signed_in(COOPERATIVE).await;
        let shift = post_shift(&app, &coop, "2026-12-03", 1).await;
        let (_, page) = send(coop.get(app.url(&format!("/api/v1/shifts/{shift}")))).await;
        let person = page["suggestions"][0]["person_id"]
            .as_i64()
            .expect("person");
        send(
            coop.post(app.url(&format!("/api/v1/shifts/{shift}/assignments")))
                .json(&json!({ "person_id": person })),
        )
        .await;
        let hours = app.url(&format!("/api/v1/shifts/{shift}/hours"));
        let (_, first) = send(
            coop.post(&hours)
                .json(&json!({ "person_id": person, "hours": 9 })),
        )
        .await;
        let entry = first["entry_id"].as_i64().expect("entry");
        let (status, body) = send(
            coop.post(&hours)
                .json(&json!({ "person_id": person, "hours": 8 })),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (409, Some("already_recorded"))
        );
        send(coop.post(app.url(&format!("/api/v1/shifts/{shift}/settle")))).await;
        let (status, body) = send(
            coop.post(&hours)
                .json(&json!({ "person_id": person, "hours": "8:30", "replaces": entry })),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let (status, body) = send(
            coop.post(&hours)
                .json(&json!({ "person_id": person, "hours": 7, "replaces": entry })),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (409, Some("changed_meanwhile")),
            "an entry is reversed once"
        );
        let (_, page) = send(coop.get(app.url(&format!("/api/v1/shifts/{shift}")))).await;
        // 8.5 h: 80 yuan + 0.5 h × 15 = 87.50; 95 already paid → 7.50 overpaid, shown as -7.50.
        assert_eq!(
            (
                page["total"].as_i64(),
                page["paid"].as_i64(),
                page["unpaid"].as_i64()
            ),
            (Some(8750), Some(9500), Some(-750)),
            "{page}"
        );
        let (entries, paid, broken) = work::ledger_check(&app.db).await.expect("ledger");
        assert_eq!(
            broken, 0,
            "every reversal is the exact negative of its entry"
        );
        assert!(entries >= 8750 && paid >= 9500);
        let (status, body) = send(
            coop.post(&hours)
                .json(&json!({ "person_id": person, "hours": 25 })),
        )
        .await;
        assert_eq!(status, 422, "{body}");
        app.finish().await;
    }
}

#[tokio::test]
async fn two_managers_booking_the_last_place_at_once_fill_it_exactly() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let coop = app.signed_in(COOPERATIVE).await;
        let admin = app.signed_in(ADMIN).await;
        let shift = post_shift(&app, &coop, "2026-12-04", 1).await;
        let (_, page) = send(coop.get(app.url(&format!("/api/v1/shifts/{shift}")))).await;
        let people: Vec<i64> = page["suggestions"]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|s| s["person_id"].as_i64())
            .collect();
        assert!(!people.is_empty());
        // Only one place: the suggestions show one; take a second candidate from the store.
        let huilan = app.township_id("回澜镇").await;
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 4).expect("date");
        let other = work::candidates(&app.db, huilan, app.xinyuan().await, day, day)
            .await
            .expect("db")
            .into_iter()
            .map(|c| c.id)
            .find(|id| *id != people[0])
            .expect("another");
        let url = app.url(&format!("/api/v1/shifts/{shift}/assignments"));
        let (a, b) = tokio::join!(
            send(coop.post(&url).json(&json!({ "person_id": people[0] }))),
            send(admin.post(&url).json(&json!({ "person_id": other }))),
        );
        let mut got = [a.0, b.0];
        got.sort_unstable();
        assert_eq!(got, [201, 409], "{a:?} {b:?}");
        assert_eq!(work::assigned(&app.db, shift).await.expect("db").len(), 1);
        app.finish().await;
    }
}

#[tokio::test]
async fn one_person_booked_on_two_shifts_of_a_day_at_once_gets_exactly_one() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let coop = app.signed_in(COOPERATIVE).await;
        let admin = app.signed_in(ADMIN).await;
        let morning = post_shift(&app, &coop, "2026-12-05", 5).await;
        let evening = post_shift(&app, &coop, "2026-12-05", 5).await;
        let (_, page) = send(coop.get(app.url(&format!("/api/v1/shifts/{morning}")))).await;
        let person = page["suggestions"][0]["person_id"]
            .as_i64()
            .expect("person");
        let (a, b) = tokio::join!(
            send(
                coop.post(app.url(&format!("/api/v1/shifts/{morning}/assignments")))
                    .json(&json!({ "person_id": person }))
            ),
            send(
                admin
                    .post(app.url(&format!("/api/v1/shifts/{evening}/assignments")))
                    .json(&json!({ "person_id": person }))
            ),
        );
        let mut got = [a.0, b.0];
        got.sort_unstable();
        assert_eq!(got, [201, 409], "{a:?} {b:?}");
        let refused = if a.0 == 409 { &a.1 } else { &b.1 };
        assert_eq!(refused["error"]["code"], "double_booked");
        let (_, page) = send(coop.get(app.url(&format!("/api/v1/shifts/{evening}")))).await;
        assert!(
            page["suggestions"]
                .as_array()
                .expect("list")
                .iter()
                .all(|s| s["person_id"] != person),
            "a booked person is not suggested again that day"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn leases_keep_within_the_plot_and_each_side_sees_its_own() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let coop = app.signed_in(COOPERATIVE).await;
        let xy = app.xinyuan().await;
        // 石羊村 plots are leased whole in the demo: nothing is free.
        let leased = app.plot_id("石羊村", "1-001").await;
        let body = json!({ "cooperative_id": xy, "plot_id": leased, "area_mu": 1, "fee_yuan_per_mu_year": 800,
                           "starts_on": "2027-01-01", "ends_on": "2027-12-31", "schedule": "annual" });
        let (status, err) = send(coop.post(app.url("/api/v1/leases")).json(&body)).await;
        assert_eq!(
            (status, err["error"]["code"].as_str()),
            (422, Some("area_exceeds_free")),
            "{err}"
        );
        // After the demo lease ends (30 Sep 2031) the land is free again.
        let later = json!({ "cooperative_id": xy, "plot_id": leased, "area_mu": "2.5", "fee_yuan_per_mu_year": "900",
                            "starts_on": "2031-10-01", "ends_on": "2032-09-30", "schedule": "quarterly" });
        let (status, made) = send(coop.post(app.url("/api/v1/leases")).json(&later)).await;
        assert_eq!(status, 201, "{made}");
        let id = made["id"].as_i64().expect("id");
        // The newest lease is on the last page: start the page just before it.
        let (_, list) =
            send(coop.get(app.url(&format!("/api/v1/leases?cursor={}&limit=1", id - 1)))).await;
        let lease = list["leases"]
            .as_array()
            .expect("leases")
            .iter()
            .find(|l| l["id"] == id)
            .expect("listed")
            .clone();
        let sum: i64 = lease["payments"]
            .as_array()
            .expect("payments")
            .iter()
            .map(|p| p["amount"].as_i64().unwrap_or(0))
            .sum();
        assert_eq!(lease["payments"].as_array().map(Vec::len), Some(4));
        assert_eq!(sum, 225_000, "2.5 mu × 900 yuan, one year, to the fen");
        // On that land the cooperative plants up to what it leases; the household no longer.
        let plant = app.url(&format!("/api/v1/plots/{leased}/plantings"));
        let (status, body) = send(
            coop.post(&plant)
                .json(&json!({ "crop": "celtuce", "area_mu": 2, "planted_on": "2031-11-01" })),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let (status, body) = send(
            coop.post(&plant)
                .json(&json!({ "crop": "celtuce", "area_mu": 1, "planted_on": "2031-11-02" })),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some("area_exceeds_plot")),
            "only 0.5 mu leased is left"
        );
        let area = tianlian_storage::plots::get(&app.db, leased)
            .await
            .expect("db")
            .expect("plot")
            .area;
        let owner = tianlian_storage::households::id_by_code(&app.db, "demo-1-0-000")
            .await
            .expect("db")
            .expect("household");
        server::accounts::create_account(
            &app.db,
            "13900000066",
            "owner-pass-1",
            "farmer",
            Some(owner),
        )
        .await
        .expect("account");
        let farmer = app.signed_in(("13900000066", "owner-pass-1")).await;
        let too_much = (area - tianlian_domain::Mu::from_centi(200)).to_string();
        let (status, body) =
            send(farmer.post(&plant).json(
                &json!({ "crop": "celtuce", "area_mu": too_much, "planted_on": "2031-11-01" }),
            ))
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some("area_exceeds_plot")),
            "2.5 mu are leased out: {body}"
        );
        let fits = (area - tianlian_domain::Mu::from_centi(250)).to_string();
        let (status, body) = send(
            farmer
                .post(&plant)
                .json(&json!({ "crop": "celtuce", "area_mu": fits, "planted_on": "2031-11-01" })),
        )
        .await;
        assert_eq!(status, 201, "the rest is the household's: {body}");
        // The demo's morels on leased land: the household can add nothing now.
        let (status, _) =
            send(farmer.post(&plant).json(
                &json!({ "crop": "celtuce", "area_mu": "0.01", "planted_on": "2026-12-01" }),
            ))
            .await;
        assert_eq!(status, 422);
        let agro = app.signed_in(AGRONOMIST).await;
        let (_, theirs) = send(agro.get(app.url("/api/v1/leases"))).await;
        assert!(
            theirs["leases"].as_array().expect("leases").is_empty(),
            "飞虹乡 has no leases"
        );
        let payments = alliance::payments(&app.db, Some(xy), None, None)
            .await
            .expect("db");
        assert!(
            payments.iter().any(|p| p.paid_on.is_some()),
            "the demo's first year is paid"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn the_benefit_report_sums_lease_fees_wages_and_dividends_per_household() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let coop = app.signed_in(COOPERATIVE).await;
        let xy = app.xinyuan().await;
        let (status, _) = send(coop.post(app.url("/api/v1/dividends")).json(
            &json!({ "cooperative_id": xy, "household": "demo-1-0-000", "amount_yuan": "120.5" }),
        ))
        .await;
        assert_eq!(status, 201);
        let (status, report) = send(coop.get(app.url("/api/v1/benefit?day=2026-12-01"))).await;
        assert_eq!(status, 200, "{report}");
        // Every line, walking the pages of 7 by their cursor.
        let mut lines: Vec<serde_json::Value> = Vec::new();
        let mut cursor: Option<i64> = None;
        loop {
            let at = cursor.map(|c| format!("&cursor={c}")).unwrap_or_default();
            let url = format!("/api/v1/benefit?day=2026-12-01&limit=7{at}");
            let (status, page) = send(coop.get(app.url(&url))).await;
            assert_eq!(status, 200, "{page}");
            let got = page["lines"].as_array().expect("lines");
            assert!(got.len() <= 7);
            assert_eq!(
                page["total"], report["total"],
                "the totals are the whole report's"
            );
            lines.extend(got.iter().cloned());
            match page["next_cursor"].as_i64() {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        assert_eq!(
            lines.len() as u64,
            report["matching"].as_u64().expect("matching")
        );
        let line = lines
            .iter()
            .find(|l| l["household_code"] == "demo-1-0-000")
            .expect("the household");
        assert_eq!(line["dividends"], 12050);
        let total: i64 = lines.iter().map(|l| l["total"].as_i64().unwrap_or(0)).sum();
        assert_eq!(
            report["total"].as_i64(),
            Some(total),
            "every fen is in a line"
        );
        for l in &lines {
            assert_eq!(
                l["total"].as_i64(),
                Some(
                    l["lease_fees"].as_i64().unwrap_or(0)
                        + l["wages"].as_i64().unwrap_or(0)
                        + l["dividends"].as_i64().unwrap_or(0)
                )
            );
        }
        // Poor households first, the lowest income per person first.
        let order: Vec<(bool, i64)> = lines
            .iter()
            .map(|l| (l["is_poor"] != true, l["per_person"].as_i64().unwrap_or(0)))
            .collect();
        assert!(order.windows(2).all(|w| w[0] <= w[1]), "{order:?}");
        assert!(
            report["total_to_poor"].as_i64().unwrap_or(0) > 0,
            "the demo paid poor households: {report}"
        );
        assert_eq!(report["income_line"], 400_000);
        let farmer = app.signed_in(FARMER).await;
        assert_eq!(send(farmer.get(app.url("/api/v1/benefit"))).await.0, 403);
        let res = coop
            .get(app.url("/api/v1/export/benefit.csv"))
            .send()
            .await
            .expect("csv");
        let text = res.text().await.expect("body");
        assert!(
            text.trim_start_matches('\u{feff}')
                .starts_with("户号,户主,人口,贫困户"),
            "{text}"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn agronomists_read_but_do_not_run_a_cooperatives_work_and_farmers_neither() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let coop = app.signed_in(COOPERATIVE).await;
        let shift = post_shift(&app, &coop, "2026-12-06", 3).await;
        let (_, page) = send(coop.get(app.url(&format!("/api/v1/shifts/{shift}")))).await;
        let person = page["suggestions"][0]["person_id"]
            .as_i64()
            .expect("person");
        // The 飞虹乡 agronomist and farmer: the 回澜镇 shift is not theirs to see.
        for who in [AGRONOMIST, FARMER] {
            let c = app.signed_in(who).await;
            assert_eq!(
                send(c.get(app.url(&format!("/api/v1/shifts/{shift}"))))
                    .await
                    .0,
                404
            );
            assert_eq!(
                send(
                    c.post(app.url(&format!("/api/v1/shifts/{shift}/assignments")))
                        .json(&json!({ "person_id": person }))
                )
                .await
                .0,
                404
            );
        }
        // A person from another township cannot be booked.
        let stranger = work::candidates(
            &app.db,
            app.township_id("飞虹乡").await,
            app.xinyuan().await,
            chrono::NaiveDate::from_ymd_opt(2026, 12, 6).expect("d"),
            chrono::NaiveDate::from_ymd_opt(2026, 7, 1).expect("d"),
        )
        .await
        .expect("db")[0]
            .id;
        let (status, body) = send(
            coop.post(app.url(&format!("/api/v1/shifts/{shift}/assignments")))
                .json(&json!({ "person_id": stranger })),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some("unknown_person"))
        );
        // Bad shifts are refused with the reason in Chinese.
        let (status, body) = send(coop.post(app.url("/api/v1/shifts")).json(&json!({ "cooperative_id": app.xinyuan().await, "date": "2026-02-30", "task": "dancing", "headcount": 0, "hours": -1 }))).await;
        assert_eq!(status, 422, "{body}");
        app.finish().await;
    }
}

#[tokio::test]
async fn alliances_take_households_with_mentors_for_the_poor_and_keep_those_who_leave() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let coop = app.signed_in(COOPERATIVE).await;
        let xy = app.xinyuan().await;
        let (status, made) = send(
            coop.post(app.url("/api/v1/alliances"))
                .json(&json!({ "cooperative_id": xy, "name": "龙桥村羊肚菌联合体" })),
        )
        .await;
        assert_eq!(status, 201);
        let aid = made["id"].as_i64().expect("id");
        let members = app.url(&format!("/api/v1/alliances/{aid}/members"));
        // demo-1-0-001 is not poor; demo-1-0-002 is (n % 6 == 0 in the demo data).
        let (status, able) = send(
            coop.post(&members)
                .json(&json!({ "household": "demo-1-0-001", "role": "able" })),
        )
        .await;
        assert_eq!(status, 201);
        let mentor = able["id"].as_i64().expect("membership");
        let (status, body) = send(
            coop.post(&members)
                .json(&json!({ "household": "demo-1-0-002", "role": "member" })),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some("mentor_required"))
        );
        let (status, poor) =
            send(coop.post(&members).json(
                &json!({ "household": "demo-1-0-002", "role": "member", "mentor_id": mentor }),
            ))
            .await;
        assert_eq!(status, 201);
        let (status, body) =
            send(coop.post(&members).json(
                &json!({ "household": "demo-1-0-002", "role": "member", "mentor_id": mentor }),
            ))
            .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some("already_member"))
        );
        let (status, body) = send(
            coop.post(&members)
                .json(&json!({ "household": "demo-0-0-001", "role": "member" })),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some("unknown_household")),
            "another township's household"
        );
        // Leaving keeps the row; the household can join again later.
        let poor_id = poor["id"].as_i64().expect("membership");
        assert_eq!(
            send(coop.post(app.url(&format!("/api/v1/alliance-members/{poor_id}/leave"))))
                .await
                .0,
            201
        );
        let rows = alliance::members(&app.db, Some(xy), None, None)
            .await
            .expect("db");
        let kept = rows.iter().find(|m| m.id == poor_id).expect("kept");
        assert!(kept.left_on.is_some());
        assert!(kept.mentor_name.is_some(), "the mentor is kept too");
        let (status, _) =
            send(coop.post(&members).json(
                &json!({ "household": "demo-1-0-002", "role": "member", "mentor_id": mentor }),
            ))
            .await;
        assert_eq!(status, 201, "a household may rejoin; both memberships stay");
        // The same household in a second alliance too.
        let in_two = rows
            .iter()
            .filter(|m| m.household_code == "demo-1-0-002" && m.left_on.is_none())
            .count()
            + alliance::members(&app.db, Some(xy), None, None)
                .await
                .expect("db")
                .iter()
                .filter(|m| {
                    m.household_code == "demo-1-0-002"
                        && m.alliance_id == aid
                        && m.left_on.is_none()
                })
                .count();
        assert!(
            in_two >= 2,
            "demo-1-0-002 is in the demo alliance and in the new one"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn the_cooperative_sees_its_seasons_labour_demand_against_members_able_to_work() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let coop = app.signed_in(COOPERATIVE).await;
        let xy = app.xinyuan().await;
        let (status, page) = send(coop.get(app.url(&format!("/api/v1/cooperatives/{xy}")))).await;
        assert_eq!(status, 200);
        let (peak, able) = (
            page["peak_workers"].as_u64().unwrap_or(0),
            page["able_workers"].as_u64().unwrap_or(0),
        );
        // ~850 mu of morels sown over a month: a few hundred workers a day at the peak.
        assert!((100..=600).contains(&peak), "peak {peak}: {page}");
        assert!(able > 0 && able < peak, "able {able}");
        let short = page["short_days"].as_array().expect("days");
        // Days short of workers are flagged from today on (the demo's sowing peak may be past).
        let today = page["today"].as_str().expect("today");
        let peak_day = page["peak_day"].as_str().expect("peak day");
        if peak_day >= today {
            assert!(
                !short.is_empty(),
                "the coming peak on {peak_day} needs more than the members"
            );
        }
        assert!(
            short
                .iter()
                .all(|d| d["date"].as_str().is_some_and(|day| day >= today))
        );
        for d in short {
            assert_eq!(
                d["short_by"].as_u64().unwrap_or(0) + able,
                d["workers"].as_u64().unwrap_or(0),
                "{d}"
            );
        }
        assert!(
            page["alliances"][0]["members"]
                .as_array()
                .expect("members")
                .iter()
                .any(|m| m["is_poor"] == true && m["mentor"].is_string())
        );
        assert!(
            page["lease_total"].as_u64().unwrap_or(0) >= 100,
            "石羊村 and 龙桥村 plots are leased"
        );
        assert!(
            page["leases"].as_array().expect("leases").len() <= 10,
            "the summary shows the first 10"
        );
        let (status, html) = app.get_text_as(&coop, "/coop").await;
        assert_eq!(status, 200);
        assert!(html.contains("用工需求") && html.contains("致富能人"));
        assert_eq!(
            html.contains("天缺工"),
            !short.is_empty(),
            "the page flags the short days"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn the_cooperative_page_shows_the_first_rows_and_pages_each_list_whole() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let coop = app.signed_in(COOPERATIVE).await;
        let xinyuan = app.xinyuan().await;
        let leases = tianlian_storage::alliance::leases(&app.db, Some(xinyuan), None, None)
            .await
            .expect("leases");
        assert!(leases.len() > 50, "the demo leases more than a page");
        let items = |html: &str| html.matches("<li><strong>").count();
        // The first screen: the first 10 leases and a link to all of them.
        let (_, first) = app.get_text_as(&coop, "/coop").await;
        let all_link = format!("全部流转合同（{}）", leases.len());
        assert!(first.contains(&all_link), "{:?}", app.engine);
        assert!(
            first.contains(&format!("{} 份合同", leases.len())),
            "counts are over every lease"
        );
        // The list: 15 a page (each lease with its payments); the last page holds the rest.
        let per = app::models::COOP_LEASES_PER_PAGE;
        let (status, page1) = app
            .get_text_as(&coop, &format!("/coop?coop={xinyuan}&list=leases"))
            .await;
        assert_eq!(status, 200);
        let pages = leases.len().div_ceil(per);
        assert!(page1.contains(&format!("1 / {pages}")));
        assert_eq!(page1.matches("class=\"lease-list\"").count(), 1);
        let (_, last) = app
            .get_text_as(
                &coop,
                &format!("/coop?coop={xinyuan}&list=leases&page={pages}"),
            )
            .await;
        assert_eq!(
            items(&last),
            leases.len() - (pages - 1) * per,
            "{:?}",
            app.engine
        );
        // Search by the household's name.
        let name = leases[0].head_name.clone();
        let expected = leases
            .iter()
            .filter(|l| l.head_name.contains(&name))
            .count();
        let (_, found) = app
            .get_text_as(
                &coop,
                &format!("/coop?coop={xinyuan}&list=leases&q={}", urlencode(&name)),
            )
            .await;
        assert_eq!(items(&found), expected.min(per));
        app.finish().await;
    }
}

fn urlencode(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// The report's SQL (sums by household, totals, counts, payers, the filter) against the pure
/// `domain::benefit::benefit_report` over the same rows read plainly.
#[tokio::test]
async fn the_benefit_reports_sql_agrees_with_the_domains_report_over_the_same_rows() {
    use app::usecases::alliance::{BenefitWindow, benefit};
    use tianlian_domain::Fen;
    use tianlian_domain::benefit::{HouseholdInfo, IncomeItem, IncomeKind, benefit_report};
    for engine in engines() {
        let app = spawn_app(engine).await;
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("day");
        let (from, until) = tianlian_domain::season::season_of(day);
        // A dividend to a household of another township from 欣源, so a line outside the
        // township's own households is in the report too.
        let xy = app.xinyuan().await;
        let other = alliance::households(&app.db, None)
            .await
            .expect("households")
            .into_iter()
            .find(|h| h.code.starts_with("demo-0-"))
            .expect("a household of the other township");
        alliance::add_dividend(&app.db, xy, other.id, Fen::new(777), day, "")
            .await
            .expect("dividend");
        let huilan = app.township_id("回澜镇").await;
        for (caller, township) in [
            (crate::helpers::admin_caller(), None),
            (
                tianlian_domain::access::Caller {
                    scope: tianlian_domain::access::Scope::Agronomist {
                        township_id: huilan,
                    },
                    ..crate::helpers::admin_caller()
                },
                Some(huilan),
            ),
        ] {
            let line = alliance::income_line(&app.db, chrono::Datelike::year(&from))
                .await
                .expect("line")
                .unwrap_or(Fen::ZERO);
            let income = alliance::income(&app.db, township, from, until)
                .await
                .expect("income");
            // The township's households and any household its cooperatives paid, as they are
            // (a poor household of another township paid here counts as poor).
            let own: std::collections::HashSet<i64> = alliance::households(&app.db, township)
                .await
                .expect("rows")
                .iter()
                .map(|h| h.id)
                .collect();
            let households: Vec<_> = alliance::households(&app.db, None)
                .await
                .expect("rows")
                .into_iter()
                .filter(|h| own.contains(&h.id) || income.iter().any(|i| i.household_id == h.id))
                .collect();
            let infos: Vec<HouseholdInfo> = households
                .iter()
                .map(|h| HouseholdInfo {
                    id: h.id,
                    name: h.head_name.clone(),
                    members: u32::try_from(h.members).unwrap_or(0),
                    is_poor: h.is_poor,
                })
                .collect();
            let items: Vec<IncomeItem> = income
                .iter()
                .map(|i| IncomeItem {
                    household_id: i.household_id,
                    payer_id: i.cooperative_id,
                    kind: match i.kind.as_str() {
                        "lease" => IncomeKind::LeaseFee,
                        "wage" => IncomeKind::Wage,
                        _ => IncomeKind::Dividend,
                    },
                    amount: Fen::new(i.amount_fen),
                })
                .collect();
            let expected = benefit_report(&infos, &items, line);
            let all = BenefitWindow::From {
                offset: 0,
                limit: 1_000_000,
            };
            let got = benefit(&app.db, &caller, day, None, false, all)
                .await
                .expect("report")
                .expect("not a farmer");
            assert_eq!(got.total, expected.total, "{:?} {township:?}", app.engine);
            assert_eq!(got.total_to_poor, expected.total_to_poor);
            assert_eq!(got.poor_households as u32, expected.poor_households);
            assert_eq!(
                got.poor_meeting_line as u32,
                expected.poor_households_meeting_line
            );
            let paid: Vec<_> = expected
                .households
                .iter()
                .filter(|h| h.total != Fen::ZERO || h.is_poor)
                .collect();
            assert_eq!(got.lines.len(), paid.len());
            assert_eq!(got.matching, paid.len());
            for h in paid {
                let l = got
                    .lines
                    .iter()
                    .find(|l| l.head_name == h.name && l.total == h.total)
                    .unwrap_or_else(|| panic!("a line for {h:?}"));
                assert_eq!(
                    (l.lease_fees, l.wages, l.dividends),
                    (h.lease_fees, h.wages, h.dividends)
                );
                assert_eq!(Some(l.per_person), h.per_person.or(Some(Fen::ZERO)));
            }
            let payers: Vec<(Fen, Fen)> =
                got.payers.iter().map(|p| (p.to_all, p.to_poor)).collect();
            let want: Vec<(Fen, Fen)> = expected
                .payers
                .iter()
                .map(|p| (p.to_all, p.to_poor))
                .collect();
            assert_eq!(payers, want);
            // The filter: poor only, and a name search, counted over the whole report.
            let poor = benefit(&app.db, &caller, day, None, true, all)
                .await
                .expect("poor")
                .expect("report");
            assert_eq!(poor.matching, expected.poor_households as usize);
            assert!(poor.lines.iter().all(|l| l.is_poor));
            let name = &got.lines[0].head_name;
            let found = benefit(&app.db, &caller, day, Some(name), false, all)
                .await
                .expect("search")
                .expect("report");
            assert!(
                found.matching >= 1
                    && found
                        .lines
                        .iter()
                        .all(|l| l.head_name.contains(name.as_str()))
            );
            assert_eq!(
                found.total, got.total,
                "a search keeps the whole report's totals"
            );
            // A code matches from its start only; `%` and `_` are plain characters.
            let code = &got.lines[0].household_code;
            let prefix = &code[..code.len() - 1];
            let by_code = benefit(&app.db, &caller, day, Some(prefix), false, all)
                .await
                .expect("code")
                .expect("report");
            let starting = got
                .lines
                .iter()
                .filter(|l| l.household_code.starts_with(prefix) || l.head_name.contains(prefix))
                .count();
            assert_eq!(by_code.matching, starting, "{prefix}");
            for inside in [&code[1..], "demo%", "demo_1"] {
                let none = benefit(&app.db, &caller, day, Some(inside), false, all)
                    .await
                    .expect("inside")
                    .expect("report");
                assert_eq!(none.matching, 0, "{inside}");
                assert_eq!((none.page, none.pages), (1, 1));
            }
            // A page past the last is the last.
            let last = benefit(
                &app.db,
                &caller,
                day,
                None,
                false,
                BenefitWindow::Page(9_999),
            )
            .await
            .expect("page")
            .expect("report");
            assert_eq!(last.page, last.pages);
            assert!(!last.lines.is_empty());
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn a_cooperatives_lists_page_through_the_api_with_counts_over_all_of_them() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let coop = app.signed_in(COOPERATIVE).await;
        let xy = app.xinyuan().await;
        let (status, summary) =
            send(coop.get(app.url(&format!("/api/v1/cooperatives/{xy}")))).await;
        assert_eq!(status, 200);
        let total = summary["member_total"].as_u64().expect("member_total") as usize;
        let first: usize = summary["alliances"]
            .as_array()
            .expect("alliances")
            .iter()
            .map(|a| a["members"].as_array().map_or(0, Vec::len))
            .sum();
        assert!(total > 10, "the demo alliance has {total} members");
        assert!(first <= 10 * summary["alliances"].as_array().map_or(1, Vec::len));
        // Every member once, a page of 50 at a time.
        let mut seen = std::collections::HashSet::new();
        let mut page = 1;
        loop {
            let url = format!("/api/v1/cooperatives/{xy}?list=members&page={page}");
            let (status, body) = send(coop.get(app.url(&url))).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["member_total"].as_u64(), Some(total as u64));
            for a in body["alliances"].as_array().expect("alliances") {
                for m in a["members"].as_array().expect("members") {
                    assert!(seen.insert(m["id"].as_i64().expect("id")), "{m}");
                }
            }
            if page >= body["pages"].as_u64().expect("pages") as usize {
                break;
            }
            page += 1;
        }
        assert_eq!(seen.len(), total);
        // Against every membership read plainly: counts per alliance, who left comes last.
        let all = alliance::members(&app.db, Some(xy), None, None)
            .await
            .expect("members");
        assert_eq!(all.len(), total);
        for a in summary["alliances"].as_array().expect("alliances") {
            let id = a["id"].as_i64().expect("id");
            let of: Vec<_> = all.iter().filter(|m| m.alliance_id == id).collect();
            let now = of.iter().filter(|m| m.left_on.is_none()).count();
            let poor = of
                .iter()
                .filter(|m| m.left_on.is_none() && m.is_poor)
                .count();
            assert_eq!(a["current"].as_u64(), Some(now as u64));
            assert_eq!(a["poor"].as_u64(), Some(poor as u64));
            let shown = a["members"].as_array().expect("members");
            assert_eq!(shown.len(), of.len().min(10));
            let left: Vec<bool> = shown.iter().map(|m| !m["left_on"].is_null()).collect();
            assert!(left.windows(2).all(|w| w[0] <= w[1]), "who left comes last");
        }
        // A search by the start of a household code, counted over every alliance.
        let code = &all[all.len() / 2].household_code;
        let prefix = &code[..code.len() - 1];
        let (_, found) = send(coop.get(app.url(&format!(
            "/api/v1/cooperatives/{xy}?list=members&q={prefix}"
        ))))
        .await;
        let want = all
            .iter()
            .filter(|m| m.household_code.starts_with(prefix) || m.head_name.contains(prefix))
            .count();
        let got: usize = found["alliances"]
            .as_array()
            .expect("alliances")
            .iter()
            .map(|a| a["members"].as_array().map_or(0, Vec::len))
            .sum();
        assert_eq!(got, want.min(50), "{prefix}");
        assert_eq!(
            found["member_total"].as_u64(),
            Some(total as u64),
            "the count stays whole"
        );
        // Leases: the count, area and pages from SQL against every lease read plainly.
        let leases_all = alliance::leases(&app.db, Some(xy), None, None)
            .await
            .expect("leases");
        assert_eq!(
            summary["lease_total"].as_u64(),
            Some(leases_all.len() as u64)
        );
        let area: i64 = leases_all.iter().map(|l| l.area.centi()).sum();
        assert_eq!(
            summary["lease_area"].as_i64(),
            Some(area),
            "{}",
            summary["lease_area"]
        );
        let (status, leases) =
            send(coop.get(app.url(&format!("/api/v1/cooperatives/{xy}?list=leases&page=1")))).await;
        assert_eq!(status, 200);
        assert!(leases["leases"].as_array().map_or(0, Vec::len) <= 15);
        let (status, body) =
            send(coop.get(app.url(&format!("/api/v1/cooperatives/{xy}?list=everything")))).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["error"]["code"], "bad_list");
        app.finish().await;
    }
}
