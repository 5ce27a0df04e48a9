//! `/my/pay`: a farmer's own work and pay — wages by day with the daily settlements behind
//! them, upcoming shifts, lease fees and dividends. Only the signed-in household's.

use crate::components::notice::Notice;
use crate::functions::alliance::{RegenerateFeed, RevokeFeed, my_pay};
use crate::models::{MyPayData, PayLine};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PayPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.get(), |_| my_pay());
    view! {
        <h1>"我的收入"</h1>
        <Transition fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(d)) => view! {
                        <Notice query=query.get_untracked() ok=&[("feed", "已生成新的订阅链接，旧链接已失效。"), ("feed_off", "已停止日历订阅。")] />
                        <Pay d />
                    }.into_any(),
                    Ok(None) => view! { <p class="empty">"此页面显示农户本户的工资、流转费和分红。合作社请看“合作社”页。"</p> }.into_any(),
                    Err(_) => view! { <p class="notice error" role="alert">"暂时无法加载，请稍后再试。"</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Pay(d: MyPayData) -> impl IntoView {
    view! {
        <section class="card totals">
            <p>"本月工资 " <strong class="big">{d.wages_this_month.to_string()}</strong></p>
            <p>"本季工资 " <strong>{d.wages_this_season.to_string()}</strong>
               " · 流转费 " <strong>{d.lease_fees_this_season.to_string()}</strong>
               " · 分红 " <strong>{d.dividends.to_string()}</strong></p>
        </section>
        <section class="card">
            <h2>"待上工"</h2>
            {if d.upcoming.is_empty() {
                view! { <p class="empty">"暂无安排。"</p> }.into_any()
            } else {
                view! { <ul class="pay-list">{d.upcoming.into_iter().map(|l| view! {
                    <li><strong>{l.day}</strong> " " {l.task_zh} <span class="muted">{format!(" · {} · {}", l.person, l.cooperative)}</span></li>
                }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <section class="card">
            <h2>"工资（日结）"</h2>
            {if d.wages.is_empty() {
                view! { <p class="empty">"本季还没有工资记录。"</p> }.into_any()
            } else {
                view! { <ul class="pay-list">{d.wages.into_iter().map(|l| view! { <PayItem l /> }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <Feed path=d.calendar_path.clone() />
        <section class="card">
            <h2>"土地流转"</h2>
            {if d.leases.is_empty() {
                view! { <p class="empty">"没有流转合同。"</p> }.into_any()
            } else {
                view! { <ul class="pay-list">{d.leases.into_iter().map(|l| view! {
                    <li>
                        <strong>{format!("地块 {} · {} 亩", l.plot_code, l.area)}</strong>
                        <span class="muted">{format!(" 流转给 {} · {} 至 {}", l.cooperative, l.starts_on, l.ends_on)}</span>
                        <ul>{l.payments.into_iter().map(|p| view! {
                            <li>{format!("{} {} ", p.due_on, p.amount)}
                                {match p.paid_on { Some(day) => format!("已付（{day}）"), None => "未付".to_owned() }}</li>
                        }).collect_view()}</ul>
                    </li>
                }).collect_view()}</ul> }.into_any()
            }}
        </section>
    }
}

/// The household's private calendar feed: subscribe in the phone's calendar app.
#[component]
fn Feed(path: Option<String>) -> impl IntoView {
    let regenerate = ServerAction::<RegenerateFeed>::new();
    let revoke = ServerAction::<RevokeFeed>::new();
    let on = path.is_some();
    view! {
        <section class="card feed">
            <h2>"日历订阅"</h2>
            {match path {
                Some(link) => { let href = link.clone(); view! {
                    <p>"在手机日历中“添加订阅日历”，填入下面的地址，采收期、上工和流转费日期会自动出现。此地址就是钥匙，请勿外传。"</p>
                    <p class="feed-url"><a href=href download="tianlian.ics">{link}</a></p>
                }.into_any() }
                None => view! { <p class="muted">"尚未开启。开启后可在手机日历中订阅采收期、上工和流转费日期。"</p> }.into_any(),
            }}
            <div class="actions">
                <ActionForm action=regenerate>
                    <button type="submit">{if on { "生成新链接（旧链接失效）" } else { "开启日历订阅" }}</button>
                </ActionForm>
                {on.then(|| view! {
                    <ActionForm action=revoke>
                        <button type="submit" class="secondary">"停止订阅"</button>
                    </ActionForm>
                })}
            </div>
        </section>
    }
}

#[component]
fn PayItem(l: PayLine) -> impl IntoView {
    let settled = if l.earned == l.paid && l.earned > tianlian_domain::Fen::ZERO {
        "已结清"
    } else if l.paid > tianlian_domain::Fen::ZERO {
        "部分已付"
    } else {
        "未付"
    };
    view! {
        <li>
            <div class="worker-head"><strong>{l.day}</strong> " " {l.task_zh} <span class="money">{l.earned.to_string()}</span></div>
            <p class="muted">{format!("{} · {} 小时 · {} · 已付 {} · {settled}", l.person, l.hours, l.cooperative, l.paid)}</p>
        </li>
    }
}
