//! The one way to open the database, for the desktop app, the CLI and tests.
//!
//! Every connection gets WAL, `synchronous=FULL` (a commit is on disk before
//! the call returns, so "saved" means saved), foreign keys and a busy timeout.
//! Opening a file checks its integrity first and refuses a damaged one rather
//! than repairing it; before migrating an existing file it copies it aside.
//! Writes go through [`Db::with_tx`]: commit on `Ok`, roll back on `Err`.

pub mod hlc;
mod migrations;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction};
use uuid::Uuid;

use crate::clock::Env;
use crate::error::{Error, Result};
use hlc::Stamp;
use std::cell::Cell;

pub use migrations::latest_version;

/// The folder name under the platform's data folder. It equals the Tauri
/// identifier, so the desktop app's app-data folder and the CLI's agree.
pub const APP_IDENTIFIER: &str = "cn.qingdan.app";
pub const DB_FILE_NAME: &str = "qingdan.db";

/// `QINGDAN_DB` if set, else `<data dir>/cn.qingdan.app/qingdan.db`.
pub fn default_db_path() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("QINGDAN_DB").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let base = dirs::data_dir()
        .ok_or_else(|| Error::Internal("this system reports no data folder; pass --db PATH".into()))?;
    Ok(base.join(APP_IDENTIFIER).join(DB_FILE_NAME))
}

pub struct Db {
    conn: Connection,
    path: Option<PathBuf>,
    env: Env,
    device_id: Uuid,
    /// The person changes are recorded for when it is not the app's user
    /// (`qingdan --actor`); see [`Db::set_actor`].
    actor: Option<String>,
    /// Whether this session has recorded a change yet: its first one starts a
    /// new chain (see [`Db::with_tx`]).
    chain_started: bool,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("path", &self.path).field("device_id", &self.device_id).finish()
    }
}

impl Db {
    /// Opens (creating if needed) the database file with the system clock.
    pub fn open(path: impl AsRef<Path>) -> Result<Db> {
        Db::open_with(path, Env::system())
    }

    pub fn open_with(path: impl AsRef<Path>, env: Env) -> Result<Db> {
        let path = path.as_ref().to_path_buf();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let existed = path.exists() && std::fs::metadata(&path).map(|m| m.len() > 0).unwrap_or(false);
        let conn = Connection::open(&path).map_err(|e| corrupt_or_db(&path, e))?;
        if existed {
            check_integrity(&conn, &path)?;
        }
        configure(&conn).map_err(|e| corrupt_or_db(&path, e))?;
        let mut db = Db { conn, path: Some(path), env, device_id: Uuid::nil(), actor: None, chain_started: false };
        db.migrate()?;
        db.device_id = db.ensure_device_id()?;
        db.install_sync()?;
        Ok(db)
    }

    /// A private database in memory with the same migrations, for tests.
    pub fn open_in_memory() -> Result<Db> {
        Db::open_in_memory_with(Env::system())
    }

