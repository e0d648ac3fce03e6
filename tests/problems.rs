//! The 问题/整改/销号 and statistics commands over a real database file and
//! evidence folder, as the UI drives them: an inspection signed with a
//! 不符合 finding raises a problem, which is planned, progressed with a photo,
//! reported done, verified and closed, reopened; the dashboard's figures and
//! drill-down follow. And the refusals: steps the status does not allow, bad
//! files, oversized input — each changes nothing and leaves no file behind.

use std::path::{Path, PathBuf};

use qingdan_app::commands::problems::{self as cmd, EvidenceUpload, MAX_FILES};
use qingdan_app::commands::{inspection, lists, stats};
use qingdan_app::{AppState, ErrorCode, IpcError};
use qingdan_core::catalog::{Severity, TargetKind};
use qingdan_core::inspection::{InspectionKind, ItemPatch, Scope, StartInspection, Verdict};
use qingdan_core::problem::stats::{Dimension, Figure, StatsFilter};
use qingdan_core::problem::{Plan, ProblemFilter, Status, Verification, VerifyMethod, VerifyResult};
use qingdan_core::registry::FacilityInput;
use qingdan_core::{Db, Lang};
use serde_json::Value;

/// A 2×2 RGB PNG.
const PNG_BASE64: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEUlEQVR4nGP4z8AARAxg8j8AG/ID/fPnS7EAAAAASUVORK5CYII=";
const FAR: &str = "2099-12-31";

struct Fixture {
    _dir: tempfile::TempDir,
    state: AppState,
    evidence_dir: PathBuf,
    /// The problem of the general finding, and the one of the 重大隐患.
    general: String,
    major: String,
}

fn files_in(dir: &Path) -> usize {
    fn walk(dir: &Path, n: &mut usize) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            if e.path().is_dir() {
                walk(&e.path(), n);
            } else {
                *n += 1;
            }
        }
    }
    let mut n = 0;
    walk(dir, &mut n);
    n
}

fn png(name: &str) -> EvidenceUpload {
    EvidenceUpload { name: name.into(), data_base64: PNG_BASE64.into() }
}

/// The reference catalog, one institution in 汝阳县, and an inspection of it
/// signed with two 不符合 findings: one general, one 重大隐患.
fn fixture(lang: Lang) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Db::open(dir.path().join("qingdan.db")).unwrap();
    qingdan_core::seed::load_reference(&mut db).unwrap();
    db.with_tx(|tx| {
        qingdan_core::registry::upsert_facilities(
            tx,
            Some("洛阳市"),
            &[FacilityInput {
                name: "汝阳县社会福利中心".into(),
                kind: TargetKind::ElderlyCareInstitution,
                operator_type: None,
                county: "汝阳县".into(),
                township: None,
                address: "汝阳县城关镇".into(),
                operator: String::new(),
                beds: Some(120),
                residents: Some(80),
                star_level: None,
                contact_person: "王五".into(),
                contact_phone: "0379-00000000".into(),
            }],
        )
    })
    .unwrap();
    let facility = qingdan_core::registry::facility_list(&db, &Default::default()).unwrap()[0].id.clone();
    let state = AppState::with_db(db, lang);
    inspection::set_user_name(&state, "张三").unwrap();

    let detail = inspection::start(
        &state,
        &StartInspection {
            target_id: facility,
            kind: InspectionKind::LawEnforcement,
            date: "2024-05-20".into(),
            group: "第一组".into(),
            leader: "张三".into(),
            members: vec!["李四".into()],
            representatives: vec!["王五".into()],
        },
    )
    .unwrap();
    let id = detail.summary.id.clone();
    for (i, it) in detail.items.iter().enumerate() {
        let patch = match i {
            0 => ItemPatch {
                verdict: Some(Some(Verdict::Noncompliant)),
                finding: Some("消防通道堆放杂物".into()),
                severity: Some(Some(Severity::General)),
                scope: Some(Some(Scope::Partial)),
                ..Default::default()
            },
            1 => ItemPatch {
                verdict: Some(Some(Verdict::Noncompliant)),
                finding: Some("燃气报警器未安装".into()),
                severity: Some(Some(Severity::Major)),
                scope: Some(Some(Scope::Widespread)),
                ..Default::default()
            },
            _ => ItemPatch { verdict: Some(Some(Verdict::Compliant)), ..Default::default() },
        };
        inspection::record(&state, &id, &it.code, &patch).unwrap();
    }
    inspection::suggest(&state, &id, None, "建议加强消防培训").unwrap();
    inspection::sign(&state, &id, &["张三".into()], "王五", None).unwrap();

    let rows = cmd::list(&state, &ProblemFilter::default()).unwrap();
    assert_eq!(rows.len(), 2, "one problem per 不符合 finding");
    let major = rows.iter().find(|r| r.severity == Severity::Major).unwrap().id.clone();
    let general = rows.iter().find(|r| r.severity == Severity::General).unwrap().id.clone();
    let evidence_dir = dir.path().join("evidence");
    Fixture { _dir: dir, state, evidence_dir, general, major }
}

