//! The life of a problem over an in-memory database with the demo data:
//! raised from a signed inspection's 不符合 findings, every status transition
//! (allowed and refused), overdue derivation with an injected clock, merging,
//! corrections after sign-off, and the 回头看 that verifies and closes out.

mod common;

use std::sync::Arc;

use chrono::Duration;
use qingdan_core::catalog::{Severity, TargetKind};
use qingdan_core::inspection::{self, InspectionDetail, InspectionKind, ItemPatch, Scope, StartInspection, Verdict};
use qingdan_core::problem::{
    self, EventKind, NewProblem, Plan, ProblemFilter, Source, Status, Verification, VerifyMethod, VerifyResult,
};
use qingdan_core::registry::{self, FacilityQuery};
use qingdan_core::{demo as demo_data, Db, Env, Error, FixedClock};
use rstest::{fixture, rstest};

const ACTOR: &str = "张建国";

struct Demo {
    db: Db,
    clock: Arc<FixedClock>,
}

#[fixture]
fn demo() -> Demo {
    // 2024-05-20 09:00 Beijing time.
    let (env, clock) = Env::fixed(FixedClock::default_test_time());
    let mut db = Db::open_in_memory_with(env).unwrap();
    demo_data::populate(&mut db).unwrap();
    Demo { db, clock }
}

fn dump(db: &Db) -> Vec<String> {
    common::dump_conn(db.conn())
}

impl Demo {
    fn facility(&self, kind: TargetKind) -> String {
        registry::facility_list(&self.db, &FacilityQuery { kind: Some(kind), ..Default::default() }).unwrap()[0].id.clone()
    }

    fn start(&mut self, target: &str, kind: InspectionKind, date: &str) -> InspectionDetail {
        let input = StartInspection {
            target_id: target.into(),
            kind,
            date: date.into(),
            group: "第三组".into(),
            leader: "王志强".into(),
            members: vec!["李秀英".into()],
            representatives: vec!["刘院长".into()],
        };
        inspection::start(&mut self.db, &input, ACTOR).unwrap()
    }

    fn answer(&mut self, id: &str, code: &str, verdict: Verdict, finding: &str) {
        let patch = ItemPatch {
            verdict: Some(Some(verdict)),
            finding: Some(finding.into()),
            severity: (verdict == Verdict::Noncompliant).then_some(Some(Severity::Serious)),
            scope: (verdict == Verdict::Noncompliant).then_some(Some(Scope::Partial)),
            na_reason: (verdict == Verdict::NotApplicable).then(|| "本点不涉及".to_string()),
            ..Default::default()
        };
        inspection::record(&mut self.db, id, code, &patch, &[], ACTOR).unwrap();
    }

    /// Answers every item 符合 except the given 不符合 ones, and signs.
    fn inspect(&mut self, target: &str, kind: InspectionKind, date: &str, failures: &[(&str, &str)]) -> InspectionDetail {
        let insp = self.start(target, kind, date);
        for item in &insp.items {
            match failures.iter().find(|(c, _)| *c == item.code) {
                Some((_, finding)) => self.answer(&insp.summary.id, &item.code, Verdict::Noncompliant, finding),
                None => self.answer(&insp.summary.id, &item.code, Verdict::Compliant, ""),
            }
        }
        inspection::sign(&mut self.db, &insp.summary.id, &["王志强".into()], "刘院长", None, ACTOR).unwrap();
        inspection::show(&self.db, &insp.summary.id).unwrap()
    }

    fn problems_of(&self, target: &str) -> Vec<problem::ProblemRow> {
        problem::list(&self.db, &ProblemFilter { target_id: Some(target.into()), ..Default::default() }).unwrap()
    }

    fn plan(&mut self, id: &str, deadline: &str) -> Result<problem::ProblemDetail, Error> {
        let p = Plan { measure: "更换过期灭火器并组织消防演练".into(), unit: "县民政局".into(), person: "孙主任".into(), deadline: deadline.into() };
        problem::plan(&mut self.db, id, &p, ACTOR)
    }

    fn verify(&mut self, id: &str, result: VerifyResult, note: &str) -> Result<problem::ProblemDetail, Error> {
        let v = Verification { by: "王志强".into(), method: VerifyMethod::DocumentReview, result, note: note.into(), on: None };
        problem::verify(&mut self.db, id, &v, None, ACTOR)
    }
}

