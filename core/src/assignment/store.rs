//! Assignments in the database.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};

use super::{limits, Assignment, AssignmentFilter, AssignmentTargetKind, NewAssignment};
use crate::catalog::store_slug;
use crate::changelog;
use crate::db::{Db, Tx};
use crate::error::{Error, Reason, Result};
use crate::lists::check_name;
use crate::text::{check_text, clean};

fn parse_date(field: &str, s: &str) -> Result<String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .ok_or_else(|| {
            Error::invalid(field, Reason::Invalid { value: s.to_string(), expected: "YYYY-MM-DD 格式的日期".into() })
        })
}

/// The id of the target: a county or department by id or exact name, a facility by id.
fn resolve_target(tx: &Tx<'_>, kind: AssignmentTargetKind, key: &str) -> Result<String> {
    let (sql, what) = match kind {
        AssignmentTargetKind::County => {
            ("SELECT id FROM jurisdiction WHERE level = 'county' AND (id = ?1 OR name = ?1) ORDER BY id = ?1 DESC LIMIT 1", "县（市、区）")
        }
        AssignmentTargetKind::Facility => ("SELECT id FROM facility WHERE id = ?1", "机构"),
        AssignmentTargetKind::Department => {
            ("SELECT id FROM department WHERE id = ?1 OR name = ?1 ORDER BY id = ?1 DESC LIMIT 1", "部门")
        }
    };
    tx.query_row(sql, [key], |r| r.get(0)).optional()?.ok_or_else(|| Error::NotFound { what, key: key.to_string() })
}

/// Records that `group` inspects the target. Making the same assignment again
/// (same group, kind and target) sets its planned date and note to the ones
/// given and changes nothing else.
pub fn assign(db: &mut Db, input: &NewAssignment, actor: &str) -> Result<Assignment> {
    let mut problems = Vec::new();
    let group =
        check_name("group", &input.group, limits::GROUP, true).map_err(|e| problems.extend(e.problems().to_vec())).ok();
    let note =
        check_text("note", &input.note, limits::NOTE, false).map_err(|e| problems.extend(e.problems().to_vec())).ok();
    let planned = match input.planned_date.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => parse_date("planned_date", s).map_err(|e| problems.extend(e.problems().to_vec())).ok().map(Some),
        None => Some(None),
    };
    let key = clean(&input.target_id);
    if key.is_empty() {
        problems.extend(Error::invalid("target_id", Reason::Required).problems().to_vec());
    } else if key.chars().count() > crate::catalog::limits::NAME {
        problems.extend(
            Error::invalid("target_id", Reason::TooLong { max: crate::catalog::limits::NAME }).problems().to_vec(),
        );
    }
    let (Some(group), Some(note), Some(planned)) = (group, note, planned) else {
        return Err(Error::Input(problems));
    };
    if !problems.is_empty() {
        return Err(Error::Input(problems));
    }
    let kind = input.target_kind;
    let id = db.with_tx(|tx| {
        let target_id = resolve_target(tx, kind, &key)?;
        let id = tx.natural_id("assignment", &[&group, kind.slug(), &target_id]);
        let now = tx.now_text();
        let device = tx.device_id();
        let existing: Option<(Option<String>, String)> = tx
            .query_row("SELECT planned_date, note FROM assignment WHERE id = ?1", [&id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match existing {
            None => {
                tx.execute(
                    "INSERT INTO assignment (id, group_name, target_kind, target_id, planned_date, note, created_at, updated_at, device_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
                    params![id, group, kind.slug(), target_id, planned, note, now, device],
                )?;
                changelog::record(tx, actor, "assignment", &id, "target", None, Some(&format!("{group} {} {target_id}", kind.slug())))?;
                changelog::record(tx, actor, "assignment", &id, "planned_date", None, planned.as_deref())?;
                if !note.is_empty() {
                    changelog::record(tx, actor, "assignment", &id, "note", None, Some(&note))?;
                }
            }
            Some((old_date, old_note)) => {
                let a = changelog::record(tx, actor, "assignment", &id, "planned_date", old_date.as_deref(), planned.as_deref())?;
                let b = changelog::record(tx, actor, "assignment", &id, "note", Some(&old_note), Some(&note))?;
                if a || b {
                    tx.execute(
                        "UPDATE assignment SET planned_date = ?2, note = ?3, updated_at = ?4, device_id = ?5 WHERE id = ?1",
                        params![id, planned, note, now, device],
                    )?;
                }
            }
        }
        Ok(id)
    })?;
    get(db, &id)
}

/// Takes an assignment back. The delete travels to the other laptops.
pub fn remove(db: &mut Db, id: &str, actor: &str) -> Result<()> {
    let id = id.trim();
    db.with_tx(|tx| {
        let row: Option<(String, String, String)> = tx
            .query_row("SELECT group_name, target_kind, target_id FROM assignment WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let Some((group, kind, target)) = row else {
            return Err(Error::NotFound { what: "任务分配", key: id.to_string() });
        };
        tx.execute("DELETE FROM assignment WHERE id = ?1", [id])?;
        changelog::record(tx, actor, "assignment", id, "target", Some(&format!("{group} {kind} {target}")), None)?;
        Ok(())
    })
}

const SELECT: &str = "
    SELECT a.id, a.group_name, a.target_kind, a.target_id, a.planned_date, a.note, a.created_at, a.updated_at,
           coalesce(f.name, c.name, d.name, a.target_id) AS target_name,
           coalesce(c.id, fc.id) AS county_id,
           coalesce(c.name, fc.name) AS county_name,
           coalesce(c.position, fc.position, 1000000) AS county_position
    FROM assignment a
    LEFT JOIN facility f ON a.target_kind = 'facility' AND f.id = a.target_id
    LEFT JOIN jurisdiction fc ON fc.id = f.county_id
    LEFT JOIN jurisdiction c ON a.target_kind = 'county' AND c.id = a.target_id
    LEFT JOIN department d ON a.target_kind = 'department' AND d.id = a.target_id";

fn get(db: &Db, id: &str) -> Result<Assignment> {
    let row = db
        .conn()
        .query_row(&format!("{SELECT} WHERE a.id = ?1"), [id], from_row)
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "任务分配", key: id.to_string() })?;
    with_status(db, row)
}