fn json_of(err: &IpcError) -> Value {
    serde_json::to_value(err).unwrap()
}

fn plan(deadline: &str) -> Plan {
    Plan {
        measure: "清理消防通道，落实每日巡查".into(),
        unit: "汝阳县社会福利中心".into(),
        person: "赵六".into(),
        deadline: deadline.into(),
    }
}

#[test]
fn a_problem_goes_from_finding_to_close_out_and_the_dashboard_follows() {
    let f = fixture(Lang::Zh);
    let s = &f.state;

    // The list: the open 重大隐患 first; counts per status.
    let rows = cmd::list(s, &ProblemFilter::default()).unwrap();
    assert_eq!(rows[0].id, f.major, "重大隐患 stand at the top");
    let counts = cmd::counts(s, &ProblemFilter { statuses: vec![Status::Closed], ..Default::default() }).unwrap();
    assert_eq!(
        (counts.all, counts.pending, counts.closed, counts.major_open),
        (2, 2, 0, 1),
        "counts ignore the status asked for"
    );

    // The chain behind the problem: basis → item → finding.
    let d = cmd::get(s, &f.general).unwrap();
    let trace = d.trace.as_ref().expect("an inspection finding has its chain");
    assert!(!trace.basis.is_empty() && !trace.item_title.is_empty());
    assert_eq!(trace.findings[0].finding, "消防通道堆放杂物");
    assert_eq!(cmd::get(s, &d.problem.number).unwrap().problem.id, f.general, "the number opens it too");

    let before = stats::totals(s, &StatsFilter::default()).unwrap();
    assert_eq!((before.problems, before.rectified, before.closed), (2, 0, 0));
    assert_eq!(before.rectification_rate, Some(0.0));

    // Plan → progress with a photo → report done → verify pass.
    let d = cmd::plan_rectification(s, &f.general, &plan(FAR)).unwrap();
    assert_eq!(d.problem.status, Status::InProgress);
    assert_eq!(d.problem.deadline.as_deref(), Some(FAR));
    let d = cmd::progress(s, &f.general, "已清理一半", &[png("整改中.png")]).unwrap();
    let ev = d.events.last().unwrap();
    assert_eq!(ev.evidence.len(), 1, "the photo belongs to the progress step");
    assert_eq!(d.attachments[0].original_name, "整改中.png");
    assert!(inspection::thumbnail(s, &ev.evidence[0]).unwrap().starts_with("data:image/jpeg;base64,"));
    let d = cmd::report_done(s, &f.general, "已全部清理", &[]).unwrap();
    assert_eq!(d.problem.status, Status::AwaitingVerification);

    let mid = stats::totals(s, &StatsFilter::default()).unwrap();
    assert_eq!((mid.rectified, mid.closed), (1, 0));
    assert_eq!(mid.rectification_rate, Some(0.5));

    let pass = Verification {
        by: "李四".into(),
        method: VerifyMethod::LookBack,
        result: VerifyResult::Pass,
        note: String::new(),
        on: None,
    };
    let d = cmd::verify(s, &f.general, &pass, &[png("复查.png")]).unwrap();
    assert_eq!(d.problem.status, Status::Closed);
    assert!(d.problem.closed_on.is_some());

    // The dashboard: totals, the county bar, the trend and the drill-down agree.
    let after = stats::totals(s, &StatsFilter::default()).unwrap();
    assert_eq!((after.problems, after.rectified, after.closed), (2, 1, 1));
    assert_eq!(after.closeout_rate, Some(0.5));
    let by_county = stats::breakdown(s, Dimension::County, &StatsFilter::default()).unwrap();
    let ruyang = by_county.iter().find(|r| r.label == "汝阳县").expect("a row for 汝阳县");
    assert_eq!((ruyang.figures.problems, ruyang.figures.closed), (2, 1));
    let months = stats::closures(s, &StatsFilter::default()).unwrap();
    assert_eq!(months.iter().map(|m| m.closed).sum::<u32>(), 1);
    let closed =
        stats::problems(s, &StatsFilter { county: Some("汝阳县".into()), ..Default::default() }, Figure::Closed)
            .unwrap();
    assert_eq!(closed.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), [f.general.as_str()]);
    // The list the UI opens for that bar: the same problems.
    let listed = cmd::list(
        s,
        &ProblemFilter { county: Some("汝阳县".into()), statuses: vec![Status::Closed], ..Default::default() },
    )
    .unwrap();
    assert_eq!(listed, closed);

    // Reopened with a reason; the history stays.
    let events_before = d.events.len();
    let d = cmd::reopen(s, &f.general, "回访发现通道再次堆放杂物").unwrap();
    assert_eq!(d.problem.status, Status::InProgress);
    assert_eq!(d.events.len(), events_before + 1);
    assert_eq!(stats::totals(s, &StatsFilter::default()).unwrap().closed, 0);
}

