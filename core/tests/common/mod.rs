#![allow(dead_code)]
pub mod bundles;
pub mod xlsx;

use std::path::{Path, PathBuf};

/// Every row of every table, for “nothing changed” checks.
pub fn dump_conn(conn: &rusqlite::Connection) -> Vec<String> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let mut out = Vec::new();
    for t in tables {
        let mut st = conn.prepare(&format!("SELECT * FROM \"{t}\" ORDER BY 1")).unwrap();
        let n = st.column_count();
        let rows = st
            .query_map([], |r| Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|")))
            .unwrap();
        for row in rows {
            out.push(format!("{t}: {}", row.unwrap()));
        }
    }
    out
}

/// [`dump_conn`] of a database file.
pub fn dump(db: &Path) -> Vec<String> {
    dump_conn(&rusqlite::Connection::open(db).unwrap())
}

/// Every file below a folder, sorted; none when it does not exist.
pub fn walk(p: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(p) else { return out };
    for e in entries {
        let e = e.unwrap().path();
        if e.is_dir() {
            out.extend(walk(&e));
        } else {
            out.push(e);
        }
    }
    out.sort();
    out
}

/// A database file driven through the `qingdan` binary, as a script drives
/// it: made with `qingdan demo`, every command run with `--actor`.
pub struct CliDb {
    pub dir: tempfile::TempDir,
    actor: &'static str,
}

impl CliDb {
    pub fn demo(actor: &'static str) -> Self {
        let f = CliDb::empty(actor);
        f.cmd().arg("demo").assert().success();
        f
    }

    /// A folder where the database is still to be made.
    pub fn empty(actor: &'static str) -> Self {
        CliDb { dir: tempfile::tempdir().unwrap(), actor }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("q.db")
    }

    pub fn cmd(&self) -> assert_cmd::Command {
        let mut c = assert_cmd::Command::cargo_bin("qingdan").unwrap();
        c.arg("--db").arg(self.db()).arg("--actor").arg(self.actor).env_remove("QINGDAN_LANG").env_remove("QINGDAN_DB");
        c
    }

    /// Runs a command that must succeed; its stdout.
    pub fn run(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).assert().success().get_output().stdout.clone();
        String::from_utf8(out).unwrap()
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.run(args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?} prints JSON: {e}\n{out}"))
    }

    /// Runs a command that must exit 2 and change nothing; its stderr.
    pub fn fail(&self, args: &[&str]) -> String {
        let before = dump(&self.db());
        let out = self.cmd().args(args).assert().code(2).get_output().clone();
        assert_eq!(dump(&self.db()), before, "{args:?} changed the database");
        String::from_utf8(out.stderr).unwrap()
    }
}
