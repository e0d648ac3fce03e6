//! Exports of the seven lists (and the suggestions) to XLSX and CSV.
//!
//! Every list is first built as a [`Table`] (Chinese headers, statuses and
//! other closed values as Chinese labels, dates as dates), then written:
//!
//! - XLSX (`rust_xlsxwriter`): bold header row, frozen; an autofilter over the
//!   header; column widths from the content; dates as real Excel dates shown
//!   `yyyy-mm-dd`; long texts wrapped.
//! - CSV: UTF-8 with a BOM (so Excel and WPS open it as UTF-8), CRLF line
//!   ends, the same columns; dates as `YYYY-MM-DD`.
//!
//! The file is written to a temporary name beside the target, synced and
//! renamed, so a crash or a full disk never leaves half a file under the
//! target's name. The problem list re-imports without loss
//! ([`crate::problem::import`]).

mod lists;
mod problems;

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::db::Db;
use crate::error::{Error, Reason, Result};
use crate::vocabulary::vocabulary;

pub use problems::{PROBLEM_HEADERS, UNREGISTERED_TARGET};

vocabulary! {
    /// What can be exported. The slugs are the words of `qingdan export LIST`.
    ExportList {
        Problems => "problems", "问题清单", "problems", ["问题"];
        Rectification => "rectification", "整改清单", "rectification", ["整改"];
        Closeout => "closeout", "销号清单", "close-out", ["销号", "close-out", "close_out"];
        Responsibility => "responsibility", "责任清单", "responsibility", ["责任"];
        Learning => "learning", "学习清单", "learning", ["学习"];
        Content => "content", "内容清单", "content", ["内容", "catalog"];
        Evaluation => "evaluation", "评价清单", "evaluation", ["评价"];
        Suggestions => "suggestions", "意见建议", "suggestions", ["意见建议清单", "建议", "suggestion"];
    }
}

vocabulary! {
    /// The file format of an export.
    ExportFormat {
        Xlsx => "xlsx", "Excel 工作簿（.xlsx）", "Excel workbook (.xlsx)", ["excel"];
        Csv => "csv", "CSV（UTF-8）", "CSV (UTF-8)", [];
    }
}

/// One cell of an exported table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Date(NaiveDate),
    Number(f64),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    }

    /// A stored `YYYY-MM-DD` (or empty) as a date; anything else as text.
    pub fn date(s: Option<&str>) -> Cell {
        match s.map(str::trim).filter(|s| !s.is_empty()) {
            None => Cell::Empty,
            Some(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) => Cell::Date(d),
                Err(_) => Cell::Text(s.to_string()),
            },
        }
    }

    /// The cell as CSV (and people) read it.
    pub fn plain(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => format!("{n}"),
        }
    }
}

/// A list ready to be written: a sheet name, Chinese headers and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub sheet: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(sheet: &str, headers: &[&str]) -> Table {
        Table { sheet: sheet.to_string(), headers: headers.iter().map(|h| h.to_string()).collect(), rows: Vec::new() }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.headers.len(), "row width of {}", self.sheet);
        self.rows.push(row);
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ExportSummary {
    pub list: ExportList,
    pub format: ExportFormat,
    /// Data rows written (the header not counted).
    pub rows: u32,
    pub path: String,
}

/// Builds a list as a table.
pub fn table(db: &Db, list: ExportList) -> Result<Table> {
    match list {
        ExportList::Problems => problems::problems(db),
        ExportList::Rectification => problems::rectification(db),
        ExportList::Closeout => problems::closeout(db),
        ExportList::Content => lists::content(db),
        ExportList::Responsibility => lists::responsibility(db),
        ExportList::Learning => lists::learning(db),
        ExportList::Evaluation => lists::evaluation(db),
        ExportList::Suggestions => lists::suggestions(db),
    }
}

/// Exports a list to `out_path`, whole or not at all.
pub fn export(db: &Db, list: ExportList, format: ExportFormat, out_path: &Path) -> Result<ExportSummary> {
    if out_path.as_os_str().is_empty() {
        return Err(Error::invalid("--out", Reason::Required));
    }
    if out_path.is_dir() {
        return Err(Error::invalid(
            "--out",
            Reason::Other { zh: format!("{} 是一个文件夹，请给出文件名", out_path.display()), en: format!("{} is a folder; name a file", out_path.display()) },
        ));
    }
    let t = table(db, list)?;
    let bytes = match format {
        ExportFormat::Xlsx => xlsx_bytes(&t)?,
        ExportFormat::Csv => csv_bytes(&t)?,
    };
    let path: PathBuf = if out_path.is_absolute() || out_path.parent().is_some_and(|p| !p.as_os_str().is_empty()) {
        out_path.to_path_buf()
    } else {
        Path::new(".").join(out_path)
    };
    crate::evidence::write_durably(&path, &bytes)?;
    Ok(ExportSummary { list, format, rows: t.rows.len() as u32, path: out_path.display().to_string() })
}

