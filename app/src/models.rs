//! Client types: plain serde values that cross from the server to the browser.
//! Storage rows stay on the server; these carry only what pages show.

use serde::{Deserialize, Serialize};
use tianlian_domain::access::Role;
use tianlian_domain::{Fen, Mu, PlantingStatus};

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
    pub crop_name_en: String,
    pub area: Mu,
    pub planned_on: String,
    pub season_until: String,
    pub status: PlantingStatus,
    /// From the engine, when the plot's township has a forecast site.
    pub forecast: Option<PlantingForecast>,
    /// Planted by this cooperative on land it leases; `None`: by the plot's household.
    pub cooperative_id: Option<i64>,
    /// Whether the caller may move its status on (`tianlian_domain::access::can_work_planting`).
    #[serde(default)]
    pub can_change: bool,
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

/// The busiest market week of a township: crop, Monday, median kg.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SupplyPeak {
    pub crop_name: String,
    pub week: chrono::NaiveDate,
    pub kg: i64,
}

/// One township's line of the county overview (or the county's total).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TownshipOverview {
    pub township_id: i64,
    pub name: String,
    /// Plots in use and their area.
    pub plots: i64,
    pub area: Mu,
    /// This season's plantings that hold land (planned included), and those in the ground.
    pub season_area: Mu,
    pub in_ground: Mu,
    /// This season's township-wide targets: how many, their area, planted toward them, and how
    /// many are behind the straight line.
    pub targets: usize,
    pub target_area: Mu,
    pub target_planted: Mu,
    pub behind: usize,
    pub peak: Option<SupplyPeak>,
    pub weeks_over_capacity: usize,
    /// Shifts of the coming days, people they ask for and people booked.
    pub shifts: i64,
    pub needed: i64,
    pub booked: i64,
}

impl TownshipOverview {
    /// Planted toward the targets, in percent with two decimals (`None` without targets).
    pub fn percent(&self) -> Option<String> {
        use tianlian_domain::forecast::schedule::{percent_text, share_basis_points};
        (self.target_area.centi() > 0)
            .then(|| percent_text(share_basis_points(self.target_planted, self.target_area)))
    }

    /// People still to book on the coming days' shifts.
    pub fn shortfall(&self) -> i64 {
        (self.needed - self.booked).max(0)
    }
}

/// The county overview: every township, and the county's total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountyOverview {
    pub as_of: chrono::NaiveDate,
    pub staffing_days: i64,
    pub townships: Vec<TownshipOverview>,
    pub total: TownshipOverview,
}

/// What the plots list is narrowed to, as the page's query string (a plain GET form) carries
/// it. Unknown or malformed values narrow nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlotListQuery {
    pub township: Option<i64>,
    pub village: Option<i64>,
    /// A crop code.
    pub crop: Option<String>,
    /// A planting status code.
    pub status: Option<String>,
    /// A plot code, household code or owner's name.
    pub q: Option<String>,
    /// 1-based.
    pub page: Option<i64>,
}

impl PlotListQuery {
    /// Read from the page's query string.
    pub fn from_pairs<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        let text = |k: &str| {
            get(k)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let int = |k: &str| text(k).and_then(|v| v.parse::<i64>().ok());
        PlotListQuery {
            township: int("township"),
            village: int("village"),
            crop: text("crop"),
            status: text("status"),
            q: text("q"),
            page: int("page").filter(|p| *p >= 1),
        }
    }

    /// `/plots?…` for this query on `page`.
    pub fn href(&self, page: i64) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        let ints = [("township", self.township), ("village", self.village)];
        pairs.extend(
            ints.iter()
                .filter_map(|(k, v)| v.map(|v| (*k, v.to_string()))),
        );
        for (k, v) in [
            ("crop", &self.crop),
            ("status", &self.status),
            ("q", &self.q),
        ] {
            pairs.extend(v.clone().map(|v| (k, v)));
        }
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        match serde_urlencoded::to_string(&pairs) {
            Ok(q) if !q.is_empty() => format!("/plots?{q}"),
            _ => "/plots".into(),
        }
    }
}

