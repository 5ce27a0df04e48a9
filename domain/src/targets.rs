//! Season targets (目标) and progress against them, the way county staff track plans "against the
//! wall chart" (挂图作战): planted mu against the target, % of plan, days left, the daily rate
//! now needed, and whether planting keeps up with a straight line from the start to the deadline.

use crate::forecast::schedule::{PlanState, plan_rate};
use crate::{Lang, Mu, PlantingStatus};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// The crops of the "winter vegetables" group (冬季蔬菜) of the 茂县 case.
pub const WINTER_VEGETABLES: [&str; 2] = ["celtuce", "cauliflower"];

/// Which crops a target counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CropScope {
    /// One crop, by code.
    Crop(String),
    /// 冬季蔬菜: celtuce and cauliflower.
    WinterVegetables,
}

impl CropScope {
    /// Reads `winter_vegetables` or a crop code (checked against the catalogue by the caller).
    pub fn from_code(code: &str) -> CropScope {
        match code.trim() {
            "winter_vegetables" => CropScope::WinterVegetables,
            other => CropScope::Crop(other.to_owned()),
        }
    }

    pub fn code(&self) -> &str {
        match self {
            CropScope::Crop(code) => code,
            CropScope::WinterVegetables => "winter_vegetables",
        }
    }

    /// The crop codes a target of this scope counts.
    pub fn crop_codes(&self) -> Vec<&str> {
        match self {
            CropScope::Crop(code) => vec![code.as_str()],
            CropScope::WinterVegetables => WINTER_VEGETABLES.to_vec(),
        }
    }

    pub fn includes(&self, crop: &str) -> bool {
        match self {
            CropScope::Crop(code) => code == crop,
            CropScope::WinterVegetables => WINTER_VEGETABLES.contains(&crop),
        }
    }

    pub fn label(&self, lang: Lang, crop_name: Option<&str>) -> String {
        match self {
            CropScope::WinterVegetables => lang.pick("冬季蔬菜", "Winter vegetables").to_owned(),
            CropScope::Crop(code) => crop_name.unwrap_or(code).to_owned(),
        }
    }
}

/// A target: `area` of `crops` planted between `starts_on` and `deadline` (both counted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub crops: CropScope,
    pub area: Mu,
    pub starts_on: NaiveDate,
    pub deadline: NaiveDate,
}

/// Why a target was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TargetError {
    UnknownCrop,
    BadArea,
    BadDate,
    /// The deadline is before the start.
    DeadlineBeforeStart,
    UnknownPlace,
}

impl TargetError {
    pub fn code(self) -> &'static str {
        match self {
            TargetError::UnknownCrop => "unknown_crop",
            TargetError::BadArea => "invalid_area",
            TargetError::BadDate => "invalid_date",
            TargetError::DeadlineBeforeStart => "deadline_before_start",
            TargetError::UnknownPlace => "unknown_place",
        }
    }

    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            TargetError::UnknownCrop => lang.pick(
                "请选择作物或“冬季蔬菜”",
                "Choose a crop or “winter vegetables”",
            ),
            TargetError::BadArea => lang.pick(
                "目标面积应为大于 0 的亩数，最多两位小数",
                "The target must be a number of mu above 0, at most two decimals",
            ),
            TargetError::BadDate => lang.pick("日期应为 YYYY-MM-DD", "Dates must be YYYY-MM-DD"),
            TargetError::DeadlineBeforeStart => lang.pick(
                "截止日期不能早于开始日期",
                "The deadline cannot be before the start",
            ),
            TargetError::UnknownPlace => lang.pick(
                "找不到该乡镇或村，或不在您的范围内",
                "No such township or village in your scope",
            ),
        }
    }
}

/// A target as typed in a form or posted to the API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTargetInput {
    pub crops: String,
    pub area: String,
    pub starts_on: String,
    pub deadline: String,
}

/// Checks a new target; `known_crop` says whether a crop code exists.
///
/// # Errors
/// Every field's problem, in form order.
pub fn validate_target(
    input: &NewTargetInput,
    known_crop: impl Fn(&str) -> bool,
) -> Result<Target, Vec<TargetError>> {
    let mut errors = Vec::new();
    let crops = CropScope::from_code(&input.crops);
    if let CropScope::Crop(code) = &crops
        && !known_crop(code)
    {
        errors.push(TargetError::UnknownCrop);
    }
    let area = match input.area.parse::<Mu>() {
        Ok(a) if a.is_positive() => Some(a),
        _ => {
            errors.push(TargetError::BadArea);
            None
        }
    };
    let date = |text: &str| crate::forecast::parse_day(text).ok();
    let (starts_on, deadline) = (date(&input.starts_on), date(&input.deadline));
    if starts_on.is_none() || deadline.is_none() {
        errors.push(TargetError::BadDate);
    }
    if let (Some(s), Some(d)) = (starts_on, deadline)
        && d < s
    {
        errors.push(TargetError::DeadlineBeforeStart);
    }
    match (area, starts_on, deadline) {
        (Some(area), Some(starts_on), Some(deadline)) if errors.is_empty() => Ok(Target {
            crops,
            area,
            starts_on,
            deadline,
        }),
        _ => Err(errors),
    }
}

