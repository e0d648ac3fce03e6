//! The team roster (组员名单): the laptops of a supervision campaign, each with
//! its key and role, and those revoked.
//!
//! A supervisor's laptop (督查组 / 工作机构) issues the roster and signs it;
//! its bundles carry it, and laptops that forward bundles forward it too. A
//! laptop takes a roster when its issuer is a device it trusts directly as a
//! supervisor, or a supervisor of the roster it holds, and when its version is
//! newer. From then on every device the roster names is known by its key:
//! its changes are accepted from any bundle that carries them with a valid
//! chain signature ([`super::chain`]), without each laptop trusting each other
//! one by fingerprint.
//!
//! A revoked device (a lost laptop) keeps the changes it made before it was
//! revoked — the roster lists, for each of its chains, the last number the
//! supervisor had seen — and every later change it signs is refused.
//!
//! Not here: what a role may do with the records (that is the merge's rule set).

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::device::{self, Device};
use crate::db::Db;
use crate::error::{Error, Result};

pub const FORMAT: &str = "qingdan-roster";

/// What a member does in the campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "RosterRole")]
pub enum Role {
    /// 督查组 / 工作机构: issues the roster, verifies and closes out problems.
    Supervisor,
    /// 检查组成员: records inspections and rectification reports.
    Inspector,
}

impl Role {
    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Supervisor => "督查组",
            Role::Inspector => "检查组成员",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Role::Supervisor => "supervisor",
            Role::Inspector => "inspector",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s.trim() {
            "supervisor" | "督查组" | "工作机构" => Some(Role::Supervisor),
            "inspector" | "检查组成员" | "检查组" => Some(Role::Inspector),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    pub at: String,
    #[serde(default)]
    pub reason: String,
    /// For each chain of the device: the last number accepted from it.
    pub chains: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub device_id: String,
    pub name: String,
    /// Ed25519, 64 hex digits.
    pub public_key: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<Revocation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roster {
    pub format: String,
    pub version: u64,
    pub issuer: String,
    pub issued_at: String,
    pub members: Vec<Member>,
}

impl Roster {
    pub fn member(&self, device_id: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.device_id == device_id)
    }

    /// Checks what a roster from a file must hold, before its signature is even looked at.
    fn check_shape(&self) -> std::result::Result<(), String> {
        if self.format != FORMAT {
            return Err("不是组员名单".into());
        }
        if self.members.len() > 1000 {
            return Err("组员名单超过 1000 台设备".into());
        }
        let mut seen = std::collections::HashSet::new();
        for m in &self.members {
            if uuid::Uuid::parse_str(&m.device_id).is_err() || device::parse_public_key(&m.public_key).is_none() {
                return Err(format!("组员名单中设备“{}”的编号或公钥无效", crate::text::printable(&m.name)));
            }
            if m.name.chars().count() > 50 || !seen.insert(m.device_id.as_str()) {
                return Err(format!("组员名单中设备“{}”的名称过长或重复出现", crate::text::printable(&m.name)));
            }
            if m.revoked.as_ref().is_some_and(|r| r.chains.len() > 10_000 || r.reason.chars().count() > 200) {
                return Err("组员名单中的撤销记录过大".into());
            }
        }
        Ok(())
    }
}

/// A roster with its issuer's signature, as stored and as carried in bundles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The JSON exactly as signed.
    pub body: String,
    pub signature: String,
    pub roster: Roster,
}

impl Signed {
    pub fn parse(body: &str, signature: &str) -> std::result::Result<Signed, String> {
        let roster: Roster = serde_json::from_str(body).map_err(|e| format!("组员名单无法读取（{e}）"))?;
        roster.check_shape()?;
        Ok(Signed { body: body.to_string(), signature: signature.trim().to_string(), roster })
    }

    /// Whether the issuer's key (hex) signed it.
    pub fn verify(&self, issuer_key: &str) -> bool {
        device::parse_public_key(issuer_key).is_some_and(|k| device::verify(&k, self.body.as_bytes(), &self.signature))
    }
}

/// The roster this laptop holds, if any.
pub fn current(conn: &Connection) -> Result<Option<Signed>> {
    let row: Option<(String, String)> =
        conn.query_row("SELECT body, signature FROM sync_roster WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    match row {
        None => Ok(None),
        Some((body, sig)) => Signed::parse(&body, &sig).map(Some).map_err(|e| Error::Internal(format!("the stored roster: {e}"))),
    }
}

