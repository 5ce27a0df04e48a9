//! The alliance's work from the pages: the cooperative page, shifts (post, assign, hours,
//! settle), leases, dividends, a farmer's own pay and the benefit report. Every write answers
//! with a redirect carrying `ok=…` or `error=code&msg=…`, the same with and without wasm.

use crate::models::{BenefitData, CoopPageData, MyPayData, ShiftPageData};
#[cfg(feature = "ssr")]
use crate::usecases::Ctx;
use leptos::prelude::*;
use leptos::server_fn::ServerFnError;

#[cfg(feature = "ssr")]
pub(crate) fn id(text: Option<String>) -> Option<i64> {
    text.and_then(|t| t.trim().parse::<i64>().ok())
}

/// Where a write goes next: `back` with `ok=what` or the refusal.
#[cfg(feature = "ssr")]
pub(crate) fn go(back: &str, outcome: crate::usecases::alliance::WorkOutcome, ok: &str) {
    use crate::usecases::alliance::WorkOutcome;
    let sep = if back.contains('?') { '&' } else { '?' };
    let to = match outcome {
        WorkOutcome::Done(v) => format!("{back}{sep}ok={ok}&v={v}"),
        WorkOutcome::Refused(code, zh, _) => {
            let q = serde_urlencoded::to_string([("error", code), ("msg", zh.as_str())])
                .unwrap_or_default();
            format!("{back}{sep}{q}")
        }
        WorkOutcome::Forbidden => format!("{back}{sep}error=forbidden"),
        WorkOutcome::NotFound => format!("{back}{sep}error=not_found"),
    };
    leptos_axum::redirect(&to);
}

#[server(prefix = "/fn", endpoint = "coop_page")]
pub async fn coop_page(
    coop: Option<i64>,
    list: Option<String>,
    q: Option<String>,
    page: usize,
) -> Result<CoopPageData, ServerFnError> {
    let Ctx { db, caller, cache } = Ctx::get()?;
    let list = crate::models::CoopList::from_code(list.as_deref());
    crate::usecases::alliance::coop_page(&db, &cache, &caller, coop, list, q.as_deref(), page)
        .await
        .map_err(crate::usecases::internal)
}

#[server(prefix = "/fn", endpoint = "post_shift")]
#[allow(clippy::too_many_arguments)]
pub async fn post_shift(
    cooperative_id: Option<String>,
    date: Option<String>,
    task: Option<String>,
    plot_id: Option<String>,
    headcount: Option<String>,
    hours: Option<String>,
    hourly_yuan: Option<String>,
) -> Result<(), ServerFnError> {
    use crate::usecases::alliance::WorkOutcome;
    let Ctx { db, caller, .. } = Ctx::get()?;
    let coop = id(cooperative_id).unwrap_or(0);
    let input = tianlian_domain::shifts::NewShiftInput {
        date: date.unwrap_or_default(),
        task: task.unwrap_or_default(),
        headcount: headcount.unwrap_or_default(),
        hours: hours.unwrap_or_default(),
        hourly_yuan: hourly_yuan.unwrap_or_default(),
    };
    let outcome = crate::usecases::alliance::post_shift(&db, &caller, coop, &input, id(plot_id))
        .await
        .map_err(crate::usecases::internal)?;
    match outcome {
        WorkOutcome::Done(shift) => leptos_axum::redirect(&format!("/shifts/{shift}?ok=posted")),
        other => go(&format!("/coop?coop={coop}"), other, ""),
    }
    Ok(())
}

#[server(prefix = "/fn", endpoint = "shift_page")]
pub async fn shift_page(id: i64) -> Result<Option<ShiftPageData>, ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    crate::usecases::alliance::shift_page(&db, &caller, id)
        .await
        .map_err(crate::usecases::internal)
}

