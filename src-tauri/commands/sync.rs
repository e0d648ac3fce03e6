//! 同步: this laptop's identity, sync bundles written to and read from the
//! folder of saved files, the devices trusted, open conflicts, and the audit
//! trail (变更历史) of one record.
//!
//! Bundles travel by USB stick, shared folder or messaging app; the window
//! only sees the one folder the other exports use (`files::output_dir`), and
//! a bundle is named by its plain file name in it, never by a path, so a page
//! cannot make the app read or trust a file elsewhere. Files from elsewhere
//! come in through the system's open dialog, shown by the shell, which copies
//! the chosen files into the folder first. Trusting a new device
//! needs the fingerprint the person compared: the file is checked again right
//! before the import, so a file swapped after the question is refused.
//!
//! Import, export and the listing (which checks each file's signature) run
//! off the async runtime's threads, and the import reports its progress on a
//! channel to the window that asked. Every rule of sync is the core's
//! (`qingdan_core::sync`); the views built here only add names for people.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use qingdan_core::sync::{self, BundleInfo, DeviceInfo, ImportOptions, Peer, Progress, Selection, TableCounts};
use qingdan_core::{Error, Lang};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use super::files::{output_dir, SavedFile};
use super::input::{Input, MAX_COUNTY, MAX_ID, MAX_NAME};
use crate::dialogs::{self, FileDialog};
use crate::error::IpcError;
use crate::state::AppState;

/// The extension of sync bundles.
pub const BUNDLE_EXT: &str = ".qingdan";
/// The largest file taken in from elsewhere: far above a year of one
/// county's work with photos, far below what fills a laptop's disk.
pub const MAX_RECEIVED_BYTES: u64 = 2 << 30;
/// Files taken in at once.
pub const MAX_RECEIVED_FILES: usize = 100;
/// Files listed from the folder, newest first; older ones are left out.
pub const MAX_LISTED: usize = 200;
/// A table name (`inspection_item`).
const MAX_TABLE: usize = 40;
/// A record's id in the sync log: a UUID, `<inspection id>/<code>`, or a JSON
/// array of a composite key.
const MAX_ROW: usize = 300;
/// An operation id: `<device uuid>:<12 digits>`.
const MAX_OP: usize = 64;

/// What a bundle written here holds.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncExportFile {
    pub path: String,
    /// The plain file name, as `sync_files` lists it.
    pub name: String,
    pub ops: u32,
    pub attachments: u32,
    #[ts(type = "number")]
    pub bytes: u64,
    /// Evidence files whose bytes no longer match their hash (damaged on
    /// disk): left out, named here; everything else went into the file.
    pub damaged_files: Vec<String>,
}

/// What goes into a bundle (docs/ipc.md, section "Sync").
#[derive(Debug, Clone, PartialEq, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum SyncScope {
    /// 全部: everything this database holds.
    All,
    /// 仅对方未收到的: what a trusted device is not known to have.
    Peer { peer: String },
    /// 本县: one county or district, by name.
    County { county: String },
    /// One inspection, its problems and what they stand on.
    Inspection { inspection: String },
}

/// One `.qingdan` file of the folder and what its manifest says.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncFile {
    pub name: String,
    #[ts(type = "number")]
    pub bytes: u64,
    /// Last written (RFC 3339), when the system says.
    pub modified: Option<String>,
    /// Written by this device.
    pub own: bool,
    /// The checked manifest; `null` when the file cannot be read (see `error`).
    pub info: Option<BundleInfo>,
    pub error: Option<IpcError>,
}

/// The folder of saved files and the bundles in it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncFolder {
    /// Where to copy a bundle received from another laptop.
    pub folder: String,
    pub files: Vec<SyncFile>,
}

