//! The plot register: add, edit and retire plots, and bulk import of plots and plantings, over
//! the API and as plain form posts.

use crate::helpers::{ADMIN, AGRONOMIST, COOPERATIVE, FARMER, spawn_app};
use serde_json::{Value, json};
use tianlian_domain::access::PlotFilter;
use tianlian_storage::testing::engines;
use tianlian_storage::{plantings, plots};

async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn codes(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["code"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn an_agronomist_adds_edits_and_retires_a_plot_of_their_township_only() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let agro = app.signed_in(AGRONOMIST).await;
        let tuanjie = app.village_id("团结村").await;
        let shiyang = app.village_id("石羊村").await; // 回澜镇: not theirs
        let plot = json!({ "village_id": tuanjie, "code": "N-1", "area_mu": "12.5",
            "owner": "demo-0-0-001", "irrigation": "drip", "notes": "靠河" });
        let (status, body) = send(agro.post(app.url("/api/v1/plots")).json(&plot)).await;
        assert_eq!(status, 201, "{body}");
        let id = body["id"].as_i64().expect("id");
        let row = plots::get(&app.db, id).await.expect("db").expect("plot");
        assert_eq!(
            (row.code.as_str(), row.area.centi(), row.irrigation.as_str()),
            ("N-1", 1250, "drip")
        );
        assert_eq!(row.owner_code.as_deref(), Some("demo-0-0-001"));

        // Same code again, someone else's village, an owner from another village, bad fields.
        let (status, body) = send(agro.post(app.url("/api/v1/plots")).json(&plot)).await;
        assert_eq!((status, codes(&body)), (422, vec!["code_taken".to_owned()]));
        let foreign = json!({ "village_id": shiyang, "code": "N-2", "area_mu": 3 });
        let (status, body) = send(agro.post(app.url("/api/v1/plots")).json(&foreign)).await;
        assert_eq!(
            (status, codes(&body)),
            (422, vec!["unknown_village".to_owned()])
        );
        let stranger =
            json!({ "village_id": tuanjie, "code": "N-3", "area_mu": 3, "owner": "demo-0-1-001" });
        let (status, body) = send(agro.post(app.url("/api/v1/plots")).json(&stranger)).await;
        assert_eq!(
            (status, codes(&body)),
            (422, vec!["unknown_owner".to_owned()])
        );
        let bad =
            json!({ "village_id": tuanjie, "code": "", "area_mu": "-1", "irrigation": "flood" });
        let (status, body) = send(agro.post(app.url("/api/v1/plots")).json(&bad)).await;
        assert_eq!(status, 422);
        assert_eq!(
            codes(&body),
            ["code_missing", "area_not_positive", "unknown_irrigation"]
        );
        assert_eq!(body["error"]["message"], "请填写地块编号");

        // Plant 8 mu, then try to shrink the plot below it.
        let (status, _) = send(
            agro.post(app.url(&format!("/api/v1/plots/{id}/plantings")))
                .json(&json!({ "crop": "celtuce", "area_mu": 8, "planted_on": "2026-12-01" })),
        )
        .await;
        assert_eq!(status, 201);
        let shrink = json!({ "code": "N-1", "area_mu": "7.99" });
        let (status, body) = send(
            agro.patch(app.url(&format!("/api/v1/plots/{id}")))
                .json(&shrink),
        )
        .await;
        assert_eq!(
            (status, codes(&body)),
            (422, vec!["area_below_planted".to_owned()])
        );
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("8 亩"),
            "{body}"
        );
        let edit = json!({ "code": "N-1A", "area_mu": 8, "irrigation": "pumped" });
        let (status, _) = send(
            agro.patch(app.url(&format!("/api/v1/plots/{id}")))
                .json(&edit),
        )
        .await;
        assert_eq!(status, 200);
        let row = plots::get(&app.db, id).await.expect("db").expect("plot");
        assert_eq!(
            (row.code.as_str(), row.area.centi(), row.owner_code),
            ("N-1A", 800, None)
        );

        // Retiring waits until the planting is over; then the plot leaves the list but stays.
        let retire = app.url(&format!("/api/v1/plots/{id}/retire"));
        let (status, body) = send(agro.post(&retire)).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (409, Some("active_plantings"))
        );
        let planting = plantings::list_for_plot(&app.db, id).await.expect("db")[0].id;
        let (status, _) = send(
            agro.post(app.url(&format!("/api/v1/plantings/{planting}/status")))
                .json(&json!({ "status": "failed", "on": "2026-12-10", "reason": "冻害" })),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(send(agro.post(&retire)).await.0, 200);
        let (status, body) = send(agro.post(&retire)).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (409, Some("already_retired"))
        );
        let row = plots::get(&app.db, id).await.expect("db").expect("kept");
        assert!(row.retired);
        assert_eq!(
            plantings::list_for_plot(&app.db, id)
                .await
                .expect("db")
                .len(),
            1,
            "history kept"
        );
        let listed = plots::list_active(&app.db, PlotFilter::All, Some(tuanjie))
            .await
            .expect("db");
        assert!(listed.iter().all(|p| p.id != id));
        let (status, body) = send(
            agro.post(app.url(&format!("/api/v1/plots/{id}/plantings")))
                .json(&json!({ "crop": "celtuce", "area_mu": 1, "planted_on": "2026-12-20" })),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some("plot_retired"))
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn cooperatives_and_farmers_cannot_change_the_plot_register() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let tuanjie = app.village_id("团结村").await;
        let mine = app.plot_id("团结村", "1-010").await;
        for who in [COOPERATIVE, FARMER] {
            let client = app.signed_in(who).await;
            let new = json!({ "village_id": tuanjie, "code": "X-1", "area_mu": 3 });
            let (status, body) = send(client.post(app.url("/api/v1/plots")).json(&new)).await;
            assert_eq!(
                (status, codes(&body)),
                (422, vec!["unknown_village".to_owned()])
            );
            let edit = json!({ "code": "1-010", "area_mu": 100 });
            let status = send(
                client
                    .patch(app.url(&format!("/api/v1/plots/{mine}")))
                    .json(&edit),
            )
            .await
            .0;
            assert!(status == 403 || status == 404, "{status}");
            let status = send(client.post(app.url(&format!("/api/v1/plots/{mine}/retire"))))
                .await
                .0;
            assert!(status == 403 || status == 404, "{status}");
            let status = send(
                client
                    .post(app.url("/api/v1/import/plots?dry_run=false"))
                    .body("村,地块,面积\n团结村,X-2,1\n"),
            )
            .await
            .0;
            assert_eq!(status, 403);
        }
        let row = plots::get(&app.db, mine).await.expect("db").expect("plot");
        assert!(!row.retired && row.area.centi() < 10_000, "nothing changed");
        app.finish().await;
    }
}

