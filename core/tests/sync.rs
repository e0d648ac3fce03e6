//! File sync between simulated laptops, each a database file of its own:
//! an inspection with its evidence arrives whole; importing is idempotent and
//! order-independent (compared by the canonical dump); concurrent edits of one
//! field become a conflict that keeps both values and whose resolution
//! travels; untrusted, forged and damaged bundles are refused and change
//! nothing; and a property test lets random edit histories on 2–5 laptops
//! meet in random orders.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Duration;
use proptest::prelude::*;
use qingdan_core::evidence::EvidenceStore;
use qingdan_core::inspection::{self, InspectionKind, ItemPatch, StartInspection, Verdict};
use qingdan_core::sync::{self, bundle, ImportOptions, ImportReport, Selection};
use qingdan_core::{demo, registry, seed, Db, Env, Error, FixedClock};
use serde_json::Value;

mod common;
#[path = "sync/field.rs"]
mod field;
#[path = "sync/trust.rs"]
mod trust;

struct Laptop {
    db: Db,
    clock: Arc<FixedClock>,
    dir: tempfile::TempDir,
    store: EvidenceStore,
}

/// Laptop `n` runs its own clock (`n` minutes apart) and has the reference
/// data and a handful of facilities, as every laptop of a campaign does.
fn laptop(n: i64) -> Laptop {
    let (env, clock) = Env::fixed(FixedClock::default_test_time() + Duration::minutes(n));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qingdan.db");
    let mut db = Db::open_with(&path, env).unwrap();
    seed::load_reference(&mut db).unwrap();
    let some: Vec<_> = demo::facilities().into_iter().take(3).collect();
    db.with_tx(|tx| registry::upsert_facilities(tx, Some("洛阳市"), &some)).unwrap();
    let store = EvidenceStore::beside(&path);
    Laptop { db, clock, dir, store }
}

impl Laptop {
    fn facility(&self) -> String {
        registry::facility_list(&self.db, &Default::default()).unwrap()[0].id.clone()
    }

    fn start(&mut self) -> String {
        let input = StartInspection {
            target_id: self.facility(),
            kind: InspectionKind::LawEnforcement,
            date: "2024-05-20".into(),
            group: "第一组".into(),
            leader: "王志强".into(),
            members: vec!["李秀英".into()],
            representatives: vec![],
        };
        inspection::start(&mut self.db, &input, "王志强").unwrap().summary.id
    }

    fn set_finding(&mut self, id: &str, code: &str, text: &str) {
        self.clock.advance(Duration::seconds(1));
        let patch = ItemPatch {
            verdict: Some(Some(Verdict::Noncompliant)),
            finding: Some(text.into()),
            severity: Some(Some(qingdan_core::catalog::Severity::General)),
            scope: Some(Some(inspection::Scope::Individual)),
            ..Default::default()
        };
        inspection::record(&mut self.db, id, code, &patch, &[], "王志强").unwrap();
    }

    fn export(&mut self, name: &str) -> PathBuf {
        self.export_with(name, &Selection::default())
    }

    fn export_with(&mut self, name: &str, sel: &Selection) -> PathBuf {
        let out = self.dir.path().join(name);
        sync::export(&mut self.db, &out, sel).unwrap();
        out
    }

    fn import(&mut self, file: &Path) -> qingdan_core::Result<ImportReport> {
        sync::import(&mut self.db, &self.store, file, &ImportOptions { trust: true, ..Default::default() }, &mut |_| {})
    }

    /// Trusts the supervisor's laptop that wrote `file` and takes its roster.
    fn join(&mut self, file: &Path) {
        let opts = ImportOptions { trust: true, supervisor: true };
        let r = sync::import(&mut self.db, &self.store, file, &opts, &mut |_| {}).unwrap();
        assert!(matches!(r.roster, Some(sync::roster::Outcome::Accepted { .. })), "{:?}", r.roster);
    }

    fn import_untrusted(&mut self, file: &Path) -> qingdan_core::Result<ImportReport> {
        sync::import(&mut self.db, &self.store, file, &ImportOptions::default(), &mut |_| {})
    }

    fn dump(&self) -> Value {
        sync::dump::dump(&self.db).unwrap()
    }

    fn file_bytes(&self) -> Vec<u8> {
        self.db.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
        std::fs::read(self.db.path().unwrap()).unwrap()
    }

    fn finding(&self, id: &str, code: &str) -> String {
        inspection::item(&self.db, id, code).unwrap().finding
    }
}

/// A campaign's laptops: laptop 0 is the supervisor's and lists the others
/// in the team roster; each of them trusts it once, as 督查组, and takes the
/// roster with its first bundle. From then on every laptop's changes are
/// accepted wherever they are forwarded.
fn team(n: usize) -> Vec<Laptop> {
    let mut laptops: Vec<Laptop> = (0..n as i64).map(laptop).collect();
    for i in 1..n {
        let info = sync::Device::of(&laptops[i].db).unwrap().info();
        let change = sync::roster::Change::Put { device_id: info.id, name: format!("第{i}组笔记本"), public_key: info.public_key, role: sync::roster::Role::Inspector };
        sync::roster::issue(&mut laptops[0].db, change).unwrap();
    }
    let roster = laptops[0].export("roster.qingdan");
    for l in laptops.iter_mut().skip(1) {
        l.join(&roster);
    }
    laptops
}

fn first_codes(l: &Laptop, id: &str, n: usize) -> Vec<String> {
    inspection::show(&l.db, id).unwrap().items.iter().take(n).map(|i| i.code.clone()).collect()
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 3, y as u8 * 5, 90]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

