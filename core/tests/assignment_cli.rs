//! `qingdan assignment add|list|remove` (docs/cli.md): a county, a facility
//! and a department assigned and listed by group with their status, the JSON
//! shape, refusals that exit 2 and change nothing, and removal. Also the demo
//! campaign's 任务分配 of seven groups over the 15 counties.

mod common;

use serde_json::Value;

use common::CliDb;

#[test]
fn assignments_are_added_listed_by_group_with_status_and_removed() {
    let f = CliDb::demo("督查组");
    let homes = f.json(&["facility", "list", "--county", "汝阳县", "--json"]);
    let home = homes[0]["id"].as_str().unwrap().to_string();
    let home_name = homes[0]["name"].as_str().unwrap().to_string();

    let out = f.run(&[
        "assignment",
        "add",
        "--group",
        "第七组",
        "--county",
        "汝阳县",
        "--date",
        "2024-06-01",
        "--note",
        "先看乡镇敬老院",
    ]);
    assert!(out.starts_with("已分配：第七组 检查汝阳县（"), "{out}");
    let a = f.json(&["assignment", "add", "--group", "第七组", "--facility", &home, "--json"]);
    assert_eq!(a["target_kind"], "facility");
    assert_eq!(a["target_name"], home_name.as_str());
    assert_eq!(a["county"], "汝阳县");
    assert_eq!(a["inspections"], 0);
    assert_eq!(a["facilities"], Value::Null);
    let d = f.json(&["assignment", "add", "--group", "第一组", "--department", "民政局", "--json"]);
    assert_eq!(
        (d["target_kind"].as_str(), d["target_name"].as_str(), d["county"].as_str()),
        (Some("department"), Some("民政局"), None)
    );

    f.run(&[
        "inspection",
        "start",
        "--target",
        &home,
        "--kind",
        "执法检查",
        "--date",
        "2024-06-02",
        "--group",
        "第七组",
    ]);
    let list = f.json(&["assignment", "list", "--json"]);
    let groups: Vec<&str> = list.as_array().unwrap().iter().map(|a| a["group"].as_str().unwrap()).collect();
    assert_eq!(groups, ["第一组", "第七组", "第七组"]);
    let county = &list[1];
    assert_eq!(county["target_kind"], "county");
    assert_eq!(county["planned_date"], "2024-06-01");
    assert_eq!(county["note"], "先看乡镇敬老院");
    assert_eq!(county["facilities_inspected"], 1);
    assert_eq!(county["facilities"], homes.as_array().unwrap().len());
    assert_eq!(county["last_inspected"], "2024-06-02");
    for key in ["id", "target_id", "county_id", "created_at", "updated_at"] {
        assert!(county[key].is_string(), "{key} in {county}");
    }

    let text = f.run(&["assignment", "list", "--group", "第七组"]);
    assert!(text.starts_with("第七组\n"), "{text}");
    assert!(
        text.contains(&format!(
            "已检查 1 / 共 {} 家机构，最近 2024-06-02  计划 2024-06-01  先看乡镇敬老院",
            homes.as_array().unwrap().len()
        )),
        "{text}"
    );
    assert!(text.contains(&format!("机构  {home_name}（汝阳县）  已检查 1 次，最近 2024-06-02")), "{text}");
    assert!(text.trim_end().ends_with("共 2 项任务分配"), "{text}");
    let en = f.run(&["--lang", "en", "assignment", "list", "--county", "汝阳县"]);
    assert!(en.contains("1 of") && en.contains("2 assignments"), "{en}");

    let id = county["id"].as_str().unwrap();
    let out = f.run(&["assignment", "remove", id]);
    assert_eq!(out.trim(), format!("已撤销任务分配 {id}"));
    assert_eq!(f.json(&["assignment", "list", "--county", "汝阳县", "--json"]).as_array().unwrap().len(), 1);
    let err = f.fail(&["assignment", "remove", id]);
    assert!(err.contains(&format!("找不到任务分配：{id}")), "{err}");
}

#[test]
fn bad_assignments_exit_2_and_change_nothing() {
    let f = CliDb::demo("督查组");
    let err = f.fail(&["assignment", "add", "--group", "", "--county", "汝阳县", "--date", "6月1日"]);
    assert!(err.contains("“group”：不能为空") && err.contains("“planned_date”：“6月1日”无法识别"), "{err}");
    let err = f.fail(&["assignment", "add", "--group", "第一组", "--county", "不存在县"]);
    assert!(err.contains("找不到县（市、区）：不存在县"), "{err}");
    let err = f.fail(&["assignment", "add", "--group", "第一组", "--county", "汝阳县", "--department", "民政局"]);
    assert!(err.contains("--county") && err.contains("--department"), "one target only: {err}");
    let err = f.fail(&["assignment", "add", "--group", "第一组"]);
    assert!(err.contains("--county") || err.contains("required"), "a target is required: {err}");
    let err = f.fail(&["--lang", "en", "assignment", "list", "--county", "不存在县"]);
    assert!(err.contains("not found: county/district 不存在县"), "{err}");
}

#[test]
fn the_demo_campaign_assigns_its_seven_groups_over_the_fifteen_counties() {
    let f = CliDb::empty("督查组");
    let out = f.run(&["demo", "--with-campaign"]);
    assert!(out.contains("任务分配 15 项"), "{out}");
    let list = f.json(&["assignment", "list", "--json"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 15);
    let mut groups: Vec<&str> = list.iter().map(|a| a["group"].as_str().unwrap()).collect();
    groups.dedup();
    assert_eq!(groups, ["第一组", "第二组", "第三组", "第四组", "第五组", "第六组", "第七组"]);
    for a in list {
        assert_eq!(a["target_kind"], "county");
        assert_eq!(a["facilities_inspected"], 2, "the campaign visited two facilities of {}", a["target_name"]);
        assert!(a["planned_date"].as_str().unwrap() <= a["last_inspected"].as_str().unwrap(), "{a}");
    }
    // Each county's inspections are its group's.
    let inspections = f.json(&["inspection", "list", "--json"]);
    let facilities = f.json(&["facility", "list", "--json"]);
    for i in inspections.as_array().unwrap() {
        let target = i["target_id"].as_str().unwrap();
        let county = facilities.as_array().unwrap().iter().find(|x| x["id"] == target).unwrap()["county"].clone();
        let assigned = list.iter().find(|a| a["target_name"] == county).unwrap();
        assert_eq!(i["group"], assigned["group"], "{i}");
    }
}
