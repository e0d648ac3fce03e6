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
        sync::import(&mut self.db, &self.store, file, &ImportOptions { trust, ..Default::default() }, &mut |_| {})
    }

    /// Imports; a refusal must leave the database as it was: the whole
    /// canonical dump (every row of every table that travels, and the open
    /// conflicts) and every row of the sync bookkeeping (operations, links,
    /// signed heads, peers, bundles, chains, the roster, the clock).
    pub fn import_checked(&mut self, file: &Path) {
        let before = self.state();
        if self.import(file, false).is_err() {
            assert!(self.state() == before, "a refused bundle changed the database");
        }
    }

    fn state(&self) -> (serde_json::Value, Vec<Vec<String>>) {
        let dump = sync::dump::dump(&self.db).unwrap();
        let mut rows = Vec::new();
        for t in ["sync_op", "sync_link", "sync_attest", "sync_chain", "sync_head", "sync_peer", "sync_bundle", "sync_roster", "sync_state"] {
            let mut st = self.db.conn().prepare(&format!("SELECT * FROM {t} ORDER BY 1, 2")).unwrap();
            let n = st.column_count();
            let mut q = st.query([]).unwrap();
            while let Some(r) = q.next().unwrap() {
                let mut row = vec![t.to_string()];
                for i in 0..n {
                    row.push(format!("{:?}", r.get_ref(i).unwrap()));
                }
                rows.push(row);
            }
        }
        (dump, rows)
    }
}
