//! What the app is running on: version, database file, device, active catalog.

use qingdan_core::catalog::{self, CatalogVersion};
use qingdan_core::db::hlc::ClockWarning;
use serde::Serialize;
use tauri::State;

use crate::error::IpcError;
use crate::state::AppState;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub db_path: String,
    /// This installation's id in the database (stamped on every change it makes).
    pub device_id: String,
    pub schema_version: u32,
    pub active_catalog: Option<CatalogVersion>,
    /// The name set with `user_name_set` for the change log; `null` until one is.
    pub user_name: Option<String>,
    /// Set when this laptop's clock is obviously wrong (a flat battery's
    /// 2000, a year typed as 2036); the app shows it until the time is fixed.
    pub clock_warning: Option<ClockWarning>,
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, IpcError> {
    info(&state)
}

pub fn info(state: &AppState) -> Result<AppInfo, IpcError> {
    state.read(|db| {
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            db_path: state.db_path().display().to_string(),
            device_id: db.device_id().to_string(),
            schema_version: u32::try_from(db.schema_version()?).unwrap_or(0),
            active_catalog: catalog::active_version(db)?,
            // The key `qingdan_core::settings` keeps it under; that module only
            // offers the name with its fallbacks, which cannot tell "unset".
            user_name: qingdan_core::settings::configured_user_name(db)?,
            clock_warning: db.clock_warning()?,
        })
    })
}
