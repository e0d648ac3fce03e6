//! The bundle file (`*.qingdan`): a zip archive with exactly these entries —
//!
//! - `manifest.json`: format and version, the producing device (id, name,
//!   public key), when it was made, what it holds, and the size and SHA-256 of
//!   every other entry;
//! - `manifest.sig`: the device's Ed25519 signature of `manifest.json`'s bytes, in hex;
//! - `ops.jsonl`: one operation a line (see [`super::ops::Op`]);
//! - `attachments/<sha256>`: the files of attachments the bundle brings.
//!
//! `docs/bundle-format.md` describes it for other readers. This module reads
//! the archive defensively: entry names are matched against the manifest and
//! never used as paths, every entry is read through a limit of its signed
//! size, and hashes are checked as bytes stream past.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zip::ZipArchive;

use crate::error::{Error, Problem, Reason, Result};

pub const FORMAT: &str = "qingdan-bundle";
/// 2: chains (`chains.jsonl`) and the roster (`roster.json`, `roster.sig`).
/// Version 1 bundles are still read (see `docs/bundle-format.md`).
pub const VERSION: u32 = 2;
pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.sig";
pub const OPS: &str = "ops.jsonl";
pub const ATTACHMENTS: &str = "attachments/";
pub const CHAINS: &str = "chains.jsonl";
pub const ROSTER: &str = "roster.json";
pub const ROSTER_SIG: &str = "roster.sig";

/// Limits that no honest bundle comes near.
pub const MAX_MANIFEST: u64 = 16 << 20;
pub const MAX_SIGNATURE: u64 = 1024;
pub const MAX_LINE: usize = 8 << 20;
pub const MAX_ATTACHMENT: u64 = 64 << 20;
pub const MAX_TOTAL: u64 = 16 << 30;
/// Deflate rarely beats 20:1 on our JSON lines; far beyond that is a bomb.
pub const MAX_RATIO: u64 = 200;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    /// The program that wrote it (absent in version 1).
    #[serde(default)]
    pub app_version: String,
    /// Its database schema (`PRAGMA user_version`): a bundle from a newer
    /// schema may name columns this program does not know.
    #[serde(default)]
    pub schema_version: i64,
    pub device: ManifestDevice,
    pub made_at: String,
    pub scope: Scope,
    /// The newest clock stamp among the operations.
    pub hlc: String,
    /// For each device, the highest sequence number the producer has all
    /// operations up to: what the receiver may assume it holds.
    pub clock: BTreeMap<String, i64>,
    pub counts: Counts,
    pub catalog_versions: Vec<CatalogRef>,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestDevice {
    pub id: String,
    pub name: String,
    pub public_key: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// `all`, `peer`, `inspection` or `county`.
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspection: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub county: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    pub ops: u64,
    pub tables: BTreeMap<String, u64>,
    pub attachments: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogRef {
    pub id: String,
    pub name: String,
    pub content_hash: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

/// A refusal that names the bundle file and, where known, the entry and line.
pub fn refused(file: &Path, entry: Option<&str>, line: Option<u32>, zh: impl Into<String>, en: impl Into<String>) -> Error {
    let mut p = Problem::new(Reason::Other { zh: zh.into(), en: en.into() }).file(file.display().to_string());
    if let Some(e) = entry {
        p = p.field(e);
    }
    if let Some(l) = line {
        p = p.row(l);
    }
    Error::Input(vec![p])
}

/// Where an entry name may point: the fixed names, or an attachment by hash.
pub fn entry_name_ok(name: &str) -> bool {
    matches!(name, MANIFEST | SIGNATURE | OPS | CHAINS | ROSTER | ROSTER_SIG)
        || name.strip_prefix(ATTACHMENTS).is_some_and(crate::evidence::is_sha256)
}

/// An opened bundle whose manifest is signed by the key it names.
pub struct Opened {
    pub path: std::path::PathBuf,
    pub manifest: Manifest,
    pub manifest_bytes: Vec<u8>,
    pub sha256: String,
    archive: ZipArchive<BufReader<File>>,
    entries: BTreeMap<String, Entry>,
}

impl std::fmt::Debug for Opened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened").field("path", &self.path).field("manifest", &self.manifest).finish_non_exhaustive()
    }
}

