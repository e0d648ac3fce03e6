//! The lists around the problems, over an in-memory database with the demo
//! data and a fixed clock (2024-05-20 09:00 北京时间): 意见建议 (opinions and
//! inspection suggestions side by side), 评价清单 (the two-way rule, scores,
//! corrections, summaries), 学习清单 (basis parsing on the reference
//! catalog's real texts, per-person marks) and 责任清单 (problem counts per
//! duty, overdue on the deadline boundary).

mod common;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use qingdan_core::catalog::TargetKind;
use qingdan_core::changelog;
use qingdan_core::department::{self, ParsedDepartment, ParsedDuty};
use qingdan_core::inspection::{self, InspectionKind, StartInspection};
use qingdan_core::lists::evaluation::{self, Aspect, Evaluator, EvaluationFilter, EvaluationUpdate, NewEvaluation, SubjectKind};
use qingdan_core::lists::learning::{self, parse_basis, BasisRef};
use qingdan_core::lists::responsibility::{self, ResponsibilityRow};
use qingdan_core::lists::suggestions::{self, NewOpinion, SuggestionFilter, SuggestionOrigin};
use qingdan_core::problem::{self, NewProblem, Plan, Source, Verification, VerifyMethod, VerifyResult};
use qingdan_core::registry::{self, FacilityQuery};
use qingdan_core::{demo as demo_data, Db, Env, Error, FixedClock, Lang};
use rstest::{fixture, rstest};

const ACTOR: &str = "张建国";

struct Demo {
    db: Db,
    clock: Arc<FixedClock>,
}

#[fixture]
fn demo() -> Demo {
    let (env, clock) = Env::fixed(FixedClock::default_test_time());
    let mut db = Db::open_in_memory_with(env).unwrap();
    demo_data::populate(&mut db).unwrap();
    Demo { db, clock }
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn dump(db: &Db) -> Vec<String> {
    common::dump_conn(db.conn())
}

/// The Chinese message of an input refusal; panics on anything else.
fn refusal<T: std::fmt::Debug>(r: qingdan_core::Result<T>) -> String {
    match r {
        Err(e @ Error::Input(_)) => e.message(Lang::Zh),
        other => panic!("expected an input refusal, got {other:?}"),
    }
}

fn not_found<T: std::fmt::Debug>(r: qingdan_core::Result<T>) -> String {
    match r {
        Err(Error::NotFound { what, key }) => format!("{what}:{key}"),
        other => panic!("expected not found, got {other:?}"),
    }
}

impl Demo {
    fn facility(&self, kind: TargetKind, index: usize) -> registry::Facility {
        registry::facility_list(&self.db, &FacilityQuery { kind: Some(kind), ..Default::default() }).unwrap().remove(index)
    }

    fn county_id(&self, name: &str) -> String {
        registry::counties(&self.db).unwrap().into_iter().find(|c| c.name == name).unwrap().id
    }

    fn department_id(&self, name: &str) -> String {
        department::department_list(&self.db).unwrap().into_iter().find(|d| d.name == name).unwrap().id
    }

    fn start(&mut self, target_id: &str, kind: InspectionKind, date: &str, group: &str) -> String {
        let input = StartInspection {
            target_id: target_id.into(),
            kind,
            date: date.into(),
            group: group.into(),
            leader: "王志强".into(),
            members: vec!["李秀英".into()],
            representatives: vec![],
        };
        inspection::start(&mut self.db, &input, ACTOR).unwrap().summary.id
    }

    fn changes(&self, entity: &str, id: &str) -> Vec<changelog::Change> {
        changelog::history(&self.db, entity, id).unwrap()
    }
}

// ---------------------------------------------------------------- 意见建议

fn opinion(text: &str) -> NewOpinion {
    NewOpinion {
        text: text.into(),
        source: Source::Forum,
        addressee: "市民政局".into(),
        county: Some("汝阳县".into()),
        target_name: "汝阳县城关镇敬老院".into(),
        group: "第三组".into(),
        made_on: Some("2024-05-18".into()),
    }
}

#[rstest]
fn an_opinion_keeps_what_was_entered_and_is_logged(mut demo: Demo) {
    let row = suggestions::create_opinion(&mut demo.db, &opinion("  建议增加护理员培训经费  "), ACTOR).unwrap();
    assert_eq!(row.origin, SuggestionOrigin::Opinion);
    assert_eq!(row.text, "建议增加护理员培训经费", "text is trimmed");
    assert_eq!(row.source, Source::Forum);
    assert_eq!(row.addressee, "市民政局");
    assert_eq!(row.county.as_deref(), Some("汝阳县"));
    assert_eq!(row.target_name, "汝阳县城关镇敬老院");
    assert_eq!(row.group, "第三组");
    assert_eq!(row.made_on, "2024-05-18");
    assert_eq!(row.inspection_id, None);
    assert_eq!(row.item_code, None);
    let log = demo.changes("opinion", &row.id);
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].actor.as_str(), log[0].new_value.as_deref()), (ACTOR, Some("建议增加护理员培训经费")));
    assert_eq!(suggestions::list(&demo.db, &SuggestionFilter::default()).unwrap(), vec![row]);
}

#[rstest]
fn an_opinion_without_date_or_county_is_made_today_for_no_county(mut demo: Demo) {
    let o = NewOpinion { county: None, made_on: None, addressee: String::new(), target_name: String::new(), group: String::new(), ..opinion("全市统筹") };
    let row = suggestions::create_opinion(&mut demo.db, &o, ACTOR).unwrap();
    assert_eq!(row.made_on, "2024-05-20");
    assert_eq!(row.county, None);
    assert_eq!(row.addressee, "");
}

#[rstest]
fn today_is_the_beijing_date_for_opinions(mut demo: Demo) {
    // 2024-05-20 17:00 UTC is already 21 May in Beijing.
    demo.clock.set(utc("2024-05-20T17:00:00Z"));
    let row = suggestions::create_opinion(&mut demo.db, &NewOpinion { made_on: Some("2024-05-21".into()), ..opinion("北京时间今天") }, ACTOR).unwrap();
    assert_eq!(row.made_on, "2024-05-21");
    let row = suggestions::create_opinion(&mut demo.db, &NewOpinion { made_on: None, ..opinion("默认今天") }, ACTOR).unwrap();
    assert_eq!(row.made_on, "2024-05-21");
    demo.clock.set(utc("2024-05-20T15:59:00Z"));
    let msg = refusal(suggestions::create_opinion(&mut demo.db, &NewOpinion { made_on: Some("2024-05-21".into()), ..opinion("明天") }, ACTOR));
    assert!(msg.contains("晚于今天"), "{msg}");
}

