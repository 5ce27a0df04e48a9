//! Shifts: posting, the shift page with its suggestions, booking and releasing workers,
//! recording hours and the daily settlement.

use super::*;

fn refused_shift(errors: &[ShiftError]) -> WorkOutcome {
    let first = errors.first().copied().unwrap_or(ShiftError::BadDate);
    refused_all(first.code(), errors, |e, lang| e.message(lang).to_owned())
}

/// Posts a shift for a cooperative the caller manages (hourly wage defaults to the
/// cooperative's; overtime follows the cooperative's setting).
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn post_shift(
    db: &Db,
    caller: &Caller,
    cooperative_id: i64,
    input: &NewShiftInput,
    plot_id: Option<i64>,
) -> Result<WorkOutcome, StorageError> {
    // Permission first: whether another cooperative's id exists does not show.
    if !can_manage_cooperative(caller.scope, cooperative_id) {
        return Ok(WorkOutcome::Forbidden);
    }
    let coops = cooperatives::list(db).await?;
    let Some(coop) = coops.iter().find(|c| c.id == cooperative_id) else {
        return Ok(WorkOutcome::NotFound);
    };
    let mut input = input.clone();
    if input.hourly_yuan.trim().is_empty() {
        input.hourly_yuan = Fen::new(coop.hourly_wage_fen)
            .to_string()
            .trim_start_matches('¥')
            .to_owned();
    }
    let shift = match shifts::validate_shift(&input, labour::is_task_code) {
        Ok(s) => s,
        Err(errors) => return Ok(refused_shift(&errors)),
    };
    // A plot, if named, must be in the cooperative's township.
    if let Some(p) = plot_id {
        let found = plots::get(db, p).await?;
        if found.is_none_or(|p| p.township_id != coop.township_id) {
            return Ok(WorkOutcome::Refused(
                "unknown_plot",
                "找不到该地块".into(),
                "No such plot".into(),
            ));
        }
    }
    let id = work::create(
        db,
        &work::NewShift {
            cooperative_id: coop.id,
            day: shift.date,
            task_code: &shift.task_code,
            plot_id,
            headcount: i64::from(shift.headcount),
            hours: shift.hours,
            hourly: shift.hourly,
            regular_hours_centi: coop.regular_hours_per_day * 100,
            overtime_percent: coop.overtime_percent,
            created_by: Some(caller.account_id),
        },
    )
    .await?;
    tracing::info!(
        shift = id,
        cooperative = coop.id,
        account_id = caller.account_id,
        "shift posted"
    );
    Ok(WorkOutcome::Done(id))
}

/// The shift page: workers with hours and money, suggestions, the day's settlement totals.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn shift_page(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<Option<ShiftPageData>, StorageError> {
    let Some((s, can_manage)) = visible_shift(db, caller, id).await? else {
        return Ok(None);
    };
    let rows = work::assigned(db, id).await?;
    let workers: Vec<WorkerLine> = rows
        .iter()
        .map(|r| WorkerLine {
            person_id: r.person_id,
            name: r.name.clone(),
            is_poor: r.is_poor,
            hours: Hours::from_centi(r.hours_centi).to_string(),
            recorded: r.entry_id.is_some(),
            absent: r.absent,
            entry_id: r.entry_id,
            earned: Fen::new(r.earned_fen),
            paid: Fen::new(r.paid_fen),
            unpaid: Fen::new(r.earned_fen - r.paid_fen),
        })
        .collect();
    let total: Fen = workers.iter().map(|w| w.earned).sum();
    let paid: Fen = workers.iter().map(|w| w.paid).sum();
    let free = usize::try_from((s.headcount - s.assigned).max(0)).unwrap_or(0);
    // Offer a few more people than places (at least 10, at most 30) so the manager can choose.
    let suggestions = if can_manage && free > 0 {
        suggestions(db, &s, free.clamp(10, 30)).await?
    } else {
        vec![]
    };
    Ok(Some(ShiftPageData {
        overtime_rule: format!(
            "每天 {} 小时以内按 {}/小时，超出部分按 {}%",
            Hours::from_centi(s.regular_hours_centi),
            s.hourly,
            s.overtime_percent
        ),
        shift: shift_view(&s),
        cooperative_id: s.cooperative_id,
        can_manage,
        workers,
        suggestions,
        total,
        paid,
        unpaid: total - paid,
    }))
}

async fn suggestions(
    db: &Db,
    s: &work::ShiftRow,
    places: usize,
) -> Result<Vec<SuggestionView>, StorageError> {
    let (candidates, rows) = candidates(db, s).await?;
    let by_id: HashMap<i64, &Candidate> = candidates.iter().map(|c| (c.person_id, c)).collect();
    let codes: HashMap<i64, String> = rows
        .iter()
        .map(|r| (r.household_id, r.household_code.clone()))
        .collect();
    Ok(shifts::suggest(&candidates, places)
        .into_iter()
        .filter_map(|id| by_id.get(&id))
        .map(|c| SuggestionView {
            person_id: c.person_id,
            name: c.name.clone(),
            household_code: codes.get(&c.household_id).cloned().unwrap_or_default(),
            priority: match c.priority() {
                shifts::Priority::Poor => "poor",
                shifts::Priority::Alliance => "alliance",
                shifts::Priority::Other => "other",
            }
            .to_owned(),
        })
        .collect())
}

