//! Operations and how a row's current state follows from them.
//!
//! A row exists when the newest of its inserts and deletes is an insert. Its
//! values are those of its first insert since the last delete, overlaid by
//! the current value of each field: the `set` operation that no later one
//! replaced (the heads of the field), the newest of them when there are
//! several. Several heads with different values are a conflict: both stay, the
//! newest is shown, and a person resolves it with a change that replaces them
//! all. Everything here is a function of the set of operations, so the order
//! in which they arrived does not matter and receiving one twice changes
//! nothing.

use std::collections::BTreeMap;

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::schema::{self, Synced};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    Insert,
    Set,
    Delete,
}

impl OpKind {
    pub fn slug(self) -> &'static str {
        match self {
            OpKind::Insert => "insert",
            OpKind::Set => "set",
            OpKind::Delete => "delete",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "insert" => OpKind::Insert,
            "set" => OpKind::Set,
            "delete" => OpKind::Delete,
            _ => return None,
        })
    }
}

/// One operation as it travels: a line of `ops.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Op {
    pub id: String,
    pub origin: String,
    pub seq: i64,
    pub hlc: String,
    pub tbl: String,
    pub row: String,
    pub kind: OpKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub col: Option<String>,
    /// `set`: the new value; `insert`: the row as an object; `delete`: null.
    #[serde(default)]
    pub value: Value,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bases: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub actor: String,
}

impl Op {
    /// The order "newer" means: clock stamp, then device, then sequence.
    pub fn order_key(&self) -> (&str, &str, i64) {
        (&self.hlc, &self.origin, self.seq)
    }
}

pub const OP_COLUMNS: &str = "id, origin, seq, hlc, tbl, row_id, kind, col, value, bases, actor";

pub fn op_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Op> {
    let kind: String = r.get("kind")?;
    let kind = OpKind::parse(&kind).ok_or_else(|| conversion(format!("unknown op kind {kind}")))?;
    let raw = r.get_ref("value")?;
    let value = match kind {
        OpKind::Insert => {
            let text = raw.as_str().map_err(|e| conversion(e.to_string()))?;
            serde_json::from_str(text).map_err(|e| conversion(e.to_string()))?
        }
        _ => sql_to_json(raw).map_err(|e| conversion(e.to_string()))?,
    };
    let bases: String = r.get("bases")?;
    Ok(Op {
        id: r.get("id")?,
        origin: r.get("origin")?,
        seq: r.get("seq")?,
        hlc: r.get("hlc")?,
        tbl: r.get("tbl")?,
        row: r.get("row_id")?,
        kind,
        col: r.get("col")?,
        value,
        bases: serde_json::from_str(&bases).map_err(|e| conversion(e.to_string()))?,
        actor: r.get("actor")?,
    })
}

/// Reads an operation as it is sent: like [`op_from_row`], except that an
/// insert's row stays the text it is stored as (the value is left null), for
/// the bundle and the operation's hash to carry byte for byte.
pub fn wire_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Op, Option<String>)> {
    let kind: String = r.get("kind")?;
    let kind = OpKind::parse(&kind).ok_or_else(|| conversion(format!("unknown op kind {kind}")))?;
    let (value, insert_text) = match kind {
        OpKind::Insert => (Value::Null, Some(r.get::<_, String>("value")?)),
        _ => (sql_to_json(r.get_ref("value")?).map_err(|e| conversion(e.to_string()))?, None),
    };
    let bases: String = r.get("bases")?;
    let op = Op {
        id: r.get("id")?,
        origin: r.get("origin")?,
        seq: r.get("seq")?,
        hlc: r.get("hlc")?,
        tbl: r.get("tbl")?,
        row: r.get("row_id")?,
        kind,
        col: r.get("col")?,
        value,
        bases: serde_json::from_str(&bases).map_err(|e| conversion(e.to_string()))?,
        actor: r.get("actor")?,
    };
    Ok((op, insert_text))
}

