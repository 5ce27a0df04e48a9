//! The forecasting engine over HTTP: calendar, forecast, backward schedule, plan rate, weather
//! import, errors in both languages, and the OpenAPI document.

use crate::helpers::{AGRONOMIST, TestApp, spawn_app};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use tianlian_storage::testing::engines;

async fn post(app: &TestApp, path: &str, body: Value, lang: Option<&str>) -> (u16, Value) {
    let mut req = app.client.post(app.url(path)).json(&body);
    if let Some(lang) = lang {
        req = req.header("accept-language", lang);
    }
    let res = req.send().await.expect("request");
    (res.status().as_u16(), res.json().await.expect("json"))
}

async fn get(app: &TestApp, path: &str, lang: Option<&str>) -> (u16, Value) {
    let mut req = app.client.get(app.url(path));
    if let Some(lang) = lang {
        req = req.header("accept-language", lang);
    }
    let res = req.send().await.expect("request");
    (res.status().as_u16(), res.json().await.expect("json"))
}

#[tokio::test]
async fn the_calendar_gives_the_spring_festival_and_24_solar_terms_without_signing_in() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (status, body) = get(&app, "/api/v1/calendar/spring-festival/2027", None).await;
        assert_eq!(status, 200);
        assert_eq!(body, json!({ "year": 2027, "date": "2027-02-06" }));

        let (status, body) = get(&app, "/api/v1/calendar/solar-terms/2027", None).await;
        assert_eq!(status, 200);
        let terms = body["terms"].as_array().expect("terms");
        assert_eq!(terms.len(), 24);
        assert_eq!(
            terms[2],
            json!({ "name_zh": "立春", "name_en": "Start of Spring", "date": "2027-02-04" })
        );
        let dates: Vec<&str> = terms.iter().filter_map(|t| t["date"].as_str()).collect();
        assert!(dates.windows(2).all(|w| w[0] < w[1]), "{dates:?}");
        app.finish().await;
    }
}

#[tokio::test]
async fn years_outside_1901_to_2100_or_not_numbers_are_a_400_in_the_callers_language() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (status, body) = get(&app, "/api/v1/calendar/spring-festival/1900", None).await;
        assert_eq!(status, 400);
        assert_eq!(body["error"]["code"], "year_out_of_range");
        assert!(
            body["error"]["message"]
                .as_str()
                .expect("message")
                .contains("年份")
        );
        let (status, body) = get(&app, "/api/v1/calendar/solar-terms/2101", Some("en")).await;
        assert_eq!(status, 400);
        assert!(
            body["error"]["message"]
                .as_str()
                .expect("message")
                .starts_with("Year 2101")
        );
        let (status, body) = get(&app, "/api/v1/calendar/solar-terms/abc", None).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("invalid_year"))
        );
        let (status, _) = get(
            &app,
            "/api/v1/calendar/spring-festival/99999999999999",
            None,
        )
        .await;
        assert_eq!(status, 400);
        app.finish().await;
    }
}

#[tokio::test]
async fn the_seed_case_forecast_says_february_with_a_range_and_a_yield() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (status, f) = post(
            &app,
            "/api/v1/forecast",
            json!({ "crop": "celtuce", "site": "maoxian", "protection": "open",
                    "planted_on": "2026-12-05", "area_mu": 10 }),
            None,
        )
        .await;
        assert_eq!(status, 200, "{f}");
        let start = f["harvest_start"].as_str().expect("start");
        assert!(start.starts_with("2027-02"), "{f}");
        for key in [
            "harvest_peak",
            "harvest_end",
            "harvest_start_p10",
            "harvest_start_p90",
        ] {
            assert!(f[key].as_str().is_some_and(|d| d.len() == 10), "{key}: {f}");
        }
        assert!(f["harvest_start_p10"].as_str() <= Some(start));
        assert!(f["harvest_start_p90"].as_str() >= Some(start));
        assert_eq!(f["yield_kg"], 25_000);
        assert_eq!(f["planted_as"], "transplanting");
        assert_eq!(f["spread"], json!({ "kind": "normals", "years": 30 }));
        // No type named: 茂县 in early December is the overwintering crop, and the answer says so.
        assert_eq!(f["crop_type"], "overwintering", "{f}");
        assert_eq!(f["crop_type_zh"], "越冬莴笋");
        assert_eq!(f["crop_type_picked"], true);

        // A named type is used: spring celtuce set out on the same day comes in April–May.
        let (status, spring) = post(
            &app,
            "/api/v1/forecast",
            json!({ "crop": "celtuce", "crop_type": "spring", "site": "maoxian",
                    "planted_on": "2026-12-05", "area_mu": 10 }),
            None,
        )
        .await;
        assert_eq!(status, 200, "{spring}");
        assert_eq!(spring["crop_type"], "spring");
        assert_eq!(spring["crop_type_picked"], false);
        assert!(spring["harvest_start"].as_str() > Some(start), "{spring}");

        // Plastic mulch never makes it later.
        let (_, mulch) = post(
            &app,
            "/api/v1/forecast",
            json!({ "crop": "celtuce", "site": "maoxian", "protection": "mulch",
                    "planted_on": "2026-12-05", "area_mu": "10" }),
            None,
        )
        .await;
        assert!(mulch["harvest_start"].as_str() <= Some(start), "{mulch}");
        app.finish().await;
    }
}