#[test]
fn a_signed_inspection_with_its_photo_arrives_on_another_laptop() {
    let mut a = laptop(0);
    let mut b = laptop(1);
    let id = a.start();
    let code = first_codes(&a, &id, 1)[0].clone();
    let photo = qingdan_core::evidence::check_bytes(&png(), "通道.png", "evidence").unwrap();
    let sha = photo.attachment().sha256.clone();
    let patch = ItemPatch {
        verdict: Some(Some(Verdict::Noncompliant)),
        finding: Some("消防通道堆放杂物".into()),
        severity: Some(Some(qingdan_core::catalog::Severity::Serious)),
        scope: Some(Some(inspection::Scope::Individual)),
        ..Default::default()
    };
    inspection::record_with_files(&mut a.db, &a.store, &id, &code, &patch, vec![photo], "王志强").unwrap();
    for c in first_codes(&a, &id, 200).into_iter().skip(1) {
        let p = ItemPatch { verdict: Some(Some(Verdict::Compliant)), ..Default::default() };
        inspection::record(&mut a.db, &id, &c, &p, &[], "王志强").unwrap();
    }
    inspection::sign(&mut a.db, &id, &["王志强".into()], "赵院长", None, "王志强").unwrap();

    let file = a.export("a.qingdan");
    let report = b.import(&file).unwrap();
    assert!(report.newly_trusted);
    assert_eq!(report.attachments_fetched, 1);
    assert_eq!(report.tables["inspection"].new, 1);
    assert!(report.tables["problem"].new >= 1, "the problem raised at sign-off travels too");

    let there = inspection::show(&b.db, &id).unwrap();
    let here = inspection::show(&a.db, &id).unwrap();
    assert_eq!(serde_json::to_value(&there).unwrap(), serde_json::to_value(&here).unwrap());
    assert_eq!(b.finding(&id, &code), "消防通道堆放杂物");
    assert_eq!(b.store.read(&sha, qingdan_core::evidence::Variant::Original).unwrap(), png());
    let tables = |d: &Value| {
        ["inspection", "inspection_item", "evidence", "problem", "problem_finding", "problem_event", "attachment"]
            .map(|t| d["tables"][t].clone())
    };
    assert_eq!(tables(&a.dump()), tables(&b.dump()));
}

/// Every laptop loads the reference data itself, a minute apart here. The
/// earlier load wins on both, so they agree, yet the report says nothing
/// was updated: only when each laptop stored it differs.
#[test]
fn reference_data_both_laptops_loaded_is_unchanged_not_updated() {
    let mut a = laptop(0);
    let mut b = laptop(1);
    let file = a.export("a.qingdan");
    let report = b.import(&file).unwrap();
    let updated: Vec<_> = report.tables.iter().filter(|(_, c)| c.updated > 0).map(|(t, _)| t.clone()).collect();
    assert_eq!(updated, Vec::<String>::new());
    assert!(report.tables["catalog_version"].unchanged >= 1);
    let versions = |l: &Laptop| l.dump()["tables"]["catalog_version"].clone();
    assert_eq!(versions(&b), versions(&a), "the earlier load wins on both");
}

#[test]
fn a_photo_taken_off_a_draft_is_taken_off_on_the_other_laptop_too() {
    let mut a = laptop(0);
    let mut b = laptop(1);
    let id = a.start();
    let code = first_codes(&a, &id, 1)[0].clone();
    let photo = qingdan_core::evidence::check_bytes(&png(), "通道.png", "evidence").unwrap();
    let sha = photo.attachment().sha256.clone();
    let patch = ItemPatch { verdict: Some(Some(Verdict::Compliant)), ..Default::default() };
    inspection::record_with_files(&mut a.db, &a.store, &id, &code, &patch, vec![photo], "王志强").unwrap();
    let with_photo = a.export("with-photo.qingdan");
    b.import(&with_photo).unwrap();
    assert_eq!(inspection::item(&b.db, &id, &code).unwrap().evidence, vec![sha.clone()]);

    // The wrong photo: taken off on A, which sends its work again.
    a.clock.advance(Duration::seconds(5));
    inspection::detach_evidence(&mut a.db, &id, Some(&code), &sha, "王志强").unwrap();
    assert!(inspection::item(&a.db, &id, &code).unwrap().evidence.is_empty());
    let without = a.export("without-photo.qingdan");
    let report = b.import(&without).unwrap();
    assert_eq!(report.tables["evidence"].deleted, 1, "{:?}", report.tables);
    assert!(inspection::item(&b.db, &id, &code).unwrap().evidence.is_empty(), "the delete travelled as a tombstone");
    assert_eq!(a.dump(), b.dump());

    // The older file again, or on a third laptop in the other order: the photo stays off.
    b.import(&with_photo).unwrap();
    assert!(inspection::item(&b.db, &id, &code).unwrap().evidence.is_empty());
    let mut c = laptop(2);
    c.import(&without).unwrap();
    c.import(&with_photo).unwrap();
    assert!(inspection::item(&c.db, &id, &code).unwrap().evidence.is_empty());
    assert_eq!(c.dump()["tables"]["evidence"], a.dump()["tables"]["evidence"]);
}

