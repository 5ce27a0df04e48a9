//! Storage statements on both engines: migrations, demo data, and the plot-area lock.

use tianlian_domain::access::PlotFilter;
use tianlian_domain::planting::validate_new_planting;
use tianlian_domain::{Mu, NewPlantingInput, PlantingError};
use tianlian_storage::plantings::{self, InsertError};
use tianlian_storage::testing::{Engine, ScratchDb, engines};
use tianlian_storage::{cooperatives, crops, demo, households, plots};

#[tokio::test]
async fn a_postgres_connection_ended_while_idle_is_replaced_before_the_next_query() {
    // The pool pings only connections idle for PING_IF_IDLE_FOR or more (sqlx's ping before
    // every use was dropped for speed): after a database restart the next query must still work.
    let Some(engine) = engines()
        .into_iter()
        .find(|e| matches!(e, Engine::Postgres(_)))
    else {
        return;
    };
    let (scratch, db) = ScratchDb::migrated(&engine).await;
    db.ping().await.expect("first query");
    let ended = scratch.end_connections().await.expect("end connections");
    assert!(ended >= 1, "the pool held no connection to end");
    tokio::time::sleep(tianlian_storage::PING_IF_IDLE_FOR + std::time::Duration::from_millis(300))
        .await;
    db.ping()
        .await
        .expect("the query after the database ended its idle connections");
    db.close().await;
    scratch.drop_now().await;
}

#[tokio::test]
async fn migrations_run_twice_and_demo_data_loads_once() {
    for engine in engines() {
        let (scratch, db) = ScratchDb::migrated(&engine).await;
        db.migrate().await.expect("second migrate is a no-op");
        let first = demo::load(&db).await.expect("demo");
        let second = demo::load(&db).await.expect("demo again");
        assert!(first.plantings_added > 200, "{engine:?}: {first:?}");
        assert_eq!(second.plantings_added, 0, "{engine:?}");
        assert_eq!(second.plantings, first.plantings, "{engine:?}");
        assert_eq!(
            households::count(&db).await.expect("count"),
            first.households
        );
        assert_eq!(crops::list(&db).await.expect("crops").len(), 5);
        assert_eq!(
            cooperatives::list(&db).await.expect("cooperatives").len(),
            2
        );
        db.close().await;
        scratch.drop_now().await;
    }
}

#[tokio::test]
async fn demo_data_holds_the_seed_cases_acreage() {
    for engine in engines() {
        let (scratch, db) = ScratchDb::migrated(&engine).await;
        demo::load(&db).await.expect("demo");
        let plots = plots::list_active(&db, PlotFilter::All, None)
            .await
            .expect("plots");
        let area_in = |township: &str| -> Mu {
            plots
                .iter()
                .filter(|p| p.township_name == township)
                .map(|p| p.area)
                .sum()
        };
        // 飞虹乡: about 800 mu of winter vegetables; 回澜镇: 700+ mu of morels.
        assert!(
            area_in("飞虹乡") >= Mu::from_whole(800),
            "{}",
            area_in("飞虹乡")
        );
        assert!(
            area_in("回澜镇") >= Mu::from_whole(700),
            "{}",
            area_in("回澜镇")
        );
        db.close().await;
        scratch.drop_now().await;
    }
}

#[tokio::test]
async fn two_concurrent_plantings_that_would_overfill_a_plot_cannot_both_be_stored() {
    for engine in engines() {
        let (scratch, db) = ScratchDb::migrated(&engine).await;
        demo::load(&db).await.expect("demo");
        // A fresh empty plot of 10 mu in the first village.
        let village_id = plots::list_active(&db, PlotFilter::All, None)
            .await
            .expect("plots")[0]
            .village_id;
        let plot_id = plots::ensure(
            &db,
            &plots::NewPlot {
                village_id,
                code: "T-1",
                area: Mu::from_whole(10),
                owner_household_id: None,
                irrigation: "",
            },
        )
        .await
        .expect("plot");
        let crops = crops::list(&db).await.expect("crops");
        let attempts = (0..8).map(|_| {
            let (db, crops) = (db.clone(), crops.clone());
            tokio::spawn(async move {
                let input = NewPlantingInput {
                    crop: "celtuce".into(),
                    area: "6".into(),
                    planted_on: "2026-12-01".into(),
                    status: String::new(),
                };
                plantings::insert_checked(&db, plot_id, None, |load| {
                    validate_new_planting(&input, &crops, load.area, &load.held)
                })
                .await
            })
        });
        let mut stored = 0;
        for a in attempts {
            match a.await.expect("task") {
                Ok(_) => stored += 1,
                Err(InsertError::Rejected(e)) => {
                    assert!(
                        matches!(e[..], [PlantingError::AreaExceedsRemaining { .. }]),
                        "{e:?}"
                    );
                }
                Err(other) => panic!("{engine:?}: unexpected {other:?}"),
            }
        }
        assert_eq!(stored, 1, "{engine:?}");
        let held: Mu = plantings::list_for_plot(&db, plot_id)
            .await
            .expect("list")
            .iter()
            .map(|p| p.area)
            .sum();
        assert_eq!(held, Mu::from_whole(6), "{engine:?}");
        db.close().await;
        scratch.drop_now().await;
    }
}