/// Books the first person of a household (by its code) who can work and is free that day —
/// what a manager in the field knows: "one from 户 demo-1-0-014".
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn assign_household(
    db: &Db,
    caller: &Caller,
    shift_id: i64,
    household_code: &str,
) -> Result<WorkOutcome, StorageError> {
    let s = match managed_shift(db, caller, shift_id).await? {
        Ok(s) => s,
        Err(refused) => return Ok(refused),
    };
    let (season_from, _) = season_of(s.day);
    let people = work::candidates(db, s.township_id, s.cooperative_id, s.day, season_from).await?;
    let code = household_code.trim();
    let of_household: Vec<_> = people.iter().filter(|p| p.household_code == code).collect();
    if of_household.is_empty() {
        return Ok(WorkOutcome::Refused(
            "unknown_household",
            "本乡镇没有该户号".into(),
            "No household with this code in the township".into(),
        ));
    }
    match of_household
        .iter()
        .find(|p| p.able_to_work && !p.booked_that_day)
    {
        Some(p) => assign(db, caller, shift_id, p.id).await,
        None => Ok(assign_refusal(AssignError::DoubleBooked)),
    }
}

/// Books a person on a shift: the person must live in the cooperative's township and be able
/// to work; the shift must have a free place; no one is booked twice on a day.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn assign(
    db: &Db,
    caller: &Caller,
    shift_id: i64,
    person_id: i64,
) -> Result<WorkOutcome, StorageError> {
    let s = match managed_shift(db, caller, shift_id).await? {
        Ok(s) => s,
        Err(refused) => return Ok(refused),
    };
    let person = work::person(db, person_id).await?;
    let Some(person) = person.filter(|p| p.township_id == s.township_id) else {
        return Ok(WorkOutcome::Refused(
            "unknown_person",
            "找不到此人（须为本乡镇农户成员）".into(),
            "No such person in the township's households".into(),
        ));
    };
    let able = person.able_to_work;
    match work::assign_checked(db, shift_id, person_id, |headcount, assigned, booked| {
        shifts::can_assign(headcount, assigned, able, booked)
    })
    .await
    {
        Ok(()) => Ok(WorkOutcome::Done(person_id)),
        Err(WorkError::Rejected(e)) => Ok(assign_refusal(e)),
        Err(WorkError::DoubleBooked) => Ok(assign_refusal(AssignError::DoubleBooked)),
        Err(WorkError::NoShift) => Ok(WorkOutcome::NotFound),
        Err(WorkError::Storage(e)) => Err(e),
    }
}

/// Records (or, with `replaces`, corrects by reversal) a person's hours on a shift; the wage is
/// worked out with the shift's rate and the cooperative's overtime rule.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn record_hours(
    db: &Db,
    caller: &Caller,
    shift_id: i64,
    person_id: i64,
    hours_text: &str,
    replaces: Option<i64>,
) -> Result<WorkOutcome, StorageError> {
    let s = match managed_shift(db, caller, shift_id).await? {
        Ok(s) => s,
        Err(refused) => return Ok(refused),
    };
    let hours = match hours_text.parse::<Hours>() {
        Ok(h) => h,
        Err(e) => return Ok(hours_refusal(e)),
    };
    let rules = WageRules {
        hourly_fen: s.hourly,
        regular_hours_per_day_centi: s.regular_hours_centi,
        overtime_percent: s.overtime_percent,
    };
    let wage = wages::wage(&rules, hours);
    match work::record_hours(
        db,
        shift_id,
        person_id,
        hours,
        &wage,
        replaces,
        Some(caller.account_id),
    )
    .await
    {
        Ok(id) => Ok(WorkOutcome::Done(id)),
        Err(WorkError::Rejected(r)) => Ok(match r {
            RecordRefusal::NotAssigned => WorkOutcome::Refused(
                "not_assigned",
                "此人不在该班次".into(),
                "This person is not on the shift".into(),
            ),
            RecordRefusal::AlreadyRecorded => WorkOutcome::Refused(
                "already_recorded",
                "已记录工时；如有错误请用“更正”（冲正后重记）".into(),
                "Hours are recorded; use “correct” (reversal and new entry)".into(),
            ),
            RecordRefusal::NotCurrent => WorkOutcome::Refused(
                "changed_meanwhile",
                "该记录已被更正，请刷新后再试".into(),
                "That entry was corrected meanwhile; reload and try again".into(),
            ),
        }),
        Err(WorkError::NoShift) => Ok(WorkOutcome::NotFound),
        Err(WorkError::DoubleBooked) => Ok(WorkOutcome::Refused(
            "changed_meanwhile",
            "该记录已被更正，请刷新后再试".into(),
            "That entry was corrected meanwhile; reload and try again".into(),
        )),
        Err(WorkError::Storage(e)) => Err(e),
    }
}

/// Settles the shift-day: pays everyone what the ledger owes them. Returns the fen paid now.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn settle(db: &Db, caller: &Caller, shift_id: i64) -> Result<WorkOutcome, StorageError> {
    if let Err(refused) = managed_shift(db, caller, shift_id).await? {
        return Ok(refused);
    }
    let today = crate::usecases::forecasting::china_today();
    match work::settle(db, shift_id, today, Some(caller.account_id)).await {
        Ok(paid) => Ok(WorkOutcome::Done(paid.get())),
        Err(WorkError::Storage(e)) => Err(e),
        Err(_) => Ok(WorkOutcome::NotFound),
    }
}
