//! The benefit report (利益联结): what each household earned in a season from lease fees, wages
//! and dividends, whether poor households reach the income line per person, and how much each
//! alliance or cooperative paid to poor households. Pure aggregation; the caller picks the season.

use crate::Fen;
use serde::{Deserialize, Serialize};

/// What a household is paid for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncomeKind {
    /// 流转费: rent for land leased out.
    LeaseFee,
    /// 工资: wages for work on shifts.
    Wage,
    /// 分红: a dividend from the cooperative.
    Dividend,
}

/// One amount paid to a household by an alliance or cooperative (the payer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomeItem {
    pub household_id: i64,
    /// The alliance (联合体) or cooperative (合作社) that paid.
    pub payer_id: i64,
    pub kind: IncomeKind,
    pub amount: Fen,
}

/// A household as the report needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdInfo {
    pub id: i64,
    pub name: String,
    /// People in the household (the divisor of income per person).
    pub members: u32,
    /// 贫困户 (registered poor household).
    pub is_poor: bool,
}

/// One household's line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdBenefit {
    pub household_id: i64,
    pub name: String,
    pub members: u32,
    pub is_poor: bool,
    pub lease_fees: Fen,
    pub wages: Fen,
    pub dividends: Fen,
    /// `lease_fees + wages + dividends`.
    pub total: Fen,
    /// `total ÷ members`, rounded down to the fen; `None` without members.
    pub per_person: Option<Fen>,
    /// For poor households with members: whether `total ≥ line × members` (compared exactly, so
    /// rounding never lifts a household over the line). `None` otherwise.
    pub meets_line: Option<bool>,
}

/// What one alliance or cooperative paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayerTotal {
    pub payer_id: i64,
    pub to_all: Fen,
    pub to_poor: Fen,
}

/// The season's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BenefitReport {
    /// The line it was measured against, per person.
    pub income_line_per_person: Fen,
    /// One line per household, by household id.
    pub households: Vec<HouseholdBenefit>,
    /// One line per payer, by payer id.
    pub payers: Vec<PayerTotal>,
    pub total: Fen,
    pub total_to_poor: Fen,
    pub poor_households: u32,
    pub poor_households_meeting_line: u32,
}

/// Season years an income line may be set for.
pub const INCOME_LINE_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Reads an income line (收入线: yuan per person per year that poor households are measured
/// against) for a season year: a positive amount under a million yuan, for a year in
/// [`INCOME_LINE_YEARS`]; `None` otherwise.
pub fn parse_income_line(yuan: &str, year: i32) -> Option<Fen> {
    crate::wages::parse_yuan(yuan)
        .ok()
        .filter(|a| a.get() > 0 && a.get() < 100_000_000 && INCOME_LINE_YEARS.contains(&year))
}

/// Builds the report from the season's `items`. Every household of `households` gets a line,
/// and so does any household found only in `items` (with no members and not poor), so no
/// amount is ever left out.
pub fn benefit_report(
    households: &[HouseholdInfo],
    items: &[IncomeItem],
    income_line_per_person: Fen,
) -> BenefitReport {
    let mut lines: Vec<HouseholdBenefit> = households
        .iter()
        .map(|h| line(h.id, &h.name, h.members, h.is_poor))
        .collect();
    // Index by household so a county's items are summed in one pass (not households × items).
    let mut at: std::collections::HashMap<i64, usize> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| (l.household_id, i))
        .collect();
    for item in items {
        if let std::collections::hash_map::Entry::Vacant(slot) = at.entry(item.household_id) {
            slot.insert(lines.len());
            lines.push(line(item.household_id, "", 0, false));
        }
    }
    let mut payers: Vec<PayerTotal> = Vec::new();
    for item in items {
        let Some(l) = at.get(&item.household_id).and_then(|i| lines.get_mut(*i)) else {
            continue;
        };
        match item.kind {
            IncomeKind::LeaseFee => l.lease_fees = l.lease_fees + item.amount,
            IncomeKind::Wage => l.wages = l.wages + item.amount,
            IncomeKind::Dividend => l.dividends = l.dividends + item.amount,
        }
        let to_poor = if l.is_poor { item.amount } else { Fen::ZERO };
        match payers.iter_mut().find(|p| p.payer_id == item.payer_id) {
            Some(p) => {
                p.to_all = p.to_all + item.amount;
                p.to_poor = p.to_poor + to_poor;
            }
            None => payers.push(PayerTotal {
                payer_id: item.payer_id,
                to_all: item.amount,
                to_poor,
            }),
        }
    }
    for l in &mut lines {
        settle_line(l, income_line_per_person);
    }
    lines.sort_by_key(|l| l.household_id);
    payers.sort_by_key(|p| p.payer_id);
    let poor = || lines.iter().filter(|l| l.is_poor);
    BenefitReport {
        income_line_per_person,
        total: lines.iter().map(|l| l.total).sum(),
        total_to_poor: poor().map(|l| l.total).sum(),
        poor_households: count(poor()),
        poor_households_meeting_line: count(poor().filter(|l| l.meets_line == Some(true))),
        households: lines,
        payers,
    }
}

