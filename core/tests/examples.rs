//! The example files in docs/examples must import as the docs say.
//! `cargo test -p qingdan-core --test examples -- --ignored` rewrites them.

mod common;

use std::path::PathBuf;

use assert_cmd::Command;

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/examples")
}

#[test]
#[ignore = "rewrites docs/examples; run by hand after changing the fixtures"]
fn regenerate_examples() {
    common::xlsx::messy_catalog(&examples().join("catalog-example.xlsx"));
    common::xlsx::messy_ledger(&examples().join("facility-ledger-example.xlsx"));
}

#[test]
fn documented_examples_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("q.db");
    let run = |args: &[&str]| {
        let out = Command::cargo_bin("qingdan").unwrap().arg("--db").arg(&db).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap_or(serde_json::Value::Null)
    };
    run(&["demo"]);
    let e = examples();
    let c = run(&["catalog", "import", e.join("catalog-example.xlsx").to_str().unwrap(), "--json"]);
    assert_eq!((c["standards"].as_u64(), c["indicators"].as_u64()), (Some(4), Some(3)));
    let csv = run(&["catalog", "import", e.join("catalog-example.csv").to_str().unwrap(), "--json"]);
    assert_eq!((csv["standards"].as_u64(), csv["indicators"].as_u64()), (Some(2), Some(1)));
    let f = run(&["facility", "import", e.join("facility-ledger-example.xlsx").to_str().unwrap(), "--json"]);
    assert_eq!(f["created"].as_u64(), Some(4));
    let d = run(&["department", "import", e.join("departments-example.csv").to_str().unwrap(), "--json"]);
    assert_eq!(d["duties"].as_u64(), Some(2));
}
