//! The farmer's own calendar (`/my`).

use crate::models::MyCalendarData;
#[cfg(feature = "ssr")]
use crate::usecases::Ctx;
use leptos::prelude::*;

/// "我的日历" of the caller's household, showing `month` (`2027-02`, else this month);
/// `None` for callers who are not a household.
#[server(prefix = "/fn", endpoint = "my_calendar")]
pub async fn my_calendar(month: Option<String>) -> Result<Option<MyCalendarData>, ServerFnError> {
    let Ctx { db, caller, cache } = Ctx::get()?;
    crate::usecases::farmer::my_calendar(&db, &cache, &caller, month.as_deref())
        .await
        .map_err(crate::usecases::internal)
}
