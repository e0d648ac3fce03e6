//! The audit trail of one record: every change that reached this database,
//! from whichever laptop, with who, when, which field, from what to what, and
//! the bundle that brought it. Nothing here is ever rewritten.

use std::collections::HashMap;

use rusqlite::OptionalExtension;
use serde::Serialize;
use serde_json::Value;

use super::ops::{op_from_row, OpKind, OP_COLUMNS};
use super::schema;
use crate::db::Db;
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct HistoryEntry {
    pub op_id: String,
    /// Wall-clock time of the change (RFC 3339).
    pub at: String,
    pub device_id: String,
    pub device_name: String,
    pub actor: String,
    /// `insert`, `set` or `delete`.
    pub kind: String,
    pub field: Option<String>,
    #[ts(type = "string | number | null")]
    pub old_value: Value,
    #[ts(type = "string | number | null")]
    pub new_value: Value,
    /// The bundle file that brought it; None when it was made here.
    pub bundle: Option<String>,
}

/// A record's changes, oldest first.
pub fn history(db: &Db, table: &str, row: &str) -> Result<Vec<HistoryEntry>> {
    let s = schema::synced(table).ok_or_else(|| Error::refuse("table", format!("未知的记录类型“{table}”"), format!("unknown record type '{table}'")))?;
    let conn = db.conn();
    let mut names: HashMap<String, String> = HashMap::new();
    {
        let mut st = conn.prepare("SELECT device_id, name FROM sync_peer")?;
        for r in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (id, name) = r?;
            names.insert(id, name);
        }
        if let Some(roster) = super::roster::current(conn)? {
            for m in roster.roster.members {
                names.entry(m.device_id).or_insert(m.name);
            }
        }
        names.insert(db.device_id().to_string(), super::device::device_name(db)?);
    }
    let chains = super::device::chain_devices(conn)?;
    let prefixed: Vec<String> = OP_COLUMNS.split(", ").map(|c| format!("o.{c}")).collect();
    let mut st = conn.prepare(&format!(
        "SELECT {}, b.file_name FROM sync_op o LEFT JOIN sync_bundle b ON b.id = o.bundle_id
         WHERE o.tbl = ?1 AND o.row_id = ?2 ORDER BY o.hlc, o.origin, o.seq",
        prefixed.join(", ")
    ))?;
    let rows: Vec<(super::ops::Op, Option<String>)> = st
        .query_map([s.table, row], |r| Ok((op_from_row(r)?, r.get::<_, Option<String>>("file_name")?)))?
        .collect::<rusqlite::Result<_>>()?;
    if rows.is_empty() {
        return Err(Error::NotFound { what: "记录", key: format!("{table} {row}") });
    }
    let inserted: Option<Value> = rows.iter().find(|(o, _)| o.kind == OpKind::Insert).map(|(o, _)| o.value.clone());
    let mut out = Vec::new();
    for (op, bundle) in rows {
        let old_value = match (&op.kind, &op.col) {
            (OpKind::Set, Some(col)) if op.bases.is_empty() => {
                inserted.as_ref().and_then(|v| v.get(col)).cloned().unwrap_or(Value::Null)
            }
            (OpKind::Set, _) => {
                let mut olds = Vec::new();
                for b in &op.bases {
                    let v: Option<Value> = conn
                        .query_row(&format!("SELECT {OP_COLUMNS} FROM sync_op WHERE id = ?1"), [b], op_from_row)
                        .optional()?
                        .map(|o| o.value);
                    olds.extend(v);
                }
                if olds.len() == 1 { olds.pop().unwrap_or(Value::Null) } else { Value::Array(olds) }
            }
            _ => Value::Null,
        };
        out.push(HistoryEntry {
            at: crate::db::hlc::wall_time(&op.hlc).unwrap_or_default(),
            device_name: {
                let device = chains.get(&op.origin).unwrap_or(&op.origin);
                crate::text::printable(names.get(device).unwrap_or(device))
            },
            device_id: chains.get(&op.origin).cloned().unwrap_or_else(|| op.origin.clone()),
            actor: op.actor.clone(),
            kind: op.kind.slug().into(),
            field: op.col.clone(),
            old_value,
            new_value: op.value.clone(),
            bundle,
            op_id: op.id,
        });
    }
    Ok(out)
}
