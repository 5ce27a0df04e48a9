//! Engine tests: the product's own cases and the published calendars of `shared/agronomy.md`
//! (sources named per test), and the properties every forecast must keep.

use super::*;
use crate::Mu;
use chrono::Duration;
use proptest::prelude::*;
use std::collections::BTreeMap;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

fn climate(site: &str) -> Climate {
    let seed = climate::site_seed(site).expect("site");
    Climate::new(&seed.normals, BTreeMap::new(), seed.code)
}

fn forecast(crop: &str, site: &str, protection: Protection, planted: NaiveDate) -> Forecast {
    let climate = climate(site);
    let mut f = Forecaster::new(parse_crop(crop).expect("crop"), protection, &climate, None);
    f.forecast(planted, Mu::from_whole(10)).expect("forecast")
}

/// The product's case (agronomy.md, 茂县飞虹乡 news report): celtuce transplanted in late
/// November and early December is ready the following February, for the Spring Festival.
#[test]
fn maoxian_celtuce_transplanted_late_november_to_early_december_is_ready_in_february() {
    for planted in [
        d(2026, 11, 25),
        d(2026, 12, 1),
        d(2026, 12, 5),
        d(2026, 12, 10),
    ] {
        let f = forecast("celtuce", "maoxian", Protection::Open, planted);
        assert_eq!(
            (f.harvest_start.year(), f.harvest_start.month()),
            (2027, 2),
            "planted {planted}: {f:?}"
        );
    }
}

/// Same case for cauliflower (花菜 "matures the following February").
#[test]
fn maoxian_cauliflower_transplanted_in_early_december_matures_in_february() {
    let f = forecast("cauliflower", "maoxian", Protection::Open, d(2026, 12, 1));
    assert_eq!(f.harvest_start.month(), 2, "{f:?}");
}

/// The premise: the Chengdu plain (January mean 5–6 °C) grows celtuce far faster than
/// 茂县 (January mean 1 °C).
#[test]
fn celtuce_in_chengdu_is_weeks_ahead_of_maoxian() {
    let overwintering = crop_type("celtuce", "overwintering").expect("type");
    let at = |site: &str| {
        let climate = climate(site);
        Forecaster::new(overwintering, Protection::Open, &climate, None)
            .forecast(d(2026, 12, 5), Mu::from_whole(10))
            .expect("forecast")
    };
    let (mao, cdu) = (at("maoxian"), at("chengdu"));
    assert!(
        (mao.harvest_start - cdu.harvest_start).num_days() >= 14,
        "{mao:?} {cdu:?}"
    );
}

/// 什邡回澜镇 case: a morel crop takes about 4–5 months; Sichuan harvest Feb–Apr (agronomy.md,
/// Morel "Calendar"; Tang et al. 2016 primordia 80–100 days after field incubation).
#[test]
fn shifang_morels_sown_in_november_fruit_in_spring_four_to_five_months_later() {
    let sown = d(2026, 11, 5);
    let f = forecast("morel", "shifang", Protection::Open, sown);
    assert!((2..=4).contains(&f.harvest_start.month()), "{f:?}");
    assert!(f.harvest_end <= d(2027, 4, 30), "{f:?}");
    let to_harvest = (f.harvest_start - sown).num_days();
    assert!(
        (120..=153).contains(&to_harvest),
        "{to_harvest} days: {f:?}"
    );
}

/// 川芎 at 都江堰: planted between 立秋 and 处暑, dug in late May the next year, 280–290 days
/// (nongxun.net/wdd14836; kumifeng.com …/6711.html).
#[test]
fn chuanxiong_planted_in_mid_august_is_dug_in_late_may() {
    let f = forecast("chuanxiong", "shifang", Protection::Open, d(2026, 8, 15));
    assert_eq!(f.harvest_start.month(), 5, "{f:?}");
    assert!(f.harvest_start.day() >= 15, "{f:?}");
    let days = (f.harvest_start - d(2026, 8, 15)).num_days();
    assert!((270..=295).contains(&days), "{days}");
}

/// 折耳根 planted around 立春 and dug the following late February (犍为, southern Sichuan): the
/// digging window of a 立春 planting covers late February of the next year.
#[test]
fn houttuynia_planted_at_start_of_spring_is_dug_through_the_next_late_february() {
    let planted = calendar::Term::START_OF_SPRING.date_in(2026).expect("term");
    let f = forecast("houttuynia", "shifang", Protection::Open, planted);
    assert!(
        f.harvest_start.year() == 2026 && f.harvest_start.month() >= 9,
        "{f:?}"
    );
    assert!(f.harvest_end >= d(2027, 2, 25), "{f:?}");
}

