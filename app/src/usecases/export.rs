//! Exports of plots, plantings, progress and the market calendar as CSV (UTF-8 with a BOM, so
//! spreadsheet software shows the Chinese headers) and XLSX (rust_xlsxwriter). Tables are built
//! from the same use cases as the pages, so an export shows exactly what the caller may see.
//! Plots and plantings, which grow with the county, are read a page of [`EXPORT_PAGE`] at a time
//! in id order and written page by page, so memory does not grow with the county: their CSV
//! is streamed as it is read, and their XLSX is written by [`XlsxPages`] in rust_xlsxwriter's
//! constant-memory mode (rows go to a temporary file, and the zip is streamed out at the end).
//! Only with `ssr`.

use crate::usecases::forecasting::ClimateCache;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use tianlian_domain::Lang;
use tianlian_domain::access::Caller;
use tianlian_storage::{Db, StorageError};

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Int(i64),
}

/// A sheet: a name, Chinese column headers and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub name: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

/// What can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    Plots,
    Plantings,
    Progress,
    Market,
    Benefit,
}

/// The file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
}

/// Reads `plots.csv`, `market.xlsx`, …
pub fn parse_file_name(name: &str) -> Option<(Export, FileKind)> {
    let (stem, ext) = name.rsplit_once('.')?;
    let what = match stem {
        "plots" => Export::Plots,
        "plantings" => Export::Plantings,
        "progress" => Export::Progress,
        "market" => Export::Market,
        "benefit" => Export::Benefit,
        _ => return None,
    };
    let format = match ext {
        "csv" => FileKind::Csv,
        "xlsx" => FileKind::Xlsx,
        _ => return None,
    };
    Some((what, format))
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// Rows a whole-list export reads at a time.
pub const EXPORT_PAGE: i64 = 1_000;

impl Export {
    /// Whether the export is read a page at a time (the lists that grow with the county:
    /// plots and plantings in id order, the benefit report in its own order), so it can be
    /// streamed.
    pub fn is_paged(self) -> bool {
        matches!(self, Export::Plots | Export::Plantings | Export::Benefit)
    }
}

/// The sheet name and column headers of a paged export.
pub fn sheet(what: Export) -> (&'static str, Vec<&'static str>) {
    match what {
        Export::Benefit => (
            "联农带农效益",
            vec![
                "户号",
                "户主",
                "人口",
                "贫困户",
                "流转费（元）",
                "工资（元）",
                "分红（元）",
                "合计（元）",
                "人均（元）",
                "达到收入线",
            ],
        ),
        Export::Plantings => (
            "种植",
            vec![
                "乡镇",
                "村",
                "地块",
                "作物",
                "面积（亩）",
                "种植日期",
                "占地至",
                "状态",
                "预计始收（P50）",
                "最早（P10）",
                "最晚（P90）",
                "预计收完",
                "预计产量（公斤）",
            ],
        ),
        _ => (
            "地块",
            vec![
                "乡镇",
                "村",
                "地块",
                "面积（亩）",
                "面积（公顷）",
                "户主",
                "今日空闲（亩）",
            ],
        ),
    }
}

/// Up to `size` rows of a paged export (plots or plantings the caller may see after the id
/// `cursor`; the benefit report's lines from the position `cursor`), and the next page's cursor
/// (`None` after the last).
///
/// # Errors
/// The database failed.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn page(
    db: &Db,
    cache: &ClimateCache,
    caller: &Caller,
    what: Export,
    cursor: Option<i64>,
    size: i64,
) -> Result<(Vec<Vec<Cell>>, Option<i64>), StorageError> {
    if what == Export::Benefit {
        return benefit_page(db, caller, cursor, size).await;
    }
    let all = tianlian_storage::plots::PlotQuery::default();
    if what == Export::Plantings {
        let (list, next) =
            crate::usecases::plots::plantings_after(db, cache, caller, &all, cursor, size).await?;
        let date =
            |d: Option<chrono::NaiveDate>| text(d.map(|d| d.to_string()).unwrap_or_default());
        let rows = list
            .into_iter()
            .map(|i| {
                let pl = i.planting;
                let f = pl.forecast.as_ref();
                vec![
                    text(i.township),
                    text(i.village),
                    text(i.plot_code),
                    text(pl.crop_name_zh),
                    Cell::Number(pl.area.as_f64()),
                    text(pl.planned_on),
                    text(pl.season_until),
                    text(pl.status.label(Lang::Zh)),
                    date(f.map(|f| f.harvest_start)),
                    date(f.map(|f| f.harvest_start_p10)),
                    date(f.map(|f| f.harvest_start_p90)),
                    date(f.map(|f| f.harvest_end)),
                    f.map_or_else(|| text(""), |f| Cell::Number(f.yield_kg as f64)),
                ]
            })
            .collect();
        return Ok((rows, next));
    }
    let (plots, next) = crate::usecases::plots::plots_after(db, caller, &all, cursor, size).await?;
    let rows = plots
        .into_iter()
        .map(|p| {
            vec![
                text(p.township),
                text(p.village),
                text(p.code),
                Cell::Number(p.area.as_f64()),
                Cell::Number((p.area.hectares() * 10_000.0).round() / 10_000.0),
                text(p.owner.unwrap_or_default()),
                Cell::Number(p.area.saturating_sub(p.held_today).as_f64()),
            ]
        })
        .collect();
    Ok((rows, next))
}

