//! Shifts (班次) and who works them: checking a new shift, suggesting people for its free places
//! (poor households first, then alliance members, then others), and the assignment rule.

use crate::wages::{Hours, MAX_HOURLY_FEN, NumberError, WageRules, parse_yuan};
use crate::{Fen, Lang};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Most people one shift may ask for: the 什邡 morel farm needed about 300 a day
/// (shared/agronomy.md), so 500 leaves room without letting typos through.
pub const MAX_HEADCOUNT: u32 = 500;

/// A shift as typed in the form or posted to the API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewShiftInput {
    pub date: String,
    pub task: String,
    pub headcount: String,
    pub hours: String,
    /// Yuan per hour; empty means the default 10 yuan.
    pub hourly_yuan: String,
}

/// A shift that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidShift {
    pub date: NaiveDate,
    pub task_code: String,
    pub headcount: u32,
    /// Planned hours of the shift.
    pub hours: Hours,
    pub hourly: Fen,
}

impl ValidShift {
    /// The wage rules for this shift: its hourly wage, the default regular day and overtime rate.
    pub fn wage_rules(&self) -> WageRules {
        WageRules {
            hourly_fen: self.hourly,
            ..WageRules::default()
        }
    }
}

/// Why a new shift was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum ShiftError {
    #[error("bad date")]
    BadDate,
    #[error("unknown task")]
    UnknownTask,
    #[error("bad headcount")]
    BadHeadcount,
    #[error("bad hours")]
    BadHours,
    #[error("bad hourly wage")]
    BadHourlyWage,
}

impl ShiftError {
    /// A short stable code, for the API and tests.
    pub fn code(self) -> &'static str {
        match self {
            ShiftError::BadDate => "invalid_date",
            ShiftError::UnknownTask => "unknown_task",
            ShiftError::BadHeadcount => "invalid_headcount",
            ShiftError::BadHours => "invalid_hours",
            ShiftError::BadHourlyWage => "invalid_hourly_wage",
        }
    }

    /// The message shown next to the field.
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            ShiftError::BadDate => lang.pick(
                "请填写日期，格式 2026-12-05",
                "Enter a date like 2026-12-05",
            ),
            ShiftError::UnknownTask => lang.pick("请选择农事任务", "Choose a task from the list"),
            ShiftError::BadHeadcount => lang.pick(
                "人数须为 1 至 500 之间的整数",
                "Headcount must be a whole number from 1 to 500",
            ),
            ShiftError::BadHours => lang.pick(
                "工时须大于 0 且不超过 24 小时，最多两位小数",
                "Hours must be above 0 and at most 24, with at most two decimals",
            ),
            ShiftError::BadHourlyWage => lang.pick(
                "时薪须为 0 至 1000 元，最多两位小数",
                "The hourly wage must be 0 to 1,000 yuan, with at most two decimals",
            ),
        }
    }
}

/// Checks a new shift; `known_task` says whether a task code exists (see
/// [`crate::labour::templates`]).
///
/// # Errors
/// Every field's problem, in form order.
pub fn validate_shift(
    input: &NewShiftInput,
    known_task: impl Fn(&str) -> bool,
) -> Result<ValidShift, Vec<ShiftError>> {
    let mut errors = Vec::new();
    let date = crate::planting::parse_date(&input.date).ok();
    if date.is_none() {
        errors.push(ShiftError::BadDate);
    }
    let task = input.task.trim();
    if !known_task(task) {
        errors.push(ShiftError::UnknownTask);
    }
    let headcount = input
        .headcount
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_HEADCOUNT).contains(n));
    if headcount.is_none() {
        errors.push(ShiftError::BadHeadcount);
    }
    let hours = input
        .hours
        .parse::<Hours>()
        .ok()
        .filter(|h| h.is_positive());
    if hours.is_none() {
        errors.push(ShiftError::BadHours);
    }
    let hourly = match parse_yuan(&input.hourly_yuan) {
        Err(NumberError::Empty) => Some(WageRules::default().hourly_fen),
        Ok(f) if (0..=MAX_HOURLY_FEN).contains(&f.get()) => Some(f),
        _ => None,
    };
    if hourly.is_none() {
        errors.push(ShiftError::BadHourlyWage);
    }
    match (date, headcount, hours, hourly) {
        (Some(date), Some(headcount), Some(hours), Some(hourly)) if errors.is_empty() => {
            Ok(ValidShift {
                date,
                task_code: task.to_owned(),
                headcount,
                hours,
                hourly,
            })
        }
        _ => Err(errors),
    }
}

