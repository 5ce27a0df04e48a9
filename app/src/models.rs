//! Client types: plain serde values that cross from the server to the browser.
//! Storage rows stay on the server; these carry only what pages show.

use serde::{Deserialize, Serialize};
use tianlian_domain::access::Role;
use tianlian_domain::{Mu, PlantingStatus};

/// A crop in a form's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CropOption {
    pub code: String,
    pub name_zh: String,
}

/// A planting as a plot card shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlantingView {
    pub id: i64,
    pub crop_code: String,
    pub crop_name_zh: String,
    pub area: Mu,
    pub planned_on: String,
    pub season_until: String,
    pub status: PlantingStatus,
    /// From the engine, when the plot's township has a forecast site.
    pub forecast: Option<PlantingForecast>,
}

/// A planting's forecast as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlantingForecast {
    pub harvest_start: chrono::NaiveDate,
    pub harvest_start_p10: chrono::NaiveDate,
    pub harvest_start_p90: chrono::NaiveDate,
    pub harvest_end: chrono::NaiveDate,
    pub yield_kg: i64,
}

/// A plot with its plantings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlotSummary {
    pub id: i64,
    pub code: String,
    pub village_id: i64,
    pub village: String,
    pub township: String,
    pub owner: Option<String>,
    /// The owner household's code (`FH-001`), for the edit form.
    pub owner_code: Option<String>,
    /// An [`tianlian_domain::plot::Irrigation`] code (`""` when not given).
    pub irrigation: String,
    pub notes: String,
    pub area: Mu,
    /// Land held today by plantings that hold land.
    pub held_today: Mu,
    pub retired: bool,
    pub plantings: Vec<PlantingView>,
}

/// A village to filter by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VillageOption {
    pub id: i64,
    pub name: String,
    pub township: String,
}

/// The plots page: villages to choose from and the plots shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlotsPageData {
    pub villages: Vec<VillageOption>,
    /// Villages the caller may add plots to (empty: no "new plot" form).
    pub manage_villages: Vec<VillageOption>,
    pub plots: Vec<PlotSummary>,
}

/// One plot's page: the plot, its plantings and the crops a new planting may use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlotPageData {
    pub plot: PlotSummary,
    pub crops: Vec<CropOption>,
    /// Today on the server (the default planting date in the form).
    pub today: String,
    /// Whether the caller may add plantings here (else the form is not shown).
    pub can_plan: bool,
    /// Whether the caller may edit and retire the plot.
    pub can_manage: bool,
}

/// One bad line of an import, with its message in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportLine {
    pub line: usize,
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
}

/// What an import (or its dry run) found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    pub id: i64,
    /// `plots` or `plantings`.
    pub kind: String,
    pub dry_run: bool,
    /// Rows that passed every check (all of them, or the report lists errors).
    pub rows_ok: usize,
    /// Rows stored (0 for a dry run or a refused import).
    pub stored: usize,
    pub errors: Vec<ImportLine>,
    pub created_at: String,
}

/// The signed-in account, for the header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub phone: String,
    pub role: Role,
}

/// A forecast site in a form's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteOption {
    pub code: String,
    pub name_zh: String,
}

/// What the forecast page's forms hold (all text, as typed; empty means the default).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ForecastForm {
    pub crop: String,
    pub site: String,
    pub protection: String,
    pub planted_on: String,
    pub area: String,
    /// Spring Festival year of the market target, and days before it.
    pub market_year: String,
    pub days_before: String,
}

/// A forecast as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastView {
    pub planted_as_zh: String,
    pub harvest_start: chrono::NaiveDate,
    pub harvest_start_p10: chrono::NaiveDate,
    pub harvest_start_p90: chrono::NaiveDate,
    pub harvest_peak: chrono::NaiveDate,
    pub harvest_end: chrono::NaiveDate,
    pub yield_kg: i64,
    pub spread_zh: String,
}

