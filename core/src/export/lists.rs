//! 内容清单, 责任清单, 学习清单, 评价清单 and 意见建议 as tables.

use super::{Cell, Table};
use crate::catalog::{self, ItemQuery};
use crate::db::Db;
use crate::error::Result;
use crate::Lang;

fn join<T>(xs: &[T], f: impl Fn(&T) -> String) -> String {
    xs.iter().map(f).collect::<Vec<_>>().join("、")
}

/// The active catalog, in the columns the catalog import reads, so an
/// exported content list imports back as a catalog.
pub fn content(db: &Db) -> Result<Table> {
    let mut t = Table::new(
        "内容清单",
        &["编号", "类型", "分组", "标题", "内容", "依据", "检查方法", "适用对象", "责任单位", "严重程度", "重大事故隐患", "常见问题"],
    );
    if catalog::active_version(db)?.is_none() {
        return Ok(t);
    }
    for it in catalog::list_items(db, &ItemQuery::default())? {
        t.push(vec![
            Cell::text(&it.code),
            Cell::text(it.kind.label(Lang::Zh)),
            Cell::text(&it.group),
            Cell::text(&it.title),
            Cell::text(&it.requirement),
            Cell::text(&it.basis),
            Cell::text(join(&it.methods, |m| m.label(Lang::Zh).to_string())),
            Cell::text(join(&it.applies_to, |k| k.label(Lang::Zh).to_string())),
            Cell::text(it.departments.join("、")),
            Cell::text(it.default_severity.label(Lang::Zh)),
            Cell::text(if it.major_hazard { "是" } else { "否" }),
            Cell::text(it.quick_phrases.join("；")),
        ]);
    }
    Ok(t)
}

/// 责任清单: departments × duties × linked items with their problems
/// ([`crate::lists::responsibility`]).
pub fn responsibility(db: &Db) -> Result<Table> {
    let mut t = Table::new("责任清单", &["部门", "序号", "职责", "关联条目", "未销号问题", "逾期", "已销号"]);
    let mut last = String::new();
    let mut n = 0;
    for r in crate::lists::responsibility::list(db)? {
        if r.department_id != last {
            last = r.department_id.clone();
            n = 0;
        }
        n += 1;
        t.push(vec![
            Cell::text(&r.department),
            Cell::Number(n as f64),
            Cell::text(&r.duty),
            Cell::text(r.item_codes.join("、")),
            Cell::Number(r.open as f64),
            Cell::Number(r.overdue as f64),
            Cell::Number(r.closed as f64),
        ]);
    }
    Ok(t)
}

/// 学习清单: the laws and policies behind the active catalog
/// ([`crate::lists::learning`]), each with the items it grounds and who studied it.
pub fn learning(db: &Db) -> Result<Table> {
    let mut t = Table::new("学习清单", &["法律法规和政策文件", "引用条款", "依据条目", "条目数", "已学习人员"]);
    for d in crate::lists::learning::documents(db, None)? {
        t.push(vec![
            Cell::text(&d.document),
            Cell::text(d.articles.join("、")),
            Cell::text(d.item_codes.join("、")),
            Cell::Number(d.item_codes.len() as f64),
            Cell::text(d.studied_by.join("、")),
        ]);
    }
    Ok(t)
}

/// 评价清单 ([`crate::lists::evaluation`]).
pub fn evaluation(db: &Db) -> Result<Table> {
    let mut t = Table::new("评价清单", &["评价对象", "对象类型", "评价内容", "评价主体", "评价日期", "得分", "评价意见"]);
    for e in crate::lists::evaluation::list(db, &Default::default())? {
        t.push(vec![
            Cell::text(&e.subject),
            Cell::text(e.subject_kind.label(Lang::Zh)),
            Cell::text(e.aspect.label(Lang::Zh)),
            Cell::text(e.evaluator.label(Lang::Zh)),
            Cell::date(Some(&e.evaluated_on)),
            Cell::Number(e.score),
            Cell::text(&e.comment),
        ]);
    }
    Ok(t)
}

/// 意见建议 from every source ([`crate::lists::suggestions`]), in the layout
/// the problem import reads back (a sheet named 意见建议).
pub fn suggestions(db: &Db) -> Result<Table> {
    let mut t = Table::new("意见建议", &["意见建议", "来源", "提出对象", "县（市、区）", "检查对象", "检查组", "提出日期", "条目编号"]);
    for s in crate::lists::suggestions::list(db, &Default::default())? {
        t.push(vec![
            Cell::text(&s.text),
            Cell::text(s.source.label(Lang::Zh)),
            Cell::text(&s.addressee),
            Cell::text(s.county.clone().unwrap_or_default()),
            Cell::text(&s.target_name),
            Cell::text(&s.group),
            Cell::date(Some(&s.made_on)),
            Cell::text(s.item_code.clone().unwrap_or_default()),
        ]);
    }
    Ok(t)
}

