//! `qingdan bundle|device|conflicts|dump|history`: file sync from the command
//! line (see docs/cli.md and docs/bundle-format.md).

use std::path::PathBuf;

use clap::Subcommand;
use serde::Serialize;

use super::output::Writer;
use super::{evidence_store, JsonFlag};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::sync::{self, ImportOptions, ImportReport, Selection, TableCounts};
use crate::text::printable;

#[derive(Subcommand, Debug)]
pub(super) enum BundleCmd {
    /// Write a signed bundle: everything, or only what a peer has not seen, one inspection, or one county
    Export {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Only what this device (id from `device show`) is not known to have
        #[arg(long = "for", value_name = "PEER_DEVICE_ID")]
        for_peer: Option<String>,
        /// Only this inspection, its problems and what they stand on
        #[arg(long, value_name = "ID")]
        inspection: Option<String>,
        /// Only this county or district, e.g. 汝阳县
        #[arg(long, value_name = "NAME")]
        county: Option<String>,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Import bundles, each all or nothing; exit 2 if any was refused
    Import {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Trust a device seen for the first time (compare its fingerprint first)
        #[arg(long)]
        trust: bool,
        /// With --trust: the device is a supervisor's (督查组); the team rosters it issues count here
        #[arg(long, requires = "trust")]
        supervisor: bool,
        #[command(flatten)]
        json: JsonFlag,
    },
}

#[derive(Subcommand, Debug)]
pub(super) enum RosterCmd {
    /// The team roster this laptop holds: devices, roles, revocations
    Show(JsonFlag),
    /// Add a device to the roster, or change its name or role (a supervisor's laptop only)
    Add {
        /// The device's id (from its `device show`)
        #[arg(long, value_name = "DEVICE_ID")]
        device: String,
        #[arg(long)]
        name: String,
        /// Its public key, 64 hex digits; taken from the trusted peers when left out
        #[arg(long, value_name = "HEX")]
        key: Option<String>,
        /// supervisor (督查组) or inspector (检查组成员)
        #[arg(long, default_value = "inspector")]
        role: String,
    },
    /// Revoke a lost or misused laptop: its later changes are refused everywhere
    Revoke {
        #[arg(long, value_name = "DEVICE_ID")]
        device: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand, Debug)]
pub(super) enum DeviceCmd {
    /// This device's id, name and key fingerprint
    Show(JsonFlag),
    /// Set the name other laptops see for this device
    Name { name: String },
    /// Devices whose bundles this one accepts
    Peers(JsonFlag),
}

#[derive(Subcommand, Debug)]
pub(super) enum ConflictsCmd {
    /// Fields two laptops changed differently, with both values
    List(JsonFlag),
    /// Keep one value of a conflict (OP_ID from `conflicts list --json`); the choice travels like any change
    Resolve {
        table: String,
        row: String,
        field: String,
        #[arg(long, value_name = "OP_ID")]
        keep: String,
    },
}

#[derive(Serialize)]
struct ImportOutput {
    #[serde(flatten)]
    total: TableCounts,
    refused: u64,
    tables: std::collections::BTreeMap<String, TableCounts>,
    files: Vec<ImportReport>,
    refused_files: Vec<Refusal>,
}

#[derive(Serialize)]
struct Refusal {
    file: String,
    message: String,
}

pub(super) fn bundle_cmd(db: &mut Db, cmd: BundleCmd, w: &mut Writer<'_>) -> Result<()> {
    match cmd {
        BundleCmd::Export { out, for_peer, inspection, county, json } => {
            let s = sync::export(db, &out, &Selection { for_peer, inspection, county })?;
            if json.json {
                return w.json(&s);
            }
            w.zh_en(
                format!("已导出同步文件（{} 条操作，{} 个附件，{} 字节）：{}", s.ops, s.attachments, s.bytes, s.path),
                format!("wrote the bundle ({} operations, {} attachments, {} bytes) to {}", s.ops, s.attachments, s.bytes, s.path),
            )?;
            for f in &s.damaged_files {
                w.zh_en(
                    format!("附件“{}”（{}）在本机已损坏或缺失，未随文件发出；其余内容已导出", printable(&f.name), f.sha256),
                    format!("the file '{}' ({}) is damaged or missing here and was left out; everything else was exported", printable(&f.name), f.sha256),
                )?;
            }
            if s.held_back > 0 {
                w.zh_en(
                    format!("{} 条修改暂未发出：它们在本机启用记录签名之前收到，须由其原设备重新导出后才能转发", s.held_back),
                    format!("{} changes were held back: received before chain signatures, they travel once their own device sends them again", s.held_back),
                )?;
            }
            Ok(())
        }
        BundleCmd::Import { files, trust, supervisor, json } => {
            let store = evidence_store(db)?;
            let opts = ImportOptions { trust, supervisor };
            let mut reports = Vec::new();
            let mut refused = Vec::new();
            let mut first_error: Option<Error> = None;
            // One transaction per file (a refused file does not stop the
            // others); the WAL is copied into the database once, at the end.
            db.checkpoint_after(|db| {
                for f in &files {
                    match sync::import(db, &store, f, &opts, &mut |_| {}) {
                        Ok(r) => reports.push(r),
                        Err(e) => {
                            refused.push(Refusal { file: f.display().to_string(), message: e.message(w.lang) });
                            first_error.get_or_insert(e);
                        }
                    }
                }
            })?;
            let mut tables: std::collections::BTreeMap<String, TableCounts> = Default::default();
            for r in &reports {
                for (t, c) in &r.tables {
                    let e = tables.entry(t.clone()).or_default();
                    e.new += c.new;
                    e.updated += c.updated;
                    e.unchanged += c.unchanged;
                    e.deleted += c.deleted;
                    e.conflicts += c.conflicts;
                    e.waiting += c.waiting;
                }
            }
            let total = ImportReport { tables: tables.clone(), ..Default::default() }.total();
            if json.json {
                w.json(&ImportOutput { total, refused: refused.len() as u64, tables, files: reports, refused_files: refused })?;
            } else {
                for r in &reports {
                    let t = r.total();
                    if r.already_imported {
                        w.zh_en(format!("{}：此前已导入，无新内容", r.file), format!("{}: imported before, nothing new", r.file))?;
                        continue;
                    }
                    w.zh_en(
                        format!(
                            "{}（来自“{}”）：新增 {}，更新 {}，未变 {}，删除 {}，冲突 {}",
                            r.file, printable(&r.device_name), t.new, t.updated, t.unchanged, t.deleted, t.conflicts
                        ),
                        format!(
                            "{} (from '{}'): {} new, {} updated, {} unchanged, {} deleted, {} conflicts",
                            r.file, printable(&r.device_name), t.new, t.updated, t.unchanged, t.deleted, t.conflicts
                        ),
                    )?;
                    if r.own_returned > 0 {
                        w.zh_en(
                            format!("本机的数据库曾从备份恢复（或被复制）：本机此前所做的 {} 条修改已从其他设备收回，此后的修改照常记录", r.own_returned),
                            format!("this laptop's database was restored from a backup (or copied): {} of its own earlier changes came back from elsewhere; new changes are recorded as usual", r.own_returned),
                        )?;
                    }
                    if r.attachments_missing > 0 {
                        w.zh_en(
                            format!("{} 个附件的文件未随记录送达（发送方的文件已损坏），暂显示为缺失", r.attachments_missing),
                            format!("{} attachments arrived without their file (damaged on the sending laptop); shown as missing for now", r.attachments_missing),
                        )?;
                    }
                    if let Some(sync::roster::Outcome::Accepted { version }) = &r.roster {
                        w.zh_en(format!("已采用组员名单第 {version} 版"), format!("took the team roster, version {version}"))?;
                    }
                }
                for r in &refused {
                    w.zh_en(format!("已拒绝 {}", r.file), format!("refused {}", r.file))?;
                }
            }
            match first_error {
                Some(e) => Err(e),
                None => Ok(()),
            }
        }
    }
}

pub(super) fn device_cmd(db: &mut Db, cmd: DeviceCmd, w: &mut Writer<'_>) -> Result<()> {
    match cmd {
        DeviceCmd::Show(j) => {
            let info = sync::Device::of(db)?.info();
            if j.json {
                return w.json(&info);
            }
            w.zh_en(
                format!("设备：{}\n编号：{}\n指纹：{}\n公钥：{}", printable(&info.name), info.id, info.fingerprint, info.public_key),
                format!("device: {}\nid: {}\nfingerprint: {}\npublic key: {}", printable(&info.name), info.id, info.fingerprint, info.public_key),
            )?;
            match db.clock_warning()? {
                Some(c) => w.zh_en(format!("时钟：{}", c.zh), format!("clock: {}", c.en)),
                None => Ok(()),
            }
        }
        DeviceCmd::Name { name } => {
            sync::device::set_device_name(db, &name)?;
            w.zh_en(format!("设备名称已设为“{}”", name.trim()), format!("the device is now called '{}'", name.trim()))
        }
        DeviceCmd::Peers(j) => {
            let peers = sync::device::peers(db)?;
            if j.json {
                return w.json(&peers);
            }
            for p in &peers {
                w.line(&format!("{}\t{}\t{}", printable(&p.name), p.device_id, p.fingerprint))?;
            }
            Ok(())
        }
    }
}

pub(super) fn conflicts_cmd(db: &mut Db, cmd: ConflictsCmd, w: &mut Writer<'_>) -> Result<()> {
    match cmd {
        ConflictsCmd::List(j) => {
            let list = sync::conflicts::list(db)?;
            if j.json {
                return w.json(&list);
            }
            if list.is_empty() {
                return w.zh_en("没有待处理的冲突".into(), "no open conflicts".into());
            }
            for c in &list {
                let values: Vec<String> = c.heads.iter().map(|h| format!("{} ({})", h.value, h.origin)).collect();
                w.line(&format!("{} {} {}: {}", c.record, c.row, c.field, values.join(" | ")))?;
            }
            Ok(())
        }
        ConflictsCmd::Resolve { table, row, field, keep } => {
            sync::conflicts::resolve(db, &table, &row, &field, &keep)?;
            w.zh_en("冲突已处理".into(), "the conflict is resolved".into())
        }
    }
}

pub(super) fn dump_cmd(db: &Db, w: &mut Writer<'_>) -> Result<()> {
    let v = sync::dump::dump(db)?;
    w.line(&serde_json::to_string(&v).map_err(|e| Error::Internal(e.to_string()))?)
}

pub(super) fn history_cmd(db: &Db, table: &str, row: &str, json: bool, w: &mut Writer<'_>) -> Result<()> {
    let list = sync::history::history(db, table, row)?;
    if json {
        return w.json(&list);
    }
    for h in &list {
        w.line(&format!(
            "{}\t{}\t{}\t{}\t{}\t{} → {}\t{}",
            h.at,
            h.device_name,
            h.actor,
            h.kind,
            h.field.as_deref().unwrap_or(""),
            h.old_value,
            h.new_value,
            h.bundle.as_deref().unwrap_or("本机")
        ))?;
    }
    Ok(())
}

pub(super) fn roster_cmd(db: &mut Db, cmd: RosterCmd, w: &mut Writer<'_>) -> Result<()> {
    use sync::roster::{self, Change, Role};
    let role_of = |s: &str| {
        Role::parse(s).ok_or_else(|| Error::refuse("role", format!("角色“{s}”无法识别，应为 supervisor（督查组）或 inspector（检查组成员）"), format!("unknown role '{s}': supervisor or inspector")))
    };
    let issued = match cmd {
        RosterCmd::Show(j) => {
            let held = roster::current(db.conn())?;
            if j.json {
                return w.json(&held.map(|h| h.roster));
            }
            let Some(h) = held else {
                return w.zh_en("本机尚无组员名单".into(), "this laptop holds no team roster".into());
            };
            w.zh_en(format!("组员名单第 {} 版（{} 签发）", h.roster.version, h.roster.issued_at), format!("team roster, version {} (issued {})", h.roster.version, h.roster.issued_at))?;
            for m in &h.roster.members {
                let (zh, en) = match &m.revoked {
                    Some(r) => (format!("  已撤销（{}，{}）", r.at, printable(&r.reason)), format!("  revoked ({}, {})", r.at, printable(&r.reason))),
                    None => (String::new(), String::new()),
                };
                w.zh_en(
                    format!("{}\t{}\t{}{zh}", printable(&m.name), m.role.label_zh(), m.device_id),
                    format!("{}\t{}\t{}{en}", printable(&m.name), m.role.label_en(), m.device_id),
                )?;
            }
            return Ok(());
        }
        RosterCmd::Add { device, name, key, role } => {
            let public_key = match key {
                Some(k) => k.trim().to_lowercase(),
                None => sync::device::peer_key(db.conn(), &device)?.ok_or_else(|| {
                    Error::refuse("key", "本机未信任该设备，请用 --key 给出它的公钥（对方 device show 中的“公钥”）", "this laptop does not trust that device: give its key with --key (the 'public key' of its device show)")
                })?,
            };
            roster::issue(db, Change::Put { device_id: device, name, public_key, role: role_of(&role)? })?
        }
        RosterCmd::Revoke { device, reason } => roster::issue(db, Change::Revoke { device_id: device, reason })?,
    };
    w.zh_en(format!("组员名单已更新为第 {} 版，将随本机导出的同步文件发出", issued.version), format!("the roster is now version {}; it travels with this laptop's bundles", issued.version))
}