/// A line of `ops.jsonl` as an export writes it: the fields of [`Op`] in its
/// order, an insert's row as the stored text.
#[derive(Serialize)]
pub struct OutLine<'a> {
    pub id: &'a str,
    pub origin: &'a str,
    pub seq: i64,
    pub hlc: &'a str,
    pub tbl: &'a str,
    pub row: &'a str,
    pub kind: OpKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub col: Option<&'a str>,
    pub value: Box<serde_json::value::RawValue>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub bases: &'a [String],
    #[serde(skip_serializing_if = "str::is_empty")]
    pub actor: &'a str,
}

impl<'a> OutLine<'a> {
    pub fn new(op: &'a Op, insert_text: Option<&str>) -> Result<OutLine<'a>> {
        let text = match insert_text {
            Some(t) => t.to_string(),
            None => op.value.to_string(),
        };
        let value = serde_json::value::RawValue::from_string(text)
            .map_err(|e| Error::Internal(format!("operation {} holds no JSON row: {e}", op.id)))?;
        Ok(OutLine {
            id: &op.id,
            origin: &op.origin,
            seq: op.seq,
            hlc: &op.hlc,
            tbl: &op.tbl,
            row: &op.row,
            kind: op.kind,
            col: op.col.as_deref(),
            value,
            bases: &op.bases,
            actor: &op.actor,
        })
    }
}

fn conversion(msg: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, msg.into())
}

pub fn sql_to_json(v: ValueRef<'_>) -> Result<Value> {
    Ok(match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(f) => serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null),
        ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(_) => return Err(Error::Internal("a synced column holds a blob".into())),
    })
}

/// A JSON scalar as SQLite stores it; objects and arrays are not values.
pub fn json_to_sql(v: &Value) -> Option<SqlValue> {
    Some(match v {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(*b as i64),
        Value::Number(n) => match n.as_i64() {
            Some(i) if !n.is_f64() => SqlValue::Integer(i),
            _ => SqlValue::Real(n.as_f64()?),
        },
        Value::String(s) => SqlValue::Text(s.clone()),
        Value::Array(_) | Value::Object(_) => return None,
    })
}

/// Stores an operation (with `bundle_id`) and its replaced-by links.
/// Returns false when an identical operation is already here.
pub(crate) fn store(conn: &Connection, op: &Op, bundle_id: Option<&str>) -> Result<StoreOutcome> {
    OpStore::new(conn)?.store(op, None, None, bundle_id)
}

/// An operation's hash and the chain value after it (see [`super::chain`]).
pub(crate) type Proof<'a> = (&'a super::chain::Hash, &'a super::chain::Hash);

/// The statements that store operations, prepared once for an import of
/// thousands: taking them from the statement cache for each operation (a
/// hash of the SQL text each way) was a measurable share of the import.
pub(crate) struct OpStore<'c> {
    insert: rusqlite::CachedStatement<'c>,
    link: rusqlite::CachedStatement<'c>,
    drop_head: rusqlite::CachedStatement<'c>,
    add_head: rusqlite::CachedStatement<'c>,
    existing: rusqlite::CachedStatement<'c>,
    prove: rusqlite::CachedStatement<'c>,
}

impl<'c> OpStore<'c> {
    pub(crate) fn new(conn: &'c Connection) -> Result<Self> {
        Ok(OpStore {
            insert: conn.prepare_cached(
                "INSERT INTO sync_op (id, origin, seq, hlc, tbl, row_id, kind, col, value, bases, actor, bundle_id, hash, chain)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) ON CONFLICT DO NOTHING",
            )?,
            link: conn.prepare_cached("INSERT OR IGNORE INTO sync_succ (base_id, op_id) VALUES (?1, ?2)")?,
            drop_head: conn
                .prepare_cached("DELETE FROM sync_head WHERE tbl = ?1 AND row_id = ?2 AND col = ?3 AND op_id = ?4")?,
            add_head: conn.prepare_cached(
                "INSERT INTO sync_head (tbl, row_id, col, op_id) SELECT ?1, ?2, ?3, ?4
                 WHERE NOT EXISTS (SELECT 1 FROM sync_succ WHERE base_id = ?4)",
            )?,
            existing: conn.prepare_cached(&format!("SELECT {OP_COLUMNS}, bundle_id, hash FROM sync_op WHERE id = ?1"))?,
            prove: conn.prepare_cached("UPDATE sync_op SET hash = ?2, chain = ?3 WHERE id = ?1")?,
        })
    }

