//! Plantings (种植): what a person types into the "add planting" form, checked against the crop
//! catalogue and against what is left of the plot in the planting's season.

use crate::Mu;
use crate::area::AreaParseError;
use crate::crops::Crop;
use crate::i18n::Lang;
use crate::season::{Occupancy, Season, peak_area};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where a planting stands: planned → planted → harvesting → done, or failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlantingStatus {
    Planned,
    Planted,
    Harvesting,
    Done,
    Failed,
}

impl PlantingStatus {
    pub const ALL: [PlantingStatus; 5] = [
        PlantingStatus::Planned,
        PlantingStatus::Planted,
        PlantingStatus::Harvesting,
        PlantingStatus::Done,
        PlantingStatus::Failed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PlantingStatus::Planned => "planned",
            PlantingStatus::Planted => "planted",
            PlantingStatus::Harvesting => "harvesting",
            PlantingStatus::Done => "done",
            PlantingStatus::Failed => "failed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            PlantingStatus::Planned => lang.pick("计划", "Planned"),
            PlantingStatus::Planted => lang.pick("已种", "Planted"),
            PlantingStatus::Harvesting => lang.pick("采收中", "Harvesting"),
            PlantingStatus::Done => lang.pick("已完成", "Done"),
            PlantingStatus::Failed => lang.pick("失败", "Failed"),
        }
    }

    /// Whether a planting in this status holds land (a failed planting frees its plot).
    pub fn holds_land(self) -> bool {
        !matches!(self, PlantingStatus::Failed)
    }
}

/// The form fields, so an error can be shown next to the right one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlantingField {
    Crop,
    Area,
    PlantedOn,
    Status,
}

impl PlantingField {
    pub fn code(self) -> &'static str {
        match self {
            PlantingField::Crop => "crop",
            PlantingField::Area => "area",
            PlantingField::PlantedOn => "planted_on",
            PlantingField::Status => "status",
        }
    }
}

/// Why a new planting was refused. Each error belongs to one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum PlantingError {
    UnknownCrop,
    AreaMissing,
    AreaUnreadable,
    AreaTooPrecise,
    AreaNotPositive,
    /// More than what is left of the plot in that season.
    AreaExceedsRemaining {
        remaining: Mu,
    },
    DateUnreadable,
    /// Outside 2000–2100: a typing mistake, not a plan.
    DateOutOfRange,
    UnknownStatus,
}

impl PlantingError {
    pub fn field(&self) -> PlantingField {
        match self {
            PlantingError::UnknownCrop => PlantingField::Crop,
            PlantingError::AreaMissing
            | PlantingError::AreaUnreadable
            | PlantingError::AreaTooPrecise
            | PlantingError::AreaNotPositive
            | PlantingError::AreaExceedsRemaining { .. } => PlantingField::Area,
            PlantingError::DateUnreadable | PlantingError::DateOutOfRange => {
                PlantingField::PlantedOn
            }
            PlantingError::UnknownStatus => PlantingField::Status,
        }
    }

    /// A short stable code, for URLs, the API and tests.
    pub fn code(&self) -> &'static str {
        match self {
            PlantingError::UnknownCrop => "unknown_crop",
            PlantingError::AreaMissing => "area_missing",
            PlantingError::AreaUnreadable => "area_unreadable",
            PlantingError::AreaTooPrecise => "area_too_precise",
            PlantingError::AreaNotPositive => "area_not_positive",
            PlantingError::AreaExceedsRemaining { .. } => "area_exceeds_plot",
            PlantingError::DateUnreadable => "date_unreadable",
            PlantingError::DateOutOfRange => "date_out_of_range",
            PlantingError::UnknownStatus => "unknown_status",
        }
    }

    /// Rebuilds an error from its code (and the remaining area, for the one that carries it).
    pub fn from_code(code: &str, remaining: Option<Mu>) -> Option<Self> {
        Some(match code {
            "unknown_crop" => PlantingError::UnknownCrop,
            "area_missing" => PlantingError::AreaMissing,
            "area_unreadable" => PlantingError::AreaUnreadable,
            "area_too_precise" => PlantingError::AreaTooPrecise,
            "area_not_positive" => PlantingError::AreaNotPositive,
            "area_exceeds_plot" => PlantingError::AreaExceedsRemaining {
                remaining: remaining.unwrap_or(Mu::ZERO),
            },
            "date_unreadable" => PlantingError::DateUnreadable,
            "date_out_of_range" => PlantingError::DateOutOfRange,
            "unknown_status" => PlantingError::UnknownStatus,
            _ => return None,
        })
    }

    /// The message shown next to the field.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (PlantingError::UnknownCrop, Lang::Zh) => "请选择目录中的作物".into(),
            (PlantingError::UnknownCrop, Lang::En) => "Choose a crop from the list".into(),
            (PlantingError::AreaMissing, Lang::Zh) => "请填写面积（亩）".into(),
            (PlantingError::AreaMissing, Lang::En) => "Enter the area in mu".into(),
            (PlantingError::AreaUnreadable, Lang::Zh) => "面积须为数字，例如 12.5".into(),
            (PlantingError::AreaUnreadable, Lang::En) => {
                "The area must be a number, e.g. 12.5".into()
            }
            (PlantingError::AreaTooPrecise, Lang::Zh) => "面积最多保留两位小数".into(),
            (PlantingError::AreaTooPrecise, Lang::En) => {
                "Use at most two decimals for the area".into()
            }
            (PlantingError::AreaNotPositive, Lang::Zh) => "面积必须大于 0".into(),
            (PlantingError::AreaNotPositive, Lang::En) => "The area must be greater than 0".into(),
            (PlantingError::AreaExceedsRemaining { remaining }, Lang::Zh) => {
                format!("超过地块在该季节的剩余面积（剩余 {remaining} 亩）")
            }
            (PlantingError::AreaExceedsRemaining { remaining }, Lang::En) => {
                format!("More than is left of the plot in that season ({remaining} mu left)")
            }
            (PlantingError::DateUnreadable, Lang::Zh) => "请填写日期，格式 2026-12-05".into(),
            (PlantingError::DateUnreadable, Lang::En) => "Enter a date like 2026-12-05".into(),
            (PlantingError::DateOutOfRange, Lang::Zh) => "日期须在 2000 年至 2100 年之间".into(),
            (PlantingError::DateOutOfRange, Lang::En) => {
                "The date must fall between 2000 and 2100".into()
            }
            (PlantingError::UnknownStatus, Lang::Zh) => "状态无效".into(),
            (PlantingError::UnknownStatus, Lang::En) => "Unknown status".into(),
        }
    }
}

