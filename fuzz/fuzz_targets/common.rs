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

    /// Imports; a refusal must leave the logical content as it was.
    pub fn import_checked(&mut self, file: &Path) {
        let before = sync::dump::dump(&self.db).unwrap();
        if self.import(file, false).is_err() {
            assert_eq!(sync::dump::dump(&self.db).unwrap(), before, "a refused bundle changed the database");
        }
    }
}
