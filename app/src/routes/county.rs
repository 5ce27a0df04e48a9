//! `/county` 县级总览: for a county admin, every township on one screen — plots and area,
//! this season's planting against the township's targets, the busiest market week and the coming
//! week's staffing — each linking to the township's own page.

use crate::components::area::AreaText;
use crate::components::load::server_data;
use crate::functions::county::county_page;
use crate::models::{CountyOverview, TownshipOverview};
use leptos::prelude::*;

#[component]
pub fn CountyPage() -> impl IntoView {
    let data = server_data(|| (), |()| county_page());
    view! {
        <h1>"县级总览"</h1>
        <Transition fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok(Some(d)) => view! { <Overview d /> }.into_any(),
                    Ok(None) => view! { <p class="empty">"县级总览只对县级管理员开放。"</p> }.into_any(),
                    Err(_) => view! { <p class="notice error" role="alert">"暂时无法加载，请稍后再试。"</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Overview(d: CountyOverview) -> impl IntoView {
    let days = d.staffing_days;
    view! {
        <p class="muted">{format!("截至 {} · 本季自 7 月 1 日起 · 用工为今后 {days} 天已发布的班次", d.as_of)}</p>
        <div class="table-scroll">
            <table class="county-table">
                <thead><tr>
                    <th>"乡镇"</th><th>"地块"</th><th>"本季种植"</th><th>"目标完成"</th>
                    <th>"上市高峰"</th><th>{format!("{days} 天用工")}</th>
                </tr></thead>
                <tbody>
                    {d.townships.into_iter().map(|t| view! { <Line t total=false /> }).collect_view()}
                    <Line t=d.total total=true />
                </tbody>
            </table>
        </div>
    }
}

/// One township's row (or the county's total, without links).
#[component]
fn Line(t: TownshipOverview, total: bool) -> impl IntoView {
    let id = t.township_id;
    let link = move |path: &str, text: String| {
        if total {
            view! { <strong>{text}</strong> }.into_any()
        } else {
            view! { <a href=format!("{path}?township={id}")>{text}</a> }.into_any()
        }
    };
    let percent = t.percent();
    let shortfall = t.shortfall();
    view! {
        <tr class:total=total>
            <th scope="row">{link("/plots", t.name.clone())}</th>
            <td>{format!("{} 块", t.plots)} <br /> <AreaText area=t.area /></td>
            <td><AreaText area=t.season_area /> <br /> <small>{format!("已下地 {} 亩", t.in_ground)}</small></td>
            <td>{match percent {
                Some(p) => view! {
                    {link("/wallchart", p)} <br />
                    <small>{format!("{} / {} 亩", t.target_planted, t.target_area)}</small>
                    {(t.behind > 0).then(|| view! { <br /> <span class="badge warn">{format!("{} 项落后", t.behind)}</span> })}
                }.into_any(),
                None => view! { <span class="muted">"无目标"</span> }.into_any(),
            }}</td>
            <td>{match t.peak {
                Some(p) if !total => view! {
                    {link("/market", format!("{} {}", p.crop_name, p.week.format("%m-%d")))} <br />
                    <small>{format!("{} 吨/周", p.kg / 1000)}</small>
                    {(t.weeks_over_capacity > 0).then(|| view! { <br /> <span class="badge warn">{format!("{} 周超出销路", t.weeks_over_capacity)}</span> })}
                }.into_any(),
                _ if total && t.weeks_over_capacity > 0 => view! {
                    <span class="badge warn">{format!("{} 周超出销路", t.weeks_over_capacity)}</span>
                }.into_any(),
                _ => view! { <span class="muted">"—"</span> }.into_any(),
            }}</td>
            <td>{if t.shifts == 0 {
                view! { <span class="muted">"无班次"</span> }.into_any()
            } else {
                view! {
                    {format!("{} / {} 人", t.booked, t.needed)}
                    {(shortfall > 0).then(|| view! { <br /> <span class="badge warn">{format!("缺 {shortfall} 人")}</span> })}
                }.into_any()
            }}</td>
        </tr>
    }
}
