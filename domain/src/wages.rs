//! Daily wages (日结): hours as typed by the team leader, the overtime rule, the day's settlement
//! sheet, and the wage ledger in which nothing is edited or deleted (a correction is a reversal
//! plus a new entry).
//!
//! Rounding: every amount is computed exactly in integers and rounded **half up to the fen once
//! per line item** — regular pay and overtime pay separately — so a wage's total is the exact sum
//! of its parts and a sheet's total the exact sum of its lines.

use crate::{Fen, Lang};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, Neg, Sub};
use std::str::FromStr;

/// Nobody is paid for more than 24 hours on one day (in hundredths of an hour).
pub const MAX_HOURS_PER_DAY_CENTI: i64 = 2_400;
/// The highest hourly wage accepted, 1,000 yuan: far above any farm wage, and it bounds the
/// arithmetic (1,000 yuan × 24 h × 300 % fits an `i64` many times over).
pub const MAX_HOURLY_FEN: i64 = 100_000;

/// `num / den` rounded half away from zero (half up for the non-negative amounts we pay);
/// `den` must be positive. Saturates instead of overflowing.
pub(crate) fn div_half_up(num: i128, den: i128) -> i64 {
    let q = if num >= 0 {
        (2 * num + den) / (2 * den)
    } else {
        -((-2 * num + den) / (2 * den))
    };
    i64::try_from(q).unwrap_or(if q < 0 { i64::MIN } else { i64::MAX })
}

/// Why a typed decimal (hours, yuan) was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("empty")]
    Empty,
    #[error("not a number")]
    NotANumber,
    #[error("more than two decimals")]
    TooPrecise,
    #[error("too large")]
    TooLarge,
}

/// Reads a decimal with at most two decimals as hundredths: `9` → 900, `9.5` → 950, `.25` → 25,
/// `-1` → -100 (so the caller can say "must not be negative"); a full-width `．` is a dot.
///
/// # Errors
/// [`NumberError`] for empty text, non-digits, a third decimal or more than nine whole digits.
pub fn parse_hundredths(text: &str) -> Result<i64, NumberError> {
    let s = text.trim().replace('．', ".");
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    let (neg, digits) = s
        .strip_prefix('-')
        .map_or((false, s.as_str()), |r| (true, r));
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !all_digits(whole) || !all_digits(frac) {
        return Err(NumberError::NotANumber);
    }
    if frac.len() > 2 {
        return Err(NumberError::TooPrecise);
    }
    if whole.len() > 9 {
        return Err(NumberError::TooLarge);
    }
    let whole: i64 = whole.parse().unwrap_or(0);
    let frac: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    let centi = whole * 100 + frac;
    Ok(if neg { -centi } else { centi })
}

/// Reads an amount of yuan as typed (`10`, `10.5`, `¥10.50`, `10元`) into fen.
///
/// # Errors
/// As [`parse_hundredths`]; negative amounts parse.
pub fn parse_yuan(text: &str) -> Result<Fen, NumberError> {
    let t = text.trim();
    let t = t.trim_start_matches(['¥', '￥']).trim_end_matches('元');
    parse_hundredths(t).map(Fen::new)
}

/// A number of hours, held in hundredths of an hour (900 = 9 h, 825 = 8 h 15 min). Negative
/// only in a reversing ledger entry.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Hours(i64);

impl Hours {
    /// No hours.
    pub const ZERO: Hours = Hours(0);

    /// Hours from hundredths of an hour (the stored form).
    pub const fn from_centi(centi: i64) -> Self {
        Hours(centi)
    }

    /// A whole number of hours.
    pub const fn from_whole(hours: i64) -> Self {
        Hours(hours * 100)
    }

    /// Hundredths of an hour (the stored form).
    pub const fn centi(self) -> i64 {
        self.0
    }

    /// More than zero hours.
    pub fn is_positive(self) -> bool {
        self.0 > 0
    }
}

impl Add for Hours {
    type Output = Hours;
    fn add(self, rhs: Hours) -> Hours {
        Hours(self.0 + rhs.0)
    }
}

impl Sub for Hours {
    type Output = Hours;
    fn sub(self, rhs: Hours) -> Hours {
        Hours(self.0 - rhs.0)
    }
}