#[test]
fn yield_is_area_times_yield_per_mu() {
    let f = forecast("celtuce", "maoxian", Protection::Open, d(2026, 12, 1));
    assert_eq!(f.yield_kg, 25_000);
    let model = crop_model("morel").expect("crop");
    assert_eq!(
        engine::expected_yield_kg(model, Mu::from_centi(1_050)),
        1_785
    );
}

#[test]
fn peak_and_end_follow_the_harvest_window() {
    let f = forecast("celtuce", "maoxian", Protection::Open, d(2026, 12, 1));
    assert_eq!(f.harvest_peak, f.harvest_start + Duration::days(10));
    assert_eq!(f.harvest_end, f.harvest_start + Duration::days(20));
    assert_eq!(f.basis, SpreadBasis::Normals(climate::SYNTHETIC_MEMBERS));
}

#[test]
fn observed_warm_weather_so_far_brings_the_harvest_forward() {
    let seed = climate::site_seed("maoxian").expect("site");
    let mut observed = BTreeMap::new();
    for day in d(2026, 12, 1).iter_days().take(30) {
        observed.insert(
            day,
            DailyTemp {
                tmin: 8.0,
                tmax: 18.0,
            },
        );
    }
    let warm = Climate::new(&seed.normals, observed, seed.code);
    let model = parse_crop("celtuce").expect("crop");
    let today = d(2026, 12, 31);
    let with = Forecaster::new(model, Protection::Open, &warm, Some(today))
        .forecast(d(2026, 12, 1), Mu::from_whole(1))
        .expect("forecast");
    let plain = forecast("celtuce", "maoxian", Protection::Open, d(2026, 12, 1));
    assert!(
        with.harvest_start < plain.harvest_start,
        "{with:?} {plain:?}"
    );
    // A warm December of 13 °C means: 30 × 13 = 390 °C·d > 270, so harvest falls in December.
    assert_eq!(with.harvest_start.month(), 12);
}

#[test]
fn market_targets_resolve_against_the_spring_festival() {
    let target = MarketTarget::SpringFestival {
        spring_festival: 2027,
        days_before: 7,
    };
    assert_eq!(target.date(), Ok(d(2027, 1, 30)));
    let too_early = MarketTarget::SpringFestival {
        spring_festival: 1900,
        days_before: 7,
    };
    assert_eq!(too_early.date(), Err(ForecastError::YearOutOfRange));
    let too_far = MarketTarget::SpringFestival {
        spring_festival: 2027,
        days_before: 400,
    };
    assert_eq!(too_far.date(), Err(ForecastError::InvalidMarket));
}

#[test]
fn backward_schedule_for_the_spring_festival_market_in_maoxian() {
    let climate = climate("maoxian");
    let mut auto = Forecaster::new(
        parse_crop("celtuce").expect("crop"),
        Protection::Open,
        &climate,
        None,
    );
    let market = d(2027, 2, 20);
    let s = backward(&mut auto, market).expect("reachable");
    // For a Spring Festival market at 茂县, the engine works back with the overwintering type.
    assert_eq!(s.crop_type, "overwintering");
    let model = crop_type("celtuce", &s.crop_type).expect("type");
    let mut f = Forecaster::new(model, Protection::Open, &climate, None);
    let p90 = s.latest_planting_p90.expect("p90");
    assert!(p90 <= s.latest_planting_p50);
    let at = f.start_range(s.latest_planting_p50).expect("range");
    assert!(at.p50 <= market);
    let after = f
        .start_range(s.latest_planting_p50 + Duration::days(1))
        .expect("range");
    assert!(after.p50 > market);
    assert!(f.start_range(p90).expect("range").p90 <= market);
    let earliest = s.earliest_planting.expect("earliest");
    assert!(earliest <= s.latest_planting_p50);
    assert!(
        earliest >= d(2026, 11, 1),
        "inside the Nov–Dec window: {earliest}"
    );
}

#[test]
fn chuanxiong_windows_are_read_in_solar_terms() {
    let model = crop_model("chuanxiong").expect("crop");
    // 立秋 2026 = 7 Aug, 白露 2026 = 7 Sep.
    assert!(model.window.contains(d(2026, 8, 15), 30.0));
    assert!(!model.window.contains(d(2026, 8, 6), 30.0));
    assert!(!model.window.contains(d(2026, 9, 20), 30.0));
}

