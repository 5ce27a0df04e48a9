//! The county overview for admins.

use crate::models::CountyOverview;
use leptos::prelude::*;
use leptos::server_fn::ServerFnError;

/// The overview; `None` for anyone but an admin.
#[server(prefix = "/fn", endpoint = "county_page")]
pub async fn county_page() -> Result<Option<CountyOverview>, ServerFnError> {
    let (db, caller) = (crate::services::db()?, crate::services::caller()?);
    let cache = use_context::<crate::forecasting::ClimateCache>().unwrap_or_default();
    crate::overview::county_overview(&db, &cache, &caller)
        .await
        .map_err(crate::services::internal)
}
