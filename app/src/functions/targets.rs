//! Season targets and progress: the page's data, adding and deleting a target. The forms work
//! with and without wasm (each answers with a redirect back to `/targets`).

use crate::models::TargetsPageData;
#[cfg(feature = "ssr")]
use crate::usecases::Ctx;
use leptos::prelude::*;
use leptos::server_fn::ServerFnError;

/// The progress page's data.
#[server(prefix = "/fn", endpoint = "targets_page")]
pub async fn targets_page() -> Result<TargetsPageData, ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    crate::usecases::planning::targets_page(&db, &caller)
        .await
        .map_err(crate::usecases::internal)
}

/// Adds a target from the form's text fields; redirects to `/targets?added=ID`, or back with
/// each error code and the typed values.
#[server(prefix = "/fn", endpoint = "add_target")]
pub async fn add_target(
    place: Option<String>,
    crops: Option<String>,
    area: Option<String>,
    starts_on: Option<String>,
    deadline: Option<String>,
) -> Result<(), ServerFnError> {
    use crate::usecases::planning::AddTargetOutcome;
    use tianlian_domain::targets::NewTargetInput;

    let Ctx { db, caller, .. } = Ctx::get()?;
    let place = place.unwrap_or_default();
    let input = NewTargetInput {
        crops: crops.unwrap_or_default(),
        area: area.unwrap_or_default(),
        starts_on: starts_on.unwrap_or_default(),
        deadline: deadline.unwrap_or_default(),
    };
    let outcome = crate::usecases::planning::add_target(&db, &caller, &place, &input)
        .await
        .map_err(crate::usecases::internal)?;
    let to = match outcome {
        AddTargetOutcome::Added(id) => format!("/targets?added={id}#target-{id}"),
        AddTargetOutcome::Forbidden => "/targets?forbidden=1".to_owned(),
        AddTargetOutcome::Refused(errors) => {
            let codes: Vec<&str> = errors.iter().map(|e| e.code()).collect();
            let pairs = [
                ("e", codes.join(",")),
                ("v_place", place),
                ("v_crops", input.crops),
                ("v_area", input.area),
                ("v_starts_on", input.starts_on),
                ("v_deadline", input.deadline),
            ];
            format!(
                "/targets?{}",
                serde_urlencoded::to_string(pairs).unwrap_or_default()
            )
        }
    };
    leptos_axum::redirect(&to);
    Ok(())
}

/// Deletes a target; redirects back to `/targets`.
#[server(prefix = "/fn", endpoint = "delete_target")]
pub async fn delete_target(id: Option<String>) -> Result<(), ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let id = id.and_then(|i| i.trim().parse::<i64>().ok()).unwrap_or(0);
    let done = crate::usecases::planning::delete_target(&db, &caller, id)
        .await
        .map_err(crate::usecases::internal)?;
    leptos_axum::redirect(match done {
        Some(true) => "/targets?deleted=1",
        Some(false) => "/targets?forbidden=1",
        None => "/targets",
    });
    Ok(())
}
