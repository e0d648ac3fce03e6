//! Printed reports (PDF): the 检查报告 of an inspection and the 整改通知书
//! (rectification notice, GB/T 9704-2012 layout) to a target.
//!
//! Pages are laid out here ([`layout`]: measuring, Chinese line breaking,
//! pagination) and drawn with printpdf's low-level API ([`pdf`]), with the
//! bundled Noto CJK fonts embedded as subsets ([`fonts`]). Every character is
//! checked against the fonts first, so a rare character is an error naming
//! its record, never an empty box. Output is deterministic for the same data
//! and clock (`Db::now`). See `docs/reports.md`.

pub mod fonts;
pub mod layout;
pub mod pdf;
mod sfnt;
pub mod batch;
mod flow;
mod inspection;
mod lists;
mod notice;
mod summary;

use std::path::{Path, PathBuf};

use crate::db::Db;
use crate::error::{Error, Reason, Result};
use crate::evidence::EvidenceStore;

pub use inspection::{build as inspection_report_bytes, report_number};
pub use notice::build as notice_bytes;
pub use lists::{build as list_bytes, build_for_view as list_view_bytes, write as list_print, write_for_view as list_view_print, ListFilter, PrintList};
pub use summary::{build as summary_bytes, write as summary_report};

/// What a report run wrote.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReportSummary {
    pub path: String,
    pub bytes: u64,
    pub pages: u32,
}

/// Writes the 检查报告 of inspection `id` to `out`, whole or not at all: the
/// PDF is made in memory, written to a temporary file beside `out`, synced and
/// renamed; on any error nothing is left behind.
pub fn inspection_report(db: &Db, store: &EvidenceStore, id: &str, out: &Path) -> Result<ReportSummary> {
    let path = check_out(out)?;
    let bytes = inspection::build(db, store, id)?;
    crate::evidence::write_durably(&path, &bytes)?;
    Ok(ReportSummary { path: out.display().to_string(), bytes: bytes.len() as u64, pages: count_pages(&bytes) })
}

/// Writes the 整改通知书 to `target_id` (its problems 待整改 and 整改中) to `out`,
/// whole or not at all. `number` is the 发文字号, `issuer` the 发文机关署名.
pub fn notice(db: &Db, target_id: &str, number: Option<&str>, issuer: Option<&str>, out: &Path) -> Result<ReportSummary> {
    let path = check_out(out)?;
    let bytes = notice::build(db, target_id, number, issuer)?;
    crate::evidence::write_durably(&path, &bytes)?;
    Ok(ReportSummary { path: out.display().to_string(), bytes: bytes.len() as u64, pages: count_pages(&bytes) })
}

fn check_out(out: &Path) -> Result<PathBuf> {
    if out.as_os_str().is_empty() {
        return Err(Error::invalid("--out", Reason::Required));
    }
    if out.is_dir() {
        return Err(Error::refuse(
            "--out",
            format!("{} 是一个文件夹，请给出文件名", out.display()),
            format!("{} is a folder; name a file", out.display()),
        ));
    }
    Ok(if out.is_absolute() || out.parent().is_some_and(|p| !p.as_os_str().is_empty()) {
        out.to_path_buf()
    } else {
        Path::new(".").join(out)
    })
}

/// Pages in a PDF we wrote (its page tree's /Count).
pub fn count_pages(pdf: &[u8]) -> u32 {
    lopdf::Document::load_mem(pdf).map(|d| d.get_pages().len() as u32).unwrap_or(0)
}
