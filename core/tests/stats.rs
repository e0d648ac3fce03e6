//! Campaign statistics on hand-computed fixtures: the counts and rates, the
//! edge cases (no problems, all closed, a deadline today or yesterday,
//! withdrawn problems), suggestions counted apart, the breakdowns adding up to
//! the totals, and every number drilling down to exactly the list behind it.
//!
//! Problems are made through the public API (`problem::create`, `plan`,
//! `report_done`, `verify`, `merge`, an inspection signed with a 不符合
//! finding). Suggestions made outside inspections have no API yet: those rows
//! are written into `opinion` directly.

use std::sync::Arc;

use chrono::Duration;
use qingdan_core::catalog::{Severity, TargetKind};
use qingdan_core::inspection::{self, InspectionKind, ItemPatch, Scope, StartInspection, Verdict};
use qingdan_core::problem::{
    self, stats, BreakdownRow, Dimension, Figure, Figures, NewProblem, Plan, ProblemFilter, Source, StatsFilter, Status, Verification,
    VerifyMethod, VerifyResult,
};
use qingdan_core::registry::{self, FacilityQuery};
use qingdan_core::{demo, department, Db, Env, FixedClock};

const ACTOR: &str = "统计测试";

/// The demo registry and reference data; today is 2024-05-20 in Beijing.
fn campaign() -> (Db, Arc<FixedClock>) {
    let (env, clock) = Env::fixed(FixedClock::default_test_time());
    let mut db = Db::open_in_memory_with(env).unwrap();
    demo::populate(&mut db).unwrap();
    (db, clock)
}

fn counties(db: &Db) -> Vec<String> {
    registry::counties(db).unwrap().into_iter().map(|c| c.name).collect()
}

fn departments(db: &Db) -> Vec<String> {
    department::department_list(db).unwrap().into_iter().map(|d| d.name).collect()
}

/// A problem from another source, in a county, found on `found_on`.
fn new_problem(county: &str, found_on: &str) -> NewProblem {
    NewProblem {
        target_name: format!("{county}某养老服务点"),
        county: Some(county.into()),
        category: "安全管理".into(),
        description: "消防通道堆放杂物".into(),
        source: Some(Source::PublicReport),
        group: "第一组".into(),
        found_on: Some(found_on.into()),
        ..Default::default()
    }
}

fn create(db: &mut Db, p: &NewProblem) -> String {
    problem::create(db, p, ACTOR).unwrap().problem.id
}

fn plan(db: &mut Db, id: &str, deadline: &str) {
    let p = Plan { measure: "清理通道，落实巡查".into(), unit: "县民政局".into(), person: "王志强".into(), deadline: deadline.into() };
    problem::plan(db, id, &p, ACTOR).unwrap();
}

fn report_done(db: &mut Db, id: &str) {
    problem::report_done(db, id, "已清理完毕，附照片", None, ACTOR).unwrap();
}

fn close(db: &mut Db, id: &str, on: &str) {
    let v = Verification { by: "李秀英".into(), method: VerifyMethod::DocumentReview, result: VerifyResult::Pass, note: String::new(), on: Some(on.into()) };
    let d = problem::verify(db, id, &v, None, ACTOR).unwrap();
    assert_eq!(d.problem.status, Status::Closed);
}

/// Plan (deadline today), report done and verify on `on`.
fn rectify_and_close(db: &mut Db, id: &str, on: &str) {
    plan(db, id, "2024-05-20");
    report_done(db, id);
    close(db, id, on);
}

fn add_opinions(db: &Db, n: usize, county: Option<&str>, source: Source, addressee: &str) {
    let county_id: Option<String> = county.map(|c| {
        db.conn().query_row("SELECT id FROM jurisdiction WHERE level = 'county' AND name = ?1", [c], |r| r.get(0)).unwrap()
    });
    for i in 0..n {
        db.conn()
            .execute(
                "INSERT INTO opinion (id, text, source, addressee, county_id, target_name, group_name, made_on, created_at, updated_at, device_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, '', '第二组', '2024-05-10', '2024-05-10T01:00:00.000Z', '2024-05-10T01:00:00.000Z', 'test')",
                rusqlite::params![format!("op-{}-{i}-{}", source.slug(), county.unwrap_or("none")), format!("建议{i}"), source.slug(), addressee, county_id],
            )
            .unwrap();
    }
}