    /// Stores `op`; `insert_json` is an insert's row as the JSON text it
    /// arrived in (the same object as `op.value`), so it is not written out
    /// again. `proof` is its checked hash and chain value; an operation here
    /// already without them (received before chains existed) gets them now.
    pub(crate) fn store(
        &mut self,
        op: &Op,
        insert_json: Option<&str>,
        proof: Option<Proof<'_>>,
        bundle_id: Option<&str>,
    ) -> Result<StoreOutcome> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        let value = match (op.kind, insert_json) {
            (OpKind::Insert, Some(text)) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            (OpKind::Insert, None) => ToSqlOutput::Owned(SqlValue::Text(op.value.to_string())),
            _ => ToSqlOutput::Owned(
                json_to_sql(&op.value).ok_or_else(|| Error::Internal("op value is not a scalar".into()))?,
            ),
        };
        let bases = if op.bases.is_empty() {
            "[]".to_string()
        } else {
            serde_json::to_string(&op.bases).expect("strings serialise")
        };
        let inserted = self.insert.execute(params![
            op.id,
            op.origin,
            op.seq,
            op.hlc,
            op.tbl,
            op.row,
            op.kind.slug(),
            op.col,
            value,
            bases,
            op.actor,
            bundle_id,
            proof.map(|p| p.0.as_slice()),
            proof.map(|p| p.1.as_slice()),
        ])?;
        if inserted == 0 {
            // Here already (by id, or by device and number): the same, or a forgery.
            let existing = self
                .existing
                .query_row(params![op.id], |r| {
                    Ok((op_from_row(r)?, r.get::<_, Option<String>>("bundle_id")?, r.get::<_, Option<Vec<u8>>>("hash")?))
                })
                .optional()?;
            return Ok(match existing {
                Some((here, bundle_id, hash)) if &here == op => {
                    if let (None, Some((h, c))) = (hash, proof) {
                        self.prove.execute(params![op.id, h.as_slice(), c.as_slice()])?;
                    }
                    StoreOutcome::Known { bundle_id }
                }
                _ => StoreOutcome::Differs,
            });
        }
        for base in &op.bases {
            self.link.execute([base, &op.id])?;
        }
        if let (OpKind::Set, Some(col)) = (op.kind, &op.col) {
            // What it replaced is no longer current; it is current unless a later
            // change that replaced it arrived first.
            for base in &op.bases {
                self.drop_head.execute(params![op.tbl, op.row, col, base])?;
            }
            self.add_head.execute(params![op.tbl, op.row, col, op.id])?;
        }
        Ok(StoreOutcome::New)
    }
}

#[derive(Debug)]
pub(crate) enum StoreOutcome {
    New,
    /// Here already, brought by `bundle_id` (None: made here).
    Known { bundle_id: Option<String> },
    Differs,
}

/// What writing a row's state did to the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Inserted,
    Updated,
    Deleted,
    Unchanged,
    /// Changes arrived for a row whose insert is not here.
    Unknown,
}

/// One current value of a field, and who set it when.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Head {
    pub op_id: String,
    pub origin: String,
    pub hlc: String,
    pub actor: String,
    #[ts(type = "string | number | null")]
    pub value: Value,
}

/// The state of one row as its operations say.
#[derive(Debug, Clone)]
pub struct RowState {
    pub exists: bool,
    pub values: BTreeMap<String, Value>,
    /// Columns whose current value is contested (more than one distinct head), newest first.
    pub conflicts: BTreeMap<String, Vec<Head>>,
}

type Stamp = (String, String, i64);

/// Computes a row's state from its operations; None when no insert is known.
pub fn row_state(conn: &Connection, s: &Synced, row_id: &str) -> Result<Option<RowState>> {
    let mut st = conn.prepare_cached(ROW_OPS)?;
    match read_row(&mut st, s, row_id, None)? {
        Read::State(state) => Ok(state),
        Read::Settled => unreachable!("settled is only asked of an import"),
    }
}