#[test]
fn an_unknown_device_is_refused_without_trust_and_nothing_changes() {
    let mut a = laptop(0);
    let mut b = laptop(1);
    a.start();
    let file = a.export("a.qingdan");
    let (dump, bytes) = (b.dump(), b.file_bytes());
    let err = b.import_untrusted(&file).unwrap_err();
    let Error::UntrustedDevice { fingerprint, .. } = &err else { panic!("{err:?}") };
    assert_eq!(fingerprint, &sync::Device::of(&a.db).unwrap().info().fingerprint);
    assert_eq!(err.exit_code(), 2);
    assert_eq!(b.dump(), dump);
    assert_eq!(b.file_bytes(), bytes, "the database file is byte for byte the same");
    // Trusted once, later bundles need no trust.
    let report = b.import(&file).unwrap();
    assert!(report.newly_trusted);
    let id = inspection::list(&a.db, None).unwrap()[0].id.clone();
    a.set_finding(&id, &first_codes(&a, &id, 1)[0], "后来的记录");
    let later = b.import_untrusted(&a.export("later.qingdan")).unwrap();
    assert!(!later.newly_trusted);
    assert_eq!(b.finding(&id, &first_codes(&a, &id, 1)[0]), "后来的记录");
}

#[test]
fn importing_twice_or_a_resent_copy_changes_nothing() {
    let mut a = laptop(0);
    let mut b = laptop(1);
    let id = a.start();
    for (i, c) in first_codes(&a, &id, 3).iter().enumerate() {
        a.set_finding(&id, c, &format!("问题{i}"));
    }
    let file = a.export("a.qingdan");
    let first = b.import(&file).unwrap();
    assert!(first.ops_new > 0);
    let after_first = b.dump();
    let again = b.import(&file).unwrap();
    assert!(again.already_imported);
    assert_eq!(b.dump(), after_first);
    // The same operations in a new file (exported again) are all known.
    a.clock.advance(Duration::seconds(5));
    let copy = a.export("a-again.qingdan");
    let resent = b.import(&copy).unwrap();
    assert!(!resent.already_imported);
    assert_eq!(resent.ops_new, 0);
    assert_eq!(resent.ops_known, first.ops_new + first.ops_known);
    assert_eq!(b.dump(), after_first);
}

