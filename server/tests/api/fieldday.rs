//! The 300-worker field day (issue 15) over HTTP, on both engines: fill a shift from the
//! suggestions in one action (poor households first, never over the headcount, even with two
//! managers at once), book ticked people all or none, take someone off, the roll call recorded
//! atomically under an idempotency key (a resend records nothing twice; every bad line named),
//! the day sheet as JSON, CSV and XLSX, and settling the whole day once. The page forms
//! (`/fn/…`, as a phone without JavaScript posts them) reach the same use cases.

use crate::helpers::{ADMIN, COOPERATIVE, TestApp, post_shift, send, spawn_app};
use chrono::NaiveDate;
use serde_json::{Value, json};
use std::collections::HashSet;
use tianlian_storage::testing::engines;
use tianlian_storage::work;

fn day(text: &str) -> NaiveDate {
    text.parse().expect("date")
}

/// Everyone booked on the shifts of `date`, with how often each person appears.
async fn booked_on(app: &TestApp, shifts: &[i64]) -> Vec<i64> {
    let mut all = vec![];
    for s in shifts {
        all.extend(
            work::assigned(&app.db, *s)
                .await
                .expect("db")
                .into_iter()
                .map(|a| a.person_id),
        );
    }
    all
}

#[tokio::test]
async fn filling_books_up_to_the_headcount_poor_first_and_two_managers_at_once_never_over_fill() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let coop = app.signed_in(COOPERATIVE).await;
        let admin = app.signed_in(ADMIN).await;
        let date = "2027-01-20";
        // Who is free that day, and who of them is poor: the fill takes the poor first.
        let huilan = app.township_id("回澜镇").await;
        let people = work::candidates(&app.db, huilan, app.xinyuan().await, day(date), day(date))
            .await
            .expect("db");
        let free: Vec<_> = people
            .iter()
            .filter(|c| c.able_to_work && !c.booked_that_day)
            .collect();
        let poor: HashSet<i64> = free.iter().filter(|c| c.is_poor).map(|c| c.id).collect();
        // More places than poor people, fewer than free people: the fill must choose.
        let places = i64::try_from(poor.len()).expect("count") + 10;
        assert!(
            free.len() > poor.len() + 20,
            "the demo township has enough people: {} free, {} poor",
            free.len(),
            poor.len()
        );

        // Two managers press "fill" on the same shift at once.
        let shift = post_shift(&app, &coop, date, places).await;
        let url = app.url(&format!("/api/v1/shifts/{shift}/fill"));
        let (a, b) = tokio::join!(send(coop.post(&url)), send(admin.post(&url)));
        let statuses = [a.0, b.0];
        assert!(statuses.contains(&201), "one of them fills it: {a:?} {b:?}");
        let filled: i64 = [&a, &b]
            .iter()
            .filter(|r| r.0 == 201)
            .map(|r| r.1["booked"].as_i64().expect("booked"))
            .sum();
        assert_eq!(
            filled, places,
            "together they book exactly the headcount: {a:?} {b:?}"
        );
        for r in [&a, &b].iter().filter(|r| r.0 != 201) {
            assert_eq!(
                (r.0, r.1["error"]["code"].as_str()),
                (409, Some("shift_full"))
            );
        }
        let on = booked_on(&app, &[shift]).await;
        assert_eq!(on.len() as i64, places);
        assert_eq!(
            on.iter().collect::<HashSet<_>>().len() as i64,
            places,
            "nobody twice"
        );
        assert!(
            poor.iter().all(|p| on.contains(p)),
            "every free poor household member is booked before anyone else"
        );

        // Two shifts on one day filled at once: nobody is on both.
        let date = "2027-01-21";
        let morning = post_shift(&app, &coop, date, 25).await;
        let evening = post_shift(&app, &coop, date, 25).await;
        let (a, b) = tokio::join!(
            send(coop.post(app.url(&format!("/api/v1/shifts/{morning}/fill")))),
            send(admin.post(app.url(&format!("/api/v1/shifts/{evening}/fill")))),
        );
        assert_eq!((a.0, b.0), (201, 201), "{a:?} {b:?}");
        let on = booked_on(&app, &[morning, evening]).await;
        assert_eq!(on.len(), 50, "both full");
        assert_eq!(
            on.iter().collect::<HashSet<_>>().len(),
            50,
            "no one is booked twice on a day"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn ticked_people_are_booked_all_or_none_and_someone_without_hours_can_be_taken_off() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let coop = app.signed_in(COOPERATIVE).await;
        let date = "2027-01-22";
        let first = post_shift(&app, &coop, date, 3).await;
        let second = post_shift(&app, &coop, date, 3).await;
        let huilan = app.township_id("回澜镇").await;
        let free: Vec<i64> =
            work::candidates(&app.db, huilan, app.xinyuan().await, day(date), day(date))
                .await
                .expect("db")
                .into_iter()
                .filter(|c| c.able_to_work && !c.booked_that_day)
                .map(|c| c.id)
                .take(5)
                .collect();
        let book = |shift: i64, people: Vec<i64>| {
            coop.post(app.url(&format!("/api/v1/shifts/{shift}/bookings")))
                .json(&json!({ "person_ids": people }))
        };
        let (status, body) = send(book(first, vec![free[0], free[1]])).await;
        assert_eq!((status, body["booked"].as_i64()), (201, Some(2)), "{body}");

        // free[1] is on the first shift that day: the second booking names them, books nobody.
        let (status, body) = send(book(second, vec![free[2], free[1], free[3]])).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(body["error"]["code"], "double_booked");
        assert!(
            body["error"]["message"]
                .as_str()
                .expect("message")
                .contains("未安排任何人")
        );
        assert!(booked_on(&app, &[second]).await.is_empty(), "all or none");

        // More ticked than places: nobody.
        let (status, body) = send(book(first, vec![free[2], free[3]])).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (409, Some("shift_full")),
            "{body}"
        );
        assert_eq!(booked_on(&app, &[first]).await.len(), 2);

        // Take free[1] off (no hours yet); then free[0] has hours and stays.
        let (status, _) =
            send(coop.delete(app.url(&format!("/api/v1/shifts/{first}/assignments/{}", free[1]))))
                .await;
        assert_eq!(status, 204);
        let (status, body) = send(
            coop.post(app.url(&format!("/api/v1/shifts/{first}/hours")))
                .json(&json!({ "person_id": free[0], "hours": 8 })),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let (status, body) =
            send(coop.delete(app.url(&format!("/api/v1/shifts/{first}/assignments/{}", free[0]))))
                .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (409, Some("has_hours"))
        );
        assert_eq!(booked_on(&app, &[first]).await, vec![free[0]]);

        // The page's form: ticked boxes arrive as people[i] with gaps where a box was not ticked.
        let res = app
            .post_form_as(
                &coop,
                "/fn/book_ticked",
                &[
                    ("shift_id", &second.to_string()),
                    ("people[0]", &free[2].to_string()),
                    ("people[3]", &free[4].to_string()),
                ],
            )
            .await;
        let to = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(to.contains("ok=assigned"), "{} → {to}", res.status());
        let mut on = booked_on(&app, &[second]).await;
        on.sort_unstable();
        assert_eq!(on, vec![free[2], free[4]]);
        app.finish().await;
    }
}

