//! Reading the spreadsheets that government offices actually send: XLSX, XLS
//! and ODS through calamine, CSV in UTF-8 (with or without BOM) or GB18030.
//!
//! What it tolerates: title rows above the header, header names that vary
//! (each field has synonyms), merged cells (their value is copied into every
//! cell they cover), blank rows, note and total rows, header rows repeated on
//! each printed page, full-width digits and brackets. Rows and columns keep
//! the numbers a spreadsheet program shows, so every problem can be found.
//!
//! It does not interpret values: each importer (catalog, registry,
//! departments) decides what a field means and reports its own problems.

use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader, Sheets};

use crate::error::{Error, Problem, Reason, Result};
use crate::text::{clean, fold};

/// A file larger than this is refused before it is parsed.
pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;
pub const MAX_ROWS: usize = 100_000;
pub const MAX_COLUMNS: usize = 200;

#[derive(Debug, Clone)]
pub struct Workbook {
    /// The file name as shown in problems.
    pub file: String,
    pub sheets: Vec<Sheet>,
}

#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    /// `rows[0]` is spreadsheet row 1; `rows[r][0]` is column A.
    pub rows: Vec<Vec<String>>,
}

/// One field an importer looks for, with the header names that mean it.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub key: &'static str,
    /// The field's Chinese name, used in problems.
    pub zh: &'static str,
    pub synonyms: &'static [&'static str],
    pub required: bool,
}

#[derive(Debug, Clone)]
pub struct Header {
    /// 0-based index of the header row.
    pub row: usize,
    /// (field key, 0-based column).
    pub columns: Vec<(&'static str, usize)>,
    /// The header's folded texts, to recognise repeated header rows.
    signature: Vec<String>,
}

impl Header {
    pub fn column(&self, key: &str) -> Option<usize> {
        self.columns.iter().find(|(k, _)| *k == key).map(|(_, c)| *c)
    }
}

/// What a row below the header is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowKind {
    Blank,
    /// A note or signature line, or the header repeated on a new page.
    Note,
    /// A subtotal or total line (小计, 合计, 总计), wherever its label stands:
    /// in a city compilation the county cell is merged down over its 小计 row.
    Total,
    /// Every filled cell holds the same text (usually one merged cell across the
    /// row): a group heading such as “一、机构养老服务”, or a stray title.
    Single(String),
    Data,
}

/// Opens a workbook by its extension. Every failure is an input problem that
/// names the file; nothing here can make the process run out of memory or
/// wait forever, whatever the file holds.
pub fn read(path: &Path) -> Result<Workbook> {
    let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    let fail = |reason: Reason| Error::Input(vec![Problem::new(reason).file(file.clone())]);
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let sheets = match ext.as_str() {
        "csv" | "txt" => {
            let bytes = read_bounded(path, MAX_FILE_BYTES).map_err(&fail)?;
            let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            vec![csv_sheet(&bytes, name).map_err(&fail)?]
        }
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => {
            check_file(path, MAX_FILE_BYTES).map_err(&fail)?;
            if ext != "xls" {
                check_zip_parts(path).map_err(&fail)?;
            }
            if ext == "ods" {
                check_ods_extent(path).map_err(|(sheet, reason)| Error::Input(vec![Problem::new(reason).file(file.clone()).sheet(sheet)]))?;
            }
            read_calamine(path).map_err(|(sheet, reason)| {
                let mut p = Problem::new(reason).file(file.clone());
                if let Some(sheet) = sheet {
                    p = p.sheet(sheet);
                }
                Error::Input(vec![p])
            })?
        }
        other => return Err(fail(Reason::UnsupportedFileType(if other.is_empty() { "（无扩展名）".into() } else { format!(".{other}") }))),
    };
    let sheets: Vec<Sheet> = sheets.into_iter().filter(|s| !s.rows.iter().all(|r| r.iter().all(String::is_empty))).collect();
    if sheets.is_empty() {
        return Err(fail(Reason::EmptyWorkbook));
    }
    Ok(Workbook { file, sheets })
}