#[rstest]
#[case::empty_text(NewOpinion { text: " \n ".into(), ..opinion("") }, "不能为空")]
#[case::long_text(NewOpinion { text: "字".repeat(2001), ..opinion("") }, "最多 2000")]
#[case::control_char(NewOpinion { text: "建议\u{7}".into(), ..opinion("") }, "控制字符")]
#[case::long_addressee(NewOpinion { addressee: "单".repeat(101), ..opinion("建议") }, "最多 100")]
#[case::long_target(NewOpinion { target_name: "院".repeat(101), ..opinion("建议") }, "最多 100")]
#[case::long_group(NewOpinion { group: "组".repeat(101), ..opinion("建议") }, "最多 100")]
#[case::future(NewOpinion { made_on: Some("2024-05-21".into()), ..opinion("建议") }, "晚于今天")]
#[case::bad_date(NewOpinion { made_on: Some("2024-02-30".into()), ..opinion("建议") }, "YYYY-MM-DD")]
#[case::not_a_date(NewOpinion { made_on: Some("五月".into()), ..opinion("建议") }, "YYYY-MM-DD")]
fn bad_opinions_are_refused_and_change_nothing(mut demo: Demo, #[case] o: NewOpinion, #[case] expected: &str) {
    let before = dump(&demo.db);
    let msg = refusal(suggestions::create_opinion(&mut demo.db, &o, ACTOR));
    assert!(msg.contains(expected), "{msg}");
    assert_eq!(dump(&demo.db), before);
}

#[rstest]
fn text_of_exactly_the_limit_is_accepted(mut demo: Demo) {
    let row = suggestions::create_opinion(&mut demo.db, &NewOpinion { text: "字".repeat(2000), ..opinion("") }, ACTOR).unwrap();
    assert_eq!(row.text.chars().count(), 2000);
}

#[rstest]
fn an_unknown_county_is_not_found_and_changes_nothing(mut demo: Demo) {
    let before = dump(&demo.db);
    let r = suggestions::create_opinion(&mut demo.db, &NewOpinion { county: Some("汝阳".into()), ..opinion("建议") }, ACTOR);
    assert_eq!(not_found(r), "县（市、区）:汝阳");
    assert_eq!(dump(&demo.db), before);
}

#[rstest]
fn inspection_suggestions_take_county_target_group_date_and_source_from_the_inspection(mut demo: Demo) {
    // Entered first, made last.
    let op = suggestions::create_opinion(&mut demo.db, &opinion("建议增加护理员培训经费"), ACTOR).unwrap();
    let home = demo.facility(TargetKind::HomeCarePoint, 0);
    let on_home = demo.start(&home.id, InspectionKind::LawEnforcement, "2024-05-10", "第一组");
    let item = inspection::show(&demo.db, &on_home).unwrap().items[0].code.clone();
    inspection::add_suggestion(&mut demo.db, &on_home, Some(&item), "建议配备紧急呼叫装置", ACTOR).unwrap();
    let county = demo.county_id("栾川县");
    let on_county = demo.start(&county, InspectionKind::SelfCheckReview, "2024-05-12", "第二组");
    inspection::add_suggestion(&mut demo.db, &on_county, None, "建议县政府加大投入", ACTOR).unwrap();
    let dept = demo.department_id("民政局");
    let on_dept = demo.start(&dept, InspectionKind::Unannounced, "2024-05-14", "第二组");
    inspection::add_suggestion(&mut demo.db, &on_dept, None, "建议完善监管平台", ACTOR).unwrap();

    let all = suggestions::list(&demo.db, &SuggestionFilter::default()).unwrap();
    let texts: Vec<&str> = all.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(texts, ["建议配备紧急呼叫装置", "建议县政府加大投入", "建议完善监管平台", "建议增加护理员培训经费"], "by date made");

    let s = &all[0];
    assert_eq!(s.origin, SuggestionOrigin::Inspection);
    assert_eq!(s.source, Source::LawEnforcement);
    assert_eq!(s.county.as_deref(), Some(home.county.as_str()));
    assert_eq!(s.target_name, home.name);
    assert_eq!((s.group.as_str(), s.made_on.as_str()), ("第一组", "2024-05-10"));
    assert_eq!(s.inspection_id.as_deref(), Some(on_home.as_str()));
    assert_eq!(s.item_code.as_deref(), Some(item.as_str()));

    let s = &all[1];
    assert_eq!(s.source, Source::SelfCheck, "a 自查核查 inspection counts as 政府自查");
    assert_eq!(s.county.as_deref(), Some("栾川县"), "a county government's inspection belongs to that county");
    assert_eq!(s.target_name, "栾川县人民政府");
    assert_eq!(s.item_code, None);

    let s = &all[2];
    assert_eq!(s.source, Source::Unannounced);
    assert_eq!(s.county, None, "a department has no county");
    assert_eq!(s.target_name, "民政局");

    assert_eq!(all[3], op);
}

