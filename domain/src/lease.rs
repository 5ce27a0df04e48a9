//! Land transfer contracts (土地流转): checking a lease against what is free of its plot, the
//! fee schedule in integer fen, and leases about to end.
//!
//! Fees: the annual rent is `area × fee per mu per year`, rounded half up to the fen once. A
//! whole lease year (start date to its anniversary) costs exactly that. A period inside a lease
//! year costs its share of the rent by days, worked out on cumulative amounts —
//! `round(rent × days to period end ÷ days of that lease year) − round(rent × days to period
//! start ÷ days of that lease year)` — so the periods of a year add up to exactly the rent and a
//! final partial year to exactly `round(rent × its days ÷ days of that year)`.

use crate::season::{Occupancy, Season, peak_area};
use crate::wages::{div_half_up, parse_yuan};
use crate::{Fen, Lang, Mu};
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Warn about leases ending within this many days by default.
pub const ENDING_SOON_DAYS: i64 = 60;

/// When the rent is paid. Every payment is due on the first day of its period (rent is paid in
/// advance, 先付后用).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaySchedule {
    /// The whole term at signing.
    Once,
    /// Each lease year.
    Annual,
    /// Every three months from the start date.
    Quarterly,
}

impl PaySchedule {
    /// Every schedule, in form order.
    pub const ALL: [PaySchedule; 3] = [
        PaySchedule::Once,
        PaySchedule::Annual,
        PaySchedule::Quarterly,
    ];

    /// A stable code for forms, the API and the store.
    pub fn code(self) -> &'static str {
        match self {
            PaySchedule::Once => "once",
            PaySchedule::Annual => "annual",
            PaySchedule::Quarterly => "quarterly",
        }
    }

    /// Reads a code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code.trim())
    }

    /// The name shown to people.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            PaySchedule::Once => lang.pick("一次性付清", "Once"),
            PaySchedule::Annual => lang.pick("按年支付", "Yearly"),
            PaySchedule::Quarterly => lang.pick("按季度支付", "Quarterly"),
        }
    }

    fn months(self) -> Option<u32> {
        match self {
            PaySchedule::Once => None,
            PaySchedule::Annual => Some(12),
            PaySchedule::Quarterly => Some(3),
        }
    }
}

/// A lease's terms. The term runs from `starts_on` to `ends_on`, both days included, as a
/// contract writes it (自 2026年11月1日 起至 2031年10月31日 止).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    pub area: Mu,
    pub fee_per_mu_year: Fen,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub schedule: PaySchedule,
}

impl Lease {
    /// The days the lease holds its land.
    pub fn term(&self) -> Season {
        Season {
            from: self.starts_on,
            until: self.ends_on,
        }
    }

    /// The rent of one whole lease year, rounded half up to the fen.
    pub fn annual_rent(&self) -> Fen {
        Fen::new(div_half_up(
            i128::from(self.area.centi()) * i128::from(self.fee_per_mu_year.get()),
            100,
        ))
    }
}

/// A lease as typed in the form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewLeaseInput {
    pub area: String,
    /// Yuan per mu per year.
    pub fee_yuan_per_mu_year: String,
    pub starts_on: String,
    pub ends_on: String,
    pub schedule: String,
}

/// Why a lease was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum LeaseError {
    BadArea,
    /// More than the plot has free over the term.
    AreaExceedsFree {
        free: Mu,
    },
    BadFee,
    BadDate,
    EndNotAfterStart,
    UnknownSchedule,
}

impl LeaseError {
    /// A short stable code, for the API and tests.
    pub fn code(self) -> &'static str {
        match self {
            LeaseError::BadArea => "invalid_area",
            LeaseError::AreaExceedsFree { .. } => "area_exceeds_free",
            LeaseError::BadFee => "invalid_fee",
            LeaseError::BadDate => "invalid_date",
            LeaseError::EndNotAfterStart => "end_not_after_start",
            LeaseError::UnknownSchedule => "unknown_schedule",
        }
    }

    /// The message shown next to the field.
    pub fn message(self, lang: Lang) -> String {
        let (zh, en) = match self {
            LeaseError::AreaExceedsFree { free } => {
                return match lang {
                    Lang::Zh => format!("超过地块在该期限内未流转的面积（剩余 {free} 亩）"),
                    Lang::En => {
                        format!("More than the plot has free over that term ({free} mu free)")
                    }
                };
            }
            LeaseError::BadArea => (
                "面积须为大于 0 的亩数，最多两位小数",
                "The area must be a number of mu above 0, at most two decimals",
            ),
            LeaseError::BadFee => (
                "流转费须为不小于 0 的元/亩/年，最多两位小数",
                "The fee must be yuan per mu per year, 0 or more, at most two decimals",
            ),
            LeaseError::BadDate => ("日期应为 YYYY-MM-DD", "Dates must be YYYY-MM-DD"),
            LeaseError::EndNotAfterStart => {
                ("结束日期须晚于开始日期", "The end must be after the start")
            }
            LeaseError::UnknownSchedule => ("请选择付款方式", "Choose a payment schedule"),
        };
        lang.pick(zh, en).to_owned()
    }
}

