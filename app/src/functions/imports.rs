//! Bulk import from the /import page: check (dry run) or import a pasted CSV, confirm a
//! checked run, and read a run's report. Each redirects to `/import?run=ID` so the report
//! shows the same with and without wasm.

use crate::models::ImportReport;
#[cfg(feature = "ssr")]
use crate::usecases::Ctx;
use leptos::prelude::*;
use leptos::server_fn::ServerFnError;

/// Checks or imports the pasted text; `dry_run` is `"1"` for a check.
#[server(prefix = "/fn", endpoint = "run_import")]
pub async fn run_import(
    kind: Option<String>,
    csv: Option<String>,
    dry_run: Option<String>,
) -> Result<(), ServerFnError> {
    use tianlian_domain::import::ImportKind;
    let Ctx { db, caller, .. } = Ctx::get()?;
    let Some(kind) = kind.as_deref().and_then(ImportKind::parse) else {
        leptos_axum::redirect("/import?bad_kind=1");
        return Ok(());
    };
    let dry = dry_run.as_deref().map(str::trim) == Some("1");
    // Households are always checked first: their accounts' one-time passwords are shown only
    // in the answer to the confirmation (`/import/{run}/slips`), never after a redirect.
    let dry = dry || kind == ImportKind::Households;
    let report =
        crate::usecases::plots::run_import(&db, &caller, kind, &csv.unwrap_or_default(), dry)
            .await
            .map_err(crate::usecases::failed)?;
    match report {
        Some(r) => leptos_axum::redirect(&format!("/import?run={}", r.id)),
        None => leptos_axum::redirect("/import?forbidden=1"),
    }
    Ok(())
}

/// Imports the text of an earlier dry run (the caller's own), checked again now.
#[server(prefix = "/fn", endpoint = "confirm_import")]
pub async fn confirm_import(run: Option<String>) -> Result<(), ServerFnError> {
    use tianlian_domain::import::ImportKind;
    let Ctx { db, caller, .. } = Ctx::get()?;
    let id = run.and_then(|r| r.trim().parse::<i64>().ok()).unwrap_or(0);
    let Some((earlier, text)) = crate::usecases::plots::own_run(&db, &caller, id)
        .await
        .map_err(crate::usecases::internal)?
    else {
        leptos_axum::redirect("/import?missing=1");
        return Ok(());
    };
    let kind = ImportKind::parse(&earlier.kind).unwrap_or(ImportKind::Plots);
    if kind == ImportKind::Households {
        // Confirmed by `/import/{run}/slips`, which answers with the printable slips.
        leptos_axum::redirect(&format!("/import?run={id}"));
        return Ok(());
    }
    let report = crate::usecases::plots::run_import(&db, &caller, kind, &text, false)
        .await
        .map_err(crate::usecases::failed)?;
    match report {
        Some(r) => leptos_axum::redirect(&format!("/import?run={}", r.id)),
        None => leptos_axum::redirect("/import?forbidden=1"),
    }
    Ok(())
}

/// The import page's data: whether the caller may import, and a run's report if asked for.
#[server(prefix = "/fn", endpoint = "import_page")]
pub async fn import_page(run: Option<i64>) -> Result<(bool, Option<ImportReport>), ServerFnError> {
    let Ctx { db, caller, .. } = Ctx::get()?;
    let may = crate::usecases::plots::may_import(&caller);
    let report = match run {
        Some(id) => crate::usecases::plots::own_run(&db, &caller, id)
            .await
            .map_err(crate::usecases::internal)?
            .map(|(r, _)| r),
        None => None,
    };
    Ok((may, report))
}
