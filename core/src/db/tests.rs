use super::*;
use crate::clock::FixedClock;
use rstest::rstest;

fn fixed_env() -> Env {
    Env::fixed(FixedClock::default_test_time()).0
}

#[test]
fn file_database_gets_wal_foreign_keys_and_a_stable_device_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub").join("q.db");
    let first = Db::open_with(&path, fixed_env()).unwrap();
    let mode: String = first.conn().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = first.conn().query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
    assert_eq!(fk, 1);
    let sync: i64 = first.conn().query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    assert_eq!(sync, 2, "FULL: a commit is durable when it returns");
    let device = first.device_id();
    assert_eq!(device.get_version_num(), 7);
    drop(first);
    let again = Db::open(&path).unwrap();
    assert_eq!(again.device_id(), device, "the device id is made once, on first open");
    assert_eq!(again.schema_version().unwrap(), latest_version());
}

#[test]
fn memory_and_file_databases_have_the_same_schema() {
    let dir = tempfile::tempdir().unwrap();
    let file = Db::open(dir.path().join("a.db")).unwrap();
    let mem = Db::open_in_memory().unwrap();
    let schema = |db: &Db| -> Vec<String> {
        let mut st = db.conn().prepare("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
    };
    assert_eq!(schema(&file), schema(&mem));
}

#[test]
fn with_tx_rolls_back_on_error() {
    let mut db = Db::open_in_memory_with(fixed_env()).unwrap();
    let r: Result<()> = db.with_tx(|tx| {
        tx.meta_set("probe", "1")?;
        Err(Error::Internal("boom".into()))
    });
    assert!(r.is_err());
    assert_eq!(db.meta_get("probe").unwrap(), None, "the failed transaction left nothing behind");
}

#[test]
fn a_file_that_is_not_a_database_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.db");
    std::fs::write(&path, b"this is a spreadsheet, not a database, and it is long enough to have a header").unwrap();
    let err = Db::open(&path).unwrap_err();
    assert!(matches!(err, Error::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("broken.db"), "the message names the file: {err}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"this is a spreadsheet, not a database, and it is long enough to have a header",
        "a damaged file is never rewritten"
    );
}

#[test]
fn a_damaged_page_is_reported_not_repaired() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damaged.db");
    {
        let mut db = Db::open(&path).unwrap();
        db.with_tx(|tx| {
            for i in 0..2000 {
                tx.meta_set(&format!("k{i}"), &"x".repeat(200))?;
            }
            Ok(())
        })
        .unwrap();
        db.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    let page = 4096;
    assert!(bytes.len() > page * 8);
    // Scribble over b-tree pages, past the file header on page 1.
    for b in &mut bytes[page * 2..page * 6] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = Db::open(&path).unwrap_err();
    assert!(matches!(err, Error::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("damaged.db"));
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "nothing was written to the damaged file");
}

#[test]
fn a_database_from_a_newer_program_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    drop(Db::open(&path).unwrap());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", latest_version() + 1).unwrap();
    }
    let err = Db::open(&path).unwrap_err();
    assert!(matches!(err, Error::TooNew { .. }), "{err:?}");
}

/// Every earlier schema version must upgrade to the latest, and the file is
/// copied aside first.
#[rstest]
fn every_earlier_schema_version_migrates(#[values(0, 1, 2, 3, 4, 5, 6, 7, 8)] from: i64) {
    if from >= latest_version() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        if from > 0 {
            migrations::migrations().to_version(&mut conn, from as usize).unwrap();
            conn.execute("INSERT INTO meta (key, value) VALUES ('marker', 'kept')", []).unwrap();
        } else {
            conn.execute_batch("CREATE TABLE scratch (x); DROP TABLE scratch;").unwrap();
        }
    }
    let db = Db::open_with(&path, fixed_env()).unwrap();
    assert_eq!(db.schema_version().unwrap(), latest_version());
    if from > 0 {
        assert_eq!(db.meta_get("marker").unwrap().as_deref(), Some("kept"), "data survives the upgrade");
        let backups: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".bak"))
            .collect();
        assert_eq!(backups.len(), 1, "one copy taken before migrating");
    }
}
