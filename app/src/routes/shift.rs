//! `/shifts/:id`: one shift-day in the field — who is on it, record hours (or correct them by
//! reversal), settle the day (日结), fill from the suggestions (poor households first) or book
//! ticked people together, take someone off; the roll call has its own page.

use crate::components::layout::NotFound;
use crate::components::load::server_data;
use crate::components::notice::Notice;
use crate::components::pager::Pager;
use crate::functions::alliance::{AssignHousehold, SettleShift, shift_page};
use crate::functions::fieldday::{BookTicked, FillShift, UnbookPerson};
use crate::models::{ShiftPageData, WorkerLine};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

const OK: &[(&str, &str)] = &[
    ("posted", "班次已发布。"),
    ("assigned", "已安排。"),
    ("filled", "已按建议补满。"),
    ("unbooked", "已调出。"),
    ("recorded", "工时已记录。"),
    ("rollcall", "点名已记录。"),
    ("rollcall_repeated", "这份点名单已经提交过，没有重复记录。"),
    ("settled", "已日结。"),
];

#[component]
pub fn ShiftPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()));
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(1)
    };
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
                        <ShiftDetail data=d page=page() />
                    }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(_) => view! { <p class="notice error" role="alert">"班次暂时无法加载，请稍后再试。"</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ShiftDetail(data: ShiftPageData, page: usize) -> impl IntoView {
    let settle = ServerAction::<SettleShift>::new();
    let by_household = ServerAction::<AssignHousehold>::new();
    let fill = ServerAction::<FillShift>::new();
    let book = ServerAction::<BookTicked>::new();
    let unbook = ServerAction::<UnbookPerson>::new();
    let full = s_full(&data);
    let s = data.shift;
    let id = s.id;
    let manage = data.can_manage;
    let free = (s.headcount - s.assigned).max(0);
    let plot = s
        .plot_code
        .clone()
        .map(|p| format!(" · 地块 {p}"))
        .unwrap_or_default();
    let (workers, pages) = page_of(data.workers, page);
    let page = page.clamp(1, pages);
    let day_sheet = format!("/coop/{}/days/{}", data.cooperative_id, s.day);
    view! {
        <p><a href="/coop">"← " {s.cooperative.clone()}</a></p>
        <h1>{format!("{} {}", s.day, s.task_zh)}</h1>
        <p class="muted">{format!("需 {} 人 · 已安排 {} 人 · {} 小时 · {}/小时{plot}", s.headcount, s.assigned, s.hours, s.hourly)}</p>
        <p class="muted">{data.overtime_rule}</p>
        <p class="actions">
            {(manage && s.assigned > 0).then(|| view! { <a class="button" href=format!("/shifts/{id}/roll")>"点名记工"</a> })}
            <a class="button secondary" href=day_sheet>"当天日结单"</a>
        </p>
        {(manage && !full).then(|| view! {
            <section class="card">
                <h2>{format!("还差 {free} 人")}</h2>
                <ActionForm action=fill>
                    <input type="hidden" name="shift_id" value=id.to_string() />
                    <button type="submit">{format!("按建议补满（{free} 人）")}</button>
                </ActionForm>
                <p class="muted">"贫困户成员优先，其次联合体成员，本季工时少的先排；同一天不会重复安排。"</p>
                <ActionForm action=by_household attr:class="hours-form">
                    <input type="hidden" name="shift_id" value=id.to_string() />
                    <label for="assign-household">"按户号安排（本户一位可出工的成员）"</label>
                    <input id="assign-household" name="household" autocomplete="off" placeholder="例如 demo-1-0-014" />
                    <button type="submit">"安排"</button>
                </ActionForm>
            </section>
        })}
        {(manage && !full && !data.suggestions.is_empty()).then(|| view! {
            <section class="card">
                <h2>"建议人选"</h2>
                <ActionForm action=book>
                    <input type="hidden" name="shift_id" value=id.to_string() />
                    <ul class="suggestions">
                        {data.suggestions.into_iter().enumerate().map(|(i, c)| {
                            let badge = match c.priority.as_str() {
                                "poor" => "贫困户",
                                "alliance" => "联合体",
                                _ => "",
                            };
                            view! {
                                <li>
                                    <label>
                                        <input type="checkbox" name=format!("people[{i}]") value=c.person_id.to_string() />
                                        " " {c.name} " " <small class="muted">{c.household_code}</small> " "
                                        {(!badge.is_empty()).then(|| view! { <span class="badge">{badge}</span> })}
                                    </label>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <button type="submit">"安排勾选的人"</button>
                </ActionForm>
            </section>
        })}
        <section class="card">
            <h2>{format!("已安排 {} 人", s.assigned)}</h2>
            {if workers.is_empty() {
                view! { <p class="empty">"还没有安排人员。"</p> }.into_any()
            } else {
                view! {
                    <ul class="worker-list">
                        {workers.into_iter().map(|w| view! { <Worker w shift=id manage unbook /> }).collect_view()}
                    </ul>
                    <Pager page pages href=move |p| format!("/shifts/{id}?page={p}") />
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
    }
}

/// Workers shown a page at a time.
const WORKERS_PER_PAGE: usize = 50;

fn page_of(workers: Vec<WorkerLine>, page: usize) -> (Vec<WorkerLine>, usize) {
    let pages = workers.len().div_ceil(WORKERS_PER_PAGE).max(1);
    let page = page.clamp(1, pages);
    let shown = workers
        .into_iter()
        .skip((page - 1) * WORKERS_PER_PAGE)
        .take(WORKERS_PER_PAGE)
        .collect();
    (shown, pages)
}

fn s_full(d: &ShiftPageData) -> bool {
    d.shift.assigned >= d.shift.headcount
}

#[component]
fn Worker(
    w: WorkerLine,
    shift: i64,
    manage: bool,
    unbook: ServerAction<UnbookPerson>,
) -> impl IntoView {
    let state = if w.recorded {
        format!("{} 小时", w.hours)
    } else if w.absent {
        "缺勤".to_owned()
    } else {
        "未记工时".to_owned()
    };
    view! {
        <li class="worker">
            <div class="worker-head">
                <strong>{w.name.clone()}</strong>
                {w.is_poor.then(|| view! { <span class="badge">"贫困户"</span> })}
                <span class="money">{w.earned.to_string()}</span>
            </div>
            <p class="muted">
                {state}
                {format!(" · 已付 {} · 未付 {}", w.paid, w.unpaid)}
            </p>
            {(manage && !w.recorded).then(|| view! {
                <ActionForm action=unbook attr:class="inline-form">
                    <input type="hidden" name="shift_id" value=shift.to_string() />
                    <input type="hidden" name="person_id" value=w.person_id.to_string() />
                    <button type="submit" class="secondary" aria-label=format!("调出 {}", w.name)>"调出"</button>
                </ActionForm>
            })}
        </li>
    }
}
