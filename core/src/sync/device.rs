//! This laptop's identity for sync: its id (from the database), a name people
//! recognise, and an Ed25519 key that signs every bundle it writes. The key is
//! made on first use and kept in a file beside the database (in the desktop
//! app that is its app-data folder), never inside the database, so a copied
//! database file does not carry the right to sign as this laptop.
//!
//! Peers are the other laptops whose bundles this one accepts: a person trusts
//! a new one once, after comparing its fingerprint; after that a bundle signed
//! with any other key for the same device id is refused.

use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, SigningKey, Verifier, VerifyingKey};
use rusqlite::OptionalExtension;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::Db;
use crate::error::{Error, Result};

/// What `qingdan device show` prints.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct DeviceInfo {
    pub id: String,
    pub name: String,
    pub fingerprint: String,
    /// Ed25519, 64 hex digits: what a supervisor enters into the roster.
    pub public_key: String,
}

pub struct Device {
    pub id: String,
    pub name: String,
    key: SigningKey,
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device").field("id", &self.id).field("name", &self.name).finish_non_exhaustive()
    }
}

const NAME_KEY: &str = "device_name";

impl Device {
    /// This database's device, making its key on first use.
    pub fn of(db: &Db) -> Result<Device> {
        let id = db.device_id().to_string();
        let key = match db.path() {
            Some(p) => load_or_create_key(&key_path(p))?,
            // A database in memory (tests) gets a key derived from its id.
            None => SigningKey::from_bytes(&Sha256::digest(format!("qingdan test key {id}").as_bytes()).into()),
        };
        Ok(Device { name: device_name(db)?, id, key })
    }

    pub fn public_key_hex(&self) -> String {
        hex::encode(self.key.verifying_key().as_bytes())
    }

    pub fn sign(&self, bytes: &[u8]) -> String {
        use ed25519_dalek::Signer;
        hex::encode(self.key.sign(bytes).to_bytes())
    }

    pub fn info(&self) -> DeviceInfo {
        DeviceInfo {
            id: self.id.clone(),
            name: self.name.clone(),
            fingerprint: fingerprint(self.key.verifying_key().as_bytes()),
            public_key: self.public_key_hex(),
        }
    }
}

/// `<database file>.device-key`.
pub fn key_path(db_path: &Path) -> PathBuf {
    let mut name = db_path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".device-key");
    db_path.with_file_name(name)
}

fn load_or_create_key(path: &Path) -> Result<SigningKey> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let bytes: [u8; 32] = hex::decode(text.trim())
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| Error::Internal(format!("the device key file {} is damaged", path.display())))?;
            Ok(SigningKey::from_bytes(&bytes))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut secret = [0u8; 32];
            getrandom::fill(&mut secret).map_err(|e| Error::Internal(format!("no randomness for a device key: {e}")))?;
            crate::evidence::write_durably(path, format!("{}\n", hex::encode(secret)).as_bytes())?;
            restrict_to_owner(path)?;
            Ok(SigningKey::from_bytes(&secret))
        }
        Err(e) => Err(Error::io(path, e)),
    }
}

#[cfg(unix)]
fn restrict_to_owner(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(|e| Error::io(path, e))
}

#[cfg(not(unix))]
fn restrict_to_owner(_path: &Path) -> Result<()> {
    Ok(())
}

/// The name set for this device, else the computer's name.
pub fn device_name(db: &Db) -> Result<String> {
    if let Some(n) = db.meta_get(NAME_KEY)?.filter(|n| !n.trim().is_empty()) {
        return Ok(n);
    }
    let host = std::env::var("COMPUTERNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    Ok(host.unwrap_or_else(|| "本机".into()))
}

pub fn set_device_name(db: &mut Db, name: &str) -> Result<()> {
    let name = crate::text::clean(name);
    if name.is_empty() || name.chars().count() > 50 || name.chars().any(char::is_control) {
        return Err(Error::refuse("name", "设备名称不能为空，最多 50 个字符", "the device name must be 1 to 50 characters"));
    }
    db.with_tx(|tx| tx.meta_set(NAME_KEY, &name))
}

/// Eight groups of four hex digits of the key's SHA-256: short enough to read
/// out over the phone, long enough that a forged key will not match.
pub fn fingerprint(public_key: &[u8]) -> String {
    let digest = hex::encode(&Sha256::digest(public_key)[..16]);
    digest.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).expect("hex is ASCII")).collect::<Vec<_>>().join(" ")
}

pub fn parse_public_key(hex_text: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(hex_text).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

pub fn verify(key: &VerifyingKey, bytes: &[u8], signature_hex: &str) -> bool {
    let Some(sig) = hex::decode(signature_hex.trim()).ok().and_then(|b| <[u8; 64]>::try_from(b).ok()) else {
        return false;
    };
    key.verify(bytes, &Signature::from_bytes(&sig)).is_ok()
}

/// A laptop this one has accepted bundles from.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Peer {
    pub device_id: String,
    pub name: String,
    pub fingerprint: String,
    pub trusted_at: String,
    pub last_seen: Option<String>,
}

pub fn peer_key(conn: &rusqlite::Connection, device_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT public_key FROM sync_peer WHERE device_id = ?1", [device_id], |r| r.get(0))
        .optional()?)
}

/// Which device each chain known here belongs to (see [`super::chain`]).
pub fn chain_devices(conn: &rusqlite::Connection) -> Result<std::collections::HashMap<String, String>> {
    let mut st = conn.prepare("SELECT origin, device_id FROM sync_chain")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn peers(db: &Db) -> Result<Vec<Peer>> {
    let mut st = db.conn().prepare("SELECT * FROM sync_peer ORDER BY name, device_id")?;
    let rows = st.query_map([], |r| {
        let key: String = r.get("public_key")?;
        Ok(Peer {
            device_id: r.get("device_id")?,
            name: r.get("name")?,
            fingerprint: hex::decode(&key).map(|k| fingerprint(&k)).unwrap_or_default(),
            trusted_at: r.get("trusted_at")?,
            last_seen: r.get("last_seen")?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_made_once_kept_beside_the_database_and_signs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.db");
        let db = Db::open(&path).unwrap();
        let a = Device::of(&db).unwrap();
        let b = Device::of(&db).unwrap();
        assert_eq!(a.public_key_hex(), b.public_key_hex(), "the same key on the second start");
        assert!(key_path(&path).exists());
        let sig = a.sign(b"manifest");
        let key = parse_public_key(&a.public_key_hex()).unwrap();
        assert!(verify(&key, b"manifest", &sig));
        assert!(!verify(&key, b"manifest!", &sig), "another text does not verify");
        assert_eq!(a.info().fingerprint.split(' ').count(), 8);
    }

    #[test]
    fn a_damaged_key_file_is_an_error_not_a_new_identity() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("q.db");
        let db = Db::open(&path).unwrap();
        std::fs::write(key_path(&path), "not hex").unwrap();
        let err = Device::of(&db).unwrap_err().to_string();
        assert!(err.contains("device key"), "{err}");
    }
}
