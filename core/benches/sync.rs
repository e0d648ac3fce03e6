//! Importing bundles, next to a raw SQLite bulk insert of the same rows.
//!
//! Twenty laptops each hold 50 signed-off inspections of 117 findings, 100
//! problems with their event trail and later edits (the change history); each
//! exports one bundle. A fresh database with the reference data and registry
//! then imports all twenty (timed, in a child process that reports its own
//! peak memory), and imports them again (nothing new). The baseline inserts the
//! rows the import produced into another fresh database with the same schema,
//! one prepared INSERT per row in one transaction, triggers silenced.
//! Targets (issue 6): within 3× of the raw insert, under 300 MB peak, the second
//! import under a tenth of the first. Results go into `docs/performance.md`.
//!
//! `cargo bench -p qingdan-core --bench sync` (`QINGDAN_BENCH_LAPTOPS`, default 20).

use std::path::{Path, PathBuf};
use std::time::Instant;

use qingdan_core::evidence::EvidenceStore;
use qingdan_core::sync::{self, ImportOptions, Selection};
use qingdan_core::{demo, registry, Db};
use rusqlite::types::Value as SqlValue;

const INSPECTIONS: usize = 50;
const PROBLEMS: usize = 100;
const NEW_TABLES: &[&str] =
    &["inspection", "inspection_item", "problem", "problem_event", "change_log", "suggestion"];

fn receiver(path: &Path) -> Db {
    let mut db = Db::open(path).unwrap();
    demo::populate(&mut db).unwrap();
    db
}

/// One laptop's work, written through the store's transaction so the
/// triggers record it exactly as the app's own writes are recorded.
fn laptop(path: &Path, n: usize) -> Db {
    let mut db = receiver(path);
    let facilities = registry::facility_list(&db, &Default::default()).unwrap();
    let version: String = db.conn().query_row("SELECT id FROM catalog_version LIMIT 1", [], |r| r.get(0)).unwrap();
    db.with_tx(|tx| {
        let now = tx.now_text();
        let dev = tx.device_id();
        for i in 0..INSPECTIONS {
            let f = &facilities[(n * INSPECTIONS + i) % facilities.len()];
            let id = tx.new_id();
            tx.execute(
                "INSERT INTO inspection (id, target_kind, target_id, target_name, kind, date, catalog_version_id, group_name,
                     leader, members, status, signed_at, signed_inspectors, signed_representative, created_at, updated_at, device_id)
                 VALUES (?1, ?2, ?3, ?4, 'law_enforcement', '2024-05-20', ?5, ?6, '王志强', '[\"李秀英\"]', 'draft', NULL, '[]', '', ?7, ?7, ?8)",
                rusqlite::params![id, f.kind.slug(), f.id, f.name, version, format!("第{}组", n % 7 + 1), now, dev],
            )?;
            tx.execute(
                "INSERT INTO inspection_item (id, inspection_id, item_code, position, verdict, finding, severity, scope, created_at, updated_at, device_id)
                 SELECT ?1 || '/' || code, ?1, code, position,
                        CASE WHEN position % 9 = 0 THEN 'noncompliant' ELSE 'compliant' END,
                        CASE WHEN position % 9 = 0 THEN '第' || position || '项：消防通道堆放杂物，护理记录不完整，需限期整改' ELSE '' END,
                        CASE WHEN position % 9 = 0 THEN 'general' END, CASE WHEN position % 9 = 0 THEN 'individual' END, ?2, ?2, ?3
                 FROM catalog_item WHERE version_id = ?4",
                rusqlite::params![id, now, dev, version],
            )?;
            // The change history: a few findings rewritten, then the sign-off.
            tx.execute(
                "UPDATE inspection_item SET finding = finding || '（复核补充）' WHERE inspection_id = ?1 AND position % 27 = 0",
                [&id],
            )?;
            tx.execute(
                "UPDATE inspection SET status = 'signed', signed_at = ?2, signed_inspectors = '[\"王志强\"]', signed_representative = '赵院长' WHERE id = ?1",
                rusqlite::params![id, now],
            )?;
            for p in 0..PROBLEMS / INSPECTIONS {
                let pid = tx.new_id();
                tx.execute(
                    "INSERT INTO problem (id, number, target_kind, target_id, target_name, county_id, item_code, category, description,
                         severity, source, group_name, found_on, inspection_id, status, created_at, updated_at, device_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'S01', '消防安全', '消防通道堆放杂物', 'general', 'law_enforcement', '第一组',
                             '2024-05-20', ?7, 'pending', ?8, ?8, ?9)",
                    rusqlite::params![pid, format!("WT-{n}-{i}-{p}"), f.kind.slug(), f.id, f.name, f.county_id, id, now, dev],
                )?;
                // As the app records them: the step, where it started and where it led.
                for (kind, from, to) in [("created", None, "pending"), ("planned", Some("pending"), "in_progress")] {
                    tx.execute(
                        "INSERT INTO problem_event (id, problem_id, kind, on_date, actor, from_status, to_status, created_at, device_id)
                         VALUES (?1, ?2, ?3, '2024-05-20', '王志强', ?4, ?5, ?6, ?7)",
                        rusqlite::params![tx.new_id(), pid, kind, from, to, now, dev],
                    )?;
                }
                tx.execute(
                    "UPDATE problem SET status = 'in_progress', measure = '清理通道，增设标识', deadline = '2024-06-20',
                         responsible_unit = '院方' WHERE id = ?1",
                    [&pid],
                )?;
                qingdan_core::changelog::record(tx, "王志强", "problem", &pid, "status", Some("pending"), Some("in_progress"))?;
            }
        }
        Ok(())
    })
    .unwrap();
    db
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// The child: imports the bundles named on the command line, prints seconds and peak RSS.
fn child(db: &Path, files: &[PathBuf]) {
    let mut db = Db::open(db).unwrap();
    let store = EvidenceStore::beside(db.path().unwrap());
    let t = Instant::now();
    let mut ops = 0;
    // As `qingdan bundle import FILE...` does it.
    db.checkpoint_after(|db| {
        for f in files {
            let r = sync::import(db, &store, f, &ImportOptions { trust: true, ..Default::default() }, &mut |_| {}).unwrap();
            ops += r.ops_new + r.ops_known;
        }
    })
    .unwrap();
    println!("{} {} {}", t.elapsed().as_secs_f64(), peak_rss_mb(), ops);
}

