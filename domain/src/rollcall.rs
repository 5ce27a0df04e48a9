//! 点名记工, the roll call: at the end of a field day the manager goes down the list of everyone
//! booked on the shift, marks who did not come, changes the hours of the few who worked more or
//! less than planned, and submits once. This module reads that submission and works out what the
//! append-only ledger must do to make it true, with no I/O.
//!
//! The roll call states the day as it was: submitting the same roll call again changes nothing,
//! and a later one corrects an earlier one by reversal, never by edit.

use crate::Lang;
use crate::wages::{Hours, HoursError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One line as the form sends it: the person, the 缺勤 box, and the hours box (empty = the
/// shift's planned hours).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RollLineInput {
    pub person_id: i64,
    pub absent: bool,
    pub hours: String,
}

/// What the roll call says of one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mark {
    Absent,
    Worked(Hours),
}

/// Why a line was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RollError {
    Hours(HoursError),
    /// Present with 0 hours: tick 缺勤 instead, so the sheet says why nothing is owed.
    ZeroHours,
    /// The same person appears twice in one roll call.
    Repeated,
    /// The person is not booked on this shift (someone unbooked them meanwhile).
    NotOnShift,
}

impl RollError {
    /// A short stable code, for the API and tests.
    pub fn code(self) -> &'static str {
        match self {
            RollError::Hours(e) => e.code(),
            RollError::ZeroHours => "hours_zero",
            RollError::Repeated => "person_repeated",
            RollError::NotOnShift => "not_assigned",
        }
    }

    /// The message shown beside the person's name.
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            RollError::Hours(e) => e.message(lang),
            RollError::ZeroHours => lang.pick(
                "出工人员工时须大于 0；没来的请勾选“缺勤”",
                "Hours must be more than 0; tick “absent” for someone who did not come",
            ),
            RollError::Repeated => {
                lang.pick("此人在点名单上出现了两次", "This person is listed twice")
            }
            RollError::NotOnShift => lang.pick(
                "此人已不在该班次（可能刚被调出），请刷新",
                "This person is no longer on the shift; reload",
            ),
        }
    }
}

/// A refused line: which line (0-based, in the order sent), whose, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineError {
    pub line: usize,
    pub person_id: i64,
    pub error: RollError,
}

/// Reads a roll call: every line's mark, or every bad line. `planned` fills an empty hours box.
///
/// # Errors
/// Each line that cannot be read, all of them (the page names each).
pub fn read(lines: &[RollLineInput], planned: Hours) -> Result<Vec<(i64, Mark)>, Vec<LineError>> {
    let mut seen = BTreeSet::new();
    let mut marks = Vec::with_capacity(lines.len());
    let mut errors = vec![];
    for (line, l) in lines.iter().enumerate() {
        let refuse = |error| LineError {
            line,
            person_id: l.person_id,
            error,
        };
        if !seen.insert(l.person_id) {
            errors.push(refuse(RollError::Repeated));
            continue;
        }
        if l.absent {
            marks.push((l.person_id, Mark::Absent));
            continue;
        }
        let hours = if l.hours.trim().is_empty() {
            Ok(planned)
        } else {
            l.hours.parse::<Hours>()
        };
        match hours {
            Ok(h) if h.is_positive() => marks.push((l.person_id, Mark::Worked(h))),
            Ok(_) => errors.push(refuse(RollError::ZeroHours)),
            Err(e) => errors.push(refuse(RollError::Hours(e))),
        }
    }
    if errors.is_empty() {
        Ok(marks)
    } else {
        Err(errors)
    }
}

/// What the ledger holds for a person on the shift now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Current {
    pub person_id: i64,
    /// The current (not reversed) work entry and its hours.
    pub entry: Option<(i64, Hours)>,
    pub absent: bool,
}

/// One change to the ledger or the booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Reverse the entry (a correction, or hours recorded for someone now marked absent).
    Reverse { person_id: i64, entry_id: i64 },
    /// Record a work entry of these hours.
    Record { person_id: i64, hours: Hours },
    /// Set or clear the absent mark.
    MarkAbsent { person_id: i64, absent: bool },
}

