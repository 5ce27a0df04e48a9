//! Bounded fuzzing of the parsers hostile text reaches first (#8): the CSV importers (plots,
//! plantings, daily weather) and the forecast request's fields. Each property runs
//! `FUZZ_CASES` generated inputs (default 2,000; e.g. `FUZZ_CASES=200000 cargo test -p
//! tianlian-domain --test fuzz` for a longer run): any text, including control characters,
//! quotes, byte-order marks and CJK, must be answered with a value or a list of errors that
//! name real lines, never a panic.

use chrono::Datelike;
use proptest::prelude::*;
use tianlian_domain::Mu;
use tianlian_domain::crops::{CATALOGUE, Crop};
use tianlian_domain::forecast::{
    self, Climate, Forecaster, Protection, SITES, parse_area, parse_crop, parse_day,
    parse_protection, weather_csv,
};
use tianlian_domain::import::{
    ImportKind, PlotLoadRef, PlotRefs, VillageRef, check_plantings, check_plots, read_rows,
};

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

fn villages() -> Vec<VillageRef> {
    vec![
        VillageRef {
            id: 1,
            name: "团结村".into(),
            township: "飞虹乡".into(),
        },
        VillageRef {
            id: 2,
            name: "和平村".into(),
            township: "飞虹乡".into(),
        },
    ]
}

/// Text shaped like what is pasted into the importers: their headers and cells, separators,
/// quotes and line breaks, mixed with anything else a keyboard or a broken file gives.
fn pasted() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("村".to_owned()),
        Just("地块".to_owned()),
        Just("面积".to_owned()),
        Just("作物".to_owned()),
        Just("种植日期".to_owned()),
        Just("状态".to_owned()),
        Just("户号".to_owned()),
        Just("团结村".to_owned()),
        Just("莴笋".to_owned()),
        Just("2026-12-01".to_owned()),
        Just("date,tmin,tmax".to_owned()),
        Just("date,tmean".to_owned()),
        Just(",".to_owned()),
        Just("\t".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\"".to_owned()),
        Just("\u{feff}".to_owned()),
        "[0-9.\\-]{1,8}",
        "\\PC{0,6}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..80).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn the_plot_and_planting_importers_never_panic_and_name_real_lines(text in pasted()) {
        let lines = text.lines().count().max(1) + 1;
        let crops: Vec<Crop> = CATALOGUE.iter().map(Crop::from).collect();
        let plots = [PlotLoadRef { id: 7, village_id: 1, code: "1-010".into(), area: Mu::from_whole(5), held: vec![] }];
        for kind in [ImportKind::Plots, ImportKind::Plantings, ImportKind::Households] {
            let checked = read_rows(&text, kind).and_then(|rows| match kind {
                ImportKind::Plots => {
                    let refs = PlotRefs { villages: &villages(), existing: &[(1, "A".into())], households: &[("H1".into(), 1)] };
                    check_plots(&rows, &refs).map(|r| r.len())
                }
                ImportKind::Plantings => check_plantings(&rows, &villages(), &plots, &crops).map(|r| r.len()),
                ImportKind::Households => {
                    let codes: std::collections::HashSet<String> = ["H1".to_owned()].into();
                    let phones: std::collections::HashSet<String> = ["13800000000".to_owned()].into();
                    let refs = tianlian_domain::onboard::HouseholdRefs { villages: &villages(), codes: &codes, phones: &phones, this_year: 2026 };
                    tianlian_domain::onboard::check_households(&rows, &refs).map(|r| r.len())
                }
            });
            if let Err(errors) = checked {
                prop_assert!(!errors.is_empty());
                for e in errors {
                    prop_assert!(e.line >= 1 && e.line <= lines, "line {} of {}", e.line, lines);
                }
            }
        }
    }

    #[test]
    fn the_weather_importer_never_panics_and_keeps_only_sound_days(text in pasted()) {
        let lines = u64::try_from(text.lines().count().max(1) + 1).unwrap_or(u64::MAX);
        match weather_csv::parse(&text) {
            Ok(days) => {
                for t in days.values() {
                    prop_assert!(t.tmin <= t.tmax && t.tmin.is_finite() && t.tmax.is_finite());
                }
            }
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for e in errors {
                    prop_assert!(e.line >= 1 && e.line <= lines, "line {} of {}", e.line, lines);
                }
            }
        }
    }

    #[test]
    fn forecast_request_fields_are_read_or_refused_never_a_panic(
        crop in "\\PC{0,12}",
        cover in proptest::option::of("\\PC{0,8}"),
        day in prop_oneof!["\\PC{0,12}", "[0-9]{1,5}-[0-9]{1,3}-[0-9]{1,3}"],
        area in prop_oneof!["\\PC{0,10}", "-?[0-9]{0,9}(\\.[0-9]{0,4})?", "[0-9]e[0-9]{1,3}"],
    ) {
        let _ = parse_crop(&crop);
        let _ = parse_protection(cover.as_deref());
        if let Ok(d) = parse_day(&day) {
            prop_assert!((1901..2100).contains(&d.year()));
        }
        if let Ok(a) = parse_area(&area) {
            prop_assert!(a.is_positive() && a <= Mu::from_whole(forecast::MAX_AREA_MU));
        }
    }

}

proptest! {
    // Each case builds a season table (a few ms): an eighth as many.
    #![proptest_config(ProptestConfig { cases: cases() / 8, ..ProptestConfig::default() })]

    #[test]
    fn any_accepted_request_gets_a_forecast_or_a_refusal(
        crop in prop::sample::select(vec!["celtuce", "cauliflower", "morel", "chuanxiong", "houttuynia"]),
        cover in prop::sample::select(vec!["open", "mulch", "tunnel"]),
        site in 0..SITES.len(),
        day in 0u32..73_000,
        centi in 1i64..10_000_000,
    ) {
        let seed = &SITES[site];
        let climate = Climate::new(&seed.normals, Default::default(), seed.code);
        let planted = chrono::NaiveDate::from_ymd_opt(1901, 1, 1).expect("date")
            + chrono::Days::new(u64::from(day));
        let model = parse_crop(crop).expect("crop");
        let cover = Protection::from_code(cover).expect("cover");
        if let Ok(f) = Forecaster::new(model, cover, &climate, None).forecast(planted, Mu::from_centi(centi)) {
            prop_assert!(f.harvest_start_p10 <= f.harvest_start && f.harvest_start <= f.harvest_start_p90);
            prop_assert!(f.harvest_start > planted && f.yield_kg >= 0);
        }
    }
}
