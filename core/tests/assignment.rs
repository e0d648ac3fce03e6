//! 任务分配: bad input refused with every field named and nothing written; the
//! list by group and county with each target's inspection status; the same
//! assignment made twice is one record; removal. Then between laptops: the
//! supervisor's assignment reaches an inspector's laptop, its removal follows
//! as a delete, a county bundle carries both, and an assignment whose target
//! the importer does not have is refused.

mod common;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::Duration;
use qingdan_core::assignment::{self, AssignmentFilter, AssignmentTargetKind, NewAssignment};
use qingdan_core::evidence::EvidenceStore;
use qingdan_core::inspection::{self, InspectionKind, StartInspection};
use qingdan_core::registry::{self, Facility, FacilityQuery};
use qingdan_core::sync::{self, bundle, ImportOptions, Selection};
use qingdan_core::{demo, seed, Db, Env, Error, FixedClock};
use serde_json::Value;

const LAOCHENG: &str = "老城区";
const XIGONG: &str = "西工区";

/// A laptop with the reference data and the demo facilities of two counties.
struct Laptop {
    db: Db,
    dir: tempfile::TempDir,
    store: EvidenceStore,
}

fn laptop(n: i64) -> Laptop {
    let (env, _clock) = Env::fixed(FixedClock::default_test_time() + Duration::minutes(n));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qingdan.db");
    let mut db = Db::open_with(&path, env).unwrap();
    seed::load_reference(&mut db).unwrap();
    let some: Vec<_> = demo::facilities().into_iter().filter(|f| f.county == LAOCHENG || f.county == XIGONG).collect();
    db.with_tx(|tx| registry::upsert_facilities(tx, Some(demo::CITY), &some)).unwrap();
    let store = EvidenceStore::beside(&path);
    Laptop { db, dir, store }
}

impl Laptop {
    fn facilities(&self, county: &str) -> Vec<Facility> {
        registry::facility_list(&self.db, &FacilityQuery { county: Some(county.into()), ..Default::default() }).unwrap()
    }

    fn assign(
        &mut self,
        group: &str,
        kind: AssignmentTargetKind,
        target: &str,
        date: Option<&str>,
    ) -> assignment::Assignment {
        let input = NewAssignment {
            group: group.into(),
            target_kind: kind,
            target_id: target.into(),
            planned_date: date.map(String::from),
            note: String::new(),
        };
        assignment::assign(&mut self.db, &input, "督查组").unwrap()
    }

    fn list(&self, group: Option<&str>, county: Option<&str>) -> Vec<assignment::Assignment> {
        assignment::list(
            &self.db,
            &AssignmentFilter { group: group.map(String::from), county: county.map(String::from) },
        )
        .unwrap()
    }

    fn inspect(&mut self, target: &str, date: &str, group: &str) -> String {
        let input = StartInspection {
            target_id: target.into(),
            kind: InspectionKind::LawEnforcement,
            date: date.into(),
            group: group.into(),
            leader: "王志强".into(),
            members: vec![],
            representatives: vec![],
        };
        inspection::start(&mut self.db, &input, "王志强").unwrap().summary.id
    }

    fn export(&mut self, name: &str, sel: &Selection) -> PathBuf {
        let out = self.dir.path().join(name);
        sync::export(&mut self.db, &out, sel).unwrap();
        out
    }

    fn import(&mut self, file: &Path) -> qingdan_core::Result<sync::ImportReport> {
        sync::import(&mut self.db, &self.store, file, &ImportOptions { trust: true, ..Default::default() }, &mut |_| {})
    }

    fn dump(&self) -> Value {
        sync::dump::dump(&self.db).unwrap()
    }
}

fn fields(e: &Error) -> Vec<String> {
    e.problems().iter().map(|p| p.field.clone().unwrap_or_default()).collect()
}