#[tokio::test]
async fn bad_forecast_requests_get_a_4xx_with_a_code_never_a_5xx() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let ok = json!({ "crop": "celtuce", "site": "maoxian", "planted_on": "2026-12-05", "area_mu": 10 });
        let with = |key: &str, value: Value| {
            let mut body = ok.clone();
            body[key] = value;
            body
        };
        let cases = [
            (with("crop", json!("rice")), 422, "unknown_crop"),
            (with("crop_type", json!("early")), 422, "unknown_crop_type"),
            (with("site", json!("lhasa")), 422, "unknown_site"),
            (
                with("protection", json!("greenhouse")),
                422,
                "unknown_protection",
            ),
            (with("planted_on", json!("2026-02-30")), 422, "invalid_date"),
            (
                with("planted_on", json!("3026-02-01")),
                422,
                "year_out_of_range",
            ),
            (with("area_mu", json!(-1)), 422, "invalid_area"),
            (with("area_mu", json!(1e300)), 422, "invalid_area"),
            (with("crop", json!(5)), 400, "invalid_json"),
        ];
        for (body, status, code) in cases {
            let (got, err) = post(&app, "/api/v1/forecast", body.clone(), None).await;
            assert_eq!(
                (got, err["error"]["code"].as_str()),
                (status, Some(code)),
                "{body}"
            );
        }
        let (_, err) = post(&app, "/api/v1/forecast", with("crop", json!("rice")), None).await;
        assert!(
            err["error"]["message"]
                .as_str()
                .expect("zh")
                .contains("未知作物")
        );
        let (_, err) = post(
            &app,
            "/api/v1/forecast",
            with("crop", json!("rice")),
            Some("en"),
        )
        .await;
        assert!(
            err["error"]["message"]
                .as_str()
                .expect("en")
                .starts_with("Unknown crop")
        );
        let res = app
            .client
            .post(app.url("/api/v1/forecast"))
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .expect("request");
        assert_eq!(res.status().as_u16(), 400);
        app.finish().await;
    }
}

