//! Crop development models: how each crop turns temperature into a harvest date, with the
//! numbers we chose and where they come from (`shared/agronomy.md` names the sources).
//!
//! Thermal time follows McMaster & Wilhelm (1997, Agric. For. Meteorol. 87:291–300), "method 1":
//! the daily mean (Tmax+Tmin)/2 minus the base, floored at zero, with a horizontal upper cutoff
//! (UC IPM, ipm.ucdavis.edu/WEATHER/ddmoreinfo.html) where the crop has one. Method 1 needs only
//! the daily mean, so `date,tmean` weather files give the same answer as `date,tmin,tmax` ones.

use crate::calendar::Term;
use serde::{Deserialize, Serialize};

/// Whether `planted_on` means the seed went into the field or a seedling was set out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlantedAs {
    Sowing,
    Transplanting,
}

/// How development is driven by temperature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Development {
    /// Harvest starts once `degree_days` (°C·d above `base_c`, means capped at `upper_c`) have
    /// accumulated from the planting day.
    ThermalTime {
        base_c: f32,
        upper_c: Option<f32>,
        degree_days: f32,
    },
    /// Morels: no fruiting until the mycelium has incubated `min_incubation_days`; primordia form
    /// once the daily mean has stayed above `trigger_mean_c` for `trigger_days` days in a row
    /// after that; fruit bodies then take `cool_days` to harvest at daily means below
    /// `cool_below_c` and `warm_days` above it (accumulated as a development rate per day, so a
    /// later trigger can never harvest earlier).
    MorelTrigger {
        min_incubation_days: u16,
        trigger_mean_c: f32,
        trigger_days: u16,
        cool_below_c: f32,
        cool_days: f32,
        warm_days: f32,
    },
}

/// One edge of a planting window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowEdge {
    /// A calendar day (month, day).
    Day(u32, u32),
    /// The day a solar term begins (节气).
    Term(Term),
}

/// When a crop is sensibly planted, as a yearly window; optionally only on days whose normal
/// maximum is below a temperature (morels are sown once the day maximum falls below 20 °C).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlantingWindow {
    pub from: WindowEdge,
    pub to: WindowEdge,
    pub tmax_below_c: Option<f32>,
}

/// The engine's parameters for one crop (its default variety).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CropModel {
    pub code: &'static str,
    pub planted_as: PlantedAs,
    pub development: Development,
    /// Days from first harvest to the end of harvest.
    pub harvest_days: u32,
    /// Expected yield in kg per mu (fresh).
    pub yield_kg_per_mu: u32,
    /// Effective temperature offset in °C for open field, plastic mulch (地膜) and small tunnel
    /// (小拱棚), in that order.
    pub protection_offset_c: [f32; 3],
    pub window: PlantingWindow,
}

impl CropModel {
    /// Whether the crop needs a cold spell to develop (none of ours does: the morel trigger is a
    /// warm trigger after incubation). Kept so the "warmer is never later" property can say
    /// which crops it covers.
    pub fn needs_chilling(&self) -> bool {
        false
    }
}

/// Plastic mulch and small tunnels: offsets are our calibration choices within the ranges
/// reported by Lamont (2005, HortTechnology 15(3):477–481: black/clear mulch warms the root zone
/// by about 2–5 °C, low tunnels raise air temperature by several degrees on sunny days) and
/// discounted because overwintering days in Sichuan are mostly overcast.
const VEGETABLE_PROTECTION: [f32; 3] = [0.0, 1.0, 2.5];

