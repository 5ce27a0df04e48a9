//! The forecast page's data: a harvest forecast and a backward schedule for what the form asks.

use crate::models::{ForecastForm, ForecastPageData};
use leptos::prelude::*;
use leptos::server_fn::ServerFnError;

/// Answers the forecast page's forms (blank fields take the defaults).
#[server(prefix = "/fn", endpoint = "forecast_page")]
pub async fn forecast_page(form: ForecastForm) -> Result<ForecastPageData, ServerFnError> {
    let (db, _caller) = (crate::services::db()?, crate::services::caller()?);
    let cache = use_context::<crate::forecasting::ClimateCache>().unwrap_or_default();
    crate::forecasting::forecast_page(&db, &cache, form)
        .await
        .map_err(crate::services::internal)
}