/// The steps that make the ledger say what the roll call says, in order: for each person a
/// reversal before the new entry. A person whose hours and mark already agree gets no step.
///
/// # Errors
/// A line naming someone not on the shift (every such line).
pub fn plan(current: &[Current], marks: &[(i64, Mark)]) -> Result<Vec<Step>, Vec<LineError>> {
    let errors: Vec<LineError> = marks
        .iter()
        .enumerate()
        .filter(|(_, (p, _))| !current.iter().any(|c| c.person_id == *p))
        .map(|(line, (p, _))| LineError {
            line,
            person_id: *p,
            error: RollError::NotOnShift,
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut steps = vec![];
    for (person_id, mark) in marks {
        let Some(now) = current.iter().find(|c| c.person_id == *person_id) else {
            continue;
        };
        let person_id = *person_id;
        let (want_hours, want_absent) = match mark {
            Mark::Absent => (None, true),
            Mark::Worked(h) => (Some(*h), false),
        };
        let have_hours = now.entry.map(|(_, h)| h);
        if have_hours != want_hours {
            if let Some((entry_id, _)) = now.entry {
                steps.push(Step::Reverse {
                    person_id,
                    entry_id,
                });
            }
            if let Some(hours) = want_hours {
                steps.push(Step::Record { person_id, hours });
            }
        }
        if now.absent != want_absent {
            steps.push(Step::MarkAbsent {
                person_id,
                absent: want_absent,
            });
        }
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(person_id: i64, absent: bool, hours: &str) -> RollLineInput {
        RollLineInput {
            person_id,
            absent,
            hours: hours.into(),
        }
    }

    const EIGHT: Hours = Hours::from_whole(8);

    #[test]
    fn an_empty_box_is_the_planned_hours_and_a_ticked_box_is_absent() {
        let marks = read(
            &[line(1, false, ""), line(2, true, "8"), line(3, false, "10")],
            EIGHT,
        )
        .expect("reads");
        assert_eq!(
            marks,
            vec![
                (1, Mark::Worked(EIGHT)),
                (2, Mark::Absent),
                (3, Mark::Worked(Hours::from_whole(10)))
            ]
        );
    }

    #[test]
    fn every_bad_line_is_named_not_only_the_first() {
        let errors = read(
            &[
                line(1, false, "8"),
                line(2, false, "abc"),
                line(3, false, "0"),
                line(4, false, "25"),
                line(1, false, "8"),
            ],
            EIGHT,
        )
        .expect_err("refused");
        let got: Vec<(usize, i64, &str)> = errors
            .iter()
            .map(|e| (e.line, e.person_id, e.error.code()))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, 2, "hours_unreadable"),
                (2, 3, "hours_zero"),
                (3, 4, "hours_over_a_day"),
                (4, 1, "person_repeated"),
            ]
        );
    }

    #[test]
    fn the_plan_records_corrects_reverses_and_leaves_what_already_agrees() {
        let current = [
            Current {
                person_id: 1,
                entry: None,
                absent: false,
            },
            Current {
                person_id: 2,
                entry: Some((20, EIGHT)),
                absent: false,
            },
            Current {
                person_id: 3,
                entry: Some((30, EIGHT)),
                absent: false,
            },
            Current {
                person_id: 4,
                entry: Some((40, EIGHT)),
                absent: false,
            },
        ];
        let ten = Hours::from_whole(10);
        let steps = plan(
            &current,
            &[
                (1, Mark::Worked(EIGHT)),
                (2, Mark::Worked(EIGHT)),
                (3, Mark::Worked(ten)),
                (4, Mark::Absent),
            ],
        )
        .expect("plan");
        assert_eq!(
            steps,
            vec![
                Step::Record {
                    person_id: 1,
                    hours: EIGHT
                },
                Step::Reverse {
                    person_id: 3,
                    entry_id: 30
                },
                Step::Record {
                    person_id: 3,
                    hours: ten
                },
                Step::Reverse {
                    person_id: 4,
                    entry_id: 40
                },
                Step::MarkAbsent {
                    person_id: 4,
                    absent: true
                },
            ]
        );
    }

    #[test]
    fn the_same_roll_call_twice_plans_nothing_the_second_time() {
        let marks = [(1, Mark::Worked(EIGHT)), (2, Mark::Absent)];
        let after = [
            Current {
                person_id: 1,
                entry: Some((10, EIGHT)),
                absent: false,
            },
            Current {
                person_id: 2,
                entry: None,
                absent: true,
            },
        ];
        assert_eq!(plan(&after, &marks), Ok(vec![]));
    }

    #[test]
    fn someone_no_longer_on_the_shift_is_named() {
        let errors = plan(&[], &[(7, Mark::Worked(EIGHT))]).expect_err("refused");
        assert_eq!(errors[0].person_id, 7);
        assert_eq!(errors[0].error, RollError::NotOnShift);
    }
}