#[test]
fn bad_input_is_refused_naming_every_field_and_writes_nothing() {
    let mut l = laptop(0);
    let before = l.dump();
    let input = NewAssignment {
        group: "  ".into(),
        target_kind: AssignmentTargetKind::County,
        target_id: "".into(),
        planned_date: Some("2024-13-01".into()),
        note: "备".repeat(501),
    };
    let err = assignment::assign(&mut l.db, &input, "督查组").unwrap_err();
    assert_eq!(fields(&err), ["group", "note", "planned_date", "target_id"], "{err}");
    let msg = err.to_string();
    assert!(msg.contains("“group”：不能为空"), "{msg}");
    assert!(msg.contains("“2024-13-01”无法识别，应为：YYYY-MM-DD 格式的日期"), "{msg}");
    assert!(msg.contains("最多 500 个字符"), "{msg}");

    let long = NewAssignment {
        group: "组".repeat(51),
        target_id: LAOCHENG.into(),
        planned_date: None,
        note: String::new(),
        ..input.clone()
    };
    let err = assignment::assign(&mut l.db, &long, "督查组").unwrap_err();
    assert_eq!(fields(&err), ["group"]);
    assert!(err.to_string().contains("最多 50 个字符"), "{err}");

    let home = l.facilities(LAOCHENG)[0].id.clone();
    for (kind, target, what) in [
        (AssignmentTargetKind::County, "不存在县", "县（市、区）"),
        (AssignmentTargetKind::Facility, "0190f0f0-0000-7000-8000-000000000000", "机构"),
        (AssignmentTargetKind::Department, "不存在局", "部门"),
        // A facility is not a county, whatever its id.
        (AssignmentTargetKind::County, home.as_str(), "县（市、区）"),
    ] {
        let input = NewAssignment {
            group: "第一组".into(),
            target_kind: kind,
            target_id: target.into(),
            planned_date: None,
            note: String::new(),
        };
        match assignment::assign(&mut l.db, &input, "督查组") {
            Err(Error::NotFound { what: w, key }) => assert_eq!((w, key.as_str()), (what, target)),
            other => panic!("{kind:?} {target}: expected not found, got {other:?}"),
        }
    }
    assert_eq!(l.dump(), before, "nothing was written");
}

#[test]
fn the_list_shows_each_target_with_its_inspections_by_group_and_county() {
    let mut l = laptop(0);
    let lc = l.facilities(LAOCHENG);
    let xg = l.facilities(XIGONG);
    let dept = qingdan_core::department::department_list(&l.db).unwrap()[0].clone();
    let county = l.assign("第二组", AssignmentTargetKind::County, LAOCHENG, Some("2024-06-01"));
    assert_eq!((county.target_name.as_str(), county.county.as_deref()), (LAOCHENG, Some(LAOCHENG)));
    assert_eq!(
        (county.facilities, county.facilities_inspected, county.inspections),
        (Some(lc.len() as u32), Some(0), 0)
    );
    let home = l.assign("第十组", AssignmentTargetKind::Facility, &xg[0].id, None);
    assert_eq!(home.county.as_deref(), Some(XIGONG));
    assert_eq!((home.facilities, home.last_inspected.as_deref()), (None, None));
    let by_name = l.assign("第一组", AssignmentTargetKind::Department, &dept.name, None);
    assert_eq!(
        (by_name.target_id.as_str(), by_name.county.as_deref()),
        (dept.id.as_str(), None),
        "a department by name is stored by id"
    );

    // Two inspections of one facility of 老城区, one of another, one of 西工区's home.
    l.inspect(&lc[0].id, "2024-05-20", "第二组");
    l.inspect(&lc[0].id, "2024-06-03", "第二组");
    l.inspect(&lc[1].id, "2024-06-02", "第五组");
    l.inspect(&xg[0].id, "2024-05-28", "第十组");

    let all = l.list(None, None);
    let groups: Vec<&str> = all.iter().map(|a| a.group.as_str()).collect();
    assert_eq!(groups, ["第一组", "第二组", "第十组"], "groups by their number, not by their text");
    let county = all.iter().find(|a| a.target_kind == AssignmentTargetKind::County).unwrap();
    assert_eq!(county.inspections, 3, "a county counts its facilities' inspections");
    assert_eq!((county.facilities_inspected, county.facilities), (Some(2), Some(lc.len() as u32)));
    assert_eq!(county.last_inspected.as_deref(), Some("2024-06-03"));
    assert_eq!(county.planned_date.as_deref(), Some("2024-06-01"));
    let home = all.iter().find(|a| a.target_kind == AssignmentTargetKind::Facility).unwrap();
    assert_eq!((home.inspections, home.last_inspected.as_deref()), (1, Some("2024-05-28")));

    let second: Vec<_> = l.list(Some("第二组"), None).into_iter().map(|a| a.target_name).collect();
    assert_eq!(second, [LAOCHENG]);
    let in_xigong: Vec<_> = l.list(None, Some(XIGONG)).into_iter().map(|a| a.target_name).collect();
    assert_eq!(in_xigong, [xg[0].name.clone()], "a county filter keeps its facilities' assignments, not departments");
    assert!(matches!(
        assignment::list(&l.db, &AssignmentFilter { county: Some("不存在县".into()), ..Default::default() }),
        Err(Error::NotFound { what: "县（市、区）", .. })
    ));
    assert_eq!(
        assignment::groups(&l.db).unwrap(),
        ["第一组", "第二组", "第五组", "第十组"],
        "from assignments and inspections"
    );
}

