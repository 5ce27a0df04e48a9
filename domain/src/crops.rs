//! The crop catalogue Tianlian ships with: codes, names and the default season length used to
//! hold land until the forecasting engine gives a planting its own harvest window.
//!
//! Every number cites `shared/agronomy.md` (the product owner's reference) and the source it names.

use serde::{Deserialize, Serialize};

/// A crop as the planner knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crop {
    /// Stable code used in URLs, the API and imports (`celtuce`).
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Days from planting to the end of harvest: how long a planting holds its land.
    pub season_days: u32,
}

/// One catalogue row, as static data.
pub struct CropSeed {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub season_days: u32,
}

/// The crops of the seed cases.
pub const CATALOGUE: &[CropSeed] = &[
    // 茂县飞虹乡 case: transplanted late Nov–early Dec, sold at the Spring Festival in February;
    // Chengdu late-autumn crop 60–70 days to harvest (daowen.com …/6214738.html). We hold the land
    // 100 days: ~70 to first harvest in the cold plus ~30 days of harvest.
    CropSeed {
        code: "celtuce",
        name_zh: "莴笋",
        name_en: "Celtuce",
        season_days: 100,
    },
    // Mid-late cauliflower: ~80 days transplant to harvest (m.zhiwushuo.com …/513952021062551395.html),
    // curd harvest spread over ~15 days.
    CropSeed {
        code: "cauliflower",
        name_zh: "花菜",
        name_en: "Cauliflower",
        season_days: 95,
    },
    // Morel: "a morel crop takes about 4–5 months" (什邡回澜镇 case): 150 days.
    CropSeed {
        code: "morel",
        name_zh: "羊肚菌",
        name_en: "Morel",
        season_days: 150,
    },
    // 川芎: 280–290 days in the field (nongxun.net/wdd14836): 290.
    CropSeed {
        code: "chuanxiong",
        name_zh: "川芎",
        name_en: "Chuanxiong",
        season_days: 290,
    },
    // 折耳根: planted around 立春, dug the following late February (犍为, southern Sichuan): ~one year.
    CropSeed {
        code: "houttuynia",
        name_zh: "折耳根",
        name_en: "Houttuynia",
        season_days: 360,
    },
];

impl From<&CropSeed> for Crop {
    fn from(s: &CropSeed) -> Self {
        Crop {
            code: s.code.to_owned(),
            name_zh: s.name_zh.to_owned(),
            name_en: s.name_en.to_owned(),
            season_days: s.season_days,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_codes_are_unique_and_seasons_plausible() {
        let mut codes: Vec<_> = CATALOGUE.iter().map(|c| c.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), CATALOGUE.len());
        assert!(
            CATALOGUE
                .iter()
                .all(|c| (30..=400).contains(&c.season_days))
        );
    }

    #[test]
    fn morel_season_is_four_to_five_months() {
        let morel = CATALOGUE
            .iter()
            .find(|c| c.code == "morel")
            .expect("morel in catalogue");
        assert!((120..=153).contains(&morel.season_days));
    }
}