/// A township to filter by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TownshipOption {
    pub id: i64,
    pub name: String,
}

/// The plots page: one page of the plots the query admits, the totals over all of them, and
/// what the filter form offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlotsPageData {
    pub query: PlotListQuery,
    /// Townships to choose from (more than one only for a county admin).
    pub townships: Vec<TownshipOption>,
    /// Villages to choose from: the chosen (or the caller's) township's.
    pub villages: Vec<VillageOption>,
    pub crops: Vec<CropOption>,
    /// Villages the caller may add plots to (empty: no "new plot" form).
    pub manage_villages: Vec<VillageOption>,
    pub plots: Vec<PlotSummary>,
    /// Plots the query admits, over every page.
    pub total: i64,
    /// Their area, over every page.
    pub total_area: Mu,
    /// This page (1-based) and how many there are.
    pub page: i64,
    pub pages: i64,
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
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Sign-in slips of the farmer accounts a household import just created: shown once in
    /// the answer to the import, never stored in clear (empty everywhere else).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slips: Vec<Slip>,
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
    /// A type of the crop (`overwintering`, `early`, …); empty: the engine picks one.
    pub crop_type: String,
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
    /// The crop type used (越冬莴笋, 早熟花菜, …) and whether the engine picked it.
    pub crop_type_zh: String,
    pub type_picked: bool,
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
    pub crop_type_zh: String,
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

/// A cooperative to choose from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CooperativeOption {
    pub id: i64,
    pub name: String,
}

/// A household in an alliance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberView {
    pub id: i64,
    pub household_code: String,
    pub head_name: String,
    pub members: i64,
    pub is_poor: bool,
    /// `able` (致富能人) or `member`.
    pub role: String,
    pub mentor: Option<String>,
    pub joined_on: String,
    pub left_on: Option<String>,
}

/// An alliance with its households.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AllianceView {
    pub id: i64,
    pub name: String,
    pub members: Vec<MemberView>,
    /// Households in it now, and of them poor ones (over every page of `members`).
    #[serde(default)]
    pub current: usize,
    #[serde(default)]
    pub poor: usize,
}

/// A land transfer contract with its payments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaseView {
    pub id: i64,
    pub plot_code: String,
    pub village: String,
    pub household: String,
    pub cooperative: String,
    pub area: Mu,
    pub fee_per_mu_year: Fen,
    pub starts_on: String,
    pub ends_on: String,
    pub schedule: String,
    pub ending_soon: bool,
    pub payments: Vec<LeasePaymentView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeasePaymentView {
    pub id: i64,
    pub due_on: String,
    pub amount: Fen,
    pub paid_on: Option<String>,
    pub overdue: bool,
}

/// A shift in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShiftView {
    pub id: i64,
    pub cooperative: String,
    pub day: String,
    pub task_code: String,
    pub task_zh: String,
    pub plot_code: Option<String>,
    pub headcount: i64,
    pub assigned: i64,
    /// Planned hours, e.g. `8`.
    pub hours: String,
    pub hourly: Fen,
}

/// A day short of workers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemandDay {
    pub date: String,
    pub workers: u32,
    pub short_by: u32,
}

