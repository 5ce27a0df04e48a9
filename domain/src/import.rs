//! Bulk import of plots and plantings from CSV (or tab-separated text pasted from a
//! spreadsheet). Pure: the caller passes in what the database knows (villages, households,
//! plots and the land their plantings hold) and gets back either every row ready to store or
//! every bad row with its line number and reason. Nothing is stored unless every row passes.

use crate::plot::{PlotError, PlotInput, ValidPlot, validate_plot};
use crate::season::Occupancy;
use crate::{Crop, Lang, Mu, NewPlantingInput, PlantingError, PlantingStatus, ValidPlanting};
use std::collections::HashMap;

/// Most rows in one import (a county's plots fit; a runaway paste does not).
pub const MAX_ROWS: usize = 20_000;

/// What is being imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Plots,
    Plantings,
    /// Households, their people and optionally farmer accounts (`crate::onboard`).
    Households,
}

impl ImportKind {
    pub fn parse(code: &str) -> Option<ImportKind> {
        match code.trim() {
            "plots" => Some(ImportKind::Plots),
            "plantings" => Some(ImportKind::Plantings),
            "households" => Some(ImportKind::Households),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Plots => "plots",
            ImportKind::Plantings => "plantings",
            ImportKind::Households => "households",
        }
    }

    /// Columns: (field, accepted headers). The first header is the one templates use.
    fn columns(self) -> &'static [(&'static str, &'static [&'static str], bool)] {
        match self {
            ImportKind::Plots => &[
                ("township", &["乡镇", "township"], false),
                ("village", &["村", "village"], true),
                ("code", &["地块", "地块编号", "编号", "code", "plot"], true),
                ("area", &["面积", "area", "area_mu"], true),
                ("owner", &["户号", "owner", "household"], false),
                ("irrigation", &["灌溉", "irrigation"], false),
                ("notes", &["备注", "notes"], false),
            ],
            ImportKind::Plantings => &[
                ("township", &["乡镇", "township"], false),
                ("village", &["村", "village"], true),
                ("plot", &["地块", "地块编号", "plot"], true),
                ("crop", &["作物", "crop"], true),
                ("area", &["面积", "area", "area_mu"], true),
                (
                    "planted_on",
                    &["种植日期", "日期", "planted_on", "date"],
                    true,
                ),
                ("status", &["状态", "status"], false),
            ],
            // One row per person, as county registries (建档立卡系统) export them.
            ImportKind::Households => &[
                ("township", &["乡镇", "township"], false),
                ("village", &["村", "行政村", "village"], true),
                (
                    "code",
                    &[
                        "户编号",
                        "户号",
                        "户码",
                        "household",
                        "household_code",
                        "code",
                    ],
                    true,
                ),
                ("head", &["户主", "户主姓名", "head", "head_name"], true),
                ("name", &["姓名", "成员姓名", "name", "person"], true),
                (
                    "phone",
                    &["手机号", "电话", "手机", "联系电话", "phone", "mobile"],
                    false,
                ),
                (
                    "able",
                    &["能否务工", "劳动力", "able", "able_to_work"],
                    false,
                ),
                (
                    "poor",
                    &["贫困户", "贫困状态", "poor", "poor_status"],
                    false,
                ),
                (
                    "poor_since",
                    &["识别年度", "识别年份", "poor_since", "identified"],
                    false,
                ),
                (
                    "poor_lifted",
                    &["脱贫年度", "脱贫年份", "poor_lifted", "lifted"],
                    false,
                ),
                ("account", &["开通账号", "账号", "account"], false),
            ],
        }
    }

    /// The header line of a blank template, in Chinese.
    pub fn template_header(self) -> String {
        self.columns()
            .iter()
            .map(|(_, names, _)| names[0])
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// What is wrong with one row (or the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The file has no header line or no rows.
    Empty,
    TooManyRows,
    /// A required column is missing from the header.
    MissingColumn(&'static str),
    /// The CSV itself could not be read at this line (quotes, encoding).
    Unreadable,
    /// The row has a different number of cells than the header.
    WrongCellCount,
    /// No such village in the caller's townships.
    UnknownVillage,
    /// Two townships have a village of this name: add the 乡镇 column.
    AmbiguousVillage,
    /// No such plot in the village (plantings).
    UnknownPlot,
    /// The same plot appears twice in the file (plots).
    DuplicateInFile {
        first_line: usize,
    },
    Plot(PlotError),
    Planting(PlantingError),
    Household(crate::household::HouseholdError),
    /// The phone is on another row of the file (households).
    DuplicatePhone {
        first_line: usize,
    },
    /// The household code is on an earlier row with another village or head (households).
    ConflictingHousehold {
        first_line: usize,
    },
    /// A farmer account is asked for, but the head's row has no mobile number.
    AccountNeedsPhone,
    /// A yes/no cell (能否务工, 开通账号) that is neither.
    NotYesNo,
    /// The plots changed between the check and the store: check again.
    ChangedMeanwhile,
}

impl Problem {
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Empty => "empty",
            Problem::TooManyRows => "too_many_rows",
            Problem::MissingColumn(_) => "missing_column",
            Problem::Unreadable => "unreadable",
            Problem::WrongCellCount => "wrong_cell_count",
            Problem::UnknownVillage => "unknown_village",
            Problem::AmbiguousVillage => "ambiguous_village",
            Problem::UnknownPlot => "unknown_plot",
            Problem::DuplicateInFile { .. } => "duplicate_in_file",
            Problem::Plot(e) => e.code(),
            Problem::Planting(e) => e.code(),
            Problem::Household(e) => e.code(),
            Problem::DuplicatePhone { .. } => "duplicate_phone",
            Problem::ConflictingHousehold { .. } => "conflicting_household",
            Problem::AccountNeedsPhone => "account_needs_phone",
            Problem::NotYesNo => "not_yes_no",
            Problem::ChangedMeanwhile => "changed_meanwhile",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Problem::Empty, Lang::Zh) => "文件为空：第一行应为表头，其后每行一条记录".into(),
            (Problem::Empty, Lang::En) => {
                "The file is empty: a header line, then one record per line".into()
            }
            (Problem::TooManyRows, Lang::Zh) => format!("一次最多导入 {MAX_ROWS} 行"),
            (Problem::TooManyRows, Lang::En) => format!("At most {MAX_ROWS} rows per import"),
            (Problem::MissingColumn(c), Lang::Zh) => format!("缺少列：{c}"),
            (Problem::MissingColumn(c), Lang::En) => format!("Missing column: {c}"),
            (Problem::Unreadable, Lang::Zh) => "此行无法读取（引号不配对或编码不是 UTF-8）".into(),
            (Problem::Unreadable, Lang::En) => {
                "This line cannot be read (unbalanced quotes or not UTF-8)".into()
            }
            (Problem::WrongCellCount, Lang::Zh) => "此行的列数与表头不一致".into(),
            (Problem::WrongCellCount, Lang::En) => {
                "This line has a different number of cells than the header".into()
            }
            (Problem::UnknownVillage, Lang::Zh) => "找不到该村，或您无权管理该村".into(),
            (Problem::UnknownVillage, Lang::En) => {
                "No such village, or it is not yours to manage".into()
            }
            (Problem::AmbiguousVillage, Lang::Zh) => "多个乡镇有同名的村，请加上“乡镇”列".into(),
            (Problem::AmbiguousVillage, Lang::En) => {
                "Several townships have a village of this name: add a 乡镇 (township) column".into()
            }
            (Problem::UnknownPlot, Lang::Zh) => "该村没有此编号的在用地块".into(),
            (Problem::UnknownPlot, Lang::En) => {
                "No plot in use with this code in the village".into()
            }
            (Problem::DuplicateInFile { first_line }, Lang::Zh) => {
                format!("与第 {first_line} 行重复")
            }
            (Problem::DuplicateInFile { first_line }, Lang::En) => {
                format!("Repeats line {first_line}")
            }
            (Problem::ChangedMeanwhile, Lang::Zh) => "地块刚被他人修改，请重新检查后再导入".into(),
            (Problem::ChangedMeanwhile, Lang::En) => {
                "The plots changed meanwhile: check again, then import".into()
            }
            (Problem::DuplicatePhone { first_line }, Lang::Zh) => {
                format!("手机号与第 {first_line} 行重复")
            }
            (Problem::DuplicatePhone { first_line }, Lang::En) => {
                format!("The phone repeats line {first_line}")
            }
            (Problem::ConflictingHousehold { first_line }, Lang::Zh) => {
                format!("户编号与第 {first_line} 行相同，但村或户主不同")
            }
            (Problem::ConflictingHousehold { first_line }, Lang::En) => {
                format!("Same household code as line {first_line}, but another village or head")
            }
            (Problem::AccountNeedsPhone, Lang::Zh) => "开通账号需要户主本人一行填写手机号".into(),
            (Problem::AccountNeedsPhone, Lang::En) => {
                "An account needs a mobile number on the head's own row".into()
            }
            (Problem::NotYesNo, Lang::Zh) => "“能否务工”“开通账号”只能填“是”或“否”".into(),
            (Problem::NotYesNo, Lang::En) => "Able to work and account take yes or no only".into(),
            (Problem::Plot(e), lang) => e.message(lang),
            (Problem::Planting(e), lang) => e.message(lang),
            (Problem::Household(e), lang) => e.message(lang),
        }
    }
}

