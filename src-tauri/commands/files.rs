//! Exports and printed reports from the window. Each is written whole (the
//! core writes a temporary file and renames it) into the folder of saved
//! files, and its path is handed back for the window to show. That folder is
//! the user's 文档/养老服务监督清单 (or `QINGDAN_EXPORT_DIR`), and names carry
//! the list and the time, so nothing is ever overwritten.
//!
//! From there a person opens a file in the system's viewer (the preview) or
//! saves a copy where they choose with the system's save dialog. The dialog is
//! opened here, in the shell, not by the window: the window never names a path
//! to write to, only a file of the folder to copy.

use std::path::PathBuf;

use chrono::{Duration, Utc};
use qingdan_core::export::{self, ExportFormat, ExportList};
use qingdan_core::problem::ProblemFilter;
use qingdan_core::report::{self, batch, PrintList};
use qingdan_core::Error;
use serde::Serialize;
use tauri::{Emitter, State};

use super::input::{Input, MAX_COUNTY, MAX_NAME};
use crate::dialogs::{self, FileDialog};
use crate::error::IpcError;
use crate::state::AppState;

/// A file written for the user.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SavedFile {
    pub path: String,
    /// Pages of a PDF.
    pub pages: Option<u32>,
    /// Data rows of a spreadsheet.
    pub rows: Option<u32>,
}

/// Where saved files go: `QINGDAN_EXPORT_DIR`, else 文档/养老服务监督清单, else
/// an `exports` folder beside the database.
pub fn output_dir(state: &AppState) -> Result<PathBuf, IpcError> {
    let dir = match std::env::var_os("QINGDAN_EXPORT_DIR").filter(|v| !v.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => match dirs::document_dir() {
            Some(docs) => docs.join("养老服务监督清单"),
            None => state.db_path().parent().map(|p| p.join("exports")).unwrap_or_else(|| PathBuf::from("exports")),
        },
    };
    std::fs::create_dir_all(&dir).map_err(|e| state.error(Error::io(&dir, e)))?;
    Ok(dir)
}

/// `20241120-153000`, the time in Beijing.
fn stamp() -> String {
    (Utc::now() + Duration::hours(8)).format("%Y%m%d-%H%M%S").to_string()
}

/// `问题清单-20241120-153000.xlsx`, in Beijing time.
fn stamped(dir: &std::path::Path, name: &str, ext: &str) -> PathBuf {
    dir.join(format!("{name}-{}.{ext}", stamp()))
}

/// What a batch print wrote: one PDF per inspection in `folder`.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BatchSaved {
    pub folder: String,
    pub files: u32,
    pub pages: u32,
}

/// The payload of the `report-progress` event, sent after each file of a batch print.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReportProgress {
    pub done: u32,
    pub total: u32,
    /// The file just written (its name in the folder).
    pub file: String,
}

/// The event a batch print sends to the window after each file.
pub const REPORT_PROGRESS: &str = "report-progress";

#[tauri::command]
pub async fn export_list(state: State<'_, AppState>, list: ExportList, format: ExportFormat) -> Result<SavedFile, IpcError> {
    save_list(&state, list, format)
}

/// The kinds of file the app writes and lets a person open.
const OPENABLE: &[&str] = &["pdf", "xlsx", "csv"];

/// The kinds of file a person may save a copy of, with the name the save
/// dialog gives their filter.
const SAVABLE: &[(&str, &str, &str)] = &[
    ("pdf", "PDF 文件", "PDF files"),
    ("xlsx", "Excel 工作簿", "Excel workbooks"),
    ("csv", "CSV 文件", "CSV files"),
    ("qingdan", "同步文件", "Sync files"),
];

/// Opens a file the app saved, in the system's viewer (a PDF reader, a
/// spreadsheet program): the preview of a report. Only a file inside the
/// exports folder, of a kind the app writes, reached without leaving it.
#[tauri::command]
pub async fn open_saved_file(state: State<'_, AppState>, path: String) -> Result<(), IpcError> {
    let file = openable(&state, &path)?;
    open::that_detached(&file).map_err(|e| state.error(Error::io(&file, e)))
}

/// The file `path` names, if the app may open it: see [`open_saved_file`].
pub fn openable(state: &AppState, path: &str) -> Result<PathBuf, IpcError> {
    in_export_folder(state, path, OPENABLE)
}

/// `path`, resolved, if it is a file of one of the `kinds` inside the export
/// folder, reached without leaving it.
fn in_export_folder(state: &AppState, path: &str, kinds: &[&str]) -> Result<PathBuf, IpcError> {
    let refuse = |zh: &str, en: &str| state.error(Error::refuse("path", zh, en));
    if path.is_empty() || path.chars().count() > 4096 || path.chars().any(char::is_control) {
        return Err(refuse("文件路径无效", "the file path is not valid"));
    }
    let dir = output_dir(state)?.canonicalize().map_err(|e| state.error(Error::io(path, e)))?;
    let file = PathBuf::from(path).canonicalize().map_err(|e| state.error(Error::io(path, e)))?;
    let kind_ok = file.extension().and_then(|e| e.to_str()).is_some_and(|e| kinds.contains(&e.to_ascii_lowercase().as_str()));
    if !file.starts_with(&dir) || !file.is_file() || !kind_ok {
        return Err(refuse(
            "只能打开或另存本程序保存在导出文件夹中的报告、清单和同步文件",
            "only reports, lists and sync files this app saved in its export folder can be opened or saved elsewhere",
        ));
    }
    Ok(file)
}

