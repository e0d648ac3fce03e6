//! Prints of the 问题清单, 整改清单 and 销号清单 for any filter of `problem
//! list` (status, county, overdue): landscape A4 tables whose header row is
//! repeated on every page, a title naming the filter, page numbers.

use std::collections::HashMap;

use super::flow::{Align, Flow, Footer, Page, Style};
use super::fonts::{check_texts, Face};
use super::pdf::{DocInfo, MM};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::problem::{self, ProblemFilter, ProblemRow, Status, VerifyMethod};
use crate::text::clean;
use crate::Lang;

const TITLE: Style = Style::new(Face::SansBold, 18.0, 28.0);
const SMALL: Style = Style::new(Face::Sans, 9.0, 14.0);
const CELL: Style = Style::new(Face::Sans, 8.0, 11.5);
const CELL_HEAD: Style = Style::new(Face::SansBold, 8.0, 11.5);

/// Landscape A4 with 15 mm side margins: a text area of 267 × 172 mm.
pub const LANDSCAPE: Page = Page { width: 297.0, height: 210.0, top: 18.0, bottom: 20.0, left: 15.0, right: 15.0 };

/// Which list is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintList {
    /// 问题清单: every problem the filter selects.
    Problems,
    /// 整改清单: the same problems with their measures, units and progress.
    Rectification,
    /// 销号清单: the closed problems with their verification.
    Closeout,
}

impl PrintList {
    pub const ALL: [PrintList; 3] = [PrintList::Problems, PrintList::Rectification, PrintList::Closeout];

    pub fn slug(self) -> &'static str {
        match self {
            PrintList::Problems => "problems",
            PrintList::Rectification => "rectification",
            PrintList::Closeout => "closeout",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PrintList::Problems => "问题清单",
            PrintList::Rectification => "整改清单",
            PrintList::Closeout => "销号清单",
        }
    }

    /// The slug, the Chinese name or a word of `export` (问题, 整改, 销号 …).
    pub fn parse(s: &str) -> Option<PrintList> {
        use crate::export::ExportList;
        match ExportList::parse(s)? {
            ExportList::Problems => Some(PrintList::Problems),
            ExportList::Rectification => Some(PrintList::Rectification),
            ExportList::Closeout => Some(PrintList::Closeout),
            _ => None,
        }
    }
}

/// What the list shows: the filters of `problem list`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListFilter {
    pub status: Option<Status>,
    pub county: Option<String>,
    pub overdue: bool,
}

impl ListFilter {
    fn problem_filter(&self, list: PrintList) -> Result<ProblemFilter> {
        let county = self.county.as_deref().map(clean).filter(|c| !c.is_empty());
        let mut f = ProblemFilter { county, overdue_only: self.overdue, statuses: self.status.into_iter().collect(), ..Default::default() };
        if list == PrintList::Closeout {
            if self.status.is_some_and(|s| s != Status::Closed) || self.overdue {
                return Err(Error::refuse(
                    "--status",
                    "销号清单只列已销号的问题，不能再按其他状态或逾期筛选；请改印问题清单或整改清单",
                    "the close-out list holds closed problems only; print the problem or rectification list for another status or overdue ones",
                ));
            }
            f.statuses = vec![Status::Closed];
        }
        Ok(f)
    }

    /// “汝阳县”, “整改中”, “逾期未整改” as the title and subtitle name them.
    fn words(&self) -> Vec<String> {
        let mut v = Vec::new();
        if let Some(s) = self.status {
            v.push(format!("状态：{}", s.label(Lang::Zh)));
        }
        if self.overdue {
            v.push("仅列逾期未整改的问题".into());
        }
        v
    }
}

/// The latest progress note and the latest verification of each problem.
#[derive(Default)]
struct Trail {
    note: String,
    note_on: String,
    verifier: String,
    method: Option<VerifyMethod>,
    verify_note: String,
}

fn trails(db: &Db) -> Result<HashMap<String, Trail>> {
    let mut st = db.conn().prepare(
        "SELECT problem_id, kind, on_date, note, method, verifier FROM problem_event
         WHERE kind IN ('progress', 'reported_done', 'verified', 'returned') ORDER BY created_at, id",
    )?;
    let mut rows = st.query([])?;
    let mut out: HashMap<String, Trail> = HashMap::new();
    while let Some(r) = rows.next()? {
        let t = out.entry(r.get(0)?).or_default();
        let kind: String = r.get(1)?;
        if kind == "progress" || kind == "reported_done" {
            t.note = r.get(3)?;
            t.note_on = r.get(2)?;
        } else {
            t.verifier = r.get(5)?;
            t.method = r.get::<_, Option<String>>(4)?.as_deref().and_then(VerifyMethod::from_slug);
            t.verify_note = r.get(3)?;
        }
    }
    Ok(out)
}

