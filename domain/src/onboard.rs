//! Onboarding a township in bulk: rows of a county registry export (one row per person) read
//! into households, their people and the farmer accounts asked for. Pure: the caller passes
//! what the database knows (villages, household codes, phones in use) and gets back either
//! every household ready to store or every bad line with its number and reason.

use crate::household::{
    HouseholdError, HouseholdInput, PersonInput, ValidHousehold, ValidPerson, read_yes_no,
    validate_household, validate_person,
};
use crate::import::{LineError, Problem, Row, VillageRef, find_village};
use std::collections::{HashMap, HashSet};

/// What the database knows, for checking household rows.
pub struct HouseholdRefs<'a> {
    /// Villages the caller may add households to.
    pub villages: &'a [VillageRef],
    /// Every household code in the county (codes are unique county-wide, so also in the
    /// village).
    pub codes: &'a HashSet<String>,
    /// Every phone of a person or an account.
    pub phones: &'a HashSet<String>,
    /// This year in China (bounds the poor-status years).
    pub this_year: i32,
}

/// A household ready to store, with its people and whether a farmer account is wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdRecord {
    /// The household's first line in the file.
    pub line: usize,
    pub village_id: i64,
    pub household: ValidHousehold,
    pub persons: Vec<ValidPerson>,
    /// A farmer account on the household's phone (the head's mobile).
    pub account: bool,
}

struct Group {
    line: usize,
    village_id: i64,
    household: ValidHousehold,
    persons: Vec<ValidPerson>,
    account: bool,
    account_line: usize,
}

