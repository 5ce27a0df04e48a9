//! Accounts and households from the pages. Reads return the page's data; writes redirect
//! with `ok=…` or `error=code&msg=…`. Slips (one-time passwords) are not here: they are the
//! answer of the server's slip routes, never behind a redirect.

// A household form has eight fields, each an argument of its server function.
#![allow(clippy::too_many_arguments)]

use crate::models::{AccountDetail, AccountsPageData, HouseholdDetail, HouseholdsPageData};
use leptos::prelude::*;
use leptos::server_fn::ServerFnError;

#[cfg(feature = "ssr")]
use super::alliance::{go, id};
#[cfg(feature = "ssr")]
use crate::usecases::Ctx;

#[server(prefix = "/fn", endpoint = "accounts_page")]
pub async fn accounts_page(
    q: String,
    role: String,
    status: String,
    page: usize,
) -> Result<Option<AccountsPageData>, ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let query = crate::models::AccountListQuery {
        q,
        role,
        status,
        page,
    };
    crate::usecases::onboard::accounts_page(&db, &caller, &query)
        .await
        .map_err(crate::usecases::internal)
}

#[server(prefix = "/fn", endpoint = "account_page")]
pub async fn account_page(id: i64) -> Result<Option<AccountDetail>, ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    crate::usecases::onboard::account_page(&db, &caller, id)
        .await
        .map_err(crate::usecases::internal)
}

/// Disables (`disabled` = "1") or enables an account.
#[server(prefix = "/fn", endpoint = "set_account_disabled")]
pub async fn set_account_disabled(
    account_id: Option<String>,
    disabled: Option<String>,
) -> Result<(), ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let account = id(account_id).unwrap_or(0);
    let disable = disabled.as_deref() == Some("1");
    let outcome = crate::usecases::onboard::set_disabled(&db, &caller, account, disable)
        .await
        .map_err(crate::usecases::internal)?;
    let ok = if disable { "disabled" } else { "enabled" };
    go(&format!("/accounts/{account}"), outcome, ok);
    Ok(())
}

#[server(prefix = "/fn", endpoint = "households_page")]
pub async fn households_page(
    q: String,
    township: Option<i64>,
    village: Option<i64>,
    poor: String,
    page: usize,
) -> Result<Option<HouseholdsPageData>, ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let query = crate::models::HouseholdListQuery {
        q,
        township,
        village,
        poor,
        page,
    };
    crate::usecases::onboard::households_page(&db, &caller, &query)
        .await
        .map_err(crate::usecases::internal)
}

#[server(prefix = "/fn", endpoint = "household_page")]
pub async fn household_page(id: i64) -> Result<Option<HouseholdDetail>, ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    crate::usecases::onboard::household_page(&db, &caller, id)
        .await
        .map_err(crate::usecases::internal)
}

/// The household form's fields, as typed.
#[cfg(feature = "ssr")]
fn household_input(
    code: Option<String>,
    head_name: Option<String>,
    phone: Option<String>,
    poor: Option<String>,
    poor_since: Option<String>,
    poor_lifted: Option<String>,
) -> tianlian_domain::household::HouseholdInput {
    tianlian_domain::household::HouseholdInput {
        code: code.unwrap_or_default(),
        head_name: head_name.unwrap_or_default(),
        phone: phone.unwrap_or_default(),
        poor: poor.unwrap_or_default(),
        poor_since: poor_since.unwrap_or_default(),
        poor_lifted: poor_lifted.unwrap_or_default(),
    }
}

#[server(prefix = "/fn", endpoint = "add_household")]
pub async fn add_household(
    village_id: Option<String>,
    code: Option<String>,
    head_name: Option<String>,
    phone: Option<String>,
    poor: Option<String>,
    poor_since: Option<String>,
    poor_lifted: Option<String>,
) -> Result<(), ServerFnError> {
    use crate::usecases::alliance::WorkOutcome;
    let Ctx { db, caller, .. } = Ctx::get()?;
    let input = household_input(code, head_name, phone, poor, poor_since, poor_lifted);
    let outcome = crate::usecases::onboard::create_household(
        &db,
        &caller,
        id(village_id).unwrap_or(0),
        &input,
    )
    .await
    .map_err(crate::usecases::internal)?;
    match outcome {
        WorkOutcome::Done(h) => leptos_axum::redirect(&format!("/households/{h}?ok=created")),
        other => go("/households", other, "created"),
    }
    Ok(())
}

#[server(prefix = "/fn", endpoint = "edit_household")]
pub async fn edit_household(
    household_id: Option<String>,
    village_id: Option<String>,
    code: Option<String>,
    head_name: Option<String>,
    phone: Option<String>,
    poor: Option<String>,
    poor_since: Option<String>,
    poor_lifted: Option<String>,
) -> Result<(), ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let household = id(household_id).unwrap_or(0);
    let input = household_input(code, head_name, phone, poor, poor_since, poor_lifted);
    let outcome =
        crate::usecases::onboard::edit_household(&db, &caller, household, id(village_id), &input)
            .await
            .map_err(crate::usecases::internal)?;
    go(&format!("/households/{household}"), outcome, "saved");
    Ok(())
}

/// Adds a person (no `person_id`) or changes one; `able` is sent when the box is ticked.
#[server(prefix = "/fn", endpoint = "save_person")]
pub async fn save_person(
    household_id: Option<String>,
    person_id: Option<String>,
    name: Option<String>,
    phone: Option<String>,
    able: Option<String>,
) -> Result<(), ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let household = id(household_id).unwrap_or(0);
    let input = tianlian_domain::household::PersonInput {
        name: name.unwrap_or_default(),
        phone: phone.unwrap_or_default(),
        able: if able.is_some() { "是" } else { "否" }.into(),
    };
    let outcome =
        crate::usecases::onboard::save_person(&db, &caller, household, id(person_id), &input)
            .await
            .map_err(crate::usecases::internal)?;
    go(&format!("/households/{household}"), outcome, "person");
    Ok(())
}