impl Neg for Hours {
    type Output = Hours;
    fn neg(self) -> Hours {
        Hours(-self.0)
    }
}

impl std::iter::Sum for Hours {
    fn sum<I: Iterator<Item = Hours>>(iter: I) -> Hours {
        Hours(iter.map(|h| h.0).sum())
    }
}

/// Shows `9`, `9.5`, `8.25`: at most two decimals, trailing zeros dropped.
impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (whole, frac) = (abs / 100, abs % 100);
        match frac {
            0 => write!(f, "{sign}{whole}"),
            d if d % 10 == 0 => write!(f, "{sign}{whole}.{}", d / 10),
            d => write!(f, "{sign}{whole}.{d:02}"),
        }
    }
}

/// Why typed hours were not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum HoursError {
    #[error("empty")]
    Empty,
    #[error("not a number")]
    NotANumber,
    #[error("more than two decimals")]
    TooPrecise,
    #[error("negative")]
    Negative,
    #[error("more than 24 hours")]
    OverADay,
}

impl HoursError {
    /// A short stable code, for the API and tests.
    pub fn code(self) -> &'static str {
        match self {
            HoursError::Empty => "hours_missing",
            HoursError::NotANumber => "hours_unreadable",
            HoursError::TooPrecise => "hours_too_precise",
            HoursError::Negative => "hours_negative",
            HoursError::OverADay => "hours_over_a_day",
        }
    }

    /// The message shown next to the field.
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            HoursError::Empty => lang.pick("请填写工时", "Enter the hours"),
            HoursError::NotANumber => lang.pick(
                "工时须为数字，例如 9、9.5 或 9:30",
                "Hours must be a number, e.g. 9, 9.5 or 9:30",
            ),
            HoursError::TooPrecise => {
                lang.pick("工时最多保留两位小数", "Use at most two decimals for hours")
            }
            HoursError::Negative => lang.pick("工时不能为负数", "Hours cannot be negative"),
            HoursError::OverADay => lang.pick(
                "一天的工时不能超过 24 小时",
                "A day cannot have more than 24 hours",
            ),
        }
    }
}

/// Parses what a team leader types: `9`, `9.5`, `8.25`, or hours and minutes `9:30` (also
/// full-width `：`). Minutes are rounded half up to the nearest hundredth of an hour
/// (`9:20` → 9.33 h), the only rounding hours ever get.
impl FromStr for Hours {
    type Err = HoursError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().replace('：', ":");
        let centi = match s.split_once(':') {
            Some((h, m)) => {
                let digits = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
                if h.trim_start_matches('-').is_empty() || !digits(m) || m.len() > 2 {
                    return Err(HoursError::NotANumber);
                }
                if h.starts_with('-') {
                    return Err(HoursError::Negative);
                }
                if !digits(h) || h.len() > 2 {
                    return Err(HoursError::NotANumber);
                }
                let (h, m): (i64, i64) = (h.parse().unwrap_or(0), m.parse().unwrap_or(0));
                if m >= 60 {
                    return Err(HoursError::NotANumber);
                }
                h * 100 + (m * 100 + 30) / 60
            }
            None => parse_hundredths(&s).map_err(|e| match e {
                NumberError::Empty => HoursError::Empty,
                NumberError::NotANumber => HoursError::NotANumber,
                NumberError::TooPrecise => HoursError::TooPrecise,
                NumberError::TooLarge => HoursError::OverADay,
            })?,
        };
        if centi < 0 {
            Err(HoursError::Negative)
        } else if centi > MAX_HOURS_PER_DAY_CENTI {
            Err(HoursError::OverADay)
        } else {
            Ok(Hours(centi))
        }
    }
}

/// The overtime rule (加班规则): an hourly wage, the regular hours of a day, and the rate paid
/// for every hour beyond them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WageRules {
    pub hourly_fen: Fen,
    /// Regular hours per day in hundredths of an hour (800 = 8 h).
    pub regular_hours_per_day_centi: i64,
    /// Overtime pay as a percentage of the hourly wage (150 = ×1.5).
    pub overtime_percent: i64,
}

