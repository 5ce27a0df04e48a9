//! The alliance at work: the cooperative page (alliances, leases, labour demand, shifts), shifts
//! with assignment, hours and daily settlement, a farmer's own pay, and the benefit report.
//! Each use case checks who is asking first. Only compiled with `ssr`.

use crate::models::{
    AllianceView, BENEFIT_LINES_PER_PAGE, BenefitData, BenefitLine, BenefitPayer,
    COOP_LEASES_PER_PAGE, COOP_ROWS_PER_PAGE, COOP_SUMMARY_ROWS, CoopList, CoopPageData,
    CooperativeOption, DemandDay, LeasePaymentView, LeaseView, MemberView, MyPayData, PayLine,
    ShiftPageData, ShiftView, SuggestionView, WorkerLine,
};
use chrono::{Datelike, NaiveDate};
use std::collections::{HashMap, HashSet};
use tianlian_domain::access::{
    Caller, CooperativeView, Scope, can_manage_cooperative, can_view_cooperative, cooperative_view,
};
use tianlian_domain::labour::{self, PlantingLabourInput};
use tianlian_domain::lease::{self, LeaseError, NewLeaseInput};
use tianlian_domain::season::season_of;
use tianlian_domain::shifts::{self, AssignError, Candidate, NewShiftInput, ShiftError};
use tianlian_domain::wages::{self, Hours, HoursError, WageRules};
use tianlian_domain::{Fen, Lang, Mu};
use tianlian_storage::alliance as store;
use tianlian_storage::cooperatives::{self, CooperativeRow};
use tianlian_storage::work::{self, RecordRefusal, WorkError};
use tianlian_storage::{Db, StorageError, plots};

mod benefit;
mod coop;
mod leases;
mod members;
mod shift;

pub use benefit::{BenefitWindow, add_dividend, benefit, my_pay, set_income_line};
pub use coop::coop_page;
pub use leases::{create_lease, lease_list, lease_page, pay_lease};
pub use members::{add_member, add_person, create_alliance, leave_alliance};
pub use shift::{assign, assign_household, post_shift, record_hours, settle, shift_page};

/// A task's name in Chinese (`tianlian_domain::labour::task_name`).
pub fn task_name(code: &str) -> String {
    labour::task_name(code, Lang::Zh)
}

fn task_options() -> Vec<(String, String)> {
    let mut seen = HashSet::new();
    labour::TEMPLATES
        .iter()
        .flat_map(|(_, ts)| ts.iter())
        .filter(|t| seen.insert(t.code))
        .map(|t| (t.code.to_owned(), t.name_zh.to_owned()))
        .collect()
}

pub(crate) fn shift_view(s: &work::ShiftRow) -> ShiftView {
    ShiftView {
        id: s.id,
        cooperative: s.cooperative_name.clone(),
        day: s.day.to_string(),
        task_code: s.task_code.clone(),
        task_zh: task_name(&s.task_code),
        plot_code: s.plot_code.clone(),
        headcount: s.headcount,
        assigned: s.assigned,
        hours: s.hours.to_string(),
        hourly: s.hourly,
    }
}

fn lease_view(l: &store::LeaseRow, payments: &[store::PaymentRow], today: NaiveDate) -> LeaseView {
    LeaseView {
        id: l.id,
        plot_code: l.plot_code.clone(),
        village: l.village.clone(),
        household: l.head_name.clone(),
        cooperative: l.cooperative_name.clone(),
        area: l.area,
        fee_per_mu_year: l.fee_per_mu_year,
        starts_on: l.starts_on.to_string(),
        ends_on: l.ends_on.to_string(),
        schedule: lease::PaySchedule::from_code(&l.schedule)
            .map_or_else(|| l.schedule.clone(), |s| s.label(Lang::Zh).to_owned()),
        ending_soon: lease::ending_soon(l.ends_on, today, lease::ENDING_SOON_DAYS),
        payments: payments
            .iter()
            .filter(|p| p.lease_id == l.id)
            .map(|p| LeasePaymentView {
                id: p.id,
                overdue: lease::is_overdue(p.due_on, p.paid_on.is_some(), today),
                due_on: p.due_on.to_string(),
                amount: Fen::new(p.amount_fen),
                paid_on: p.paid_on.map(|d| d.to_string()),
            })
            .collect(),
    }
}