#[test]
fn bundles_give_the_same_database_in_any_order() {
    let mut a = laptop(0);
    let mut b = laptop(1);
    let mut c = laptop(2);
    let id = a.start();
    let base = a.export("base.qingdan");
    b.import(&base).unwrap();
    c.import(&base).unwrap();
    let codes = first_codes(&a, &id, 4);
    a.set_finding(&id, &codes[0], "甲的记录");
    b.set_finding(&id, &codes[1], "乙的记录");
    c.set_finding(&id, &codes[2], "丙的记录");
    c.set_finding(&id, &codes[0], "丙改了甲的条目");
    let fa = a.export("a.qingdan");
    let fb = b.export("b.qingdan");
    let fc = c.export("c.qingdan");

    let orders: [[&PathBuf; 3]; 3] = [[&fa, &fb, &fc], [&fc, &fb, &fa], [&fb, &fc, &fa]];
    let mut dumps = Vec::new();
    for (n, order) in orders.iter().enumerate() {
        let mut d = laptop(10 + n as i64);
        d.import(&base).unwrap();
        for f in order {
            d.import(f).unwrap();
        }
        for f in order.iter().rev() {
            d.import(f).unwrap();
        }
        let mut dump = d.dump();
        // Each receiving laptop seeded its own copy of the reference data.
        dump["tables"].as_object_mut().unwrap().retain(|t, _| t.starts_with("inspection") || t == "problem");
        dumps.push(dump);
    }
    assert_eq!(dumps[0], dumps[1]);
    assert_eq!(dumps[0], dumps[2]);
    let items = dumps[0]["tables"]["inspection_item"].as_array().unwrap();
    let finding = |code: &str| items.iter().find(|r| r["item_code"] == code).unwrap()["finding"].clone();
    assert_eq!(finding(&codes[1]), "乙的记录");
    assert_eq!(finding(&codes[2]), "丙的记录");
    // 甲 and 丙 both changed codes[0] without seeing each other: a conflict, both kept.
    let conflicts = dumps[0]["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0]["field"], "finding");
}

#[test]
fn a_conflict_keeps_both_values_shows_the_newer_and_its_resolution_travels() {
    let mut a = laptop(0);
    let mut b = laptop(1);
    let id = a.start();
    let code = first_codes(&a, &id, 1)[0].clone();
    b.import(&a.export("base.qingdan")).unwrap();
    a.set_finding(&id, &code, "护理记录不全");
    b.clock.advance(Duration::minutes(10));
    b.set_finding(&id, &code, "护理记录缺失三个月");
    let fa = a.export("a.qingdan");
    let fb = b.export("b.qingdan");
    a.import(&fb).unwrap();
    let report = b.import(&fa).unwrap();
    assert_eq!(report.tables["inspection_item"].conflicts, 1);

    for l in [&a, &b] {
        let list = sync::conflicts::list(&l.db).unwrap();
        assert_eq!(list.len(), 1, "{list:?}");
        assert_eq!(list[0].field, "finding");
        let values: Vec<&Value> = list[0].heads.iter().map(|h| &h.value).collect();
        assert_eq!(values, ["护理记录缺失三个月", "护理记录不全"], "both kept, the newer first");
        assert_eq!(l.finding(&id, &code), "护理记录缺失三个月", "the newer is shown");
    }
    assert_eq!(a.dump(), b.dump());

    // 甲 keeps the older value; the choice reaches 乙 and settles it there too.
    let keep = sync::conflicts::list(&a.db).unwrap()[0].heads[1].op_id.clone();
    let table_row = format!("{id}/{code}");
    sync::conflicts::resolve(&mut a.db, "inspection_item", &table_row, "finding", &keep).unwrap();
    assert!(sync::conflicts::list(&a.db).unwrap().is_empty());
    assert_eq!(a.finding(&id, &code), "护理记录不全");
    b.import(&a.export("resolved.qingdan")).unwrap();
    assert!(sync::conflicts::list(&b.db).unwrap().is_empty());
    assert_eq!(b.finding(&id, &code), "护理记录不全");

    let history = sync::history::history(&b.db, "inspection_item", &table_row).unwrap();
    let finding_changes: Vec<_> = history.iter().filter(|h| h.field.as_deref() == Some("finding")).collect();
    assert_eq!(finding_changes.len(), 3, "two edits and the resolution, none rewritten");
    assert!(finding_changes.iter().any(|h| h.bundle.as_deref() == Some("a.qingdan")));
    assert!(finding_changes.iter().any(|h| h.bundle.is_none()), "乙's own edit was made here");
}

#[test]
fn different_fields_of_one_row_merge_without_conflict() {
    let mut a = laptop(0);
    let mut b = laptop(1);
    let id = a.start();
    let code = first_codes(&a, &id, 1)[0].clone();
    a.set_finding(&id, &code, "甲的发现");
    b.import(&a.export("base.qingdan")).unwrap();
    a.clock.advance(Duration::seconds(3));
    let finding = ItemPatch { finding: Some("甲补充后的发现".into()), ..Default::default() };
    inspection::record(&mut a.db, &id, &code, &finding, &[], "甲").unwrap();
    b.clock.advance(Duration::seconds(7));
    let severity = ItemPatch { severity: Some(Some(qingdan_core::catalog::Severity::Serious)), ..Default::default() };
    inspection::record(&mut b.db, &id, &code, &severity, &[], "乙").unwrap();
    let fa = a.export("a.qingdan");
    let fb = b.export("b.qingdan");
    a.import(&fb).unwrap();
    b.import(&fa).unwrap();
    for l in [&a, &b] {
        assert!(sync::conflicts::list(&l.db).unwrap().is_empty());
        let item = inspection::item(&l.db, &id, &code).unwrap();
        assert_eq!(item.finding, "甲补充后的发现");
        assert_eq!(item.severity, Some(qingdan_core::catalog::Severity::Serious));
    }
    assert_eq!(a.dump()["tables"]["inspection_item"], b.dump()["tables"]["inspection_item"]);
}

#[test]
fn a_bundle_for_a_peer_holds_only_what_it_has_not_seen() {
    let mut a = laptop(0);
    let mut b = laptop(1);
    let id = a.start();
    b.import(&a.export("all.qingdan")).unwrap();
    let b_id = b.db.device_id().to_string();
    let a_id = a.db.device_id().to_string();
    // b tells a what it has by sending a bundle of its own.
    a.import(&b.export("b.qingdan")).unwrap();
    let code = first_codes(&a, &id, 1)[0].clone();
    a.set_finding(&id, &code, "新的发现");
    let out = a.dir.path().join("for-b.qingdan");
    let s = sync::export(&mut a.db, &out, &Selection { for_peer: Some(b_id.clone()), ..Default::default() }).unwrap();
    let everything = sync::export(&mut a.db, &a.dir.path().join("all-again.qingdan"), &Selection::default()).unwrap();
    assert!(s.ops > 0 && s.ops < 40 && s.ops * 20 < everything.ops, "only the new change: {} of {} ops", s.ops, everything.ops);
    assert!(!s.tables.contains_key("catalog_item") && !s.tables.contains_key("facility"));
    // Written is not received: until b says it has them, they go again (the
    // file may be lost on the way, or never imported).
    let unacknowledged = sync::export(&mut a.db, &a.dir.path().join("for-b-1.qingdan"), &Selection { for_peer: Some(b_id.clone()), ..Default::default() }).unwrap();
    assert_eq!(unacknowledged.ops, s.ops, "a file sent is not a file received");
    b.import(&out).unwrap();
    assert_eq!(b.finding(&id, &code), "新的发现");
    // Once b's next bundle says it has them, they are not sent again.
    a.import(&b.export("b-ack.qingdan")).unwrap();
    let again = sync::export(&mut a.db, &a.dir.path().join("for-b-2.qingdan"), &Selection { for_peer: Some(b_id), ..Default::default() }).unwrap();
    assert_eq!(again.ops, 0);
    let _ = a_id;
}

#[test]
fn a_bundle_of_one_inspection_carries_what_it_stands_on() {
    let mut a = laptop(0);
    let id = a.start();
    let other = a.start();
    let code = first_codes(&a, &id, 1)[0].clone();
    a.set_finding(&id, &code, "只导出这一次检查");
    let file = a.export_with("one.qingdan", &Selection { inspection: Some(id.clone()), ..Default::default() });
    // A laptop with nothing but the reference data still accepts it: the facility travels along.
    let (env, _) = Env::fixed(FixedClock::default_test_time() + Duration::hours(3));
    let dir = tempfile::tempdir().unwrap();
    let mut db = Db::open_with(dir.path().join("q.db"), env).unwrap();
    seed::load_reference(&mut db).unwrap();
    let store = EvidenceStore::beside(&dir.path().join("q.db"));
    sync::import(&mut db, &store, &file, &ImportOptions { trust: true, ..Default::default() }, &mut |_| {}).unwrap();
    assert_eq!(inspection::item(&db, &id, &code).unwrap().finding, "只导出这一次检查");
    assert!(inspection::show(&db, &other).is_err(), "the other inspection stayed home");
}

// ---- bad input -------------------------------------------------------------

/// Rewrites a bundle's entries and signs the manifest again with the producing
/// laptop's own key: a well-signed file with bad content.
fn resign(from: &Laptop, src: &Path, dst: &Path, edit: impl FnOnce(&mut Vec<(String, Vec<u8>)>, &mut Value)) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let mut entries = Vec::new();
    let mut manifest = Value::Null;
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        let name = f.name().unwrap().to_string();
        match name.as_str() {
            bundle::MANIFEST => manifest = serde_json::from_slice(&bytes).unwrap(),
            bundle::SIGNATURE => {}
            name => entries.push((name.to_string(), bytes)),
        }
    }
    edit(&mut entries, &mut manifest);
    common::bundles::resign_chains(&from.db, &mut entries);
    manifest["entries"] = entries
        .iter()
        .map(|(name, bytes)| {
            serde_json::json!({ "path": name, "size": bytes.len(), "sha256": hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes)) })
        })
        .collect();
    write_zip(dst, &entries, &manifest, Some(from));
}

