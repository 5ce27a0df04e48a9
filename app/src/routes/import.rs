//! `/import`: paste CSV (or cells copied from a spreadsheet) of plots or plantings, check it
//! (dry run: every bad line with its number and reason), then import all rows or none.
//! `?run=ID` shows a run's report; a clean dry run offers "import these rows" without pasting again.
//! Households (a county registry export, CSV or XLSX uploaded as a file) are always checked
//! first; their import answers with the printable sign-in slips of the accounts it creates.

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
    let bad_file = query.read_untracked().get("bad_file").is_some();
    view! {
        <h1>"批量导入"</h1>
        {bad_file.then(|| view! {
            <p class="notice error" role="alert">"文件无法读取：请上传 UTF-8 编码的 CSV 或 .xlsx 工作簿。"</p>
        })}
        <Transition fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok((true, report)) => view! {
                        {report.map(|r| view! { <Report report=r confirm /> })}
                        <ImportForm run kind=query.get_untracked().get("kind").unwrap_or_default() />
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
fn KindSelect(id: &'static str, kind: String) -> impl IntoView {
    view! {
        <select id=id name="kind">
            <option value="plots" selected=kind == "plots">"地块"</option>
            <option value="plantings" selected=kind == "plantings">"种植"</option>
            <option value="households" selected=kind == "households">"农户、成员和账号"</option>
        </select>
    }
}

#[component]
fn ImportForm(run: ServerAction<RunImport>, kind: String) -> impl IntoView {
    view! {
        <section class="card">
            <h2>"上传文件"</h2>
            <form method="post" action="/import/upload" enctype="multipart/form-data" class="import-form">
                <div class="field">
                    <label for="upload-kind">"文件内容"</label>
                    <KindSelect id="upload-kind" kind=kind.clone() />
                </div>
                <div class="field">
                    <label for="upload-file">"CSV 或 Excel（.xlsx，读取第一个工作表）"</label>
                    <input id="upload-file" type="file" name="file" required
                        accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" />
                </div>
                <div class="actions">
                    <button type="submit">"检查（不保存）"</button>
                </div>
            </form>
        </section>
        <section class="card">
            <h2>"或粘贴内容"</h2>
            <ActionForm action=run attr:class="import-form">
                <div class="field">
                    <label for="import-kind">"导入内容"</label>
                    <KindSelect id="import-kind" kind=kind />
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
                <dt>"农户"</dt><dd><code>{ImportKind::Households.template_header()}</code></dd>
            </dl>
            <p class="muted">"农户：每位家庭成员一行，同一户编号的各行为一户；户主本人一行的手机号为户的手机号。“开通账号”填“是”的户会开通农户账号，导入后打印登录条（一次性密码只显示一次）。贫困户填“是/否/已脱贫”及识别、脱贫年度。农户每次都先检查，再确认导入。"</p>
            <p class="muted">"“乡镇”列在各乡镇村名重复时才需要。作物可写名称（莴笋）或代码（celtuce），状态可写“计划”“已种”等。全部行通过检查才会导入，否则一行也不保存。"</p>
        </section>
    }
}

#[component]
fn Report(report: ImportReport, confirm: ServerAction<ConfirmImport>) -> impl IntoView {
    let what = match report.kind.as_str() {
        "plots" => "地块",
        "households" => "",
        _ => "种植",
    };
    let households = report.kind == "households";
    let unit = if households { "户" } else { "行" };
    let ok = report.errors.is_empty();
    let summary = match (ok, report.dry_run) {
        (true, true) => format!(
            "检查通过：{} {unit}{what}可以导入，尚未保存。",
            report.rows_ok
        ),
        (true, false) => format!("已导入 {} {unit}{what}。", report.stored),
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
            {(ok && report.dry_run && report.rows_ok > 0 && !households).then(|| view! {
                <ActionForm action=confirm>
                    <input type="hidden" name="run" value=id.to_string() />
                    <button type="submit">{format!("导入这 {} 行", report.rows_ok)}</button>
                </ActionForm>
            })}
            {(ok && report.dry_run && report.rows_ok > 0 && households).then(|| view! {
                <form method="post" action=format!("/import/{id}/slips")>
                    <button type="submit">{format!("导入这 {} 户并打印登录条", report.rows_ok)}</button>
                </form>
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
