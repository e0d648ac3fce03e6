//! 问题清单, 整改清单 and 销号清单 as tables.

use std::collections::HashMap;

use super::{Cell, Table};
use crate::db::Db;
use crate::error::Result;
use crate::problem::{self, ProblemFilter, ProblemRow, Status, VerifyMethod, VerifyResult};
use crate::Lang;

/// The columns of the exported 问题清单, in order. The problem import reads
/// exactly these headers (and synonyms), so an exported list imports back.
pub const PROBLEM_HEADERS: &[&str] = &[
    "编号",
    "检查对象",
    "对象类型",
    "县（市、区）",
    "条目编号",
    "问题类别",
    "问题描述",
    "严重程度",
    "问题范围",
    "问题来源",
    "检查组",
    "发现日期",
    "责任部门",
    "责任单位",
    "责任人",
    "整改措施",
    "整改期限",
    "状态",
    "是否逾期",
    "整改完成日期",
    "最新进展",
    "核验人",
    "核验方式",
    "核验日期",
    "核验结果",
    "核验意见",
    "销号日期",
    "对象编号",
];

/// What the 对象类型 column says of a target that is not in the registry.
pub const UNREGISTERED_TARGET: &str = "未登记";

/// The last verification of a problem.
#[derive(Debug, Clone, Default)]
pub(crate) struct LastVerification {
    pub verifier: String,
    pub method: Option<VerifyMethod>,
    pub result: Option<VerifyResult>,
    pub on: String,
    pub note: String,
}

/// The parts of a problem's trail the lists show: the latest progress (or
/// report of completion) and the latest verification.
#[derive(Debug, Clone, Default)]
pub(crate) struct Trail {
    pub latest_note: String,
    pub latest_note_on: String,
    pub verification: Option<LastVerification>,
}