/// One pass over a row's operations: its inserts and deletes, and the
/// `set`s that nothing replaced (the heads).
const ROW_OPS: &str = "SELECT kind, value, hlc, origin, seq, col, id, actor, bundle_id FROM sync_op
     WHERE tbl = ?1 AND row_id = ?2 AND col IS NULL
     UNION ALL
     SELECT o.kind, o.value, o.hlc, o.origin, o.seq, o.col, o.id, o.actor, o.bundle_id
     FROM sync_head h JOIN sync_op o ON o.id = h.op_id
     WHERE h.tbl = ?1 AND h.row_id = ?2";

/// What [`read_row`] read: the row's state, or that it is settled.
enum Read {
    State(Option<RowState>),
    /// Only inserts arrived from the bundle asked about, an older insert was
    /// here already and no delete: the earliest insert still decides, so the
    /// row stays as it is. (Laptops that each loaded the same reference data
    /// send it in every bundle.)
    Settled,
}

/// Reads a row's operations with the statement of [`ROW_OPS`] prepared by the
/// caller; with `only_inserts_from`, a row that bundle
/// brought nothing but inserts to, and that they leave as it is, is
/// [`Read::Settled`] without its state being computed.
fn read_row(st: &mut rusqlite::Statement<'_>, s: &Synced, row_id: &str, only_inserts_from: Option<&str>) -> Result<Read> {
    // (is an insert, its row, stamp, brought by the bundle asked about)
    let mut life: Vec<(bool, Option<String>, Stamp, bool)> = Vec::new();
    let mut sets: Vec<(String, Stamp, Head)> = Vec::new();
    let mut rows = st.query([s.table, row_id])?;
    while let Some(r) = rows.next()? {
        let kind: String = r.get(0)?;
        let stamp: Stamp = (r.get(2)?, r.get(3)?, r.get(4)?);
        let bundle = r.get_ref(8)?;
        let from_asked = only_inserts_from.is_some_and(|b| matches!(bundle, ValueRef::Text(t) if t == b.as_bytes()));
        match kind.as_str() {
            "insert" => life.push((true, Some(r.get(1)?), stamp, from_asked)),
            "delete" => life.push((false, None, stamp, from_asked)),
            _ => {
                let head = Head {
                    op_id: r.get(6)?,
                    origin: stamp.1.clone(),
                    hlc: stamp.0.clone(),
                    actor: r.get(7)?,
                    value: sql_to_json(r.get_ref(1)?)?,
                };
                sets.push((r.get(5)?, stamp, head));
            }
        }
    }
    life.sort_by(|a, b| a.2.cmp(&b.2));
    if only_inserts_from.is_some() && life.iter().all(|l| l.0) && life.first().is_some_and(|first| !first.3) {
        return Ok(Read::Settled);
    }
    let Some(last) = life.last() else { return Ok(Read::State(None)) };
    let cutoff: Option<Stamp> = life.iter().rev().find(|l| !l.0).map(|l| l.2.clone());
    if !last.0 {
        return Ok(Read::State(Some(RowState { exists: false, values: BTreeMap::new(), conflicts: BTreeMap::new() })));
    }
    let first_insert = life
        .iter()
        .find(|(insert, _, stamp, _)| *insert && cutoff.as_ref().is_none_or(|c| stamp > c))
        .expect("the newest is an insert after the cutoff");
    let mut values: BTreeMap<String, Value> =
        match serde_json::from_str(first_insert.1.as_deref().unwrap_or("{}")).map_err(|e| Error::Internal(e.to_string()))? {
            Value::Object(m) => m.into_iter().collect(),
            _ => return Err(Error::Internal(format!("insert of {} {row_id} is not an object", s.table))),
        };

    let mut heads_of: BTreeMap<String, Vec<(Stamp, Head)>> = BTreeMap::new();
    for (col, stamp, head) in sets {
        if cutoff.as_ref().is_some_and(|c| &stamp <= c) {
            continue;
        }
        heads_of.entry(col).or_default().push((stamp, head));
    }
    let mut conflicts = BTreeMap::new();
    for (col, mut heads) in heads_of {
        heads.sort_by(|a, b| b.0.cmp(&a.0));
        values.insert(col.clone(), heads[0].1.value.clone());
        let distinct = heads.iter().any(|(_, h)| h.value != heads[0].1.value);
        if distinct && !schema::is_bookkeeping(&col) {
            conflicts.insert(col, heads.into_iter().map(|(_, h)| h).collect());
        }
    }
    Ok(Read::State(Some(RowState { exists: true, values, conflicts })))
}