#[test]
fn the_same_assignment_twice_is_one_record_whose_date_and_note_change() {
    let mut l = laptop(0);
    let first = l.assign("第三组", AssignmentTargetKind::County, LAOCHENG, Some("2024-06-01"));
    let county_id = first.target_id.clone();
    let input = NewAssignment {
        group: " 第三组 ".into(),
        target_kind: AssignmentTargetKind::County,
        target_id: county_id.clone(),
        planned_date: Some("2024-06-08".into()),
        note: "先看敬老院".into(),
    };
    let again = assignment::assign(&mut l.db, &input, "督查组").unwrap();
    assert_eq!(again.id, first.id, "by group, kind and target, whether the county is named or given by id");
    assert_eq!((again.planned_date.as_deref(), again.note.as_str()), (Some("2024-06-08"), "先看敬老院"));
    assert_eq!(l.list(None, None).len(), 1);
    let ops: i64 = l
        .db
        .conn()
        .query_row("SELECT count(*) FROM sync_op WHERE tbl = 'assignment' AND row_id = ?1", [&first.id], |r| r.get(0))
        .unwrap();
    assert_eq!(ops, 3, "one insert and two changes are recorded for sync");
    assignment::assign(&mut l.db, &input, "督查组").unwrap();
    let after: i64 =
        l.db.conn().query_row("SELECT count(*) FROM sync_op WHERE tbl = 'assignment'", [], |r| r.get(0)).unwrap();
    assert_eq!(after, 3, "the same values again record nothing");
}

#[test]
fn removal_deletes_the_record_and_an_unknown_id_is_not_found() {
    let mut l = laptop(0);
    let a = l.assign("第一组", AssignmentTargetKind::County, XIGONG, None);
    assignment::remove(&mut l.db, &a.id, "督查组").unwrap();
    assert!(l.list(None, None).is_empty());
    let deletes: i64 =
        l.db.conn()
            .query_row(
                "SELECT count(*) FROM sync_op WHERE tbl = 'assignment' AND row_id = ?1 AND kind = 'delete'",
                [&a.id],
                |r| r.get(0),
            )
            .unwrap();
    assert_eq!(deletes, 1, "the removal is recorded as a delete");
    match assignment::remove(&mut l.db, &a.id, "督查组") {
        Err(Error::NotFound { what: "任务分配", key }) => assert_eq!(key, a.id),
        other => panic!("expected not found, got {other:?}"),
    }
}

#[test]
fn an_assignment_and_its_removal_travel_from_the_supervisor_to_an_inspector() {
    let mut supervisor = laptop(0);
    let mut inspector = laptop(1);
    let home = supervisor.facilities(XIGONG)[0].id.clone();
    let county = supervisor.assign("第一组", AssignmentTargetKind::County, LAOCHENG, Some("2024-06-01"));
    let facility = supervisor.assign("第一组", AssignmentTargetKind::Facility, &home, Some("2024-06-02"));

    let first = supervisor.export("1.qingdan", &Selection::default());
    let report = inspector.import(&first).unwrap();
    assert_eq!(report.tables["assignment"].new, 2);
    let there = inspector.list(Some("第一组"), None);
    assert_eq!(there.iter().map(|a| a.id.clone()).collect::<Vec<_>>(), [county.id.clone(), facility.id.clone()]);
    assert_eq!(there[0].planned_date.as_deref(), Some("2024-06-01"));

    assignment::remove(&mut supervisor.db, &county.id, "督查组").unwrap();
    let second = supervisor.export("2.qingdan", &Selection::default());
    let report = inspector.import(&second).unwrap();
    assert_eq!(report.tables["assignment"].deleted, 1, "the removal arrives as a delete");
    let left: Vec<_> = inspector.list(None, None).into_iter().map(|a| a.id).collect();
    assert_eq!(left, [facility.id.as_str()]);
    assert_eq!(
        inspector.dump()["tables"]["assignment"],
        supervisor.dump()["tables"]["assignment"],
        "both laptops hold the same assignments"
    );
}

