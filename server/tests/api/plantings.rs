//! The "add planting" form, posted as a browser without JavaScript posts it.

use crate::helpers::{AGRONOMIST, TestApp, spawn_app};
use tianlian_domain::Mu;
use tianlian_domain::access::PlotFilter;
use tianlian_storage::plots::{self, NewPlot};
use tianlian_storage::testing::engines;
use tianlian_storage::{places, plantings};

/// A new empty 10-mu plot in 团结村.
async fn empty_plot(app: &TestApp) -> i64 {
    let villages = places::list_villages(&app.db, PlotFilter::All)
        .await
        .expect("villages");
    let village = villages
        .iter()
        .find(|v| v.name == "团结村")
        .expect("团结村");
    plots::ensure(
        &app.db,
        &NewPlot {
            village_id: village.id,
            code: "TEST-1",
            area: Mu::from_whole(10),
            owner_household_id: None,
            irrigation: "",
        },
    )
    .await
    .expect("plot")
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_valid_planting_is_stored_and_the_page_says_so() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let agronomist = app.signed_in(AGRONOMIST).await;
        let plot = empty_plot(&app).await;
        let id = plot.to_string();
        let res = app
            .post_form_as(
                &agronomist,
                "/fn/add_planting",
                &[
                    ("plot_id", &id),
                    ("crop", "celtuce"),
                    ("area", "4.5"),
                    ("planted_on", "2026-12-05"),
                    ("status", "planted"),
                ],
            )
            .await;
        assert_eq!(res.status().as_u16(), 302);
        let to = location(&res);
        assert!(to.starts_with(&format!("/plots/{plot}?added=")), "{to}");
        let stored = plantings::list_for_plot(&app.db, plot).await.expect("list");
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].area, Mu::from_centi(450));
        assert_eq!(stored[0].crop_code, "celtuce");
        let (status, html) = app.get_text_as(&agronomist, &to).await;
        assert_eq!(status, 200);
        assert!(
            html.contains("已添加种植") && html.contains("4.5 亩"),
            "{html}"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn invalid_input_is_refused_next_to_each_field_and_nothing_is_stored() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let agronomist = app.signed_in(AGRONOMIST).await;
        let plot = empty_plot(&app).await;
        let id = plot.to_string();
        let res = app
            .post_form_as(
                &agronomist,
                "/fn/add_planting",
                &[
                    ("plot_id", &id),
                    ("crop", "rice"),
                    ("area", "0"),
                    ("planted_on", "2026-13-45"),
                ],
            )
            .await;
        assert_eq!(res.status().as_u16(), 302);
        let (_, html) = app.get_text_as(&agronomist, &location(&res)).await;
        for message in ["请选择目录中的作物", "面积必须大于 0", "请填写日期"] {
            assert!(
                html.contains(message),
                "{:?}: missing {message}",
                app.engine
            );
        }
        assert!(html.contains(r#"aria-invalid="true""#));
        // The typed value comes back in the field.
        assert!(html.contains(r#"value="0""#));
        assert!(
            plantings::list_for_plot(&app.db, plot)
                .await
                .expect("list")
                .is_empty()
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn a_planting_larger_than_what_is_left_of_the_plot_is_refused_with_the_remaining_area() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let agronomist = app.signed_in(AGRONOMIST).await;
        let plot = empty_plot(&app).await;
        let id = plot.to_string();
        let first = app
            .post_form_as(
                &agronomist,
                "/fn/add_planting",
                &[
                    ("plot_id", &id),
                    ("crop", "cauliflower"),
                    ("area", "7"),
                    ("planted_on", "2026-12-01"),
                ],
            )
            .await;
        assert!(location(&first).contains("added="));
        let second = app
            .post_form_as(
                &agronomist,
                "/fn/add_planting",
                &[
                    ("plot_id", &id),
                    ("crop", "celtuce"),
                    ("area", "3.5"),
                    ("planted_on", "2026-12-20"),
                ],
            )
            .await;
        let (_, html) = app.get_text_as(&agronomist, &location(&second)).await;
        assert!(
            html.contains("超过地块在该季节的剩余面积（剩余 3 亩）"),
            "{html}"
        );
        assert_eq!(
            plantings::list_for_plot(&app.db, plot)
                .await
                .expect("list")
                .len(),
            1
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn missing_or_garbled_fields_are_refused_without_a_server_error() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let agronomist = app.signed_in(AGRONOMIST).await;
        let plot = empty_plot(&app).await;
        let id = plot.to_string();
        let cases: [&[(&str, &str)]; 4] = [
            &[("plot_id", &id)],
            &[("plot_id", "abc"), ("crop", "celtuce")],
            &[],
            &[
                ("plot_id", &id),
                ("crop", "celtuce"),
                ("area", "1e9"),
                ("planted_on", "<script>"),
            ],
        ];
        for fields in cases {
            let res = app
                .post_form_as(&agronomist, "/fn/add_planting", fields)
                .await;
            assert!(
                res.status().is_redirection(),
                "{fields:?} gave {}",
                res.status()
            );
        }
        assert!(
            plantings::list_for_plot(&app.db, plot)
                .await
                .expect("list")
                .is_empty()
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn two_simultaneous_requests_that_would_overfill_a_plot_store_exactly_one() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let agronomist = app.signed_in(AGRONOMIST).await;
        let plot = empty_plot(&app).await;
        let id = plot.to_string();
        let fields = [
            ("plot_id", id.as_str()),
            ("crop", "celtuce"),
            ("area", "6"),
            ("planted_on", "2026-12-01"),
        ];
        let (a, b) = tokio::join!(
            app.post_form_as(&agronomist, "/fn/add_planting", &fields),
            app.post_form_as(&agronomist, "/fn/add_planting", &fields)
        );
        let added = [location(&a), location(&b)]
            .iter()
            .filter(|l| l.contains("added="))
            .count();
        assert_eq!(added, 1, "{:?}", app.engine);
        assert_eq!(
            plantings::list_for_plot(&app.db, plot)
                .await
                .expect("list")
                .len(),
            1
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn a_planting_moves_planned_to_done_one_step_at_a_time_and_fails_only_with_a_reason() {
    use serde_json::{Value, json};
    for engine in engines() {
        let app = spawn_app(engine).await;
        let agronomist = app.signed_in(crate::helpers::AGRONOMIST).await;
        let plot = app.plot_id("团结村", "1-010").await;
        let id = agronomist
            .post(app.url(&format!("/api/v1/plots/{plot}/plantings")))
            .json(&json!({ "crop": "celtuce", "area_mu": 0.5, "planted_on": "2026-12-08" }))
            .send()
            .await
            .expect("planting")
            .json::<Value>()
            .await
            .expect("json")["id"]
            .as_i64()
            .expect("id");
        let step = |status: &'static str, on: &'static str, reason: &'static str| {
            let agronomist = agronomist.clone();
            let url = app.url(&format!("/api/v1/plantings/{id}/status"));
            async move {
                let res = agronomist
                    .post(url)
                    .json(&json!({ "status": status, "on": on, "reason": reason }))
                    .send()
                    .await
                    .expect("status");
                let code = res.status().as_u16();
                (code, res.json::<Value>().await.expect("json"))
            }
        };
        assert_eq!(step("done", "2026-12-09", "").await.0, 422);
        assert_eq!(step("planted", "2026-12-09", "").await.0, 200);
        let (code, err) = step("harvesting", "2026-12-01", "").await;
        assert_eq!(
            (code, err["error"]["code"].as_str()),
            (422, Some("date_before_planting"))
        );
        assert_eq!(step("harvesting", "2027-02-12", "").await.0, 200);
        let (code, err) = step("failed", "2027-02-13", "").await;
        assert_eq!(
            (code, err["error"]["code"].as_str()),
            (422, Some("reason_required"))
        );
        assert_eq!(step("failed", "2027-02-13", "冻害").await.0, 200);
        assert_eq!(step("done", "2027-02-20", "").await.0, 422);

        let row = tianlian_storage::plantings::get(&app.db, id)
            .await
            .expect("db")
            .expect("planting");
        assert_eq!(row.status, tianlian_domain::PlantingStatus::Failed);
        assert_eq!(
            row.planted_on.map(|d| d.to_string()).as_deref(),
            Some("2026-12-09")
        );

        // A farmer of another household cannot touch it; a cooperative of another township
        // does not even see it.
        let coop = app.signed_in(crate::helpers::COOPERATIVE).await;
        let res = coop
            .post(app.url(&format!("/api/v1/plantings/{id}/status")))
            .json(&json!({ "status": "done", "on": "2027-02-20" }))
            .send()
            .await
            .expect("status");
        assert_eq!(res.status().as_u16(), 404);
        app.finish().await;
    }
}
