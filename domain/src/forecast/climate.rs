//! Sites and their temperatures: monthly climate normals turned into a smooth daily curve,
//! observed daily weather where a site has it, and the ensemble of climate years a forecast
//! runs on (observed years when there are enough, otherwise a documented synthetic spread).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::f64::consts::PI;

/// One day's temperatures in °C.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DailyTemp {
    pub tmin: f32,
    pub tmax: f32,
}

impl DailyTemp {
    /// (Tmax + Tmin) / 2, the mean thermal time is computed from.
    pub fn mean(self) -> f32 {
        (self.tmin + self.tmax) / 2.0
    }

    fn shifted(self, by: f32) -> DailyTemp {
        DailyTemp {
            tmin: self.tmin + by,
            tmax: self.tmax + by,
        }
    }
}

/// Monthly normal minimum and maximum temperatures, January first.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MonthlyNormals {
    pub tmin: [f32; 12],
    pub tmax: [f32; 12],
}

/// Fourier coefficients (a0, a1, b1 … a5, b5) of a yearly curve through twelve monthly values.
type Harmonics = [f64; 11];

impl MonthlyNormals {
    /// The normal temperatures of `date`: each month's value sits at the middle of the month and
    /// the year is joined by a trigonometric curve through the twelve points (harmonics 0–5 of
    /// their discrete Fourier transform; the 6th, a month-long wiggle, is dropped). The curve is
    /// smooth across the new year and within a few hundredths of a degree of every monthly value.
    pub fn on(&self, date: NaiveDate) -> DailyTemp {
        let t = year_fraction(date);
        DailyTemp {
            tmin: eval(&harmonics(&self.tmin), t) as f32,
            tmax: eval(&harmonics(&self.tmax), t) as f32,
        }
    }

    /// A precomputed daily curve for repeated lookups.
    pub fn curve(&self) -> NormalCurve {
        NormalCurve {
            tmin: harmonics(&self.tmin),
            tmax: harmonics(&self.tmax),
        }
    }
}

/// [`MonthlyNormals`] with the Fourier coefficients worked out once.
#[derive(Debug, Clone)]
pub struct NormalCurve {
    tmin: Harmonics,
    tmax: Harmonics,
}

impl NormalCurve {
    pub fn on(&self, date: NaiveDate) -> DailyTemp {
        let t = year_fraction(date);
        DailyTemp {
            tmin: eval(&self.tmin, t) as f32,
            tmax: eval(&self.tmax, t) as f32,
        }
    }
}

/// A [`NormalCurve`]'s value for each month and day of a common and of a leap year: the curve
/// depends on nothing else of a date, so a look-up gives exactly `curve.on(date)` without the
/// trigonometry (forecasts ask for the normals of many days: type windows, bolting).
#[derive(Debug, Clone)]
struct DailyNormals(Vec<DailyTemp>);

impl DailyNormals {
    const SLOTS: usize = 12 * 31;

    fn slot(date: NaiveDate) -> usize {
        usize::from(date.leap_year()) * Self::SLOTS
            + date.month0() as usize * 31
            + date.day0() as usize
    }

    fn of(curve: &NormalCurve) -> DailyNormals {
        let mut days = vec![
            DailyTemp {
                tmin: 0.0,
                tmax: 0.0
            };
            2 * Self::SLOTS
        ];
        // 2023 is a common year, 2024 a leap year.
        for date in NaiveDate::from_ymd_opt(2023, 1, 1)
            .into_iter()
            .flat_map(|d| d.iter_days())
            .take(365 + 366)
        {
            days[Self::slot(date)] = curve.on(date);
        }
        DailyNormals(days)
    }

    fn on(&self, date: NaiveDate) -> DailyTemp {
        self.0[Self::slot(date)]
    }
}

