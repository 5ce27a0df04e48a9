//! `/coop`: a cooperative's work — shifts (post one), labour demand against members able to
//! work, the alliance's households, land transfer contracts with payments, dividends.
//! Agronomists see their township's cooperatives read-only; `?coop=ID` picks one. The first
//! screen shows the first rows of each list; `?list=shifts|members|leases` shows one list whole,
//! 50 rows a page (`&page=N`), members and leases searched by `&q=`.

use crate::components::area::AreaText;
use crate::components::load::server_data;
use crate::components::notice::Notice;
use crate::components::outbox::Outbox;
use crate::components::pager::Pager;
use crate::functions::alliance::{
    AddDividend, AddMember, CreateLease, LeaveAlliance, PayLease, PostShift, coop_page,
};
use crate::models::{AllianceView, CoopList, CoopPageData, LeaseView};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const OK: &[(&str, &str)] = &[
    ("lease", "流转合同已保存。"),
    ("paid", "已记为支付。"),
    ("dividend", "分红已记录。"),
    ("member", "已加入联合体。"),
    ("left", "已退出联合体，记录保留。"),
];

#[component]
pub fn CoopPage() -> impl IntoView {
    let query = use_query_map();
    let data = server_data(
        move || query.get(),
        |q| {
            let page = q.get_str("page").and_then(|p| p.parse().ok()).unwrap_or(1);
            coop_page(
                q.get("coop").and_then(|c| c.parse::<i64>().ok()),
                q.get("list"),
                q.get("q"),
                page,
            )
        },
    );
    view! {
        <h1>"合作社"</h1>
        <Transition fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok(d) if d.cooperative.is_some() => view! {
                        <Notice query=query.get_untracked() ok=OK />
                        <Coop data=d />
                    }.into_any(),
                    Ok(_) => view! { <p class="empty">"没有可查看的合作社。农户请看“我的收入”。"</p> <p><a href="/my/pay">"我的收入"</a></p> }.into_any(),
                    Err(_) => view! { <p class="notice error" role="alert">"页面暂时无法加载，请稍后再试。"</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Coop(data: CoopPageData) -> impl IntoView {
    let post = ServerAction::<PostShift>::new();
    let coop = data.cooperative.clone().expect("checked by the caller");
    let cid = coop.id.to_string();
    let manage = data.can_manage;
    let (form_cid, form_today) = (cid.clone(), data.today.clone());
    let (form_tasks, form_plots) = (data.tasks.clone(), data.plots.clone());
    let chips = (data.cooperatives.len() > 1).then(|| {
        data.cooperatives.iter().map(|c| {
            let here = c.id == coop.id;
            view! { <a href=format!("/coop?coop={}", c.id) aria-current=if here { Some("page") } else { None }>{c.name.clone()}</a> }
        }).collect_view()
    });
    let list = data.list;
    let href = {
        let cid = cid.clone();
        move |list: CoopList, q: &str, page: usize| list_href(&cid, list, q, page)
    };
    let lists = view! {
        <nav class="chips" aria-label="合作社名单">
            <a href=href(CoopList::Summary, "", 1) aria-current=(list == CoopList::Summary).then_some("page")>"首页"</a>
            <a href=href(CoopList::Shifts, "", 1) aria-current=(list == CoopList::Shifts).then_some("page")>{format!("班次 {}", data.shift_total)}</a>
            <a href=href(CoopList::Members, "", 1) aria-current=(list == CoopList::Members).then_some("page")>{format!("成员 {}", data.member_total)}</a>
            <a href=href(CoopList::Leases, "", 1) aria-current=(list == CoopList::Leases).then_some("page")>{format!("流转 {}", data.lease_total)}</a>
        </nav>
    };
    if list != CoopList::Summary {
        return view! {
            {chips.map(|c| view! { <nav class="chips" aria-label="选择合作社">{c}</nav> })}
            <h2 class="coop-name">{coop.name.clone()}</h2>
            {lists}
            <ListPage data cid href />
        }
        .into_any();
    }
    let more = |n: usize, shown: usize, list: CoopList, what: &'static str| {
        (n > shown)
            .then(|| view! { <p><a href=href(list, "", 1)>{format!("全部{what}（{n}）→")}</a></p> })
    };
    let shifts_more = more(
        data.shift_total,
        data.shifts.len(),
        CoopList::Shifts,
        "班次",
    );
    let shown_members: usize = data.alliances.iter().map(|a| a.members.len()).sum();
    let members_more = more(data.member_total, shown_members, CoopList::Members, "成员");
    let leases_more = more(
        data.lease_total,
        data.leases.len(),
        CoopList::Leases,
        "流转合同",
    );
    let lease_head = (data.lease_total, data.lease_area, data.leases_ending);
    view! {
        {chips.map(|c| view! { <nav class="chips" aria-label="选择合作社">{c}</nav> })}
        <h2 class="coop-name">{coop.name.clone()}</h2>
        {lists}
        <Outbox />
        <ToDo data=data.clone() cid=cid.clone() />
        <p><a href="/benefit">"联农带农效益报告 →"</a></p>
        <section class="card">
            <h2>"班次"</h2>
            <ShiftList shifts=data.shifts />
            {shifts_more}
            {manage.then(move || view! {
                <details class="new-shift">
                    <summary>"发布班次"</summary>
                    <ActionForm action=post attr:class="shift-form">
                        <input type="hidden" name="cooperative_id" value=form_cid />
                        <div class="field"><label for="shift-date">"日期"</label>
                            <input id="shift-date" name="date" type="date" value=form_today /></div>
                        <div class="field"><label for="shift-task">"农事"</label>
                            <select id="shift-task" name="task">
                                {form_tasks.into_iter().map(|(code, name)| view! { <option value=code>{name}</option> }).collect_view()}
                            </select></div>
                        <div class="field"><label for="shift-plot">"地块（可空）"</label>
                            <select id="shift-plot" name="plot_id">
                                <option value="">"—"</option>
                                {form_plots.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                            </select></div>
                        <div class="field"><label for="shift-headcount">"人数"</label>
                            <input id="shift-headcount" name="headcount" inputmode="numeric" value="10" /></div>
                        <div class="field"><label for="shift-hours">"工时（小时）"</label>
                            <input id="shift-hours" name="hours" inputmode="decimal" value="8" /></div>
                        <div class="field"><label for="shift-wage">"时薪（元，默认合作社标准）"</label>
                            <input id="shift-wage" name="hourly_yuan" inputmode="decimal" placeholder="10" /></div>
                        <button type="submit">"发布"</button>
                    </ActionForm>
                </details>
            })}
        </section>
        <section class="card" id="labour">
            <h2>"用工需求"</h2>
            <p>
                {format!("联合体可出工 {} 人", data.able_workers)}
                {data.peak_day.clone().map(|d| format!("；本季高峰 {d} 需 {} 人/天", data.peak_workers))}
            </p>
            {if data.short_days.is_empty() {
                view! { <p class="muted">"今后没有缺工的日子。"</p> }.into_any()
            } else {
                let n = data.short_days.len();
                view! {
                    <p class="notice error">{format!("今后有 {n} 天缺工（需要外聘或调整进度）：")}</p>
                    <table class="short-days">
                        <thead><tr><th>"日期"</th><th>"需要"</th><th>"缺"</th></tr></thead>
                        <tbody>
                            {data.short_days.into_iter().take(14).map(|d| view! {
                                <tr><td>{d.date}</td><td>{d.workers}</td><td>{d.short_by}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
        {data.alliances.into_iter().map(|a| view! { <Alliance a manage cid=cid.clone() /> }).collect_view()}
        {members_more}
        <Leases leases=data.leases head=lease_head manage cid=cid.clone() plots=data.plots today=data.today />
        {leases_more}
        {manage.then(|| view! { <DividendForm cid=cid.clone() /> <PersonsNote /> })}
    }
    .into_any()
}

/// What needs doing first: today's and tomorrow's shifts with staffed/needed, days with wages
/// owed (to their day sheet), lease payments due, and days short of workers.
#[component]
fn ToDo(data: CoopPageData, cid: String) -> impl IntoView {
    let today = data.today.parse::<chrono::NaiveDate>().ok();
    let tomorrow = today.and_then(|d| d.succ_opt()).map(|d| d.to_string());
    let soon: Vec<_> = data
        .shifts
        .iter()
        .filter(|s| s.day == data.today || Some(&s.day) == tomorrow.as_ref())
        .cloned()
        .collect();
    let when = {
        let today = data.today.clone();
        move |day: &str| if day == today { "今天" } else { "明天" }
    };
    let short = data.short_days.len();
    let (due, due_amount) = (data.payments_due, data.payments_due_amount);
    let leases = list_href(&cid, CoopList::Leases, "", 1);
    let nothing = soon.is_empty() && data.unsettled.is_empty() && due == 0 && short == 0;
    view! {
        <section class="card todo">
            <h2>"待办"</h2>
            {nothing.then(|| view! { <p class="muted">"今明两天没有班次，工资和流转费都已结清。"</p> })}
            <ul class="todo-list">
                {soon.into_iter().map(|s| {
                    let gap = (s.headcount - s.assigned).max(0);
                    view! {
                        <li class={if gap > 0 { "warn" } else { "" }}>
                            <a href=format!("/shifts/{}", s.id)>{format!("{} {}", when(&s.day), s.task_zh)}</a>
                            {format!(" 已安排 {}/{} 人", s.assigned, s.headcount)}
                            {(gap > 0).then(|| format!("，缺 {gap} 人"))}
                        </li>
                    }
                }).collect_view()}
                {data.unsettled.iter().map(|u| view! {
                    <li class="warn">
                        <a href=format!("/coop/{cid}/days/{}", u.day)>{format!("{} 日结单", u.day)}</a>
                        {format!(" 未付工资 {}", u.owed)}
                    </li>
                }).collect_view()}
                {(due > 0).then(|| view! {
                    <li><a href=leases>{format!("{due} 笔流转费 30 天内到期或已逾期")}</a>{format!("，共 {due_amount}")}</li>
                })}
                {(short > 0).then(|| view! { <li class="warn"><a href="#labour">{format!("今后 {short} 天缺工")}</a></li> })}
            </ul>
        </section>
    }
}

/// `/coop?coop=ID&list=…&q=…&page=N`.
fn list_href(cid: &str, list: CoopList, q: &str, page: usize) -> String {
    let mut pairs: Vec<(&str, String)> = vec![("coop", cid.to_owned())];
    if list != CoopList::Summary {
        pairs.push(("list", list.code().to_owned()));
    }
    if !q.is_empty() {
        pairs.push(("q", q.to_owned()));
    }
    if page > 1 {
        pairs.push(("page", page.to_string()));
    }
    format!(
        "/coop?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

/// One of the cooperative's lists, a page at a time, with a search for members and leases.
#[component]
fn ListPage(
    data: CoopPageData,
    cid: String,
    href: impl Fn(CoopList, &str, usize) -> String + 'static,
) -> impl IntoView {
    let list = data.list;
    let (page, pages) = (data.page, data.pages);
    let search = data.search.clone();
    let pager = view! { <Pager page pages href=move |p| href(list, &search, p) /> };
    let form = (list != CoopList::Shifts).then(|| view! {
        <form class="list-filter" method="get" action="/coop" role="search">
            <input type="hidden" name="coop" value=cid.clone() />
            <input type="hidden" name="list" value=list.code() />
            <label>"搜索" <input type="search" name="q" value=data.search.clone() maxlength="40"
                placeholder=if list == CoopList::Leases { "户主、地块号或村" } else { "户主或户号" } /></label>
            <button type="submit">"筛选"</button>
        </form>
    });
    let manage = data.can_manage;
    let body = match list {
        CoopList::Shifts => view! {
            <section class="card">
                <h2>{format!("今天起的班次（{}）", data.shift_total)}</h2>
                <ShiftList shifts=data.shifts />
            </section>
        }.into_any(),
        CoopList::Members => view! {
            {data.alliances.into_iter().map(|a| view! { <Alliance a manage cid=cid.clone() /> }).collect_view()}
        }.into_any(),
        _ => {
            let head = (data.lease_total, data.lease_area, data.leases_ending);
            view! { <Leases leases=data.leases head manage cid=cid.clone() plots=data.plots today=data.today /> }.into_any()
        }
    };
    view! { {form} {body} {pager} }
}

/// Shifts with their staffing, each linking to its page.
#[component]
fn ShiftList(shifts: Vec<crate::models::ShiftView>) -> impl IntoView {
    if shifts.is_empty() {
        return view! { <p class="empty">"今天起没有班次。"</p> }.into_any();
    }
    view! {
        <ul class="shift-list">
            {shifts.into_iter().map(|s| view! {
                <li>
                    <a href=format!("/shifts/{}", s.id)>{format!("{} {}", s.day, s.task_zh)}</a>
                    <span class="muted">{format!(" {}/{} 人 · {} 小时 · {}/小时", s.assigned, s.headcount, s.hours, s.hourly)}</span>
                </li>
            }).collect_view()}
        </ul>
    }.into_any()
}

#[component]
fn Alliance(a: AllianceView, manage: bool, cid: String) -> impl IntoView {
    let add = ServerAction::<AddMember>::new();
    let leave = ServerAction::<LeaveAlliance>::new();
    let mentors: Vec<(i64, String)> = a
        .members
        .iter()
        .filter(|m| m.role == "able" && m.left_on.is_none())
        .map(|m| (m.id, m.head_name.clone()))
        .collect();
    let alliance_id = a.id.to_string();
    let (current, poor) = (a.current, a.poor);
    view! {
        <section class="card">
            <h2>{a.name}</h2>
            <p class="muted">{format!("{current} 户（贫困户 {poor} 户）")}</p>
            <ul class="member-list">
                {a.members.into_iter().map(|m| {
                    let role = if m.role == "able" { "致富能人" } else { "成员" };
                    let left = m.left_on.is_some();
                    let member_id = m.id.to_string();
                    let cid = cid.clone();
                    view! {
                        <li class:left=left>
                            <strong>{m.head_name}</strong> " " <span class="muted">{m.household_code}</span> " "
                            <span class="badge">{role}</span>
                            {m.is_poor.then(|| view! { <span class="badge poor">"贫困户"</span> })}
                            {m.mentor.map(|t| view! { <span class="muted">{format!(" 帮扶人：{t}")}</span> })}
                            {m.left_on.map(|d| view! { <span class="muted">{format!(" 已于 {d} 退出")}</span> })}
                            {(manage && !left).then(|| view! {
                                <ActionForm action=leave attr:class="inline-form">
                                    <input type="hidden" name="cooperative_id" value=cid />
                                    <input type="hidden" name="member_id" value=member_id />
                                    <button type="submit" class="link-button">"退出"</button>
                                </ActionForm>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {manage.then(move || view! {
                <details>
                    <summary>"加入联合体"</summary>
                    <ActionForm action=add attr:class="shift-form">
                        <input type="hidden" name="cooperative_id" value=cid.clone() />
                        <input type="hidden" name="alliance_id" value=alliance_id />
                        <div class="field"><label for=format!("m-household-{}", a.id)>"户号"</label>
                            <input id=format!("m-household-{}", a.id) name="household" autocomplete="off" /></div>
                        <div class="field"><label for=format!("m-role-{}", a.id)>"角色"</label>
                            <select id=format!("m-role-{}", a.id) name="role">
                                <option value="member">"成员"</option>
                                <option value="able">"致富能人"</option>
                            </select></div>
                        <div class="field"><label for=format!("m-mentor-{}", a.id)>"帮扶人（贫困户必填）"</label>
                            <select id=format!("m-mentor-{}", a.id) name="mentor_id">
                                <option value="">"—"</option>
                                {mentors.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                            </select></div>
                        <button type="submit">"加入"</button>
                    </ActionForm>
                </details>
            })}
        </section>
    }
}

/// Who can be booked comes from the township's household register (#18): the cooperative sees
/// its alliance's households there and asks the township to add a person.
#[component]
fn PersonsNote() -> impl IntoView {
    view! {
        <section class="card">
            <p class="muted">"可出工人员由乡镇农技员在" <a href="/households">"农户"</a>
                "页登记（本社联合体的农户可在那里查看）。"</p>
        </section>
    }
}

#[component]
fn Leases(
    leases: Vec<LeaseView>,
    /// Contracts, their area and how many end within 60 days, over every page.
    head: (usize, tianlian_domain::Mu, usize),
    manage: bool,
    cid: String,
    plots: Vec<(i64, String)>,
    today: String,
) -> impl IntoView {
    let pay = ServerAction::<PayLease>::new();
    let create = ServerAction::<CreateLease>::new();
    let (count, total, soon) = head;
    let cid2 = cid.clone();
    view! {
        <section class="card">
            <h2>"土地流转"</h2>
            <p>{format!("{count} 份合同，共 ")} <AreaText area=total />
                {(soon > 0).then(|| view! { <strong class="warn">{format!(" · {soon} 份 60 天内到期")}</strong> })}</p>
            <ul class="lease-list">
                {leases.into_iter().map(|l| {
                    let cid = cid.clone();
                    let open: Vec<_> = l.payments.iter().filter(|p| p.paid_on.is_none()).cloned().collect();
                    let paid = l.payments.iter().filter(|p| p.paid_on.is_some()).count();
                    view! {
                        <li>
                            <strong>{format!("{} {} · {}", l.village, l.plot_code, l.household)}</strong>
                            {l.ending_soon.then(|| view! { <span class="badge warn">"即将到期"</span> })}
                            <p class="muted">{format!("{} 亩 · {}/亩/年 · {} 至 {} · {} · 已付 {paid} 期", l.area, l.fee_per_mu_year, l.starts_on, l.ends_on, l.schedule)}</p>
                            {open.into_iter().take(2).map(|p| {
                                let cid = cid.clone();
                                view! {
                                    <div class="payment" class:overdue=p.overdue>
                                        {format!("{} 应付 {}", p.due_on, p.amount)}
                                        {p.overdue.then_some(" （逾期）")}
                                        {manage.then(|| view! {
                                            <ActionForm action=pay attr:class="inline-form">
                                                <input type="hidden" name="payment_id" value=p.id.to_string() />
                                                <input type="hidden" name="cooperative_id" value=cid.clone() />
                                                <button type="submit">"记为已付"</button>
                                            </ActionForm>
                                        })}
                                    </div>
                                }
                            }).collect_view()}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {manage.then(move || view! {
                <details>
                    <summary>"新签流转合同"</summary>
                    <ActionForm action=create attr:class="shift-form">
                        <input type="hidden" name="cooperative_id" value=cid2 />
                        <div class="field"><label for="lease-plot">"地块"</label>
                            <select id="lease-plot" name="plot_id">
                                {plots.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                            </select></div>
                        <div class="field"><label for="lease-area">"面积（亩）"</label><input id="lease-area" name="area" inputmode="decimal" /></div>
                        <div class="field"><label for="lease-fee">"流转费（元/亩/年）"</label><input id="lease-fee" name="fee" inputmode="decimal" /></div>
                        <div class="field"><label for="lease-start">"起"</label><input id="lease-start" name="starts_on" type="date" value=today /></div>
                        <div class="field"><label for="lease-end">"止（含当日）"</label><input id="lease-end" name="ends_on" type="date" /></div>
                        <div class="field"><label for="lease-schedule">"付款方式"</label>
                            <select id="lease-schedule" name="schedule">
                                <option value="annual">"每年"</option>
                                <option value="quarterly">"每季"</option>
                                <option value="once">"一次付清"</option>
                            </select></div>
                        <button type="submit">"保存合同"</button>
                    </ActionForm>
                </details>
            })}
        </section>
    }
}

#[component]
fn DividendForm(cid: String) -> impl IntoView {
    let add = ServerAction::<AddDividend>::new();
    view! {
        <section class="card">
            <details>
                <summary>"记录分红"</summary>
                <ActionForm action=add attr:class="shift-form">
                    <input type="hidden" name="cooperative_id" value=cid />
                    <div class="field"><label for="div-household">"户号"</label><input id="div-household" name="household" placeholder="例如 demo-1-0-003" /></div>
                    <div class="field"><label for="div-amount">"金额（元）"</label><input id="div-amount" name="amount" inputmode="decimal" /></div>
                    <div class="field"><label for="div-note">"说明"</label><input id="div-note" name="note" /></div>
                    <button type="submit">"保存"</button>
                </ActionForm>
            </details>
        </section>
    }
}
