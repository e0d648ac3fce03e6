//! What the commands share: the open database and the user's language.
//!
//! The database is opened once, at start, through the core (the CLI and the
//! tests open it the same way). If opening fails — a damaged file, one from a
//! newer program, a folder that cannot be written — the window still opens and
//! every command answers with that error, so the UI can say what happened and
//! what to do instead of the app vanishing. Nothing here retries or repairs.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use qingdan_core::evidence::EvidenceStore;
use qingdan_core::{Db, Error, Lang};

use crate::error::IpcError;

pub struct AppState {
    db: Result<Mutex<Db>, IpcError>,
    db_path: PathBuf,
    lang: Lang,
    /// The folder a person last saved a copy to or picked files from: the
    /// next file dialog opens there.
    last_folder: Mutex<Option<PathBuf>>,
}

impl AppState {
    /// Opens the database at `path`; a failure is kept and answered later.
    pub fn open(path: &Path, lang: Lang) -> AppState {
        let db = Db::open(path).map(Mutex::new).map_err(|e| IpcError::new(&e, lang));
        AppState { db, db_path: path.to_path_buf(), lang, last_folder: Mutex::default() }
    }

    /// The database at `QINGDAN_DB`, else the default path the CLI also uses;
    /// the language from `QINGDAN_LANG` (zh or en), else Chinese.
    pub fn from_env() -> AppState {
        let lang = std::env::var("QINGDAN_LANG").ok().and_then(|l| l.parse().ok()).unwrap_or_default();
        match qingdan_core::db::default_db_path() {
            Ok(path) => AppState::open(&path, lang),
            Err(e) => AppState { db: Err(IpcError::new(&e, lang)), db_path: PathBuf::new(), lang, last_folder: Mutex::default() },
        }
    }

    /// An already opened database, for tests.
    pub fn with_db(db: Db, lang: Lang) -> AppState {
        let db_path = db.path().map(Path::to_path_buf).unwrap_or_default();
        AppState { db: Ok(Mutex::new(db)), db_path, lang, last_folder: Mutex::default() }
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// The language messages are written in.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The error opening the database gave, if it did.
    pub fn open_error(&self) -> Option<&IpcError> {
        self.db.as_ref().err()
    }

    /// Runs `f` with the database; a core error reaches the UI in the user's language.
    pub fn read<T>(&self, f: impl FnOnce(&Db) -> Result<T, Error>) -> Result<T, IpcError> {
        let db = self.db.as_ref().map_err(Clone::clone)?;
        // A panic while the lock was held cannot leave a half-written change:
        // writes are transactions, rolled back when dropped. So keep going.
        let db = db.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&db).map_err(|e| self.error(e))
    }

    /// Runs `f` with the database for a change; the core makes each change one transaction.
    pub fn write<T>(&self, f: impl FnOnce(&mut Db) -> Result<T, Error>) -> Result<T, IpcError> {
        let db = self.db.as_ref().map_err(Clone::clone)?;
        let mut db = db.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut db).map_err(|e| self.error(e))
    }

    /// The evidence folder beside the database; refused, like every command,
    /// when the database did not open, so no file lands beside a broken one.
    pub fn evidence(&self) -> Result<EvidenceStore, IpcError> {
        self.db.as_ref().map_err(Clone::clone)?;
        Ok(EvidenceStore::beside(&self.db_path))
    }

    /// Where the next file dialog opens: the folder used last, else none.
    pub fn last_folder(&self) -> Option<PathBuf> {
        self.last_folder.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn remember_folder(&self, folder: &Path) {
        *self.last_folder.lock().unwrap_or_else(|p| p.into_inner()) = Some(folder.to_path_buf());
    }

    pub fn error(&self, err: Error) -> IpcError {
        IpcError::new(&err, self.lang)
    }
}