/// What an import did, by record kind, for people.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncReport {
    pub name: String,
    pub device_name: String,
    pub made_at: String,
    /// This very file was imported before; nothing was read again.
    pub already_imported: bool,
    pub newly_trusted: bool,
    #[ts(type = "number")]
    pub ops_new: u64,
    #[ts(type = "number")]
    pub ops_known: u64,
    #[ts(type = "number")]
    pub attachments_fetched: u64,
    /// Evidence files the records name that neither the file nor this laptop
    /// holds (the sender's copy was damaged); they come with a later file.
    #[ts(type = "number")]
    pub attachments_missing: u64,
    /// Changes this laptop made itself that came back: it was restored from a
    /// backup or copied, and got back what it had lost.
    #[ts(type = "number")]
    pub own_returned: u64,
    /// The version of a team roster (组员名单) the file brought and this laptop took.
    #[ts(type = "number | null")]
    pub roster_taken: Option<u64>,
    /// Parents before children, as the core writes them.
    pub tables: Vec<SyncTableCounts>,
    pub total: TableCounts,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncTableCounts {
    pub table: String,
    /// The record kind in the user's language (问题, 检查条目 …).
    pub record: String,
    pub counts: TableCounts,
}

/// An open conflict with its competing values, each with who and when.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ConflictView {
    pub table: String,
    pub record: String,
    pub row: String,
    pub field: String,
    /// Newest (the one shown now) first.
    pub values: Vec<ConflictValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ConflictValue {
    /// Pass as `keep` to `conflict_resolve`.
    pub op_id: String,
    #[ts(type = "string | number | null")]
    pub value: Value,
    pub device_id: String,
    pub device_name: String,
    pub actor: String,
    /// When it was changed (RFC 3339).
    pub at: Option<String>,
}

// ---- the Tauri adapters

#[tauri::command]
pub async fn device_show(state: State<'_, AppState>) -> Result<DeviceInfo, IpcError> {
    device(&state)
}

#[tauri::command]
pub async fn device_name_set(state: State<'_, AppState>, name: String) -> Result<DeviceInfo, IpcError> {
    set_device_name(&state, &name)
}

#[tauri::command]
pub async fn device_peers(state: State<'_, AppState>) -> Result<Vec<Peer>, IpcError> {
    peers(&state)
}

#[tauri::command]
pub async fn sync_export(app: AppHandle, scope: SyncScope) -> Result<SyncExportFile, IpcError> {
    off_thread(app, move |state| export_bundle(state, &scope)).await
}

#[tauri::command]
pub async fn sync_files(app: AppHandle) -> Result<SyncFolder, IpcError> {
    off_thread(app, list_files).await
}

/// 添加其他位置的文件: the system's open dialog for `.qingdan` files (a USB
/// stick, a download folder); the chosen files are copied into the folder and
/// their names there answered, for the window to list and import as any other.
/// Empty when the person cancels.
#[tauri::command]
pub async fn sync_receive_files(window: tauri::Window, state: State<'_, AppState>) -> Result<Vec<String>, IpcError> {
    let zh = state.lang() == Lang::Zh;
    let ask = FileDialog {
        title: if zh { "选择同步文件" } else { "Choose sync files" },
        folder: state.last_folder().filter(|d| d.is_dir()).or_else(dirs::download_dir),
        label: if zh { "同步文件" } else { "Sync files" },
        extension: BUNDLE_EXT.trim_start_matches('.'),
        file_name: None,
        buttons: if zh { ("取消", "添加") } else { ("Cancel", "Add") },
    };
    // Blocks this command's thread, not the window: the dialog runs on the main loop.
    let Some(paths) = dialogs::pick_files(&window, ask) else { return Ok(Vec::new()) };
    receive_files(&state, &paths)
}