/// Up to `size` lines of this season's benefit report from position `cursor` (0 when `None`),
/// in the report's order, and the next position (`None` after the last). Farmers: none.
async fn benefit_page(
    db: &Db,
    caller: &Caller,
    cursor: Option<i64>,
    size: i64,
) -> Result<(Vec<Vec<Cell>>, Option<i64>), StorageError> {
    let today = crate::usecases::forecasting::china_today();
    let offset = usize::try_from(cursor.unwrap_or(0)).unwrap_or(0);
    let limit = usize::try_from(size).unwrap_or(1);
    let window = crate::usecases::alliance::BenefitWindow::From { offset, limit };
    let Some(report) =
        crate::usecases::alliance::benefit(db, caller, today, None, false, window).await?
    else {
        return Ok((Vec::new(), None));
    };
    let end = offset + report.lines.len();
    let next = (end < report.matching).then(|| i64::try_from(end).unwrap_or(i64::MAX));
    let money = |f: tianlian_domain::Fen| Cell::Number(f.get() as f64 / 100.0);
    let rows = report
        .lines
        .into_iter()
        .map(|l| {
            vec![
                text(l.household_code),
                text(l.head_name),
                Cell::Number(l.members as f64),
                text(if l.is_poor { "是" } else { "否" }),
                money(l.lease_fees),
                money(l.wages),
                money(l.dividends),
                money(l.total),
                money(l.per_person),
                text(match l.meets_line {
                    Some(true) => "是",
                    Some(false) => "否",
                    None => "",
                }),
            ]
        })
        .collect();
    Ok((rows, next))
}

/// Builds the table the caller may see.
///
/// # Errors
/// The database failed.
#[tracing::instrument(skip_all, fields(account = caller.account_id))]
pub async fn table(
    db: &Db,
    cache: &ClimateCache,
    caller: &Caller,
    what: Export,
) -> Result<Table, StorageError> {
    Ok(match what {
        Export::Plots | Export::Plantings | Export::Benefit => {
            let (name, headers) = sheet(what);
            let mut rows = Vec::new();
            let mut cursor = None;
            loop {
                let (page, next) = page(db, cache, caller, what, cursor, EXPORT_PAGE).await?;
                rows.extend(page);
                match next {
                    Some(n) => cursor = Some(n),
                    None => break,
                }
            }
            Table {
                name,
                headers,
                rows,
            }
        }
        Export::Progress => Table {
            name: "进度",
            headers: vec![
                "范围",
                "作物",
                "目标（亩）",
                "开始",
                "截止",
                "已种（亩）",
                "完成率",
                "剩余天数",
                "每天需种（亩）",
                "今天应达（亩）",
                "状态",
            ],
            rows: crate::usecases::planning::target_views(db, caller)
                .await?
                .into_iter()
                .map(|t| {
                    vec![
                        text(t.place),
                        text(t.crops),
                        Cell::Number(t.area.as_f64()),
                        text(t.starts_on.to_string()),
                        text(t.deadline.to_string()),
                        Cell::Number(t.planted.as_f64()),
                        text(t.percent),
                        Cell::Int(t.days_left),
                        Cell::Number(t.per_day.as_f64()),
                        Cell::Number(t.required_today.as_f64()),
                        text(t.state_zh),
                    ]
                })
                .collect(),
        },
        Export::Market => {
            let page = crate::usecases::planning::market_page(db, cache, caller, None).await?;
            Table {
                name: "上市日历",
                headers: vec![
                    "乡镇",
                    "作物",
                    "周（周一）",
                    "预计（公斤）",
                    "偏早年（公斤）",
                    "偏晚年（公斤）",
                    "容量（公斤）",
                    "超量",
                    "春节周",
                ],
                rows: page
                    .into_iter()
                    .flat_map(|m| {
                        let township = m.township;
                        m.crops.into_iter().flat_map(move |c| {
                            let township = township.clone();
                            c.weeks.into_iter().map(move |w| {
                                vec![
                                    text(township.clone()),
                                    text(c.name_zh.clone()),
                                    text(w.week.to_string()),
                                    Cell::Int(w.p50_kg),
                                    Cell::Int(w.low_kg),
                                    Cell::Int(w.high_kg),
                                    w.capacity_kg.map_or_else(|| text(""), Cell::Int),
                                    text(if w.over_capacity { "是" } else { "" }),
                                    text(if w.festival { "是" } else { "" }),
                                ]
                            })
                        })
                    })
                    .collect(),
            }
        }
    })
}