/// Checks a new lease on a plot of `plot_area`, given the plot's other leases (`leased`, each an
/// area over its term). The area may not exceed what is free on the busiest day of the term.
///
/// # Errors
/// Every field's problem, in form order; the free-area check only once the fields are valid.
pub fn validate_lease(
    input: &NewLeaseInput,
    plot_area: Mu,
    leased: &[Occupancy],
) -> Result<Lease, Vec<LeaseError>> {
    let mut errors = Vec::new();
    let area = input.area.parse::<Mu>().ok().filter(|a| a.is_positive());
    if area.is_none() {
        errors.push(LeaseError::BadArea);
    }
    let fee = parse_yuan(&input.fee_yuan_per_mu_year)
        .ok()
        .filter(|f| *f >= Fen::ZERO);
    if fee.is_none() {
        errors.push(LeaseError::BadFee);
    }
    let date = |t: &str| crate::planting::parse_date(t).ok();
    let (starts_on, ends_on) = (date(&input.starts_on), date(&input.ends_on));
    if starts_on.is_none() || ends_on.is_none() {
        errors.push(LeaseError::BadDate);
    } else if ends_on <= starts_on {
        errors.push(LeaseError::EndNotAfterStart);
    }
    let schedule = PaySchedule::from_code(&input.schedule);
    if schedule.is_none() {
        errors.push(LeaseError::UnknownSchedule);
    }
    let (Some(area), Some(fee), Some(starts_on), Some(ends_on), Some(schedule)) =
        (area, fee, starts_on, ends_on, schedule)
    else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let lease = Lease {
        area,
        fee_per_mu_year: fee,
        starts_on,
        ends_on,
        schedule,
    };
    let free = plot_area.saturating_sub(peak_area(leased, lease.term()));
    if area > free {
        return Err(vec![LeaseError::AreaExceedsFree { free }]);
    }
    Ok(lease)
}

/// One payment of rent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub due_on: NaiveDate,
    pub amount: Fen,
}

/// `start` plus `months` months (the day clamped to the month's end, as chrono does).
fn add_months(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    start.checked_add_months(Months::new(months))
}

/// Rent due for days `d0..d1` of lease year `year` (counted from 0), a lease year running from
/// one anniversary of `start` to the next (see the module header for the cumulative rounding).
/// Anniversaries are always counted from the start, so a 29 February start keeps its leap days.
fn share(rent: Fen, start: NaiveDate, year: u32, d0: NaiveDate, d1: NaiveDate) -> Option<Fen> {
    let year_start = add_months(start, 12 * year)?;
    let year_days = (add_months(start, 12 * (year + 1))? - year_start).num_days();
    let upto = |d: NaiveDate| {
        div_half_up(
            i128::from(rent.get()) * i128::from((d - year_start).num_days()),
            i128::from(year_days),
        )
    };
    Some(Fen::new(upto(d1) - upto(d0)))
}

/// The rent payments of a lease, in date order, each due on the first day of its period. They
/// add up to exactly [`term_total`]. Empty if the end is not after the start.
pub fn payment_schedule(lease: &Lease) -> Vec<Payment> {
    if lease.ends_on <= lease.starts_on {
        return Vec::new();
    }
    let Some(step) = lease.schedule.months() else {
        return vec![Payment {
            due_on: lease.starts_on,
            amount: term_total(lease),
        }];
    };
    let Some(term_end) = lease.ends_on.succ_opt() else {
        return Vec::new();
    };
    let rent = lease.annual_rent();
    let mut payments = Vec::new();
    for k in 0u32.. {
        let (Some(from), Some(next)) = (
            add_months(lease.starts_on, k * step),
            add_months(lease.starts_on, (k + 1) * step),
        ) else {
            break;
        };
        if from >= term_end {
            break;
        }
        let year = k * step / 12;
        if let Some(amount) = share(rent, lease.starts_on, year, from, next.min(term_end)) {
            payments.push(Payment {
                due_on: from,
                amount,
            });
        }
    }
    payments
}