/// The WHERE clause and parameters that find a row by its `row_id`.
pub fn key_filter(s: &Synced, row_id: &str) -> Result<(String, Vec<SqlValue>)> {
    let clause = s.key.iter().enumerate().map(|(i, k)| format!("{k} = ?{}", i + 1)).collect::<Vec<_>>().join(" AND ");
    let values = match s.key {
        [_] => vec![SqlValue::Text(row_id.to_string())],
        many => {
            let parts: Vec<Value> = serde_json::from_str(row_id)
                .map_err(|_| Error::Internal(format!("row id {row_id} of {} is not a key array", s.table)))?;
            if parts.len() != many.len() {
                return Err(Error::Internal(format!("row id {row_id} of {} has the wrong number of keys", s.table)));
            }
            parts.iter().map(|v| json_to_sql(v).unwrap_or(SqlValue::Null)).collect()
        }
    };
    Ok((clause, values))
}

/// Reads a row as it is in its table now.
pub fn current_row(conn: &Connection, s: &Synced, cols: &[String], row_id: &str) -> Result<Option<BTreeMap<String, Value>>> {
    let (clause, keys) = key_filter(s, row_id)?;
    let sql = format!("SELECT {} FROM {} WHERE {clause}", cols.join(", "), s.table);
    let mut st = conn.prepare_cached(&sql)?;
    let mut rows = st.query(rusqlite::params_from_iter(keys.iter()))?;
    let Some(r) = rows.next()? else { return Ok(None) };
    let mut out = BTreeMap::new();
    for (i, c) in cols.iter().enumerate() {
        out.insert(c.clone(), sql_to_json(r.get_ref(i)?)?);
    }
    Ok(Some(out))
}

/// Makes the table agree with the row's operations. The caller has set
/// `sync_state.applying` so these writes are not recorded again.
pub fn materialize(conn: &Connection, s: &Synced, cols: &[String], row_id: &str) -> Result<Effect> {
    Ok(materialize_counting(conn, s, cols, row_id)?.0)
}

/// [`materialize`], also saying how many fields of the row are in conflict.
pub fn materialize_counting(conn: &Connection, s: &Synced, cols: &[String], row_id: &str) -> Result<(Effect, usize)> {
    Merger::new(conn)?.materialize_counting(s, cols, row_id)
}

/// Materializes many rows in a row (an import), with its statements prepared
/// once: the row query, and an INSERT per table and set of columns present
/// (an import writes thousands of rows of a few shapes; building and looking
/// up the statement text for each was a measurable share of it).
pub struct Merger<'c> {
    conn: &'c Connection,
    row_ops: rusqlite::CachedStatement<'c>,
    inserts: std::collections::HashMap<(&'static str, usize, u64), rusqlite::CachedStatement<'c>>,
}

impl<'c> Merger<'c> {
    pub fn new(conn: &'c Connection) -> Result<Self> {
        Ok(Merger { conn, row_ops: conn.prepare_cached(ROW_OPS)?, inserts: Default::default() })
    }

    /// See [`materialize_counting`].
    pub fn materialize_counting(&mut self, s: &Synced, cols: &[String], row_id: &str) -> Result<(Effect, usize)> {
        self.merge(s, cols, row_id, None)
    }

    /// [`Self::materialize_counting`] of a row that the bundle `bundle_id`
    /// brought only inserts to: when an older insert was here already (and no
    /// delete), the row is left as it is and `Unchanged`, without being re-derived.
    pub fn materialize_inserted(&mut self, s: &Synced, cols: &[String], row_id: &str, bundle_id: &str) -> Result<(Effect, usize)> {
        self.merge(s, cols, row_id, Some(bundle_id))
    }

    fn merge(&mut self, s: &Synced, cols: &[String], row_id: &str, only_inserts_from: Option<&str>) -> Result<(Effect, usize)> {
        let state = match read_row(&mut self.row_ops, s, row_id, only_inserts_from)? {
            Read::Settled => return Ok((Effect::Unchanged, 0)),
            Read::State(None) => return Ok((Effect::Unknown, 0)),
            Read::State(Some(state)) => state,
        };
        let conflicts = state.conflicts.len();
        Ok((self.write_state(s, cols, row_id, state)?, conflicts))
    }