fn write_zip(dst: &Path, entries: &[(String, Vec<u8>)], manifest: &Value, signer: Option<&Laptop>) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(dst).unwrap());
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), bundle::entry_options()).unwrap();
        zip.write_all(bytes).unwrap();
    }
    let m = serde_json::to_vec_pretty(manifest).unwrap();
    zip.start_file(bundle::MANIFEST, bundle::entry_options()).unwrap();
    zip.write_all(&m).unwrap();
    if let Some(l) = signer {
        zip.start_file(bundle::SIGNATURE, bundle::entry_options()).unwrap();
        zip.write_all(sync::Device::of(&l.db).unwrap().sign(&m).as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

fn ops_lines(entries: &mut [(String, Vec<u8>)]) -> &mut Vec<u8> {
    &mut entries.iter_mut().find(|(n, _)| n == bundle::OPS).unwrap().1
}

fn edit_lines(entries: &mut [(String, Vec<u8>)], f: impl FnOnce(&mut Vec<Value>)) {
    let ops = ops_lines(entries);
    let mut lines: Vec<Value> = ops.split(|b| *b == b'\n').filter(|l| !l.is_empty()).map(|l| serde_json::from_slice(l).unwrap()).collect();
    f(&mut lines);
    *ops = lines.iter().map(|l| format!("{l}\n")).collect::<String>().into_bytes();
}

struct BadCase {
    a: Laptop,
    b: Laptop,
    good: PathBuf,
}

fn bad_case() -> BadCase {
    let mut a = laptop(0);
    let mut b = laptop(1);
    // b already trusts a, so only the content decides; the inspection is new to b.
    let trust = a.export("trust.qingdan");
    b.import(&trust).unwrap();
    let id = a.start();
    a.set_finding(&id, &first_codes(&a, &id, 1)[0].clone(), "有问题");
    a.set_finding(&id, &first_codes(&a, &id, 2)[1].clone(), "又一处问题");
    let good = a.export("good.qingdan");
    BadCase { a, b, good }
}

fn refused_unchanged(case: &mut BadCase, file: &Path, want: &str) {
    let (dump, bytes) = (case.b.dump(), case.b.file_bytes());
    let err = case.b.import(file).expect_err("must be refused");
    let msg = err.to_string();
    assert!(msg.contains(want), "expected “{want}” in: {msg}");
    assert!(msg.contains(&file.display().to_string()) || matches!(err, Error::Io { .. }), "the message names the file: {msg}");
    assert_eq!(case.b.dump(), dump, "{want}: nothing changed");
    assert_eq!(case.b.file_bytes(), bytes, "{want}: the database file is byte for byte the same");
}

#[test]
fn a_cut_bundle_is_refused_at_every_length() {
    let mut case = bad_case();
    let bytes = std::fs::read(&case.good).unwrap();
    let cut = case.a.dir.path().join("cut.qingdan");
    let (dump, file) = (case.b.dump(), case.b.file_bytes());
    let mut lengths: Vec<usize> = (0..bytes.len()).step_by(7).collect();
    lengths.extend(bytes.len().saturating_sub(300)..bytes.len());
    for len in lengths {
        std::fs::write(&cut, &bytes[..len]).unwrap();
        let err = case.b.import(&cut).expect_err("a cut file is refused");
        assert!(matches!(err, Error::Input(_)), "cut at {len}: {err:?}");
    }
    assert_eq!(case.b.dump(), dump);
    assert_eq!(case.b.file_bytes(), file);
    case.b.import(&case.good).unwrap();
}

#[test]
fn flipped_bits_are_refused() {
    let mut case = bad_case();
    let bytes = std::fs::read(&case.good).unwrap();
    let bad = case.a.dir.path().join("flipped.qingdan");
    let (dump, file) = (case.b.dump(), case.b.file_bytes());
    let (mut dump, mut file) = (dump, file);
    let contents = |p: &Path| -> Vec<(String, Vec<u8>)> {
        let mut z = zip::ZipArchive::new(std::fs::File::open(p).unwrap()).unwrap();
        (0..z.len())
            .map(|i| {
                let mut f = z.by_index(i).unwrap();
                let mut b = Vec::new();
                f.read_to_end(&mut b).unwrap();
                (f.name().unwrap().to_string(), b)
            })
            .collect()
    };
    let good_contents = contents(&case.good);
    let mut accepted = 0;
    for pos in (0..bytes.len()).step_by(11) {
        let mut b = bytes.clone();
        b[pos] ^= 0x10;
        std::fs::write(&bad, &b).unwrap();
        match case.b.import(&bad) {
            Err(e) => {
                assert!(matches!(e, Error::Input(_)), "flip at {pos}: {e:?}");
                assert_eq!(case.b.dump(), dump, "flip at {pos}");
                assert_eq!(case.b.file_bytes(), file, "flip at {pos}");
            }
            Ok(_) => {
                // A flip in bytes no reader needs (a zip timestamp) leaves every
                // signed byte as it was: then it is the good bundle itself.
                assert_eq!(contents(&bad), good_contents, "flip at {pos} was accepted with other content");
                accepted += 1;
                dump = case.b.dump();
                file = case.b.file_bytes();
            }
        }
    }
    assert!(accepted * 20 < bytes.len() / 11, "almost every flip is refused ({accepted} accepted)");
}

#[test]
fn content_that_does_not_match_the_signed_manifest_is_refused() {
    let mut case = bad_case();
    let bad = case.a.dir.path().join("bad.qingdan");
    // Altered operations under the old manifest and signature.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&case.good).unwrap()).unwrap();
    let mut entries = Vec::new();
    let mut manifest = Vec::new();
    let mut sig = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut b = Vec::new();
        f.read_to_end(&mut b).unwrap();
        let name = f.name().unwrap().to_string();
        match name.as_str() {
            bundle::MANIFEST => manifest = b,
            bundle::SIGNATURE => sig = b,
            n => entries.push((n.to_string(), b)),
        }
    }
    let ops = String::from_utf8(ops_lines(&mut entries).clone()).unwrap().replace("又一处问题", "没有问题");
    *ops_lines(&mut entries) = ops.into_bytes();
    let mut w = zip::ZipWriter::new(std::fs::File::create(&bad).unwrap());
    for (n, b) in entries.iter().chain([(bundle::MANIFEST.to_string(), manifest.clone())].iter()) {
        w.start_file(n.as_str(), bundle::entry_options()).unwrap();
        w.write_all(b).unwrap();
    }
    w.start_file(bundle::SIGNATURE, bundle::entry_options()).unwrap();
    w.write_all(&sig).unwrap();
    w.finish().unwrap();
    refused_unchanged(&mut case, &bad, "与签名清单不符");

    // An edited manifest under the old signature.
    let mut m: Value = serde_json::from_slice(&manifest).unwrap();
    m["device"]["name"] = "冒名设备".into();
    let entries_back: Vec<(String, Vec<u8>)> = {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&case.good).unwrap()).unwrap();
        (0..zip.len())
            .filter_map(|i| {
                let mut f = zip.by_index(i).unwrap();
                let mut b = Vec::new();
                f.read_to_end(&mut b).unwrap();
                let n = f.name().unwrap().to_string();
                (n == bundle::OPS).then_some((n, b))
            })
            .collect()
    };
    let mut w = zip::ZipWriter::new(std::fs::File::create(&bad).unwrap());
    for (n, b) in &entries_back {
        w.start_file(n.as_str(), bundle::entry_options()).unwrap();
        w.write_all(b).unwrap();
    }
    w.start_file(bundle::MANIFEST, bundle::entry_options()).unwrap();
    w.write_all(&serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    w.start_file(bundle::SIGNATURE, bundle::entry_options()).unwrap();
    w.write_all(&sig).unwrap();
    w.finish().unwrap();
    refused_unchanged(&mut case, &bad, "签名与清单不符");
}

