//! Households (农户) and their people as a township registers them: the rules every way in
//! (the household pages, the bulk import, the API) checks before anything is stored.
//!
//! Poor status follows the registry (建档立卡): a household is registered poor in the year it
//! was identified (识别年度) and, once lifted out of poverty (脱贫), keeps that history with the
//! year it was lifted. Pure: no I/O.

use crate::Lang;
use crate::access::is_valid_phone;

/// Longest household code (registry codes are at most 20 digits; room for a prefix).
pub const MAX_CODE_CHARS: usize = 32;
/// Longest name of a person or household head.
pub const MAX_NAME_CHARS: usize = 40;
/// The first year a poor household can have been identified: the national registry
/// (建档立卡) began in 2014; earlier lists are accepted back to 2000.
pub const FIRST_POOR_YEAR: i32 = 2000;

/// A household's poverty status (贫困状态).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoorStatus {
    /// Not a registered poor household.
    NotPoor,
    /// Registered poor since `since`, not (yet) lifted out.
    Poor { since: i32 },
    /// Registered poor in `since`, lifted out of poverty in `lifted`.
    Lifted { since: i32, lifted: i32 },
}

impl PoorStatus {
    /// Whether the household is on the poor register (poor now or lifted out: the alliance's
    /// benefit report follows both).
    pub fn is_registered(self) -> bool {
        !matches!(self, PoorStatus::NotPoor)
    }

    pub fn since(self) -> Option<i32> {
        match self {
            PoorStatus::NotPoor => None,
            PoorStatus::Poor { since } | PoorStatus::Lifted { since, .. } => Some(since),
        }
    }

    pub fn lifted(self) -> Option<i32> {
        match self {
            PoorStatus::Lifted { lifted, .. } => Some(lifted),
            _ => None,
        }
    }

    /// From stored columns (a poor household without a year reads as identified in 2014,
    /// the registry's first year).
    pub fn from_columns(is_poor: bool, since: Option<i32>, lifted: Option<i32>) -> PoorStatus {
        match (is_poor, lifted) {
            (false, _) => PoorStatus::NotPoor,
            (true, None) => PoorStatus::Poor {
                since: since.unwrap_or(2014),
            },
            (true, Some(lifted)) => PoorStatus::Lifted {
                since: since.unwrap_or(2014),
                lifted,
            },
        }
    }

    pub fn label(self, lang: Lang) -> String {
        match (self, lang) {
            (PoorStatus::NotPoor, Lang::Zh) => "一般农户".into(),
            (PoorStatus::NotPoor, Lang::En) => "Not poor".into(),
            (PoorStatus::Poor { since }, Lang::Zh) => format!("贫困户（{since} 年识别）"),
            (PoorStatus::Poor { since }, Lang::En) => format!("Poor (identified {since})"),
            (PoorStatus::Lifted { since, lifted }, Lang::Zh) => {
                format!("已脱贫（{since} 年识别，{lifted} 年脱贫）")
            }
            (PoorStatus::Lifted { since, lifted }, Lang::En) => {
                format!("Lifted out (identified {since}, lifted {lifted})")
            }
        }
    }
}

/// A household as typed into a form or read from an import row (text as given).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HouseholdInput {
    pub code: String,
    pub head_name: String,
    pub phone: String,
    /// `"poor"`, `"lifted"` or anything else for not poor; import rows also say 是/否/已脱贫.
    pub poor: String,
    pub poor_since: String,
    pub poor_lifted: String,
}

/// A household that passed the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidHousehold {
    pub code: String,
    pub head_name: String,
    pub phone: Option<String>,
    pub poor: PoorStatus,
}

/// What is wrong with a household or person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HouseholdError {
    /// Code empty, too long, or with spaces or commas.
    BadCode,
    /// Name empty or too long.
    BadName,
    /// Not a mainland mobile number (11 digits starting with 1).
    BadPhone,
    /// Poor status given without a sensible year identified.
    BadPoorYear,
    /// Lifted out before identified, in the future, or without being poor.
    BadLiftedYear,
    /// Another household of the village (or the county) has this code.
    CodeTaken,
    /// A person of another household, or an account, has this phone.
    PhoneTaken,
}

