//! Who made each operation. A bundle's signature proves which laptop wrote
//! the file; this module proves which laptop made each change in it, so a
//! supervisor can forward one inspector's work to another and nobody can
//! slip in changes under someone else's name.
//!
//! Each laptop records its changes in *chains*: a chain is a run of
//! operations `origin:1, origin:2, …` under one random id (`origin`), and a
//! laptop starts a new one in every session that writes (see
//! [`crate::db::Db::with_tx`]), so a laptop restored from a backup or cloned
//! from an image never reuses a number it already sent. Every operation has a
//! hash ([`op_hash`]); the chain value after operation *n* is
//! `SHA-256(chain(n-1) ‖ hash(n))`, starting from [`genesis`]. The laptop signs
//! the chain value at the last operation it sends ([`Head`]); that one
//! signature covers every operation before it, because changing any of them
//! changes every later chain value.
//!
//! A bundle carries each chain as segments ([`Segment`]): a run of positions
//! `from..=to` with the chain value just before it (the anchor), the hashes of
//! the positions it leaves out (gaps), and the signed head at `to`. The
//! receiver recomputes the chain over the operations it reads and the gaps,
//! and checks the head against the key of the chain's device — a device it
//! trusts directly, or one the team roster names ([`super::roster`]). The
//! anchor needs no check of its own: a wrong anchor gives a wrong head.
//!
//! Not here: whether the device may make the change at all (its role, the
//! domain rules); that is the merge's business.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::device::Device;
use super::ops::{wire_from_row, Op, OpKind, OP_COLUMNS};
use crate::error::{Error, Result};

pub type Hash = [u8; 32];

/// The chain value before an origin's first operation.
pub fn genesis(origin: &str) -> Hash {
    let mut h = Sha256::new();
    h.update(b"qingdan-chain\0");
    h.update(origin.as_bytes());
    h.finalize().into()
}

/// The chain value after an operation with hash `op`.
pub fn link(prev: &Hash, op: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(op);
    h.finalize().into()
}

/// The hash of an operation, over every field, each with its length so that no
/// two operations share one. An insert's row counts as the exact JSON text it
/// was stored and is sent in (`insert_text`); a changed value as the scalar
/// SQLite stores, written the one way an export writes it, so that a
/// value received and sent on keeps its hash.
pub fn op_hash(op: &Op, insert_text: Option<&str>) -> Hash {
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field(b"qingdan-op-1");
    field(op.id.as_bytes());
    field(op.origin.as_bytes());
    field(&op.seq.to_le_bytes());
    field(op.hlc.as_bytes());
    field(op.tbl.as_bytes());
    field(op.row.as_bytes());
    field(op.kind.slug().as_bytes());
    field(op.col.as_deref().unwrap_or("").as_bytes());
    match (op.kind, insert_text) {
        (OpKind::Insert, Some(text)) => field(text.as_bytes()),
        (OpKind::Insert, None) => field(op.value.to_string().as_bytes()),
        _ => field(stored_scalar_text(&op.value).as_bytes()),
    }
    field(&(op.bases.len() as u64).to_le_bytes());
    for b in &op.bases {
        field(b.as_bytes());
    }
    field(op.actor.as_bytes());
    h.finalize().into()
}

/// A scalar as it comes back out of SQLite: `true` is stored as 1, `2.50` as 2.5.
fn stored_scalar_text(v: &serde_json::Value) -> String {
    use rusqlite::types::Value as Sql;
    let back = match super::ops::json_to_sql(v) {
        Some(Sql::Null) | None => return "null".into(),
        Some(Sql::Integer(i)) => serde_json::Value::from(i),
        Some(Sql::Real(f)) => serde_json::Number::from_f64(f).map(serde_json::Value::Number).unwrap_or_default(),
        Some(Sql::Text(t)) => serde_json::Value::String(t),
        Some(Sql::Blob(_)) => return "null".into(),
    };
    back.to_string()
}

