//! Importing a bundle: check its signature and its device, then, in one
//! transaction, store every operation that is new, write the current state of
//! every row they touch, and check that every reference holds. Any error rolls
//! all of it back. Importing the same operations again finds them all known
//! and changes nothing.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value;

use super::bundle::{self, refused, Opened};
use super::device::{self, fingerprint};
use super::hlc;
use super::ops::{self, Effect, Op, OpKind, StoreOutcome};
use super::schema::{self, Synced, SYNCED};
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::evidence::EvidenceStore;

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Trust the producing device if it is not trusted yet.
    pub trust: bool,
}

/// What an import did to one kind of record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct TableCounts {
    #[ts(type = "number")]
    pub new: u64,
    #[ts(type = "number")]
    pub updated: u64,
    #[ts(type = "number")]
    pub unchanged: u64,
    #[ts(type = "number")]
    pub deleted: u64,
    #[ts(type = "number")]
    pub conflicts: u64,
    /// Changes kept for a record whose creation has not arrived yet.
    #[ts(type = "number")]
    pub waiting: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
#[ts(export, rename = "BundleImportReport")]
pub struct ImportReport {
    pub file: String,
    pub device_id: String,
    pub device_name: String,
    pub made_at: String,
    /// The same file was imported before; nothing was read again.
    pub already_imported: bool,
    pub newly_trusted: bool,
    #[ts(type = "number")]
    pub ops_new: u64,
    #[ts(type = "number")]
    pub ops_known: u64,
    #[ts(type = "number")]
    pub attachments_fetched: u64,
    pub tables: BTreeMap<String, TableCounts>,
}

impl ImportReport {
    pub fn total(&self) -> TableCounts {
        let mut t = TableCounts::default();
        for c in self.tables.values() {
            t.new += c.new;
            t.updated += c.updated;
            t.unchanged += c.unchanged;
            t.deleted += c.deleted;
            t.conflicts += c.conflicts;
            t.waiting += c.waiting;
        }
        t
    }
}

/// How far an import is, for a progress bar.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Progress {
    /// `reading` (operations), `writing` (rows) or `done`.
    pub stage: String,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

pub fn import(
    db: &mut Db,
    store: &EvidenceStore,
    path: &Path,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport> {
    let mut opened = bundle::open(path)?;
    let m = opened.manifest.clone();
    let own = device::Device::of(db)?;
    let newly_trusted = check_trust(db, &opened, &own, opts)?;
    let mut report = ImportReport {
        file: path.display().to_string(),
        device_id: m.device.id.clone(),
        device_name: m.device.name.clone(),
        made_at: m.made_at.clone(),
        newly_trusted,
        ..Default::default()
    };
    let seen_before: bool =
        db.conn().query_row("SELECT EXISTS(SELECT 1 FROM sync_bundle WHERE sha256 = ?1)", [&opened.sha256], |r| r.get(0))?;
    if seen_before {
        report.already_imported = true;
        report.ops_known = m.counts.ops;
        progress(Progress { stage: "done".into(), done: m.counts.ops, total: m.counts.ops });
        return Ok(report);
    }

    let bundle_id = db.env().new_id().to_string();
    let columns: HashMap<&'static str, Vec<String>> =
        SYNCED.iter().map(|s| Ok((s.table, schema::columns(db.conn(), s.table)?))).collect::<Result<_>>()?;
    let now = db::timestamp(db.now());
    // The merge reads back what it just wrote, row by row: keep it in memory.
    db.conn().execute_batch("PRAGMA cache_size = -65536")?;
    db.with_tx(|tx| {
        tx.execute_batch("PRAGMA defer_foreign_keys = ON; UPDATE sync_state SET applying = 1;")?;
        let affected = read_ops(tx, &mut opened, &bundle_id, &columns, &mut report, progress)?;
        fetch_attachments(tx, &mut opened, store, &affected, &mut report)?;
        write_rows(tx, path, &affected, &bundle_id, &columns, &mut report, progress)?;
        check_references(tx, path, &affected)?;
        tx.execute(hlc::WITNESS_SQL, [&m.hlc])?;
        tx.execute("UPDATE sync_state SET applying = 0", [])?;
        let mut mark = tx.prepare_cached(
            "INSERT INTO sync_peer_mark (peer, origin, seq) VALUES (?1, ?2, ?3)
             ON CONFLICT(peer, origin) DO UPDATE SET seq = max(seq, excluded.seq)",
        )?;
        for (origin, seq) in &m.clock {
            mark.execute(params![m.device.id, origin, seq])?;
        }
        tx.execute(
            "UPDATE sync_peer SET last_seen = ?2, name = ?3 WHERE device_id = ?1",
            params![m.device.id, now, m.device.name],
        )?;
        tx.execute(
            "INSERT OR IGNORE INTO sync_bundle (id, sha256, file_name, device_id, device_name, made_at, imported_at, report)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                bundle_id,
                opened.sha256,
                path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
                m.device.id,
                m.device.name,
                m.made_at,
                now,
                serde_json::to_string(&report.tables).expect("counts serialise")
            ],
        )?;
        Ok(())
    })?;
    progress(Progress { stage: "done".into(), done: report.ops_new + report.ops_known, total: m.counts.ops });
    Ok(report)
}

