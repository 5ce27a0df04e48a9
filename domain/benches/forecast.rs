//! Forecasting a county: 100,000 plantings × 30 climate years (the engine issue's benchmark).
//! Season tables (cumulative development per site, crop, protection and climate year) are built
//! once; each planting is then 30 binary searches and a sort of 30 dates.
//!
//! Run: `cargo bench -p tianlian-domain --bench forecast`. Criterion prints the time per county
//! and plantings/s (throughput).

use chrono::{Duration, NaiveDate};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::collections::BTreeMap;
use std::hint::black_box;
use tianlian_domain::forecast::{
    CROP_MODELS, Climate, CropChoice, Forecaster, Protection, SITES, SeasonTable,
    climate::SYNTHETIC_MEMBERS,
};

const PLANTINGS: usize = 100_000;

struct Planting {
    table: usize,
    planted_on: NaiveDate,
}

fn county() -> (Vec<SeasonTable>, Vec<Planting>) {
    let climates: Vec<Climate> = SITES
        .iter()
        .map(|s| Climate::new(&s.normals, BTreeMap::new(), s.code))
        .collect();
    let mut tables = Vec::new();
    for climate in &climates {
        assert_eq!(climate.member_count(), SYNTHETIC_MEMBERS);
        for model in CROP_MODELS {
            for protection in Protection::ALL {
                tables.push(SeasonTable::build(model, protection, climate, 2026, None));
            }
        }
    }
    // Plantings spread over every table and over the first 300 days of the season, from a
    // fixed linear congruential sequence so every run forecasts the same county.
    let mut x: u64 = 0x5EED;
    let plantings = (0..PLANTINGS)
        .map(|_| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            Planting {
                table: (x >> 33) as usize % tables.len(),
                planted_on: NaiveDate::from_ymd_opt(2026, 7, 1).expect("date")
                    + Duration::days(((x >> 17) % 300) as i64),
            }
        })
        .collect();
    (tables, plantings)
}

fn forecast_county(c: &mut Criterion) {
    let (tables, plantings) = county();
    let mut group = c.benchmark_group("county");
    group.throughput(Throughput::Elements(PLANTINGS as u64));
    group.sample_size(20);
    group.bench_function("100k plantings x 30 climate years", |b| {
        let mut scratch = Vec::with_capacity(SYNTHETIC_MEMBERS);
        b.iter(|| {
            let mut reached = 0usize;
            for p in &plantings {
                if let Some(r) = tables[p.table].start_range(p.planted_on, &mut scratch) {
                    reached += 1;
                    black_box(r);
                }
            }
            reached
        });
    });

    // The same county through the engine's front door: each planting's crop type picked from
    // its date and place, the model error joined to the climate spread. One forecaster per
    // site, crop and cover keeps its season tables, built before the clock starts.
    let climates: Vec<Climate> = SITES
        .iter()
        .map(|s| Climate::new(&s.normals, BTreeMap::new(), s.code))
        .collect();
    let mut crops: Vec<&'static str> = CROP_MODELS.iter().map(|m| m.code).collect();
    crops.dedup();
    let mut forecasters: Vec<Forecaster<'_>> = Vec::new();
    for climate in &climates {
        for crop in &crops {
            for protection in Protection::ALL {
                forecasters.push(Forecaster::new(
                    CropChoice::Auto(crop),
                    protection,
                    climate,
                    None,
                ));
            }
        }
    }
    let mut x: u64 = 0x5EED;
    let front: Vec<(usize, NaiveDate)> = (0..PLANTINGS)
        .map(|_| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (
                (x >> 33) as usize % forecasters.len(),
                NaiveDate::from_ymd_opt(2026, 7, 1).expect("date")
                    + Duration::days(((x >> 17) % 300) as i64),
            )
        })
        .collect();
    for &(f, on) in &front {
        black_box(forecasters[f].start_range(on));
    }
    group.bench_function(
        "100k plantings x 30 climate years, type picked per planting",
        |b| {
            b.iter(|| {
                front
                    .iter()
                    .filter(|&&(f, on)| forecasters[f].start_range(on).is_some())
                    .count()
            });
        },
    );
    group.finish();

    let climate = Climate::new(&SITES[0].normals, BTreeMap::new(), SITES[0].code);
    c.bench_function("one season table (30 climate years x 731 days)", |b| {
        b.iter(|| {
            SeasonTable::build(
                &CROP_MODELS[0],
                Protection::Open,
                black_box(&climate),
                2026,
                None,
            )
        });
    });
}

criterion_group!(benches, forecast_county);
criterion_main!(benches);
