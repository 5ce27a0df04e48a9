//! The validation set: published planting and harvest calendars, each with its place and its
//! source, and the engine's forecast for each. Tests run every case (`tests.rs`), keep the model
//! error of each crop ([`super::crops::CropModel::error_sd_days`]) equal to what the set
//! measures, and keep the generated report `docs/forecast-validation.md` current.
//!
//! A case's planting is the middle of its published planting window, in the 2025/26 season; its
//! forecast runs on its place's normals with the documented synthetic spread, in the open.

use super::climate::{MonthlyNormals, SITES};
use super::crops::{CropChoice, CropModel, crop_type};
use super::engine::Forecaster;
use super::{Climate, Protection};
use crate::Mu;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A place of the validation set that is not one of the product's sites.
pub struct Place {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub normals: MonthlyNormals,
    pub source: &'static str,
}

/// Month and day.
pub type Md = (u32, u32);

/// One published calendar.
pub struct Case {
    pub id: &'static str,
    pub crop: &'static str,
    /// The crop type the source describes.
    pub kind: &'static str,
    /// A site code ([`SITES`]) or a [`PLACES`] code.
    pub place: &'static str,
    /// Published planting (or transplanting) window.
    pub planted: (Md, Md),
    /// Published harvest window.
    pub harvest: (Md, Md),
    /// Where the calendar was read, and what it says.
    pub source: &'static str,
}

/// Places of the validation set beyond the product's sites: monthly normal minimum and maximum.
/// Where no normals of the calendar's own place could be found, a nearby station with published
/// normals stands in and the case says so.
pub const PLACES: &[Place] = &[
    Place {
        code: "pengshan",
        name_zh: "眉山（彭山）",
        normals: MonthlyNormals {
            tmin: [
                4.6, 6.9, 10.6, 15.2, 19.0, 21.8, 23.5, 23.2, 20.2, 16.1, 11.5, 6.3,
            ],
            tmax: [
                10.2, 13.2, 18.2, 23.9, 27.6, 29.4, 31.3, 31.1, 26.6, 21.6, 17.0, 11.5,
            ],
        },
        source: "彭山 (Meishan), 437 m, normals 1991–2020, CMA layout via a Wikipedia copy \
                 (click.kcodes.me/wiki/Pengshan_District)",
    },
    Place {
        code: "shanghai",
        name_zh: "上海",
        normals: MonthlyNormals {
            tmin: [
                1.1, 2.2, 5.6, 10.9, 16.1, 20.8, 25.0, 25.0, 21.0, 15.0, 9.0, 3.0,
            ],
            tmax: [
                8.1, 9.2, 12.8, 19.1, 24.1, 27.6, 31.8, 31.3, 27.2, 22.6, 17.0, 11.1,
            ],
        },
        source: "上海 normals 1971–2000, CMA, via a Wikipedia copy \
                 (liquisearch.com/geography_of_shanghai/climate); July–December minima in whole \
                 degrees from the same page's chart",
    },
    Place {
        code: "changde",
        name_zh: "常德（长江中游代表站）",
        normals: MonthlyNormals {
            tmin: [
                2.4, 4.5, 8.2, 14.1, 19.0, 22.7, 25.7, 25.1, 20.8, 15.3, 9.8, 4.5,
            ],
            tmax: [
                8.5, 10.8, 15.2, 21.8, 26.9, 29.9, 33.1, 32.4, 28.2, 22.6, 17.1, 11.3,
            ],
        },
        source: "常德 (Hunan, middle Yangtze) normals 1981–2010, CMA, via a Wikipedia copy \
                 (zhwiki.oracleblog.org, Template:常德市气候数据); stands in for 武汉 and the \
                 generic 长江中下游 calendars: no 武汉 normals could be read",
    },
    Place {
        code: "wansheng",
        name_zh: "綦江（万盛站）",
        normals: MonthlyNormals {
            tmin: [
                5.7, 7.8, 10.8, 15.2, 18.5, 21.5, 24.2, 23.6, 20.5, 16.1, 11.8, 7.3,
            ],
            tmax: [
                10.8, 14.2, 19.1, 24.2, 27.8, 30.0, 34.2, 33.9, 29.7, 22.7, 18.2, 12.2,
            ],
        },
        source: "万盛 (Qijiang District, Chongqing), 325 m, normals 1991–2014, via English \
                 Wikipedia \"Wansheng, Chongqing\"; stands in for 綦江 and 铜梁: no 重庆 \
                 (沙坪坝) normals could be read",
    },
    Place {
        code: "jinsha",
        name_zh: "金沙（黔西邻县）",
        normals: MonthlyNormals {
            tmin: [
                2.5, 4.1, 7.4, 12.0, 15.8, 18.9, 21.0, 20.2, 17.3, 13.3, 8.7, 4.0,
            ],
            tmax: [
                7.5, 9.9, 14.9, 20.5, 24.6, 26.7, 29.6, 29.6, 25.8, 19.5, 15.1, 9.8,
            ],
        },
        source: "金沙 (Bijie, Guizhou) normals 1981–2010 via a Wikipedia copy \
                 (tigerai.ca …/Jinsha_County); stands in for its neighbour 黔西, which lies \
                 higher (above 1,200 m) and is likely cooler",
    },
];

