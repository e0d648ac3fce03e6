//! Any bytes as the operations of a correctly signed bundle from a trusted
//! device: reaches the validation and the merge, not just the signature check.
#![no_main]

use std::cell::RefCell;
use std::io::Write;

use libfuzzer_sys::fuzz_target;
use qingdan_core::sync::{self, bundle};
use sha2::Digest;

#[path = "common.rs"]
mod common;

thread_local! {
    static RECEIVER: RefCell<common::Receiver> = RefCell::new(common::Receiver::new());
}

fuzz_target!(|data: &[u8]| {
    RECEIVER.with(|r| {
        let mut r = r.borrow_mut();
        let file = r.dir.path().join("input.qingdan");
        let device = sync::Device::of(&r.producer).unwrap();
        let lines = data.iter().filter(|b| **b == b'\n').count() + usize::from(!data.ends_with(b"\n") && !data.is_empty());
        let manifest = serde_json::json!({
            "format": bundle::FORMAT, "version": bundle::VERSION,
            "device": {"id": device.id, "name": device.name, "public_key": device.public_key_hex()},
            "made_at": "2024-05-20T01:00:00.000Z", "scope": {"kind": "all"}, "hlc": "1716166800000-00000",
            "clock": {}, "counts": {"ops": lines, "tables": {}, "attachments": 0}, "catalog_versions": [],
            "entries": [{"path": bundle::OPS, "size": data.len(), "sha256": hex::encode(sha2::Sha256::digest(data))}]
        });
        let m = serde_json::to_vec(&manifest).unwrap();
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&file).unwrap());
        zip.start_file(bundle::OPS, bundle::entry_options()).unwrap();
        zip.write_all(data).unwrap();
        zip.start_file(bundle::MANIFEST, bundle::entry_options()).unwrap();
        zip.write_all(&m).unwrap();
        zip.start_file(bundle::SIGNATURE, bundle::entry_options()).unwrap();
        zip.write_all(device.sign(&m).as_bytes()).unwrap();
        zip.finish().unwrap();
        r.import_checked(&file);
    });
});