#[test]
fn a_county_bundle_carries_the_assignments_of_the_county_and_their_removal() {
    let mut supervisor = laptop(0);
    let mut inspector = laptop(1);
    let home = supervisor.facilities(XIGONG)[0].id.clone();
    let by_county = supervisor.assign("第二组", AssignmentTargetKind::County, XIGONG, None);
    let by_home = supervisor.assign("第二组", AssignmentTargetKind::Facility, &home, None);
    let elsewhere = supervisor.assign("第三组", AssignmentTargetKind::County, LAOCHENG, None);
    assignment::remove(&mut supervisor.db, &by_home.id, "督查组").unwrap();

    let file = supervisor.export("xigong.qingdan", &Selection { county: Some(XIGONG.into()), ..Default::default() });
    inspector.import(&file).unwrap();
    let ids: Vec<_> = inspector.list(None, None).into_iter().map(|a| a.id).collect();
    assert_eq!(ids, [by_county.id.as_str()], "西工区's own, not 老城区's ({}), and not the removed one", elsewhere.id);
    let tombstone: i64 = inspector
        .db
        .conn()
        .query_row(
            "SELECT count(*) FROM sync_op WHERE tbl = 'assignment' AND row_id = ?1 AND kind = 'delete'",
            [&by_home.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tombstone, 1, "the removal travelled with the county");
}

#[test]
fn an_assignment_whose_target_the_importer_lacks_is_refused() {
    let mut supervisor = laptop(0);
    let mut inspector = laptop(1);
    let trust = supervisor.export("trust.qingdan", &Selection::default());
    inspector.import(&trust).unwrap();
    supervisor.assign("第一组", AssignmentTargetKind::County, LAOCHENG, None);
    let good = supervisor.export("good.qingdan", &Selection::default());
    let bad = supervisor.dir.path().join("bad.qingdan");
    let unknown = "0190f0f0-0000-7000-8000-0000000000aa";
    resign(&supervisor, &good, &bad, |lines| {
        let op = lines.iter_mut().find(|o| o["tbl"] == "assignment" && o["kind"] == "insert").unwrap();
        op["value"]["target_id"] = unknown.into();
    });
    let before = inspector.dump();
    let err = inspector.import(&bad).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains(&format!("分配的检查对象 {unknown} 在本机不存在")), "{msg}");
    assert!(msg.contains("任务分配"), "the message names the kind of record: {msg}");
    assert_eq!(inspector.dump(), before, "nothing changed");
    inspector.import(&good).unwrap();
    assert_eq!(inspector.list(None, None).len(), 1, "the untouched bundle goes in");
}

/// Rewrites a bundle's operations and signs the manifest again with the
/// producer's own key: a well-signed file with bad content.
fn resign(from: &Laptop, src: &Path, dst: &Path, edit: impl FnOnce(&mut Vec<Value>)) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(src).unwrap()).unwrap();
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
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
    let ops = &mut entries.iter_mut().find(|(n, _)| n == bundle::OPS).unwrap().1;
    let mut lines: Vec<Value> =
        ops.split(|b| *b == b'\n').filter(|l| !l.is_empty()).map(|l| serde_json::from_slice(l).unwrap()).collect();
    edit(&mut lines);
    *ops = lines.iter().map(|l| format!("{l}\n")).collect::<String>().into_bytes();
    common::bundles::resign_chains(&from.db, &mut entries);
    manifest["entries"] = entries
        .iter()
        .map(|(name, bytes)| {
            serde_json::json!({ "path": name, "size": bytes.len(), "sha256": hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes)) })
        })
        .collect();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(dst).unwrap());
    for (name, bytes) in &entries {
        zip.start_file(name.as_str(), bundle::entry_options()).unwrap();
        zip.write_all(bytes).unwrap();
    }
    let m = serde_json::to_vec_pretty(&manifest).unwrap();
    zip.start_file(bundle::MANIFEST, bundle::entry_options()).unwrap();
    zip.write_all(&m).unwrap();
    zip.start_file(bundle::SIGNATURE, bundle::entry_options()).unwrap();
    zip.write_all(sync::Device::of(&from.db).unwrap().sign(&m).as_bytes()).unwrap();
    zip.finish().unwrap();
}
