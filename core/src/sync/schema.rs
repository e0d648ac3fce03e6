//! Which tables travel, and the triggers that turn every write to them into
//! operations in `sync_op`.
//!
//! The triggers are generated from the live schema (`PRAGMA table_info`), so a
//! column a later migration adds travels without anyone remembering to list
//! it. They are reinstalled whenever the generated text changes. Writes made
//! by the merge itself (`sync_state.applying = 1`) are not recorded again.
//! Local tables (`meta`, the `sync_*` tables) never travel.

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use crate::error::Result;

/// A table that travels and the columns that identify a row of it.
#[derive(Debug, Clone, Copy)]
pub struct Synced {
    pub table: &'static str,
    pub key: &'static [&'static str],
}

/// Every table that travels, parents before children: the order rows are
/// written in by the merge and listed in by the canonical dump.
pub const SYNCED: &[Synced] = &[
    Synced { table: "jurisdiction", key: &["id"] },
    Synced { table: "department", key: &["id"] },
    Synced { table: "duty", key: &["id"] },
    Synced { table: "catalog_version", key: &["id"] },
    Synced { table: "catalog_group", key: &["id"] },
    Synced { table: "catalog_item", key: &["id"] },
    Synced { table: "facility", key: &["id"] },
    Synced { table: "attachment", key: &["sha256"] },
    Synced { table: "inspection", key: &["id"] },
    Synced { table: "inspection_item", key: &["id"] },
    Synced { table: "evidence", key: &["id"] },
    Synced { table: "suggestion", key: &["id"] },
    Synced { table: "amendment", key: &["id"] },
    Synced { table: "change_log", key: &["id"] },
    Synced { table: "problem", key: &["id"] },
    Synced { table: "problem_finding", key: &["inspection_id", "item_code"] },
    Synced { table: "problem_event", key: &["id"] },
    Synced { table: "problem_evidence", key: &["id"] },
    Synced { table: "opinion", key: &["id"] },
    Synced { table: "evaluation", key: &["id"] },
    Synced { table: "study_mark", key: &["person", "document"] },
    Synced { table: "assignment", key: &["id"] },
];

/// Columns that say who touched a row last, or where the inspector's cursor
/// was: they follow the newest change and two values are never a conflict.
pub use crate::records::BOOKKEEPING;

/// Columns that say when a laptop stored a row (a catalog version is
/// "imported" when its laptop loaded it). Laptops that each loaded the same
/// reference data differ only in these and in the bookkeeping; the merge
/// makes them agree, but that is nothing a person would call an update.
pub const STORED_AT: &[&str] = &["created_at", "imported_at"];

pub fn synced(table: &str) -> Option<&'static Synced> {
    SYNCED.iter().find(|s| s.table == table)
}

pub fn is_bookkeeping(col: &str) -> bool {
    BOOKKEEPING.contains(&col)
}

/// The columns of a table, in schema order.
pub fn columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut st = conn.prepare(&format!("PRAGMA table_info({table})"))?;
    let cols = st.query_map([], |r| r.get::<_, String>(1))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(cols)
}

/// The SQL expression of a row's id in `sync_op.row_id`: the key column
/// itself, or a JSON array of the key columns when there are several.
pub fn row_id_expr(s: &Synced, alias: &str) -> String {
    match s.key {
        [one] => format!("{alias}.{one}"),
        many => format!("json_array({})", many.iter().map(|c| format!("{alias}.{c}")).collect::<Vec<_>>().join(", ")),
    }
}

fn snapshot_expr(cols: &[String], alias: &str) -> String {
    let pairs: Vec<String> = cols.iter().map(|c| format!("'{c}', {alias}.{c}")).collect();
    format!("json_object({})", pairs.join(", "))
}

/// The chain this laptop records in now (`sync_state.origin`, see [`super::chain`]) and its next number.
const NEXT_OP_ID: &str = "origin || ':' || printf('%012d', seq)";
const NOT_APPLYING: &str = "(SELECT applying FROM sync_state) = 0";
/// Who made a change: the actor a CLI run was given for its transaction
/// (`Db::set_actor`), else the app's user.
const ACTOR: &str =
    "coalesce((SELECT value FROM meta WHERE key = 'op_actor'), (SELECT value FROM meta WHERE key = 'user_name'), '')";