/// Time of year in "months": each month is a twelfth of the cycle whatever its length, so the
/// middle of every month lands exactly on its monthly value.
fn year_fraction(date: NaiveDate) -> f64 {
    let month_days = match date.month() {
        2 if date.leap_year() => 29.0,
        2 => 28.0,
        4 | 6 | 9 | 11 => 30.0,
        _ => 31.0,
    };
    (f64::from(date.month0()) + (f64::from(date.day()) - 0.5) / month_days) / 12.0
}

fn harmonics(values: &[f32; 12]) -> Harmonics {
    let mut h = [0.0; 11];
    h[0] = values.iter().map(|v| f64::from(*v)).sum::<f64>() / 12.0;
    for k in 1..=5 {
        let (mut a, mut b) = (0.0, 0.0);
        for (m, v) in values.iter().enumerate() {
            let angle = 2.0 * PI * k as f64 * (m as f64 + 0.5) / 12.0;
            a += f64::from(*v) * angle.cos();
            b += f64::from(*v) * angle.sin();
        }
        h[2 * k - 1] = a / 6.0;
        h[2 * k] = b / 6.0;
    }
    h
}

fn eval(h: &Harmonics, t: f64) -> f64 {
    (1..=5).fold(h[0], |acc, k| {
        let angle = 2.0 * PI * k as f64 * t;
        acc + h[2 * k - 1] * angle.cos() + h[2 * k] * angle.sin()
    })
}

/// A site the product ships with.
pub struct SiteSeed {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub normals: MonthlyNormals,
    pub source: &'static str,
}

/// Demo sites. Normals 1981–2010 from the China Meteorological Data Service Center via Wikipedia
/// (`shared/agronomy.md`, "Climate normals").
pub const SITES: &[SiteSeed] = &[
    SiteSeed {
        code: "maoxian",
        name_zh: "茂县",
        name_en: "Maoxian",
        normals: MonthlyNormals {
            tmin: [
                -2.7, -0.4, 3.0, 7.2, 11.0, 14.1, 16.3, 15.9, 13.3, 8.7, 3.1, -1.9,
            ],
            tmax: [
                5.9, 7.5, 11.6, 17.1, 20.8, 23.2, 25.3, 24.8, 21.0, 16.4, 12.4, 7.9,
            ],
        },
        source: "茂县 normals 1981–2010, CMA via Wikipedia (shared/agronomy.md)",
    },
    SiteSeed {
        code: "shifang",
        name_zh: "什邡",
        name_en: "Shifang",
        normals: MonthlyNormals {
            tmin: [
                2.5, 4.5, 7.6, 12.2, 16.7, 19.7, 21.6, 21.2, 18.2, 13.9, 9.2, 3.9,
            ],
            tmax: [
                8.3, 10.3, 14.6, 20.2, 24.7, 26.7, 28.7, 28.3, 24.3, 19.2, 14.9, 9.7,
            ],
        },
        source: "都江堰 normals 1981–2010 standing in for 什邡 until better data exists, CMA via \
                 Wikipedia (shared/agronomy.md)",
    },
    SiteSeed {
        code: "chengdu",
        name_zh: "成都（温江）",
        name_en: "Chengdu (Wenjiang)",
        normals: MonthlyNormals {
            tmin: [
                3.0, 5.0, 8.0, 13.0, 17.0, 21.0, 22.0, 22.0, 19.0, 15.0, 10.0, 4.0,
            ],
            tmax: [
                9.0, 12.0, 16.0, 22.0, 27.0, 28.0, 30.0, 30.0, 26.0, 21.0, 16.0, 11.0,
            ],
        },
        source: "成都 normals, CMA via Wikipedia (shared/agronomy.md); daily data: NOAA GHCN-Daily \
                 CHM00056294 / CHM00056187 once imported",
    },
];

/// The seed site for a code.
pub fn site_seed(code: &str) -> Option<&'static SiteSeed> {
    SITES.iter().find(|s| s.code == code)
}