/// Known device with the same key: fine. Known with another key: refused.
/// Unknown: refused unless the caller trusts it now. Returns whether it was trusted now.
fn check_trust(db: &mut Db, opened: &Opened, own: &device::Device, opts: &ImportOptions) -> Result<bool> {
    let m = &opened.manifest;
    let key_bytes = hex::decode(&m.device.public_key).unwrap_or_default();
    let print = fingerprint(&key_bytes);
    let other_key = |known: &str| {
        refused(
            &opened.path,
            Some(bundle::SIGNATURE),
            None,
            format!("同步文件自称来自设备“{}”，但签名密钥与已信任的不同（指纹 {print}），已拒绝", m.device.name),
            format!("the bundle claims to come from '{}' but is signed with another key than the trusted one (fingerprint {print}, trusted {known}); refused", m.device.name),
        )
    };
    if m.device.id == own.id {
        if m.device.public_key != own.public_key_hex() {
            return Err(other_key(&own.info().fingerprint));
        }
        return Ok(false);
    }
    match device::peer_key(db.conn(), &m.device.id)? {
        Some(k) if k == m.device.public_key => Ok(false),
        Some(k) => Err(other_key(&fingerprint(&hex::decode(&k).unwrap_or_default()))),
        None if opts.trust => {
            let now = db::timestamp(db.now());
            db.with_tx(|tx| {
                tx.execute(
                    "INSERT INTO sync_peer (device_id, name, public_key, trusted_at) VALUES (?1, ?2, ?3, ?4)",
                    params![m.device.id, m.device.name, m.device.public_key, now],
                )?;
                Ok(())
            })?;
            Ok(true)
        }
        None => Err(Error::UntrustedDevice {
            file: opened.path.clone(),
            device_id: m.device.id.clone(),
            name: m.device.name.clone(),
            fingerprint: print,
        }),
    }
}

/// A line of `ops.jsonl` as read: an [`Op`] whose value is still the JSON
/// text it came as, so that an insert's row is stored as it arrived instead
/// of being written out again (a tenth of an import's time).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct WireOp<'a> {
    id: String,
    origin: String,
    seq: i64,
    hlc: String,
    tbl: String,
    row: String,
    kind: OpKind,
    #[serde(default)]
    col: Option<String>,
    #[serde(default, borrow)]
    value: Option<&'a serde_json::value::RawValue>,
    #[serde(default)]
    bases: Vec<String>,
    #[serde(default)]
    actor: String,
}

impl WireOp<'_> {
    fn into_op(self) -> serde_json::Result<Op> {
        let value = match self.value {
            Some(raw) => serde_json::from_str(raw.get())?,
            None => Value::Null,
        };
        let WireOp { id, origin, seq, hlc, tbl, row, kind, col, bases, actor, .. } = self;
        Ok(Op { id, origin, seq, hlc, tbl, row, kind, col, value, bases, actor })
    }
}

/// The rows a bundle touched, by table (its index in `SYNCED`) and row id.
type Affected = BTreeMap<(usize, String), Touched>;

#[derive(Debug, Clone, Copy)]
struct Touched {
    /// The line of its first operation, to name in a refusal.
    line: u32,
    /// It got a new change or delete, not only a new insert.
    changed: bool,
}