/// 10 yuan an hour, 8 hours a day = 80 yuan, overtime paid extra: the 什邡回澜镇 morel case
/// (shared/agronomy.md). The case does not say how much extra; ×1.5 is our default, the
/// statutory rate for overtime on a working day (劳动法 第四十四条).
impl Default for WageRules {
    fn default() -> Self {
        WageRules {
            hourly_fen: Fen::from_yuan(10),
            regular_hours_per_day_centi: 800,
            overtime_percent: 150,
        }
    }
}

/// Why a set of wage rules was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum WageRulesError {
    #[error("hourly wage out of range")]
    BadHourly,
    #[error("regular hours out of range")]
    BadRegularHours,
    #[error("overtime percent out of range")]
    BadOvertimePercent,
}

impl WageRulesError {
    /// A short stable code, for the API and tests.
    pub fn code(self) -> &'static str {
        match self {
            WageRulesError::BadHourly => "bad_hourly_wage",
            WageRulesError::BadRegularHours => "bad_regular_hours",
            WageRulesError::BadOvertimePercent => "bad_overtime_percent",
        }
    }

    /// The message shown next to the field.
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            WageRulesError::BadHourly => lang.pick(
                "时薪须在 0 至 1000 元之间",
                "The hourly wage must be between 0 and 1,000 yuan",
            ),
            WageRulesError::BadRegularHours => lang.pick(
                "每天正常工时须大于 0 且不超过 24 小时",
                "Regular hours per day must be above 0 and at most 24",
            ),
            WageRulesError::BadOvertimePercent => lang.pick(
                "加班费比例须在 100% 至 300% 之间",
                "Overtime pay must be between 100 % and 300 %",
            ),
        }
    }
}

impl WageRules {
    /// Checks the rules an admin set: hourly 0–1,000 yuan, regular hours in (0, 24], overtime
    /// 100–300 % (overtime is never paid less than a regular hour).
    ///
    /// # Errors
    /// The first rule broken.
    pub fn validate(&self) -> Result<(), WageRulesError> {
        if !(0..=MAX_HOURLY_FEN).contains(&self.hourly_fen.get()) {
            Err(WageRulesError::BadHourly)
        } else if !(1..=MAX_HOURS_PER_DAY_CENTI).contains(&self.regular_hours_per_day_centi) {
            Err(WageRulesError::BadRegularHours)
        } else if !(100..=300).contains(&self.overtime_percent) {
            Err(WageRulesError::BadOvertimePercent)
        } else {
            Ok(())
        }
    }
}

/// One worker's pay for one day's hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wage {
    pub regular_hours: Hours,
    pub overtime_hours: Hours,
    pub regular_fen: Fen,
    pub overtime_fen: Fen,
    /// Always exactly `regular_fen + overtime_fen`.
    pub total_fen: Fen,
}

/// The wage for one worker's hours on one day (the overtime rule applies to the day's total, so
/// pass the day's hours, not one task's). Regular hours are the hours up to the day's limit, the
/// rest is overtime; each part is rounded half up to the fen on its own. Negative hours count as
/// zero (a reversal negates a stored wage; it never recomputes one).
///
/// Seed case: 10 yuan/h, 8 h regular, ×1.5 — 9 h pay 80 + 15 = 95 yuan.
pub fn wage(rules: &WageRules, hours: Hours) -> Wage {
    let worked = hours.centi().max(0);
    let regular = worked.min(rules.regular_hours_per_day_centi.max(0));
    let overtime = worked - regular;
    let hourly = i128::from(rules.hourly_fen.get());
    let regular_fen = Fen::new(div_half_up(hourly * i128::from(regular), 100));
    let overtime_fen = Fen::new(div_half_up(
        hourly * i128::from(overtime) * i128::from(rules.overtime_percent),
        10_000,
    ));
    Wage {
        regular_hours: Hours(regular),
        overtime_hours: Hours(overtime),
        regular_fen,
        overtime_fen,
        total_fen: regular_fen + overtime_fen,
    }
}

/// What a ledger entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EntryKind {
    /// A day's work (one entry per worker and day, so overtime is counted on the day).
    Work,
    /// 冲正: cancels entry `of` by negating its hours and amount.
    Reversal { of: i64 },
}