/// Opens a bundle and checks everything that can be checked without reading
/// the operations: the archive's directory, the entry names and sizes, the
/// manifest's shape and version, and its signature. Trust is the caller's.
pub fn open(path: &Path) -> Result<Opened> {
    let bad = |zh: String, en: String| refused(path, None, None, zh, en);
    // A FIFO would block the open and /dev/zero never end: look before opening.
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        let what = if meta.is_dir() { ("文件夹", "a folder") } else { ("设备文件或管道", "a device or a pipe") };
        return Err(bad(format!("这是{}，不是同步文件", what.0), format!("this is {}, not a bundle file", what.1)));
    }
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let file_len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let sha256 = {
        let mut h = Sha256::new();
        let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
        std::io::copy(&mut f, &mut h).map_err(|e| Error::io(path, e))?;
        hex::encode(h.finalize())
    };
    let mut archive = ZipArchive::new(BufReader::new(file)).map_err(|e| {
        bad(format!("不是完整的同步文件，可能未传输完整或已损坏（{e}）"), format!("not a complete bundle; it may be cut short or damaged ({e})"))
    })?;

    let mut seen = HashSet::new();
    for i in 0..archive.len() {
        let f = archive.by_index_raw(i).map_err(|e| bad(format!("压缩包目录损坏（{e}）"), format!("the archive directory is damaged ({e})")))?;
        let name = f.name().map(|n| n.to_string()).unwrap_or_else(|_| String::from_utf8_lossy(f.name_raw()).into_owned());
        if !entry_name_ok(&name) {
            return Err(refused(
                path,
                Some(&name),
                None,
                format!("同步文件中有不应存在的条目“{name}”"),
                format!("the bundle holds an entry it must not hold: '{name}'"),
            ));
        }
        if !seen.insert(name.clone()) {
            return Err(refused(path, Some(&name), None, format!("条目“{name}”重复出现"), format!("the entry '{name}' appears twice")));
        }
        if f.size() > f.compressed_size().max(1).saturating_mul(MAX_RATIO).max(1 << 20) {
            return Err(refused(
                path,
                Some(&name),
                None,
                format!("条目“{name}”解压后大小异常（{} 字节，压缩后仅 {} 字节），已拒绝", f.size(), f.compressed_size()),
                format!("the entry '{name}' would expand to {} bytes from {}; refused", f.size(), f.compressed_size()),
            ));
        }
    }
    let signature = read_small(&mut archive, path, SIGNATURE, MAX_SIGNATURE)?;
    let manifest_bytes = read_small(&mut archive, path, MANIFEST, MAX_MANIFEST)?;
    let manifest = parse_manifest(path, &manifest_bytes)?;
    let key = super::device::parse_public_key(&manifest.device.public_key)
        .ok_or_else(|| refused(path, Some(MANIFEST), None, "清单中的设备公钥无效", "the device key in the manifest is not valid"))?;
    let signature = String::from_utf8_lossy(&signature).to_string();
    if !super::device::verify(&key, &manifest_bytes, &signature) {
        return Err(refused(
            path,
            Some(SIGNATURE),
            None,
            "签名与清单不符：文件已被改动或损坏，已拒绝",
            "the signature does not match the manifest: the file was altered or damaged; refused",
        ));
    }

    let mut entries = BTreeMap::new();
    let mut total = 0u64;
    for e in &manifest.entries {
        if !entry_name_ok(&e.path) || matches!(e.path.as_str(), MANIFEST | SIGNATURE) || !crate::evidence::is_sha256(&e.sha256) {
            return Err(refused(path, Some(MANIFEST), None, format!("清单列出了无效条目“{}”", e.path), format!("the manifest lists an invalid entry '{}'", e.path)));
        }
        total = total.saturating_add(e.size);
        if e.path.starts_with(ATTACHMENTS) && e.size > MAX_ATTACHMENT {
            return Err(refused(path, Some(&e.path), None, format!("附件过大（{} 字节）", e.size), format!("attachment too large ({} bytes)", e.size)));
        }
        if entries.insert(e.path.clone(), e.clone()).is_some() {
            return Err(refused(path, Some(MANIFEST), None, format!("清单重复列出“{}”", e.path), format!("the manifest lists '{}' twice", e.path)));
        }
    }
    if total > MAX_TOTAL || total > file_len.max(1 << 20).saturating_mul(MAX_RATIO) {
        return Err(refused(
            path,
            Some(MANIFEST),
            None,
            format!("清单声明的内容共 {total} 字节，远超文件本身（{file_len} 字节），已拒绝"),
            format!("the manifest declares {total} bytes, far beyond the file's {file_len}; refused"),
        ));
    }
    for name in &seen {
        if !matches!(name.as_str(), MANIFEST | SIGNATURE) && !entries.contains_key(name) {
            return Err(refused(path, Some(name), None, format!("条目“{name}”不在签名清单中"), format!("the entry '{name}' is not in the signed manifest")));
        }
    }
    for name in entries.keys() {
        if !seen.contains(name) {
            return Err(refused(path, Some(name), None, format!("清单列出的条目“{name}”缺失"), format!("the entry '{name}' listed in the manifest is missing")));
        }
    }
    if !entries.contains_key(OPS) {
        return Err(refused(path, Some(OPS), None, "同步文件缺少操作记录", "the bundle has no operations entry"));
    }
    Ok(Opened { path: path.to_path_buf(), manifest, manifest_bytes, sha256, archive, entries })
}

