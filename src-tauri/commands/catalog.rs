//! 内容清单: catalog versions, their groups and items, read-only.

use qingdan_core::catalog::{self, CatalogGroup, CatalogItem, CatalogVersion, ItemQuery};
use tauri::State;

use super::input::{Input, MAX_ID, MAX_SEARCH};
use crate::error::IpcError;
use crate::state::AppState;

#[tauri::command]
pub async fn catalog_versions(state: State<'_, AppState>) -> Result<Vec<CatalogVersion>, IpcError> {
    versions(&state)
}

#[tauri::command]
pub async fn catalog_groups(
    state: State<'_, AppState>,
    version_id: Option<String>,
) -> Result<Vec<CatalogGroup>, IpcError> {
    groups(&state, version_id.as_deref())
}

#[tauri::command]
pub async fn catalog_items(state: State<'_, AppState>, query: ItemQuery) -> Result<Vec<CatalogItem>, IpcError> {
    items(&state, &query)
}

pub fn versions(state: &AppState) -> Result<Vec<CatalogVersion>, IpcError> {
    state.read(catalog::versions)
}

/// The groups of a version; without one, of the active version.
pub fn groups(state: &AppState, version_id: Option<&str>) -> Result<Vec<CatalogGroup>, IpcError> {
    Input::new().text("version_id", version_id, MAX_ID).valid(state)?;
    state.read(|db| catalog::groups(db, version_id))
}

pub fn items(state: &AppState, query: &ItemQuery) -> Result<Vec<CatalogItem>, IpcError> {
    Input::new()
        .text("version_id", query.version_id.as_deref(), MAX_ID)
        .text("group_id", query.group_id.as_deref(), MAX_ID)
        .text("search", query.search.as_deref(), MAX_SEARCH)
        .valid(state)?;
    state.read(|db| catalog::list_items(db, query))
}