fn row<'a>(rows: &'a [BreakdownRow], key: &str) -> &'a BreakdownRow {
    rows.iter().find(|r| r.key == key).unwrap_or_else(|| panic!("no row {key:?} in {:?}", rows.iter().map(|r| &r.key).collect::<Vec<_>>()))
}

fn counts(f: &Figures) -> [u32; 5] {
    [f.problems, f.suggestions, f.rectified, f.closed, f.overdue]
}

#[test]
fn no_problems_means_zero_counts_and_no_rates() {
    let (db, _) = campaign();
    let t = stats::totals(&db, &StatsFilter::default()).unwrap();
    assert_eq!(t, Figures::default());
    assert_eq!((t.rectification_rate, t.closeout_rate, t.median_days_to_close), (None, None, None));
    // In JSON the missing rates are null, never NaN (which JSON cannot carry).
    let json = serde_json::to_value(&t).unwrap();
    assert!(json["rectification_rate"].is_null() && json["closeout_rate"].is_null(), "{json}");
    assert_eq!(stats::percent(t.rectification_rate), "—");

    // Every county has a row, with zeros, in registry order; no “（未归属）” row without data.
    let by_county = stats::breakdown(&db, Dimension::County, &StatsFilter::default()).unwrap();
    assert_eq!(by_county.iter().map(|r| r.key.clone()).collect::<Vec<_>>(), counties(&db));
    assert_eq!(by_county.len(), 15);
    assert!(by_county.iter().all(|r| r.figures == Figures::default() && r.label == r.key));
    // Other dimensions list only values with data: none.
    for d in Dimension::ALL.iter().filter(|d| **d != Dimension::County) {
        assert_eq!(stats::breakdown(&db, *d, &StatsFilter::default()).unwrap(), vec![], "{d:?}");
    }
    assert_eq!(stats::closures_by_month(&db, &StatsFilter::default()).unwrap(), vec![]);
}

/// The campaign the source reports: 289 problems, 56 of them rectified,
/// and 352 suggestions.
#[test]
fn campaign_of_289_problems_with_56_rectified_is_19_4_percent() {
    let (mut db, _) = campaign();
    let names = counties(&db);
    let mut ids = Vec::new();
    for i in 0..289 {
        ids.push(create(&mut db, &new_problem(&names[i % names.len()], "2024-05-01")));
    }
    // 56 rectified: 40 awaiting verification, 16 closed. 30 more being rectified.
    for id in &ids[..40] {
        plan(&mut db, id, "2024-05-31");
        report_done(&mut db, id);
    }
    for id in &ids[40..56] {
        rectify_and_close(&mut db, id, "2024-05-20");
    }
    for id in &ids[56..86] {
        plan(&mut db, id, "2024-05-31");
    }
    // 352 suggestions: 340 outside inspections and 12 made during two inspections.
    add_opinions(&db, 340, Some(&names[0]), Source::Deputy, "");
    let facility = registry::facility_list(&db, &FacilityQuery { kind: Some(TargetKind::ElderlyCareInstitution), ..Default::default() }).unwrap();
    for f in &facility[..2] {
        let input = StartInspection {
            target_id: f.id.clone(),
            kind: InspectionKind::Special,
            date: "2024-05-20".into(),
            group: "第三组".into(),
            leader: "王志强".into(),
            members: vec![],
            representatives: vec![],
        };
        let insp = inspection::start(&mut db, &input, ACTOR).unwrap();
        for k in 0..6 {
            inspection::add_suggestion(&mut db, &insp.summary.id, None, &format!("建议加强培训{k}"), ACTOR).unwrap();
        }
    }

    let t = stats::totals(&db, &StatsFilter::default()).unwrap();
    assert_eq!(counts(&t), [289, 352, 56, 16, 0]);
    let rate = t.rectification_rate.unwrap();
    assert!((rate - 56.0 / 289.0).abs() < 1e-12, "kept unrounded: {rate}");
    assert_eq!(stats::percent(t.rectification_rate), "19.4%");
    assert!((t.closeout_rate.unwrap() - 16.0 / 289.0).abs() < 1e-12);
    assert_eq!(stats::percent(t.closeout_rate), "5.5%");
    assert_eq!(t.median_days_to_close, Some(19.0), "found 1 May, closed 20 May");
    assert_eq!(problem::list(&db, &ProblemFilter::default()).unwrap().len(), 289, "the list agrees");

    // By source: the problems are all 群众反映; the suggestions come from deputies and from the special inspections.
    let by_source = stats::breakdown(&db, Dimension::Source, &StatsFilter::default()).unwrap();
    assert_eq!(
        by_source.iter().map(|r| (r.key.as_str(), r.label.as_str(), r.figures.problems, r.figures.suggestions)).collect::<Vec<_>>(),
        vec![("special", "专项督查", 0, 12), ("public_report", "群众反映", 289, 0), ("deputy", "代表意见", 0, 340)],
    );
    assert_eq!(row(&by_source, "special").figures.rectification_rate, None, "suggestions alone give no rate");
}