#[tokio::test]
async fn backward_schedules_work_from_the_spring_festival_or_a_date() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (status, s) = post(
            &app,
            "/api/v1/schedule/backward",
            json!({ "crop": "celtuce", "site": "maoxian", "protection": "open",
                    "market": { "spring_festival": 2027, "days_before": 7 } }),
            None,
        )
        .await;
        assert_eq!(status, 200, "{s}");
        assert_eq!(s["market_date"], "2027-01-30");
        let p50 = s["latest_planting_p50"].as_str().expect("p50").to_owned();
        let p90 = s["latest_planting_p90"].as_str().expect("p90");
        assert!(p90 <= p50.as_str(), "{s}");
        assert_eq!(s["crop_type"], "overwintering", "{s}");

        // Round trip: the latest P50 planting of that type reaches first harvest by the market.
        let (_, f) = post(
            &app,
            "/api/v1/forecast",
            json!({ "crop": "celtuce", "crop_type": s["crop_type"], "site": "maoxian",
                    "planted_on": p50, "area_mu": 1 }),
            None,
        )
        .await;
        assert!(f["harvest_start"].as_str() <= Some("2027-01-30"), "{f}");

        let (status, s) = post(
            &app,
            "/api/v1/schedule/backward",
            json!({ "crop": "morel", "site": "shifang", "market": { "date": "2027-03-20" } }),
            None,
        )
        .await;
        assert_eq!(status, 200, "{s}");
        assert!(
            s["latest_planting_p50"].as_str() < Some("2027-01-01"),
            "{s}"
        );

        for market in [
            json!({}),
            json!({ "spring_festival": 2027, "date": "2027-01-01" }),
            json!({ "spring_festival": 2300 }),
            json!({ "date": "2027-13-01" }),
        ] {
            let (status, err) = post(
                &app,
                "/api/v1/schedule/backward",
                json!({ "crop": "celtuce", "site": "maoxian", "market": market }),
                None,
            )
            .await;
            assert_eq!(status, 422, "{market}: {err}");
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn a_plan_target_gives_the_daily_rate_needed_from_today() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (status, r) = post(
            &app,
            "/api/v1/schedule/rate",
            json!({ "target_mu": 800, "planted_mu": 500, "deadline": "2026-12-10",
                    "today": "2026-11-25" }),
            None,
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(
            r,
            json!({ "state": "in_progress", "remaining_mu": 300.0, "days_left": 16,
                    "per_day_mu": 18.75, "percent_of_plan": 62.5 })
        );
        let (status, _) = post(
            &app,
            "/api/v1/schedule/rate",
            json!({ "target_mu": 0, "planted_mu": 0, "deadline": "2026-12-10" }),
            None,
        )
        .await;
        assert_eq!(status, 422);
        // The domain's cap on an area (100,000 mu), not a hundred times it.
        for (target, planted) in [(100_001, 0), (800, 100_001)] {
            let (status, _) = post(
                &app,
                "/api/v1/schedule/rate",
                json!({ "target_mu": target, "planted_mu": planted, "deadline": "2026-12-10" }),
                None,
            )
            .await;
            assert_eq!(status, 422, "{target} / {planted}");
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn imported_weather_replaces_climate_for_the_days_it_covers() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let request = json!({ "crop": "celtuce", "site": "maoxian",
                              "planted_on": "2025-12-01", "area_mu": 1 });
        let (_, before) = post(&app, "/api/v1/forecast", request.clone(), None).await;

        // A very warm December 2025 (13 °C means): the crop is ready within the month.
        let mut csv = String::from("date,tmin,tmax\n");
        for day in 1..=31 {
            csv.push_str(&format!("2025-12-{day:02},8,18\n"));
        }
        let agronomist = app.signed_in(AGRONOMIST).await;
        let res = app.import_weather(&agronomist, "maoxian", csv).await;
        assert_eq!(res.status().as_u16(), 200);
        let (_, after) = post(&app, "/api/v1/forecast", request, None).await;
        assert!(
            after["harvest_start"]
                .as_str()
                .expect("start")
                .starts_with("2025-12"),
            "{after}"
        );
        assert!(after["harvest_start"].as_str() < before["harvest_start"].as_str());

        // A file with bad rows imports nothing and names every bad line.
        let res = app
            .import_weather(
                &agronomist,
                "maoxian",
                "date,tmin,tmax\n2026-01-01,1,5\n2026-01-02,x,5\n2026-01-03,9,5\n",
            )
            .await;
        assert_eq!(res.status().as_u16(), 422);
        let err: Value = res.json().await.expect("json");
        assert_eq!(
            err["error"]["fields"],
            json!([{ "line": 3, "code": "bad_number" }, { "line": 4, "code": "min_above_max" }])
        );
        let (_, sites) = get(&app, "/api/v1/sites", None).await;
        let maoxian = sites["sites"]
            .as_array()
            .expect("sites")
            .iter()
            .find(|s| s["code"] == "maoxian")
            .expect("maoxian")
            .clone();
        assert_eq!(maoxian["observed_days"], 31);
        app.finish().await;
    }
}

#[tokio::test]
async fn the_openapi_document_describes_exactly_the_servers_routes() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let (status, doc) = get(&app, "/api/v1/openapi.json", None).await;
        assert_eq!(status, 200);
        assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
        let documented: BTreeSet<(String, String)> = doc["paths"]
            .as_object()
            .expect("paths")
            .iter()
            .flat_map(|(path, item)| {
                item.as_object()
                    .expect("item")
                    .keys()
                    .map(|method| (method.to_uppercase(), path.clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        let served: BTreeSet<(String, String)> = server::routes::api::routes()
            .iter()
            .map(|r| (r.method.to_owned(), r.path.to_owned()))
            .collect();
        assert_eq!(documented, served);
        assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
        assert!(doc["components"]["schemas"]["ForecastResponse"].is_object());
        // Every status the gate and the body reader can send is documented on each operation
        // it can reach: 401 and 403 wherever one must sign in, 400 wherever there is input,
        // 413 and 415 wherever there is a body.
        for route in server::routes::api::routes() {
            let op = &doc["paths"][route.path][route.method.to_lowercase()];
            let documents = |status: &str| op["responses"].get(status).is_some();
            if route.access != server::routes::api::Access::Public {
                assert!(
                    documents("401") && documents("403"),
                    "{} {}",
                    route.method,
                    route.path
                );
            }
            if op.get("requestBody").is_some() {
                for status in ["400", "413", "415"] {
                    assert!(
                        documents(status),
                        "{} {} {status}",
                        route.method,
                        route.path
                    );
                }
            }
            if route.path.contains('{') {
                assert!(documents("400"), "{} {} 400", route.method, route.path);
            }
        }
        app.finish().await;
    }
}

/// Every JSON body of the document is an object that names all its fields (no others are
/// read), every text in a body says it cannot hold NUL, and the refusals no schema can state are
/// listed; the server keeps to the same: an array or a bare value is not a body, an unknown
/// field is refused, and `\\u0000` (a backslash, then text) is not a NUL.
#[tokio::test]
async fn the_document_states_each_bodys_shape_and_the_server_keeps_to_it() {
    let app = spawn_app(tianlian_storage::testing::Engine::Sqlite).await;
    let (_, doc) = get(&app, "/api/v1/openapi.json", None).await;
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let mut bodies = 0;
    for item in doc["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("item").values() {
            let Some(reference) =
                op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str()
            else {
                continue;
            };
            let name = reference.trim_start_matches("#/components/schemas/");
            let body = &schemas[name];
            bodies += 1;
            assert_eq!(body["type"], "object", "{name}");
            assert_eq!(body["additionalProperties"], false, "{name}");
            for (field, schema) in body["properties"].as_object().expect("properties") {
                let text = schema["type"] == "string"
                    || schema["type"]
                        .as_array()
                        .is_some_and(|t| t.contains(&json!("string")));
                if text {
                    // A pattern (each one leaves NUL out) or an enum.
                    assert!(
                        schema.get("pattern").is_some() || schema.get("enum").is_some(),
                        "{name}.{field}: {schema}"
                    );
                }
            }
        }
    }
    assert!(bodies >= 25, "{bodies} JSON bodies");
    // Two bodies of one name would share one schema: the /persons body keeps its own.
    assert_eq!(
        schemas["NewPersonBody"]["required"],
        json!(["household", "name"])
    );
    let refusals = doc["x-refusals-beyond-schema"]
        .as_object()
        .expect("refusals listed");
    assert!(
        refusals.contains_key("unknown_household") && refusals.contains_key("status_not_allowed")
    );
    assert!(
        !refusals.contains_key("invalid_area"),
        "a schema states areas"
    );

    let rate = json!({ "target_mu": 800, "planted_mu": 200, "deadline": "2026-12-10", "today": "2026-12-01" });
    let (status, _) = post(&app, "/api/v1/schedule/rate", rate.clone(), None).await;
    assert_eq!(status, 200);
    let (status, body) = post(
        &app,
        "/api/v1/schedule/rate",
        json!([800, 200, "2026-12-10", null]),
        None,
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("not_an_object"))
    );
    let mut extra = rate.clone();
    extra["note"] = json!("hello");
    let (status, _) = post(&app, "/api/v1/schedule/rate", extra, None).await;
    assert_eq!(status, 400, "an unknown field");
    let mut missing = rate;
    missing
        .as_object_mut()
        .expect("object")
        .remove("planted_mu");
    let (status, _) = post(&app, "/api/v1/schedule/rate", missing, None).await;
    assert_eq!(status, 400, "a required field left out");
    // A site code that is a backslash and `u0000` is text the server reads (and does not know).
    let (status, body) = post(
        &app,
        "/api/v1/forecast",
        json!({ "crop": "celtuce", "site": "\\u0000", "planted_on": "2026-11-12", "area_mu": 1 }),
        None,
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("unknown_site"))
    );
    app.finish().await;
}