/// A cooperative's day sheet (日结单) as a table: one row per worker, with an empty column to
/// sign, the same columns as the printed sheet. Money in yuan with two decimals (the sheet is
/// read by people); the JSON API keeps integer fen.
pub fn day_sheet_table(d: &crate::models::DaySheetData) -> Table {
    let yuan = |f: tianlian_domain::Fen| Cell::Text(f.to_string().replace('¥', ""));
    Table {
        name: "日结单",
        headers: vec![
            "日期",
            "序号",
            "姓名",
            "户号",
            "贫困户",
            "农事",
            "缺勤",
            "正常工时",
            "加班工时",
            "金额（元）",
            "已付（元）",
            "签名",
        ],
        rows: d
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                vec![
                    text(d.day.clone()),
                    Cell::Int(i64::try_from(i + 1).unwrap_or(0)),
                    text(l.name.clone()),
                    text(l.household_code.clone()),
                    text(if l.is_poor { "是" } else { "" }),
                    text(l.task_zh.clone()),
                    text(if l.absent { "是" } else { "" }),
                    text(l.regular_hours.clone()),
                    text(l.overtime_hours.clone()),
                    yuan(l.amount),
                    yuan(l.paid),
                    text(""),
                ]
            })
            .collect(),
    }
}

/// A text cell as a spreadsheet will read it safely: one that starts with `=`, `+`, `-`, `@`, a
/// tab or a carriage return would be taken for a formula (CSV injection, OWASP), so it gets a
/// leading `'`: the spreadsheet then reads the cell as text (the apostrophe may show). Numbers
/// are not text cells and stay as they are.
pub fn neutralise_formula(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// CSV with a UTF-8 byte-order mark (Excel otherwise reads Chinese as another code page).
/// Every text cell passes [`neutralise_formula`].
pub fn to_csv(table: &Table) -> Vec<u8> {
    let mut out = csv_head(&table.headers);
    out.extend(csv_rows(&table.rows));
    out
}

/// The start of a CSV file: the byte-order mark and the header line.
pub fn csv_head(headers: &[&str]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let _ = w.write_record(headers);
        let _ = w.flush();
    }
    out
}

/// CSV lines for `rows` (a streamed export writes one page at a time).
pub fn csv_rows(rows: &[Vec<Cell>]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        for row in rows {
            let _ = w.write_record(row.iter().map(|c| match c {
                Cell::Text(t) => neutralise_formula(t).into_owned(),
                Cell::Number(n) => format!("{n}"),
                Cell::Int(i) => i.to_string(),
            }));
        }
        let _ = w.flush();
    }
    out
}

/// An XLSX workbook with one sheet, bold headers and numbers as numbers.
///
/// # Errors
/// The writer failed (a bug; reported as internal).
pub fn to_xlsx(table: &Table) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    head(sheet, table.name, &table.headers)?;
    for (r, row) in table.rows.iter().enumerate() {
        write_row(sheet, r as u32 + 1, row)?;
    }
    book.save_to_buffer()
}

fn head(sheet: &mut Worksheet, name: &str, headers: &[&str]) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    let bold = Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
        sheet.set_column_width(c as u16, 14)?;
    }
    Ok(())
}