#[test]
fn all_closed_is_100_percent_with_the_median_days() {
    let (mut db, clock) = campaign();
    let c = counties(&db)[1].clone();
    // Found 10, 1 and 15 May; closed 20 May, 15 May and 20 May: 10, 14 and 5 days.
    let a = create(&mut db, &new_problem(&c, "2024-05-10"));
    let b = create(&mut db, &new_problem(&c, "2024-05-01"));
    let d = create(&mut db, &new_problem(&c, "2024-05-15"));
    rectify_and_close(&mut db, &a, "2024-05-20");
    rectify_and_close(&mut db, &b, "2024-05-15");
    rectify_and_close(&mut db, &d, "2024-05-20");
    let t = stats::totals(&db, &StatsFilter::default()).unwrap();
    assert_eq!(counts(&t), [3, 0, 3, 3, 0]);
    assert_eq!((t.rectification_rate, t.closeout_rate), (Some(1.0), Some(1.0)));
    assert_eq!(stats::percent(t.closeout_rate), "100.0%");
    assert_eq!(t.median_days_to_close, Some(10.0));
    // An even number of closed problems: the mean of the middle two (10 and 14 days → 12).
    let e = create(&mut db, &new_problem(&c, "2024-04-20"));
    rectify_and_close(&mut db, &e, "2024-05-20"); // 30 days
    assert_eq!(stats::totals(&db, &StatsFilter::default()).unwrap().median_days_to_close, Some(12.0));
    // Closed problems are never overdue, however old their deadline.
    clock.advance(Duration::days(60));
    assert_eq!(stats::totals(&db, &StatsFilter::default()).unwrap().overdue, 0);
}

#[test]
fn a_deadline_today_is_not_overdue_until_tomorrow() {
    let (mut db, clock) = campaign();
    let c = counties(&db)[2].clone();
    let due_today = create(&mut db, &new_problem(&c, "2024-05-01"));
    plan(&mut db, &due_today, "2024-05-20");
    let due_tomorrow = create(&mut db, &new_problem(&c, "2024-05-01"));
    plan(&mut db, &due_tomorrow, "2024-05-21");
    let reported = create(&mut db, &new_problem(&c, "2024-05-01"));
    plan(&mut db, &reported, "2024-05-20");
    report_done(&mut db, &reported);
    let _no_deadline = create(&mut db, &new_problem(&c, "2024-05-01"));
    let overdue = |db: &Db| stats::totals(db, &StatsFilter::default()).unwrap().overdue;
    assert_eq!(overdue(&db), 0, "deadline today (2024-05-20): not overdue");
    // Beijing midnight: 2024-05-20 16:00 UTC is 21 May in Beijing. One minute before, still the 20th.
    clock.set(chrono::DateTime::parse_from_rfc3339("2024-05-20T15:59:00Z").unwrap().into());
    assert_eq!(overdue(&db), 0);
    clock.set(chrono::DateTime::parse_from_rfc3339("2024-05-20T16:00:00Z").unwrap().into());
    assert_eq!(overdue(&db), 1, "deadline yesterday: overdue; the rectified one is not");
    assert_eq!(stats::problems(&db, &StatsFilter::default(), Figure::Overdue).unwrap().iter().map(|p| p.id.clone()).collect::<Vec<_>>(), vec![due_today.clone()]);
    clock.advance(Duration::days(1));
    assert_eq!(overdue(&db), 2);
    let by_county = stats::breakdown(&db, Dimension::County, &StatsFilter::default()).unwrap();
    assert_eq!(counts(&row(&by_county, &c).figures), [4, 0, 1, 0, 2]);
}