#[test]
fn morels_are_sown_only_once_the_day_maximum_falls_below_20() {
    let model = crop_model("morel").expect("crop");
    assert!(!model.window.contains(d(2026, 9, 10), 25.0));
    assert!(model.window.contains(d(2026, 11, 1), 15.0));
}

#[test]
fn a_target_of_800_mu_by_10_december_needs_a_daily_rate() {
    let rate = plan_rate(
        Mu::from_whole(800),
        Mu::from_whole(500),
        d(2026, 11, 25),
        d(2026, 12, 10),
    );
    assert_eq!(rate.state, PlanState::InProgress);
    assert_eq!(rate.days_left, 16);
    assert_eq!(rate.remaining, Mu::from_whole(300));
    assert_eq!(rate.per_day, Mu::from_centi(1_875));
    assert_eq!(rate.percent_basis_points, 6_250);
    let done = plan_rate(
        Mu::from_whole(800),
        Mu::from_centi(80_096),
        d(2026, 12, 1),
        d(2026, 12, 10),
    );
    assert_eq!(
        (done.state, done.per_day, done.percent_basis_points),
        (PlanState::Done, Mu::ZERO, 10_012)
    );
    let late = plan_rate(
        Mu::from_whole(800),
        Mu::from_whole(700),
        d(2026, 12, 11),
        d(2026, 12, 10),
    );
    assert_eq!(
        (late.state, late.days_left, late.per_day),
        (PlanState::Overdue, 0, Mu::from_whole(100))
    );
}

#[test]
fn request_fields_are_checked_with_clear_codes() {
    assert_eq!(parse_crop("rice").err(), Some(ForecastError::UnknownCrop));
    assert_eq!(
        parse_protection(Some("greenhouse")).err(),
        Some(ForecastError::UnknownProtection)
    );
    assert_eq!(parse_protection(None), Ok(Protection::Open));
    assert_eq!(parse_day("2026-02-30"), Err(ForecastError::InvalidDate));
    assert_eq!(parse_day("1800-01-01"), Err(ForecastError::YearOutOfRange));
    assert_eq!(parse_area("0"), Err(ForecastError::InvalidArea));
    assert_eq!(parse_area("-3"), Err(ForecastError::InvalidArea));
    assert_eq!(parse_area("100001"), Err(ForecastError::InvalidArea));
    assert_eq!(parse_area("12.5"), Ok(Mu::from_centi(1_250)));
    // Planted toward a plan: nothing yet is an answer, the cap is the same.
    assert_eq!(parse_planted_area("0"), Ok(Mu::ZERO));
    assert_eq!(parse_planted_area("-0.01"), Err(ForecastError::InvalidArea));
    assert_eq!(parse_planted_area("100000"), Ok(Mu::from_whole(100_000)));
    assert_eq!(
        parse_planted_area("100000.01"),
        Err(ForecastError::InvalidArea)
    );
    assert!(
        ForecastError::UnknownCrop
            .message(Lang::Zh)
            .contains("未知作物")
    );
}

fn any_crop() -> impl Strategy<Value = &'static CropModel> {
    (0..CROP_MODELS.len()).prop_map(|i| &CROP_MODELS[i])
}

fn any_site() -> impl Strategy<Value = &'static str> {
    (0..SITES.len()).prop_map(|i| SITES[i].code)
}