/// The rent for the whole term: whole lease years at the annual rent, plus the final partial
/// year's share (see the module header). Zero if the end is not after the start.
pub fn term_total(lease: &Lease) -> Fen {
    let Some(term_end) = lease.ends_on.succ_opt() else {
        return Fen::ZERO;
    };
    if lease.ends_on <= lease.starts_on {
        return Fen::ZERO;
    }
    let rent = lease.annual_rent();
    let mut total = Fen::ZERO;
    for y in 0u32.. {
        let (Some(from), Some(next)) = (
            add_months(lease.starts_on, 12 * y),
            add_months(lease.starts_on, 12 * (y + 1)),
        ) else {
            break;
        };
        if from >= term_end {
            break;
        }
        let part = share(rent, lease.starts_on, y, from, next.min(term_end));
        total = total + part.unwrap_or(Fen::ZERO);
    }
    total
}

/// Who plants: the household that holds the plot (or an agronomist for it), or a cooperative
/// on land it leases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Planter {
    Household,
    Cooperative(i64),
}

/// Land a planting holds, and the cooperative that planted it (`None`: the household).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LandUse {
    pub held: Occupancy,
    pub cooperative_id: Option<i64>,
}

/// Land leased out of the plot, to which cooperative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeasedLand {
    pub leased: Occupancy,
    pub cooperative_id: i64,
}

/// The area and the land already held that a new planting of `who` starting on `on` is checked
/// against, besides the plot's own rule (all plantings within the plot):
/// - the household: the plot, with every lease counted as held for its term — leased land is
///   the cooperative's to plant while the lease runs;
/// - a cooperative: the area it leases on `on`, with its own plantings held.
pub fn planting_room(
    plot_area: Mu,
    uses: &[LandUse],
    leases: &[LeasedLand],
    who: Planter,
    on: NaiveDate,
) -> (Mu, Vec<Occupancy>) {
    match who {
        Planter::Household => (
            plot_area,
            uses.iter()
                .filter(|u| u.cooperative_id.is_none())
                .map(|u| u.held)
                .chain(leases.iter().map(|l| l.leased))
                .collect(),
        ),
        Planter::Cooperative(c) => (
            leases
                .iter()
                .filter(|l| {
                    l.cooperative_id == c
                        && l.leased.season.from <= on
                        && on <= l.leased.season.until
                })
                .map(|l| l.leased.area)
                .sum(),
            uses.iter()
                .filter(|u| u.cooperative_id == Some(c))
                .map(|u| u.held)
                .collect(),
        ),
    }
}

/// Whether a lease payment due on `due_on` is overdue `today`: unpaid, and its day has passed
/// (due today is not yet overdue).
pub fn is_overdue(due_on: NaiveDate, paid: bool, today: NaiveDate) -> bool {
    !paid && due_on < today
}

/// Whether a lease ending on `lease_end` ends within `within_days` of `today` (today counts; a
/// lease that has already ended is not "ending soon").
pub fn ending_soon(lease_end: NaiveDate, today: NaiveDate, within_days: i64) -> bool {
    (0..=within_days).contains(&(lease_end - today).num_days())
}

#[cfg(test)]
mod room_tests {
    use super::*;

    fn occ(area: i64, from: (i32, u32, u32), until: (i32, u32, u32)) -> Occupancy {
        let d = |(y, m, day)| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        Occupancy {
            area: Mu::from_whole(area),
            season: Season {
                from: d(from),
                until: d(until),
            },
        }
    }