#[rstest]
fn the_suggestion_list_filters_by_county_source_group_and_words(mut demo: Demo) {
    let home = demo.facility(TargetKind::HomeCarePoint, 0);
    let ins = demo.start(&home.id, InspectionKind::LawEnforcement, "2024-05-10", "第一组");
    inspection::add_suggestion(&mut demo.db, &ins, None, "建议配备紧急呼叫装置", ACTOR).unwrap();
    let county = demo.county_id("栾川县");
    let ins2 = demo.start(&county, InspectionKind::SelfCheckReview, "2024-05-12", "第二组");
    inspection::add_suggestion(&mut demo.db, &ins2, None, "建议县政府加大投入", ACTOR).unwrap();
    suggestions::create_opinion(&mut demo.db, &opinion("建议增加护理员培训经费"), ACTOR).unwrap();
    suggestions::create_opinion(&mut demo.db, &NewOpinion { source: Source::SelfCheck, county: Some("栾川县".into()), ..opinion("自查发现资金缺口") }, ACTOR)
        .unwrap();

    let texts = |f: SuggestionFilter| -> Vec<String> { suggestions::list(&demo.db, &f).unwrap().into_iter().map(|s| s.text).collect() };
    assert_eq!(texts(SuggestionFilter { county: Some("栾川县".into()), ..Default::default() }), ["建议县政府加大投入", "自查发现资金缺口"]);
    assert_eq!(texts(SuggestionFilter { source: Some(Source::SelfCheck), ..Default::default() }), ["建议县政府加大投入", "自查发现资金缺口"]);
    assert_eq!(texts(SuggestionFilter { source: Some(Source::LawEnforcement), ..Default::default() }), ["建议配备紧急呼叫装置"]);
    assert_eq!(texts(SuggestionFilter { group: Some("第三组".into()), ..Default::default() }), ["建议增加护理员培训经费", "自查发现资金缺口"]);
    assert_eq!(texts(SuggestionFilter { search: Some("护理员".into()), ..Default::default() }), ["建议增加护理员培训经费"]);
    assert_eq!(texts(SuggestionFilter { search: Some("城关镇敬老院".into()), ..Default::default() }).len(), 2, "search covers the target");
    assert_eq!(texts(SuggestionFilter { search: Some("市民政局".into()), ..Default::default() }).len(), 2, "search covers the addressee");
    assert_eq!(texts(SuggestionFilter { search: Some("100%".into()), ..Default::default() }), Vec::<String>::new(), "LIKE wildcards are literal");
    assert_eq!(texts(SuggestionFilter { county: Some("汝阳县".into()), source: Some(Source::Forum), ..Default::default() }), ["建议增加护理员培训经费"]);
}

// ---------------------------------------------------------------- 评价清单

fn eval(kind: SubjectKind, subject: &str, aspect: Aspect, evaluator: Evaluator, score: f64) -> NewEvaluation {
    NewEvaluation { subject_kind: kind, subject: subject.into(), aspect, evaluator, evaluated_on: Some("2024-05-15".into()), score, comment: String::new() }
}

#[rstest]
#[case::congress_rectification_department(SubjectKind::Department, "民政局", Aspect::Rectification, Evaluator::Congress)]
#[case::congress_report_department(SubjectKind::Department, "民政局", Aspect::Report, Evaluator::Congress)]
#[case::congress_report_county(SubjectKind::County, "汝阳县", Aspect::Report, Evaluator::Congress)]
#[case::deputies_result_department(SubjectKind::Department, "卫生健康委员会", Aspect::Result, Evaluator::Deputies)]
#[case::public_result_county(SubjectKind::County, "汝阳县", Aspect::Result, Evaluator::Public)]
#[case::public_result_topic(SubjectKind::Topic, "农村养老服务", Aspect::Result, Evaluator::Public)]
fn the_two_way_rule_allows(mut demo: Demo, #[case] kind: SubjectKind, #[case] subject: &str, #[case] aspect: Aspect, #[case] evaluator: Evaluator) {
    let e = evaluation::create(&mut demo.db, &eval(kind, subject, aspect, evaluator, 93.5), ACTOR).unwrap();
    assert_eq!((e.subject_kind, e.subject.as_str(), e.aspect, e.evaluator, e.score), (kind, subject, aspect, evaluator, 93.5));
    assert_eq!(e.evaluated_on, "2024-05-15");
    assert_eq!(evaluation::list(&demo.db, &EvaluationFilter::default()).unwrap(), vec![e]);
}

#[rstest]
#[case::deputies_rectification(SubjectKind::Department, Aspect::Rectification, Evaluator::Deputies, "整改工作由人大常委会测评；人大代表测评的是整改成效")]
#[case::public_report(SubjectKind::Department, Aspect::Report, Evaluator::Public, "整改报告由人大常委会测评；群众测评的是整改成效")]
#[case::public_rectification_county(SubjectKind::County, Aspect::Rectification, Evaluator::Public, "整改工作由人大常委会测评")]
#[case::congress_result(SubjectKind::Department, Aspect::Result, Evaluator::Congress, "整改成效由人大代表或群众测评")]
#[case::congress_rectification_topic(SubjectKind::Topic, Aspect::Rectification, Evaluator::Congress, "专题没有整改和报告的责任单位")]
#[case::congress_report_topic(SubjectKind::Topic, Aspect::Report, Evaluator::Congress, "整改报告的测评对象须是部门或县（市、区）")]
fn the_two_way_rule_refuses(mut demo: Demo, #[case] kind: SubjectKind, #[case] aspect: Aspect, #[case] evaluator: Evaluator, #[case] reason: &str) {
    let subject = match kind {
        SubjectKind::Department => "民政局",
        SubjectKind::County => "汝阳县",
        SubjectKind::Topic => "农村养老服务",
    };
    let before = dump(&demo.db);
    let msg = refusal(evaluation::create(&mut demo.db, &eval(kind, subject, aspect, evaluator, 90.0), ACTOR));
    assert!(msg.contains(reason), "{msg}");
    assert_eq!(dump(&demo.db), before);
    assert!(evaluation::check_combination(kind, aspect, evaluator).is_err());
}

#[rstest]
fn the_rule_in_english_names_both_sides() {
    let e = evaluation::check_combination(SubjectKind::Department, Aspect::Report, Evaluator::Deputies).unwrap_err();
    assert!(e.message(Lang::En).contains("congress standing committee scores the rectification report; deputies score the result"), "{}", e.message(Lang::En));
}

#[rstest]
#[case::zero(0.0, 0.0)]
#[case::hundred(100.0, 100.0)]
#[case::two_decimals(92.79, 92.79)]
#[case::one_decimal(95.5, 95.5)]
fn scores_from_0_to_100_with_two_decimals_are_kept(mut demo: Demo, #[case] score: f64, #[case] stored: f64) {
    let e = evaluation::create(&mut demo.db, &eval(SubjectKind::Department, "民政局", Aspect::Report, Evaluator::Congress, score), ACTOR).unwrap();
    assert_eq!(e.score, stored);
    assert_eq!(evaluation::get(&demo.db, &e.id).unwrap().score, stored);
}

