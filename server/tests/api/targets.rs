//! Season targets and progress over HTTP: who may add and see them, validation, and progress
//! moving when a planting goes into the ground.

use crate::helpers::{ADMIN, AGRONOMIST, COOPERATIVE, FARMER, TestApp, spawn_app};
use serde_json::{Value, json};
use tianlian_storage::testing::engines;

fn winter_target(township: i64) -> Value {
    json!({ "place": format!("t:{township}"), "crops": "winter_vegetables", "area_mu": 800,
            "starts_on": "2026-11-11", "deadline": "2026-12-10" })
}

async fn target(client: &reqwest::Client, app: &TestApp, id: i64) -> (u16, Value) {
    let res = client
        .get(app.url(&format!("/api/v1/targets/{id}")))
        .send()
        .await
        .expect("request");
    (res.status().as_u16(), res.json().await.expect("json"))
}

#[tokio::test]
async fn progress_moves_when_a_planting_goes_into_the_ground() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let township = app.township_id("飞虹乡").await;
        let agronomist = app.signed_in(AGRONOMIST).await;
        let res = agronomist
            .post(app.url("/api/v1/targets"))
            .json(&winter_target(township))
            .send()
            .await
            .expect("create");
        assert_eq!(res.status().as_u16(), 201);
        let id = res.json::<Value>().await.expect("json")["id"]
            .as_i64()
            .expect("id");

        let (status, before) = target(&agronomist, &app, id).await;
        assert_eq!(status, 200, "{before}");
        assert_eq!(before["target_mu"], 800.0);
        assert_eq!(before["series"].as_array().map(Vec::len), Some(30));
        assert!(
            before["planted_mu"].as_f64().expect("planted") > 0.0,
            "{before}"
        );

        // One more mu of celtuce planted on 20 November on the farmer's plot 1-010.
        let plot = app.plot_id("团结村", "1-010").await;
        let res = agronomist
            .post(app.url(&format!("/api/v1/plots/{plot}/plantings")))
            .json(
                &json!({ "crop": "celtuce", "area_mu": 1, "planted_on": "2026-11-20",
                           "status": "planted" }),
            )
            .send()
            .await
            .expect("planting");
        assert_eq!(res.status().as_u16(), 201);
        let (_, after) = target(&agronomist, &app, id).await;
        let moved = after["planted_mu"].as_f64().expect("after")
            - before["planted_mu"].as_f64().expect("before");
        assert!((moved - 1.0).abs() < 1e-9, "{before} → {after}");
        let village = after["by_village"]
            .as_array()
            .expect("villages")
            .iter()
            .find(|v| v["village"] == "团结村")
            .expect("团结村")
            .clone();
        assert!(village["planted_mu"].as_f64().expect("mu") >= 1.0);

        // The admin sees it too; the agronomist deletes it.
        let admin = app.signed_in(ADMIN).await;
        assert_eq!(target(&admin, &app, id).await.0, 200);
        let res = agronomist
            .delete(app.url(&format!("/api/v1/targets/{id}")))
            .send()
            .await
            .expect("delete");
        assert_eq!(res.status().as_u16(), 204);
        assert_eq!(target(&agronomist, &app, id).await.0, 404);
        app.finish().await;
    }
}

#[tokio::test]
async fn targets_are_set_only_by_their_townships_agronomist_and_seen_only_in_scope() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let township = app.township_id("飞虹乡").await;
        let agronomist = app.signed_in(AGRONOMIST).await;
        let id = agronomist
            .post(app.url("/api/v1/targets"))
            .json(&winter_target(township))
            .send()
            .await
            .expect("create")
            .json::<Value>()
            .await
            .expect("json")["id"]
            .as_i64()
            .expect("id");

        // The 回澜镇 cooperative may neither add to 飞虹乡 nor see its target.
        let coop = app.signed_in(COOPERATIVE).await;
        let res = coop
            .post(app.url("/api/v1/targets"))
            .json(&winter_target(township))
            .send()
            .await
            .expect("create");
        assert_eq!(res.status().as_u16(), 403);
        assert_eq!(target(&coop, &app, id).await.0, 404);

        // Farmers see no targets at all.
        let farmer = app.signed_in(FARMER).await;
        let list: Value = farmer
            .get(app.url("/api/v1/targets"))
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("json");
        assert_eq!(list["targets"], json!([]));
        assert_eq!(target(&farmer, &app, id).await.0, 404);
        app.finish().await;
    }
}

#[tokio::test]
async fn a_bad_target_is_refused_with_every_fields_error_in_the_callers_language() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let township = app.township_id("飞虹乡").await;
        let agronomist = app.signed_in(AGRONOMIST).await;
        let res = agronomist
            .post(app.url("/api/v1/targets"))
            .header("accept-language", "en")
            .json(
                &json!({ "place": format!("t:{township}"), "crops": "rice", "area_mu": -5,
                           "starts_on": "2026-12-11", "deadline": "2026-12-10" }),
            )
            .send()
            .await
            .expect("create");
        assert_eq!(res.status().as_u16(), 422);
        let err: Value = res.json().await.expect("json");
        assert_eq!(err["error"]["code"], "unknown_crop");
        assert!(
            err["error"]["message"]
                .as_str()
                .expect("en")
                .starts_with("Choose a crop")
        );
        assert_eq!(
            err["error"]["fields"],
            json!([{ "code": "unknown_crop" }, { "code": "invalid_area" },
                   { "code": "deadline_before_start" }])
        );
        let res = agronomist
            .post(app.url("/api/v1/targets"))
            .json(
                &json!({ "place": "t:99999", "crops": "celtuce", "area_mu": 5,
                           "starts_on": "2026-12-01", "deadline": "2026-12-10" }),
            )
            .send()
            .await
            .expect("create");
        assert_eq!(res.status().as_u16(), 422);
        app.finish().await;
    }
}