/// A planting as progress sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlantedItem {
    pub crop: String,
    pub area: Mu,
    /// The day it went into the ground (or is planned to).
    pub planted_on: NaiveDate,
    pub status: PlantingStatus,
    pub village_id: i64,
}

impl PlantedItem {
    /// Counts toward a target: in the ground (planted, harvesting or done). Planned plantings
    /// are not planted yet; failed ones must be replanted to count.
    pub fn is_in_the_ground(&self) -> bool {
        matches!(
            self.status,
            PlantingStatus::Planted | PlantingStatus::Harvesting | PlantingStatus::Done
        )
    }
}

/// One day of the progress chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayPoint {
    pub date: NaiveDate,
    /// Planted by the end of this day.
    pub planted: Mu,
    /// What a straight line from start to deadline asks for by the end of this day.
    pub required: Mu,
}

/// Where a target stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub planted: Mu,
    /// Planted as a share of the target in hundredths of a percent (10012 = 100.12 %).
    pub percent_basis_points: i64,
    pub days_left: i64,
    /// Mu a day needed from today.
    pub per_day: Mu,
    pub state: PlanState,
    /// What the straight line asks for by today.
    pub required_today: Mu,
    /// Planted at least what the straight line asks for by today (or the target is met).
    pub on_track: bool,
    /// Planted mu per village, by village id.
    pub by_village: Vec<(i64, Mu)>,
    /// From the start to the deadline.
    pub series: Vec<DayPoint>,
}

/// The straight line: share of `target.area` due by the end of `day`, rounded up.
pub fn required_by(target: &Target, day: NaiveDate) -> Mu {
    let total = (target.deadline - target.starts_on).num_days() + 1;
    let done = ((day - target.starts_on).num_days() + 1).clamp(0, total);
    Mu::from_centi((target.area.centi() * done + total - 1) / total)
}

/// Progress of `target` on `today`, from the plantings in its scope (the caller passes the
/// place's plantings; crops and dates are filtered here). Plantings count from the start of the
/// target's season (1 July) up to its deadline; those before `starts_on` count on the first day.
pub fn progress(target: &Target, items: &[PlantedItem], today: NaiveDate) -> Progress {
    let season_start =
        crate::forecast::climate::july_first(crate::forecast::season_year(target.deadline));
    let counted: Vec<&PlantedItem> = items
        .iter()
        .filter(|i| {
            i.is_in_the_ground()
                && target.crops.includes(&i.crop)
                && i.planted_on >= season_start
                && i.planted_on <= target.deadline
                && i.planted_on <= today
        })
        .collect();
    let planted: Mu = counted.iter().map(|i| i.area).sum();
    let mut by_village: Vec<(i64, Mu)> = Vec::new();
    for i in &counted {
        match by_village.iter_mut().find(|(v, _)| *v == i.village_id) {
            Some((_, area)) => *area += i.area,
            None => by_village.push((i.village_id, i.area)),
        }
    }
    by_village.sort_by_key(|(v, _)| *v);
    let series = target
        .starts_on
        .iter_days()
        .take_while(|d| *d <= target.deadline)
        .map(|date| DayPoint {
            date,
            planted: counted
                .iter()
                .filter(|i| i.planted_on <= date)
                .map(|i| i.area)
                .sum(),
            required: required_by(target, date),
        })
        .collect();
    let rate = plan_rate(
        target.area,
        planted,
        today.max(target.starts_on),
        target.deadline,
    );
    let required_today = if today < target.starts_on {
        Mu::ZERO
    } else {
        required_by(target, today)
    };
    Progress {
        planted,
        percent_basis_points: rate.percent_basis_points,
        days_left: rate.days_left,
        per_day: rate.per_day,
        state: rate.state,
        required_today,
        on_track: planted >= required_today.min(target.area),
        by_village,
        series,
    }
}

