//! The append-only change log: who (actor and device) changed which field of
//! which record, when, from what to what. It is the audit trail now and the
//! raw material of file sync later. The database refuses to update or delete
//! its rows (triggers in the schema).

use rusqlite::params;
use serde::Serialize;

use crate::db::{Db, Tx};
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Change {
    pub id: String,
    pub at: String,
    pub device_id: String,
    pub actor: String,
    pub entity: String,
    pub entity_id: String,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// Appends one change when the value really changed; returns whether it did.
pub fn record(
    tx: &Tx<'_>,
    actor: &str,
    entity: &str,
    entity_id: &str,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> Result<bool> {
    if old == new {
        return Ok(false);
    }
    tx.prepare_cached(
        "INSERT INTO change_log (id, at, device_id, actor, entity, entity_id, field, old_value, new_value)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![tx.new_id(), tx.now_text(), tx.device_id(), actor, entity, entity_id, field, old, new])?;
    Ok(true)
}

/// Changes of one record, oldest first.
pub fn history(db: &Db, entity: &str, entity_id: &str) -> Result<Vec<Change>> {
    let mut st = db.conn().prepare(
        "SELECT * FROM change_log WHERE entity = ?1 AND entity_id = ?2 ORDER BY at, id",
    )?;
    let rows = st.query_map([entity, entity_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every change made to anything belonging to an inspection, oldest first.
pub fn for_inspection(db: &Db, inspection_id: &str) -> Result<Vec<Change>> {
    let mut st = db.conn().prepare(
        "SELECT * FROM change_log
         WHERE (entity = 'inspection' AND entity_id = ?1)
            OR (entity IN ('inspection_item', 'evidence', 'suggestion') AND entity_id LIKE ?1 || '/%')
         ORDER BY at, id",
    )?;
    let rows = st.query_map([inspection_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Change> {
    Ok(Change {
        id: r.get("id")?,
        at: r.get("at")?,
        device_id: r.get("device_id")?,
        actor: r.get("actor")?,
        entity: r.get("entity")?,
        entity_id: r.get("entity_id")?,
        field: r.get("field")?,
        old_value: r.get("old_value")?,
        new_value: r.get("new_value")?,
    })
}