#[test]
fn withdrawn_problems_count_nowhere() {
    let (mut db, _) = campaign();
    let f = registry::facility_list(&db, &FacilityQuery::default()).unwrap().remove(0);
    let mut p = new_problem(&f.county, "2024-05-01");
    p.target_id = Some(f.id.clone());
    p.county = None;
    let keep = create(&mut db, &p);
    let other = create(&mut db, &p);
    problem::merge(&mut db, &keep, &[other.clone()], ACTOR).unwrap();
    assert_eq!(problem::get(&db, &other).unwrap().problem.status, Status::Withdrawn);
    let t = stats::totals(&db, &StatsFilter::default()).unwrap();
    assert_eq!(t.problems, 1);
    for d in Dimension::ALL {
        let rows = stats::breakdown(&db, *d, &StatsFilter::default()).unwrap();
        assert_eq!(rows.iter().map(|r| r.figures.problems).sum::<u32>(), 1, "{d:?}");
    }
    // The county came from the facility.
    let by_county = stats::breakdown(&db, Dimension::County, &StatsFilter::default()).unwrap();
    assert_eq!(row(&by_county, &f.county).figures.problems, 1);
    let by_kind = stats::breakdown(&db, Dimension::TargetKind, &StatsFilter::default()).unwrap();
    assert_eq!(by_kind.len(), 1);
    assert_eq!((by_kind[0].key.as_str(), by_kind[0].label.as_str()), (f.kind.slug(), f.kind.label(qingdan_core::Lang::Zh)));
}

