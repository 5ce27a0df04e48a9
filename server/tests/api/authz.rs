//! Every `/api/v1` route called as each role (and as a farmer of another household), against
//! a table of expected outcomes. The table must name exactly the routes the server has, so a
//! new route without a rule fails here.

use crate::helpers::{ADMIN, AGRONOMIST, COOPERATIVE, FARMER, TestApp, spawn_app_with};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use tianlian_domain::access::Scope;
use tianlian_storage::testing::engines;
use tianlian_storage::{accounts, households, tokens};

/// Who calls: anonymous, admin, agronomist (飞虹乡), cooperative (欣源, 回澜镇), farmer (owns
/// 团结村 plot 1-010), and a farmer of another household (owns 1-011).
const CALLERS: [&str; 6] = [
    "anonymous",
    "admin",
    "agronomist",
    "cooperative",
    "farmer",
    "other farmer",
];

struct Row {
    method: &'static str,
    template: &'static str,
    path: String,
    body: Option<Value>,
    expect: [u16; 6],
}

async fn other_farmer(app: &TestApp) -> (&'static str, &'static str) {
    let household = households::id_by_code(&app.db, "demo-0-0-010")
        .await
        .expect("db")
        .expect("household");
    server::accounts::create_account(
        &app.db,
        "13900000009",
        "other-farm-2026",
        "farmer",
        Some(household),
    )
    .await
    .expect("other farmer");
    ("13900000009", "other-farm-2026")
}