/// The cooperatives the caller may look at, and the one shown (`chosen`, else the first).
async fn visible_cooperatives(
    db: &Db,
    caller: &Caller,
) -> Result<Vec<CooperativeRow>, StorageError> {
    let all = cooperatives::list(db).await?;
    Ok(all
        .into_iter()
        .filter(|c| can_view_cooperative(caller.scope, c.id, c.township_id))
        .collect())
}

fn member_view(m: &store::MemberRow) -> MemberView {
    MemberView {
        id: m.id,
        household_code: m.household_code.clone(),
        head_name: m.head_name.clone(),
        members: m.members,
        is_poor: m.is_poor,
        role: m.role.clone(),
        mentor: m.mentor_name.clone(),
        joined_on: m.joined_on.to_string(),
        left_on: m.left_on.map(|d| d.to_string()),
    }
}

/// What became of a write to the cooperative's work.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkOutcome {
    Done(i64),
    /// Refused: a stable code and the message in both languages.
    Refused(&'static str, String, String),
    NotFound,
    Forbidden,
}

/// A refusal naming the first error's code, with every error's message in each language.
pub(crate) fn refused_all<E>(
    code: &'static str,
    errors: &[E],
    message: impl Fn(&E, Lang) -> String,
) -> WorkOutcome {
    let joined = |lang, sep| {
        errors
            .iter()
            .map(|e| message(e, lang))
            .collect::<Vec<_>>()
            .join(sep)
    };
    WorkOutcome::Refused(code, joined(Lang::Zh, "；"), joined(Lang::En, "; "))
}

/// A shift the caller may see, and whether they manage it.
pub(crate) async fn visible_shift(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<Option<(work::ShiftRow, bool)>, StorageError> {
    let Some(s) = work::get(db, id).await? else {
        return Ok(None);
    };
    if !can_view_cooperative(caller.scope, s.cooperative_id, s.township_id) {
        return Ok(None);
    }
    let manage = can_manage_cooperative(caller.scope, s.cooperative_id);
    Ok(Some((s, manage)))
}

/// A shift the caller manages, or the answer to give: not found (not theirs to see) or
/// forbidden (theirs to see, not to run).
pub(crate) async fn managed_shift(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<Result<work::ShiftRow, WorkOutcome>, StorageError> {
    Ok(match visible_shift(db, caller, id).await? {
        None => Err(WorkOutcome::NotFound),
        Some((_, false)) => Err(WorkOutcome::Forbidden),
        Some((s, true)) => Ok(s),
    })
}

/// Everyone in the shift's township as a candidate for it on its day (who is free, poor, in
/// the alliance, and how much they worked this season), with the household codes.
pub(crate) async fn candidates(
    db: &Db,
    s: &work::ShiftRow,
) -> Result<(Vec<Candidate>, Vec<work::CandidateRow>), StorageError> {
    let (season_from, _) = season_of(s.day);
    let rows = work::candidates(db, s.township_id, s.cooperative_id, s.day, season_from).await?;
    let candidates = rows
        .iter()
        .map(|r| Candidate {
            person_id: r.id,
            household_id: r.household_id,
            name: r.name.clone(),
            household_is_poor: r.is_poor,
            in_alliance: r.in_alliance,
            able_to_work: r.able_to_work,
            booked_that_day: r.booked_that_day,
            season_hours: Hours::from_centi(r.season_hours_centi),
        })
        .collect();
    Ok((candidates, rows))
}

pub(crate) fn assign_refusal(e: AssignError) -> WorkOutcome {
    WorkOutcome::Refused(
        e.code(),
        e.message(Lang::Zh).into(),
        e.message(Lang::En).into(),
    )
}

pub(crate) fn hours_refusal(e: HoursError) -> WorkOutcome {
    WorkOutcome::Refused(
        e.code(),
        e.message(Lang::Zh).into(),
        e.message(Lang::En).into(),
    )
}

/// The id of a household by its code within a township (`None`: anywhere), or the refusal to
/// answer with: the same whether the code is unknown or lies outside the township.
async fn household_by_code(
    db: &Db,
    code: &str,
    township: Option<i64>,
) -> Result<Result<i64, WorkOutcome>, StorageError> {
    Ok(
        tianlian_storage::households::id_by_code_in_township(db, code.trim(), township)
            .await?
            .ok_or_else(unknown_household),
    )
}

fn unknown_household() -> WorkOutcome {
    WorkOutcome::Refused(
        "unknown_household",
        "找不到该户号".into(),
        "No household with this code".into(),
    )
}