/// Looks at a path before anything opens it: a folder, a device such as
/// /dev/zero or a pipe (which would block the open) is refused, and so is a
/// file larger than `max` bytes. Symbolic links are followed.
pub fn check_file(path: &Path, max: u64) -> std::result::Result<u64, Reason> {
    let meta = std::fs::metadata(path).map_err(|e| Reason::FileUnreadable(e.to_string()))?;
    if let Some(kind) = crate::error::NotRegular::of(&meta) {
        return Err(Reason::NotAFile(kind));
    }
    if meta.len() > max {
        return Err(Reason::FileUnreadable(format!(
            "文件大小 {} MB 超过上限 {} MB / larger than {} MB",
            meta.len() / 1024 / 1024,
            max / 1024 / 1024,
            max / 1024 / 1024
        )));
    }
    Ok(meta.len())
}

/// Reads a whole file after [`check_file`], and never more than `max` bytes
/// even when the file grows while it is read.
pub fn read_bounded(path: &Path, max: u64) -> std::result::Result<Vec<u8>, Reason> {
    use std::io::Read;
    check_file(path, max)?;
    let file = std::fs::File::open(path).map_err(|e| Reason::FileUnreadable(e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes).map_err(|e| Reason::FileUnreadable(e.to_string()))?;
    if bytes.len() as u64 > max {
        return Err(Reason::FileUnreadable(format!("文件大小超过上限 {} MB / larger than {} MB", max / 1024 / 1024, max / 1024 / 1024)));
    }
    Ok(bytes)
}

/// The most one part of a zipped workbook (a sheet's XML, the shared strings)
/// may inflate to. A sheet of 100,000 rows and 20 columns is about 70 MB.
pub const MAX_PART_BYTES: u64 = 128 * 1024 * 1024;
/// The most all parts together may inflate to.
pub const MAX_UNZIPPED_BYTES: u64 = 384 * 1024 * 1024;

/// XLSX and ODS are zip archives, and calamine inflates their parts as it
/// reads them: a 1 MB file can hold a 1 GiB sheet. The sizes the archive
/// declares are checked first (an honest zip bomb is refused at once), then
/// every part is inflated into nothing while it is counted, because a
/// declared size can lie.
fn check_zip_parts(path: &Path) -> std::result::Result<(), Reason> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| Reason::FileUnreadable(e.to_string()))?;
    // Not a zip at all: calamine says what it is (an .xls renamed, a damaged file).
    let Ok(mut zip) = zip::ZipArchive::new(std::io::BufReader::new(file)) else { return Ok(()) };
    let too_much = |part: &str, limit: u64| Reason::InflatesTooMuch { part: part.to_string(), limit_mb: limit / 1024 / 1024 };
    let mut declared = 0u64;
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index_raw(i) else { return Ok(()) };
        if entry.size() > MAX_PART_BYTES {
            return Err(too_much(&entry_name(&entry), MAX_PART_BYTES));
        }
        declared = declared.saturating_add(entry.size());
        if declared > MAX_UNZIPPED_BYTES {
            return Err(too_much(&entry_name(&entry), MAX_UNZIPPED_BYTES));
        }
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index(i) else { return Ok(()) };
        let name = entry_name(&entry);
        let inflated = std::io::copy(&mut entry.take(MAX_PART_BYTES + 1), &mut std::io::sink()).unwrap_or(0);
        if inflated > MAX_PART_BYTES {
            return Err(too_much(&name, MAX_PART_BYTES));
        }
        total += inflated;
        if total > MAX_UNZIPPED_BYTES {
            return Err(too_much(&name, MAX_UNZIPPED_BYTES));
        }
    }
    Ok(())
}

/// A part's name as shown in a refusal, readable even when it is not UTF-8.
fn entry_name<R: std::io::Read>(entry: &zip::read::ZipFile<'_, R>) -> String {
    entry.name().map(|n| n.into_owned()).unwrap_or_else(|_| String::from_utf8_lossy(entry.name_raw()).into_owned())
}