fn any_protection() -> impl Strategy<Value = Protection> {
    (0..3usize).prop_map(|i| Protection::ALL[i])
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (0..365 * 60i64).prop_map(|n| d(2000, 1, 1) + Duration::days(n))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_later_planting_never_harvests_earlier(
        crop in any_crop(), site in any_site(), protection in any_protection(),
        planted in any_date(), later in 1..200i64,
    ) {
        let climate = climate(site);
        let mut f = Forecaster::new(crop, protection, &climate, None);
        let (a, b) = (f.start_range(planted), f.start_range(planted + Duration::days(later)));
        if let (Some(a), Some(b)) = (a, b) {
            prop_assert!(a.p10 <= b.p10 && a.p50 <= b.p50 && a.p90 <= b.p90, "{a:?} {b:?}");
        }
    }

    #[test]
    fn quantiles_are_ordered(
        crop in any_crop(), site in any_site(), protection in any_protection(), planted in any_date(),
    ) {
        let climate = climate(site);
        let mut f = Forecaster::new(crop, protection, &climate, None);
        if let Some(r) = f.start_range(planted) {
            prop_assert!(r.p10 <= r.p50 && r.p50 <= r.p90);
            prop_assert!(r.p10 >= planted);
        }
    }

    #[test]
    fn a_uniformly_warmer_site_is_never_later(
        crop in any_crop(), site in any_site(), planted in any_date(), warmer in 0.0f32..5.0,
    ) {
        prop_assume!(!crop.needs_chilling());
        let seed = climate::site_seed(site).expect("site");
        let mut warm = seed.normals;
        warm.tmin.iter_mut().chain(warm.tmax.iter_mut()).for_each(|t| *t += warmer);
        let (cool, warm) = (
            Climate::new(&seed.normals, BTreeMap::new(), seed.code),
            Climate::new(&warm, BTreeMap::new(), seed.code),
        );
        let a = Forecaster::new(crop, Protection::Open, &cool, None).start_range(planted);
        let b = Forecaster::new(crop, Protection::Open, &warm, None).start_range(planted);
        if let Some(a) = a {
            let b = b.expect("a warmer site reaches harvest too");
            prop_assert!(b.p10 <= a.p10 && b.p50 <= a.p50 && b.p90 <= a.p90, "{a:?} {b:?}");
        }
    }

    #[test]
    fn forecast_then_backward_schedule_round_trips(
        crop in any_crop(), site in any_site(), protection in any_protection(), planted in any_date(),
    ) {
        let climate = climate(site);
        let mut f = Forecaster::new(crop, protection, &climate, None);
        if let Some(r) = f.start_range(planted) {
            let s = backward(&mut f, r.p50).expect("the planting itself reaches it");
            prop_assert!(s.latest_planting_p50 >= planted);
            prop_assert_eq!(f.start_range(s.latest_planting_p50).map(|x| x.p50), Some(r.p50));
            if let Some(next) = f.start_range(s.latest_planting_p50 + Duration::days(1)) {
                prop_assert!(next.p50 > r.p50);
            }
        }
    }
}

/// A store that keeps tables in a map and counts how many it had to build.
#[derive(Default)]
struct CountingStore {
    tables: std::cell::RefCell<std::collections::HashMap<TableKey, std::sync::Arc<SeasonTable>>>,
    built: std::cell::Cell<usize>,
}

impl TableStore for CountingStore {
    fn table(&self, key: TableKey, build: &dyn Fn() -> SeasonTable) -> std::sync::Arc<SeasonTable> {
        self.tables
            .borrow_mut()
            .entry(key)
            .or_insert_with(|| {
                self.built.set(self.built.get() + 1);
                std::sync::Arc::new(build())
            })
            .clone()
    }
}

#[test]
fn a_shared_table_store_builds_each_table_once_and_changes_no_answer() {
    let seed = climate::site_seed("maoxian").expect("site");
    let mut observed = BTreeMap::new();
    for day in d(2026, 11, 1).iter_days().take(10) {
        observed.insert(
            day,
            DailyTemp {
                tmin: 2.0,
                tmax: 12.0,
            },
        );
    }
    let climate = Climate::new(&seed.normals, observed, seed.code);
    // One type (an automatic choice would take the spring type for 1 March: another table).
    let model = crop_type("celtuce", "overwintering").expect("type");
    let store = CountingStore::default();
    let planted = [d(2026, 11, 20), d(2026, 12, 5), d(2027, 3, 1)];
    for today in [d(2026, 12, 1), d(2026, 12, 8)] {
        for &day in &planted {
            let own = Forecaster::new(model, Protection::Open, &climate, Some(today))
                .forecast(day, Mu::from_whole(2))
                .expect("forecast");
            let shared = Forecaster::new(model, Protection::Open, &climate, Some(today))
                .with_store(&store)
                .forecast(day, Mu::from_whole(2))
                .expect("forecast");
            assert_eq!(own, shared, "planted {day}, seen from {today}");
        }
    }
    // One season; both "todays" see the same observed days (1–10 Nov): one table in all.
    assert_eq!(store.built.get(), 1);
    // Seen from inside the observed days, the table differs.
    Forecaster::new(model, Protection::Open, &climate, Some(d(2026, 11, 5)))
        .with_store(&store)
        .forecast(d(2026, 12, 5), Mu::from_whole(2))
        .expect("forecast");
    assert_eq!(store.built.get(), 2);
    assert_eq!(
        climate.last_observed_before(d(2026, 7, 1), d(2026, 11, 5)),
        Some(d(2026, 11, 4))
    );
    assert_eq!(
        climate.last_observed_before(d(2026, 7, 1), d(2026, 11, 1)),
        None
    );
}

