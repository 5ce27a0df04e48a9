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
}

/// The signed-in account, for the header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub phone: String,
    pub role: Role,
}