/// The cases. Sources are the pages we read (many are reposts of local news: the original
/// outlet is named where the page names it); "derived" marks arithmetic on published figures.
pub const CASES: &[Case] = &[
    // 莴笋 celtuce
    Case {
        id: "celtuce-maoxian-overwintering",
        crop: "celtuce",
        kind: "overwintering",
        place: "maoxian",
        planted: ((11, 20), (12, 10)),
        harvest: ((2, 1), (2, 28)),
        source: "茂县飞虹乡 township news (shared/agronomy.md, the product's own case): \
                 transplanted late Nov–early Dec, matures the following February",
    },
    Case {
        id: "celtuce-yangtze-spring",
        crop: "celtuce",
        kind: "spring",
        place: "changde",
        planted: ((11, 1), (12, 31)),
        harvest: ((4, 1), (5, 31)),
        source: "长江中下游 spring crop: 「9月下旬至10月上旬播种育苗,11-12月定植,次年4-5月采收」 \
                 (my478.com/html/201808/117096.html)",
    },
    Case {
        id: "celtuce-shanghai-spring-erbaipi",
        crop: "celtuce",
        kind: "spring",
        place: "shanghai",
        planted: ((11, 10), (11, 19)),
        harvest: ((3, 30), (4, 8)),
        source: "上海 春秋二白皮: 「春栽一般于10月上旬播种育苗,苗龄40天左右」「全生育期180天左右」 \
                 (daowen.com/book/content/203330214/6214738.html); derived: transplant = sowing \
                 + 40 d, harvest = sowing + 180 d",
    },
    Case {
        id: "celtuce-shanghai-spring-fengxian",
        crop: "celtuce",
        kind: "spring",
        place: "shanghai",
        planted: ((1, 20), (3, 20)),
        harvest: ((4, 1), (6, 10)),
        source: "上海奉贤青村镇 news: planted from before the Spring Festival to mid-March, \
                 「最早四月初就可以采收,能持续供应到6月初」 (delmunsoft.com/news/show-394850.html)",
    },
    Case {
        id: "celtuce-anzhou-spring",
        crop: "celtuce",
        kind: "spring",
        place: "shifang",
        planted: ((12, 1), (1, 31)),
        harvest: ((4, 14), (5, 1)),
        source: "绵阳安州黄土镇 news (四川农村日报, 26 Apr): planted 「去年冬天」, cut from about \
                 mid-April, done by 1 May (m.yd166.com/sannong/5624498746.html); 都江堰 normals \
                 stand in for 安州 (both on the basin's western edge)",
    },
    Case {
        id: "celtuce-shanghai-early-autumn",
        crop: "celtuce",
        kind: "early_autumn",
        place: "shanghai",
        planted: ((8, 10), (9, 9)),
        harvest: ((9, 9), (10, 9)),
        source: "上海 二白皮: 「秋栽一般于7月下旬至8月中旬播种育苗,苗龄20天左右」「作早秋栽培,\
                 全生育期50天左右」 (daowen.com …/6214738.html); derived: transplant = sowing + \
                 20 d, harvest = sowing + 50 d",
    },
    Case {
        id: "celtuce-tongliang-late-autumn-2018",
        crop: "celtuce",
        kind: "late_autumn",
        place: "wansheng",
        planted: ((10, 8), (10, 18)),
        harvest: ((11, 18), (12, 31)),
        source: "重庆铜梁平滩镇 news, 12 Oct 2018: set out from the 8th over 10 days, cut 「40多天后」 \
                 and before New Year (nongcun5.com/news/20181012/61421.html); the page lists \
                 莴苣 with leafy greens, so it may be leaf lettuce",
    },
    Case {
        id: "celtuce-tongliang-late-autumn-2021",
        crop: "celtuce",
        kind: "late_autumn",
        place: "wansheng",
        planted: ((9, 21), (10, 7)),
        harvest: ((11, 1), (2, 1)),
        source: "重庆铜梁平滩镇 news (重庆日报, 7 Oct 2021): autumn vegetables incl. 窝笋 set out by \
                 the end of September, 「在11月就能上市,可一直卖到春节期间」 \
                 (epaper.cqrb.cn/html/cqrb/2021-10/07/003/content_rb_290843.htm)",
    },
    // 花菜 cauliflower
    Case {
        id: "cauliflower-maoxian-overwintering",
        crop: "cauliflower",
        kind: "overwintering",
        place: "maoxian",
        planted: ((11, 20), (12, 10)),
        harvest: ((2, 1), (2, 28)),
        source: "茂县飞虹乡 township news (shared/agronomy.md): transplanted late Nov–early Dec, \
                 matures the following February",
    },
    Case {
        id: "cauliflower-shanghai-early-65d",
        crop: "cauliflower",
        kind: "early",
        place: "shanghai",
        planted: ((7, 19), (9, 19)),
        harvest: ((9, 22), (11, 23)),
        source: "上海宝山 extension note: 「庆农65天…从6月下旬到8月中旬都可以播种。苗龄28-30天,\
                 定植后约65天可采收」 (vera.sh.cn/List.asp?ID=5299); derived",
    },
    Case {
        id: "cauliflower-chengdu-basin-early",
        crop: "cauliflower",
        kind: "early",
        place: "chengdu",
        planted: ((7, 20), (9, 4)),
        harvest: ((9, 13), (11, 18)),
        source: "四川盆地 autumn crop on seed sheets: sown 20 Jun–5 Aug, cut 55–75 days after \
                 transplanting (shared/agronomy.md: m.3456.tv …/103306.html, billseed.com …/213.html); \
                 derived with 30-day seedlings (苗龄28-30天, vera.sh.cn)",
    },
    Case {
        id: "cauliflower-yangtze-early",
        crop: "cauliflower",
        kind: "early",
        place: "changde",
        planted: ((7, 11), (8, 9)),
        harvest: ((8, 25), (10, 18)),
        source: "长江流域 early cauliflower: 「以6月中旬至7月上旬播种,订植后45——70天可收」 \
                 (zhiwuziliao.com/zhongzhi/184aad4170c1067c9f0969e56ef91fb7.html); derived with \
                 30-day seedlings (vera.sh.cn)",
    },
    Case {
        id: "cauliflower-shanghai-mid-80d",
        crop: "cauliflower",
        kind: "mid",
        place: "shanghai",
        planted: ((7, 31), (8, 24)),
        harvest: ((10, 19), (11, 12)),
        source: "上海宝山 extension note: 「珊瑚80和美玉松80,适宜播种期为7月上中旬。苗龄30-35天,\
                 定植后约80天可采收」 (vera.sh.cn/List.asp?ID=5299); derived",
    },
    Case {
        id: "cauliflower-shanghai-spring",
        crop: "cauliflower",
        kind: "spring",
        place: "shanghai",
        planted: ((3, 11), (3, 31)),
        harvest: ((5, 11), (6, 10)),
        source: "上海: 「台松90天…3月中下旬定植露地,配套地膜覆盖,5月中下旬至6月上旬采收」 \
                 (vera.sh.cn/List.asp?ID=5299); forecast in the open",
    },
    // 羊肚菌 morel
    Case {
        id: "morel-shifang-november",
        crop: "morel",
        kind: "field",
        place: "shifang",
        planted: ((11, 1), (11, 30)),
        harvest: ((3, 1), (4, 30)),
        source: "什邡回澜镇 news (shared/agronomy.md): sown in November, a crop takes 4–5 months \
                 (derived: March–April)",
    },
    Case {
        id: "morel-chengdu-october",
        crop: "morel",
        kind: "field",
        place: "chengdu",
        planted: ((10, 1), (10, 31)),
        harvest: ((2, 1), (4, 30)),
        source: "成都: 「farmers usually plant in October」 (cn-localfoods.com/download/\
                 Morchella-Planting-Process.html); Sichuan harvest February–April \
                 (shared/agronomy.md)",
    },
    Case {
        id: "morel-wuhan",
        crop: "morel",
        kind: "field",
        place: "changde",
        planted: ((11, 11), (12, 31)),
        harvest: ((2, 1), (4, 10)),
        source: "武汉 (长江日报 repost): 「每年11月中旬至12月底…收獲季節為翌年2月至4月初」 \
                 (m.tftnews.com/news2457903)",
    },
    Case {
        id: "morel-huangpi",
        crop: "morel",
        kind: "field",
        place: "changde",
        planted: ((11, 1), (11, 10)),
        harvest: ((3, 1), (4, 20)),
        source: "武汉黄陂 (荆楚网, 13 Mar 2025): 「歷時4個月培育,于今年3月初陸續成熟上市,成熟期將持續至4月中」 \
                 (fysf168.com/content/2025-03/13/content_19017446.html); sowing derived as 4 \
                 months before",
    },
    Case {
        id: "morel-qijiang",
        crop: "morel",
        kind: "field",
        place: "wansheng",
        planted: ((11, 1), (11, 30)),
        harvest: ((2, 1), (3, 31)),
        source: "綦江丁山镇: sowing in November, 「11月至次年3月种植羊肚菌」 before rice \
                 (qj023.com/archiver/tid-2167414.html); derived: harvest begins in February–March",
    },
    Case {
        id: "morel-qianxi",
        crop: "morel",
        kind: "field",
        place: "jinsha",
        planted: ((11, 1), (12, 20)),
        harvest: ((3, 9), (3, 31)),
        source: "黔西: 「11月初到12月中旬是羊肚菌的播種季」, picking on 9 March \
                 (emushroom.net/news/show-32123.html), done in March \
                 (duoerfu888.com/2022/0215/395225.html)",
    },
    // 川芎 chuanxiong
    Case {
        id: "chuanxiong-dujiangyan",
        crop: "chuanxiong",
        kind: "basin",
        place: "shifang",
        planted: ((8, 7), (8, 23)),
        harvest: ((5, 21), (5, 31)),
        source: "都江堰: planted between 立秋 and 处暑 (toutiao.com/topic/7474131718128486437), dug \
                 in late May the next year (nongxun.net/wdd14836; shared/agronomy.md)",
    },
    Case {
        id: "chuanxiong-pengzhou-aoping",
        crop: "chuanxiong",
        kind: "basin",
        place: "shifang",
        planted: ((8, 1), (9, 30)),
        harvest: ((5, 1), (6, 30)),
        source: "彭州敖平镇: 「八九月份插的苗…明年五六月份就可以挖川芎了」 \
                 (www.163.com/dy/article/JIKRG2BI0530S72V.html)",
    },
    Case {
        id: "chuanxiong-sichuan-kumifeng",
        crop: "chuanxiong",
        kind: "basin",
        place: "shifang",
        planted: ((8, 1), (8, 20)),
        harvest: ((5, 21), (5, 31)),
        source: "四川 (都江堰 named): 「川芎多在8月上中旬栽植」「栽后第二年5月下旬采挖」 \
                 (kumifeng.com/zhuanti/miyuan/6711.html)",
    },
    Case {
        id: "chuanxiong-sichuan-xdongwu",
        crop: "chuanxiong",
        kind: "basin",
        place: "shifang",
        planted: ((8, 1), (8, 10)),
        harvest: ((5, 21), (5, 31)),
        source: "四川 (彭州、什邡、都江堰 named): 「一般情况下在8月上旬种植,待次年5月下旬就可采挖」 \
                 (xdongwu.com/id173597l.html)",
    },
    Case {
        id: "chuanxiong-chengdu-plain-growth-period",
        crop: "chuanxiong",
        kind: "basin",
        place: "shifang",
        planted: ((8, 1), (8, 31)),
        harvest: ((5, 23), (6, 2)),
        source: "成都平原 (平坝地域) technique text: 「栽种于立秋前后进行,不得迟于8月底」, 「生长期\
                 280-290天」 (yaliaojie.com/a/8676.html; the same text on xuanhu.net …/83108.html \
                 and nongxun.net/wdd14836, so not independent of them); derived: harvest = the \
                 window's middle + 280–290 d; on 都江堰 normals, as the text names 都江堰石羊镇 \
                 first among the producing towns (on the warmer 成都 normals P50 is 7 days early)",
    },
    Case {
        id: "chuanxiong-meishan-dongpo",
        crop: "chuanxiong",
        kind: "basin",
        place: "pengshan",
        planted: ((9, 1), (9, 10)),
        harvest: ((4, 21), (5, 10)),
        source: "眉山东坡区: planted 5 Sep after rice, 「到第二年4月底5月初成熟」 \
                 (sc.china.com.cn/2021/difang/1334/0907/418190.html)",
    },
];

