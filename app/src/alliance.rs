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
                overdue: p
                    .due_on
                    .parse::<NaiveDate>()
                    .is_ok_and(|due| lease::is_overdue(due, p.paid_on.is_some(), today)),
                due_on: p.due_on.clone(),
                amount: Fen::new(p.amount_fen),
                paid_on: p.paid_on.clone(),
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
        is_poor: m.is_poor != 0,
        role: m.role.clone(),
        mentor: m.mentor_name.clone(),
        joined_on: m.joined_on.clone(),
        left_on: m.left_on.clone(),
    }
}

/// The cooperative page: the summary (what needs doing, the season's labour demand against the
/// members able to work, the first [`COOP_SUMMARY_ROWS`] of each list), or one page of one list
/// (`list`) narrowed by `search` (a household head's name or code; for leases also the plot or
/// village). Counts, sums and pages come from SQL, so only the rows shown are read.
///
/// # Errors
/// Storage failures.
pub async fn coop_page(
    db: &Db,
    cache: &crate::forecasting::ClimateCache,
    caller: &Caller,
    chosen: Option<i64>,
    list: CoopList,
    search: Option<&str>,
    page: usize,
) -> Result<CoopPageData, StorageError> {
    let _turn = crate::services::report_turn().await;
    let today = crate::forecasting::china_today();
    let search = search.map(str::trim).filter(|t| !t.is_empty());
    let coops = visible_cooperatives(db, caller).await?;
    let coop = chosen
        .and_then(|id| coops.iter().find(|c| c.id == id))
        .or_else(|| coops.first())
        .cloned();
    let options = coops
        .iter()
        .map(|c| CooperativeOption {
            id: c.id,
            name: c.name.clone(),
        })
        .collect();
    let Some(coop) = coop else {
        return Ok(CoopPageData {
            cooperatives: options,
            tasks: task_options(),
            today: today.to_string(),
            list,
            search: search.unwrap_or_default().to_owned(),
            page: 1,
            pages: 1,
            ..CoopPageData::default()
        });
    };
    let searched = |l: CoopList| if list == l { search } else { None };
    let counts = store::alliance_counts(db, coop.id, searched(CoopList::Members)).await?;
    let soon_until = today + chrono::Duration::days(lease::ENDING_SOON_DAYS);
    let tally =
        store::lease_tally(db, coop.id, searched(CoopList::Leases), today, soon_until).await?;
    let shift_total = usize::try_from(work::count_from(db, coop.id, today).await?).unwrap_or(0);
    let member_total: usize = counts
        .iter()
        .map(|a| a.total)
        .sum::<i64>()
        .try_into()
        .unwrap_or(0);
    let count = |n: i64| usize::try_from(n).unwrap_or(0);
    let (rows, per_page) = match list {
        CoopList::Summary => (0, COOP_SUMMARY_ROWS),
        CoopList::Shifts => (shift_total, COOP_ROWS_PER_PAGE),
        CoopList::Members => (
            counts.iter().map(|a| count(a.matching)).sum(),
            COOP_ROWS_PER_PAGE,
        ),
        CoopList::Leases => (count(tally.matching), COOP_LEASES_PER_PAGE),
    };
    let pages = if list == CoopList::Summary {
        1
    } else {
        rows.div_ceil(per_page).max(1)
    };
    let page = page.clamp(1, pages);
    let offset = i64::try_from((page - 1) * per_page).unwrap_or(i64::MAX);
    let per_page = i64::try_from(per_page).unwrap_or(i64::MAX);
    let view_of = |a: &store::AllianceCount, members: Vec<MemberView>| AllianceView {
        id: a.id,
        name: a.name.clone(),
        members,
        current: count(a.current),
        poor: count(a.poor),
    };
    let alliances: Vec<AllianceView> = match list {
        CoopList::Summary => {
            let mut out = Vec::with_capacity(counts.len());
            for a in &counts {
                let rows =
                    store::cooperative_members(db, coop.id, Some(a.id), None, 0, per_page).await?;
                out.push(view_of(a, rows.iter().map(member_view).collect()));
            }
            out
        }
        CoopList::Members => {
            let rows =
                store::cooperative_members(db, coop.id, None, search, offset, per_page).await?;
            // One page across the alliances, in order; alliances without a row here stay out.
            counts
                .iter()
                .filter_map(|a| {
                    let members: Vec<MemberView> = rows
                        .iter()
                        .filter(|m| m.alliance_id == a.id)
                        .map(member_view)
                        .collect();
                    (!members.is_empty()).then(|| view_of(a, members))
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let lease_rows = match list {
        CoopList::Summary => store::cooperative_leases(db, coop.id, None, 0, per_page).await?,
        CoopList::Leases => {
            store::cooperative_leases(db, coop.id, search, offset, per_page).await?
        }
        _ => Vec::new(),
    };
    let ids: Vec<i64> = lease_rows.iter().map(|l| l.id).collect();
    let payments = store::payments_of(db, &ids).await?;
    let shifts = match list {
        CoopList::Summary | CoopList::Shifts => {
            work::cooperative_shifts(db, coop.id, today, offset, per_page).await?
        }
        _ => Vec::new(),
    };
    // The land the cooperative works (plots it leases now and plots its members own): the
    // summary's labour demand and the shift and lease forms need it; the other lists do not.
    let ours = match list {
        CoopList::Summary | CoopList::Leases => {
            let member_households: HashSet<i64> = store::member_households(db, coop.id)
                .await?
                .into_iter()
                .collect();
            let leased_plots: HashSet<i64> = store::leased_plots(db, coop.id, today)
                .await?
                .into_iter()
                .collect();
            let township = tianlian_domain::access::PlotFilter::Township(coop.township_id);
            plots::list_active(db, township, None)
                .await?
                .into_iter()
                .filter(|p| {
                    leased_plots.contains(&p.id)
                        || p.owner_household_id
                            .is_some_and(|h| member_households.contains(&h))
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let able = store::able_people(db, coop.id).await?;
    let able = u32::try_from(able).unwrap_or(u32::MAX);
    let mut data = CoopPageData {
        cooperatives: options,
        cooperative: Some(CooperativeOption {
            id: coop.id,
            name: coop.name.clone(),
        }),
        can_manage: can_manage_cooperative(caller.scope, coop.id),
        alliances,
        leases: lease_rows
            .iter()
            .map(|l| lease_view(l, &payments, today))
            .collect(),
        shifts: shifts.iter().map(shift_view).collect(),
        able_workers: able,
        tasks: task_options(),
        plots: ours
            .iter()
            .map(|p| (p.id, format!("{} {}", p.village_name, p.code)))
            .collect(),
        today: today.to_string(),
        list,
        search: search.unwrap_or_default().to_owned(),
        shift_total,
        member_total,
        lease_total: count(tally.leases),
        lease_area: Mu::from_centi(tally.area_centi_mu),
        leases_ending: count(tally.ending_soon),
        page,
        pages,
        ..CoopPageData::default()
    };
    if list != CoopList::Summary {
        return Ok(data);
    }
    // The summary's to-do: the season's labour demand on the cooperative's own land only (at
    // the county a township holds 5,000 plantings; forecasting them all was most of the time),
    // days with wages owed, and rent due within 30 days.
    let (season_from, season_until) = season_of(today);
    let list = crate::services::ScopedPlantings::on(db, ours)
        .await?
        .with_forecasts(db, cache, today)
        .await?;
    let inputs: Vec<PlantingLabourInput> = list
        .iter()
        .filter_map(|i| {
            let planted = NaiveDate::parse_from_str(&i.planting.planned_on, "%Y-%m-%d").ok()?;
            Some(PlantingLabourInput {
                planting_date: planted,
                harvest_date: i.planting.forecast.as_ref()?.harvest_start,
                area: i.planting.area,
                crop_code: i.planting.crop_code.clone(),
            })
        })
        .collect();
    let demand = labour::daily_demand(
        &inputs,
        season_from,
        season_until,
        Hours::from_centi(coop.regular_hours_per_day * 100),
    );
    let peak = demand
        .iter()
        .max_by_key(|d| (d.workers, std::cmp::Reverse(d.date)));
    data.peak_workers = peak.map_or(0, |d| d.workers);
    data.peak_day = peak.filter(|d| d.workers > 0).map(|d| d.date.to_string());
    data.short_days = labour::shortfalls(&demand, able)
        .into_iter()
        .filter(|(d, _)| *d >= today)
        .map(|(d, short)| DemandDay {
            date: d.to_string(),
            workers: demand.iter().find(|x| x.date == d).map_or(0, |x| x.workers),
            short_by: short,
        })
        .collect();
    let (due, due_fen) =
        store::payments_due(db, coop.id, today + chrono::Duration::days(30)).await?;
    data.payments_due = count(due);
    data.payments_due_amount = Fen::new(due_fen);
    data.unsettled = work::unsettled_days(db, coop.id, 7)
        .await?
        .into_iter()
        .map(|(day, owed)| crate::models::UnsettledDay {
            day: day.to_string(),
            owed,
        })
        .collect();
    Ok(data)
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

fn refused_shift(errors: &[ShiftError]) -> WorkOutcome {
    let first = errors.first().copied().unwrap_or(ShiftError::BadDate);
    refused_all(first.code(), errors, |e, lang| e.message(lang).to_owned())
}

/// Posts a shift for a cooperative the caller manages (hourly wage defaults to the
/// cooperative's; overtime follows the cooperative's setting).
///
/// # Errors
/// Storage failures.
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

/// The shift page: workers with hours and money, suggestions, the day's settlement totals.
///
/// # Errors
/// Storage failures.
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
            is_poor: r.is_poor != 0,
            hours: Hours::from_centi(r.hours_centi).to_string(),
            recorded: r.entry_id.is_some(),
            absent: r.absent != 0,
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
            household_is_poor: r.is_poor != 0,
            in_alliance: r.in_alliance != 0,
            able_to_work: r.able_to_work != 0,
            booked_that_day: r.booked_that_day != 0,
            season_hours: Hours::from_centi(r.season_hours_centi),
        })
        .collect();
    Ok((candidates, rows))
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
        .find(|p| p.able_to_work != 0 && p.booked_that_day == 0)
    {
        Some(p) => assign(db, caller, shift_id, p.id).await,
        None => Ok(assign_refusal(AssignError::DoubleBooked)),
    }
}

pub(crate) fn assign_refusal(e: AssignError) -> WorkOutcome {
    WorkOutcome::Refused(
        e.code(),
        e.message(Lang::Zh).into(),
        e.message(Lang::En).into(),
    )
}

/// Books a person on a shift: the person must live in the cooperative's township and be able
/// to work; the shift must have a free place; no one is booked twice on a day.
///
/// # Errors
/// Storage failures.
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
    let able = person.able_to_work != 0;
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

pub(crate) fn hours_refusal(e: HoursError) -> WorkOutcome {
    WorkOutcome::Refused(
        e.code(),
        e.message(Lang::Zh).into(),
        e.message(Lang::En).into(),
    )
}

/// Settles the shift-day: pays everyone what the ledger owes them. Returns the fen paid now.
///
/// # Errors
/// Storage failures.
pub async fn settle(db: &Db, caller: &Caller, shift_id: i64) -> Result<WorkOutcome, StorageError> {
    if let Err(refused) = managed_shift(db, caller, shift_id).await? {
        return Ok(refused);
    }
    let today = crate::forecasting::china_today();
    match work::settle(db, shift_id, today, Some(caller.account_id)).await {
        Ok(paid) => Ok(WorkOutcome::Done(paid.get())),
        Err(WorkError::Storage(e)) => Err(e),
        Err(_) => Ok(WorkOutcome::NotFound),
    }
}

/// Signs a land transfer contract: a household's plot (or part of it) to a cooperative the
/// caller manages. The leased area never exceeds the plot's area minus what is leased already.
///
/// # Errors
/// Storage failures.
pub async fn create_lease(
    db: &Db,
    caller: &Caller,
    cooperative_id: i64,
    plot_id: i64,
    input: &NewLeaseInput,
) -> Result<WorkOutcome, StorageError> {
    if !can_manage_cooperative(caller.scope, cooperative_id) {
        return Ok(WorkOutcome::Forbidden);
    }
    let coops = cooperatives::list(db).await?;
    let Some(coop) = coops.iter().find(|c| c.id == cooperative_id) else {
        return Ok(WorkOutcome::NotFound);
    };
    let plot = plots::get(db, plot_id).await?;
    let Some((plot, owner)) = plot
        .filter(|p| p.township_id == coop.township_id && !p.retired)
        .and_then(|p| p.owner_household_id.map(|o| (p, o)))
    else {
        return Ok(WorkOutcome::Refused(
            "unknown_plot",
            "找不到该地块，或该地块没有承包户".into(),
            "No such plot, or it has no household".into(),
        ));
    };
    let result = store::create_lease_checked(db, plot.id, owner, coop.id, |area, leased| {
        let lease = lease::validate_lease(input, area, leased)?;
        Ok::<_, Vec<LeaseError>>((lease, lease::payment_schedule(&lease)))
    })
    .await;
    match result {
        Ok(id) => Ok(WorkOutcome::Done(id)),
        Err(store::LeaseWriteError::Rejected(errors)) => {
            let first = errors.first().copied().unwrap_or(LeaseError::BadArea);
            Ok(refused_all(first.code(), &errors, |e, lang| {
                e.message(lang)
            }))
        }
        Err(store::LeaseWriteError::NoPlot) => Ok(WorkOutcome::NotFound),
        Err(store::LeaseWriteError::Storage(e)) => Err(e),
    }
}

/// Marks a lease payment paid (by the cooperative's manager).
///
/// # Errors
/// Storage failures.
pub async fn pay_lease(
    db: &Db,
    caller: &Caller,
    payment_id: i64,
) -> Result<WorkOutcome, StorageError> {
    let own = match caller.scope {
        Scope::Admin => None,
        Scope::Cooperative { cooperative_id, .. } => Some(cooperative_id),
        _ => return Ok(WorkOutcome::Forbidden),
    };
    let today = crate::forecasting::china_today();
    Ok(if store::pay_lease(db, payment_id, own, today).await? {
        WorkOutcome::Done(payment_id)
    } else {
        WorkOutcome::NotFound
    })
}

/// Records a dividend from a cooperative the caller manages to a household of its township.
///
/// # Errors
/// Storage failures.
pub async fn add_dividend(
    db: &Db,
    caller: &Caller,
    cooperative_id: i64,
    household_code: &str,
    amount_yuan: &str,
    note: &str,
) -> Result<WorkOutcome, StorageError> {
    if !can_manage_cooperative(caller.scope, cooperative_id) {
        return Ok(WorkOutcome::Forbidden);
    }
    let Some(coop) = cooperatives::list(db)
        .await?
        .into_iter()
        .find(|c| c.id == cooperative_id)
    else {
        return Ok(WorkOutcome::NotFound);
    };
    // Only a household of the cooperative's own township: another township's is answered as
    // if it did not exist.
    let household = match household_by_code(db, household_code, Some(coop.township_id)).await? {
        Ok(h) => h,
        Err(refusal) => return Ok(refusal),
    };
    let amount = match wages::parse_yuan(amount_yuan) {
        Ok(a) if a > Fen::ZERO && a.get() <= 100_000_000 => a,
        _ => {
            return Ok(WorkOutcome::Refused(
                "bad_amount",
                "金额须为正数（元），例如 120.50".into(),
                "The amount must be positive yuan, e.g. 120.50".into(),
            ));
        }
    };
    let today = crate::forecasting::china_today();
    let id = store::add_dividend(db, cooperative_id, household, amount, today, note.trim()).await?;
    Ok(WorkOutcome::Done(id))
}

/// Sets the income line for a season year (admins only).
///
/// # Errors
/// Storage failures.
pub async fn set_income_line(
    db: &Db,
    caller: &Caller,
    year: i32,
    yuan: &str,
) -> Result<WorkOutcome, StorageError> {
    if !tianlian_domain::access::can_set_income_line(caller.scope) {
        return Ok(WorkOutcome::Forbidden);
    }
    let Some(amount) = tianlian_domain::benefit::parse_income_line(yuan, year) else {
        return Ok(WorkOutcome::Refused(
            "bad_income_line",
            "收入线须为正数（元/人/年），年份在 2000–2100 之间".into(),
            "The line must be positive yuan per person per year, for a year in 2000–2100".into(),
        ));
    };
    store::set_income_line(db, year, amount).await?;
    Ok(WorkOutcome::Done(i64::from(year)))
}

/// A farmer's own pay: wages by shift-day, upcoming shifts, leases and dividends.
///
/// # Errors
/// Storage failures.
pub async fn my_pay(db: &Db, caller: &Caller) -> Result<Option<MyPayData>, StorageError> {
    let CooperativeView::Household(household) = cooperative_view(caller.scope) else {
        return Ok(None);
    };
    let today = crate::forecasting::china_today();
    let (season_from, season_until) = season_of(today);
    let rows = work::household_pay(db, household, season_from).await?;
    let line = |r: &work::PayRow| PayLine {
        day: r.day.clone(),
        person: r.person_name.clone(),
        task_zh: task_name(&r.task_code),
        task_en: labour::task_name(&r.task_code, tianlian_domain::Lang::En),
        cooperative: r.cooperative_name.clone(),
        plot: r.plot_code.clone(),
        planned_hours: Hours::from_centi(r.planned_hours_centi).to_string(),
        hours: Hours::from_centi(r.hours_centi).to_string(),
        earned: Fen::new(r.earned_fen),
        paid: Fen::new(r.paid_fen),
    };
    let today_s = today.to_string();
    let month = format!("{:04}-{:02}", today.year(), today.month());
    let wages: Vec<PayLine> = rows
        .iter()
        .filter(|r| r.hours_centi != 0 || r.day < today_s)
        .map(line)
        .collect();
    let upcoming: Vec<PayLine> = rows
        .iter()
        .filter(|r| r.day >= today_s && r.hours_centi == 0)
        .map(line)
        .collect();
    let (leases, payments) = store::household_leases(db, household).await?;
    let summary = tianlian_storage::households::summary(db, household, season_from, season_until)
        .await?
        .unwrap_or_default();
    let (from, until) = (season_from.to_string(), season_until.to_string());
    let lease_fees_this_season: Fen = payments
        .iter()
        .filter(|p| {
            p.paid_on
                .as_ref()
                .is_some_and(|d| *d >= from && *d <= until)
        })
        .map(|p| Fen::new(p.amount_fen))
        .sum();
    Ok(Some(MyPayData {
        wages_this_month: wages
            .iter()
            .filter(|w| w.day.starts_with(&month))
            .map(|w| w.earned)
            .sum(),
        wages_this_season: wages.iter().map(|w| w.earned).sum(),
        calendar_path: summary.feed_token.map(|t| format!("/calendar/{t}.ics")),
        household_code: summary.code,
        lease_fees_this_season,
        dividends: Fen::new(summary.dividends_fen),
        wages,
        upcoming,
        leases: leases
            .iter()
            .map(|l| lease_view(l, &payments, today))
            .collect(),
    }))
}

/// Which lines of the benefit report to read: a page of [`BENEFIT_LINES_PER_PAGE`] (1-based,
/// clamped to the last), or `limit` lines from position `offset` (the API's cursor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BenefitWindow {
    Page(usize),
    From { offset: usize, limit: usize },
}

/// The benefit report for the season holding `day`, in the caller's townships (admins all,
/// agronomists and cooperatives their township): the whole report's totals and payers, how
/// many lines `text` (the start of a household code or part of the head's name) and
/// `poor_only` admit, and the `window` of those lines, poor households first and the lowest
/// income per person first. Sums, totals and counts come from SQL, so a county's report is
/// never loaded whole. Farmers: `None`.
///
/// # Errors
/// Storage failures.
pub async fn benefit(
    db: &Db,
    caller: &Caller,
    day: NaiveDate,
    text: Option<&str>,
    poor_only: bool,
    window: BenefitWindow,
) -> Result<Option<BenefitData>, StorageError> {
    let township = match caller.scope {
        Scope::Admin => None,
        Scope::Agronomist { township_id } | Scope::Cooperative { township_id, .. } => {
            Some(township_id)
        }
        Scope::Farmer { .. } => return Ok(None),
    };
    let _turn = crate::services::report_turn().await;
    let (from, until) = season_of(day);
    let line_fen = store::income_line(db, from.year()).await?;
    let measure = line_fen.unwrap_or(Fen::ZERO);
    let filter = store::BenefitFilter {
        township,
        from,
        until,
        text: text.map(str::to_owned),
        poor_only,
    };
    let totals = store::benefit_totals(db, &filter, measure).await?;
    let matching = usize::try_from(totals.matching).unwrap_or(0);
    let (page, pages, offset, limit) = match window {
        BenefitWindow::Page(p) => {
            let pages = matching.div_ceil(BENEFIT_LINES_PER_PAGE).max(1);
            let page = p.clamp(1, pages);
            let offset = (page - 1) * BENEFIT_LINES_PER_PAGE;
            (page, pages, offset, BENEFIT_LINES_PER_PAGE)
        }
        BenefitWindow::From { offset, limit } => {
            let limit = limit.max(1);
            (
                offset / limit + 1,
                matching.div_ceil(limit).max(1),
                offset,
                limit,
            )
        }
    };
    let rows = store::benefit_lines(
        db,
        &filter,
        i64::try_from(offset).unwrap_or(i64::MAX),
        i64::try_from(limit).unwrap_or(i64::MAX),
    )
    .await?;
    let payers = store::benefit_payers(db, township, from, until).await?;
    let lines = rows
        .into_iter()
        .map(|r| {
            let b = tianlian_domain::benefit::household_line(
                r.id,
                &r.head_name,
                u32::try_from(r.members).unwrap_or(0),
                r.is_poor != 0,
                Fen::new(r.lease_fen),
                Fen::new(r.wage_fen),
                Fen::new(r.dividend_fen),
                measure,
            );
            BenefitLine {
                household_code: r.code,
                head_name: b.name,
                members: r.members,
                is_poor: b.is_poor,
                lease_fees: b.lease_fees,
                wages: b.wages,
                dividends: b.dividends,
                total: b.total,
                per_person: b.per_person.unwrap_or(Fen::ZERO),
                meets_line: line_fen.and(b.meets_line),
            }
        })
        .collect();
    Ok(Some(BenefitData {
        season: format!("{}—{}", from.year(), until.year()),
        from: from.to_string(),
        until: until.to_string(),
        income_line: line_fen,
        payers: payers
            .into_iter()
            .map(|p| BenefitPayer {
                cooperative: p.name,
                to_all: Fen::new(p.to_all_fen),
                to_poor: Fen::new(p.to_poor_fen),
            })
            .collect(),
        total: Fen::new(totals.total_fen),
        total_to_poor: Fen::new(totals.to_poor_fen),
        poor_households: usize::try_from(totals.poor_households).unwrap_or(0),
        poor_meeting_line: if line_fen.is_some() {
            usize::try_from(totals.poor_meeting_line).unwrap_or(0)
        } else {
            0
        },
        matching,
        page,
        pages,
        lines,
    }))
}

/// The leases the caller may see with their payments: admins all, cooperatives their own,
/// agronomists their township's, farmers their household's.
///
/// # Errors
/// Storage failures.
pub async fn lease_list(db: &Db, caller: &Caller) -> Result<Vec<LeaseView>, StorageError> {
    let (c, t, h) = lease_scope(caller);
    let today = crate::forecasting::china_today();
    let leases = store::leases(db, c, t, h).await?;
    let payments = store::payments(db, c, t, h).await?;
    Ok(leases
        .iter()
        .map(|l| lease_view(l, &payments, today))
        .collect())
}

/// Up to `limit` of the leases [`lease_list`] shows, in id order after `cursor`, with their
/// payments, and the next page's cursor (`None` on the last page).
///
/// # Errors
/// Storage failures.
pub async fn lease_page(
    db: &Db,
    caller: &Caller,
    cursor: Option<i64>,
    limit: i64,
) -> Result<(Vec<LeaseView>, Option<i64>), StorageError> {
    let (c, t, h) = lease_scope(caller);
    let today = crate::forecasting::china_today();
    let mut leases = store::leases_after(db, c, t, h, cursor, limit + 1).await?;
    let more = leases.len() as i64 > limit;
    leases.truncate(usize::try_from(limit).unwrap_or(0));
    let next = if more {
        leases.last().map(|l| l.id)
    } else {
        None
    };
    let ids: Vec<i64> = leases.iter().map(|l| l.id).collect();
    let payments = store::payments_of(db, &ids).await?;
    Ok((
        leases
            .iter()
            .map(|l| lease_view(l, &payments, today))
            .collect(),
        next,
    ))
}

/// Which leases a caller sees: (cooperative, township, household) to narrow to.
fn lease_scope(caller: &Caller) -> (Option<i64>, Option<i64>, Option<i64>) {
    match cooperative_view(caller.scope) {
        CooperativeView::All => (None, None, None),
        CooperativeView::Own(c) => (Some(c), None, None),
        CooperativeView::Township(t) => (None, Some(t), None),
        CooperativeView::Household(h) => (None, None, Some(h)),
    }
}

/// Creates an alliance of a cooperative the caller manages.
///
/// # Errors
/// Storage failures.
pub async fn create_alliance(
    db: &Db,
    caller: &Caller,
    cooperative_id: i64,
    name: &str,
) -> Result<WorkOutcome, StorageError> {
    if !can_manage_cooperative(caller.scope, cooperative_id) {
        return Ok(WorkOutcome::Forbidden);
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Ok(WorkOutcome::Refused(
            "bad_name",
            "请填写联合体名称（60 字以内）".into(),
            "Give the alliance a name (at most 60 characters)".into(),
        ));
    }
    if !cooperatives::list(db)
        .await?
        .iter()
        .any(|c| c.id == cooperative_id)
    {
        return Ok(WorkOutcome::NotFound);
    }
    let today = crate::forecasting::china_today();
    Ok(WorkOutcome::Done(
        store::ensure_alliance(db, cooperative_id, name, today).await?,
    ))
}

/// Adds a household (by code, of the cooperative's township) to an alliance as the skilled
/// farmer (`able`) or a member; a poor member names its mentor, a current `able` member of the
/// same alliance. A household may be in several alliances, but in one only once at a time.
///
/// # Errors
/// Storage failures.
pub async fn add_member(
    db: &Db,
    caller: &Caller,
    alliance_id: i64,
    household_code: &str,
    role: &str,
    mentor_member_id: Option<i64>,
) -> Result<WorkOutcome, StorageError> {
    let Some((coop, township)) = store::alliance_owner(db, alliance_id)
        .await?
        .filter(|&(coop, township)| can_view_cooperative(caller.scope, coop, township))
    else {
        return Ok(WorkOutcome::NotFound);
    };
    if !can_manage_cooperative(caller.scope, coop) {
        return Ok(WorkOutcome::Forbidden);
    }
    let refuse = |code, zh: &str, en: &str| Ok(WorkOutcome::Refused(code, zh.into(), en.into()));
    if role != "able" && role != "member" {
        return refuse(
            "bad_role",
            "角色须为致富能人或成员",
            "The role must be able or member",
        );
    }
    let found = match tianlian_storage::households::id_by_code_in_township(
        db,
        household_code.trim(),
        Some(township),
    )
    .await?
    {
        Some(id) => tianlian_storage::households::get(db, id).await?,
        None => None,
    };
    let Some(home) = found else {
        return refuse(
            "unknown_household",
            "本乡镇没有该户号",
            "No household with this code in the township",
        );
    };
    if store::is_current_member(db, alliance_id, home.id).await? {
        return refuse(
            "already_member",
            "该户已在本联合体中",
            "The household is already a member",
        );
    }
    let mentor = match mentor_member_id {
        None if home.poor.is_registered() && role == "member" => {
            return refuse(
                "mentor_required",
                "贫困户须指定帮扶的致富能人",
                "A poor household needs a mentor (a skilled farmer)",
            );
        }
        None => None,
        Some(m) => match store::membership(db, m).await? {
            Some(r) if r.alliance_id == alliance_id && r.role == "able" && r.left_on.is_none() => {
                Some(m)
            }
            _ => {
                return refuse(
                    "bad_mentor",
                    "帮扶人须为本联合体的致富能人",
                    "The mentor must be a skilled farmer of this alliance",
                );
            }
        },
    };
    let today = crate::forecasting::china_today();
    Ok(WorkOutcome::Done(
        store::add_member(db, alliance_id, home.id, role, mentor, today).await?,
    ))
}

/// A household leaves an alliance; the membership stays with its end date.
///
/// # Errors
/// Storage failures.
pub async fn leave_alliance(
    db: &Db,
    caller: &Caller,
    member_id: i64,
) -> Result<WorkOutcome, StorageError> {
    let Some(m) = store::membership(db, member_id).await? else {
        return Ok(WorkOutcome::NotFound);
    };
    let Some((coop, _)) = store::alliance_owner(db, m.alliance_id)
        .await?
        .filter(|&(coop, township)| can_view_cooperative(caller.scope, coop, township))
    else {
        return Ok(WorkOutcome::NotFound);
    };
    if !can_manage_cooperative(caller.scope, coop) {
        return Ok(WorkOutcome::Forbidden);
    }
    let today = crate::forecasting::china_today();
    Ok(if store::leave(db, member_id, today).await? {
        WorkOutcome::Done(member_id)
    } else {
        WorkOutcome::Refused(
            "already_left",
            "该户已退出".into(),
            "The household has left already".into(),
        )
    })
}

/// Adds a person to a household named by its code: the household pages' rule
/// (`onboard::save_person`: admins and the township's agronomists). A household outside the
/// caller's township is answered as one that does not exist, so codes elsewhere do not show;
/// cooperatives and farmers may not change households (#18).
///
/// # Errors
/// Storage failures.
pub async fn add_person(
    db: &Db,
    caller: &Caller,
    household_code: &str,
    name: &str,
    phone: &str,
    able_to_work: bool,
) -> Result<WorkOutcome, StorageError> {
    let township = match caller.scope {
        Scope::Admin => None,
        Scope::Agronomist { township_id } => Some(township_id),
        Scope::Cooperative { .. } | Scope::Farmer { .. } => return Ok(WorkOutcome::Forbidden),
    };
    let household = match household_by_code(db, household_code, township).await? {
        Ok(h) => h,
        Err(refusal) => return Ok(refusal),
    };
    let input = tianlian_domain::household::PersonInput {
        name: name.into(),
        phone: phone.into(),
        able: if able_to_work { "是" } else { "否" }.into(),
    };
    crate::onboard::save_person(db, caller, household, None, &input).await
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
