//! `/targets`: season targets and progress against them (挂图作战): planted mu against each
//! target, % of plan, days left, the daily rate now needed, on track or not, by village, with a
//! chart; and, for the township's agronomist, the form that adds a target.

use crate::components::area::AreaText;
use crate::components::chart::ProgressChart;
use crate::components::load::server_data;
use crate::functions::targets::{AddTarget, DeleteTarget, targets_page};
use crate::models::{TargetView, TargetsPageData};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use tianlian_domain::Lang;
use tianlian_domain::targets::TargetError;

#[component]
pub fn TargetsPage() -> impl IntoView {
    let query = use_query_map();
    let add = ServerAction::<AddTarget>::new();
    let delete = ServerAction::<DeleteTarget>::new();
    let data = server_data(move || query.get(), |_| targets_page());
    view! {
        <h1>"目标与进度"</h1>
        <p class="downloads">
            "导出："
            <a href="/api/v1/export/progress.xlsx" download>"进度 XLSX"</a>
            <a href="/api/v1/export/progress.csv" download>"进度 CSV"</a>
        </p>
        <Transition fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok(d) => view! { <Targets data=d add delete /> }.into_any(),
                    Err(_) => view! {
                        <p class="notice error" role="alert">"进度暂时无法加载，请稍后再试。"</p>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Targets(
    data: TargetsPageData,
    add: ServerAction<AddTarget>,
    delete: ServerAction<DeleteTarget>,
) -> impl IntoView {
    let query = use_query_map();
    let q = query.read_untracked();
    let text = |k: &str| q.get(k).unwrap_or_default();
    let errors: Vec<String> = text("e")
        .split(',')
        .filter_map(|code| {
            [
                TargetError::UnknownCrop,
                TargetError::BadArea,
                TargetError::BadDate,
                TargetError::DeadlineBeforeStart,
                TargetError::UnknownPlace,
            ]
            .into_iter()
            .find(|e| e.code() == code)
            .map(|e| e.message(Lang::Zh).to_owned())
        })
        .collect();
    let (v_place, v_crops, v_area) = (text("v_place"), text("v_crops"), text("v_area"));
    let v_starts_on = Some(text("v_starts_on"))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| data.today.to_string());
    let v_deadline = text("v_deadline");
    let can_edit = data.can_edit;
    view! {
        {q.get("added").map(|_| view! { <p class="notice ok" role="status">"已添加目标。"</p> })}
        {q.get("deleted").map(|_| view! { <p class="notice ok" role="status">"已删除目标。"</p> })}
        {q.get("forbidden").map(|_| view! { <p class="notice error" role="alert">"您不能修改该乡镇的目标。"</p> })}
        {if data.targets.is_empty() {
            view! { <p class="empty">"还没有目标。"</p> }.into_any()
        } else {
            data.targets
                .into_iter()
                .map(|t| view! { <TargetCard target=t can_edit delete /> })
                .collect_view()
                .into_any()
        }}
        {can_edit.then(move || view! {
            <section class="card">
                <h2>"添加目标"</h2>
                {(!errors.is_empty()).then(|| view! {
                    <ul class="notice error" role="alert">
                        {errors.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                    </ul>
                })}
                <ActionForm action=add attr:class="form-grid" attr:novalidate=true>
                    <label>"范围"
                        <select name="place">
                            {data.places.into_iter().map(|p| {
                                let selected = p.value == v_place;
                                view! { <option value=p.value selected=selected>{p.label}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <label>"作物"
                        <select name="crops">
                            {data.crops.into_iter().map(|c| {
                                let selected = c.code == v_crops;
                                view! { <option value=c.code selected=selected>{c.name_zh}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <label>"目标面积（亩）"
                        <input name="area" inputmode="decimal" autocomplete="off" value=v_area />
                    </label>
                    <label>"开始日期"
                        <input name="starts_on" type="date" value=v_starts_on />
                    </label>
                    <label>"截止日期"
                        <input name="deadline" type="date" value=v_deadline />
                    </label>
                    <button type="submit">"添加目标"</button>
                </ActionForm>
            </section>
        })}
    }
}

#[component]
fn TargetCard(
    target: TargetView,
    can_edit: bool,
    delete: ServerAction<DeleteTarget>,
) -> impl IntoView {
    let t = target;
    let heading = format!("{} · {}", t.place, t.crops);
    let chart_label = format!("{heading}：累计种植与计划进度");
    let state_class = if t.on_track {
        "status status-planted"
    } else {
        "status status-failed"
    };
    view! {
        <section class="card target" id=format!("target-{}", t.id) aria-labelledby=format!("target-{}-h", t.id)>
            <h2 id=format!("target-{}-h", t.id)>{heading}</h2>
            <p class="muted">
                {format!("目标 {} 亩（{:.2} 公顷），{} 至 {}", t.area, t.area.hectares(), t.starts_on, t.deadline)}
            </p>
            <p class="big">
                "已种 " <AreaText area=t.planted /> {format!("，完成 {}", t.percent)}
            </p>
            <p>
                <span class=state_class>{t.state_zh.clone()}</span>
                {if t.days_left > 0 && t.planted < t.area {
                    format!(" 剩余 {} 天，每天需种 {} 亩；按计划今天应达 {} 亩", t.days_left, t.per_day, t.required_today)
                } else {
                    String::new()
                }}
            </p>
            {(!t.by_village.is_empty()).then(|| view! {
                <ul class="by-village">
                    {t.by_village.into_iter().map(|(v, area)| view! {
                        <li>{format!("{v}：{area} 亩")}</li>
                    }).collect_view()}
                </ul>
            })}
            <ProgressChart points=t.chart today=t.today label=chart_label />
            {can_edit.then(|| view! {
                <ActionForm action=delete attr:class="inline-form">
                    <input type="hidden" name="id" value=t.id.to_string() />
                    <button type="submit" class="secondary">"删除目标"</button>
                </ActionForm>
            })}
        </section>
    }
}
