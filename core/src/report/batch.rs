//! 批量打印检查报告: the 检查报告 of every signed inspection of one
//! county/district (its facilities and its government), one PDF each, into a
//! new folder. Drafts are left out: a report of a draft is not a report.
//!
//! The caller is told after each file (for a progress bar); a failure stops
//! the run and names the inspection, and the files already written stay (each
//! is whole: temporary file, sync, rename). The number of reports in one run
//! is bounded by [`MAX_BATCH`].

use std::path::Path;

use crate::db::Db;
use crate::error::{Error, Result};
use crate::evidence::EvidenceStore;
use crate::text::clean;

/// The most reports one run writes. A county/district of the 5,000-facility
/// bench campaign has about 330 inspections; a run of thousands is a mistake
/// (or a runaway) that would fill the disk with little to show for it.
pub const MAX_BATCH: usize = 2000;

/// One inspection to print.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub id: String,
    pub date: String,
    pub target_name: String,
    /// The file name it is written under: `2024-05-20-老城社会福利中心-执法检查报告-1A2B3C4D.pdf`.
    pub file_name: String,
}

/// What a run wrote.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BatchSummary {
    pub folder: String,
    pub files: u32,
    pub pages: u32,
}

/// After each report: how many are done of how many, and the file just written.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BatchProgress {
    pub done: u32,
    pub total: u32,
    pub file: String,
}

/// Characters a file name may not hold on Windows or Linux.
fn safe(name: &str) -> String {
    name.chars().map(|c| if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control() { '_' } else { c }).collect()
}

/// The signed inspections of `county` (a county/district by name): of its
/// facilities and of its government, by date then target.
pub fn plan(db: &Db, county: &str) -> Result<Vec<Planned>> {
    let county = clean(county);
    let Some(j) = crate::registry::counties(db)?.into_iter().find(|c| c.name == county) else {
        return Err(Error::NotFound { what: "县（市、区）", key: county });
    };
    let mut st = db.conn().prepare(
        "SELECT i.id, i.date, i.target_name, i.kind FROM inspection i
         LEFT JOIN facility f ON f.id = i.target_id
         WHERE i.status = 'signed' AND (f.county_id = ?1 OR i.target_id = ?1)
         ORDER BY i.date, i.target_name, i.id",
    )?;
    let rows = st.query_map([&j.id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, date, target_name, kind) = row?;
        let title = crate::inspection::InspectionKind::from_slug(&kind).map(super::inspection::title).unwrap_or_else(|| "检查报告".into());
        let short: String = id.chars().filter(|c| c.is_ascii_alphanumeric()).take(8).collect::<String>().to_uppercase();
        let file_name = safe(&format!("{date}-{target_name}-{title}-{short}.pdf"));
        out.push(Planned { id, date, target_name, file_name });
    }
    if out.len() > MAX_BATCH {
        return Err(Error::refuse(
            "county",
            format!("{county}共有{}次已签字确认的检查，超过一次批量打印的上限{MAX_BATCH}份；请逐次打印或分批处理", out.len()),
            format!("{county} has {} signed inspections, more than the {MAX_BATCH} reports one run may print", out.len()),
        ));
    }
    Ok(out)
}

/// Checks a run before anything is written — `county` has signed
/// inspections, no more than [`MAX_BATCH`], and `folder` does not exist yet,
/// so a run never mixes with an earlier one — then creates `folder` and
/// returns what to print into it.
pub fn prepare(db: &Db, county: &str, folder: &Path) -> Result<Vec<Planned>> {
    let planned = plan(db, county)?;
    if planned.is_empty() {
        return Err(Error::refuse(
            "county",
            format!("{}还没有已签字确认的检查，没有可打印的检查报告", clean(county)),
            format!("{} has no signed inspection; there is no report to print", clean(county)),
        ));
    }
    if folder.exists() {
        return Err(Error::refuse(
            "folder",
            format!("{} 已存在，请换一个文件夹", folder.display()),
            format!("{} already exists; choose another folder", folder.display()),
        ));
    }
    std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
    Ok(planned)
}

/// Writes the 检查报告 of every signed inspection of `county` into `folder`
/// (see [`prepare`]), calling `progress` after each file. The desktop app
/// runs the same two steps itself, so that the database is not held for the
/// whole run.
pub fn inspection_reports_of_county(
    db: &Db,
    store: &EvidenceStore,
    county: &str,
    folder: &Path,
    progress: &mut dyn FnMut(&BatchProgress),
) -> Result<BatchSummary> {
    let planned = prepare(db, county, folder)?;
    let total = planned.len() as u32;
    let mut pages = 0;
    for (n, p) in planned.iter().enumerate() {
        pages += super::inspection_report(db, store, &p.id, &folder.join(&p.file_name))?.pages;
        progress(&BatchProgress { done: n as u32 + 1, total, file: p.file_name.clone() });
    }
    Ok(BatchSummary { folder: folder.display().to_string(), files: total, pages })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_what_a_file_system_refuses() {
        assert_eq!(safe("a/b\\c:d*e?f\"g<h>i|j\n"), "a_b_c_d_e_f_g_h_i_j_");
        assert_eq!(safe("2024-05-20-老城社会福利中心-执法检查报告-1A2B.pdf"), "2024-05-20-老城社会福利中心-执法检查报告-1A2B.pdf");
    }
}
