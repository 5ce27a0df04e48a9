//! The harvest forecasting engine: thermal time (growing degree days) on each site's daily
//! temperatures over many climate years, a trigger model for morels, P10/P50/P90 harvest dates,
//! yields, and schedules worked backwards from the market (倒排工期).
//!
//! Pure: no I/O, no clock. The server hands in the site's climate and "today"; the same code
//! builds for wasm so a browser can preview a forecast.

pub mod climate;
pub mod crops;
pub mod engine;
pub mod schedule;
pub mod validation;
pub mod weather_csv;

pub use climate::{Climate, DailyTemp, MonthlyNormals, SITES, SiteSeed, SpreadBasis};
pub use crops::{
    CROP_MODELS, CropChoice, CropModel, Development, PlantedAs, crop_model, crop_type, crop_types,
};
pub use engine::{
    Forecast, Forecaster, SeasonTable, StartRange, TableKey, TableStore, season_year,
};
pub use schedule::{BackwardSchedule, MarketTarget, PlanRate, PlanState, backward, plan_rate};

use crate::{Lang, Mu, calendar};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Cover over the crop, which warms it by a per-crop offset (see [`CropModel`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protection {
    /// 露地
    Open,
    /// 地膜 plastic mulch
    Mulch,
    /// 小拱棚 small tunnel
    Tunnel,
}

impl Protection {
    pub const ALL: [Protection; 3] = [Protection::Open, Protection::Mulch, Protection::Tunnel];

    pub fn code(self) -> &'static str {
        match self {
            Protection::Open => "open",
            Protection::Mulch => "mulch",
            Protection::Tunnel => "tunnel",
        }
    }

    pub fn from_code(code: &str) -> Option<Protection> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Protection::Open => lang.pick("露地", "Open field"),
            Protection::Mulch => lang.pick("地膜", "Plastic mulch"),
            Protection::Tunnel => lang.pick("小拱棚", "Small tunnel"),
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// Why a forecast or schedule cannot be given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForecastError {
    #[error("unknown crop")]
    UnknownCrop,
    #[error("unknown crop type")]
    UnknownCropType,
    #[error("unknown site")]
    UnknownSite,
    #[error("unknown protection")]
    UnknownProtection,
    #[error("invalid date")]
    InvalidDate,
    #[error("year out of range")]
    YearOutOfRange,
    #[error("invalid area")]
    InvalidArea,
    #[error("invalid market target")]
    InvalidMarket,
    #[error("no harvest within a season")]
    NoHarvest,
    #[error("market unreachable")]
    MarketUnreachable,
}

impl ForecastError {
    pub fn code(&self) -> &'static str {
        match self {
            ForecastError::UnknownCrop => "unknown_crop",
            ForecastError::UnknownCropType => "unknown_crop_type",
            ForecastError::UnknownSite => "unknown_site",
            ForecastError::UnknownProtection => "unknown_protection",
            ForecastError::InvalidDate => "invalid_date",
            ForecastError::YearOutOfRange => "year_out_of_range",
            ForecastError::InvalidArea => "invalid_area",
            ForecastError::InvalidMarket => "invalid_market",
            ForecastError::NoHarvest => "no_harvest",
            ForecastError::MarketUnreachable => "market_unreachable",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let (zh, en) = match self {
            ForecastError::UnknownCrop => (
                "未知作物（可用：celtuce、cauliflower、morel、chuanxiong、houttuynia）",
                "Unknown crop (use celtuce, cauliflower, morel, chuanxiong or houttuynia)",
            ),
            ForecastError::UnknownCropType => (
                "未知品种类型（莴笋：overwintering 越冬、spring 春、early_autumn 早秋、late_autumn 秋；花菜：overwintering 越冬、early 早熟、mid 中熟、late 晚熟、spring 春；羊肚菌、折耳根：field；川芎：basin）",
                "Unknown crop type (celtuce: overwintering, spring, early_autumn, late_autumn; cauliflower: overwintering, early, mid, late, spring; morel, houttuynia: field; chuanxiong: basin)",
            ),
            ForecastError::UnknownSite => ("未知地点", "Unknown site"),
            ForecastError::UnknownProtection => (
                "未知覆盖方式（可用：open 露地、mulch 地膜、tunnel 小拱棚）",
                "Unknown protection (use open, mulch or tunnel)",
            ),
            ForecastError::InvalidDate => (
                "日期无效，请用 YYYY-MM-DD 格式",
                "Invalid date: use YYYY-MM-DD",
            ),
            ForecastError::YearOutOfRange => (
                "年份超出范围（可用 1901–2100 年）",
                "Year out of range (use 1901–2100)",
            ),
            ForecastError::InvalidArea => (
                "面积应为大于 0、不超过 100000 亩的数字",
                "The area must be a number above 0 and at most 100000 mu",
            ),
            ForecastError::InvalidMarket => (
                "上市目标无效：给出 date，或 spring_festival 年份和 days_before（0–180）",
                "Invalid market target: give a date, or spring_festival year and days_before (0–180)",
            ),
            ForecastError::NoHarvest => (
                "按该地气候，此日期种植在一季内达不到采收",
                "On this site's climate a planting on this date does not reach harvest within a season",
            ),
            ForecastError::MarketUnreachable => (
                "在目标日期前两年内种植都赶不上该上市日期",
                "No planting in the two years before the market date reaches it",
            ),
        };
        lang.pick(zh, en).to_owned()
    }
}

/// Largest area a single forecast accepts, in mu.
pub const MAX_AREA_MU: i64 = 100_000;

/// Reads a crop code.
///
/// # Errors
/// [`ForecastError::UnknownCrop`].
pub fn parse_crop(code: &str) -> Result<CropChoice, ForecastError> {
    parse_crop_type(code, None)
}

/// Reads a crop code and, optionally, one of its types (blank: picked per planting).
///
/// # Errors
/// [`ForecastError::UnknownCrop`] or [`ForecastError::UnknownCropType`].
pub fn parse_crop_type(code: &str, kind: Option<&str>) -> Result<CropChoice, ForecastError> {
    let model = crop_model(code.trim()).ok_or(ForecastError::UnknownCrop)?;
    match kind.map(str::trim) {
        None | Some("") => Ok(CropChoice::Auto(model.code)),
        Some(kind) => crop_type(model.code, kind)
            .map(CropChoice::Fixed)
            .ok_or(ForecastError::UnknownCropType),
    }
}

/// Reads a protection code; missing means open field.
///
/// # Errors
/// [`ForecastError::UnknownProtection`].
pub fn parse_protection(code: Option<&str>) -> Result<Protection, ForecastError> {
    match code.map(str::trim) {
        None | Some("") => Ok(Protection::Open),
        Some(code) => Protection::from_code(code).ok_or(ForecastError::UnknownProtection),
    }
}

/// Reads a `YYYY-MM-DD` date within the calendar's years.
///
/// # Errors
/// [`ForecastError::InvalidDate`] or [`ForecastError::YearOutOfRange`].
pub fn parse_day(text: &str) -> Result<NaiveDate, ForecastError> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| ForecastError::InvalidDate)?;
    if (calendar::FIRST_YEAR..calendar::LAST_YEAR).contains(&date.year()) {
        Ok(date)
    } else {
        Err(ForecastError::YearOutOfRange)
    }
}

/// Reads an area already planted toward a plan, in mu: like [`parse_area`], but nothing
/// planted yet (0) is an answer too.
///
/// # Errors
/// [`ForecastError::InvalidArea`] for text that is not a number of mu with up to two decimals,
/// a negative area, or more than [`MAX_AREA_MU`].
pub fn parse_planted_area(text: &str) -> Result<Mu, ForecastError> {
    let area: Mu = text.parse().map_err(|_| ForecastError::InvalidArea)?;
    if area >= Mu::ZERO && area <= Mu::from_whole(MAX_AREA_MU) {
        Ok(area)
    } else {
        Err(ForecastError::InvalidArea)
    }
}

/// Reads an area in mu (up to two decimals), above zero and at most [`MAX_AREA_MU`].
///
/// # Errors
/// [`ForecastError::InvalidArea`].
pub fn parse_area(text: &str) -> Result<Mu, ForecastError> {
    let area: Mu = text.parse().map_err(|_| ForecastError::InvalidArea)?;
    if area.is_positive() && area <= Mu::from_whole(MAX_AREA_MU) {
        Ok(area)
    } else {
        Err(ForecastError::InvalidArea)
    }
}

#[cfg(test)]
mod tests;
