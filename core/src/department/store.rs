//! Departments and their duties in the database.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{Department, Duty, ParsedDepartment};
use crate::db::{json_col, Db, Tx};
use crate::error::Result;

#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct DepartmentOutcome {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub duties: u32,
}

/// Creates or updates departments by name. A department's duties become
/// exactly the ones given: a duty matched by its text keeps its id.
pub fn store_departments(tx: &Tx<'_>, departments: &[ParsedDepartment]) -> Result<DepartmentOutcome> {
    let mut out = DepartmentOutcome::default();
    let now = tx.now_text();
    let device = tx.device_id();
    let mut next_position: u32 = tx.query_row("SELECT coalesce(max(position) + 1, 0) FROM department", [], |r| r.get(0))?;
    for dep in departments {
        let existing: Option<(String, String)> = tx
            .query_row("SELECT id, kind FROM department WHERE name = ?1", [&dep.name], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (dep_id, mut changed, created) = match existing {
            Some((id, kind)) => {
                let kind_changed = kind != dep.kind;
                if kind_changed {
                    tx.execute(
                        "UPDATE department SET kind = ?2, updated_at = ?3, device_id = ?4 WHERE id = ?1",
                        params![id, dep.kind, now, device],
                    )?;
                }
                (id, kind_changed, false)
            }
            None => {
                let id = tx.natural_id("department", &[&dep.name]);
                tx.execute(
                    "INSERT INTO department (id, name, kind, position, created_at, updated_at, device_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
                    params![id, dep.name, dep.kind, next_position, now, device],
                )?;
                next_position += 1;
                (id, true, true)
            }
        };
        let keep: Vec<&str> = dep.duties.iter().map(|d| d.text.as_str()).collect();
        let stale: Vec<String> = {
            let mut st = tx.prepare("SELECT text FROM duty WHERE department_id = ?1")?;
            let texts = st.query_map([&dep_id], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
            texts.into_iter().filter(|t| !keep.contains(&t.as_str())).collect()
        };
        for text in &stale {
            tx.execute("DELETE FROM duty WHERE department_id = ?1 AND text = ?2", params![dep_id, text])?;
            changed = true;
        }
        for (pos, duty) in dep.duties.iter().enumerate() {
            let codes = serde_json::to_string(&duty.item_codes).expect("strings serialise");
            let row: Option<(String, u32, String)> = tx
                .query_row(
                    "SELECT id, position, item_codes FROM duty WHERE department_id = ?1 AND text = ?2",
                    params![dep_id, duty.text],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            match row {
                Some((_, p, c)) if p == pos as u32 && c == codes => {}
                Some((id, _, _)) => {
                    tx.execute(
                        "UPDATE duty SET position = ?2, item_codes = ?3, updated_at = ?4, device_id = ?5 WHERE id = ?1",
                        params![id, pos as u32, codes, now, device],
                    )?;
                    changed = true;
                }
                None => {
                    tx.execute(
                        "INSERT INTO duty (id, department_id, position, text, item_codes, created_at, updated_at, device_id)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
                        params![tx.natural_id("duty", &[&dep_id, &duty.text]), dep_id, pos as u32, duty.text, codes, now, device],
                    )?;
                    changed = true;
                }
            }
            out.duties += 1;
        }
        if created {
            out.created += 1;
        } else if changed {
            out.updated += 1;
        } else {
            out.unchanged += 1;
        }
    }
    Ok(out)
}

/// Every department in registry order, with its duties.
pub fn department_list(db: &Db) -> Result<Vec<Department>> {
    let mut deps: Vec<Department> = {
        let mut st = db.conn().prepare("SELECT id, name, kind, position FROM department ORDER BY position, name")?;
        let rows = st.query_map([], |r| {
            Ok(Department {
                id: r.get("id")?,
                name: r.get("name")?,
                kind: r.get("kind")?,
                position: r.get("position")?,
                duties: Vec::new(),
            })
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut st = db.conn().prepare("SELECT id, department_id, text, item_codes FROM duty ORDER BY department_id, position")?;
    let duties = st.query_map([], |r| {
        Ok((
            r.get::<_, String>("department_id")?,
            Duty { id: r.get("id")?, text: r.get("text")?, item_codes: json_col(r, "item_codes")? },
        ))
    })?;
    for row in duties {
        let (dep_id, duty) = row?;
        if let Some(d) = deps.iter_mut().find(|d| d.id == dep_id) {
            d.duties.push(duty);
        }
    }
    Ok(deps)
}
