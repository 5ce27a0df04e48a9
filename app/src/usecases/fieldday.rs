//! The cooperative's field day at 300 workers, from one phone: fill a shift from the
//! suggestions in one action, book ticked people together, take someone off, the roll call
//! (点名记工) submitted once for everyone, the day sheet (日结单) and settling the whole day.
//! The rules stay those of single bookings: poor households first, no over-fill, no double
//! booking, an append-only ledger, a day paid only once. Only compiled with `ssr`.

use crate::models::{DAY_SHEET_PAGE, DaySheetData, DaySheetLine, RollCallData, RollLine};
use crate::usecases::alliance::{
    WorkOutcome, assign_refusal, candidates, managed_shift, refused_all, shift_view, task_name,
};
use chrono::NaiveDate;
use std::collections::HashMap;
use tianlian_domain::access::{Caller, can_manage_cooperative, can_view_cooperative};
use tianlian_domain::rollcall::{self, LineError, RollLineInput};
use tianlian_domain::shifts::{self, AssignError};
use tianlian_domain::wages::{self, Hours, WageRules};
use tianlian_domain::{Fen, Lang};
use tianlian_storage::work::{self, BookMode, Booking, RollCallDone, RollCallMeta, WorkError};
use tianlian_storage::{Db, StorageError, cooperatives};

fn refused(code: &'static str, zh: String, en: String) -> WorkOutcome {
    WorkOutcome::Refused(code, zh, en)
}

/// Fills the shift's free places from the suggestions, in their order (poor households first,
/// then alliance members, fewest hours this season first), in one transaction. Returns how
/// many were booked.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn fill(db: &Db, caller: &Caller, shift_id: i64) -> Result<WorkOutcome, StorageError> {
    let s = match managed_shift(db, caller, shift_id).await? {
        Ok(s) => s,
        Err(refused) => return Ok(refused),
    };
    if s.assigned >= s.headcount {
        return Ok(assign_refusal(AssignError::Full));
    }
    let (people, _) = candidates(db, &s).await?;
    let order = shifts::suggest(&people, people.len());
    if order.is_empty() {
        return Ok(refused(
            "no_candidates",
            "本乡镇当天没有可安排的人员".into(),
            "Nobody in the township is free to work that day".into(),
        ));
    }
    match work::book_many(db, shift_id, &order, BookMode::UpToHeadcount).await {
        Ok(Booking::Booked(booked)) => {
            tracing::info!(
                shift = shift_id,
                booked = booked.len(),
                account_id = caller.account_id,
                "shift filled"
            );
            Ok(WorkOutcome::Done(i64::try_from(booked.len()).unwrap_or(0)))
        }
        Ok(_) | Err(WorkError::NoShift) => Ok(WorkOutcome::NotFound),
        Err(WorkError::Storage(e)) => Err(e),
        Err(WorkError::DoubleBooked | WorkError::Rejected(_)) => {
            Ok(assign_refusal(AssignError::DoubleBooked))
        }
    }
}