#[tokio::test]
async fn a_plot_import_lists_every_bad_line_and_stores_nothing_until_all_pass() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let agro = app.signed_in(AGRONOMIST).await;
        let before = plots::list_active(&app.db, PlotFilter::All, None)
            .await
            .expect("db")
            .len();
        let bad = "村,地块,面积（亩）,户号,灌溉\n\
                   团结村,IMP-1,5,demo-0-0-002,滴灌\n\
                   团结村,IMP-1,6,,\n\
                   石羊村,IMP-2,3,,\n\
                   团结村,1-001,3,,\n\
                   团结村,IMP-3,abc,,\n";
        let (status, body) = send(
            agro.post(app.url("/api/v1/import/plots?dry_run=false"))
                .body(bad),
        )
        .await;
        assert_eq!(status, 422, "{body}");
        let lines: Vec<(i64, String)> = body["error"]["fields"]
            .as_array()
            .expect("lines")
            .iter()
            .map(|l| {
                (
                    l["line"].as_i64().unwrap_or(0),
                    l["code"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                (3, "duplicate_in_file".to_owned()),
                (4, "unknown_village".to_owned()),
                (5, "code_taken".to_owned()),
                (6, "area_unreadable".to_owned()),
            ]
        );
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap_or("")
                .starts_with("第 3 行"),
            "{body}"
        );
        let after = plots::list_active(&app.db, PlotFilter::All, None)
            .await
            .expect("db")
            .len();
        assert_eq!(after, before, "nothing stored");

        let good = "村,地块,面积,户号,灌溉\n团结村,IMP-1,5,demo-0-0-002,滴灌\n和平村,IMP-1,6.5,,\n";
        let (status, body) = send(agro.post(app.url("/api/v1/import/plots")).body(good)).await;
        assert_eq!(
            (status, body["rows_ok"].as_i64(), body["stored"].as_i64()),
            (200, Some(2), Some(0))
        );
        assert_eq!(
            plots::list_active(&app.db, PlotFilter::All, None)
                .await
                .expect("db")
                .len(),
            before
        );
        let (status, body) = send(
            agro.post(app.url("/api/v1/import/plots?dry_run=false"))
                .body(good),
        )
        .await;
        assert_eq!((status, body["stored"].as_i64()), (201, Some(2)));
        let id = app.plot_id("和平村", "IMP-1").await;
        assert_eq!(
            plots::get(&app.db, id)
                .await
                .expect("db")
                .expect("plot")
                .area
                .centi(),
            650
        );
        // The same file again: every row's code is now taken.
        let (status, body) = send(
            agro.post(app.url("/api/v1/import/plots?dry_run=false"))
                .body(good),
        )
        .await;
        assert_eq!(
            (status, codes(&body)),
            (422, vec!["code_taken".to_owned(), "code_taken".to_owned()])
        );
        // Not UTF-8 (a GBK "村"): a clear 400.
        let (status, body) = send(
            agro.post(app.url("/api/v1/import/plots"))
                .body(vec![0xB4u8, 0xE5, b'\n']),
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("not_utf8"))
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn a_planting_import_that_would_overfill_a_plot_stores_nothing() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let agro = app.signed_in(AGRONOMIST).await;
        let tuanjie = app.village_id("团结村").await;
        let (status, _) = send(
            agro.post(app.url("/api/v1/plots"))
                .json(&json!({ "village_id": tuanjie, "code": "P-10", "area_mu": 10 })),
        )
        .await;
        assert_eq!(status, 201);
        let count = plantings::count(&app.db).await.expect("db");
        let overfull = "村,地块,作物,面积,种植日期,状态\n\
                        团结村,P-10,莴笋,6,2026-12-01,已种\n\
                        团结村,P-10,花菜,5,2026-12-03,计划\n";
        let (status, body) = send(
            agro.post(app.url("/api/v1/import/plantings?dry_run=false"))
                .body(overfull),
        )
        .await;
        assert_eq!(
            (status, codes(&body)),
            (422, vec!["area_exceeds_plot".to_owned()]),
            "{body}"
        );
        assert_eq!(plantings::count(&app.db).await.expect("db"), count);
        let fits = overfull.replace(",5,2026-12-03", ",4,2026-12-03");
        let (status, body) = send(
            agro.post(app.url("/api/v1/import/plantings?dry_run=false"))
                .body(fits),
        )
        .await;
        assert_eq!((status, body["stored"].as_i64()), (201, Some(2)), "{body}");
        assert_eq!(plantings::count(&app.db).await.expect("db"), count + 2);
        app.finish().await;
    }
}