fn dash(s: &str) -> String {
    if s.trim().is_empty() { "—".into() } else { s.trim().to_string() }
}

fn opt(s: &Option<String>) -> String {
    s.as_deref().map(dash).unwrap_or_else(|| "—".into())
}

fn status(p: &ProblemRow) -> String {
    if p.overdue { format!("{}（逾期）", p.status.label(Lang::Zh)) } else { p.status.label(Lang::Zh).to_string() }
}

type Columns = &'static [(&'static str, f32, bool)];

fn columns(list: PrintList) -> Columns {
    match list {
        PrintList::Problems => &[
            ("序号", 0.6, true),
            ("问题编号", 1.75, true),
            ("检查对象", 1.9, false),
            ("县（市、区）", 1.1, true),
            ("问题类别", 1.2, false),
            ("问题描述", 3.0, false),
            ("等级", 1.0, true),
            ("来源", 0.9, true),
            ("发现日期", 1.3, true),
            ("责任单位", 1.6, false),
            ("整改期限", 1.3, true),
            ("状态", 1.5, true),
        ],
        PrintList::Rectification => &[
            ("序号", 0.6, true),
            ("问题编号", 2.0, true),
            ("检查对象", 1.7, false),
            ("县（市、区）", 1.2, true),
            ("问题描述", 2.3, false),
            ("等级", 1.0, true),
            ("整改措施", 2.3, false),
            ("责任单位", 1.5, false),
            ("责任人", 0.9, true),
            ("整改期限", 1.45, true),
            ("状态", 1.5, true),
            ("最新进展", 2.2, false),
        ],
        PrintList::Closeout => &[
            ("序号", 0.6, true),
            ("问题编号", 2.0, true),
            ("检查对象", 1.7, false),
            ("县（市、区）", 1.2, true),
            ("问题描述", 2.0, false),
            ("等级", 1.0, true),
            ("整改措施", 1.85, false),
            ("责任单位", 1.4, false),
            ("整改完成日期", 1.45, true),
            ("核验人", 0.9, true),
            ("核验方式", 1.05, true),
            ("核验意见", 1.6, false),
            ("销号日期", 1.45, true),
        ],
    }
}

fn row(list: PrintList, n: usize, p: &ProblemRow, t: &Trail) -> Vec<String> {
    let sev = p.severity.label(Lang::Zh).to_string();
    let head = vec![(n + 1).to_string(), p.number.clone(), p.target_name.clone(), opt(&p.county)];
    let rest = match list {
        PrintList::Problems => vec![
            dash(&p.category),
            dash(&p.description),
            sev,
            p.source.label(Lang::Zh).to_string(),
            dash(&p.found_on),
            dash(&p.responsible_unit),
            opt(&p.deadline),
            status(p),
        ],
        PrintList::Rectification => vec![
            dash(&p.description),
            sev,
            dash(&p.measure),
            dash(&p.responsible_unit),
            dash(&p.responsible_person),
            opt(&p.deadline),
            status(p),
            if t.note.trim().is_empty() { "—".into() } else { format!("{}（{}）", t.note.trim(), t.note_on) },
        ],
        PrintList::Closeout => vec![
            dash(&p.description),
            sev,
            dash(&p.measure),
            dash(&p.responsible_unit),
            opt(&p.rectified_on),
            dash(&t.verifier),
            t.method.map(|m| m.label(Lang::Zh).to_string()).unwrap_or_else(|| "—".into()),
            dash(&t.verify_note),
            opt(&p.closed_on),
        ],
    };
    head.into_iter().chain(rest).collect()
}

/// The title: the county (if any) and the list, “汝阳县问题清单”.
pub fn title(list: PrintList, filter: &ListFilter) -> String {
    let county = filter.county.as_deref().map(clean).filter(|c| !c.is_empty()).unwrap_or_default();
    let status = match (filter.status, filter.overdue) {
        (_, true) => "逾期未整改".to_string(),
        (Some(s), false) if list != PrintList::Closeout => s.label(Lang::Zh).to_string(),
        _ => String::new(),
    };
    if status.is_empty() { format!("{county}{}", list.label()) } else { format!("{county}{}（{status}）", list.label()) }
}