/// Books the ticked people together: all of them or none, each named if refused (not of the
/// township, unable to work, booked that day); more people than free places books nobody.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn book(
    db: &Db,
    caller: &Caller,
    shift_id: i64,
    people: &[i64],
) -> Result<WorkOutcome, StorageError> {
    let s = match managed_shift(db, caller, shift_id).await? {
        Ok(s) => s,
        Err(refused) => return Ok(refused),
    };
    let mut ticked: Vec<i64> = Vec::with_capacity(people.len());
    for p in people {
        if !ticked.contains(p) {
            ticked.push(*p);
        }
    }
    if ticked.is_empty() {
        return Ok(refused(
            "none_ticked",
            "请先勾选要安排的人".into(),
            "Tick the people to book first".into(),
        ));
    }
    let (known, _) = candidates(db, &s).await?;
    let by_id: HashMap<i64, _> = known.iter().map(|c| (c.person_id, c)).collect();
    let mut problems: Vec<(String, AssignError)> = vec![];
    for p in &ticked {
        match by_id.get(p) {
            None => {
                return Ok(refused(
                    "unknown_person",
                    format!("找不到编号 {p} 的人员（须为本乡镇农户成员）"),
                    format!("No person {p} in the township's households"),
                ));
            }
            Some(c) if !c.able_to_work => {
                problems.push((c.name.clone(), AssignError::NotAbleToWork))
            }
            Some(c) if c.booked_that_day => {
                problems.push((c.name.clone(), AssignError::DoubleBooked))
            }
            Some(_) => {}
        }
    }
    if !problems.is_empty() {
        return Ok(named(&problems));
    }
    match work::book_many(db, shift_id, &ticked, BookMode::AllOrNone).await {
        Ok(Booking::Booked(booked)) => {
            tracing::info!(
                shift = shift_id,
                booked = booked.len(),
                account_id = caller.account_id,
                "people booked"
            );
            Ok(WorkOutcome::Done(i64::try_from(booked.len()).unwrap_or(0)))
        }
        Ok(Booking::Full { free }) => Ok(refused(
            AssignError::Full.code(),
            format!(
                "只剩 {free} 个名额，勾选了 {} 人；未安排任何人",
                ticked.len()
            ),
            format!(
                "{free} places left and {} ticked; nobody was booked",
                ticked.len()
            ),
        )),
        Ok(Booking::Taken(taken)) => {
            let list: Vec<(String, AssignError)> = taken
                .iter()
                .filter_map(|p| by_id.get(p))
                .map(|c| (c.name.clone(), AssignError::DoubleBooked))
                .collect();
            Ok(named(&list))
        }
        Err(WorkError::NoShift) => Ok(WorkOutcome::NotFound),
        Err(WorkError::Storage(e)) => Err(e),
        Err(WorkError::DoubleBooked | WorkError::Rejected(_)) => {
            Ok(assign_refusal(AssignError::DoubleBooked))
        }
    }
}

/// A refusal naming each person and why; nothing was booked.
fn named(problems: &[(String, AssignError)]) -> WorkOutcome {
    let code = problems.first().map_or("refused", |(_, e)| e.code());
    refused_all(code, problems, |(name, e), lang| {
        let none = lang.pick("（未安排任何人）", " (nobody was booked)");
        format!("{name}：{}{none}", e.message(lang))
    })
}

/// Takes a person off a shift, while no hours are recorded for them.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn unbook(
    db: &Db,
    caller: &Caller,
    shift_id: i64,
    person_id: i64,
) -> Result<WorkOutcome, StorageError> {
    if let Err(refused) = managed_shift(db, caller, shift_id).await? {
        return Ok(refused);
    }
    if work::unassign(db, shift_id, person_id).await? {
        tracing::info!(
            shift = shift_id,
            person = person_id,
            account_id = caller.account_id,
            "person unbooked"
        );
        return Ok(WorkOutcome::Done(person_id));
    }
    let on_shift = work::assigned(db, shift_id)
        .await?
        .iter()
        .any(|a| a.person_id == person_id);
    Ok(if on_shift {
        refused(
            "has_hours",
            "已记工时的人员不能调出；工时有误请在点名记工中更正".into(),
            "Someone with recorded hours cannot be taken off; correct the hours in the roll call"
                .into(),
        )
    } else {
        refused(
            "not_assigned",
            "此人不在该班次".into(),
            "This person is not on the shift".into(),
        )
    })
}

/// The roll call: everyone booked on the shift, their hours box filled with what is recorded
/// (or the planned hours), and a fresh key for this submission. Managers only.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn roll_call_page(
    db: &Db,
    caller: &Caller,
    shift_id: i64,
) -> Result<Option<RollCallData>, StorageError> {
    let Ok(s) = managed_shift(db, caller, shift_id).await? else {
        return Ok(None);
    };
    let rows = work::roll_lines(db, shift_id).await?;
    let planned = s.hours.to_string();
    let lines = rows
        .into_iter()
        .map(|r| RollLine {
            person_id: r.person_id,
            name: r.name,
            household_code: r.household_code,
            is_poor: r.is_poor,
            hours: if r.entry_id.is_some() {
                Hours::from_centi(r.hours_centi).to_string()
            } else {
                planned.clone()
            },
            absent: r.absent,
            recorded: r.entry_id.is_some(),
        })
        .collect();
    Ok(Some(RollCallData {
        shift: shift_view(&s),
        cooperative_id: s.cooperative_id,
        key: crate::usecases::auth::new_form_key(),
        lines,
        earlier: work::roll_calls_of(db, shift_id).await?,
    }))
}