impl HouseholdError {
    pub fn code(self) -> &'static str {
        match self {
            HouseholdError::BadCode => "bad_code",
            HouseholdError::BadName => "bad_name",
            HouseholdError::BadPhone => "bad_phone",
            HouseholdError::BadPoorYear => "bad_poor_year",
            HouseholdError::BadLiftedYear => "bad_lifted_year",
            HouseholdError::CodeTaken => "code_taken",
            HouseholdError::PhoneTaken => "phone_taken",
        }
    }

    pub fn message(self, lang: Lang) -> String {
        match (self, lang) {
            (HouseholdError::BadCode, Lang::Zh) => {
                format!("户编号须为 1–{MAX_CODE_CHARS} 个字符，不含空格和逗号")
            }
            (HouseholdError::BadCode, Lang::En) => format!(
                "The household code needs 1–{MAX_CODE_CHARS} characters without spaces or commas"
            ),
            (HouseholdError::BadName, Lang::Zh) => format!("姓名须为 1–{MAX_NAME_CHARS} 个字"),
            (HouseholdError::BadName, Lang::En) => {
                format!("A name needs 1–{MAX_NAME_CHARS} characters")
            }
            (HouseholdError::BadPhone, Lang::Zh) => {
                "手机号须为 11 位、以 1 开头的大陆手机号".into()
            }
            (HouseholdError::BadPhone, Lang::En) => {
                "The phone must be a mainland mobile number: 11 digits starting with 1".into()
            }
            (HouseholdError::BadPoorYear, Lang::Zh) => {
                format!("贫困户须填识别年度（{FIRST_POOR_YEAR} 年至今）")
            }
            (HouseholdError::BadPoorYear, Lang::En) => format!(
                "A poor household needs the year it was identified ({FIRST_POOR_YEAR} to now)"
            ),
            (HouseholdError::BadLiftedYear, Lang::Zh) => {
                "脱贫年度须不早于识别年度、不晚于今年".into()
            }
            (HouseholdError::BadLiftedYear, Lang::En) => {
                "The year lifted out must be no earlier than identified and not in the future"
                    .into()
            }
            (HouseholdError::CodeTaken, Lang::Zh) => "已有农户使用此户编号".into(),
            (HouseholdError::CodeTaken, Lang::En) => {
                "Another household already has this code".into()
            }
            (HouseholdError::PhoneTaken, Lang::Zh) => "此手机号已属于其他农户成员或账号".into(),
            (HouseholdError::PhoneTaken, Lang::En) => {
                "This phone already belongs to a person of another household or an account".into()
            }
        }
    }
}

/// A household code: 1–32 characters, no whitespace or commas (it goes in CSV files and URLs).
pub fn is_valid_code(code: &str) -> bool {
    let n = code.chars().count();
    (1..=MAX_CODE_CHARS).contains(&n) && !code.chars().any(|c| c.is_whitespace() || c == ',')
}

/// A person's or head's name: 1–40 characters after trimming.
pub fn is_valid_name(name: &str) -> bool {
    (1..=MAX_NAME_CHARS).contains(&name.trim().chars().count())
}

/// Reads a yes/no cell the way registries write it; `None` when it is neither.
pub fn read_yes_no(cell: &str) -> Option<bool> {
    match cell.trim().to_lowercase().as_str() {
        "是" | "有" | "能" | "y" | "yes" | "true" | "1" | "✓" => Some(true),
        "否" | "无" | "不能" | "n" | "no" | "false" | "0" | "" => Some(false),
        _ => None,
    }
}

fn read_year(cell: &str) -> Result<Option<i32>, ()> {
    let cell = cell.trim().trim_end_matches('年');
    if cell.is_empty() {
        return Ok(None);
    }
    cell.parse::<i32>().map(Some).map_err(|_| ())
}

