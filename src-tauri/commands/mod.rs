//! The IPC surface, one module per domain. Each `#[tauri::command]` is a
//! one-line adapter over a plain function of `&AppState`, so the tests call the
//! same code without a window; the contract is docs/ipc.md.

pub mod app;
pub mod assignments;
pub mod catalog;
pub mod departments;
pub mod files;
mod input;
pub mod inspection;
pub mod lists;
pub mod problems;
pub mod registry;
pub mod stats;
pub mod sync;

include!("names.rs");