#[test]
fn another_key_for_a_trusted_device_is_refused() {
    let mut case = bad_case();
    // A laptop that claims a's device id but holds its own key.
    let mut m = laptop(5);
    let forged = m.export("forged.qingdan");
    let a_id = case.a.db.device_id().to_string();
    let bad = case.a.dir.path().join("impostor.qingdan");
    resign(&m, &forged, &bad, |_, manifest| manifest["device"]["id"] = a_id.clone().into());
    refused_unchanged(&mut case, &bad, "签名密钥与已信任的不同");
    let _ = &mut m;
}

#[test]
fn well_signed_but_bad_content_is_refused() {
    let mut case = bad_case();
    let bad = case.a.dir.path().join("bad.qingdan");
    let good = case.good.clone();
    type Edit = Box<dyn Fn(&mut Vec<(String, Vec<u8>)>, &mut Value)>;
    let cases: Vec<(&str, Edit)> = vec![
        ("请先升级本机程序", Box::new(|_, m| m["version"] = 3.into())),
        ("不是清单监督的同步文件", Box::new(|_, m| m["format"] = "other".into())),
        ("在文件中出现两次", Box::new(|e, _| edit_lines(e, |l| { let last = l.last().unwrap().clone(); l.push(last) }))),
        ("未知的记录类型", Box::new(|e, _| edit_lines(e, |l| l.last_mut().unwrap()["tbl"] = "meta".into()))),
        ("没有可修改的字段", Box::new(|e, _| edit_lines(e, |l| {
            let op = l.iter_mut().find(|o| o["kind"] == "set").unwrap();
            op["col"] = "id".into();
        }))),
        ("操作编号", Box::new(|e, _| edit_lines(e, |l| l.last_mut().unwrap()["id"] = "x:1".into()))),
        ("不在该检查所用的目录版本中", Box::new(|e, _| edit_lines(e, |l| {
            let op = l.iter_mut().find(|o| o["tbl"] == "inspection_item" && o["kind"] == "insert").unwrap();
            op["value"]["item_code"] = "S99".into();
        }))),
        ("在本机不存在", Box::new(|e, _| edit_lines(e, |l| {
            let op = l.iter_mut().find(|o| o["tbl"] == "inspection" && o["kind"] == "insert").unwrap();
            op["value"]["target_id"] = "01900000-0000-7000-8000-000000000000".into();
        }))),
        ("清单声明", Box::new(|_, m| m["counts"]["ops"] = 1_000_000.into())),
        ("不应存在的条目", Box::new(|e, _| e.push(("../../etc/passwd".into(), b"x".to_vec())))),
        ("不应存在的条目", Box::new(|e, _| e.push(("/etc/passwd".into(), b"x".to_vec())))),
        ("不应存在的条目", Box::new(|e, _| e.push(("attachments/../x".into(), b"x".to_vec())))),
    ];
    for (want, edit) in cases {
        resign(&case.a, &good, &bad, |e, m| edit(e, m));
        refused_unchanged(&mut case, &bad, want);
    }
    // The good bundle still goes in afterwards.
    case.b.import(&good).unwrap();
}

