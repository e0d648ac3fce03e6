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
        #[command(flatten)]
        json: JsonFlag,
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
            )
        }
        BundleCmd::Import { files, trust, json } => {
            let store = evidence_store(db)?;
            let opts = ImportOptions { trust };
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
                            r.file, r.device_name, t.new, t.updated, t.unchanged, t.deleted, t.conflicts
                        ),
                        format!(
                            "{} (from '{}'): {} new, {} updated, {} unchanged, {} deleted, {} conflicts",
                            r.file, r.device_name, t.new, t.updated, t.unchanged, t.deleted, t.conflicts
                        ),
                    )?;
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
                format!("设备：{}\n编号：{}\n指纹：{}", info.name, info.id, info.fingerprint),
                format!("device: {}\nid: {}\nfingerprint: {}", info.name, info.id, info.fingerprint),
            )
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
                w.line(&format!("{}\t{}\t{}", p.name, p.device_id, p.fingerprint))?;
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