/// Normals and their source for a site or validation place.
pub fn place(code: &str) -> Option<(&'static str, &'static MonthlyNormals, &'static str)> {
    SITES
        .iter()
        .find(|s| s.code == code)
        .map(|s| (s.name_zh, &s.normals, s.source))
        .or_else(|| {
            PLACES
                .iter()
                .find(|p| p.code == code)
                .map(|p| (p.name_zh, &p.normals, p.source))
        })
}

/// The year of a month and day, on or after `from`.
fn on_or_after(from: NaiveDate, (month, day): Md) -> NaiveDate {
    let this = NaiveDate::from_ymd_opt(from.year(), month, day).unwrap_or(from);
    if this >= from {
        this
    } else {
        NaiveDate::from_ymd_opt(from.year() + 1, month, day).unwrap_or(from)
    }
}

/// A case's forecast against its published window.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub planted: NaiveDate,
    pub window: (NaiveDate, NaiveDate),
    pub p10: NaiveDate,
    pub p50: NaiveDate,
    pub p90: NaiveDate,
    /// The climate years' P90 − P10 alone, in days (before the model's error is added).
    pub climate_width: i64,
    /// P50 against the published window: 0 inside it, else days before (−) or after (+).
    pub miss_days: i64,
    /// The middle of the forecast harvest (first harvest to its end) against the middle of
    /// the published window, in days: what the model error is measured on.
    pub error_days: i64,
    /// The type the engine would pick itself for this planting and place.
    pub auto_kind: &'static str,
}

