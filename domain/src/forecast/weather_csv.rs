//! Reading a site's observed daily weather from CSV: `date,tmin,tmax` or `date,tmean` with a
//! header row. Every bad row is reported with its line number; one bad row means nothing is
//! imported, so the caller gets either all the days or the full list of problems.

use super::climate::DailyTemp;
use crate::Lang;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Temperatures outside this range (°C) are taken as typing errors.
pub const PLAUSIBLE_C: std::ops::RangeInclusive<f32> = -60.0..=60.0;

/// What is wrong with one line of a weather file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    pub problem: RowProblem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowProblem {
    /// The header is neither `date,tmin,tmax` nor `date,tmean`.
    Header,
    /// The file has no data rows.
    Empty,
    /// The row has the wrong number of fields or is not valid CSV.
    Columns,
    BadDate,
    BadNumber,
    /// Outside [`PLAUSIBLE_C`].
    Implausible,
    /// Minimum above maximum.
    MinAboveMax,
    /// The date appears on an earlier line.
    Duplicate {
        first_line: u64,
    },
}

impl RowError {
    pub fn code(&self) -> &'static str {
        match self.problem {
            RowProblem::Header => "bad_header",
            RowProblem::Empty => "empty_file",
            RowProblem::Columns => "bad_columns",
            RowProblem::BadDate => "bad_date",
            RowProblem::BadNumber => "bad_number",
            RowProblem::Implausible => "implausible_temperature",
            RowProblem::MinAboveMax => "min_above_max",
            RowProblem::Duplicate { .. } => "duplicate_date",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let line = self.line;
        let (zh, en) = match &self.problem {
            RowProblem::Header => (
                "表头应为 date,tmin,tmax 或 date,tmean".to_owned(),
                "the header must be date,tmin,tmax or date,tmean".to_owned(),
            ),
            RowProblem::Empty => (
                "文件没有数据行".to_owned(),
                "the file has no data rows".to_owned(),
            ),
            RowProblem::Columns => ("列数不对".to_owned(), "wrong number of columns".to_owned()),
            RowProblem::BadDate => (
                "日期应为 YYYY-MM-DD".to_owned(),
                "the date must be YYYY-MM-DD".to_owned(),
            ),
            RowProblem::BadNumber => (
                "温度不是数字".to_owned(),
                "a temperature is not a number".to_owned(),
            ),
            RowProblem::Implausible => (
                "温度超出 −60～60 °C".to_owned(),
                "a temperature is outside −60…60 °C".to_owned(),
            ),
            RowProblem::MinAboveMax => (
                "最低温高于最高温".to_owned(),
                "the minimum is above the maximum".to_owned(),
            ),
            RowProblem::Duplicate { first_line } => (
                format!("日期与第 {first_line} 行重复"),
                format!("the date repeats line {first_line}"),
            ),
        };
        match lang {
            Lang::Zh => format!("第 {line} 行：{zh}"),
            Lang::En => format!("line {line}: {en}"),
        }
    }
}

#[derive(Clone, Copy)]
enum Layout {
    MinMax {
        date: usize,
        tmin: usize,
        tmax: usize,
    },
    Mean {
        date: usize,
        tmean: usize,
    },
}

/// Parses a weather file.
///
/// # Errors
/// Every bad line, in file order (nothing is returned as parsed when any line is bad).
pub fn parse(text: &str) -> Result<BTreeMap<NaiveDate, DailyTemp>, Vec<RowError>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header_error = || {
        vec![RowError {
            line: 1,
            problem: RowProblem::Header,
        }]
    };
    let headers = reader.headers().map_err(|_| header_error())?.clone();
    let find = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let layout = match (find("date"), find("tmin"), find("tmax"), find("tmean")) {
        (Some(date), Some(tmin), Some(tmax), _) if headers.len() == 3 => {
            Layout::MinMax { date, tmin, tmax }
        }
        (Some(date), None, None, Some(tmean)) if headers.len() == 2 => Layout::Mean { date, tmean },
        _ => return Err(header_error()),
    };
    let width = headers.len();
    let mut days = BTreeMap::new();
    let mut lines: BTreeMap<NaiveDate, u64> = BTreeMap::new();
    let mut errors = Vec::new();
    let mut last_line = 1;
    for record in reader.records() {
        let (line, parsed) = match record {
            Ok(row) => {
                let line = row.position().map_or(last_line + 1, |p| p.line());
                (line, parse_row(&row, width, layout))
            }
            Err(e) => (
                e.position().map_or(last_line + 1, |p| p.line()),
                Err(RowProblem::Columns),
            ),
        };
        last_line = line;
        match parsed {
            Ok((date, temp)) => match lines.get(&date) {
                Some(&first_line) => errors.push(RowError {
                    line,
                    problem: RowProblem::Duplicate { first_line },
                }),
                None => {
                    lines.insert(date, line);
                    days.insert(date, temp);
                }
            },
            Err(problem) => errors.push(RowError { line, problem }),
        }
    }
    if errors.is_empty() && days.is_empty() {
        errors.push(RowError {
            line: 2,
            problem: RowProblem::Empty,
        });
    }
    if errors.is_empty() {
        Ok(days)
    } else {
        Err(errors)
    }
}

