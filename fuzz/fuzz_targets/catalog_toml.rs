//! Any bytes as a catalog or department list in TOML: never a panic, and a
//! refusal names the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qingdan_core::{catalog, department, spreadsheet};

fuzz_target!(|data: &[u8]| {
    let text = spreadsheet::decode_text(data);
    if let Err(e) = catalog::reference::parse_toml(&text, "目录.toml") {
        assert!(e.to_string().contains("目录.toml"), "{e}");
    }
    if let Err(e) = department::reference::parse_toml(&text, "部门.toml") {
        assert!(e.to_string().contains("部门.toml"), "{e}");
    }
});
