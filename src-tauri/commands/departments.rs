//! 责任清单: the departments and their duties, read-only.

use qingdan_core::department::{self, Department};
use tauri::State;

use crate::error::IpcError;
use crate::state::AppState;

#[tauri::command]
pub async fn department_list(state: State<'_, AppState>) -> Result<Vec<Department>, IpcError> {
    list(&state)
}

pub fn list(state: &AppState) -> Result<Vec<Department>, IpcError> {
    state.read(department::department_list)
}
