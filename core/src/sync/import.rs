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
use super::chain::{genesis, link, Hash, Segment};
use super::device::{self, fingerprint};
use super::roster;
use super::ops::{self, Effect, Op, OpKind, StoreOutcome};
use super::schema::{self, Synced, SYNCED};
use crate::db::hlc::Stamp;
use crate::db::{self, Db};
use crate::error::{Error, Result};
use crate::evidence::EvidenceStore;

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Trust the producing device if it is not trusted yet.
    pub trust: bool,
    /// Trust it as a supervisor's device (督查组): the team rosters it issues count here.
    pub supervisor: bool,
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
    /// Photos and files whose record arrived without the file (damaged on the
    /// sending laptop); shown as missing until a bundle brings them.
    #[ts(type = "number")]
    pub attachments_missing: u64,
    /// Changes this laptop made itself that came back from elsewhere although
    /// they were not here: its database was restored from a backup (or copied).
    #[ts(type = "number")]
    pub own_returned: u64,
    /// What became of the team roster the file carried, if any.
    pub roster: Option<roster::Outcome>,
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
    let offered_roster = read_roster(&mut opened)?;
    let segments = read_segments(&mut opened)?;
    let trust = check_trust(db, &opened, &own, offered_roster.as_ref(), opts)?;
    let mut report = ImportReport {
        file: path.display().to_string(),
        device_id: m.device.id.clone(),
        device_name: crate::text::printable(&m.device.name),
        made_at: m.made_at.clone(),
        newly_trusted: trust == Trust::New,
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
    // Far ahead is measured from the later of the wall clock and this
    // laptop's own clock stamp: a laptop whose battery went flat (2000) has
    // still seen the time its last change was made, and need not refuse
    // every bundle made since.
    let recorded: String = db.conn().query_row("SELECT hlc FROM sync_state", [], |r| r.get(0))?;
    let clock_now = db.now().max(Stamp::parse(&recorded).unwrap_or(Stamp::ZERO).wall());
    // The merge reads back what it just wrote, row by row: keep it in memory.
    db.conn().execute_batch("PRAGMA cache_size = -65536")?;
    // Files this import writes into the evidence folder; a refused import takes them away again.
    let mut written: Vec<std::path::PathBuf> = Vec::new();
    let result = db.with_tx(|tx| {
        if trust == Trust::New {
            tx.execute(
                "INSERT INTO sync_peer (device_id, name, public_key, trusted_at, supervisor) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![m.device.id, m.device.name, m.device.public_key, now, opts.supervisor],
            )?;
        } else if opts.supervisor {
            // A peer trusted before may be named 督查组 later, with the same key.
            tx.execute("UPDATE sync_peer SET supervisor = 1 WHERE device_id = ?1", [&m.device.id])?;
        }
        if let Some(r) = &offered_roster {
            let outcome = roster::offer(tx, &own, r, &now).map_err(|e| refused(path, Some(bundle::ROSTER), None, e.clone(), e))?;
            report.roster = Some(outcome);
        }
        let held = roster::current(tx)?;
        let keys = roster::known_keys(tx, &own, held.as_ref().map(|h| &h.roster))?;
        let mut chains = Chains::check(tx, path, &m, &segments, &keys, &own)?;
        tx.execute_batch("PRAGMA defer_foreign_keys = ON; UPDATE sync_state SET applying = 1;")?;
        let mut rules = super::rules::Rules::default();
        let (affected, newest) = read_ops(tx, &mut opened, &bundle_id, &columns, &mut chains, &mut rules, (&own, clock_now), &mut report, progress)?;
        chains.finish(tx, path)?;
        rules.check(tx).map_err(|(line, zh, en)| refused(path, Some(bundle::OPS), (line > 0).then_some(line), zh, en))?;
        fetch_attachments(tx, &mut opened, store, &affected, &mut report, &mut written)?;
        write_rows(tx, path, &affected, &bundle_id, &columns, &mut report, progress)?;
        check_references(tx, path, &affected)?;
        tx.witness(newest)?;
        tx.execute("UPDATE sync_state SET applying = 0", [])?;
        // What the producer has: from its own word in the file, never from
        // what was sent to it. Its latest word replaces the one before, even
        // when it says less: a laptop restored from a backup has lost what it
        // had, and must be sent it again. (An older file imported late says
        // less too; what it costs is operations sent twice and found known.)
        tx.execute("DELETE FROM sync_peer_mark WHERE peer = ?1", [&m.device.id])?;
        let mut mark = tx.prepare_cached("INSERT INTO sync_peer_mark (peer, origin, seq) VALUES (?1, ?2, ?3)")?;
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
    });
    if let Err(e) = result {
        for f in &written {
            let _ = std::fs::remove_file(f);
        }
        // A constraint checked only at commit (a deferred foreign key) still names the file.
        return Err(match e {
            Error::Db(d) => refused(path, None, None, format!("无法写入本机数据库：{d}"), format!("cannot be written to this database: {d}")),
            other => other,
        });
    }
    progress(Progress { stage: "done".into(), done: report.ops_new + report.ops_known, total: m.counts.ops });
    Ok(report)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trust {
    /// This laptop, a trusted peer, or a member of the roster.
    Known,
    /// Unknown until now; the person trusts it with this import.
    New,
}

/// Whether the producer of the file is one this laptop knows by its key:
/// itself, a peer trusted directly, or a member of the roster (the one held,
/// or one the file brings from a supervisor this laptop trusts). Known with
/// another key, or revoked: refused. Unknown: refused unless trusted now.
/// Reads only; a new trust is written with the import, so a refused file
/// leaves no trust behind.
fn check_trust(db: &Db, opened: &Opened, own: &device::Device, offered: Option<&roster::Signed>, opts: &ImportOptions) -> Result<Trust> {
    let m = &opened.manifest;
    let key_bytes = hex::decode(&m.device.public_key).unwrap_or_default();
    let print = fingerprint(&key_bytes);
    let name = crate::text::printable(&m.device.name);
    let other_key = |known: &str| {
        refused(
            &opened.path,
            Some(bundle::SIGNATURE),
            None,
            format!("同步文件自称来自设备“{name}”，但签名密钥与已信任的不同（指纹 {print}），已拒绝"),
            format!("the bundle claims to come from '{name}' but is signed with another key than the trusted one (fingerprint {print}, trusted {known}); refused"),
        )
    };
    if m.device.id == own.id {
        if m.device.public_key != own.public_key_hex() {
            return Err(other_key(&own.info().fingerprint));
        }
        return Ok(Trust::Known);
    }
    let held = roster::current(db.conn())?;
    let mut keys = roster::known_keys(db.conn(), own, held.as_ref().map(|h| &h.roster))?;
    // A newer roster in the file, from a supervisor this laptop trusts, counts already.
    if let Some(r) = offered {
        let newer = held.as_ref().is_none_or(|h| h.roster.version < r.roster.version);
        let issuer_ok = keys.get(&r.roster.issuer).is_some_and(|k| k.supervisor && k.revoked.is_none() && r.verify(&k.public_key));
        if newer && issuer_ok {
            keys = roster::known_keys(db.conn(), own, Some(&r.roster))?;
        }
    }
    match keys.get(&m.device.id) {
        Some(k) if k.revoked.is_some() => Err(refused(
            &opened.path,
            Some(bundle::SIGNATURE),
            None,
            format!("设备“{name}”已被督查组撤销（组员名单），不再接受它生成的同步文件"),
            format!("the device '{name}' was revoked by the roster; its bundles are no longer accepted"),
        )),
        Some(k) if k.public_key == m.device.public_key => Ok(Trust::Known),
        Some(k) => Err(other_key(&fingerprint(&hex::decode(&k.public_key).unwrap_or_default()))),
        None if opts.trust => Ok(Trust::New),
        None => Err(Error::UntrustedDevice {
            file: opened.path.clone(),
            device_id: m.device.id.clone(),
            name,
            fingerprint: print,
        }),
    }
}

/// The roster a file carries, checked for shape (its signature is checked when it is offered).
fn read_roster(opened: &mut Opened) -> Result<Option<roster::Signed>> {
    if !opened.has_entry(bundle::ROSTER) {
        return Ok(None);
    }
    let body = opened.read_all(bundle::ROSTER)?;
    let sig = opened.read_all(bundle::ROSTER_SIG)?;
    let text = |b: Vec<u8>, entry: &str| {
        String::from_utf8(b).map_err(|_| refused(&opened.path, Some(entry), None, "组员名单不是 UTF-8 文本", "the roster is not UTF-8 text"))
    };
    let (body, sig) = (text(body, bundle::ROSTER)?, text(sig, bundle::ROSTER_SIG)?);
    roster::Signed::parse(&body, &sig).map(Some).map_err(|e| refused(&opened.path, Some(bundle::ROSTER), None, e.clone(), e))
}

/// The chain segments a file carries (`chains.jsonl`; none in a version 1 file).
fn read_segments(opened: &mut Opened) -> Result<Vec<Segment>> {
    if !opened.has_entry(bundle::CHAINS) {
        if opened.manifest.version >= 2 {
            return Err(refused(&opened.path, Some(bundle::CHAINS), None, "同步文件缺少记录签名（chains.jsonl）", "the bundle has no chain signatures (chains.jsonl)"));
        }
        return Ok(Vec::new());
    }
    let path = opened.path.clone();
    let mut reader = opened.read_entry(bundle::CHAINS)?;
    let mut lines = BufReader::new(&mut reader);
    let mut out = Vec::new();
    let mut line = Vec::new();
    let mut n = 0u32;
    loop {
        line.clear();
        let read = std::io::Read::take(&mut lines, bundle::MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| refused(&path, Some(bundle::CHAINS), Some(n + 1), format!("读取失败（{e}）"), format!("reading failed ({e})")))?;
        if read == 0 {
            break;
        }
        n += 1;
        if line.len() > bundle::MAX_LINE || out.len() >= 1_000_000 {
            return Err(refused(&path, Some(bundle::CHAINS), Some(n), "记录签名过大", "the chain signatures are too large"));
        }
        let seg: Segment = serde_json::from_slice(line.strip_suffix(b"\n").unwrap_or(&line)).map_err(|e| {
            refused(&path, Some(bundle::CHAINS), Some(n), format!("无法解析的记录签名（{e}）"), format!("a chain segment cannot be read ({e})"))
        })?;
        out.push(seg);
    }
    drop(lines);
    reader.finish()?;
    Ok(out)
}

/// Checking, while the operations stream past, that each was made by the
/// device that signed its chain ([`super::chain`]).
struct Chains {
    /// By origin: its segments in this file, by first position.
    segments: HashMap<String, Vec<SegmentCheck>>,
    /// A version 1 file: no chains; the producer speaks only for itself.
    legacy_producer: Option<String>,
}

struct SegmentCheck {
    seg: Segment,
    line: u32,
    head: Hash,
    /// The next position to link and the chain value before it.
    next: i64,
    chain: Hash,
    gaps: std::collections::BTreeMap<i64, Hash>,
    /// Positions of the operations read, with their hash and chain value.
    read: Vec<(i64, Hash, Hash)>,
}

impl SegmentCheck {
    /// Links the left-out positions up to (not including) `upto`.
    fn skip_to(&mut self, upto: i64) -> std::result::Result<(), i64> {
        while self.next < upto {
            let h = self.gaps.get(&self.next).ok_or(self.next)?;
            self.chain = link(&self.chain, h);
            self.next += 1;
        }
        Ok(())
    }
}

impl Chains {
    /// Checks each segment's head against the key of its chain's device, the
    /// device's right to sign that chain, and a revoked device's limits.
    fn check(
        tx: &Connection,
        path: &Path,
        m: &bundle::Manifest,
        segments: &[Segment],
        keys: &std::collections::BTreeMap<String, roster::KnownKey>,
        own: &device::Device,
    ) -> Result<Chains> {
        let refuse = |line: u32, zh: String, en: String| refused(path, Some(bundle::CHAINS), Some(line), zh, en);
        let mut by_origin: HashMap<String, Vec<SegmentCheck>> = HashMap::new();
        for (i, seg) in segments.iter().enumerate() {
            let line = i as u32 + 1;
            let h = &seg.head;
            if uuid::Uuid::parse_str(&h.origin).is_err() || uuid::Uuid::parse_str(&h.device).is_err() || seg.from < 1 || h.seq < seg.from {
                return Err(refuse(line, "记录签名格式无效".into(), "a malformed chain segment".into()));
            }
            let (Some(anchor), Some(head), Some(gaps)) = (seg.anchor_value(), h.chain_value(), seg.gap_hashes()) else {
                return Err(refuse(line, "记录签名格式无效".into(), "a malformed chain segment".into()));
            };
            if seg.from == 1 && anchor != genesis(&h.origin) {
                return Err(refuse(line, "记录签名的起点无效".into(), "the chain segment starts from a wrong value".into()));
            }
            if gaps.iter().any(|(p, _)| *p < seg.from || *p > h.seq) {
                return Err(refuse(line, "记录签名格式无效".into(), "a malformed chain segment".into()));
            }
            let Some(k) = keys.get(&h.device) else {
                return Err(refuse(
                    line,
                    format!("文件中有设备 {} 的记录，但本机既未信任该设备，也未在组员名单中找到它，无法核实，已拒绝", h.device),
                    format!("the file holds changes of device {}, which this laptop neither trusts nor finds in the roster; they cannot be checked; refused", h.device),
                ));
            };
            let name = crate::text::printable(&k.name);
            if !h.verify(&k.public_key) {
                return Err(refuse(
                    line,
                    format!("设备“{name}”的记录签名无效：这些记录不是该设备生成的，或已被改动，已拒绝"),
                    format!("the chain signature of '{name}' does not verify: those changes were not made by it, or were altered; refused"),
                ));
            }
            let bound: Option<String> = tx.query_row("SELECT device_id FROM sync_chain WHERE origin = ?1", [&h.origin], |r| r.get(0)).optional()?;
            if bound.as_deref().is_some_and(|d| d != h.device) {
                return Err(refuse(
                    line,
                    format!("设备“{name}”签名了不属于它的记录（{}），已拒绝", h.origin),
                    format!("'{name}' signed changes that are not its own ({}); refused", h.origin),
                ));
            }
            // Every device's first chain is named after the device itself: a
            // chain of that name signed by anyone else is another's voice.
            if h.origin != h.device && keys.contains_key(&h.origin) {
                return Err(refuse(
                    line,
                    format!("设备“{name}”签名了属于另一设备的记录（{}），已拒绝", h.origin),
                    format!("'{name}' signed changes of another device ({}); refused", h.origin),
                ));
            }
            if let Some(rev) = &k.revoked {
                let allowed = rev.chains.get(&h.origin).copied().unwrap_or(0);
                if h.seq > allowed {
                    return Err(refuse(
                        line,
                        format!("设备“{name}”已于 {} 被撤销，文件中有它此后的记录，已拒绝", rev.at),
                        format!("'{name}' was revoked at {}; the file holds changes it made after that; refused", rev.at),
                    ));
                }
            }
            let _ = own;
            by_origin.entry(h.origin.clone()).or_default().push(SegmentCheck {
                seg: seg.clone(),
                line,
                head,
                next: seg.from,
                chain: anchor,
                gaps: gaps.into_iter().collect(),
                read: Vec::new(),
            });
        }
        for list in by_origin.values_mut() {
            list.sort_by_key(|s| s.seg.from);
            if list.windows(2).any(|w| w[1].seg.from <= w[0].seg.head.seq) {
                return Err(refused(path, Some(bundle::CHAINS), None, "记录签名的范围重叠", "chain segments overlap"));
            }
        }
        let legacy_producer = (m.version < 2).then(|| m.device.id.clone());
        Ok(Chains { segments: by_origin, legacy_producer })
    }

    /// The device whose chain `origin` is, as this file's segments say.
    fn device_of(&self, origin: &str) -> Option<&str> {
        self.segments.get(origin).and_then(|s| s.first()).map(|s| s.seg.head.device.as_str())
    }

    /// Links an operation into its chain; its hash and chain value for storing.
    /// `None` for an operation of a version 1 file from its own producer.
    fn link_op(&mut self, op: &Op, hash: Hash) -> std::result::Result<Option<(Hash, Hash)>, (String, String)> {
        if let Some(producer) = &self.legacy_producer {
            if &op.origin == producer {
                return Ok(None);
            }
            return Err((
                format!("旧格式的同步文件只能证明其生成设备本身的记录，而操作 {} 来自其他设备；请对方升级程序后重新导出", op.id),
                format!("an old-format bundle can only vouch for its own device's changes, but {} comes from another; have it exported again with the new version", op.id),
            ));
        }
        let unsigned = || {
            (
                format!("操作 {} 没有其设备的签名，无法核实是谁做出的修改，已拒绝", op.id),
                format!("the operation {} carries no signature of its device; who made it cannot be checked; refused", op.id),
            )
        };
        let segs = self.segments.get_mut(&op.origin).ok_or_else(unsigned)?;
        let seg = segs.iter_mut().find(|s| s.seg.from <= op.seq && op.seq <= s.seg.head.seq).ok_or_else(unsigned)?;
        if seg.read.last().is_some_and(|(p, _, _)| *p == op.seq) {
            return Err((format!("操作 {} 在文件中出现两次", op.id), format!("the operation {} appears twice", op.id)));
        }
        if op.seq < seg.next || seg.gaps.contains_key(&op.seq) {
            return Err((format!("操作 {} 的位置与记录签名不符", op.id), format!("the operation {} does not fit its chain", op.id)));
        }
        seg.skip_to(op.seq).map_err(|p| (format!("记录签名缺少第 {p} 条操作"), format!("the chain segment lacks position {p}")))?;
        seg.chain = link(&seg.chain, &hash);
        seg.next = op.seq + 1;
        seg.read.push((op.seq, hash, seg.chain));
        Ok(Some((hash, seg.chain)))
    }

    /// Checks that every segment ends at its signed head, and keeps what a
    /// later export needs to prove these operations again: the heads, the
    /// hashes of the positions left out, the anchors, and whose chains they are.
    fn finish(self, tx: &Connection, path: &Path) -> Result<()> {
        for (origin, segs) in self.segments {
            for mut s in segs {
                let to = s.seg.head.seq;
                if s.skip_to(to + 1).is_err() || s.chain != s.head {
                    return Err(refused(
                        path,
                        Some(bundle::CHAINS),
                        Some(s.line),
                        format!("设备 {} 的记录与其签名不符：文件中的记录缺失或被改动，已拒绝", s.seg.head.device),
                        format!("the changes of device {} do not match its signature: some are missing or altered; refused", s.seg.head.device),
                    ));
                }
                tx.execute(
                    "INSERT OR IGNORE INTO sync_chain (origin, device_id) VALUES (?1, ?2)",
                    params![origin, s.seg.head.device],
                )?;
                tx.execute(
                    "INSERT OR IGNORE INTO sync_attest (origin, seq, chain, signature) VALUES (?1, ?2, ?3, ?4)",
                    params![origin, to, s.head.to_vec(), s.seg.head.signature],
                )?;
                let mut link_st = tx.prepare_cached(
                    "INSERT INTO sync_link (origin, seq, hash, chain) SELECT ?1, ?2, ?3, ?4
                     WHERE NOT EXISTS (SELECT 1 FROM sync_op WHERE origin = ?1 AND seq = ?2 AND chain IS NOT NULL)
                     ON CONFLICT (origin, seq) DO UPDATE SET hash = coalesce(sync_link.hash, excluded.hash)",
                )?;
                if let Some(anchor) = s.seg.anchor_value() {
                    if s.seg.from > 1 {
                        link_st.execute(params![origin, s.seg.from - 1, Option::<Vec<u8>>::None, anchor.to_vec()])?;
                    }
                }
                // The chain value at each left-out position, recomputed from the anchor.
                let mut chain = s.seg.anchor_value().expect("checked");
                let read: HashMap<i64, Hash> = s.read.iter().map(|(p, h, _)| (*p, *h)).collect();
                for p in s.seg.from..=to {
                    let h = match (read.get(&p), s.gaps.get(&p)) {
                        (Some(h), _) | (None, Some(h)) => *h,
                        (None, None) => unreachable!("skip_to checked every position"),
                    };
                    chain = link(&chain, &h);
                    if !read.contains_key(&p) {
                        link_st.execute(params![origin, p, h.to_vec(), chain.to_vec()])?;
                    }
                }
            }
        }
        Ok(())
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

#[allow(clippy::too_many_arguments)]
fn read_ops(
    tx: &Connection,
    opened: &mut Opened,
    bundle_id: &str,
    columns: &HashMap<&'static str, Vec<String>>,
    chains: &mut Chains,
    rules: &mut super::rules::Rules,
    (own, now): (&device::Device, chrono::DateTime<chrono::Utc>),
    report: &mut ImportReport,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Affected, Stamp)> {
    let path = opened.path.clone();
    let total = opened.manifest.counts.ops;
    let producer = crate::text::printable(&opened.manifest.device.name);
    let mut newest = Stamp::ZERO;
    let mut affected: Affected = BTreeMap::new();
    let own_chains: std::collections::HashSet<String> = {
        let mut st = tx.prepare("SELECT origin FROM sync_chain WHERE device_id = ?1")?;
        let rows = st.query_map([&own.id], |r| r.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
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
        let hash = super::chain::op_hash(&op, insert_json);
        let proof = chains.link_op(&op, hash).map_err(|(zh, en)| refused(&path, Some(bundle::OPS), Some(n), zh, en))?;
        let stamp = Stamp::parse(&op.hlc).unwrap_or(Stamp::ZERO);
        let outcome = op_store.store(&op, insert_json, proof.as_ref().map(|(h, c)| (h, c)), Some(bundle_id))?;
        let new = matches!(outcome, StoreOutcome::New);
        rules.see(&op, new, n).map_err(|(zh, en)| refused(&path, Some(bundle::OPS), Some(n), zh, en))?;
        match outcome {
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
        // A stamp far ahead of this laptop's clock would win over every later
        // change for as long as the gap lasts: a clock set to 2036, not a fact.
        if stamp.too_far_ahead_of(now) {
            return Err(refused(
                &path,
                Some(bundle::OPS),
                Some(n),
                format!(
                    "操作 {} 的时间为 {}，比本机时钟（{}）超前过多：生成它的设备（经“{producer}”送来）时钟可能有误，请校准该设备的日期和时间后重新导出",
                    op.id,
                    crate::db::timestamp(stamp.wall()),
                    crate::db::timestamp(now)
                ),
                format!(
                    "the operation {} is stamped {}, far ahead of this laptop's clock ({}): the clock of the device that made it (sent by '{producer}') is probably wrong; set its date and time and export again",
                    op.id,
                    crate::db::timestamp(stamp.wall()),
                    crate::db::timestamp(now)
                ),
            ));
        }
        if own_chains.contains(&op.origin) || proof.is_some() && chains.device_of(&op.origin) == Some(own.id.as_str()) {
            report.own_returned += 1;
        }
        newest = newest.max(stamp);
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
    Ok((affected, newest))
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
    if Stamp::parse(&op.hlc).is_none() {
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

/// Stores the files of attachments that are not here yet, from the bundle:
/// those of records it brought, and those of records here whose file was
/// missing (a record that came without its damaged file). A record whose file
/// the bundle lacks is kept and counted as missing; it does not refuse the file.
fn fetch_attachments(
    tx: &Connection,
    opened: &mut Opened,
    store: &EvidenceStore,
    affected: &Affected,
    report: &mut ImportReport,
    written: &mut Vec<std::path::PathBuf>,
) -> Result<()> {
    use crate::evidence::Variant;
    let idx = SYNCED.iter().position(|s| s.table == "attachment").expect("attachment travels");
    let mut wanted: BTreeMap<String, Option<u32>> = BTreeMap::new();
    for ((_, sha), touched) in affected.range((idx, String::new())..(idx + 1, String::new())) {
        wanted.insert(sha.clone(), Some(touched.line));
    }
    for name in opened.entry_names() {
        if let Some(sha) = name.strip_prefix(bundle::ATTACHMENTS) {
            wanted.entry(sha.to_string()).or_insert(None);
        }
    }
    for (sha, line) in wanted {
        let original = store.path(&sha, Variant::Original);
        if original.exists() {
            continue;
        }
        let name = format!("{}{sha}", bundle::ATTACHMENTS);
        let known: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM sync_op WHERE tbl = 'attachment' AND row_id = ?1)", [&sha], |r| r.get(0))?;
        if !opened.has_entry(&name) {
            if line.is_some() {
                report.attachments_missing += 1;
            }
            continue;
        }
        if !known {
            return Err(refused(&opened.path, Some(&name), None, "附件文件没有对应的记录", "an attachment file without its record"));
        }
        let bytes = opened.read_all(&name)?;
        let media: Option<String> = tx
            .query_row(
                "SELECT json_extract(value, '$.original_name') FROM sync_op WHERE tbl = 'attachment' AND row_id = ?1 AND kind = 'insert' LIMIT 1",
                [&sha],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        let checked = crate::evidence::check_bytes(&bytes, media.as_deref().unwrap_or("附件"), &name)?;
        if checked.attachment().sha256 != sha {
            return Err(refused(&opened.path, Some(&name), line, "附件内容与编号不符", "the attachment does not match its hash"));
        }
        for v in [Variant::Original, Variant::Display, Variant::Thumbnail] {
            let p = store.path(&sha, v);
            if !p.exists() {
                written.push(p);
            }
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
