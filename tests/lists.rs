//! 录入测评 and 登记意见建议 over a real database file with the demo data, as
//! the UI drives them: an evaluation the two-way rule allows is recorded and
//! summed up, an opinion lands in the 意见建议 list; a pairing the rule
//! refuses (群众 scoring 整改工作), an unknown department, a bad score or an
//! oversized text is refused with the reason and writes nothing.

use qingdan_app::commands::inspection::set_user_name;
use qingdan_app::commands::lists::{self as cmd};
use qingdan_app::{AppState, ErrorCode, IpcError};
use qingdan_core::lists::evaluation::{Aspect, Evaluator, NewEvaluation, SubjectKind};
use qingdan_core::lists::suggestions::{NewOpinion, SuggestionOrigin};
use qingdan_core::problem::Source;
use qingdan_core::{Db, Lang};
use serde_json::Value;

fn fixture(dir: &std::path::Path) -> AppState {
    let mut db = Db::open(dir.join("qingdan.db")).unwrap();
    qingdan_core::demo::populate(&mut db).unwrap();
    let state = AppState::with_db(db, Lang::Zh);
    set_user_name(&state, "张三").unwrap();
    state
}

/// Rows of the tables the two commands write, and of the change log.
fn written(state: &AppState) -> Vec<i64> {
    state
        .read(|db| {
            ["evaluation", "opinion", "change_log"]
                .iter()
                .map(|t| Ok(db.conn().query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get::<_, i64>(0))?))
                .collect()
        })
        .unwrap()
}

fn json_of(err: &IpcError) -> Value {
    serde_json::to_value(err).unwrap()
}

fn evaluation() -> NewEvaluation {
    NewEvaluation {
        subject_kind: SubjectKind::Department,
        subject: "民政局".into(),
        aspect: Aspect::Rectification,
        evaluator: Evaluator::Congress,
        evaluated_on: Some("2024-06-28".into()),
        score: 92.79,
        comment: "整改措施具体，台账清楚".into(),
    }
}

#[test]
fn an_evaluation_the_two_way_rule_allows_is_recorded_and_summed_up() {
    let dir = tempfile::tempdir().unwrap();
    let s = fixture(dir.path());
    let e = cmd::create_evaluation(&s, &evaluation()).unwrap();
    assert_eq!((e.subject.as_str(), e.score, e.evaluated_on.as_str()), ("民政局", 92.79, "2024-06-28"));
    let topic = NewEvaluation {
        subject_kind: SubjectKind::Topic,
        subject: "农村养老服务".into(),
        aspect: Aspect::Result,
        evaluator: Evaluator::Public,
        evaluated_on: None,
        score: 95.73,
        comment: String::new(),
    };
    let t = cmd::create_evaluation(&s, &topic).unwrap();
    assert_eq!(t.evaluated_on.len(), 10, "today when no date is given: {}", t.evaluated_on);

    let list = cmd::evaluations(&s, &Default::default()).unwrap();
    assert_eq!(list.len(), 2);
    let summary = cmd::evaluation_summaries(&s).unwrap();
    let d = summary.iter().find(|r| r.subject == "民政局").unwrap();
    assert_eq!((d.count, d.mean), (1, 92.79));
}

#[test]
fn a_pairing_the_rule_refuses_is_refused_with_the_reason_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = fixture(dir.path());
    let before = written(&s);

    let err = cmd::create_evaluation(&s, &NewEvaluation { evaluator: Evaluator::Public, ..evaluation() }).unwrap_err();
    let v = json_of(&err);
    assert_eq!(v["code"], "invalid_input");
    assert!(v["message"].as_str().unwrap().contains("整改工作由人大常委会测评"), "the reason is named: {v}");
    assert_eq!(err.problems[0].field.as_deref(), Some("evaluator"));

    let refused = [
        NewEvaluation { subject_kind: SubjectKind::Topic, subject: "农村养老服务".into(), ..evaluation() },
        NewEvaluation { aspect: Aspect::Result, ..evaluation() },
        NewEvaluation { subject: "不存在的局".into(), ..evaluation() },
        NewEvaluation { score: 100.5, ..evaluation() },
        NewEvaluation { score: 90.125, ..evaluation() },
        NewEvaluation { evaluated_on: Some("2099-01-01".into()), ..evaluation() },
        NewEvaluation { subject: "局".repeat(256), ..evaluation() },
        NewEvaluation { comment: "x\u{7}".into(), ..evaluation() },
    ];
    for (i, bad) in refused.iter().enumerate() {
        let err = cmd::create_evaluation(&s, bad).expect_err(&format!("case {i} is refused"));
        assert!(matches!(err.code, ErrorCode::InvalidInput | ErrorCode::NotFound), "case {i}: {err:?}");
        assert!(!err.message.is_empty());
    }
    assert_eq!(written(&s), before, "nothing was written");
    assert!(cmd::evaluations(&s, &Default::default()).unwrap().is_empty());
}

fn opinion() -> NewOpinion {
    NewOpinion {
        text: "建议增加农村互助养老服务站运营补贴".into(),
        source: Source::Forum,
        addressee: "民政局".into(),
        county: Some("汝阳县".into()),
        target_name: "城关镇敬老院".into(),
        group: "第一组".into(),
        made_on: Some("2024-05-21".into()),
    }
}

#[test]
fn an_opinion_is_entered_and_listed_and_a_bad_one_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = fixture(dir.path());
    let before = written(&s);
    let refused = [
        NewOpinion { text: "  ".into(), ..opinion() },
        NewOpinion { county: Some("不存在县".into()), ..opinion() },
        NewOpinion { made_on: Some("2099-01-01".into()), ..opinion() },
        NewOpinion { text: "x".repeat(10_001), ..opinion() },
        NewOpinion { group: "第\u{0}组".into(), ..opinion() },
    ];
    for (i, bad) in refused.iter().enumerate() {
        let err = cmd::create_opinion(&s, bad).expect_err(&format!("case {i} is refused"));
        assert!(matches!(err.code, ErrorCode::InvalidInput | ErrorCode::NotFound), "case {i}: {err:?}");
    }
    assert_eq!(written(&s), before, "nothing was written");

    let row = cmd::create_opinion(&s, &opinion()).unwrap();
    assert_eq!(row.origin, SuggestionOrigin::Opinion);
    assert_eq!(row.county.as_deref(), Some("汝阳县"));
    assert_eq!((row.source, row.made_on.as_str(), row.group.as_str()), (Source::Forum, "2024-05-21", "第一组"));
    let rows = cmd::suggestion_rows(&s, &Default::default()).unwrap();
    assert!(rows.iter().any(|r| r.id == row.id));
}
