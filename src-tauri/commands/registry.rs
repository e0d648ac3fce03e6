//! The registry of inspection targets: jurisdictions and facilities, read-only.

use qingdan_core::registry::{self, Facility, FacilityQuery, Jurisdiction};
use tauri::State;

use super::input::{Input, MAX_COUNTY, MAX_SEARCH};
use crate::error::IpcError;
use crate::state::AppState;

#[tauri::command]
pub async fn jurisdiction_list(state: State<'_, AppState>) -> Result<Vec<Jurisdiction>, IpcError> {
    jurisdictions(&state)
}

#[tauri::command]
pub async fn facility_list(state: State<'_, AppState>, query: FacilityQuery) -> Result<Vec<Facility>, IpcError> {
    facilities(&state, &query)
}

#[tauri::command]
pub async fn facility_get(state: State<'_, AppState>, id: String) -> Result<Facility, IpcError> {
    facility(&state, &id)
}

pub fn jurisdictions(state: &AppState) -> Result<Vec<Jurisdiction>, IpcError> {
    state.read(registry::jurisdictions)
}

pub fn facilities(state: &AppState, query: &FacilityQuery) -> Result<Vec<Facility>, IpcError> {
    Input::new()
        .text("county", query.county.as_deref(), MAX_COUNTY)
        .text("search", query.search.as_deref(), MAX_SEARCH)
        .valid(state)?;
    state.read(|db| registry::facility_list(db, query))
}

pub fn facility(state: &AppState, id: &str) -> Result<Facility, IpcError> {
    Input::new().id("id", id).valid(state)?;
    state.read(|db| registry::get_facility(db, id))
}