/// An ODS sheet states its empty stretches as repeat counts, and calamine
/// builds a dense range from them: a 2 KB file with one cell far out asks for
/// 100 million cells (6 GB). So the sheet's extent up to its last filled cell
/// is worked out from the XML first, as for an `.xlsx`, and refused past the
/// limits by that cell's address. A file this cannot read is left to
/// calamine, which says what is wrong with it.
fn check_ods_extent(path: &Path) -> std::result::Result<(), (String, Reason)> {
    use quick_xml::events::{BytesStart, Event};
    let Ok(file) = std::fs::File::open(path) else { return Ok(()) };
    let Ok(mut zip) = zip::ZipArchive::new(std::io::BufReader::new(file)) else { return Ok(()) };
    let Ok(content) = zip.by_name("content.xml") else { return Ok(()) };
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(content));
    let repeat = |e: &BytesStart, name: &str| -> u64 {
        e.try_get_attribute(name).ok().flatten().and_then(|a| a.value.trim().parse().ok()).unwrap_or(1).max(1)
    };
    let (mut sheet, mut row, mut row_repeat, mut col) = (String::new(), 0u64, 1u64, 0u64);
    // The open cell: its first column, how often it repeats, whether it holds anything.
    let mut cell: Option<(u64, u64, bool)> = None;
    let mut extent = Extent::default();
    let mut buf = Vec::new();
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(_) => return Ok(()),
        };
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "table" => {
                sheet = e.try_get_attribute("table:name").ok().flatten().and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned())).unwrap_or_default();
                (row, extent) = (0, Extent::default());
            }
            Event::Start(e) if e.local_name().as_ref() == "table-row" => {
                (row_repeat, col) = (repeat(&e, "table:number-rows-repeated"), 0);
            }
            Event::Empty(e) if e.local_name().as_ref() == "table-row" => {
                row = row.saturating_add(repeat(&e, "table:number-rows-repeated"));
            }
            Event::End(e) if e.local_name().as_ref() == "table-row" => {
                row = row.saturating_add(row_repeat);
            }
            Event::Start(e) | Event::Empty(e) if matches!(e.local_name().as_ref(), "table-cell" | "covered-table-cell") => {
                let times = repeat(&e, "table:number-columns-repeated");
                let filled = e.try_get_attribute("office:value-type").ok().flatten().is_some();
                if empty {
                    if filled {
                        // The last row and column its repeats reach.
                        extent.take_in(row.saturating_add(row_repeat - 1), col.saturating_add(times - 1)).map_err(|r| (sheet.clone(), r))?;
                    }
                    col = col.saturating_add(times);
                } else {
                    cell = Some((col, times, filled));
                }
            }
            Event::Text(t) if cell.is_some() && !t.trim_ascii().is_empty() => {
                if let Some(c) = &mut cell {
                    c.2 = true;
                }
            }
            Event::End(e) if matches!(e.local_name().as_ref(), "table-cell" | "covered-table-cell") => {
                if let Some((first, times, filled)) = cell.take() {
                    if filled {
                        extent.take_in(row.saturating_add(row_repeat - 1), first.saturating_add(times - 1)).map_err(|r| (sheet.clone(), r))?;
                    }
                    col = first.saturating_add(times);
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

/// Decodes UTF-8 (BOM or not) or, failing that, GB18030 — what Excel and WPS
/// write for “CSV” on a Chinese Windows.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// Takes off the `'` that our CSV export puts before text that would
/// otherwise run as a formula (see `export::csv_safe`).
fn unquote_formula(c: &str) -> &str {
    match c.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => c,
    }
}

/// The rows of a CSV file's bytes, as the importers see them.
pub fn csv_rows(bytes: &[u8]) -> std::result::Result<Vec<Vec<String>>, Reason> {
    Ok(csv_sheet(bytes, String::new())?.rows)
}

fn csv_sheet(bytes: &[u8], name: String) -> std::result::Result<Sheet, Reason> {
    let text = decode_text(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Reason::FileUnreadable(format!("CSV: {e}")))?;
        if record.len() > MAX_COLUMNS {
            return Err(Reason::OutOfRange { value: format!("{} 列", record.len()), range: format!("≤ {MAX_COLUMNS}") });
        }
        let row: Vec<String> = record.iter().map(|c| clean(unquote_formula(c))).collect();
        // Past the limit only blank lines may follow: a table is never cut
        // short without a word.
        if rows.len() >= MAX_ROWS {
            let Some(c) = row.iter().position(|c| !c.is_empty()) else { continue };
            let cell = format!("{}{}", crate::error::column_letter(c), rows.len() + 1);
            return Err(Reason::SheetTooLarge { rows: rows.len() + 1, columns: row.len(), cell });
        }
        rows.push(row);
    }
    Ok(Sheet { name, rows })
}

/// The most cells a sheet's grid may hold (rows × columns up to the last
/// filled cell): 100,000 rows of 50 columns, about 120 MB of empty cells.
pub const MAX_CELLS: usize = 5_000_000;

type SheetError = (Option<String>, Reason);