fn message(e: &Error) -> String {
    e.to_string()
}

/// Two codes of a home-care point's checklist.
fn two_codes(d: &mut Demo, target: &str) -> (String, String) {
    let probe = d.start(target, InspectionKind::Special, "2024-05-01");
    (probe.items[0].code.clone(), probe.items[1].code.clone())
}

#[rstest]
fn signing_raises_one_problem_per_noncompliance_and_nothing_before(mut demo: Demo) {
    let target = demo.facility(TargetKind::HomeCarePoint);
    let (a, b) = two_codes(&mut demo, &target);
    let insp = demo.start(&target, InspectionKind::LawEnforcement, "2024-05-18");
    for item in &insp.items {
        let v = if item.code == a || item.code == b { Verdict::Noncompliant } else { Verdict::Compliant };
        demo.answer(&insp.summary.id, &item.code, v, &format!("{} 灭火器过期", item.code));
    }
    assert!(demo.problems_of(&target).is_empty(), "a draft raises no problem");
    inspection::sign(&mut demo.db, &insp.summary.id, &["王志强".into()], "刘院长", None, ACTOR).unwrap();
    let problems = demo.problems_of(&target);
    assert_eq!(problems.len(), 2);
    for p in &problems {
        assert_eq!(p.status, Status::Pending);
        assert_eq!(p.source, Source::LawEnforcement);
        assert_eq!(p.inspection_id.as_deref(), Some(insp.summary.id.as_str()));
        assert_eq!(p.found_on, "2024-05-18");
        assert_eq!(p.group, "第三组");
        assert_eq!(p.severity, Severity::Serious);
        assert_eq!(p.scope, Some(Scope::Partial));
        assert!(p.county.is_some(), "a facility's county is known");
        assert!(p.number.starts_with("WT20240518-"), "{}", p.number);
        assert!(p.description.ends_with("灭火器过期"));
    }
    let codes: Vec<_> = problems.iter().map(|p| p.item_code.clone().unwrap()).collect();
    assert!(codes.contains(&a) && codes.contains(&b));
    // The chain back to the regulation.
    let detail = problem::get(&demo.db, &problems[0].id).unwrap();
    let trace = detail.trace.expect("an inspection problem traces to its item");
    assert!(!trace.basis.is_empty());
    assert_eq!(trace.findings.len(), 1);
    assert_eq!(trace.findings[0].inspection_id, insp.summary.id);
    assert_eq!(detail.events[0].kind, EventKind::Created);
    // The number finds it too.
    assert_eq!(problem::get(&demo.db, &problems[0].number).unwrap().problem.id, problems[0].id);
}

#[rstest]
fn the_whole_chain_from_plan_to_close_out(mut demo: Demo) {
    let target = demo.facility(TargetKind::HomeCarePoint);
    let (a, _) = two_codes(&mut demo, &target);
    demo.inspect(&target, InspectionKind::LawEnforcement, "2024-05-18", &[(&a, "灭火器过期")]);
    let id = demo.problems_of(&target)[0].id.clone();

    let p = demo.plan(&id, "2024-06-20").unwrap();
    assert_eq!(p.problem.status, Status::InProgress);
    assert_eq!(p.problem.deadline.as_deref(), Some("2024-06-20"));
    assert_eq!(p.problem.responsible_unit, "县民政局");

    let p = problem::progress(&mut demo.db, &id, "已采购新灭火器 12 具", None, ACTOR).unwrap();
    assert_eq!(p.problem.status, Status::InProgress);

    demo.clock.advance(Duration::days(10));
    let p = problem::report_done(&mut demo.db, &id, "灭火器已全部更换", None, ACTOR).unwrap();
    assert_eq!(p.problem.status, Status::AwaitingVerification);
    assert_eq!(p.problem.rectified_on.as_deref(), Some("2024-05-30"));

    let p = demo.verify(&id, VerifyResult::Fail, "消防演练记录缺失").unwrap();
    assert_eq!(p.problem.status, Status::InProgress, "退回");
    assert_eq!(p.problem.rectified_on, None);

    problem::report_done(&mut demo.db, &id, "已补充演练记录", None, ACTOR).unwrap();
    let p = demo.verify(&id, VerifyResult::Pass, "").unwrap();
    assert_eq!(p.problem.status, Status::Closed);
    assert_eq!(p.problem.closed_on.as_deref(), Some("2024-05-30"));
    let kinds: Vec<_> = p.events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [EventKind::Created, EventKind::Planned, EventKind::Progress, EventKind::ReportedDone, EventKind::Returned, EventKind::ReportedDone, EventKind::Verified]
    );
    let verified = p.events.last().unwrap();
    assert_eq!((verified.method, verified.result, verified.verifier.as_str()), (Some(VerifyMethod::DocumentReview), Some(VerifyResult::Pass), "王志强"));

    let p = problem::reopen(&mut demo.db, &id, "群众反映灭火器又被挪用", ACTOR).unwrap();
    assert_eq!(p.problem.status, Status::InProgress);
    assert_eq!(p.problem.closed_on, None);
    assert_eq!(p.events.len(), 8, "history stays");
}

