//! The `qingdan problem`, `suggestion`, `stats` and `export` contract
//! (issue 4, docs/cli.md): outputs, JSON shapes, exit codes, and refusals
//! that leave the database exactly as it was.

mod common;

use std::path::PathBuf;

use assert_cmd::Command;
use chrono::{Duration, Utc};
use serde_json::Value;

use common::{dump, walk, xlsx};

struct Fixture {
    dir: tempfile::TempDir,
}

/// Today in Beijing, as the CLI (on the system clock) sees it.
fn today() -> chrono::NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

fn days_from_today(n: i64) -> String {
    (today() + Duration::days(n)).format("%Y-%m-%d").to_string()
}

impl Fixture {
    fn demo() -> Self {
        let f = Fixture { dir: tempfile::tempdir().unwrap() };
        f.cmd().arg("demo").assert().success();
        f
    }
    fn db(&self) -> PathBuf {
        self.dir.path().join("q.db")
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("qingdan").unwrap();
        c.arg("--db").arg(self.db()).arg("--actor").arg("张建国").env_remove("QINGDAN_LANG").env_remove("QINGDAN_DB");
        c
    }
    fn run(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).assert().success().get_output().stdout.clone();
        String::from_utf8(out).unwrap()
    }
    fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?} prints JSON: {e}\n{out}"))
    }
    /// Runs a command that must fail with `code`; returns stderr.
    fn fail(&self, args: &[&str], code: i32) -> String {
        let out = self.cmd().args(args).assert().code(code).get_output().clone();
        assert!(out.stdout.is_empty(), "{args:?} prints nothing on stdout when it fails");
        String::from_utf8(out.stderr).unwrap()
    }
    fn write_csv(&self, name: &str, rows: &[Vec<String>]) -> PathBuf {
        let p = self.path(name);
        let mut w = csv::Writer::from_path(&p).unwrap();
        for r in rows {
            w.write_record(r).unwrap();
        }
        w.flush().unwrap();
        p
    }
    /// The first demo facility of a kind: (name, county).
    fn facility(&self, kind: &str, nth: usize) -> (String, String) {
        let f = &self.json(&["facility", "list", "--kind", kind, "--json"])[nth];
        (f["name"].as_str().unwrap().to_string(), f["county"].as_str().unwrap().to_string())
    }
    /// The first demo facility of a kind outside a county: (name, county).
    fn facility_outside(&self, kind: &str, county: &str) -> (String, String) {
        let list = self.json(&["facility", "list", "--kind", kind, "--json"]);
        let f = list.as_array().unwrap().iter().find(|f| f["county"] != county).unwrap();
        (f["name"].as_str().unwrap().to_string(), f["county"].as_str().unwrap().to_string())
    }
    fn problems(&self, extra: &[&str]) -> Vec<Value> {
        let mut args = vec!["problem", "list", "--json"];
        args.extend_from_slice(extra);
        self.json(&args).as_array().unwrap().clone()
    }
    fn show(&self, id: &str) -> Value {
        self.json(&["problem", "show", id, "--json"])
    }
}

const HEADER: &[&str] = &["编号", "检查对象", "县（市、区）", "问题描述", "问题来源", "发现日期", "问题类别", "严重程度", "责任部门", "整改措施", "责任单位", "整改期限", "状态"];

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

/// Four problems: pending (major), two being rectified (one overdue), one awaiting verification.
fn seed(f: &Fixture) -> (String, String) {
    let (home, county) = f.facility("home_care_point", 0);
    let (inst, inst_county) = f.facility_outside("elderly_care_institution", &county);
    let future = days_from_today(20);
    let file = f.write_csv(
        "seed.csv",
        &[
            row(HEADER),
            row(&["ZC-001", &home, &county, "消防通道堵塞", "群众反映", "2024-05-10", "消防安全", "重大隐患", "", "", "", "", ""]),
            row(&["ZC-002", &inst, &inst_county, "护理员持证率低", "政府自查", "2024-05-11", "人才队伍", "一般", "民政局", "组织培训", "县民政局", &future, "整改中"]),
            row(&["ZC-003", &format!("{county}人民政府"), &county, "高龄津贴发放不及时", "执法检查", "2024-05-12", "资金保障", "较重", "", "建立台账", "县财政局", "2024-06-30", "in_progress"]),
            row(&["ZC-004", &inst, &inst_county, "食品留样不足", "暗访", "2024-05-13", "食品安全", "一般", "", "补齐留样设备", "县市场监管局", "2024-06-01", "已整改待核验"]),
        ],
    );
    let report = f.json(&["problem", "import", file.to_str().unwrap(), "--json"]);
    assert_eq!(report["problems"], 4, "{report}");
    assert_eq!(report["suggestions"], 0);
    (county, inst_county)
}