fn read_calamine(path: &Path) -> std::result::Result<Vec<Sheet>, SheetError> {
    let mut book = open_workbook_auto(path).map_err(|e| (None, Reason::FileUnreadable(e.to_string())))?;
    let names = book.sheet_names().to_vec();
    let mut sheets = Vec::new();
    for name in names {
        let at = |reason: Reason| (Some(name.clone()), reason);
        // XLSX and XLSB are read cell by cell, so a stray cell at XFD1048576
        // is refused before any grid is built; calamine's range for XLS and
        // ODS is dense (XLS holds at most 65,536 × 256 cells).
        let cells = match &mut book {
            Sheets::Xlsx(x) => match x.worksheet_cells_reader(&name) {
                Ok(mut reader) => {
                    sparse_cells(|| reader.next_cell().map(|c| c.map(|c| (c.get_position(), Data::from(c.get_value().clone())))).map_err(|e| e.to_string()))
                }
                // Chart sheets and the like hold no cells.
                Err(_) => continue,
            },
            Sheets::Xlsb(x) => match x.worksheet_cells_reader(&name) {
                Ok(mut reader) => {
                    sparse_cells(|| reader.next_cell().map(|c| c.map(|c| (c.get_position(), Data::from(c.get_value().clone())))).map_err(|e| e.to_string()))
                }
                Err(_) => continue,
            },
            _ => match book.worksheet_range(&name) {
                Ok(range) => {
                    let Some((row0, col0)) = range.start() else { continue };
                    let mut cells = range.used_cells().map(|(r, c, v)| ((row0 + r as u32, col0 + c as u32), v.clone()));
                    sparse_cells(|| Ok(cells.next()))
                }
                Err(_) => continue,
            },
        }
        .map_err(|e| match e {
            CellsError::Read(e) => at(Reason::FileUnreadable(e)),
            CellsError::TooLarge(reason) => at(reason),
        })?;
        let merged = match &mut book {
            Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
            Sheets::Xls(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
            _ => Vec::new(),
        };
        let mut rows = grid(cells);
        fill_merged(&mut rows, merged.iter().map(|m| ((m.start.0 as usize, m.start.1 as usize), (m.end.0 as usize, m.end.1 as usize))))
            .map_err(at)?;
        sheets.push(Sheet { name, rows });
    }
    Ok(sheets)
}

/// The filled cells of a sheet: ((row, column), text), 0-based.
type FilledCells = Vec<((usize, usize), String)>;

enum CellsError {
    Read(String),
    TooLarge(Reason),
}

/// Collects the filled cells a reader gives, refusing the first one that lies
/// beyond [`MAX_ROWS`] or [`MAX_COLUMNS`], or that would make the grid hold
/// more than [`MAX_CELLS`].
fn sparse_cells(
    mut next: impl FnMut() -> std::result::Result<Option<((u32, u32), Data)>, String>,
) -> std::result::Result<FilledCells, CellsError> {
    let mut cells = Vec::new();
    let mut extent = Extent::default();
    while let Some(((r, c), value)) = next().map_err(CellsError::Read)? {
        let text = cell_text(&value);
        if text.is_empty() {
            continue;
        }
        extent.take_in(r.into(), c.into()).map_err(CellsError::TooLarge)?;
        cells.push(((r as usize, c as usize), text));
    }
    Ok(cells)
}

/// How far a sheet's filled cells reach, as they are read one by one: the
/// one place the row, column and cell limits of a sheet are applied.
#[derive(Default)]
struct Extent {
    rows: u64,
    columns: u64,
}

impl Extent {
    /// Takes in a filled cell (0-based), refusing it by its address when the
    /// grid up to it would pass the limits.
    fn take_in(&mut self, row: u64, col: u64) -> std::result::Result<(), Reason> {
        self.rows = self.rows.max(row.saturating_add(1));
        self.columns = self.columns.max(col.saturating_add(1));
        if self.rows > MAX_ROWS as u64 || self.columns > MAX_COLUMNS as u64 || self.rows.saturating_mul(self.columns) > MAX_CELLS as u64 {
            let cell = format!("{}{}", crate::error::column_letter(col.min(u32::MAX as u64) as usize), row.saturating_add(1));
            return Err(Reason::SheetTooLarge { rows: self.rows as usize, columns: self.columns as usize, cell });
        }
        Ok(())
    }
}

/// The grid up to the last filled row and column: `rows[0]` is row 1.
fn grid(cells: FilledCells) -> Vec<Vec<String>> {
    let height = cells.iter().map(|((r, _), _)| r + 1).max().unwrap_or(0);
    let width = cells.iter().map(|((_, c), _)| c + 1).max().unwrap_or(0);
    let mut rows = vec![vec![String::new(); width]; height];
    for ((r, c), text) in cells {
        rows[r][c] = text;
    }
    rows
}

/// Copies each merged area's value into the empty cells it covers. Areas are
/// clipped to the grid; together they may cover at most the grid once over
/// (real merged areas never overlap), so many repeated areas cannot make
/// this loop run for hours.
fn fill_merged(rows: &mut [Vec<String>], merged: impl Iterator<Item = ((usize, usize), (usize, usize))>) -> std::result::Result<(), Reason> {
    let height = rows.len();
    let width = rows.first().map_or(0, Vec::len);
    let areas: Vec<_> = merged
        .filter(|((r0, c0), _)| *r0 < height && *c0 < width)
        .map(|((r0, c0), (r1, c1))| ((r0, c0), (r1.min(height - 1).max(r0), c1.min(width - 1).max(c0))))
        .collect();
    let covered: u64 = areas.iter().map(|((r0, c0), (r1, c1))| ((r1 - r0 + 1) * (c1 - c0 + 1)) as u64).sum();
    if covered > (height * width) as u64 {
        return Err(Reason::MergedAreasTooLarge { cells: covered });
    }
    for ((r0, c0), (r1, c1)) in areas {
        let value = rows[r0][c0].clone();
        if value.is_empty() {
            continue;
        }
        for row in &mut rows[r0..=r1] {
            for cell in &mut row[c0..=c1] {
                if cell.is_empty() {
                    cell.clone_from(&value);
                }
            }
        }
    }
    Ok(())
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => clean(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "是".into() } else { "否".into() },
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().format("%Y-%m-%d").to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M").to_string(),
            None => dt.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A header text reduced to what identifies it: no white space, half-width,
/// no leading “*” (required-field mark) and no trailing colon.
fn header_key(s: &str) -> String {
    fold(s).trim_start_matches(['*', '★']).trim_end_matches(':').to_string()
}

fn matches_field(cell: &str, field: &Field) -> bool {
    let key = header_key(cell);
    if key.is_empty() {
        return false;
    }
    // “床位（张）” means 床位 in 张: drop a trailing unit in brackets.
    let base = key.find('(').map(|i| &key[..i]).unwrap_or(&key);
    std::iter::once(field.zh).chain(field.synonyms.iter().copied()).any(|syn| {
        let s = header_key(syn);
        s == key || (!base.is_empty() && s == base)
    })
}

impl Sheet {
    /// Finds the header row among the first 30 rows: the row that names the
    /// most fields, with every required one present. `None` when no row names
    /// at least two fields, or none names all required fields.
    ///
    /// A header may take two rows: 床位情况 over 床位数（张） and 入住老人（人）.
    /// In an .xlsx the merged cells fill the lower row; saved as CSV, a merged
    /// cell keeps its text only in its first cell, so 机构名称 stands in the
    /// upper row and 床位数（张） in the lower. Each pair of rows is therefore
    /// also read as one header, the lower cell where it has text, else the
    /// upper, and taken when it names more columns than either row alone.
    pub fn find_header(&self, fields: &[Field]) -> Option<Header> {
        let mut best: Option<Header> = None;
        let mut consider = |r: usize, row: Vec<String>| {
            let mut columns: Vec<(&'static str, usize)> = Vec::new();
            for (c, cell) in row.iter().enumerate() {
                if let Some(f) = fields.iter().find(|f| matches_field(cell, f)) {
                    if !columns.iter().any(|(k, _)| *k == f.key) {
                        columns.push((f.key, c));
                    }
                }
            }
            let has_required = fields.iter().filter(|f| f.required).all(|f| columns.iter().any(|(k, _)| *k == f.key));
            if columns.len() >= 2 && has_required && best.as_ref().is_none_or(|b| columns.len() > b.columns.len()) {
                let signature = row.iter().map(|c| header_key(c)).collect();
                best = Some(Header { row: r, columns, signature });
            }
        };
        for (r, row) in self.rows.iter().enumerate().take(30) {
            consider(r, row.clone());
            if let Some(lower) = self.rows.get(r + 1) {
                let width = row.len().max(lower.len());
                let joined = (0..width)
                    .map(|c| match lower.get(c).filter(|t| !t.is_empty()) {
                        Some(t) => t.clone(),
                        None => row.get(c).cloned().unwrap_or_default(),
                    })
                    .collect();
                consider(r + 1, joined);
            }
        }
        best
    }

    /// The header row that came closest, for telling the user which columns are missing.
    pub fn missing_required(&self, fields: &[Field]) -> Vec<&'static str> {
        let best_row = self
            .rows
            .iter()
            .take(30)
            .max_by_key(|row| fields.iter().filter(|f| row.iter().any(|c| matches_field(c, f))).count());
        fields
            .iter()
            .filter(|f| f.required)
            .filter(|f| !best_row.is_some_and(|row| row.iter().any(|c| matches_field(c, f))))
            .map(|f| f.zh)
            .collect()
    }

    pub fn classify(&self, header: &Header, row: usize) -> RowKind {
        let cells = &self.rows[row];
        let filled: Vec<&String> = cells.iter().filter(|c| !c.is_empty()).collect();
        if filled.is_empty() {
            return RowKind::Blank;
        }
        let signature: Vec<String> = cells.iter().map(|c| header_key(c)).collect();
        if signature == header.signature {
            return RowKind::Note;
        }
        let first = fold(filled[0]);
        if filled.iter().any(|c| is_total_label(c)) || ["小计", "合计", "总计"].iter().any(|w| first.starts_with(w)) {
            return RowKind::Total;
        }
        const NOTE_PREFIXES: &[&str] = &[
            "注:", "注1", "注2", "注(", "注、", "备注", "说明", "填表说明", "填报说明", "制表", "审核", "填表人", "填报人",
            "填报单位", "单位负责人", "数据来源", "联系电话",
        ];
        if NOTE_PREFIXES.iter().any(|p| first.starts_with(&fold(p))) || first == "注" {
            return RowKind::Note;
        }
        if filled.iter().all(|c| *c == filled[0]) && (filled.len() > 1 || header.columns.len() > 1) {
            return RowKind::Single(filled[0].clone());
        }
        RowKind::Data
    }

    /// The text of a field in a row, empty when the column is absent.
    pub fn get<'a>(&'a self, header: &Header, row: usize, key: &str) -> &'a str {
        header.column(key).and_then(|c| self.rows[row].get(c)).map(String::as_str).unwrap_or("")
    }

    /// A problem located at a field of a row.
    pub fn problem(&self, file: &str, header: &Header, row: usize, field: &Field, reason: Reason) -> Problem {
        let mut p = Problem::new(reason).file(file).sheet(self.name.clone()).row(row as u32 + 1).field(field.zh);
        if let Some(c) = header.column(field.key) {
            p = p.column(c);
        }
        p
    }
}