pub(crate) fn trails(db: &Db) -> Result<HashMap<String, Trail>> {
    let mut st = db.conn().prepare(
        "SELECT problem_id, kind, on_date, note, method, result, verifier FROM problem_event
         WHERE kind IN ('progress', 'reported_done', 'verified', 'returned')
         ORDER BY created_at, id",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    let mut out: HashMap<String, Trail> = HashMap::new();
    for row in rows {
        let (pid, kind, on, note, method, result, verifier) = row?;
        let t = out.entry(pid).or_default();
        match kind.as_str() {
            "progress" | "reported_done" => {
                t.latest_note = note;
                t.latest_note_on = on;
            }
            _ => {
                t.verification = Some(LastVerification {
                    verifier,
                    method: method.as_deref().and_then(VerifyMethod::from_slug),
                    result: result.as_deref().and_then(VerifyResult::from_slug),
                    on,
                    note,
                })
            }
        }
    }
    Ok(out)
}

fn all_problems(db: &Db) -> Result<Vec<ProblemRow>> {
    problem::list(db, &ProblemFilter::default())
}

fn yes_no(b: bool) -> Cell {
    Cell::text(if b { "是" } else { "否" })
}

fn zh(label: &str) -> Cell {
    Cell::text(label)
}

pub(crate) fn target_kind_cell(p: &ProblemRow) -> Cell {
    if p.target_id.is_none() {
        Cell::text(UNREGISTERED_TARGET)
    } else {
        zh(p.target_kind.label(Lang::Zh))
    }
}

pub fn problems(db: &Db) -> Result<Table> {
    let trails = trails(db)?;
    let mut t = Table::new("问题清单", PROBLEM_HEADERS);
    let none = Trail::default();
    for p in all_problems(db)? {
        let trail = trails.get(&p.id).unwrap_or(&none);
        let v = trail.verification.clone().unwrap_or_default();
        t.push(vec![
            Cell::text(&p.number),
            Cell::text(&p.target_name),
            target_kind_cell(&p),
            Cell::text(p.county.clone().unwrap_or_default()),
            Cell::text(p.item_code.clone().unwrap_or_default()),
            Cell::text(&p.category),
            Cell::text(&p.description),
            zh(p.severity.label(Lang::Zh)),
            p.scope.map(|s| zh(s.label(Lang::Zh))).unwrap_or(Cell::Empty),
            zh(p.source.label(Lang::Zh)),
            Cell::text(&p.group),
            Cell::date(Some(&p.found_on)),
            Cell::text(p.department.clone().unwrap_or_default()),
            Cell::text(&p.responsible_unit),
            Cell::text(&p.responsible_person),
            Cell::text(&p.measure),
            Cell::date(p.deadline.as_deref()),
            zh(p.status.label(Lang::Zh)),
            yes_no(p.overdue),
            Cell::date(p.rectified_on.as_deref()),
            Cell::text(&trail.latest_note),
            Cell::text(&v.verifier),
            v.method.map(|m| zh(m.label(Lang::Zh))).unwrap_or(Cell::Empty),
            Cell::date(Some(&v.on)),
            v.result.map(|r| zh(r.label(Lang::Zh))).unwrap_or(Cell::Empty),
            Cell::text(&v.note),
            Cell::date(p.closed_on.as_deref()),
            Cell::text(p.target_id.clone().unwrap_or_default()),
        ]);
    }
    Ok(t)
}

pub fn rectification(db: &Db) -> Result<Table> {
    let trails = trails(db)?;
    let mut t = Table::new(
        "整改清单",
        &["编号", "检查对象", "县（市、区）", "问题描述", "严重程度", "整改措施", "责任单位", "责任人", "整改期限", "状态", "逾期", "最新进展", "进展日期", "整改完成日期"],
    );
    let none = Trail::default();
    for p in all_problems(db)? {
        let trail = trails.get(&p.id).unwrap_or(&none);
        t.push(vec![
            Cell::text(&p.number),
            Cell::text(&p.target_name),
            Cell::text(p.county.clone().unwrap_or_default()),
            Cell::text(&p.description),
            zh(p.severity.label(Lang::Zh)),
            Cell::text(&p.measure),
            Cell::text(&p.responsible_unit),
            Cell::text(&p.responsible_person),
            Cell::date(p.deadline.as_deref()),
            zh(p.status.label(Lang::Zh)),
            yes_no(p.overdue),
            Cell::text(&trail.latest_note),
            Cell::date(Some(&trail.latest_note_on)),
            Cell::date(p.rectified_on.as_deref()),
        ]);
    }
    Ok(t)
}

pub fn closeout(db: &Db) -> Result<Table> {
    let trails = trails(db)?;
    let mut t = Table::new(
        "销号清单",
        &[
            "编号", "检查对象", "县（市、区）", "问题描述", "严重程度", "问题来源", "整改措施", "责任单位", "整改完成日期", "核验人", "核验方式", "核验日期",
            "核验结果", "核验意见", "销号日期",
        ],
    );
    let mut closed: Vec<ProblemRow> = problem::list(db, &ProblemFilter { statuses: vec![Status::Closed], ..Default::default() })?;
    closed.sort_by(|a, b| (&a.closed_on, &a.number).cmp(&(&b.closed_on, &b.number)));
    let none = Trail::default();
    for p in closed {
        let trail = trails.get(&p.id).unwrap_or(&none);
        let v = trail.verification.clone().unwrap_or_default();
        t.push(vec![
            Cell::text(&p.number),
            Cell::text(&p.target_name),
            Cell::text(p.county.clone().unwrap_or_default()),
            Cell::text(&p.description),
            zh(p.severity.label(Lang::Zh)),
            zh(p.source.label(Lang::Zh)),
            Cell::text(&p.measure),
            Cell::text(&p.responsible_unit),
            Cell::date(p.rectified_on.as_deref()),
            Cell::text(&v.verifier),
            v.method.map(|m| zh(m.label(Lang::Zh))).unwrap_or(Cell::Empty),
            Cell::date(Some(&v.on)),
            v.result.map(|r| zh(r.label(Lang::Zh))).unwrap_or(Cell::Empty),
            Cell::text(&v.note),
            Cell::date(p.closed_on.as_deref()),
        ]);
    }
    Ok(t)
}
