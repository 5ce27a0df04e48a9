//! `/plots`: every plot by village with its plantings; `?village=ID` narrows to one village.

use crate::components::area::AreaText;
use crate::components::plot_form::{PlotForm, PlotFormState};
use crate::functions::plots::{SavePlot, list_plots};
use crate::models::{PlotSummary, VillageOption};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use tianlian_domain::Lang;

#[component]
pub fn PlotsPage() -> impl IntoView {
    let query = use_query_map();
    let village = Memo::new(move |_| {
        query
            .read()
            .get("village")
            .and_then(|v| v.parse::<i64>().ok())
    });
    let save = ServerAction::<SavePlot>::new();
    // A refused "new plot" form comes back with its values in the query: reload on any change.
    let data = Resource::new(move || (village.get(), query.get()), |(v, _)| list_plots(v));
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
                match data.await {
                    Ok(d) => {
                        let refused = PlotFormState::from_query(&query.read_untracked());
                        let open = refused.is_some();
                        let state = refused.unwrap_or_else(|| PlotFormState {
                            village: village.get_untracked().map(|v| v.to_string()).unwrap_or_default(),
                            ..PlotFormState::default()
                        });
                        let manage = d.manage_villages;
                        view! {
                            {(!manage.is_empty()).then(move || view! {
                                <details class="card new-plot" open=open>
                                    <summary>"新建地块"</summary>
                                    <PlotForm action=save state villages=manage submit="添加地块" />
                                    <p class="muted"><a href="/import">"批量导入地块或种植（CSV）"</a></p>
                                </details>
                            })}
                            <VillageFilter villages=d.villages current=village.get_untracked() />
                            <PlotList plots=d.plots />
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

/// Links to show one village, or all.
#[component]
fn VillageFilter(villages: Vec<VillageOption>, current: Option<i64>) -> impl IntoView {
    view! {
        <nav class="chips" aria-label="按村筛选">
            <a href="/plots" aria-current=if current.is_none() { Some("page") } else { None }>"全部"</a>
            {villages
                .into_iter()
                .map(|v| {
                    let here = current == Some(v.id);
                    view! {
                        <a href=format!("/plots?village={}", v.id) aria-current=if here { Some("page") } else { None }>
                            {v.township} " · " {v.name}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
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
