//! Crop development models: how each crop turns temperature into a harvest date, with the
//! numbers we chose and where they come from (`shared/agronomy.md` names the sources).
//!
//! Thermal time follows McMaster & Wilhelm (1997, Agric. For. Meteorol. 87:291–300), "method 1":
//! the daily mean (Tmax+Tmin)/2 minus the base, floored at zero, with a horizontal upper cutoff
//! (UC IPM, ipm.ucdavis.edu/WEATHER/ddmoreinfo.html) where the crop has one. Method 1 needs only
//! the daily mean, so `date,tmean` weather files give the same answer as `date,tmin,tmax` ones.

use crate::calendar::Term;
use chrono::NaiveDate;
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
        /// A cool spell the crop must meet part-way (cauliflower's curd initiation).
        cool_gate: Option<CoolGate>,
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

/// A cool spell the crop must meet part-way. Cauliflower forms a curd only once it is old enough
/// *and* the days are cool enough; 川芎 rests through the winter and its rhizome swells in
/// spring. After `after_degree_days` of the crop's thermal time, development waits for `days`
/// days in a row with a mean below `mean_below_c`, then needs the rest of the thermal time. A
/// warm autumn therefore delays the harvest, as growers see.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CoolGate {
    pub after_degree_days: f32,
    pub mean_below_c: f32,
    pub days: u16,
}

/// One edge of a planting window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowEdge {
    /// A calendar day (month, day).
    Day(u32, u32),
    /// The day a solar term begins (节气).
    Term(Term),
}

/// When a crop (type) is sensibly planted, as a yearly window; optionally only on days whose
/// normal maximum is below a temperature (morels are sown once the day maximum falls below
/// 20 °C) or above one (a place too cold for a type's season gets another type).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlantingWindow {
    pub from: WindowEdge,
    pub to: WindowEdge,
    pub tmax_below_c: Option<f32>,
    pub tmax_above_c: Option<f32>,
}

/// The engine's parameters for one type of a crop (a season or maturity group: overwintering
/// celtuce, early cauliflower, …).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CropModel {
    /// The crop's code (`celtuce`); several types share it.
    pub code: &'static str,
    /// The type's code within the crop (`overwintering`, `early`, …).
    pub kind: &'static str,
    pub kind_zh: &'static str,
    pub kind_en: &'static str,
    pub planted_as: PlantedAs,
    pub development: Development,
    /// Days from first harvest to the end of harvest.
    pub harvest_days: u32,
    /// Harvest ends early once the normal daily mean passes this (celtuce bolts in heat and the
    /// stem turns hollow; 莴笋 "高温长日照易抽薹").
    pub bolts_above_c: Option<f32>,
    /// The model's own error for this crop: the standard deviation, in days, of first harvest
    /// (P50) against the published windows of the validation set (`forecast::validation`
    /// measures it and a test keeps this number equal to the measurement).
    pub error_sd_days: f32,
    /// Expected yield in kg per mu (fresh).
    pub yield_kg_per_mu: u32,
    /// Effective temperature offset in °C for open field, plastic mulch (地膜) and small tunnel
    /// (小拱棚), in that order.
    pub protection_offset_c: [f32; 3],
    pub window: PlantingWindow,
}

impl CropModel {
    /// Whether the type needs a cool spell to develop (cauliflower's curd gate): a warmer place
    /// can then harvest later, so the "warmer is never later" property leaves it out.
    pub fn needs_chilling(&self) -> bool {
        matches!(
            self.development,
            Development::ThermalTime {
                cool_gate: Some(_),
                ..
            }
        )
    }

    /// "overwintering celtuce" / "越冬莴笋" style label of the type.
    pub fn kind_label(&self, lang: crate::Lang) -> &'static str {
        lang.pick(self.kind_zh, self.kind_en)
    }
}

/// Plastic mulch and small tunnels: offsets are our calibration choices within the ranges
/// reported by Lamont (2005, HortTechnology 15(3):477–481: black/clear mulch warms the root zone
/// by about 2–5 °C, low tunnels raise air temperature by several degrees on sunny days) and
/// discounted because overwintering days in Sichuan are mostly overcast.
const VEGETABLE_PROTECTION: [f32; 3] = [0.0, 1.0, 2.5];

const fn day(month: u32, day: u32) -> WindowEdge {
    WindowEdge::Day(month, day)
}

const fn window(from: WindowEdge, to: WindowEdge) -> PlantingWindow {
    PlantingWindow {
        from,
        to,
        tmax_below_c: None,
        tmax_above_c: None,
    }
}

