//! The sync contract of the `qingdan` CLI (issue 6, docs/cli.md): `device
//! show`, `bundle export|import` with trust and exit codes, `conflicts list`,
//! `dump --json` and `history`, between two database files.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

use common::CliDb;

/// A laptop's database, driven through the CLI.
struct Laptop(CliDb);

impl std::ops::Deref for Laptop {
    type Target = CliDb;
    fn deref(&self) -> &CliDb {
        &self.0
    }
}

impl Laptop {
    fn demo() -> Self {
        Laptop(CliDb::demo("张建国"))
    }
    fn export(&self, name: &str) -> PathBuf {
        let out = self.dir.path().join(name);
        self.run(&["bundle", "export", "--out", out.to_str().unwrap()]);
        out
    }
    fn inspect(&self) -> (String, String) {
        let f = &self.json(&["facility", "list", "--json"])[0]["id"];
        let started = self.json(&[
            "inspection", "start", "--target", f.as_str().unwrap(), "--kind", "执法检查", "--date", "2024-05-20",
            "--group", "第一组", "--json",
        ]);
        let id = started["id"].as_str().unwrap().to_string();
        let show = self.json(&["inspection", "show", &id, "--json"]);
        let code = show["items"][0]["code"].as_str().unwrap().to_string();
        (id, code)
    }
    fn record(&self, id: &str, code: &str, finding: &str) {
        self.run(&["inspection", "record", id, code, "不符合", "--finding", finding, "--severity", "一般", "--scope", "个别"]);
    }
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn device_show_names_this_laptop_and_its_key() {
    let a = Laptop::demo();
    let info = a.json(&["device", "show", "--json"]);
    assert!(uuid::Uuid::parse_str(info["id"].as_str().unwrap()).is_ok());
    assert_eq!(info["fingerprint"].as_str().unwrap().split(' ').count(), 8);
    assert_eq!(a.json(&["device", "show", "--json"]), info, "the same identity on every start");
    a.run(&["device", "name", "第一组笔记本"]);
    assert_eq!(a.json(&["device", "show", "--json"])["name"], "第一组笔记本");
}

#[test]
fn import_needs_trust_once_then_counts_what_arrived() {
    let a = Laptop::demo();
    let b = Laptop::demo();
    let (id, code) = a.inspect();
    a.record(&id, &code, "消防通道堆放杂物");
    let file = a.export("a.qingdan");

    let before = common::dump(&b.db());
    let out = b.cmd().args(["bundle", "import", path(&file)]).assert().code(2).get_output().clone();
    let err = String::from_utf8(out.stderr).unwrap();
    let fingerprint = a.json(&["device", "show", "--json"])["fingerprint"].as_str().unwrap().to_string();
    assert!(err.contains("尚未信任") && err.contains(&fingerprint), "{err}");
    assert_eq!(common::dump(&b.db()), before, "a refused bundle writes nothing");

    let report = b.json(&["bundle", "import", path(&file), "--trust", "--json"]);
    assert_eq!(report["refused"], 0);
    assert_eq!(report["tables"]["inspection"]["new"], 1);
    assert!(report["new"].as_u64().unwrap() > 1);
    let shown = b.json(&["inspection", "show", &id, "--json"]);
    assert_eq!(shown["items"][0]["finding"], "消防通道堆放杂物");

    let again = b.json(&["bundle", "import", path(&file), "--json"]);
    assert_eq!((again["new"].as_u64(), again["updated"].as_u64()), (Some(0), Some(0)), "{again}");
    assert_eq!(again["files"][0]["already_imported"], true);

    // The audit trail says where the finding came from.
    let history = b.json(&["history", "inspection_item", &format!("{id}/{code}"), "--json"]);
    let finding = history.as_array().unwrap().iter().find(|h| h["field"] == "finding").unwrap();
    assert_eq!(finding["new_value"], "消防通道堆放杂物");
    assert_eq!(finding["bundle"], "a.qingdan");
    assert_eq!(finding["device_id"], a.json(&["device", "show", "--json"])["id"]);
    assert_eq!(finding["actor"], "张建国", "--actor names the person in the trail, on both laptops");
    let at_a = a.json(&["history", "inspection_item", &format!("{id}/{code}"), "--json"]);
    assert!(at_a.as_array().unwrap().iter().all(|h| h["actor"] == "张建国"), "{at_a}");

    // Without --actor, the user the CLI runs as (no name is set in the app
    // here); the earlier run's actor did not stay behind.
    let mut plain = Command::cargo_bin("qingdan").unwrap();
    plain.arg("--db").arg(a.db()).env_remove("QINGDAN_LANG").env_remove("QINGDAN_DB").env("USER", "李秀英");
    plain.args(["inspection", "record", &id, &code, "符合"]).assert().success();
    let trail = a.json(&["history", "inspection_item", &format!("{id}/{code}"), "--json"]);
    let verdict = trail.as_array().unwrap().iter().rfind(|h| h["field"] == "verdict").unwrap();
    assert_eq!(verdict["actor"], "李秀英", "{trail}");
}

#[test]
fn a_refused_file_does_not_stop_the_others_and_exits_2() {
    let a = Laptop::demo();
    let b = Laptop::demo();
    a.inspect();
    let good = a.export("good.qingdan");
    let bad = a.dir.path().join("cut.qingdan");
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(&bad, &bytes[..bytes.len() / 2]).unwrap();
    let out = b.cmd().args(["bundle", "import", path(&bad), path(&good), "--trust", "--json"]).assert().code(2).get_output().clone();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["refused"], 1);
    assert_eq!(report["refused_files"][0]["file"], path(&bad));
    assert_eq!(report["tables"]["inspection"]["new"], 1, "the good file went in");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("cut.qingdan"), "{err}");
}