#[rstest]
fn refused_transitions_change_nothing(mut demo: Demo) {
    let target = demo.facility(TargetKind::HomeCarePoint);
    let (a, _) = two_codes(&mut demo, &target);
    demo.inspect(&target, InspectionKind::LawEnforcement, "2024-05-18", &[(&a, "灭火器过期")]);
    let id = demo.problems_of(&target)[0].id.clone();
    let before = dump(&demo.db);

    // Pending: no progress, no report, no verification, no reopen.
    let e = problem::progress(&mut demo.db, &id, "x", None, ACTOR).unwrap_err();
    assert!(message(&e).contains("请先制定整改措施"), "{e}");
    assert!(problem::report_done(&mut demo.db, &id, "完成", None, ACTOR).is_err());
    let e = demo.verify(&id, VerifyResult::Pass, "").unwrap_err();
    assert!(message(&e).contains("不能跳过核验直接销号"), "{e}");
    assert!(problem::reopen(&mut demo.db, &id, "原因", ACTOR).is_err());
    // Bad plans.
    assert!(message(&demo.plan(&id, "2024-05-10").unwrap_err()).contains("早于问题发现日期"));
    assert!(message(&demo.plan(&id, "2024-05-19").unwrap_err()).contains("早于今天"));
    assert!(demo.plan(&id, "2024-13-01").is_err());
    let empty = Plan { measure: " ".into(), unit: "县民政局".into(), person: String::new(), deadline: "2024-06-01".into() };
    assert!(problem::plan(&mut demo.db, &id, &empty, ACTOR).is_err());
    assert_eq!(dump(&demo.db), before, "refusals write nothing");

    // In progress: no verification before the unit reports it done.
    demo.plan(&id, "2024-06-01").unwrap();
    assert!(demo.verify(&id, VerifyResult::Pass, "").is_err());
    problem::report_done(&mut demo.db, &id, "完成", None, ACTOR).unwrap();
    let e = demo.verify(&id, VerifyResult::Fail, "").unwrap_err();
    assert!(message(&e).contains("须说明原因"), "a failed verification says why: {e}");
    assert!(problem::report_done(&mut demo.db, &id, "再次报告", None, ACTOR).is_err(), "already reported");
    let e = problem::verify(
        &mut demo.db,
        &id,
        &Verification { by: "王志强".into(), method: VerifyMethod::LookBack, result: VerifyResult::Pass, note: String::new(), on: Some("2024-05-10".into()) },
        None,
        ACTOR,
    )
    .unwrap_err();
    assert!(message(&e).contains("早于问题发现日期"), "{e}");
    demo.verify(&id, VerifyResult::Pass, "").unwrap();
    // Closed: nothing but a reopen.
    assert!(demo.plan(&id, "2024-06-01").is_err());
    assert!(demo.verify(&id, VerifyResult::Pass, "").is_err());
    assert!(problem::reopen(&mut demo.db, &id, "  ", ACTOR).is_err(), "a reopen needs a reason");
}