/// A bad row: its line in the file (1 is the header) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub problem: Problem,
}

/// A row as read: its line and its cells by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    cells: HashMap<&'static str, String>,
}

impl Row {
    /// The cell of `field` (empty when the column is absent).
    pub fn get(&self, field: &str) -> &str {
        self.cells.get(field).map_or("", String::as_str)
    }
}

/// A header read for matching: without spaces, and without a bracketed unit — `面积（亩）`
/// and `area (mu)` both read as their first word.
fn header_key(h: &str) -> String {
    let h = h.trim().trim_start_matches('\u{feff}');
    let cut = h.find(['（', '(']).unwrap_or(h.len());
    h[..cut].trim().to_lowercase()
}

/// Reads the text into rows. Commas separate cells, or tabs when the header has a tab and no
/// comma (a block pasted from a spreadsheet). Columns the kind does not use are ignored.
///
/// # Errors
/// Every line that cannot be read, or the one file-level problem.
pub fn read_rows(text: &str, kind: ImportKind) -> Result<Vec<Row>, Vec<LineError>> {
    let file_error = |problem| vec![LineError { line: 1, problem }];
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.contains('\t') && !first_line.contains(',') {
        b'\t'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let Ok(headers) = reader.headers().cloned() else {
        return Err(file_error(Problem::Unreadable));
    };
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err(file_error(Problem::Empty));
    }
    let keys: Vec<String> = headers.iter().map(header_key).collect();
    let mut positions: Vec<(&'static str, usize)> = Vec::new();
    for (field, names, required) in kind.columns() {
        match keys.iter().position(|k| names.iter().any(|n| k == n)) {
            Some(i) => positions.push((field, i)),
            None if *required => {
                return Err(file_error(Problem::MissingColumn(names[0])));
            }
            None => {}
        }
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for record in reader.records() {
        let position = match &record {
            Ok(r) => r.position(),
            Err(e) => e.position(),
        };
        // Count lines from the byte offset: the reader's own line count skips blank lines.
        let line = position.map_or(0, |p| {
            let mut at = usize::try_from(p.byte())
                .unwrap_or(usize::MAX)
                .min(text.len());
            // A record's position may be the blank lines before it.
            while matches!(text.as_bytes().get(at), Some(b'\n' | b'\r')) {
                at += 1;
            }
            text.as_bytes()[..at]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1
        });
        let record = match record {
            Ok(r) => r,
            Err(_) => {
                errors.push(LineError {
                    line,
                    problem: Problem::Unreadable,
                });
                continue;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue; // blank lines between blocks are harmless
        }
        if rows.len() + errors.len() >= MAX_ROWS {
            return Err(file_error(Problem::TooManyRows));
        }
        if record.len() != headers.len() {
            errors.push(LineError {
                line,
                problem: Problem::WrongCellCount,
            });
            continue;
        }
        let cells = positions
            .iter()
            .map(|(field, i)| (*field, record.get(*i).unwrap_or("").trim().to_owned()))
            .collect();
        rows.push(Row { line, cells });
    }
    match (errors.is_empty(), rows.is_empty()) {
        (true, true) => Err(file_error(Problem::Empty)),
        (true, false) => Ok(rows),
        (false, _) => Err(errors),
    }
}

/// A village the caller may import into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VillageRef {
    pub id: i64,
    pub name: String,
    pub township: String,
}

/// Finds the row's village by name (and township, when the row has one).
pub(crate) fn find_village<'a>(
    villages: &'a [VillageRef],
    row: &Row,
) -> Result<&'a VillageRef, Problem> {
    let (name, township) = (row.get("village"), row.get("township"));
    let mut found = villages
        .iter()
        .filter(|v| v.name == name && (township.is_empty() || v.township == township));
    match (found.next(), found.next()) {
        (Some(v), None) => Ok(v),
        (Some(_), Some(_)) => Err(Problem::AmbiguousVillage),
        (None, _) => Err(Problem::UnknownVillage),
    }
}