#[tokio::test]
async fn two_simultaneous_imports_that_would_together_overfill_a_plot_store_exactly_one() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let agro = app.signed_in(AGRONOMIST).await;
        let admin = app.signed_in(ADMIN).await;
        let tuanjie = app.village_id("团结村").await;
        let (status, _) = send(
            agro.post(app.url("/api/v1/plots"))
                .json(&json!({ "village_id": tuanjie, "code": "C-10", "area_mu": 10 })),
        )
        .await;
        assert_eq!(status, 201);
        let file = "村,地块,作物,面积,种植日期\n团结村,C-10,莴笋,3,2026-12-01\n团结村,C-10,莴笋,3,2026-12-02\n";
        let url = app.url("/api/v1/import/plantings?dry_run=false");
        let (a, b) = tokio::join!(
            send(agro.post(&url).body(file)),
            send(admin.post(&url).body(file)),
        );
        let mut statuses = [a.0, b.0];
        statuses.sort_unstable();
        assert_eq!(statuses, [201, 422], "{a:?} {b:?}");
        let id = app.plot_id("团结村", "C-10").await;
        assert_eq!(
            plantings::list_for_plot(&app.db, id)
                .await
                .expect("db")
                .len(),
            2
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn the_import_page_checks_then_imports_with_plain_form_posts() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let agro = app.signed_in(AGRONOMIST).await;
        let csv = "村\t地块\t面积\n团结村\tWEB-1\t2.5\n";
        let res = app
            .post_form_as(
                &agro,
                "/fn/run_import",
                &[("kind", "plots"), ("csv", csv), ("dry_run", "1")],
            )
            .await;
        assert!(res.status().is_redirection(), "{}", res.status());
        let to = res.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned();
        assert!(to.starts_with("/import?run="), "{to}");
        let (status, html) = app.get_text_as(&agro, &to).await;
        assert_eq!(status, 200);
        assert!(html.contains("检查通过：1 行地块可以导入"), "{html}");
        assert!(
            plots::list_active(&app.db, PlotFilter::All, None)
                .await
                .expect("db")
                .iter()
                .all(|p| p.code != "WEB-1")
        );
        let run = to.trim_start_matches("/import?run=");
        let res = app
            .post_form_as(&agro, "/fn/confirm_import", &[("run", run)])
            .await;
        let to = res.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned();
        let (_, html) = app.get_text_as(&agro, &to).await;
        assert!(html.contains("已导入 1 行地块"), "{html}");
        assert_eq!(
            plots::get(&app.db, app.plot_id("团结村", "WEB-1").await)
                .await
                .expect("db")
                .expect("plot")
                .area
                .centi(),
            250
        );
        // Someone else's run is not theirs to see or confirm.
        let admin = app.signed_in(ADMIN).await;
        let (_, html) = app.get_text_as(&admin, &to).await;
        assert!(!html.contains("已导入"), "a run is private to its sender");
        // A farmer is told, not shown a form.
        let farmer = app.signed_in(FARMER).await;
        let (status, html) = app.get_text_as(&farmer, "/import").await;
        assert_eq!(status, 200);
        assert!(html.contains("只有乡镇农技员和管理员可以导入"));
        app.finish().await;
    }
}