fn run_child(db: &Path, files: &[PathBuf]) -> (f64, f64, u64) {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .env("QINGDAN_SYNC_BENCH_CHILD", db)
        .args(files)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last().unwrap();
    let v: Vec<&str> = line.split_whitespace().collect();
    (v[0].parse().unwrap(), v[1].parse().unwrap(), v[2].parse().unwrap())
}

fn main() {
    if let Some(db) = std::env::var_os("QINGDAN_SYNC_BENCH_CHILD") {
        let files: Vec<PathBuf> = std::env::args_os().skip(1).filter(|a| !a.to_string_lossy().starts_with("--")).map(PathBuf::from).collect();
        return child(Path::new(&db), &files);
    }
    let laptops: usize = std::env::var("QINGDAN_BENCH_LAPTOPS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let t = Instant::now();
    let mut files = Vec::new();
    let mut bytes = 0;
    for n in 0..laptops {
        let mut db = laptop(&dir.path().join(format!("laptop{n}.db")), n);
        let out = dir.path().join(format!("laptop{n}.qingdan"));
        sync::export(&mut db, &out, &Selection::default()).unwrap();
        bytes += std::fs::metadata(&out).unwrap().len();
        files.push(out);
    }
    println!("made {laptops} bundles ({:.1} MB) in {:.1} s", bytes as f64 / 1e6, t.elapsed().as_secs_f64());

    let target = dir.path().join("receiver.db");
    drop(receiver(&target));
    let (first, peak, ops) = run_child(&target, &files);
    let (again, peak_again, _) = run_child(&target, &files);

    // The same operations in new files: every one is read and found known.
    let mut copies = Vec::new();
    for (n, f) in files.iter().enumerate() {
        let mut db = Db::open(dir.path().join(format!("laptop{n}.db"))).unwrap();
        let out = dir.path().join(format!("laptop{n}-again.qingdan"));
        let _ = f;
        sync::export(&mut db, &out, &Selection::default()).unwrap();
        copies.push(out);
    }
    let (resent, _, _) = run_child(&target, &copies);

    // Baseline: the rows the import wrote, inserted raw into a fresh database.
    let imported = Db::open(&target).unwrap();
    let mut rows: Vec<(String, Vec<String>, Vec<Vec<SqlValue>>)> = Vec::new();
    let mut count = 0;
    for t in NEW_TABLES {
        let cols = sync::schema::columns(imported.conn(), t).unwrap();
        let mut st = imported.conn().prepare(&format!("SELECT {} FROM {t}", cols.join(", "))).unwrap();
        let data: Vec<Vec<SqlValue>> = st
            .query_map([], |r| (0..cols.len()).map(|i| r.get::<_, SqlValue>(i)).collect())
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        count += data.len();
        rows.push((t.to_string(), cols, data));
    }
    let raw_path = dir.path().join("raw.db");
    let mut raw = receiver(&raw_path);
    let t0 = Instant::now();
    raw.with_tx(|tx| {
        tx.execute("UPDATE sync_state SET applying = 1", [])?;
        for (t, cols, data) in &rows {
            let sql = format!(
                "INSERT INTO {t} ({}) VALUES ({})",
                cols.join(", "),
                (1..=cols.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
            );
            let mut st = tx.prepare(&sql)?;
            for r in data {
                st.execute(rusqlite::params_from_iter(r.iter()))?;
            }
        }
        tx.execute("UPDATE sync_state SET applying = 0", [])?;
        Ok(())
    })
    .unwrap();
    let raw_s = t0.elapsed().as_secs_f64();

    println!("{laptops} bundles, {ops} operations, {count} rows of {:?}", NEW_TABLES);
    println!("first import:           {first:.2} s, peak RSS {peak:.0} MB");
    println!("raw bulk insert:        {raw_s:.2} s   (import / raw = {:.2}×)", first / raw_s);
    println!("same files again:       {again:.3} s, peak RSS {peak_again:.0} MB   ({:.1}% of the first)", 100.0 * again / first);
    println!("same operations, new files: {resent:.2} s   ({:.1}% of the first)", 100.0 * resent / first);
}