/// What the database knows, for checking plot rows.
pub struct PlotRefs<'a> {
    pub villages: &'a [VillageRef],
    /// (village id, plot code) of every plot, retired or not.
    pub existing: &'a [(i64, String)],
    /// (household code, village id).
    pub households: &'a [(String, i64)],
}

/// A plot row ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlotRecord {
    pub line: usize,
    pub village_id: i64,
    pub plot: ValidPlot,
}

/// Checks plot rows: village, the plot rules, the owner in that village, and codes unique in
/// the village and in the file.
///
/// # Errors
/// Every bad row (a row with several problems is listed once per problem).
pub fn check_plots(rows: &[Row], refs: &PlotRefs<'_>) -> Result<Vec<PlotRecord>, Vec<LineError>> {
    let mut errors = Vec::new();
    let mut records = Vec::new();
    let mut seen: HashMap<(i64, String), usize> = HashMap::new();
    for row in rows {
        let mut problems = Vec::new();
        let village = find_village(refs.villages, row)
            .map_err(|p| problems.push(p))
            .ok();
        let input = PlotInput {
            code: row.get("code").into(),
            area: row.get("area").into(),
            owner: row.get("owner").into(),
            irrigation: row.get("irrigation").into(),
            notes: row.get("notes").into(),
        };
        let plot = validate_plot(&input, &[])
            .map_err(|es| problems.extend(es.into_iter().map(Problem::Plot)))
            .ok();
        if let (Some(v), Some(p)) = (village, &plot) {
            let key = (v.id, p.code.clone());
            if refs.existing.contains(&key) {
                problems.push(Problem::Plot(PlotError::CodeTaken));
            } else if let Some(first) = seen.get(&key) {
                problems.push(Problem::DuplicateInFile { first_line: *first });
            } else {
                seen.insert(key, row.line);
            }
            if let Some(owner) = &p.owner_code
                && !refs
                    .households
                    .iter()
                    .any(|(c, vid)| c == owner && *vid == v.id)
            {
                problems.push(Problem::Plot(PlotError::UnknownOwner));
            }
        }
        match (village, plot) {
            (Some(v), Some(plot)) if problems.is_empty() => records.push(PlotRecord {
                line: row.line,
                village_id: v.id,
                plot,
            }),
            _ => errors.extend(problems.into_iter().map(|problem| LineError {
                line: row.line,
                problem,
            })),
        }
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        Err(errors)
    }
}