#[test]
fn an_archive_that_expands_far_beyond_its_size_is_refused() {
    let mut case = bad_case();
    let bad = case.a.dir.path().join("bomb.qingdan");
    let good = case.good.clone();
    // 200 MB of zeros deflate to about 200 KB.
    resign(&case.a, &good, &bad, |e, _| {
        e.push((format!("attachments/{}", "0".repeat(64)), vec![0u8; 200 << 20]));
    });
    assert!(std::fs::metadata(&bad).unwrap().len() < 2 << 20);
    refused_unchanged(&mut case, &bad, "解压后大小异常");
}

#[test]
fn absurd_declared_sizes_are_refused() {
    let mut case = bad_case();
    let bad = case.a.dir.path().join("absurd.qingdan");
    let good = case.good.clone();
    resign(&case.a, &good, &bad, |_, _| {});
    // Re-sign with a manifest that claims a terabyte for the operations.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&bad).unwrap()).unwrap();
    let mut m: Value = {
        let mut f = zip.by_name(bundle::MANIFEST).unwrap();
        let mut b = Vec::new();
        f.read_to_end(&mut b).unwrap();
        serde_json::from_slice(&b).unwrap()
    };
    let ops = {
        let mut f = zip.by_name(bundle::OPS).unwrap();
        let mut b = Vec::new();
        f.read_to_end(&mut b).unwrap();
        b
    };
    m["entries"][0]["size"] = (1u64 << 40).into();
    write_zip(&bad, &[(bundle::OPS.into(), ops)], &m, Some(&case.a));
    refused_unchanged(&mut case, &bad, "远超文件本身");
}

// ---- convergence -------------------------------------------------------------

/// How a laptop's clock is set, from the campaign's true time.
const SKEWS: [i64; 7] = [
    0,
    -20 * 365 * 24 * 60, // a flat battery: about 2004
    -30 * 60,
    -3 * 60,
    3 * 60,
    30 * 60,           // a day and more fast: still believed
    12 * 365 * 24 * 60, // a year typed as 2036: refused by everyone else
];

#[derive(Debug, Clone)]
enum Step {
    /// Laptop edits the finding of item k to value v.
    Edit { laptop: usize, item: usize, value: u8 },
    /// Laptop `from` sends `to` what `to` has not acknowledged.
    Send { from: usize, to: usize },
    /// Like `Send`, but the file is lost on the way.
    Lose { from: usize, to: usize },
    /// The laptop's clock is set wrongly (or right again): `SKEWS[k]`.
    Skew { laptop: usize, k: usize },
    /// The laptop's database is copied away …
    Backup { laptop: usize },
    /// … and later put back, losing what was done since.
    Restore { laptop: usize },
}

fn step(n: usize) -> impl Strategy<Value = Step> {
    let two = move || (0..n, 0..n).prop_filter("two laptops", |(a, b)| a != b);
    prop_oneof![
        4 => (0..n, 0..3usize, 0..3u8).prop_map(|(laptop, item, value)| Step::Edit { laptop, item, value }),
        3 => two().prop_map(|(from, to)| Step::Send { from, to }),
        1 => two().prop_map(|(from, to)| Step::Lose { from, to }),
        1 => (0..n, 0..SKEWS.len()).prop_map(|(laptop, k)| Step::Skew { laptop, k }),
        1 => (0..n).prop_map(|laptop| Step::Backup { laptop }),
        1 => (0..n).prop_map(|laptop| Step::Restore { laptop }),
    ]
}

fn history() -> impl Strategy<Value = (usize, Vec<Step>, Vec<usize>)> {
    (2..=5usize).prop_flat_map(|n| {
        (Just(n), prop::collection::vec(step(n), 1..18), Just((0..n).collect::<Vec<_>>()).prop_shuffle())
    })
}

/// Whether `to` refuses what `from` sends: `from` holds changes stamped in
/// 2036, and `to` neither does nor has its clock there now.
fn refused(ahead: &[bool], skew: &[usize], from: usize, to: usize) -> bool {
    ahead[from] && !ahead[to] && SKEWS[skew[to]] <= 36 * 60
}

fn back_up_to(l: &Laptop, to: &Path) {
    l.db.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    std::fs::copy(l.db.path().unwrap(), to).unwrap();
}

