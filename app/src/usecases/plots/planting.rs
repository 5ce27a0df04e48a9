//! Adding a planting to a plot and moving it on through its statuses.

use super::{place, planter_by};
use tianlian_domain::access::{Caller, can_view_plot, can_work_planting, planter_of};
use tianlian_domain::lease::Planter;
use tianlian_domain::planting::validate_new_planting;
use tianlian_domain::status::{StatusChangeError, validate_status_change};
use tianlian_domain::{NewPlantingInput, PlantingError};
use tianlian_storage::audit::AuditEntry;
use tianlian_storage::plantings::InsertError;
use tianlian_storage::{Db, StorageError, crops, plantings, plots};

/// What became of a planting submitted from the form or the API.
#[derive(Debug, Clone, PartialEq)]
pub enum AddPlantingOutcome {
    Added(i64),
    Refused(Vec<PlantingError>),
    /// Missing, or outside what the caller may see.
    PlotNotFound,
    /// Visible to the caller, who may not plan on it.
    Forbidden,
    PlotRetired,
}

/// Checks the typed planting against the domain rules and the plot's load, and stores it if
/// it passes — atomically, so concurrent requests can't over-fill the plot.
///
/// # Errors
/// Storage failures only; every refusal is an [`AddPlantingOutcome`].
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn add_planting_from_form(
    db: &Db,
    caller: &Caller,
    plot_id: i64,
    input: &NewPlantingInput,
) -> Result<AddPlantingOutcome, StorageError> {
    use tianlian_domain::lease::planting_room;
    use tianlian_domain::planting::parse_date;
    let Some(plot) = plots::get(db, plot_id)
        .await?
        .filter(|p| can_view_plot(caller.scope, place(p)))
    else {
        return Ok(AddPlantingOutcome::PlotNotFound);
    };
    // A cooperative plants on land it leases (土地流转) on the planting's day; everyone else
    // plants for the household. A date that does not parse is the form's error, not a refusal.
    let planter = planter_of(caller.scope);
    let leases = tianlian_storage::alliance::lease_terms_of_plot(db, plot_id).await?;
    let on = parse_date(&input.planted_on)
        .unwrap_or_else(|_| crate::usecases::forecasting::china_today());
    if !can_work_planting(caller.scope, place(&plot), planter, &leases, on) {
        return Ok(AddPlantingOutcome::Forbidden);
    }
    let crops = crops::list(db).await?;
    let cooperative_id = match planter {
        Planter::Cooperative(c) => Some(c),
        Planter::Household => None,
    };
    let result = plantings::insert_checked_by(db, plot_id, None, cooperative_id, |load| {
        // The plot's own rule, then the planter's share of it (leased land is the
        // cooperative's to plant for the lease's term, and no longer the household's).
        let whole = validate_new_planting(input, &crops, load.area, &load.held)?;
        let on = parse_date(&input.planted_on).unwrap_or(whole.planted_on);
        let (room, held) = planting_room(load.area, &load.uses, &load.leases, planter, on);
        validate_new_planting(input, &crops, room, &held)
    })
    .await;
    Ok(match result {
        Ok(id) => {
            tracing::info!(
                plot_id,
                planting_id = id,
                account_id = caller.account_id,
                "planting added"
            );
            AddPlantingOutcome::Added(id)
        }
        Err(InsertError::Rejected(errors)) => AddPlantingOutcome::Refused(errors),
        Err(InsertError::PlotNotFound) => AddPlantingOutcome::PlotNotFound,
        Err(InsertError::PlotRetired) => AddPlantingOutcome::PlotRetired,
        Err(InsertError::Storage(e)) => return Err(e),
    })
}

/// The query string that carries a refused form back to its page: the typed values (`v_…`)
/// and each field's error code (`e_…`), plus what was left of the plot when that was the reason.
pub fn form_error_query(input: &NewPlantingInput, errors: &[PlantingError]) -> String {
    let mut pairs: Vec<(String, String)> = vec![
        ("v_crop".into(), input.crop.clone()),
        ("v_area".into(), input.area.clone()),
        ("v_planted_on".into(), input.planted_on.clone()),
        ("v_status".into(), input.status.clone()),
    ];
    for e in errors {
        pairs.push((format!("e_{}", e.field().code()), e.code().to_owned()));
        if let PlantingError::AreaExceedsRemaining { remaining } = e {
            pairs.push(("remaining".into(), remaining.centi().to_string()));
        }
    }
    serde_urlencoded::to_string(&pairs).unwrap_or_default()
}

/// What became of a status change.
#[derive(Debug, Clone, PartialEq)]
pub enum StatusOutcome {
    Changed {
        plot_id: i64,
    },
    Refused {
        plot_id: i64,
        error: StatusChangeError,
    },
    /// Someone else changed it first.
    Conflict {
        plot_id: i64,
    },
    NotFound,
    Forbidden {
        plot_id: i64,
    },
}

/// Moves a planting on (planned → planted → harvesting → done, or failed) after the access rule
/// of its plot and the domain's check; audited.
///
/// # Errors
/// Storage failures only.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn change_status(
    db: &Db,
    caller: &Caller,
    planting_id: i64,
    to: &str,
    on: &str,
    reason: &str,
) -> Result<StatusOutcome, StorageError> {
    let Some(planting) = plantings::get(db, planting_id).await? else {
        return Ok(StatusOutcome::NotFound);
    };
    let plot_id = planting.plot_id;
    let Some(plot) = plots::get(db, plot_id)
        .await?
        .filter(|p| can_view_plot(caller.scope, place(p)))
    else {
        return Ok(StatusOutcome::NotFound);
    };
    // Who may change it is asked for the day the change is made (as the plot page asks), not
    // the day the request names: a lease that has ended cannot be reached by backdating.
    let leases = tianlian_storage::alliance::lease_terms_of_plot(db, plot_id).await?;
    let day = crate::usecases::forecasting::china_today();
    if !can_work_planting(
        caller.scope,
        place(&plot),
        planter_by(planting.cooperative_id),
        &leases,
        day,
    ) {
        return Ok(StatusOutcome::Forbidden { plot_id });
    }
    let change = match validate_status_change(planting.status, planting.planted_on, to, on, reason)
    {
        Ok(change) => change,
        Err(error) => return Ok(StatusOutcome::Refused { plot_id, error }),
    };
    let entry = AuditEntry::new(Some(caller.account_id), "status", "planting")
        .before(serde_json::json!({ "status": planting.status.code() }))
        .after(serde_json::json!({ "status": change.to.code(), "on": change.on }));
    if !plantings::set_status(db, planting_id, planting.status, &change, &entry).await? {
        return Ok(StatusOutcome::Conflict { plot_id });
    }
    Ok(StatusOutcome::Changed { plot_id })
}