/// A person who could work a shift, as the suggestion sees them on the shift's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub person_id: i64,
    pub household_id: i64,
    pub name: String,
    /// 贫困户 (registered poor household).
    pub household_is_poor: bool,
    /// The household belongs to the alliance (联合体) running the work.
    pub in_alliance: bool,
    pub able_to_work: bool,
    /// Already on another shift that day.
    pub booked_that_day: bool,
    /// Hours already worked this season.
    pub season_hours: Hours,
}

/// Who is offered work first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Members of poor households.
    Poor,
    /// Members of alliance households.
    Alliance,
    Other,
}

impl Candidate {
    /// The candidate's priority group (poor comes before alliance).
    pub fn priority(&self) -> Priority {
        if self.household_is_poor {
            Priority::Poor
        } else if self.in_alliance {
            Priority::Alliance
        } else {
            Priority::Other
        }
    }

    /// Can be put on a shift that day.
    pub fn is_available(&self) -> bool {
        self.able_to_work && !self.booked_that_day
    }
}

/// Suggests up to `free_places` people for a shift: available people only, poor-household
/// members first, then alliance members, then others; within a group those with fewer hours
/// this season first (sharing the work), then by person id. A person listed twice counts once,
/// and is left out if any of their entries says booked or unable to work.
pub fn suggest(candidates: &[Candidate], free_places: usize) -> Vec<i64> {
    let unavailable: BTreeSet<i64> = candidates
        .iter()
        .filter(|c| !c.is_available())
        .map(|c| c.person_id)
        .collect();
    let mut pool: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| !unavailable.contains(&c.person_id))
        .collect();
    pool.sort_by_key(|c| (c.priority(), c.season_hours, c.person_id));
    let mut seen = BTreeSet::new();
    pool.into_iter()
        .filter(|c| seen.insert(c.person_id))
        .take(free_places)
        .map(|c| c.person_id)
        .collect()
}

/// Why a person cannot be put on a shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum AssignError {
    #[error("shift full")]
    Full,
    #[error("not able to work")]
    NotAbleToWork,
    #[error("double booked")]
    DoubleBooked,
}

impl AssignError {
    /// A short stable code, for the API and tests.
    pub fn code(self) -> &'static str {
        match self {
            AssignError::Full => "shift_full",
            AssignError::NotAbleToWork => "not_able_to_work",
            AssignError::DoubleBooked => "double_booked",
        }
    }

    /// The message shown to the person assigning.
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            AssignError::Full => lang.pick("该班次人数已满", "This shift is full"),
            AssignError::NotAbleToWork => {
                lang.pick("此人目前不能参加劳动", "This person cannot work at present")
            }
            AssignError::DoubleBooked => lang.pick(
                "此人当天已安排了其他班次",
                "This person is already on another shift that day",
            ),
        }
    }
}

