//! The bulk import of plots and plantings from CSV or XLSX: every line checked before any is
//! stored, one transaction, a run that can be read back page by page.

use super::register::fields;
use crate::models::{ImportLine, ImportReport};
use tianlian_domain::access::{Caller, PlotFilter, Scope, plot_filter};
use tianlian_domain::import::{
    self, ImportKind, LineError, PlotLoadRef, PlotRefs, Problem, VillageRef,
};
use tianlian_domain::{Lang, ValidPlanting};
use tianlian_storage::plantings::InsertError;
use tianlian_storage::plots::{PlotFields, WriteError};
use tianlian_storage::{Db, StorageError, crops, households, imports, places, plantings, plots};

/// Which townships' plots the caller may import into; `None` when they may not import.
fn import_filter(scope: Scope) -> Option<PlotFilter> {
    match scope {
        Scope::Admin | Scope::Agronomist { .. } => Some(plot_filter(scope)),
        Scope::Cooperative { .. } | Scope::Farmer { .. } => None,
    }
}

/// Whether the caller may import at all (admins and agronomists).
pub fn may_import(caller: &Caller) -> bool {
    import_filter(caller.scope).is_some()
}

fn lines(errors: &[LineError]) -> Vec<ImportLine> {
    errors
        .iter()
        .map(|e| ImportLine {
            line: e.line,
            code: e.problem.code().to_owned(),
            message_zh: e.problem.message(Lang::Zh),
            message_en: e.problem.message(Lang::En),
        })
        .collect()
}

/// The outcome of checking or storing an import: rows that passed, rows stored, bad lines.
struct Checked {
    rows_ok: usize,
    stored: usize,
    errors: Vec<LineError>,
}

impl Checked {
    fn refused(errors: Vec<LineError>) -> Self {
        Checked {
            rows_ok: 0,
            stored: 0,
            errors,
        }
    }
}

/// A file-level problem on line 1 (e.g. the database changed between check and store).
fn changed_meanwhile() -> LineError {
    LineError {
        line: 1,
        problem: Problem::ChangedMeanwhile,
    }
}

/// The villages an import may name, in the caller's townships.
async fn import_villages(db: &Db, filter: PlotFilter) -> Result<Vec<VillageRef>, StorageError> {
    Ok(places::list_villages(db, filter)
        .await?
        .into_iter()
        .map(|v| VillageRef {
            id: v.id,
            name: v.name,
            township: v.township_name,
        })
        .collect())
}

async fn import_plots(
    db: &Db,
    filter: PlotFilter,
    text: &str,
    dry_run: bool,
) -> Result<Checked, StorageError> {
    let rows = match import::read_rows(text, ImportKind::Plots) {
        Ok(r) => r,
        Err(e) => return Ok(Checked::refused(e)),
    };
    let villages = import_villages(db, filter).await?;
    let existing = plots::codes_in_villages(db, filter).await?;
    let homes = households::codes(db, filter).await?;
    let owners: Vec<(String, i64)> = homes.iter().map(|(c, v, _)| (c.clone(), *v)).collect();
    let refs = PlotRefs {
        villages: &villages,
        existing: &existing,
        households: &owners,
    };
    let records = match import::check_plots(&rows, &refs) {
        Ok(r) => r,
        Err(e) => return Ok(Checked::refused(e)),
    };
    if dry_run {
        return Ok(Checked {
            rows_ok: records.len(),
            stored: 0,
            errors: vec![],
        });
    }
    let to_store: Vec<(i64, PlotFields)> = records
        .iter()
        .map(|r| {
            let owner = r.plot.owner_code.as_ref().and_then(|code| {
                homes
                    .iter()
                    .find(|(c, v, _)| c == code && *v == r.village_id)
                    .map(|(_, _, id)| *id)
            });
            (r.village_id, fields(r.plot.clone(), owner))
        })
        .collect();
    match plots::create_all(db, &to_store).await {
        Ok(ids) => Ok(Checked {
            rows_ok: records.len(),
            stored: ids.len(),
            errors: vec![],
        }),
        Err(WriteError::Storage(e)) => Err(e),
        Err(_) => Ok(Checked::refused(vec![changed_meanwhile()])),
    }
}

