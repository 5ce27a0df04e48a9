//! The cooperative page (`/coop`, `GET /api/v1/cooperatives/{id}`): alliances, leases, labour
//! demand and shifts of the cooperatives the caller sees, each list paged in SQL.

use super::*;

/// The cooperative page: the summary (what needs doing, the season's labour demand against the
/// members able to work, the first [`COOP_SUMMARY_ROWS`] of each list), or one page of one list
/// (`list`) narrowed by `search` (a household head's name or code; for leases also the plot or
/// village). Counts, sums and pages come from SQL, so only the rows shown are read.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn coop_page(
    db: &Db,
    cache: &crate::usecases::forecasting::ClimateCache,
    caller: &Caller,
    chosen: Option<i64>,
    list: CoopList,
    search: Option<&str>,
    page: usize,
) -> Result<CoopPageData, StorageError> {
    let _turn = crate::usecases::report_turn().await;
    let today = crate::usecases::forecasting::china_today();
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
    let list = crate::usecases::plots::ScopedPlantings::on(db, ours)
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