/// Days from `starts_on` to `deadline`, both counted.
pub fn campaign_days(target: &Target) -> i64 {
    (target.deadline - target.starts_on + Duration::days(1)).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn item(
        crop: &str,
        mu: i64,
        on: NaiveDate,
        status: PlantingStatus,
        village: i64,
    ) -> PlantedItem {
        PlantedItem {
            crop: crop.into(),
            area: Mu::from_whole(mu),
            planted_on: on,
            status,
            village_id: village,
        }
    }

    /// The 茂县飞虹乡 case: about 800 mu of winter vegetables by early December (12月上旬).
    fn feihong() -> Target {
        Target {
            crops: CropScope::WinterVegetables,
            area: Mu::from_whole(800),
            starts_on: d(2026, 11, 11),
            deadline: d(2026, 12, 10),
        }
    }

    #[test]
    fn progress_counts_planted_winter_vegetables_up_to_today() {
        use PlantingStatus::*;
        let items = [
            item("celtuce", 300, d(2026, 11, 15), Planted, 1),
            item("cauliflower", 100, d(2026, 11, 20), Harvesting, 2),
            item("celtuce", 50, d(2026, 11, 30), Planted, 1), // after today
            item("celtuce", 70, d(2026, 11, 16), Planned, 1), // not in the ground
            item("celtuce", 20, d(2026, 11, 16), Failed, 1),  // must be replanted
            item("morel", 90, d(2026, 11, 16), Planted, 3),   // another crop
        ];
        let p = progress(&feihong(), &items, d(2026, 11, 25));
        assert_eq!(p.planted, Mu::from_whole(400));
        assert_eq!(p.percent_basis_points, 5_000);
        assert_eq!(p.days_left, 16);
        assert_eq!(p.per_day, Mu::from_whole(25));
        assert_eq!(
            p.by_village,
            vec![(1, Mu::from_whole(300)), (2, Mu::from_whole(100))]
        );
        // 15 of 30 days gone: the line asks for 400 mu, exactly what is planted.
        assert_eq!(p.required_today, Mu::from_whole(400));
        assert!(p.on_track);
        assert_eq!(p.series.len(), 30);
        assert_eq!(p.series[4].planted, Mu::from_whole(300));
        assert_eq!(
            p.series.last().map(|s| s.required),
            Some(Mu::from_whole(800))
        );
    }

    #[test]
    fn falling_behind_the_line_is_off_track() {
        let items = [item(
            "celtuce",
            399,
            d(2026, 11, 15),
            PlantingStatus::Planted,
            1,
        )];
        let p = progress(&feihong(), &items, d(2026, 11, 25));
        assert!(!p.on_track);
        assert_eq!(p.state, PlanState::InProgress);
    }

    #[test]
    fn a_met_target_is_done_and_on_track_after_the_deadline() {
        let items = [item(
            "celtuce",
            801,
            d(2026, 12, 1),
            PlantingStatus::Done,
            1,
        )];
        let p = progress(&feihong(), &items, d(2027, 1, 5));
        assert_eq!(p.state, PlanState::Done);
        assert!(p.on_track);
        assert_eq!(p.percent_basis_points, 10_013);
    }

    #[test]
    fn the_required_line_rises_evenly_and_rounds_up() {
        let t = feihong();
        assert_eq!(required_by(&t, d(2026, 11, 10)), Mu::ZERO);
        assert_eq!(required_by(&t, d(2026, 11, 11)), Mu::from_centi(2_667));
        assert_eq!(required_by(&t, d(2026, 12, 10)), Mu::from_whole(800));
        assert_eq!(required_by(&t, d(2027, 1, 1)), Mu::from_whole(800));
        assert_eq!(campaign_days(&t), 30);
    }

    #[test]
    fn targets_are_validated_field_by_field() {
        let known = |c: &str| c == "celtuce";
        let ok = NewTargetInput {
            crops: "winter_vegetables".into(),
            area: "800".into(),
            starts_on: "2026-11-11".into(),
            deadline: "2026-12-10".into(),
        };
        assert_eq!(validate_target(&ok, known), Ok(feihong()));
        let bad = NewTargetInput {
            crops: "rice".into(),
            area: "0".into(),
            starts_on: "2026-12-11".into(),
            deadline: "2026-12-10".into(),
        };
        assert_eq!(
            validate_target(&bad, known),
            Err(vec![
                TargetError::UnknownCrop,
                TargetError::BadArea,
                TargetError::DeadlineBeforeStart
            ])
        );
        let no_dates = NewTargetInput {
            starts_on: "soon".into(),
            ..ok
        };
        assert_eq!(
            validate_target(&no_dates, known),
            Err(vec![TargetError::BadDate])
        );
    }
}
