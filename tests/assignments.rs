//! 任务分配 over a real database file with the demo data, as the UI drives
//! it: an assignment is added, listed with its status and by filter, offered
//! as a group name, and removed; bad or oversized input and unknown targets or
//! ids are refused with the field named and write nothing.

use qingdan_app::commands::assignments as cmd;
use qingdan_app::commands::inspection::set_user_name;
use qingdan_app::{AppState, ErrorCode};
use qingdan_core::assignment::{AssignmentFilter, AssignmentTargetKind, NewAssignment};
use qingdan_core::registry::FacilityQuery;
use qingdan_core::{Db, Lang};

fn fixture(dir: &std::path::Path) -> AppState {
    let mut db = Db::open(dir.join("qingdan.db")).unwrap();
    qingdan_core::demo::populate(&mut db).unwrap();
    let state = AppState::with_db(db, Lang::Zh);
    set_user_name(&state, "张三").unwrap();
    state
}

fn written(state: &AppState) -> (i64, i64) {
    state
        .read(|db| {
            let count = |t: &str| db.conn().query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get::<_, i64>(0));
            Ok((count("assignment")?, count("change_log")?))
        })
        .unwrap()
}

fn county(group: &str, county: &str) -> NewAssignment {
    NewAssignment {
        group: group.into(),
        target_kind: AssignmentTargetKind::County,
        target_id: county.into(),
        planned_date: Some("2024-06-15".into()),
        note: "先查乡镇敬老院".into(),
    }
}

#[test]
fn an_assignment_is_added_listed_offered_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let s = fixture(dir.path());
    let a = cmd::add(&s, &county("第三组", "汝阳县")).unwrap();
    let homes = qingdan_app::commands::registry::facilities(&s, &FacilityQuery { county: Some("汝阳县".into()), ..Default::default() }).unwrap();
    assert_eq!((a.facilities, a.facilities_inspected), (Some(homes.len() as u32), Some(0)));
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["target_kind"], "county");
    assert_eq!(json["planned_date"], "2024-06-15");

    let f = cmd::add(
        &s,
        &NewAssignment { group: "第一组".into(), target_kind: AssignmentTargetKind::Facility, target_id: homes[0].id.clone(), planned_date: None, note: String::new() },
    )
    .unwrap();
    let all = cmd::list(&s, &AssignmentFilter::default()).unwrap();
    assert_eq!(all.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(), [f.id.as_str(), a.id.as_str()], "第一组 before 第三组");
    let third = cmd::list(&s, &AssignmentFilter { group: Some("第三组".into()), ..Default::default() }).unwrap();
    assert_eq!(third.len(), 1);
    assert_eq!(cmd::groups(&s).unwrap(), ["第一组", "第三组"]);

    let changes = written(&s).1;
    cmd::remove(&s, &a.id).unwrap();
    assert_eq!(written(&s), (1, changes + 1), "one row fewer, and the removal in the change log");
    let who: String = s
        .read(|db| Ok(db.conn().query_row("SELECT actor FROM change_log WHERE entity = 'assignment' ORDER BY at DESC, id DESC LIMIT 1", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(who, "张三", "the settings name the actor");
}

#[test]
fn bad_input_unknown_targets_and_ids_are_refused_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let s = fixture(dir.path());
    let before = written(&s);

    let mut bad = county("", "汝阳县");
    bad.note = "备".repeat(10_001);
    bad.planned_date = Some("x".repeat(300));
    let err = cmd::add(&s, &bad).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    let fields: Vec<_> = err.problems.iter().map(|p| p.field.clone().unwrap_or_default()).collect();
    assert_eq!(fields, ["group", "planned_date", "note"], "the transport's bounds, every field at once");

    let err = cmd::add(&s, &county("第一组", "汝阳县\u{7}")).unwrap_err();
    assert_eq!((err.code, err.problems[0].field.as_deref()), (ErrorCode::InvalidInput, Some("target_id")));

    let err = cmd::add(&s, &county("第一组", "不存在县")).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(err.message.contains("找不到县（市、区）：不存在县"), "{}", err.message);

    let mut late = county("第一组", "汝阳县");
    late.planned_date = Some("2024-02-30".into());
    let err = cmd::add(&s, &late).unwrap_err();
    assert_eq!((err.code, err.problems[0].field.as_deref()), (ErrorCode::InvalidInput, Some("planned_date")));

    let err = cmd::remove(&s, "0190f0f0-0000-7000-8000-000000000000").unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    let err = cmd::remove(&s, &"a".repeat(65)).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    let err = cmd::list(&s, &AssignmentFilter { county: Some("县".repeat(65)), ..Default::default() }).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert_eq!(written(&s), before, "nothing was written");
}
