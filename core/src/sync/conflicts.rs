//! Conflicts: fields that two laptops changed to different values without
//! either having seen the other's change. Both values are kept; the newer one
//! is shown until a person picks one, and that choice is itself a change that
//! travels, so every laptop ends up with the same answer.

use serde::Serialize;
use serde_json::Value;

use super::ops::{self, Head};
use super::schema::{self, Synced};
use crate::db::{Db, Tx};
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Conflict {
    pub table: String,
    /// The record kind in Chinese, for people.
    pub record: String,
    pub row: String,
    pub field: String,
    /// The competing values, newest (the one shown) first.
    pub heads: Vec<Head>,
}

/// Every open conflict, by table, row and field.
pub fn list(db: &Db) -> Result<Vec<Conflict>> {
    let conn = db.conn();
    let mut st = conn.prepare("SELECT tbl, row_id FROM sync_head GROUP BY tbl, row_id, col HAVING count(*) > 1")?;
    let mut candidates: Vec<(String, String)> =
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    candidates.sort_by(|a, b| (order(&a.0), &a.1).cmp(&(order(&b.0), &b.1)));
    candidates.dedup();
    let mut out = Vec::new();
    // A head's origin is the chain it was recorded in; people and the views
    // know devices, so each is named by the device the chain belongs to.
    let chains = super::device::chain_devices(conn)?;
    for (tbl, row) in candidates {
        let Some(s) = schema::synced(&tbl) else { continue };
        let Some(state) = ops::row_state(conn, s, &row)? else { continue };
        if !state.exists {
            continue;
        }
        for (field, mut heads) in state.conflicts {
            for h in &mut heads {
                if let Some(device) = chains.get(&h.origin) {
                    h.origin = device.clone();
                }
            }
            out.push(Conflict { table: tbl.clone(), record: record_name(&tbl).into(), row: row.clone(), field, heads });
        }
    }
    Ok(out)
}

fn order(table: &str) -> usize {
    schema::SYNCED.iter().position(|s| s.table == table).unwrap_or(usize::MAX)
}

/// Settles a conflict on the value of one of its heads: a new change that
/// replaces every head, written to the row at once.
pub fn resolve(db: &mut Db, table: &str, row: &str, field: &str, keep_op: &str) -> Result<()> {
    let s = schema::synced(table).ok_or_else(|| Error::NotFound { what: "冲突", key: format!("{table}/{row}/{field}") })?;
    let state = ops::row_state(db.conn(), s, row)?.filter(|st| st.exists);
    let heads = state
        .and_then(|st| st.conflicts.get(field).cloned())
        .ok_or_else(|| Error::NotFound { what: "冲突", key: format!("{table}/{row}/{field}") })?;
    let keep = heads
        .iter()
        .find(|h| h.op_id == keep_op)
        .ok_or_else(|| Error::refuse("keep", "所选的值不是该冲突的候选值", "the chosen value is not one of the conflict's values"))?
        .value
        .clone();
    let bases: Vec<String> = heads.iter().map(|h| h.op_id.clone()).collect();
    let cols = schema::columns(db.conn(), table)?;
    db.with_tx(|tx| {
        local_set(tx, s, row, field, &keep, &bases)?;
        tx.execute("UPDATE sync_state SET applying = 1", [])?;
        ops::materialize(tx, s, &cols, row)?;
        tx.execute("UPDATE sync_state SET applying = 0", [])?;
        Ok(())
    })
}

/// Records a change made here that replaces `bases`, as the triggers would.
fn local_set(tx: &Tx<'_>, s: &Synced, row: &str, field: &str, value: &Value, bases: &[String]) -> Result<()> {
    tx.execute("UPDATE sync_state SET seq = seq + 1", [])?;
    let (origin, seq, hlc): (String, i64, String) =
        tx.query_row("SELECT origin, seq, hlc FROM sync_state", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let actor: String = tx.meta_get("user_name")?.unwrap_or_default();
    let mut sorted = bases.to_vec();
    sorted.sort();
    let op = ops::Op {
        id: format!("{origin}:{seq:012}"),
        origin,
        seq,
        hlc,
        tbl: s.table.to_string(),
        row: row.to_string(),
        kind: ops::OpKind::Set,
        col: Some(field.to_string()),
        value: value.clone(),
        bases: sorted,
        actor,
    };
    ops::store(tx, &op, None)?;
    Ok(())
}

/// The record kinds in Chinese.
pub fn record_name(table: &str) -> &'static str {
    match table {
        "jurisdiction" => "行政区划",
        "department" => "部门",
        "duty" => "部门职责",
        "catalog_version" => "目录版本",
        "catalog_group" => "目录分组",
        "catalog_item" => "目录条目",
        "facility" => "机构",
        "attachment" => "附件",
        "inspection" => "检查",
        "inspection_item" => "检查条目",
        "evidence" => "证据",
        "suggestion" => "检查建议",
        "amendment" => "更正记录",
        "change_log" => "变更记录",
        "problem" => "问题",
        "problem_finding" => "问题与检查发现",
        "problem_event" => "问题进展",
        "problem_evidence" => "整改佐证",
        "opinion" => "意见建议",
        "evaluation" => "评价",
        "study_mark" => "学习记录",
        "assignment" => "任务分配",
        _ => "记录",
    }
}