#[test]
fn a_step_the_status_does_not_allow_is_refused_in_chinese_and_changes_nothing() {
    let f = fixture(Lang::Zh);
    let s = &f.state;
    let before = cmd::get(s, &f.general).unwrap();

    let err = cmd::report_done(s, &f.general, "已整改", &[]).unwrap_err();
    let v = json_of(&err);
    assert_eq!(v["code"], "invalid_input");
    assert!(v["message"].as_str().unwrap().contains("请先制定整改措施"), "says what to do first: {v}");
    assert_eq!(v["problems"][0]["field"], "status");

    let pass = Verification {
        by: "李四".into(),
        method: VerifyMethod::DocumentReview,
        result: VerifyResult::Pass,
        note: String::new(),
        on: None,
    };
    let err = cmd::verify(s, &f.general, &pass, &[]).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("不能跳过核验"), "close-out cannot skip verification: {}", err.message);

    let err = cmd::reopen(s, &f.general, "理由").unwrap_err();
    assert!(err.message.contains("只有已销号的问题可以重新打开"), "{}", err.message);

    // A 重大隐患 must be rectified at once.
    let err = cmd::plan_rectification(s, &f.major, &plan(FAR)).unwrap_err();
    assert!(err.message.contains("重大隐患须立即整改"), "{}", err.message);
    // A deadline before the date found, and one that is no date.
    assert!(cmd::plan_rectification(s, &f.general, &plan("2024-05-01"))
        .unwrap_err()
        .message
        .contains("早于问题发现日期"));
    assert_eq!(cmd::plan_rectification(s, &f.general, &plan("31/12/2099")).unwrap_err().code, ErrorCode::InvalidInput);

    // A failed verification needs a reason.
    cmd::plan_rectification(s, &f.general, &plan(FAR)).unwrap();
    cmd::report_done(s, &f.general, "已整改", &[]).unwrap();
    let fail = Verification {
        by: "李四".into(),
        method: VerifyMethod::Unannounced,
        result: VerifyResult::Fail,
        note: " ".into(),
        on: None,
    };
    assert!(cmd::verify(s, &f.general, &fail, &[]).unwrap_err().message.contains("须说明原因"));
    let fail = Verification { note: "通道仍有杂物".into(), ..fail };
    assert_eq!(cmd::verify(s, &f.general, &fail, &[]).unwrap().problem.status, Status::InProgress, "退回整改中");

    assert_eq!(cmd::get(s, &f.major).unwrap().events.len(), 1, "the refused plan left the 重大隐患 as it was");
    assert_eq!(before.events.len(), 1);
    assert_eq!(files_in(&f.evidence_dir), 0, "no step stored a file");
}