async fn import_plantings(
    db: &Db,
    filter: PlotFilter,
    text: &str,
    dry_run: bool,
) -> Result<Checked, StorageError> {
    let rows = match import::read_rows(text, ImportKind::Plantings) {
        Ok(r) => r,
        Err(e) => return Ok(Checked::refused(e)),
    };
    let villages = import_villages(db, filter).await?;
    let crops = crops::list(db).await?;
    // Plots in use of the caller's villages; the rows' plots are then locked and read again.
    let in_use = plots::list_active(db, filter, None).await?;
    let named: Vec<PlotLoadRef> = in_use
        .iter()
        .map(|p| PlotLoadRef {
            id: p.id,
            village_id: p.village_id,
            code: p.code.clone(),
            area: p.area,
            held: vec![],
        })
        .collect();
    // First pass without loads, to learn which plots the rows name.
    let wanted: Vec<i64> = rows
        .iter()
        .flat_map(|row| {
            let villages = &villages;
            let (village, township) = (row.get("village"), row.get("township"));
            named.iter().filter(move |p| {
                p.code == row.get("plot")
                    && villages.iter().any(|v| {
                        v.id == p.village_id
                            && v.name == village
                            && (township.is_empty() || v.township == township)
                    })
            })
        })
        .map(|p| p.id)
        .collect();
    let result = plantings::insert_all_checked(db, &wanted, |locked| {
        let loads: Vec<PlotLoadRef> = named
            .iter()
            .filter_map(|p| {
                let l = locked.iter().find(|l| l.id == p.id && !l.retired)?;
                Some(PlotLoadRef {
                    area: l.area,
                    held: l.held.clone(),
                    ..p.clone()
                })
            })
            .collect();
        let records =
            import::check_plantings(&rows, &villages, &loads, &crops).map_err(Checked::refused)?;
        if dry_run {
            // Refuse on purpose so that the transaction is rolled back with nothing stored.
            return Err(Checked {
                rows_ok: records.len(),
                stored: 0,
                errors: vec![],
            });
        }
        Ok(records
            .into_iter()
            .map(|r| (r.plot_id, r.planting))
            .collect::<Vec<(i64, ValidPlanting)>>())
    })
    .await;
    match result {
        Ok(ids) => Ok(Checked {
            rows_ok: ids.len(),
            stored: ids.len(),
            errors: vec![],
        }),
        Err(InsertError::Rejected(checked)) => Ok(checked),
        Err(InsertError::PlotNotFound | InsertError::PlotRetired) => {
            Ok(Checked::refused(vec![changed_meanwhile()]))
        }
        Err(InsertError::Storage(e)) => Err(e),
    }
}

/// Checks (dry run) or imports a CSV of plots or plantings, all rows or none, and records the
/// run. `None` when the caller may not import.
///
/// # Errors
/// Storage failures only; bad rows are in the report.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn run_import(
    db: &Db,
    caller: &Caller,
    kind: ImportKind,
    text: &str,
    dry_run: bool,
) -> Result<Option<ImportReport>, crate::usecases::onboard::OnboardError> {
    let Some(filter) = import_filter(caller.scope) else {
        return Ok(None);
    };
    let (checked, slips) = match kind {
        ImportKind::Plots => (import_plots(db, filter, text, dry_run).await?, Vec::new()),
        ImportKind::Plantings => (
            import_plantings(db, filter, text, dry_run).await?,
            Vec::new(),
        ),
        ImportKind::Households => {
            let r = crate::usecases::onboard::import_households(db, caller, filter, text, dry_run)
                .await?;
            let checked = Checked {
                rows_ok: r.rows_ok,
                stored: r.stored,
                errors: r.errors,
            };
            (checked, r.slips)
        }
    };
    let errors = lines(&checked.errors);
    let errors_json = serde_json::to_string(&errors).unwrap_or_else(|_| "[]".into());
    let id = imports::record(
        db,
        &imports::NewRun {
            account_id: caller.account_id,
            kind: kind.code(),
            dry_run,
            csv_text: text,
            rows_ok: i64::try_from(checked.rows_ok).unwrap_or(i64::MAX),
            stored: i64::try_from(checked.stored).unwrap_or(i64::MAX),
            errors_json: &errors_json,
        },
    )
    .await?;
    if checked.stored > 0 {
        tracing::info!(
            account_id = caller.account_id,
            kind = kind.code(),
            stored = checked.stored,
            run = id,
            "import stored"
        );
    }
    Ok(Some(ImportReport {
        id,
        kind: kind.code().to_owned(),
        dry_run,
        rows_ok: checked.rows_ok,
        stored: checked.stored,
        errors,
        created_at: chrono::Utc::now(),
        slips,
    }))
}

/// One of the caller's own import runs, with its text (to confirm a dry run).
///
/// # Errors
/// Storage failures.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn own_run(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<Option<(ImportReport, String)>, StorageError> {
    let Some(r) = imports::get_own(db, id, caller.account_id).await? else {
        return Ok(None);
    };
    let errors: Vec<ImportLine> = serde_json::from_str(&r.errors_json).unwrap_or_default();
    Ok(Some((
        ImportReport {
            id: r.id,
            kind: r.kind,
            dry_run: r.dry_run,
            rows_ok: usize::try_from(r.rows_ok).unwrap_or(0),
            stored: usize::try_from(r.stored).unwrap_or(0),
            errors,
            created_at: r.created_at,
            slips: Vec::new(),
        },
        r.csv_text,
    )))
}