/// Builds the print of `list` for `filter` as PDF bytes.
pub fn build(db: &Db, list: PrintList, filter: &ListFilter) -> Result<Vec<u8>> {
    let pf = list_filter_checked(db, list, filter)?;
    let mut conditions = filter.words();
    if let Some(c) = filter.county.as_deref().map(clean).filter(|c| !c.is_empty()) {
        conditions.insert(0, format!("县（市、区）：{c}"));
    }
    render(db, list, &pf, &title(list, filter), conditions)
}

/// Builds the print of `list` for the problem list's own filter, as the
/// desktop view shows it (several statuses, severity, source, group,
/// category, department, words). The 销号清单 holds closed problems only: a
/// filter of other statuses or of overdue ones is refused.
pub fn build_for_view(db: &Db, list: PrintList, view: &ProblemFilter) -> Result<Vec<u8>> {
    let mut pf = view.clone();
    pf.county = pf.county.as_deref().map(clean).filter(|c| !c.is_empty());
    if let Some(c) = &pf.county {
        if !crate::registry::counties(db)?.iter().any(|j| &j.name == c) {
            return Err(Error::NotFound { what: "县（市、区）", key: c.clone() });
        }
    }
    if list == PrintList::Closeout {
        if pf.statuses.iter().any(|s| *s != Status::Closed) || pf.overdue_only {
            return Err(Error::refuse(
                "filter",
                "销号清单只列已销号的问题，不能再按其他状态或逾期筛选；请改印问题清单或整改清单",
                "the close-out list holds closed problems only; print the problem or rectification list for another status or overdue ones",
            ));
        }
        pf.statuses = vec![Status::Closed];
    }
    let single = ListFilter {
        status: if pf.statuses.len() == 1 { pf.statuses.first().copied() } else { None },
        county: pf.county.clone(),
        overdue: pf.overdue_only,
    };
    let mut conditions = Vec::new();
    if let Some(c) = &pf.county {
        conditions.push(format!("县（市、区）：{c}"));
    }
    if !pf.statuses.is_empty() && list != PrintList::Closeout {
        let names: Vec<&str> = pf.statuses.iter().map(|s| s.label(Lang::Zh)).collect();
        conditions.push(format!("状态：{}", names.join("、")));
    }
    if pf.overdue_only {
        conditions.push("仅列逾期未整改的问题".into());
    }
    if let Some(s) = pf.severity {
        conditions.push(format!("问题等级：{}", s.label(Lang::Zh)));
    }
    if let Some(s) = pf.source {
        conditions.push(format!("来源：{}", s.label(Lang::Zh)));
    }
    for (name, value) in [("检查组", &pf.group), ("问题类别", &pf.category), ("责任部门", &pf.department)] {
        if let Some(v) = value.as_deref().map(clean).filter(|v| !v.is_empty()) {
            conditions.push(format!("{name}：{v}"));
        }
    }
    if let Some(w) = pf.search.as_deref().map(clean).filter(|v| !v.is_empty()) {
        conditions.push(format!("含“{w}”"));
    }
    if pf.include_withdrawn {
        conditions.push("含已撤销的问题".into());
    }
    render(db, list, &pf, &title(list, &single), conditions)
}

