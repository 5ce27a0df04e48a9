//! Plots (地块): the rules for adding, editing and retiring one, and who may do it.
//! A plot with history is retired, never deleted; its area can shrink only as far as the
//! land its plantings hold in their busiest season.

use crate::area::AreaParseError;
use crate::season::{Occupancy, peak_area};
use crate::{Lang, Mu};
use serde::{Deserialize, Serialize};

/// The largest plot we accept: a township's whole arable land is a few ten thousand mu.
pub const MAX_PLOT_AREA: Mu = Mu::from_whole(100_000);
/// Longest plot code (characters).
pub const MAX_CODE_CHARS: usize = 32;
/// Longest note (characters).
pub const MAX_NOTES_CHARS: usize = 500;

/// How a plot is watered. `Unknown` is the empty choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Irrigation {
    Unknown,
    /// 雨养 (rain only)
    Rainfed,
    /// 沟灌 (furrows fed from a canal)
    Furrow,
    /// 提灌 (pumped)
    Pumped,
    /// 喷灌
    Sprinkler,
    /// 滴灌
    Drip,
}

impl Irrigation {
    pub const ALL: [Irrigation; 6] = [
        Irrigation::Unknown,
        Irrigation::Rainfed,
        Irrigation::Furrow,
        Irrigation::Pumped,
        Irrigation::Sprinkler,
        Irrigation::Drip,
    ];

    /// The stored code (`""` for unknown).
    pub fn code(self) -> &'static str {
        match self {
            Irrigation::Unknown => "",
            Irrigation::Rainfed => "rainfed",
            Irrigation::Furrow => "furrow",
            Irrigation::Pumped => "pumped",
            Irrigation::Sprinkler => "sprinkler",
            Irrigation::Drip => "drip",
        }
    }

    /// Reads a stored code, or what a person typed in either language.
    pub fn parse(text: &str) -> Option<Irrigation> {
        let t = text.trim();
        Irrigation::ALL.into_iter().find(|i| {
            t.eq_ignore_ascii_case(i.code())
                || t == i.label(Lang::Zh)
                || t.eq_ignore_ascii_case(i.label(Lang::En))
        })
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Irrigation::Unknown, Lang::Zh) => "未填",
            (Irrigation::Unknown, Lang::En) => "not given",
            (Irrigation::Rainfed, Lang::Zh) => "雨养",
            (Irrigation::Rainfed, Lang::En) => "rain-fed",
            (Irrigation::Furrow, Lang::Zh) => "沟灌",
            (Irrigation::Furrow, Lang::En) => "furrow",
            (Irrigation::Pumped, Lang::Zh) => "提灌",
            (Irrigation::Pumped, Lang::En) => "pumped",
            (Irrigation::Sprinkler, Lang::Zh) => "喷灌",
            (Irrigation::Sprinkler, Lang::En) => "sprinkler",
            (Irrigation::Drip, Lang::Zh) => "滴灌",
            (Irrigation::Drip, Lang::En) => "drip",
        }
    }
}

/// The plot form's fields, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlotInput {
    pub code: String,
    pub area: String,
    /// The owner household's code (e.g. `FH-001`), or empty for collective land.
    pub owner: String,
    pub irrigation: String,
    pub notes: String,
}

/// A plot that passed the rules (the owner still has to be found in the plot's village).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidPlot {
    pub code: String,
    pub area: Mu,
    pub owner_code: Option<String>,
    pub irrigation: Irrigation,
    pub notes: String,
}

/// Why a plot was refused; each error names its field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum PlotError {
    CodeMissing,
    CodeTooLong,
    /// Another plot of the village has this code.
    CodeTaken,
    AreaMissing,
    AreaUnreadable,
    AreaTooPrecise,
    AreaNotPositive,
    AreaTooLarge,
    /// Smaller than the land its plantings hold in their busiest season.
    AreaBelowPlanted {
        planted: Mu,
    },
    /// No household with that code in the plot's village.
    UnknownOwner,
    UnknownIrrigation,
    NotesTooLong,
    UnknownVillage,
}

