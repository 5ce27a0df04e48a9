//! The county overview (#16): every township on one screen for an admin, with figures that agree
//! with the township pages they link to; nobody else sees it.

use crate::helpers::{ADMIN, AGRONOMIST, admin_caller, spawn_app};
use app::usecases::forecasting::ClimateCache;
use tianlian_domain::access::PlotFilter;
use tianlian_storage::testing::engines;

#[tokio::test]
async fn the_county_overview_agrees_with_the_plot_lists_and_the_targets() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        // A township-wide target of this season in 飞虹乡, as its agronomist sets one.
        let agro = app.signed_in(AGRONOMIST).await;
        let today = app::usecases::forecasting::china_today();
        let day = |d: i64| (today + chrono::Duration::days(d)).to_string();
        let feihong_id = app.township_id("飞虹乡").await;
        let res = agro
            .post(app.url("/api/v1/targets"))
            .json(&serde_json::json!({ "place": format!("t:{feihong_id}"), "crops": "winter_vegetables",
                "area_mu": 800, "starts_on": day(-20), "deadline": day(8) }))
            .send()
            .await
            .expect("create");
        assert_eq!(res.status().as_u16(), 201);
        let cache = ClimateCache::default();
        let overview = app::usecases::overview::county_overview(&app.db, &cache, &admin_caller())
            .await
            .expect("overview")
            .expect("an admin sees it");
        let names: Vec<&str> = overview.townships.iter().map(|t| t.name.as_str()).collect();
        assert!(
            names.contains(&"飞虹乡") && names.contains(&"回澜镇"),
            "{names:?}"
        );
        // Plots per township: the same as the plot list's.
        for t in &overview.townships {
            let plots = tianlian_storage::plots::list_active(
                &app.db,
                PlotFilter::Township(t.township_id),
                None,
            )
            .await
            .expect("plots");
            assert_eq!(t.plots, plots.len() as i64, "{:?}: {}", app.engine, t.name);
            let area: tianlian_domain::Mu = plots.iter().map(|p| p.area).sum();
            assert_eq!(t.area, area);
        }
        // Targets: what the progress page says of each township-wide target of this season.
        let views = app::usecases::planning::target_views(&app.db, &admin_caller())
            .await
            .expect("targets");
        let season_start = tianlian_domain::forecast::climate::july_first(
            tianlian_domain::forecast::season_year(app::usecases::forecasting::china_today()),
        );
        let feihong = overview
            .townships
            .iter()
            .find(|t| t.name == "飞虹乡")
            .expect("飞虹乡");
        let wanted: Vec<_> = views
            .iter()
            .filter(|v| v.place == "飞虹乡（全乡）" && v.deadline >= season_start)
            .collect();
        assert!(
            !wanted.is_empty(),
            "the demo has a township-wide target in 飞虹乡"
        );
        assert_eq!(feihong.targets, wanted.len());
        assert_eq!(feihong.target_area, wanted.iter().map(|v| v.area).sum());
        assert_eq!(
            feihong.target_planted,
            wanted.iter().map(|v| v.planted).sum()
        );
        if let [one] = wanted.as_slice() {
            assert_eq!(feihong.percent().as_deref(), Some(one.percent.as_str()));
        }
        // 飞虹乡 has a forecast site: its busiest week is a crop's week with supply.
        let peak = feihong.peak.as_ref().expect("a supply peak in 飞虹乡");
        assert!(peak.kg > 0);
        // The total is the sum of the townships.
        let plots: i64 = overview.townships.iter().map(|t| t.plots).sum();
        assert_eq!(overview.total.plots, plots);
        assert_eq!(overview.total.name, "全县");

        // Through the page: an admin sees it; an agronomist is told it is the county's.
        let admin_client = app.signed_in(ADMIN).await;
        let (status, html) = app.get_text_as(&admin_client, "/county").await;
        assert_eq!(status, 200);
        for text in ["县级总览", "飞虹乡", "回澜镇", "全县", "上市高峰"] {
            assert!(
                html.contains(text),
                "{:?}: /county lacks {text}",
                app.engine
            );
        }
        assert!(html.contains(&format!("/plots?township={}", feihong.township_id)));
        let (status, html) = app.get_text_as(&agro, "/county").await;
        assert_eq!(status, 200);
        assert!(html.contains("只对县级管理员开放") && !html.contains("回澜镇"));
        app.finish().await;
    }
}
