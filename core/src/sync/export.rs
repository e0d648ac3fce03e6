//! Writing a bundle: everything, what a peer has not seen, one inspection, or
//! one county. A partial bundle also carries what its records stand on (the
//! catalog version, the facilities and jurisdictions), so the receiver can
//! check every reference. The file appears whole or not at all.

use std::collections::{BTreeMap, HashSet};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::Serialize;

use super::bundle::{self, CatalogRef, Counts, Entry, HashingWriter, Manifest, ManifestDevice, Scope};
use super::device::Device;
use super::ops::{wire_from_row, OutLine, OP_COLUMNS};
use sha2::Digest;
use crate::db::hlc::Stamp;
use crate::db::{self, Db};
use crate::error::{Error, Result};

/// What to put in a bundle. Several choices narrow it together.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only what this peer is not known to have.
    pub for_peer: Option<String>,
    pub inspection: Option<String>,
    pub county: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export, rename = "BundleExportSummary")]
pub struct ExportSummary {
    pub path: String,
    #[ts(type = "number")]
    pub ops: u64,
    #[ts(type = "number")]
    pub attachments: u64,
    #[ts(type = "number")]
    pub bytes: u64,
    #[ts(type = "Record<string, number>")]
    pub tables: BTreeMap<String, u64>,
    /// Changes left out because no signature of their device is here yet
    /// (received before chains existed); they travel once that device sends them again.
    #[ts(type = "number")]
    pub held_back: u64,
    /// Photos and files whose stored copy no longer matches its hash (or is
    /// gone): the record travels, the file does not, and the receiver shows it missing.
    pub damaged_files: Vec<DamagedFile>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct DamagedFile {
    pub sha256: String,
    pub name: String,
}

pub fn export(db: &mut Db, out: &Path, sel: &Selection) -> Result<ExportSummary> {
    let device = Device::of(db)?;
    let rows = match (&sel.inspection, &sel.county) {
        (None, None) => None,
        _ => Some(selected_rows(db.conn(), sel)?),
    };
    let marks = match &sel.for_peer {
        Some(peer) => {
            // A peer trusted here, or a member of the team roster held here.
            let trusted: bool =
                db.conn().query_row("SELECT EXISTS(SELECT 1 FROM sync_peer WHERE device_id = ?1)", [peer], |r| r.get(0))?;
            let member = super::roster::current(db.conn())?.is_some_and(|h| h.roster.member(peer).is_some());
            if !trusted && !member && peer != &device.id {
                return Err(Error::NotFound { what: "设备", key: peer.clone() });
            }
            peer_marks(db.conn(), peer)?
        }
        None => BTreeMap::new(),
    };
    db.with_tx(|tx| super::chain::attest_own(tx, &device))?;
    let clock = clock_vector(db.conn())?;

    let dir = out.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let tmp = dir.join(format!(".{}.partial", out.file_name().and_then(|n| n.to_str()).unwrap_or("bundle")));
    let result = write_bundle(db, &device, &tmp, sel, rows.as_ref(), &marks, &clock);
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    std::fs::rename(&tmp, out).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(out, e)
    })?;
    // What a peer has is what its own bundles say it has: a file sent is not
    // a file received, and one lost on the way must not lose its changes.
    Ok(ExportSummary { path: out.display().to_string(), ..summary })
}