fn parse_row(
    row: &csv::StringRecord,
    width: usize,
    layout: Layout,
) -> Result<(NaiveDate, DailyTemp), RowProblem> {
    if row.len() != width {
        return Err(RowProblem::Columns);
    }
    let field = |i: usize| row.get(i).unwrap_or("");
    let number = |i: usize| -> Result<f32, RowProblem> {
        let v: f32 = field(i).parse().map_err(|_| RowProblem::BadNumber)?;
        if !v.is_finite() {
            return Err(RowProblem::BadNumber);
        }
        if PLAUSIBLE_C.contains(&v) {
            Ok(v)
        } else {
            Err(RowProblem::Implausible)
        }
    };
    let date_at =
        |i: usize| NaiveDate::parse_from_str(field(i), "%Y-%m-%d").map_err(|_| RowProblem::BadDate);
    match layout {
        Layout::MinMax { date, tmin, tmax } => {
            let date = date_at(date)?;
            let (tmin, tmax) = (number(tmin)?, number(tmax)?);
            if tmin > tmax {
                return Err(RowProblem::MinAboveMax);
            }
            Ok((date, DailyTemp { tmin, tmax }))
        }
        Layout::Mean { date, tmean } => {
            let date = date_at(date)?;
            let t = number(tmean)?;
            Ok((date, DailyTemp { tmin: t, tmax: t }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_max_files_are_read_in_any_column_order() {
        let days = parse("tmax,date,tmin\n8.5,2026-12-01,-1.5\n7,2026-12-02,-2\n").expect("valid");
        assert_eq!(days.len(), 2);
        let first = days.values().next().expect("a day");
        assert_eq!((first.tmin, first.tmax), (-1.5, 8.5));
    }

    #[test]
    fn mean_only_files_give_the_same_mean() {
        let days = parse("date,tmean\n2026-12-01,3.5\n").expect("valid");
        assert_eq!(days.values().next().map(|t| t.mean()), Some(3.5));
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_nothing_is_kept() {
        let text = "date,tmin,tmax\n\
                    2026-12-01,-1,8\n\
                    2026-13-01,-1,8\n\
                    2026-12-03,abc,8\n\
                    2026-12-04,9,8\n\
                    2026-12-01,0,5\n\
                    2026-12-06,1\n\
                    2026-12-07,-80,8\n";
        let errors = parse(text).expect_err("bad rows");
        let got: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.code())).collect();
        assert_eq!(
            got,
            vec![
                (3, "bad_date"),
                (4, "bad_number"),
                (5, "min_above_max"),
                (6, "duplicate_date"),
                (7, "bad_columns"),
                (8, "implausible_temperature"),
            ]
        );
        assert_eq!(errors[3].message(Lang::Zh), "第 6 行：日期与第 2 行重复");
        assert_eq!(
            errors[0].message(Lang::En),
            "line 3: the date must be YYYY-MM-DD"
        );
    }

    #[test]
    fn a_wrong_header_or_an_empty_file_is_refused() {
        assert_eq!(
            parse("day,min,max\n2026-12-01,1,2\n").expect_err("header")[0].code(),
            "bad_header"
        );
        assert_eq!(
            parse("date,tmean\n").expect_err("empty")[0].code(),
            "empty_file"
        );
        assert_eq!(parse("").expect_err("empty")[0].code(), "bad_header");
    }
}