/// A plot in use that plantings may be imported onto, with the land it holds now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlotLoadRef {
    pub id: i64,
    pub village_id: i64,
    pub code: String,
    pub area: Mu,
    pub held: Vec<Occupancy>,
}

/// A planting row ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlantingRecord {
    pub line: usize,
    pub plot_id: i64,
    pub planting: ValidPlanting,
}

/// Checks planting rows: village and plot, the planting rules, and the plot-area rule with
/// the rows before it in the file counted as planted (so a file cannot over-fill a plot
/// either). A crop may be given by code or Chinese name, a status by code or Chinese label.
///
/// # Errors
/// Every bad row.
pub fn check_plantings(
    rows: &[Row],
    villages: &[VillageRef],
    plots: &[PlotLoadRef],
    crops: &[Crop],
) -> Result<Vec<PlantingRecord>, Vec<LineError>> {
    let mut errors = Vec::new();
    let mut records = Vec::new();
    let mut added: HashMap<i64, Vec<Occupancy>> = HashMap::new();
    for row in rows {
        let line = row.line;
        let plot = find_village(villages, row).and_then(|v| {
            plots
                .iter()
                .find(|p| p.village_id == v.id && p.code == row.get("plot"))
                .ok_or(Problem::UnknownPlot)
        });
        let crop = row.get("crop");
        let crop = crops
            .iter()
            .find(|c| c.name_zh == crop || c.name_en.eq_ignore_ascii_case(crop))
            .map_or(crop, |c| c.code.as_str());
        let status = row.get("status");
        let status = PlantingStatus::ALL
            .into_iter()
            .find(|s| s.label(Lang::Zh) == status || s.label(Lang::En).eq_ignore_ascii_case(status))
            .map_or(status, |s| s.code());
        let input = NewPlantingInput {
            crop: crop.into(),
            area: row.get("area").into(),
            planted_on: row.get("planted_on").into(),
            status: status.into(),
        };
        let plot = match plot {
            Ok(p) => p,
            Err(problem) => {
                errors.push(LineError { line, problem });
                // Still report the row's own field errors.
                if let Err(es) = crate::planting::validate_new_planting(
                    &input,
                    crops,
                    Mu::from_whole(1_000_000),
                    &[],
                ) {
                    errors.extend(es.into_iter().map(|e| LineError {
                        line,
                        problem: Problem::Planting(e),
                    }));
                }
                continue;
            }
        };
        let earlier = added.entry(plot.id).or_default();
        let held: Vec<Occupancy> = plot.held.iter().chain(earlier.iter()).copied().collect();
        match crate::planting::validate_new_planting(&input, crops, plot.area, &held) {
            Ok(planting) => {
                earlier.push(Occupancy {
                    area: planting.area,
                    season: planting.season,
                });
                records.push(PlantingRecord {
                    line,
                    plot_id: plot.id,
                    planting,
                });
            }
            Err(es) => errors.extend(es.into_iter().map(|e| LineError {
                line,
                problem: Problem::Planting(e),
            })),
        }
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crops::CATALOGUE;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn villages() -> Vec<VillageRef> {
        let v = |id, name: &str, township: &str| VillageRef {
            id,
            name: name.into(),
            township: township.into(),
        };
        vec![
            v(1, "红岩村", "飞虹乡"),
            v(2, "桃坪村", "飞虹乡"),
            v(3, "红岩村", "回澜镇"),
        ]
    }

    fn crops() -> Vec<Crop> {
        CATALOGUE.iter().map(Crop::from).collect()
    }

    fn codes(errors: &[LineError]) -> Vec<(usize, &'static str)> {
        errors.iter().map(|e| (e.line, e.problem.code())).collect()
    }

    #[test]
    fn headers_in_chinese_english_or_with_units_are_read_and_extra_columns_ignored() {
        let text = "\u{feff}乡镇,村,地块,面积（亩）,面积（公顷）,户号\n飞虹乡,桃坪村,A-1,12.5,0.83,FH-001\n";
        let rows = read_rows(text, ImportKind::Plots).expect("rows");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].get("area"), "12.5");
        assert_eq!(rows[0].get("owner"), "FH-001");
        assert_eq!(rows[0].get("irrigation"), "");
        let english = "village,code,area (mu)\n桃坪村,A-2,3\n";
        assert_eq!(
            read_rows(english, ImportKind::Plots).expect("rows")[0].get("code"),
            "A-2"
        );
    }

    #[test]
    fn a_block_pasted_from_a_spreadsheet_is_tab_separated() {
        let text = "村\t地块\t面积\n桃坪村\tA-1\t1,5\n";
        let rows = read_rows(text, ImportKind::Plots).expect("rows");
        assert_eq!(rows[0].get("area"), "1,5"); // then refused as unreadable, not split
    }

    #[test]
    fn file_level_problems_are_reported_on_line_one() {
        let only = |t: &str, k| codes(&read_rows(t, k).expect_err("bad"));
        assert_eq!(only("", ImportKind::Plots), [(1, "empty")]);
        assert_eq!(only("村,地块,面积\n", ImportKind::Plots), [(1, "empty")]);
        assert_eq!(
            only("村,面积\n桃坪村,1\n", ImportKind::Plots),
            [(1, "missing_column")]
        );
        let e = read_rows("村,面积\n", ImportKind::Plots).expect_err("bad");
        assert_eq!(e[0].problem.message(Lang::Zh), "缺少列：地块");
    }

    #[test]
    fn ragged_and_broken_lines_are_listed_by_line_number() {
        let text = "村,地块,面积\n桃坪村,A,1\n桃坪村,B\n\n桃坪村,\"C,2\n";
        assert_eq!(
            codes(&read_rows(text, ImportKind::Plots).expect_err("bad")),
            [(3, "wrong_cell_count"), (5, "wrong_cell_count")]
        );
    }

    #[test]
    fn plot_rows_are_checked_against_villages_owners_existing_codes_and_each_other() {
        let text = "乡镇,村,地块,面积,户号,灌溉\n\
            飞虹乡,桃坪村,A-1,12.5,FH-001,滴灌\n\
            ,桃坪村,A-1,3,,\n\
            ,红岩村,B-1,3,,\n\
            ,无名村,C-1,3,,\n\
            飞虹乡,桃坪村,OLD,3,,\n\
            飞虹乡,桃坪村,D-1,-3,FH-999,洪水\n";
        let rows = read_rows(text, ImportKind::Plots).expect("rows");
        let v = villages();
        let refs = PlotRefs {
            villages: &v,
            existing: &[(2, "OLD".into())],
            households: &[("FH-001".into(), 2), ("FH-999".into(), 1)],
        };
        assert_eq!(
            codes(&check_plots(&rows, &refs).expect_err("bad")),
            [
                (3, "duplicate_in_file"),
                (4, "ambiguous_village"),
                (5, "unknown_village"),
                (6, "code_taken"),
                (7, "area_not_positive"),
                (7, "unknown_irrigation"),
            ]
        );
        let good = read_rows(
            "乡镇,村,地块,面积,户号\n回澜镇,红岩村,A-1,2,\n飞虹乡,桃坪村,A-1,12.5,FH-001\n",
            ImportKind::Plots,
        )
        .expect("rows");
        let records = check_plots(&good, &refs).expect("good");
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].village_id, 3);
        assert_eq!(records[1].plot.owner_code.as_deref(), Some("FH-001"));
    }

    fn plot(id: i64, code: &str, area: i64) -> PlotLoadRef {
        PlotLoadRef {
            id,
            village_id: 2,
            code: code.into(),
            area: Mu::from_whole(area),
            held: vec![],
        }
    }

    #[test]
    fn planting_rows_count_earlier_rows_against_the_plot() {
        let text = "村,地块,作物,面积,种植日期,状态\n\
            桃坪村,A,莴笋,6,2026-12-01,已种\n\
            桃坪村,A,celtuce,4,2026-12-05,\n\
            桃坪村,A,花菜,0.5,2026-12-05,planned\n\
            桃坪村,Z,莴笋,1,2026-12-05,\n\
            桃坪村,B,芹菜,1,2026-13-05,\n";
        let rows = read_rows(text, ImportKind::Plantings).expect("rows");
        let errors = check_plantings(
            &rows,
            &villages(),
            &[plot(10, "A", 10), plot(11, "B", 5)],
            &crops(),
        )
        .expect_err("bad");
        assert_eq!(
            codes(&errors),
            [
                (4, "area_exceeds_plot"),
                (5, "unknown_plot"),
                (6, "unknown_crop"),
                (6, "date_unreadable"),
            ]
        );
        let ok = read_rows("村,地块,作物,面积,种植日期,状态\n桃坪村,A,莴笋,6,2026-12-01,已种\n桃坪村,A,celtuce,4,2026-12-05,\n", ImportKind::Plantings).expect("rows");
        let records =
            check_plantings(&ok, &villages(), &[plot(10, "A", 10)], &crops()).expect("ok");
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].planting.status, PlantingStatus::Planted);
        assert_eq!(records[1].planting.crop_code, "celtuce");
        assert_eq!(
            records[1].planting.planted_on,
            NaiveDate::from_ymd_opt(2026, 12, 5).expect("date")
        );
    }

    #[test]
    fn the_template_header_reads_back_as_every_column() {
        for kind in [ImportKind::Plots, ImportKind::Plantings] {
            let header = kind.template_header();
            let cells = header.split(',').count();
            let line = vec!["x"; cells].join(",");
            let rows = read_rows(&format!("{header}\n{line}\n"), kind).expect("rows");
            for (field, _, _) in kind.columns() {
                assert_eq!(rows[0].get(field), "x", "{field}");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// Whatever is pasted, reading and checking never panic, and every error names a line
        /// that exists in the text.
        #[test]
        fn any_text_is_read_without_panicking(text in "[村地块面积作物种植日期,\\t\\n\"0-9A-Za-z.\\- ]{0,400}") {
            let lines = text.lines().count().max(1);
            for kind in [ImportKind::Plots, ImportKind::Plantings, ImportKind::Households] {
                let checked = read_rows(&text, kind).and_then(|rows| match kind {
                    ImportKind::Plots => check_plots(&rows, &PlotRefs { villages: &villages(), existing: &[], households: &[] }).map(|r| r.len()),
                    ImportKind::Plantings => check_plantings(&rows, &villages(), &[plot(10, "A", 10)], &crops()).map(|r| r.len()),
                    ImportKind::Households => {
                        let none = std::collections::HashSet::new();
                        let refs = crate::onboard::HouseholdRefs { villages: &villages(), codes: &none, phones: &none, this_year: 2026 };
                        crate::onboard::check_households(&rows, &refs).map(|r| r.len())
                    }
                });
                if let Err(errors) = checked {
                    prop_assert!(!errors.is_empty());
                    for e in errors {
                        prop_assert!(e.line >= 1 && e.line <= lines + 1, "line {} of {}", e.line, lines);
                    }
                }
            }
        }
    }
}