/// A finding from a signed inspection raises a problem; suggestions made
/// during inspections take county, group, type, category and source from the
/// inspection and its items; opinions count by their own county and source.
#[test]
fn problems_and_suggestions_are_attributed_through_the_inspection() {
    let (mut db, _) = campaign();
    let f = registry::facility_list(&db, &FacilityQuery { kind: Some(TargetKind::DestituteSupportHome), ..Default::default() }).unwrap().remove(0);
    let input = StartInspection {
        target_id: f.id.clone(),
        kind: InspectionKind::Unannounced,
        date: "2024-05-20".into(),
        group: "第五组".into(),
        leader: "王志强".into(),
        members: vec!["李秀英".into()],
        representatives: vec![],
    };
    let insp = inspection::start(&mut db, &input, ACTOR).unwrap();
    let id = insp.summary.id.clone();
    let first = insp.items[0].clone();
    for item in &insp.items {
        let v = if item.code == first.code { Verdict::Noncompliant } else { Verdict::Compliant };
        let patch = ItemPatch {
            verdict: Some(Some(v)),
            finding: (v == Verdict::Noncompliant).then(|| "未按规定配备灭火器".to_string()),
            severity: (v == Verdict::Noncompliant).then_some(Some(Severity::Serious)),
            scope: (v == Verdict::Noncompliant).then_some(Some(Scope::Partial)),
            ..Default::default()
        };
        inspection::record(&mut db, &id, &item.code, &patch, &[], ACTOR).unwrap();
    }
    inspection::add_suggestion(&mut db, &id, Some(&first.code), "建议定期组织消防演练", ACTOR).unwrap();
    inspection::add_suggestion(&mut db, &id, None, "建议增加护理员", ACTOR).unwrap();
    inspection::sign(&mut db, &id, &["李秀英".to_string()], "刘院长", None, ACTOR).unwrap();
    let dept = departments(&db)[0].clone();
    let other_county = counties(&db).into_iter().find(|c| *c != f.county).unwrap();
    add_opinions(&db, 3, Some(&other_county), Source::Forum, &dept);
    add_opinions(&db, 2, None, Source::Forum, "某单位");

    let all = StatsFilter::default();
    let t = stats::totals(&db, &all).unwrap();
    assert_eq!((t.problems, t.suggestions), (1, 7));

    let by_county = stats::breakdown(&db, Dimension::County, &all).unwrap();
    assert_eq!((row(&by_county, &f.county).figures.problems, row(&by_county, &f.county).figures.suggestions), (1, 2));
    assert_eq!(row(&by_county, &other_county).figures.suggestions, 3);
    let last = by_county.last().unwrap();
    assert_eq!((last.key.as_str(), last.label.as_str(), last.figures.suggestions, last.figures.problems), ("", "（未归属）", 2, 0));
    assert_eq!(by_county.len(), 16);

    let by_group = stats::breakdown(&db, Dimension::Group, &all).unwrap();
    assert_eq!(
        by_group.iter().map(|r| (r.key.as_str(), r.figures.problems, r.figures.suggestions)).collect::<Vec<_>>(),
        vec![("第五组", 1, 2), ("第二组", 0, 5)]
    );
    let by_source = stats::breakdown(&db, Dimension::Source, &all).unwrap();
    assert_eq!(
        by_source.iter().map(|r| (r.key.as_str(), r.figures.problems, r.figures.suggestions)).collect::<Vec<_>>(),
        vec![("unannounced", 1, 2), ("forum", 0, 5)]
    );
    let by_kind = stats::breakdown(&db, Dimension::TargetKind, &all).unwrap();
    assert_eq!(
        by_kind.iter().map(|r| (r.key.as_str(), r.label.as_str(), r.figures.problems, r.figures.suggestions)).collect::<Vec<_>>(),
        vec![("destitute_support_home", "特困供养机构", 1, 2), ("", "（未归属）", 0, 5)]
    );
    // The category of the problem and of the suggestion on the item is the item's group.
    let by_category = stats::breakdown(&db, Dimension::Category, &all).unwrap();
    assert_eq!(
        by_category.iter().map(|r| (r.key.as_str(), r.figures.problems, r.figures.suggestions)).collect::<Vec<_>>(),
        vec![(first.group.as_str(), 1, 1), ("", 0, 6)]
    );
    let by_severity = stats::breakdown(&db, Dimension::Severity, &all).unwrap();
    assert_eq!(
        by_severity.iter().map(|r| (r.key.as_str(), r.label.as_str(), r.figures.problems, r.figures.suggestions)).collect::<Vec<_>>(),
        vec![("serious", "较重", 1, 0), ("", "（未归属）", 0, 7)]
    );
    // A suggestion addressed to a department by name belongs to it.
    let by_dept = stats::breakdown(&db, Dimension::Department, &all).unwrap();
    assert_eq!(row(&by_dept, &dept).figures.suggestions, 3);
    assert_eq!(by_dept.iter().map(|r| r.figures.suggestions).sum::<u32>(), 7);
}

