//! `/my` "我的日历": a farmer household's home page on a cheap phone. Server-rendered and
//! complete without JavaScript (no page loads wasm, see the crate docs); the
//! service worker keeps the last copy for reading offline.

use crate::components::area::AreaText;
use crate::functions::my::my_calendar;
use crate::lang::use_lang;
use crate::models::{MyCalendarData, MyForecast, MyPlanting, PayLine};
use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use tianlian_domain::Lang;
use tianlian_domain::calendar::TERM_NAMES;
use tianlian_domain::month::{DayCell, Mark, moved_text};

#[component]
pub fn MyCalendarPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    // Fetched as it renders, like every page (`components::load`): nothing is
    // serialized into the HTML for a hydration that will not come (7 KB a view).
    view! {
        <h1>{lang.pick("我的日历", "My calendar")}</h1>
        <Transition fallback=move || view! { <p>{lang.pick("加载中…", "Loading…")}</p> }>
            {move || { let month = query.get().get("m"); Suspend::new(async move {
                match my_calendar(month).await {
                    Ok(Some(d)) => view! { <Calendar d lang /> }.into_any(),
                    Ok(None) => view! {
                        <p class="empty">{lang.pick(
                            "此页面显示农户本户的作物、上工和收入。请用农户账号登录。",
                            "This page shows a farming household's crops, shifts and pay. Sign in with a household's account.",
                        )}</p>
                    }.into_any(),
                    Err(_) => view! {
                        <p class="notice error" role="alert">{lang.pick("暂时无法加载，请稍后再试。", "Could not load, please try again later.")}</p>
                    }.into_any(),
                }
            }) }}
        </Transition>
    }
}

#[component]
fn Calendar(d: MyCalendarData, lang: Lang) -> impl IntoView {
    let next = d.upcoming.first().cloned();
    let later: Vec<PayLine> = d.upcoming.iter().skip(1).take(4).cloned().collect();
    // Each section is its own view (type-erased), which keeps the page's view type shallow.
    let head = view! {
        <p class="muted">{format!("{} {} · {} {}", lang.pick("农户", "Household"), d.household_code, lang.pick("更新于", "as of"), d.as_of)}</p>
    }
    .into_any();
    let shifts = view! {
        <section class="card next-shift" aria-labelledby="next-shift">
            <h2 id="next-shift">{lang.pick("下次上工", "Next shift")}</h2>
            {match next {
                Some(s) => view! { <ShiftLine s lang big=true /> }.into_any(),
                None => view! { <p class="empty">{lang.pick("暂无安排。", "Nothing booked.")}</p> }.into_any(),
            }}
            {(!later.is_empty()).then(|| view! {
                <ul class="pay-list">{later.into_iter().map(|s| view! { <li><ShiftLine s lang big=false /></li> }).collect_view()}</ul>
            })}
        </section>
    }
    .into_any();
    let crops = view! {
        <section class="card" aria-labelledby="my-crops">
            <h2 id="my-crops">{lang.pick("我的作物", "My crops")}</h2>
            {if d.plantings.is_empty() {
                view! { <p class="empty">{lang.pick("本户没有登记的种植。", "No plantings registered for this household.")}</p> }.into_any()
            } else {
                view! { <ul class="crop-list">{d.plantings.into_iter().map(|p| view! { <CropItem p lang /> }).collect_view()}</ul> }.into_any()
            }}
        </section>
    }
    .into_any();
    let calendar = view! { <MonthView weeks=d.weeks month=d.month prev=d.prev_month next=d.next_month lang /> }.into_any();
    let pay = view! {
        <section class="card totals" aria-labelledby="my-pay">
            <h2 id="my-pay">{lang.pick("我的收入", "My pay")}</h2>
            <p>{lang.pick("本月工资 ", "Wages this month ")}<strong class="big">{d.wages_this_month.to_string()}</strong></p>
            <p>{lang.pick("本季工资 ", "Wages this season ")}<strong>{d.wages_this_season.to_string()}</strong>
               {lang.pick(" · 流转费 ", " · Lease fees ")}<strong>{d.lease_fees_this_season.to_string()}</strong>
               {lang.pick(" · 分红 ", " · Dividends ")}<strong>{d.dividends.to_string()}</strong></p>
            {d.next_lease_fee.map(|(due, amount)| view! {
                <p>{format!("{} {due} · {amount}", lang.pick("下次流转费", "Next lease fee"))}</p>
            })}
            {(!d.recent.is_empty()).then(|| view! {
                <h3>{lang.pick("最近日结", "Latest daily settlements")}</h3>
                <ul class="pay-list">{d.recent.into_iter().map(|l| view! { <SettledLine l lang /> }).collect_view()}</ul>
            }.into_any())}
            <p><a class="button secondary" href="/my/pay">{lang.pick("全部收入明细与日历订阅", "All pay details and calendar feed")}</a></p>
        </section>
    }
    .into_any();
    view! { {head} {shifts} {crops} {calendar} {pay} }
}

