//! `/my/pay`: a farmer's own work and pay — wages by day with the daily settlements behind
//! them, upcoming shifts, lease fees and dividends. Only the signed-in household's. Sent
//! without wasm, like every page: every control is a plain form.

use crate::components::notice::Notice;
use crate::functions::alliance::{RegenerateFeed, RevokeFeed, my_pay};
use crate::lang::use_lang;
use crate::models::{MyPayData, PayLine};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use tianlian_domain::Lang;
use tianlian_domain::wages::PayState;

const OK_ZH: &[(&str, &str)] = &[
    ("feed", "已生成新的订阅链接，旧链接已失效。"),
    ("feed_off", "已停止日历订阅。"),
];
const OK_EN: &[(&str, &str)] = &[
    (
        "feed",
        "A new calendar address is ready; the old one no longer works.",
    ),
    ("feed_off", "The calendar feed is turned off."),
];

#[component]
pub fn PayPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let ok = if lang == Lang::En { OK_EN } else { OK_ZH };
    view! {
        <h1>{lang.pick("我的收入", "My pay")}</h1>
        <Transition fallback=move || view! { <p>{lang.pick("加载中…", "Loading…")}</p> }>
            // Not a Resource: the page is never hydrated, so nothing is serialized for it.
            {move || { query.track(); Suspend::new(async move {
                match my_pay().await {
                    Ok(Some(d)) => view! {
                        <Notice query=query.get_untracked() ok=ok />
                        <Pay d lang />
                    }.into_any(),
                    Ok(None) => view! { <p class="empty">{lang.pick(
                        "此页面显示农户本户的工资、流转费和分红。合作社请看“合作社”页。",
                        "This page shows a household's wages, lease fees and dividends. Cooperatives: see the Cooperative page.",
                    )}</p> }.into_any(),
                    Err(_) => view! { <p class="notice error" role="alert">{lang.pick("暂时无法加载，请稍后再试。", "Could not load, please try again later.")}</p> }.into_any(),
                }
            }) }}
        </Transition>
    }
}

#[component]
fn Pay(d: MyPayData, lang: Lang) -> impl IntoView {
    let totals = view! {
        <section class="card totals">
            <p>{lang.pick("本月工资 ", "Wages this month ")}<strong class="big">{d.wages_this_month.to_string()}</strong></p>
            <p>{lang.pick("本季工资 ", "Wages this season ")}<strong>{d.wages_this_season.to_string()}</strong>
               {lang.pick(" · 流转费 ", " · Lease fees ")}<strong>{d.lease_fees_this_season.to_string()}</strong>
               {lang.pick(" · 分红 ", " · Dividends ")}<strong>{d.dividends.to_string()}</strong></p>
        </section>
    }
    .into_any();
    let upcoming = view! {
        <section class="card">
            <h2>{lang.pick("待上工", "Coming shifts")}</h2>
            {if d.upcoming.is_empty() {
                view! { <p class="empty">{lang.pick("暂无安排。", "Nothing booked.")}</p> }.into_any()
            } else {
                view! { <ul class="pay-list">{d.upcoming.into_iter().map(|l| {
                    let task = lang.pick(&l.task_zh, &l.task_en).to_owned();
                    view! { <li><strong>{l.day}</strong> " " {task} <span class="muted">{format!(" · {} · {}", l.person, l.cooperative)}</span></li> }
                }).collect_view()}</ul> }.into_any()
            }}
        </section>
    }
    .into_any();
    let wages = view! {
        <section class="card">
            <h2>{lang.pick("工资（日结）", "Wages (settled daily)")}</h2>
            {if d.wages.is_empty() {
                view! { <p class="empty">{lang.pick("本季还没有工资记录。", "No wages recorded this season yet.")}</p> }.into_any()
            } else {
                view! { <ul class="pay-list">{d.wages.into_iter().map(|l| view! { <PayItem l lang /> }).collect_view()}</ul> }.into_any()
            }}
        </section>
    }
    .into_any();
    let leases = view! {
        <section class="card">
            <h2>{lang.pick("土地流转", "Leased land")}</h2>
            {if d.leases.is_empty() {
                view! { <p class="empty">{lang.pick("没有流转合同。", "No land transfer contracts.")}</p> }.into_any()
            } else {
                view! { <ul class="pay-list">{d.leases.into_iter().map(|l| view! {
                    <li>
                        <strong>{format!("{} {} · {} {}", lang.pick("地块", "Plot"), l.plot_code, l.area, lang.pick("亩", "mu"))}</strong>
                        <span class="muted">{format!(" {} {} · {} – {}", lang.pick("流转给", "leased to"), l.cooperative, l.starts_on, l.ends_on)}</span>
                        <ul>{l.payments.into_iter().map(|p| view! {
                            <li>{format!("{} {} ", p.due_on, p.amount)}
                                {match p.paid_on {
                                    Some(day) => format!("{}（{day}）", lang.pick("已付", "paid")),
                                    None => lang.pick("未付", "unpaid").to_owned(),
                                }}</li>
                        }).collect_view()}</ul>
                    </li>
                }).collect_view()}</ul> }.into_any()
            }}
        </section>
    }
    .into_any();
    view! { {totals} {upcoming} {wages} <Feed path=d.calendar_path.clone() lang /> {leases} }
}