/// A mixed campaign over several counties, groups, categories, departments,
/// severities and sources, for the checks that hold on any data.
fn mixed_campaign() -> (Db, Arc<FixedClock>) {
    let (mut db, clock) = campaign();
    let names = counties(&db);
    let depts = departments(&db);
    let groups = ["第一组", "第二组", "第三组"];
    let categories = ["安全管理", "服务质量", "设施设备", "医养结合"];
    let sources = [Source::PublicReport, Source::SelfCheck, Source::Forum, Source::Deputy, Source::LawEnforcement];
    let severities = [Severity::General, Severity::Serious, Severity::General, Severity::Major];
    for i in 0..60usize {
        let mut p = new_problem(&names[(i * 7) % 5], if i % 3 == 0 { "2024-03-01" } else { "2024-05-01" });
        p.group = groups[i % 3].into();
        p.category = categories[i % 4].into();
        p.department = (i % 5 != 0).then(|| depts[i % 4].clone());
        p.source = Some(sources[i % 5]);
        p.severity = Some(severities[i % 4]);
        if i % 11 == 0 {
            p.county = None; // a problem of the whole city: no county
        }
        let id = create(&mut db, &p);
        match i % 6 {
            0 => rectify_and_close(&mut db, &id, if i % 4 == 0 { "2024-03-15" } else { "2024-05-20" }),
            1 => {
                plan(&mut db, &id, "2024-05-20");
                report_done(&mut db, &id);
            }
            2 | 3 => plan(&mut db, &id, if i % 4 == 3 { "2024-05-20" } else { "2024-05-22" }),
            _ => {}
        }
    }
    add_opinions(&db, 4, Some(&names[0]), Source::Forum, &depts[0]);
    add_opinions(&db, 3, None, Source::Deputy, "");
    clock.advance(Duration::days(2)); // today 2024-05-22: deadlines of the 20th are overdue, of the 22nd not
    (db, clock)
}

#[test]
fn every_breakdown_adds_up_to_the_totals() {
    let (db, _) = mixed_campaign();
    let t = stats::totals(&db, &StatsFilter::default()).unwrap();
    assert_eq!(t.problems, 60);
    assert_eq!(t.suggestions, 7);
    assert!(t.overdue > 0 && t.closed > 0 && t.rectified > t.closed, "the fixture exercises every figure: {t:?}");
    for d in Dimension::ALL {
        let rows = stats::breakdown(&db, *d, &StatsFilter::default()).unwrap();
        let sum = rows.iter().fold([0u32; 5], |mut acc, r| {
            for (a, x) in acc.iter_mut().zip(counts(&r.figures)) {
                *a += x;
            }
            acc
        });
        assert_eq!(sum, counts(&t), "{d:?}");
        for r in &rows {
            let f = &r.figures;
            assert_eq!(f.rectification_rate, (f.problems > 0).then(|| f.rectified as f64 / f.problems as f64), "{d:?} {}", r.key);
            assert_eq!(f.closeout_rate, (f.problems > 0).then(|| f.closed as f64 / f.problems as f64), "{d:?} {}", r.key);
            assert_eq!(f.median_days_to_close.is_some(), f.closed > 0, "{d:?} {}", r.key);
        }
        let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), keys.len(), "{d:?}: one row per value");
        assert!(keys[..keys.len() - 1].iter().all(|k| !k.is_empty()), "{d:?}: “（未归属）” comes last");
    }
    // Severity: gravest first.
    let sev: Vec<String> = stats::breakdown(&db, Dimension::Severity, &StatsFilter::default()).unwrap().into_iter().map(|r| r.key).collect();
    assert_eq!(sev, vec!["major", "serious", "general", ""], "the suggestions have no severity");
    // The trend adds up to the closed figure, months without close-outs included.
    let trend = stats::closures_by_month(&db, &StatsFilter::default()).unwrap();
    assert_eq!(trend.iter().map(|(m, _)| m.as_str()).collect::<Vec<_>>(), vec!["2024-03", "2024-04", "2024-05"]);
    assert_eq!(trend[1].1, 0);
    assert_eq!(trend.iter().map(|(_, n)| n).sum::<u32>(), t.closed);
}

#[test]
fn every_county_drills_down_to_its_problem_list() {
    let (db, _) = mixed_campaign();
    let rows = stats::breakdown(&db, Dimension::County, &StatsFilter::default()).unwrap();
    let mut with_problems = 0;
    for name in counties(&db) {
        let r = row(&rows, &name);
        let list = problem::list(&db, &ProblemFilter { county: Some(name.clone()), ..Default::default() }).unwrap();
        assert_eq!(r.figures.problems as usize, list.len(), "{name}");
        with_problems += usize::from(!list.is_empty());
    }
    assert_eq!(with_problems, 5, "the fixture spreads problems over five counties");
}