fn write_row(sheet: &mut Worksheet, r: u32, row: &[Cell]) -> Result<(), XlsxError> {
    for (c, cell) in row.iter().enumerate() {
        let c = c as u16;
        match cell {
            Cell::Text(t) => sheet.write_string(r, c, t)?,
            Cell::Number(n) => sheet.write_number(r, c, *n)?,
            Cell::Int(i) => sheet.write_number(r, c, *i as f64)?,
        };
    }
    Ok(())
}

/// A one-sheet XLSX workbook written a page of rows at a time in constant memory: each row goes
/// to a temporary file as it is written (rust_xlsxwriter's `constant_memory` mode), and
/// [`XlsxPages::finish`] writes the zip to any writer, so a county-wide export never holds its
/// rows in memory. Blocking I/O: run it off the async threads.
pub struct XlsxPages {
    book: Workbook,
    next_row: u32,
}

impl XlsxPages {
    /// A workbook with the sheet `name` and its bold header row.
    ///
    /// # Errors
    /// The temporary file could not be made.
    pub fn new(name: &str, headers: &[&str]) -> Result<Self, XlsxError> {
        let mut book = Workbook::new();
        head(book.add_worksheet_with_constant_memory()?, name, headers)?;
        Ok(XlsxPages { book, next_row: 1 })
    }

    /// Appends `rows` below the rows written so far.
    ///
    /// # Errors
    /// The temporary file failed, or the sheet is full (1,048,576 rows).
    pub fn write(&mut self, rows: &[Vec<Cell>]) -> Result<(), XlsxError> {
        let sheet = self.book.worksheet_from_index(0)?;
        for row in rows {
            write_row(sheet, self.next_row, row)?;
            self.next_row += 1;
        }
        Ok(())
    }

    /// Writes the finished workbook to `out`.
    ///
    /// # Errors
    /// The writer or the temporary file failed.
    pub fn finish(mut self, out: impl std::io::Write + Send) -> Result<(), XlsxError> {
        self.book.save_to_writer(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cells_that_a_spreadsheet_would_run_as_formulas_come_out_as_text() {
        let table = Table {
            name: "plots",
            headers: vec!["编号", "面积"],
            rows: vec![
                vec![text("=HYPERLINK(1)"), Cell::Number(-1.5)],
                vec![text("+1"), Cell::Int(-3)],
                vec![text("-2"), Cell::Int(0)],
                vec![text("@SUM(A1)"), Cell::Int(0)],
                vec![text("\tx"), Cell::Int(0)],
                vec![text("\rx"), Cell::Int(0)],
                vec![text("1-010 =ok"), Cell::Int(0)],
            ],
        };
        let csv = String::from_utf8(to_csv(&table)).expect("utf-8");
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[1], "'=HYPERLINK(1),-1.5", "numbers keep their sign");
        assert_eq!(lines[2], "'+1,-3");
        assert_eq!(lines[3], "'-2,0");
        assert_eq!(lines[4], "'@SUM(A1),0");
        assert!(lines[5].starts_with("\"'\tx\"") || lines[5].starts_with("'\tx"));
        assert!(csv.contains("'\rx"));
        assert_eq!(lines.last().copied(), Some("1-010 =ok,0"));
    }

    #[test]
    fn a_workbook_written_a_page_at_a_time_reads_back_every_row_in_order() {
        use calamine::{Data, Reader, Xlsx};
        let mut book = XlsxPages::new("地块", &["地块", "面积（亩）"]).expect("book");
        for page in 0..3 {
            let rows: Vec<Vec<Cell>> = (0..1_000)
                .map(|i| {
                    let n = page * 1_000 + i;
                    vec![text(format!("P-{n}")), Cell::Number(f64::from(n) / 100.0)]
                })
                .collect();
            book.write(&rows).expect("page");
        }
        let mut out = Vec::new();
        book.finish(&mut out).expect("zip");
        let mut read: Xlsx<_> = Xlsx::new(std::io::Cursor::new(out)).expect("a valid xlsx");
        let sheet = read.worksheet_range("地块").expect("sheet");
        assert_eq!(sheet.height(), 3_001, "the header and 3,000 rows");
        assert_eq!(sheet.get((0, 1)), Some(&Data::String("面积（亩）".into())));
        assert_eq!(sheet.get((1, 0)), Some(&Data::String("P-0".into())));
        assert_eq!(sheet.get((3_000, 0)), Some(&Data::String("P-2999".into())));
        assert_eq!(sheet.get((2_001, 1)), Some(&Data::Float(20.0)));
    }
}