/// Every case of the validation set (published calendars, `validation.rs`): P50 first harvest
/// inside the published window.
#[test]
fn every_validation_case_harvests_inside_its_published_window() {
    let mut misses = Vec::new();
    for case in validation::CASES {
        let o = validation::run(case).unwrap_or_else(|e| panic!("{}: {e:?}", case.id));
        if !o.inside() {
            misses.push(format!(
                "{}: P50 {} outside {:?} ({:+} d)",
                case.id, o.p50, o.window, o.miss_days
            ));
        }
    }
    assert!(misses.is_empty(), "{misses:#?}");
}

#[test]
fn the_validation_set_has_six_published_cases_per_crop() {
    for crop in validation::CROPS {
        let n = validation::cases_of(crop).count();
        assert!(n >= 6, "{crop}: {n} cases");
    }
}

/// The model error each crop's P10–P90 carries is the one the validation set measures.
#[test]
fn each_crops_model_error_is_the_one_the_validation_set_measures() {
    for crop in validation::CROPS {
        let measured = validation::measured_error_sd_days(crop).expect("cases");
        for model in crop_types(crop) {
            assert!(
                (f64::from(model.error_sd_days) - measured).abs() <= 0.5,
                "{crop}/{}: {} in crops.rs, {measured:.1} measured",
                model.kind,
                model.error_sd_days
            );
        }
    }
}

/// `docs/forecast-validation.md` is what `validation::report()` writes now
/// (`UPDATE_VALIDATION_REPORT=1` rewrites it).
#[test]
fn the_validation_report_is_current() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/forecast-validation.md"
    );
    let report = validation::report();
    if std::env::var_os("UPDATE_VALIDATION_REPORT").is_some() {
        std::fs::write(path, &report).expect("write the report");
    }
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        on_disk == report,
        "docs/forecast-validation.md is stale: rerun with UPDATE_VALIDATION_REPORT=1"
    );
}

fn auto_kind(crop: &str, site: &str, planted: NaiveDate) -> &'static str {
    let climate = climate(site);
    let f = Forecaster::new(
        parse_crop(crop).expect("crop"),
        Protection::Open,
        &climate,
        None,
    );
    f.model_on(planted).kind
}

/// Without a named type, the planting date and the place pick one: 茂县's cold late-November
/// planting is the overwintering crop, the same date in 上海-like mild winters (成都) the spring
/// crop; autumn dates pick the autumn types and maturity groups.
#[test]
fn the_engine_picks_a_type_from_the_date_and_the_place() {
    assert_eq!(
        auto_kind("celtuce", "maoxian", d(2026, 11, 25)),
        "overwintering"
    );
    assert_eq!(auto_kind("celtuce", "chengdu", d(2026, 11, 10)), "spring");
    assert_eq!(
        auto_kind("celtuce", "maoxian", d(2026, 10, 20)),
        "late_autumn"
    );
    assert_eq!(
        auto_kind("celtuce", "chengdu", d(2026, 8, 10)),
        "early_autumn"
    );
    assert_eq!(auto_kind("celtuce", "chengdu", d(2027, 2, 20)), "spring");
    assert_eq!(auto_kind("cauliflower", "chengdu", d(2026, 7, 10)), "early");
    assert_eq!(auto_kind("cauliflower", "chengdu", d(2026, 8, 10)), "mid");
    assert_eq!(auto_kind("cauliflower", "chengdu", d(2026, 9, 20)), "late");
    assert_eq!(
        auto_kind("cauliflower", "maoxian", d(2026, 12, 1)),
        "overwintering"
    );
    assert_eq!(
        auto_kind("cauliflower", "chengdu", d(2027, 3, 15)),
        "spring"
    );
    // Outside every window: the nearest one (June is nearest early cauliflower's 20 June).
    assert_eq!(auto_kind("cauliflower", "chengdu", d(2026, 6, 1)), "early");
    assert_eq!(auto_kind("morel", "shifang", d(2026, 11, 5)), "field");
    // The forecast says which type it used.
    let f = forecast("celtuce", "maoxian", Protection::Open, d(2026, 11, 25));
    assert_eq!(f.crop_type, "overwintering");
}

