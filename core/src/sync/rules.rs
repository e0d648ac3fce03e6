//! The domain's rules, held against every change a bundle brings before it
//! is written: a trusted laptop in the wrong hands must not be able to do by
//! file what the app refuses on screen.
//!
//! - what a column may hold and which columns may change at all
//!   ([`crate::records`]): sizes, vocabularies, dates; a catalog version,
//!   the audit trail and the problem history never change or go;
//! - a problem's status moves only by the steps of its lifecycle
//!   ([`crate::problem::lifecycle`]): each change of status comes with the
//!   events that make it (the same transaction: same chain, same stamp), each
//!   event a legal step from the status it replaced;
//! - a signed inspection changes only by a correction with a reason
//!   (an `amendment` in the same transaction), is never set back to a draft
//!   and never deleted.
//!
//! Checks that need no state run as each operation is read ([`Rules::see`]);
//! the rest run once every operation of the bundle is stored ([`Rules::check`]).

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;

use super::conflicts::record_name;
use super::ops::{Op, OpKind};
use crate::problem::{lifecycle, EventKind, Status};
use crate::records;
use crate::Lang;

/// A refusal: the line of the operation, and what it breaks in both languages.
pub(super) type Refusal = (u32, String, String);

/// A transaction of another laptop: the operations of one chain under one stamp.
type TxKey = (String, String);

struct StatusChange {
    row: String,
    tx: TxKey,
    value: String,
    bases: Vec<String>,
    line: u32,
}

/// A change to an inspection or what belongs to it (its items, photos, suggestions).
struct InspectionChange {
    inspection: String,
    item: Option<String>,
    tx: TxKey,
    seq: i64,
    line: u32,
    /// The record, as (table, row): named only when it is refused, since a
    /// bundle holds a hundred thousand of these.
    record: (&'static str, String),
    delete: bool,
    /// A change of the inspection's own particulars, not of its contents.
    header: bool,
}

#[derive(Default)]
pub(super) struct Rules {
    problem_status: Vec<StatusChange>,
    inspection_status: Vec<StatusChange>,
    inspection_changes: Vec<InspectionChange>,
    /// Evidence rows deleted: their inspection is found from their insert.
    evidence_deleted: Vec<(String, TxKey, i64, u32)>,
    /// Events of each transaction: (problem, from, to).
    events: HashMap<TxKey, Vec<(String, Option<Status>, Option<Status>)>>,
    /// Corrections of each transaction: (inspection, item, reason).
    amendments: HashMap<TxKey, Vec<(String, String, String)>>,
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn label(table: &str, row: &str) -> String {
    format!("{}“{}”", record_name(table), crate::text::printable(row))
}

impl Rules {
    /// Looks at one operation of the bundle. `new`: not here before, so the
    /// rules apply to it; known ones only tell what their transaction did.
    pub(super) fn see(&mut self, op: &Op, new: bool, line: u32) -> Result<(), (String, String)> {
        let tx: TxKey = (op.origin.clone(), op.hlc.clone());
        match (op.kind, op.tbl.as_str()) {
            (OpKind::Insert, "problem_event") => {
                let status = |k| text(&op.value, k).and_then(Status::from_slug);
                let (from, to) = (status("from_status"), status("to_status"));
                let kind = text(&op.value, "kind").and_then(EventKind::from_slug);
                if new && !kind.is_some_and(|k| lifecycle::event_is_legal(k, from, to)) {
                    let name = |s: Option<Status>| s.map(|s| s.label(Lang::Zh)).unwrap_or("（无）");
                    return Err((
                        format!(
                            "{}记录了“{}”，从“{}”到“{}”，这不是整改流程中的步骤",
                            label("problem_event", &op.row),
                            kind.map(|k| k.label(Lang::Zh)).unwrap_or("未知步骤"),
                            name(from),
                            name(to)
                        ),
                        format!("{} records a step that is not one of the problem lifecycle", op.row),
                    ));
                }
                if let Some(p) = text(&op.value, "problem_id") {
                    self.events.entry(tx.clone()).or_default().push((p.to_string(), from, to));
                }
            }
            (OpKind::Insert, "amendment") => {
                if let (Some(i), Some(c)) = (text(&op.value, "inspection_id"), text(&op.value, "item_code")) {
                    let reason = text(&op.value, "reason").unwrap_or("").trim().to_string();
                    self.amendments.entry(tx.clone()).or_default().push((i.to_string(), c.to_string(), reason));
                }
            }
            _ => {}
        }
        if !new {
            return Ok(());
        }
        let what = || label(&op.tbl, &op.row);
        match op.kind {
            OpKind::Insert => {
                let Value::Object(map) = &op.value else { return Ok(()) };
                for (col, v) in map {
                    records::check_value(&op.tbl, col, v).map_err(|b| (format!("{}的字段“{col}”{}", what(), b.zh), format!("{} field {col}: {}", op.row, b.en)))?;
                }
                let first = |want: &str, col: &str, zh: &str| -> Result<(), (String, String)> {
                    match text(&op.value, col) {
                        Some(v) if v != want => Err((format!("{}{zh}", what()), format!("{} cannot be made with {col} = {v}", op.row))),
                        _ => Ok(()),
                    }
                };
                match op.tbl.as_str() {
                    "problem" => first("pending", "status", "列入问题清单时须为“待整改”")?,
                    "inspection" => first("draft", "status", "开始时不能已是“已签字确认”")?,
                    _ => {}
                }
                self.note_inspection_change(op, &tx, line, false);
            }
            OpKind::Set => {
                let col = op.col.as_deref().unwrap_or("");
                if !records::may_change(&op.tbl, col) {
                    let p = records::policy(&op.tbl);
                    return Err((format!("{}的字段“{col}”不能修改：{}", what(), p.why_zh), format!("{} field {col} cannot change: {}", op.row, p.why_en)));
                }
                records::check_value(&op.tbl, col, &op.value).map_err(|b| (format!("{}的字段“{col}”{}", what(), b.zh), format!("{} field {col}: {}", op.row, b.en)))?;
                let change = || StatusChange {
                    row: op.row.clone(),
                    tx: tx.clone(),
                    value: op.value.as_str().unwrap_or("").to_string(),
                    bases: op.bases.clone(),
                    line,
                };
                match (op.tbl.as_str(), col) {
                    ("problem", "status") => self.problem_status.push(change()),
                    ("inspection", "status") => self.inspection_status.push(change()),
                    _ => {}
                }
                if !records::BOOKKEEPING.contains(&col) {
                    self.note_inspection_change(op, &tx, line, false);
                }
            }
            OpKind::Delete => {
                let p = records::policy(&op.tbl);
                if !p.deletable {
                    return Err((format!("{}不能删除：{}", what(), p.why_zh), format!("{} cannot be deleted: {}", op.row, p.why_en)));
                }
                if op.tbl == "evidence" {
                    self.evidence_deleted.push((op.row.clone(), tx, op.seq, line));
                }
            }
        }
        Ok(())
    }

