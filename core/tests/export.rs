//! Exports (XLSX and CSV) and the problem import that reads them back: a
//! campaign of problems in every status is exported, imported into a fresh
//! database with the same registry, and compared field by field; the XLSX is
//! read back with calamine to check headers, real dates and every cell.

mod common;

use std::path::Path;
use std::sync::Arc;

use calamine::{open_workbook_auto, Data, DataType, Reader};
use chrono::Duration;
use qingdan_core::catalog::{Severity, TargetKind};
use qingdan_core::export::{self, Cell, ExportFormat, ExportList, Table, PROBLEM_HEADERS};
use qingdan_core::inspection::{self, InspectionKind, ItemPatch, Scope, StartInspection, Verdict};
use qingdan_core::problem::{self, NewProblem, Plan, ProblemFilter, ProblemRow, Source, Status, Verification, VerifyMethod, VerifyResult};
use qingdan_core::registry::{self, FacilityQuery};
use qingdan_core::{demo, Db, Env, FixedClock};

const ACTOR: &str = "张建国";

fn demo_db() -> (Db, Arc<FixedClock>) {
    let (env, clock) = Env::fixed(FixedClock::default_test_time());
    let mut db = Db::open_in_memory_with(env).unwrap();
    demo::populate(&mut db).unwrap();
    (db, clock)
}

fn facility(db: &Db, kind: TargetKind, nth: usize) -> registry::Facility {
    registry::facility_list(db, &FacilityQuery { kind: Some(kind), ..Default::default() }).unwrap()[nth].clone()
}

fn plan(db: &mut Db, id: &str, deadline: &str) {
    let p = Plan { measure: format!("{id} 的整改措施：更换灭火器并组织演练"), unit: "县民政局".into(), person: "孙主任".into(), deadline: deadline.into() };
    problem::plan(db, id, &p, ACTOR).unwrap();
}

fn verify(db: &mut Db, id: &str, result: VerifyResult, note: &str) {
    let v = Verification { by: "王志强".into(), method: VerifyMethod::DocumentReview, result, note: note.into(), on: None };
    problem::verify(db, id, &v, None, ACTOR).unwrap();
}

