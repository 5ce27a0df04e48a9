//! The field day from the pages: fill a shift, book ticked people, take someone off, the roll
//! call and the day sheet. Each write answers with a redirect carrying `ok=…` or
//! `error=code&msg=…`, the same as every other form.

use crate::models::{DaySheetData, RollCallData};
use leptos::prelude::*;
use leptos::server_fn::ServerFnError;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::alliance::{go, id};
#[cfg(feature = "ssr")]
use crate::usecases::Ctx;

#[server(prefix = "/fn", endpoint = "fill_shift")]
pub async fn fill_shift(shift_id: Option<String>) -> Result<(), ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let shift = id(shift_id).unwrap_or(0);
    let outcome = crate::usecases::fieldday::fill(&db, &caller, shift)
        .await
        .map_err(crate::usecases::internal)?;
    go(&format!("/shifts/{shift}"), outcome, "filled");
    Ok(())
}

/// Books the ticked people (`people[i]` checkboxes: only ticked ones are sent).
#[server(prefix = "/fn", endpoint = "book_ticked")]
pub async fn book_ticked(
    shift_id: Option<String>,
    #[server(default)] people: Vec<String>,
) -> Result<(), ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let shift = id(shift_id).unwrap_or(0);
    let people: Vec<i64> = people.into_iter().filter_map(|p| id(Some(p))).collect();
    let outcome = crate::usecases::fieldday::book(&db, &caller, shift, &people)
        .await
        .map_err(crate::usecases::internal)?;
    go(&format!("/shifts/{shift}"), outcome, "assigned");
    Ok(())
}

#[server(prefix = "/fn", endpoint = "unbook_person")]
pub async fn unbook_person(
    shift_id: Option<String>,
    person_id: Option<String>,
) -> Result<(), ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let shift = id(shift_id).unwrap_or(0);
    let outcome =
        crate::usecases::fieldday::unbook(&db, &caller, shift, id(person_id).unwrap_or(0))
            .await
            .map_err(crate::usecases::internal)?;
    go(&format!("/shifts/{shift}"), outcome, "unbooked");
    Ok(())
}

#[server(prefix = "/fn", endpoint = "load_roll_call")]
pub async fn load_roll_call(id: i64) -> Result<Option<RollCallData>, ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    crate::usecases::fieldday::roll_call_page(&db, &caller, id)
        .await
        .map_err(crate::usecases::internal)
}

/// One roll-call line as the form posts it: `lines[i][person]`, `lines[i][hours]`, and
/// `lines[i][absent]` when the box is ticked.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RollLineForm {
    #[serde(default)]
    pub person: String,
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub absent: Option<String>,
}

#[server(prefix = "/fn", endpoint = "submit_roll_call")]
pub async fn submit_roll_call(
    shift_id: Option<String>,
    key: Option<String>,
    #[server(default)] lines: Vec<RollLineForm>,
) -> Result<(), ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let shift = id(shift_id).unwrap_or(0);
    let lines: Vec<tianlian_domain::rollcall::RollLineInput> = lines
        .into_iter()
        .map(|l| tianlian_domain::rollcall::RollLineInput {
            person_id: l.person.trim().parse().unwrap_or(0),
            absent: l.absent.is_some(),
            hours: l.hours,
        })
        .collect();
    let done = crate::usecases::fieldday::submit_roll_call(
        &db,
        &caller,
        shift,
        &key.unwrap_or_default(),
        &lines,
    )
    .await
    .map_err(crate::usecases::internal)?;
    match done {
        Ok(s) => leptos_axum::redirect(&format!(
            "/shifts/{shift}?ok={}&v={}",
            if s.repeated {
                "rollcall_repeated"
            } else {
                "rollcall"
            },
            s.present
        )),
        Err(refused) => go(&format!("/shifts/{shift}/roll"), refused, ""),
    }
    Ok(())
}

#[server(prefix = "/fn", endpoint = "load_day_sheet")]
pub async fn load_day_sheet(
    coop: i64,
    day: String,
    page: usize,
) -> Result<Option<DaySheetData>, ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let Ok(day) = day.parse::<chrono::NaiveDate>() else {
        return Ok(None);
    };
    crate::usecases::fieldday::day_sheet(&db, &caller, coop, day, page)
        .await
        .map_err(crate::usecases::internal)
}

#[server(prefix = "/fn", endpoint = "settle_coop_day")]
pub async fn settle_coop_day(
    cooperative_id: Option<String>,
    day: Option<String>,
) -> Result<(), ServerFnError> {
    use crate::usecases::alliance::WorkOutcome;
    let Ctx { db, caller, .. } = Ctx::get()?;
    let coop = id(cooperative_id).unwrap_or(0);
    let day_text = day.unwrap_or_default();
    let back = format!("/coop/{coop}/days/{}", day_text.trim());
    let outcome = match day_text.trim().parse::<chrono::NaiveDate>() {
        Ok(d) => crate::usecases::fieldday::settle_day(&db, &caller, coop, d)
            .await
            .map_err(crate::usecases::internal)?,
        Err(_) => WorkOutcome::Refused(
            "bad_date",
            "日期格式应为 2026-12-02".into(),
            "Dates look like 2026-12-02".into(),
        ),
    };
    go(&back, outcome, "settled");
    Ok(())
}