/// Copies the bundles at `paths` (chosen by a person in the open dialog) into
/// the folder and answers their names there. All are checked before any is
/// copied: a plain file, a `.qingdan` name, at most [`MAX_RECEIVED_BYTES`]. A
/// file already there with the same bytes is not copied again; a different
/// file of the same name gets `-2`, `-3` … so nothing there is overwritten.
/// What the file holds is checked when it is listed and imported, as for any
/// file of the folder.
pub fn receive_files(state: &AppState, paths: &[PathBuf]) -> Result<Vec<String>, IpcError> {
    let mut input = Input::new();
    if paths.len() > MAX_RECEIVED_FILES {
        input.refuse(
            "paths",
            &format!("一次最多添加 {MAX_RECEIVED_FILES} 个文件，本次选择了 {} 个", paths.len()),
            &format!("at most {MAX_RECEIVED_FILES} files at a time; {} were chosen", paths.len()),
        );
    }
    let mut plan = Vec::with_capacity(paths.len());
    for path in paths.iter().take(MAX_RECEIVED_FILES) {
        let shown = path.display().to_string();
        let name = path.file_name().and_then(|n| n.to_str()).map(plain_bundle_name);
        let Some(name) = name.filter(|n| check_bundle_name(n).is_ok()) else {
            input.refuse("paths", &format!("{shown} 不是同步文件（.qingdan）"), &format!("{shown} is not a sync file (.qingdan)"));
            continue;
        };
        match std::fs::metadata(path) {
            Ok(m) if m.is_file() && m.len() <= MAX_RECEIVED_BYTES => plan.push((path.clone(), name)),
            Ok(m) if m.is_file() => {
                input.refuse(
                    "paths",
                    &format!("{shown} 有 {} MB，超过同步文件的上限 {} MB", m.len() >> 20, MAX_RECEIVED_BYTES >> 20),
                    &format!("{shown} is {} MB, over the {} MB limit of a sync file", m.len() >> 20, MAX_RECEIVED_BYTES >> 20),
                );
            }
            Ok(_) => {
                input.refuse("paths", &format!("{shown} 不是文件"), &format!("{shown} is not a file"));
            }
            Err(e) => return Err(state.error(Error::io(path, e))),
        }
    }
    input.valid(state)?;
    let dir = output_dir(state)?;
    let mut names = Vec::with_capacity(plan.len());
    for (path, name) in plan {
        let target = free_name(&dir, path.as_path(), &name).map_err(|e| state.error(e))?;
        let dest = dir.join(&target);
        if !dest.exists() {
            qingdan_core::evidence::copy_durably(&path, &dest).map_err(|e| state.error(e))?;
        }
        if let Some(folder) = path.parent() {
            state.remember_folder(folder);
        }
        names.push(target);
    }
    Ok(names)
}

/// A file name as it may be kept in the folder: separators and a leading dot
/// replaced, so `微信下载:第一组.qingdan` stays recognisable.
fn plain_bundle_name(name: &str) -> String {
    let cleaned: String = name.chars().map(|c| if matches!(c, '/' | '\\' | ':') || c.is_control() { '_' } else { c }).collect();
    let cleaned = cleaned.replace("..", "_");
    cleaned.trim_start_matches('.').to_string()
}

/// `name` in `dir`, or `name-2`, `name-3` …: the first that is free or already
/// holds the same bytes as `source`.
fn free_name(dir: &Path, source: &Path, name: &str) -> Result<String, Error> {
    let stem = &name[..name.len() - BUNDLE_EXT.len()];
    for n in 1..1000 {
        let candidate = if n == 1 { name.to_string() } else { format!("{stem}-{n}{BUNDLE_EXT}") };
        let path = dir.join(&candidate);
        match path.symlink_metadata() {
            Err(_) => return Ok(candidate),
            Ok(m) if m.is_file() && same_bytes(source, &path).map_err(|e| Error::io(&path, e))? => return Ok(candidate),
            Ok(_) => continue,
        }
    }
    Err(Error::refuse("paths", format!("导出文件夹中已有太多名为 {name} 的文件"), format!("the folder already holds too many files named {name}")))
}

fn same_bytes(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::io::Read;
    if std::fs::metadata(a)?.len() != std::fs::metadata(b)?.len() {
        return Ok(false);
    }
    let (mut fa, mut fb) = (std::io::BufReader::new(std::fs::File::open(a)?), std::io::BufReader::new(std::fs::File::open(b)?));
    let (mut ba, mut bb) = (vec![0u8; 64 << 10], vec![0u8; 64 << 10]);
    loop {
        let n = fa.read(&mut ba)?;
        if n == 0 {
            return Ok(true);
        }
        fb.read_exact(&mut bb[..n])?;
        if ba[..n] != bb[..n] {
            return Ok(false);
        }
    }
}