#[test]
fn problem_list_prints_json_fields_and_filters_by_status_county_and_overdue() {
    let f = Fixture::demo();
    let (county, _) = seed(&f);
    let all = f.problems(&[]);
    assert_eq!(all.len(), 4);
    for p in &all {
        for key in ["id", "number", "status", "severity", "source", "target_id", "item_code", "deadline", "overdue"] {
            assert!(p.get(key).is_some(), "problem list --json has {key}: {p}");
        }
        assert!(p["overdue"].is_boolean());
        assert!(p["target_id"].is_string(), "registered targets keep their id");
    }
    assert_eq!(all[0]["number"], "ZC-001", "a major hazard stands at the top");
    assert_eq!(all[0]["severity"], "major");
    assert_eq!(all[0]["source"], "public_report");
    assert_eq!(all[1]["number"], "ZC-003", "then the overdue ones");
    assert_eq!(all[1]["overdue"], true);
    assert_eq!(all[1]["deadline"], "2024-06-30");

    let by_slug = f.problems(&["--status", "in_progress"]);
    let by_label = f.problems(&["--status", "整改中"]);
    assert_eq!(by_slug, by_label);
    let numbers: Vec<&str> = by_slug.iter().map(|p| p["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, vec!["ZC-003", "ZC-002"]);
    assert_eq!(f.problems(&["--status", "已整改待核验"]).len(), 1);
    let overdue = f.problems(&["--overdue"]);
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0]["number"], "ZC-003");
    for p in f.problems(&["--county", &county]) {
        assert_eq!(p["county"], county.as_str());
    }
    assert!(!f.problems(&["--county", &county]).is_empty());

    // The table is in Chinese, aligned, with a count.
    let text = f.run(&["problem", "list"]);
    assert!(text.contains("编号") && text.contains("整改期限"), "{text}");
    assert!(text.contains("2024-06-30 逾期"), "{text}");
    assert!(text.trim_end().ends_with("共 4 个问题（逾期 1 个）"), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("编号    状态"), "the header is padded to the widest number: {text}");
    for l in &lines[1..5] {
        assert!(l.starts_with("ZC-00") && &l[6..8] == "  " && !l[8..].starts_with(' '), "statuses in one column: {text}");
    }

    // Bad filters exit 2.
    let err = f.fail(&["problem", "list", "--status", "差不多"], 2);
    assert!(err.contains("不是有效的状态"), "{err}");
    let err = f.fail(&["problem", "list", "--county", "火星县"], 2);
    assert!(err.contains("火星县"), "{err}");
}

