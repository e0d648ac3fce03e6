//! The `qingdan` CLI contract (docs/cli.md): outputs, JSON shapes and exit
//! codes, against temporary databases.

mod common;

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

use common::{dump, xlsx};

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        Fixture { dir: tempfile::tempdir().unwrap() }
    }
    fn db(&self) -> PathBuf {
        self.dir.path().join("q.db")
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("qingdan").unwrap();
        c.arg("--db").arg(self.db()).env_remove("QINGDAN_LANG").env_remove("QINGDAN_DB");
        c
    }
    fn json(&self, args: &[&str]) -> Value {
        let out = self.cmd().args(args).assert().success().get_output().stdout.clone();
        serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{args:?} prints JSON: {e}"))
    }
    fn demo(&self) -> &Self {
        self.cmd().arg("demo").assert().success();
        self
    }
}

#[test]
fn catalog_list_prints_66_standards_and_51_indicators() {
    let f = Fixture::new();
    f.cmd().arg("init").assert().success().stdout(predicate::str::contains("衡量标准 66 项"));
    let standards = f.json(&["catalog", "list", "--kind", "standard", "--json"]);
    let indicators = f.json(&["catalog", "list", "--kind", "indicator", "--json"]);
    assert_eq!(standards.as_array().unwrap().len(), 66);
    assert_eq!(indicators.as_array().unwrap().len(), 51);
    let first = &standards[0];
    for key in ["code", "kind", "group", "title", "basis", "applies_to"] {
        assert!(first.get(key).is_some(), "catalog list --json has {key}");
    }
    assert_eq!(first["kind"], "standard");
    assert_eq!(indicators[0]["kind"], "indicator");
    assert!(first["applies_to"].is_array());
}

#[test]
fn init_twice_changes_nothing() {
    let f = Fixture::new();
    f.cmd().arg("init").assert().success();
    let before = dump(&f.db());
    f.cmd().arg("init").assert().success().stdout(predicate::str::contains("未改动"));
    assert_eq!(before, dump(&f.db()));
}

#[test]
fn versions_and_use() {
    let f = Fixture::new();
    f.cmd().arg("init").assert().success();
    let csv = f.path("正式清单.csv");
    std::fs::write(&csv, "编号,类型,内容\nS01,衡量标准,应当建立制度。\n").unwrap();
    let imported = f.json(&["catalog", "import", csv.to_str().unwrap(), "--name", "正式版", "--json"]);
    let versions = f.json(&["catalog", "versions", "--json"]);
    assert_eq!(versions.as_array().unwrap().len(), 2);
    let active: Vec<&Value> = versions.as_array().unwrap().iter().filter(|v| v["active"] == true).collect();
    assert_eq!(active.len(), 1, "exactly one version is active");
    assert_eq!(active[0]["id"], imported["version_id"], "the latest import is active");
    let reference = versions.as_array().unwrap().iter().find(|v| v["is_reference"] == true).unwrap();
    f.cmd().args(["catalog", "use", reference["id"].as_str().unwrap()]).assert().success();
    assert_eq!(f.json(&["catalog", "list", "--json"]).as_array().unwrap().len(), 117);
    let only = f.json(&["catalog", "list", "--version", imported["version_id"].as_str().unwrap(), "--json"]);
    assert_eq!(only.as_array().unwrap().len(), 1);
    f.cmd().args(["catalog", "use", "nope"]).assert().code(2).stderr(predicate::str::contains("找不到目录版本"));
}

#[test]
fn messy_official_workbook_imports_and_reimport_is_a_noop() {
    let f = Fixture::new();
    f.cmd().arg("init").assert().success();
    let path = f.path("洛阳市监督清单.xlsx");
    xlsx::messy_catalog(&path);
    let out = f.json(&["catalog", "import", path.to_str().unwrap(), "--json"]);
    assert_eq!(out["standards"], 4);
    assert_eq!(out["indicators"], 3);
    assert_eq!(out["groups"], 4);
    assert!(out["version_id"].is_string());
    let before = dump(&f.db());
    let again = f.json(&["catalog", "import", path.to_str().unwrap(), "--json"]);
    assert_eq!(again["version_id"], out["version_id"]);
    assert_eq!(again["created"], false);
    assert_eq!(before, dump(&f.db()), "importing the same content twice is a no-op");
}