/// 另存为: asks where with the system's save dialog and copies the saved file
/// `path` (a report, list or sync file of the export folder) there. `None`
/// when the person cancels the dialog.
#[tauri::command]
pub async fn save_file_as(window: tauri::Window, state: State<'_, AppState>, path: String) -> Result<Option<String>, IpcError> {
    let source = savable(&state, &path)?;
    let ext = source.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    let (_, zh, en) = SAVABLE.iter().find(|k| k.0 == ext).copied().unwrap_or(SAVABLE[0]);
    let zh_ui = state.lang() == qingdan_core::Lang::Zh;
    let folder = state.last_folder().filter(|d| d.is_dir()).or_else(dirs::document_dir).or_else(dirs::home_dir);
    let ask = FileDialog {
        title: if zh_ui { "另存为" } else { "Save a copy as" },
        folder,
        label: if zh_ui { zh } else { en },
        extension: &ext,
        file_name: source.file_name().map(|n| n.to_string_lossy().into_owned()),
        buttons: if zh_ui { ("取消", "保存") } else { ("Cancel", "Save") },
    };
    // Blocks this command's thread, not the window: the dialog runs on the main loop.
    let Some(chosen) = dialogs::save_file(&window, ask) else { return Ok(None) };
    let saved = copy_saved_to(&state, &path, &chosen)?;
    Ok(Some(saved.display().to_string()))
}

/// The file `path` names, if a person may save a copy of it elsewhere.
fn savable(state: &AppState, path: &str) -> Result<PathBuf, IpcError> {
    let kinds: Vec<&str> = SAVABLE.iter().map(|k| k.0).collect();
    in_export_folder(state, path, &kinds)
}

/// Copies `path` (a report, list or sync file of the export folder) to
/// `dest`, a place the person chose: durable and whole, and with the source's
/// extension added when the name lost it. A name that only exists because the
/// extension was added is not overwritten, since the dialog never asked about it.
pub fn copy_saved_to(state: &AppState, path: &str, dest: &std::path::Path) -> Result<PathBuf, IpcError> {
    let source = savable(state, path)?;
    let source = source.as_path();
    let refuse = |zh: String, en: String| state.error(Error::refuse("path", zh, en));
    let shown = dest.display().to_string();
    if !dest.is_absolute() || shown.chars().any(char::is_control) || shown.chars().count() > 4096 {
        return Err(refuse(format!("保存位置无效：{shown}"), format!("not a valid place to save: {shown}")));
    }
    if dest.is_dir() {
        let d = dest.display();
        return Err(refuse(format!("{d} 是一个文件夹，请给出文件名"), format!("{d} is a folder; name a file")));
    }
    let ext = source.extension().and_then(|e| e.to_str()).unwrap_or_default();
    let has_ext = dest.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case(ext));
    let dest = if has_ext {
        dest.to_path_buf()
    } else {
        let mut name = dest.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".{ext}"));
        let named = dest.with_file_name(name);
        if named.exists() {
            let n = named.display();
            return Err(refuse(format!("{n} 已经存在，请另选文件名"), format!("{n} already exists; choose another name")));
        }
        named
    };
    // Saving the file onto itself would truncate it through the temporary copy's rename: nothing to do.
    if dest.canonicalize().is_ok_and(|d| source.canonicalize().is_ok_and(|s| s == d)) {
        return Ok(dest);
    }
    qingdan_core::evidence::copy_durably(source, &dest).map_err(|e| state.error(e))?;
    if let Some(folder) = dest.parent() {
        state.remember_folder(folder);
    }
    Ok(dest)
}

#[tauri::command]
pub async fn report_inspection(state: State<'_, AppState>, id: String) -> Result<SavedFile, IpcError> {
    print_inspection(&state, &id)
}

#[tauri::command]
pub async fn report_summary(state: State<'_, AppState>, county: Option<String>) -> Result<SavedFile, IpcError> {
    print_summary(&state, county.as_deref())
}

#[tauri::command]
pub async fn report_notice(
    state: State<'_, AppState>,
    target_id: String,
    number: Option<String>,
    issuer: Option<String>,
) -> Result<SavedFile, IpcError> {
    print_notice(&state, &target_id, number.as_deref(), issuer.as_deref())
}

#[tauri::command]
pub async fn report_list(state: State<'_, AppState>, list: ExportList, filter: ProblemFilter) -> Result<SavedFile, IpcError> {
    print_list(&state, list, &filter)
}

