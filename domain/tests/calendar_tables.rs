//! The Chinese calendar (#17) checked against an independent published table: the Hong Kong
//! Observatory's Gregorian–Lunar Calendar Conversion Tables. `tests/data/` holds the Spring
//! Festival of every year 1901–2100 and the 24 solar terms of ten years spread over that range,
//! each file with its source in its `#` header. Every row that differs is reported in one
//! failure, not just the first.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use tianlian_domain::calendar::{TERM_NAMES, solar_terms, spring_festival};

const SPRING_FESTIVALS: &str = include_str!("data/spring_festival_1901_2100.csv");
const SOLAR_TERMS: &str = include_str!("data/solar_terms.csv");

/// A table's data rows as (line number, fields): `#` comments and blank lines dropped, the
/// header checked and dropped.
fn rows<'a>(table: &'a str, header: &str) -> Vec<(usize, Vec<&'a str>)> {
    let mut lines = table
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'));
    let (_, first) = lines.next().expect("the table has a header line");
    assert_eq!(first, header, "unexpected header line");
    lines
        .map(|(n, line)| (n, line.split(',').map(str::trim).collect()))
        .collect()
}

fn parse_year(line: usize, field: &str) -> i32 {
    field
        .parse()
        .unwrap_or_else(|e| panic!("line {line}: bad year {field:?}: {e}"))
}

fn parse_date(line: usize, field: &str) -> NaiveDate {
    field
        .parse()
        .unwrap_or_else(|e| panic!("line {line}: bad date {field:?}: {e}"))
}

#[test]
fn spring_festival_matches_the_published_table_for_every_year_1901_to_2100() {
    let rows = rows(SPRING_FESTIVALS, "year,spring_festival");
    let mut years = Vec::new();
    let mut differences = Vec::new();
    for (line, fields) in &rows {
        let [year, date] = fields.as_slice() else {
            panic!("line {line}: expected 2 fields, got {fields:?}");
        };
        let (year, published) = (parse_year(*line, year), parse_date(*line, date));
        years.push(year);
        match spring_festival(year) {
            Ok(ours) if ours == published => {}
            Ok(ours) => differences.push(format!(
                "{year}: published {published}, calendar says {ours}"
            )),
            Err(e) => differences.push(format!(
                "{year}: published {published}, calendar fails: {e}"
            )),
        }
    }
    assert_eq!(
        years,
        (1901..=2100).collect::<Vec<_>>(),
        "the table has one row for each year 1901–2100, in order"
    );
    assert!(
        differences.is_empty(),
        "{} of {} Spring Festival dates differ from the Hong Kong Observatory table:\n{}",
        differences.len(),
        rows.len(),
        differences.join("\n")
    );
}

#[test]
fn solar_terms_match_the_published_table() {
    let rows = rows(SOLAR_TERMS, "year,term_zh,date");
    let mut computed = BTreeMap::new();
    let mut per_year: BTreeMap<i32, usize> = BTreeMap::new();
    let mut differences = Vec::new();
    for (line, fields) in &rows {
        let [year, term, date] = fields.as_slice() else {
            panic!("line {line}: expected 3 fields, got {fields:?}");
        };
        let (year, published) = (parse_year(*line, year), parse_date(*line, date));
        assert!(
            TERM_NAMES.iter().any(|(zh, _)| zh == term),
            "line {line}: {term:?} is not one of the 24 term names"
        );
        *per_year.entry(year).or_default() += 1;
        match computed.entry(year).or_insert_with(|| solar_terms(year)) {
            Ok(terms) => match terms.iter().find(|t| t.name_zh == *term) {
                Some(ours) if ours.date == published => {}
                Some(ours) => differences.push(format!(
                    "{year} {term}: published {published}, calendar says {}",
                    ours.date
                )),
                None => differences.push(format!(
                    "{year} {term}: published {published}, calendar lists no such term"
                )),
            },
            Err(e) => differences.push(format!(
                "{year} {term}: published {published}, calendar fails: {e}"
            )),
        }
    }
    assert!(
        per_year.len() >= 10,
        "the table covers at least ten years, got {per_year:?}"
    );
    assert!(
        per_year.values().all(|&n| n == 24),
        "the table lists all 24 terms of each year it covers: {per_year:?}"
    );
    assert!(
        differences.is_empty(),
        "{} of {} solar term dates differ from the Hong Kong Observatory table:\n{}",
        differences.len(),
        rows.len(),
        differences.join("\n")
    );
}