#[rstest]
fn a_major_hazard_must_be_rectified_at_once_and_stands_first(mut demo: Demo) {
    let np = |desc: &str, severity| NewProblem {
        target_id: None,
        target_name: "洛宁县人民政府".into(),
        county: Some("洛宁县".into()),
        category: "消防安全".into(),
        description: desc.into(),
        severity: Some(severity),
        source: Some(Source::PublicReport),
        found_on: Some("2024-05-15".into()),
        ..Default::default()
    };
    let general = problem::create(&mut demo.db, &np("楼道堆放杂物", Severity::General), ACTOR).unwrap().problem;
    let major = problem::create(&mut demo.db, &np("消防通道被锁闭", Severity::Major), ACTOR).unwrap().problem;
    let e = demo.plan(&major.id, "2024-05-28").unwrap_err();
    assert!(message(&e).contains("重大隐患须立即整改"), "{e}");
    demo.plan(&major.id, "2024-05-27").unwrap();
    demo.plan(&general.id, "2024-08-01").unwrap();
    let list = problem::list(&demo.db, &ProblemFilter::default()).unwrap();
    assert_eq!(list[0].id, major.id, "重大隐患 first although found at the same time");
    assert_eq!(list[0].county.as_deref(), Some("洛宁县"));
}

#[rstest]
fn overdue_is_derived_from_the_deadline_and_today(mut demo: Demo) {
    let np = NewProblem {
        target_name: "全市".into(),
        category: "政策落实".into(),
        description: "高龄津贴未按时发放".into(),
        source: Some(Source::SelfCheck),
        ..Default::default()
    };
    let id = problem::create(&mut demo.db, &np, ACTOR).unwrap().problem.id;
    demo.plan(&id, "2024-05-25").unwrap();
    let overdue = |d: &Demo| problem::list(&d.db, &ProblemFilter { overdue_only: true, ..Default::default() }).unwrap().len();
    demo.clock.set(FixedClock::default_test_time() + Duration::days(5)); // 2024-05-25, the deadline day
    assert_eq!(overdue(&demo), 0, "not overdue on the deadline day");
    assert!(!problem::get(&demo.db, &id).unwrap().problem.overdue);
    demo.clock.advance(Duration::days(1));
    assert_eq!(overdue(&demo), 1);
    assert!(problem::get(&demo.db, &id).unwrap().problem.overdue);
    problem::report_done(&mut demo.db, &id, "已发放", None, ACTOR).unwrap();
    assert_eq!(overdue(&demo), 0, "reported done: no longer overdue");
    // Nothing stored: the column set has no such flag.
    let cols: Vec<String> = demo.db.conn().prepare("SELECT name FROM pragma_table_info('problem')").unwrap()
        .query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    assert!(!cols.iter().any(|c| c.contains("overdue")));
}

#[rstest]
fn bad_new_problems_are_refused(mut demo: Demo) {
    let before = dump(&demo.db);
    let base = NewProblem {
        target_name: "全市".into(),
        category: "政策落实".into(),
        description: "问题".into(),
        source: Some(Source::Forum),
        ..Default::default()
    };
    for (p, needle) in [
        (NewProblem { description: "".into(), ..base.clone() }, "description"),
        (NewProblem { source: None, ..base.clone() }, "source"),
        (NewProblem { found_on: Some("2024-06-01".into()), ..base.clone() }, "晚于今天"),
        (NewProblem { county: Some("不存在县".into()), ..base.clone() }, "不存在县"),
        (NewProblem { item_code: Some("S99".into()), ..base.clone() }, "S99"),
        (NewProblem { target_id: Some("nope".into()), ..base.clone() }, "nope"),
        (NewProblem { description: "很".repeat(3000), ..base.clone() }, "description"),
    ] {
        let e = problem::create(&mut demo.db, &p, ACTOR).unwrap_err();
        let text = format!("{e} {:?}", e.problems());
        assert!(text.contains(needle), "{needle}: {text}");
    }
    assert_eq!(dump(&demo.db), before);
}