/// One line of the wage ledger (工资台账). Entries are only ever appended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub id: i64,
    pub worker_id: i64,
    /// The day worked (for a reversal: the day of the entry it cancels).
    pub day: NaiveDate,
    pub kind: EntryKind,
    pub hours: Hours,
    pub amount: Fen,
}

impl LedgerEntry {
    /// A work entry whose amount is the [`wage`] for `hours` under `rules`. `id` is whatever the
    /// store assigns (the storage layer may pass 0 and read back the row id).
    pub fn work(id: i64, worker_id: i64, day: NaiveDate, hours: Hours, rules: &WageRules) -> Self {
        LedgerEntry {
            id,
            worker_id,
            day,
            kind: EntryKind::Work,
            hours,
            amount: wage(rules, hours).total_fen,
        }
    }

    /// The entry that cancels this one: same worker and day, hours and amount negated (the
    /// stored amount, so it cancels exactly even if the rules changed since).
    pub fn reversal(&self, id: i64) -> Self {
        LedgerEntry {
            id,
            worker_id: self.worker_id,
            day: self.day,
            kind: EntryKind::Reversal { of: self.id },
            hours: -self.hours,
            amount: -self.amount,
        }
    }
}

/// Why an entry cannot be reversed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum LedgerError {
    #[error("no such entry")]
    NoSuchEntry,
    #[error("a reversal cannot be reversed")]
    ReversalOfReversal,
    #[error("already reversed")]
    AlreadyReversed,
}

impl LedgerError {
    /// A short stable code, for the API and tests.
    pub fn code(self) -> &'static str {
        match self {
            LedgerError::NoSuchEntry => "no_such_entry",
            LedgerError::ReversalOfReversal => "reversal_of_reversal",
            LedgerError::AlreadyReversed => "already_reversed",
        }
    }

    /// The message shown to the person correcting the ledger.
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            LedgerError::NoSuchEntry => lang.pick("找不到这条工资记录", "No such wage entry"),
            LedgerError::ReversalOfReversal => lang.pick(
                "冲正记录不能再冲正，请新增一条记录",
                "A reversal cannot be reversed; add a new entry instead",
            ),
            LedgerError::AlreadyReversed => {
                lang.pick("这条记录已经冲正过", "This entry has already been reversed")
            }
        }
    }
}

/// Checks that entry `of` may be reversed: it exists, is a work entry, and no reversal of it
/// exists yet. Returns the entry.
///
/// # Errors
/// [`LedgerError`] naming the rule broken.
pub fn check_reversal(existing: &[LedgerEntry], of: i64) -> Result<&LedgerEntry, LedgerError> {
    let entry = existing
        .iter()
        .find(|e| e.id == of)
        .ok_or(LedgerError::NoSuchEntry)?;
    if matches!(entry.kind, EntryKind::Reversal { .. }) {
        return Err(LedgerError::ReversalOfReversal);
    }
    if existing
        .iter()
        .any(|e| e.kind == EntryKind::Reversal { of })
    {
        return Err(LedgerError::AlreadyReversed);
    }
    Ok(entry)
}

/// A correction: the reversal of the wrong entry and the entry that replaces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub reversal: LedgerEntry,
    pub replacement: LedgerEntry,
}

/// Corrects entry `of` to `hours` (same worker and day) without touching it: a reversal with id
/// `reversal_id` plus a new work entry with id `replacement_id`, both to be appended.
///
/// # Errors
/// As [`check_reversal`].
pub fn correction(
    existing: &[LedgerEntry],
    of: i64,
    hours: Hours,
    rules: &WageRules,
    reversal_id: i64,
    replacement_id: i64,
) -> Result<Correction, LedgerError> {
    let entry = check_reversal(existing, of)?;
    Ok(Correction {
        reversal: entry.reversal(reversal_id),
        replacement: LedgerEntry::work(replacement_id, entry.worker_id, entry.day, hours, rules),
    })
}

/// What the ledger owes in all: the sum of every entry (reversals included).
pub fn balance(entries: &[LedgerEntry]) -> Fen {
    entries.iter().map(|e| e.amount).sum()
}

/// One worker's ledger totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerTotal {
    pub worker_id: i64,
    pub hours: Hours,
    pub amount: Fen,
}