    #[test]
    fn leased_land_is_the_cooperatives_to_plant_and_no_longer_the_households() {
        // A 10-mu plot, 6 mu leased to cooperative 7 for 2027; the cooperative planted 4 of them,
        // the household 3 of its own.
        let leases = [LeasedLand {
            leased: occ(6, (2027, 1, 1), (2027, 12, 31)),
            cooperative_id: 7,
        }];
        let uses = [
            LandUse {
                held: occ(4, (2027, 2, 1), (2027, 6, 1)),
                cooperative_id: Some(7),
            },
            LandUse {
                held: occ(3, (2027, 2, 1), (2027, 6, 1)),
                cooperative_id: None,
            },
        ];
        let on = NaiveDate::from_ymd_opt(2027, 3, 1).expect("date");
        let season = Season {
            from: on,
            until: NaiveDate::from_ymd_opt(2027, 5, 1).expect("date"),
        };
        let (area, held) =
            planting_room(Mu::from_whole(10), &uses, &leases, Planter::Household, on);
        assert_eq!(
            area.saturating_sub(peak_area(&held, season)),
            Mu::from_whole(1),
            "10 − 6 leased − 3 own"
        );
        let (area, held) = planting_room(
            Mu::from_whole(10),
            &uses,
            &leases,
            Planter::Cooperative(7),
            on,
        );
        assert_eq!(
            area.saturating_sub(peak_area(&held, season)),
            Mu::from_whole(2),
            "6 leased − 4 planted"
        );
        let (area, _) = planting_room(
            Mu::from_whole(10),
            &uses,
            &leases,
            Planter::Cooperative(8),
            on,
        );
        assert_eq!(area, Mu::ZERO, "another cooperative leases nothing here");
        let after = NaiveDate::from_ymd_opt(2028, 3, 1).expect("date");
        let (area, _) = planting_room(
            Mu::from_whole(10),
            &uses,
            &leases,
            Planter::Cooperative(7),
            after,
        );
        assert_eq!(area, Mu::ZERO, "the lease has ended");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_unpaid_payment_is_overdue_the_day_after_it_is_due() {
        let d = |s: &str| s.parse::<NaiveDate>().expect("date");
        assert!(!super::is_overdue(d("2026-12-02"), false, d("2026-12-02")));
        assert!(super::is_overdue(d("2026-12-01"), false, d("2026-12-02")));
        assert!(!super::is_overdue(d("2026-12-01"), true, d("2026-12-02")));
        // Dates, not text: a year of five digits or a month without its zero would sort wrong.
        assert!(super::is_overdue(d("2026-09-30"), false, d("2026-10-01")));
    }

    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn lease(mu_centi: i64, fee_fen: i64, from: NaiveDate, to: NaiveDate, s: PaySchedule) -> Lease {
        Lease {
            area: Mu::from_centi(mu_centi),
            fee_per_mu_year: Fen::new(fee_fen),
            starts_on: from,
            ends_on: to,
            schedule: s,
        }
    }

    fn amounts(l: &Lease) -> Vec<i64> {
        payment_schedule(l).iter().map(|p| p.amount.get()).collect()
    }

    #[test]
    fn whole_years_cost_exactly_area_times_fee_each_year() {
        // 700 mu at 800 yuan/mu a year for 3 years.
        let l = lease(
            70_000,
            80_000,
            d(2026, 11, 1),
            d(2029, 10, 31),
            PaySchedule::Annual,
        );
        let p = payment_schedule(&l);
        assert_eq!(p.len(), 3);
        assert!(p.iter().all(|x| x.amount == Fen::from_yuan(560_000)));
        assert_eq!(p[2].due_on, d(2028, 11, 1));
        assert_eq!(term_total(&l), Fen::from_yuan(1_680_000));
        let once = Lease {
            schedule: PaySchedule::Once,
            ..l
        };
        assert_eq!(
            payment_schedule(&once),
            vec![Payment {
                due_on: d(2026, 11, 1),
                amount: Fen::from_yuan(1_680_000)
            }]
        );
    }

    #[test]
    fn quarters_of_a_year_add_up_to_the_years_rent() {
        // 10 mu at 1,000 yuan: 10,000 yuan a year, shared by days (90, 91, 92, 92 of 365).
        let l = lease(
            1_000,
            100_000,
            d(2026, 1, 1),
            d(2026, 12, 31),
            PaySchedule::Quarterly,
        );
        let due: Vec<_> = payment_schedule(&l).iter().map(|x| x.due_on).collect();
        assert_eq!(
            due,
            [d(2026, 1, 1), d(2026, 4, 1), d(2026, 7, 1), d(2026, 10, 1)]
        );
        assert_eq!(amounts(&l), [246_575, 249_315, 252_055, 252_055]);
        assert_eq!(term_total(&l), Fen::from_yuan(10_000));
    }

    #[test]
    fn a_partial_last_year_pays_its_share_by_days() {
        // One year and 100 days; the second lease year (2027-11-01…2028-10-31) has 366 days.
        let l = lease(
            100,
            36_600,
            d(2026, 11, 1),
            d(2028, 2, 8),
            PaySchedule::Annual,
        );
        assert_eq!(amounts(&l), [36_600, 10_000]);
        assert_eq!(term_total(&l), Fen::new(46_600));
    }

    #[test]
    fn a_lease_from_the_twenty_ninth_of_february_keeps_its_leap_days() {
        let l = lease(
            100,
            36_600,
            d(2024, 2, 29),
            d(2029, 2, 27),
            PaySchedule::Quarterly,
        );
        let p = payment_schedule(&l);
        assert_eq!(p.len(), 20);
        assert_eq!(p[16].due_on, d(2028, 2, 29));
        for year in p.chunks(4) {
            assert_eq!(year.iter().map(|x| x.amount).sum::<Fen>(), Fen::new(36_600));
        }
        assert_eq!(term_total(&l), Fen::new(5 * 36_600));
    }

    #[test]
    fn a_lease_cannot_take_more_than_is_free_over_its_term() {
        let input = |area: &str, from: &str, to: &str| NewLeaseInput {
            area: area.into(),
            fee_yuan_per_mu_year: "800".into(),
            starts_on: from.into(),
            ends_on: to.into(),
            schedule: "annual".into(),
        };
        let leased = [Occupancy {
            season: Season {
                from: d(2024, 1, 1),
                until: d(2026, 12, 31),
            },
            area: Mu::from_whole(60),
        }];
        let plot = Mu::from_whole(100);
        let free_40 = LeaseError::AreaExceedsFree {
            free: Mu::from_whole(40),
        };
        assert_eq!(
            validate_lease(&input("41", "2026-11-01", "2031-10-31"), plot, &leased),
            Err(vec![free_40])
        );
        let ok =
            validate_lease(&input("40", "2026-11-01", "2031-10-31"), plot, &leased).expect("fits");
        assert_eq!(ok.fee_per_mu_year, Fen::from_yuan(800));
        // After the other lease ends, the whole plot is free.
        assert!(validate_lease(&input("100", "2027-01-01", "2031-12-31"), plot, &leased).is_ok());
        assert!(free_40.message(Lang::Zh).contains("剩余 40 亩"));
        assert_eq!(free_40.code(), "area_exceeds_free");
    }

    #[test]
    fn every_bad_field_of_a_lease_is_reported() {
        let bad = NewLeaseInput {
            area: "0".into(),
            fee_yuan_per_mu_year: "-5".into(),
            starts_on: "2026-11-01".into(),
            ends_on: "2026-11-01".into(),
            schedule: "weekly".into(),
        };
        assert_eq!(
            validate_lease(&bad, Mu::from_whole(10), &[]),
            Err(vec![
                LeaseError::BadArea,
                LeaseError::BadFee,
                LeaseError::EndNotAfterStart,
                LeaseError::UnknownSchedule
            ])
        );
        assert_eq!(
            PaySchedule::from_code(" quarterly "),
            Some(PaySchedule::Quarterly)
        );
        assert_eq!(
            LeaseError::BadFee.message(Lang::En).get(..7),
            Some("The fee")
        );
    }

    #[test]
    fn leases_ending_within_sixty_days_are_flagged() {
        let today = d(2026, 11, 1);
        assert!(ending_soon(d(2026, 12, 31), today, ENDING_SOON_DAYS));
        assert!(ending_soon(today, today, ENDING_SOON_DAYS));
        assert!(!ending_soon(d(2027, 1, 1), today, ENDING_SOON_DAYS));
        assert!(!ending_soon(d(2026, 10, 31), today, ENDING_SOON_DAYS));
    }

    proptest! {
        #[test]
        fn payments_add_up_to_the_term_total_in_date_order(
            area in 1i64..1_000_000,
            fee in 0i64..500_000,
            start in 0i64..10_000,
            days in 1i64..4_000,
            s in 0usize..3,
        ) {
            let from = d(2000, 1, 1) + chrono::Duration::days(start);
            let to = from + chrono::Duration::days(days);
            let l = lease(area, fee, from, to, PaySchedule::ALL[s]);
            let p = payment_schedule(&l);
            let sum: Fen = p.iter().map(|x| x.amount).sum();
            prop_assert_eq!(sum, term_total(&l));
            prop_assert!(p.iter().all(|x| x.amount >= Fen::ZERO));
            prop_assert!(p.iter().all(|x| (l.starts_on..=l.ends_on).contains(&x.due_on)));
            prop_assert!(p.windows(2).all(|w| w[0].due_on < w[1].due_on));
            prop_assert_eq!(p.first().map(|x| x.due_on), Some(l.starts_on));
            if l.schedule == PaySchedule::Annual {
                // Every lease year but the last is a whole one.
                prop_assert!(p.iter().rev().skip(1).all(|x| x.amount == l.annual_rent()));
            }
        }
    }
}