    /// Inserts the row as `values` has it; false when its key is taken (the
    /// row is here), any other clash is an error.
    fn try_insert(&mut self, s: &Synced, cols: &[String], values: &BTreeMap<String, Value>) -> Result<bool> {
        let present: Vec<&String> = cols.iter().filter(|c| values.contains_key(*c)).collect();
        let params: Vec<SqlValue> =
            present.iter().map(|c| json_to_sql(&values[*c]).unwrap_or(SqlValue::Null)).collect();
        let params = rusqlite::params_from_iter(params.iter());
        let inserted = match column_mask(cols, &present) {
            Some(mask) => {
                let st = match self.inserts.entry((s.table, cols.len(), mask)) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(self.conn.prepare_cached(&insert_sql(s, &present))?)
                    }
                };
                st.execute(params)?
            }
            None => self.conn.prepare_cached(&insert_sql(s, &present))?.execute(params)?,
        };
        Ok(inserted > 0)
    }

    fn write_state(&mut self, s: &Synced, cols: &[String], row_id: &str, state: RowState) -> Result<Effect> {
        let conn = self.conn;
        if !state.exists {
            let (clause, keys) = key_filter(s, row_id)?;
            let gone = conn
                .prepare_cached(&format!("DELETE FROM {} WHERE {clause}", s.table))?
                .execute(rusqlite::params_from_iter(keys.iter()))?;
            return Ok(if gone > 0 { Effect::Deleted } else { Effect::Unchanged });
        }
        // Most rows a bundle brings are new here: try that first. Only a clash on
        // the row's own key falls through to the update; any other clash is an error.
        if self.try_insert(s, cols, &state.values)? {
            return Ok(Effect::Inserted);
        }
        let (clause, keys) = key_filter(s, row_id)?;
        let now = current_row(conn, s, cols, row_id)?
            .ok_or_else(|| Error::Internal(format!("{} {row_id} neither inserted nor found", s.table)))?;
        let changed: Vec<&String> = cols
            .iter()
            .filter(|c| !s.key.contains(&c.as_str()))
            .filter(|c| state.values.get(*c).is_some_and(|want| !same_value(want, &now[*c])))
            .collect();
        if changed.is_empty() {
            return Ok(Effect::Unchanged);
        }
        let n = keys.len();
        let sets =
            changed.iter().enumerate().map(|(i, c)| format!("{c} = ?{}", n + i + 1)).collect::<Vec<_>>().join(", ");
        let mut values = keys;
        values.extend(changed.iter().map(|c| json_to_sql(&state.values[*c]).unwrap_or(SqlValue::Null)));
        conn.prepare_cached(&format!("UPDATE {} SET {sets} WHERE {clause}", s.table))?
            .execute(rusqlite::params_from_iter(values.iter()))?;
        // Written so that the laptops agree, but see STORED_AT: not an update to a person.
        if changed.iter().all(|c| schema::is_bookkeeping(c) || schema::STORED_AT.contains(&c.as_str())) {
            return Ok(Effect::Unchanged);
        }
        Ok(Effect::Updated)
    }
}

/// The INSERT of a row of `s` with the columns `present` (a subsequence of `cols`).
fn insert_sql(s: &Synced, present: &[&String]) -> String {
    format!(
        "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT({}) DO NOTHING",
        s.table,
        present.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "),
        (1..=present.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", "),
        s.key.join(", ")
    )
}

/// Which of `cols` are `present` (a subsequence of them), a bit each; `None`
/// beyond 64 columns.
fn column_mask(cols: &[String], present: &[&String]) -> Option<u64> {
    if cols.len() > 64 {
        return None;
    }
    let mut mask = 0u64;
    let mut next = present.iter().peekable();
    for (i, c) in cols.iter().enumerate() {
        if next.peek().is_some_and(|p| **p == c) {
            mask |= 1 << i;
            next.next();
        }
    }
    Some(mask)
}

/// 85 and 85.0 are the same score.
pub fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}
