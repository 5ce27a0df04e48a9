//! Land leases (土地流转): creating them, paying rent, and the lease lists.

use super::*;

/// Signs a land transfer contract: a household's plot (or part of it) to a cooperative the
/// caller manages. The leased area never exceeds the plot's area minus what is leased already.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn create_lease(
    db: &Db,
    caller: &Caller,
    cooperative_id: i64,
    plot_id: i64,
    input: &NewLeaseInput,
) -> Result<WorkOutcome, StorageError> {
    if !can_manage_cooperative(caller.scope, cooperative_id) {
        return Ok(WorkOutcome::Forbidden);
    }
    let coops = cooperatives::list(db).await?;
    let Some(coop) = coops.iter().find(|c| c.id == cooperative_id) else {
        return Ok(WorkOutcome::NotFound);
    };
    let plot = plots::get(db, plot_id).await?;
    let Some((plot, owner)) = plot
        .filter(|p| p.township_id == coop.township_id && !p.retired)
        .and_then(|p| p.owner_household_id.map(|o| (p, o)))
    else {
        return Ok(WorkOutcome::Refused(
            "unknown_plot",
            "找不到该地块，或该地块没有承包户".into(),
            "No such plot, or it has no household".into(),
        ));
    };
    let result = store::create_lease_checked(db, plot.id, owner, coop.id, |area, leased| {
        let lease = lease::validate_lease(input, area, leased)?;
        Ok::<_, Vec<LeaseError>>((lease, lease::payment_schedule(&lease)))
    })
    .await;
    match result {
        Ok(id) => Ok(WorkOutcome::Done(id)),
        Err(store::LeaseWriteError::Rejected(errors)) => {
            let first = errors.first().copied().unwrap_or(LeaseError::BadArea);
            Ok(refused_all(first.code(), &errors, |e, lang| {
                e.message(lang)
            }))
        }
        Err(store::LeaseWriteError::NoPlot) => Ok(WorkOutcome::NotFound),
        Err(store::LeaseWriteError::Storage(e)) => Err(e),
    }
}

/// Marks a lease payment paid (by the cooperative's manager).
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn pay_lease(
    db: &Db,
    caller: &Caller,
    payment_id: i64,
) -> Result<WorkOutcome, StorageError> {
    let own = match caller.scope {
        Scope::Admin => None,
        Scope::Cooperative { cooperative_id, .. } => Some(cooperative_id),
        _ => return Ok(WorkOutcome::Forbidden),
    };
    let today = crate::usecases::forecasting::china_today();
    Ok(if store::pay_lease(db, payment_id, own, today).await? {
        WorkOutcome::Done(payment_id)
    } else {
        WorkOutcome::NotFound
    })
}

/// The leases the caller may see with their payments: admins all, cooperatives their own,
/// agronomists their township's, farmers their household's.
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn lease_list(db: &Db, caller: &Caller) -> Result<Vec<LeaseView>, StorageError> {
    let (c, t, h) = lease_scope(caller);
    let today = crate::usecases::forecasting::china_today();
    let leases = store::leases(db, c, t, h).await?;
    let payments = store::payments(db, c, t, h).await?;
    Ok(leases
        .iter()
        .map(|l| lease_view(l, &payments, today))
        .collect())
}

/// Up to `limit` of the leases [`lease_list`] shows, in id order after `cursor`, with their
/// payments, and the next page's cursor (`None` on the last page).
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn lease_page(
    db: &Db,
    caller: &Caller,
    cursor: Option<i64>,
    limit: i64,
) -> Result<(Vec<LeaseView>, Option<i64>), StorageError> {
    let (c, t, h) = lease_scope(caller);
    let today = crate::usecases::forecasting::china_today();
    let mut leases = store::leases_after(db, c, t, h, cursor, limit + 1).await?;
    let more = leases.len() as i64 > limit;
    leases.truncate(usize::try_from(limit).unwrap_or(0));
    let next = if more {
        leases.last().map(|l| l.id)
    } else {
        None
    };
    let ids: Vec<i64> = leases.iter().map(|l| l.id).collect();
    let payments = store::payments_of(db, &ids).await?;
    Ok((
        leases
            .iter()
            .map(|l| lease_view(l, &payments, today))
            .collect(),
        next,
    ))
}

/// Which leases a caller sees: (cooperative, township, household) to narrow to.
fn lease_scope(caller: &Caller) -> (Option<i64>, Option<i64>, Option<i64>) {
    match cooperative_view(caller.scope) {
        CooperativeView::All => (None, None, None),
        CooperativeView::Own(c) => (Some(c), None, None),
        CooperativeView::Township(t) => (None, Some(t), None),
        CooperativeView::Household(h) => (None, None, Some(h)),
    }
}