fn read_ops(
    tx: &Connection,
    opened: &mut Opened,
    bundle_id: &str,
    columns: &HashMap<&'static str, Vec<String>>,
    report: &mut ImportReport,
    progress: &mut dyn FnMut(Progress),
) -> Result<Affected> {
    let path = opened.path.clone();
    let total = opened.manifest.counts.ops;
    let mut affected: Affected = BTreeMap::new();
    let mut op_store = ops::OpStore::new(tx)?;
    let mut reader = opened.read_entry(bundle::OPS)?;
    let mut lines = BufReader::with_capacity(1 << 16, &mut reader);
    let mut line = Vec::new();
    let mut n: u32 = 0;
    loop {
        line.clear();
        let read = std::io::Read::take(&mut lines, bundle::MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| refused(&path, Some(bundle::OPS), Some(n + 1), format!("读取失败，文件可能不完整或已损坏（{e}）"), format!("reading failed; the file may be cut short or damaged ({e})")))?;
        if read == 0 {
            break;
        }
        n += 1;
        if line.len() > bundle::MAX_LINE {
            return Err(refused(&path, Some(bundle::OPS), Some(n), "单行过长", "a line is too long"));
        }
        let cannot_read = |e: serde_json::Error| {
            refused(&path, Some(bundle::OPS), Some(n), format!("无法解析的操作记录（{e}）"), format!("an operation cannot be read ({e})"))
        };
        let wire: WireOp = serde_json::from_slice(line.strip_suffix(b"\n").unwrap_or(&line)).map_err(cannot_read)?;
        let raw = wire.value.map(|v| v.get());
        let op = wire.into_op().map_err(cannot_read)?;
        let (idx, _) = validate(&op, columns).map_err(|(zh, en)| refused(&path, Some(bundle::OPS), Some(n), zh, en))?;
        let insert_json = if op.kind == OpKind::Insert { raw } else { None };
        match op_store.store(&op, insert_json, Some(bundle_id))? {
            StoreOutcome::New => report.ops_new += 1,
            StoreOutcome::Known { bundle_id: from } => {
                if from.as_deref() == Some(bundle_id) {
                    return Err(refused(&path, Some(bundle::OPS), Some(n), format!("操作 {} 在文件中出现两次", op.id), format!("the operation {} appears twice", op.id)));
                }
                report.ops_known += 1;
                continue;
            }
            StoreOutcome::Differs => {
                return Err(refused(
                    &path,
                    Some(bundle::OPS),
                    Some(n),
                    format!("操作 {} 与本机已有的同一操作内容不同，文件可能被伪造或损坏", op.id),
                    format!("the operation {} differs from the one already here; the file may be forged or damaged", op.id),
                ))
            }
        }
        let touched = affected.entry((idx, op.row.clone())).or_insert(Touched { line: n, changed: false });
        touched.changed |= op.kind != OpKind::Insert;
        if n % 5000 == 0 {
            progress(Progress { stage: "reading".into(), done: n as u64, total });
        }
    }
    drop(lines);
    reader.finish()?;
    if n as u64 != total {
        return Err(refused(
            &path,
            Some(bundle::OPS),
            None,
            format!("清单声明 {total} 条操作，实际为 {n} 条"),
            format!("the manifest declares {total} operations, the file holds {n}"),
        ));
    }
    Ok(affected)
}

type Refusal = (String, String);

