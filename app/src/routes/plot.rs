//! `/plots/:id`: one plot, its plantings, and the form that adds a planting.
//!
//! The form posts to the `add_planting` server function. Without wasm the browser follows the
//! redirect it answers with; hydrated, the router follows it without a reload. Either way a
//! refused form comes back as `?v_…=typed&e_…=code`, read here into messages next to the fields.

use crate::components::area::AreaText;
use crate::components::layout::NotFound;
use crate::components::load::server_data;
use crate::components::plot_form::{PlotForm, PlotFormState};
use crate::functions::plots::{AddPlanting, ChangeStatus, RetirePlot, SavePlot, get_plot};
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
    let change = ServerAction::<ChangeStatus>::new();
    let save = ServerAction::<SavePlot>::new();
    let retire = ServerAction::<RetirePlot>::new();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()));
    // Every navigation back from the form (added=…, or the errors) changes the query: reload.
    let data = server_data(
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
                match data().await {
                    Ok(Some(d)) => {
                        let form = FormState::from_query(&query.read_untracked());
                        let refused = PlotFormState::from_query(&query.read_untracked());
                        let manage = d.can_manage.then(|| view! { <ManagePlot plot=d.plot.clone() refused save retire /> });
                        view! { <PlotDetail data=d form add change /> {manage} }.into_any()
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
    pub status_changed: bool,
    /// Why the last status change was refused, as a message.
    pub status_error: Option<String>,
    pub saved: bool,
    pub retired_now: bool,
    /// Why the plot could not be retired (a code).
    pub retire_error: Option<String>,
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
            status_changed: q.get("changed").is_some(),
            status_error: q.get("status_error").map(|code| status_message(&code)),
            saved: q.get("saved").is_some(),
            retired_now: q.get("retired_now").is_some(),
            retire_error: q.get("retire_error"),
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
    change: ServerAction<ChangeStatus>,
) -> impl IntoView {
    let plot = data.plot;
    let today = data.today.clone();
    let can_plan = data.can_plan;
    // The status column shows when the caller may move any planting on.
    let status_column = plot.plantings.iter().any(|p| p.can_change);
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
        {form.saved.then(|| view! { <p class="notice ok" role="status">"地块已保存。"</p> })}
        {form.retired_now.then(|| view! { <p class="notice ok" role="status">"地块已停用，历史记录保留。"</p> })}
        {form.retire_error.clone().map(|code| {
            let m = if code == "already_retired" { "该地块已停用。" } else { "地块上还有未结束的种植，请先收获完毕或标记失败，再停用。" };
            view! { <p class="notice error" role="alert">{m}</p> }
        })}
        {form.status_changed.then(|| view! { <p class="notice ok" role="status">"状态已更新。"</p> })}
        {form.status_error.clone().map(|m| view! { <p class="notice error" role="alert">{m}</p> })}
        {(form.retired || (plot.retired && !form.retired_now)).then(|| view! { <p class="notice error" role="alert">"该地块已停用，不能再添加种植。"</p> })}
        <section class="card">
            <h2>"种植记录"</h2>
            {if plot.plantings.is_empty() {
                view! { <p class="empty">"还没有种植。"</p> }.into_any()
            } else {
                view! {
                    <table class="plantings-table">
                        <thead><tr><th>"作物"</th><th>"面积"</th><th>"种植日期"</th><th>"占地至"</th><th>"状态"</th><th>"预计采收"</th>{status_column.then(|| view! { <th>"更新状态"</th> })}</tr></thead>
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
                                    {status_column.then(|| view! {
                                        <td class="status-form">
                                            {(pl.can_change && !pl.status.next().is_empty()).then(|| view! {
                                                <StatusForm planting_id=pl.id next=pl.status.next() today=today.clone() change />
                                            })}
                                        </td>
                                    })}
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

/// The message for a refused status change, from its code.
fn status_message(code: &str) -> String {
    use tianlian_domain::status::StatusChangeError as E;
    [
        E::UnknownStatus,
        E::NotAllowed,
        E::BadDate,
        E::BeforePlanting,
        E::ReasonRequired,
    ]
    .into_iter()
    .find(|e| e.code() == code)
    .map_or_else(
        || "该种植刚被他人修改，请查看后再试。".to_owned(),
        |e| e.message(Lang::Zh).to_owned(),
    )
}

/// Moves one planting to a next status, on a date; a reason when it failed.
#[component]
fn StatusForm(
    planting_id: i64,
    next: &'static [PlantingStatus],
    today: String,
    change: ServerAction<ChangeStatus>,
) -> impl IntoView {
    let select_id = format!("status-{planting_id}");
    let date_id = format!("status-on-{planting_id}");
    let reason_id = format!("status-reason-{planting_id}");
    view! {
        <ActionForm action=change attr:class="status-change">
            <input type="hidden" name="planting_id" value=planting_id.to_string() />
            <label class="visually-hidden" for=select_id.clone()>"新状态"</label>
            <select id=select_id name="status">
                {next.iter().map(|s| view! { <option value=s.code()>{s.label(Lang::Zh)}</option> }).collect_view()}
            </select>
            <label class="visually-hidden" for=date_id.clone()>"日期"</label>
            <input id=date_id type="date" name="on" value=today />
            <label class="visually-hidden" for=reason_id.clone()>"失败原因"</label>
            <input id=reason_id name="reason" placeholder="失败原因（失败时填）" />
            <button type="submit">"更新"</button>
        </ActionForm>
    }
}

/// Edit and retire, for those who manage the township's plots.
#[component]
fn ManagePlot(
    plot: crate::models::PlotSummary,
    refused: Option<PlotFormState>,
    save: ServerAction<SavePlot>,
    retire: ServerAction<RetirePlot>,
) -> impl IntoView {
    let open = refused.is_some();
    let state = refused.unwrap_or_else(|| PlotFormState {
        code: plot.code.clone(),
        area: plot.area.to_string(),
        owner: plot.owner_code.clone().unwrap_or_default(),
        irrigation: plot.irrigation.clone(),
        notes: plot.notes.clone(),
        ..PlotFormState::default()
    });
    let id = plot.id;
    (!plot.retired).then(move || view! {
        <details class="card edit-plot" open=open>
            <summary>"修改地块"</summary>
            <PlotForm action=save state plot_id=id submit="保存修改" />
        </details>
        <section class="card retire-plot">
            <h2>"停用地块"</h2>
            <p class="muted">"地块停用后不再出现在地块列表中，种植历史保留。地块上所有种植须已完成或失败。"</p>
            <ActionForm action=retire>
                <input type="hidden" name="plot_id" value=id.to_string() />
                <button type="submit" class="danger">"停用该地块"</button>
            </ActionForm>
        </section>
    })
}