#[test]
fn bad_files_are_refused_before_the_step_and_leave_nothing_behind() {
    let f = fixture(Lang::Zh);
    let s = &f.state;
    cmd::plan_rectification(s, &f.general, &plan(FAR)).unwrap();
    let before = cmd::get(s, &f.general).unwrap();

    use base64::Engine;
    let text_as_jpg = EvidenceUpload {
        name: "整改.jpg".into(),
        data_base64: base64::engine::general_purpose::STANDARD.encode("这不是照片"),
    };
    let broken = EvidenceUpload { name: "a.png".into(), data_base64: "not base64!".into() };
    let err = cmd::progress(s, &f.general, "进展", &[png("好.png"), text_as_jpg, broken]).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert_eq!(err.problems.len(), 2, "every bad file is reported at once: {err:?}");
    assert_eq!(err.problems[0].file.as_deref(), Some("整改.jpg"), "the refusal names the file");
    assert_eq!(err.problems[1].field.as_deref(), Some("files.data_base64"));

    let many: Vec<_> = (0..=MAX_FILES).map(|i| png(&format!("{i}.png"))).collect();
    let err = cmd::report_done(s, &f.general, "完成", &many).unwrap_err();
    assert_eq!(err.problems[0].field.as_deref(), Some("files"));

    // A good file with a step the status refuses: nothing stored either.
    let pass = Verification {
        by: "李四".into(),
        method: VerifyMethod::LookBack,
        result: VerifyResult::Pass,
        note: String::new(),
        on: None,
    };
    assert!(cmd::verify(s, &f.general, &pass, &[png("复查.png")]).is_err());

    assert_eq!(cmd::get(s, &f.general).unwrap(), before, "the problem is as it was");
    assert_eq!(files_in(&f.evidence_dir), 0, "no file was left in the evidence folder");
}

#[test]
fn filters_are_bounded_and_every_problem_is_reported_together() {
    let f = fixture(Lang::En);
    let s = &f.state;
    let filter = ProblemFilter {
        county: Some("县".repeat(65)),
        search: Some("s".repeat(201)),
        group: Some("第一组\u{0}".into()),
        ..Default::default()
    };
    let err = cmd::list(s, &filter).unwrap_err();
    let fields: Vec<_> = err.problems.iter().filter_map(|p| p.field.as_deref()).collect();
    assert_eq!(fields, ["county", "group", "search"]);
    assert!(err.message.starts_with("3 problem(s) found"), "{}", err.message);
    assert_eq!(cmd::counts(s, &filter).unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(cmd::get(s, &"x".repeat(65)).unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(cmd::get(s, "no-such-problem").unwrap_err().code, ErrorCode::NotFound);
    let err = stats::totals(s, &StatsFilter { county: Some("\u{1b}[2J".into()), ..Default::default() }).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);

    // Filters that narrow: overdue (none yet), search, severity.
    assert!(cmd::list(s, &ProblemFilter { overdue_only: true, ..Default::default() }).unwrap().is_empty());
    let found = cmd::list(s, &ProblemFilter { search: Some("燃气".into()), ..Default::default() }).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, f.major);
    let major = cmd::list(s, &ProblemFilter { severity: Some(Severity::Major), ..Default::default() }).unwrap();
    assert_eq!(major, found);
}

