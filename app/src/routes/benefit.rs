//! `/benefit`: the season's benefit report (联农带农) — per household lease fees, wages and
//! dividends; poor households against the income line per person; totals per cooperative.
//! The households come a page of `BENEFIT_LINES_PER_PAGE` at a time, searched by household
//! code or name and narrowed to poor households (`?q=&poor=1&page=`); the totals are the whole
//! report's.

use crate::components::load::server_data;
use crate::components::pager::Pager;
use crate::functions::alliance::benefit_page;
use crate::models::BenefitData;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn BenefitPage() -> impl IntoView {
    let query = use_query_map();
    let data = server_data(
        move || {
            let q = query.read();
            let page = q.get_str("page").and_then(|p| p.parse().ok()).unwrap_or(1);
            (
                q.get("day"),
                q.get("q"),
                q.get_str("poor") == Some("1"),
                page,
            )
        },
        |(day, q, poor, page)| benefit_page(day, q, poor, page),
    );
    view! {
        <h1>"联农带农效益"</h1>
        <p class="downloads">"导出："
            <a href="/api/v1/export/benefit.xlsx" download>"XLSX"</a>
            <a href="/api/v1/export/benefit.csv" download>"CSV"</a>
        </p>
        <Transition fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok(Some(d)) => {
                        let (q, poor) = {
                            let map = query.read_untracked();
                            (map.get("q").unwrap_or_default(), map.get_str("poor") == Some("1"))
                        };
                        view! { <Report d q poor /> }.into_any()
                    }
                    Ok(None) => view! { <p class="empty">"农户请看“我的收入”。"</p> }.into_any(),
                    Err(_) => view! { <p class="notice error" role="alert">"暂时无法加载，请稍后再试。"</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// `/benefit?…` for a search on `page`.
fn href(q: &str, poor: bool, page: usize) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if !q.is_empty() {
        pairs.push(("q", q.to_owned()));
    }
    if poor {
        pairs.push(("poor", "1".into()));
    }
    pairs.push(("page", page.to_string()));
    format!(
        "/benefit?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

#[component]
fn Report(d: BenefitData, q: String, poor: bool) -> impl IntoView {
    let pager = {
        let q = q.clone();
        view! { <Pager page=d.page pages=d.pages href=move |p| href(&q, poor, p) /> }
    };
    let line = d.income_line.map_or_else(
        || "未设置（管理员可在 API 中设置）".to_owned(),
        |l| format!("{l}/人/年"),
    );
    view! {
        <p class="muted">{format!("{} 季（{} 至 {}）· 收入线 {line}", d.season, d.from, d.until)}</p>
        <section class="card totals">
            <p>"支付给农户合计 " <strong>{d.total.to_string()}</strong> " · 其中贫困户 " <strong>{d.total_to_poor.to_string()}</strong></p>
            <p>{format!("贫困户 {} 户", d.poor_households)}
               {d.income_line.map(|_| format!("，人均收入达到收入线 {} 户", d.poor_meeting_line))}</p>
            <ul>{d.payers.into_iter().map(|p| view! {
                <li>{p.cooperative} {format!("：合计 {}，贫困户 {}", p.to_all, p.to_poor)}</li>
            }).collect_view()}</ul>
        </section>
        <form class="list-filter" method="get" action="/benefit" role="search">
            <label>"搜索" <input type="search" name="q" value=q.clone() placeholder="户号或户主" maxlength="40" /></label>
            <label class="check"><input type="checkbox" name="poor" value="1" checked=poor />"只看贫困户"</label>
            <button type="submit">"筛选"</button>
        </form>
        <p class="muted list-total">{format!("共 {} 户 · 第 {} / {} 页", d.matching, d.page, d.pages)}</p>
        <div class="table-scroll">
            <table class="benefit-table">
                <thead><tr><th>"户"</th><th>"人"</th><th>"流转费"</th><th>"工资"</th><th>"分红"</th><th>"合计"</th><th>"人均"</th><th>"达线"</th></tr></thead>
                <tbody>
                    {d.lines.into_iter().map(|l| view! {
                        <tr class:poor=l.is_poor>
                            <td>{l.head_name} {l.is_poor.then(|| view! { <span class="badge poor">"贫困户"</span> })}</td>
                            <td>{l.members}</td>
                            <td>{l.lease_fees.to_string()}</td>
                            <td>{l.wages.to_string()}</td>
                            <td>{l.dividends.to_string()}</td>
                            <td>{l.total.to_string()}</td>
                            <td>{l.per_person.to_string()}</td>
                            <td>{match l.meets_line { Some(true) => "是", Some(false) => "否", None => "—" }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {pager}
    }
}