/// The shape of one operation: known table and column, a well-formed id,
/// clock stamp and value, and for an insert a row whose key matches its id.
fn validate(op: &Op, columns: &HashMap<&'static str, Vec<String>>) -> Result<(usize, &'static Synced), Refusal> {
    let idx = SYNCED
        .iter()
        .position(|s| s.table == op.tbl)
        .ok_or_else(|| (format!("未知的记录类型“{}”", op.tbl), format!("unknown record type '{}'", op.tbl)))?;
    let s = &SYNCED[idx];
    let cols = &columns[s.table];
    if uuid::Uuid::parse_str(&op.origin).is_err() || op.seq <= 0 || op.id != format!("{}:{:012}", op.origin, op.seq) {
        return Err((format!("操作编号“{}”无效", op.id), format!("invalid operation id '{}'", op.id)));
    }
    if hlc::parse(&op.hlc).is_err() {
        return Err((format!("时间戳“{}”无效", op.hlc), format!("invalid clock stamp '{}'", op.hlc)));
    }
    if op.row.is_empty() || op.row.len() > 1000 || op.actor.chars().count() > 200 || op.bases.len() > 1000 {
        return Err(("记录编号、操作人或前序操作超出长度限制".into(), "row id, actor or bases out of bounds".into()));
    }
    if let Some(b) = op.bases.iter().find(|b| !b.split_once(':').is_some_and(|(o, q)| uuid::Uuid::parse_str(o).is_ok() && q.len() == 12 && q.bytes().all(|c| c.is_ascii_digit()))) {
        return Err((format!("前序操作编号“{b}”无效"), format!("invalid base operation id '{b}'")));
    }
    let scalar = |v: &Value| !matches!(v, Value::Array(_) | Value::Object(_));
    match op.kind {
        OpKind::Set => {
            let col = op.col.as_deref().unwrap_or("");
            if !cols.iter().any(|c| c == col) || s.key.contains(&col) {
                return Err((format!("{}没有可修改的字段“{col}”", op.tbl), format!("{} has no changeable field '{col}'", op.tbl)));
            }
            if !scalar(&op.value) {
                return Err((format!("字段“{col}”的值无效"), format!("invalid value for '{col}'")));
            }
        }
        OpKind::Delete => {
            if op.col.is_some() || !op.value.is_null() || !op.bases.is_empty() {
                return Err(("删除操作格式无效".into(), "malformed delete".into()));
            }
        }
        OpKind::Insert => {
            let Value::Object(map) = &op.value else {
                return Err(("新增操作缺少记录内容".into(), "an insert without its row".into()));
            };
            if op.col.is_some() || !op.bases.is_empty() {
                return Err(("新增操作格式无效".into(), "malformed insert".into()));
            }
            if let Some(k) = map.keys().find(|k| !cols.contains(k)) {
                return Err((format!("{}没有字段“{k}”", op.tbl), format!("{} has no field '{k}'", op.tbl)));
            }
            if let Some((k, _)) = map.iter().find(|(_, v)| !scalar(v)) {
                return Err((format!("字段“{k}”的值无效"), format!("invalid value for '{k}'")));
            }
            let key: Vec<&Value> = s.key.iter().filter_map(|k| map.get(*k)).collect();
            let id = match key.as_slice() {
                [Value::String(one)] if s.key.len() == 1 => Some(one.clone()),
                many if many.len() == s.key.len() && s.key.len() > 1 => serde_json::to_string(many).ok(),
                _ => None,
            };
            if id.as_deref() != Some(op.row.as_str()) {
                return Err((format!("记录编号“{}”与内容不符", op.row), format!("the row id '{}' does not match its content", op.row)));
            }
        }
    }
    Ok((idx, s))
}