#[test]
fn a_problem_goes_from_plan_to_close_out_and_back() {
    let f = Fixture::demo();
    seed(&f);
    let deadline = days_from_today(5);
    // Not planned yet: progress and report-done are refused with a reason.
    let err = f.fail(&["problem", "report-done", "ZC-001", "--note", "已整改"], 2);
    assert!(err.contains("请先制定整改措施"), "{err}");
    let before = dump(&f.db());
    // A major hazard needs an immediate deadline.
    let err = f.fail(&["problem", "rectify", "ZC-001", "--measure", "清理通道", "--unit", "县消防救援大队", "--deadline", &days_from_today(30)], 2);
    assert!(err.contains("重大隐患须立即整改"), "{err}");
    assert_eq!(dump(&f.db()), before, "a refused step writes nothing");

    let out = f.run(&["problem", "rectify", "ZC-001", "--measure", "清理通道", "--unit", "县消防救援大队", "--deadline", &deadline, "--person", "赵队长"]);
    assert!(out.contains("ZC-001") && out.contains("整改中") && out.contains(&deadline), "{out}");
    let photo = f.path("现场.jpg");
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 3) as u8, (y * 5) as u8, 90]));
    img.save(&photo).unwrap();
    f.run(&["problem", "progress", "ZC-001", "--note", "已清理一半", "--evidence", photo.to_str().unwrap()]);
    assert_eq!(walk(&f.path("evidence")).len(), 3, "the photo is stored beside the database with its scaled copies");

    // Verifying before the unit reports done skips a step: refused, nothing written.
    let before = dump(&f.db());
    let err = f.fail(&["problem", "verify", "ZC-001", "--by", "王志强", "--method", "回头看", "--result", "pass"], 2);
    assert!(err.contains("不能跳过核验直接销号"), "{err}");
    assert_eq!(dump(&f.db()), before);
    assert_eq!(f.show("ZC-001")["status"], "in_progress");

    f.run(&["problem", "report-done", "ZC-001", "--note", "通道已全部清理", "--evidence", photo.to_str().unwrap()]);
    assert_eq!(f.show("ZC-001")["status"], "awaiting_verification");
    // A failed verification needs a reason, then returns the problem.
    let err = f.fail(&["problem", "verify", "ZC-001", "--by", "王志强", "--method", "暗访", "--result", "fail"], 2);
    assert!(err.contains("须说明原因"), "{err}");
    let out = f.run(&["problem", "verify", "ZC-001", "--by", "王志强", "--method", "暗访", "--result", "fail", "--note", "夜间仍有堆放"]);
    assert!(out.contains("整改中"), "{out}");
    f.run(&["problem", "report-done", "ZC-001", "--note", "已安排专人巡查"]);
    let out = f.run(&["problem", "verify", "ZC-001", "--by", "王志强", "--method", "资料核查", "--result", "pass", "--note", "复查通过"]);
    assert!(out.contains("已销号"), "{out}");

    let d = f.show("ZC-001");
    assert_eq!(d["status"], "closed");
    assert_eq!(d["closed_on"], today().format("%Y-%m-%d").to_string());
    let kinds: Vec<&str> = d["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["created", "planned", "progress", "reported_done", "returned", "reported_done", "verified"]);
    let last = d["events"].as_array().unwrap().last().unwrap();
    assert_eq!((last["verifier"].as_str(), last["method"].as_str(), last["result"].as_str()), (Some("王志强"), Some("document_review"), Some("pass")));
    assert_eq!(d["attachments"].as_array().unwrap().len(), 1, "the same photo twice is one attachment");

    // The human view shows the trail in Chinese.
    let text = f.run(&["problem", "show", "ZC-001"]);
    for want in ["已销号", "核验销号", "核验未通过，退回整改", "夜间仍有堆放", "资料核查", "赵队长"] {
        assert!(text.contains(want), "{want} in:\n{text}");
    }

    // Reopening: only a closed problem, with a reason; history stays.
    let err = f.fail(&["problem", "reopen", "ZC-002", "--reason", "x"], 2);
    assert!(err.contains("只有已销号的问题可以重新打开"), "{err}");
    f.run(&["problem", "reopen", "ZC-001", "--reason", "群众再次反映"]);
    let d = f.show("ZC-001");
    assert_eq!(d["status"], "in_progress");
    assert_eq!(d["events"].as_array().unwrap().len(), 8);
    // English messages.
    let out = f.cmd().args(["--lang", "en", "problem", "reopen", "ZC-001", "--reason", "again"]).assert().code(2).get_output().stderr.clone();
    assert!(String::from_utf8(out).unwrap().contains("only a closed problem can be reopened"));
}

#[test]
fn unknown_problems_and_bad_arguments_exit_2() {
    let f = Fixture::demo();
    seed(&f);
    let err = f.fail(&["problem", "show", "WT-NOPE"], 2);
    assert!(err.contains("找不到问题") && err.contains("WT-NOPE"), "{err}");
    f.fail(&["problem", "verify", "ZC-004", "--by", "王", "--method", "拍照", "--result", "pass"], 2);
    f.fail(&["problem", "verify", "ZC-004", "--by", "王", "--method", "回头看", "--result", "maybe"], 2);
    let err = f.fail(&["problem", "rectify", "ZC-002", "--measure", "x", "--unit", "y", "--deadline", "2024-13-01"], 2);
    assert!(err.contains("2024-13-01"), "{err}");
    let err = f.fail(&["problem", "progress", "ZC-002", "--note", "x", "--evidence", f.path("missing.jpg").to_str().unwrap()], 2);
    assert!(err.contains("missing.jpg"), "{err}");
    f.fail(&["stats", "--by", "planet"], 2);
    f.fail(&["export", "everything", "--format", "xlsx", "--out", f.path("x.xlsx").to_str().unwrap()], 2);
    f.fail(&["export", "problems", "--format", "pdf", "--out", f.path("x.pdf").to_str().unwrap()], 2);
    assert!(!f.path("x.xlsx").exists() && !f.path("x.pdf").exists());
}