#[test]
fn a_named_type_is_used_and_an_unknown_one_refused() {
    let named = parse_crop_type("celtuce", Some("spring")).expect("type");
    let climate = climate("maoxian");
    let f = Forecaster::new(named, Protection::Open, &climate, None)
        .forecast(d(2026, 11, 25), Mu::from_whole(1))
        .expect("forecast");
    assert_eq!(f.crop_type, "spring");
    assert_eq!(
        parse_crop_type("celtuce", Some(" ")),
        Ok(CropChoice::Auto("celtuce"))
    );
    assert_eq!(
        parse_crop_type("celtuce", Some("early")),
        Err(ForecastError::UnknownCropType)
    );
    assert_eq!(
        parse_crop_type("rice", Some("early")),
        Err(ForecastError::UnknownCrop)
    );
    assert_eq!(ForecastError::UnknownCropType.code(), "unknown_crop_type");
}

/// Cauliflower's curd waits for cool days: the same planting at a uniformly warmer place can
/// harvest later, not earlier, once the days there stay too warm for the curd.
#[test]
fn a_warm_autumn_holds_the_cauliflower_curd_back() {
    let early = crop_type("cauliflower", "early").expect("type");
    let seed = climate::site_seed("chengdu").expect("site");
    let mut warm = seed.normals;
    warm.tmin
        .iter_mut()
        .chain(warm.tmax.iter_mut())
        .for_each(|t| *t += 3.0);
    let (normal, warm) = (
        Climate::new(&seed.normals, BTreeMap::new(), seed.code),
        Climate::new(&warm, BTreeMap::new(), seed.code),
    );
    let at = |c: &Climate| {
        Forecaster::new(early, Protection::Open, c, None)
            .start_range(d(2026, 7, 25))
            .expect("range")
            .p50
    };
    assert!(at(&warm) > at(&normal), "{} vs {}", at(&warm), at(&normal));
    assert!(early.needs_chilling());
    assert!(
        !crop_type("celtuce", "spring")
            .expect("type")
            .needs_chilling()
    );
}

/// Celtuce bolts in heat: a spring crop whose harvest runs into days with a normal mean above
/// 25 °C stops there, before its 20 days are out.
#[test]
fn celtuce_harvest_stops_when_the_heat_makes_it_bolt() {
    let spring = crop_type("celtuce", "spring").expect("type");
    let climate = climate("chengdu");
    let start = d(2027, 6, 20);
    let end = engine::harvest_end(spring, &climate, start);
    assert!(end < start + Duration::days(20), "{end}");
    assert!(climate.normal(end + Duration::days(1)).mean() > 25.0);
    // In April the full 20 days are harvested.
    assert_eq!(
        engine::harvest_end(spring, &climate, d(2027, 4, 1)),
        d(2027, 4, 21)
    );
}

/// Observed weather for the season replaces the climate years' days up to today, so the
/// P10–P90 range narrows as the season goes on (here observed days equal to the normals).
#[test]
fn the_range_narrows_as_observed_weather_comes_in() {
    let seed = climate::site_seed("maoxian").expect("site");
    let planted = d(2026, 11, 12);
    let width = |observed_to: Option<NaiveDate>| {
        let mut observed = BTreeMap::new();
        if let Some(to) = observed_to {
            let normals = seed.normals.curve();
            for day in d(2026, 7, 1).iter_days().take_while(|x| *x < to) {
                observed.insert(day, normals.on(day));
            }
        }
        let climate = Climate::new(&seed.normals, observed, seed.code);
        let model = crop_type("celtuce", "overwintering").expect("type");
        let r = Forecaster::new(model, Protection::Open, &climate, observed_to)
            .start_range(planted)
            .expect("range");
        (r.p90 - r.p10).num_days()
    };
    let (none, december, january) = (
        width(None),
        width(Some(d(2026, 12, 15))),
        width(Some(d(2027, 1, 20))),
    );
    // The climate years' part shrinks; the model's own error (±1.28 σ) stays.
    assert!(
        december < none && january <= december,
        "{none} {december} {january}"
    );
    let floor = (2.0 * 1.281_551_6 * f64::from(crops::CELTUCE_ERROR_SD_DAYS)).round() as i64;
    assert!(january >= floor - 1, "{january} {floor}");
}
