//! 责任清单 with its problems: every department, every duty, the catalog
//! items the duty is linked to, and how the department's problems on those
//! items stand.
//!
//! A problem counts for a duty when its responsible department is the
//! duty's department and its item is among the duty's items; a problem on an
//! item two duties share counts for both. 未销号 (open) is every status from
//! 待整改 to 已整改待核验; 逾期 (overdue) is the part of it still 待整改 or
//! 整改中 after its deadline day (北京时间; a deadline today is not overdue);
//! 已销号 (closed) is closed out. Withdrawn problems do not count. A duty
//! without linked items, or without problems, is listed with zeros.
//!
//! Left out: problems without an item or without a department (they belong
//! to no duty; the problem list shows them), and editing the duties
//! themselves (see [`crate::department`]).

use std::collections::HashMap;

use serde::Serialize;

use super::date_text;
use crate::db::{json_col, Db};
use crate::error::Result;
use crate::problem::today;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ResponsibilityRow {
    pub department_id: String,
    pub department: String,
    pub duty_id: String,
    pub duty: String,
    pub item_codes: Vec<String>,
    /// Not yet closed out (待整改, 整改中, 已整改待核验).
    pub open: u32,
    /// Open, not rectified, and past the deadline day.
    pub overdue: u32,
    /// 已销号.
    pub closed: u32,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    open: u32,
    overdue: u32,
    closed: u32,
}

/// Departments in registry order, each duty in its order, with the counts.
pub fn list(db: &Db) -> Result<Vec<ResponsibilityRow>> {
    let today = date_text(today(db.now()));
    let conn = db.conn();
    // Counts per (department, item) in one pass over the problems.
    let mut counts: HashMap<(String, String), Counts> = HashMap::new();
    {
        let mut st = conn.prepare(
            "SELECT department_id, upper(item_code),
                    sum(status IN ('pending', 'in_progress', 'awaiting_verification')),
                    sum(status IN ('pending', 'in_progress') AND deadline IS NOT NULL AND deadline < ?1),
                    sum(status = 'closed')
             FROM problem
             WHERE department_id IS NOT NULL AND item_code IS NOT NULL AND status <> 'withdrawn'
             GROUP BY department_id, upper(item_code)",
        )?;
        let rows = st.query_map([&today], |r| {
            Ok(((r.get::<_, String>(0)?, r.get::<_, String>(1)?), Counts { open: r.get(2)?, overdue: r.get(3)?, closed: r.get(4)? }))
        })?;
        for row in rows {
            let (key, c) = row?;
            counts.insert(key, c);
        }
    }
    let mut st = conn.prepare(
        "SELECT d.id AS department_id, d.name AS department, u.id AS duty_id, u.text AS duty, u.item_codes
         FROM department d JOIN duty u ON u.department_id = d.id
         ORDER BY d.position, d.name, u.position",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>("department_id")?,
            r.get::<_, String>("department")?,
            r.get::<_, String>("duty_id")?,
            r.get::<_, String>("duty")?,
            json_col::<Vec<String>>(r, "item_codes")?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (department_id, department, duty_id, duty, item_codes) = row?;
        let mut total = Counts::default();
        let mut seen: Vec<String> = Vec::new();
        for code in &item_codes {
            let code = code.trim().to_uppercase();
            if seen.contains(&code) {
                continue;
            }
            if let Some(c) = counts.get(&(department_id.clone(), code.clone())) {
                total.open += c.open;
                total.overdue += c.overdue;
                total.closed += c.closed;
            }
            seen.push(code);
        }
        out.push(ResponsibilityRow {
            department_id,
            department,
            duty_id,
            duty,
            item_codes,
            open: total.open,
            overdue: total.overdue,
            closed: total.closed,
        });
    }
    Ok(out)
}