/// Fills in a line's total, its income per person and whether a poor household reaches
/// `income_line_per_person` (the one rule the whole report and a single page of it share).
fn settle_line(l: &mut HouseholdBenefit, income_line_per_person: Fen) {
    l.total = l.lease_fees + l.wages + l.dividends;
    l.per_person = None;
    l.meets_line = None;
    let members = i64::from(l.members);
    if members > 0 {
        l.per_person = Some(Fen::new(l.total.get().div_euclid(members)));
        if l.is_poor {
            l.meets_line = Some(
                i128::from(l.total.get())
                    >= i128::from(income_line_per_person.get()) * i128::from(members),
            );
        }
    }
}

/// One household's line from its sums by kind, settled against `income_line_per_person`.
#[allow(clippy::too_many_arguments)]
pub fn household_line(
    household_id: i64,
    name: &str,
    members: u32,
    is_poor: bool,
    lease_fees: Fen,
    wages: Fen,
    dividends: Fen,
    income_line_per_person: Fen,
) -> HouseholdBenefit {
    let mut l = line(household_id, name, members, is_poor);
    l.lease_fees = lease_fees;
    l.wages = wages;
    l.dividends = dividends;
    settle_line(&mut l, income_line_per_person);
    l
}

fn line(household_id: i64, name: &str, members: u32, is_poor: bool) -> HouseholdBenefit {
    HouseholdBenefit {
        household_id,
        name: name.to_owned(),
        members,
        is_poor,
        lease_fees: Fen::ZERO,
        wages: Fen::ZERO,
        dividends: Fen::ZERO,
        total: Fen::ZERO,
        per_person: None,
        meets_line: None,
    }
}