/// The crops Tianlian forecasts.
pub const CROP_MODELS: &[CropModel] = &[
    // 莴笋 celtuce, overwintering crop. Lettuce development is close to linear in day-degrees above
    // 0 °C (agronomy.md: crisp lettuce, J. Agric. Sci.), so base 0 °C; stem growth best at
    // 11–18 °C (cardozapub.com) and growth slows above ~24 °C, our upper cutoff. No published
    // thermal-time total exists for celtuce: 215 °C·d is calibrated on the product's case
    // (茂县飞虹乡: transplanted late Nov–early Dec, ready in February; test `maoxian_celtuce…`).
    // Harvest spread 20 days; yield 2,500 kg/mu, the low end of a normal year (Anzhou farmer
    // report, m.yd166.com/sannong/5624498746.html: 2,500–3,000 normal, 2,000 poor). Window:
    // overwintering transplanting Nov–Dec (my478.com …/117096.html).
    CropModel {
        code: "celtuce",
        planted_as: PlantedAs::Transplanting,
        development: Development::ThermalTime {
            base_c: 0.0,
            upper_c: Some(24.0),
            degree_days: 215.0,
        },
        harvest_days: 20,
        yield_kg_per_mu: 2_500,
        protection_offset_c: VEGETABLE_PROTECTION,
        window: PlantingWindow {
            from: WindowEdge::Day(11, 1),
            to: WindowEdge::Day(12, 31),
            tmax_below_c: None,
        },
    },
    // 花菜 cauliflower, winter crop. Curd growth is close to linear in day-degrees above 0 °C
    // (Wurr, ISHS Acta Hort. 267_45), base 0 °C; upper cutoff 25 °C. Calibrated to the same
    // 茂县 case (matures the following February), a little later than celtuce: 235 °C·d. Curds
    // of one variety come in over ±7 days (zhiwuziliao.com): 15-day harvest. Yield 1,500 kg/mu,
    // the low end of 1,500–2,000 (台松65天, seed-china.com Id=4991).
    CropModel {
        code: "cauliflower",
        planted_as: PlantedAs::Transplanting,
        development: Development::ThermalTime {
            base_c: 0.0,
            upper_c: Some(25.0),
            degree_days: 235.0,
        },
        harvest_days: 15,
        yield_kg_per_mu: 1_500,
        protection_offset_c: VEGETABLE_PROTECTION,
        window: PlantingWindow {
            from: WindowEdge::Day(11, 1),
            to: WindowEdge::Day(12, 31),
            tmax_below_c: None,
        },
    },
    // 羊肚菌 morel, field cultivation (agronomy.md, morel steps 4–9): sown Sep–Dec once the day
    // maximum is below 20 °C; primordia "once the temperature has stayed above 8 °C for 3 days",
    // harvest "20–25 days later when the daily mean is below 15 °C, 10–15 days when above"
    // (mg7199.com …/show-112471.html) — we take the midpoints 22.5 and 12.5 days. Primordia come
    // about 80–100 days after field incubation (Tang et al. 2016, isms.biz vol. 19 art. 81): the
    // 80-day lower bound is the minimum incubation. Harvest runs in flushes Feb–Apr: 30 days.
    // Yield 170 kg/mu fresh ("160–180 kg typical"). The crop already sits under black mulch and a
    // shade shed, so protection does not change it.
    CropModel {
        code: "morel",
        planted_as: PlantedAs::Sowing,
        development: Development::MorelTrigger {
            min_incubation_days: 80,
            trigger_mean_c: 8.0,
            trigger_days: 3,
            cool_below_c: 15.0,
            cool_days: 22.5,
            warm_days: 12.5,
        },
        harvest_days: 30,
        yield_kg_per_mu: 170,
        protection_offset_c: [0.0, 0.0, 0.0],
        window: PlantingWindow {
            from: WindowEdge::Day(9, 1),
            to: WindowEdge::Day(12, 31),
            tmax_below_c: Some(20.0),
        },
    },
    // 川芎 chuanxiong: planted between 立秋 and 处暑 (latest 白露) at 都江堰 and dug in late May the
    // next year, 280–290 days (nongxun.net/wdd14836; kumifeng.com …/6711.html). Base 5 °C is our
    // choice for a cool-season perennial; 2,400 °C·d is calibrated so a mid-August planting on the
    // 都江堰 normals is dug in late May (test `chuanxiong…`). Digging takes about 10 days; yield
    // ~600 kg/mu (眉山).
    CropModel {
        code: "chuanxiong",
        planted_as: PlantedAs::Transplanting,
        development: Development::ThermalTime {
            base_c: 5.0,
            upper_c: Some(30.0),
            degree_days: 2_400.0,
        },
        harvest_days: 10,
        yield_kg_per_mu: 600,
        protection_offset_c: [0.0, 0.0, 0.0],
        window: PlantingWindow {
            from: WindowEdge::Term(Term::START_OF_AUTUMN),
            to: WindowEdge::Term(Term::WHITE_DEW),
            tmax_below_c: None,
        },
    },
    // 折耳根 houttuynia: rhizomes planted around 立春 … 清明, dug when they exceed 30 cm; harvest seen
    // in late February in southern Sichuan at ~1,500 kg/mu (犍为). Rhizomes stop growing in the
    // cold, so digging is a winter-long window rather than a thermal date: base 5 °C (our choice),
    // 3,400 °C·d calibrated so a 立春 planting on the 都江堰 normals is mature in autumn, then dug
    // over 150 days, through the following late February (test `houttuynia…`).
    CropModel {
        code: "houttuynia",
        planted_as: PlantedAs::Transplanting,
        development: Development::ThermalTime {
            base_c: 5.0,
            upper_c: Some(30.0),
            degree_days: 3_400.0,
        },
        harvest_days: 150,
        yield_kg_per_mu: 1_500,
        protection_offset_c: [0.0, 0.0, 0.0],
        window: PlantingWindow {
            from: WindowEdge::Term(Term::START_OF_SPRING),
            to: WindowEdge::Term(Term::PURE_BRIGHTNESS),
            tmax_below_c: None,
        },
    },
];

/// The model for a crop code.
pub fn crop_model(code: &str) -> Option<&'static CropModel> {
    CROP_MODELS.iter().find(|m| m.code == code)
}