impl PlotError {
    /// The form field the error belongs to.
    pub fn field(&self) -> &'static str {
        match self {
            PlotError::CodeMissing | PlotError::CodeTooLong | PlotError::CodeTaken => "code",
            PlotError::AreaMissing
            | PlotError::AreaUnreadable
            | PlotError::AreaTooPrecise
            | PlotError::AreaNotPositive
            | PlotError::AreaTooLarge
            | PlotError::AreaBelowPlanted { .. } => "area",
            PlotError::UnknownOwner => "owner",
            PlotError::UnknownIrrigation => "irrigation",
            PlotError::NotesTooLong => "notes",
            PlotError::UnknownVillage => "village",
        }
    }

    /// A short stable code, for URLs, the API and tests.
    pub fn code(&self) -> &'static str {
        match self {
            PlotError::CodeMissing => "code_missing",
            PlotError::CodeTooLong => "code_too_long",
            PlotError::CodeTaken => "code_taken",
            PlotError::AreaMissing => "area_missing",
            PlotError::AreaUnreadable => "area_unreadable",
            PlotError::AreaTooPrecise => "area_too_precise",
            PlotError::AreaNotPositive => "area_not_positive",
            PlotError::AreaTooLarge => "area_too_large",
            PlotError::AreaBelowPlanted { .. } => "area_below_planted",
            PlotError::UnknownOwner => "unknown_owner",
            PlotError::UnknownIrrigation => "unknown_irrigation",
            PlotError::NotesTooLong => "notes_too_long",
            PlotError::UnknownVillage => "unknown_village",
        }
    }

    /// Rebuilds an error from its code (`planted` for the one that carries an area).
    pub fn from_code(code: &str, planted: Option<Mu>) -> Option<Self> {
        let all = [
            PlotError::CodeMissing,
            PlotError::CodeTooLong,
            PlotError::CodeTaken,
            PlotError::AreaMissing,
            PlotError::AreaUnreadable,
            PlotError::AreaTooPrecise,
            PlotError::AreaNotPositive,
            PlotError::AreaTooLarge,
            PlotError::AreaBelowPlanted {
                planted: planted.unwrap_or(Mu::ZERO),
            },
            PlotError::UnknownOwner,
            PlotError::UnknownIrrigation,
            PlotError::NotesTooLong,
            PlotError::UnknownVillage,
        ];
        all.into_iter().find(|e| e.code() == code)
    }

    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (PlotError::CodeMissing, Lang::Zh) => "请填写地块编号".into(),
            (PlotError::CodeMissing, Lang::En) => "Enter the plot code".into(),
            (PlotError::CodeTooLong, Lang::Zh) => {
                format!("地块编号最多 {MAX_CODE_CHARS} 个字")
            }
            (PlotError::CodeTooLong, Lang::En) => {
                format!("The plot code may have at most {MAX_CODE_CHARS} characters")
            }
            (PlotError::CodeTaken, Lang::Zh) => "本村已有同编号的地块".into(),
            (PlotError::CodeTaken, Lang::En) => {
                "The village already has a plot with this code".into()
            }
            (PlotError::AreaMissing, Lang::Zh) => "请填写面积（亩）".into(),
            (PlotError::AreaMissing, Lang::En) => "Enter the area in mu".into(),
            (PlotError::AreaUnreadable, Lang::Zh) => "面积须为数字，例如 12.5".into(),
            (PlotError::AreaUnreadable, Lang::En) => "The area must be a number, e.g. 12.5".into(),
            (PlotError::AreaTooPrecise, Lang::Zh) => "面积最多保留两位小数".into(),
            (PlotError::AreaTooPrecise, Lang::En) => "Use at most two decimals for the area".into(),
            (PlotError::AreaNotPositive, Lang::Zh) => "面积必须大于 0".into(),
            (PlotError::AreaNotPositive, Lang::En) => "The area must be greater than 0".into(),
            (PlotError::AreaTooLarge, Lang::Zh) => format!("面积不能超过 {MAX_PLOT_AREA} 亩"),
            (PlotError::AreaTooLarge, Lang::En) => {
                format!("The area cannot exceed {MAX_PLOT_AREA} mu")
            }
            (PlotError::AreaBelowPlanted { planted }, Lang::Zh) => {
                format!("面积不能小于地块上已安排的种植面积（{planted} 亩）")
            }
            (PlotError::AreaBelowPlanted { planted }, Lang::En) => {
                format!("The area cannot be less than what its plantings hold ({planted} mu)")
            }
            (PlotError::UnknownOwner, Lang::Zh) => "本村没有该户号的农户".into(),
            (PlotError::UnknownOwner, Lang::En) => {
                "No household with this code in the village".into()
            }
            (PlotError::UnknownIrrigation, Lang::Zh) => {
                "灌溉方式无效（雨养、沟灌、提灌、喷灌、滴灌）".into()
            }
            (PlotError::UnknownIrrigation, Lang::En) => {
                "Unknown irrigation (rainfed, furrow, pumped, sprinkler, drip)".into()
            }
            (PlotError::NotesTooLong, Lang::Zh) => format!("备注最多 {MAX_NOTES_CHARS} 个字"),
            (PlotError::NotesTooLong, Lang::En) => {
                format!("Notes may have at most {MAX_NOTES_CHARS} characters")
            }
            (PlotError::UnknownVillage, Lang::Zh) => "找不到该村，或您无权管理该村".into(),
            (PlotError::UnknownVillage, Lang::En) => {
                "No such village, or it is not yours to manage".into()
            }
        }
    }
}