/// What a person typed into the "add planting" form, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPlantingInput {
    pub crop: String,
    pub area: String,
    pub planted_on: String,
    pub status: String,
}

/// A planting that passed every rule and may be stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidPlanting {
    pub crop_code: String,
    pub area: Mu,
    pub planted_on: NaiveDate,
    pub status: PlantingStatus,
    /// The days this planting will hold the plot.
    pub season: Season,
}

/// Parses a date typed as `YYYY-MM-DD` (also `YYYY/MM/DD`), within 2000–2100.
pub fn parse_date(text: &str) -> Result<NaiveDate, PlantingError> {
    let t = text.trim().replace('/', "-");
    let date =
        NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| PlantingError::DateUnreadable)?;
    let lo = NaiveDate::from_ymd_opt(2000, 1, 1);
    let hi = NaiveDate::from_ymd_opt(2100, 12, 31);
    match (lo, hi) {
        (Some(lo), Some(hi)) if (lo..=hi).contains(&date) => Ok(date),
        _ => Err(PlantingError::DateOutOfRange),
    }
}

/// Checks a new planting against the catalogue and against the land already held on the plot.
///
/// `held` is every planting on the plot that still holds land; `plot_area` is the plot's area.
/// All field errors are returned together so the form can show each next to its field.
///
/// # Errors
/// The list of every rule the input breaks.
pub fn validate_new_planting(
    input: &NewPlantingInput,
    crops: &[Crop],
    plot_area: Mu,
    held: &[Occupancy],
) -> Result<ValidPlanting, Vec<PlantingError>> {
    let mut errors = Vec::new();
    let crop = crops.iter().find(|c| c.code == input.crop.trim());
    if crop.is_none() {
        errors.push(PlantingError::UnknownCrop);
    }
    let area = match input.area.parse::<Mu>() {
        Ok(a) if a.is_positive() => Some(a),
        Ok(_) => {
            errors.push(PlantingError::AreaNotPositive);
            None
        }
        Err(AreaParseError::Empty) => {
            errors.push(PlantingError::AreaMissing);
            None
        }
        Err(AreaParseError::TooPrecise) => {
            errors.push(PlantingError::AreaTooPrecise);
            None
        }
        Err(AreaParseError::NotANumber | AreaParseError::TooLarge) => {
            errors.push(PlantingError::AreaUnreadable);
            None
        }
    };
    let planted_on = parse_date(&input.planted_on)
        .map_err(|e| errors.push(e))
        .ok();
    let status_text = input.status.trim();
    let status = if status_text.is_empty() {
        Some(PlantingStatus::Planned)
    } else {
        let s = PlantingStatus::from_code(status_text);
        if s.is_none() {
            errors.push(PlantingError::UnknownStatus);
        }
        s
    };
    let (Some(crop), Some(area), Some(planted_on), Some(status)) = (crop, area, planted_on, status)
    else {
        return Err(errors);
    };
    let season = Season::starting(planted_on, crop.season_days);
    let remaining = plot_area.saturating_sub(peak_area(held, season));
    if area > remaining {
        return Err(vec![PlantingError::AreaExceedsRemaining { remaining }]);
    }
    Ok(ValidPlanting {
        crop_code: crop.code.clone(),
        area,
        planted_on,
        status,
        season,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crops::CATALOGUE;

    fn crops() -> Vec<Crop> {
        CATALOGUE.iter().map(Crop::from).collect()
    }

    fn input(crop: &str, area: &str, date: &str) -> NewPlantingInput {
        NewPlantingInput {
            crop: crop.into(),
            area: area.into(),
            planted_on: date.into(),
            status: String::new(),
        }
    }

    fn existing(date: &str, days: u32, mu: i64) -> Occupancy {
        let from = parse_date(date).expect("test date");
        Occupancy {
            season: Season::starting(from, days),
            area: Mu::from_whole(mu),
        }
    }

    #[test]
    fn a_planting_that_fits_the_plot_is_accepted() {
        let ok = validate_new_planting(
            &input("celtuce", "4.5", "2026-12-05"),
            &crops(),
            Mu::from_whole(10),
            &[],
        )
        .expect("fits");
        assert_eq!(ok.area, Mu::from_centi(450));
        assert_eq!(ok.status, PlantingStatus::Planned);
        assert_eq!(ok.season.from, parse_date("2026-12-05").expect("date"));
    }

    #[test]
    fn planting_larger_than_the_plot_is_refused() {
        let err = validate_new_planting(
            &input("celtuce", "10.01", "2026-12-05"),
            &crops(),
            Mu::from_whole(10),
            &[],
        )
        .expect_err("too big");
        assert_eq!(
            err,
            vec![PlantingError::AreaExceedsRemaining {
                remaining: Mu::from_whole(10)
            }]
        );
    }

    #[test]
    fn planting_larger_than_what_is_left_in_an_overlapping_season_is_refused() {
        let held = [existing("2026-11-20", 100, 7)];
        let err = validate_new_planting(
            &input("cauliflower", "4", "2026-12-01"),
            &crops(),
            Mu::from_whole(10),
            &held,
        )
        .expect_err("only 3 left");
        assert_eq!(
            err,
            vec![PlantingError::AreaExceedsRemaining {
                remaining: Mu::from_whole(3)
            }]
        );
        assert!(err[0].message(Lang::Zh).contains("剩余 3 亩"));
    }

    #[test]
    fn land_freed_after_harvest_can_be_planted_again() {
        let held = [existing("2026-03-01", 100, 10)];
        assert!(
            validate_new_planting(
                &input("celtuce", "10", "2026-11-25"),
                &crops(),
                Mu::from_whole(10),
                &held
            )
            .is_ok()
        );
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let err = validate_new_planting(
            &input("rice", "0", "2026-13-40"),
            &crops(),
            Mu::from_whole(10),
            &[],
        )
        .expect_err("all wrong");
        let fields: Vec<_> = err.iter().map(PlantingError::field).collect();
        assert_eq!(
            fields,
            vec![
                PlantingField::Crop,
                PlantingField::Area,
                PlantingField::PlantedOn
            ]
        );
    }

    #[test]
    fn negative_and_zero_areas_are_not_positive() {
        for a in ["0", "-3", "0.00"] {
            let err = validate_new_planting(
                &input("celtuce", a, "2026-12-01"),
                &crops(),
                Mu::from_whole(10),
                &[],
            )
            .expect_err("not positive");
            assert_eq!(err, vec![PlantingError::AreaNotPositive], "area {a}");
        }
    }

    #[test]
    fn dates_outside_the_century_are_refused() {
        assert_eq!(parse_date("1999-12-31"), Err(PlantingError::DateOutOfRange));
        assert_eq!(
            parse_date("2026/12/05").map(|d| d.to_string()),
            Ok("2026-12-05".into())
        );
        assert_eq!(parse_date("5 Dec"), Err(PlantingError::DateUnreadable));
    }

    #[test]
    fn error_codes_round_trip() {
        let all = [
            PlantingError::UnknownCrop,
            PlantingError::AreaMissing,
            PlantingError::AreaUnreadable,
            PlantingError::AreaTooPrecise,
            PlantingError::AreaNotPositive,
            PlantingError::AreaExceedsRemaining {
                remaining: Mu::from_centi(250),
            },
            PlantingError::DateUnreadable,
            PlantingError::DateOutOfRange,
            PlantingError::UnknownStatus,
        ];
        for e in all {
            let remaining = match e {
                PlantingError::AreaExceedsRemaining { remaining } => Some(remaining),
                _ => None,
            };
            assert_eq!(
                PlantingError::from_code(e.code(), remaining),
                Some(e.clone())
            );
            assert!(!e.message(Lang::Zh).is_empty() && !e.message(Lang::En).is_empty());
        }
    }
}