#[tokio::test]
async fn planting_on_a_missing_plot_is_reported_as_such() {
    for engine in engines() {
        let (scratch, db) = ScratchDb::migrated(&engine).await;
        let r = plantings::insert_checked(&db, 4242, None, |_| {
            Err::<tianlian_domain::ValidPlanting, ()>(())
        })
        .await;
        assert!(matches!(r, Err(InsertError::PlotNotFound)), "{engine:?}");
        db.close().await;
        scratch.drop_now().await;
    }
}

#[tokio::test]
async fn sites_are_seeded_and_weather_imports_replace_days_and_bump_the_version() {
    use std::collections::BTreeMap;
    use tianlian_domain::forecast::DailyTemp;
    use tianlian_storage::sites;
    for engine in engines() {
        let (scratch, db) = ScratchDb::migrated(&engine).await;
        let codes: Vec<String> = sites::list(&db)
            .await
            .expect("sites")
            .into_iter()
            .map(|s| s.code)
            .collect();
        assert_eq!(codes, ["chengdu", "maoxian", "shifang"], "{engine:?}");
        let site = sites::by_code(&db, "maoxian")
            .await
            .expect("db")
            .expect("site");
        assert_eq!(site.normals.tmin[0], -2.7);
        assert_eq!((site.weather_version, site.observed_days), (0, 0));

        let day = |n: u64| {
            chrono::NaiveDate::from_ymd_opt(2025, 7, 1)
                .expect("date")
                .checked_add_days(chrono::Days::new(n))
                .expect("date")
        };
        let first: BTreeMap<_, _> = (0..600)
            .map(|n| {
                (
                    day(n),
                    DailyTemp {
                        tmin: 1.0,
                        tmax: 9.5,
                    },
                )
            })
            .collect();
        assert_eq!(
            sites::import_weather(&db, site.id, &first)
                .await
                .expect("import"),
            600
        );
        let again: BTreeMap<_, _> = [(
            day(0),
            DailyTemp {
                tmin: -3.0,
                tmax: 2.0,
            },
        )]
        .into();
        sites::import_weather(&db, site.id, &again)
            .await
            .expect("import");

        let stored = sites::weather(&db, site.id).await.expect("weather");
        assert_eq!(stored.len(), 600);
        assert_eq!(
            stored[&day(0)],
            DailyTemp {
                tmin: -3.0,
                tmax: 2.0
            }
        );
        assert_eq!(
            stored[&day(599)],
            DailyTemp {
                tmin: 1.0,
                tmax: 9.5
            }
        );
        let site = sites::by_code(&db, "maoxian")
            .await
            .expect("db")
            .expect("site");
        assert_eq!((site.weather_version, site.observed_days), (2, 600));
        db.close().await;
        scratch.drop_now().await;
    }
}

