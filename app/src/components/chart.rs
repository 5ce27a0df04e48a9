//! A progress chart as inline SVG: cumulative planted mu against the straight line a target asks
//! for, with today marked. Rendered on the server, so it shows without JavaScript and prints.

use crate::models::ChartPoint;
use chrono::NaiveDate;
use leptos::prelude::*;

const W: f64 = 320.0;
const H: f64 = 140.0;
const PAD: f64 = 4.0;

/// The points up to `until` (all when `None`), placed over the whole span of `points`.
fn polyline(
    points: &[ChartPoint],
    max: f64,
    until: Option<NaiveDate>,
    value: impl Fn(&ChartPoint) -> f64,
) -> String {
    let n = points.len().max(2) - 1;
    points
        .iter()
        .enumerate()
        .take_while(|(_, p)| until.is_none_or(|u| p.date <= u))
        .map(|(i, p)| {
            let x = PAD + (W - 2.0 * PAD) * i as f64 / n as f64;
            let y = H - PAD - (H - 2.0 * PAD) * value(p) / max;
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Planted (solid) against required (dashed), from the start to the deadline.
#[component]
pub fn ProgressChart(points: Vec<ChartPoint>, today: NaiveDate, label: String) -> impl IntoView {
    let max = points
        .iter()
        .map(|p| p.required.as_f64().max(p.planted.as_f64()))
        .fold(1.0, f64::max);
    // What is planted is known up to today; the plan runs to the deadline.
    let planted = polyline(&points, max, Some(today), |p| p.planted.as_f64());
    let required = polyline(&points, max, None, |p| p.required.as_f64());
    let today_x = points
        .iter()
        .position(|p| p.date == today)
        .map(|i| PAD + (W - 2.0 * PAD) * i as f64 / (points.len().max(2) - 1) as f64);
    let (first, last) = (
        points.first().map(|p| p.date),
        points.last().map(|p| p.date),
    );
    let aria_label = label.clone();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=aria_label preserveAspectRatio="none">
                <title>{label}</title>
                <line class="axis" x1=PAD y1=H - PAD x2=W - PAD y2=H - PAD />
                <polyline class="required" points=required />
                <polyline class="planted" points=planted />
                {today_x.map(|x| view! { <line class="today" x1=x y1=PAD x2=x y2=H - PAD /> })}
            </svg>
            <figcaption>
                <span class="key planted">"实际累计"</span>
                <span class="key required">"计划进度"</span>
                {first.zip(last).map(|(f, l)| format!(" {} → {}", f.format("%m-%d"), l.format("%m-%d")))}
            </figcaption>
        </figure>
    }
}