/// Assignments by group (第一组, 第二组 … in their order), then county and target.
pub fn list(db: &Db, filter: &AssignmentFilter) -> Result<Vec<Assignment>> {
    let group = filter.group.as_deref().map(clean).filter(|s| !s.is_empty());
    let county = match filter.county.as_deref().map(clean).filter(|s| !s.is_empty()) {
        Some(c) => Some(
            db.conn()
                .query_row("SELECT id FROM jurisdiction WHERE level = 'county' AND (id = ?1 OR name = ?1)", [&c], |r| {
                    r.get::<_, String>(0)
                })
                .optional()?
                .ok_or(Error::NotFound { what: "县（市、区）", key: c })?,
        ),
        None => None,
    };
    let sql = format!(
        "{SELECT}
         WHERE (?1 IS NULL OR a.group_name = ?1) AND (?2 IS NULL OR coalesce(c.id, fc.id) = ?2)
         ORDER BY county_position, CASE a.target_kind WHEN 'county' THEN 0 WHEN 'facility' THEN 1 ELSE 2 END, target_name"
    );
    let mut st = db.conn().prepare(&sql)?;
    let rows = st.query_map(params![group, county], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = rows.into_iter().map(|a| with_status(db, a)).collect::<Result<Vec<_>>>()?;
    out.sort_by_cached_key(|a| group_order(&a.group));
    Ok(out)
}

/// Every group name on record, from assignments and inspections, in order.
pub fn groups(db: &Db) -> Result<Vec<String>> {
    let mut st = db.conn().prepare(
        "SELECT group_name FROM assignment UNION SELECT group_name FROM inspection WHERE trim(group_name) != ''",
    )?;
    let mut names = st.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    names.sort_by_cached_key(|g| group_order(g));
    Ok(names)
}

/// 第一组 … 第十二组 (or 第1组) by number, then any other name by its text.
fn group_order(name: &str) -> (u32, String) {
    let number = name
        .strip_prefix('第')
        .and_then(|r| r.strip_suffix('组'))
        .and_then(|n| n.parse::<u32>().ok().or_else(|| chinese_number(n)));
    (number.unwrap_or(u32::MAX), name.to_string())
}

/// 一 … 九十九.
fn chinese_number(s: &str) -> Option<u32> {
    let digit = |c: char| "零一二三四五六七八九".chars().position(|d| d == c).map(|p| p as u32);
    let cs: Vec<char> = s.chars().collect();
    match cs.as_slice() {
        ['十'] => Some(10),
        [d] => digit(*d).filter(|n| *n > 0),
        ['十', u] => digit(*u).filter(|n| *n > 0).map(|u| 10 + u),
        [t, '十'] => digit(*t).filter(|n| *n > 1).map(|t| t * 10),
        [t, '十', u] => Some(digit(*t).filter(|n| *n > 1)? * 10 + digit(*u).filter(|n| *n > 0)?),
        _ => None,
    }
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Assignment> {
    Ok(Assignment {
        id: r.get("id")?,
        group: r.get("group_name")?,
        target_kind: store_slug(r, "target_kind", AssignmentTargetKind::from_slug)?,
        target_id: r.get("target_id")?,
        target_name: r.get("target_name")?,
        county_id: r.get("county_id")?,
        county: r.get("county_name")?,
        planned_date: r.get("planned_date")?,
        note: r.get("note")?,
        inspections: 0,
        last_inspected: None,
        facilities: None,
        facilities_inspected: None,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

fn with_status(db: &Db, mut a: Assignment) -> Result<Assignment> {
    let conn = db.conn();
    let (n, last): (u32, Option<String>) = match a.target_kind {
        AssignmentTargetKind::County => conn.prepare_cached(
            "SELECT count(*), max(date) FROM inspection
             WHERE target_id = ?1 OR target_id IN (SELECT id FROM facility WHERE county_id = ?1)",
        )?,
        _ => conn.prepare_cached("SELECT count(*), max(date) FROM inspection WHERE target_id = ?1")?,
    }
    .query_row([&a.target_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    a.inspections = n;
    a.last_inspected = last;
    if a.target_kind == AssignmentTargetKind::County {
        let (all, seen): (u32, u32) = conn
            .prepare_cached(
                "SELECT count(*), coalesce(sum(EXISTS (SELECT 1 FROM inspection i WHERE i.target_id = f.id)), 0)
                 FROM facility f WHERE f.county_id = ?1",
            )?
            .query_row([&a.target_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        a.facilities = Some(all);
        a.facilities_inspected = Some(seen);
    }
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_sort_by_their_number_then_by_name() {
        let mut names = vec!["第十一组", "第二组", "督查组", "第十组", "第一组", "第2组", "第二十三组"];
        names.sort_by_cached_key(|g| group_order(g));
        assert_eq!(names, ["第一组", "第2组", "第二组", "第十组", "第十一组", "第二十三组", "督查组"]);
    }

    #[test]
    fn chinese_numbers_up_to_ninety_nine_and_nothing_else() {
        assert_eq!(chinese_number("七"), Some(7));
        assert_eq!(chinese_number("十"), Some(10));
        assert_eq!(chinese_number("十五"), Some(15));
        assert_eq!(chinese_number("二十"), Some(20));
        assert_eq!(chinese_number("九十九"), Some(99));
        assert_eq!(chinese_number("零"), None);
        assert_eq!(chinese_number("一十"), None);
        assert_eq!(chinese_number("百"), None);
    }
}
