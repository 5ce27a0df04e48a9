//! The county overview for admins.

use crate::models::CountyOverview;
#[cfg(feature = "ssr")]
use crate::usecases::Ctx;
use leptos::prelude::*;
use leptos::server_fn::ServerFnError;

/// The overview; `None` for anyone but an admin.
#[server(prefix = "/fn", endpoint = "county_page")]
pub async fn county_page() -> Result<Option<CountyOverview>, ServerFnError> {
    let Ctx { db, caller, cache } = Ctx::get()?;
    crate::usecases::overview::county_overview(&db, &cache, &caller)
        .await
        .map_err(crate::usecases::internal)
}
