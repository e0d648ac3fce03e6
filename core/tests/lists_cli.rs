//! `qingdan problem add|merge`, `suggestion add`, `evaluation`, `learning` and
//! `responsibility` (docs/cli.md): what is entered shows up in the lists, the
//! statistics count it, and refusals exit 2 and change nothing.

mod common;

use common::CliDb;

#[test]
fn problems_and_suggestions_from_other_sources_are_counted_apart() {
    let f = CliDb::demo("张建国");
    let p = f.json(&[
        "problem", "add", "--description", "高龄津贴发放不及时", "--source", "群众反映", "--target-name", "全市",
        "--category", "政策落实", "--county", "汝阳县", "--severity", "较重", "--json",
    ]);
    assert_eq!(p["source"], "public_report");
    assert_eq!(p["severity"], "serious");
    assert_eq!(p["county"], "汝阳县");
    assert_eq!(p["status"], "pending");
    let list = f.json(&["problem", "list", "--county", "汝阳县", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], p["id"]);

    let sid = f.run(&["suggestion", "add", "建议加大农村养老服务站运营补贴", "--source", "座谈", "--addressee", "民政局", "--county", "汝阳县"]);
    let suggestions = f.json(&["suggestion", "list", "--json"]);
    assert_eq!(suggestions.as_array().unwrap().len(), 1);
    assert_eq!(suggestions[0]["id"], sid.trim());
    assert_eq!(suggestions[0]["addressee"], "民政局");

    let stats = f.json(&["stats", "--json"]);
    assert_eq!((stats["problems"].as_u64(), stats["suggestions"].as_u64()), (Some(1), Some(1)));

    let e = f.fail(&["problem", "add", "--description", "x", "--source", "群众反映", "--target-name", "全市", "--category", "政策落实", "--county", "火星县"]);
    assert!(e.contains("火星县"), "{e}");
    let e = f.fail(&["problem", "add", "--description", "x", "--source", "听说", "--target-name", "全市", "--category", "c"]);
    assert!(e.contains("来源"), "{e}");
    let e = f.fail(&["suggestion", "add", "  ", "--source", "座谈"]);
    assert!(e.contains("text") || e.contains("必填") || e.contains("不能为空"), "{e}");
}

#[test]
fn merge_joins_pending_problems_of_one_target() {
    let f = CliDb::demo("张建国");
    let county = f.json(&["problem", "add", "--description", "敬老院消防通道堵塞", "--source", "暗访调查", "--target-name", "全市", "--category", "消防安全", "--json"]);
    let other = f.json(&["problem", "add", "--description", "敬老院灭火器过期", "--source", "暗访调查", "--target-name", "全市", "--category", "消防安全", "--json"]);
    // Free-text targets are not one registry record: merging them is refused.
    let e = f.fail(&["problem", "merge", county["number"].as_str().unwrap(), other["number"].as_str().unwrap()]);
    assert!(e.contains("不属于同一检查对象"), "{e}");
}

#[test]
fn evaluations_follow_the_two_way_rule_and_summarise() {
    let f = CliDb::demo("张建国");
    for score in ["92.79", "95.73"] {
        f.run(&["evaluation", "add", "--subject-kind", "部门", "--subject", "民政局", "--aspect", "整改工作", "--evaluator", "人大常委会", "--score", score]);
    }
    f.run(&["evaluation", "add", "--subject-kind", "部门", "--subject", "民政局", "--aspect", "整改成效", "--evaluator", "群众", "--score", "88"]);
    let e = f.fail(&["evaluation", "add", "--subject-kind", "部门", "--subject", "民政局", "--aspect", "整改工作", "--evaluator", "群众", "--score", "90"]);
    assert!(e.contains("整改成效"), "the refusal says what the public scores: {e}");
    let e = f.fail(&["evaluation", "add", "--subject-kind", "部门", "--subject", "民政局", "--aspect", "整改成效", "--evaluator", "群众", "--score", "101"]);
    assert!(e.contains("score") || e.contains("分"), "{e}");
    let summary = f.json(&["evaluation", "summary", "--json"]);
    let work = summary.as_array().unwrap().iter().find(|s| s["aspect"] == "rectification").unwrap();
    assert_eq!(work["count"], 2);
    assert!((work["mean"].as_f64().unwrap() - 94.26).abs() < 1e-9, "{work}");
    assert_eq!(f.json(&["evaluation", "list", "--json"]).as_array().unwrap().len(), 3);
}

#[test]
fn learning_marks_are_per_person() {
    let f = CliDb::demo("张建国");
    let before = f.json(&["learning", "list", "--person", "张三", "--json"]);
    let doc = before.as_array().unwrap().iter().find(|d| d["document"] == "《河南省养老服务条例》").expect("the regulation is on the list");
    assert_eq!(doc["studied_by_person"], false);
    f.run(&["learning", "mark", "河南省养老服务条例", "--person", "张三"]);
    let after = f.json(&["learning", "list", "--person", "张三", "--json"]);
    let doc = after.as_array().unwrap().iter().find(|d| d["document"] == "《河南省养老服务条例》").unwrap();
    assert_eq!(doc["studied_by_person"], true);
    let other = f.json(&["learning", "list", "--person", "李四", "--json"]);
    let doc = other.as_array().unwrap().iter().find(|d| d["document"] == "《河南省养老服务条例》").unwrap();
    assert_eq!(doc["studied_by_person"], false, "李四 has not studied it");
    f.fail(&["learning", "mark", "《不存在的文件》", "--person", "张三"]);
    f.run(&["learning", "unmark", "《河南省养老服务条例》", "--person", "张三"]);
    f.fail(&["learning", "unmark", "《河南省养老服务条例》", "--person", "张三"]);
}

#[test]
fn responsibility_lists_every_duty_with_its_problem_counts() {
    let f = CliDb::demo("张建国");
    let rows = f.json(&["responsibility", "--json"]);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 108, "the reference set has 108 duties");
    assert!(rows.iter().all(|r| r["open"] == 0 && r["overdue"] == 0 && r["closed"] == 0));
}