/// What a chain's device signs: the chain value at position `seq`.
fn head_message(origin: &str, device: &str, seq: i64, chain: &Hash) -> Vec<u8> {
    format!("qingdan-chain-head\0{origin}\0{device}\0{seq}\0{}", hex::encode(chain)).into_bytes()
}

/// A signed chain value: device `device` vouches for the operations
/// `origin:1 ..= origin:seq` whose chain ends in `chain`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Head {
    pub origin: String,
    pub device: String,
    pub seq: i64,
    /// 64 hex digits.
    pub chain: String,
    /// The device's Ed25519 signature, 128 hex digits.
    pub signature: String,
}

impl Head {
    pub fn sign(device: &super::device::Device, origin: &str, seq: i64, chain: &Hash) -> Head {
        let signature = device.sign(&head_message(origin, &device.id, seq, chain));
        Head { origin: origin.into(), device: device.id.clone(), seq, chain: hex::encode(chain), signature }
    }

    pub fn chain_value(&self) -> Option<Hash> {
        hex::decode(&self.chain).ok()?.try_into().ok()
    }

    /// Whether `key` (the device's public key, hex) signed this head.
    pub fn verify(&self, key_hex: &str) -> bool {
        let Some(chain) = self.chain_value() else { return false };
        let Some(key) = super::device::parse_public_key(key_hex) else { return false };
        super::device::verify(&key, &head_message(&self.origin, &self.device, self.seq, &chain), &self.signature)
    }
}

/// A run of one chain's positions as a bundle carries it (a line of `chains.jsonl`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    /// The first position of the run; its operations and gaps cover `from..=head.seq`.
    pub from: i64,
    /// The chain value at `from - 1` (hex); at position 0 it is [`genesis`].
    pub anchor: String,
    /// Positions whose operation the bundle leaves out: runs of consecutive
    /// positions, each the first position and the hashes one after another (hex).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gaps: Vec<(i64, String)>,
    pub head: Head,
}

impl Segment {
    /// The hashes of the left-out positions, by position; `None` when malformed.
    pub fn gap_hashes(&self) -> Option<Vec<(i64, Hash)>> {
        let mut out = Vec::new();
        for (first, hexes) in &self.gaps {
            let bytes = hex::decode(hexes).ok()?;
            if bytes.is_empty() || bytes.len() % 32 != 0 {
                return None;
            }
            for (i, chunk) in bytes.chunks(32).enumerate() {
                out.push((first + i as i64, chunk.try_into().ok()?));
            }
        }
        Some(out)
    }

    pub fn anchor_value(&self) -> Option<Hash> {
        hex::decode(&self.anchor).ok()?.try_into().ok()
    }
}

/// Packs left-out positions (ascending) into runs for [`Segment::gaps`].
pub fn pack_gaps(gaps: &[(i64, Hash)]) -> Vec<(i64, String)> {
    let mut out: Vec<(i64, String)> = Vec::new();
    let mut next = i64::MIN;
    for (seq, hash) in gaps {
        match out.last_mut() {
            Some((_, hexes)) if *seq == next => hexes.push_str(&hex::encode(hash)),
            _ => out.push((*seq, hex::encode(hash))),
        }
        next = seq + 1;
    }
    out
}