/// Stores the files of new attachments, from the bundle when they are not here yet.
fn fetch_attachments(
    tx: &Connection,
    opened: &mut Opened,
    store: &EvidenceStore,
    affected: &Affected,
    report: &mut ImportReport,
) -> Result<()> {
    let idx = SYNCED.iter().position(|s| s.table == "attachment").expect("attachment travels");
    for ((t, sha), touched) in affected.range((idx, String::new())..(idx + 1, String::new())) {
        let line = &touched.line;
        debug_assert_eq!(*t, idx);
        let original = store.path(sha, crate::evidence::Variant::Original);
        if original.exists() {
            continue;
        }
        let name = format!("{}{sha}", bundle::ATTACHMENTS);
        if !opened.has_entry(&name) {
            let here: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM attachment WHERE sha256 = ?1)", [sha], |r| r.get(0))?;
            if here {
                continue;
            }
            return Err(refused(&opened.path, Some(&name), Some(*line), format!("缺少附件文件 {sha}"), format!("the attachment file {sha} is missing")));
        }
        let bytes = opened.read_all(&name)?;
        let media: Option<String> = tx
            .query_row(
                "SELECT json_extract(value, '$.original_name') FROM sync_op WHERE tbl = 'attachment' AND row_id = ?1 AND kind = 'insert' LIMIT 1",
                [sha],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        let checked = crate::evidence::check_bytes(&bytes, media.as_deref().unwrap_or("附件"), &name)?;
        if checked.attachment().sha256 != *sha {
            return Err(refused(&opened.path, Some(&name), Some(*line), "附件内容与编号不符", "the attachment does not match its hash"));
        }
        store.store(checked)?;
        report.attachments_fetched += 1;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn write_rows(
    tx: &Connection,
    path: &Path,
    affected: &Affected,
    bundle_id: &str,
    columns: &HashMap<&'static str, Vec<String>>,
    report: &mut ImportReport,
    progress: &mut dyn FnMut(Progress),
) -> Result<()> {
    let total = affected.len() as u64;
    let mut merger = ops::Merger::new(tx)?;
    for (done, ((idx, row), touched)) in affected.iter().enumerate() {
        let s = &SYNCED[*idx];
        let cols = &columns[s.table];
        let merged = if touched.changed {
            merger.materialize_counting(s, cols, row)
        } else {
            merger.materialize_inserted(s, cols, row, bundle_id)
        };
        let (effect, conflicts) = merged.map_err(|e| {
            refused(
                path,
                Some(bundle::OPS),
                Some(touched.line),
                format!("无法写入{} {row}：{}", s.table, plain(&e)),
                format!("cannot write {} {row}: {}", s.table, plain(&e)),
            )
        })?;
        let counts = report.tables.entry(s.table.to_string()).or_default();
        match effect {
            Effect::Inserted => counts.new += 1,
            Effect::Updated => counts.updated += 1,
            Effect::Deleted => counts.deleted += 1,
            Effect::Unchanged => counts.unchanged += 1,
            Effect::Unknown => counts.waiting += 1,
        }
        counts.conflicts += conflicts as u64;
        if done % 5000 == 0 {
            progress(Progress { stage: "writing".into(), done: done as u64, total });
        }
    }
    Ok(())
}

fn plain(e: &Error) -> String {
    match e {
        Error::Db(d) => d.to_string(),
        other => other.to_string(),
    }
}

/// Every row written must point at rows that are here: its foreign keys, an
/// inspection's target, a checklist row's catalog item. Checked table by
/// table over the rows this bundle touched.
fn check_references(tx: &Connection, path: &Path, affected: &Affected) -> Result<()> {
    // The rows this bundle touched, for the checks to join: a temporary table
    // (this connection's, gone with it), so the operation log needs no index by bundle.
    tx.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS import_touched (tbl TEXT NOT NULL, row_id TEXT NOT NULL, PRIMARY KEY (tbl, row_id)) WITHOUT ROWID;
         DELETE FROM temp.import_touched;",
    )?;
    {
        let mut add = tx.prepare_cached("INSERT INTO temp.import_touched (tbl, row_id) VALUES (?1, ?2)")?;
        for (idx, row) in affected.keys() {
            add.execute(params![SYNCED[*idx].table, row])?;
        }
    }
    let mut tables: Vec<usize> = affected.keys().map(|(i, _)| *i).collect();
    tables.dedup();
    for idx in tables {
        let s = &SYNCED[idx];
        let row = schema::row_id_expr(s, "t");
        let touched = format!("{row} IN (SELECT row_id FROM temp.import_touched WHERE tbl = '{}')", s.table);
        let mut checks: Vec<(String, String, String)> = Vec::new();
        let mut st = tx.prepare(&format!("PRAGMA foreign_key_list({})", s.table))?;
        let fks: Vec<(String, String, Option<String>)> =
            st.query_map([], |r| Ok((r.get(2)?, r.get(3)?, r.get(4)?)))?.collect::<rusqlite::Result<_>>()?;
        for (parent, from, to) in fks {
            let to = to.unwrap_or_else(|| "id".into());
            checks.push((
                format!(
                    "SELECT {row}, t.{from} FROM {} t WHERE {touched} AND t.{from} IS NOT NULL
                       AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{to} = t.{from}) LIMIT 1",
                    s.table
                ),
                format!("引用的{} {{}} 在本机不存在；请先导入包含它的同步文件", super::conflicts::record_name(&parent)),
                format!("refers to {parent} {{}}, which is not here; import the bundle that has it first"),
            ));
        }
        match s.table {
            "inspection" => checks.push((
                format!(
                    "SELECT {row}, t.target_id FROM inspection t WHERE {touched}
                       AND NOT EXISTS (SELECT 1 FROM facility WHERE id = t.target_id)
                       AND NOT EXISTS (SELECT 1 FROM jurisdiction WHERE id = t.target_id)
                       AND NOT EXISTS (SELECT 1 FROM department WHERE id = t.target_id) LIMIT 1"
                ),
                "的检查对象 {} 在本机不存在；请先导入对象名录".into(),
                "has the target {}, which is not here; import the registry first".into(),
            )),
            "assignment" => checks.push((
                format!(
                    "SELECT {row}, t.target_id FROM assignment t WHERE {touched}
                       AND NOT (t.target_kind = 'county' AND EXISTS (SELECT 1 FROM jurisdiction WHERE id = t.target_id AND level = 'county'))
                       AND NOT (t.target_kind = 'facility' AND EXISTS (SELECT 1 FROM facility WHERE id = t.target_id))
                       AND NOT (t.target_kind = 'department' AND EXISTS (SELECT 1 FROM department WHERE id = t.target_id)) LIMIT 1"
                ),
                "分配的检查对象 {} 在本机不存在；请先导入对象名录".into(),
                "assigns the target {}, which is not here; import the registry first".into(),
            )),
            "inspection_item" => checks.push((
                format!(
                    "SELECT {row}, t.item_code FROM inspection_item t JOIN inspection i ON i.id = t.inspection_id
                     WHERE {touched} AND NOT EXISTS (
                       SELECT 1 FROM catalog_item c WHERE c.version_id = i.catalog_version_id AND c.code = t.item_code) LIMIT 1"
                ),
                "引用的目录条目“{}”不在该检查所用的目录版本中".into(),
                "refers to catalog item '{}', which is not in the inspection's catalog version".into(),
            )),
            _ => {}
        }
        for (sql, zh, en) in checks {
            let found: Option<(String, String)> =
                tx.prepare_cached(&sql)?.query_row([], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
            if let Some((row_id, value)) = found {
                let line = affected.get(&(idx, row_id.clone())).map(|t| t.line);
                let name = super::conflicts::record_name(s.table);
                return Err(refused(
                    path,
                    Some(bundle::OPS),
                    line,
                    format!("{name} {row_id} {}", zh.replace("{}", &value)),
                    format!("{} {row_id} {}", s.table, en.replace("{}", &value)),
                ));
            }
        }
    }
    Ok(())
}

/// Reads the number of operations a bundle declares, for a progress bar before the import.
pub fn declared_ops(path: &Path) -> Result<u64> {
    Ok(bundle::open(path)?.manifest.counts.ops)
}

/// What a person needs to decide on a bundle before importing it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BundleInfo {
    pub file: String,
    #[ts(type = "number")]
    pub bytes: u64,
    pub device_id: String,
    pub device_name: String,
    pub fingerprint: String,
    pub made_at: String,
    #[ts(type = "number")]
    pub ops: u64,
    #[ts(type = "number")]
    pub attachments: u64,
    /// `all`, `peer`, `inspection` or `county`.
    pub scope: String,
    /// The device is this one or a trusted peer.
    pub trusted: bool,
    /// This very file was imported before.
    pub imported: bool,
}

/// Opens and checks a bundle (signature included) without importing it.
pub fn peek(db: &Db, path: &Path) -> Result<BundleInfo> {
    let opened = bundle::open(path)?;
    let m = &opened.manifest;
    let key = hex::decode(&m.device.public_key).unwrap_or_default();
    let own = db.device_id().to_string();
    let trusted = m.device.id == own || device::peer_key(db.conn(), &m.device.id)?.as_deref() == Some(m.device.public_key.as_str());
    let imported: bool =
        db.conn().query_row("SELECT EXISTS(SELECT 1 FROM sync_bundle WHERE sha256 = ?1)", [&opened.sha256], |r| r.get(0))?;
    Ok(BundleInfo {
        file: path.display().to_string(),
        bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        device_id: m.device.id.clone(),
        device_name: m.device.name.clone(),
        fingerprint: fingerprint(&key),
        made_at: m.made_at.clone(),
        ops: m.counts.ops,
        attachments: m.counts.attachments,
        scope: m.scope.kind.clone(),
        trusted,
        imported,
    })
}