impl Outcome {
    pub fn inside(&self) -> bool {
        self.miss_days == 0
    }

    pub fn width(&self) -> i64 {
        (self.p90 - self.p10).num_days()
    }
}

/// Why a case cannot run (a data error in the set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseError {
    UnknownPlace,
    UnknownType,
    NoHarvest,
}

/// Runs one case.
///
/// # Errors
/// The case names a place or type the set does not have, or the crop never reaches harvest.
pub fn run(case: &Case) -> Result<Outcome, CaseError> {
    let (_, normals, _) = place(case.place).ok_or(CaseError::UnknownPlace)?;
    let model = crop_type(case.crop, case.kind).ok_or(CaseError::UnknownType)?;
    let climate = Climate::new(normals, BTreeMap::new(), case.place);
    let season = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or(NaiveDate::MIN);
    let from = on_or_after(season, case.planted.0);
    let to = on_or_after(from, case.planted.1);
    let planted = from + (to - from) / 2;
    let window_from = on_or_after(planted, case.harvest.0);
    let window = (window_from, on_or_after(window_from, case.harvest.1));
    let mut forecaster = Forecaster::new(model, Protection::Open, &climate, None);
    let f = forecaster
        .forecast(planted, Mu::from_whole(1))
        .map_err(|_| CaseError::NoHarvest)?;
    let climate_range =
        super::engine::SeasonTable::build(model, Protection::Open, &climate, 2025, None)
            .start_range(planted, &mut Vec::new())
            .ok_or(CaseError::NoHarvest)?;
    let miss_days = if f.harvest_start < window.0 {
        (f.harvest_start - window.0).num_days()
    } else if f.harvest_start > window.1 {
        (f.harvest_start - window.1).num_days()
    } else {
        0
    };
    let middle = |a: NaiveDate, b: NaiveDate| a + (b - a) / 2;
    let error_days =
        (middle(f.harvest_start, f.harvest_end) - middle(window.0, window.1)).num_days();
    let auto_kind = CropChoice::Auto(model.code)
        .model_on(planted, || climate.normal(planted).tmax)
        .kind;
    Ok(Outcome {
        planted,
        window,
        p10: f.harvest_start_p10,
        p50: f.harvest_start,
        p90: f.harvest_start_p90,
        climate_width: (climate_range.p90 - climate_range.p10).num_days(),
        miss_days,
        error_days,
        auto_kind,
    })
}