/// Checks a typed plot. `held` is the land its plantings hold (empty for a new plot): the area
/// may not fall below their busiest season. All errors are returned together.
///
/// # Errors
/// Every rule the input breaks.
pub fn validate_plot(input: &PlotInput, held: &[Occupancy]) -> Result<ValidPlot, Vec<PlotError>> {
    let mut errors = Vec::new();
    let code = input.code.trim();
    if code.is_empty() {
        errors.push(PlotError::CodeMissing);
    } else if code.chars().count() > MAX_CODE_CHARS {
        errors.push(PlotError::CodeTooLong);
    }
    let area = match input.area.parse::<Mu>() {
        Ok(a) if !a.is_positive() => Err(PlotError::AreaNotPositive),
        Ok(a) if a > MAX_PLOT_AREA => Err(PlotError::AreaTooLarge),
        Ok(a) => {
            let planted = peak_of(held);
            if a < planted {
                Err(PlotError::AreaBelowPlanted { planted })
            } else {
                Ok(a)
            }
        }
        Err(AreaParseError::Empty) => Err(PlotError::AreaMissing),
        Err(AreaParseError::TooPrecise) => Err(PlotError::AreaTooPrecise),
        Err(AreaParseError::TooLarge) => Err(PlotError::AreaTooLarge),
        Err(AreaParseError::NotANumber) => Err(PlotError::AreaUnreadable),
    };
    let area = area.map_err(|e| errors.push(e)).ok();
    let irrigation = Irrigation::parse(&input.irrigation);
    if irrigation.is_none() {
        errors.push(PlotError::UnknownIrrigation);
    }
    let notes = input.notes.trim();
    if notes.chars().count() > MAX_NOTES_CHARS {
        errors.push(PlotError::NotesTooLong);
    }
    match (area, irrigation) {
        (Some(area), Some(irrigation)) if errors.is_empty() => Ok(ValidPlot {
            code: code.to_owned(),
            area,
            owner_code: Some(input.owner.trim())
                .filter(|o| !o.is_empty())
                .map(str::to_owned),
            irrigation,
            notes: notes.to_owned(),
        }),
        _ => Err(errors),
    }
}

/// The most land the plantings hold on any one day.
pub fn peak_of(held: &[Occupancy]) -> Mu {
    let Some(from) = held.iter().map(|o| o.season.from).min() else {
        return Mu::ZERO;
    };
    let until = held.iter().map(|o| o.season.until).max().unwrap_or(from);
    peak_area(held, crate::Season { from, until })
}

/// Why a plot cannot be retired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetireError {
    AlreadyRetired,
    /// Plantings that are planned, in the ground or being harvested.
    ActivePlantings(usize),
}

impl RetireError {
    pub fn code(self) -> &'static str {
        match self {
            RetireError::AlreadyRetired => "already_retired",
            RetireError::ActivePlantings(_) => "active_plantings",
        }
    }

    pub fn message(self, lang: Lang) -> String {
        match (self, lang) {
            (RetireError::AlreadyRetired, Lang::Zh) => "该地块已停用".into(),
            (RetireError::AlreadyRetired, Lang::En) => "The plot is already retired".into(),
            (RetireError::ActivePlantings(n), Lang::Zh) => {
                format!("地块上还有 {n} 项未结束的种植，请先收获完毕或标记失败")
            }
            (RetireError::ActivePlantings(n), Lang::En) => format!(
                "{n} planting(s) on the plot are still under way; finish or mark them failed first"
            ),
        }
    }
}

