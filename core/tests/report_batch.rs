//! 批量打印 of a county's inspection reports, and the print of a problem list
//! for the desktop view's own filter (docs/reports.md).

use std::path::Path;
use std::process::Command;

use qingdan_core::catalog::{Severity, TargetKind};
use qingdan_core::evidence::EvidenceStore;
use qingdan_core::inspection::{self, InspectionKind, ItemPatch, Scope, StartInspection, Verdict};
use qingdan_core::problem::{ProblemFilter, Status};
use qingdan_core::registry::{self, FacilityQuery};
use qingdan_core::report::batch::{self, BatchProgress};
use qingdan_core::report::{self, PrintList};
use qingdan_core::{demo, Db, Env, Error, FixedClock};

const ACTOR: &str = "张建国";

struct Fixture {
    dir: tempfile::TempDir,
    db: Db,
    store: EvidenceStore,
    county: String,
}

fn inspect(db: &mut Db, target: &str, date: &str, sign: bool) -> String {
    let input = StartInspection {
        target_id: target.into(),
        kind: InspectionKind::Special,
        date: date.into(),
        group: "第二组".into(),
        leader: "王志强".into(),
        members: vec!["李秀英".into()],
        representatives: vec!["刘建华".into()],
    };
    let d = inspection::start(db, &input, ACTOR).unwrap();
    for (n, item) in d.items.iter().enumerate() {
        let patch = if n == 0 {
            ItemPatch {
                verdict: Some(Some(Verdict::Noncompliant)),
                finding: Some("消防通道堆放杂物。".into()),
                severity: Some(Some(Severity::Major)),
                scope: Some(Some(Scope::Individual)),
                ..Default::default()
            }
        } else {
            ItemPatch { verdict: Some(Some(Verdict::Compliant)), ..Default::default() }
        };
        inspection::record(db, &d.summary.id, &item.code, &patch, &[], ACTOR).unwrap();
    }
    if sign {
        inspection::sign(db, &d.summary.id, &["王志强".into()], "刘建华", None, ACTOR).unwrap();
    }
    d.summary.id
}

/// Two signed inspections and a draft in one county, one signed elsewhere.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("q.db");
    let (env, _clock) = Env::fixed(FixedClock::default_test_time());
    let mut db = Db::open_with(&db_path, env).unwrap();
    demo::populate(&mut db).unwrap();
    let store = EvidenceStore::beside(&db_path);
    let all = registry::facility_list(&db, &FacilityQuery { kind: Some(TargetKind::ElderlyCareInstitution), ..Default::default() }).unwrap();
    let county = all[0].county.clone();
    let here: Vec<_> = all.iter().filter(|f| f.county == county).collect();
    let elsewhere = all.iter().find(|f| f.county != county).unwrap();
    inspect(&mut db, &here[0].id, "2024-05-20", true);
    inspect(&mut db, &here[usize::from(here.len() > 1)].id, "2024-05-21", true);
    inspect(&mut db, &here[0].id, "2024-05-22", false);
    inspect(&mut db, &elsewhere.id, "2024-05-20", true);
    Fixture { dir, db, store, county }
}

fn is_pdf(p: &Path) -> bool {
    std::fs::read(p).is_ok_and(|b| b.starts_with(b"%PDF-"))
}

#[test]
fn every_signed_inspection_of_the_county_gets_its_own_report() {
    let f = fixture();
    let folder = f.dir.path().join("out").join(format!("{}检查报告", f.county));
    let mut seen: Vec<BatchProgress> = Vec::new();
    let s = batch::inspection_reports_of_county(&f.db, &f.store, &f.county, &folder, &mut |p| seen.push(p.clone())).unwrap();
    assert_eq!(s.files, 2, "the draft and the other county's inspection are left out");
    assert!(s.pages >= 2);
    let mut files: Vec<String> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files[0].starts_with("2024-05-20-") && files[0].ends_with(".pdf") && files[0].contains("专项督查报告"), "{files:?}");
    assert!(files.iter().all(|n| is_pdf(&folder.join(n))));
    assert_eq!(seen.iter().map(|p| (p.done, p.total)).collect::<Vec<_>>(), vec![(1, 2), (2, 2)]);
    assert_eq!(seen[0].file, files[0]);

    // The same folder again is refused: a run never mixes with an earlier one.
    let e = batch::inspection_reports_of_county(&f.db, &f.store, &f.county, &folder, &mut |_| {}).unwrap_err();
    assert_eq!(e.exit_code(), 2, "{e:?}");
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 2);
}

