//! The plot register: add, edit and retire plots. Each use case checks who is asking, runs the
//! domain rule and calls storage; the rules that depend on other rows, and the audit entry, run
//! inside storage's transaction.

use tianlian_domain::access::{Caller, can_manage_plots};
use tianlian_domain::plot::{
    PlotError, PlotInput, RetireError, ValidPlot, check_retire, validate_plot,
};
use tianlian_storage::audit::AuditEntry;
use tianlian_storage::plots::{PlotFields, WriteError};
use tianlian_storage::{Db, StorageError, households, places, plots};

/// What became of a plot form or API call.
#[derive(Debug, Clone, PartialEq)]
pub enum PlotOutcome {
    Saved(i64),
    Refused(Vec<PlotError>),
    /// Missing, or outside what the caller may see.
    NotFound,
    /// Visible, but not the caller's to manage.
    Forbidden,
    NotRetired(RetireError),
}

pub(super) fn fields(p: ValidPlot, owner_household_id: Option<i64>) -> PlotFields {
    PlotFields {
        code: p.code,
        area: p.area,
        owner_household_id,
        irrigation: p.irrigation.code().to_owned(),
        notes: p.notes,
    }
}

/// Finds the typed owner among the village's households.
async fn owner_id(
    db: &Db,
    plot: &ValidPlot,
    village_id: i64,
) -> Result<Result<Option<i64>, PlotError>, StorageError> {
    Ok(match &plot.owner_code {
        None => Ok(None),
        Some(code) => households::id_in_village(db, code, village_id)
            .await?
            .map(Some)
            .ok_or(PlotError::UnknownOwner),
    })
}

/// The audit entry of a change to a plot by `caller`.
fn entry<'a>(caller: &Caller, action: &'a str, after: serde_json::Value) -> AuditEntry<'a> {
    AuditEntry::new(Some(caller.account_id), action, "plot").after(after)
}

/// Adds a plot to a village the caller manages.
///
/// # Errors
/// Storage failures only; refusals are outcomes.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn create_plot(
    db: &Db,
    caller: &Caller,
    village_id: i64,
    input: &PlotInput,
) -> Result<PlotOutcome, StorageError> {
    let village = places::get_village(db, village_id).await?;
    let Some(village) = village.filter(|v| can_manage_plots(caller.scope, v.township_id)) else {
        return Ok(PlotOutcome::Refused(vec![PlotError::UnknownVillage]));
    };
    let plot = match validate_plot(input, &[]) {
        Ok(p) => p,
        Err(errors) => return Ok(PlotOutcome::Refused(errors)),
    };
    let owner = match owner_id(db, &plot, village.id).await? {
        Ok(o) => o,
        Err(e) => return Ok(PlotOutcome::Refused(vec![e])),
    };
    let f = fields(plot, owner);
    let after = serde_json::json!({
        "code": f.code,
        "area_centi_mu": f.area.centi(),
        "village_id": village.id,
    });
    match plots::create(db, village.id, &f, &entry(caller, "plot.create", after)).await {
        Ok(id) => Ok(PlotOutcome::Saved(id)),
        Err(WriteError::CodeTaken) => Ok(PlotOutcome::Refused(vec![PlotError::CodeTaken])),
        Err(WriteError::Storage(e)) => Err(e),
        Err(WriteError::NotFound | WriteError::Rejected(_)) => Ok(PlotOutcome::NotFound),
    }
}

/// Where a plot is, if the caller may see it at all: `Err` is the outcome to return.
async fn visible_plot(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<Result<plots::PlotRow, PlotOutcome>, StorageError> {
    let plot = plots::get(db, id).await?;
    let place = |p: &plots::PlotRow| tianlian_domain::access::PlotPlace {
        township_id: p.township_id,
        owner_household_id: p.owner_household_id,
    };
    Ok(match plot {
        Some(p) if !tianlian_domain::access::can_view_plot(caller.scope, place(&p)) => {
            Err(PlotOutcome::NotFound)
        }
        Some(p) if !can_manage_plots(caller.scope, p.township_id) => Err(PlotOutcome::Forbidden),
        Some(p) => Ok(p),
        None => Err(PlotOutcome::NotFound),
    })
}

/// Changes a plot's code, area, owner, irrigation and notes. The area may not fall below what
/// its plantings hold in their busiest season (checked with the plot locked).
///
/// # Errors
/// Storage failures only.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn edit_plot(
    db: &Db,
    caller: &Caller,
    id: i64,
    input: &PlotInput,
) -> Result<PlotOutcome, StorageError> {
    let plot = match visible_plot(db, caller, id).await? {
        Ok(p) => p,
        Err(outcome) => return Ok(outcome),
    };
    // Check the fields before locking, so the owner lookup can report with the other errors.
    let owner = match validate_plot(input, &[]) {
        Ok(valid) => match owner_id(db, &valid, plot.village_id).await? {
            Ok(o) => o,
            Err(e) => return Ok(PlotOutcome::Refused(vec![e])),
        },
        Err(errors) => return Ok(PlotOutcome::Refused(errors)),
    };
    let after = serde_json::json!({ "code": input.code.trim(), "area": input.area.trim() });
    let result = plots::update_checked(
        db,
        id,
        |load| validate_plot(input, &load.held).map(|p| fields(p, owner)),
        &entry(caller, "plot.edit", after),
    )
    .await;
    match result {
        Ok(()) => Ok(PlotOutcome::Saved(id)),
        Err(WriteError::Rejected(errors)) => Ok(PlotOutcome::Refused(errors)),
        Err(WriteError::CodeTaken) => Ok(PlotOutcome::Refused(vec![PlotError::CodeTaken])),
        Err(WriteError::NotFound) => Ok(PlotOutcome::NotFound),
        Err(WriteError::Storage(e)) => Err(e),
    }
}

/// Retires a plot whose plantings are all finished or failed; it and its history stay.
///
/// # Errors
/// Storage failures only.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn retire_plot(
    db: &Db,
    caller: &Caller,
    id: i64,
    today: chrono::NaiveDate,
) -> Result<PlotOutcome, StorageError> {
    if let Err(outcome) = visible_plot(db, caller, id).await? {
        return Ok(outcome);
    }
    let after = serde_json::json!({ "retired_on": today });
    match plots::retire_checked(
        db,
        id,
        today,
        check_retire,
        &entry(caller, "plot.retire", after),
    )
    .await
    {
        Ok(()) => Ok(PlotOutcome::Saved(id)),
        Err(WriteError::Rejected(e)) => Ok(PlotOutcome::NotRetired(e)),
        Err(WriteError::NotFound | WriteError::CodeTaken) => Ok(PlotOutcome::NotFound),
        Err(WriteError::Storage(e)) => Err(e),
    }
}