#[test]
fn two_laptops_end_with_the_same_dump_and_the_conflict_listed() {
    let a = Laptop::demo();
    let b = Laptop::demo();
    let (id, code) = a.inspect();
    b.run(&["bundle", "import", path(&a.export("base.qingdan")), "--trust"]);
    a.record(&id, &code, "甲：护理记录不全");
    b.record(&id, &code, "乙：护理记录缺失");
    let fa = a.export("a.qingdan");
    let fb = b.export("b.qingdan");
    a.run(&["bundle", "import", path(&fb), "--trust"]);
    b.run(&["bundle", "import", path(&fa)]);

    let conflicts = a.json(&["conflicts", "list", "--json"]);
    assert_eq!(conflicts.as_array().unwrap().len(), 1, "{conflicts}");
    assert_eq!(conflicts[0]["field"], "finding");
    assert_eq!(conflicts[0]["record"], "检查条目");
    let dump_a: Value = serde_json::from_str(&a.run(&["dump", "--json"])).unwrap();
    let dump_b: Value = serde_json::from_str(&b.run(&["dump", "--json"])).unwrap();
    assert_eq!(dump_a["tables"]["inspection_item"], dump_b["tables"]["inspection_item"]);
    assert_eq!(dump_a["conflicts"], dump_b["conflicts"]);

    let keep = conflicts[0]["heads"][1]["op_id"].as_str().unwrap();
    a.run(&["conflicts", "resolve", "inspection_item", &format!("{id}/{code}"), "finding", "--keep", keep]);
    assert_eq!(a.json(&["conflicts", "list", "--json"]), serde_json::json!([]));
    b.run(&["bundle", "import", path(&a.export("resolved.qingdan"))]);
    assert_eq!(b.json(&["conflicts", "list", "--json"]), serde_json::json!([]));
}

#[test]
fn a_database_named_without_a_folder_gets_its_key_on_the_first_try() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        let mut c = Command::cargo_bin("qingdan").unwrap();
        c.current_dir(dir.path()).args(["--db", "bare.db", "device", "show", "--json"]).env_remove("QINGDAN_DB");
        c.assert().success().get_output().stdout.clone()
    };
    let first: Value = serde_json::from_slice(&run()).unwrap();
    assert!(dir.path().join("bare.db.device-key").exists());
    let second: Value = serde_json::from_slice(&run()).unwrap();
    assert_eq!(first, second);
}