/// A shift of `n` people booked from the suggestions, and their ids in roll-call order.
async fn staffed(app: &TestApp, client: &reqwest::Client, date: &str, n: i64) -> (i64, Vec<i64>) {
    let shift = post_shift(app, client, date, n).await;
    let (status, body) = send(client.post(app.url(&format!("/api/v1/shifts/{shift}/fill")))).await;
    assert_eq!((status, body["booked"].as_i64()), (201, Some(n)), "{body}");
    let (status, roll) =
        send(client.get(app.url(&format!("/api/v1/shifts/{shift}/roll-call")))).await;
    assert_eq!(status, 200, "{roll}");
    let people = roll["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["person_id"].as_i64().expect("person"))
        .collect();
    (shift, people)
}

async fn ledger(app: &TestApp) -> (i64, i64, i64) {
    work::ledger_check(&app.db).await.expect("ledger")
}

#[tokio::test]
async fn a_roll_call_records_everyone_at_once_once_and_names_every_bad_line() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let coop = app.signed_in(COOPERATIVE).await;
        let (shift, people) = staffed(&app, &coop, "2027-01-23", 6).await;
        let url = app.url(&format!("/api/v1/shifts/{shift}/roll-call"));
        let before = ledger(&app).await;

        // Two bad lines: both are named, and nothing is recorded.
        let bad = json!({ "key": "roll-bad", "lines": [
            { "person_id": people[0] },
            { "person_id": people[1], "hours": "abc" },
            { "person_id": people[2], "hours": 25 },
        ]});
        let (status, body) = send(coop.post(&url).json(&bad)).await;
        assert_eq!(status, 422, "{body}");
        let message = body["error"]["message"].as_str().expect("message");
        assert!(
            message.contains("第 2 行") && message.contains("第 3 行"),
            "every bad line is named: {message}"
        );
        assert_eq!(ledger(&app).await, before, "all or none");
        // The key holds up to 64 characters of any script (64 CJK characters are 192 bytes).
        let mut long = bad.clone();
        long["key"] = json!("点".repeat(65));
        let (status, body) = send(coop.post(&url).json(&long)).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some("key_missing"))
        );
        long["key"] = json!("点".repeat(64));
        let (status, body) = send(coop.post(&url).json(&long)).await;
        assert_eq!(status, 422);
        assert_ne!(
            body["error"]["code"], "key_missing",
            "the key is taken: {body}"
        );

        // One absent, one worked 10 h, the rest the planned 8 h; sent twice at once under one key.
        let lines: Vec<Value> = people
            .iter()
            .enumerate()
            .map(|(i, p)| match i {
                0 => json!({ "person_id": p, "absent": true }),
                1 => json!({ "person_id": p, "hours": 10 }),
                _ => json!({ "person_id": p }),
            })
            .collect();
        let good = json!({ "key": "roll-1", "lines": lines });
        let (a, b) = tokio::join!(
            send(coop.post(&url).json(&good)),
            send(coop.post(&url).json(&good))
        );
        let mut got = [a.0, b.0];
        got.sort_unstable();
        assert_eq!(
            got,
            [200, 201],
            "recorded once, the other seen as a resend: {a:?} {b:?}"
        );
        let done = if a.0 == 201 { &a.1 } else { &b.1 };
        assert_eq!(
            (done["present"].as_i64(), done["absent"].as_i64()),
            (Some(5), Some(1))
        );
        // 4 × 80 + (80 + 2 × 15) = 430 yuan.
        let (_, page) = send(coop.get(app.url(&format!("/api/v1/shifts/{shift}")))).await;
        assert_eq!(page["total"], 43_000, "{page}");
        let after = ledger(&app).await;
        assert_eq!(after.0 - before.0, 43_000);

        // The same key later (a resend after the signal came back): nothing again.
        let (status, body) = send(coop.post(&url).json(&good)).await;
        assert_eq!((status, body["repeated"].as_bool()), (200, Some(true)));
        assert_eq!(ledger(&app).await, after);

        // A new roll call correcting one line: only that line changes, by reversal.
        let mut lines2: Vec<Value> = people.iter().map(|p| json!({ "person_id": p })).collect();
        lines2[0] = json!({ "person_id": people[0], "absent": true });
        lines2[1] = json!({ "person_id": people[1], "hours": 9 });
        let (status, body) = send(
            coop.post(&url)
                .json(&json!({ "key": "roll-2", "lines": lines2 })),
        )
        .await;
        assert_eq!(
            (status, body["changed"].as_i64()),
            (201, Some(2)),
            "a reversal and an entry: {body}"
        );
        let (_, page) = send(coop.get(app.url(&format!("/api/v1/shifts/{shift}")))).await;
        assert_eq!(page["total"], 41_500, "110 → 95 yuan: {page}");
        assert_eq!(
            ledger(&app).await.2,
            0,
            "every reversal negates its entry exactly"
        );

        // The page's form, as a phone without JavaScript posts it.
        let (shift2, people2) = staffed(&app, &coop, "2027-01-24", 3).await;
        let roll: Value = coop
            .get(app.url(&format!("/api/v1/shifts/{shift2}/roll-call")))
            .send()
            .await
            .expect("roll")
            .json()
            .await
            .expect("json");
        let key = roll["key"].as_str().expect("key").to_owned();
        let mut fields: Vec<(String, String)> =
            vec![("shift_id".into(), shift2.to_string()), ("key".into(), key)];
        for (i, p) in people2.iter().enumerate() {
            fields.push((format!("lines[{i}][person]"), p.to_string()));
            fields.push((
                format!("lines[{i}][hours]"),
                if i == 2 { "10".into() } else { "8".into() },
            ));
        }
        fields.push(("lines[1][absent]".into(), "1".into()));
        let refs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        for attempt in ["rollcall", "rollcall_repeated"] {
            let res = app.post_form_as(&coop, "/fn/submit_roll_call", &refs).await;
            let to = res
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            assert!(
                to.contains(&format!("ok={attempt}&")),
                "{} → {to}",
                res.status()
            );
        }
        let (_, page) = send(coop.get(app.url(&format!("/api/v1/shifts/{shift2}")))).await;
        assert_eq!(page["total"], 8_000 + 11_000, "8 h + absent + 10 h: {page}");
        app.finish().await;
    }
}

