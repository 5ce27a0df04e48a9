//! The plot form (new plot on /plots, edit on /plots/:id). It posts to `save_plot`, which
//! redirects back with `?p_…=typed&pe_…=code` when refused; [`PlotFormState`] reads that.

use crate::functions::plots::SavePlot;
use crate::models::VillageOption;
use leptos::prelude::*;
use leptos_router::params::ParamsMap;
use tianlian_domain::plot::{Irrigation, PlotError};
use tianlian_domain::{Lang, Mu};

/// Typed values and errors of the last refused plot form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlotFormState {
    pub village: String,
    pub code: String,
    pub area: String,
    pub owner: String,
    pub irrigation: String,
    pub notes: String,
    pub errors: Vec<PlotError>,
}

impl PlotFormState {
    /// Reads the redirect's query; `None` when the form was not refused.
    pub fn from_query(q: &ParamsMap) -> Option<Self> {
        q.get("p_code")?;
        let text = |k: &str| q.get(k).unwrap_or_default();
        let planted = q
            .get("planted")
            .and_then(|p| p.parse::<i64>().ok())
            .map(Mu::from_centi);
        let errors = ["code", "area", "owner", "irrigation", "notes", "village"]
            .into_iter()
            .filter_map(|f| q.get(&format!("pe_{f}")))
            .filter_map(|code| PlotError::from_code(&code, planted))
            .collect();
        Some(PlotFormState {
            village: text("p_village"),
            code: text("p_code"),
            area: text("p_area"),
            owner: text("p_owner"),
            irrigation: text("p_irrigation"),
            notes: text("p_notes"),
            errors,
        })
    }

    fn error(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field() == field)
            .map(|e| e.message(Lang::Zh))
    }
}

/// One labelled text field with its error underneath.
#[component]
fn Field(
    name: &'static str,
    label: &'static str,
    value: String,
    error: Option<String>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let id = format!("plot-{name}");
    let error_id = format!("plot-{name}-error");
    let invalid = if error.is_some() { "true" } else { "false" };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id name=name value=value inputmode=inputmode autocomplete="off"
                aria-invalid=invalid aria-describedby=error_id.clone() placeholder=hint />
            {error.map(|m| view! { <p class="field-error" id=error_id role="alert">{m}</p> })}
        </div>
    }
}

/// The plot form. With `villages` it adds a plot to the chosen village; with `plot_id` it edits.
#[component]
pub fn PlotForm(
    action: ServerAction<SavePlot>,
    state: PlotFormState,
    #[prop(optional)] villages: Vec<VillageOption>,
    #[prop(optional)] plot_id: Option<i64>,
    submit: &'static str,
) -> impl IntoView {
    let village_error = state.error("village");
    let irrigation_error = state.error("irrigation");
    let chosen = Irrigation::parse(&state.irrigation).unwrap_or(Irrigation::Unknown);
    view! {
        <ActionForm action=action attr:class="plot-form" attr:novalidate=true attr:id="plot-form">
            {plot_id.map(|id| view! { <input type="hidden" name="plot_id" value=id.to_string() /> })}
            {(!villages.is_empty()).then(|| view! {
                <div class="field">
                    <label for="plot-village">"村"</label>
                    <select id="plot-village" name="village_id" aria-describedby="plot-village-error">
                        {villages.into_iter().map(|v| {
                            let selected = v.id.to_string() == state.village;
                            view! { <option value=v.id.to_string() selected=selected>{v.township} " · " {v.name}</option> }
                        }).collect_view()}
                    </select>
                    {village_error.map(|m| view! { <p class="field-error" id="plot-village-error" role="alert">{m}</p> })}
                </div>
            })}
            <Field name="code" label="地块编号" value=state.code.clone() error=state.error("code") />
            <Field name="area" label="地块面积（亩）" value=state.area.clone() error=state.error("area") inputmode="decimal" />
            <Field name="owner" label="户号（承包户，可空）" value=state.owner.clone() error=state.error("owner") hint="例如 FH-001" />
            <div class="field">
                <label for="plot-irrigation">"灌溉"</label>
                <select id="plot-irrigation" name="irrigation" aria-describedby="plot-irrigation-error">
                    {Irrigation::ALL.into_iter().map(|i| view! {
                        <option value=i.code() selected=i == chosen>{i.label(Lang::Zh)}</option>
                    }).collect_view()}
                </select>
                {irrigation_error.map(|m| view! { <p class="field-error" id="plot-irrigation-error" role="alert">{m}</p> })}
            </div>
            <Field name="notes" label="备注" value=state.notes.clone() error=state.error("notes") />
            <button type="submit">{submit}</button>
        </ActionForm>
    }
}
