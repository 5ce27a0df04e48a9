//! `/plots`: the plots the caller may see, by village with their plantings, a page of
//! `PLOTS_PER_PAGE` at a time. Narrowed by township (a county admin's), village, crop and
//! status, and searched by plot code, household code or owner's name (`?township=&village=
//! &crop=&status=&q=&page=`), with the count and area over every page.

use crate::components::area::AreaText;
use crate::components::load::server_data;
use crate::components::pager::Pager;
use crate::components::plot_form::{PlotForm, PlotFormState};
use crate::functions::plots::{SavePlot, list_plots};
use crate::models::{PlotListQuery, PlotSummary, PlotsPageData};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use tianlian_domain::{Lang, PlantingStatus};

#[component]
pub fn PlotsPage() -> impl IntoView {
    let query = use_query_map();
    let list_query = move || {
        let map = query.read();
        PlotListQuery::from_pairs(|k| map.get_str(k))
    };
    let save = ServerAction::<SavePlot>::new();
    let data = server_data(list_query, list_plots);
    view! {
        <h1>"地块与种植"</h1>
        <p class="downloads">
            "导出："
            <a href="/api/v1/export/plots.xlsx" download>"地块 XLSX"</a>
            <a href="/api/v1/export/plots.csv" download>"地块 CSV"</a>
            <a href="/api/v1/export/plantings.xlsx" download>"种植 XLSX"</a>
            <a href="/api/v1/export/plantings.csv" download>"种植 CSV"</a>
        </p>
        <Show when=move || query.read().get("missing").is_some()>
            <p class="notice error" role="alert">"找不到该地块。"</p>
        </Show>
        <Transition fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok(d) => {
                        let refused = PlotFormState::from_query(&query.read_untracked());
                        let open = refused.is_some();
                        let state = refused.unwrap_or_else(|| PlotFormState {
                            village: d.query.village.map(|v| v.to_string()).unwrap_or_default(),
                            ..PlotFormState::default()
                        });
                        let manage = d.manage_villages.clone();
                        view! {
                            {(!manage.is_empty()).then(move || view! {
                                <details class="card new-plot" open=open>
                                    <summary>"新建地块"</summary>
                                    <PlotForm action=save state villages=manage submit="添加地块" />
                                    <p class="muted"><a href="/import">"批量导入地块或种植（CSV）"</a></p>
                                </details>
                            })}
                            <PlaceFilter d=d.clone() />
                            <SearchForm d=d.clone() />
                            <p class="muted list-total">
                                {format!("共 {} 块，", d.total)} <AreaText area=d.total_area />
                                {format!(" · 第 {} / {} 页", d.page, d.pages)}
                            </p>
                            <PlotList plots=d.plots.clone() />
                            <Pager page=d.page as usize pages=d.pages as usize
                                href={ let q = d.query.clone(); move |p| q.href(p as i64) } />
                        }
                            .into_any()
                    }
                    Err(_) => {
                        view! { <p class="notice error" role="alert">"地块暂时无法加载，请稍后再试。"</p> }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// Links to narrow by township (a county admin's) and by village.
#[component]
fn PlaceFilter(d: PlotsPageData) -> impl IntoView {
    let q = d.query.clone();
    let townships: Vec<(String, String, bool)> = d
        .townships
        .into_iter()
        .map(|t| {
            let href = PlotListQuery {
                township: Some(t.id),
                ..PlotListQuery::default()
            }
            .href(1);
            (href, t.name, q.township == Some(t.id))
        })
        .collect();
    let villages: Vec<(String, String, bool)> = d
        .villages
        .into_iter()
        .map(|v| {
            let href = PlotListQuery {
                township: q.township,
                village: Some(v.id),
                ..PlotListQuery::default()
            }
            .href(1);
            (
                href,
                format!("{} · {}", v.township, v.name),
                q.village == Some(v.id),
            )
        })
        .collect();
    let all_villages = PlotListQuery {
        township: q.township,
        ..PlotListQuery::default()
    }
    .href(1);
    view! {
        <Chips label="按乡镇筛选" all=("全县", PlotListQuery::default().href(1), q.township.is_none()) links=townships />
        <Chips label="按村筛选" all=("全部", all_villages, q.village.is_none()) links=villages />
    }
}

/// A row of links, the current one marked; nothing when there are no links.
#[component]
fn Chips(
    label: &'static str,
    all: (&'static str, String, bool),
    links: Vec<(String, String, bool)>,
) -> impl IntoView {
    let current = |here: bool| here.then_some("page");
    (!links.is_empty()).then(|| {
        view! {
            <nav class="chips" aria-label=label>
                <a href=all.1 aria-current=current(all.2)>{all.0}</a>
                {links
                    .into_iter()
                    .map(|(href, text, here)| view! { <a href=href aria-current=current(here)>{text}</a> })
                    .collect_view()}
            </nav>
        }
    })
}

/// Search by plot code, household code or name, and narrow by crop and status: a plain GET
/// form that keeps the chosen township and village.
#[component]
fn SearchForm(d: PlotsPageData) -> impl IntoView {
    let q = d.query;
    let crop = q.crop.clone().unwrap_or_default();
    let status = q.status.clone().unwrap_or_default();
    view! {
        <form class="list-filter" method="get" action="/plots" role="search">
            {q.township.map(|t| view! { <input type="hidden" name="township" value=t.to_string() /> })}
            {q.village.map(|v| view! { <input type="hidden" name="village" value=v.to_string() /> })}
            <label>"搜索" <input type="search" name="q" value=q.q.clone().unwrap_or_default()
                placeholder="地块号、户号或户主" maxlength="40" /></label>
            <label>"作物" <select name="crop">
                <option value="">"全部作物"</option>
                {d.crops.into_iter().map(|c| {
                    let selected = c.code == crop;
                    view! { <option value=c.code.clone() selected=selected>{c.name_zh}</option> }
                }).collect_view()}
            </select></label>
            <label>"状态" <select name="status">
                <option value="">"全部状态"</option>
                {PlantingStatus::ALL.into_iter().map(|s| {
                    let selected = s.code() == status;
                    view! { <option value=s.code() selected=selected>{s.label(Lang::Zh)}</option> }
                }).collect_view()}
            </select></label>
            <button type="submit">"筛选"</button>
        </form>
    }
}

/// Plots grouped under their village heading (the list comes sorted by township and village).
#[component]
fn PlotList(plots: Vec<PlotSummary>) -> impl IntoView {
    if plots.is_empty() {
        return view! { <p class="empty">"还没有地块。"</p> }.into_any();
    }
    let mut groups: Vec<(String, Vec<PlotSummary>)> = Vec::new();
    for p in plots {
        let heading = format!("{} · {}", p.township, p.village);
        match groups.last_mut() {
            Some((h, list)) if *h == heading => list.push(p),
            _ => groups.push((heading, vec![p])),
        }
    }
    groups
        .into_iter()
        .map(|(heading, plots)| {
            let total: tianlian_domain::Mu = plots.iter().map(|p| p.area).sum();
            view! {
                <section class="village">
                    <h2>{heading} <small>" " {plots.len()} " 块，共 " <AreaText area=total /></small></h2>
                    <ul class="plot-list">{plots.into_iter().map(|p| view! { <PlotCard plot=p /> }).collect_view()}</ul>
                </section>
            }
        })
        .collect_view()
        .into_any()
}

/// One plot: code, owner, area, what is planted.
#[component]
pub fn PlotCard(plot: PlotSummary) -> impl IntoView {
    let free = plot.area.saturating_sub(plot.held_today);
    view! {
        <li class="plot-card">
            <div class="plot-head">
                <a class="plot-code" href=format!("/plots/{}", plot.id)>{format!("地块 {}", plot.code)}</a>
                <AreaText area=plot.area />
            </div>
            <p class="muted">
                "户主：" {plot.owner.clone().unwrap_or_else(|| "—".into())} {format!(" · 今日空闲 {free} 亩")}
            </p>
            <ul class="plantings">
                {plot
                    .plantings
                    .into_iter()
                    .map(|pl| {
                        view! {
                            <li>
                                <strong>{pl.crop_name_zh}</strong>
                                {format!(" {} 亩 · {} 至 {} ", pl.area, pl.planned_on, pl.season_until)}
                                <span class=format!("status status-{}", pl.status.code())>{pl.status.label(Lang::Zh)}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </li>
    }
}