fn render(db: &Db, list: PrintList, pf: &ProblemFilter, title: &str, conditions: Vec<String>) -> Result<Vec<u8>> {
    let mut rows = problem::list(db, pf)?;
    if list == PrintList::Closeout {
        rows.sort_by(|a, b| (&a.closed_on, &a.number).cmp(&(&b.closed_on, &b.number)));
    }
    let trails = if list == PrintList::Problems { HashMap::new() } else { trails(db)? };
    let none = Trail::default();
    let table: Vec<Vec<String>> = rows.iter().enumerate().map(|(n, p)| row(list, n, p, trails.get(&p.id).unwrap_or(&none))).collect();
    let cols = columns(list);
    let places: Vec<String> = rows.iter().map(|p| format!("问题 {}", p.number)).collect();
    check_texts(
        table
            .iter()
            .zip(&places)
            .flat_map(|(r, place)| r.iter().map(move |cell| (Face::Sans, place.as_str(), cell.as_str())))
            .chain(conditions.iter().map(|c| (Face::Sans, "筛选条件", c.as_str()))),
    )?;

    let today = problem::today(db.now());
    let mut flow = Flow::new(LANDSCAPE);
    flow.footer = Some(Footer::PageOfTotal(SMALL));
    flow.heading(title, TITLE, Align::Center);
    let conditions = if conditions.is_empty() { "全部".to_string() } else { conditions.join("；") };
    let date = {
        use chrono::Datelike;
        format!("{}年{}月{}日", today.year(), today.month(), today.day())
    };
    flow.paragraph(&format!("筛选条件：{conditions}　　共{}个问题　　数据截至{date}", rows.len()), SMALL, 0.0, Align::Center, true);
    flow.space_before(6.0);
    flow.table(cols, &table, CELL, CELL_HEAD, "……");
    if rows.is_empty() {
        flow.space(6.0);
        flow.paragraph("没有符合条件的问题。", SMALL, 0.0, Align::Center, false);
    }
    let pages = flow.render();
    let info = DocInfo {
        title: format!("{title}（{date}）"),
        author: "养老服务联动监督".into(),
        subject: format!("{}，筛选条件：{conditions}，共{}个问题", list.label(), rows.len()),
        created: db.now(),
    };
    super::pdf::write(flow.page.width * MM, flow.page.height * MM, &pages, &flow.pictures, &info)
}

/// Writes the print of `list` to `out`, whole or not at all (temporary file, sync, rename).
pub fn write(db: &Db, list: PrintList, filter: &ListFilter, out: &std::path::Path) -> Result<super::ReportSummary> {
    let path = super::check_out(out)?;
    let bytes = build(db, list, filter)?;
    crate::evidence::write_durably(&path, &bytes)?;
    Ok(super::ReportSummary { path: out.display().to_string(), bytes: bytes.len() as u64, pages: super::count_pages(&bytes) })
}

/// [`build_for_view`] written to `out`, whole or not at all.
pub fn write_for_view(db: &Db, list: PrintList, view: &ProblemFilter, out: &std::path::Path) -> Result<super::ReportSummary> {
    let path = super::check_out(out)?;
    let bytes = build_for_view(db, list, view)?;
    crate::evidence::write_durably(&path, &bytes)?;
    Ok(super::ReportSummary { path: out.display().to_string(), bytes: bytes.len() as u64, pages: super::count_pages(&bytes) })
}

/// The filter of `problem list`, checked: an unknown county is refused
/// rather than printed as an empty list.
fn list_filter_checked(db: &Db, list: PrintList, filter: &ListFilter) -> Result<ProblemFilter> {
    let pf = filter.problem_filter(list)?;
    if let Some(c) = &pf.county {
        if !crate::registry::counties(db)?.iter().any(|j| &j.name == c) {
            return Err(Error::NotFound { what: "县（市、区）", key: c.clone() });
        }
    }
    Ok(pf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_name_the_filter() {
        let f = |status, county: Option<&str>, overdue| ListFilter { status, county: county.map(Into::into), overdue };
        assert_eq!(title(PrintList::Problems, &f(None, None, false)), "问题清单");
        assert_eq!(title(PrintList::Problems, &f(Some(Status::InProgress), Some("汝阳县"), false)), "汝阳县问题清单（整改中）");
        assert_eq!(title(PrintList::Rectification, &f(None, None, true)), "整改清单（逾期未整改）");
        assert_eq!(title(PrintList::Closeout, &f(Some(Status::Closed), Some("嵩县"), false)), "嵩县销号清单");
    }

    #[test]
    fn list_names_parse_in_both_languages() {
        assert_eq!(PrintList::parse("problems"), Some(PrintList::Problems));
        assert_eq!(PrintList::parse("整改清单"), Some(PrintList::Rectification));
        assert_eq!(PrintList::parse("销号"), Some(PrintList::Closeout));
        assert_eq!(PrintList::parse("learning"), None);
    }

    #[test]
    fn the_closeout_list_takes_no_other_status() {
        let f = ListFilter { status: Some(Status::Pending), ..Default::default() };
        assert!(f.problem_filter(PrintList::Closeout).is_err());
        let f = ListFilter { overdue: true, ..Default::default() };
        assert!(f.problem_filter(PrintList::Closeout).is_err());
        let f = ListFilter::default();
        assert_eq!(f.problem_filter(PrintList::Closeout).unwrap().statuses, vec![Status::Closed]);
    }
}