/// For a chain of a revoked device: the last position that stands (0 when
/// the roster saw none of it). `None` when the device is not revoked. What
/// lies beyond is refused by every laptop holding the roster, so an export
/// leaves it out rather than write a file nobody takes.
pub fn revoked_upto(conn: &Connection, device_id: &str, origin: &str) -> Result<Option<i64>> {
    let Some(held) = current(conn)? else { return Ok(None) };
    Ok(held.roster.member(device_id).and_then(|m| m.revoked.as_ref()).map(|r| r.chains.get(origin).copied().unwrap_or(0)))
}

/// How this laptop knows a device's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownKey {
    pub public_key: String,
    pub name: String,
    pub role: Option<Role>,
    pub revoked: Option<Revocation>,
    /// Trusted by a person on this laptop after comparing the fingerprint.
    pub direct: bool,
    pub supervisor: bool,
}

/// Every device whose key this laptop knows: itself, the peers a person
/// trusted, and the roster's members. A revocation in the roster holds even
/// for a peer trusted directly.
pub fn known_keys(conn: &Connection, own: &Device, roster: Option<&Roster>) -> Result<BTreeMap<String, KnownKey>> {
    let mut out = BTreeMap::new();
    if let Some(r) = roster {
        for m in &r.members {
            out.insert(
                m.device_id.clone(),
                KnownKey {
                    public_key: m.public_key.clone(),
                    name: m.name.clone(),
                    role: Some(m.role),
                    revoked: m.revoked.clone(),
                    direct: false,
                    supervisor: m.role == Role::Supervisor && m.revoked.is_none(),
                },
            );
        }
    }
    let mut st = conn.prepare("SELECT device_id, name, public_key, supervisor FROM sync_peer")?;
    let peers = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, bool>(3)?)))?;
    for p in peers {
        let (id, name, key, supervisor) = p?;
        let entry = out.entry(id).or_insert(KnownKey { public_key: key.clone(), name, role: None, revoked: None, direct: true, supervisor });
        entry.direct = true;
        entry.supervisor |= supervisor && entry.revoked.is_none();
        // A roster naming another key for a trusted peer does not replace what a person checked.
        entry.public_key = key;
    }
    let role = roster.and_then(|r| r.member(&own.id)).map(|m| m.role);
    out.insert(
        own.id.clone(),
        KnownKey { public_key: own.public_key_hex(), name: own.name.clone(), role, revoked: None, direct: true, supervisor: role != Some(Role::Inspector) },
    );
    Ok(out)
}

/// What became of a roster a bundle carried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[ts(export, rename = "RosterOutcome")]
pub enum Outcome {
    /// Taken as this laptop's roster.
    Accepted { version: u64 },
    /// The same or an older version than the one held.
    Known,
    /// Its issuer is no supervisor this laptop trusts: left aside.
    UntrustedIssuer { issuer: String },
}

/// Takes a roster from a bundle if its issuer may issue one here and it is newer.
/// A bad signature by a known issuer is an error: the file was altered.
pub fn offer(conn: &Connection, own: &Device, signed: &Signed, now: &str) -> std::result::Result<Outcome, String> {
    let held = current(conn).map_err(|e| e.to_string())?;
    if held.as_ref().is_some_and(|h| h.roster.version >= signed.roster.version) {
        if let Some(h) = held.as_ref().filter(|h| h.roster.version == signed.roster.version && h.body != signed.body) {
            return Err(format!(
                "收到的组员名单第 {} 版与本机已有的同一版内容不同，已拒绝",
                h.roster.version
            ));
        }
        return Ok(Outcome::Known);
    }
    let keys = known_keys(conn, own, held.as_ref().map(|h| &h.roster)).map_err(|e| e.to_string())?;
    let issuer = signed.roster.issuer.as_str();
    let Some(k) = keys.get(issuer).filter(|k| k.supervisor && k.revoked.is_none()) else {
        return Ok(Outcome::UntrustedIssuer { issuer: issuer.to_string() });
    };
    if !signed.verify(&k.public_key) {
        return Err("组员名单的签名无效：文件已被改动或损坏".into());
    }
    store(conn, signed, now).map_err(|e| e.to_string())?;
    Ok(Outcome::Accepted { version: signed.roster.version })
}

fn store(conn: &Connection, signed: &Signed, now: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_roster (id, version, issuer, body, signature, accepted_at) VALUES (1, ?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(id) DO UPDATE SET version = excluded.version, issuer = excluded.issuer, body = excluded.body,
             signature = excluded.signature, accepted_at = excluded.accepted_at",
        params![signed.roster.version as i64, signed.roster.issuer, signed.body, signed.signature, now],
    )?;
    Ok(())
}

/// A change a supervisor makes to the roster.
#[derive(Debug, Clone)]
pub enum Change {
    /// Adds a device or changes its name or role.
    Put { device_id: String, name: String, public_key: String, role: Role },
    /// Revokes a device: what it signed up to now stands, nothing later.
    Revoke { device_id: String, reason: String },
}