#[tokio::test]
async fn the_plot_forms_work_without_javascript_and_refusals_come_back_next_to_the_fields() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let agro = app.signed_in(AGRONOMIST).await;
        let tuanjie = app.village_id("团结村").await.to_string();
        let res = app
            .post_form_as(
                &agro,
                "/fn/save_plot",
                &[
                    ("village_id", &tuanjie),
                    ("code", "F-1"),
                    ("area", "0"),
                    ("owner", ""),
                    ("irrigation", ""),
                    ("notes", ""),
                ],
            )
            .await;
        let to = res.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned();
        let (_, html) = app.get_text_as(&agro, &to).await;
        assert!(html.contains("面积必须大于 0"), "{to}");
        assert!(html.contains("value=\"F-1\""), "typed values come back");
        let res = app
            .post_form_as(
                &agro,
                "/fn/save_plot",
                &[
                    ("village_id", &tuanjie),
                    ("code", "F-1"),
                    ("area", "4"),
                    ("owner", ""),
                    ("irrigation", "rainfed"),
                    ("notes", "<script>x</script>"),
                ],
            )
            .await;
        let to = res.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned();
        assert!(to.contains("?saved="), "{to}");
        let (_, html) = app.get_text_as(&agro, &to).await;
        assert!(html.contains("地块已保存") && html.contains("地块 F-1"));
        assert!(
            !html.contains("<script>x</script>") && html.contains("&lt;script&gt;"),
            "notes are escaped"
        );
        let id = app.plot_id("团结村", "F-1").await.to_string();
        let res = app
            .post_form_as(&agro, "/fn/retire_plot", &[("plot_id", &id)])
            .await;
        let to = res.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned();
        let (_, html) = app.get_text_as(&agro, &to).await;
        assert!(html.contains("地块已停用，历史记录保留"), "{to}");
        app.finish().await;
    }
}

#[tokio::test]
async fn the_plantings_list_carries_each_plantings_forecast_in_the_callers_scope() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let farmer = app.signed_in(FARMER).await;
        let (status, body) = send(farmer.get(app.url("/api/v1/plantings"))).await;
        assert_eq!(status, 200);
        let list = body["plantings"].as_array().expect("list");
        assert!(!list.is_empty());
        assert!(
            list.iter().all(|p| p["plot_code"] == "1-010"),
            "only the farmer's own plot"
        );
        assert!(
            list.iter()
                .any(|p| p["forecast"]["harvest_start"].is_string()),
            "{body}"
        );
        let admin = app.signed_in(ADMIN).await;
        let (_, all) = send(admin.get(app.url("/api/v1/plantings"))).await;
        assert!(all["plantings"].as_array().expect("list").len() > list.len());
        let (status, progress) = send(admin.get(app.url("/api/v1/progress"))).await;
        assert_eq!(status, 200);
        assert!(progress["targets"].is_array());
        app.finish().await;
    }
}