#[server(prefix = "/fn", endpoint = "assign_person")]
pub async fn assign_person(
    shift_id: Option<String>,
    person_id: Option<String>,
) -> Result<(), ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let shift = id(shift_id).unwrap_or(0);
    let outcome =
        crate::usecases::alliance::assign(&db, &caller, shift, id(person_id).unwrap_or(0))
            .await
            .map_err(crate::usecases::internal)?;
    go(&format!("/shifts/{shift}"), outcome, "assigned");
    Ok(())
}

/// Books one free person of a household, by household code.
#[server(prefix = "/fn", endpoint = "assign_household")]
pub async fn assign_household(
    shift_id: Option<String>,
    household: Option<String>,
) -> Result<(), ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let shift = id(shift_id).unwrap_or(0);
    let outcome = crate::usecases::alliance::assign_household(
        &db,
        &caller,
        shift,
        &household.unwrap_or_default(),
    )
    .await
    .map_err(crate::usecases::internal)?;
    go(&format!("/shifts/{shift}"), outcome, "assigned");
    Ok(())
}

#[server(prefix = "/fn", endpoint = "record_hours")]
pub async fn record_hours(
    shift_id: Option<String>,
    person_id: Option<String>,
    hours: Option<String>,
    replaces: Option<String>,
) -> Result<(), ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let shift = id(shift_id).unwrap_or(0);
    let outcome = crate::usecases::alliance::record_hours(
        &db,
        &caller,
        shift,
        id(person_id).unwrap_or(0),
        &hours.unwrap_or_default(),
        id(replaces),
    )
    .await
    .map_err(crate::usecases::internal)?;
    go(&format!("/shifts/{shift}"), outcome, "recorded");
    Ok(())
}

#[server(prefix = "/fn", endpoint = "settle_shift")]
pub async fn settle_shift(shift_id: Option<String>) -> Result<(), ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let shift = id(shift_id).unwrap_or(0);
    let outcome = crate::usecases::alliance::settle(&db, &caller, shift)
        .await
        .map_err(crate::usecases::internal)?;
    go(&format!("/shifts/{shift}"), outcome, "settled");
    Ok(())
}

#[server(prefix = "/fn", endpoint = "create_lease")]
#[allow(clippy::too_many_arguments)]
pub async fn create_lease(
    cooperative_id: Option<String>,
    plot_id: Option<String>,
    area: Option<String>,
    fee: Option<String>,
    starts_on: Option<String>,
    ends_on: Option<String>,
    schedule: Option<String>,
) -> Result<(), ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let coop = id(cooperative_id).unwrap_or(0);
    let input = tianlian_domain::lease::NewLeaseInput {
        area: area.unwrap_or_default(),
        fee_yuan_per_mu_year: fee.unwrap_or_default(),
        starts_on: starts_on.unwrap_or_default(),
        ends_on: ends_on.unwrap_or_default(),
        schedule: schedule.unwrap_or_default(),
    };
    let outcome = crate::usecases::alliance::create_lease(
        &db,
        &caller,
        coop,
        id(plot_id).unwrap_or(0),
        &input,
    )
    .await
    .map_err(crate::usecases::internal)?;
    go(&format!("/coop?coop={coop}"), outcome, "lease");
    Ok(())
}

#[server(prefix = "/fn", endpoint = "pay_lease")]
pub async fn pay_lease(
    payment_id: Option<String>,
    cooperative_id: Option<String>,
) -> Result<(), ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let coop = id(cooperative_id).unwrap_or(0);
    let outcome = crate::usecases::alliance::pay_lease(&db, &caller, id(payment_id).unwrap_or(0))
        .await
        .map_err(crate::usecases::internal)?;
    go(&format!("/coop?coop={coop}"), outcome, "paid");
    Ok(())
}

