//! Exports: CSV with Chinese headers that spreadsheets read, XLSX read back by an independent
//! reader (calamine), and only the caller's records.

use crate::helpers::{AGRONOMIST, FARMER, spawn_app};
use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;
use tianlian_storage::testing::engines;

#[tokio::test]
async fn plots_export_as_csv_and_xlsx_with_chinese_headers_and_only_the_callers_plots() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let agronomist = app.signed_in(AGRONOMIST).await;
        let res = agronomist
            .get(app.url("/api/v1/export/plots.csv"))
            .send()
            .await
            .expect("csv");
        assert_eq!(res.status().as_u16(), 200);
        assert!(
            res.headers()["content-type"]
                .to_str()
                .expect("type")
                .starts_with("text/csv")
        );
        let bytes = res.bytes().await.expect("body");
        assert!(
            bytes.starts_with(b"\xEF\xBB\xBF"),
            "UTF-8 BOM for spreadsheets"
        );
        let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("乡镇,村,地块,面积（亩）,面积（公顷）,户主,今日空闲（亩）")
        );
        assert_eq!(lines.count(), 120, "飞虹乡's 120 plots");

        let res = agronomist
            .get(app.url("/api/v1/export/progress.xlsx"))
            .send()
            .await
            .expect("xlsx");
        assert_eq!(res.status().as_u16(), 200);
        let bytes = res.bytes().await.expect("body");
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a valid xlsx");
        let sheet = book.worksheet_range("进度").expect("sheet 进度");
        assert_eq!(sheet.get((0, 0)), Some(&Data::String("范围".into())));

        let res = agronomist
            .get(app.url("/api/v1/export/market.xlsx"))
            .send()
            .await
            .expect("xlsx");
        let bytes = res.bytes().await.expect("body");
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a valid xlsx");
        let sheet = book.worksheet_range("上市日历").expect("sheet");
        assert!(sheet.height() > 10);
        assert!(
            matches!(sheet.get((1, 3)), Some(Data::Float(_))),
            "kg are numbers"
        );

        // A farmer's export holds their one plot.
        let farmer = app.signed_in(FARMER).await;
        let text = farmer
            .get(app.url("/api/v1/export/plots.csv"))
            .send()
            .await
            .expect("csv")
            .text()
            .await
            .expect("text");
        assert_eq!(text.lines().count(), 2);
        assert!(text.contains("1-010"));
        let res = farmer
            .get(app.url("/api/v1/export/secrets.csv"))
            .send()
            .await
            .expect("404");
        assert_eq!(res.status().as_u16(), 404);
        app.finish().await;
    }
}

#[tokio::test]
async fn the_plantings_export_carries_forecasts_and_reads_back_into_the_importer() {
    for engine in engines() {
        let app = spawn_app(engine).await;
        let agronomist = app.signed_in(AGRONOMIST).await;
        let bytes = agronomist
            .get(app.url("/api/v1/export/plantings.csv"))
            .send()
            .await
            .expect("csv")
            .bytes()
            .await
            .expect("body");
        let text = String::from_utf8(bytes[3..].to_vec()).expect("utf-8");
        let header = text.lines().next().expect("header");
        assert!(
            header.contains("预计始收（P50）") && header.contains("最晚（P90）"),
            "{header}"
        );
        let row = text.lines().nth(1).expect("a planting");
        assert!(row.contains(",2027-") || row.contains(",2026-"), "{row}");
        // The same file fed to the importer: every column is understood; the only complaint
        // is that the plots are already planted.
        let res = agronomist
            .post(app.url("/api/v1/import/plantings"))
            .body(text.clone())
            .send()
            .await
            .expect("import");
        let status = res.status().as_u16();
        let body: serde_json::Value = res.json().await.expect("json");
        if status == 422 {
            for line in body["error"]["fields"].as_array().expect("lines") {
                assert_eq!(line["code"], "area_exceeds_plot", "{line}");
            }
        } else {
            assert_eq!(status, 200, "{body}");
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn whole_list_exports_are_read_a_page_at_a_time_and_keep_every_row_once() {
    use app::usecases::export::{self, Export};
    use tianlian_domain::access::PlotFilter;
    for engine in engines() {
        let app = spawn_app(engine).await;
        let admin = crate::helpers::admin_caller();
        let cache = app::usecases::forecasting::ClimateCache::default();
        let plantings =
            tianlian_storage::plantings::list_on_active_plots(&app.db, PlotFilter::All, None)
                .await
                .expect("plantings");
        let plots = tianlian_storage::plots::list_active(&app.db, PlotFilter::All, None)
            .await
            .expect("plots");
        for (what, expected) in [
            (Export::Plantings, plantings.len()),
            (Export::Plots, plots.len()),
        ] {
            // Seven rows a page: every row once, and the walk ends.
            let (mut rows, mut cursor, mut pages) = (0, None, 0);
            loop {
                let (page, next) = export::page(&app.db, &cache, &admin, what, cursor, 7)
                    .await
                    .expect("page");
                assert!(page.len() <= 7);
                rows += page.len();
                pages += 1;
                match next {
                    Some(n) => cursor = Some(n),
                    None => break,
                }
            }
            assert_eq!(rows, expected, "{:?}: {what:?}", app.engine);
            assert_eq!(pages, expected.div_ceil(7));
        }
        // The streamed CSV: the BOM and header once, then one line per planting.
        let client = app.signed_in(crate::helpers::ADMIN).await;
        let body = client
            .get(app.url("/api/v1/export/plantings.csv"))
            .send()
            .await
            .expect("csv")
            .bytes()
            .await
            .expect("body");
        let text = String::from_utf8(body.to_vec()).expect("utf-8");
        assert_eq!(text.matches('\u{feff}').count(), 1);
        let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        assert_eq!(reader.headers().expect("header").get(0), Some("乡镇"));
        assert_eq!(
            reader.records().count(),
            plantings.len(),
            "{:?}",
            app.engine
        );
        // The streamed XLSX (written in constant memory): the same rows, read back by calamine.
        for (file, sheet, expected) in [
            ("plantings.xlsx", "种植", plantings.len()),
            ("plots.xlsx", "地块", plots.len()),
        ] {
            let res = client
                .get(app.url(&format!("/api/v1/export/{file}")))
                .send()
                .await
                .expect("xlsx");
            assert_eq!(res.status().as_u16(), 200);
            assert!(
                res.headers()["content-type"]
                    .to_str()
                    .expect("type")
                    .contains("spreadsheetml")
            );
            let bytes = res.bytes().await.expect("body");
            let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a valid xlsx");
            let range = book.worksheet_range(sheet).expect("the sheet");
            assert_eq!(range.height(), expected + 1, "{:?}: {file}", app.engine);
            assert_eq!(range.get((0, 0)), Some(&Data::String("乡镇".into())));
            assert!(matches!(
                range.get((1, 3)),
                Some(Data::Float(_)) | Some(Data::String(_))
            ));
        }
        app.finish().await;
    }
}