#[rstest]
#[case::negative(-0.01, "超出范围")]
#[case::above(100.01, "超出范围")]
#[case::nan(f64::NAN, "超出范围")]
#[case::infinite(f64::INFINITY, "超出范围")]
#[case::three_decimals(95.555, "最多保留两位小数")]
fn bad_scores_are_refused(mut demo: Demo, #[case] score: f64, #[case] reason: &str) {
    let before = dump(&demo.db);
    let msg = refusal(evaluation::create(&mut demo.db, &eval(SubjectKind::Department, "民政局", Aspect::Report, Evaluator::Congress, score), ACTOR));
    assert!(msg.contains(reason), "{msg}");
    assert_eq!(dump(&demo.db), before);
}

#[rstest]
fn evaluation_subjects_dates_and_comments_are_checked(mut demo: Demo) {
    let before = dump(&demo.db);
    let base = eval(SubjectKind::Department, "民政局", Aspect::Report, Evaluator::Congress, 90.0);
    assert_eq!(not_found(evaluation::create(&mut demo.db, &NewEvaluation { subject: "民政厅".into(), ..base.clone() }, ACTOR)), "部门:民政厅");
    assert_eq!(
        not_found(evaluation::create(&mut demo.db, &NewEvaluation { subject_kind: SubjectKind::County, subject: "郑州市".into(), ..base.clone() }, ACTOR)),
        "县（市、区）:郑州市"
    );
    let msg = refusal(evaluation::create(&mut demo.db, &NewEvaluation { subject: "  ".into(), ..base.clone() }, ACTOR));
    assert!(msg.contains("不能为空"), "{msg}");
    let topic = NewEvaluation { subject_kind: SubjectKind::Topic, aspect: Aspect::Result, evaluator: Evaluator::Public, ..base.clone() };
    let msg = refusal(evaluation::create(&mut demo.db, &NewEvaluation { subject: "题".repeat(201), ..topic.clone() }, ACTOR));
    assert!(msg.contains("最多 200"), "{msg}");
    let msg = refusal(evaluation::create(&mut demo.db, &NewEvaluation { evaluated_on: Some("2024-05-21".into()), ..base.clone() }, ACTOR));
    assert!(msg.contains("晚于今天"), "{msg}");
    let msg = refusal(evaluation::create(&mut demo.db, &NewEvaluation { comment: "评".repeat(2001), ..base.clone() }, ACTOR));
    assert!(msg.contains("最多 2000"), "{msg}");
    assert_eq!(dump(&demo.db), before, "nothing refused was written");

    let e = evaluation::create(&mut demo.db, &NewEvaluation { evaluated_on: None, comment: " 整改报告内容翔实 ".into(), ..base }, ACTOR).unwrap();
    assert_eq!(e.evaluated_on, "2024-05-20", "today by default");
    assert_eq!(e.comment, "整改报告内容翔实");
    let t = evaluation::create(&mut demo.db, &NewEvaluation { subject: " 农村 养老服务 ".into(), ..topic }, ACTOR).unwrap();
    assert_eq!(t.subject, "农村 养老服务", "a topic is kept as written, trimmed");
}

#[rstest]
fn a_correction_changes_score_and_comment_and_logs_the_old_values(mut demo: Demo) {
    let e = evaluation::create(&mut demo.db, &eval(SubjectKind::Department, "民政局", Aspect::Rectification, Evaluator::Congress, 88.0), ACTOR).unwrap();
    demo.clock.advance(Duration::minutes(5));
    let u = evaluation::update(&mut demo.db, &e.id, &EvaluationUpdate { score: Some(89.5), comment: Some("录入有误，更正".into()) }, "李秀英").unwrap();
    assert_eq!((u.score, u.comment.as_str()), (89.5, "录入有误，更正"));
    assert_eq!((u.subject_kind, u.aspect, u.evaluator, u.evaluated_on.as_str()), (e.subject_kind, e.aspect, e.evaluator, e.evaluated_on.as_str()));
    assert_ne!(u.updated_at, e.updated_at);
    let log: Vec<(String, Option<String>, Option<String>, String)> =
        demo.changes("evaluation", &e.id).into_iter().map(|c| (c.field, c.old_value, c.new_value, c.actor)).collect();
    assert_eq!(
        log,
        vec![
            ("score".to_string(), None, Some("88".to_string()), ACTOR.to_string()),
            ("score".to_string(), Some("88".to_string()), Some("89.5".to_string()), "李秀英".to_string()),
            ("comment".to_string(), Some(String::new()), Some("录入有误，更正".to_string()), "李秀英".to_string()),
        ]
    );

    // Only the comment; the score stays.
    let u2 = evaluation::update(&mut demo.db, &e.id, &EvaluationUpdate { score: None, comment: Some("".into()) }, ACTOR).unwrap();
    assert_eq!((u2.score, u2.comment.as_str()), (89.5, ""));
    assert_eq!(demo.changes("evaluation", &e.id).len(), 4);

    // The same values again, later: nothing to log, nothing touched.
    demo.clock.advance(Duration::minutes(5));
    let before = dump(&demo.db);
    evaluation::update(&mut demo.db, &e.id, &EvaluationUpdate { score: Some(89.5), comment: None }, ACTOR).unwrap();
    assert_eq!(dump(&demo.db), before);
}

#[rstest]
fn bad_corrections_are_refused(mut demo: Demo) {
    let e = evaluation::create(&mut demo.db, &eval(SubjectKind::Department, "民政局", Aspect::Rectification, Evaluator::Congress, 88.0), ACTOR).unwrap();
    let before = dump(&demo.db);
    let msg = refusal(evaluation::update(&mut demo.db, &e.id, &EvaluationUpdate::default(), ACTOR));
    assert!(msg.contains("不能为空"), "{msg}");
    let msg = refusal(evaluation::update(&mut demo.db, &e.id, &EvaluationUpdate { score: Some(101.0), comment: Some("x".into()) }, ACTOR));
    assert!(msg.contains("超出范围"), "{msg}");
    let msg = refusal(evaluation::update(&mut demo.db, &e.id, &EvaluationUpdate { score: Some(90.123), comment: None }, ACTOR));
    assert!(msg.contains("两位小数"), "{msg}");
    assert_eq!(not_found(evaluation::update(&mut demo.db, "no-such-id", &EvaluationUpdate { score: Some(90.0), comment: None }, ACTOR)), "评价:no-such-id");
    assert_eq!(dump(&demo.db), before);
}