    pub fn open_in_memory_with(env: Env) -> Result<Db> {
        let conn = Connection::open_in_memory()?;
        configure(&conn)?;
        let mut db = Db { conn, path: None, env, device_id: Uuid::nil(), actor: None, chain_started: false };
        db.migrate()?;
        db.device_id = db.ensure_device_id()?;
        db.install_sync()?;
        Ok(db)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn device_id(&self) -> Uuid {
        self.device_id
    }

    pub fn env(&self) -> &Env {
        &self.env
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.env.now()
    }

    /// Read access. Writes go through [`Db::with_tx`].
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` — several transactions in a row, such as importing a folder of
    /// sync bundles — with SQLite's WAL checkpoint deferred to its end. Every
    /// commit is still on disk before it returns (`synchronous=FULL`); only
    /// copying the log into the database file waits, so pages that each
    /// transaction changes again are copied once instead of after each. The
    /// log grows by what `f` writes meanwhile and is emptied at the end.
    pub fn checkpoint_after<T>(&mut self, f: impl FnOnce(&mut Db) -> T) -> Result<T> {
        let every: i64 = self.conn.query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))?;
        self.conn.execute_batch("PRAGMA wal_autocheckpoint = 0")?;
        let out = f(self);
        self.conn.execute_batch(&format!("PRAGMA wal_autocheckpoint = {every}"))?;
        // Busy readers only postpone the copy to the next automatic one.
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(out)
    }

    /// Records the changes of this handle's transactions in the sync log
    /// (the 变更历史) as made by `actor` instead of the app's user: the CLI's
    /// `--actor`. Blank means the app's user again.
    pub fn set_actor(&mut self, actor: &str) {
        let actor = crate::text::clean(actor);
        self.actor = (!actor.is_empty()).then_some(actor);
    }

    /// Runs `f` in one transaction: commit on `Ok`, roll back on `Err`.
    pub fn with_tx<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let tx = Tx { inner: self.conn.transaction()?, env: &self.env, device_id: self.device_id, witnessed: Cell::new(None) };
        // Every operation this transaction records carries the same clock stamp
        // (the triggers read it from `sync_state`). A transaction that records
        // none leaves the clock where it was, or where an import moved it, so a
        // write that changes nothing changes nothing at all.
        let (before_text, before_seq, before_origin): (String, i64, String) = tx
            .inner
            .prepare_cached("SELECT hlc, seq, origin FROM sync_state")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let before = Stamp::parse(&before_text).ok_or_else(|| Error::Internal(format!("bad clock stamp '{before_text}' in sync_state")))?;
        let stamp = before.tick(self.env.now());
        tx.inner.prepare_cached("UPDATE sync_state SET hlc = ?1")?.execute([stamp.to_string()])?;
        // The first change of a session goes into a new chain when the current
        // one has changes already: a database restored from a backup, or a
        // laptop cloned from an image, then never reuses a number that may have
        // been sent (see `crate::sync::chain`).
        let new_chain = (!self.chain_started && before_seq > 0).then(|| self.env.new_id().to_string());
        if let Some(origin) = &new_chain {
            tx.inner.prepare_cached("UPDATE sync_state SET origin = ?1, seq = 0")?.execute([origin])?;
        }
        // The sync log names the person through `meta`: the app's user, or
        // for this transaction only, the actor this handle was given.
        if let Some(actor) = &self.actor {
            tx.inner.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES ('op_actor', ?1)")?.execute([actor])?;
        }
        let out = f(&tx)?;
        if self.actor.is_some() {
            tx.inner.prepare_cached("DELETE FROM meta WHERE key = 'op_actor'")?.execute([])?;
        }
        let seq: i64 = tx.inner.prepare_cached("SELECT seq FROM sync_state")?.query_row([], |r| r.get(0))?;
        let recorded = seq != if new_chain.is_some() { 0 } else { before_seq };
        if recorded {
            if let Some(origin) = &new_chain {
                tx.inner
                    .prepare_cached("INSERT INTO sync_chain (origin, device_id, started_at) VALUES (?1, ?2, ?3)")?
                    .execute([origin, &self.device_id.to_string(), &timestamp(self.env.now())])?;
            }
        } else {
            if new_chain.is_some() {
                tx.inner.prepare_cached("UPDATE sync_state SET origin = ?1, seq = ?2")?.execute(rusqlite::params![before_origin, before_seq])?;
            }
            let kept = before.witness(tx.witnessed.get().unwrap_or(Stamp::ZERO));
            tx.inner.prepare_cached("UPDATE sync_state SET hlc = ?1")?.execute([kept.to_string()])?;
        }
        let Tx { inner, .. } = tx;
        inner.commit()?;
        self.chain_started |= recorded;
        Ok(out)
    }

    /// Whether this laptop's clock is obviously wrong (see [`hlc::judge_clock`]):
    /// compared with its own clock stamp and the newest change received from
    /// a chain that is not this device's.
    pub fn clock_warning(&self) -> Result<Option<hlc::ClockWarning>> {
        let recorded: String = self.conn.prepare_cached("SELECT hlc FROM sync_state")?.query_row([], |r| r.get(0))?;
        let received: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT max(hlc) FROM sync_op WHERE origin NOT IN (SELECT origin FROM sync_chain WHERE device_id = ?1) AND origin <> ?1",
            )?
            .query_row([self.device_id().to_string()], |r| r.get(0))?;
        Ok(hlc::judge_clock(
            self.now(),
            Stamp::parse(&recorded).unwrap_or(Stamp::ZERO),
            received.as_deref().and_then(Stamp::parse),
        ))
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn migrate(&mut self) -> Result<()> {
        let current = self.schema_version()?;
        let latest = migrations::latest_version();
        let shown = self.path.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| ":memory:".into());
        if current > latest {
            return Err(Error::TooNew {
                path: self.path.clone().unwrap_or_default(),
                found: current,
                supported: latest,
            });
        }
        if current == latest {
            return Ok(());
        }
        if current > 0 {
            if let Some(path) = self.path.clone() {
                self.backup_before_migration(&path, current)?;
            }
        }
        migrations::migrations()
            .to_latest(&mut self.conn)
            .map_err(|e| Error::Migration { path: shown, detail: e.to_string() })
    }

    /// `VACUUM INTO` writes a consistent copy even while WAL holds recent commits.
    fn backup_before_migration(&self, path: &Path, from_version: i64) -> Result<PathBuf> {
        let stamp = self.env.now().format("%Y%m%d%H%M%S");
        let backup = path.with_file_name(format!(
            "{}.v{from_version}-{stamp}.bak",
            path.file_name().and_then(|n| n.to_str()).unwrap_or(DB_FILE_NAME)
        ));
        if backup.exists() {
            std::fs::remove_file(&backup).map_err(|e| Error::io(&backup, e))?;
        }
        self.conn.execute("VACUUM INTO ?1", [backup.to_string_lossy()])?;
        Ok(backup)
    }

    /// The triggers that record every change as a sync operation; see [`crate::sync::schema`].
    fn install_sync(&mut self) -> Result<()> {
        self.with_tx(|tx| {
            tx.execute("UPDATE sync_state SET device_id = ?1 WHERE device_id = ''", [tx.device_id()])?;
            // A new database's first chain is the device's own id, as before chains existed.
            tx.execute("UPDATE sync_state SET origin = device_id WHERE origin = ''", [])?;
            tx.execute("INSERT OR IGNORE INTO sync_chain (origin, device_id) VALUES (?1, ?1)", [tx.device_id()])?;
            crate::sync::schema::install(tx)
        })
    }

    fn ensure_device_id(&mut self) -> Result<Uuid> {
        let env = self.env.clone();
        self.with_tx(|tx| {
            if let Some(id) = tx.meta_get("device_id")? {
                return Uuid::parse_str(&id).map_err(|e| Error::Internal(format!("bad device id in meta: {e}")));
            }
            let id = env.new_id();
            tx.meta_set("device_id", &id.to_string())?;
            Ok(id)
        })
    }

    pub fn meta_get(&self, key: &str) -> Result<Option<String>> {
        meta_get(&self.conn, key)
    }
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    // journal_mode answers with a row; in memory it stays "memory".
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
    // The sync triggers and the merge use a statement per table and column;
    // the default cache of 16 would prepare them again and again.
    conn.set_prepared_statement_cache_capacity(256);
    Ok(())
}

fn check_integrity(conn: &Connection, path: &Path) -> Result<()> {
    let mut stmt = conn.prepare("PRAGMA integrity_check").map_err(|e| corrupt_or_db(path, e))?;
    let lines: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| corrupt_or_db(path, e))?;
    if lines.len() == 1 && lines[0] == "ok" {
        return Ok(());
    }
    Err(Error::Corrupt { path: path.to_path_buf(), detail: lines.into_iter().take(3).collect::<Vec<_>>().join("; ") })
}

fn corrupt_or_db(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) | Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
            Error::Corrupt { path: path.to_path_buf(), detail: e.to_string() }
        }
        Some(rusqlite::ErrorCode::CannotOpen) | Some(rusqlite::ErrorCode::ReadOnly) => Error::Io {
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::PermissionDenied, e.to_string()),
        },
        _ => Error::Db(e),
    }
}

fn meta_get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

/// A write transaction with the stamps every changed record needs.
pub struct Tx<'a> {
    inner: Transaction<'a>,
    env: &'a Env,
    device_id: Uuid,
    /// The newest stamp received in this transaction (an import); see [`Tx::witness`].
    witnessed: Cell<Option<Stamp>>,
}

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.inner
    }
}

impl Tx<'_> {
    pub fn new_id(&self) -> String {
        self.env.new_id().to_string()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.env.now()
    }

    /// The id of a record that is the same thing wherever it is made — the
    /// reference catalog, a department, a county, a facility by county and
    /// name — so two laptops that each load it agree on its id and their
    /// files merge instead of clashing.
    pub fn natural_id(&self, kind: &str, parts: &[&str]) -> String {
        natural_id(kind, parts)
    }

    /// `now()` as stored: RFC 3339 UTC with milliseconds.
    pub fn now_text(&self) -> String {
        timestamp(self.env.now())
    }

    pub fn device_id(&self) -> String {
        self.device_id.to_string()
    }

    pub fn meta_get(&self, key: &str) -> Result<Option<String>> {
        meta_get(&self.inner, key)
    }

    /// Moves this laptop's clock to at least `seen`, a stamp received from
    /// another laptop, so that every change made after this transaction sorts
    /// after it. Kept when the transaction commits, even if it recorded no
    /// change of its own.
    pub fn witness(&self, seen: Stamp) -> Result<()> {
        let now: String = self.inner.prepare_cached("SELECT hlc FROM sync_state")?.query_row([], |r| r.get(0))?;
        let now = Stamp::parse(&now).ok_or_else(|| Error::Internal(format!("bad clock stamp '{now}' in sync_state")))?;
        if seen > now {
            self.inner.prepare_cached("UPDATE sync_state SET hlc = ?1")?.execute([seen.to_string()])?;
        }
        self.witnessed.set(Some(self.witnessed.get().map_or(seen, |w| w.max(seen))));
        Ok(())
    }

    pub fn meta_set(&self, key: &str, value: &str) -> Result<()> {
        self.inner.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }
}

/// A UUID (version 8) from SHA-256 of the kind and the parts; see [`Tx::natural_id`].
pub fn natural_id(kind: &str, parts: &[&str]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"qingdan:");
    h.update(kind.as_bytes());
    for p in parts {
        h.update([0x1f]);
        h.update(p.as_bytes());
    }
    let digest = h.finalize();
    let bytes: [u8; 16] = digest[..16].try_into().expect("16 bytes");
    Uuid::new_v8(bytes).to_string()
}

/// How times are stored: RFC 3339, UTC, milliseconds; sorts as text.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn parse_timestamp(s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| Error::Internal(format!("bad timestamp '{s}' in database: {e}")))
}

/// Escapes `%`, `_` and `\\` for a `LIKE … ESCAPE '\\'` pattern.
pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// A “contains” pattern for `LIKE … ESCAPE '\\'`: user text is matched literally.
pub fn like_pattern(s: &str) -> String {
    format!("%{}%", escape_like(s))
}

/// Reads a JSON array column.
pub fn json_col<T: serde::de::DeserializeOwned>(row: &rusqlite::Row<'_>, col: &str) -> rusqlite::Result<T> {
    let text: String = row.get(col)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

#[cfg(test)]
mod tests;