/// 小计, 合计, 总计 or 共计, alone or after what it sums (“宜阳县小计”, “全市合计：”).
/// Short labels only: a facility or a requirement is never named like that.
fn is_total_label(cell: &str) -> bool {
    const TOTALS: [&str; 4] = ["小计", "合计", "总计", "共计"];
    let t = fold(cell);
    let t = t.trim_end_matches(':');
    t.chars().count() <= 12 && TOTALS.iter().any(|w| t.starts_with(w) || t.ends_with(w))
}

/// Splits a cell that lists several values: “查阅资料、现场查看”, “民政局；财政局”.
/// A separator inside brackets belongs to the value: “县（市、区）政府” is one.
pub fn split_list(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    for ch in s.chars() {
        match ch {
            '（' | '(' | '〔' | '【' | '《' => depth += 1,
            '）' | ')' | '〕' | '】' | '》' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && matches!(ch, '、' | ',' | '，' | ';' | '；' | '/' | '|' | '\n') {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(ch);
        }
    }
    parts.push(current);
    parts.into_iter().map(|p| clean(&p)).filter(|p| !p.is_empty()).collect()
}

/// Whether a cell says “yes”: 是, √, Y, 1, true.
pub fn parse_flag(s: &str) -> Option<bool> {
    match fold(s).as_str() {
        "" | "否" | "×" | "x" | "n" | "no" | "false" | "0" | "不是" | "无" | "-" => Some(false),
        "是" | "√" | "✓" | "✔" | "y" | "yes" | "true" | "1" | "有" => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
