//! "我的日历" (`/my`): what a farmer's household needs on one phone screen — its plantings
//! with forecast harvest windows and how they moved since last week, a month calendar with
//! solar terms and the Spring Festival, the next shifts, and pay. Only the caller's household.

use crate::models::{MyCalendarData, MyForecast, MyPlanting, PayLine};
use crate::usecases::plots::ScopedPlantings;
use chrono::{Days, NaiveDate};
use std::collections::HashMap;
use tianlian_domain::Fen;
use tianlian_domain::access::{Caller, CooperativeView, cooperative_view};
use tianlian_domain::month::{self, Event, Mark, YearMonth};
use tianlian_storage::{Db, StorageError};

/// How far back "moved since last week" looks.
const LAST_WEEK: Days = Days::new(7);

/// The shifts and settlements the summary lists (the full record is on /my/pay).
const RECENT_DAYS: usize = 5;

/// The calendar for the caller's household, showing `month` (`2027-02`; the current month
/// when absent or unreadable). `None` for anyone who is not a household.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn my_calendar(
    db: &Db,
    cache: &crate::usecases::forecasting::ClimateCache,
    caller: &Caller,
    month: Option<&str>,
) -> Result<Option<MyCalendarData>, StorageError> {
    let CooperativeView::Household(_) = cooperative_view(caller.scope) else {
        return Ok(None);
    };
    let today = crate::usecases::forecasting::china_today();
    let week_ago = today - LAST_WEEK;
    let scoped = ScopedPlantings::load(db, caller).await?;
    let now = scoped.with_forecasts(db, cache, today).await?;
    let before: HashMap<i64, NaiveDate> = scoped
        .with_forecasts(db, cache, week_ago)
        .await?
        .into_iter()
        .filter_map(|i| {
            i.planting
                .forecast
                .map(|f| (i.planting.id, f.harvest_start))
        })
        .collect();
    let Some(pay) = crate::usecases::alliance::my_pay(db, caller).await? else {
        return Ok(None);
    };

    let mut events = Vec::new();
    // The household's own crops: what a cooperative plants on land it leases is its harvest.
    let plantings: Vec<MyPlanting> = now
        .into_iter()
        .filter(|item| item.planting.cooperative_id.is_none())
        .map(|item| {
            let p = item.planting;
            let planted_on = p.planned_on.clone();
            if let Ok(day) = planted_on.parse::<NaiveDate>() {
                events.push(Event {
                    from: day,
                    until: day,
                    mark: Mark::Planted,
                });
            }
            let forecast = p.forecast.map(|f| {
                events.extend(month::harvest_events(
                    f.harvest_start_p10,
                    f.harvest_start,
                    f.harvest_start_p90,
                    f.harvest_end,
                ));
                MyForecast {
                    start_p10: f.harvest_start_p10,
                    start: f.harvest_start,
                    start_p90: f.harvest_start_p90,
                    end: f.harvest_end,
                    yield_kg: f.yield_kg,
                    moved_days: before
                        .get(&p.id)
                        .map(|earlier| month::moved_days(*earlier, f.harvest_start)),
                }
            });
            MyPlanting {
                crop_en: p.crop_name_en,
                crop_zh: p.crop_name_zh,
                plot_code: item.plot_code,
                village: item.village,
                area: p.area,
                planted_on,
                status: p.status,
                forecast,
            }
        })
        .collect();
    for day in pay.upcoming.iter().chain(&pay.wages).map(|l| &l.day) {
        if let Ok(day) = day.parse::<NaiveDate>() {
            events.push(Event {
                from: day,
                until: day,
                mark: Mark::Shift,
            });
        }
    }
    let unpaid: Vec<(String, Fen)> = pay
        .leases
        .iter()
        .flat_map(|l| &l.payments)
        .filter(|p| p.paid_on.is_none())
        .map(|p| (p.due_on.clone(), p.amount))
        .collect();
    for (due, _) in &unpaid {
        if let Ok(day) = due.parse::<NaiveDate>() {
            events.push(Event {
                from: day,
                until: day,
                mark: Mark::LeaseDue,
            });
        }
    }

    let shown = month
        .and_then(YearMonth::parse)
        .unwrap_or_else(|| YearMonth::of(today));
    let weeks = month::month_grid(shown, today, &events)
        .or_else(|_| month::month_grid(YearMonth::of(today), today, &events))
        .unwrap_or_default();
    let recent: Vec<PayLine> = pay.wages.iter().rev().take(RECENT_DAYS).cloned().collect();
    let now_china = crate::usecases::forecasting::china_now();
    Ok(Some(MyCalendarData {
        household_code: pay.household_code,
        month: shown.to_string(),
        prev_month: shown.prev().to_string(),
        next_month: shown.next().to_string(),
        weeks,
        plantings,
        upcoming: pay.upcoming,
        recent,
        wages_this_month: pay.wages_this_month,
        wages_this_season: pay.wages_this_season,
        lease_fees_this_season: pay.lease_fees_this_season,
        dividends: pay.dividends,
        next_lease_fee: unpaid.into_iter().min_by(|a, b| a.0.cmp(&b.0)),
        as_of: now_china.format("%Y-%m-%d %H:%M").to_string(),
    }))
}