type SummaryTuple = (SubjectKind, String, Aspect, Evaluator, u32, f64, f64, f64);

#[rstest]
fn the_summary_counts_and_averages_per_subject_aspect_and_evaluator(mut demo: Demo) {
    let mz = |aspect, evaluator, score| eval(SubjectKind::Department, "民政局", aspect, evaluator, score);
    for s in [90.0, 95.5, 92.25] {
        evaluation::create(&mut demo.db, &mz(Aspect::Rectification, Evaluator::Congress, s), ACTOR).unwrap();
    }
    // 92.795 rounds half up to 92.80: the mean is taken in hundredths, not floats.
    for s in [92.79, 92.80] {
        evaluation::create(&mut demo.db, &mz(Aspect::Result, Evaluator::Public, s), ACTOR).unwrap();
    }
    evaluation::create(&mut demo.db, &mz(Aspect::Result, Evaluator::Deputies, 94.0), ACTOR).unwrap();
    for s in [93.0, 94.0] {
        evaluation::create(&mut demo.db, &eval(SubjectKind::Topic, "农村养老服务", Aspect::Result, Evaluator::Public, s), ACTOR).unwrap();
    }
    evaluation::create(&mut demo.db, &eval(SubjectKind::County, "汝阳县", Aspect::Report, Evaluator::Congress, 91.0), ACTOR).unwrap();
    // 发展和改革委员会 comes after 民政局 in the registry.
    evaluation::create(&mut demo.db, &eval(SubjectKind::Department, "发展和改革委员会", Aspect::Report, Evaluator::Congress, 85.0), ACTOR).unwrap();

    let rows: Vec<SummaryTuple> = evaluation::summary(&demo.db)
        .unwrap()
        .into_iter()
        .map(|s| (s.subject_kind, s.subject, s.aspect, s.evaluator, s.count, s.mean, s.min, s.max))
        .collect();
    use Aspect::*;
    use Evaluator::*;
    use SubjectKind::*;
    assert_eq!(
        rows,
        vec![
            (Department, "民政局".into(), Rectification, Congress, 3, 92.58, 90.0, 95.5),
            (Department, "民政局".into(), Result, Deputies, 1, 94.0, 94.0, 94.0),
            (Department, "民政局".into(), Result, Public, 2, 92.8, 92.79, 92.8),
            (Department, "发展和改革委员会".into(), Report, Congress, 1, 85.0, 85.0, 85.0),
            (County, "汝阳县".into(), Report, Congress, 1, 91.0, 91.0, 91.0),
            (Topic, "农村养老服务".into(), Result, Public, 2, 93.5, 93.0, 94.0),
        ]
    );
}

#[rstest]
fn the_evaluation_list_filters_and_shows_newest_first(mut demo: Demo) {
    let mut a = eval(SubjectKind::Department, "民政局", Aspect::Rectification, Evaluator::Congress, 90.0);
    a.evaluated_on = Some("2024-05-01".into());
    evaluation::create(&mut demo.db, &a, ACTOR).unwrap();
    evaluation::create(&mut demo.db, &eval(SubjectKind::Department, "民政局", Aspect::Result, Evaluator::Public, 91.0), ACTOR).unwrap();
    evaluation::create(&mut demo.db, &eval(SubjectKind::Topic, "农村养老服务", Aspect::Result, Evaluator::Deputies, 92.0), ACTOR).unwrap();
    let scores = |f: EvaluationFilter| -> Vec<f64> { evaluation::list(&demo.db, &f).unwrap().into_iter().map(|e| e.score).collect() };
    assert_eq!(scores(EvaluationFilter::default()), [92.0, 91.0, 90.0]);
    assert_eq!(scores(EvaluationFilter { subject: Some("民政局".into()), ..Default::default() }), [91.0, 90.0]);
    assert_eq!(scores(EvaluationFilter { subject_kind: Some(SubjectKind::Topic), ..Default::default() }), [92.0]);
    assert_eq!(scores(EvaluationFilter { aspect: Some(Aspect::Result), ..Default::default() }), [92.0, 91.0]);
    assert_eq!(scores(EvaluationFilter { evaluator: Some(Evaluator::Congress), ..Default::default() }), [90.0]);
}

#[rstest]
fn evaluation_vocabularies_read_what_people_write() {
    assert_eq!(Evaluator::parse("常委会"), Some(Evaluator::Congress));
    assert_eq!(Evaluator::parse("代表"), Some(Evaluator::Deputies));
    assert_eq!(Evaluator::parse("群众"), Some(Evaluator::Public));
    assert_eq!(Aspect::parse("整改成效"), Some(Aspect::Result));
    assert_eq!(Aspect::parse("整改报告"), Some(Aspect::Report));
    assert_eq!(SubjectKind::parse("县(市、区)"), Some(SubjectKind::County), "half-width brackets too");
    assert_eq!(SubjectKind::parse("县委"), None);
}

// ---------------------------------------------------------------- 学习清单

fn r(document: &str, articles: &[&str]) -> BasisRef {
    BasisRef { document: document.into(), articles: articles.iter().map(|a| a.to_string()).collect() }
}