fn parse_manifest(path: &Path, bytes: &[u8]) -> Result<Manifest> {
    let probe: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| refused(path, Some(MANIFEST), None, format!("清单不是有效的 JSON（{e}）"), format!("the manifest is not valid JSON ({e})")))?;
    if probe.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(refused(path, Some(MANIFEST), None, "这不是清单监督的同步文件", "this is not a Qingdan bundle"));
    }
    let made_by = probe.get("app_version").and_then(|v| v.as_str()).map(crate::text::printable).filter(|v| !v.is_empty() && v.len() <= 20);
    match probe.get("version").and_then(|v| v.as_u64()) {
        Some(1) | Some(2) => {}
        Some(v) if v > VERSION as u64 => {
            let by = made_by.map(|b| format!("（{b}）")).unwrap_or_default();
            return Err(refused(
                path,
                Some(MANIFEST),
                None,
                format!("同步文件由较新版本的程序{by}生成（格式版本 {v}），本机只能读取到 {VERSION}：请先升级本机程序"),
                format!("made by a newer version{by} (format {v}); this laptop reads up to {VERSION}: update this laptop"),
            ));
        }
        _ => return Err(refused(path, Some(MANIFEST), None, "清单缺少有效的格式版本", "the manifest has no valid format version")),
    }
    let m: Manifest = serde_json::from_value(probe)
        .map_err(|e| refused(path, Some(MANIFEST), None, format!("清单内容不完整（{e}）"), format!("the manifest is incomplete ({e})")))?;
    check_manifest(&m).map_err(|(zh, en)| refused(path, Some(MANIFEST), None, zh, en))?;
    Ok(m)
}

/// What a manifest's fields may hold: a device id and a name a person can
/// read (no control characters), times and clock stamps of the stored form,
/// a clock vector of chain ids and non-negative numbers.
fn check_manifest(m: &Manifest) -> std::result::Result<(), (String, String)> {
    let bad = |zh: &str, en: &str| Err((zh.to_string(), en.to_string()));
    if uuid::Uuid::parse_str(&m.device.id).is_err() {
        return bad("清单中的设备编号无效", "the device id in the manifest is not valid");
    }
    let name_chars = m.device.name.chars().count();
    if name_chars == 0 || name_chars > 50 || m.device.name.chars().any(char::is_control) {
        return bad("清单中的设备名称无效（应为 1 至 50 个字符，不含控制字符）", "the device name in the manifest is not valid (1 to 50 characters, no control characters)");
    }
    if chrono::DateTime::parse_from_rfc3339(&m.made_at).is_err() {
        return bad("清单中的生成时间无效", "the time the bundle was made is not valid");
    }
    if crate::db::hlc::Stamp::parse(&m.hlc).is_none() {
        return bad("清单中的时钟时间戳无效", "the clock stamp in the manifest is not valid");
    }
    if m.clock.len() > 1_000_000 || m.clock.iter().any(|(origin, seq)| uuid::Uuid::parse_str(origin).is_err() || *seq < 0) {
        return bad("清单中的记录进度（clock）无效", "the clock vector in the manifest is not valid");
    }
    if m.app_version.len() > 20 || m.app_version.chars().any(char::is_control) || m.schema_version < 0 {
        return bad("清单中的程序版本无效", "the program version in the manifest is not valid");
    }
    Ok(())
}