fn write_bundle(
    db: &Db,
    device: &Device,
    tmp: &Path,
    sel: &Selection,
    rows: Option<&HashSet<(String, String)>>,
    marks: &BTreeMap<String, i64>,
    clock: &BTreeMap<String, i64>,
) -> Result<ExportSummary> {
    let file = std::fs::File::create(tmp).map_err(|e| Error::io(tmp, e))?;
    let mut zip = zip::ZipWriter::new(BufWriter::new(file));
    let io = |e: std::io::Error| Error::io(tmp, e);
    let zerr = |e: zip::result::ZipError| Error::Internal(format!("writing {}: {e}", tmp.display()));

    // Which operations go: by peer marks and by the rows asked for.
    let conn = db.conn();
    let mut included: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    {
        let mut st = conn.prepare("SELECT origin, seq, tbl, row_id FROM sync_op ORDER BY id")?;
        let mut q = st.query([])?;
        while let Some(r) = q.next()? {
            let origin: String = r.get(0)?;
            let seq: i64 = r.get(1)?;
            if marks.get(&origin).is_some_and(|m| seq <= *m) {
                continue;
            }
            if let Some(set) = rows {
                let key = (r.get::<_, String>(2)?, r.get::<_, String>(3)?);
                if !set.contains(&key) {
                    continue;
                }
            }
            included.entry(origin).or_default().push(seq);
        }
    }
    // How each chain's operations are proved; what cannot be proved stays here.
    let mut segments = Vec::new();
    let mut provable: HashSet<(String, i64)> = HashSet::new();
    let mut held_back = 0u64;
    for (origin, seqs) in &included {
        let plan = super::chain::plan(conn, origin, seqs)?;
        held_back += (seqs.len() - plan.provable.len()) as u64;
        provable.extend(plan.provable.iter().map(|s| (origin.clone(), *s)));
        segments.extend(plan.segments);
    }

    zip.start_file(bundle::OPS, bundle::entry_options()).map_err(zerr)?;
    let mut w = HashingWriter::new(&mut zip);
    let mut counts = Counts::default();
    let mut newest = Stamp::ZERO;
    let mut attachments: Vec<String> = Vec::new();
    {
        let mut st = conn.prepare(&format!("SELECT {OP_COLUMNS} FROM sync_op ORDER BY id"))?;
        let mut q = st.query([])?;
        while let Some(r) = q.next()? {
            let origin: String = r.get("origin")?;
            let seq: i64 = r.get("seq")?;
            if !provable.contains(&(origin, seq)) {
                continue;
            }
            let (op, insert_text) = wire_from_row(r)?;
            let line = OutLine::new(&op, insert_text.as_deref())?;
            serde_json::to_writer(&mut w, &line).map_err(|e| Error::Internal(e.to_string()))?;
            w.write_all(b"\n").map_err(io)?;
            counts.ops += 1;
            *counts.tables.entry(op.tbl.clone()).or_default() += 1;
            newest = newest.max(Stamp::parse(&op.hlc).unwrap_or(Stamp::ZERO));
            if op.tbl == "attachment" && op.kind == super::ops::OpKind::Insert {
                attachments.push(op.row.clone());
            }
        }
    }
    let ops_entry = Entry { path: bundle::OPS.into(), size: w.size, sha256: w.digest() };
    let mut entries = vec![ops_entry];

    zip.start_file(bundle::CHAINS, bundle::entry_options()).map_err(zerr)?;
    let mut w = HashingWriter::new(&mut zip);
    for seg in &segments {
        serde_json::to_writer(&mut w, seg).map_err(|e| Error::Internal(e.to_string()))?;
        w.write_all(b"\n").map_err(io)?;
    }
    entries.push(Entry { path: bundle::CHAINS.into(), size: w.size, sha256: w.digest() });

    if let Some(roster) = super::roster::current(conn)? {
        for (name, bytes) in [(bundle::ROSTER, roster.body.as_bytes()), (bundle::ROSTER_SIG, roster.signature.as_bytes())] {
            zip.start_file(name, bundle::entry_options()).map_err(zerr)?;
            let mut w = HashingWriter::new(&mut zip);
            w.write_all(bytes).map_err(io)?;
            entries.push(Entry { path: name.into(), size: w.size, sha256: w.digest() });
        }
    }

    let store = db.path().map(crate::evidence::EvidenceStore::beside);
    attachments.sort();
    attachments.dedup();
    let mut damaged_files = Vec::new();
    for sha in &attachments {
        let Some(store) = &store else { break };
        // A file that rotted on disk (or was deleted) must not make every
        // receiver refuse the whole bundle: it stays behind and is named.
        let bytes = match store.read(sha, crate::evidence::Variant::Original) {
            Ok(b) if hex::encode(sha2::Sha256::digest(&b)) == *sha => b,
            _ => {
                let name: String = conn
                    .query_row("SELECT original_name FROM attachment WHERE sha256 = ?1", [sha], |r| r.get(0))
                    .unwrap_or_else(|_| sha.clone());
                damaged_files.push(DamagedFile { sha256: sha.clone(), name });
                continue;
            }
        };
        let name = format!("{}{sha}", bundle::ATTACHMENTS);
        zip.start_file(&name, bundle::entry_options().compression_method(zip::CompressionMethod::Stored)).map_err(zerr)?;
        let mut w = HashingWriter::new(&mut zip);
        w.write_all(&bytes).map_err(io)?;
        entries.push(Entry { path: name, size: w.size, sha256: w.digest() });
        counts.attachments += 1;
    }

    let manifest = Manifest {
        format: bundle::FORMAT.into(),
        version: bundle::VERSION,
        app_version: env!("CARGO_PKG_VERSION").into(),
        schema_version: crate::db::latest_version(),
        device: ManifestDevice { id: device.id.clone(), name: device.name.clone(), public_key: device.public_key_hex() },
        made_at: db::timestamp(db.now()),
        scope: Scope {
            kind: match (&sel.inspection, &sel.county, &sel.for_peer) {
                (Some(_), _, _) => "inspection",
                (_, Some(_), _) => "county",
                (_, _, Some(_)) => "peer",
                _ => "all",
            }
            .into(),
            peer: sel.for_peer.clone(),
            inspection: sel.inspection.clone(),
            county: sel.county.clone(),
        },
        hlc: newest.to_string(),
        clock: clock.clone(),
        counts: counts.clone(),
        catalog_versions: catalog_refs(db.conn())?,
        entries,
    };
    let manifest_bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Internal(e.to_string()))?;
    zip.start_file(bundle::MANIFEST, bundle::entry_options()).map_err(zerr)?;
    zip.write_all(&manifest_bytes).map_err(io)?;
    zip.start_file(bundle::SIGNATURE, bundle::entry_options().compression_method(zip::CompressionMethod::Stored)).map_err(zerr)?;
    zip.write_all(device.sign(&manifest_bytes).as_bytes()).map_err(io)?;
    let mut inner = zip.finish().map_err(zerr)?;
    inner.flush().map_err(io)?;
    let file = inner.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    let bytes = file.metadata().map_err(io)?.len();
    Ok(ExportSummary {
        path: String::new(),
        ops: counts.ops,
        attachments: counts.attachments,
        bytes,
        tables: counts.tables,
        held_back,
        damaged_files,
    })
}

