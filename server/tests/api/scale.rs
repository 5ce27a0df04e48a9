//! Scale-out (#8): two `tianlian` instances on one PostgreSQL, with requests alternating between
//! them as a load balancer would send them. A session opened on one works on the other, and
//! concurrent writes through both keep the plot-area, shift and ledger rules.

use crate::helpers::{AGRONOMIST, COOPERATIVE, TestApp, spawn_app, start_on};
use futures::future::join_all;
use serde_json::{Value, json};
use tianlian_storage::testing::{Engine, engines};
use tianlian_storage::{check, cooperatives, work};

async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn statuses(results: &[(u16, Value)]) -> Vec<u16> {
    let mut s: Vec<u16> = results.iter().map(|r| r.0).collect();
    s.sort_unstable();
    s
}

/// A client that keeps cookies and names no origin of its own: each request says which
/// instance it goes to, as a browser behind one load-balanced address would.
async fn signed_in(app: &TestApp, (phone, password): (&str, &str)) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let (status, _) = send(
        client
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({ "phone": phone, "password": password })),
    )
    .await;
    assert_eq!(status, 200, "sign-in as {phone}");
    client
}

/// The `n`th request goes to the first instance when `n` is even, else to the second.
fn pick<'a>(both: &'a [&'a TestApp; 2], n: usize) -> &'a TestApp {
    both[n % 2]
}

#[tokio::test]
async fn two_instances_on_one_postgres_share_sessions_and_keep_every_rule_under_concurrent_writes()
{
    let Some(engine) = engines()
        .into_iter()
        .find(|e| matches!(e, Engine::Postgres(_)))
    else {
        eprintln!("note: TEST_DATABASE_URL is unset: the two-instance test is SKIPPED");
        return;
    };
    let first = spawn_app(engine.clone()).await;
    let second = start_on(engine, &first.database_url, |_| {}).await;
    let both = [&first, &second];

    // A session opened on one instance works on the other (sessions live in the database).
    let coop = signed_in(&first, COOPERATIVE).await;
    let agro = signed_in(&second, AGRONOMIST).await;
    let (status, me) = send(coop.get(second.url("/api/v1/me"))).await;
    assert_eq!((status, me["role"].as_str()), (200, Some("cooperative")));
    let (status, me) = send(agro.get(first.url("/api/v1/me"))).await;
    assert_eq!((status, me["role"].as_str()), (200, Some("agronomist")));

    // Plot area: a new 3-mu plot, eight 1-mu plantings at once through both: exactly three fit.
    let village = first.village_id("团结村").await;
    let (status, plot) = send(agro.post(first.url("/api/v1/plots")).json(
        &json!({ "village_id": village, "code": "SCALE-1", "area_mu": 3, "irrigation": "furrow" }),
    ))
    .await;
    assert_eq!(status, 201, "{plot}");
    let plot = plot["id"].as_i64().expect("plot id");
    let plantings = join_all((0..8).map(|n| {
        send(
            agro.post(pick(&both, n).url(&format!("/api/v1/plots/{plot}/plantings")))
                .json(&json!({ "crop": "celtuce", "area_mu": 1, "planted_on": "2026-12-20" })),
        )
    }))
    .await;
    let got = statuses(&plantings);
    assert_eq!(
        got.iter().filter(|s| **s == 201).count(),
        3,
        "{plantings:?}"
    );
    assert!(got.iter().all(|s| *s == 201 || *s == 422), "{plantings:?}");
    let (_, page) = send(agro.get(second.url(&format!("/api/v1/plots/{plot}")))).await;
    assert_eq!(
        page["plot"]["plantings"].as_array().map(Vec::len),
        Some(3),
        "{page}"
    );

    // Shifts: three places, eight people booked at once through both: exactly three on it, and
    // no one twice.
    let cooperative = cooperatives::list(&first.db)
        .await
        .expect("cooperatives")
        .into_iter()
        .find(|c| c.name == "欣源羊肚菌专业合作社")
        .expect("欣源");
    let (status, shift) = send(coop.post(second.url("/api/v1/shifts")).json(&json!({
        "cooperative_id": cooperative.id, "date": "2026-12-21", "task": "spawn_rubbing",
        "headcount": 3, "hours": 8
    })))
    .await;
    assert_eq!(status, 201, "{shift}");
    let shift = shift["id"].as_i64().expect("shift id");
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 21).expect("day");
    let people: Vec<i64> =
        work::candidates(&first.db, cooperative.township_id, cooperative.id, day, day)
            .await
            .expect("candidates")
            .into_iter()
            .map(|c| c.id)
            .take(8)
            .collect();
    assert_eq!(people.len(), 8);
    let bookings = join_all(people.iter().enumerate().map(|(n, person)| {
        send(
            coop.post(pick(&both, n).url(&format!("/api/v1/shifts/{shift}/assignments")))
                .json(&json!({ "person_id": person })),
        )
    }))
    .await;
    let got = statuses(&bookings);
    assert_eq!(got.iter().filter(|s| **s == 201).count(), 3, "{bookings:?}");
    let booked = work::assigned(&first.db, shift).await.expect("assigned");
    assert_eq!(booked.len(), 3);

    // The ledger: one worker's hours sent six times at once through both are recorded once;
    // four settlements at once pay what is owed once.
    let worker = booked[0].person_id;
    let hours = join_all((0..6).map(|n| {
        send(
            coop.post(pick(&both, n).url(&format!("/api/v1/shifts/{shift}/hours")))
                .json(&json!({ "person_id": worker, "hours": 9 })),
        )
    }))
    .await;
    let got = statuses(&hours);
    assert_eq!(got, [201, 409, 409, 409, 409, 409], "{hours:?}");
    // A post without a JSON body carries the instance's own origin, as it would behind a load
    // balancer where both answer to one address.
    let settlements = join_all((0..4).map(|n| {
        let to = pick(&both, n);
        send(
            coop.post(to.url(&format!("/api/v1/shifts/{shift}/settle")))
                .header("Origin", &to.address),
        )
    }))
    .await;
    assert!(settlements.iter().all(|s| s.0 == 200), "{settlements:?}");
    let paid: i64 = settlements
        .iter()
        .map(|s| s.1["paid_fen"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(
        paid, 9_500,
        "8 h × 10 yuan + 1 h × 15 yuan, paid once: {settlements:?}"
    );
    let report = check::run(&first.db).await.expect("check");
    assert!(report.sound(), "{report:?}");

    // Signing out on one instance ends the session on the other.
    let (status, _) = send(
        coop.post(second.url("/api/v1/auth/logout"))
            .header("Origin", &second.address),
    )
    .await;
    assert!(status < 300, "logout {status}");
    let (status, _) = send(coop.get(first.url("/api/v1/me"))).await;
    assert_eq!(status, 401);

    second.finish().await;
    first.finish().await;
}
