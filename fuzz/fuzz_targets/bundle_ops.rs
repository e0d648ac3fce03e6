//! Any bytes as the operations of a correctly signed bundle from a trusted
//! device, with chains signed over whatever lines parse as operations (what
//! a laptop in the wrong hands can make): reaches the chain checks, the
//! domain rules and the merge, not just the signature check.
#![no_main]

use std::cell::RefCell;
use std::io::Write;

use libfuzzer_sys::fuzz_target;
use qingdan_core::sync::{self, bundle};
use sha2::Digest;

#[path = "common.rs"]
mod common;

#[path = "../../core/tests/common/bundles.rs"]
mod bundles;

thread_local! {
    static RECEIVER: RefCell<common::Receiver> = RefCell::new(common::Receiver::new());
}

fuzz_target!(|data: &[u8]| {
    RECEIVER.with(|r| {
        let mut r = r.borrow_mut();
        let file = r.dir.path().join("input.qingdan");
        let device = sync::Device::of(&r.producer).unwrap();
        let lines = data.iter().filter(|b| **b == b'\n').count() + usize::from(!data.ends_with(b"\n") && !data.is_empty());
        let mut entries = vec![(bundle::OPS.to_string(), data.to_vec()), (bundle::CHAINS.to_string(), Vec::new())];
        bundles::resign_chains(&r.producer, &mut entries);
        let manifest = serde_json::json!({
            "format": bundle::FORMAT, "version": bundle::VERSION, "app_version": env!("CARGO_PKG_VERSION"), "schema_version": qingdan_core::db::latest_version(),
            "device": {"id": device.id, "name": device.name, "public_key": device.public_key_hex()},
            "made_at": "2024-05-20T01:00:00.000Z", "scope": {"kind": "all"}, "hlc": "1716166800000-00000",
            "clock": {}, "counts": {"ops": lines, "tables": {}, "attachments": 0}, "catalog_versions": [],
            "entries": entries.iter().map(|(path, bytes)| serde_json::json!({
                "path": path, "size": bytes.len(), "sha256": hex::encode(sha2::Sha256::digest(bytes))
            })).collect::<Vec<_>>()
        });
        let m = serde_json::to_vec(&manifest).unwrap();
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&file).unwrap());
        for (name, bytes) in &entries {
            zip.start_file(name.as_str(), bundle::entry_options()).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.start_file(bundle::MANIFEST, bundle::entry_options()).unwrap();
        zip.write_all(&m).unwrap();
        zip.start_file(bundle::SIGNATURE, bundle::entry_options()).unwrap();
        zip.write_all(device.sign(&m).as_bytes()).unwrap();
        zip.finish().unwrap();
        r.import_checked(&file);
    });
});