fn read_small(archive: &mut ZipArchive<BufReader<File>>, path: &Path, name: &str, limit: u64) -> Result<Vec<u8>> {
    let f = archive
        .by_name(name)
        .map_err(|_| refused(path, Some(name), None, format!("同步文件缺少“{name}”"), format!("the bundle has no '{name}'")))?;
    let mut out = Vec::new();
    f.take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| refused(path, Some(name), None, format!("无法读取“{name}”（{e}）"), format!("cannot read '{name}' ({e})")))?;
    if out.len() as u64 > limit {
        return Err(refused(path, Some(name), None, format!("“{name}”过大"), format!("'{name}' is too large")));
    }
    Ok(out)
}

impl Opened {
    pub fn has_entry(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }

    /// The names of the entries the signed manifest lists.
    pub fn entry_names(&self) -> Vec<String> {
        self.entries.keys().cloned().collect()
    }

    /// Streams an entry through `each` chunk by chunk, then checks its size
    /// and hash against the manifest. Reads at most the signed size plus one.
    pub fn read_entry(&mut self, name: &str) -> Result<EntryReader<'_>> {
        let entry = self.entries.get(name).cloned().ok_or_else(|| {
            refused(&self.path, Some(name), None, format!("同步文件缺少“{name}”"), format!("the bundle has no '{name}'"))
        })?;
        let path = self.path.clone();
        let f = self.archive.by_name(name).map_err(|e| {
            refused(&path, Some(name), None, format!("无法读取“{name}”（{e}）"), format!("cannot read '{name}' ({e})"))
        })?;
        Ok(EntryReader { inner: f.take(entry.size + 1), entry, path, hasher: Sha256::new(), read: 0 })
    }

    /// A whole small entry (an attachment), checked.
    pub fn read_all(&mut self, name: &str) -> Result<Vec<u8>> {
        let mut r = self.read_entry(name)?;
        let mut out = Vec::new();
        r.read_to_end(&mut out).map_err(|e| r.failed(e))?;
        r.finish()?;
        Ok(out)
    }
}

/// Reads one entry, hashing as it goes.
pub struct EntryReader<'a> {
    inner: std::io::Take<zip::read::ZipFile<'a, BufReader<File>>>,
    entry: Entry,
    path: std::path::PathBuf,
    hasher: Sha256,
    read: u64,
}

impl Read for EntryReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

impl EntryReader<'_> {
    pub fn failed(&self, e: std::io::Error) -> Error {
        refused(
            &self.path,
            Some(&self.entry.path),
            None,
            format!("“{}”读取失败，文件可能不完整或已损坏（{e}）", self.entry.path),
            format!("reading '{}' failed; the file may be cut short or damaged ({e})", self.entry.path),
        )
    }

    /// Checks the size and hash once everything was read.
    pub fn finish(mut self) -> Result<()> {
        let mut rest = [0u8; 1];
        let extra = self.inner.read(&mut rest).map_err(|e| self.failed(e))?;
        let digest = hex::encode(std::mem::take(&mut self.hasher).finalize());
        if extra > 0 || self.read != self.entry.size || digest != self.entry.sha256 {
            return Err(refused(
                &self.path,
                Some(&self.entry.path),
                None,
                format!("“{}”的内容与签名清单不符（大小或校验值不同），已拒绝", self.entry.path),
                format!("'{}' does not match the signed manifest (size or hash differ); refused", self.entry.path),
            ));
        }
        Ok(())
    }
}

/// Writes an entry while counting and hashing it.
pub struct HashingWriter<W: Write> {
    pub inner: W,
    hasher: Sha256,
    pub size: u64,
}

impl<W: Write> HashingWriter<W> {
    pub fn new(inner: W) -> Self {
        HashingWriter { inner, hasher: Sha256::new(), size: 0 }
    }

    pub fn digest(&mut self) -> String {
        hex::encode(std::mem::take(&mut self.hasher).finalize())
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Zip entries get a fixed time so the same content gives the same bytes.
pub fn entry_options() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .large_file(false)
}