#[rstest]
fn merging_findings_of_one_facility(mut demo: Demo) {
    let target = demo.facility(TargetKind::HomeCarePoint);
    let (a, b) = two_codes(&mut demo, &target);
    demo.inspect(&target, InspectionKind::LawEnforcement, "2024-05-18", &[(&a, "灭火器过期"), (&b, "疏散指示灯损坏")]);
    let ps = demo.problems_of(&target);
    let merged = problem::merge(&mut demo.db, &ps[0].id, &[ps[1].id.clone()], ACTOR).unwrap();
    assert_eq!(merged.trace.as_ref().unwrap().findings.len(), 2, "both findings now stand behind one problem");
    assert_eq!(demo.problems_of(&target).len(), 1, "the merged one is withdrawn from the list");
    let gone = problem::get(&demo.db, &ps[1].id).unwrap().problem;
    assert_eq!((gone.status, gone.merged_into.as_deref()), (Status::Withdrawn, Some(ps[0].id.as_str())));
    assert!(problem::merge(&mut demo.db, &ps[0].id, &[ps[0].id.clone()], ACTOR).is_err(), "not into itself");
    // Another facility's problem cannot be merged in.
    let other = demo.facility(TargetKind::ElderlyCareInstitution);
    let insp = demo.start(&other, InspectionKind::LawEnforcement, "2024-05-18");
    let code = insp.items[0].code.clone();
    drop(insp);
    demo.inspect(&other, InspectionKind::Unannounced, "2024-05-19", &[(&code, "冰箱生熟未分开")]);
    let foreign = demo.problems_of(&other)[0].id.clone();
    let e = problem::merge(&mut demo.db, &ps[0].id, &[foreign], ACTOR).unwrap_err();
    assert!(message(&e).contains("不属于同一检查对象"), "{e}");
}

#[rstest]
fn a_correction_after_sign_off_withdraws_or_raises(mut demo: Demo) {
    let target = demo.facility(TargetKind::HomeCarePoint);
    let (a, b) = two_codes(&mut demo, &target);
    let insp = demo.inspect(&target, InspectionKind::LawEnforcement, "2024-05-18", &[(&a, "灭火器过期")]);
    let amend = |v: Verdict| ItemPatch {
        verdict: Some(Some(v)),
        finding: Some(if v == Verdict::Compliant { String::new() } else { "食品留样不足125克".into() }),
        severity: Some((v == Verdict::Noncompliant).then_some(Severity::General)),
        scope: Some((v == Verdict::Noncompliant).then_some(Scope::Individual)),
        amend_reason: Some("核对记录后更正".into()),
        ..Default::default()
    };
    inspection::record(&mut demo.db, &insp.summary.id, &a, &amend(Verdict::Compliant), &[], ACTOR).unwrap();
    let all = problem::list(&demo.db, &ProblemFilter { target_id: Some(target.clone()), include_withdrawn: true, ..Default::default() }).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].status, Status::Withdrawn, "the finding no longer stands");
    inspection::record(&mut demo.db, &insp.summary.id, &b, &amend(Verdict::Noncompliant), &[], ACTOR).unwrap();
    let open = demo.problems_of(&target);
    assert_eq!(open.len(), 1);
    assert_eq!((open[0].item_code.as_deref(), open[0].description.as_str()), (Some(b.as_str()), "食品留样不足125克"));
}