/// Reads the poor-status cell: "poor"/是/贫困户, "lifted"/已脱贫/脱贫户, anything empty or 否
/// for not poor. A lifted year alone also means "lifted".
fn read_poor_kind(cell: &str, lifted_given: bool) -> Option<u8> {
    let c = cell.trim().to_lowercase();
    match c.as_str() {
        "lifted" | "已脱贫" | "脱贫" | "脱贫户" => Some(2),
        _ if lifted_given && c != "否" && c != "no" && c != "not_poor" => Some(2),
        "poor" | "贫困户" | "贫困" | "建档立卡" => Some(1),
        "not_poor" | "一般户" | "一般农户" | "非贫困户" => Some(0),
        _ => read_yes_no(&c).map(u8::from),
    }
}

/// Checks a household against the rules; `this_year` bounds the years (China time).
///
/// # Errors
/// Every problem found.
pub fn validate_household(
    input: &HouseholdInput,
    this_year: i32,
) -> Result<ValidHousehold, Vec<HouseholdError>> {
    let mut errors = Vec::new();
    let code = input.code.trim();
    if !is_valid_code(code) {
        errors.push(HouseholdError::BadCode);
    }
    let head = input.head_name.trim();
    if !is_valid_name(head) {
        errors.push(HouseholdError::BadName);
    }
    let phone = input.phone.trim();
    if !phone.is_empty() && !is_valid_phone(phone) {
        errors.push(HouseholdError::BadPhone);
    }
    let since = read_year(&input.poor_since);
    let lifted = read_year(&input.poor_lifted);
    let lifted_given = matches!(lifted, Ok(Some(_)) | Err(()));
    let years = FIRST_POOR_YEAR..=this_year;
    let poor = match read_poor_kind(&input.poor, lifted_given) {
        Some(0) => {
            if lifted_given {
                errors.push(HouseholdError::BadLiftedYear);
            }
            PoorStatus::NotPoor
        }
        Some(kind) => match since {
            Ok(Some(since)) if years.contains(&since) => match (kind, lifted) {
                (1, Ok(None)) => PoorStatus::Poor { since },
                (_, Ok(Some(l))) if l >= since && l <= this_year => {
                    PoorStatus::Lifted { since, lifted: l }
                }
                _ => {
                    errors.push(HouseholdError::BadLiftedYear);
                    PoorStatus::NotPoor
                }
            },
            _ => {
                errors.push(HouseholdError::BadPoorYear);
                PoorStatus::NotPoor
            }
        },
        None => {
            errors.push(HouseholdError::BadPoorYear);
            PoorStatus::NotPoor
        }
    };
    if errors.is_empty() {
        Ok(ValidHousehold {
            code: code.to_owned(),
            head_name: head.to_owned(),
            phone: (!phone.is_empty()).then(|| phone.to_owned()),
            poor,
        })
    } else {
        Err(errors)
    }
}

/// A person of a household as typed (name, phone, able to work).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonInput {
    pub name: String,
    pub phone: String,
    /// 是/否, yes/no, on/1 (a ticked checkbox), empty for no.
    pub able: String,
}

/// A person that passed the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPerson {
    pub name: String,
    pub phone: Option<String>,
    pub able_to_work: bool,
}

