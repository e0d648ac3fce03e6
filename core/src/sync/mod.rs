//! File sync between laptops that are usually offline.
//!
//! Every write to a table that travels becomes an operation (triggers, see
//! [`schema`]): an insert with the whole row, a change of one field, or a
//! delete. Operations carry the device that made them, that device's sequence
//! number and a hybrid-logical-clock stamp ([`crate::db::hlc`]). A bundle ([`bundle`]) is
//! a signed zip of operations and attachment files; importing one ([`import`])
//! stores the operations that are new and rewrites the rows they touch from
//! all operations known ([`ops`]). Because a row's state is a function of the
//! *set* of its operations, imports are idempotent and order-independent, and
//! concurrent changes of one field are kept side by side as [`conflicts`] until
//! a person settles them. [`dump`] prints the logical content for comparing
//! databases; [`history`] is the audit trail of a record.
//!
//! Not here: networking (bundles travel by USB stick, shared folder or
//! messaging app), and any rewriting of history.

pub mod bundle;
pub mod chain;
pub mod conflicts;
pub mod device;
pub mod dump;
pub mod export;
pub mod history;
pub mod import;
pub mod ops;
pub mod roster;
mod rules;
pub mod schema;

pub use conflicts::Conflict;
pub use device::{Device, DeviceInfo, Peer};
pub use export::{export, ExportSummary, Selection};
pub use history::HistoryEntry;
pub use import::{import, peek, BundleInfo, ImportOptions, ImportReport, Progress, TableCounts};