/// The models' error per crop, in days (see [`CropModel::error_sd_days`]): the RMS of the
/// validation set's errors (`docs/forecast-validation.md`; a test keeps these equal to it).
/// 折耳根 has no validation set: no model error is added to its spread.
pub const CELTUCE_ERROR_SD_DAYS: f32 = 14.0;
pub const CAULIFLOWER_ERROR_SD_DAYS: f32 = 14.5;
pub const MOREL_ERROR_SD_DAYS: f32 = 14.4;
pub const CHUANXIONG_ERROR_SD_DAYS: f32 = 4.0;
pub const HOUTTUYNIA_ERROR_SD_DAYS: f32 = 0.0;

/// Celtuce bolts and its stem goes hollow in sustained heat: harvest of any celtuce type stops
/// once the normal daily mean passes 25 °C ("growth suffers above 25 °C", stem swelling best at
/// 18–22 °C by day and 12–15 °C by night, 河北农业 2015; early bolting of seedlings at 22–24 °C
/// and long days: the types' windows keep their seedlings out of that).
const CELTUCE_BOLTS_C: f32 = 25.0;

/// The crop types Tianlian forecasts, grouped by crop; a crop's first type is its default where
/// a single answer is needed without a date (labour templates). Where a number is calibrated,
/// the case it is calibrated on is named; `forecast/validation.rs` checks every type against
/// published calendars.
pub const CROP_MODELS: &[CropModel] = &[
    // 莴笋 celtuce, overwintering crop (越冬莴笋). Lettuce development is close to linear in
    // day-degrees above 0 °C (agronomy.md: crisp lettuce, J. Agric. Sci.), so base 0 °C; growth
    // slows above ~24 °C, our upper cutoff. No published thermal-time total exists for celtuce:
    // 200 °C·d is calibrated on the product's case (茂县飞虹乡: transplanted late Nov–early Dec,
    // ready in February; test `maoxian_celtuce…`). Harvest spread 20 days; yield 2,500 kg/mu,
    // the low end of a normal year (Anzhou farmer report, m.yd166.com/sannong/5624498746.html).
    // Window: transplanting mid-Oct–Dec (my478.com …/117096.html).
    CropModel {
        code: "celtuce",
        kind: "overwintering",
        kind_zh: "越冬莴笋",
        kind_en: "overwintering",
        planted_as: PlantedAs::Transplanting,
        development: Development::ThermalTime {
            base_c: 0.0,
            upper_c: Some(24.0),
            degree_days: 200.0,
            cool_gate: None,
        },
        harvest_days: 20,
        bolts_above_c: Some(CELTUCE_BOLTS_C),
        error_sd_days: CELTUCE_ERROR_SD_DAYS,
        yield_kg_per_mu: 2_500,
        protection_offset_c: VEGETABLE_PROTECTION,
        // Where the day maximum at planting is below 12 °C (茂县 from mid-November); a milder
        // place planting in winter grows the spring type.
        window: PlantingWindow {
            tmax_below_c: Some(12.0),
            ..window(day(10, 16), day(12, 31))
        },
    },
    // Spring celtuce (春莴笋): set out from November to March and cut in April–May before the
    // heat (Yangtze spring crop: transplanted Nov–Dec, harvested Apr–May, my478.com …/117096.html;
    // Shanghai 二白皮 and 奉贤; 绵阳安州 planted in winter, cut mid-April). Base 0 °C as the
    // overwintering type (UK lettuce models use 0 °C); 1,050 °C·d calibrated on those four
    // calendars (on their normals any total from about 1,010 to 1,090 fits all four).
    CropModel {
        code: "celtuce",
        kind: "spring",
        kind_zh: "春莴笋",
        kind_en: "spring",
        planted_as: PlantedAs::Transplanting,
        development: Development::ThermalTime {
            base_c: 0.0,
            upper_c: Some(24.0),
            degree_days: 1_050.0,
            cool_gate: None,
        },
        harvest_days: 20,
        bolts_above_c: Some(CELTUCE_BOLTS_C),
        error_sd_days: CELTUCE_ERROR_SD_DAYS,
        yield_kg_per_mu: 2_500,
        protection_offset_c: VEGETABLE_PROTECTION,
        window: window(day(11, 1), day(3, 31)),
    },
    // Early-autumn celtuce (早秋莴笋): sown in summer, set out in August, cut in September–October
    // (上海 二白皮: 「作早秋栽培,全生育期50天左右」, daowen.com …/6214738.html). Base 0 °C; 600 °C·d
    // calibrated on that calendar.
    CropModel {
        code: "celtuce",
        kind: "early_autumn",
        kind_zh: "早秋莴笋",
        kind_en: "early autumn",
        planted_as: PlantedAs::Transplanting,
        development: Development::ThermalTime {
            base_c: 0.0,
            upper_c: Some(24.0),
            degree_days: 600.0,
            cool_gate: None,
        },
        harvest_days: 20,
        bolts_above_c: Some(CELTUCE_BOLTS_C),
        error_sd_days: CELTUCE_ERROR_SD_DAYS,
        yield_kg_per_mu: 1_500,
        protection_offset_c: VEGETABLE_PROTECTION,
        window: window(day(7, 1), day(8, 31)),
    },
    // Late-autumn celtuce (秋莴笋): set out in September–October, cut November–January; 60–70 days
    // for the Chengdu variety 春秋二白皮 (daowen.com …/6214738.html), 1,000–1,500 kg/mu. Base
    // 0 °C; 850 °C·d calibrated on the two 重庆铜梁 autumn calendars of the validation set.
    CropModel {
        code: "celtuce",
        kind: "late_autumn",
        kind_zh: "秋莴笋",
        kind_en: "late autumn",
        planted_as: PlantedAs::Transplanting,
        development: Development::ThermalTime {
            base_c: 0.0,
            upper_c: Some(24.0),
            degree_days: 850.0,
            cool_gate: None,
        },
        harvest_days: 20,
        bolts_above_c: Some(CELTUCE_BOLTS_C),
        error_sd_days: CELTUCE_ERROR_SD_DAYS,
        yield_kg_per_mu: 1_250,
        protection_offset_c: VEGETABLE_PROTECTION,
        window: window(day(9, 1), day(10, 31)),
    },
    // 花菜 cauliflower, overwintering crop. Curd growth is close to linear in day-degrees above
    // 0 °C (Wurr, ISHS Acta Hort. 267_45), base 0 °C; upper cutoff 25 °C. Calibrated to the 茂县
    // case (matures the following February), a little later than celtuce: 235 °C·d; winter days
    // are always cool enough for the curd. Curds of one variety come in over ±7 days
    // (zhiwuziliao.com): 15-day harvest. Yield 1,500 kg/mu (台松65天, seed-china.com Id=4991).
    CropModel {
        code: "cauliflower",
        kind: "overwintering",
        kind_zh: "越冬花菜",
        kind_en: "overwintering",
        planted_as: PlantedAs::Transplanting,
        development: Development::ThermalTime {
            base_c: 0.0,
            upper_c: Some(25.0),
            degree_days: 235.0,
            cool_gate: None,
        },
        harvest_days: 15,
        bolts_above_c: None,
        error_sd_days: CAULIFLOWER_ERROR_SD_DAYS,
        yield_kg_per_mu: 1_500,
        protection_offset_c: VEGETABLE_PROTECTION,
        window: window(day(10, 16), day(12, 31)),
    },
    // Early cauliflower (早熟花菜, ~50–60 days from transplanting, m.zhiwushuo.com …/
    // 513952021062551395.html; curds 40–60 days after transplanting): set out in July–August.
    // Curds form at up to 22–23 °C in the earliest groups (极早熟 22–23 °C; IASRI: early 20–25 °C,
    // research notes in forecast-validation.md), so the gate is a 3-day run of means below 23 °C
    // after 900 °C·d; 1,300 °C·d in all (base 0 °C, Wurr, Acta Hort. 267_45), calibrated on the
    // 上海, 成都 and 长江流域 early calendars.
    CropModel {
        code: "cauliflower",
        kind: "early",
        kind_zh: "早熟花菜",
        kind_en: "early",
        planted_as: PlantedAs::Transplanting,
        development: Development::ThermalTime {
            base_c: 0.0,
            upper_c: Some(25.0),
            degree_days: 1_300.0,
            cool_gate: Some(CoolGate {
                after_degree_days: 900.0,
                mean_below_c: 23.0,
                days: 3,
            }),
        },
        harvest_days: 15,
        bolts_above_c: None,
        error_sd_days: CAULIFLOWER_ERROR_SD_DAYS,
        yield_kg_per_mu: 1_000,
        protection_offset_c: VEGETABLE_PROTECTION,
        window: window(day(6, 20), day(7, 31)),
    },
    // Mid cauliflower (中熟花菜, 70–90 days from transplanting, henanlong.com/c/092111162362022.html):
    // set out in August; curds below 20 °C (IASRI mid-early 16–20 °C); 1,400 °C·d with the gate
    // after 1,000, calibrated on the 上海 80-day calendar.
    CropModel {
        code: "cauliflower",
        kind: "mid",
        kind_zh: "中熟花菜",
        kind_en: "mid",
        planted_as: PlantedAs::Transplanting,
        development: Development::ThermalTime {
            base_c: 0.0,
            upper_c: Some(25.0),
            degree_days: 1_400.0,
            cool_gate: Some(CoolGate {
                after_degree_days: 1_000.0,
                mean_below_c: 20.0,
                days: 3,
            }),
        },
        harvest_days: 15,
        bolts_above_c: None,
        error_sd_days: CAULIFLOWER_ERROR_SD_DAYS,
        yield_kg_per_mu: 1_500,
        protection_offset_c: VEGETABLE_PROTECTION,
        window: window(day(8, 1), day(8, 31)),
    },
    // Late cauliflower (晚熟花菜, over 100 days from transplanting, henanlong.com): set out in
    // September–mid October, curds below 15 °C (IASRI mid-late 12–16 °C). No published calendar
    // with a place was found for it: 1,500 °C·d is set from the 100-day figure on the 成都 normals
    // (derived) and the type is not in the validation set.
    CropModel {
        code: "cauliflower",
        kind: "late",
        kind_zh: "晚熟花菜",
        kind_en: "late",
        planted_as: PlantedAs::Transplanting,
        development: Development::ThermalTime {
            base_c: 0.0,
            upper_c: Some(25.0),
            degree_days: 1_500.0,
            cool_gate: Some(CoolGate {
                after_degree_days: 900.0,
                mean_below_c: 15.0,
                days: 3,
            }),
        },
        harvest_days: 15,
        bolts_above_c: None,
        error_sd_days: CAULIFLOWER_ERROR_SD_DAYS,
        yield_kg_per_mu: 2_000,
        protection_offset_c: VEGETABLE_PROTECTION,
        window: window(day(9, 1), day(10, 15)),
    },
    // Spring cauliflower (春花菜): nursery in winter, set out in March, cut May–early June
    // (上海: 「3月中下旬定植露地…5月中下旬至6月上旬采收」, vera.sh.cn/List.asp?ID=5299; 四季种
    // 「2月下旬至3月上旬定植,5月采收」, henanlong.com). Curds initiate in the cool of spring
    // (below 17 °C, 早熟 vernalisation 17–18 °C) after 300 °C·d; 900 °C·d in all, calibrated on
    // the 上海 calendar.
    CropModel {
        code: "cauliflower",
        kind: "spring",
        kind_zh: "春花菜",
        kind_en: "spring",
        planted_as: PlantedAs::Transplanting,
        development: Development::ThermalTime {
            base_c: 0.0,
            upper_c: Some(25.0),
            degree_days: 900.0,
            cool_gate: Some(CoolGate {
                after_degree_days: 300.0,
                mean_below_c: 17.0,
                days: 3,
            }),
        },
        harvest_days: 15,
        bolts_above_c: None,
        error_sd_days: CAULIFLOWER_ERROR_SD_DAYS,
        yield_kg_per_mu: 1_500,
        protection_offset_c: VEGETABLE_PROTECTION,
        window: window(day(2, 1), day(4, 30)),
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
        kind: "field",
        kind_zh: "大田栽培",
        kind_en: "field-grown",
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
        bolts_above_c: None,
        error_sd_days: MOREL_ERROR_SD_DAYS,
        yield_kg_per_mu: 170,
        protection_offset_c: [0.0, 0.0, 0.0],
        window: PlantingWindow {
            tmax_below_c: Some(20.0),
            ..window(day(9, 1), day(12, 31))
        },
    },
    // 川芎 chuanxiong: planted between 立秋 and 处暑 (latest 白露) after rice and dug in late May the
    // next year at 都江堰, 280–290 days (nongxun.net/wdd14836; kumifeng.com …/6711.html;
    // xdongwu.com/id173597l.html); 眉山 plants in early September and digs in late April–early
    // May, its season about 30 days shorter than 彭州/什邡/都江堰 (zyyqkw.cacm.org.cn/article/id/
    // 537; sc.china.com.cn …/418190.html). The dig date follows the spring, not the planting
    // date: the crop establishes in autumn (600 °C·d above 5 °C), rests through the first cool
    // spell (5 days with means below 10 °C; our choice: 都江堰's December mean is 6.4 °C, 眉山's
    // January mean 7.4 °C, so a warm winter still meets it), and then needs 1,050 °C·d more. Calibrated on the 都江堰 and 眉山 calendars of the validation set.
    // Digging takes about 10 days; yield ~600 kg/mu (眉山).
    CropModel {
        code: "chuanxiong",
        kind: "basin",
        kind_zh: "坝区栽培",
        kind_en: "basin",
        planted_as: PlantedAs::Transplanting,
        development: Development::ThermalTime {
            base_c: 5.0,
            upper_c: Some(30.0),
            degree_days: 1_650.0,
            cool_gate: Some(CoolGate {
                after_degree_days: 600.0,
                mean_below_c: 10.0,
                days: 5,
            }),
        },
        harvest_days: 10,
        bolts_above_c: None,
        error_sd_days: CHUANXIONG_ERROR_SD_DAYS,
        yield_kg_per_mu: 600,
        protection_offset_c: [0.0, 0.0, 0.0],
        window: window(
            WindowEdge::Term(Term::START_OF_AUTUMN),
            WindowEdge::Term(Term::WHITE_DEW),
        ),
    },
    // 折耳根 houttuynia: rhizomes planted around 立春 … 清明, dug when they exceed 30 cm; harvest seen
    // in late February in southern Sichuan at ~1,500 kg/mu (犍为). Rhizomes stop growing in the
    // cold, so digging is a winter-long window rather than a thermal date: base 5 °C (our choice),
    // 3,400 °C·d calibrated so a 立春 planting on the 都江堰 normals is mature in autumn, then dug
    // over 150 days, through the following late February (test `houttuynia…`).
    CropModel {
        code: "houttuynia",
        kind: "field",
        kind_zh: "大田栽培",
        kind_en: "field-grown",
        planted_as: PlantedAs::Transplanting,
        development: Development::ThermalTime {
            base_c: 5.0,
            upper_c: Some(30.0),
            degree_days: 3_400.0,
            cool_gate: None,
        },
        harvest_days: 150,
        bolts_above_c: None,
        error_sd_days: HOUTTUYNIA_ERROR_SD_DAYS,
        yield_kg_per_mu: 1_500,
        protection_offset_c: [0.0, 0.0, 0.0],
        window: window(
            WindowEdge::Term(Term::START_OF_SPRING),
            WindowEdge::Term(Term::PURE_BRIGHTNESS),
        ),
    },
];