/// Display width of a text in Excel character units: CJK and full-width count twice.
fn display_width(s: &str) -> f64 {
    s.lines()
        .map(|l| l.chars().map(|c| if c.is_ascii() { 1.0 } else if crate::text::is_cjk(c) || (c as u32) >= 0x3000 { 2.0 } else { 1.0 }).sum::<f64>())
        .fold(0.0, f64::max)
}

const MIN_WIDTH: f64 = 6.0;
const MAX_WIDTH: f64 = 60.0;

fn column_widths(t: &Table) -> Vec<f64> {
    (0..t.headers.len())
        .map(|c| {
            let header = display_width(&t.headers[c]) + 4.0; // room for the filter button
            let content = t
                .rows
                .iter()
                .map(|r| match &r[c] {
                    Cell::Date(_) => 11.0,
                    cell => display_width(&cell.plain()) + 1.0,
                })
                .fold(0.0, f64::max);
            header.max(content).clamp(MIN_WIDTH, MAX_WIDTH)
        })
        .collect()
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::Internal(format!("writing the workbook: {e}"))
}

/// The table as an XLSX workbook of one sheet.
pub fn xlsx_bytes(t: &Table) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(&t.sheet).map_err(xlsx_error)?;
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color("#D9E1F2")
        .set_border(FormatBorder::Thin);
    let date = Format::new().set_num_format("yyyy-mm-dd").set_align(FormatAlign::Top);
    let plain = Format::new().set_align(FormatAlign::Top);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let widths = column_widths(t);
    for (c, h) in t.headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &header).map_err(xlsx_error)?;
        ws.set_column_width(c as u16, widths[c]).map_err(xlsx_error)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c16 = c as u16;
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    let f = if widths[c] >= MAX_WIDTH || s.contains('\n') { &wrap } else { &plain };
                    ws.write_string_with_format(r, c16, s, f).map_err(xlsx_error)?;
                }
                Cell::Date(d) => {
                    let dt = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).map_err(xlsx_error)?;
                    ws.write_datetime_with_format(r, c16, &dt, &date).map_err(xlsx_error)?;
                }
                Cell::Number(n) => {
                    ws.write_number_with_format(r, c16, *n, &plain).map_err(xlsx_error)?;
                }
            }
        }
    }
    let last_col = t.headers.len().saturating_sub(1) as u16;
    ws.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    ws.autofilter(0, 0, t.rows.len() as u32, last_col).map_err(xlsx_error)?;
    wb.save_to_buffer().map_err(xlsx_error)
}

/// A text that a spreadsheet program would run as a formula (`=`, `+`, `-`,
/// `@`, or a tab or carriage return first) gets a leading `'`, which it shows
/// as text; our own CSV reader takes the `'` off again.
pub fn csv_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// The table as CSV: UTF-8 with a BOM, CRLF line ends, formulas defused.
pub fn csv_bytes(t: &Table) -> Result<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut out);
        let fail = |e: csv::Error| Error::Internal(format!("writing CSV: {e}"));
        w.write_record(&t.headers).map_err(fail)?;
        for row in &t.rows {
            w.write_record(row.iter().map(|c| match c {
                Cell::Text(s) => csv_safe(s).into_owned(),
                other => other.plain(),
            }))
            .map_err(fail)?;
        }
        w.flush().map_err(|e| Error::Internal(format!("writing CSV: {e}")))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_count_chinese_twice_and_stay_within_bounds() {
        let mut t = Table::new("表", &["编号", "问题描述"]);
        t.push(vec![Cell::text("WT1"), Cell::text("灭".repeat(100))]);
        let w = column_widths(&t);
        assert_eq!(w[0], 8.0, "header 编号 = 4 + filter room 4");
        assert_eq!(w[1], MAX_WIDTH);
    }

    #[test]
    fn csv_text_that_looks_like_a_formula_is_kept_as_text_and_reads_back() {
        let mut t = Table::new("表", &["问题描述", "分数"]);
        for s in ["=HYPERLINK(\"http://x\")", "+1", "-整改中", "@SUM(A1)", "正常文字"] {
            t.push(vec![Cell::text(s), Cell::Number(-3.0)]);
        }
        let bytes = csv_bytes(&t).unwrap();
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(text.contains("'=HYPERLINK") && text.contains("'+1") && text.contains("'-整改中") && text.contains("'@SUM"));
        assert!(text.contains("正常文字,-3"), "numbers and plain text stay as they are: {text}");
        let sheet = crate::spreadsheet::csv_rows(&bytes).unwrap();
        assert_eq!(sheet[1][0], "=HYPERLINK(\"http://x\")");
        assert_eq!(sheet[3][0], "-整改中");
        assert_eq!(sheet[5][0], "正常文字");
    }

    #[test]
    fn csv_has_bom_crlf_and_plain_dates() {
        let mut t = Table::new("表", &["编号", "日期", "分数"]);
        t.push(vec![Cell::text("A,1"), Cell::Date(NaiveDate::from_ymd_opt(2024, 5, 20).unwrap()), Cell::Number(85.5)]);
        let bytes = csv_bytes(&t).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(text, "编号,日期,分数\r\n\"A,1\",2024-05-20,85.5\r\n");
    }
}