/// Issues the next version of the roster from this laptop. Only a supervisor
/// may: this laptop when no roster is held yet (it becomes the first issuer),
/// or a supervisor the held roster names.
pub fn issue(db: &mut Db, change: Change) -> Result<Roster> {
    let own = Device::of(db)?;
    let held = current(db.conn())?;
    let mut roster = match &held {
        Some(h) => {
            if h.roster.member(&own.id).is_none_or(|m| m.role != Role::Supervisor || m.revoked.is_some()) {
                return Err(Error::refuse(
                    "roster",
                    "只有组员名单中的督查组设备可以修改名单",
                    "only a supervisor's device named in the roster may change it",
                ));
            }
            h.roster.clone()
        }
        None => Roster {
            format: FORMAT.into(),
            version: 0,
            issuer: own.id.clone(),
            issued_at: String::new(),
            members: vec![Member { device_id: own.id.clone(), name: own.name.clone(), public_key: own.public_key_hex(), role: Role::Supervisor, revoked: None }],
        },
    };
    match change {
        Change::Put { device_id, name, public_key, role } => {
            let name = crate::text::clean(&name);
            if uuid::Uuid::parse_str(&device_id).is_err() {
                return Err(Error::refuse("device", format!("设备编号“{device_id}”无效"), format!("invalid device id '{device_id}'")));
            }
            if device::parse_public_key(&public_key).is_none() {
                return Err(Error::refuse("key", "公钥须为 64 位十六进制数字", "the public key must be 64 hex digits"));
            }
            if name.is_empty() || name.chars().count() > 50 || name.chars().any(char::is_control) {
                return Err(Error::refuse("name", "设备名称不能为空，最多 50 个字符", "the device name must be 1 to 50 characters"));
            }
            if device_id == own.id && role != Role::Supervisor {
                return Err(Error::refuse("role", "签发名单的设备须为督查组", "the device issuing the roster must be a supervisor"));
            }
            match roster.members.iter_mut().find(|m| m.device_id == device_id) {
                Some(m) if m.revoked.is_some() => {
                    return Err(Error::refuse("device", "该设备已被撤销，不能恢复；请为新设备重新登记", "the device is revoked; register its replacement instead"))
                }
                Some(m) => {
                    if m.public_key != public_key {
                        return Err(Error::refuse("key", "名单中该设备的公钥不同；丢失的设备须撤销后以新设备登记", "the roster has another key for this device; revoke it and register the new one"));
                    }
                    m.name = name;
                    m.role = role;
                }
                None => roster.members.push(Member { device_id, name, public_key, role, revoked: None }),
            }
        }
        Change::Revoke { device_id, reason } => {
            let reason = crate::text::clean(&reason);
            if reason.is_empty() || reason.chars().count() > 200 {
                return Err(Error::refuse("reason", "撤销设备须说明理由（最多 200 个字符）", "say why the device is revoked (at most 200 characters)"));
            }
            if device_id == own.id {
                return Err(Error::refuse("device", "不能撤销本机", "this laptop cannot revoke itself"));
            }
            let chains = chains_of(db.conn(), &device_id)?;
            let m = roster.members.iter_mut().find(|m| m.device_id == device_id).ok_or_else(|| Error::NotFound { what: "设备", key: device_id.clone() })?;
            if m.revoked.is_some() {
                return Err(Error::refuse("device", "该设备已被撤销", "the device is revoked already"));
            }
            m.revoked = Some(Revocation { at: crate::db::timestamp(db.now()), reason, chains });
        }
    }
    roster.version += 1;
    roster.issuer = own.id.clone();
    roster.issued_at = crate::db::timestamp(db.now());
    let body = serde_json::to_string_pretty(&roster).map_err(|e| Error::Internal(e.to_string()))?;
    let signed = Signed { signature: own.sign(body.as_bytes()), body, roster: roster.clone() };
    let now = crate::db::timestamp(db.now());
    db.with_tx(|tx| store(tx, &signed, &now))?;
    Ok(roster)
}

/// For each chain of a device: the highest number held here with every
/// number before it — what a revocation lets stand.
fn chains_of(conn: &Connection, device_id: &str) -> Result<BTreeMap<String, i64>> {
    let clock = super::export::clock_vector(conn)?;
    let mut st = conn.prepare("SELECT origin FROM sync_chain WHERE device_id = ?1")?;
    let origins = st.query_map([device_id], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(origins.into_iter().map(|o| (clock.get(&o).copied().unwrap_or(0), o)).map(|(seq, o)| (o, seq)).collect())
}