/// How many climate years the synthetic ensemble has, and its spread, until a site has enough
/// observed years (see [`OBSERVED_YEARS_NEEDED`]). Each member is the normals plus a
/// season-long anomaly, spells (a random value every 4 days, joined linearly, σ 1.7 °C) and
/// day-to-day jitter (σ 1.0 °C). The member's weather is a function of the calendar day, so
/// every season table of a member agrees on the days they share.
///
/// The season-long anomaly's σ of 0.6 °C is derived from Sichuan station statistics, as no
/// published standard deviation was found:
/// - annual means vary little: 绵阳's warmest and coldest years differ by "only about 1.5 ℃"
///   (travelchina1.com/thread/Climate-characteristics-of-Mianyang.html), 资中's lie 0.8 °C below
///   to 1.5 °C above its 17.5 °C mean over 1960–2019, trend included (handmsg.com/page/2020/
///   1214/7686827.shtml): a range of 4–5 σ over 50–60 years, so σ ≈ 0.35–0.5 °C a year;
/// - single months swing more: 重庆's December 2020 was 1.5 °C below normal and 1–23 December
///   2021 1.1 °C above (cq.news.cn 2021-11/06; cqcb.com 2021-12-24).
///
/// A growing season of two to four months lies between: 0.6 °C for the season, plus the spells,
/// which average to about 0.6 °C over a month (1.7/√7.5), gives a month σ of about 0.85 °C, so
/// the reported monthly swings are 1.3–1.8 σ events. It was 1.0 °C before the validation set;
/// replace it with values fitted to GHCN-Daily Chengdu once imported.
pub const SYNTHETIC_MEMBERS: usize = 30;
pub const SYNTHETIC_YEAR_SD_C: f64 = 0.6;
pub const SYNTHETIC_SPELL_SD_C: f64 = 1.7;
pub const SYNTHETIC_SPELL_DAYS: i64 = 4;
pub const SYNTHETIC_DAILY_SD_C: f64 = 1.0;
/// Observed season-years (1 July – 30 June, at least 330 days present) needed before the
/// ensemble is made of observed years instead of the synthetic spread.
pub const OBSERVED_YEARS_NEEDED: usize = 5;

/// Where the forecast's spread comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "years", rename_all = "snake_case")]
pub enum SpreadBasis {
    /// One member per observed season-year.
    ObservedYears(usize),
    /// Normals plus the documented synthetic spread.
    Normals(usize),
}

#[derive(Debug, Clone)]
enum Member {
    Observed { season_year: i32 },
    Synthetic { anomaly: f32, seed: u64 },
}

/// A site's temperatures: normals, observed days, and the climate years forecasts run on.
#[derive(Debug, Clone)]
pub struct Climate {
    /// The normals' daily curve, for every calendar day for every calendar day, worked out once (see [`DailyNormals`]).
    days: DailyNormals,
    observed: BTreeMap<NaiveDate, DailyTemp>,
    members: Vec<Member>,
}

impl Climate {
    /// A site's climate. `seed_key` (the site code) makes its synthetic years differ from other
    /// sites' while staying the same from run to run.
    pub fn new(
        normals: &MonthlyNormals,
        observed: BTreeMap<NaiveDate, DailyTemp>,
        seed_key: &str,
    ) -> Climate {
        let curve = normals.curve();
        let years = complete_season_years(&observed);
        let members = if years.len() >= OBSERVED_YEARS_NEEDED {
            years
                .into_iter()
                .map(|season_year| Member::Observed { season_year })
                .collect()
        } else {
            let base = fnv1a(seed_key);
            (0..SYNTHETIC_MEMBERS)
                .map(|k| Member::Synthetic {
                    anomaly: (SYNTHETIC_YEAR_SD_C
                        * normal_quantile((k as f64 + 0.5) / SYNTHETIC_MEMBERS as f64))
                        as f32,
                    seed: base ^ (k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15),
                })
                .collect()
        };
        Climate {
            days: DailyNormals::of(&curve),
            observed,
            members,
        }
    }

    pub fn basis(&self) -> SpreadBasis {
        match self.members.first() {
            Some(Member::Observed { .. }) => SpreadBasis::ObservedYears(self.members.len()),
            _ => SpreadBasis::Normals(self.members.len()),
        }
    }