/// Checks a person.
///
/// # Errors
/// Every problem found.
pub fn validate_person(input: &PersonInput) -> Result<ValidPerson, Vec<HouseholdError>> {
    let mut errors = Vec::new();
    let name = input.name.trim();
    if !is_valid_name(name) {
        errors.push(HouseholdError::BadName);
    }
    let phone = input.phone.trim();
    if !phone.is_empty() && !is_valid_phone(phone) {
        errors.push(HouseholdError::BadPhone);
    }
    let able = input.able.trim() == "on" || read_yes_no(&input.able).unwrap_or(false);
    if errors.is_empty() {
        Ok(ValidPerson {
            name: name.to_owned(),
            phone: (!phone.is_empty()).then(|| phone.to_owned()),
            able_to_work: able,
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn household(poor: &str, since: &str, lifted: &str) -> HouseholdInput {
        HouseholdInput {
            code: "HL-0001".into(),
            head_name: "王大福".into(),
            phone: "13800000001".into(),
            poor: poor.into(),
            poor_since: since.into(),
            poor_lifted: lifted.into(),
        }
    }

    #[test]
    fn poor_status_reads_as_registries_write_it() {
        let ok = |p, s, l| validate_household(&household(p, s, l), 2026).map(|h| h.poor);
        assert_eq!(ok("", "", ""), Ok(PoorStatus::NotPoor));
        assert_eq!(ok("否", "", ""), Ok(PoorStatus::NotPoor));
        assert_eq!(ok("是", "2014", ""), Ok(PoorStatus::Poor { since: 2014 }));
        assert_eq!(
            ok("poor", "2016年", ""),
            Ok(PoorStatus::Poor { since: 2016 })
        );
        assert_eq!(
            ok("已脱贫", "2014", "2019"),
            Ok(PoorStatus::Lifted {
                since: 2014,
                lifted: 2019
            })
        );
        // A lifted year alone says lifted.
        assert_eq!(
            ok("是", "2015", "2020"),
            Ok(PoorStatus::Lifted {
                since: 2015,
                lifted: 2020
            })
        );
    }

    #[test]
    fn poor_years_must_make_sense() {
        let err = |p, s, l| validate_household(&household(p, s, l), 2026).expect_err("refused");
        assert_eq!(err("是", "", ""), vec![HouseholdError::BadPoorYear]);
        assert_eq!(err("是", "1990", ""), vec![HouseholdError::BadPoorYear]);
        assert_eq!(err("是", "2030", ""), vec![HouseholdError::BadPoorYear]);
        assert_eq!(
            err("已脱贫", "2018", "2016"),
            vec![HouseholdError::BadLiftedYear]
        );
        assert_eq!(
            err("已脱贫", "2018", "2027"),
            vec![HouseholdError::BadLiftedYear]
        );
        assert_eq!(
            err("已脱贫", "2018", ""),
            vec![HouseholdError::BadLiftedYear]
        );
        assert_eq!(err("否", "", "2020"), vec![HouseholdError::BadLiftedYear]);
        assert_eq!(err("也许", "2018", ""), vec![HouseholdError::BadPoorYear]);
    }

    #[test]
    fn codes_names_and_phones_are_checked_together() {
        let bad = HouseholdInput {
            code: "HL 01".into(),
            head_name: " ".into(),
            phone: "0281234567".into(),
            ..HouseholdInput::default()
        };
        assert_eq!(
            validate_household(&bad, 2026).expect_err("refused"),
            vec![
                HouseholdError::BadCode,
                HouseholdError::BadName,
                HouseholdError::BadPhone
            ]
        );
        let h = validate_household(&household("", "", ""), 2026).expect("valid");
        assert_eq!(h.phone.as_deref(), Some("13800000001"));
        assert!(!is_valid_code(&"1".repeat(33)));
        assert!(is_valid_code("510722-0001"));
    }

    #[test]
    fn a_person_needs_a_name_and_a_mobile_if_any() {
        let p = validate_person(&PersonInput {
            name: " 李秀英 ".into(),
            phone: String::new(),
            able: "on".into(),
        })
        .expect("valid");
        assert_eq!(p.name, "李秀英");
        assert!(p.able_to_work && p.phone.is_none());
        let p = validate_person(&PersonInput {
            name: "李秀英".into(),
            phone: "13912345678".into(),
            able: "否".into(),
        })
        .expect("valid");
        assert!(!p.able_to_work);
        assert_eq!(
            validate_person(&PersonInput {
                name: String::new(),
                phone: "23912345678".into(),
                able: String::new(),
            })
            .expect_err("refused"),
            vec![HouseholdError::BadName, HouseholdError::BadPhone]
        );
    }
}