#[tokio::test]
async fn targets_are_stored_listed_by_township_and_deleted_with_their_plantings_at_hand() {
    use chrono::NaiveDate;
    use tianlian_domain::targets::{CropScope, Target};
    use tianlian_storage::{places, targets};
    for engine in engines() {
        let (scratch, db) = ScratchDb::migrated(&engine).await;
        demo::load(&db).await.expect("demo");
        let villages = places::list_villages(&db, PlotFilter::All)
            .await
            .expect("villages");
        let feihong = villages
            .iter()
            .find(|v| v.township_name == "飞虹乡")
            .expect("飞虹乡");
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("date");
        let target = Target {
            crops: CropScope::WinterVegetables,
            area: Mu::from_whole(800),
            starts_on: day(11, 11),
            deadline: day(12, 10),
        };
        let entry = tianlian_storage::audit::AuditEntry::new(None, "create", "target")
            .after(serde_json::json!({ "area_centi_mu": target.area.centi() }));
        let id = targets::create(&db, feihong.township_id, None, &target, None, &entry)
            .await
            .expect("create");
        targets::create(
            &db,
            feihong.township_id,
            Some(feihong.id),
            &target,
            None,
            &entry,
        )
        .await
        .expect("village target");
        // The entry is written with the target, about it, its JSON as serde wrote it.
        let trail = tianlian_storage::audit::latest(&db, 10)
            .await
            .expect("audit");
        let about: Vec<_> = trail.iter().filter(|e| e.entity == "target").collect();
        assert_eq!(about.len(), 2, "{trail:?}");
        assert_eq!(about[1].entity_id, Some(id));
        let after: serde_json::Value =
            serde_json::from_str(about[1].after_json.as_deref().expect("after")).expect("json");
        assert_eq!(after["area_centi_mu"], 80_000);

        let listed = targets::list(&db, Some(feihong.township_id))
            .await
            .expect("list");
        assert_eq!(listed.len(), 2, "{engine:?}");
        assert_eq!(listed[0].target, target);
        assert_eq!(
            listed[1].village_name.as_deref(),
            Some(feihong.name.as_str())
        );
        let other = villages
            .iter()
            .find(|v| v.township_name == "回澜镇")
            .expect("回澜镇");
        assert!(
            targets::list(&db, Some(other.township_id))
                .await
                .expect("list")
                .is_empty()
        );

        // 120 plots in 飞虹乡, one planting each; the village holds 40 of them. Items come
        // summed per crop, day, status and village: the areas add up to the plantings'.
        let every_crop = [
            "celtuce",
            "cauliflower",
            "morel",
            "chuanxiong",
            "houttuynia",
        ];
        let area = |items: &[tianlian_domain::targets::PlantedItem]| {
            items.iter().map(|i| i.area).sum::<Mu>()
        };
        let all = targets::planted_items(&db, feihong.township_id, None, day(7, 1), &every_crop)
            .await
            .expect("items");
        let township_plantings =
            plantings::list_on_active_plots(&db, PlotFilter::Township(feihong.township_id), None)
                .await
                .expect("plantings");
        assert_eq!(township_plantings.len(), 120);
        assert_eq!(
            area(&all),
            township_plantings.iter().map(|p| p.area).sum::<Mu>()
        );
        assert!(!all.is_empty() && all.len() <= 120);
        let village = targets::planted_items(
            &db,
            feihong.township_id,
            Some(feihong.id),
            day(7, 1),
            &every_crop,
        )
        .await
        .expect("items");
        assert!(village.iter().all(|i| i.village_id == feihong.id));
        assert!(area(&village) > Mu::ZERO && area(&village) < area(&all));
        let celtuce =
            targets::planted_items(&db, feihong.township_id, None, day(7, 1), &["celtuce"])
                .await
                .expect("items");
        assert!(celtuce.iter().all(|i| i.crop == "celtuce"));
        assert!(
            targets::planted_items(&db, feihong.township_id, None, day(7, 1), &[])
                .await
                .expect("none")
                .is_empty()
        );
        // Several townships in one read: each item tagged with its own, the sums the same as
        // one township at a time.
        let townships: Vec<i64> = tianlian_storage::places::list_villages(&db, PlotFilter::All)
            .await
            .expect("villages")
            .into_iter()
            .map(|v| v.township_id)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        assert!(townships.len() >= 2);
        let both = targets::planted_items_in(&db, &townships, day(7, 1), &every_crop)
            .await
            .expect("items");
        for &township in &townships {
            let one = targets::planted_items(&db, township, None, day(7, 1), &every_crop)
                .await
                .expect("items");
            let tagged: Vec<_> = both
                .iter()
                .filter(|(t, _)| *t == township)
                .map(|(_, i)| i.clone())
                .collect();
            assert_eq!(area(&tagged), area(&one));
            assert_eq!(tagged.len(), one.len());
        }

        let gone = tianlian_storage::audit::AuditEntry::new(None, "delete", "target");
        assert!(targets::delete(&db, id, &gone).await.expect("delete"));
        assert!(!targets::delete(&db, id, &gone).await.expect("delete again"));
        // One entry for the delete that happened, none for the one that found nothing.
        let deletes = tianlian_storage::audit::latest(&db, 10)
            .await
            .expect("audit")
            .into_iter()
            .filter(|e| e.action == "delete" && e.entity_id == Some(id))
            .count();
        assert_eq!(deletes, 1);
        assert!(targets::get(&db, id).await.expect("get").is_none());
        db.close().await;
        scratch.drop_now().await;
    }
}
