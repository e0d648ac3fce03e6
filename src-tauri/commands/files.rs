//! Exports and printed reports from the window. Each is written whole (the
//! core writes a temporary file and renames it) into the folder of saved
//! files, and its path is handed back for the window to show. No file dialog:
//! the folder is the user's 文档/养老服务监督清单 (or `QINGDAN_EXPORT_DIR`),
//! and names carry the list and the time, so nothing is ever overwritten.

use std::path::PathBuf;

use chrono::{Duration, Utc};
use qingdan_core::export::{self, ExportFormat, ExportList};
use qingdan_core::report;
use qingdan_core::Error;
use serde::Serialize;
use tauri::State;

use super::input::{Input, MAX_COUNTY};
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

/// `问题清单-20241120-153000.xlsx`, in Beijing time.
fn stamped(dir: &std::path::Path, name: &str, ext: &str) -> PathBuf {
    let t = Utc::now() + Duration::hours(8);
    dir.join(format!("{name}-{}.{ext}", t.format("%Y%m%d-%H%M%S")))
}

#[tauri::command]
pub async fn export_list(state: State<'_, AppState>, list: ExportList, format: ExportFormat) -> Result<SavedFile, IpcError> {
    save_list(&state, list, format)
}

#[tauri::command]
pub async fn report_inspection(state: State<'_, AppState>, id: String) -> Result<SavedFile, IpcError> {
    print_inspection(&state, &id)
}

#[tauri::command]
pub async fn report_summary(state: State<'_, AppState>, county: Option<String>) -> Result<SavedFile, IpcError> {
    print_summary(&state, county.as_deref())
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