/// The crop's default type (its first): for answers that need no date.
pub fn crop_model(code: &str) -> Option<&'static CropModel> {
    CROP_MODELS.iter().find(|m| m.code == code)
}

/// The types of a crop, in the order [`CropChoice::model_on`] prefers them.
pub fn crop_types(code: &str) -> impl Iterator<Item = &'static CropModel> + '_ {
    CROP_MODELS.iter().filter(move |m| m.code == code)
}

/// A crop's named type.
pub fn crop_type(code: &str, kind: &str) -> Option<&'static CropModel> {
    crop_types(code).find(|m| m.kind == kind)
}

/// Which type of a crop a forecast uses: the one the caller named, or the one its planting
/// date and place call for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CropChoice {
    /// The type is picked per planting date (see [`CropChoice::model_on`]).
    Auto(&'static str),
    Fixed(&'static CropModel),
}

impl From<&'static CropModel> for CropChoice {
    fn from(model: &'static CropModel) -> Self {
        CropChoice::Fixed(model)
    }
}

impl CropChoice {
    pub fn crop(self) -> &'static str {
        match self {
            CropChoice::Auto(code) => code,
            CropChoice::Fixed(model) => model.code,
        }
    }

    /// The type for a planting on `date` at a place whose normal day maximum that day is
    /// `normal_tmax()` (asked only when a window has a temperature rule): a named type; a
    /// crop's only type; else the first type whose window (dates and temperature rule) holds
    /// the date; else the type whose window is fewest days away.
    pub fn model_on(self, date: NaiveDate, normal_tmax: impl Fn() -> f32) -> &'static CropModel {
        match self {
            CropChoice::Fixed(model) => model,
            CropChoice::Auto(code) => {
                let types = || crop_types(code);
                let mut only = types();
                if let (Some(first), None) = (only.next(), only.next()) {
                    return first;
                }
                let needs_tmax = types()
                    .any(|m| m.window.tmax_below_c.is_some() || m.window.tmax_above_c.is_some());
                let tmax = if needs_tmax { normal_tmax() } else { 0.0 };
                types()
                    .find(|m| m.window.contains(date, tmax))
                    .or_else(|| types().min_by_key(|m| m.window.days_from(date)))
                    .unwrap_or(&CROP_MODELS[0])
            }
        }
    }

    /// The types this choice may use.
    pub fn candidates(self) -> Vec<&'static CropModel> {
        match self {
            CropChoice::Fixed(model) => vec![model],
            CropChoice::Auto(code) => crop_types(code).collect(),
        }
    }
}