#[component]
fn ShiftLine(s: PayLine, lang: Lang, big: bool) -> impl IntoView {
    let task = lang.pick(&s.task_zh, &s.task_en).to_owned();
    let plot = s
        .plot
        .map(|p| format!(" · {} {p}", lang.pick("地块", "plot")))
        .unwrap_or_default();
    view! {
        <p class=if big { "shift-line big-line" } else { "shift-line" }>
            <strong>{s.day}</strong> " " {task} {plot}
            <span class="muted">{format!(" · {} {} · {} · {}", s.planned_hours, lang.pick("小时", "h"), s.person, s.cooperative)}</span>
        </p>
    }
}

#[component]
fn SettledLine(l: PayLine, lang: Lang) -> impl IntoView {
    let state = tianlian_domain::wages::PayState::of(l.earned, l.paid).label(lang);
    let task = lang.pick(&l.task_zh, &l.task_en).to_owned();
    view! {
        <li>
            <div class="worker-head"><strong>{l.day}</strong> " " {task} <span class="money">{l.earned.to_string()}</span></div>
            <p class="muted">{format!("{} · {} {} · {state}", l.person, l.hours, lang.pick("小时", "h"))}</p>
        </li>
    }
}

fn md(day: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}月{}日", day.month(), day.day()),
        Lang::En => day.format("%-d %b").to_string(),
    }
}

#[component]
fn CropItem(p: MyPlanting, lang: Lang) -> impl IntoView {
    let crop = lang.pick(&p.crop_zh, &p.crop_en).to_owned();
    let status = p.status.label(lang);
    view! {
        <li class="crop">
            <div class="worker-head"><strong class="big-line">{crop}</strong> <span class="muted">{status}</span></div>
            <p>{format!("{} {} · {} · ", lang.pick("地块", "Plot"), p.plot_code, p.village)}<AreaText area=p.area /></p>
            <p>{format!("{} {}", lang.pick("种植日期", "Planted"), p.planted_on)}</p>
            {match p.forecast {
                Some(f) => view! { <Window f lang /> }.into_any(),
                None => view! { <p class="muted">{lang.pick("暂无采收预测。", "No harvest forecast yet.")}</p> }.into_any(),
            }}
        </li>
    }
}

#[component]
fn Window(f: MyForecast, lang: Lang) -> impl IntoView {
    let month = format!("/my?m={:04}-{:02}", f.start.year(), f.start.month());
    let moved = f.moved_days.map(|days| {
        let class = if days == 0 { "moved" } else { "moved changed" };
        view! { <p class=class>{moved_text(days, lang)}</p> }
    });
    view! {
        <p class="harvest">
            {lang.pick("预计采收 ", "Harvest ")}
            <strong>{format!("{} – {}", md(f.start, lang), md(f.end, lang))}</strong>
        </p>
        <p class="muted">{format!("{} {} – {} · {} {} kg",
            lang.pick("开始最早/最晚", "starts between"), md(f.start_p10, lang), md(f.start_p90, lang),
            lang.pick("预计产量", "expected yield"), f.yield_kg)}</p>
        {moved}
        <p><a href=month>{lang.pick("在日历上看", "See on the calendar")}</a></p>
    }
}

