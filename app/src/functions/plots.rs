//! Plots and plantings: list, show, and add a planting (the form works with and without wasm).

use crate::models::{PlotPageData, PlotsPageData};
use leptos::prelude::*;
use leptos::server_fn::ServerFnError;

/// The plots page's data, optionally for one village.
#[server(prefix = "/fn", endpoint = "list_plots")]
pub async fn list_plots(village: Option<i64>) -> Result<PlotsPageData, ServerFnError> {
    let (db, caller) = (crate::services::db()?, crate::services::caller()?);
    crate::services::plots_page(&db, &caller, village)
        .await
        .map_err(crate::services::internal)
}

/// One plot's page data; `None` when there is no such plot.
#[server(prefix = "/fn", endpoint = "get_plot")]
pub async fn get_plot(id: i64) -> Result<Option<PlotPageData>, ServerFnError> {
    let (db, caller) = (crate::services::db()?, crate::services::caller()?);
    let cache = use_context::<crate::forecasting::ClimateCache>().unwrap_or_default();
    crate::services::plot_page(&db, &cache, &caller, id)
        .await
        .map_err(crate::services::internal)
}

/// Adds a planting to a plot from the form's text fields.
///
/// Always answers with a redirect back to the plot's page: on success with `added=ID`, on
/// refusal with each field's error code and the typed values, so that the page shows the
/// messages next to the fields — the same with a plain form post (no wasm) and when hydrated.
#[server(prefix = "/fn", endpoint = "add_planting")]
pub async fn add_planting(
    plot_id: Option<String>,
    crop: Option<String>,
    area: Option<String>,
    planted_on: Option<String>,
    status: Option<String>,
) -> Result<(), ServerFnError> {
    use crate::services::{AddPlantingOutcome, add_planting_from_form, form_error_query};
    use tianlian_domain::NewPlantingInput;

    let (db, caller) = (crate::services::db()?, crate::services::caller()?);
    // Every field is optional text so that a missing or garbled field is our refusal, not a
    // deserialisation failure.
    let Some(Ok(plot_id)) = plot_id.map(|p| p.trim().parse::<i64>()) else {
        leptos_axum::redirect("/plots?missing=1");
        return Ok(());
    };
    let input = NewPlantingInput {
        crop: crop.unwrap_or_default(),
        area: area.unwrap_or_default(),
        planted_on: planted_on.unwrap_or_default(),
        status: status.unwrap_or_default(),
    };
    match add_planting_from_form(&db, &caller, plot_id, &input)
        .await
        .map_err(crate::services::internal)?
    {
        AddPlantingOutcome::Added(id) => {
            leptos_axum::redirect(&format!("/plots/{plot_id}?added={id}"))
        }
        AddPlantingOutcome::Refused(errors) => {
            leptos_axum::redirect(&format!(
                "/plots/{plot_id}?{}",
                form_error_query(&input, &errors)
            ));
        }
        AddPlantingOutcome::PlotNotFound => leptos_axum::redirect("/plots?missing=1"),
        AddPlantingOutcome::Forbidden => {
            leptos_axum::redirect(&format!("/plots/{plot_id}?forbidden=1"))
        }
        AddPlantingOutcome::PlotRetired => {
            leptos_axum::redirect(&format!("/plots/{plot_id}?retired=1"))
        }
    }
    Ok(())
}

/// Moves a planting to its next status from the plot page; redirects back to the plot with
/// `changed=1`, or with the refusal's code in `status_error`.
#[server(prefix = "/fn", endpoint = "change_status")]
pub async fn change_status(
    planting_id: Option<String>,
    status: Option<String>,
    on: Option<String>,
    reason: Option<String>,
) -> Result<(), ServerFnError> {
    use crate::services::StatusOutcome;
    let (db, caller) = (crate::services::db()?, crate::services::caller()?);
    let id = planting_id
        .and_then(|p| p.trim().parse::<i64>().ok())
        .unwrap_or(0);
    let outcome = crate::services::change_status(
        &db,
        &caller,
        id,
        &status.unwrap_or_default(),
        &on.unwrap_or_default(),
        &reason.unwrap_or_default(),
    )
    .await
    .map_err(crate::services::internal)?;
    let to = match outcome {
        StatusOutcome::Changed { plot_id } => format!("/plots/{plot_id}?changed={id}"),
        StatusOutcome::Refused { plot_id, error } => {
            format!(
                "/plots/{plot_id}?status_error={}&planting={id}",
                error.code()
            )
        }
        StatusOutcome::Conflict { plot_id } => {
            format!("/plots/{plot_id}?status_error=conflict&planting={id}")
        }
        StatusOutcome::Forbidden { plot_id } => format!("/plots/{plot_id}?forbidden=1"),
        StatusOutcome::NotFound => "/plots?missing=1".to_owned(),
    };
    leptos_axum::redirect(&to);
    Ok(())
}