/// Every figure of every row of every breakdown, unfiltered and within a
/// county, equals the length of the list it opens.
#[test]
fn every_number_drills_down_to_exactly_the_list_behind_it() {
    let (db, _) = mixed_campaign();
    let county = counties(&db)[0].clone();
    let mut checked = 0;
    for base in [StatsFilter::default(), StatsFilter { county: Some(county.clone()), ..Default::default() }] {
        let t = stats::totals(&db, &base).unwrap();
        for (fig, n) in [(Figure::Problems, t.problems), (Figure::Rectified, t.rectified), (Figure::Closed, t.closed), (Figure::Overdue, t.overdue)] {
            assert_eq!(stats::problems(&db, &base, fig).unwrap().len(), n as usize, "{base:?} {fig:?}");
        }
        for d in Dimension::ALL {
            for r in stats::breakdown(&db, *d, &base).unwrap() {
                let Some(narrow) = base.narrowed(*d, &r.key) else {
                    assert!(r.key.is_empty(), "only the “（未归属）” row cannot be opened");
                    continue;
                };
                // The narrowed filter gives the same figures as the row.
                assert_eq!(stats::totals(&db, &narrow).unwrap(), r.figures, "{d:?} {}", r.key);
                for (fig, n) in [(Figure::Problems, r.figures.problems), (Figure::Rectified, r.figures.rectified), (Figure::Closed, r.figures.closed), (Figure::Overdue, r.figures.overdue)] {
                    let list = stats::problems(&db, &narrow, fig).unwrap();
                    assert_eq!(list.len(), n as usize, "{d:?} {} {fig:?}", r.key);
                    assert!(list.iter().all(|p| match fig {
                        Figure::Problems => p.status != Status::Withdrawn,
                        Figure::Rectified => p.status.is_rectified(),
                        Figure::Closed => p.status == Status::Closed,
                        Figure::Overdue => p.overdue,
                    }));
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 100, "{checked}");
    // Within a county, the county breakdown has that county's row only.
    let one = stats::breakdown(&db, Dimension::County, &StatsFilter { county: Some(county.clone()), ..Default::default() }).unwrap();
    assert_eq!(one.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), vec![county.as_str()]);
}

#[test]
fn a_filter_narrows_every_figure() {
    let (db, _) = mixed_campaign();
    let all = stats::totals(&db, &StatsFilter::default()).unwrap();
    let major = stats::totals(&db, &StatsFilter { severity: Some(Severity::Major), ..Default::default() }).unwrap();
    assert_eq!(major.problems, 15, "every fourth of 60");
    assert_eq!(major.suggestions, 0, "suggestions have no severity");
    assert!(major.problems < all.problems);
    let forum = StatsFilter { source: Some(Source::Forum), ..Default::default() };
    let f = stats::totals(&db, &forum).unwrap();
    assert_eq!((f.problems, f.suggestions), (12, 4));
    let trend = stats::closures_by_month(&db, &StatsFilter { group: Some("第二组".into()), ..Default::default() }).unwrap();
    let closed_second = stats::totals(&db, &StatsFilter { group: Some("第二组".into()), ..Default::default() }).unwrap().closed;
    assert_eq!(trend.iter().map(|(_, n)| n).sum::<u32>(), closed_second);
}

#[test]
fn dimensions_parse_from_the_cli_words() {
    for (word, d) in [
        ("county", Dimension::County),
        ("group", Dimension::Group),
        ("target_kind", Dimension::TargetKind),
        ("category", Dimension::Category),
        ("department", Dimension::Department),
        ("severity", Dimension::Severity),
        ("source", Dimension::Source),
    ] {
        assert_eq!(word.parse::<Dimension>(), Ok(d));
        assert_eq!(d.slug(), word);
        assert_eq!(serde_json::to_value(d).unwrap(), serde_json::Value::String(word.into()));
    }
    assert_eq!("县区".parse::<Dimension>(), Ok(Dimension::County));
    assert!("weather".parse::<Dimension>().unwrap_err().contains("county|group|target_kind|category|department|severity|source"));
}