#[tokio::test]
async fn the_day_sheet_lists_every_worker_and_settling_the_day_pays_each_once() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let coop = app.signed_in(COOPERATIVE).await;
        let date = "2027-01-25";
        let (morning, m) = staffed(&app, &coop, date, 4).await;
        let (evening, e) = staffed(&app, &coop, date, 3).await;
        for (shift, people, key) in [(morning, &m, "day-m"), (evening, &e, "day-e")] {
            let lines: Vec<Value> = people
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    if i == 0 {
                        json!({ "person_id": p, "hours": 10 })
                    } else {
                        json!({ "person_id": p })
                    }
                })
                .collect();
            let (status, body) = send(
                coop.post(app.url(&format!("/api/v1/shifts/{shift}/roll-call")))
                    .json(&json!({ "key": key, "lines": lines })),
            )
            .await;
            assert_eq!(status, 201, "{body}");
        }
        let xinyuan = app.xinyuan().await;
        let base = format!("/api/v1/cooperatives/{xinyuan}/days/{date}");
        let (status, sheet) = send(coop.get(app.url(&base))).await;
        assert_eq!(status, 200, "{sheet}");
        assert_eq!(sheet["workers"], 7);
        assert_eq!(sheet["overtime_hours"], "4", "two people worked 2 h over");
        // 5 × 80 + 2 × 110 = 620 yuan.
        assert_eq!(
            (sheet["total"].as_i64(), sheet["unpaid"].as_i64()),
            (Some(62_000), Some(62_000))
        );

        let csv = coop
            .get(app.url(&format!("{base}/sheet.csv")))
            .send()
            .await
            .expect("csv");
        assert_eq!(csv.status().as_u16(), 200);
        let text = csv.text().await.expect("text");
        assert!(text.contains("签名") && text.contains("加班工时"), "{text}");
        assert_eq!(text.lines().count(), 8, "a header and one line per worker");
        let xlsx = coop
            .get(app.url(&format!("{base}/sheet.xlsx")))
            .send()
            .await
            .expect("xlsx");
        assert_eq!(xlsx.status().as_u16(), 200);
        assert!(
            xlsx.bytes().await.expect("bytes").starts_with(b"PK"),
            "a zip"
        );

        // Two phones settle the day at once: each worker is paid once.
        let settle = app.url(&format!("{base}/settle"));
        let (a, b) = tokio::join!(send(coop.post(&settle)), send(coop.post(&settle)));
        let paid = a.1["paid_fen"].as_i64().unwrap_or(-1) + b.1["paid_fen"].as_i64().unwrap_or(-1);
        assert_eq!((a.0, b.0, paid), (200, 200, 62_000), "{a:?} {b:?}");
        let (_, sheet) = send(coop.get(app.url(&base))).await;
        assert_eq!(sheet["unpaid"], 0);
        let (entries, payments, _) = ledger(&app).await;
        assert!(payments <= entries);

        // The printable page and its settle form are there for the manager.
        let (status, html) = app
            .get_text_as(&coop, &format!("/coop/{xinyuan}/days/{date}?print=1"))
            .await;
        assert_eq!(status, 200);
        assert!(html.contains("日结单") && html.contains("签名"));
        assert_eq!(
            html.matches("<tr>").count(),
            1 + 7,
            "every worker on the printable sheet"
        );

        // A bad date is a clear 422, not a 500.
        let (status, body) =
            send(coop.get(app.url(&format!("/api/v1/cooperatives/{xinyuan}/days/2027-13-01"))))
                .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some("bad_date"))
        );
        app.finish().await;
    }
}
