use crate::helpers::{ADMIN, AGRONOMIST, FARMER, spawn_app};
use serde_json::Value;
use tianlian_domain::access::PlotFilter;
use tianlian_storage::testing::engines;

#[tokio::test]
async fn the_plots_page_lists_villages_plots_and_plantings_in_chinese() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let admin = app.signed_in(ADMIN).await;
        let (status, html) = app.get_text_as(&admin, "/plots").await;
        assert_eq!(status, 200);
        // A county admin first picks a township (chips for each), then a village.
        for text in ["地块与种植", "飞虹乡", "回澜镇", "莴笋", "公顷", "全县"] {
            assert!(html.contains(text), "{:?}: page lacks {text}", app.engine);
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn a_village_filter_shows_only_that_villages_plots() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let admin = app.signed_in(ADMIN).await;
        let villages = tianlian_storage::places::list_villages(&app.db, PlotFilter::All)
            .await
            .expect("villages");
        let shiyang = villages
            .iter()
            .find(|v| v.name == "石羊村")
            .expect("石羊村");
        let (status, html) = app
            .get_text_as(&admin, &format!("/plots?village={}", shiyang.id))
            .await;
        assert_eq!(status, 200);
        assert!(html.contains("<strong>羊肚菌</strong>"));
        // (the crop filter offers every crop; no planting of 石羊村 is celtuce)
        assert!(
            !html.contains("<strong>莴笋</strong>"),
            "celtuce belongs to 飞虹乡, not 石羊村"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn an_unknown_plot_or_page_is_404() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let agronomist = app.signed_in(AGRONOMIST).await;
        assert_eq!(app.get_text_as(&agronomist, "/plots/987654").await.0, 404);
        assert_eq!(app.get_text_as(&agronomist, "/no/such/page").await.0, 404);
        app.finish().await;
    }
}

#[tokio::test]
async fn each_planting_on_a_plot_carries_its_forecast_from_the_townships_site() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let farmer = app.signed_in(FARMER).await;
        let listed: Value = farmer
            .get(app.url("/api/v1/plots"))
            .send()
            .await
            .expect("plots")
            .json()
            .await
            .expect("json");
        let id = listed["plots"][0]["id"].as_i64().expect("id");
        let plot: Value = farmer
            .get(app.url(&format!("/api/v1/plots/{id}")))
            .send()
            .await
            .expect("plot")
            .json()
            .await
            .expect("json");
        let planting = &plot["plot"]["plantings"][0];
        let forecast = &planting["forecast"];
        // 团结村 (飞虹乡, 茂县 climate): celtuce or cauliflower transplanted Nov–Dec 2026.
        let start = forecast["harvest_start"].as_str().expect("a forecast");
        assert!(("2027-01-01".."2027-04-30").contains(&start), "{planting}");
        assert!(forecast["harvest_start_p10"].as_str() <= Some(start));
        assert!(forecast["yield_kg"].as_i64().expect("yield") > 0);
        app.finish().await;
    }
}

/// The `plot-card` items on a list page.
fn cards(html: &str) -> usize {
    html.matches("class=\"plot-card\"").count()
}

#[tokio::test]
async fn the_plot_list_pages_and_counts_over_the_whole_filter() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let admin = app.signed_in(ADMIN).await;
        let all = tianlian_storage::plots::list_active(&app.db, PlotFilter::All, None)
            .await
            .expect("plots");
        assert!(all.len() > 50, "the demo has more than a page of plots");
        let area: tianlian_domain::Mu = all.iter().map(|p| p.area).sum();
        let (status, first) = app.get_text_as(&admin, "/plots").await;
        assert_eq!(status, 200);
        assert_eq!(cards(&first), 50, "{:?}: a page holds 50 plots", app.engine);
        let pages = all.len().div_ceil(50);
        assert!(
            first.contains(&format!("共 {} 块，", all.len()))
                && first.contains(&format!("{area} 亩")),
            "{:?}: the total is over every page",
            app.engine
        );
        assert!(first.contains(&format!("第 1 / {pages} 页")));
        assert!(first.contains("rel=\"next\""), "a link to the next page");
        // The last page holds the rest; a page past the end shows the last.
        let rest = all.len() - (pages - 1) * 50;
        let (_, last) = app
            .get_text_as(&admin, &format!("/plots?page={pages}"))
            .await;
        assert_eq!(cards(&last), rest);
        let (_, beyond) = app.get_text_as(&admin, "/plots?page=9999").await;
        assert_eq!(cards(&beyond), rest);
        assert!(!last.contains("rel=\"next\""));
        app.finish().await;
    }
}