#[test]
fn an_unknown_county_or_one_without_signed_inspections_is_refused_and_writes_nothing() {
    let f = fixture();
    let folder = f.dir.path().join("none");
    let e = batch::inspection_reports_of_county(&f.db, &f.store, "火星县", &folder, &mut |_| {}).unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "{e:?}");
    let quiet = registry::counties(&f.db)
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .find(|c| batch::plan(&f.db, c).unwrap().is_empty())
        .unwrap();
    let e = batch::inspection_reports_of_county(&f.db, &f.store, &quiet, &folder, &mut |_| {}).unwrap_err();
    assert!(e.message(qingdan_core::Lang::Zh).contains("没有可打印的检查报告"), "{e:?}");
    assert!(!folder.exists());
}

fn cli(f: &Fixture, args: &[&str]) -> (i32, String, String) {
    let db = f.dir.path().join("q.db");
    let mut argv = vec!["qingdan", "--db", db.to_str().unwrap()];
    argv.extend_from_slice(args);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = qingdan_core::cli::run(argv.iter().map(Into::into), &mut out, &mut err);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

#[test]
fn the_cli_prints_a_county_into_a_new_folder() {
    let f = fixture();
    let folder = f.dir.path().join("批量");
    let dir = folder.to_str().unwrap();
    let (code, stdout, stderr) = cli(&f, &["report", "batch", "--county", &f.county, "--out-dir", dir, "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let s: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(s["files"], 2, "{stdout}");
    assert_eq!(s["folder"], dir);
    assert!(s["pages"].as_u64().unwrap() >= 2);
    let pdfs: Vec<_> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(pdfs.len(), 2);
    assert!(pdfs.iter().all(|p| is_pdf(p)));

    // The folder exists now: refused, exit 2, nothing added; an unknown county too.
    let (code, stdout, stderr) = cli(&f, &["report", "batch", "--county", &f.county, "--out-dir", dir]);
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    assert!(stderr.contains("已存在"), "{stderr}");
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 2);
    let other = f.dir.path().join("另一个");
    let (code, _, stderr) = cli(&f, &["report", "batch", "--county", "火星县", "--out-dir", other.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("火星县"), "{stderr}");
    assert!(!other.exists());

    // Without --json: one line for people, and the progress on stderr.
    let (code, stdout, stderr) = cli(&f, &["report", "batch", "--county", &f.county, "--out-dir", other.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("已生成 2 份检查报告"), "{stdout}");
    assert_eq!(stderr.lines().filter(|l| l.starts_with("[")).count(), 2, "{stderr}");
}

fn pdftotext(bytes: &[u8], dir: &Path) -> Option<String> {
    let p = dir.join("list.pdf");
    std::fs::write(&p, bytes).unwrap();
    let out = Command::new("pdftotext").args(["-raw"]).arg(&p).arg("-").output().ok()?;
    Some(String::from_utf8(out.stdout).unwrap())
}

#[test]
fn the_list_prints_what_the_view_shows() {
    let f = fixture();
    let view = ProblemFilter {
        county: Some(f.county.clone()),
        statuses: vec![Status::Pending, Status::InProgress],
        severity: Some(Severity::Major),
        search: Some("消防".into()),
        ..Default::default()
    };
    let bytes = report::list_view_bytes(&f.db, PrintList::Problems, &view).unwrap();
    assert!(report::count_pages(&bytes) >= 1);
    if let Some(text) = pdftotext(&bytes, f.dir.path()) {
        let flat: String = text.split_whitespace().collect();
        for needle in [format!("县（市、区）：{}", f.county), "状态：待整改、整改中".into(), "问题等级：重大隐患".into(), "含“消防”".into(), "共2个问题".into()] {
            assert!(flat.contains(&needle), "{needle} in {flat}");
        }
    } else {
        println!("pdftotext not installed: the printed conditions were not read back");
    }
    // The 销号清单 takes no other status.
    let e = report::list_view_bytes(&f.db, PrintList::Closeout, &ProblemFilter { statuses: vec![Status::Pending], ..Default::default() }).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    let e = report::list_view_bytes(&f.db, PrintList::Problems, &ProblemFilter { county: Some("火星县".into()), ..Default::default() }).unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }), "{e:?}");
}