#[rstest]
#[case::two_documents_with_articles(
    "《中华人民共和国消防法》第十六条、第十七条；《河南省消防条例》第十三条、第十四条",
    vec![r("《中华人民共和国消防法》", &["第十六条", "第十七条"]), r("《河南省消防条例》", &["第十三条", "第十四条"])]
)]
#[case::number_and_note_dropped("《“十四五”国家老龄事业发展和养老服务体系规划》（国发〔2021〕35号）（指标待核）", vec![r("《“十四五”国家老龄事业发展和养老服务体系规划》", &[])])]
#[case::standard_number_then_part(
    "《养老机构服务安全基本规范》（GB 38600-2019）基本要求（条款待核）",
    vec![r("《养老机构服务安全基本规范》", &["基本要求（条款待核）"])]
)]
#[case::chapter_with_note("《河南省养老服务条例》第三章（条款待核）", vec![r("《河南省养老服务条例》", &["第三章（条款待核）"])])]
#[case::unverified_article_keeps_its_note(
    "《中华人民共和国食品安全法》第三十五条（待核）、第五十七条",
    vec![r("《中华人民共和国食品安全法》", &["第三十五条（待核）", "第五十七条"])]
)]
#[case::clause_and_items(
    "《中华人民共和国食品安全法》第三十三条第一款第四项和第六项、第五十四条",
    vec![r("《中华人民共和国食品安全法》", &["第三十三条第一款第四项和第六项", "第五十四条"])]
)]
#[case::local_document_without_title_marks(
    "当地养老服务设施星级评定办法（以本地文件为准）；《河南省养老服务条例》第六章（条款待核）",
    vec![r("当地养老服务设施星级评定办法", &[]), r("《河南省养老服务条例》", &["第六章（条款待核）"])]
)]
#[case::local_plan("《“十四五”国家老龄事业发展和养老服务体系规划》（国发〔2021〕35号）；本地养老服务体系建设规划", vec![r("《“十四五”国家老龄事业发展和养老服务体系规划》", &[]), r("本地养老服务体系建设规划", &[])])]
#[case::titles_joined_by_pause_mark("《养老机构管理办法》、《养老机构等级划分与评定》第五条", vec![r("《养老机构管理办法》", &[]), r("《养老机构等级划分与评定》", &["第五条"])])]
#[case::local_document_with_article("某县养老服务补贴办法第五条", vec![r("某县养老服务补贴办法", &["第五条"])])]
#[case::pause_mark_inside_a_note("《A条例》第五条（第一款、第二款待核）、第六条", vec![r("《A条例》", &["第五条（第一款、第二款待核）", "第六条"])])]
#[case::same_document_twice("《A条例》第一条；《A条例》第一条、第二条", vec![r("《A条例》", &["第一条", "第二条"])])]
#[case::half_width_semicolon("《A条例》第一条;《B办法》", vec![r("《A条例》", &["第一条"]), r("《B办法》", &[])])]
#[case::empty("", vec![])]
fn basis_texts_split_into_documents_and_articles(#[case] basis: &str, #[case] expected: Vec<BasisRef>) {
    assert_eq!(parse_basis(basis), expected);
}

#[rstest]
fn the_learning_list_covers_every_cited_document_of_the_active_catalog(demo: Demo) {
    let docs = learning::documents(&demo.db, None).unwrap();
    let names: Vec<&str> = docs.iter().map(|d| d.document.as_str()).collect();
    for expected in ["《河南省养老服务条例》", "《河南省老年人权益保障条例》", "《中华人民共和国消防法》", "《养老机构服务安全基本规范》", "当地养老服务设施星级评定办法"] {
        assert!(names.contains(&expected), "{expected} missing from {names:?}");
    }
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "each document once");
    assert!(names.iter().all(|n| !n.contains("待核") && !n.contains('（') && !n.contains("GB")), "{names:?}");

    // Every item with a basis is grounded by some document, and only codes of the catalog appear.
    let items = qingdan_core::catalog::list_items(&demo.db, &Default::default()).unwrap();
    assert_eq!(items.len(), 117);
    for item in &items {
        assert!(docs.iter().any(|d| d.item_codes.contains(&item.code)), "{} ({}) is grounded by no document", item.code, item.basis);
    }
    let fire = docs.iter().find(|d| d.document == "《中华人民共和国消防法》").unwrap();
    assert!(fire.item_codes.contains(&"S31".to_string()));
    assert_eq!(fire.item_codes, {
        let mut c: Vec<String> = items.iter().filter(|i| i.basis.contains("《中华人民共和国消防法》")).map(|i| i.code.clone()).collect();
        c.dedup();
        c
    });
    assert_eq!(&fire.articles[..2], ["第十六条", "第十七条"]);
    assert!(fire.studied_by.is_empty() && !fire.studied_by_person);

    // Articles in numeric order: chapters, then articles.
    let law = docs.iter().find(|d| d.document == "《河南省老年人权益保障条例》").unwrap();
    let pos = |a: &str| law.articles.iter().position(|x| x == a).unwrap_or_else(|| panic!("{a} missing from {:?}", law.articles));
    assert!(pos("第五条") < pos("第八条"));
    assert!(pos("第八条") < pos("第二十五条"));
    assert!(pos("第二十五条") < pos("第四十二条"));
    assert!(pos("第四十二条") < pos("第五十条"));
    let regulation = docs.iter().find(|d| d.document == "《河南省养老服务条例》").unwrap();
    assert_eq!(regulation.articles.first().map(String::as_str), Some("第一章（条款待核）"));
}

