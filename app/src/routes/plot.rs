//! `/plots/:id`: one plot, its plantings, and the form that adds a planting.
//!
//! The form posts to the `add_planting` server function. Without wasm the browser follows the
//! redirect it answers with; hydrated, the router follows it without a reload. Either way a
//! refused form comes back as `?v_…=typed&e_…=code`, read here into messages next to the fields.

use crate::components::area::AreaText;
use crate::components::layout::NotFound;
use crate::functions::plots::{AddPlanting, get_plot};
use crate::models::PlotPageData;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::params::ParamsMap;
use tianlian_domain::{Lang, Mu, PlantingError, PlantingField, PlantingStatus};

#[component]
pub fn PlotPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let add = ServerAction::<AddPlanting>::new();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()));
    // Every navigation back from the form (added=…, or the errors) changes the query: reload.
    let data = Resource::new(
        move || (id.get(), query.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_plot(id).await,
                None => Ok(None),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p>"加载中…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(d)) => {
                        let form = FormState::from_query(&query.read_untracked());
                        view! { <PlotDetail data=d form add /> }.into_any()
                    }
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(_) => {
                        view! { <p class="notice error" role="alert">"地块暂时无法加载，请稍后再试。"</p> }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// What the form showed last: typed values and an error per field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormState {
    pub crop: String,
    pub area: String,
    pub planted_on: String,
    pub status: String,
    pub errors: Vec<PlantingError>,
    pub added: bool,
    pub retired: bool,
    pub forbidden: bool,
}

impl FormState {
    /// Reads the redirect's query (see the module comment).
    pub fn from_query(q: &ParamsMap) -> Self {
        let text = |k: &str| q.get(k).unwrap_or_default();
        let remaining = q
            .get("remaining")
            .and_then(|r| r.parse::<i64>().ok())
            .map(Mu::from_centi);
        let errors = [
            PlantingField::Crop,
            PlantingField::Area,
            PlantingField::PlantedOn,
            PlantingField::Status,
        ]
        .into_iter()
        .filter_map(|f| q.get(&format!("e_{}", f.code())))
        .filter_map(|code| PlantingError::from_code(&code, remaining))
        .collect();
        FormState {
            crop: text("v_crop"),
            area: text("v_area"),
            planted_on: text("v_planted_on"),
            status: text("v_status"),
            errors,
            added: q.get("added").is_some(),
            retired: q.get("retired").is_some(),
            forbidden: q.get("forbidden").is_some(),
        }
    }

    fn error(&self, field: PlantingField) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field() == field)
            .map(|e| e.message(Lang::Zh))
    }
}

/// The message under a field, tied to it by `aria-describedby`.
#[component]
fn FieldError(id: &'static str, message: Option<String>) -> impl IntoView {
    message.map(|m| view! { <p class="field-error" id=id role="alert">{m}</p> })
}

