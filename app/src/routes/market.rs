//! `/market`: expected supply per crop and week (P50, with the P10–P90 band), the Spring
//! Festival week marked, weeks above the market's capacity flagged, and the planned plantings
//! to move to flatten the peak.

use crate::components::load::server_data;
use crate::functions::market::{SetCapacity, market_page};
use crate::models::{MarketCrop, MarketPageData};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn MarketPage() -> impl IntoView {
    let query = use_query_map();
    let set = ServerAction::<SetCapacity>::new();
    let data = server_data(
        move || query.get(),
        |q| market_page(q.get("township").and_then(|t| t.parse().ok())),
    );
    view! {
        <h1>"上市日历"</h1>
        <p class="downloads">
            "导出："
            <a href="/api/v1/export/market.xlsx" download>"上市日历 XLSX"</a>
            <a href="/api/v1/export/market.csv" download>"上市日历 CSV"</a>
        </p>
        <Transition fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok(Some(d)) => view! { <Market data=d set /> }.into_any(),
                    Ok(None) => view! { <p class="empty">"没有可查看的乡镇。"</p> }.into_any(),
                    Err(_) => view! {
                        <p class="notice error" role="alert">"上市日历暂时无法计算，请稍后再试。"</p>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Market(data: MarketPageData, set: ServerAction<SetCapacity>) -> impl IntoView {
    let query = use_query_map();
    let q = query.read_untracked();
    let township_id = data.township_id;
    view! {
        {(data.townships.len() > 1).then(|| view! {
            <nav class="chips" aria-label="选择乡镇">
                {data.townships.iter().map(|t| {
                    let here = t.value == township_id.to_string();
                    view! {
                        <a href=format!("/market?township={}", t.value) aria-current=here.then_some("page")>{t.label.clone()}</a>
                    }
                }).collect_view()}
            </nav>
        })}
        <p class="muted">
            {format!("{} · 每周预计上市量（公斤），按所有种植的预测汇总；范围为偏暖年与偏冷年（P10–P90）。", data.township)}
            {data.spring_festival.map(|d| format!(" 春节 {d}。"))}
        </p>
        {q.get("saved").map(|_| view! { <p class="notice ok" role="status">"已保存市场容量。"</p> })}
        {q.get("refused").map(|_| view! { <p class="notice error" role="alert">"容量应为不小于 0 的整数公斤，且只能由本乡镇农技员设置。"</p> })}
        {if data.crops.is_empty() {
            view! { <p class="empty">"还没有可预测的种植。"</p> }.into_any()
        } else {
            data.crops.into_iter().map(|c| view! { <CropWeeks crop=c township_id can_edit=data.can_edit set /> }).collect_view().into_any()
        }}
        <section class="card" aria-labelledby="moves-h">
            <h2 id="moves-h">"错峰建议"</h2>
            {if data.moves.is_empty() {
                view! { <p class="muted">"没有超过市场容量的周，或没有可调整的计划种植。"</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {data.moves.into_iter().map(|m| view! {
                            <li>{format!(
                                "{} {}：计划种植日 {} 改为 {}（{}{} 天）",
                                m.plot, m.crop_name_zh, m.from, m.to,
                                if m.days > 0 { "推后 " } else { "提前 " }, m.days.abs()
                            )}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn CropWeeks(
    crop: MarketCrop,
    township_id: i64,
    can_edit: bool,
    set: ServerAction<SetCapacity>,
) -> impl IntoView {
    let max = crop
        .weeks
        .iter()
        .map(|w| w.high_kg.max(w.capacity_kg.unwrap_or(0)))
        .max()
        .unwrap_or(1)
        .max(1);
    let (heading_id, labelled_by) = (
        format!("crop-{}-h", crop.code),
        format!("crop-{}-h", crop.code),
    );
    view! {
        <section class="card" aria-labelledby=labelled_by>
            <h2 id=heading_id>{crop.name_zh.clone()}</h2>
            <table class="weeks">
                <thead><tr><th>"周（周一）"</th><th>"预计（公斤）"</th><th>"范围"</th><th class="bar-col">""</th></tr></thead>
                <tbody>
                    {crop.weeks.into_iter().map(|w| {
                        let width = |kg: i64| format!("{:.1}%", kg as f64 * 100.0 / max as f64);
                        let class = match (w.over_capacity, w.festival) {
                            (true, _) => "over",
                            (false, true) => "festival",
                            _ => "",
                        };
                        view! {
                            <tr class=class>
                                <td>{w.week.format("%m-%d").to_string()}{w.festival.then_some(" 春节")}</td>
                                <td>{w.p50_kg}{w.over_capacity.then_some(" 超量")}</td>
                                <td class="muted">{format!("{}–{}", w.low_kg, w.high_kg)}</td>
                                <td class="bar-col" aria-hidden="true">
                                    <span class="band" style=format!("margin-left:{};width:{}", width(w.low_kg), width(w.high_kg - w.low_kg))></span>
                                    <span class="bar" style=format!("width:{}", width(w.p50_kg))></span>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {can_edit.then(|| view! {
                <ActionForm action=set attr:class="inline-capacity">
                    <input type="hidden" name="township" value=township_id.to_string() />
                    <input type="hidden" name="crop" value=crop.code.clone() />
                    <label>"每周市场容量（公斤）"
                        <input name="kg" inputmode="numeric" value=crop.capacity_kg.map(|k| k.to_string()).unwrap_or_default() />
                    </label>
                    <button type="submit">"保存容量"</button>
                </ActionForm>
            })}
        </section>
    }
}