/// Problems in every status, from an inspection and from other sources, on
/// every kind of target (facility, county, department, unregistered).
/// The clock ends on 2024-05-30 (Beijing), when one problem is overdue.
fn campaign(db: &mut Db, clock: &FixedClock) -> Vec<String> {
    // From a signed inspection: one 不符合 finding, pending.
    let home = facility(db, TargetKind::HomeCarePoint, 0);
    let insp = inspection::start(
        db,
        &StartInspection {
            target_id: home.id.clone(),
            kind: InspectionKind::Unannounced,
            date: "2024-05-18".into(),
            group: "第三组".into(),
            leader: "王志强".into(),
            members: vec![],
            representatives: vec!["刘站长".into()],
        },
        ACTOR,
    )
    .unwrap();
    for (i, item) in insp.items.iter().enumerate() {
        let bad = i == 0;
        let patch = ItemPatch {
            verdict: Some(Some(if bad { Verdict::Noncompliant } else { Verdict::Compliant })),
            finding: bad.then(|| "服务点未公示收费标准，台账记录不全".to_string()),
            severity: bad.then_some(Some(Severity::Serious)),
            scope: bad.then_some(Some(Scope::Partial)),
            ..Default::default()
        };
        inspection::record(db, &insp.summary.id, &item.code, &patch, &[], ACTOR).unwrap();
    }
    inspection::sign(db, &insp.summary.id, &["王志强".into()], "刘站长", None, ACTOR).unwrap();
    let from_inspection = problem::list(db, &ProblemFilter { target_id: Some(home.id.clone()), ..Default::default() }).unwrap()[0].id.clone();

    let inst = facility(db, TargetKind::ElderlyCareInstitution, 0);
    let inst2 = facility(db, TargetKind::ElderlyCareInstitution, 1);
    let county = registry::counties(db).unwrap()[3].clone();
    let dept = qingdan_core::department::department_list(db).unwrap()[0].clone();
    let mut create = |p: NewProblem| problem::create(db, &p, ACTOR).unwrap().problem.id;
    let closed = create(NewProblem {
        target_id: Some(inst.id.clone()),
        item_code: Some("S01".into()),
        description: "消防通道堆放杂物，灭火器过期".into(),
        scope: Some(Scope::Individual),
        source: Some(Source::PublicReport),
        group: "第二组".into(),
        found_on: Some("2024-05-10".into()),
        number: Some("QZ-2024-001".into()),
        ..Default::default()
    });
    let overdue = create(NewProblem {
        target_id: Some(county.id.clone()),
        category: "资金保障".into(),
        description: "福彩公益金用于养老服务的比例未达到要求".into(),
        severity: Some(Severity::Serious),
        source: Some(Source::SelfCheck),
        found_on: Some("2024-05-12".into()),
        department: Some("民政局".into()),
        ..Default::default()
    });
    let returned = create(NewProblem {
        target_id: Some(dept.id.clone()),
        category: "人才队伍".into(),
        description: "养老护理员培训计划未落实".into(),
        source: Some(Source::Deputy),
        found_on: Some("2024-05-15".into()),
        responsible_unit: "县人社局".into(),
        ..Default::default()
    });
    let awaiting = create(NewProblem {
        target_name: "全市".into(),
        category: "规划建设".into(),
        description: "新建小区配建养老服务设施未移交，\"配建\"台账缺失".into(),
        severity: Some(Severity::Major),
        source: Some(Source::Forum),
        found_on: Some("2024-05-16".into()),
        ..Default::default()
    });
    let reopened = create(NewProblem {
        target_id: Some(inst2.id.clone()),
        county: Some(inst2.county.clone()),
        category: "服务质量".into(),
        description: "夜间值班人员不足".into(),
        severity: Some(Severity::Serious),
        source: Some(Source::Unannounced),
        group: "第一组".into(),
        found_on: Some("2024-05-19".into()),
        ..Default::default()
    });

    plan(db, &closed, "2024-06-30");
    problem::progress(db, &closed, "已购置灭火器 20 具", None, ACTOR).unwrap();
    problem::report_done(db, &closed, "杂物已清理，灭火器已全部更换", None, ACTOR).unwrap();
    verify(db, &closed, VerifyResult::Pass, "资料齐全，现场照片清楚");

    plan(db, &overdue, "2024-05-25");

    plan(db, &returned, "2024-06-15");
    problem::report_done(db, &returned, "已制定培训计划", None, ACTOR).unwrap();
    verify(db, &returned, VerifyResult::Fail, "未见培训签到记录");

    plan(db, &awaiting, "2024-05-27");
    problem::report_done(db, &awaiting, "设施已移交街道", None, ACTOR).unwrap();

    plan(db, &reopened, "2024-06-20");
    problem::report_done(db, &reopened, "已增配值班人员 2 名", None, ACTOR).unwrap();
    verify(db, &reopened, VerifyResult::Pass, "");
    problem::reopen(db, &reopened, "群众再次反映夜间无人值守", ACTOR).unwrap();
    problem::progress(db, &reopened, "重新排班，增加夜间巡查", None, ACTOR).unwrap();

    clock.advance(Duration::days(10));
    vec![from_inspection, closed, overdue, returned, awaiting, reopened]
}

fn rows(db: &Db) -> Vec<ProblemRow> {
    let mut r = problem::list(db, &ProblemFilter::default()).unwrap();
    r.sort_by(|a, b| a.number.cmp(&b.number));
    r
}

/// A problem's fields that must survive an export and an import. The
/// target's id differs between databases (each has its own registry ids), so
/// it is compared through the target's kind and name; the inspection a
/// finding came from is not in the file.
fn comparable(p: &ProblemRow) -> ProblemRow {
    ProblemRow { id: String::new(), target_id: p.target_id.as_ref().map(|_| "registered".into()), inspection_id: None, updated_at: String::new(), ..p.clone() }
}