/// Gives every operation of this laptop's own chains its hash and chain
/// value, and signs each chain's head where it grew: what an export needs so
/// that every operation in it can be checked as this laptop's.
pub fn attest_own(conn: &Connection, device: &Device) -> Result<()> {
    let mut st = conn.prepare("SELECT origin FROM sync_chain WHERE device_id = ?1 ORDER BY origin")?;
    let origins = st.query_map([&device.id], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
    let mut set = conn.prepare_cached("UPDATE sync_op SET hash = ?2, chain = ?3 WHERE id = ?1")?;
    for origin in origins {
        // The chain so far: from the last operation that has its value.
        let last: Option<(i64, Vec<u8>)> = conn
            .query_row(
                "SELECT seq, chain FROM sync_op WHERE origin = ?1 AND chain IS NOT NULL ORDER BY seq DESC LIMIT 1",
                [&origin],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (mut at, mut chain) = match last {
            Some((seq, c)) => (seq, to_hash(&c).ok_or_else(|| Error::Internal(format!("bad chain value at {origin}:{seq}")))?),
            None => (0, genesis(&origin)),
        };
        let mut rows = conn.prepare_cached(&format!("SELECT {OP_COLUMNS} FROM sync_op WHERE origin = ?1 AND seq > ?2 ORDER BY seq"))?;
        let mut q = rows.query(params![origin, at])?;
        while let Some(r) = q.next()? {
            let (op, insert_text) = wire_from_row(r)?;
            if op.seq != at + 1 {
                return Err(Error::Internal(format!("chain {origin} jumps from {at} to {}", op.seq)));
            }
            chain = link(&chain, &op_hash(&op, insert_text.as_deref()));
            at = op.seq;
            set.execute(params![op.id, op_hash(&op, insert_text.as_deref()).to_vec(), chain.to_vec()])?;
        }
        if at == 0 {
            continue;
        }
        let signed: bool = conn.query_row("SELECT EXISTS(SELECT 1 FROM sync_attest WHERE origin = ?1 AND seq = ?2)", params![origin, at], |r| r.get(0))?;
        if !signed {
            let head = Head::sign(device, &origin, at, &chain);
            conn.execute(
                "INSERT INTO sync_attest (origin, seq, chain, signature) VALUES (?1, ?2, ?3, ?4)",
                params![origin, at, chain.to_vec(), head.signature],
            )?;
        }
    }
    Ok(())
}

pub fn to_hash(bytes: &[u8]) -> Option<Hash> {
    bytes.try_into().ok()
}

/// What an export can prove of one chain: the segments to send, and the
/// positions asked for that it cannot (their chain is not signed here yet:
/// changes received before chains existed, whose device has not sent them since).
#[derive(Debug, Default)]
pub struct Plan {
    pub segments: Vec<Segment>,
    pub provable: std::collections::HashSet<i64>,
    pub held_back: Vec<i64>,
}

/// Plans the segments of chain `origin` that carry the positions `included` (ascending).
pub fn plan(conn: &Connection, origin: &str, included: &[i64]) -> Result<Plan> {
    let device: String = conn
        .query_row("SELECT device_id FROM sync_chain WHERE origin = ?1", [origin], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| origin.to_string());
    // Every position whose hash (or, for an anchor, only chain value) is known here.
    let mut known: BTreeMap<i64, (Option<Hash>, Hash)> = BTreeMap::new();
    {
        let mut st = conn.prepare_cached("SELECT seq, hash, chain FROM sync_op WHERE origin = ?1 AND chain IS NOT NULL")?;
        let rows = st.query_map([origin], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<Vec<u8>>>(1)?, r.get::<_, Vec<u8>>(2)?)))?;
        for row in rows {
            let (seq, h, c) = row?;
            if let (Some(h), Some(c)) = (h.as_deref().and_then(to_hash), to_hash(&c)) {
                known.insert(seq, (Some(h), c));
            }
        }
        let mut st = conn.prepare_cached("SELECT seq, hash, chain FROM sync_link WHERE origin = ?1")?;
        let rows = st.query_map([origin], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<Vec<u8>>>(1)?, r.get::<_, Vec<u8>>(2)?)))?;
        for row in rows {
            let (seq, h, c) = row?;
            if let Some(c) = to_hash(&c) {
                let entry = known.entry(seq).or_insert((None, c));
                if entry.0.is_none() {
                    entry.0 = h.as_deref().and_then(to_hash);
                }
            }
        }
    }
    let mut heads: BTreeMap<i64, (Hash, String)> = BTreeMap::new();
    {
        let mut st = conn.prepare_cached("SELECT seq, chain, signature FROM sync_attest WHERE origin = ?1")?;
        let rows = st.query_map([origin], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, String>(2)?)))?;
        for row in rows {
            let (seq, c, sig) = row?;
            if let Some(c) = to_hash(&c) {
                heads.insert(seq, (c, sig));
            }
        }
    }
    let mut plan = Plan::default();
    let revoked_upto = super::roster::revoked_upto(conn, &device, origin)?;
    let included: Vec<i64> = match revoked_upto {
        None => included.to_vec(),
        Some(upto) => {
            let (kept, after): (Vec<i64>, Vec<i64>) = included.iter().partition(|&&p| p <= upto);
            plan.held_back.extend(after);
            kept
        }
    };
    let wanted: std::collections::BTreeSet<i64> = included.iter().copied().collect();
    let mut i = 0;
    while i < included.len() {
        let from = included[i];
        let anchor = if from == 1 { Some(genesis(origin)) } else { known.get(&(from - 1)).map(|k| k.1) };
        // The furthest signed head reachable from `from` without a position of unknown hash.
        let mut head: Option<i64> = None;
        if anchor.is_some() {
            let mut p = from;
            while known.get(&p).is_some_and(|k| k.0.is_some()) {
                if heads.contains_key(&p) && revoked_upto.is_none_or(|upto| p <= upto) {
                    head = Some(p);
                }
                p += 1;
            }
        }
        let (Some(anchor), Some(to)) = (anchor, head) else {
            plan.held_back.push(from);
            i += 1;
            continue;
        };
        let mut gaps = Vec::new();
        for p in from..=to {
            if wanted.contains(&p) {
                plan.provable.insert(p);
            } else {
                gaps.push((p, known[&p].0.expect("walked over known hashes")));
            }
        }
        let (chain, signature) = heads[&to].clone();
        plan.segments.push(Segment {
            from,
            anchor: hex::encode(anchor),
            gaps: pack_gaps(&gaps),
            head: Head { origin: origin.to_string(), device: device.clone(), seq: to, chain: hex::encode(chain), signature },
        });
        while i < included.len() && included[i] <= to {
            i += 1;
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(seq: i64, value: serde_json::Value) -> Op {
        Op {
            id: format!("o:{seq:012}"),
            origin: "o".into(),
            seq,
            hlc: "1716166800000-00000".into(),
            tbl: "inspection_item".into(),
            row: "r".into(),
            kind: OpKind::Set,
            col: Some("finding".into()),
            value,
            bases: vec![],
            actor: String::new(),
        }
    }

    #[test]
    fn every_field_is_in_the_hash_and_stored_forms_hash_alike() {
        let a = op_hash(&op(1, "消防通道堵塞".into()), None);
        assert_ne!(a, op_hash(&op(2, "消防通道堵塞".into()), None), "seq");
        assert_ne!(a, op_hash(&op(1, "消防通道畅通".into()), None), "value");
        let mut other = op(1, "消防通道堵塞".into());
        other.actor = "王".into();
        assert_ne!(a, op_hash(&other, None), "actor");
        assert_eq!(op_hash(&op(1, serde_json::json!(true)), None), op_hash(&op(1, serde_json::json!(1)), None), "a bool is stored as 1");
        assert_eq!(op_hash(&op(1, serde_json::json!(2.5)), None), op_hash(&op(1, serde_json::from_str("2.50").unwrap()), None));
        assert_ne!(op_hash(&op(1, serde_json::json!(3)), None), op_hash(&op(1, serde_json::json!(3.5)), None));
    }

    #[test]
    fn gaps_pack_into_runs_and_read_back() {
        let h = |b: u8| [b; 32];
        let gaps = vec![(3, h(1)), (4, h(2)), (9, h(3))];
        let packed = pack_gaps(&gaps);
        assert_eq!(packed.len(), 2);
        let seg = Segment { from: 1, anchor: hex::encode(genesis("o")), gaps: packed, head: Head { origin: "o".into(), device: "d".into(), seq: 9, chain: String::new(), signature: String::new() } };
        assert_eq!(seg.gap_hashes().unwrap(), gaps);
    }
}
