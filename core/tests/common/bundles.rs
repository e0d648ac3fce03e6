//! Bundles rewritten by hand, for tests of what a receiver refuses.

use qingdan_core::sync::{self, bundle};
use qingdan_core::Db;

/// Signs the chains of the operations as they now stand, with the key of
/// `db`'s device: what a laptop in the wrong hands can do, so that only the
/// content decides whether a rewritten bundle is taken.
pub fn resign_chains(db: &Db, entries: &mut [(String, Vec<u8>)]) {
    use sync::chain::{genesis, link, op_hash, Head, Segment};
    let Some(ops) = entries.iter().find(|(n, _)| n == bundle::OPS).map(|(_, b)| b.clone()) else { return };
    let device = sync::Device::of(db).unwrap();
    let mut chains: std::collections::BTreeMap<String, (i64, i64, [u8; 32])> = Default::default();
    for line in ops.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let Ok(op) = serde_json::from_slice::<sync::ops::Op>(line) else { continue };
        let Ok(raw) = serde_json::from_slice::<std::collections::BTreeMap<String, Box<serde_json::value::RawValue>>>(line) else { continue };
        // Lines the fuzzer makes may leave out the value an insert needs: sign
        // them anyway, so that the import, not this helper, refuses them.
        let text = (op.kind == sync::ops::OpKind::Insert).then(|| raw.get("value").map_or("null".to_string(), |v| v.get().to_string()));
        let hash = op_hash(&op, text.as_deref());
        let entry = chains.entry(op.origin.clone()).or_insert((op.seq, op.seq.saturating_sub(1), genesis(&op.origin)));
        entry.2 = link(&entry.2, &hash);
        entry.1 = op.seq;
    }
    let mut out = Vec::new();
    for (origin, (first, last, chain)) in chains {
        let seg = Segment { from: first, anchor: hex::encode(genesis(&origin)), gaps: vec![], head: Head::sign(&device, &origin, last, &chain) };
        out.extend(serde_json::to_vec(&seg).unwrap());
        out.push(b'\n');
    }
    if let Some(e) = entries.iter_mut().find(|(n, _)| n == bundle::CHAINS) {
        e.1 = out;
    }
}