fn without_target_ids(t: &Table) -> Vec<Vec<String>> {
    let skip = PROBLEM_HEADERS.iter().position(|h| *h == "对象编号").unwrap();
    t.rows.iter().map(|r| r.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, c)| c.plain()).collect()).collect()
}

fn sorted(mut v: Vec<Vec<String>>) -> Vec<Vec<String>> {
    v.sort();
    v
}

/// Imports `file` into a fresh database (same demo registry, same day) and checks nothing was lost.
fn round_trip(source: &Db, file: &Path) -> Db {
    let (mut fresh, clock) = demo_db();
    clock.advance(Duration::days(10));
    let report = problem::import::import(&mut fresh, file, "导入员").unwrap();
    let before = rows(source);
    assert_eq!(report.problems as usize, before.len());
    assert_eq!(report.suggestions, 0);
    let after = rows(&fresh);
    assert_eq!(after.len(), before.len());
    for (a, b) in before.iter().zip(&after) {
        assert_eq!(comparable(a), comparable(b), "problem {} survives the round trip through {}", a.number, file.display());
        // A registered target is the same record of the fresh registry.
        if let Some(id) = &b.target_id {
            let name: String = fresh
                .conn()
                .query_row(
                    "SELECT name FROM facility WHERE id = ?1 UNION ALL SELECT name || '人民政府' FROM jurisdiction WHERE id = ?1
                     UNION ALL SELECT name FROM department WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(name, b.target_name);
        }
    }
    // Every exported cell (the registry ids aside) comes out the same again:
    // statuses, the latest progress and the last verification included.
    let t1 = export::table(source, ExportList::Problems).unwrap();
    let t2 = export::table(&fresh, ExportList::Problems).unwrap();
    assert_eq!(sorted(without_target_ids(&t1)), sorted(without_target_ids(&t2)));
    fresh
}

#[test]
fn the_problem_list_survives_xlsx_and_csv_round_trips() {
    let (mut db, clock) = demo_db();
    let ids = campaign(&mut db, &clock);
    let statuses: Vec<Status> = ids.iter().map(|id| problem::get(&db, id).unwrap().problem.status).collect();
    assert_eq!(
        statuses,
        vec![Status::Pending, Status::Closed, Status::InProgress, Status::InProgress, Status::AwaitingVerification, Status::InProgress]
    );
    assert!(problem::get(&db, &ids[2]).unwrap().problem.overdue, "the fixture has an overdue problem");

    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("问题清单.xlsx");
    let csv = dir.path().join("问题清单.csv");
    let s = export::export(&db, ExportList::Problems, ExportFormat::Xlsx, &xlsx).unwrap();
    assert_eq!(s.rows, 6);
    export::export(&db, ExportList::Problems, ExportFormat::Csv, &csv).unwrap();

    let fresh = round_trip(&db, &xlsx);
    round_trip(&db, &csv);

    // The imported history is real: the closed problem went through every step.
    let closed = problem::get(&fresh, "QZ-2024-001").unwrap();
    let kinds: Vec<&str> = closed.events.iter().map(|e| e.kind.slug()).collect();
    assert_eq!(kinds, vec!["created", "planned", "reported_done", "verified"]);
    let v = closed.events.last().unwrap();
    assert_eq!((v.verifier.as_str(), v.method, v.result), ("王志强", Some(VerifyMethod::DocumentReview), Some(VerifyResult::Pass)));
    assert_eq!(v.on, "2024-05-20");
    assert_eq!(v.note, "资料齐全，现场照片清楚");
    let done = &closed.events[2];
    assert_eq!((done.on.as_str(), done.note.as_str()), ("2024-05-20", "杂物已清理，灭火器已全部更换"));
    // A returned problem keeps its failed verification and its reason.
    let returned = problem::list(&fresh, &ProblemFilter { search: Some("培训计划".into()), ..Default::default() }).unwrap();
    let trail = problem::get(&fresh, &returned[0].id).unwrap().events;
    let r = trail.iter().find(|e| e.kind.slug() == "returned").expect("a returned step");
    assert_eq!((r.note.as_str(), r.result), ("未见培训签到记录", Some(VerifyResult::Fail)));
    // Importing the same file again is refused: every number is taken.
    let mut again = fresh;
    let err = problem::import::import(&mut again, &xlsx, "导入员").unwrap_err();
    assert_eq!(err.problems().len(), 6, "{err}");
    assert!(err.problems().iter().all(|p| p.column.as_deref() == Some("A") && p.field.as_deref() == Some("编号")), "{err}");
}

#[test]
fn the_xlsx_reads_back_with_headers_real_dates_and_every_cell() {
    let (mut db, clock) = demo_db();
    campaign(&mut db, &clock);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.xlsx");
    export::export(&db, ExportList::Problems, ExportFormat::Xlsx, &out).unwrap();
    let table = export::table(&db, ExportList::Problems).unwrap();

    let mut book = open_workbook_auto(&out).unwrap();
    assert_eq!(book.sheet_names(), vec!["问题清单".to_string()]);
    let range = book.worksheet_range("问题清单").unwrap();
    assert_eq!(range.get_size(), (table.rows.len() + 1, PROBLEM_HEADERS.len()));
    let header: Vec<String> = (0..PROBLEM_HEADERS.len()).map(|c| range.get((0, c)).unwrap().to_string()).collect();
    assert_eq!(header, PROBLEM_HEADERS);
    let found = PROBLEM_HEADERS.iter().position(|h| *h == "发现日期").unwrap();
    let mut dates = 0;
    for (r, row) in table.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let got = range.get((r + 1, c)).cloned().unwrap_or(Data::Empty);
            match cell {
                Cell::Empty => assert_eq!(got, Data::Empty, "row {} col {c}", r + 2),
                Cell::Date(d) => {
                    let Data::DateTime(dt) = &got else { panic!("row {} col {c} is a real date, not {got:?}", r + 2) };
                    assert_eq!(dt.as_datetime().unwrap().date(), *d);
                    dates += 1;
                }
                Cell::Text(s) => assert_eq!(got, Data::String(s.clone()), "row {} col {c}", r + 2),
                Cell::Number(n) => assert_eq!(got.as_f64(), Some(*n)),
            }
        }
        assert!(matches!(row[found], Cell::Date(_)));
    }
    assert!(dates >= table.rows.len() * 2, "found-on dates and deadlines are dates");
    // Chinese labels, not slugs.
    let flat: Vec<String> = table.rows.iter().flatten().map(Cell::plain).collect();
    for label in ["已销号", "整改中", "已整改待核验", "待整改", "群众反映", "资料核查", "通过", "未通过", "未登记"] {
        assert!(flat.iter().any(|c| c == label), "{label} appears");
    }
    for slug in ["closed", "in_progress", "public_report", "document_review"] {
        assert!(!flat.iter().any(|c| c == slug), "no slug {slug}");
    }
}