#[test]
fn the_lists_answer_over_the_same_database() {
    let f = fixture(Lang::Zh);
    let s = &f.state;
    let suggestions = lists::suggestion_rows(s, &Default::default()).unwrap();
    assert!(suggestions.iter().any(|r| r.text == "建议加强消防培训"));
    assert_eq!(stats::totals(s, &StatsFilter::default()).unwrap().suggestions as usize, suggestions.len());
    let responsibility = lists::responsibility_rows(s).unwrap();
    assert!(!responsibility.is_empty());
    assert!(responsibility.iter().map(|r| r.open).sum::<u32>() > 0, "the open problems count against duties");
    let docs = lists::learning_docs(s, None).unwrap();
    assert!(!docs.is_empty());
    let doc = docs[0].document.clone();
    let marked = lists::mark_learning(s, "王五", &doc, true).unwrap();
    let d = marked.iter().find(|d| d.document == doc).unwrap();
    assert!(d.studied_by_person && d.studied_by == ["王五"]);
    let unmarked = lists::mark_learning(s, "王五", &doc, false).unwrap();
    assert!(!unmarked.iter().find(|d| d.document == doc).unwrap().studied_by_person);
    assert_eq!(lists::mark_learning(s, "王五", "《不存在的法规》", true).unwrap_err().code, ErrorCode::InvalidInput);
    assert!(lists::evaluations(s, &Default::default()).unwrap().is_empty());
    assert!(lists::evaluation_summaries(s).unwrap().is_empty());
}

#[test]
fn a_damaged_database_answers_the_new_commands_with_database_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qingdan.db");
    std::fs::write(&path, b"not a database".repeat(100)).unwrap();
    let s = AppState::open(&path, Lang::Zh);
    let results = [
        cmd::list(&s, &ProblemFilter::default()).map(|_| ()),
        cmd::counts(&s, &ProblemFilter::default()).map(|_| ()),
        cmd::get(&s, "WT20240520-0001").map(|_| ()),
        cmd::progress(&s, "WT20240520-0001", "进展", &[png("a.png")]).map(|_| ()),
        stats::totals(&s, &StatsFilter::default()).map(|_| ()),
        stats::breakdown(&s, Dimension::County, &StatsFilter::default()).map(|_| ()),
        stats::closures(&s, &StatsFilter::default()).map(|_| ()),
        lists::suggestion_rows(&s, &Default::default()).map(|_| ()),
        lists::responsibility_rows(&s).map(|_| ()),
    ];
    for r in results {
        assert_eq!(r.unwrap_err().code, ErrorCode::DatabaseDamaged);
    }
    assert_eq!(files_in(&dir.path().join("evidence")), 0, "no file lands beside a damaged database");
}

#[test]
fn a_problem_from_another_source_is_listed_by_hand_and_a_bad_one_is_refused() {
    let f = fixture(Lang::Zh);
    let s = &f.state;
    let p = qingdan_core::problem::NewProblem {
        target_name: "城关镇敬老院".into(),
        county: Some("汝阳县".into()),
        item_code: Some("s16".into()),
        description: "群众反映未向民政部门备案".into(),
        source: Some(qingdan_core::problem::Source::PublicReport),
        ..Default::default()
    };
    let d = cmd::create(s, &p).unwrap();
    assert_eq!(d.problem.status, Status::Pending);
    assert_eq!(d.problem.county.as_deref(), Some("汝阳县"));
    assert_eq!(d.problem.item_code.as_deref(), Some("S16"));
    assert!(!d.problem.category.is_empty(), "the category comes from the item's group");
    assert!(d.trace.is_some(), "an item ties it to its basis");
    assert_eq!(cmd::list(s, &ProblemFilter::default()).unwrap().len(), 3);

    let refused = [
        qingdan_core::problem::NewProblem { source: None, ..p.clone() },
        qingdan_core::problem::NewProblem { county: Some("不存在县".into()), ..p.clone() },
        qingdan_core::problem::NewProblem { found_on: Some("2099-01-01".into()), ..p.clone() },
        qingdan_core::problem::NewProblem { description: "x".repeat(10_001), ..p.clone() },
    ];
    for (i, bad) in refused.iter().enumerate() {
        let err = cmd::create(s, bad).expect_err(&format!("case {i} is refused"));
        assert!(matches!(err.code, ErrorCode::InvalidInput | ErrorCode::NotFound), "case {i}: {err:?}");
    }
    assert_eq!(cmd::list(s, &ProblemFilter::default()).unwrap().len(), 3, "nothing was written");
}