const WEEKDAYS: [(&str, &str); 7] = [
    ("一", "Mo"),
    ("二", "Tu"),
    ("三", "We"),
    ("四", "Th"),
    ("五", "Fr"),
    ("六", "Sa"),
    ("日", "Su"),
];

fn mark_class(mark: Mark) -> &'static str {
    match mark {
        Mark::Harvest => "m-harvest",
        Mark::MayStart => "m-may",
        Mark::Planted => "m-planted",
        Mark::Shift => "m-shift",
        Mark::LeaseDue => "m-lease",
    }
}

fn mark_label(mark: Mark, lang: Lang) -> &'static str {
    match mark {
        Mark::Harvest => lang.pick("采收期", "harvest"),
        Mark::MayStart => lang.pick("可能开始采收", "harvest may start"),
        Mark::Planted => lang.pick("种植", "planting"),
        Mark::Shift => lang.pick("上工", "shift"),
        Mark::LeaseDue => lang.pick("流转费到期", "lease fee due"),
    }
}

#[component]
fn MonthView(
    weeks: Vec<Vec<DayCell>>,
    month: String,
    prev: String,
    next: String,
    lang: Lang,
) -> impl IntoView {
    let title = match month.split_once('-') {
        Some((y, m)) if lang == Lang::Zh => format!("{y}年{}月", m.trim_start_matches('0')),
        _ => month.clone(),
    };
    let legend = [
        Mark::Harvest,
        Mark::MayStart,
        Mark::Planted,
        Mark::Shift,
        Mark::LeaseDue,
    ];
    view! {
        <section class="card month" aria-labelledby="month-title">
            <div class="month-nav">
                <a class="button secondary" href=format!("/my?m={prev}") aria-label=lang.pick("上个月", "Previous month")>"‹"</a>
                <h2 id="month-title">{title}</h2>
                <a class="button secondary" href=format!("/my?m={next}") aria-label=lang.pick("下个月", "Next month")>"›"</a>
            </div>
            <table class="month-grid">
                <thead><tr>{WEEKDAYS.iter().map(|(zh, en)| view! { <th scope="col">{lang.pick(zh, en)}</th> }).collect_view()}</tr></thead>
                <tbody>{weeks.into_iter().map(|week| view! {
                    <tr>{week.into_iter().map(|c| view! { <Day c lang /> }).collect_view()}</tr>
                }).collect_view()}</tbody>
            </table>
            <ul class="legend">{legend.into_iter().map(|m| view! {
                <li><span class=format!("dot {}", mark_class(m))></span>{mark_label(m, lang)}</li>
            }).collect_view()}
                <li><span class="term-name">{lang.pick("节气", "Term")}</span>{lang.pick("二十四节气", "solar term")}</li>
            </ul>
        </section>
    }
}

#[component]
fn Day(c: DayCell, lang: Lang) -> impl IntoView {
    let mut class = String::from("day");
    if !c.in_month {
        class.push_str(" other");
    }
    if c.today {
        class.push_str(" today");
    }
    if c.marks.contains(&Mark::Harvest) {
        class.push_str(" harvest-day");
    }
    let term = c
        .term
        .and_then(|i| TERM_NAMES.get(i))
        .map(|(zh, en)| lang.pick(zh, en));
    let mut said: Vec<&str> = c.marks.iter().map(|m| mark_label(*m, lang)).collect();
    said.extend(term);
    if c.spring_festival {
        said.push(lang.pick("春节", "Spring Festival"));
    }
    let label = format!("{} {}", md(c.date, lang), said.join("、"));
    view! {
        <td class=class aria-label=label>
            <span class="num">{c.date.day()}</span>
            {c.spring_festival.then(|| view! { <span class="festival">{lang.pick("春节", "New Year")}</span> })}
            {term.map(|t| view! { <span class="term-name">{t}</span> })}
            <span class="dots">{c.marks.into_iter().map(|m| view! { <span class=format!("dot {}", mark_class(m))></span> }).collect_view()}</span>
        </td>
    }
}