fn restore_from(l: &mut Laptop, from: &Path) {
    let path = l.db.path().unwrap().to_path_buf();
    let env = l.db.env().clone();
    drop(std::mem::replace(&mut l.db, Db::open_in_memory().unwrap()));
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", path.display()));
    }
    std::fs::copy(from, &path).unwrap();
    l.db = Db::open_with(&path, env).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Random edits on 2–5 laptops with wrong clocks, lost files and restored
    /// backups, exchanged in random orders: once everyone has sent everyone
    /// what they have (in a shuffled order, twice) all laptops that can still
    /// be heard hold the same canonical dump; every field's value is one that
    /// was written; a change made after seeing another wins over it; and a
    /// field that laptops changed without seeing each other's change is a
    /// conflict holding exactly those values. A laptop that recorded while
    /// its clock said 2036 is refused by everyone (and the file changes
    /// nothing) until it is restored from a backup made before.
    #[test]
    fn random_histories_converge_without_losing_a_change((n, steps, order) in history()) {
        let mut laptops = team(n);
        let id = laptops[0].start();
        let base = laptops[0].export("base.qingdan");
        for l in laptops.iter_mut().skip(1) {
            l.import(&base).unwrap();
        }
        let codes = first_codes(&laptops[0], &id, 3);
        let true_time: Vec<_> = laptops.iter().map(|l| l.db.now()).collect();
        // The model: each edit, and which edits of the same item its laptop had seen.
        #[derive(Clone)]
        struct Edit { item: usize, value: String, seen: Vec<usize> }
        let mut edits: Vec<Edit> = Vec::new();
        let mut knows: Vec<std::collections::BTreeSet<usize>> = vec![Default::default(); n];
        // Whether a laptop stamped a change while its clock said 2036.
        let mut ahead = vec![false; n];
        let mut skew = vec![0usize; n];
        let backups: Vec<PathBuf> = laptops.iter().enumerate().map(|(i, l)| l.dir.path().join(format!("backup-{i}.db"))).collect();
        let mut backed_up: Vec<(std::collections::BTreeSet<usize>, bool)> = vec![Default::default(); n];
        for (i, l) in laptops.iter().enumerate() {
            back_up_to(l, &backups[i]);
        }
        let mut sent = 0;
        let send = |laptops: &mut Vec<Laptop>, from: usize, to: usize, sent: &mut usize| -> PathBuf {
            *sent += 1;
            let peer = laptops[to].db.device_id().to_string();
            laptops[from].export_with(&format!("s{sent}.qingdan"), &Selection { for_peer: Some(peer), ..Default::default() })
        };
        for s in &steps {
            match *s {
                Step::Edit { laptop, item, value } => {
                    let text = format!("记录{value}");
                    if laptops[laptop].finding(&id, &codes[item]) == text {
                        continue;
                    }
                    laptops[laptop].set_finding(&id, &codes[item], &text);
                    let seen = knows[laptop].iter().copied().filter(|e| edits[*e].item == item).collect();
                    edits.push(Edit { item, value: text, seen });
                    knows[laptop].insert(edits.len() - 1);
                    ahead[laptop] |= SKEWS[skew[laptop]] > 36 * 60;
                }
                Step::Send { from, to } => {
                    let f = send(&mut laptops, from, to, &mut sent);
                    if refused(&ahead, &skew, from, to) {
                        let before = laptops[to].dump();
                        let err = laptops[to].import(&f).expect_err("a stamp of 2036 is refused").to_string();
                        prop_assert!(err.contains("超前过多"), "{}", err);
                        prop_assert_eq!(laptops[to].dump(), before);
                        continue;
                    }
                    laptops[to].import(&f).unwrap();
                    let k = knows[from].clone();
                    knows[to].extend(k);
                    ahead[to] |= ahead[from];
                }
                Step::Lose { from, to } => {
                    send(&mut laptops, from, to, &mut sent);
                }
                Step::Skew { laptop, k } => {
                    skew[laptop] = k;
                    laptops[laptop].clock.set(true_time[laptop] + Duration::minutes(SKEWS[k]) + Duration::seconds(sent as i64));
                }
                Step::Backup { laptop } => {
                    back_up_to(&laptops[laptop], &backups[laptop]);
                    backed_up[laptop] = (knows[laptop].clone(), ahead[laptop]);
                }
                Step::Restore { laptop } => {
                    restore_from(&mut laptops[laptop], &backups[laptop]);
                    (knows[laptop], ahead[laptop]) = backed_up[laptop].clone();
                }
            }
        }
        // Everyone sends to everyone, in a shuffled order, twice; files of a
        // laptop that recorded in 2036 are refused.
        for round in 0..2 {
            for &from in &order {
                for to in 0..n {
                    if from == to {
                        continue;
                    }
                    let f = send(&mut laptops, from, to, &mut sent);
                    if refused(&ahead, &skew, from, to) {
                        prop_assert!(laptops[to].import(&f).is_err());
                    } else {
                        laptops[to].import(&f).unwrap();
                        let k = knows[from].clone();
                        knows[to].extend(k);
                        ahead[to] |= ahead[from];
                    }
                }
            }
            let _ = round;
        }
        let heard: Vec<usize> = (0..n).filter(|&i| !ahead[i]).collect();
        let Some(&first_heard) = heard.first() else { return Ok(()) };
        let strip = |mut d: Value| {
            d["tables"].as_object_mut().unwrap().retain(|t, _| t.starts_with("inspection"));
            d
        };
        let first = strip(laptops[first_heard].dump());
        for &i in &heard[1..] {
            prop_assert_eq!(&strip(laptops[i].dump()), &first);
            prop_assert_eq!(&knows[i], &knows[first_heard]);
        }
        let reference = &laptops[first_heard];
        let known = &knows[first_heard];
        for (item, code) in codes.iter().enumerate() {
            let mine: Vec<usize> = (0..edits.len()).filter(|e| edits[*e].item == item && known.contains(e)).collect();
            let heads: std::collections::BTreeSet<String> = mine
                .iter()
                .filter(|e| !mine.iter().any(|later| edits[*later].seen.contains(e)))
                .map(|e| edits[*e].value.clone())
                .collect();
            let shown = reference.finding(&id, code);
            let conflict = sync::conflicts::list(&reference.db).unwrap().into_iter()
                .find(|c| c.row == format!("{id}/{code}") && c.field == "finding");
            if mine.is_empty() {
                prop_assert!(conflict.is_none());
                continue;
            }
            prop_assert!(heads.contains(&shown), "shown {} is one of the latest values {:?}", shown, heads);
            match conflict {
                Some(c) => {
                    let values: std::collections::BTreeSet<String> =
                        c.heads.iter().map(|h| h.value.as_str().unwrap().to_string()).collect();
                    prop_assert_eq!(values, heads);
                }
                None => prop_assert_eq!(heads.len(), 1, "concurrent values {:?} must be a conflict", heads),
            }
        }
    }
}