fn catalog_refs(conn: &Connection) -> Result<Vec<CatalogRef>> {
    let mut st = conn.prepare("SELECT id, name, content_hash FROM catalog_version ORDER BY id")?;
    let rows = st.query_map([], |r| Ok(CatalogRef { id: r.get(0)?, name: r.get(1)?, content_hash: r.get(2)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// For each device, the highest sequence number up to which every operation
/// is here.
pub fn clock_vector(conn: &Connection) -> Result<BTreeMap<String, i64>> {
    let mut out = BTreeMap::new();
    let mut st = conn.prepare("SELECT origin, count(*), max(seq) FROM sync_op GROUP BY origin")?;
    let summary: Vec<(String, i64, i64)> =
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
    for (origin, count, max) in summary {
        if count == max {
            out.insert(origin, max);
            continue;
        }
        let mut st = conn.prepare_cached("SELECT seq FROM sync_op WHERE origin = ?1 ORDER BY seq")?;
        let mut upto = 0;
        for seq in st.query_map([&origin], |r| r.get::<_, i64>(0))? {
            if seq? != upto + 1 {
                break;
            }
            upto += 1;
        }
        out.insert(origin, upto);
    }
    Ok(out)
}

pub fn peer_marks(conn: &Connection, peer: &str) -> Result<BTreeMap<String, i64>> {
    let mut st = conn.prepare("SELECT origin, seq FROM sync_peer_mark WHERE peer = ?1")?;
    let rows = st.query_map([peer], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The rows an inspection or a county selection stands for, with what they stand on.
fn selected_rows(conn: &Connection, sel: &Selection) -> Result<HashSet<(String, String)>> {
    let mut inspections: Vec<String> = Vec::new();
    let mut county_id: Option<String> = None;
    if let Some(id) = &sel.inspection {
        let found: bool = conn.query_row("SELECT EXISTS(SELECT 1 FROM inspection WHERE id = ?1)", [id], |r| r.get(0))?;
        if !found {
            return Err(Error::NotFound { what: "检查", key: id.clone() });
        }
        inspections.push(id.clone());
    }
    if let Some(name) = &sel.county {
        let id: String = conn
            .query_row("SELECT id FROM jurisdiction WHERE level = 'county' AND name = ?1", [name], |r| r.get(0))
            .map_err(|_| Error::NotFound { what: "县（市、区）", key: name.clone() })?;
        let mut st = conn.prepare(
            "SELECT i.id FROM inspection i LEFT JOIN facility f ON f.id = i.target_id
             WHERE f.county_id = ?1 OR i.target_id = ?1",
        )?;
        let in_county: Vec<String> = st.query_map([&id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        if sel.inspection.is_some() {
            inspections.retain(|i| in_county.contains(i));
        } else {
            inspections = in_county;
        }
        county_id = Some(id);
    }

    let mut set = HashSet::new();
    let conn_rows = |set: &mut HashSet<(String, String)>, tbl: &str, sql: &str, arg: &str| -> Result<()> {
        let mut st = conn.prepare_cached(sql)?;
        for id in st.query_map([arg], |r| r.get::<_, String>(0))? {
            set.insert((tbl.to_string(), id?));
        }
        Ok(())
    };
    let mut problems: Vec<String> = Vec::new();
    for i in &inspections {
        set.insert(("inspection".into(), i.clone()));
        for t in ["inspection_item", "evidence", "suggestion", "amendment"] {
            conn_rows(&mut set, t, &format!("SELECT id FROM {t} WHERE inspection_id = ?1"), i)?;
        }
        conn_rows(&mut set, "problem_finding", "SELECT json_array(inspection_id, item_code) FROM problem_finding WHERE inspection_id = ?1", i)?;
        conn_rows(
            &mut set,
            "change_log",
            "SELECT id FROM change_log WHERE (entity = 'inspection' AND entity_id = ?1)
               OR (entity IN ('inspection_item', 'evidence', 'suggestion') AND entity_id LIKE ?1 || '/%')",
            i,
        )?;
        for t in ["evidence"] {
            conn_rows(&mut set, "attachment", &format!("SELECT sha256 FROM {t} WHERE inspection_id = ?1"), i)?;
        }
        conn_rows(&mut set, "attachment", "SELECT signature_sha256 FROM inspection WHERE id = ?1 AND signature_sha256 IS NOT NULL", i)?;
        let mut st = conn.prepare_cached(
            "SELECT id FROM problem WHERE inspection_id = ?1
             UNION SELECT problem_id FROM problem_finding WHERE inspection_id = ?1",
        )?;
        problems.extend(st.query_map([i], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?);
        // What the inspection stands on.
        let mut st = conn.prepare_cached("SELECT catalog_version_id, target_id FROM inspection WHERE id = ?1")?;
        let (version, target): (String, String) = st.query_row([i], |r| Ok((r.get(0)?, r.get(1)?)))?;
        set.insert(("catalog_version".into(), version.clone()));
        conn_rows(&mut set, "catalog_group", "SELECT id FROM catalog_group WHERE version_id = ?1", &version)?;
        conn_rows(&mut set, "catalog_item", "SELECT id FROM catalog_item WHERE version_id = ?1", &version)?;
        add_target(conn, &mut set, &target)?;
    }
    if let Some(c) = &county_id {
        let mut st = conn.prepare("SELECT id FROM problem WHERE county_id = ?1")?;
        problems.extend(st.query_map([c], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?);
        if sel.inspection.is_none() {
            conn_rows(&mut set, "opinion", "SELECT id FROM opinion WHERE county_id = ?1", c)?;
            conn_rows(&mut set, "evaluation", "SELECT id FROM evaluation WHERE county_id = ?1", c)?;
            // Assignments of the county and of its facilities, removed ones
            // too (found by their insert), so that the removal travels.
            let mut st = conn.prepare(
                "SELECT DISTINCT row_id FROM sync_op WHERE tbl = 'assignment' AND kind = 'insert'
                   AND (json_extract(value, '$.target_id') = ?1
                        OR json_extract(value, '$.target_id') IN (SELECT id FROM facility WHERE county_id = ?1))",
            )?;
            let assignments: Vec<String> = st.query_map([c], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            for a in assignments {
                conn_rows(
                    &mut set,
                    "change_log",
                    "SELECT id FROM change_log WHERE entity = 'assignment' AND entity_id = ?1",
                    &a,
                )?;
                set.insert(("assignment".into(), a));
            }
            let mut st = conn.prepare("SELECT id FROM facility WHERE county_id = ?1")?;
            let facilities: Vec<String> = st.query_map([c], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            for f in facilities {
                add_target(conn, &mut set, &f)?;
            }
            add_target(conn, &mut set, c)?;
        }
    }
    problems.sort();
    problems.dedup();
    for p in &problems {
        set.insert(("problem".into(), p.clone()));
        conn_rows(&mut set, "problem_event", "SELECT id FROM problem_event WHERE problem_id = ?1", p)?;
        conn_rows(&mut set, "problem_evidence", "SELECT id FROM problem_evidence WHERE problem_id = ?1", p)?;
        conn_rows(&mut set, "attachment", "SELECT sha256 FROM problem_evidence WHERE problem_id = ?1", p)?;
        conn_rows(&mut set, "change_log", "SELECT id FROM change_log WHERE entity = 'problem' AND entity_id = ?1", p)?;
        conn_rows(&mut set, "problem_finding", "SELECT json_array(inspection_id, item_code) FROM problem_finding WHERE problem_id = ?1", p)?;
        let mut st = conn.prepare_cached("SELECT target_id, department_id FROM problem WHERE id = ?1")?;
        let (target, dep): (Option<String>, Option<String>) = st.query_row([p], |r| Ok((r.get(0)?, r.get(1)?)))?;
        for t in target.iter().chain(dep.iter()) {
            add_target(conn, &mut set, t)?;
        }
    }
    Ok(set)
}

/// A facility, county or department, with the jurisdictions above it.
fn add_target(conn: &Connection, set: &mut HashSet<(String, String)>, id: &str) -> Result<()> {
    let mut st = conn.prepare_cached("SELECT county_id, township_id FROM facility WHERE id = ?1")?;
    let places: Option<(String, Option<String>)> =
        rusqlite::OptionalExtension::optional(st.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))))?;
    let mut jurisdictions = Vec::new();
    if let Some((county, township)) = places {
        set.insert(("facility".into(), id.to_string()));
        jurisdictions.push(county);
        jurisdictions.extend(township);
    } else {
        jurisdictions.push(id.to_string());
    }
    let dep: bool = conn.query_row("SELECT EXISTS(SELECT 1 FROM department WHERE id = ?1)", [id], |r| r.get(0))?;
    if dep {
        set.insert(("department".into(), id.to_string()));
        let mut st = conn.prepare_cached("SELECT id FROM duty WHERE department_id = ?1")?;
        for d in st.query_map([id], |r| r.get::<_, String>(0))? {
            set.insert(("duty".into(), d?));
        }
    }
    while let Some(j) = jurisdictions.pop() {
        let mut st = conn.prepare_cached("SELECT parent_id FROM jurisdiction WHERE id = ?1")?;
        let parent: Option<Option<String>> = rusqlite::OptionalExtension::optional(st.query_row([&j], |r| r.get(0)))?;
        if let Some(parent) = parent {
            if set.insert(("jurisdiction".into(), j)) {
                jurisdictions.extend(parent);
            }
        }
    }
    Ok(())
}

/// Where a bundle for `peer` goes by default: the exports folder, named by date and device.
pub fn default_file_name(device_name: &str, at: chrono::DateTime<chrono::Utc>) -> PathBuf {
    let local = at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"));
    let safe: String = device_name.chars().filter(|c| !r#"\/:*?"<>|"#.contains(*c) && !c.is_control()).collect();
    PathBuf::from(format!("{}-{}.qingdan", safe, local.format("%Y%m%d-%H%M%S")))
}