#[tauri::command]
pub async fn report_county_inspections(window: tauri::Window, state: State<'_, AppState>, county: String) -> Result<BatchSaved, IpcError> {
    print_county_inspections(&state, &county, &mut |p| {
        // A window closed meanwhile does not stop the run; the files are what counts.
        let _ = window.emit(REPORT_PROGRESS, p);
    })
}

pub fn save_list(state: &AppState, list: ExportList, format: ExportFormat) -> Result<SavedFile, IpcError> {
    let dir = output_dir(state)?;
    let ext = match format {
        ExportFormat::Xlsx => "xlsx",
        ExportFormat::Csv => "csv",
    };
    let out = stamped(&dir, list.label(qingdan_core::Lang::Zh), ext);
    let s = state.read(|db| export::export(db, list, format, &out))?;
    Ok(SavedFile { path: s.path, pages: None, rows: Some(s.rows) })
}

pub fn print_inspection(state: &AppState, id: &str) -> Result<SavedFile, IpcError> {
    Input::new().id("id", id).valid(state)?;
    let dir = output_dir(state)?;
    let store = state.evidence()?;
    let out = stamped(&dir, "检查报告", "pdf");
    let s = state.read(|db| report::inspection_report(db, &store, id, &out))?;
    Ok(SavedFile { path: s.path, pages: Some(s.pages), rows: None })
}

pub fn print_summary(state: &AppState, county: Option<&str>) -> Result<SavedFile, IpcError> {
    Input::new().text("county", county, MAX_COUNTY).valid(state)?;
    let county = county.map(str::trim).filter(|c| !c.is_empty());
    let dir = output_dir(state)?;
    let name = match county {
        Some(c) => format!("{c}监督工作总结"),
        None => "监督工作总结".to_string(),
    };
    let out = stamped(&dir, &name, "pdf");
    let s = state.read(|db| report::summary_report(db, county, &out))?;
    Ok(SavedFile { path: s.path, pages: Some(s.pages), rows: None })
}

pub fn print_notice(state: &AppState, target_id: &str, number: Option<&str>, issuer: Option<&str>) -> Result<SavedFile, IpcError> {
    Input::new().id("targetId", target_id).text("number", number, MAX_NAME).text("issuer", issuer, MAX_NAME).valid(state)?;
    let dir = output_dir(state)?;
    let out = stamped(&dir, "整改通知书", "pdf");
    let s = state.read(|db| report::notice(db, target_id, number, issuer, &out))?;
    Ok(SavedFile { path: s.path, pages: Some(s.pages), rows: None })
}

/// The 问题清单, 整改清单 or 销号清单 as the problem list view filters it.
pub fn print_list(state: &AppState, list: ExportList, filter: &ProblemFilter) -> Result<SavedFile, IpcError> {
    let mut input = Input::new();
    super::problems::check_filter(&mut input, filter);
    input.valid(state)?;
    let print = match list {
        ExportList::Problems => PrintList::Problems,
        ExportList::Rectification => PrintList::Rectification,
        ExportList::Closeout => PrintList::Closeout,
        _ => {
            return Err(state.error(Error::refuse(
                "list",
                "只能打印问题清单、整改清单或销号清单",
                "only the problem, rectification or close-out list can be printed",
            )))
        }
    };
    let dir = output_dir(state)?;
    let out = stamped(&dir, print.label(), "pdf");
    let s = state.read(|db| report::list_view_print(db, print, filter, &out))?;
    Ok(SavedFile { path: s.path, pages: Some(s.pages), rows: None })
}

/// The 检查报告 of every signed inspection of `county` into a new folder of
/// the export folder, calling `progress` after each file.
pub fn print_county_inspections(state: &AppState, county: &str, progress: &mut dyn FnMut(&ReportProgress)) -> Result<BatchSaved, IpcError> {
    let mut input = Input::new();
    input.text("county", Some(county), MAX_COUNTY);
    if county.trim().is_empty() {
        input.refuse("county", "请选择县（市、区）", "choose a county or district");
    }
    input.valid(state)?;
    let county = county.trim();
    let dir = output_dir(state)?;
    let store = state.evidence()?;
    // The county is a registered name (the core refuses any other) and is
    // written into a file name: no separator may take the folder elsewhere.
    let safe: String = county.chars().map(|c| if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') { '_' } else { c }).collect();
    let folder = dir.join(format!("{safe}检查报告-{}", stamp()));
    // The database is taken for each report in turn, not for the whole run:
    // the window stays usable while a county's reports are written.
    let planned = state.read(|db| batch::prepare(db, county, &folder))?;
    let total = planned.len() as u32;
    let mut pages = 0;
    for (n, p) in planned.iter().enumerate() {
        let out = folder.join(&p.file_name);
        pages += state.read(|db| report::inspection_report(db, &store, &p.id, &out))?.pages;
        progress(&ReportProgress { done: n as u32 + 1, total, file: p.file_name.clone() });
    }
    Ok(BatchSaved { folder: folder.display().to_string(), files: total, pages })
}
