//! `/coop/:coop/days/:day`: the cooperative's 日结单 for one day — every worker of every shift,
//! regular and overtime hours, amount, paid so far and a column to sign. On screen it pages;
//! `?print=1` is the whole sheet laid out for A4 portrait. CSV and XLSX download from the API.
//! "Settle the day" pays every worker of the day at once.

use crate::components::layout::NotFound;
use crate::components::load::server_data;
use crate::components::notice::Notice;
use crate::components::pager::Pager;
use crate::functions::fieldday::{SettleCoopDay, load_day_sheet};
use crate::models::DaySheetData;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use tianlian_domain::Fen;

const OK: &[(&str, &str)] = &[("settled", "当天工资已全部结清。")];

#[component]
pub fn DaySheetPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let p = params.read();
        let q = query.read();
        let coop = p.get("coop").and_then(|s| s.parse::<i64>().ok());
        let day = p.get("day").unwrap_or_default();
        let page = if q.get("print").is_some() {
            0
        } else {
            q.get("page")
                .and_then(|s| s.parse::<usize>().ok())
                .unwrap_or(1)
                .max(1)
        };
        (coop, day, page, q.get("ok"))
    };
    let data = server_data(key, |(coop, day, page, _)| async move {
        match coop {
            Some(coop) => load_day_sheet(coop, day, page).await,
            None => Ok(None),
        }
    });
    view! {
        <Transition fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok(Some(d)) => view! {
                        <Notice query=query.get_untracked() ok=OK />
                        <Sheet data=d />
                    }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(_) => view! { <p class="notice error" role="alert">"日结单暂时无法加载，请稍后再试。"</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Sheet(data: DaySheetData) -> impl IntoView {
    let settle = ServerAction::<SettleCoopDay>::new();
    let base = format!("/coop/{}/days/{}", data.cooperative_id, data.day);
    let files = format!(
        "/api/v1/cooperatives/{}/days/{}",
        data.cooperative_id, data.day
    );
    let print = data.page == 0;
    let first = if print {
        0
    } else {
        (data.page - 1) * crate::models::DAY_SHEET_PAGE
    };
    let pager_base = base.clone();
    view! {
        <div class={if print { "day-sheet printable" } else { "day-sheet" }}>
            <p class="no-print"><a href=format!("/coop?coop={}", data.cooperative_id)>"← " {data.cooperative.clone()}</a></p>
            <h1>{format!("日结单 · {} · {}", data.cooperative, data.day)}</h1>
            <p class="sheet-total">
                {format!("{} 人（缺勤 {}）· 正常 {} 小时 · 加班 {} 小时 · 合计 ", data.workers, data.absent, data.regular_hours, data.overtime_hours)}
                <strong>{data.total.to_string()}</strong>
                " · 已付 " {data.paid.to_string()} " · 未付 " <strong>{data.unpaid.to_string()}</strong>
            </p>
            <p class="actions no-print">
                {(!print).then(|| view! { <a class="button secondary" href=format!("{base}?print=1")>"打印（A4）"</a> })}
                <a class="button secondary" href=format!("{files}/sheet.csv") download>"CSV"</a>
                <a class="button secondary" href=format!("{files}/sheet.xlsx") download>"XLSX"</a>
            </p>
            {(data.can_manage && data.unpaid > Fen::ZERO).then(|| view! {
                <ActionForm action=settle attr:class="no-print">
                    <input type="hidden" name="cooperative_id" value=data.cooperative_id.to_string() />
                    <input type="hidden" name="day" value=data.day.clone() />
                    <button type="submit">{format!("结清当天：支付 {}", data.unpaid)}</button>
                </ActionForm>
            })}
            {if data.lines.is_empty() {
                view! { <p class="empty">"这一天没有安排人员。"</p> }.into_any()
            } else {
                view! {
                    <table class="sheet">
                        <thead>
                            <tr>
                                <th>"序号"</th><th>"姓名"</th><th>"户号"</th><th>"农事"</th>
                                <th>"正常工时"</th><th>"加班工时"</th><th>"金额"</th><th>"已付"</th><th class="sign">"签名"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {data.lines.into_iter().enumerate().map(|(i, l)| view! {
                                <tr>
                                    <td>{first + i + 1}</td>
                                    <td>{l.name}{l.is_poor.then_some(" (贫)")}</td>
                                    <td>{l.household_code}</td>
                                    <td>{l.task_zh}</td>
                                    <td>{if l.absent { "缺勤".to_owned() } else { l.regular_hours }}</td>
                                    <td>{l.overtime_hours}</td>
                                    <td class="money">{l.amount.to_string()}</td>
                                    <td class="money">{l.paid.to_string()}</td>
                                    <td class="sign"></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    {(!print).then(|| view! {
                        <Pager page=data.page pages=data.pages href=move |p| format!("{pager_base}?page={p}") />
                    })}
                }.into_any()
            }}
            <p class="print-only">"制表人：________　　负责人：________　　日期：________"</p>
        </div>
    }
}