/// Hours and amount per worker, ordered by worker id.
pub fn worker_totals(entries: &[LedgerEntry]) -> Vec<WorkerTotal> {
    let mut totals: Vec<WorkerTotal> = Vec::new();
    for e in entries {
        match totals.iter_mut().find(|t| t.worker_id == e.worker_id) {
            Some(t) => {
                t.hours = t.hours + e.hours;
                t.amount = t.amount + e.amount;
            }
            None => totals.push(WorkerTotal {
                worker_id: e.worker_id,
                hours: e.hours,
                amount: e.amount,
            }),
        }
    }
    totals.sort_by_key(|t| t.worker_id);
    totals
}

/// One worker's day as the team leader records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerDay {
    pub worker_id: i64,
    pub name: String,
    pub hours: Hours,
    pub paid: bool,
}

/// One line of a settlement sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetLine {
    pub worker_id: i64,
    pub name: String,
    pub hours: Hours,
    pub wage: Wage,
    pub paid: bool,
}

/// 日结单: the day's settlement sheet for one shift-day, with exact totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementSheet {
    pub day: NaiveDate,
    pub rules: WageRules,
    /// One line per worker, in the order workers first appear.
    pub lines: Vec<SheetLine>,
    pub total_hours: Hours,
    /// Sum of the lines' totals.
    pub total: Fen,
    pub paid: Fen,
    /// `total - paid`.
    pub unpaid: Fen,
}

impl SettlementSheet {
    /// Builds the sheet. Rows of the same worker are merged first (hours added; paid only if
    /// every row was), so overtime is counted on the worker's whole day.
    pub fn new(day: NaiveDate, rules: &WageRules, workers: &[WorkerDay]) -> Self {
        let mut merged: Vec<WorkerDay> = Vec::with_capacity(workers.len());
        for w in workers {
            match merged.iter_mut().find(|m| m.worker_id == w.worker_id) {
                Some(m) => {
                    m.hours = m.hours + w.hours;
                    m.paid &= w.paid;
                }
                None => merged.push(w.clone()),
            }
        }
        let lines: Vec<SheetLine> = merged
            .into_iter()
            .map(|w| SheetLine {
                wage: wage(rules, w.hours),
                worker_id: w.worker_id,
                name: w.name,
                hours: w.hours,
                paid: w.paid,
            })
            .collect();
        let total: Fen = lines.iter().map(|l| l.wage.total_fen).sum();
        let paid: Fen = lines
            .iter()
            .filter(|l| l.paid)
            .map(|l| l.wage.total_fen)
            .sum();
        SettlementSheet {
            day,
            rules: *rules,
            total_hours: lines.iter().map(|l| l.hours).sum(),
            total,
            paid,
            unpaid: total - paid,
            lines,
        }
    }
}

/// How far a worked day is paid, from what it earned and what was paid against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PayState {
    Unpaid,
    PartPaid,
    Settled,
    /// Paid more than the day now earns: its hours were corrected down after a settlement, and
    /// the cooperative owes the difference back to itself (the ledger never edits a payment).
    Overpaid,
}