/// The cooperative page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CoopPageData {
    pub cooperatives: Vec<CooperativeOption>,
    pub cooperative: Option<CooperativeOption>,
    pub can_manage: bool,
    pub alliances: Vec<AllianceView>,
    pub leases: Vec<LeaseView>,
    pub shifts: Vec<ShiftView>,
    /// Members able to work (people of alliance households).
    pub able_workers: u32,
    /// The season's days with demand, busiest first limited; and days short of workers.
    pub peak_workers: u32,
    pub peak_day: Option<String>,
    pub short_days: Vec<DemandDay>,
    pub tasks: Vec<(String, String)>,
    pub plots: Vec<(i64, String)>,
    pub today: String,
    /// The list shown whole (a page at a time), or the summary's first rows of each.
    #[serde(default)]
    pub list: CoopList,
    /// The search the list was narrowed by.
    #[serde(default)]
    pub search: String,
    /// Rows of each list over every page (from today on for shifts).
    #[serde(default)]
    pub shift_total: usize,
    #[serde(default)]
    pub member_total: usize,
    #[serde(default)]
    pub lease_total: usize,
    /// The leases' area, and how many end within 60 days (over every page).
    #[serde(default)]
    pub lease_area: Mu,
    #[serde(default)]
    pub leases_ending: usize,
    /// This page of the list (1-based) and how many there are.
    #[serde(default)]
    pub page: usize,
    #[serde(default)]
    pub pages: usize,
    /// Days with wages still owed, oldest first (the first screen's to-do).
    #[serde(default)]
    pub unsettled: Vec<UnsettledDay>,
    /// Lease payments unpaid and due within 30 days (or overdue), and their sum.
    #[serde(default)]
    pub payments_due: usize,
    #[serde(default)]
    pub payments_due_amount: Fen,
}

/// Which of a cooperative's lists `/coop` shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CoopList {
    /// What needs doing, with the first rows of each list and links to the rest.
    #[default]
    Summary,
    Shifts,
    Members,
    Leases,
}

impl CoopList {
    /// From `?list=`: `shifts`, `members`, `leases`; anything else is the summary.
    pub fn from_code(code: Option<&str>) -> Self {
        match code {
            Some("shifts") => CoopList::Shifts,
            Some("members") => CoopList::Members,
            Some("leases") => CoopList::Leases,
            _ => CoopList::Summary,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            CoopList::Summary => "",
            CoopList::Shifts => "shifts",
            CoopList::Members => "members",
            CoopList::Leases => "leases",
        }
    }
}

/// Rows a list page of `/coop` shows, and the summary's first rows of each list.
pub const COOP_ROWS_PER_PAGE: usize = 50;

/// Leases a page of `/coop?list=leases` shows: each carries its payment schedule, so 50 were
/// 25 phone screens at the generated county (bench/field_day.py --heights); 15 keep it under 10.
pub const COOP_LEASES_PER_PAGE: usize = 15;
pub const COOP_SUMMARY_ROWS: usize = 10;

/// One person on a shift, with their hours and money.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerLine {
    pub person_id: i64,
    pub name: String,
    pub is_poor: bool,
    pub hours: String,
    pub recorded: bool,
    /// Marked absent at the roll call.
    #[serde(default)]
    pub absent: bool,
    pub entry_id: Option<i64>,
    pub earned: Fen,
    pub paid: Fen,
    pub unpaid: Fen,
}

/// A suggested person for a shift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestionView {
    pub person_id: i64,
    pub name: String,
    pub household_code: String,
    /// `poor`, `alliance` or `other`.
    pub priority: String,
}

/// The shift page: who is on it, the day's settlement sheet, suggestions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShiftPageData {
    pub shift: ShiftView,
    pub cooperative_id: i64,
    pub can_manage: bool,
    pub workers: Vec<WorkerLine>,
    pub suggestions: Vec<SuggestionView>,
    pub total: Fen,
    pub paid: Fen,
    pub unpaid: Fen,
    pub overtime_rule: String,
}

/// One person on the roll call (点名记工), with what the form starts from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollLine {
    pub person_id: i64,
    pub name: String,
    pub household_code: String,
    pub is_poor: bool,
    /// The hours box: recorded hours, else the shift's planned hours.
    pub hours: String,
    /// Marked absent at an earlier roll call.
    pub absent: bool,
    /// Hours are in the ledger already (the roll call then corrects them if changed).
    pub recorded: bool,
}

/// The roll-call page: everyone booked on the shift, and the key that makes the submission
/// safe to send twice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollCallData {
    pub shift: ShiftView,
    pub cooperative_id: i64,
    pub key: String,
    pub lines: Vec<RollLine>,
    /// Roll calls recorded for this shift before.
    pub earlier: i64,
}

/// Lines of the day sheet a screen shows (the printable sheet shows all).
pub const DAY_SHEET_PAGE: usize = 50;