#[test]
fn an_import_with_bad_rows_lists_every_problem_and_writes_nothing() {
    let f = Fixture::demo();
    seed(&f);
    let (home, county) = f.facility("home_care_point", 1);
    let header = row(&[
        "编号", "检查对象", "县（市、区）", "问题描述", "问题来源", "发现日期", "问题类别", "责任部门", "整改措施", "责任单位", "整改期限", "状态", "核验人", "核验方式", "核验结果",
    ]);
    let ok = |n: &str| row(&[n, &home, &county, "台账不全", "群众反映", "2024-05-10", "服务管理", "", "", "", "", "", "", "", ""]);
    let file = f.write_csv(
        "bad.csv",
        &[
            header,
            ok("NEW-1"),                                                                                                                          // row 2: fine
            row(&["NEW-2", "不存在的养老院", &county, "x", "群众反映", "2024-05-10", "服务管理", "", "", "", "", "", "", "", ""]),              // 3: unknown target
            row(&["NEW-3", &home, "火星县", "x", "群众反映", "2024-05-10", "服务管理", "", "", "", "", "", "", "", ""]),                         // 4: unknown county
            row(&["NEW-4", &home, &county, "x", "群众反映", "2024-05-10", "服务管理", "不存在局", "", "", "", "", "", "", ""]),                   // 5: unknown department
            row(&["NEW-5", &home, &county, "x", "群众反映", "2024-05-10", "服务管理", "", "", "", "", "差不多好了", "", "", ""]),                 // 6: unknown status
            row(&["NEW-6", &home, &county, "x", "群众反映", "2024-05-10", "服务管理", "", "整改", "县民政局", "2024-05-01", "整改中", "", "", ""]), // 7: deadline before found
            ok("NEW-1"),                                                                                                                          // 8: duplicate in the file
            ok("ZC-002"),                                                                                                                         // 9: duplicate against the database
            row(&["NEW-9", &home, &county, "x", "群众反映", "2024-05-10", "服务管理", "", "整改", "县民政局", "2024-06-01", "已销号", "", "", ""]), // 10: closed without verification
            row(&["NEW-10", &home, &county, "x", "小道消息", "2099-01-01", "服务管理", "", "", "", "", "", "", "", ""]),                         // 11: unknown source, future date
        ],
    );
    let before = dump(&f.db());
    let err = f.fail(&["problem", "import", file.to_str().unwrap()], 2);
    let expected = [
        ("第 3 行，B 列（检查对象）", "不存在的养老院"),
        ("第 4 行，C 列（县（市、区））", "火星县"),
        ("第 5 行，H 列（责任部门）", "不存在局"),
        ("第 6 行，L 列（状态）", "差不多好了"),
        ("第 7 行，K 列（整改期限）", "早于发现日期"),
        ("第 8 行，A 列（编号）", "第 2 行已使用"),
        ("第 9 行，A 列（编号）", "已在数据库中"),
        ("第 10 行，L 列（状态）", "不能跳过核验"),
        ("第 11 行，E 列（问题来源）", "小道消息"),
        ("第 11 行，F 列（发现日期）", "晚于今天"),
    ];
    for (place, reason) in expected {
        assert!(err.lines().any(|l| l.contains("bad.csv") && l.contains(place) && l.contains(reason)), "{place} … {reason} in:\n{err}");
    }
    assert!(err.starts_with("发现 10 处问题，未写入任何数据"), "{err}");
    assert_eq!(dump(&f.db()), before, "nothing was written");

    // The same in English.
    let out = f.cmd().args(["--lang", "en", "problem", "import", file.to_str().unwrap()]).assert().code(2).get_output().stderr.clone();
    let en = String::from_utf8(out).unwrap();
    assert!(en.contains("row 10, column L") && en.contains("close-out cannot skip verification"), "{en}");
    assert_eq!(dump(&f.db()), before);

    // Fixed, the good row imports.
    let good = f.write_csv("good.csv", &[row(&["编号", "检查对象", "县（市、区）", "问题描述", "问题来源", "问题类别"]), row(&["NEW-1", &home, &county, "台账不全", "群众反映", "服务管理"])]);
    let r = f.json(&["problem", "import", good.to_str().unwrap(), "--json"]);
    assert_eq!(r["problems"], 1);
    assert_eq!(r["numbers"], serde_json::json!(["NEW-1"]));
}