impl PayState {
    pub fn of(earned: Fen, paid: Fen) -> PayState {
        if paid > earned {
            PayState::Overpaid
        } else if paid == earned && earned > Fen::ZERO {
            PayState::Settled
        } else if paid > Fen::ZERO {
            PayState::PartPaid
        } else {
            PayState::Unpaid
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            PayState::Unpaid => lang.pick("未付", "unpaid"),
            PayState::PartPaid => lang.pick("部分已付", "part paid"),
            PayState::Settled => lang.pick("已结清", "settled"),
            PayState::Overpaid => lang.pick("多付", "overpaid"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_day_is_unpaid_part_paid_settled_or_overpaid() {
        let y = |yuan: i64| Fen::new(yuan * 100);
        assert_eq!(PayState::of(y(95), Fen::ZERO), PayState::Unpaid);
        assert_eq!(PayState::of(y(95), y(40)), PayState::PartPaid);
        assert_eq!(PayState::of(y(95), y(95)), PayState::Settled);
        // 9 h settled at ¥95, then corrected to 8 h (¥80): ¥15 overpaid, not "settled".
        assert_eq!(PayState::of(y(80), y(95)), PayState::Overpaid);
        assert_eq!(PayState::of(Fen::ZERO, Fen::ZERO), PayState::Unpaid);
        assert_eq!(PayState::Overpaid.label(Lang::Zh), "多付");
        assert_eq!(PayState::PartPaid.label(Lang::En), "part paid");
    }

    fn h(text: &str) -> Hours {
        text.parse().expect("test hours")
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 20).expect("date")
    }

    fn rules(hourly_fen: i64, regular_centi: i64, percent: i64) -> WageRules {
        WageRules {
            hourly_fen: Fen::new(hourly_fen),
            regular_hours_per_day_centi: regular_centi,
            overtime_percent: percent,
        }
    }

    #[test]
    fn nine_hours_at_ten_yuan_pay_ninety_five_yuan() {
        let w = wage(&WageRules::default(), h("9"));
        assert_eq!(w.regular_hours, Hours::from_whole(8));
        assert_eq!(w.overtime_hours, Hours::from_whole(1));
        assert_eq!(w.regular_fen, Fen::from_yuan(80));
        assert_eq!(w.overtime_fen, Fen::from_yuan(15));
        assert_eq!(w.total_fen, Fen::new(9_500));
    }

    #[test]
    fn each_part_is_rounded_half_up_to_the_fen_on_its_own() {
        // 10.01 yuan/h × 0.33 h = 330.33 fen → 330.
        assert_eq!(
            wage(&rules(1_001, 800, 150), h("0.33")).total_fen,
            Fen::new(330)
        );
        // 10.01 × 0.5 = 500.5 fen → 501 (half up).
        assert_eq!(
            wage(&rules(1_001, 800, 150), h("0.5")).total_fen,
            Fen::new(501)
        );
        // 8.01 h: regular 8008 fen; overtime 10.01 × 0.01 × 1.5 = 15.015 → 15.
        let w = wage(&rules(1_001, 800, 150), h("8.01"));
        assert_eq!(
            (w.regular_fen, w.overtime_fen),
            (Fen::new(8_008), Fen::new(15))
        );
        // 0.01 h at 0.50 yuan/h: 0.5 fen rounds up to 1; overtime 0.75 fen rounds to 1.
        let w = wage(&rules(50, 1, 150), h("0.02"));
        assert_eq!((w.regular_fen, w.overtime_fen), (Fen::new(1), Fen::new(1)));
    }

    #[test]
    fn custom_overtime_rules_are_honoured() {
        // 12 yuan/h, 7 h a day, double pay after: 10 h = 84 + 72 = 156 yuan.
        let w = wage(&rules(1_200, 700, 200), h("10"));
        assert_eq!(w.total_fen, Fen::from_yuan(156));
        // Overtime at the plain rate: 9.5 h × 10 yuan.
        assert_eq!(
            wage(&rules(1_000, 800, 100), h("9.5")).total_fen,
            Fen::from_yuan(95)
        );
        // Fewer hours than the regular day: no overtime.
        assert_eq!(wage(&WageRules::default(), h("6")).overtime_fen, Fen::ZERO);
    }

    #[test]
    fn out_of_range_rules_are_refused() {
        assert_eq!(WageRules::default().validate(), Ok(()));
        assert_eq!(
            rules(-1, 800, 150).validate(),
            Err(WageRulesError::BadHourly)
        );
        assert_eq!(
            rules(1_000, 0, 150).validate(),
            Err(WageRulesError::BadRegularHours)
        );
        assert_eq!(
            rules(1_000, 800, 99).validate(),
            Err(WageRulesError::BadOvertimePercent)
        );
        assert_eq!(WageRulesError::BadHourly.code(), "bad_hourly_wage");
    }

    #[test]
    fn typed_hours_parse_exactly() {
        assert_eq!(h("9"), Hours::from_centi(900));
        assert_eq!(h(" 9.5 "), Hours::from_centi(950));
        assert_eq!(h("8.25"), Hours::from_centi(825));
        assert_eq!(h("9:30"), Hours::from_centi(950));
        assert_eq!(h("9：20"), Hours::from_centi(933));
        assert_eq!(h("0:40"), Hours::from_centi(67));
        assert_eq!(h("24"), Hours::from_whole(24));
        assert_eq!(h("24:00"), Hours::from_whole(24));
    }

    #[test]
    fn nonsense_hours_are_refused_with_a_reason() {
        let err = |t: &str| t.parse::<Hours>().expect_err(t);
        assert_eq!(err(""), HoursError::Empty);
        assert_eq!(err("nine"), HoursError::NotANumber);
        assert_eq!(err("9:75"), HoursError::NotANumber);
        assert_eq!(err("9:"), HoursError::NotANumber);
        assert_eq!(err("8.125"), HoursError::TooPrecise);
        assert_eq!(err("-1"), HoursError::Negative);
        assert_eq!(err("-1:30"), HoursError::Negative);
        assert_eq!(err("24.01"), HoursError::OverADay);
        assert_eq!(err("25:00"), HoursError::OverADay);
        assert_eq!(err("99999999999"), HoursError::OverADay);
        assert!(HoursError::OverADay.message(Lang::Zh).contains("24"));
        assert_eq!(HoursError::Negative.code(), "hours_negative");
    }

    #[test]
    fn hours_display_without_trailing_zeros() {
        assert_eq!(Hours::from_centi(900).to_string(), "9");
        assert_eq!(Hours::from_centi(950).to_string(), "9.5");
        assert_eq!(Hours::from_centi(825).to_string(), "8.25");
        assert_eq!(Hours::from_centi(-5).to_string(), "-0.05");
    }

    #[test]
    fn yuan_parse_into_fen() {
        assert_eq!(parse_yuan("10"), Ok(Fen::from_yuan(10)));
        assert_eq!(parse_yuan("¥10.5"), Ok(Fen::new(1_050)));
        assert_eq!(parse_yuan("12.34元"), Ok(Fen::new(1_234)));
        assert_eq!(parse_yuan("1.234"), Err(NumberError::TooPrecise));
        assert_eq!(parse_yuan(""), Err(NumberError::Empty));
    }

    #[test]
    fn a_correction_reverses_the_wrong_entry_and_adds_the_right_one() {
        let r = WageRules::default();
        let wrong = LedgerEntry::work(1, 7, day(), h("10"), &r);
        let fix = correction(&[wrong], 1, h("9"), &r, 2, 3).expect("correctable");
        assert_eq!(fix.reversal.kind, EntryKind::Reversal { of: 1 });
        assert_eq!(fix.reversal.amount, -wrong.amount);
        assert_eq!(fix.replacement.amount, Fen::new(9_500));
        let ledger = [wrong, fix.reversal, fix.replacement];
        assert_eq!(balance(&ledger), Fen::new(9_500));
        assert_eq!(
            worker_totals(&ledger),
            vec![WorkerTotal {
                worker_id: 7,
                hours: h("9"),
                amount: Fen::new(9_500)
            }]
        );
    }

    #[test]
    fn a_reversal_cannot_be_reversed_and_nothing_is_reversed_twice() {
        let r = WageRules::default();
        let work = LedgerEntry::work(1, 7, day(), h("8"), &r);
        let ledger = [work, work.reversal(2)];
        assert_eq!(
            check_reversal(&ledger, 1),
            Err(LedgerError::AlreadyReversed)
        );
        assert_eq!(
            check_reversal(&ledger, 2),
            Err(LedgerError::ReversalOfReversal)
        );
        assert_eq!(check_reversal(&ledger, 9), Err(LedgerError::NoSuchEntry));
        assert_eq!(check_reversal(&ledger[..1], 1), Ok(&work));
        assert!(
            LedgerError::AlreadyReversed
                .message(Lang::En)
                .contains("already")
        );
    }

    #[test]
    fn worker_totals_are_per_worker_in_id_order() {
        let r = WageRules::default();
        let ledger = [
            LedgerEntry::work(1, 9, day(), h("8"), &r),
            LedgerEntry::work(2, 3, day(), h("9"), &r),
            LedgerEntry::work(3, 9, day(), h("4"), &r),
        ];
        let totals = worker_totals(&ledger);
        assert_eq!(
            totals.iter().map(|t| t.worker_id).collect::<Vec<_>>(),
            [3, 9]
        );
        assert_eq!(totals[1].amount, Fen::from_yuan(120));
        assert_eq!(balance(&ledger), Fen::from_yuan(215));
    }

    #[test]
    fn the_settlement_sheet_merges_a_workers_rows_and_splits_paid_from_unpaid() {
        let row = |id: i64, hours: &str, paid: bool| WorkerDay {
            worker_id: id,
            name: format!("工人{id}"),
            hours: h(hours),
            paid,
        };
        let sheet = SettlementSheet::new(
            day(),
            &WageRules::default(),
            &[row(1, "9", true), row(2, "5", false), row(2, "4", false)],
        );
        assert_eq!(sheet.lines.len(), 2);
        // Worker 2's 5 h + 4 h is one 9-hour day with one hour of overtime.
        assert_eq!(sheet.lines[1].wage.total_fen, Fen::new(9_500));
        assert_eq!(sheet.total, Fen::from_yuan(190));
        assert_eq!(
            (sheet.paid, sheet.unpaid),
            (Fen::from_yuan(95), Fen::from_yuan(95))
        );
        assert_eq!(sheet.total_hours, h("18"));
    }

    fn any_rules() -> impl Strategy<Value = WageRules> {
        (
            0..=MAX_HOURLY_FEN,
            1..=MAX_HOURS_PER_DAY_CENTI,
            100i64..=300,
        )
            .prop_map(|(f, r, p)| rules(f, r, p))
    }

    proptest! {
        #[test]
        fn the_total_is_exactly_regular_plus_overtime(
            r in any_rules(), hours in 0..=MAX_HOURS_PER_DAY_CENTI
        ) {
            let w = wage(&r, Hours::from_centi(hours));
            prop_assert_eq!(w.total_fen, w.regular_fen + w.overtime_fen);
            prop_assert_eq!(w.regular_hours + w.overtime_hours, Hours::from_centi(hours));
        }

        #[test]
        fn more_hours_never_pay_less(
            r in any_rules(), a in 0..=MAX_HOURS_PER_DAY_CENTI, b in 0..=MAX_HOURS_PER_DAY_CENTI
        ) {
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(
                wage(&r, Hours::from_centi(lo)).total_fen
                    <= wage(&r, Hours::from_centi(hi)).total_fen
            );
        }

        #[test]
        fn a_day_at_the_highest_rate_never_overflows(
            r in any_rules(), hours in 0..=MAX_HOURS_PER_DAY_CENTI
        ) {
            let w = wage(&r, Hours::from_centi(hours));
            // Exact bound in i128: never above hourly × 24 h × 300 %.
            let cap = i128::from(r.hourly_fen.get()) * 24 * 3;
            prop_assert!(w.total_fen >= Fen::ZERO);
            prop_assert!(i128::from(w.total_fen.get()) <= cap);
        }

        #[test]
        fn an_entry_and_its_reversal_balance_to_zero(
            r in any_rules(), hours in 0..=MAX_HOURS_PER_DAY_CENTI, worker in 1i64..1_000
        ) {
            let work = LedgerEntry::work(1, worker, day(), Hours::from_centi(hours), &r);
            let ledger = [work, work.reversal(2)];
            prop_assert_eq!(balance(&ledger), Fen::ZERO);
            prop_assert_eq!(worker_totals(&ledger)[0].hours, Hours::ZERO);
        }

        #[test]
        fn sheet_lines_add_up_to_the_sheet_total(
            r in any_rules(),
            rows in proptest::collection::vec((1i64..20, 0..=1_200i64, any::<bool>()), 0..40)
        ) {
            let workers: Vec<WorkerDay> = rows
                .iter()
                .map(|&(id, hours, paid)| WorkerDay {
                    worker_id: id,
                    name: String::new(),
                    hours: Hours::from_centi(hours),
                    paid,
                })
                .collect();
            let sheet = SettlementSheet::new(day(), &r, &workers);
            let sum: Fen = sheet.lines.iter().map(|l| l.wage.total_fen).sum();
            prop_assert_eq!(sum, sheet.total);
            prop_assert_eq!(sheet.paid + sheet.unpaid, sheet.total);
            let hours: i64 = rows.iter().map(|r| r.1).sum();
            prop_assert_eq!(sheet.total_hours, Hours::from_centi(hours));
        }
    }
}
