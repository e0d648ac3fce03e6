//! Any bytes as a bundle file: never a panic, and a refusal changes nothing.
#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

thread_local! {
    static RECEIVER: RefCell<common::Receiver> = RefCell::new(common::Receiver::new());
}

fuzz_target!(|data: &[u8]| {
    RECEIVER.with(|r| {
        let mut r = r.borrow_mut();
        let file = r.dir.path().join("input.qingdan");
        std::fs::write(&file, data).unwrap();
        r.import_checked(&file);
    });
});
