//! `/shifts/:id`: one shift-day in the field — who is on it, record hours (or correct them by
//! reversal), settle the day (日结), and book suggested people (poor households first).

use crate::components::layout::NotFound;
use crate::components::load::server_data;
use crate::components::notice::Notice;
use crate::functions::alliance::{
    AssignHousehold, AssignPerson, RecordHours, SettleShift, shift_page,
};
use crate::models::{ShiftPageData, WorkerLine};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

const OK: &[(&str, &str)] = &[
    ("posted", "班次已发布。"),
    ("assigned", "已安排。"),
    ("recorded", "工时已记录。"),
    ("settled", "已日结。"),
];

#[component]
pub fn ShiftPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()));
    let data = server_data(
        move || (id.get(), query.get()),
        |(id, _)| async move {
            match id {
                Some(id) => shift_page(id).await,
                None => Ok(None),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok(Some(d)) => view! {
                        <Notice query=query.get_untracked() ok=OK />
                        <ShiftDetail data=d />
                    }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(_) => view! { <p class="notice error" role="alert">"班次暂时无法加载，请稍后再试。"</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ShiftDetail(data: ShiftPageData) -> impl IntoView {
    let assign = ServerAction::<AssignPerson>::new();
    let record = ServerAction::<RecordHours>::new();
    let settle = ServerAction::<SettleShift>::new();
    let by_household = ServerAction::<AssignHousehold>::new();
    let full = s_full(&data);
    let s = data.shift;
    let id = s.id;
    let manage = data.can_manage;
    let plot = s
        .plot_code
        .clone()
        .map(|p| format!(" · 地块 {p}"))
        .unwrap_or_default();
    view! {
        <p><a href="/coop">"← " {s.cooperative.clone()}</a></p>
        <h1>{format!("{} {}", s.day, s.task_zh)}</h1>
        <p class="muted">{format!("{} 人 · 已安排 {} 人 · {} 小时 · {}/小时{plot}", s.headcount, s.assigned, s.hours, s.hourly)}</p>
        <p class="muted">{data.overtime_rule}</p>
        <section class="card">
            <h2>"日结单"</h2>
            {if data.workers.is_empty() {
                view! { <p class="empty">"还没有安排人员。"</p> }.into_any()
            } else {
                view! {
                    <ul class="worker-list">
                        {data.workers.into_iter().map(|w| view! { <Worker w shift=id manage record /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <p class="sheet-total">
                "合计 " <strong>{data.total.to_string()}</strong>
                " · 已付 " {data.paid.to_string()} " · 未付 " <strong>{data.unpaid.to_string()}</strong>
            </p>
            {(manage && data.unpaid > tianlian_domain::Fen::ZERO).then(|| view! {
                <ActionForm action=settle>
                    <input type="hidden" name="shift_id" value=id.to_string() />
                    <button type="submit">{format!("日结：支付 {}", data.unpaid)}</button>
                </ActionForm>
            })}
        </section>
        {(manage && !full).then(|| view! {
            <section class="card">
                <ActionForm action=by_household attr:class="hours-form">
                    <input type="hidden" name="shift_id" value=id.to_string() />
                    <label for="assign-household">"按户号安排（本户一位可出工的成员）"</label>
                    <input id="assign-household" name="household" autocomplete="off" placeholder="例如 demo-1-0-014" />
                    <button type="submit">"安排"</button>
                </ActionForm>
            </section>
        })}
        {(manage && !data.suggestions.is_empty()).then(|| view! {
            <section class="card">
                <h2>"建议人选"</h2>
                <p class="muted">"贫困户成员优先，其次联合体成员；同一天不会重复安排。"</p>
                <ul class="suggestions">
                    {data.suggestions.into_iter().map(|c| {
                        let badge = match c.priority.as_str() {
                            "poor" => "贫困户",
                            "alliance" => "联合体",
                            _ => "",
                        };
                        view! {
                            <li>
                                <span>{c.name} " " <small class="muted">{c.household_code}</small> " " {(!badge.is_empty()).then(|| view! { <span class="badge">{badge}</span> })}</span>
                                <ActionForm action=assign>
                                    <input type="hidden" name="shift_id" value=id.to_string() />
                                    <input type="hidden" name="person_id" value=c.person_id.to_string() />
                                    <button type="submit">"安排"</button>
                                </ActionForm>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

fn s_full(d: &ShiftPageData) -> bool {
    d.shift.assigned >= d.shift.headcount
}

#[component]
fn Worker(
    w: WorkerLine,
    shift: i64,
    manage: bool,
    record: ServerAction<RecordHours>,
) -> impl IntoView {
    let input_id = format!("hours-{}", w.person_id);
    let label = if w.recorded {
        "更正工时"
    } else {
        "工时（小时）"
    };
    let button = if w.recorded { "更正" } else { "记录" };
    view! {
        <li class="worker">
            <div class="worker-head">
                <strong>{w.name.clone()}</strong>
                {w.is_poor.then(|| view! { <span class="badge">"贫困户"</span> })}
                <span class="money">{w.earned.to_string()}</span>
            </div>
            <p class="muted">
                {if w.recorded { format!("{} 小时", w.hours) } else { "未记工时".to_owned() }}
                {format!(" · 已付 {} · 未付 {}", w.paid, w.unpaid)}
            </p>
            {manage.then(|| view! {
                <ActionForm action=record attr:class="hours-form">
                    <input type="hidden" name="shift_id" value=shift.to_string() />
                    <input type="hidden" name="person_id" value=w.person_id.to_string() />
                    {w.entry_id.map(|e| view! { <input type="hidden" name="replaces" value=e.to_string() /> })}
                    <label for=input_id.clone()>{format!("{} {label}", w.name)}</label>
                    <input id=input_id name="hours" inputmode="decimal" autocomplete="off" placeholder="例如 9 或 8.5" />
                    <button type="submit">{button}</button>
                </ActionForm>
            })}
        </li>
    }
}