#[rstest]
fn a_person_marks_a_document_studied(mut demo: Demo) {
    let doc = learning::mark_studied(&mut demo.db, "李秀英", "《中华人民共和国消防法》", None, ACTOR).unwrap();
    assert_eq!(doc.document, "《中华人民共和国消防法》");
    assert_eq!(doc.studied_by, ["李秀英"]);
    assert!(doc.studied_by_person);
    assert_eq!(doc.studied_on.as_deref(), Some("2024-05-20"));
    // Without the title marks, on a past date, by another person.
    let doc = learning::mark_studied(&mut demo.db, "王志强", "中华人民共和国消防法", Some("2024-05-02"), ACTOR).unwrap();
    assert_eq!(doc.studied_by, ["李秀英", "王志强"]);
    assert_eq!(doc.studied_on.as_deref(), Some("2024-05-02"));

    let seen = |db: &Db, person: Option<&str>| -> (bool, Vec<String>) {
        let d = learning::documents(db, person).unwrap().into_iter().find(|d| d.document == "《中华人民共和国消防法》").unwrap();
        (d.studied_by_person, d.studied_by)
    };
    assert!(seen(&demo.db, Some("李秀英")).0);
    assert!(!seen(&demo.db, Some("赵国强")).0);
    assert_eq!(seen(&demo.db, None), (false, vec!["李秀英".to_string(), "王志强".to_string()]));
    let other = learning::documents(&demo.db, Some("李秀英")).unwrap().into_iter().find(|d| d.document == "《河南省消防条例》").unwrap();
    assert!(!other.studied_by_person && other.studied_by.is_empty(), "a mark is per document");

    // Marking again moves the date; the log keeps both.
    let doc = learning::mark_studied(&mut demo.db, "李秀英", "《中华人民共和国消防法》", Some("2024-05-10"), ACTOR).unwrap();
    assert_eq!(doc.studied_on.as_deref(), Some("2024-05-10"));
    let log: Vec<(Option<String>, Option<String>)> =
        demo.changes("study_mark", "李秀英/《中华人民共和国消防法》").into_iter().map(|c| (c.old_value, c.new_value)).collect();
    assert_eq!(log, vec![(None, Some("2024-05-20".to_string())), (Some("2024-05-20".to_string()), Some("2024-05-10".to_string()))]);

    learning::unmark_studied(&mut demo.db, "李秀英", "《中华人民共和国消防法》", ACTOR).unwrap();
    assert_eq!(seen(&demo.db, Some("李秀英")), (false, vec!["王志强".to_string()]));
    assert_eq!(demo.changes("study_mark", "李秀英/《中华人民共和国消防法》").last().unwrap().new_value, None);
    assert_eq!(
        not_found(learning::unmark_studied(&mut demo.db, "李秀英", "《中华人民共和国消防法》", ACTOR)),
        "学习记录:李秀英：《中华人民共和国消防法》"
    );
}

#[rstest]
fn only_listed_documents_can_be_marked(mut demo: Demo) {
    let before = dump(&demo.db);
    let msg = refusal(learning::mark_studied(&mut demo.db, "李秀英", "《中华人民共和国刑法》", None, ACTOR));
    assert!(msg.contains("“《中华人民共和国刑法》”不在学习清单中"), "{msg}");
    let msg = refusal(learning::mark_studied(&mut demo.db, "", "《中华人民共和国消防法》", None, ACTOR));
    assert!(msg.contains("不能为空"), "{msg}");
    let msg = refusal(learning::mark_studied(&mut demo.db, "李秀英", " ", None, ACTOR));
    assert!(msg.contains("不能为空"), "{msg}");
    let msg = refusal(learning::mark_studied(&mut demo.db, "李秀英", "《中华人民共和国消防法》", Some("2024-05-21"), ACTOR));
    assert!(msg.contains("晚于今天"), "{msg}");
    let msg = refusal(learning::mark_studied(&mut demo.db, &"名".repeat(101), "《中华人民共和国消防法》", None, ACTOR));
    assert!(msg.contains("最多 100"), "{msg}");
    assert_eq!(dump(&demo.db), before);
}

#[rstest]
fn the_learning_list_follows_the_active_catalog_version(mut demo: Demo) {
    use qingdan_core::catalog::{self, ItemKind, ParsedCatalog, ParsedGroup, ParsedItem, Severity};
    let item = |code: &str, basis: &str| ParsedItem {
        code: code.into(),
        title: "条目".into(),
        requirement: "要求".into(),
        basis: basis.into(),
        methods: vec![],
        applies_to: vec![TargetKind::ElderlyCareInstitution],
        departments: vec!["民政局".into()],
        severity: Severity::General,
        major_hazard: false,
        quick_phrases: vec![],
    };
    let parsed = ParsedCatalog {
        name: "某县清单".into(),
        source: "test".into(),
        groups: vec![ParsedGroup { kind: ItemKind::Standard, name: "一组".into(), items: vec![item("S01", "《甲条例》第二条、第一条"), item("S02", "《乙办法》；《甲条例》第十条、第三章")] }],
    };
    demo.db.with_tx(|tx| catalog::store_catalog(tx, &parsed, false)).unwrap();
    let docs = learning::documents(&demo.db, None).unwrap();
    let summary: Vec<(String, Vec<String>, Vec<String>)> = docs.into_iter().map(|d| (d.document, d.articles, d.item_codes)).collect();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        summary,
        vec![
            ("《甲条例》".to_string(), s(&["第三章", "第一条", "第二条", "第十条"]), s(&["S01", "S02"])),
            ("《乙办法》".to_string(), vec![], s(&["S02"])),
        ]
    );
    let msg = refusal(learning::mark_studied(&mut demo.db, "李秀英", "《中华人民共和国消防法》", None, ACTOR));
    assert!(msg.contains("不在学习清单中"), "{msg}");
}

// ---------------------------------------------------------------- 责任清单

fn problem_on(demo: &mut Demo, department: &str, code: &str, target_id: Option<&str>) -> String {
    let p = NewProblem {
        target_id: target_id.map(String::from),
        target_name: "某养老机构".into(),
        item_code: Some(code.into()),
        description: format!("{department} {code} 问题"),
        source: Some(Source::SelfCheck),
        department: Some(department.into()),
        found_on: Some("2024-05-10".into()),
        ..Default::default()
    };
    problem::create(&mut demo.db, &p, ACTOR).unwrap().problem.id
}

fn plan(demo: &mut Demo, id: &str, deadline: &str) {
    let p = Plan { measure: "立即整改".into(), unit: "某养老机构".into(), person: "王院长".into(), deadline: deadline.into() };
    problem::plan(&mut demo.db, id, &p, ACTOR).unwrap();
}

fn row<'a>(rows: &'a [ResponsibilityRow], department: &str, code: &str) -> &'a ResponsibilityRow {
    let found: Vec<&ResponsibilityRow> = rows.iter().filter(|r| r.department == department && r.item_codes.iter().any(|c| c == code)).collect();
    assert_eq!(found.len(), 1, "{department} has one duty with {code}");
    found[0]
}

/// Open, overdue, closed.
type Counts = (u32, u32, u32);

fn counts(r: &ResponsibilityRow) -> Counts {
    (r.open, r.overdue, r.closed)
}