#[server(prefix = "/fn", endpoint = "add_dividend")]
pub async fn add_dividend(
    cooperative_id: Option<String>,
    household: Option<String>,
    amount: Option<String>,
    note: Option<String>,
) -> Result<(), ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let coop = id(cooperative_id).unwrap_or(0);
    let outcome = crate::usecases::alliance::add_dividend(
        &db,
        &caller,
        coop,
        &household.unwrap_or_default(),
        &amount.unwrap_or_default(),
        &note.unwrap_or_default(),
    )
    .await
    .map_err(crate::usecases::internal)?;
    go(&format!("/coop?coop={coop}"), outcome, "dividend");
    Ok(())
}

#[server(prefix = "/fn", endpoint = "my_pay")]
pub async fn my_pay() -> Result<Option<MyPayData>, ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    crate::usecases::alliance::my_pay(&db, &caller)
        .await
        .map_err(crate::usecases::internal)
}

/// One page of the benefit report: the households that `q` (household code or name) and
/// `poor` admit, with the whole report's totals.
#[server(prefix = "/fn", endpoint = "benefit_page")]
pub async fn benefit_page(
    day: Option<String>,
    q: Option<String>,
    poor: bool,
    page: usize,
) -> Result<Option<BenefitData>, ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let day = day
        .and_then(|d| chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
        .unwrap_or_else(crate::usecases::forecasting::china_today);
    crate::usecases::alliance::benefit(
        &db,
        &caller,
        day,
        q.as_deref(),
        poor,
        crate::usecases::alliance::BenefitWindow::Page(page),
    )
    .await
    .map_err(crate::usecases::internal)
}

#[server(prefix = "/fn", endpoint = "add_member")]
pub async fn add_member(
    cooperative_id: Option<String>,
    alliance_id: Option<String>,
    household: Option<String>,
    role: Option<String>,
    mentor_id: Option<String>,
) -> Result<(), ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let coop = id(cooperative_id).unwrap_or(0);
    let outcome = crate::usecases::alliance::add_member(
        &db,
        &caller,
        id(alliance_id).unwrap_or(0),
        &household.unwrap_or_default(),
        role.as_deref().unwrap_or("member").trim(),
        id(mentor_id),
    )
    .await
    .map_err(crate::usecases::internal)?;
    go(&format!("/coop?coop={coop}"), outcome, "member");
    Ok(())
}

#[server(prefix = "/fn", endpoint = "leave_alliance")]
pub async fn leave_alliance(
    cooperative_id: Option<String>,
    member_id: Option<String>,
) -> Result<(), ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let coop = id(cooperative_id).unwrap_or(0);
    let outcome =
        crate::usecases::alliance::leave_alliance(&db, &caller, id(member_id).unwrap_or(0))
            .await
            .map_err(crate::usecases::internal)?;
    go(&format!("/coop?coop={coop}"), outcome, "left");
    Ok(())
}

/// A new private calendar feed address for the farmer's household (the old one stops working).
#[server(prefix = "/fn", endpoint = "regenerate_feed")]
pub async fn regenerate_feed() -> Result<(), ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    match crate::usecases::feed::household_of(&caller) {
        Some(h) => {
            crate::usecases::feed::regenerate(&db, h)
                .await
                .map_err(crate::usecases::internal)?;
            leptos_axum::redirect(&format!(
                "/my/pay?ok=feed&t={}",
                chrono::Utc::now().timestamp_millis()
            ));
        }
        None => leptos_axum::redirect("/my/pay?error=forbidden"),
    }
    Ok(())
}

/// Turns the farmer's calendar feed off.
#[server(prefix = "/fn", endpoint = "revoke_feed")]
pub async fn revoke_feed() -> Result<(), ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    match crate::usecases::feed::household_of(&caller) {
        Some(h) => {
            tianlian_storage::feeds::revoke(&db, h)
                .await
                .map_err(crate::usecases::internal)?;
            leptos_axum::redirect(&format!(
                "/my/pay?ok=feed_off&t={}",
                chrono::Utc::now().timestamp_millis()
            ));
        }
        None => leptos_axum::redirect("/my/pay?error=forbidden"),
    }
    Ok(())
}