/// The cases of a crop.
pub fn cases_of(crop: &str) -> impl Iterator<Item = &'static Case> + '_ {
    CASES.iter().filter(move |c| c.crop == crop)
}

/// The model error of a crop measured on its cases: the root mean square of
/// [`Outcome::error_days`], `None` without cases.
pub fn measured_error_sd_days(crop: &str) -> Option<f64> {
    let errors: Vec<f64> = cases_of(crop)
        .filter_map(|c| run(c).ok())
        .map(|o| o.error_days as f64)
        .collect();
    (!errors.is_empty())
        .then(|| (errors.iter().map(|e| e * e).sum::<f64>() / errors.len() as f64).sqrt())
}

/// The crops of the validation set, in the report's order.
pub const CROPS: [&str; 4] = ["celtuce", "cauliflower", "morel", "chuanxiong"];

fn type_label(crop: &str, kind: &str) -> &'static str {
    crop_type(crop, kind).map_or("?", |m: &CropModel| m.kind_zh)
}

/// The markdown report of the whole set (`docs/forecast-validation.md`).
pub fn report() -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Forecast validation\n\n\
         Generated by `cargo test -p tianlian-domain validation` from \
         `domain/src/forecast/validation.rs` (set `UPDATE_VALIDATION_REPORT=1` to rewrite it); \
         do not edit by hand.\n\n\
         Each case plants in the middle of its published planting window (season 2025/26), in \
         the open, on its place's monthly normals with the documented synthetic spread of \
         climate years. **P50** is the first harvest in half the climate years; **P10–P90** \
         joins the climate years' spread and the model's error; **miss** is P50 against the \
         published window (0 = inside); **error** is the middle of the forecast harvest against \
         the middle of the published window, which the model error is measured on.\n"
    );
    for crop in CROPS {
        let cases: Vec<&Case> = cases_of(crop).collect();
        let inside = cases
            .iter()
            .filter(|c| run(c).is_ok_and(|o| o.inside()))
            .count();
        let _ = writeln!(
            out,
            "## {crop}\n\n{} cases, P50 inside the published window in {inside}; model error \
             (RMS of error) {:.1} days.\n",
            cases.len(),
            measured_error_sd_days(crop).unwrap_or(0.0)
        );
        let _ = writeln!(
            out,
            "| case | type | place | planted | published harvest | P10 | P50 | P90 | width (climate) | miss | error | auto type | source |\n\
             |---|---|---|---|---|---|---|---|---|---|---|---|---|"
        );
        for case in cases {
            let name = place(case.place).map_or("?", |p| p.0);
            match run(case) {
                Ok(o) => {
                    let _ = writeln!(
                        out,
                        "| {} | {} | {} | {} | {} – {} | {} | {} | {} | {} d ({} d) | {} | {:+} | {} | {} |",
                        case.id,
                        type_label(case.crop, case.kind),
                        name,
                        o.planted,
                        o.window.0,
                        o.window.1,
                        o.p10,
                        o.p50,
                        o.p90,
                        o.width(),
                        o.climate_width,
                        if o.inside() {
                            "0".to_owned()
                        } else {
                            format!("{:+}", o.miss_days)
                        },
                        o.error_days,
                        type_label(case.crop, o.auto_kind),
                        case.source
                    );
                }
                Err(e) => {
                    let _ = writeln!(
                        out,
                        "| {} | {:?} | | | | | | | | | | | {} |",
                        case.id, e, case.source
                    );
                }
            }
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## Places\n\n| place | normals |\n|---|---|");
    let mut seen: Vec<&str> = CASES.iter().map(|c| c.place).collect();
    seen.sort_unstable();
    seen.dedup();
    for code in seen {
        if let Some((name, _, source)) = place(code) {
            let _ = writeln!(out, "| {name} | {source} |");
        }
    }
    out
}
