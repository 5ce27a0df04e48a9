//! `/shifts/:id/roll`: the roll call (点名记工). Everyone booked on the shift, with the planned
//! hours filled in; the manager ticks who did not come, changes the few exceptions and submits
//! once. A plain form: it posts and redirects without JavaScript. With JavaScript, the small
//! outbox script keeps a submission made without signal on the phone (待发送) and sends it when
//! the signal returns; the form's key makes a resend record nothing twice.

use crate::components::layout::NotFound;
use crate::components::load::server_data;
use crate::components::notice::Notice;
use crate::components::outbox::Outbox;
use crate::functions::fieldday::{SubmitRollCall, load_roll_call};
use crate::models::{RollCallData, RollLine};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Lines per fold: a 300-person shift is six folds, each opened where there is something to
/// change, so the page stays a few phone screens tall.
const FOLD: usize = 50;

#[component]
pub fn RollCallPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()));
    let data = server_data(
        move || (id.get(), query.get()),
        |(id, _)| async move {
            match id {
                Some(id) => load_roll_call(id).await,
                None => Ok(None),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok(Some(d)) => view! {
                        <Notice query=query.get_untracked() ok=&[] />
                        <RollCall data=d />
                    }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(_) => view! { <p class="notice error" role="alert">"点名单暂时无法加载，请稍后再试。"</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn RollCall(data: RollCallData) -> impl IntoView {
    let submit = ServerAction::<SubmitRollCall>::new();
    let s = data.shift;
    let id = s.id;
    let n = data.lines.len();
    let label = format!("{} {}", s.day, s.task_zh);
    let folds: Vec<Vec<(usize, RollLine)>> = data
        .lines
        .into_iter()
        .enumerate()
        .collect::<Vec<_>>()
        .chunks(FOLD)
        .map(<[_]>::to_vec)
        .collect();
    let single = folds.len() == 1;
    view! {
        <p><a href=format!("/shifts/{id}")>"← 班次"</a></p>
        <h1>{format!("点名记工 · {label}")}</h1>
        <p class="muted">
            {format!("共 {n} 人，计划每人 {} 小时。没来的勾“缺勤”，工时不同的改数字（如 10 或 9:30），然后提交一次。", s.hours)}
        </p>
        {(data.earlier > 0).then(|| view! {
            <p class="muted">{format!("本班次已点名 {} 次；再次提交会按本单更正（冲正后重记），不会重复记工。", data.earlier)}</p>
        })}
        <Outbox />
        {if n == 0 {
            view! { <p class="empty">"还没有安排人员。"</p> }.into_any()
        } else {
            view! {
                <ActionForm action=submit attr:id="roll-call" attr:data-label=label attr:data-shift=id.to_string()>
                    <input type="hidden" name="shift_id" value=id.to_string() />
                    <input type="hidden" name="key" value=data.key />
                    {folds.into_iter().map(|fold| {
                        let first = fold.first().map(|(i, l)| (*i, l.household_code.clone()));
                        let last = fold.last().map(|(i, l)| (*i, l.household_code.clone()));
                        let summary = match (first, last) {
                            (Some((a, ha)), Some((b, hb))) => format!("第 {}–{} 人 · {ha} 至 {hb}", a + 1, b + 1),
                            _ => String::new(),
                        };
                        view! {
                            <details class="roll-fold" open=single>
                                <summary>{summary}</summary>
                                <table class="roll">
                                    <thead><tr><th>"姓名"</th><th>"缺勤"</th><th>"工时"</th></tr></thead>
                                    <tbody>
                                        {fold.into_iter().map(|(i, l)| view! { <Line i l /> }).collect_view()}
                                    </tbody>
                                </table>
                            </details>
                        }
                    }).collect_view()}
                    <button type="submit">{format!("提交点名（{n} 人）")}</button>
                </ActionForm>
            }.into_any()
        }}
    }
}

#[component]
fn Line(i: usize, l: RollLine) -> impl IntoView {
    let hours_id = format!("h-{}", l.person_id);
    view! {
        <tr>
            <td>
                <input type="hidden" name=format!("lines[{i}][person]") value=l.person_id.to_string() />
                <label for=hours_id.clone()>{l.name.clone()}</label>
                {l.is_poor.then(|| view! { " " <span class="badge">"贫"</span> })}
                " " <small class="muted">{l.household_code}</small>
            </td>
            <td>
                <input type="checkbox" name=format!("lines[{i}][absent]") value="1" checked=l.absent aria-label=format!("{} 缺勤", l.name) />
            </td>
            <td>
                <input id=hours_id name=format!("lines[{i}][hours]") value=l.hours inputmode="decimal" autocomplete="off" size="4" />
            </td>
        </tr>
    }
}