/// One worker's line on the day sheet (日结单).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DaySheetLine {
    pub shift_id: i64,
    pub task_zh: String,
    pub name: String,
    pub household_code: String,
    pub is_poor: bool,
    pub absent: bool,
    pub regular_hours: String,
    pub overtime_hours: String,
    pub amount: Fen,
    pub paid: Fen,
}

/// A cooperative's day: every worker of every shift, hours split regular/overtime, money.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DaySheetData {
    pub cooperative_id: i64,
    pub cooperative: String,
    pub day: String,
    pub can_manage: bool,
    pub lines: Vec<DaySheetLine>,
    pub workers: usize,
    pub absent: usize,
    pub regular_hours: String,
    pub overtime_hours: String,
    pub total: Fen,
    pub paid: Fen,
    pub unpaid: Fen,
    /// This page (1-based) and how many; the printable sheet shows every line on one page.
    pub page: usize,
    pub pages: usize,
}

/// A day the cooperative still owes wages for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnsettledDay {
    pub day: String,
    pub owed: Fen,
}

/// A farmer's pay: each shift-day, lease payments and dividends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PayLine {
    pub day: String,
    pub person: String,
    pub task_zh: String,
    pub task_en: String,
    pub cooperative: String,
    /// The plot the shift works on, if it names one.
    pub plot: Option<String>,
    /// Hours the shift is planned for.
    pub planned_hours: String,
    /// Hours recorded (0 until the cooperative records them).
    pub hours: String,
    pub earned: Fen,
    pub paid: Fen,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyPayData {
    pub wages: Vec<PayLine>,
    pub upcoming: Vec<PayLine>,
    pub leases: Vec<LeaseView>,
    pub dividends: Fen,
    pub wages_this_month: Fen,
    pub wages_this_season: Fen,
    pub lease_fees_this_season: Fen,
    /// The household's private calendar feed (`/calendar/….ics`), if turned on.
    pub calendar_path: Option<String>,
    /// The household's code (e.g. `demo-0-0-009`).
    pub household_code: String,
}

/// One household's line of the benefit report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenefitLine {
    pub household_code: String,
    pub head_name: String,
    pub members: i64,
    pub is_poor: bool,
    pub lease_fees: Fen,
    pub wages: Fen,
    pub dividends: Fen,
    pub total: Fen,
    pub per_person: Fen,
    pub meets_line: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenefitPayer {
    pub cooperative: String,
    pub to_all: Fen,
    pub to_poor: Fen,
}

/// The benefit report for a season.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenefitData {
    pub season: String,
    pub from: String,
    pub until: String,
    pub income_line: Option<Fen>,
    pub lines: Vec<BenefitLine>,
    pub payers: Vec<BenefitPayer>,
    pub total: Fen,
    pub total_to_poor: Fen,
    pub poor_households: usize,
    pub poor_meeting_line: usize,
    /// Households the search admits, over every page (the totals above are the whole report's).
    #[serde(default)]
    pub matching: usize,
    /// This page of `lines` (1-based) and how many there are.
    #[serde(default)]
    pub page: usize,
    #[serde(default)]
    pub pages: usize,
}

/// Households a page of the benefit report shows.
pub const BENEFIT_LINES_PER_PAGE: usize = 100;

/// "我的日历": the signed-in household's plantings with their forecasts, a month calendar,
/// upcoming shifts and pay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyCalendarData {
    pub household_code: String,
    /// The month shown (`2027-02`) and its neighbours, for the calendar's links.
    pub month: String,
    pub prev_month: String,
    pub next_month: String,
    pub weeks: Vec<Vec<tianlian_domain::month::DayCell>>,
    pub plantings: Vec<MyPlanting>,
    /// From today on, soonest first.
    pub upcoming: Vec<PayLine>,
    /// The latest worked days (newest first), with what was settled.
    pub recent: Vec<PayLine>,
    pub wages_this_month: Fen,
    pub wages_this_season: Fen,
    pub lease_fees_this_season: Fen,
    pub dividends: Fen,
    /// The next unpaid lease fee owed to the household: (due day, amount).
    pub next_lease_fee: Option<(String, Fen)>,
    /// When the server put the page together (China time), so an offline copy shows its age.
    pub as_of: String,
}

