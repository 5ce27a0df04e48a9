//! The forecast page's data: a harvest forecast and a backward schedule for what the form asks.

use crate::models::{ForecastForm, ForecastPageData};
use leptos::prelude::*;
use leptos::server_fn::ServerFnError;

/// Answers the forecast page's forms (blank fields take the defaults).
#[server(prefix = "/fn", endpoint = "forecast_page")]
pub async fn forecast_page(form: ForecastForm) -> Result<ForecastPageData, ServerFnError> {
    let (db, _caller) = (crate::usecases::db()?, crate::usecases::caller()?);
    let cache = use_context::<crate::usecases::forecasting::ClimateCache>().unwrap_or_default();
    crate::usecases::forecasting::forecast_page(&db, &cache, form)
        .await
        .map_err(crate::usecases::internal)
}