fn triggers_for(s: &Synced, cols: &[String]) -> String {
    let t = s.table;
    let mut sql = String::new();
    let new_row = row_id_expr(s, "new");
    sql.push_str(&format!(
        "CREATE TRIGGER sync_{t}_insert AFTER INSERT ON {t} WHEN {NOT_APPLYING}
BEGIN
  UPDATE sync_state SET seq = seq + 1;
  INSERT INTO sync_op (id, origin, seq, hlc, tbl, row_id, kind, col, value, bases, actor)
  SELECT {NEXT_OP_ID}, origin, seq, hlc, '{t}', {new_row}, 'insert', NULL, {snap}, '[]', {ACTOR} FROM sync_state;
END;
",
        snap = snapshot_expr(cols, "new")
    ));
    for c in cols.iter().filter(|c| !s.key.contains(&c.as_str())) {
        sql.push_str(&format!(
            "CREATE TRIGGER sync_{t}_set_{c} AFTER UPDATE OF {c} ON {t} WHEN old.{c} IS NOT new.{c} AND {NOT_APPLYING}
BEGIN
  UPDATE sync_state SET seq = seq + 1;
  INSERT INTO sync_succ (base_id, op_id)
  SELECT h.op_id, (SELECT {NEXT_OP_ID} FROM sync_state) FROM sync_head h
  WHERE h.tbl = '{t}' AND h.row_id = {new_row} AND h.col = '{c}';
  INSERT INTO sync_op (id, origin, seq, hlc, tbl, row_id, kind, col, value, bases, actor)
  SELECT {NEXT_OP_ID}, origin, seq, hlc, '{t}', {new_row}, 'set', '{c}', new.{c},
         (SELECT json_group_array(op_id) FROM (SELECT op_id FROM sync_head
            WHERE tbl = '{t}' AND row_id = {new_row} AND col = '{c}' ORDER BY op_id)),
         {ACTOR}
  FROM sync_state;
  DELETE FROM sync_head WHERE tbl = '{t}' AND row_id = {new_row} AND col = '{c}';
  INSERT INTO sync_head (tbl, row_id, col, op_id) SELECT '{t}', {new_row}, '{c}', {NEXT_OP_ID} FROM sync_state;
END;
"
        ));
    }
    sql.push_str(&format!(
        "CREATE TRIGGER sync_{t}_delete AFTER DELETE ON {t} WHEN {NOT_APPLYING}
BEGIN
  UPDATE sync_state SET seq = seq + 1;
  INSERT INTO sync_op (id, origin, seq, hlc, tbl, row_id, kind, col, value, bases, actor)
  SELECT {NEXT_OP_ID}, origin, seq, hlc, '{t}', {old_row}, 'delete', NULL, NULL, '[]', {ACTOR} FROM sync_state;
END;
",
        old_row = row_id_expr(s, "old")
    ));
    sql
}

fn trigger_names(conn: &Connection) -> Result<Vec<String>> {
    let mut st = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sync\\_%' ESCAPE '\\'")?;
    let names = st.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names)
}

/// Installs (or reinstalls, when the schema changed) the recording triggers,
/// and records every row that existed before sync did as an insert by this
/// device. Runs inside the caller's transaction.
pub fn install(conn: &Connection) -> Result<()> {
    let mut all = String::new();
    let mut per_table = Vec::new();
    for s in SYNCED {
        let cols = columns(conn, s.table)?;
        all.push_str(&triggers_for(s, &cols));
        per_table.push((s, cols));
    }
    let hash = hex::encode(Sha256::digest(all.as_bytes()));
    let installed: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'sync_triggers'", [], |r| r.get(0))
        .ok();
    if installed.as_deref() != Some(hash.as_str()) {
        for name in trigger_names(conn)? {
            conn.execute_batch(&format!("DROP TRIGGER {name};"))?;
        }
        conn.execute_batch(&all)?;
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('sync_triggers', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [&hash],
        )?;
    }
    let backfilled: bool =
        conn.query_row("SELECT EXISTS(SELECT 1 FROM meta WHERE key = 'sync_backfilled')", [], |r| r.get(0))?;
    if !backfilled {
        for (s, cols) in &per_table {
            backfill(conn, s, cols)?;
        }
        conn.execute("INSERT INTO meta (key, value) VALUES ('sync_backfilled', '1')", [])?;
    }
    Ok(())
}

/// Rows written before the sync schema existed become inserts of this device.
fn backfill(conn: &Connection, s: &Synced, cols: &[String]) -> Result<()> {
    let t = s.table;
    let row = row_id_expr(s, "t");
    conn.execute_batch(&format!(
        "INSERT INTO sync_op (id, origin, seq, hlc, tbl, row_id, kind, col, value, bases, actor)
         SELECT st.origin || ':' || printf('%012d', st.seq + n), st.origin, st.seq + n, st.hlc, '{t}', rid, 'insert', NULL, snap, '[]', ''
         FROM (SELECT row_number() OVER () AS n, {row} AS rid, {snap} AS snap FROM {t} t
               WHERE NOT EXISTS (SELECT 1 FROM sync_op o WHERE o.tbl = '{t}' AND o.row_id = {row} AND o.kind = 'insert')),
              sync_state st;
         UPDATE sync_state SET seq = coalesce((SELECT max(seq) FROM sync_op WHERE origin = sync_state.origin), 0);",
        snap = snapshot_expr(cols, "t")
    ))?;
    Ok(())
}