#[rstest]
fn a_look_back_walks_the_open_problems_and_closes_them_out(mut demo: Demo) {
    let target = demo.facility(TargetKind::HomeCarePoint);
    let (a, b) = two_codes(&mut demo, &target);
    demo.inspect(&target, InspectionKind::LawEnforcement, "2024-05-10", &[(&a, "灭火器过期"), (&b, "疏散指示灯损坏")]);
    let ps = demo.problems_of(&target);
    let pa = ps.iter().find(|p| p.item_code.as_deref() == Some(a.as_str())).unwrap().id.clone();
    let pb = ps.iter().find(|p| p.item_code.as_deref() == Some(b.as_str())).unwrap().id.clone();
    demo.plan(&pb, "2024-06-10").unwrap();
    problem::report_done(&mut demo.db, &pb, "已更换指示灯", None, ACTOR).unwrap();

    let lb = demo.start(&target, InspectionKind::LookBack, "2024-05-20");
    let codes: Vec<_> = lb.items.iter().map(|i| i.code.clone()).collect();
    let mut expected = vec![a.clone(), b.clone()];
    expected.sort();
    let mut got = codes.clone();
    got.sort();
    assert_eq!(got, expected, "the look-back's checklist is the open problems");
    // a is fixed on the spot; b is still not right.
    demo.answer(&lb.summary.id, &a, Verdict::Compliant, "");
    demo.answer(&lb.summary.id, &b, Verdict::Noncompliant, "二楼指示灯仍不亮");
    inspection::sign(&mut demo.db, &lb.summary.id, &["王志强".into()], "刘院长", None, ACTOR).unwrap();

    let a_now = problem::get(&demo.db, &pa).unwrap();
    assert_eq!(a_now.problem.status, Status::Closed);
    assert_eq!(a_now.problem.closed_on.as_deref(), Some("2024-05-20"));
    let last = a_now.events.last().unwrap();
    assert_eq!((last.kind, last.method, last.inspection_id.as_deref()), (EventKind::Verified, Some(VerifyMethod::LookBack), Some(lb.summary.id.as_str())));
    let b_now = problem::get(&demo.db, &pb).unwrap();
    assert_eq!(b_now.problem.status, Status::InProgress, "退回");
    assert_eq!(b_now.events.last().unwrap().note, "二楼指示灯仍不亮");
    assert_eq!(demo.problems_of(&target).len(), 2, "no new problem for a finding the look-back verified");

    // With nothing left open, a look-back walks the full checklist of the target's kind.
    problem::report_done(&mut demo.db, &pb, "已全部更换", None, ACTOR).unwrap();
    demo.verify(&pb, VerifyResult::Pass, "").unwrap();
    let again = demo.start(&target, InspectionKind::LookBack, "2024-05-20");
    let full = demo.start(&target, InspectionKind::Special, "2024-05-20");
    assert_eq!(again.items.len(), full.items.len());
    assert!(again.items.len() > 2);
}

#[rstest]
fn every_step_is_in_the_change_log(mut demo: Demo) {
    let target = demo.facility(TargetKind::HomeCarePoint);
    let (a, _) = two_codes(&mut demo, &target);
    demo.inspect(&target, InspectionKind::LawEnforcement, "2024-05-18", &[(&a, "灭火器过期")]);
    let id = demo.problems_of(&target)[0].id.clone();
    demo.plan(&id, "2024-06-01").unwrap();
    problem::report_done(&mut demo.db, &id, "完成", None, ACTOR).unwrap();
    demo.verify(&id, VerifyResult::Pass, "").unwrap();
    let statuses: Vec<(Option<String>, Option<String>)> = demo
        .db
        .conn()
        .prepare("SELECT old_value, new_value FROM change_log WHERE entity = 'problem' AND entity_id = ?1 AND field = 'status' ORDER BY at, id")
        .unwrap()
        .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        statuses,
        [(None, s("pending")), (s("pending"), s("in_progress")), (s("in_progress"), s("awaiting_verification")), (s("awaiting_verification"), s("closed"))]
    );
    let e = demo.db.conn().execute("UPDATE problem_event SET note = 'x'", []).unwrap_err();
    assert!(e.to_string().contains("append-only"));
}

#[test]
fn the_demo_campaign_shows_every_stage_and_is_added_once() {
    let now = FixedClock::default_test_time() + Duration::days(200);
    let (env, clock) = Env::fixed(now);
    let mut db = Db::open_in_memory_with(env).unwrap();
    demo_data::populate(&mut db).unwrap();
    let report = demo_data::populate_campaign(&mut db, &clock, now).unwrap();
    assert!(report.added);
    assert_eq!(report.inspections, 30, "two facilities in each of the 15 counties");
    let all = problem::list(&db, &ProblemFilter::default()).unwrap();
    assert_eq!(all.len() as u32, report.problems);
    for status in [Status::Pending, Status::InProgress, Status::AwaitingVerification, Status::Closed] {
        assert!(all.iter().any(|p| p.status == status), "no demo problem is {status:?}");
    }
    assert!(all.iter().any(|p| p.overdue), "some are overdue");
    assert!(all.iter().any(|p| p.status == Status::InProgress && !p.overdue), "some are on time");
    assert!(all.iter().all(|p| p.found_on.as_str() <= "2024-12-06"), "nothing dated after today");
    let again = demo_data::populate_campaign(&mut db, &clock, now).unwrap();
    assert!(!again.added);
    assert_eq!(problem::list(&db, &ProblemFilter::default()).unwrap().len(), all.len());
}