    pub fn member_count(&self) -> usize {
        self.members.len()
    }

    pub fn normal(&self, date: NaiveDate) -> DailyTemp {
        self.days.on(date)
    }

    pub fn observed(&self, date: NaiveDate) -> Option<DailyTemp> {
        self.observed.get(&date).copied()
    }

    /// The last observed day on or after `from` and before `until`: what a season table from
    /// `from` built with observed weather up to `until` depends on.
    pub fn last_observed_before(&self, from: NaiveDate, until: NaiveDate) -> Option<NaiveDate> {
        if until <= from {
            return None;
        }
        self.observed
            .range(from..until)
            .next_back()
            .map(|(d, _)| *d)
    }

    /// Member `member`'s temperatures for `days` days from `anchor` (a 1 July). Observed days
    /// before `observed_until` replace the member's own (the season so far is what happened).
    pub(crate) fn member_days(
        &self,
        member: usize,
        anchor: NaiveDate,
        days: usize,
        observed_until: Option<NaiveDate>,
    ) -> Vec<DailyTemp> {
        let dates = anchor.iter_days().take(days);
        let mut out: Vec<DailyTemp> = match &self.members[member] {
            Member::Observed { season_year } => {
                let own_anchor = july_first(*season_year);
                dates
                    .zip(own_anchor.iter_days())
                    .map(|(date, own)| self.observed(own).unwrap_or_else(|| self.normal(date)))
                    .collect()
            }
            Member::Synthetic { anomaly, seed } => dates
                .map(|date| self.normal(date).shifted(*anomaly + weather(*seed, date)))
                .collect(),
        };
        if let Some(until) = observed_until {
            for (date, slot) in anchor.iter_days().zip(out.iter_mut()) {
                if date >= until {
                    break;
                }
                if let Some(seen) = self.observed(date) {
                    *slot = seen;
                }
            }
        }
        out
    }
}

/// 1 July of `year`, where a season-year starts.
pub fn july_first(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 7, 1).unwrap_or(NaiveDate::MIN)
}

fn complete_season_years(observed: &BTreeMap<NaiveDate, DailyTemp>) -> Vec<i32> {
    let (Some(first), Some(last)) = (observed.keys().next(), observed.keys().next_back()) else {
        return Vec::new();
    };
    (first.year() - 1..=last.year())
        .filter(|&year| {
            let from = july_first(year);
            let to = july_first(year + 1);
            observed.range(from..to).count() >= 330
        })
        .collect()
}

/// A synthetic member's weather anomaly on `date` (see [`SYNTHETIC_SPELL_SD_C`]).
fn weather(seed: u64, date: NaiveDate) -> f32 {
    let day = date.num_days_from_ce() as i64;
    let knot = day.div_euclid(SYNTHETIC_SPELL_DAYS);
    let f = day.rem_euclid(SYNTHETIC_SPELL_DAYS) as f64 / SYNTHETIC_SPELL_DAYS as f64;
    let at = |salt: u64, n: i64| {
        SplitMix(seed ^ salt ^ (n as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93)).normal()
    };
    let spell = (1.0 - f) * at(1, knot) + f * at(1, knot + 1);
    (SYNTHETIC_SPELL_SD_C * spell + SYNTHETIC_DAILY_SD_C * at(2, day)) as f32
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// SplitMix64 (Steele, Lea & Flood 2014): small, fast and the same on every platform.
struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * PI * v).cos()
    }
}

