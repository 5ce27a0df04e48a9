//! `/import`: paste CSV (or cells copied from a spreadsheet) of plots or plantings, check it
//! (dry run: every bad line with its number and reason), then import all rows or none.
//! `?run=ID` shows a run's report; a clean dry run offers "import these rows" without pasting again.

use crate::components::load::server_data;
use crate::functions::imports::{ConfirmImport, RunImport, import_page};
use crate::models::ImportReport;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use tianlian_domain::import::ImportKind;

#[component]
pub fn ImportPage() -> impl IntoView {
    let query = use_query_map();
    let run = ServerAction::<RunImport>::new();
    let confirm = ServerAction::<ConfirmImport>::new();
    let data = server_data(
        move || query.read().get("run").and_then(|r| r.parse::<i64>().ok()),
        import_page,
    );
    view! {
        <h1>"批量导入"</h1>
        <Transition fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok((true, report)) => view! {
                        {report.map(|r| view! { <Report report=r confirm /> })}
                        <ImportForm run />
                    }.into_any(),
                    Ok((false, _)) => view! {
                        <p class="notice error" role="alert">"只有乡镇农技员和管理员可以导入地块和种植。"</p>
                    }.into_any(),
                    Err(_) => view! {
                        <p class="notice error" role="alert">"页面暂时无法加载，请稍后再试。"</p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ImportForm(run: ServerAction<RunImport>) -> impl IntoView {
    view! {
        <section class="card">
            <ActionForm action=run attr:class="import-form">
                <div class="field">
                    <label for="import-kind">"导入内容"</label>
                    <select id="import-kind" name="kind">
                        <option value="plots">"地块"</option>
                        <option value="plantings">"种植"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="import-csv">"CSV 内容（可直接粘贴表格中复制的单元格）"</label>
                    <textarea id="import-csv" name="csv" rows="10" spellcheck="false"></textarea>
                </div>
                <div class="actions">
                    <button type="submit" name="dry_run" value="1">"检查（不保存）"</button>
                    <button type="submit" name="dry_run" value="0" class="secondary">"直接导入"</button>
                </div>
            </ActionForm>
            <h2>"表头"</h2>
            <p>"第一行为表头，列的顺序不限，多余的列会被忽略；也接受导出文件的表头。"</p>
            <dl class="templates">
                <dt>"地块"</dt><dd><code>{ImportKind::Plots.template_header()}</code></dd>
                <dt>"种植"</dt><dd><code>{ImportKind::Plantings.template_header()}</code></dd>
            </dl>
            <p class="muted">"“乡镇”列在各乡镇村名重复时才需要。作物可写名称（莴笋）或代码（celtuce），状态可写“计划”“已种”等。全部行通过检查才会导入，否则一行也不保存。"</p>
        </section>
    }
}

#[component]
fn Report(report: ImportReport, confirm: ServerAction<ConfirmImport>) -> impl IntoView {
    let what = if report.kind == "plots" {
        "地块"
    } else {
        "种植"
    };
    let ok = report.errors.is_empty();
    let summary = match (ok, report.dry_run) {
        (true, true) => format!("检查通过：{} 行{what}可以导入，尚未保存。", report.rows_ok),
        (true, false) => format!("已导入 {} 行{what}。", report.stored),
        (false, _) => format!(
            "有 {} 处问题，没有保存任何一行。请修改后重新检查。",
            report.errors.len()
        ),
    };
    let class = if ok { "notice ok" } else { "notice error" };
    let role = if ok { "status" } else { "alert" };
    let id = report.id;
    view! {
        <section class="card import-report">
            <p class=class role=role>{summary}</p>
            {(ok && report.dry_run && report.rows_ok > 0).then(|| view! {
                <ActionForm action=confirm>
                    <input type="hidden" name="run" value=id.to_string() />
                    <button type="submit">{format!("导入这 {} 行", report.rows_ok)}</button>
                </ActionForm>
            })}
            {(!ok).then(|| view! {
                <table class="import-errors">
                    <thead><tr><th>"行号"</th><th>"问题"</th></tr></thead>
                    <tbody>
                        {report.errors.into_iter().map(|e| view! {
                            <tr><td>{e.line}</td><td>{e.message_zh}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}