fn count<T>(it: impl Iterator<Item = T>) -> u32 {
    u32::try_from(it.count()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_income_line_is_positive_yuan_for_a_year_in_range() {
        assert_eq!(
            super::parse_income_line("4000", 2026),
            Some(Fen::new(400_000))
        );
        assert_eq!(
            super::parse_income_line("4000.50", 2100),
            Some(Fen::new(400_050))
        );
        assert_eq!(super::parse_income_line("0", 2026), None);
        assert_eq!(super::parse_income_line("-1", 2026), None);
        assert_eq!(super::parse_income_line("1000000", 2026), None);
        assert_eq!(super::parse_income_line("4000", 1999), None);
        assert_eq!(super::parse_income_line("四千", 2026), None);
    }

    use super::*;
    use proptest::prelude::*;

    fn household(id: i64, members: u32, is_poor: bool) -> HouseholdInfo {
        HouseholdInfo {
            id,
            name: format!("户{id}"),
            members,
            is_poor,
        }
    }

    fn item(household_id: i64, payer_id: i64, kind: IncomeKind, yuan: i64) -> IncomeItem {
        IncomeItem {
            household_id,
            payer_id,
            kind,
            amount: Fen::from_yuan(yuan),
        }
    }

    #[test]
    fn a_household_earns_lease_fees_wages_and_dividends() {
        use IncomeKind::*;
        let households = [household(1, 4, true), household(2, 3, false)];
        let items = [
            item(1, 10, LeaseFee, 4_000),
            item(1, 10, Wage, 7_600),
            item(1, 20, Dividend, 400),
            item(2, 10, Wage, 9_500),
        ];
        let r = benefit_report(&households, &items, Fen::from_yuan(3_000));
        let poor = &r.households[0];
        assert_eq!(
            (poor.lease_fees, poor.wages, poor.dividends),
            (
                Fen::from_yuan(4_000),
                Fen::from_yuan(7_600),
                Fen::from_yuan(400)
            )
        );
        assert_eq!(poor.total, Fen::from_yuan(12_000));
        assert_eq!(poor.per_person, Some(Fen::from_yuan(3_000)));
        assert_eq!(poor.meets_line, Some(true));
        assert_eq!(
            r.households[1].meets_line, None,
            "only poor households are measured"
        );
        assert_eq!(
            r.payers,
            vec![
                PayerTotal {
                    payer_id: 10,
                    to_all: Fen::from_yuan(21_100),
                    to_poor: Fen::from_yuan(11_600)
                },
                PayerTotal {
                    payer_id: 20,
                    to_all: Fen::from_yuan(400),
                    to_poor: Fen::from_yuan(400)
                }
            ]
        );
        assert_eq!(r.total, Fen::from_yuan(21_500));
        assert_eq!(r.total_to_poor, Fen::from_yuan(12_000));
        assert_eq!((r.poor_households, r.poor_households_meeting_line), (1, 1));
    }

    #[test]
    fn one_fen_short_of_the_line_does_not_meet_it() {
        // 3 people, line 100 yuan each: 299.99 yuan is 99.99 per person, short.
        let r = benefit_report(
            &[household(1, 3, true)],
            &[IncomeItem {
                household_id: 1,
                payer_id: 1,
                kind: IncomeKind::Wage,
                amount: Fen::new(29_999),
            }],
            Fen::from_yuan(100),
        );
        assert_eq!(r.households[0].per_person, Some(Fen::new(9_999)));
        assert_eq!(r.households[0].meets_line, Some(false));
        assert_eq!(r.poor_households_meeting_line, 0);
    }

    #[test]
    fn a_poor_household_without_income_is_listed_and_misses_the_line() {
        let r = benefit_report(&[household(5, 2, true)], &[], Fen::from_yuan(100));
        assert_eq!(r.households[0].total, Fen::ZERO);
        assert_eq!(r.households[0].meets_line, Some(false));
        assert!(r.payers.is_empty());
    }

    #[test]
    fn money_for_an_unlisted_household_is_still_counted() {
        let r = benefit_report(
            &[],
            &[item(9, 1, IncomeKind::Wage, 95)],
            Fen::from_yuan(100),
        );
        assert_eq!(r.households.len(), 1);
        assert_eq!(r.households[0].per_person, None);
        assert_eq!(r.total, Fen::from_yuan(95));
        assert_eq!(r.total_to_poor, Fen::ZERO);
    }

    proptest! {
        #[test]
        fn households_and_payers_account_for_every_fen(
            poor in proptest::collection::vec(any::<bool>(), 1..10),
            raw in proptest::collection::vec((0i64..12, 0i64..4, 0usize..3, 0i64..1_000_000), 0..60),
        ) {
            let households: Vec<HouseholdInfo> = poor
                .iter()
                .zip(0i64..)
                .map(|(&p, id)| household(id, 3, p))
                .collect();
            let kinds = [IncomeKind::LeaseFee, IncomeKind::Wage, IncomeKind::Dividend];
            let items: Vec<IncomeItem> = raw
                .iter()
                .map(|&(h, p, k, f)| IncomeItem {
                    household_id: h,
                    payer_id: p,
                    kind: kinds[k],
                    amount: Fen::new(f),
                })
                .collect();
            let r = benefit_report(&households, &items, Fen::from_yuan(3_000));
            let all: Fen = items.iter().map(|i| i.amount).sum();
            prop_assert_eq!(r.total, all);
            prop_assert_eq!(r.payers.iter().map(|p| p.to_all).sum::<Fen>(), all);
            prop_assert_eq!(r.payers.iter().map(|p| p.to_poor).sum::<Fen>(), r.total_to_poor);
        }
    }
}
