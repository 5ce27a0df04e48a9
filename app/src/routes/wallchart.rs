//! `/wallchart` (挂图): plantings by village and crop from the first planting to the end of
//! harvest, with today, the targets' deadlines and the Spring Festival marked. Scrolls sideways
//! on a phone; prints on A4 landscape.

use crate::components::load::server_data;
use crate::functions::market::wall_chart;
use crate::models::WallChartData;
use chrono::{Datelike, Duration, NaiveDate};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

const DAY: f64 = 4.0;
const ROW: f64 = 40.0;
const TOP: f64 = 28.0;

#[component]
pub fn WallChartPage() -> impl IntoView {
    let query = use_query_map();
    let data = server_data(
        move || query.get(),
        |q| wall_chart(q.get("township").and_then(|t| t.parse().ok())),
    );
    view! {
        <h1>"挂图作战"</h1>
        <Transition fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok(Some(d)) => view! { <WallChart data=d /> }.into_any(),
                    Ok(None) => view! { <p class="empty">"没有可查看的乡镇。"</p> }.into_any(),
                    Err(_) => view! {
                        <p class="notice error" role="alert">"挂图暂时无法加载，请稍后再试。"</p>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn WallChart(data: WallChartData) -> impl IntoView {
    let (Some(from), Some(to)) = (data.from, data.to) else {
        return view! { <p class="empty">"还没有种植。"</p> }.into_any();
    };
    let start = NaiveDate::from_ymd_opt(from.year(), from.month(), 1).unwrap_or(from);
    let end = to.max(data.spring_festival.unwrap_or(to)).max(data.today) + Duration::days(14);
    let x = move |d: NaiveDate| ((d - start).num_days() as f64) * DAY;
    let width = x(end);
    let height = TOP + ROW * data.rows.len() as f64 + 8.0;
    let months: Vec<NaiveDate> = start
        .iter_days()
        .take_while(|d| *d <= end)
        .filter(|d| d.day() == 1)
        .collect();
    let line = |d: NaiveDate, class: &'static str, label: String| {
        view! {
            <g class=class>
                <line x1=x(d) y1=TOP - 6.0 x2=x(d) y2=height />
                <text x=x(d) + 3.0 y=TOP - 8.0>{label}</text>
            </g>
        }
    };
    let township = data.township.clone();
    view! {
        <p class="muted">
            {format!("{} · 棕色为种植期，绿色为预计采收期（P50）；红线为今天。", township)}
        </p>
        <div class="wall-scroll">
            <svg class="wall" width=width height=height viewBox=format!("0 0 {width} {height}")
                role="img" aria-label=format!("{township}挂图")>
                {months.into_iter().map(|m| view! {
                    <g class="month">
                        <line x1=x(m) y1=0.0 x2=x(m) y2=height />
                        <text x=x(m) + 3.0 y=12.0>{format!("{}月", m.month())}</text>
                    </g>
                }).collect_view()}
                {data.rows.iter().enumerate().map(|(i, r)| {
                    let y = TOP + ROW * i as f64;
                    view! {
                        <g class="row">
                            <text x=x(r.plant_from) y=y + 12.0>{format!("{} {} 亩", r.label, r.area)}</text>
                            <rect class="planting" x=x(r.plant_from) y=y + 16.0
                                width=(x(r.plant_to) - x(r.plant_from)).max(DAY) height=14.0 />
                            {r.harvest_from.zip(r.harvest_to).map(|(a, b)| view! {
                                <rect class="harvest" x=x(a) y=y + 16.0 width=(x(b) - x(a)).max(DAY) height=14.0 />
                            })}
                        </g>
                    }
                }).collect_view()}
                {data.deadlines.into_iter().map(|(d, label)| line(d, "deadline", label)).collect_view()}
                {data.spring_festival.map(|d| line(d, "festival", "春节".to_owned()))}
                {line(data.today, "today", "今天".to_owned())}
            </svg>
        </div>
        <ul class="wall-list">
            {data.rows.into_iter().map(|r| view! {
                <li>{format!(
                    "{}：{} 亩，种植 {}～{}，采收 {}",
                    r.label, r.area, r.plant_from.format("%m-%d"), r.plant_to.format("%m-%d"),
                    match (r.harvest_from, r.harvest_to) {
                        (Some(a), Some(b)) => format!("{}～{}", a.format("%m-%d"), b.format("%m-%d")),
                        _ => "—".to_owned(),
                    }
                )}</li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}