#[tokio::test]
async fn every_api_route_allows_and_denies_exactly_as_the_table_says() {
    for engine in engines() {
        // Plenty of sign-in attempts: this test signs in six times from one address.
        let app = spawn_app_with(engine, |s| s.login_attempts_per_minute = 1000).await;
        let other = other_farmer(&app).await;
        let mine = app.plot_id("团结村", "1-010").await;
        let morel = app.plot_id("石羊村", "1-001").await;
        // A spare account for the admin to reset and issue tokens to.
        let spare_household = households::id_by_code(&app.db, "demo-0-0-011")
            .await
            .expect("db")
            .expect("household");
        server::accounts::create_account(
            &app.db,
            "13900000008",
            "spare-farm-2026",
            "farmer",
            Some(spare_household),
        )
        .await
        .expect("spare");
        let spare = accounts::by_phone(&app.db, "13900000008")
            .await
            .expect("db")
            .expect("spare")
            .caller;
        assert!(matches!(spare.scope, Scope::Farmer { .. }));
        let issued = tianlian_storage::audit::AuditEntry::new(None, "issue", "api_token");
        let token = tokens::insert(&app.db, spare.account_id, "to-revoke", "test", &issued)
            .await
            .expect("token");

        let mine_planting = tianlian_storage::plantings::list_for_plot(&app.db, mine)
            .await
            .expect("plantings")[0]
            .id;
        // A 飞虹乡 target for the read and delete rows.
        let feihong = app.township_id("飞虹乡").await;
        let goal = tianlian_storage::targets::create(
            &app.db,
            feihong,
            None,
            &tianlian_domain::targets::Target {
                crops: tianlian_domain::targets::CropScope::WinterVegetables,
                area: tianlian_domain::Mu::from_whole(800),
                starts_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 11).expect("date"),
                deadline: chrono::NaiveDate::from_ymd_opt(2026, 12, 10).expect("date"),
            },
            None,
            &tianlian_storage::audit::AuditEntry::new(None, "create", "target"),
        )
        .await
        .expect("target");

        let planting = json!({ "crop": "celtuce", "area_mu": 0.01, "planted_on": "2026-12-01" });
        let tuanjie = app.village_id("团结村").await;
        let xinyuan = app.xinyuan().await;
        let huilan = app.township_id("回澜镇").await;
        let open_shift = tianlian_storage::work::list(
            &app.db,
            Some(xinyuan),
            None,
            chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("date"),
        )
        .await
        .expect("shifts")
        .into_iter()
        .find(|s| s.task_code == "spawn_rubbing")
        .expect("the demo's open shift");
        let worker = tianlian_storage::work::candidates(
            &app.db,
            huilan,
            xinyuan,
            open_shift.day,
            open_shift.day,
        )
        .await
        .expect("candidates")
        .into_iter()
        .find(|c| c.able_to_work && !c.booked_that_day)
        .expect("a free worker")
        .id;
        let unpaid = tianlian_storage::alliance::payments(&app.db, Some(xinyuan), None, None)
            .await
            .expect("payments")
            .into_iter()
            .find(|p| p.paid_on.is_none())
            .expect("an unpaid lease payment")
            .id;
        let shift_id = open_shift.id;
        let memberships = tianlian_storage::alliance::members(&app.db, Some(xinyuan), None, None)
            .await
            .expect("members");
        let alliance_id = memberships[0].alliance_id;
        let leaving = memberships
            .iter()
            .find(|m| m.role == "member")
            .expect("a member")
            .id;
        let outsider = tianlian_storage::alliance::households(&app.db, Some(huilan))
            .await
            .expect("households")
            .into_iter()
            .find(|h| !h.is_poor && memberships.iter().all(|m| m.household_id != h.id))
            .expect("a household outside the alliance")
            .code;
        let feihong_coop = tianlian_storage::cooperatives::list(&app.db)
            .await
            .expect("cooperatives")
            .into_iter()
            .find(|c| c.name == "飞虹乡蔬菜专业合作社")
            .expect("飞虹乡's cooperative")
            .id;
        let morel_planting = tianlian_storage::plantings::list_for_plot(&app.db, morel)
            .await
            .expect("plantings")
            .into_iter()
            .find(|p| p.cooperative_id == Some(xinyuan))
            .expect("欣源's morel planting")
            .id;
        // The field day: a shift to fill (2 places) and one with two people booked on a day
        // of its own, so each row's outcome follows from the rows before it alone.
        let field_day = chrono::NaiveDate::from_ymd_opt(2027, 1, 16).expect("date");
        let new_shift = |day: chrono::NaiveDate, headcount: i64| tianlian_storage::work::NewShift {
            cooperative_id: xinyuan,
            day,
            task_code: "harvest",
            plot_id: None,
            headcount,
            hours: tianlian_domain::wages::Hours::from_whole(8),
            hourly: tianlian_domain::Fen::from_yuan(10),
            regular_hours_centi: 800,
            overtime_percent: 150,
            created_by: None,
        };
        let to_fill = tianlian_storage::work::create(
            &app.db,
            &new_shift(
                chrono::NaiveDate::from_ymd_opt(2027, 1, 15).expect("date"),
                2,
            ),
        )
        .await
        .expect("shift");
        let booked_shift = tianlian_storage::work::create(&app.db, &new_shift(field_day, 3))
            .await
            .expect("shift");
        let free: Vec<i64> =
            tianlian_storage::work::candidates(&app.db, huilan, xinyuan, field_day, field_day)
                .await
                .expect("candidates")
                .into_iter()
                .filter(|c| c.able_to_work && !c.booked_that_day)
                .map(|c| c.id)
                .take(2)
                .collect();
        let (a, b) = (free[0], free[1]);
        tianlian_storage::work::book_many(
            &app.db,
            booked_shift,
            &[a, b],
            tianlian_storage::work::BookMode::AllOrNone,
        )
        .await
        .expect("booked");
        let feihong = app.township_id("飞虹乡").await;
        let feihong_person = tianlian_storage::work::candidates(
            &app.db,
            feihong,
            feihong_coop,
            field_day,
            field_day,
        )
        .await
        .expect("candidates")[0]
            .id;
        // Onboarding: a 飞虹乡 household nobody else uses, and one of 欣源's alliance (回澜镇).
        let fh = households::id_by_code(&app.db, "demo-0-0-012")
            .await
            .expect("db")
            .expect("household");
        let fh_person = households::persons(&app.db, fh).await.expect("people")[0].id;
        let hl_row = tianlian_storage::households::get(&app.db, memberships[0].household_id)
            .await
            .expect("db")
            .expect("an alliance household");
        let (hl, hl_code) = (hl_row.id, hl_row.code.clone());
        let spare_id = spare.account_id;
        let rows = vec![
            // The admin fills both places; for the manager after, the shift is full.
            Row {
                method: "POST",
                template: "/api/v1/shifts/{id}/fill",
                path: format!("/api/v1/shifts/{to_fill}/fill"),
                body: None,
                expect: [401, 201, 404, 409, 404, 404],
            },
            // The admin takes `a` off; for the manager after, `a` is not on the shift.
            Row {
                method: "DELETE",
                template: "/api/v1/shifts/{id}/assignments/{person_id}",
                path: format!("/api/v1/shifts/{booked_shift}/assignments/{a}"),
                body: None,
                expect: [401, 204, 404, 422, 404, 404],
            },
            // The admin books `a` again; for the manager after, `a` is booked that day.
            Row {
                method: "POST",
                template: "/api/v1/shifts/{id}/bookings",
                path: format!("/api/v1/shifts/{booked_shift}/bookings"),
                body: Some(json!({ "person_ids": [a] })),
                expect: [401, 201, 404, 409, 404, 404],
            },
            // Another township's person is answered as one that does not exist.
            Row {
                method: "POST",
                template: "/api/v1/shifts/{id}/bookings",
                path: format!("/api/v1/shifts/{booked_shift}/bookings"),
                body: Some(json!({ "person_ids": [feihong_person] })),
                expect: [401, 422, 404, 422, 404, 404],
            },
            Row {
                method: "DELETE",
                template: "/api/v1/shifts/{id}/assignments/{person_id}",
                path: format!("/api/v1/shifts/{booked_shift}/assignments/{feihong_person}"),
                body: None,
                expect: [401, 422, 404, 422, 404, 404],
            },
            Row {
                method: "GET",
                template: "/api/v1/shifts/{id}/roll-call",
                path: format!("/api/v1/shifts/{booked_shift}/roll-call"),
                body: None,
                expect: [401, 200, 404, 200, 404, 404],
            },
            // The admin's roll call is recorded; the manager's, under the same key, is not again.
            Row {
                method: "POST",
                template: "/api/v1/shifts/{id}/roll-call",
                path: format!("/api/v1/shifts/{booked_shift}/roll-call"),
                body: Some(
                    json!({ "key": "authz-roll-1", "lines": [{ "person_id": a }, { "person_id": b, "hours": 9 }] }),
                ),
                expect: [401, 201, 404, 200, 404, 404],
            },
            Row {
                method: "GET",
                template: "/api/v1/cooperatives/{id}/days/{day}",
                path: format!("/api/v1/cooperatives/{xinyuan}/days/{field_day}"),
                body: None,
                expect: [401, 200, 404, 200, 404, 404],
            },
            Row {
                method: "GET",
                template: "/api/v1/cooperatives/{id}/days/{day}/{file}",
                path: format!("/api/v1/cooperatives/{xinyuan}/days/{field_day}/sheet.csv"),
                body: None,
                expect: [401, 200, 404, 200, 404, 404],
            },
            Row {
                method: "POST",
                template: "/api/v1/cooperatives/{id}/days/{day}/settle",
                path: format!("/api/v1/cooperatives/{xinyuan}/days/{field_day}/settle"),
                body: None,
                expect: [401, 200, 403, 200, 403, 403],
            },
            // Another township's cooperative: only the admin may settle its day.
            Row {
                method: "POST",
                template: "/api/v1/cooperatives/{id}/days/{day}/settle",
                path: format!("/api/v1/cooperatives/{feihong_coop}/days/{field_day}/settle"),
                body: None,
                expect: [401, 200, 403, 403, 403, 403],
            },
            Row {
                method: "POST",
                template: "/api/v1/alliances",
                path: "/api/v1/alliances".into(),
                body: Some(json!({ "cooperative_id": xinyuan, "name": "石羊村联合体" })),
                expect: [401, 201, 403, 201, 403, 403],
            },
            // The admin adds the household; for the manager after, it is a member already.
            Row {
                method: "POST",
                template: "/api/v1/alliances/{id}/members",
                path: format!("/api/v1/alliances/{alliance_id}/members"),
                body: Some(json!({ "household": outsider, "role": "member" })),
                expect: [401, 201, 404, 422, 404, 404],
            },
            Row {
                method: "POST",
                template: "/api/v1/alliance-members/{id}/leave",
                path: format!("/api/v1/alliance-members/{leaving}/leave"),
                body: None,
                expect: [401, 201, 404, 422, 404, 404],
            },
            // The household register's rule (#18): admins and the township's agronomists add
            // people; cooperatives and farmers change no household.
            Row {
                method: "POST",
                template: "/api/v1/persons",
                path: "/api/v1/persons".into(),
                body: Some(json!({ "household": "demo-0-0-009", "name": "吴小芳" })),
                expect: [401, 201, 201, 403, 403, 403],
            },
            Row {
                method: "GET",
                template: "/api/v1/cooperatives/{id}",
                path: format!("/api/v1/cooperatives/{xinyuan}"),
                body: None,
                expect: [401, 200, 404, 200, 404, 404],
            },
            Row {
                method: "POST",
                template: "/api/v1/shifts",
                path: "/api/v1/shifts".into(),
                body: Some(
                    json!({ "cooperative_id": xinyuan, "date": "2026-12-01", "task": "harvest", "headcount": 2, "hours": 8 }),
                ),
                expect: [401, 201, 403, 201, 403, 403],
            },
            Row {
                method: "GET",
                template: "/api/v1/shifts/{id}",
                path: format!("/api/v1/shifts/{shift_id}"),
                body: None,
                expect: [401, 200, 404, 200, 404, 404],
            },
            // The admin books the worker; for the manager after, they are booked that day.
            Row {
                method: "POST",
                template: "/api/v1/shifts/{id}/assignments",
                path: format!("/api/v1/shifts/{shift_id}/assignments"),
                body: Some(json!({ "person_id": worker })),
                expect: [401, 201, 404, 409, 404, 404],
            },
            Row {
                method: "POST",
                template: "/api/v1/shifts/{id}/hours",
                path: format!("/api/v1/shifts/{shift_id}/hours"),
                body: Some(json!({ "person_id": worker, "hours": 8 })),
                expect: [401, 201, 404, 409, 404, 404],
            },
            Row {
                method: "POST",
                template: "/api/v1/shifts/{id}/settle",
                path: format!("/api/v1/shifts/{shift_id}/settle"),
                body: None,
                expect: [401, 200, 404, 200, 404, 404],
            },
            // Farmers have no township plan to see (404, like the market calendar).
            Row {
                method: "GET",
                template: "/api/v1/wallchart",
                path: "/api/v1/wallchart".into(),
                body: None,
                expect: [401, 200, 200, 200, 404, 404],
            },
            Row {
                method: "GET",
                template: "/api/v1/leases",
                path: "/api/v1/leases".into(),
                body: None,
                expect: [401, 200, 200, 200, 200, 200],
            },
            // The morel plots are leased in full: those who may sign meet the area rule.
            Row {
                method: "POST",
                template: "/api/v1/leases",
                path: "/api/v1/leases".into(),
                body: Some(
                    json!({ "cooperative_id": xinyuan, "plot_id": morel, "area_mu": 1, "fee_yuan_per_mu_year": 800,
                                   "starts_on": "2026-12-01", "ends_on": "2027-11-30", "schedule": "annual" }),
                ),
                expect: [401, 422, 403, 422, 403, 403],
            },
            Row {
                method: "POST",
                template: "/api/v1/lease-payments/{id}/pay",
                path: format!("/api/v1/lease-payments/{unpaid}/pay"),
                body: None,
                expect: [401, 201, 403, 404, 403, 403],
            },
            Row {
                method: "POST",
                template: "/api/v1/dividends",
                path: "/api/v1/dividends".into(),
                body: Some(
                    json!({ "cooperative_id": xinyuan, "household": "demo-1-0-001", "amount_yuan": 10 }),
                ),
                expect: [401, 201, 403, 201, 403, 403],
            },
            // Another township: 欣源 (回澜镇) names 飞虹乡's household, plot or cooperative. A
            // household or plot elsewhere is answered as one that does not exist (422); another
            // cooperative's id is 403 whether it exists or not.
            Row {
                method: "POST",
                template: "/api/v1/dividends",
                path: "/api/v1/dividends".into(),
                body: Some(
                    json!({ "cooperative_id": xinyuan, "household": "demo-0-0-009", "amount_yuan": 99_999 }),
                ),
                expect: [401, 422, 403, 422, 403, 403],
            },
            Row {
                method: "POST",
                template: "/api/v1/alliances/{id}/members",
                path: format!("/api/v1/alliances/{alliance_id}/members"),
                body: Some(json!({ "household": "demo-0-0-009", "role": "member" })),
                expect: [401, 422, 404, 422, 404, 404],
            },
            Row {
                method: "POST",
                template: "/api/v1/shifts/{id}/assignments",
                path: format!("/api/v1/shifts/{shift_id}/assignments"),
                body: Some(json!({ "household": "demo-0-0-009" })),
                expect: [401, 422, 404, 422, 404, 404],
            },
            Row {
                method: "POST",
                template: "/api/v1/shifts",
                path: "/api/v1/shifts".into(),
                body: Some(
                    json!({ "cooperative_id": xinyuan, "plot_id": mine, "date": "2026-12-01", "task": "harvest", "headcount": 2, "hours": 8 }),
                ),
                expect: [401, 422, 403, 422, 403, 403],
            },
            Row {
                method: "POST",
                template: "/api/v1/shifts",
                path: "/api/v1/shifts".into(),
                body: Some(
                    json!({ "cooperative_id": 999_999, "date": "2026-12-01", "task": "harvest", "headcount": 2, "hours": 8 }),
                ),
                expect: [401, 404, 403, 403, 403, 403],
            },
            Row {
                method: "POST",
                template: "/api/v1/leases",
                path: "/api/v1/leases".into(),
                body: Some(
                    json!({ "cooperative_id": xinyuan, "plot_id": mine, "area_mu": 1, "fee_yuan_per_mu_year": 800,
                                   "starts_on": "2026-12-01", "ends_on": "2027-11-30", "schedule": "annual" }),
                ),
                expect: [401, 422, 403, 422, 403, 403],
            },
            Row {
                method: "POST",
                template: "/api/v1/alliances",
                path: "/api/v1/alliances".into(),
                body: Some(json!({ "cooperative_id": feihong_coop, "name": "团结村联合体" })),
                expect: [401, 201, 403, 403, 403, 403],
            },
            // Land leased to a cooperative: 欣源's own morel planting on 石羊村 1-001 is 欣源's to
            // change (it meets the domain rule, 422), not a 飞虹乡 caller's (they cannot see it).
            // The owner household's side is `leased_land_is_worked_by_the_cooperative_that_leases_it`.
            Row {
                method: "POST",
                template: "/api/v1/plantings/{id}/status",
                path: format!("/api/v1/plantings/{morel_planting}/status"),
                body: Some(json!({ "status": "bogus", "on": "2026-12-01" })),
                expect: [401, 422, 404, 422, 404, 404],
            },
            // Another 飞虹乡 household: the same rule, whoever the household's farmer is.
            Row {
                method: "POST",
                template: "/api/v1/persons",
                path: "/api/v1/persons".into(),
                body: Some(json!({ "household": "demo-0-0-010", "name": "吴小明" })),
                expect: [401, 201, 201, 403, 403, 403],
            },
            Row {
                method: "GET",
                template: "/api/v1/me/pay",
                path: "/api/v1/me/pay".into(),
                body: None,
                expect: [401, 403, 403, 403, 200, 200],
            },
            Row {
                method: "GET",
                template: "/api/v1/me/calendar",
                path: "/api/v1/me/calendar".into(),
                body: None,
                expect: [401, 403, 403, 403, 200, 200],
            },
            Row {
                method: "POST",
                template: "/api/v1/me/calendar",
                path: "/api/v1/me/calendar".into(),
                body: None,
                expect: [401, 403, 403, 403, 201, 201],
            },
            Row {
                method: "DELETE",
                template: "/api/v1/me/calendar",
                path: "/api/v1/me/calendar".into(),
                body: None,
                expect: [401, 403, 403, 403, 204, 204],
            },
            Row {
                method: "GET",
                template: "/api/v1/benefit",
                path: "/api/v1/benefit".into(),
                body: None,
                expect: [401, 200, 200, 200, 403, 403],
            },
            Row {
                method: "PUT",
                template: "/api/v1/income-lines/{year}",
                path: "/api/v1/income-lines/2026".into(),
                body: Some(json!({ "yuan_per_person": 4000 })),
                expect: [401, 204, 403, 403, 403, 403],
            },
            // The admin adds the plot; for everyone after, its code is taken (agronomist) or the
            // village is not theirs to manage (422 either way, nothing stored).
            Row {
                method: "POST",
                template: "/api/v1/plots",
                path: "/api/v1/plots".into(),
                body: Some(json!({ "village_id": tuanjie, "code": "AUTHZ-1", "area_mu": 2 })),
                expect: [401, 201, 422, 422, 422, 422],
            },
            Row {
                method: "PATCH",
                template: "/api/v1/plots/{id}",
                path: format!("/api/v1/plots/{mine}"),
                body: Some(json!({ "code": "1-010", "area_mu": 50, "owner": "demo-0-0-009" })),
                expect: [401, 200, 200, 404, 403, 404],
            },
            // Plantings are under way on the farmer's plot: those who may retire it meet 409.
            Row {
                method: "POST",
                template: "/api/v1/plots/{id}/retire",
                path: format!("/api/v1/plots/{mine}/retire"),
                body: None,
                expect: [401, 409, 409, 404, 403, 404],
            },
            Row {
                method: "GET",
                template: "/api/v1/plantings",
                path: "/api/v1/plantings".into(),
                body: None,
                expect: [401, 200, 200, 200, 200, 200],
            },
            Row {
                method: "GET",
                template: "/api/v1/progress",
                path: "/api/v1/progress".into(),
                body: None,
                expect: [401, 200, 200, 200, 200, 200],
            },
            Row {
                method: "POST",
                template: "/api/v1/import/{kind}",
                path: "/api/v1/import/plots".into(),
                body: None,
                expect: [401, 422, 422, 403, 403, 403],
            },
            Row {
                method: "POST",
                template: "/api/v1/auth/login",
                path: "/api/v1/auth/login".into(),
                // Six wrong tries at one number: the sixth waits, as it would for an account.
                body: Some(json!({ "phone": "13900000099", "password": "nope-nope" })),
                expect: [401, 401, 401, 401, 401, 429],
            },
            Row {
                method: "GET",
                template: "/api/v1/me",
                path: "/api/v1/me".into(),
                body: None,
                expect: [401, 200, 200, 200, 200, 200],
            },
            Row {
                method: "POST",
                template: "/api/v1/me/password",
                path: "/api/v1/me/password".into(),
                body: Some(json!({ "current": "wrong", "new": "irrelevant-1" })),
                expect: [401, 422, 422, 422, 422, 422],
            },
            Row {
                method: "POST",
                template: "/api/v1/accounts",
                path: "/api/v1/accounts".into(),
                body: Some(
                    json!({ "phone": "13700000001", "password": "long-enough", "role": "admin" }),
                ),
                expect: [401, 201, 403, 403, 403, 403],
            },
            Row {
                method: "POST",
                template: "/api/v1/accounts/{id}/password",
                path: format!("/api/v1/accounts/{}/password", spare.account_id),
                body: Some(json!({ "password": "reset-pass-1" })),
                expect: [401, 204, 403, 403, 403, 403],
            },
            Row {
                method: "POST",
                template: "/api/v1/tokens",
                path: "/api/v1/tokens".into(),
                body: Some(json!({ "account_id": spare.account_id })),
                expect: [401, 201, 403, 403, 403, 403],
            },
            Row {
                method: "DELETE",
                template: "/api/v1/tokens/{id}",
                path: format!("/api/v1/tokens/{token}"),
                body: None,
                expect: [401, 204, 403, 403, 403, 403],
            },
            Row {
                method: "GET",
                template: "/api/v1/audit",
                path: "/api/v1/audit".into(),
                body: None,
                expect: [401, 200, 403, 403, 403, 403],
            },
            Row {
                method: "GET",
                template: "/api/v1/plots",
                path: "/api/v1/plots".into(),
                body: None,
                expect: [401, 200, 200, 200, 200, 200],
            },
            Row {
                method: "GET",
                template: "/api/v1/plots/{id}",
                path: format!("/api/v1/plots/{mine}"),
                body: None,
                expect: [401, 200, 200, 404, 200, 404],
            },
            Row {
                method: "GET",
                template: "/api/v1/plots/{id}",
                path: format!("/api/v1/plots/{morel}"),
                body: None,
                expect: [401, 200, 404, 200, 404, 404],
            },
            Row {
                method: "POST",
                template: "/api/v1/plots/{id}/plantings",
                path: format!("/api/v1/plots/{mine}/plantings"),
                body: Some(planting.clone()),
                expect: [401, 201, 201, 404, 201, 404],
            },
            // The morel plots are full: the admin, and the cooperative that leases them, pass the
            // gate and meet the area rule (422).
            Row {
                method: "POST",
                template: "/api/v1/plots/{id}/plantings",
                path: format!("/api/v1/plots/{morel}/plantings"),
                body: Some(planting),
                expect: [401, 422, 404, 422, 404, 404],
            },
            // Exports hold only what the caller may see (a farmer: their own plot).
            Row {
                method: "GET",
                template: "/api/v1/export/{file}",
                path: "/api/v1/export/plots.csv".into(),
                body: None,
                expect: [401, 200, 200, 200, 200, 200],
            },
            Row {
                method: "GET",
                template: "/api/v1/market-calendar",
                path: "/api/v1/market-calendar".into(),
                body: None,
                expect: [401, 200, 200, 200, 404, 404],
            },
            Row {
                method: "PUT",
                template: "/api/v1/market-calendar/capacity",
                path: "/api/v1/market-calendar/capacity".into(),
                body: Some(json!({ "township_id": feihong, "crop": "celtuce",
                                   "kg_per_week": 500_000 })),
                expect: [401, 204, 204, 403, 403, 403],
            },
            // A status change that every caller allowed to plan meets the domain rule with (422).
            Row {
                method: "POST",
                template: "/api/v1/plantings/{id}/status",
                path: format!("/api/v1/plantings/{mine_planting}/status"),
                body: Some(json!({ "status": "bogus", "on": "2026-12-01" })),
                expect: [401, 422, 422, 404, 422, 404],
            },
            // Targets: the township's plan. Farmers see none; the 回澜镇 cooperative sees only its
            // own township's; only the admin and 飞虹乡's agronomist may add or delete here.
            Row {
                method: "POST",
                template: "/api/v1/targets",
                path: "/api/v1/targets".into(),
                body: Some(json!({ "place": format!("t:{feihong}"), "crops": "celtuce",
                                   "area_mu": 10, "starts_on": "2026-11-20",
                                   "deadline": "2026-12-10" })),
                expect: [401, 201, 201, 403, 403, 403],
            },
            Row {
                method: "GET",
                template: "/api/v1/targets",
                path: "/api/v1/targets".into(),
                body: None,
                expect: [401, 200, 200, 200, 200, 200],
            },
            Row {
                method: "GET",
                template: "/api/v1/targets/{id}",
                path: format!("/api/v1/targets/{goal}"),
                body: None,
                expect: [401, 200, 200, 404, 404, 404],
            },
            Row {
                method: "DELETE",
                template: "/api/v1/targets/{id}",
                path: format!("/api/v1/targets/{goal}"),
                body: None,
                // The admin deletes it; for everyone after, it is gone.
                expect: [401, 204, 404, 404, 404, 404],
            },
            // The calendar, forecasts and schedules read no one's records: open to all.
            Row {
                method: "GET",
                template: "/api/v1/calendar/spring-festival/{year}",
                path: "/api/v1/calendar/spring-festival/2027".into(),
                body: None,
                expect: [200; 6],
            },
            Row {
                method: "GET",
                template: "/api/v1/calendar/solar-terms/{year}",
                path: "/api/v1/calendar/solar-terms/2027".into(),
                body: None,
                expect: [200; 6],
            },
            Row {
                method: "POST",
                template: "/api/v1/forecast",
                path: "/api/v1/forecast".into(),
                body: Some(
                    json!({ "crop": "celtuce", "site": "maoxian", "protection": "open",
                                   "planted_on": "2026-12-05", "area_mu": 10 }),
                ),
                expect: [200; 6],
            },
            Row {
                method: "POST",
                template: "/api/v1/schedule/backward",
                path: "/api/v1/schedule/backward".into(),
                body: Some(json!({ "crop": "celtuce", "site": "maoxian",
                                   "market": { "spring_festival": 2027, "days_before": 7 } })),
                expect: [200; 6],
            },
            Row {
                method: "POST",
                template: "/api/v1/schedule/rate",
                path: "/api/v1/schedule/rate".into(),
                body: Some(
                    json!({ "target_mu": 800, "planted_mu": 500, "deadline": "2026-12-10" }),
                ),
                expect: [200; 6],
            },
            Row {
                method: "GET",
                template: "/api/v1/sites",
                path: "/api/v1/sites".into(),
                body: None,
                expect: [200; 6],
            },
            // Weather is county data: admins and agronomists import it (a text body is CSV).
            Row {
                method: "POST",
                template: "/api/v1/sites/{code}/weather",
                path: "/api/v1/sites/maoxian/weather".into(),
                body: Some(Value::String("date,tmin,tmax\n2020-01-01,-3,6\n".into())),
                expect: [401, 200, 200, 403, 403, 403],
            },
            Row {
                method: "GET",
                template: "/api/v1/openapi.json",
                path: "/api/v1/openapi.json".into(),
                body: None,
                expect: [200; 6],
            },
            // Onboarding. Accounts are the admin's alone.
            Row {
                method: "GET",
                template: "/api/v1/accounts",
                path: "/api/v1/accounts?q=139".into(),
                body: None,
                expect: [401, 200, 403, 403, 403, 403],
            },
            Row {
                method: "GET",
                template: "/api/v1/accounts/{id}",
                path: format!("/api/v1/accounts/{spare_id}"),
                body: None,
                expect: [401, 200, 403, 403, 403, 403],
            },
            Row {
                method: "POST",
                template: "/api/v1/accounts/{id}/disable",
                path: format!("/api/v1/accounts/{spare_id}/disable"),
                body: Some(json!({})),
                expect: [401, 204, 403, 403, 403, 403],
            },
            Row {
                method: "POST",
                template: "/api/v1/accounts/{id}/enable",
                path: format!("/api/v1/accounts/{spare_id}/enable"),
                body: Some(json!({})),
                expect: [401, 204, 403, 403, 403, 403],
            },
            Row {
                method: "POST",
                template: "/api/v1/accounts/{id}/one-time-password",
                path: format!("/api/v1/accounts/{spare_id}/one-time-password"),
                body: Some(json!({})),
                expect: [401, 201, 403, 403, 403, 403],
            },
            // Households: the county for admins, the township for its agronomists, the
            // alliance's (read only) for cooperatives, none for farmers.
            Row {
                method: "GET",
                template: "/api/v1/households",
                path: "/api/v1/households".into(),
                body: None,
                expect: [401, 200, 200, 200, 403, 403],
            },
            Row {
                method: "POST",
                template: "/api/v1/households",
                path: "/api/v1/households".into(),
                body: Some(json!({ "village_id": tuanjie, "code": "AZ-NEW", "head_name": "新户" })),
                // The admin adds it; the agronomist's same code is then taken.
                expect: [401, 201, 409, 403, 403, 403],
            },
            Row {
                method: "GET",
                template: "/api/v1/households/{id}",
                path: format!("/api/v1/households/{fh}"),
                body: None,
                expect: [401, 200, 200, 404, 404, 404],
            },
            Row {
                method: "PATCH",
                template: "/api/v1/households/{id}",
                path: format!("/api/v1/households/{fh}"),
                body: Some(
                    json!({ "code": "demo-0-0-012", "head_name": "改名", "phone": "18899990012" }),
                ),
                expect: [401, 204, 204, 404, 404, 404],
            },
            // 欣源 sees its alliance household but may not change it; 飞虹乡 does not see it.
            Row {
                method: "PATCH",
                template: "/api/v1/households/{id}",
                path: format!("/api/v1/households/{hl}"),
                body: Some(json!({ "code": hl_code, "head_name": "改名" })),
                expect: [401, 204, 404, 403, 404, 404],
            },
            Row {
                method: "POST",
                template: "/api/v1/households/{id}/persons",
                path: format!("/api/v1/households/{fh}/persons"),
                body: Some(json!({ "name": "新人" })),
                expect: [401, 201, 201, 404, 404, 404],
            },
            Row {
                method: "PATCH",
                template: "/api/v1/households/{id}/persons/{person_id}",
                path: format!("/api/v1/households/{fh}/persons/{fh_person}"),
                body: Some(json!({ "name": "改名", "able_to_work": true })),
                expect: [401, 204, 204, 404, 404, 404],
            },
            Row {
                method: "POST",
                template: "/api/v1/households/{id}/account",
                path: format!("/api/v1/households/{fh}/account"),
                body: Some(json!({})),
                // The admin gives it; the household has one when the agronomist asks.
                expect: [401, 201, 409, 404, 404, 404],
            },
            // Last: signing out ends each client's session.
            Row {
                method: "POST",
                template: "/api/v1/auth/logout",
                path: "/api/v1/auth/logout".into(),
                body: Some(json!({})),
                expect: [401, 204, 204, 204, 204, 204],
            },
        ];

        // The table covers exactly the server's routes.
        let routes: BTreeSet<(String, String)> = server::routes::api::routes()
            .iter()
            .map(|r| (r.method.to_owned(), r.path.to_owned()))
            .collect();
        let covered: BTreeSet<(String, String)> = rows
            .iter()
            .map(|r| (r.method.to_owned(), r.template.to_owned()))
            .collect();
        assert_eq!(covered, routes, "every API route needs a row in this table");

        let clients = [
            app.client.clone(),
            app.signed_in(ADMIN).await,
            app.signed_in(AGRONOMIST).await,
            app.signed_in(COOPERATIVE).await,
            app.signed_in(FARMER).await,
            app.signed_in(other).await,
        ];
        let mut failures = Vec::new();
        for row in &rows {
            for (who, client) in CALLERS.iter().zip(&clients) {
                let mut req =
                    client.request(row.method.parse().expect("method"), app.url(&row.path));
                match &row.body {
                    Some(Value::String(csv)) => {
                        req = req.header("content-type", "text/csv").body(csv.clone());
                    }
                    Some(body) => req = req.json(body),
                    None => {}
                }
                let got = req.send().await.expect("request").status().as_u16();
                let want = row.expect[CALLERS.iter().position(|c| c == who).expect("caller")];
                if got != want {
                    failures.push(format!(
                        "{} {} as {who}: got {got}, want {want}",
                        row.method, row.path
                    ));
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{:?}:\n{}",
            app.engine,
            failures.join("\n")
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn a_farmer_sees_only_their_own_household_on_pages_and_in_the_api() {
    for engine in engines() {
        let app = spawn_app_with(engine, |_| {}).await;
        let farmer = app.signed_in(FARMER).await;
        let listed: Value = farmer
            .get(app.url("/api/v1/plots"))
            .send()
            .await
            .expect("plots")
            .json()
            .await
            .expect("json");
        let codes: Vec<&str> = listed["plots"]
            .as_array()
            .expect("plots")
            .iter()
            .filter_map(|p| p["code"].as_str())
            .collect();
        assert_eq!(codes, ["1-010"]);
        let (status, html) = app.get_text_as(&farmer, "/plots").await;
        assert_eq!(status, 200);
        assert!(
            html.contains("地块 1-010") && !html.contains("地块 1-011"),
            "farmer page lists other plots: {html}"
        );
        let other = app.plot_id("团结村", "1-011").await;
        assert_eq!(
            app.get_text_as(&farmer, &format!("/plots/{other}")).await.0,
            404
        );
        app.finish().await;
    }
}

/// Land leased to a cooperative (欣源 leases 石羊村 1-001 in full): what it planted there is its
/// own to change, not the owner household's, and the plot page offers each only that.
#[tokio::test]
async fn leased_land_is_worked_by_the_cooperative_that_leases_it() {
    for engine in engines() {
        let app = spawn_app_with(engine, |s| s.login_attempts_per_minute = 1000).await;
        let morel = app.plot_id("石羊村", "1-001").await;
        let xinyuan = app.xinyuan().await;
        let owner = households::id_by_code(&app.db, "demo-1-0-000")
            .await
            .expect("db")
            .expect("the plot's household");
        server::accounts::create_account(
            &app.db,
            "13900000007",
            "landlord-2026",
            "farmer",
            Some(owner),
        )
        .await
        .expect("owner's account");
        let landlord = app.signed_in(("13900000007", "landlord-2026")).await;
        let coop = app.signed_in(COOPERATIVE).await;
        let planting = tianlian_storage::plantings::list_for_plot(&app.db, morel)
            .await
            .expect("plantings")
            .into_iter()
            .find(|p| p.cooperative_id == Some(xinyuan))
            .expect("欣源's morels");
        let status_of = || async {
            tianlian_storage::plantings::get(&app.db, planting.id)
                .await
                .expect("db")
                .expect("planting")
                .status
        };
        let before = status_of().await;

        // The page: the owner sees the plot and the cooperative's planting, with nothing to press.
        let (code, html) = app.get_text_as(&landlord, &format!("/plots/{morel}")).await;
        assert_eq!(code, 200);
        assert!(
            !html.contains("class=\"status-form\""),
            "the owner is offered a change"
        );
        let (code, html) = app.get_text_as(&coop, &format!("/plots/{morel}")).await;
        assert_eq!(code, 200);
        assert!(
            html.contains("class=\"status-form\""),
            "the cooperative is offered none"
        );

        // The server function and the API refuse the owner and store nothing.
        let id = planting.id.to_string();
        let fields = [
            ("planting_id", id.as_str()),
            ("status", "failed"),
            ("on", "2027-03-01"),
            ("reason", "冻害"),
        ];
        app.post_form_as(&landlord, "/fn/change_status", &fields)
            .await;
        assert_eq!(
            status_of().await,
            before,
            "the form changed the cooperative's planting"
        );
        let body = json!({ "status": "failed", "on": "2027-03-01", "reason": "冻害" });
        let path = format!("/api/v1/plantings/{}/status", planting.id);
        let refused = landlord
            .post(app.url(&path))
            .json(&body)
            .send()
            .await
            .expect("request");
        assert_eq!(refused.status().as_u16(), 403);
        assert_eq!(status_of().await, before);

        // The cooperative changes its own planting.
        let done = coop
            .post(app.url(&path))
            .json(&body)
            .send()
            .await
            .expect("request");
        assert_eq!(done.status().as_u16(), 200);
        assert_eq!(status_of().await.code(), "failed");
        app.finish().await;
    }
}

/// What a form post came to, as a table can say it: `login` (sent to sign in), `ok`, `error=…`
/// (a redirect back with the outcome), `slip` (the slip sheet), `null` or `data` (a server
/// function's answer), `missing`/`forbidden` (the import page's refusals), or the status.
async fn form_outcome(res: reqwest::Response) -> String {
    let status = res.status().as_u16();
    if (300..400).contains(&status) {
        let to = res.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned();
        if to.starts_with("/login") {
            return "login".into();
        }
        if let Some(e) = to.split("error=").nth(1) {
            return format!("error={}", e.split('&').next().unwrap_or(""));
        }
        if to.contains("ok=") {
            return "ok".into();
        }
        for refusal in ["missing", "forbidden"] {
            if to.contains(&format!("{refusal}=1")) {
                return refusal.into();
            }
        }
        return if to.starts_with("/import?run=") {
            "checked".into()
        } else {
            to
        };
    }
    let body = res.text().await.unwrap_or_default();
    match status {
        200 if body.contains("class=\"slip\"") => "slip".into(),
        200 if body.trim() == "null" => "null".into(),
        200 => "data".into(),
        other => other.to_string(),
    }
}

/// The onboarding forms and server functions (#18), called as each role, against a table; rows
/// run in order, each caller after the one before.
#[tokio::test]
async fn every_onboarding_form_allows_and_denies_exactly_as_the_table_says() {
    for engine in engines() {
        let app = spawn_app_with(engine, |s| s.login_attempts_per_minute = 1000).await;
        let other = other_farmer(&app).await;
        let spare_household = households::id_by_code(&app.db, "demo-0-0-011")
            .await
            .expect("db")
            .expect("household");
        let spare = server::accounts::create_account(
            &app.db,
            "13900000008",
            "spare-farm-2026",
            "farmer",
            Some(spare_household),
        )
        .await
        .expect("spare");
        let fh = households::id_by_code(&app.db, "demo-0-0-012")
            .await
            .expect("db")
            .expect("household");
        let tuanjie = app.village_id("团结村").await;
        // The agronomist's checked household run, for the confirmation row.
        let agro = app.signed_in(AGRONOMIST).await;
        let (status, checked) = crate::helpers::send(
            agro.post(app.url("/api/v1/import/households?dry_run=true"))
                .header("content-type", "text/csv")
                .body(
                    "村,户编号,户主,姓名,手机号,开通账号\n和平村,FN-RUN-1,甲,甲,18877770001,是\n",
                ),
        )
        .await;
        assert_eq!(status, 200, "{checked}");
        let run = checked["run"].as_i64().expect("run");

        let clients = [
            app.client.clone(),
            app.signed_in(ADMIN).await,
            agro,
            app.signed_in(COOPERATIVE).await,
            app.signed_in(FARMER).await,
            app.signed_in(other).await,
        ];
        let (spare_s, fh_s, tuanjie_s) = (spare.to_string(), fh.to_string(), tuanjie.to_string());
        type Fields<'a> = Vec<(&'a str, &'a str)>;
        let rows: Vec<(&str, Fields<'_>, [&str; 6])> = vec![
            // Reads: the data, or nothing for who may not see it.
            (
                "/fn/accounts_page",
                vec![("q", ""), ("role", ""), ("status", ""), ("page", "1")],
                ["401", "data", "null", "null", "null", "null"],
            ),
            (
                "/fn/account_page",
                vec![("id", &spare_s)],
                ["401", "data", "null", "null", "null", "null"],
            ),
            (
                "/fn/households_page",
                vec![("q", ""), ("poor", ""), ("page", "1")],
                ["401", "data", "data", "data", "null", "null"],
            ),
            (
                "/fn/household_page",
                vec![("id", &fh_s)],
                ["401", "data", "data", "null", "null", "null"],
            ),
            // Writes.
            (
                "/fn/set_account_disabled",
                vec![("account_id", &spare_s), ("disabled", "0")],
                [
                    "401",
                    "ok",
                    "error=forbidden",
                    "error=forbidden",
                    "error=forbidden",
                    "error=forbidden",
                ],
            ),
            (
                "/fn/add_household",
                vec![
                    ("village_id", &tuanjie_s),
                    ("code", "FN-NEW"),
                    ("head_name", "新户"),
                ],
                [
                    "401",
                    "ok",
                    "error=code_taken",
                    "error=forbidden",
                    "error=forbidden",
                    "error=forbidden",
                ],
            ),
            (
                "/fn/edit_household",
                vec![
                    ("household_id", &fh_s),
                    ("code", "demo-0-0-012"),
                    ("head_name", "改名"),
                    ("phone", "18899990012"),
                ],
                [
                    "401",
                    "ok",
                    "ok",
                    "error=not_found",
                    "error=not_found",
                    "error=not_found",
                ],
            ),
            (
                "/fn/save_person",
                vec![("household_id", &fh_s), ("name", "新人")],
                [
                    "401",
                    "ok",
                    "ok",
                    "error=not_found",
                    "error=not_found",
                    "error=not_found",
                ],
            ),
            // The forms whose answer is a slip sheet.
            (
                "/accounts/new",
                vec![
                    ("phone", "18866660001"),
                    ("role", "farmer"),
                    ("household_code", "demo-0-0-013"),
                ],
                [
                    "login",
                    "slip",
                    "error=forbidden",
                    "error=forbidden",
                    "error=forbidden",
                    "error=forbidden",
                ],
            ),
            (
                "/accounts/{spare}/slip",
                vec![],
                [
                    "login",
                    "slip",
                    "error=forbidden",
                    "error=forbidden",
                    "error=forbidden",
                    "error=forbidden",
                ],
            ),
            (
                "/households/{fh}/slip",
                vec![],
                [
                    "login",
                    "slip",
                    "error=has_account",
                    "error=not_found",
                    "error=not_found",
                    "error=not_found",
                ],
            ),
            (
                "/import/{run}/slips",
                vec![],
                ["login", "missing", "slip", "missing", "missing", "missing"],
            ),
        ];
        let mut failures = Vec::new();
        for (path, fields, expect) in &rows {
            let path = path
                .replace("{spare}", &spare_s)
                .replace("{fh}", &fh_s)
                .replace("{run}", &run.to_string());
            for (i, client) in clients.iter().enumerate() {
                let mut req = client.post(app.url(&path)).form(fields);
                // Server functions that read answer data; forms answer a page.
                if !path.ends_with("_page") {
                    req = req.header("accept", "text/html");
                }
                let got = form_outcome(req.send().await.expect("request")).await;
                if got != expect[i] {
                    failures.push(format!(
                        "POST {path} as {}: got {got}, want {}",
                        CALLERS[i], expect[i]
                    ));
                }
            }
        }
        // The upload: checked for admins and agronomists, refused for the rest.
        let (content_type, body) = crate::onboard::multipart(
            "households",
            "r.csv",
            "村,户编号,户主,姓名\n和平村,FN-UP,乙,乙\n".as_bytes(),
        );
        let want = [
            "login",
            "checked",
            "checked",
            "forbidden",
            "forbidden",
            "forbidden",
        ];
        for (i, client) in clients.iter().enumerate() {
            let req = client
                .post(app.url("/import/upload"))
                .header("content-type", &content_type)
                .header("accept", "text/html")
                .body(body.clone());
            let got = form_outcome(req.send().await.expect("request")).await;
            if got != want[i] {
                failures.push(format!(
                    "POST /import/upload as {}: got {got}, want {}",
                    CALLERS[i], want[i]
                ));
            }
        }
        assert!(
            failures.is_empty(),
            "{:?}:\n{}",
            app.engine,
            failures.join("\n")
        );
        app.finish().await;
    }
}
