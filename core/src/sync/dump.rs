//! The canonical dump: every table that travels, every row in key order,
//! every column, plus the open conflicts — the logical content of a database,
//! independent of the laptop, the file layout and the order things arrived
//! in. Two databases that agree on it hold the same data.

use std::collections::BTreeMap;

use serde_json::Value;

use super::conflicts;
use super::ops::sql_to_json;
use super::schema::{self, SYNCED};
use crate::db::Db;
use crate::error::Result;

pub fn dump(db: &Db) -> Result<Value> {
    let conn = db.conn();
    let mut tables = serde_json::Map::new();
    for s in SYNCED {
        let cols = schema::columns(conn, s.table)?;
        let mut st = conn.prepare(&format!("SELECT {} FROM {} ORDER BY {}", cols.join(", "), s.table, s.key.join(", ")))?;
        let mut rows = st.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let mut row = BTreeMap::new();
            for (i, c) in cols.iter().enumerate() {
                row.insert(c.clone(), sql_to_json(r.get_ref(i)?)?);
            }
            out.push(Value::Object(row.into_iter().collect()));
        }
        tables.insert(s.table.to_string(), Value::Array(out));
    }
    let conflicts: Vec<Value> = conflicts::list(db)?
        .into_iter()
        .map(|c| {
            let mut heads: Vec<String> = c.heads.iter().map(|h| h.op_id.clone()).collect();
            heads.sort();
            serde_json::json!({ "table": c.table, "row": c.row, "field": c.field, "heads": heads })
        })
        .collect();
    Ok(serde_json::json!({ "tables": tables, "conflicts": conflicts }))
}
