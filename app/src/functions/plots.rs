//! Plots and plantings: list, show, and add a planting (the form works with and without wasm).

use crate::models::{PlotListQuery, PlotPageData, PlotsPageData};
#[cfg(feature = "ssr")]
use crate::usecases::Ctx;
use leptos::prelude::*;
use leptos::server_fn::ServerFnError;

/// One page of the plots list, as the query narrows it.
#[server(prefix = "/fn", endpoint = "list_plots")]
pub async fn list_plots(query: PlotListQuery) -> Result<PlotsPageData, ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    crate::usecases::plots::plots_page(&db, &caller, &query)
        .await
        .map_err(crate::usecases::internal)
}

/// One plot's page data; `None` when there is no such plot.
#[server(prefix = "/fn", endpoint = "get_plot")]
pub async fn get_plot(id: i64) -> Result<Option<PlotPageData>, ServerFnError> {
    let Ctx { db, caller, cache } = Ctx::get()?;
    crate::usecases::plots::plot_page(&db, &cache, &caller, id)
        .await
        .map_err(crate::usecases::internal)
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
    use crate::usecases::plots::{AddPlantingOutcome, add_planting_from_form, form_error_query};
    use tianlian_domain::NewPlantingInput;

    let Ctx { db, caller, .. } = Ctx::get()?;
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
        .map_err(crate::usecases::internal)?
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
    use crate::usecases::plots::StatusOutcome;
    let Ctx { db, caller, .. } = Ctx::get()?;
    let id = planting_id
        .and_then(|p| p.trim().parse::<i64>().ok())
        .unwrap_or(0);
    let outcome = crate::usecases::plots::change_status(
        &db,
        &caller,
        id,
        &status.unwrap_or_default(),
        &on.unwrap_or_default(),
        &reason.unwrap_or_default(),
    )
    .await
    .map_err(crate::usecases::internal)?;
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

/// The query string that carries a refused plot form back: typed values (`p_…`) and each
/// field's error code (`pe_…`), plus the planted area when that was the reason.
#[cfg(feature = "ssr")]
fn plot_error_query(
    input: &tianlian_domain::plot::PlotInput,
    village: Option<&str>,
    errors: &[tianlian_domain::plot::PlotError],
) -> String {
    use tianlian_domain::plot::PlotError;
    let mut pairs: Vec<(String, String)> = vec![
        ("p_code".into(), input.code.clone()),
        ("p_area".into(), input.area.clone()),
        ("p_owner".into(), input.owner.clone()),
        ("p_irrigation".into(), input.irrigation.clone()),
        ("p_notes".into(), input.notes.clone()),
    ];
    if let Some(v) = village {
        pairs.push(("p_village".into(), v.to_owned()));
    }
    for e in errors {
        pairs.push((format!("pe_{}", e.field()), e.code().to_owned()));
        if let PlotError::AreaBelowPlanted { planted } = e {
            pairs.push(("planted".into(), planted.centi().to_string()));
        }
    }
    serde_urlencoded::to_string(&pairs).unwrap_or_default()
}

/// Adds a plot (no `plot_id`) or edits one, from the plot form; redirects to the plot's page
/// on success and back to the form with each field's error otherwise.
#[server(prefix = "/fn", endpoint = "save_plot")]
pub async fn save_plot(
    plot_id: Option<String>,
    village_id: Option<String>,
    code: Option<String>,
    area: Option<String>,
    owner: Option<String>,
    irrigation: Option<String>,
    notes: Option<String>,
) -> Result<(), ServerFnError> {
    use crate::usecases::plots::{PlotOutcome, create_plot, edit_plot};
    use tianlian_domain::plot::PlotInput;
    let Ctx { db, caller, .. } = Ctx::get()?;
    let input = PlotInput {
        code: code.unwrap_or_default(),
        area: area.unwrap_or_default(),
        owner: owner.unwrap_or_default(),
        irrigation: irrigation.unwrap_or_default(),
        notes: notes.unwrap_or_default(),
    };
    let id = plot_id.and_then(|p| p.trim().parse::<i64>().ok());
    let village = village_id.unwrap_or_default();
    let outcome = match id {
        Some(id) => edit_plot(&db, &caller, id, &input).await,
        None => {
            let v = village.trim().parse::<i64>().unwrap_or(0);
            create_plot(&db, &caller, v, &input).await
        }
    }
    .map_err(crate::usecases::internal)?;
    let back = match id {
        Some(id) => format!("/plots/{id}"),
        None => "/plots".to_owned(),
    };
    let to = match outcome {
        // A fresh value each time, so the hydrated router reloads the page after an edit.
        PlotOutcome::Saved(saved) => format!(
            "/plots/{saved}?saved={}",
            chrono::Utc::now().timestamp_millis()
        ),
        PlotOutcome::Refused(errors) => {
            let v = id.is_none().then_some(village.as_str());
            format!("{back}?{}#plot-form", plot_error_query(&input, v, &errors))
        }
        PlotOutcome::Forbidden => format!("{back}?forbidden=1"),
        PlotOutcome::NotFound | PlotOutcome::NotRetired(_) => "/plots?missing=1".to_owned(),
    };
    leptos_axum::redirect(&to);
    Ok(())
}

/// Retires a plot from its page; back to the plot with `retired=1` or the reason.
#[server(prefix = "/fn", endpoint = "retire_plot")]
pub async fn retire_plot(plot_id: Option<String>) -> Result<(), ServerFnError> {
    use crate::usecases::plots::PlotOutcome;
    let Ctx { db, caller, .. } = Ctx::get()?;
    let id = plot_id
        .and_then(|p| p.trim().parse::<i64>().ok())
        .unwrap_or(0);
    let today = crate::usecases::forecasting::china_today();
    let to = match crate::usecases::plots::retire_plot(&db, &caller, id, today)
        .await
        .map_err(crate::usecases::internal)?
    {
        PlotOutcome::Saved(_) => format!("/plots/{id}?retired_now=1"),
        PlotOutcome::NotRetired(e) => format!("/plots/{id}?retire_error={}", e.code()),
        PlotOutcome::Forbidden => format!("/plots/{id}?forbidden=1"),
        PlotOutcome::NotFound | PlotOutcome::Refused(_) => "/plots?missing=1".to_owned(),
    };
    leptos_axum::redirect(&to);
    Ok(())
}