#[rstest]
fn the_reference_responsibility_list_starts_with_zeros(demo: Demo) {
    let rows = responsibility::list(&demo.db).unwrap();
    assert_eq!(rows.len(), 108, "108 duties");
    let mut departments: Vec<&str> = rows.iter().map(|r| r.department.as_str()).collect();
    departments.dedup();
    assert_eq!(departments.len(), 24, "24 departments, each in one run");
    assert_eq!(departments[0], "民政局", "registry order");
    assert!(rows.iter().all(|r| counts(r) == (0, 0, 0)));
    assert!(rows[0].duty.starts_with("统筹养老服务设施布局"), "duties in their order: {}", rows[0].duty);
    assert_eq!(rows[0].item_codes, ["S01", "S02", "S03", "S04", "I01", "I08", "I09"]);
}

#[rstest]
fn problems_count_for_the_duties_of_their_department_and_item(mut demo: Demo) {
    let home = demo.facility(TargetKind::ElderlyCareInstitution, 0).id;
    // 民政局 × S31 (消防安全行业管理): one pending, one planned, one rectified awaiting verification.
    let _pending = problem_on(&mut demo, "民政局", "S31", Some(&home));
    let planned = problem_on(&mut demo, "民政局", "S31", Some(&home));
    plan(&mut demo, &planned, "2024-05-25");
    let awaiting = problem_on(&mut demo, "民政局", "S31", None);
    plan(&mut demo, &awaiting, "2024-05-22");
    problem::report_done(&mut demo.db, &awaiting, "已整改", None, ACTOR).unwrap();
    // One closed out after verification.
    let closed = problem_on(&mut demo, "民政局", "S32", None);
    plan(&mut demo, &closed, "2024-05-22");
    problem::report_done(&mut demo.db, &closed, "已整改", None, ACTOR).unwrap();
    let v = Verification { by: "王志强".into(), method: VerifyMethod::DocumentReview, result: VerifyResult::Pass, note: String::new(), on: None };
    problem::verify(&mut demo.db, &closed, &v, None, ACTOR).unwrap();
    // One withdrawn (merged into another): it no longer counts.
    let merged = problem_on(&mut demo, "民政局", "S31", Some(&home));
    problem::merge(&mut demo.db, &planned, std::slice::from_ref(&merged), ACTOR).unwrap();
    assert_eq!(problem::get(&demo.db, &merged).unwrap().problem.status, problem::Status::Withdrawn);
    // The same item under another department counts only there.
    problem_on(&mut demo, "消防救援机构", "S31", None);
    // 民政局 on an item none of its duties names: on no 民政局 row.
    problem_on(&mut demo, "民政局", "S35", None);

    let rows = responsibility::list(&demo.db).unwrap();
    assert_eq!(counts(row(&rows, "民政局", "S31")), (3, 0, 1), "S31: pending, planned, awaiting; S32 closed");
    assert_eq!(counts(row(&rows, "消防救援机构", "S31")), (1, 0, 0));
    assert_eq!(rows.iter().filter(|r| r.department == "民政局").map(|r| r.open).sum::<u32>(), 3, "the S35 problem is on no duty of 民政局");
    assert_eq!(rows.iter().map(|r| r.open + r.closed).sum::<u32>(), 5);
}

#[rstest]
fn overdue_starts_the_day_after_the_deadline_in_beijing_time(mut demo: Demo) {
    let planned = problem_on(&mut demo, "民政局", "S31", None);
    plan(&mut demo, &planned, "2024-05-25");
    let awaiting = problem_on(&mut demo, "民政局", "S31", None);
    plan(&mut demo, &awaiting, "2024-05-22");
    problem::report_done(&mut demo.db, &awaiting, "已整改", None, ACTOR).unwrap();
    let no_deadline = problem_on(&mut demo, "民政局", "S31", None);
    let _ = no_deadline;

    let at = |demo: &mut Demo, t: &str| {
        demo.clock.set(utc(t));
        counts(row(&responsibility::list(&demo.db).unwrap(), "民政局", "S31"))
    };
    // 23:59 on 25 May in Beijing: the deadline is today, not overdue.
    assert_eq!(at(&mut demo, "2024-05-25T15:59:00Z"), (3, 0, 0));
    // 00:00 on 26 May in Beijing (still 25 May in UTC): overdue. The one
    // awaiting verification (deadline 22 May) is rectified, so never overdue.
    assert_eq!(at(&mut demo, "2024-05-25T16:00:00Z"), (3, 1, 0));
}

#[rstest]
fn an_item_on_two_duties_counts_for_both(mut demo: Demo) {
    problem_on(&mut demo, "自然资源和规划局", "S01", None);
    let rows = responsibility::list(&demo.db).unwrap();
    let with_s01: Vec<(u32, u32, u32)> =
        rows.iter().filter(|r| r.department == "自然资源和规划局" && r.item_codes.iter().any(|c| c == "S01")).map(counts).collect();
    assert_eq!(with_s01, [(1, 0, 0), (1, 0, 0)]);
}

#[rstest]
fn a_duty_without_items_is_listed_with_zeros(mut demo: Demo) {
    let dep = ParsedDepartment {
        name: "老龄工作委员会办公室".into(),
        kind: "其他".into(),
        duties: vec![
            ParsedDuty { text: "统筹协调老龄工作".into(), item_codes: vec![] },
            ParsedDuty { text: "督促落实敬老月活动".into(), item_codes: vec!["s59".into(), "S59".into()] },
        ],
    };
    demo.db.with_tx(|tx| department::store_departments(tx, &[dep])).unwrap();
    problem_on(&mut demo, "老龄工作委员会办公室", "S59", None);
    let rows = responsibility::list(&demo.db).unwrap();
    let mine: Vec<(&str, Vec<String>, Counts)> =
        rows.iter().filter(|r| r.department == "老龄工作委员会办公室").map(|r| (r.duty.as_str(), r.item_codes.clone(), counts(r))).collect();
    assert_eq!(
        mine,
        vec![("统筹协调老龄工作", vec![], (0, 0, 0)), ("督促落实敬老月活动", vec!["s59".to_string(), "S59".to_string()], (1, 0, 0))],
        "a code written in lower case still matches, and a code written twice counts once"
    );
    assert_eq!(rows.last().unwrap().department, "老龄工作委员会办公室", "a new department comes last");
}