#[test]
fn a_bad_workbook_is_refused_with_places_and_the_database_is_untouched() {
    let f = Fixture::new();
    f.cmd().arg("init").assert().success();
    let path = f.path("有错误的清单.xlsx");
    xlsx::write(
        &path,
        &[xlsx::SheetSpec {
            name: "衡量标准",
            rows: vec![
                vec!["衡量标准清单", "", ""],
                vec!["编号", "标准内容", "检查方式"],
                vec!["S01", "应当建立制度。", "查阅资料"],
                vec!["S01", "重复的编号。", ""],
                vec!["S03", "", ""],
                vec!["S04", "方式写错。", "拍照片"],
            ],
            merges: vec![(0, 0, 0, 2)],
        }],
    );
    let before = dump(&f.db());
    f.cmd()
        .args(["catalog", "import", path.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("发现 3 处问题，未写入任何数据"))
        .stderr(predicate::str::contains("文件 有错误的清单.xlsx，工作表“衡量标准”，第 4 行，A 列（编号）：编号“S01”重复"))
        .stderr(predicate::str::contains("第 5 行，B 列（内容）：不能为空"))
        .stderr(predicate::str::contains("第 6 行，C 列（检查方法）：“拍照片”无法识别"));
    f.cmd()
        .args(["--lang", "en", "catalog", "import", path.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("row 5, column B (requirement): must not be empty"));
    assert_eq!(before, dump(&f.db()), "a refused import writes nothing");
}

#[test]
fn import_errors_for_files_that_cannot_be_read() {
    let f = Fixture::new();
    f.cmd().arg("init").assert().success();
    let before = dump(&f.db());
    let missing = f.path("不存在.xlsx");
    f.cmd().args(["catalog", "import", missing.to_str().unwrap()]).assert().code(2).stderr(predicate::str::contains("不存在.xlsx"));
    let doc = f.path("清单.docx");
    std::fs::write(&doc, "x").unwrap();
    f.cmd().args(["catalog", "import", doc.to_str().unwrap()]).assert().code(2).stderr(predicate::str::contains("不支持的文件类型"));
    let fake = f.path("伪装.xlsx");
    std::fs::write(&fake, "not a zip").unwrap();
    f.cmd().args(["catalog", "import", fake.to_str().unwrap()]).assert().code(2).stderr(predicate::str::contains("伪装.xlsx"));
    let noheader = f.path("无表头.csv");
    std::fs::write(&noheader, "甲,乙\n1,2\n").unwrap();
    f.cmd()
        .args(["catalog", "import", noheader.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("找不到表头"));
    let nokind = f.path("清单.csv");
    std::fs::write(&nokind, "序号,内容\n1,应当……\n").unwrap();
    f.cmd().args(["catalog", "import", nokind.to_str().unwrap()]).assert().code(2).stderr(predicate::str::contains("--kind"));
    f.cmd().args(["catalog", "import", nokind.to_str().unwrap(), "--kind", "indicator", "--json"]).assert().success();
    assert_ne!(before, dump(&f.db()));
}

#[test]
fn facility_ledger_imports_with_counties_resolved_and_new_ones_reported() {
    let f = Fixture::new();
    f.demo();
    let path = f.path("机构台账.xlsx");
    xlsx::messy_ledger(&path);
    let out = f.json(&["facility", "import", path.to_str().unwrap(), "--json"]);
    assert_eq!(out["created"], 4, "{out}");
    assert_eq!(out["updated"], 0);
    assert_eq!(out["unchanged"], 0);
    assert_eq!(out["new_counties"], serde_json::json!([]), "汝阳 matches 汝阳县, 嵩县 exists");
    let again = f.json(&["facility", "import", path.to_str().unwrap(), "--json"]);
    assert_eq!((again["created"].clone(), again["unchanged"].clone()), (0.into(), 4.into()));
    let list = f.json(&["facility", "list", "--county", "汝阳县", "--json"]);
    let home = list.as_array().unwrap().iter().find(|x| x["name"] == "汝阳县城关镇敬老院").expect("imported");
    assert_eq!(home["beds"], 120, "full-width digits read as numbers");
    assert_eq!(home["kind"], "destitute_support_home");
    for key in ["id", "name", "kind", "county", "township"] {
        assert!(home.get(key).is_some(), "facility list --json has {key}");
    }
    let centre = list.as_array().unwrap().iter().find(|x| x["name"] == "上店镇区域养老服务中心").unwrap();
    assert_eq!(centre["county"], "汝阳县", "a merged county cell covers the row below");
    assert_eq!(centre["operator_type"], "public_private");
}

#[test]
fn a_ledger_naming_a_new_county_reports_it() {
    let f = Fixture::new();
    f.demo();
    let path = f.path("ledger.csv");
    std::fs::write(&path, "所属县区,机构名称,机构类型\n汝阳县,新建敬老院,敬老院\n汝杨县,笔误敬老院,敬老院\n").unwrap();
    let out = f.json(&["facility", "import", path.to_str().unwrap(), "--json"]);
    assert_eq!(out["new_counties"], serde_json::json!(["汝杨县"]));
    let fresh = Fixture::new();
    fresh.demo();
    fresh.cmd().args(["facility", "import", path.to_str().unwrap()]).assert().success().stdout(predicate::str::contains("汝杨县（如为笔误"));
}

#[test]
fn a_bad_ledger_lists_every_problem_and_writes_nothing() {
    let f = Fixture::new();
    f.demo();
    let path = f.path("bad.csv");
    std::fs::write(
        &path,
        "机构台账\n所属县区,机构名称,机构类型,床位数,星级\n汝阳县,,敬老院,10,\n汝阳县,甲院,托儿所,10,\n汝阳县,乙院,敬老院,十张,\n汝阳县,丙院,敬老院,5,六星\n汝阳县,丁院,敬老院,5,\n汝阳县,丁院,敬老院,6,\n",
    )
    .unwrap();
    let before = dump(&f.db());
    let assert = f.cmd().args(["facility", "import", path.to_str().unwrap()]).assert().code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    for want in [
        "第 3 行，B 列（机构名称）：不能为空",
        "第 4 行，C 列（机构类型）：“托儿所”无法识别",
        "第 5 行，D 列（床位数）：“十张”不是有效的数字",
        "第 6 行，E 列（星级）：“六星”无法识别",
        "第 8 行，B 列（机构名称）：“丁院”重复，第 7 行已有",
    ] {
        assert!(err.contains(want), "missing «{want}» in:\n{err}");
    }
    assert_eq!(before, dump(&f.db()));
}

#[test]
fn facility_list_filters_and_unknown_county_is_an_input_error() {
    let f = Fixture::new();
    f.demo();
    let all = f.json(&["facility", "list", "--json"]);
    let ruyang = f.json(&["facility", "list", "--county", "汝阳县", "--json"]);
    assert!(all.as_array().unwrap().len() >= 250);
    assert!(ruyang.as_array().unwrap().iter().all(|x| x["county"] == "汝阳县"));
    assert!(ruyang.as_array().unwrap().len() < all.as_array().unwrap().len());
    let homes = f.json(&["facility", "list", "--kind", "乡镇敬老院", "--json"]);
    assert!(homes.as_array().unwrap().iter().all(|x| x["kind"] == "destitute_support_home"));
    f.cmd().args(["facility", "list", "--county", "火星区"]).assert().code(2).stderr(predicate::str::contains("火星区"));
    f.cmd().args(["facility", "list", "--kind", "托儿所"]).assert().code(2);
}

#[test]
fn departments_list_24_with_108_duties() {
    let f = Fixture::new();
    f.cmd().arg("init").assert().success();
    let deps = f.json(&["department", "list", "--json"]);
    assert_eq!(deps.as_array().unwrap().len(), 24);
    let duties: usize = deps.as_array().unwrap().iter().map(|d| d["duties"].as_array().unwrap().len()).sum();
    assert_eq!(duties, 108);
}

#[test]
fn department_import_checks_item_codes() {
    let f = Fixture::new();
    f.cmd().arg("init").assert().success();
    let good = f.path("责任清单.csv");
    std::fs::write(&good, "部门,职责,关联条目\n老龄办,统筹协调老龄工作,I01、s2\n,督促落实养老服务政策,I02\n").unwrap();
    let out = f.json(&["department", "import", good.to_str().unwrap(), "--json"]);
    assert_eq!((out["created"].clone(), out["duties"].clone()), (1.into(), 2.into()));
    let deps = f.json(&["department", "list", "--json"]);
    let office = deps.as_array().unwrap().iter().find(|d| d["name"] == "老龄办").unwrap();
    assert_eq!(office["duties"][0]["item_codes"], serde_json::json!(["I01", "S02"]));
    let bad = f.path("bad.csv");
    std::fs::write(&bad, "部门,职责,关联条目\n老龄办,统筹协调,S99\n").unwrap();
    let before = dump(&f.db());
    f.cmd()
        .args(["department", "import", bad.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("第 2 行，C 列（关联条目）：“S99”不是当前内容清单中的编号"));
    assert_eq!(before, dump(&f.db()));
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let f = Fixture::new();
    f.cmd().assert().code(2);
    f.cmd().args(["catalog", "list", "--kind", "rule"]).assert().code(2).stderr(predicate::str::contains("standard"));
    f.cmd().args(["frobnicate"]).assert().code(2);
    f.cmd().arg("--help").assert().code(0).stdout(predicate::str::contains("catalog"));
    f.cmd().args(["--lang", "fr", "init"]).assert().code(2);
    let long = "长".repeat(201);
    f.cmd().args(["catalog", "list", "--search", &long]).assert().code(2);
}

#[test]
fn a_damaged_database_is_an_internal_error_naming_the_file() {
    let f = Fixture::new();
    std::fs::write(f.db(), vec![7u8; 8192]).unwrap();
    f.cmd()
        .args(["catalog", "versions"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("q.db").and(predicate::str::contains("已损坏")));
    assert_eq!(std::fs::read(f.db()).unwrap(), vec![7u8; 8192], "never repaired silently");
}

#[test]
fn qingdan_db_env_and_default_location_are_honoured() {
    let f = Fixture::new();
    let env_db = f.path("env.db");
    Command::cargo_bin("qingdan").unwrap().env("QINGDAN_DB", &env_db).arg("init").assert().success();
    assert!(env_db.exists(), "QINGDAN_DB chooses the file");
    let home = f.path("home");
    Command::cargo_bin("qingdan")
        .unwrap()
        .env_remove("QINGDAN_DB")
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .arg("init")
        .assert()
        .success();
    assert!(home.join("data/cn.qingdan.app/qingdan.db").exists(), "the default is the app-data folder the desktop app uses");
}

#[test]
fn english_messages_with_lang_en() {
    let f = Fixture::new();
    f.cmd().args(["--lang", "en", "init"]).assert().success().stdout(predicate::str::contains("66 standards, 51 indicators"));
    f.cmd().args(["--lang", "en", "catalog", "use", "zzz"]).assert().code(2).stderr(predicate::str::contains("not found: catalog version zzz"));
}
