//! `/accounts` (admins): every account, searched by phone or place, filtered by role and
//! status, 50 a page. `/accounts/:id`: one account, disable or enable it, give it a one-time
//! password (the answer is a printable slip), and its audit trail.

use crate::components::layout::NotFound;
use crate::components::load::server_data;
use crate::components::notice::Notice;
use crate::components::pager::Pager;
use crate::functions::onboard::{SetAccountDisabled, account_page, accounts_page};
use crate::models::{AccountDetail, AccountLine, AccountsPageData};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use tianlian_domain::access::Role;
use tianlian_domain::clock;

fn role_label(role: Role) -> &'static str {
    match role {
        Role::Admin => "管理员",
        Role::Agronomist => "农技员",
        Role::Cooperative => "合作社",
        Role::Farmer => "农户",
    }
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let query = use_query_map();
    let key = move || {
        let q = query.read();
        (
            q.get("q").unwrap_or_default(),
            q.get("role").unwrap_or_default(),
            q.get("status").unwrap_or_default(),
            q.get("page")
                .and_then(|p| p.parse::<usize>().ok())
                .unwrap_or(1),
        )
    };
    let data = server_data(key, |(q, role, status, page)| {
        accounts_page(q, role, status, page)
    });
    view! {
        <h1>"账号"</h1>
        <Transition fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok(Some(d)) => view! {
                        <Notice query=query.get_untracked() ok=&[] />
                        <AccountList data=d filter=key() />
                    }.into_any(),
                    Ok(None) => view! { <p class="notice error" role="alert">"只有管理员可以管理账号。"</p> }.into_any(),
                    Err(_) => view! { <p class="notice error" role="alert">"页面暂时无法加载，请稍后再试。"</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AccountList(data: AccountsPageData, filter: (String, String, String, usize)) -> impl IntoView {
    let (q, role, status, _) = filter;
    let href = {
        let (q, role, status) = (q.clone(), role.clone(), status.clone());
        move |p: usize| {
            let query = serde_urlencoded::to_string([
                ("q", q.as_str()),
                ("role", role.as_str()),
                ("status", status.as_str()),
                ("page", &p.to_string()),
            ])
            .unwrap_or_default();
            format!("/accounts?{query}")
        }
    };
    let roles = [
        Role::Admin,
        Role::Agronomist,
        Role::Cooperative,
        Role::Farmer,
    ];
    view! {
        <form class="list-filter" method="get" action="/accounts" role="search">
            <label>"搜索" <input type="search" name="q" value=q.clone()
                placeholder="手机号、乡镇、合作社或户号" maxlength="40" /></label>
            <label>"角色" <select name="role">
                <option value="">"全部"</option>
                {roles.into_iter().map(|r| {
                    let selected = r.code() == role;
                    view! { <option value=r.code() selected=selected>{role_label(r)}</option> }
                }).collect_view()}
            </select></label>
            <label>"状态" <select name="status">
                <option value="">"全部"</option>
                <option value="active" selected=status == "active">"正常"</option>
                <option value="disabled" selected=status == "disabled">"已停用"</option>
            </select></label>
            <button type="submit">"筛选"</button>
        </form>
        <details class="card">
            <summary>"新建账号"</summary>
            <form method="post" action="/accounts/new">
                <div class="field">
                    <label for="new-phone">"手机号"</label>
                    <input id="new-phone" name="phone" type="tel" inputmode="numeric" maxlength="11" required
                        pattern="1[3-9][0-9]{9}" />
                </div>
                <div class="field">
                    <label for="new-role">"角色"</label>
                    <select id="new-role" name="role">
                        <option value="farmer">"农户"</option>
                        <option value="agronomist">"农技员"</option>
                        <option value="cooperative">"合作社"</option>
                        <option value="admin">"管理员"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="new-township">"乡镇（农技员）"</label>
                    <select id="new-township" name="township_id">
                        <option value="">"—"</option>
                        {data.townships.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="new-coop">"合作社（合作社账号）"</label>
                    <select id="new-coop" name="cooperative_id">
                        <option value="">"—"</option>
                        {data.cooperatives.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="new-household">"户号（农户账号）"</label>
                    <input id="new-household" name="household_code" maxlength="32" autocomplete="off" />
                </div>
                <button type="submit">"创建并打印登录条"</button>
                <p class="muted">"新账号得到一次性密码，首次登录须修改。"</p>
            </form>
        </details>
        <p class="muted">{format!("共 {} 个账号", data.total)}</p>
        <ul class="rows account-list">
            {data.lines.into_iter().map(|a| view! { <AccountRow account=a /> }).collect_view()}
        </ul>
        <Pager page=data.page pages=data.pages href />
    }
}

#[component]
fn AccountRow(account: AccountLine) -> impl IntoView {
    let href = format!("/accounts/{}", account.id);
    view! {
        <li class=if account.disabled { "row disabled" } else { "row" }>
            <a href=href><strong>{account.phone.clone()}</strong></a>
            " · " {role_label(account.role)}
            {(!account.place.is_empty()).then(|| view! { " · " {account.place.clone()} })}
            {account.disabled.then(|| view! { " " <span class="tag warn">"已停用"</span> })}
            {account.must_change_password.then(|| view! { " " <span class="tag">"待改密码"</span> })}
        </li>
    }
}

const OK: &[(&str, &str)] = &[
    ("created", "账号已创建。"),
    ("disabled", "账号已停用，它的登录和令牌已全部失效。"),
    ("enabled", "账号已启用。"),
];

#[component]
pub fn AccountPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        (
            params.read().get("id").and_then(|s| s.parse::<i64>().ok()),
            query.read().get("ok"),
        )
    };
    let data = server_data(key, |(id, _)| async move {
        match id {
            Some(id) => account_page(id).await,
            None => Ok(None),
        }
    });
    view! {
        <Transition fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok(Some(d)) => view! {
                        <Notice query=query.get_untracked() ok=OK />
                        <Account detail=d />
                    }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(_) => view! { <p class="notice error" role="alert">"页面暂时无法加载，请稍后再试。"</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Account(detail: AccountDetail) -> impl IntoView {
    let toggle = ServerAction::<SetAccountDisabled>::new();
    let a = detail.account;
    let id = a.id.to_string();
    let slip_action = format!("/accounts/{}/slip", a.id);
    view! {
        <p><a href="/accounts">"‹ 全部账号"</a></p>
        <h1>{a.phone.clone()}</h1>
        <section class="card">
            <dl class="facts">
                <dt>"角色"</dt><dd>{role_label(a.role)}</dd>
                <dt>"范围"</dt><dd>{if a.place.is_empty() { "全县".to_owned() } else { a.place.clone() }}</dd>
                {a.household_id.map(|h| view! {
                    <dt>"农户"</dt><dd><a href=format!("/households/{h}")>"查看农户"</a></dd>
                })}
                <dt>"状态"</dt><dd>{if a.disabled { "已停用" } else { "正常" }}
                    {a.must_change_password.then_some("（下次登录须改密码）")}</dd>
                <dt>"创建"</dt><dd>{clock::china_day(a.created_at).to_string()}</dd>
            </dl>
            <div class="actions">
                {(!detail.is_self).then(|| view! {
                    <ActionForm action=toggle>
                        <input type="hidden" name="account_id" value=id.clone() />
                        <input type="hidden" name="disabled" value=if a.disabled { "0" } else { "1" } />
                        <button type="submit" class=if a.disabled { "" } else { "danger" }>
                            {if a.disabled { "启用账号" } else { "停用账号" }}
                        </button>
                    </ActionForm>
                })}
                <form method="post" action=slip_action>
                    <button type="submit" class="secondary">"重置为一次性密码并打印登录条"</button>
                </form>
            </div>
            <p class="muted">"停用后，该账号所有已登录的手机立即退出，令牌作废。重置密码后须在下次登录时修改。"</p>
        </section>
        <section class="card">
            <h2>"操作记录"</h2>
            {if detail.trail.is_empty() {
                view! { <p class="muted">"暂无记录。"</p> }.into_any()
            } else {
                view! {
                    <ul class="rows audit-trail">
                        {detail.trail.into_iter().map(|t| {
                            let by = t.by.map(|b| format!("账号 {b}")).unwrap_or_else(|| "命令行".into());
                            view! {
                                <li class="row">
                                    <time>{clock::china_minute(t.at)}</time>
                                    " · " {by} " · " {t.action} " " {t.entity}
                                    {t.entity_id.map(|e| format!(" {e}"))}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