/// The household's private calendar feed: subscribe in the phone's calendar app.
#[component]
fn Feed(path: Option<String>, lang: Lang) -> impl IntoView {
    let regenerate = ServerAction::<RegenerateFeed>::new();
    let revoke = ServerAction::<RevokeFeed>::new();
    let on = path.is_some();
    view! {
        <section class="card feed">
            <h2>{lang.pick("日历订阅", "Calendar feed")}</h2>
            {match path {
                Some(link) => { let href = link.clone(); view! {
                    <p>{lang.pick(
                        "在手机日历中“添加订阅日历”，填入下面的地址，采收期、上工和流转费日期会自动出现。此地址就是钥匙，请勿外传。",
                        "In your phone's calendar choose \"add subscribed calendar\" and enter the address below: harvest windows, shifts and lease fee dates appear by themselves. The address is the key: keep it to yourself.",
                    )}</p>
                    <p class="feed-url"><a href=href download="tianlian.ics">{link}</a></p>
                }.into_any() }
                None => view! { <p class="muted">{lang.pick(
                    "尚未开启。开启后可在手机日历中订阅采收期、上工和流转费日期。",
                    "Not turned on. Once on, your phone's calendar can subscribe to harvest windows, shifts and lease fee dates.",
                )}</p> }.into_any(),
            }}
            <div class="actions">
                <ActionForm action=regenerate>
                    <button type="submit">{if on {
                        lang.pick("生成新链接（旧链接失效）", "New address (the old one stops working)")
                    } else {
                        lang.pick("开启日历订阅", "Turn on the calendar feed")
                    }}</button>
                </ActionForm>
                {on.then(|| view! {
                    <ActionForm action=revoke>
                        <button type="submit" class="secondary">{lang.pick("停止订阅", "Turn off the feed")}</button>
                    </ActionForm>
                })}
            </div>
        </section>
    }
}

#[component]
fn PayItem(l: PayLine, lang: Lang) -> impl IntoView {
    let settled = PayState::of(l.earned, l.paid).label(lang);
    let task = lang.pick(&l.task_zh, &l.task_en).to_owned();
    view! {
        <li>
            <div class="worker-head"><strong>{l.day}</strong> " " {task} <span class="money">{l.earned.to_string()}</span></div>
            <p class="muted">{format!("{} · {} {} · {} · {} {} · {settled}",
                l.person, l.hours, lang.pick("小时", "h"), l.cooperative, lang.pick("已付", "paid"), l.paid)}</p>
        </li>
    }
}