/// The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9).
fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    /// The per-day table gives exactly the curve's value, leap days and far years included.
    #[test]
    fn the_climates_daily_normals_are_the_curves_own_values() {
        let site = &SITES[0];
        let climate = Climate::new(&site.normals, BTreeMap::new(), site.code);
        let curve = site.normals.curve();
        for start in [d(1901, 1, 1), d(2027, 12, 1), d(2096, 1, 1)] {
            for date in start.iter_days().take(800) {
                assert_eq!(climate.normal(date), curve.on(date), "{date}");
            }
        }
        assert_eq!(climate.normal(d(2028, 2, 29)), curve.on(d(2028, 2, 29)));
    }

    #[test]
    fn the_daily_curve_passes_through_each_months_normal_in_mid_month() {
        for site in SITES {
            for month in 1..=12 {
                let mid = d(2026, month, 15);
                let day = site.normals.on(mid);
                let i = month as usize - 1;
                assert!(
                    (day.tmin - site.normals.tmin[i]).abs() < 0.3,
                    "{}",
                    site.code
                );
                assert!(
                    (day.tmax - site.normals.tmax[i]).abs() < 0.3,
                    "{}",
                    site.code
                );
            }
        }
    }

    #[test]
    fn the_daily_curve_is_smooth_across_the_new_year() {
        let maoxian = &SITES[0].normals;
        let dec31 = maoxian.on(d(2026, 12, 31));
        let jan1 = maoxian.on(d(2027, 1, 1));
        assert!((dec31.tmax - jan1.tmax).abs() < 0.1);
        // No day-to-day jump anywhere in the year above 0.2 °C.
        let days: Vec<_> = d(2026, 1, 1).iter_days().take(365).collect();
        for w in days.windows(2) {
            let (a, b) = (maoxian.on(w[0]), maoxian.on(w[1]));
            assert!((a.tmin - b.tmin).abs() < 0.2, "{}", w[0]);
        }
    }

    #[test]
    fn normal_quantiles_are_symmetric_and_ordered() {
        assert!(normal_quantile(0.5).abs() < 1e-9);
        assert!((normal_quantile(0.975) - 1.959_964).abs() < 1e-5);
        assert!((normal_quantile(0.01) + normal_quantile(0.99)).abs() < 1e-9);
    }

    #[test]
    fn the_synthetic_ensemble_is_centred_on_the_normals_and_repeatable() {
        let site = &SITES[0];
        let climate = Climate::new(&site.normals, BTreeMap::new(), site.code);
        assert_eq!(climate.basis(), SpreadBasis::Normals(SYNTHETIC_MEMBERS));
        let anchor = july_first(2026);
        let mut sum = 0.0f64;
        for m in 0..climate.member_count() {
            let days = climate.member_days(m, anchor, 365, None);
            let normal: f64 = anchor
                .iter_days()
                .take(365)
                .map(|dt| f64::from(climate.normal(dt).mean()))
                .sum();
            let member: f64 = days.iter().map(|t| f64::from(t.mean())).sum();
            sum += (member - normal) / 365.0;
            assert_eq!(days, climate.member_days(m, anchor, 365, None));
        }
        // Mean anomaly across members stays within a tenth of a degree of zero.
        assert!((sum / climate.member_count() as f64).abs() < 0.1);
    }

    #[test]
    fn enough_observed_years_replace_the_synthetic_spread() {
        let site = &SITES[2];
        let mut observed = BTreeMap::new();
        for day in july_first(2015).iter_days().take(6 * 365 + 2) {
            observed.insert(day, site.normals.on(day).shifted(0.5));
        }
        let climate = Climate::new(&site.normals, observed, site.code);
        assert_eq!(climate.basis(), SpreadBasis::ObservedYears(6));
    }

    #[test]
    fn observed_days_before_today_replace_every_members_own() {
        let site = &SITES[0];
        let mut observed = BTreeMap::new();
        observed.insert(
            d(2026, 11, 20),
            DailyTemp {
                tmin: 30.0,
                tmax: 40.0,
            },
        );
        let climate = Climate::new(&site.normals, observed, site.code);
        let anchor = july_first(2026);
        let index = (d(2026, 11, 20) - anchor).num_days() as usize;
        for m in 0..climate.member_count() {
            let before = climate.member_days(m, anchor, 200, Some(d(2026, 11, 21)));
            assert_eq!(before[index].tmax, 40.0);
            let after = climate.member_days(m, anchor, 200, Some(d(2026, 11, 20)));
            assert!(after[index].tmax < 30.0);
        }
    }
}