#[test]
fn every_list_exports_to_both_formats_whole() {
    let (mut db, clock) = demo_db();
    campaign(&mut db, &clock);
    let dir = tempfile::tempdir().unwrap();
    for list in ExportList::ALL {
        let table = export::table(&db, *list).unwrap();
        assert!(!table.headers.is_empty());
        for format in [ExportFormat::Xlsx, ExportFormat::Csv] {
            let out = dir.path().join(format!("{}.{}", list.slug(), format.slug()));
            // A stale file of the same name is replaced whole.
            std::fs::write(&out, b"stale").unwrap();
            let s = export::export(&db, *list, format, &out).unwrap();
            assert_eq!(s.rows as usize, table.rows.len(), "{list:?}");
            let bytes = std::fs::read(&out).unwrap();
            match format {
                ExportFormat::Csv => {
                    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{list:?} CSV starts with a BOM");
                    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
                    assert!(text.starts_with(&table.headers.join(",")), "{list:?}: {text}");
                    assert!(text.contains("\r\n"));
                    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
                    assert_eq!(reader.records().count(), table.rows.len(), "{list:?}");
                }
                ExportFormat::Xlsx => {
                    let mut book = open_workbook_auto(&out).unwrap();
                    let sheet = book.sheet_names()[0].clone();
                    assert_eq!(sheet, table.sheet);
                    let range = book.worksheet_range(&sheet).unwrap();
                    assert_eq!(range.get_size().0, table.rows.len() + 1, "{list:?}");
                    assert_eq!(range.get((0, 0)).unwrap().to_string(), table.headers[0]);
                }
            }
        }
    }
    // Nothing but the exported files is left in the folder: no temporary files.
    let files = common::walk(dir.path());
    assert_eq!(files.len(), ExportList::ALL.len() * 2, "{files:?}");
    // The lists hold what the campaign made.
    let count = |l| export::table(&db, l).unwrap().rows.len();
    assert_eq!(count(ExportList::Rectification), 6);
    assert_eq!(count(ExportList::Closeout), 1);
    assert_eq!(count(ExportList::Content), 117);
    assert!(count(ExportList::Responsibility) >= 100);
    assert!(count(ExportList::Learning) > 5);
}

