//! What a new database starts with: the reference catalog (参考版) and the
//! reference departments. Loading them twice changes nothing.

use serde::Serialize;

use crate::catalog::{self, StoreOutcome};
use crate::db::Db;
use crate::department::{self, DepartmentOutcome};
use crate::error::Result;

#[derive(Debug, Clone, Serialize)]
pub struct SeedReport {
    pub catalog: StoreOutcome,
    pub departments: DepartmentOutcome,
}

/// Stores the reference catalog (if no version with its content exists) and
/// the reference departments, in one transaction. The reference catalog only
/// becomes active when no other version is.
pub fn load_reference(db: &mut Db) -> Result<SeedReport> {
    let reference = catalog::reference::reference_catalog()?;
    let departments = department::reference::reference_departments()?;
    let had_active = catalog::active_version(db)?.map(|v| v.id);
    db.with_tx(|tx| {
        let catalog = catalog::store_catalog(tx, &reference, true)?;
        if let Some(id) = &had_active {
            tx.meta_set("active_catalog_version", id)?;
        }
        let departments = department::store_departments(tx, &departments)?;
        Ok(SeedReport { catalog, departments })
    })
}