/// A plot may be retired when no planting on it is still planned, planted or harvesting; its
/// finished plantings stay as history.
///
/// # Errors
/// It is retired already, or plantings are under way.
pub fn check_retire(retired: bool, statuses: &[crate::PlantingStatus]) -> Result<(), RetireError> {
    if retired {
        return Err(RetireError::AlreadyRetired);
    }
    use crate::PlantingStatus::{Harvesting, Planned, Planted};
    match statuses
        .iter()
        .filter(|s| matches!(s, Planned | Planted | Harvesting))
        .count()
    {
        0 => Ok(()),
        n => Err(RetireError::ActivePlantings(n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PlantingStatus, Season};
    use chrono::NaiveDate;

    fn input(code: &str, area: &str) -> PlotInput {
        PlotInput {
            code: code.into(),
            area: area.into(),
            ..PlotInput::default()
        }
    }

    fn held(area: i64, from: (u32, u32), until: (u32, u32)) -> Occupancy {
        let d = |(m, day)| NaiveDate::from_ymd_opt(2026, m, day).expect("date");
        Occupancy {
            area: Mu::from_whole(area),
            season: Season {
                from: d(from),
                until: d(until),
            },
        }
    }

    #[test]
    fn a_plain_plot_passes_with_trimmed_fields() {
        let p = validate_plot(
            &PlotInput {
                code: " FH-07 ".into(),
                area: "12.5".into(),
                owner: " FH-001 ".into(),
                irrigation: "滴灌".into(),
                notes: " 靠河 ".into(),
            },
            &[],
        )
        .expect("valid");
        assert_eq!(p.code, "FH-07");
        assert_eq!(p.area, Mu::from_centi(1250));
        assert_eq!(p.owner_code.as_deref(), Some("FH-001"));
        assert_eq!(p.irrigation, Irrigation::Drip);
        assert_eq!(p.notes, "靠河");
        let collective = validate_plot(&input("X", "3"), &[]).expect("valid");
        assert_eq!(collective.owner_code, None);
        assert_eq!(collective.irrigation, Irrigation::Unknown);
    }

    #[test]
    fn every_broken_rule_is_reported_at_once() {
        let errors = validate_plot(
            &PlotInput {
                code: "  ".into(),
                area: "-1".into(),
                owner: String::new(),
                irrigation: "magic".into(),
                notes: "长".repeat(MAX_NOTES_CHARS + 1),
            },
            &[],
        )
        .expect_err("invalid");
        let codes: Vec<_> = errors.iter().map(PlotError::code).collect();
        assert_eq!(
            codes,
            [
                "code_missing",
                "area_not_positive",
                "unknown_irrigation",
                "notes_too_long"
            ]
        );
    }

    #[test]
    fn areas_are_read_with_reasons() {
        let code = |a: &str| {
            validate_plot(&input("A", a), &[]).expect_err("invalid")[0]
                .code()
                .to_owned()
        };
        assert_eq!(code(""), "area_missing");
        assert_eq!(code("abc"), "area_unreadable");
        assert_eq!(code("1.234"), "area_too_precise");
        assert_eq!(code("0"), "area_not_positive");
        assert_eq!(code("100000.01"), "area_too_large");
        assert_eq!(code("99999999999"), "area_too_large");
        assert!(validate_plot(&input("A", "100000"), &[]).is_ok());
        assert_eq!(
            validate_plot(&input(&"码".repeat(33), "1"), &[]).expect_err("long")[0],
            PlotError::CodeTooLong
        );
    }

    #[test]
    fn a_plot_shrinks_only_to_its_busiest_season() {
        // 6 + 3 overlap in December (9 mu); 5 later on its own.
        let h = [
            held(6, (11, 1), (12, 31)),
            held(3, (12, 1), (12, 20)),
            held(5, (1, 1), (3, 1)),
        ];
        assert_eq!(peak_of(&h), Mu::from_whole(9));
        assert!(validate_plot(&input("A", "9"), &h).is_ok());
        assert_eq!(
            validate_plot(&input("A", "8.99"), &h).expect_err("too small"),
            [PlotError::AreaBelowPlanted {
                planted: Mu::from_whole(9)
            }]
        );
        assert_eq!(peak_of(&[]), Mu::ZERO);
    }

    #[test]
    fn only_a_plot_with_nothing_under_way_can_be_retired() {
        use PlantingStatus::*;
        assert_eq!(check_retire(false, &[Done, Failed]), Ok(()));
        assert_eq!(check_retire(false, &[]), Ok(()));
        assert_eq!(
            check_retire(false, &[Done, Planned, Harvesting]),
            Err(RetireError::ActivePlantings(2))
        );
        assert_eq!(check_retire(true, &[]), Err(RetireError::AlreadyRetired));
    }

    #[test]
    fn irrigation_reads_codes_and_labels_in_both_languages() {
        for i in Irrigation::ALL {
            assert_eq!(Irrigation::parse(i.code()), Some(i));
            assert_eq!(Irrigation::parse(i.label(Lang::Zh)), Some(i));
            assert_eq!(Irrigation::parse(i.label(Lang::En)), Some(i));
        }
        assert_eq!(Irrigation::parse(" DRIP "), Some(Irrigation::Drip));
        assert_eq!(Irrigation::parse("flood"), None);
    }

    #[test]
    fn error_codes_round_trip() {
        for code in [
            "code_missing",
            "code_taken",
            "area_below_planted",
            "unknown_owner",
            "unknown_village",
            "notes_too_long",
        ] {
            let e = PlotError::from_code(code, Some(Mu::from_whole(3))).expect("known");
            assert_eq!(e.code(), code);
            assert!(!e.message(Lang::Zh).is_empty() && !e.message(Lang::En).is_empty());
        }
        assert_eq!(PlotError::from_code("nope", None), None);
    }
}