#[test]
fn an_import_reads_suggestions_from_a_type_column_and_a_sheet_of_their_own() {
    let f = Fixture::demo();
    let (home, county) = f.facility("home_care_point", 0);
    let file = f.path("台账.xlsx");
    xlsx::write(
        &file,
        &[
            xlsx::SheetSpec {
                name: "问题和建议",
                rows: vec![
                    vec!["2024年群众反映问题汇总表", "", "", "", "", ""],
                    vec!["类型", "检查对象", "县区", "存在问题", "来源", "问题类别"],
                    vec!["问题", &home, &county, "无障碍设施缺失", "群众反映", "设施建设"],
                    vec!["意见建议", "", &county, "建议增加助餐点", "座谈会", ""],
                    vec!["注：本表由县人大办汇总。", "", "", "", "", ""],
                ],
                merges: vec![(0, 0, 0, 5)],
            },
            xlsx::SheetSpec {
                name: "意见建议",
                rows: vec![
                    vec!["意见建议", "来源", "提出对象", "县（市、区）", "提出日期"],
                    vec!["建议提高护理补贴标准", "代表意见", "民政局", &county, "2024-05-02"],
                    vec!["建议公开养老机构收费", "群众反映", "", "", "2024-05-03"],
                ],
                merges: vec![],
            },
        ],
    );
    let r = f.json(&["problem", "import", file.to_str().unwrap(), "--json"]);
    assert_eq!((r["problems"].as_u64(), r["suggestions"].as_u64()), (Some(1), Some(3)), "{r}");
    let list = f.json(&["suggestion", "list", "--json"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 3);
    let texts: Vec<&str> = list.iter().map(|s| s["text"].as_str().unwrap()).collect();
    assert!(texts.contains(&"建议增加助餐点") && texts.contains(&"建议提高护理补贴标准"), "{texts:?}");
    let deputy = list.iter().find(|s| s["text"] == "建议提高护理补贴标准").unwrap();
    assert_eq!((deputy["source"].as_str(), deputy["addressee"].as_str(), deputy["made_on"].as_str()), (Some("deputy"), Some("民政局"), Some("2024-05-02")));
    assert_eq!(deputy["county"], county.as_str());
    let text = f.run(&["suggestion", "list"]);
    assert!(text.contains("代表意见") && text.trim_end().ends_with("共 3 条意见建议"), "{text}");
    let p = &f.problems(&[])[0];
    assert_eq!(p["description"], "无障碍设施缺失");
    assert_eq!(p["source"], "public_report");

    // The exported suggestions import back (a sheet named 意见建议) into a fresh database.
    let out = f.path("意见建议.xlsx");
    f.run(&["export", "suggestions", "--format", "xlsx", "--out", out.to_str().unwrap()]);
    let fresh = Fixture::demo();
    let r = fresh.json(&["problem", "import", out.to_str().unwrap(), "--json"]);
    assert_eq!((r["problems"].as_u64(), r["suggestions"].as_u64()), (Some(0), Some(3)), "{r}");
    let strip = |v: Value| {
        let mut v = v.as_array().unwrap().clone();
        for s in &mut v {
            s.as_object_mut().unwrap().remove("id");
        }
        v.sort_by(|a, b| a["text"].as_str().cmp(&b["text"].as_str()));
        v
    };
    assert_eq!(strip(fresh.json(&["suggestion", "list", "--json"])), strip(f.json(&["suggestion", "list", "--json"])));
}

#[test]
fn stats_name_every_figure_and_break_down_by_county() {
    let f = Fixture::demo();
    let empty = f.json(&["stats", "--json"]);
    assert_eq!(empty["problems"], 0);
    assert!(empty["rectification_rate"].is_null(), "no rate without problems: {empty}");
    let (county, inst_county) = seed(&f);
    f.run(&["problem", "verify", "ZC-004", "--by", "王志强", "--method", "回头看", "--result", "pass"]);
    let s = f.json(&["stats", "--json"]);
    for key in ["problems", "suggestions", "rectified", "closed", "overdue", "rectification_rate", "closeout_rate", "median_days_to_close"] {
        assert!(s.get(key).is_some(), "stats --json has {key}: {s}");
    }
    assert_eq!((s["problems"].as_u64(), s["rectified"].as_u64(), s["closed"].as_u64(), s["overdue"].as_u64()), (Some(4), Some(1), Some(1), Some(1)));
    assert_eq!(s["rectification_rate"].as_f64(), Some(0.25));
    assert_eq!(s["closeout_rate"].as_f64(), Some(0.25));
    let found = chrono::NaiveDate::from_ymd_opt(2024, 5, 13).unwrap();
    assert_eq!(s["median_days_to_close"].as_f64(), Some((today() - found).num_days() as f64));
    let text = f.run(&["stats"]);
    assert!(text.contains("整改率 25.0%") && text.contains("销号率 25.0%"), "{text}");

    let by = f.json(&["stats", "--by", "county", "--json"]);
    let rows = by.as_array().unwrap();
    let total: u64 = rows.iter().map(|r| r["problems"].as_u64().unwrap()).sum();
    assert_eq!(total, 4, "the rows add up to the total");
    let inst = rows.iter().find(|r| r["label"] == inst_county.as_str()).unwrap();
    assert_eq!(inst["key"], inst_county.as_str());
    for key in ["problems", "suggestions", "rectified", "closed", "overdue", "rectification_rate", "closeout_rate"] {
        assert!(inst.get(key).is_some(), "{key} in {inst}");
    }
    assert_ne!(inst_county, county);
    assert_eq!((inst["problems"].as_u64(), inst["closed"].as_u64()), (Some(2), Some(1)));
    assert_eq!(inst["closeout_rate"].as_f64(), Some(0.5));
    let by_source = f.json(&["stats", "--by", "source", "--json"]);
    assert!(by_source.as_array().unwrap().iter().any(|r| r["key"] == "public_report" && r["label"] == "群众反映"), "{by_source}");
    let text = f.run(&["stats", "--by", "severity"]);
    assert!(text.lines().next().unwrap().starts_with("严重程度"), "{text}");
    assert!(text.contains("重大隐患"), "{text}");
}

#[test]
fn export_writes_each_list_and_the_problem_list_imports_back_into_a_fresh_database() {
    let f = Fixture::demo();
    seed(&f);
    for list in ["problems", "rectification", "closeout", "responsibility", "learning", "content", "evaluation", "suggestions"] {
        for format in ["xlsx", "csv"] {
            let out = f.path(&format!("out/{list}.{format}"));
            let text = f.run(&["export", list, "--format", format, "--out", out.to_str().unwrap()]);
            assert!(text.contains("已导出") && text.contains(&out.display().to_string()), "{text}");
            let bytes = std::fs::read(&out).unwrap();
            match format {
                "csv" => assert!(bytes.starts_with(b"\xEF\xBB\xBF")),
                _ => assert!(bytes.starts_with(b"PK"), "an XLSX is a zip"),
            }
        }
    }
    let csv = std::fs::read_to_string(f.path("out/problems.csv")).unwrap();
    assert!(csv.contains("ZC-003") && csv.contains("整改中") && csv.contains("是"), "{csv}");
    assert_eq!(walk(&f.path("out")).len(), 16, "no temporary files are left");

    // Into a fresh database with the same demo registry: nothing lost.
    let fresh = Fixture::demo();
    let r = fresh.json(&["problem", "import", f.path("out/problems.xlsx").to_str().unwrap(), "--json"]);
    assert_eq!(r["problems"], 4);
    let strip = |mut v: Vec<Value>| {
        for p in &mut v {
            let o = p.as_object_mut().unwrap();
            for k in ["id", "target_id", "updated_at"] {
                o.remove(k);
            }
        }
        v.sort_by(|a, b| a["number"].as_str().cmp(&b["number"].as_str()));
        v
    };
    assert_eq!(strip(fresh.problems(&[])), strip(f.problems(&[])));
}