#[tauri::command]
pub async fn sync_peek(app: AppHandle, name: String) -> Result<BundleInfo, IpcError> {
    off_thread(app, move |state| peek(state, &name)).await
}

/// `trustFingerprint`: the fingerprint the person compared, to trust a device
/// seen for the first time; `supervisor`: that device is the 督查组's, whose
/// team roster this laptop then takes.
#[tauri::command]
pub async fn sync_import(
    app: AppHandle,
    name: String,
    trust_fingerprint: Option<String>,
    supervisor: Option<bool>,
    on_progress: Channel<Progress>,
) -> Result<SyncReport, IpcError> {
    off_thread(app, move |state| {
        // A window that went away only stops hearing; the import goes on.
        import_file_as(state, &name, trust_fingerprint.as_deref(), supervisor.unwrap_or(false), &mut |p| {
            let _ = on_progress.send(p);
        })
    })
    .await
}

#[tauri::command]
pub async fn conflict_list(state: State<'_, AppState>) -> Result<Vec<ConflictView>, IpcError> {
    conflicts(&state)
}

#[tauri::command]
pub async fn conflict_resolve(
    state: State<'_, AppState>,
    table: String,
    row: String,
    field: String,
    keep: String,
) -> Result<Vec<ConflictView>, IpcError> {
    resolve(&state, &table, &row, &field, &keep)
}

#[tauri::command]
pub async fn history_list(
    state: State<'_, AppState>,
    table: String,
    row_id: String,
) -> Result<Vec<sync::HistoryEntry>, IpcError> {
    history(&state, &table, &row_id)
}

#[tauri::command]
pub async fn history_export(state: State<'_, AppState>, table: String, row_id: String) -> Result<SavedFile, IpcError> {
    export_history(&state, &table, &row_id)
}

/// Runs `f` on a thread of its own, so a long import or listing holds no
/// thread the window's other requests are answered on.
async fn off_thread<T: Send + 'static>(
    app: AppHandle,
    f: impl FnOnce(&AppState) -> Result<T, IpcError> + Send + 'static,
) -> Result<T, IpcError> {
    tauri::async_runtime::spawn_blocking(move || f(&app.state::<AppState>()))
        .await
        .map_err(|e| IpcError::internal(format!("the background task failed: {e}")))?
}

// ---- the functions behind them, callable without a window

pub fn device(state: &AppState) -> Result<DeviceInfo, IpcError> {
    state.read(|db| Ok(sync::Device::of(db)?.info()))
}

pub fn set_device_name(state: &AppState, name: &str) -> Result<DeviceInfo, IpcError> {
    Input::new().required("name", name, MAX_NAME).valid(state)?;
    state.write(|db| {
        sync::device::set_device_name(db, name)?;
        Ok(sync::Device::of(db)?.info())
    })
}

pub fn peers(state: &AppState) -> Result<Vec<Peer>, IpcError> {
    state.read(sync::device::peers)
}

pub fn export_bundle(state: &AppState, scope: &SyncScope) -> Result<SyncExportFile, IpcError> {
    let mut input = Input::new();
    let sel = match scope {
        SyncScope::All => Selection::default(),
        SyncScope::Peer { peer } => {
            input.id("peer", peer);
            Selection { for_peer: Some(peer.trim().to_string()), ..Default::default() }
        }
        SyncScope::County { county } => {
            input.required("county", county, MAX_COUNTY);
            Selection { county: Some(county.trim().to_string()), ..Default::default() }
        }
        SyncScope::Inspection { inspection } => {
            input.id("inspection", inspection);
            Selection { inspection: Some(inspection.trim().to_string()), ..Default::default() }
        }
    };
    input.valid(state)?;
    let dir = output_dir(state)?;
    let device_name = state.read(sync::device::device_name)?;
    let out = unique(&dir, &format!("同步-{}", plain_name(&device_name)), BUNDLE_EXT);
    let s = state.write(|db| sync::export(db, &out, &sel))?;
    Ok(SyncExportFile {
        name: out.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
        path: s.path,
        ops: u32::try_from(s.ops).unwrap_or(u32::MAX),
        attachments: u32::try_from(s.attachments).unwrap_or(u32::MAX),
        bytes: s.bytes,
        damaged_files: s.damaged_files.into_iter().map(|d| d.name).collect(),
    })
}

