//! `/forecast`: when will a planting be ready (P10–P90), and when must it be planted to reach the
//! Spring Festival market (倒排工期); with the year's solar terms. Plain GET forms: the whole page
//! works without JavaScript.

use crate::components::load::server_data;
use crate::functions::forecast::forecast_page;
use crate::models::{BackwardView, CropOption, ForecastForm, ForecastView, SiteOption, TermView};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use tianlian_domain::Lang;
use tianlian_domain::forecast::{self, Protection};

/// The crop's Chinese name for the type list's groups.
fn crop_name(code: &str) -> &'static str {
    match code {
        "celtuce" => "莴笋",
        "cauliflower" => "花菜",
        _ => "其他",
    }
}

#[component]
pub fn ForecastPage() -> impl IntoView {
    let query = use_query_map();
    let form = Memo::new(move |_| {
        let q = query.read();
        let field = |k: &str| q.get(k).unwrap_or_default();
        ForecastForm {
            crop: field("crop"),
            crop_type: field("crop_type"),
            site: field("site"),
            protection: field("protection"),
            planted_on: field("planted_on"),
            area: field("area"),
            market_year: field("market_year"),
            days_before: field("days_before"),
        }
    });
    let data = server_data(move || form.get(), forecast_page);
    view! {
        <h1>"采收预测与倒排工期"</h1>
        <Transition fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok(d) => view! {
                        <ForecastFormView form=d.form.clone() crops=d.crops sites=d.sites />
                        <ForecastResult forecast=d.forecast />
                        <BackwardResult backward=d.backward form=d.form />
                        <Terms terms=d.terms spring_festival=d.spring_festival />
                    }
                    .into_any(),
                    Err(_) => view! {
                        <p class="notice error" role="alert">"预测暂时无法计算，请稍后再试。"</p>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ForecastFormView(
    form: ForecastForm,
    crops: Vec<CropOption>,
    sites: Vec<SiteOption>,
) -> impl IntoView {
    let option = |value: String, label: String, current: &str| {
        let selected = value == current;
        view! { <option value=value selected=selected>{label}</option> }
    };
    view! {
        <form method="get" action="/forecast" class="card form-grid">
            <label>"作物"
                <select name="crop">
                    {crops.into_iter().map(|c| option(c.code, c.name_zh, &form.crop)).collect_view()}
                </select>
            </label>
            <label>"品种类型"
                <select name="crop_type">
                    <option value="" selected=form.crop_type.is_empty()>"自动选择"</option>
                    {forecast::CROP_MODELS
                        .chunk_by(|a, b| a.code == b.code)
                        .filter(|types| types.len() > 1)
                        .map(|types| {
                            let crop = types[0].code;
                            view! {
                                <optgroup label=crop_name(crop)>
                                    {types
                                        .iter()
                                        .map(|m| {
                                            let selected = form.crop == crop && form.crop_type == m.kind;
                                            view! { <option value=m.kind selected=selected>{m.kind_zh}</option> }
                                        })
                                        .collect_view()}
                                </optgroup>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>"地点"
                <select name="site">
                    {sites.into_iter().map(|s| option(s.code, s.name_zh, &form.site)).collect_view()}
                </select>
            </label>
            <label>"覆盖"
                <select name="protection">
                    {Protection::ALL
                        .into_iter()
                        .map(|p| option(p.code().into(), p.label(Lang::Zh).into(), &form.protection))
                        .collect_view()}
                </select>
            </label>
            <label>"种植日期"
                <input type="date" name="planted_on" value=form.planted_on.clone() required />
            </label>
            <label>"面积（亩）"
                <input type="text" inputmode="decimal" name="area" value=form.area.clone() />
            </label>
            <label>"上市：春节年份"
                <input type="number" name="market_year" min="1901" max="2100" value=form.market_year.clone() />
            </label>
            <label>"春节前天数"
                <input type="number" name="days_before" min="0" max="180" value=form.days_before.clone() />
            </label>
            <button type="submit">"计算"</button>
        </form>
    }
}

#[component]
fn ForecastResult(forecast: Result<ForecastView, String>) -> impl IntoView {
    match forecast {
        Ok(f) => view! {
            <section class="card" aria-labelledby="forecast-h">
                <h2 id="forecast-h">"采收预测"</h2>
                <p>{format!("品种类型：{}{}", f.crop_type_zh, if f.type_picked { "（按日期和地点自动选择）" } else { "" })}</p>
                <p class="big">{format!("开始采收：{}", f.harvest_start)}</p>
                <p>{format!("十年中有八年在 {} 至 {} 之间开始（P10–P90）", f.harvest_start_p10, f.harvest_start_p90)}</p>
                <p>{format!("采收高峰 {} · 采收结束 {}", f.harvest_peak, f.harvest_end)}</p>
                <p>{format!("预计产量 {} 公斤", f.yield_kg)}</p>
                <p class="muted">{format!("日期指{}日期；{}。", f.planted_as_zh, f.spread_zh)}</p>
            </section>
        }
        .into_any(),
        Err(message) => view! { <p class="notice error" role="alert">{message}</p> }.into_any(),
    }
}

#[component]
fn BackwardResult(backward: Result<BackwardView, String>, form: ForecastForm) -> impl IntoView {
    match backward {
        Ok(b) => view! {
            <section class="card" aria-labelledby="backward-h">
                <h2 id="backward-h">"倒排工期"</h2>
                <p>{format!("上市日期 {}（{} 年春节前 {} 天）· {}", b.market_date, form.market_year, form.days_before, b.crop_type_zh)}</p>
                <p class="big">{format!("最晚种植：{}（五成把握）", b.latest_p50)}</p>
                <p>{match b.latest_p90 {
                    Some(d) => format!("九成把握须在 {d} 前种下"),
                    None => "没有日期能有九成把握".to_owned(),
                }}</p>
                <p>{match b.earliest {
                    Some(d) => format!("最早适宜种植：{d}"),
                    None => "没有适宜的最早日期".to_owned(),
                }}</p>
                {(!b.latest_in_window).then(|| view! {
                    <p class="notice">"注意：最晚日期不在该作物通常的种植期内。"</p>
                })}
            </section>
        }
        .into_any(),
        Err(message) => view! { <p class="notice error" role="alert">{message}</p> }.into_any(),
    }
}

#[component]
fn Terms(terms: Vec<TermView>, spring_festival: Option<chrono::NaiveDate>) -> impl IntoView {
    view! {
        <details class="card">
            <summary>
                {spring_festival.map(|d| format!("春节 {d} · 二十四节气")).unwrap_or_else(|| "二十四节气".into())}
            </summary>
            <ul class="terms">
                {terms
                    .into_iter()
                    .map(|t| view! { <li>{format!("{} {}", t.name_zh, t.date.format("%m-%d"))}</li> })
                    .collect_view()}
            </ul>
        </details>
    }
}
