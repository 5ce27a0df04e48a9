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
        for text in [
            "地块与种植",
            "飞虹乡",
            "石羊村",
            "龙桥村",
            "莴笋",
            "羊肚菌",
            "公顷",
        ] {
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
        assert!(html.contains("羊肚菌"));
        assert!(
            !html.contains("莴笋"),
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
