//! `/households`: the households an agronomist registers (their township's), an admin's county
//! (a township at a time) and a cooperative's alliance (read only), searched and paged, with a
//! form to add one. `/households/:id`: the household, its people, its farmer account.

use crate::components::layout::NotFound;
use crate::components::load::server_data;
use crate::components::notice::Notice;
use crate::components::pager::Pager;
use crate::functions::onboard::{
    AddHousehold, EditHousehold, SavePerson, household_page, households_page,
};
use crate::models::{HouseholdDetail, HouseholdLine, HouseholdsPageData, PersonLine};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

type Filter = (String, Option<i64>, Option<i64>, String, usize);

#[component]
pub fn HouseholdsPage() -> impl IntoView {
    let query = use_query_map();
    let key = move || -> Filter {
        let q = query.read();
        let num = |k: &str| q.get(k).and_then(|s| s.parse::<i64>().ok());
        (
            q.get("q").unwrap_or_default(),
            num("township"),
            num("village"),
            q.get("poor").unwrap_or_default(),
            q.get("page")
                .and_then(|p| p.parse::<usize>().ok())
                .unwrap_or(1),
        )
    };
    let data = server_data(key, |(q, township, village, poor, page)| {
        households_page(q, township, village, poor, page)
    });
    view! {
        <h1>"农户"</h1>
        <Transition fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok(Some(d)) => view! {
                        <Notice query=query.get_untracked() ok=&[] />
                        <HouseholdList data=d filter=key() />
                    }.into_any(),
                    Ok(None) => view! { <p class="notice error" role="alert">"农户名单由乡镇农技员管理。"</p> }.into_any(),
                    Err(_) => view! { <p class="notice error" role="alert">"页面暂时无法加载，请稍后再试。"</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn list_href(f: &Filter, page: usize) -> String {
    let (q, township, village, poor, _) = f;
    let num = |n: &Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    let query = serde_urlencoded::to_string([
        ("q", q.as_str()),
        ("township", &num(township)),
        ("village", &num(village)),
        ("poor", poor.as_str()),
        ("page", &page.to_string()),
    ])
    .unwrap_or_default();
    format!("/households?{query}")
}

#[component]
fn HouseholdList(data: HouseholdsPageData, filter: Filter) -> impl IntoView {
    let (q, township, village, poor, _) = filter.clone();
    let href = move |p: usize| list_href(&filter, p);
    let add = ServerAction::<AddHousehold>::new();
    let villages = data.villages.clone();
    view! {
        {data.may_edit.then(|| view! {
            <p class="actions">
                <a href="/import?kind=households" class="button secondary">"批量导入农户（CSV / Excel）"</a>
            </p>
        })}
        <form class="list-filter" method="get" action="/households" role="search">
            {township.map(|t| view! { <input type="hidden" name="township" value=t.to_string() /> })}
            <label>"搜索" <input type="search" name="q" value=q
                placeholder="户号、姓名或手机号" maxlength="40" /></label>
            {(!data.villages.is_empty()).then(|| view! {
                <label>"村" <select name="village">
                    <option value="">"全部村"</option>
                    {data.villages.iter().map(|(id, name)| {
                        let selected = village == Some(*id);
                        view! { <option value=id.to_string() selected=selected>{name.clone()}</option> }
                    }).collect_view()}
                </select></label>
            })}
            <label>"贫困户" <select name="poor">
                <option value="">"全部"</option>
                <option value="poor" selected=poor == "poor">"贫困户（含已脱贫）"</option>
                <option value="not_poor" selected=poor == "not_poor">"一般农户"</option>
            </select></label>
            <button type="submit">"筛选"</button>
        </form>
        <p class="muted">{format!("共 {} 户", data.total)}</p>
        <ul class="rows household-list">
            {data.lines.into_iter().map(|h| view! { <HouseholdRow h /> }).collect_view()}
        </ul>
        <Pager page=data.page pages=data.pages href />
        {(data.may_edit && !villages.is_empty()).then(|| view! {
            <details class="card">
                <summary>"新增农户"</summary>
                <ActionForm action=add>
                    <HouseholdFields villages=villages.clone() current=None />
                    <button type="submit">"保存"</button>
                </ActionForm>
            </details>
        })}
    }
}

#[component]
fn HouseholdRow(h: HouseholdLine) -> impl IntoView {
    view! {
        <li class="row">
            <a href=format!("/households/{}", h.id)><strong>{h.code.clone()}</strong> " " {h.head_name.clone()}</a>
            " · " {h.village.clone()} " · " {format!("{} 人", h.persons)}
            {(h.poor != "not_poor").then(|| view! { " " <span class="tag">{h.poor_label.clone()}</span> })}
            {h.account_id.is_some().then(|| view! { " " <span class="tag ok">"已开通账号"</span> })}
        </li>
    }
}

/// The household's fields, empty or filled with `current`.
#[component]
fn HouseholdFields(villages: Vec<(i64, String)>, current: Option<HouseholdLine>) -> impl IntoView {
    let c = current.clone();
    let village = c.as_ref().map(|h| h.village_id);
    let text = |f: fn(&HouseholdLine) -> String| c.as_ref().map(f).unwrap_or_default();
    let year = |y: Option<i32>| y.map(|y| y.to_string()).unwrap_or_default();
    let poor = text(|h| h.poor.clone());
    view! {
        <div class="field">
            <label for="hh-village">"村"</label>
            <select id="hh-village" name="village_id" required>
                {villages.into_iter().map(|(id, name)| {
                    view! { <option value=id.to_string() selected=village == Some(id)>{name}</option> }
                }).collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="hh-code">"户编号"</label>
            <input id="hh-code" name="code" required maxlength="32" value=text(|h| h.code.clone()) />
        </div>
        <div class="field">
            <label for="hh-head">"户主姓名"</label>
            <input id="hh-head" name="head_name" required maxlength="40" value=text(|h| h.head_name.clone()) />
        </div>
        <div class="field">
            <label for="hh-phone">"户主手机号（登录用）"</label>
            <input id="hh-phone" name="phone" type="tel" inputmode="numeric" maxlength="11"
                pattern="1[3-9][0-9]{9}" value=text(|h| h.phone.clone().unwrap_or_default()) />
        </div>
        <div class="field">
            <label for="hh-poor">"贫困状态"</label>
            <select id="hh-poor" name="poor">
                <option value="not_poor" selected=poor == "not_poor">"一般农户"</option>
                <option value="poor" selected=poor == "poor">"贫困户"</option>
                <option value="lifted" selected=poor == "lifted">"已脱贫"</option>
            </select>
        </div>
        <div class="field-row">
            <div class="field">
                <label for="hh-since">"识别年度"</label>
                <input id="hh-since" name="poor_since" inputmode="numeric" maxlength="4"
                    value=c.as_ref().map(|h| year(h.poor_since)).unwrap_or_default() />
            </div>
            <div class="field">
                <label for="hh-lifted">"脱贫年度"</label>
                <input id="hh-lifted" name="poor_lifted" inputmode="numeric" maxlength="4"
                    value=c.as_ref().map(|h| year(h.poor_lifted)).unwrap_or_default() />
            </div>
        </div>
    }
}

const OK: &[(&str, &str)] = &[
    ("created", "农户已添加。"),
    ("saved", "已保存。"),
    ("person", "家庭成员已保存。"),
];

#[component]
pub fn HouseholdPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        (
            params.read().get("id").and_then(|s| s.parse::<i64>().ok()),
            query.read().get("ok"),
            query.read().get("error"),
        )
    };
    let data = server_data(key, |(id, _, _)| async move {
        match id {
            Some(id) => household_page(id).await,
            None => Ok(None),
        }
    });
    view! {
        <Transition fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok(Some(d)) => view! {
                        <Notice query=query.get_untracked() ok=OK />
                        <Household detail=d />
                    }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(_) => view! { <p class="notice error" role="alert">"页面暂时无法加载，请稍后再试。"</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Household(detail: HouseholdDetail) -> impl IntoView {
    let edit = ServerAction::<EditHousehold>::new();
    let h = detail.household.clone();
    let id = h.id.to_string();
    let may_edit = detail.may_edit;
    let household_id = h.id;
    let for_edit = h.clone();
    let account = match (h.account_id, may_edit) {
        (Some(_), _) => view! { <p>"已开通农户账号（登录手机号 " {h.phone.clone()} "）。忘记密码请找管理员重置。"</p> }.into_any(),
        (None, true) => view! {
            <form method="post" action=format!("/households/{}/slip", h.id)>
                <button type="submit">"开通农户账号并打印登录条"</button>
            </form>
            <p class="muted">"用户主手机号登录，一次性密码首次登录后须修改。"</p>
        }.into_any(),
        (None, false) => view! { <p class="muted">"尚未开通账号。"</p> }.into_any(),
    };
    view! {
        <p><a href="/households">"‹ 全部农户"</a></p>
        <h1>{h.code.clone()} " " {h.head_name.clone()}</h1>
        <section class="card">
            <dl class="facts">
                <dt>"地点"</dt><dd>{h.township.clone()} " " {h.village.clone()}</dd>
                <dt>"手机"</dt><dd>{h.phone.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>"贫困状态"</dt><dd>{h.poor_label.clone()}</dd>
                <dt>"人口"</dt><dd>{format!("{} 人（登记 {} 人）", h.persons, h.members)}</dd>
            </dl>
            <h2>"账号"</h2>
            {account}
        </section>
        {may_edit.then(|| view! {
            <details class="card">
                <summary>"修改农户信息"</summary>
                <ActionForm action=edit>
                    <input type="hidden" name="household_id" value=id.clone() />
                    <HouseholdFields villages=detail.villages.clone() current=Some(for_edit.clone()) />
                    <button type="submit">"保存"</button>
                </ActionForm>
            </details>
        })}
        <section class="card">
            <h2>"家庭成员"</h2>
            <ul class="rows persons">
                {detail.persons.into_iter().map(|p| view! {
                    <li class="row"><Person p household=household_id may_edit /></li>
                }).collect_view()}
            </ul>
            {may_edit.then(|| view! { <NewPerson household=household_id /> })}
        </section>
    }
}

#[component]
fn Person(p: PersonLine, household: i64, may_edit: bool) -> impl IntoView {
    if !may_edit {
        return view! {
            <span>{p.name.clone()}</span>
            {p.phone.clone().map(|ph| view! { " · " {ph} })}
            " · " {if p.able_to_work { "可务工" } else { "不务工" }}
        }
        .into_any();
    }
    let save = ServerAction::<SavePerson>::new();
    view! {
        <ActionForm action=save attr:class="person-form">
            <input type="hidden" name="household_id" value=household.to_string() />
            <input type="hidden" name="person_id" value=p.id.to_string() />
            <input name="name" aria-label="姓名" required maxlength="40" value=p.name.clone() />
            <input name="phone" aria-label="手机号" type="tel" inputmode="numeric" maxlength="11"
                value=p.phone.clone().unwrap_or_default() />
            <label><input type="checkbox" name="able" checked=p.able_to_work /> "可务工"</label>
            <button type="submit" class="secondary">"保存"</button>
        </ActionForm>
    }
    .into_any()
}

#[component]
fn NewPerson(household: i64) -> impl IntoView {
    let save = ServerAction::<SavePerson>::new();
    view! {
        <h3>"添加成员"</h3>
        <ActionForm action=save attr:class="person-form">
            <input type="hidden" name="household_id" value=household.to_string() />
            <input name="name" aria-label="姓名" placeholder="姓名" required maxlength="40" />
            <input name="phone" aria-label="手机号" placeholder="手机号（可空）" type="tel" inputmode="numeric" maxlength="11" />
            <label><input type="checkbox" name="able" checked=true /> "可务工"</label>
            <button type="submit">"添加"</button>
        </ActionForm>
    }
}