#[component]
fn PlotDetail(
    data: PlotPageData,
    form: FormState,
    add: ServerAction<AddPlanting>,
) -> impl IntoView {
    let plot = data.plot;
    let can_plan = data.can_plan;
    let free = plot.area.saturating_sub(plot.held_today);
    let planted_on = if form.planted_on.is_empty() {
        data.today.clone()
    } else {
        form.planted_on.clone()
    };
    let crop_error = form.error(PlantingField::Crop);
    let area_error = form.error(PlantingField::Area);
    let date_error = form.error(PlantingField::PlantedOn);
    let status_error = form.error(PlantingField::Status);
    let invalid = |e: &Option<String>| if e.is_some() { "true" } else { "false" };
    let (crop_invalid, area_invalid, date_invalid) = (
        invalid(&crop_error),
        invalid(&area_error),
        invalid(&date_error),
    );
    let chosen_status = PlantingStatus::from_code(&form.status).unwrap_or(PlantingStatus::Planned);
    view! {
        <p><a href=format!("/plots?village={}", plot.village_id)>"← " {plot.township.clone()} " · " {plot.village.clone()}</a></p>
        <h1>{format!("地块 {}", plot.code)}</h1>
        <p class="muted">
            "户主：" {plot.owner.clone().unwrap_or_else(|| "—".into())} " · 面积 " <AreaText area=plot.area />
            {format!(" · 今日空闲 {free} 亩")}
        </p>
        {form.added.then(|| view! { <p class="notice ok" role="status">"已添加种植。"</p> })}
        {(form.retired || plot.retired).then(|| view! { <p class="notice error" role="alert">"该地块已停用，不能再添加种植。"</p> })}
        <section class="card">
            <h2>"种植记录"</h2>
            {if plot.plantings.is_empty() {
                view! { <p class="empty">"还没有种植。"</p> }.into_any()
            } else {
                view! {
                    <table class="plantings-table">
                        <thead><tr><th>"作物"</th><th>"面积"</th><th>"种植日期"</th><th>"占地至"</th><th>"状态"</th><th>"预计采收"</th></tr></thead>
                        <tbody>
                            {plot.plantings.into_iter().map(|pl| view! {
                                <tr>
                                    <td>{pl.crop_name_zh}</td>
                                    <td>{format!("{} 亩", pl.area)}</td>
                                    <td>{pl.planned_on}</td>
                                    <td>{pl.season_until}</td>
                                    <td><span class=format!("status status-{}", pl.status.code())>{pl.status.label(Lang::Zh)}</span></td>
                                    <td class="forecast">{pl.forecast.map(|f| format!(
                                        "{} 起（{}～{}），约 {} 公斤",
                                        f.harvest_start,
                                        f.harvest_start_p10.format("%m-%d"),
                                        f.harvest_start_p90.format("%m-%d"),
                                        f.yield_kg,
                                    )).unwrap_or_else(|| "—".into())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
        {form.forbidden.then(|| view! { <p class="notice error" role="alert">"您只能查看该地块，不能添加种植。"</p> })}
        {can_plan.then(move || view! {
        <section class="card">
            <h2>"添加种植"</h2>
            <ActionForm action=add attr:class="planting-form" attr:novalidate=true>
                <input type="hidden" name="plot_id" value=plot.id.to_string() />
                <div class="field">
                    <label for="crop">"作物"</label>
                    <select id="crop" name="crop" aria-invalid=crop_invalid aria-describedby="crop-error">
                        <option value="">"请选择作物"</option>
                        {data.crops.into_iter().map(|c| {
                            let selected = c.code == form.crop;
                            view! { <option value=c.code selected=selected>{c.name_zh}</option> }
                        }).collect_view()}
                    </select>
                    <FieldError id="crop-error" message=crop_error />
                </div>
                <div class="field">
                    <label for="area">"面积（亩）"</label>
                    <input id="area" name="area" inputmode="decimal" autocomplete="off" value=form.area.clone()
                        aria-invalid=area_invalid aria-describedby="area-error" />
                    <FieldError id="area-error" message=area_error />
                </div>
                <div class="field">
                    <label for="planted_on">"种植日期"</label>
                    <input id="planted_on" name="planted_on" type="date" value=planted_on
                        aria-invalid=date_invalid aria-describedby="planted_on-error" />
                    <FieldError id="planted_on-error" message=date_error />
                </div>
                <div class="field">
                    <label for="status">"状态"</label>
                    <select id="status" name="status" aria-describedby="status-error">
                        {[PlantingStatus::Planned, PlantingStatus::Planted].into_iter().map(|s| view! {
                            <option value=s.code() selected=s == chosen_status>{s.label(Lang::Zh)}</option>
                        }).collect_view()}
                    </select>
                    <FieldError id="status-error" message=status_error />
                </div>
                <button type="submit">"保存"</button>
            </ActionForm>
        </section>
        })}
    }
}