/// What a roll call recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RollCallSummary {
    pub present: usize,
    pub absent: usize,
    pub changed: usize,
    /// The key was seen before: this submission recorded nothing.
    pub repeated: bool,
}

/// The result of a roll call, with the summary when done.
pub type RollCallOutcome = Result<RollCallSummary, WorkOutcome>;

/// Records a roll call: all lines or none, every bad line named; a key seen before records
/// nothing again (a double tap, a resend after the signal came back).
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn submit_roll_call(
    db: &Db,
    caller: &Caller,
    shift_id: i64,
    key: &str,
    lines: &[RollLineInput],
) -> Result<RollCallOutcome, StorageError> {
    let s = match managed_shift(db, caller, shift_id).await? {
        Ok(s) => s,
        Err(refused) => return Ok(Err(refused)),
    };
    let key = key.trim();
    if key.is_empty() || key.chars().count() > 64 {
        return Ok(Err(refused(
            "key_missing",
            "点名单缺少提交编号，请刷新页面后重新提交".into(),
            "The roll call has no submission key; reload the page and submit again".into(),
        )));
    }
    let names: HashMap<i64, String> = work::assigned(db, shift_id)
        .await?
        .into_iter()
        .map(|a| (a.person_id, a.name))
        .collect();
    let marks = match rollcall::read(lines, s.hours) {
        Ok(m) => m,
        Err(errors) => return Ok(Err(line_refusal(&errors, &names))),
    };
    let absent = marks
        .iter()
        .filter(|(_, m)| *m == rollcall::Mark::Absent)
        .count();
    let rules = WageRules {
        hourly_fen: s.hourly,
        regular_hours_per_day_centi: s.regular_hours_centi,
        overtime_percent: s.overtime_percent,
    };
    let meta = RollCallMeta {
        key,
        present: marks.len() - absent,
        absent,
        by: Some(caller.account_id),
    };
    let done = work::roll_call(
        db,
        shift_id,
        meta,
        |current| rollcall::plan(current, &marks),
        |hours| wages::wage(&rules, hours),
    )
    .await;
    let summary = |changed, repeated| RollCallSummary {
        present: meta.present,
        absent,
        changed,
        repeated,
    };
    match done {
        Ok(RollCallDone::Recorded { changed }) => {
            tracing::info!(
                shift = shift_id,
                present = meta.present,
                absent,
                changed,
                account_id = caller.account_id,
                "roll call recorded"
            );
            Ok(Ok(summary(changed, false)))
        }
        Ok(RollCallDone::Repeated) => Ok(Ok(summary(0, true))),
        Err(WorkError::Rejected(errors)) => Ok(Err(line_refusal(&errors, &names))),
        Err(WorkError::NoShift) => Ok(Err(WorkOutcome::NotFound)),
        Err(WorkError::DoubleBooked) => Ok(Err(refused(
            "changed_meanwhile",
            "该班次刚被修改，请刷新后再试".into(),
            "The shift changed meanwhile; reload and try again".into(),
        ))),
        Err(WorkError::Storage(e)) => Err(e),
    }
}

/// Bad lines named one by one; past these, the message says how many more (it travels in the
/// address the form is sent back to).
const NAMED_LINES: usize = 10;

/// Names every bad line: "第 3 行 张三：…" (the first [`NAMED_LINES`], then how many more).
fn line_refusal(errors: &[LineError], names: &HashMap<i64, String>) -> WorkOutcome {
    let code = errors.first().map_or("refused", |e| e.error.code());
    let shown = &errors[..errors.len().min(NAMED_LINES)];
    let more = errors.len() - shown.len();
    let outcome = refused_all(code, shown, |e, lang| {
        let name = names
            .get(&e.person_id)
            .cloned()
            .unwrap_or_else(|| format!("#{}", e.person_id));
        match lang {
            Lang::Zh => format!("第 {} 行 {name}：{}", e.line + 1, e.error.message(lang)),
            Lang::En => format!("line {} {name}: {}", e.line + 1, e.error.message(lang)),
        }
    });
    match outcome {
        WorkOutcome::Refused(code, zh, en) if more > 0 => WorkOutcome::Refused(
            code,
            format!("{zh}；另有 {more} 行有误"),
            format!("{en}; {more} more lines are wrong"),
        ),
        other => other,
    }
}