#[test]
fn an_export_to_a_folder_is_refused_and_writes_nothing() {
    let (db, _) = demo_db();
    let dir = tempfile::tempdir().unwrap();
    let err = export::export(&db, ExportList::Content, ExportFormat::Xlsx, dir.path()).unwrap_err();
    assert_eq!(err.exit_code(), 2, "{err}");
    assert!(common::walk(dir.path()).is_empty());
}

#[test]
fn closeout_lists_only_closed_problems_with_their_verification() {
    let (mut db, clock) = demo_db();
    campaign(&mut db, &clock);
    let t = export::table(&db, ExportList::Closeout).unwrap();
    let col = |h: &str| t.headers.iter().position(|x| x == h).unwrap_or_else(|| panic!("{h}"));
    assert_eq!(t.rows.len(), 1);
    let r = &t.rows[0];
    assert_eq!(r[col("编号")].plain(), "QZ-2024-001");
    assert_eq!(r[col("核验人")].plain(), "王志强");
    assert_eq!(r[col("核验方式")].plain(), "资料核查");
    assert_eq!(r[col("核验结果")].plain(), "通过");
    assert_eq!(r[col("核验日期")], Cell::Date(chrono::NaiveDate::from_ymd_opt(2024, 5, 20).unwrap()));
    assert_eq!(r[col("销号日期")], r[col("核验日期")]);
    let t = export::table(&db, ExportList::Rectification).unwrap();
    let col = |h: &str| t.headers.iter().position(|x| x == h).unwrap();
    let overdue: Vec<String> = t.rows.iter().filter(|r| r[col("逾期")].plain() == "是").map(|r| r[col("状态")].plain()).collect();
    assert_eq!(overdue, vec!["整改中"]);
}

