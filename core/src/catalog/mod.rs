//! 内容清单: the catalog of 66 measurement standards (衡量标准) and 51 work
//! indicators (工作指标) against which inspections are made.
//!
//! A catalog is versioned: every import makes a new, immutable version (name,
//! source, time, content hash) with its groups and items; importing the same
//! content again is a no-op. One version is active for new inspections. The
//! reference version (参考版) ships with the app; official lists are imported
//! from spreadsheets ([`import`]). Editing items in place is deliberately not
//! offered: inspections pin a version, and a pinned version must not move.

pub mod import;
mod kinds;
pub mod reference;
mod store;

use serde::{Deserialize, Serialize};

pub use kinds::{CheckMethod, ItemKind, OperatorType, Severity, TargetKind};
pub(crate) use store::store_slug;
pub use store::{
    active_version, active_version_tx, get_item, groups, list_items, store_catalog, use_version, versions, CatalogGroup, CatalogItem,
    CatalogVersion, ItemQuery, StoreOutcome,
};

/// A catalog as read from a file, before it is stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParsedCatalog {
    pub name: String,
    pub source: String,
    pub groups: Vec<ParsedGroup>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedGroup {
    pub kind: ItemKind,
    pub name: String,
    pub items: Vec<ParsedItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedItem {
    pub code: String,
    pub title: String,
    pub requirement: String,
    pub basis: String,
    pub methods: Vec<CheckMethod>,
    pub applies_to: Vec<TargetKind>,
    pub departments: Vec<String>,
    pub severity: Severity,
    pub major_hazard: bool,
    pub quick_phrases: Vec<String>,
}

impl ParsedCatalog {
    pub fn count(&self, kind: ItemKind) -> usize {
        self.groups.iter().filter(|g| g.kind == kind).map(|g| g.items.len()).sum()
    }

    /// sha256 of the groups and items (not the name or source): the identity
    /// of the content, so that re-importing a renamed copy is still a no-op.
    pub fn content_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let canonical = serde_json::to_vec(&self.groups).expect("plain data serialises");
        hex::encode(Sha256::digest(canonical))
    }
}

/// Limits that keep a hostile or broken file from filling the database.
pub mod limits {
    pub const TITLE: usize = 200;
    pub const TEXT: usize = 4000;
    pub const CODE: usize = 20;
    pub const NAME: usize = 200;
    pub const ITEMS: usize = 5000;
}
