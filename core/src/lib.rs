//! qingdan-core: every domain rule of 养老服务监督清单, the SQLite store, the
//! spreadsheet imports and the `qingdan` command line.
//!
//! It knows nothing of windows or Tauri: the desktop app is a thin shell over
//! these functions, so everything here is tested without a desktop around it.

pub mod assignment;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod changelog;
pub mod db;
pub mod demo;
pub mod department;
pub mod error;
pub mod inspection;
pub mod evidence;
pub mod export;
pub mod lang;
pub mod lists;
pub mod problem;
pub mod records;
pub mod registry;
pub mod report;
pub mod seed;
pub mod settings;
pub mod spreadsheet;
pub mod sync;
pub mod text;
mod vocabulary;

pub use clock::{Clock, Env, FixedClock, IdGen, SeqIds, SystemClock, V7Ids};
pub use db::{Db, Tx};
pub use error::{Error, Problem, Reason, Result};
pub use lang::Lang;