/// The assignment rule: one more person fits the shift, is able to work, and is on no other
/// shift that day. Checked in that order. The store must run this inside the transaction that
/// inserts the assignment, so two clerks cannot fill the last place twice.
///
/// # Errors
/// The first rule broken.
pub fn can_assign(
    shift_headcount: u32,
    already_assigned: u32,
    able_to_work: bool,
    booked_that_day: bool,
) -> Result<(), AssignError> {
    if already_assigned >= shift_headcount {
        Err(AssignError::Full)
    } else if !able_to_work {
        Err(AssignError::NotAbleToWork)
    } else if booked_that_day {
        Err(AssignError::DoubleBooked)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn input(date: &str, task: &str, headcount: &str, hours: &str, hourly: &str) -> NewShiftInput {
        NewShiftInput {
            date: date.into(),
            task: task.into(),
            headcount: headcount.into(),
            hours: hours.into(),
            hourly_yuan: hourly.into(),
        }
    }

    fn known(code: &str) -> bool {
        crate::labour::is_task_code(code)
    }

    fn person(id: i64, poor: bool, alliance: bool, season_hours: i64) -> Candidate {
        Candidate {
            person_id: id,
            household_id: id / 10,
            name: format!("村民{id}"),
            household_is_poor: poor,
            in_alliance: alliance,
            able_to_work: true,
            booked_that_day: false,
            season_hours: Hours::from_whole(season_hours),
        }
    }

    #[test]
    fn a_shift_without_a_wage_pays_ten_yuan_an_hour() {
        let s = validate_shift(&input("2026-11-20", "spawn_rubbing", "300", "8", ""), known)
            .expect("valid");
        assert_eq!(s.hourly, Fen::from_yuan(10));
        assert_eq!(s.headcount, 300);
        assert_eq!(s.hours, Hours::from_whole(8));
        assert_eq!(s.wage_rules(), WageRules::default());
    }

    #[test]
    fn every_bad_field_of_a_shift_is_reported() {
        let err = validate_shift(&input("2026-13-01", "dancing", "0", "25", "-1"), known)
            .expect_err("all wrong");
        assert_eq!(
            err,
            vec![
                ShiftError::BadDate,
                ShiftError::UnknownTask,
                ShiftError::BadHeadcount,
                ShiftError::BadHours,
                ShiftError::BadHourlyWage
            ]
        );
        let limits =
            |n: &str, h: &str| validate_shift(&input("2026-11-20", "sowing", n, h, "12.5"), known);
        assert!(limits("500", "24").is_ok());
        assert_eq!(limits("501", "8"), Err(vec![ShiftError::BadHeadcount]));
        assert_eq!(limits("5", "0"), Err(vec![ShiftError::BadHours]));
        assert!(ShiftError::BadHeadcount.message(Lang::Zh).contains("500"));
    }

    #[test]
    fn poor_households_come_first_then_alliance_then_the_fewest_hours() {
        let mut busy = person(1, true, false, 0);
        busy.booked_that_day = true;
        let mut ill = person(2, true, true, 0);
        ill.able_to_work = false;
        let people = [
            busy,
            ill,
            person(3, false, false, 0),
            person(4, false, true, 40),
            person(5, true, false, 80),
            person(6, false, true, 10),
            person(7, true, true, 20),
        ];
        assert_eq!(suggest(&people, 10), vec![7, 5, 6, 4, 3]);
        assert_eq!(suggest(&people, 3), vec![7, 5, 6]);
        assert_eq!(suggest(&people, 0), Vec::<i64>::new());
    }

    #[test]
    fn assignment_is_refused_when_full_unable_or_double_booked() {
        assert_eq!(can_assign(3, 2, true, false), Ok(()));
        assert_eq!(can_assign(3, 3, true, false), Err(AssignError::Full));
        assert_eq!(
            can_assign(3, 0, false, false),
            Err(AssignError::NotAbleToWork)
        );
        assert_eq!(can_assign(3, 0, true, true), Err(AssignError::DoubleBooked));
        assert_eq!(AssignError::DoubleBooked.code(), "double_booked");
    }

    #[test]
    fn a_person_listed_twice_is_suggested_once_and_only_if_free_in_every_entry() {
        let mut booked = person(8, false, false, 0);
        booked.booked_that_day = true;
        let people = [
            person(5, true, false, 0),
            person(5, true, false, 0),
            person(8, false, false, 0),
            booked,
        ];
        assert_eq!(suggest(&people, 5), vec![5]);
    }

    fn any_candidate() -> impl Strategy<Value = Candidate> {
        (0i64..60, any::<[bool; 4]>(), 0i64..50_000).prop_map(|(id, f, h)| Candidate {
            person_id: id,
            household_id: id / 4,
            name: String::new(),
            household_is_poor: f[0],
            in_alliance: f[1],
            able_to_work: f[2],
            booked_that_day: f[3],
            season_hours: Hours::from_centi(h),
        })
    }

    proptest! {
        #[test]
        fn suggestions_respect_places_availability_and_priority(
            people in proptest::collection::vec(any_candidate(), 0..80),
            free in 0usize..30
        ) {
            // Unique ids here; duplicates have their own test.
            let people: Vec<Candidate> = people
                .into_iter()
                .enumerate()
                .map(|(i, c)| Candidate { person_id: i64::try_from(i).unwrap_or(0), ..c })
                .collect();
            let chosen = suggest(&people, free);
            prop_assert!(chosen.len() <= free);
            let mut unique = chosen.clone();
            unique.sort_unstable();
            unique.dedup();
            prop_assert_eq!(unique.len(), chosen.len());
            let of = |id: i64| people.iter().filter(|c| c.is_available()).find(|c| c.person_id == id);
            let picked: Vec<&Candidate> = chosen.iter().filter_map(|&id| of(id)).collect();
            prop_assert_eq!(picked.len(), chosen.len(), "only available people");
            let first_non_poor = picked.iter().position(|c| c.priority() != Priority::Poor);
            let last_poor = picked.iter().rposition(|c| c.priority() == Priority::Poor);
            if let (Some(np), Some(p)) = (first_non_poor, last_poor) {
                prop_assert!(p < np, "a poor member after a non-poor one");
            }
            prop_assert!(picked.windows(2).all(|w| w[0].priority() <= w[1].priority()));
        }
    }
}
