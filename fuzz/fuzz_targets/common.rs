//! What both targets share: a receiving database with the reference data,
//! a trusted producer, and the check that a refused bundle changed nothing.

use std::path::Path;

use qingdan_core::evidence::EvidenceStore;
use qingdan_core::sync::{self, ImportOptions};
use qingdan_core::{seed, Db};

pub struct Receiver {
    pub db: Db,
    pub store: EvidenceStore,
    pub dir: tempfile::TempDir,
    pub producer: Db,
}

impl Receiver {
    pub fn new() -> Receiver {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open_in_memory().unwrap();
        seed::load_reference(&mut db).unwrap();
        let mut producer = Db::open_in_memory().unwrap();
        seed::load_reference(&mut producer).unwrap();
        let store = EvidenceStore::new(dir.path().join("evidence"));
        let mut r = Receiver { db, store, dir, producer };
        // Trust the producer once, with a bundle of its own.
        let first = r.dir.path().join("first.qingdan");
        sync::export(&mut r.producer, &first, &Default::default()).unwrap();
        r.import(&first, true).unwrap();
        r
    }

    pub fn import(&mut self, file: &Path, trust: bool) -> qingdan_core::Result<sync::ImportReport> {
        sync::import(&mut self.db, &self.store, file, &ImportOptions { trust }, &mut |_| {})
    }

    /// Imports; a refusal must leave the database as it was. Compared by a
    /// cheap fingerprint (row counts and the newest operation of every table
    /// that travels, and of the operation log) so the fuzzer stays fast.
    pub fn import_checked(&mut self, file: &Path) {
        let before = self.fingerprint();
        if self.import(file, false).is_err() {
            assert_eq!(self.fingerprint(), before, "a refused bundle changed the database");
        }
    }

    fn fingerprint(&self) -> Vec<(String, i64)> {
        let mut out = Vec::new();
        for t in sync::schema::SYNCED.iter().map(|s| s.table).chain(["sync_op", "sync_head", "sync_peer", "sync_bundle"]) {
            let n: i64 = self.db.conn().query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)).unwrap();
            out.push((t.to_string(), n));
        }
        let newest: Option<String> = self.db.conn().query_row("SELECT max(id) FROM sync_op", [], |r| r.get(0)).unwrap();
        out.push((newest.unwrap_or_default(), 0));
        out
    }
}