/// A county office's own rectification ledger: statuses and deadlines in the
/// words offices use, the file a CSV saved from a spreadsheet (so a date cell
/// that lost its format is Excel's day number).
#[test]
fn a_county_ledger_with_office_statuses_and_day_numbers_imports() {
    let (mut db, clock) = demo_db();
    clock.advance(Duration::days(60));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("整改台账.csv");
    let home = facility(&db, TargetKind::DestituteSupportHome, 0);
    let header = "问题描述,县（市、区）,检查对象,问题来源,问题类别,发现日期,整改措施,责任单位,整改期限,整改状态,整改完成日期";
    let lines = [
        "消防通道堆放杂物,C,消防安全,2024-05-20,清理通道,院方,2024-06-20,已完成,2024-06-10",
        "未配备专职护理员,C,人员配备,2024-05-20,招聘护理员,院方,2024年6月30日,已整改到位,2024.6.25",
        "适老化改造未完成,C,设施设备,2024-05-20,分批改造,县民政局,45473,持续推进,",
        "食品留样记录不全,C,食品安全,2024-05-20,建立留样台账,院方,2024/6/15,未完成,",
    ];
    let place = format!(",{},{},执法检查,", home.county, home.name);
    let text = std::iter::once(header.to_string()).chain(lines.iter().map(|r| r.replace(",C,", &place))).collect::<Vec<_>>().join("\r\n");
    std::fs::write(&file, encoding_rs::GB18030.encode(&text).0).unwrap();
    problem::import::import(&mut db, &file, ACTOR).unwrap();
    let got: Vec<(String, Status, Option<String>)> = rows(&db)
        .into_iter()
        .filter(|p| p.description.contains("通道") || p.description.contains("护理员") || p.description.contains("适老化改造未完成") || p.description.contains("留样"))
        .map(|p| (p.description.clone(), p.status, p.deadline.clone()))
        .collect();
    let status_of = |d: &str| got.iter().find(|(desc, _, _)| desc == d).map(|(_, s, _)| *s);
    // 已完成 and 已整改到位 are the unit's own word: awaiting verification, never closed.
    assert_eq!(status_of("消防通道堆放杂物"), Some(Status::AwaitingVerification));
    assert_eq!(status_of("未配备专职护理员"), Some(Status::AwaitingVerification));
    assert_eq!(status_of("适老化改造未完成"), Some(Status::InProgress));
    assert_eq!(status_of("食品留样记录不全"), Some(Status::InProgress));
    let deadline = got.iter().find(|(d, _, _)| d == "适老化改造未完成").and_then(|(_, _, dl)| dl.clone());
    assert_eq!(deadline.as_deref(), Some("2024-06-30"), "Excel's day 45473");

    // A deadline in words is refused with the row and a hint, never guessed.
    let vague = dir.path().join("整改台账（二）.csv");
    let text = format!("{header}\r\n{}", lines[2].replace(",C,", &place).replace("45473", "6月底前"));
    std::fs::write(&vague, encoding_rs::GB18030.encode(&text).0).unwrap();
    let before = rows(&db).len();
    let msg = problem::import::import(&mut db, &vague, ACTOR).unwrap_err().to_string();
    assert!(msg.contains("第 2 行") || msg.contains("第2行"), "{msg}");
    assert!(msg.contains("“6月底前”不是确切日期"), "{msg}");
    assert_eq!(rows(&db).len(), before, "nothing imported");
}

/// Names as written locally: a department's short name with its county
/// (县卫健委) and a facility without its county prefix. Each is refused with
/// the registered name to write instead, never matched silently.
#[test]
fn local_names_are_refused_with_the_registered_name_suggested() {
    let (mut db, clock) = demo_db();
    clock.advance(Duration::days(60));
    let full = registry::FacilityInput {
        name: "宜阳县韩城镇敬老院".into(),
        kind: TargetKind::DestituteSupportHome,
        operator_type: None,
        county: "宜阳县".into(),
        township: None,
        address: String::new(),
        operator: String::new(),
        beds: None,
        residents: None,
        star_level: None,
        contact_person: String::new(),
        contact_phone: String::new(),
    };
    db.with_tx(|tx| registry::upsert_facilities(tx, None, &[full])).unwrap();
    let short = "韩城镇敬老院";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("问题清单.csv");
    let text = format!("问题描述,检查对象,问题来源,问题类别,发现日期,责任部门\r\n消防通道堆放杂物,{short},执法检查,消防安全,2024-05-20,县卫健委\r\n");
    std::fs::write(&file, text).unwrap();
    let before = rows(&db).len();
    let msg = problem::import::import(&mut db, &file, ACTOR).unwrap_err().to_string();
    assert!(msg.contains("是否指“宜阳县韩城镇敬老院”（宜阳县）"), "{msg}");
    assert!(msg.contains("是否指“卫生健康委员会”"), "{msg}");
    assert_eq!(rows(&db).len(), before);
}
