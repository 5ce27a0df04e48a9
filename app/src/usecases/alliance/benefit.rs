//! What the alliance pays households: dividends, the income line, a farmer's own pay and the
//! benefit report.

use super::*;

/// Records a dividend from a cooperative the caller manages to a household of its township.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
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
    let today = crate::usecases::forecasting::china_today();
    let id = store::add_dividend(db, cooperative_id, household, amount, today, note.trim()).await?;
    Ok(WorkOutcome::Done(id))
}

/// Sets the income line for a season year (admins only).
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
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
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn my_pay(db: &Db, caller: &Caller) -> Result<Option<MyPayData>, StorageError> {
    let CooperativeView::Household(household) = cooperative_view(caller.scope) else {
        return Ok(None);
    };
    let today = crate::usecases::forecasting::china_today();
    let (season_from, season_until) = season_of(today);
    let rows = work::household_pay(db, household, season_from).await?;
    let line = |r: &work::PayRow| PayLine {
        day: r.day.to_string(),
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
    let month = format!("{:04}-{:02}", today.year(), today.month());
    let wages: Vec<PayLine> = rows
        .iter()
        .filter(|r| r.hours_centi != 0 || r.day < today)
        .map(line)
        .collect();
    let upcoming: Vec<PayLine> = rows
        .iter()
        .filter(|r| r.day >= today && r.hours_centi == 0)
        .map(line)
        .collect();
    let (leases, payments) = store::household_leases(db, household).await?;
    let summary = tianlian_storage::households::summary(db, household, season_from, season_until)
        .await?
        .unwrap_or_default();
    let lease_fees_this_season: Fen = payments
        .iter()
        .filter(|p| {
            p.paid_on
                .is_some_and(|d| d >= season_from && d <= season_until)
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
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
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
    let _turn = crate::usecases::report_turn().await;
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
                r.is_poor,
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