/// One of the household's plantings as the farmer sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyPlanting {
    pub crop_zh: String,
    pub crop_en: String,
    pub plot_code: String,
    pub village: String,
    pub area: Mu,
    /// Planting day (done or planned).
    pub planted_on: String,
    pub status: PlantingStatus,
    pub forecast: Option<MyForecast>,
}

/// A harvest forecast with its range and its movement since last week's forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyForecast {
    pub start_p10: chrono::NaiveDate,
    pub start: chrono::NaiveDate,
    pub start_p90: chrono::NaiveDate,
    pub end: chrono::NaiveDate,
    pub yield_kg: i64,
    /// Days the median start moved since the forecast of a week ago (positive: later).
    pub moved_days: Option<i64>,
}

/// A sign-in slip (登录条) for a new or reset account: who, the phone it signs in with and a
/// one-time password to be changed at the first sign-in. Shown once, printed, never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slip {
    pub township: String,
    pub village: String,
    pub household_code: String,
    pub head_name: String,
    pub phone: String,
    pub password: String,
}

/// Accounts a page of the accounts list shows.
pub const ACCOUNTS_PER_PAGE: i64 = 50;
/// Households a page of the households list shows.
pub const HOUSEHOLDS_PER_PAGE: i64 = 50;

/// What the accounts list is asked for (from the address).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountListQuery {
    pub q: String,
    /// A role code, or empty for all.
    pub role: String,
    /// `disabled`, `active`, or empty for both.
    pub status: String,
    pub page: usize,
}

/// An account in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountLine {
    pub id: i64,
    pub phone: String,
    pub role: Role,
    pub place: String,
    pub household_id: Option<i64>,
    pub disabled: bool,
    pub must_change_password: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The accounts page: a page of the list and the filter's total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountsPageData {
    pub lines: Vec<AccountLine>,
    pub total: i64,
    pub page: usize,
    pub pages: usize,
    /// Places a new account may be bound to.
    pub townships: Vec<(i64, String)>,
    pub cooperatives: Vec<(i64, String)>,
}

/// An audit entry as an account's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLine {
    pub at: chrono::DateTime<chrono::Utc>,
    pub by: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub after: Option<String>,
}

/// One account's page: the account and its audit trail (what was done to it and by it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDetail {
    pub account: AccountLine,
    pub trail: Vec<AuditLine>,
    /// The admin looking is this account (it cannot disable itself).
    pub is_self: bool,
}

/// What the households list is asked for (from the address).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdListQuery {
    pub q: String,
    pub township: Option<i64>,
    pub village: Option<i64>,
    /// `poor` (registered, poor now or lifted out), `not_poor`, or empty for both.
    pub poor: String,
    pub page: usize,
}

/// A household in the list and on its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdLine {
    pub id: i64,
    pub code: String,
    pub head_name: String,
    pub phone: Option<String>,
    pub village_id: i64,
    pub village: String,
    pub township: String,
    pub members: i64,
    pub persons: i64,
    /// `not_poor`, `poor` or `lifted`.
    pub poor: String,
    pub poor_since: Option<i32>,
    pub poor_lifted: Option<i32>,
    pub poor_label: String,
    pub account_id: Option<i64>,
}

/// The households page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdsPageData {
    pub lines: Vec<HouseholdLine>,
    pub total: i64,
    pub page: usize,
    pub pages: usize,
    /// Villages the list may be narrowed to (and a new household placed in).
    pub villages: Vec<(i64, String)>,
    /// Whether the caller may add and change households (agronomists and admins).
    pub may_edit: bool,
}

/// A person of a household, on its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonLine {
    pub id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub able_to_work: bool,
}

/// One household's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdDetail {
    pub household: HouseholdLine,
    pub persons: Vec<PersonLine>,
    pub may_edit: bool,
    /// Villages it may be moved to (its township's).
    pub villages: Vec<(i64, String)>,
}