pub fn list_files(state: &AppState) -> Result<SyncFolder, IpcError> {
    let dir = output_dir(state)?;
    let entries = std::fs::read_dir(&dir).map_err(|e| state.error(Error::io(&dir, e)))?;
    let mut found: Vec<(String, u64, Option<DateTime<Utc>>)> = Vec::new();
    for entry in entries.flatten() {
        let Some(name) = entry.file_name().to_str().map(str::to_string) else { continue };
        if check_bundle_name(&name).is_err() {
            continue;
        }
        // Plain files only: a link could point anywhere.
        let Ok(meta) = entry.path().symlink_metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        found.push((name, meta.len(), meta.modified().ok().map(DateTime::<Utc>::from)));
    }
    found.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    found.truncate(MAX_LISTED);
    let own = state.read(|db| Ok(db.device_id().to_string()))?;
    let files = found
        .into_iter()
        .map(|(name, bytes, modified)| {
            let (info, error) = match state.read(|db| sync::peek(db, &dir.join(&name))) {
                Ok(i) => (Some(i), None),
                Err(e) => (None, Some(e)),
            };
            SyncFile {
                own: info.as_ref().is_some_and(|i| i.device_id == own),
                name,
                bytes,
                modified: modified.map(|m| m.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
                info,
                error,
            }
        })
        .collect();
    Ok(SyncFolder { folder: dir.display().to_string(), files })
}

pub fn peek(state: &AppState, name: &str) -> Result<BundleInfo, IpcError> {
    let path = bundle_path(state, name)?;
    state.read(|db| sync::peek(db, &path))
}

/// Imports one bundle of the folder. A device seen for the first time is
/// trusted only with `trust_fingerprint`, and only if the file still carries it.
pub fn import_file(
    state: &AppState,
    name: &str,
    trust_fingerprint: Option<&str>,
    progress: &mut dyn FnMut(Progress),
) -> Result<SyncReport, IpcError> {
    import_file_as(state, name, trust_fingerprint, false, progress)
}

/// [`import_file`], naming the device trusted for the first time 督查组
/// (`supervisor`): its roster is taken with this file and later ones.
pub fn import_file_as(
    state: &AppState,
    name: &str,
    trust_fingerprint: Option<&str>,
    supervisor: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<SyncReport, IpcError> {
    if supervisor && trust_fingerprint.is_none() {
        Input::new()
            .refuse("supervisor", "只有在首次信任一台设备时才能将其认定为督查组", "a device is named 督查组 only when it is first trusted")
            .valid(state)?;
    }
    Input::new().text("trust_fingerprint", trust_fingerprint, MAX_ID).valid(state)?;
    let path = bundle_path(state, name)?;
    let store = state.evidence()?;
    let trust = match trust_fingerprint {
        Some(expected) => {
            let now = state.read(|db| sync::peek(db, &path))?;
            if now.fingerprint != expected.trim() {
                Input::new()
                    .refuse(
                        "trust_fingerprint",
                        &format!("文件的签名指纹（{}）与核对时的不同，文件可能已被替换，未导入", now.fingerprint),
                        &format!("the file's fingerprint ({}) is not the one compared; it may have been replaced; nothing was imported", now.fingerprint),
                    )
                    .valid(state)?;
            }
            true
        }
        None => false,
    };
    let report = state.write(|db| sync::import(db, &store, &path, &ImportOptions { trust, supervisor: trust && supervisor }, progress))?;
    let lang = state.lang();
    let mut tables: Vec<SyncTableCounts> = report
        .tables
        .iter()
        .map(|(t, c)| SyncTableCounts { table: t.clone(), record: record_name(t, lang), counts: c.clone() })
        .collect();
    tables.sort_by_key(|t| sync::schema::SYNCED.iter().position(|s| s.table == t.table).unwrap_or(usize::MAX));
    Ok(SyncReport {
        name: name.to_string(),
        total: report.total(),
        device_name: report.device_name,
        made_at: report.made_at,
        already_imported: report.already_imported,
        newly_trusted: report.newly_trusted,
        ops_new: report.ops_new,
        ops_known: report.ops_known,
        attachments_fetched: report.attachments_fetched,
        attachments_missing: report.attachments_missing,
        own_returned: report.own_returned,
        roster_taken: match report.roster {
            Some(sync::roster::Outcome::Accepted { version }) => Some(version),
            _ => None,
        },
        tables,
    })
}

pub fn conflicts(state: &AppState) -> Result<Vec<ConflictView>, IpcError> {
    let lang = state.lang();
    state.read(|db| {
        let names = device_names(db)?;
        Ok(sync::conflicts::list(db)?
            .into_iter()
            .map(|c| ConflictView {
                record: record_name(&c.table, lang),
                values: c
                    .heads
                    .into_iter()
                    .map(|h| ConflictValue {
                        device_name: names.get(&h.origin).cloned().unwrap_or_else(|| h.origin.clone()),
                        at: qingdan_core::db::hlc::wall_time(&h.hlc),
                        op_id: h.op_id,
                        value: h.value,
                        device_id: h.origin,
                        actor: h.actor,
                    })
                    .collect(),
                table: c.table,
                row: c.row,
                field: c.field,
            })
            .collect())
    })
}

pub fn resolve(
    state: &AppState,
    table: &str,
    row: &str,
    field: &str,
    keep: &str,
) -> Result<Vec<ConflictView>, IpcError> {
    let mut input = Input::new();
    table_name(&mut input, "table", table);
    table_name(&mut input, "field", field);
    input.required("row", row, MAX_ROW).required("keep", keep, MAX_OP);
    input.valid(state)?;
    state.write(|db| sync::conflicts::resolve(db, table, row, field, keep))?;
    conflicts(state)
}

pub fn history(state: &AppState, table: &str, row: &str) -> Result<Vec<sync::HistoryEntry>, IpcError> {
    let mut input = Input::new();
    table_name(&mut input, "table", table);
    input.required("row_id", row, MAX_ROW);
    input.valid(state)?;
    state.read(|db| sync::history::history(db, table, row))
}

/// The audit trail of one record as CSV (UTF-8 with a BOM, as the list exports), in Beijing time.
pub fn export_history(state: &AppState, table: &str, row: &str) -> Result<SavedFile, IpcError> {
    let entries = history(state, table, row)?;
    let dir = output_dir(state)?;
    let short: String = row.chars().filter(|c| c.is_ascii_alphanumeric()).take(8).collect();
    let out = unique(&dir, &format!("变更历史-{}-{short}", record_name(table, Lang::Zh)), ".csv");
    let mut text = String::from("\u{feff}时间,设备,设备编号,操作人,操作,字段,原值,新值,来源文件\r\n");
    for e in &entries {
        let at = DateTime::parse_from_rfc3339(&e.at)
            .map(|t| (t.with_timezone(&Utc) + Duration::hours(8)).format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_else(|_| e.at.clone());
        let kind = match e.kind.as_str() {
            "insert" => "新建",
            "set" => "修改",
            "delete" => "删除",
            other => other,
        };
        let cells = [
            at,
            e.device_name.clone(),
            e.device_id.clone(),
            e.actor.clone(),
            kind.to_string(),
            e.field.clone().unwrap_or_default(),
            value_text(&e.old_value),
            value_text(&e.new_value),
            e.bundle.clone().unwrap_or_else(|| "本机".into()),
        ];
        text.push_str(&cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
        text.push_str("\r\n");
    }
    qingdan_core::evidence::write_durably(&out, text.as_bytes()).map_err(|e| state.error(e))?;
    Ok(SavedFile { path: out.display().to_string(), pages: None, rows: Some(entries.len() as u32) })
}

// ---- names and checks

/// A bundle's file name as the window may pass it: a plain name in the
/// folder (no folder part, no `..`, not hidden), ending in `.qingdan`.
pub fn check_bundle_name(name: &str) -> Result<(), Error> {
    let mut input = Input::new();
    input.required("name", name, MAX_NAME);
    let plain = !name.contains(['/', '\\', ':'])
        && !name.starts_with('.')
        && !name.contains("..")
        && name.len() > BUNDLE_EXT.len()
        && name.ends_with(BUNDLE_EXT)
        && Path::new(name).file_name().and_then(|n| n.to_str()) == Some(name);
    if !plain {
        let shown: String = name.chars().filter(|c| !c.is_control()).take(80).collect();
        input.refuse(
            "name",
            &format!("“{shown}”不是导出文件夹中同步文件（.qingdan）的文件名"),
            &format!("'{shown}' is not the name of a sync file (.qingdan) in the export folder"),
        );
    }
    input.check()
}

/// The file `name` names in the folder of saved files; it must be there.
fn bundle_path(state: &AppState, name: &str) -> Result<PathBuf, IpcError> {
    check_bundle_name(name).map_err(|e| state.error(e))?;
    let dir = output_dir(state)?;
    let path = dir.join(name);
    match path.symlink_metadata() {
        Ok(m) if m.is_file() => Ok(path),
        _ => Err(state.error(Error::NotFound { what: "同步文件", key: name.to_string() })),
    }
}

/// `inspection_item`, `verdict`: lower-case ASCII letters, digits and `_`.
fn table_name(input: &mut Input, field: &str, value: &str) {
    input.required(field, value, MAX_TABLE);
    if !value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        input.refuse(field, "只能包含小写英文字母、数字和下划线", "only lower-case letters, digits and underscores");
    }
}

fn record_name(table: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => sync::conflicts::record_name(table).to_string(),
        _ => table.replace('_', " "),
    }
}

/// Every device name this database knows, by id.
fn device_names(db: &qingdan_core::Db) -> Result<HashMap<String, String>, Error> {
    let mut names: HashMap<String, String> =
        sync::device::peers(db)?.into_iter().map(|p| (p.device_id, p.name)).collect();
    names.insert(db.device_id().to_string(), sync::device::device_name(db)?);
    Ok(names)
}

/// A device name made safe for a file name: letters (Chinese included),
/// digits, `-` and `_`, at most 20.
fn plain_name(name: &str) -> String {
    let s: String =
        name.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).take(20).collect();
    if s.trim_matches('_').is_empty() {
        "本机".into()
    } else {
        s
    }
}

/// `<stem>-20241120-153000<ext>` in Beijing time, with `-2`, `-3` … if that name is taken.
fn unique(dir: &Path, stem: &str, ext: &str) -> PathBuf {
    let t = Utc::now() + Duration::hours(8);
    let base = format!("{stem}-{}", t.format("%Y%m%d-%H%M%S"));
    let mut path = dir.join(format!("{base}{ext}"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{base}-{n}{ext}"));
        n += 1;
    }
    path
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(value_text).collect::<Vec<_>>().join(" | "),
        other => other.to_string(),
    }
}

/// One CSV field, quoted; a text a spreadsheet would run as a formula is kept as text.
fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
    format!("\"{}\"", s.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_name_is_a_plain_qingdan_file_name() {
        assert!(check_bundle_name("同步-张三的电脑-20241120-153000.qingdan").is_ok());
        for bad in [
            "",
            ".qingdan",
            "../x.qingdan",
            "a/b.qingdan",
            "a\\b.qingdan",
            "C:x.qingdan",
            "x.zip",
            "x.qingdan.zip",
            ".hidden.qingdan",
            "a..b.qingdan",
            "x\u{0}.qingdan",
            &format!("{}.qingdan", "长".repeat(300)),
        ] {
            assert!(check_bundle_name(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn device_names_become_safe_file_names() {
        assert_eq!(plain_name("张三的电脑"), "张三的电脑");
        assert_eq!(plain_name("../etc/passwd"), "___etc_passwd");
        assert_eq!(plain_name("//"), "本机");
    }

    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        assert_eq!(csv_cell("不符合"), "\"不符合\"");
        assert_eq!(csv_cell("说\"明\""), "\"说\"\"明\"\"\"");
        assert_eq!(csv_cell("=1+1"), "\"'=1+1\"");
    }
}