/// A cooperative's day sheet: every worker of every shift that day. `page` 0 is the printable
/// sheet (every line); otherwise a screen of [`DAY_SHEET_PAGE`](crate::models::DAY_SHEET_PAGE) lines. Totals cover the day.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn day_sheet(
    db: &Db,
    caller: &Caller,
    cooperative_id: i64,
    day: NaiveDate,
    page: usize,
) -> Result<Option<DaySheetData>, StorageError> {
    let Some(coop) = cooperatives::list(db)
        .await?
        .into_iter()
        .find(|c| c.id == cooperative_id)
    else {
        return Ok(None);
    };
    if !can_view_cooperative(caller.scope, coop.id, coop.township_id) {
        return Ok(None);
    }
    let rows = work::day_lines(db, coop.id, day).await?;
    let mut lines: Vec<DaySheetLine> = Vec::with_capacity(rows.len());
    let (mut regular, mut overtime) = (Hours::ZERO, Hours::ZERO);
    let (mut total, mut paid) = (Fen::ZERO, Fen::ZERO);
    for r in &rows {
        // The hours split by the shift's own day limit (the ledger holds the money).
        let split = wages::wage(
            &WageRules {
                hourly_fen: Fen::ZERO,
                regular_hours_per_day_centi: r.regular_hours_centi,
                overtime_percent: 100,
            },
            Hours::from_centi(r.hours_centi),
        );
        regular = regular + split.regular_hours;
        overtime = overtime + split.overtime_hours;
        total = total + Fen::new(r.earned_fen);
        paid = paid + Fen::new(r.paid_fen);
        lines.push(DaySheetLine {
            shift_id: r.shift_id,
            task_zh: task_name(&r.task_code),
            name: r.name.clone(),
            household_code: r.household_code.clone(),
            is_poor: r.is_poor,
            absent: r.absent,
            regular_hours: split.regular_hours.to_string(),
            overtime_hours: split.overtime_hours.to_string(),
            amount: Fen::new(r.earned_fen),
            paid: Fen::new(r.paid_fen),
        });
    }
    let workers = lines.len();
    let absent = lines.iter().filter(|l| l.absent).count();
    let pages = workers.div_ceil(DAY_SHEET_PAGE).max(1);
    let page = page.min(pages);
    if page > 0 {
        lines = lines
            .into_iter()
            .skip((page - 1) * DAY_SHEET_PAGE)
            .take(DAY_SHEET_PAGE)
            .collect();
    }
    Ok(Some(DaySheetData {
        cooperative_id: coop.id,
        cooperative: coop.name,
        day: day.to_string(),
        can_manage: can_manage_cooperative(caller.scope, coop.id),
        lines,
        workers,
        absent,
        regular_hours: regular.to_string(),
        overtime_hours: overtime.to_string(),
        total,
        paid,
        unpaid: total - paid,
        page,
        pages,
    }))
}

/// Settles the cooperative's whole day: every worker of every shift paid what is owed, once.
/// Done carries the fen paid now.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn settle_day(
    db: &Db,
    caller: &Caller,
    cooperative_id: i64,
    day: NaiveDate,
) -> Result<WorkOutcome, StorageError> {
    if !can_manage_cooperative(caller.scope, cooperative_id) {
        return Ok(WorkOutcome::Forbidden);
    }
    if !cooperatives::list(db)
        .await?
        .iter()
        .any(|c| c.id == cooperative_id)
    {
        return Ok(WorkOutcome::NotFound);
    }
    let today = crate::usecases::forecasting::china_today();
    let (paid, workers) =
        work::settle_day(db, cooperative_id, day, today, Some(caller.account_id)).await?;
    tracing::info!(
        cooperative = cooperative_id,
        %day,
        paid_fen = paid.get(),
        workers,
        account_id = caller.account_id,
        "day settled"
    );
    Ok(WorkOutcome::Done(paid.get()))
}
