//! The market calendar over HTTP: weekly supply summed from forecasts, capacity flags and
//! succession suggestions, in the caller's scope.

use crate::helpers::{ADMIN, AGRONOMIST, COOPERATIVE, FARMER, spawn_app};
use serde_json::{Value, json};
use tianlian_storage::testing::engines;

/// One crop's entry of a market calendar.
fn crop(calendar: &Value, code: &str) -> Value {
    calendar["crops"]
        .as_array()
        .expect("crops")
        .iter()
        .find(|c| c["code"] == code)
        .expect("crop")
        .clone()
}

#[tokio::test]
async fn the_market_calendar_sums_forecasts_by_week_and_flags_weeks_over_capacity() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let feihong = app.township_id("飞虹乡").await;
        let agronomist = app.signed_in(AGRONOMIST).await;
        let get = |client: reqwest::Client, url: String| async move {
            let res = client.get(url).send().await.expect("request");
            (
                res.status().as_u16(),
                res.json::<Value>().await.unwrap_or(Value::Null),
            )
        };
        let (status, cal) = get(agronomist.clone(), app.url("/api/v1/market-calendar")).await;
        assert_eq!(status, 200, "{cal}");
        assert_eq!(cal["spring_festival"], "2027-02-06");
        let celtuce = crop(&cal, "celtuce");
        let weeks = celtuce["weeks"].as_array().expect("weeks");
        let total: i64 = weeks
            .iter()
            .map(|w| w["p50_kg"].as_i64().expect("kg"))
            .sum();
        assert!(total > 1_000_000, "~540 mu × 2,500 kg: {total}");
        assert!(
            weeks
                .iter()
                .all(|w| w["low_kg"].as_i64() <= w["p50_kg"].as_i64()
                    && w["p50_kg"].as_i64() <= w["high_kg"].as_i64())
        );
        assert_eq!(
            weeks.iter().filter(|w| w["festival"] == true).count(),
            1,
            "the week of 6 Feb 2027"
        );
        assert!(weeks.iter().all(|w| w["over_capacity"] == false));
        assert_eq!(cal["moves"], json!([]));

        // A market that takes 100 t of celtuce a week: the peak weeks are flagged, and planned
        // plantings are suggested to move.
        let res = agronomist
            .put(app.url("/api/v1/market-calendar/capacity"))
            .json(&json!({ "township_id": feihong, "crop": "celtuce", "kg_per_week": 100_000 }))
            .send()
            .await
            .expect("capacity");
        assert_eq!(res.status().as_u16(), 204);
        let (_, cal) = get(agronomist.clone(), app.url("/api/v1/market-calendar")).await;
        let celtuce = crop(&cal, "celtuce");
        assert_eq!(celtuce["capacity_kg"], 100_000);
        assert!(
            celtuce["weeks"]
                .as_array()
                .expect("weeks")
                .iter()
                .any(|w| w["over_capacity"] == true)
        );
        let moves = cal["moves"].as_array().expect("moves");
        assert!(!moves.is_empty(), "{cal}");
        assert!(
            moves
                .iter()
                .all(|m| m["days"].as_i64().is_some_and(|d| d != 0 && d.abs() <= 28))
        );

        // The 回澜镇 cooperative sees its own township's morels and may not set 飞虹乡's capacity;
        // a farmer sees no market calendar.
        let coop = app.signed_in(COOPERATIVE).await;
        let (status, theirs) = get(coop.clone(), app.url("/api/v1/market-calendar")).await;
        assert_eq!(status, 200);
        assert_eq!(theirs["township"], "回澜镇");
        let (status, _) = get(
            coop.clone(),
            app.url(&format!("/api/v1/market-calendar?township={feihong}")),
        )
        .await;
        assert_eq!(status, 404);
        let res = coop
            .put(app.url("/api/v1/market-calendar/capacity"))
            .json(&json!({ "township_id": feihong, "crop": "celtuce", "kg_per_week": 1 }))
            .send()
            .await
            .expect("capacity");
        assert_eq!(res.status().as_u16(), 403);
        let farmer = app.signed_in(FARMER).await;
        assert_eq!(get(farmer, app.url("/api/v1/market-calendar")).await.0, 404);

        // An admin may set any township's capacity, but one that does not exist is 404 (it was
        // a 500 from the foreign key).
        let admin = app.signed_in(ADMIN).await;
        let res = admin
            .put(app.url("/api/v1/market-calendar/capacity"))
            .json(&json!({ "township_id": 999_999, "crop": "celtuce", "kg_per_week": 5 }))
            .send()
            .await
            .expect("capacity");
        assert_eq!(res.status().as_u16(), 404);
        app.finish().await;
    }
}
