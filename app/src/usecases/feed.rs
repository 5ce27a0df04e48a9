//! A household's private calendar feed: the events (harvest windows, shifts, lease payment
//! dates) and the token that names the feed. The server turns the events into iCalendar.
//! Only compiled with `ssr`.

use crate::usecases::forecasting::ClimateCache;
use chrono::{Days, NaiveDate};
use tianlian_domain::access::{Caller, Scope};
use tianlian_storage::{Db, StorageError, alliance, feeds, work};

/// One all-day event of the feed; `until` is the last day (inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEvent {
    /// Stable across rebuilds, so a calendar app replaces rather than duplicates.
    pub uid: String,
    pub summary: String,
    pub description: String,
    pub from: NaiveDate,
    pub until: NaiveDate,
}

/// A new random feed token.
pub fn new_token() -> String {
    let (token, _) = crate::usecases::auth::new_api_token();
    format!("cal_{}", token.trim_start_matches("tl_"))
}

/// The signed-in farmer's household, or `None` for other roles.
pub fn household_of(caller: &Caller) -> Option<i64> {
    match caller.scope {
        Scope::Farmer { household_id } => Some(household_id),
        _ => None,
    }
}

/// Replaces the household's feed token with a new one; returns it.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all)]
pub async fn regenerate(db: &Db, household_id: i64) -> Result<String, StorageError> {
    let token = new_token();
    feeds::set(db, household_id, &token).await?;
    Ok(token)
}

/// The events of a household's feed: each planting's forecast harvest window (P50 start to
/// end, the P10–P90 range in the description), its people's shifts this season, and the due
/// dates of its lease payments.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all)]
pub async fn events(
    db: &Db,
    cache: &ClimateCache,
    household_id: i64,
) -> Result<Vec<FeedEvent>, StorageError> {
    let caller = Caller {
        account_id: 0,
        phone: String::new(),
        scope: Scope::Farmer { household_id },
        must_change_password: false,
    };
    let mut out = Vec::new();
    for item in crate::usecases::plots::plantings_with_forecasts(db, cache, &caller).await? {
        let p = &item.planting;
        let Some(f) = &p.forecast else { continue };
        out.push(FeedEvent {
            uid: format!("harvest-{}@tianlian", p.id),
            summary: format!("{} 预计采收 · 地块 {}", p.crop_name_zh, item.plot_code),
            description: format!(
                "{} 亩，{} 种植；始收最早 {}，最晚 {}（P10–P90），约 {} 公斤",
                p.area, p.planned_on, f.harvest_start_p10, f.harvest_start_p90, f.yield_kg
            ),
            from: f.harvest_start,
            until: f.harvest_end.max(f.harvest_start),
        });
    }
    let today = crate::usecases::forecasting::china_today();
    let (season_from, _) = tianlian_domain::season::season_of(today);
    for s in work::household_pay(db, household_id, season_from).await? {
        let day = s.day;
        out.push(FeedEvent {
            uid: format!("shift-{}-{}@tianlian", s.shift_id, s.person_id),
            summary: format!(
                "{} 上工 · {}",
                s.person_name,
                crate::usecases::alliance::task_name(&s.task_code)
            ),
            description: s.cooperative_name.clone(),
            from: day,
            until: day,
        });
    }
    for p in alliance::payments(db, None, None, Some(household_id)).await? {
        let day = p.due_on;
        out.push(FeedEvent {
            uid: format!("lease-payment-{}@tianlian", p.id),
            summary: if p.paid_on.is_some() {
                "流转费（已付）".into()
            } else {
                "流转费到期".into()
            },
            description: format!("土地流转合同 {}", p.lease_id),
            from: day,
            until: day,
        });
    }
    out.sort_by(|a, b| (a.from, &a.uid).cmp(&(b.from, &b.uid)));
    Ok(out)
}

/// The day after `until`: iCalendar's exclusive end of an all-day event.
pub fn end_exclusive(until: NaiveDate) -> NaiveDate {
    until.checked_add_days(Days::new(1)).unwrap_or(until)
}