    fn note_inspection_change(&mut self, op: &Op, tx: &TxKey, line: u32, delete: bool) {
        let (table, inspection, item, header) = match op.tbl.as_str() {
            "inspection" => ("inspection", Some(op.row.clone()), None, true),
            "inspection_item" => {
                let (i, c) = op.row.split_once('/').map(|(i, c)| (i.to_string(), c.to_string())).unzip();
                ("inspection_item", i, c, false)
            }
            t @ ("evidence" | "suggestion") => (
                if t == "evidence" { "evidence" } else { "suggestion" },
                text(&op.value, "inspection_id").map(str::to_string),
                text(&op.value, "item_code").map(str::to_string),
                false,
            ),
            _ => return,
        };
        if let Some(inspection) = inspection {
            // Its sign-off itself is the one change of the particulars a signed inspection has.
            if header && op.kind == OpKind::Insert {
                return;
            }
            self.inspection_changes.push(InspectionChange {
                inspection,
                item,
                tx: tx.clone(),
                seq: op.seq,
                line,
                record: (table, op.row.clone()),
                delete,
                header,
            });
        }
    }

    /// The checks that need what is stored: run once every operation of the
    /// bundle is in `sync_op`, before any row is written.
    pub(super) fn check(mut self, conn: &Connection) -> Result<(), Refusal> {
        let db = |e: rusqlite::Error| (0, format!("读取本机记录失败：{e}"), format!("reading this laptop's records failed: {e}"));
        // Deleted photos: which inspection they were on.
        for (row, tx, seq, line) in std::mem::take(&mut self.evidence_deleted) {
            let inspection: Option<String> = conn
                .query_row(
                    "SELECT json_extract(value, '$.inspection_id') FROM sync_op WHERE tbl = 'evidence' AND row_id = ?1 AND kind = 'insert' LIMIT 1",
                    [&row],
                    |r| r.get(0),
                )
                .optional()
                .map_err(db)?
                .flatten();
            if let Some(inspection) = inspection {
                self.inspection_changes.push(InspectionChange { inspection, item: None, tx, seq, line, record: ("evidence", row), delete: true, header: false });
            }
        }

        for c in &self.problem_status {
            let replaced = replaced_values(conn, "problem", &c.row, "status", &c.bases, "pending").map_err(db)?;
            // Settling a conflict keeps one of the values it had.
            if c.bases.len() > 1 && replaced.contains(&c.value) {
                continue;
            }
            let edges: Vec<(Option<Status>, Option<Status>)> = match self.events.get(&c.tx) {
                Some(list) => list.iter().filter(|(p, _, _)| *p == c.row).map(|(_, f, t)| (*f, *t)).collect(),
                None => Vec::new(),
            };
            let want = Status::from_slug(&c.value);
            // Bases this laptop does not hold: the events alone must lead there.
            let starts: Vec<Option<Status>> = if replaced.is_empty() {
                edges.iter().map(|(f, _)| *f).collect()
            } else {
                replaced.iter().map(|r| Status::from_slug(r)).collect()
            };
            let reached = starts.iter().any(|from| reachable(*from, want, &edges));
            if !reached {
                let number: Option<String> = conn
                    .query_row("SELECT json_extract(value, '$.number') FROM sync_op WHERE tbl = 'problem' AND row_id = ?1 AND kind = 'insert' LIMIT 1", [&c.row], |r| r.get(0))
                    .optional()
                    .map_err(db)?
                    .flatten();
                let shown = |s: &str| Status::from_slug(s).map(|s| s.label(Lang::Zh).to_string()).unwrap_or_else(|| s.to_string());
                let from = replaced.first().map(|r| shown(r)).unwrap_or_default();
                return Err((
                    c.line,
                    format!(
                        "问题 {} 的“状态”由“{from}”改为“{}”，但同一次修改中没有相应的整改步骤（如核验）：问题只能按“待整改 → 整改中 → 已整改待核验 → 已销号”推进，销号须经核验",
                        number.as_deref().unwrap_or(&c.row),
                        shown(&c.value)
                    ),
                    format!("problem {} moves from {from} to {} without the lifecycle step that does so (a verification, say); refused", number.as_deref().unwrap_or(&c.row), c.value),
                ));
            }
        }

        for c in &self.inspection_status {
            let replaced = replaced_values(conn, "inspection", &c.row, "status", &c.bases, "draft").map_err(db)?;
            let settled_conflict = c.bases.len() > 1 && replaced.contains(&c.value);
            if !settled_conflict && (c.value != "signed" || replaced.iter().any(|r| r != "draft")) {
                return Err((
                    c.line,
                    format!("{}已签字确认，不能改回“检查中”或重新签字；如需更正，须逐项说明理由", label("inspection", &c.row)),
                    format!("inspection {} is signed: it cannot return to draft or be signed again; corrections carry a reason", c.row),
                ));
            }
        }

        let mut signed_at: HashMap<String, Option<(String, String, i64)>> = HashMap::new();
        for c in &self.inspection_changes {
            if !signed_at.contains_key(&c.inspection) {
                let s: Option<(String, String, i64)> = conn
                    .query_row(
                        "SELECT hlc, origin, seq FROM sync_op WHERE tbl = 'inspection' AND row_id = ?1 AND kind = 'set' AND col = 'status' AND value = 'signed'
                         ORDER BY hlc, origin, seq LIMIT 1",
                        [&c.inspection],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .optional()
                    .map_err(db)?;
                signed_at.insert(c.inspection.clone(), s);
            }
            let Some((sign_hlc, sign_origin, sign_seq)) = &signed_at[&c.inspection] else { continue };
            let (origin, hlc) = &c.tx;
            // After the sign-off: a later stamp, or later in the signing laptop's own
            // chain (a change cannot hide in the sign-off by taking its stamp).
            let after = hlc > sign_hlc || (origin == sign_origin && c.seq > *sign_seq);
            if !after {
                continue;
            }
            let corrected = !c.header
                && !c.delete
                && self.amendments.get(&c.tx).is_some_and(|list| {
                    list.iter().any(|(i, item, reason)| *i == c.inspection && !reason.is_empty() && c.item.as_ref().is_none_or(|code| code == item))
                });
            if !corrected {
                let what = label(c.record.0, &c.record.1);
                return Err((
                    c.line,
                    format!(
                        "{}属于已签字确认的检查“{}”：签字后只能逐项更正并说明理由（更正记录），不能直接修改或删除",
                        what,
                        crate::text::printable(&c.inspection)
                    ),
                    format!("{} belongs to the signed inspection {}: after sign-off it changes only by a correction with a reason", c.record.1, c.inspection),
                ));
            }
        }
        Ok(())
    }
}

/// The values a change replaced: those of its bases, or the row's first
/// insert (`default` when the insert did not name the column). Empty when
/// its bases are not here (a partial bundle left them out).
fn replaced_values(conn: &Connection, table: &str, row: &str, col: &str, bases: &[String], default: &str) -> rusqlite::Result<Vec<String>> {
    if bases.is_empty() {
        let v: Option<Option<String>> = conn
            .query_row(
                &format!("SELECT json_extract(value, '$.{col}') FROM sync_op WHERE tbl = ?1 AND row_id = ?2 AND kind = 'insert' ORDER BY hlc LIMIT 1"),
                [table, row],
                |r| r.get(0),
            )
            .optional()?;
        return Ok(vec![v.flatten().unwrap_or_else(|| default.to_string())]);
    }
    let mut out: Vec<String> = Vec::new();
    let mut st = conn.prepare_cached("SELECT value FROM sync_op WHERE id = ?1")?;
    for b in bases {
        if let Some(v) = st.query_row([b], |r| r.get::<_, String>(0)).optional()? {
            if !out.contains(&v) {
                out.push(v);
            }
        }
    }
    Ok(out)
}

/// Whether the events of one transaction lead from one status to another.
fn reachable(from: Option<Status>, to: Option<Status>, edges: &[(Option<Status>, Option<Status>)]) -> bool {
    let mut seen = vec![from];
    let mut frontier = vec![from];
    while let Some(at) = frontier.pop() {
        for (f, t) in edges {
            if *f == at {
                if *t == to {
                    return true;
                }
                if !seen.contains(t) {
                    seen.push(*t);
                    frontier.push(*t);
                }
            }
        }
    }
    false
}