/// Checks household rows. The first row of a household code gives its village, head and poor
/// status; later rows of the code must name the same village and head. The head's own row
/// (姓名 = 户主) gives the household's phone, which a farmer account (开通账号 = 是 on any of
/// its rows) signs in with. A phone may appear once in the file and not at all in the database;
/// a household code must be new.
///
/// # Errors
/// Every bad line (a line with several problems is listed once per problem).
pub fn check_households(
    rows: &[Row],
    refs: &HouseholdRefs<'_>,
) -> Result<Vec<HouseholdRecord>, Vec<LineError>> {
    let mut errors = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut by_code: HashMap<String, usize> = HashMap::new();
    let mut phones: HashMap<String, usize> = HashMap::new();
    // The first row of each code, bad or not: (line, village, head).
    let mut first_of_code: HashMap<String, (usize, i64, String)> = HashMap::new();
    for row in rows {
        let mut problems = Vec::new();
        let village = find_village(refs.villages, row)
            .map_err(|p| problems.push(p))
            .ok();
        let name = row.get("name");
        let is_head = name.trim() == row.get("head").trim();
        let household = validate_household(
            &HouseholdInput {
                code: row.get("code").into(),
                head_name: row.get("head").into(),
                // The household's phone is checked on the person below.
                phone: String::new(),
                poor: row.get("poor").into(),
                poor_since: row.get("poor_since").into(),
                poor_lifted: row.get("poor_lifted").into(),
            },
            refs.this_year,
        )
        .map_err(|es| problems.extend(es.into_iter().map(Problem::Household)))
        .ok();
        let able = match row.get("able").trim() {
            "" => Some(true),
            cell => read_yes_no(cell),
        };
        let account = read_yes_no(row.get("account"));
        if able.is_none() || account.is_none() {
            problems.push(Problem::NotYesNo);
        }
        let person = validate_person(&PersonInput {
            name: name.into(),
            phone: row.get("phone").into(),
            able: if able == Some(true) { "是" } else { "否" }.into(),
        })
        .map_err(|es| problems.extend(es.into_iter().map(Problem::Household)))
        .ok();
        if let Some(phone) = person.as_ref().and_then(|p| p.phone.as_deref()) {
            if refs.phones.contains(phone) {
                problems.push(Problem::Household(HouseholdError::PhoneTaken));
            } else if let Some(first) = phones.get(phone) {
                problems.push(Problem::DuplicatePhone { first_line: *first });
            } else {
                phones.insert(phone.to_owned(), row.line);
            }
        }
        if let (Some(v), Some(h)) = (village, &household) {
            if refs.codes.contains(&h.code) {
                problems.push(Problem::Household(HouseholdError::CodeTaken));
            } else if let Some((line, village_id, head)) = first_of_code.get(&h.code) {
                if *village_id != v.id || *head != h.head_name {
                    problems.push(Problem::ConflictingHousehold { first_line: *line });
                }
            } else {
                first_of_code.insert(h.code.clone(), (row.line, v.id, h.head_name.clone()));
            }
        }
        if !problems.is_empty() {
            errors.extend(problems.into_iter().map(|problem| LineError {
                line: row.line,
                problem,
            }));
            continue;
        }
        let (Some(v), Some(h), Some(p)) = (village, household, person) else {
            continue;
        };
        let g = *by_code.entry(h.code.clone()).or_insert_with(|| {
            groups.push(Group {
                line: row.line,
                village_id: v.id,
                household: h,
                persons: Vec::new(),
                account: false,
                account_line: row.line,
            });
            groups.len() - 1
        });
        let group = &mut groups[g];
        if is_head && group.household.phone.is_none() {
            group.household.phone.clone_from(&p.phone);
        }
        if account == Some(true) && !group.account {
            group.account = true;
            group.account_line = row.line;
        }
        group.persons.push(p);
    }
    for g in &groups {
        if g.account && g.household.phone.is_none() {
            errors.push(LineError {
                line: g.account_line,
                problem: Problem::AccountNeedsPhone,
            });
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(errors);
    }
    Ok(groups
        .into_iter()
        .map(|g| HouseholdRecord {
            line: g.line,
            village_id: g.village_id,
            household: g.household,
            persons: g.persons,
            account: g.account,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::household::PoorStatus;
    use crate::import::{ImportKind, read_rows};

    fn villages() -> Vec<VillageRef> {
        vec![
            VillageRef {
                id: 1,
                name: "回澜村".into(),
                township: "回澜镇".into(),
            },
            VillageRef {
                id: 2,
                name: "新华村".into(),
                township: "回澜镇".into(),
            },
        ]
    }

    fn check(text: &str) -> Result<Vec<HouseholdRecord>, Vec<LineError>> {
        let codes: HashSet<String> = ["HL-OLD".to_owned()].into();
        let phones: HashSet<String> = ["13900000005".to_owned()].into();
        let villages = villages();
        let refs = HouseholdRefs {
            villages: &villages,
            codes: &codes,
            phones: &phones,
            this_year: 2026,
        };
        check_households(
            &read_rows(text, ImportKind::Households).expect("readable"),
            &refs,
        )
    }

    #[test]
    fn rows_of_one_code_make_one_household_with_its_people() {
        let text = "村,户编号,户主,姓名,手机号,能否务工,贫困户,识别年度,脱贫年度,开通账号\n\
                    回澜村,HL-1,王大福,王大福,13800000001,是,是,2014,2019,是\n\
                    回澜村,HL-1,王大福,李秀英,,否,,,,\n\
                    新华村,XH-1,张三,张三,13800000002,,,,,否\n";
        let records = check(text).expect("valid");
        assert_eq!(records.len(), 2);
        let hl = &records[0];
        assert_eq!((hl.line, hl.village_id), (2, 1));
        assert_eq!(hl.household.phone.as_deref(), Some("13800000001"));
        assert_eq!(
            hl.household.poor,
            PoorStatus::Lifted {
                since: 2014,
                lifted: 2019
            }
        );
        assert!(hl.account);
        assert_eq!(hl.persons.len(), 2);
        assert!(hl.persons[0].able_to_work && !hl.persons[1].able_to_work);
        assert!(!records[1].account && records[1].household.poor == PoorStatus::NotPoor);
    }

    #[test]
    fn english_headers_are_read_too() {
        let text = "village,household,head,name,phone,account\n\
                    回澜村,HL-9,Wang,Wang,13800000009,yes\n";
        let records = check(text).expect("valid");
        assert!(records[0].account);
    }

    #[test]
    fn every_bad_line_is_listed_with_its_reason() {
        let text = "村,户编号,户主,姓名,手机号,开通账号\n\
                    回澜村,HL-1,王大福,王大福,1380000000,否\n\
                    无名村,HL-2,张三,张三,13800000002,否\n\
                    回澜村,HL-3,李四,李四,13800000002,否\n\
                    回澜村,HL-OLD,赵五,赵五,,否\n\
                    新华村,HL-3,李四,李小,,否\n\
                    回澜村,HL-4,钱六,钱六,13900000005,否\n\
                    回澜村,HL-5,孙七,孙七,,是\n\
                    回澜村,HL-6,周八,周八,,也许\n";
        let errors = check(text).expect_err("refused");
        let got: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.problem.code())).collect();
        assert_eq!(
            got,
            vec![
                (2, "bad_phone"),
                (3, "unknown_village"),
                (4, "duplicate_phone"),
                (5, "code_taken"),
                (6, "conflicting_household"),
                (7, "phone_taken"),
                (8, "account_needs_phone"),
                (9, "not_yes_no"),
            ]
        );
        assert_eq!(errors[2].problem, Problem::DuplicatePhone { first_line: 3 });
    }

    #[test]
    fn the_account_takes_the_heads_phone_not_a_members() {
        let text = "村,户编号,户主,姓名,手机号,开通账号\n\
                    回澜村,HL-1,王大福,李秀英,13800000003,是\n";
        let errors = check(text).expect_err("refused");
        assert_eq!(errors[0].problem, Problem::AccountNeedsPhone);
    }
}