#[tokio::test]
async fn the_plot_list_searches_by_plot_household_and_name_and_filters_by_crop_and_status() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let agro = app.signed_in(AGRONOMIST).await;
        let feihong = app.township_id("飞虹乡").await;
        let mine =
            tianlian_storage::plots::list_active(&app.db, PlotFilter::Township(feihong), None)
                .await
                .expect("plots");
        // A plot code: that plot (and any whose code starts so).
        let (_, html) = app.get_text_as(&agro, "/plots?q=1-010").await;
        let expected = mine.iter().filter(|p| p.code.starts_with("1-010")).count();
        assert!(expected >= 1);
        assert_eq!(cards(&html), expected, "{:?}", app.engine);
        assert!(html.contains("地块 1-010"));
        // An owner's name, in part.
        let owned = mine
            .iter()
            .find(|p| p.owner_name.is_some())
            .expect("an owned plot");
        let name = owned.owner_name.clone().expect("name");
        let part: String = name.chars().skip(1).collect();
        let (_, html) = app
            .get_text_as(&agro, &format!("/plots?q={}", urlencode(&part)))
            .await;
        let by_name = mine
            .iter()
            .filter(|p| p.owner_name.as_deref().is_some_and(|n| n.contains(&part)))
            .count();
        assert_eq!(cards(&html), by_name.min(50), "{:?}: {part}", app.engine);
        assert!(html.contains(&name));
        // A household code, from its start.
        let code = owned.owner_code.clone().expect("household code");
        let (_, html) = app
            .get_text_as(&agro, &format!("/plots?q={}", urlencode(&code)))
            .await;
        let by_code = mine
            .iter()
            .filter(|p| {
                p.owner_code
                    .as_deref()
                    .is_some_and(|c| c.starts_with(&code))
                    || p.code.starts_with(&code)
            })
            .count();
        assert_eq!(cards(&html), by_code.min(50));
        // `%` is a character, not a wildcard.
        let (_, html) = app.get_text_as(&agro, "/plots?q=%25").await;
        assert_eq!(cards(&html), 0);
        assert!(html.contains("共 0 块"));
        // Crop and status narrow to plots with such a planting; the count says how many.
        let (_, html) = app
            .get_text_as(&agro, "/plots?crop=celtuce&status=planted")
            .await;
        let rows = tianlian_storage::plantings::list_on_active_plots(
            &app.db,
            PlotFilter::Township(feihong),
            None,
        )
        .await
        .expect("plantings");
        let mut with: Vec<i64> = rows
            .iter()
            .filter(|r| {
                r.crop_code == "celtuce" && r.status == tianlian_domain::PlantingStatus::Planted
            })
            .map(|r| r.plot_id)
            .collect();
        with.sort_unstable();
        with.dedup();
        assert!(
            html.contains(&format!("共 {} 块", with.len())),
            "{:?}",
            app.engine
        );
        // Another township's id narrows an agronomist's own list to nothing.
        let huilan = app.township_id("回澜镇").await;
        let (_, html) = app
            .get_text_as(&agro, &format!("/plots?township={huilan}"))
            .await;
        assert_eq!(cards(&html), 0);
        app.finish().await;
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Walks an API list page by page; returns every row's id and the pages it took.
async fn walk(client: &reqwest::Client, url: &str, key: &str) -> (Vec<i64>, usize) {
    let mut ids = Vec::new();
    let mut cursor: Option<i64> = None;
    let mut pages = 0;
    loop {
        let mut req = client.get(url);
        if let Some(c) = cursor {
            req = req.query(&[("cursor", c)]);
        }
        let res = req.send().await.expect("page");
        assert_eq!(res.status().as_u16(), 200, "{url}");
        let body: Value = res.json().await.expect("json");
        let rows = body[key].as_array().expect("rows").clone();
        assert!(rows.len() <= 100, "at most 100 rows a page");
        pages += 1;
        ids.extend(rows.iter().map(|r| r["id"].as_i64().expect("id")));
        match body["next_cursor"].as_i64() {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    (ids, pages)
}

#[tokio::test]
async fn the_plot_and_planting_apis_page_with_a_cursor_and_show_areas_in_mu() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let admin = app.signed_in(ADMIN).await;
        let all = tianlian_storage::plots::list_active(&app.db, PlotFilter::All, None)
            .await
            .expect("plots");
        // Every plot once, in id order, 7 at a time.
        let (ids, pages) = walk(&admin, &app.url("/api/v1/plots?limit=7"), "plots").await;
        let mut expected: Vec<i64> = all.iter().map(|p| p.id).collect();
        expected.sort_unstable();
        assert_eq!(ids, expected, "{:?}", app.engine);
        assert_eq!(pages, all.len().div_ceil(7));
        // Default and largest page: 100.
        let first: Value = admin
            .get(app.url("/api/v1/plots"))
            .send()
            .await
            .expect("plots")
            .json()
            .await
            .expect("json");
        let plots = first["plots"].as_array().expect("plots");
        assert_eq!(plots.len(), all.len().min(100));
        // Areas in mu as a decimal number, hectares beside.
        let plot = &plots[0];
        let row = all
            .iter()
            .find(|p| Some(p.id) == plot["id"].as_i64())
            .expect("row");
        assert_eq!(plot["area_mu"].as_f64(), Some(row.area.as_f64()));
        let ha = plot["area_ha"].as_f64().expect("ha");
        assert!((ha - row.area.hectares()).abs() < 1e-4, "{ha}");
        assert!(plot.get("area").is_none(), "no bare hundredths");
        // Plantings: every one on plots in use, once.
        let plantings =
            tianlian_storage::plantings::list_on_active_plots(&app.db, PlotFilter::All, None)
                .await
                .expect("plantings");
        let (ids, _) = walk(&admin, &app.url("/api/v1/plantings?limit=50"), "plantings").await;
        let mut expected: Vec<i64> = plantings.iter().map(|p| p.id).collect();
        expected.sort_unstable();
        assert_eq!(ids, expected, "{:?}", app.engine);
        let celtuce = plantings
            .iter()
            .filter(|p| p.crop_code == "celtuce")
            .count();
        let (ids, _) = walk(
            &admin,
            &app.url("/api/v1/plantings?crop=celtuce"),
            "plantings",
        )
        .await;
        assert_eq!(ids.len(), celtuce);
        // Bad paging is a 400 that says why, in Chinese first.
        for q in ["limit=0", "limit=101", "limit=x", "status=growing"] {
            let res = admin
                .get(app.url(&format!("/api/v1/plantings?{q}")))
                .send()
                .await
                .expect("send");
            assert_eq!(res.status().as_u16(), 400, "{q}");
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn leases_and_the_audit_log_page_with_a_cursor() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let admin = app.signed_in(ADMIN).await;
        // Every lease once, one a page, in id order.
        let all = tianlian_storage::alliance::leases(&app.db, None, None, None)
            .await
            .expect("leases");
        assert!(all.len() >= 2, "the demo has leases");
        let (ids, pages) = walk(&admin, &app.url("/api/v1/leases?limit=1"), "leases").await;
        let mut expected: Vec<i64> = all.iter().map(|l| l.id).collect();
        expected.sort_unstable();
        assert_eq!(ids, expected, "{:?}", app.engine);
        assert_eq!(pages, all.len());
        // Each lease still carries its payments.
        let first: Value = admin
            .get(app.url("/api/v1/leases?limit=1"))
            .send()
            .await
            .expect("leases")
            .json()
            .await
            .expect("json");
        assert!(
            first["leases"][0]["payments"]
                .as_array()
                .is_some_and(|p| !p.is_empty())
        );
        // A few audited changes, then the log back in time, two at a time.
        let me: Value = admin
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .expect("me")
            .json()
            .await
            .expect("json");
        let account = me["account_id"].as_i64().expect("account id");
        for n in 0..3 {
            app.issue_token(&admin, account, &format!("page-{n}")).await;
        }
        let newest = tianlian_storage::audit::before(&app.db, None, 1000)
            .await
            .expect("audit");
        assert!(newest.len() >= 3);
        let (ids, _) = walk(&admin, &app.url("/api/v1/audit?limit=2"), "entries").await;
        assert_eq!(
            ids,
            newest.iter().map(|e| e.id).collect::<Vec<_>>(),
            "newest first, each once"
        );
        for q in ["limit=0", "limit=101"] {
            let res = admin
                .get(app.url(&format!("/api/v1/audit?{q}")))
                .send()
                .await
                .expect("send");
            assert_eq!(res.status().as_u16(), 400, "{q}");
        }
        app.finish().await;
    }
}