/// A backward schedule as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackwardView {
    pub market_date: chrono::NaiveDate,
    pub latest_p50: chrono::NaiveDate,
    pub latest_p90: Option<chrono::NaiveDate>,
    pub earliest: Option<chrono::NaiveDate>,
    pub latest_in_window: bool,
}

/// A solar term on the page's calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TermView {
    pub name_zh: String,
    pub date: chrono::NaiveDate,
}

/// The forecast page: the form (filled with what was asked or the defaults), and the answers or
/// the message saying why there is none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastPageData {
    pub form: ForecastForm,
    pub crops: Vec<CropOption>,
    pub sites: Vec<SiteOption>,
    pub forecast: Result<ForecastView, String>,
    pub backward: Result<BackwardView, String>,
    pub spring_festival: Option<chrono::NaiveDate>,
    pub terms: Vec<TermView>,
}

/// Where a target applies, as a form's list shows it (`t:ID` a township, `v:ID` a village).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceOption {
    pub value: String,
    pub label: String,
}

/// One day of a progress chart (areas in mu).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChartPoint {
    pub date: chrono::NaiveDate,
    pub planted: Mu,
    pub required: Mu,
}

/// A target with its progress, as the progress page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetView {
    pub id: i64,
    pub place: String,
    pub crops: String,
    pub area: Mu,
    pub starts_on: chrono::NaiveDate,
    pub deadline: chrono::NaiveDate,
    pub planted: Mu,
    /// e.g. `62.50%`
    pub percent: String,
    pub days_left: i64,
    pub per_day: Mu,
    pub state_zh: String,
    pub on_track: bool,
    pub required_today: Mu,
    pub by_village: Vec<(String, Mu)>,
    pub chart: Vec<ChartPoint>,
    pub today: chrono::NaiveDate,
}

/// The progress page: targets in the caller's scope, and the form's choices when they may add.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetsPageData {
    pub targets: Vec<TargetView>,
    pub can_edit: bool,
    pub places: Vec<PlaceOption>,
    pub crops: Vec<CropOption>,
    pub today: chrono::NaiveDate,
}

/// One week of one crop on the market calendar (kg).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketWeek {
    pub week: chrono::NaiveDate,
    pub p50_kg: i64,
    pub low_kg: i64,
    pub high_kg: i64,
    pub capacity_kg: Option<i64>,
    pub over_capacity: bool,
    /// The Spring Festival falls in this week.
    pub festival: bool,
}

/// A crop's weeks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketCrop {
    pub code: String,
    pub name_zh: String,
    pub capacity_kg: Option<i64>,
    pub weeks: Vec<MarketWeek>,
}

/// A suggested move of a planned planting (succession planting).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoveView {
    pub planting_id: i64,
    pub plot: String,
    pub crop_name_zh: String,
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub days: i64,
}

/// The market calendar of one township.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketPageData {
    pub township_id: i64,
    pub township: String,
    pub townships: Vec<PlaceOption>,
    pub spring_festival: Option<chrono::NaiveDate>,
    pub crops: Vec<MarketCrop>,
    pub moves: Vec<MoveView>,
    pub can_edit: bool,
}

/// One row of the wall chart: a village's crop, from first to last planting, then harvest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GanttRow {
    pub label: String,
    pub area: Mu,
    pub plant_from: chrono::NaiveDate,
    pub plant_to: chrono::NaiveDate,
    pub harvest_from: Option<chrono::NaiveDate>,
    pub harvest_to: Option<chrono::NaiveDate>,
}

/// The wall chart (挂图) of one township.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WallChartData {
    pub township: String,
    pub townships: Vec<PlaceOption>,
    pub rows: Vec<GanttRow>,
    /// Target deadlines with their labels.
    pub deadlines: Vec<(chrono::NaiveDate, String)>,
    pub spring_festival: Option<chrono::NaiveDate>,
    pub today: chrono::NaiveDate,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
}

/// A planting in a flat list, with where it grows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlantingListItem {
    pub plot_id: i64,
    pub plot_code: String,
    pub village: String,
    pub township: String,
    #[serde(flatten)]
    pub planting: PlantingView,
}
