//! 任务分配: which inspection group inspects which county/district, facility
//! or department (`qingdan_core::assignment`). Whether the target exists and
//! what a group name or a date may be are the core's rules; these commands
//! bound the input and name the actor from the settings.

use qingdan_core::assignment::{self, Assignment, AssignmentFilter, NewAssignment};
use qingdan_core::settings;
use tauri::State;

use super::input::{Input, MAX_COUNTY, MAX_ID, MAX_NAME};
use crate::error::IpcError;
use crate::state::AppState;

#[tauri::command]
pub async fn assignment_list(state: State<'_, AppState>, filter: AssignmentFilter) -> Result<Vec<Assignment>, IpcError> {
    list(&state, &filter)
}

#[tauri::command]
pub async fn assignment_groups(state: State<'_, AppState>) -> Result<Vec<String>, IpcError> {
    groups(&state)
}

#[tauri::command]
pub async fn assignment_add(state: State<'_, AppState>, input: NewAssignment) -> Result<Assignment, IpcError> {
    add(&state, &input)
}

#[tauri::command]
pub async fn assignment_remove(state: State<'_, AppState>, id: String) -> Result<(), IpcError> {
    remove(&state, &id)
}

/// Assignments by group, with how far their inspection got; filtered by group and/or county.
pub fn list(state: &AppState, f: &AssignmentFilter) -> Result<Vec<Assignment>, IpcError> {
    Input::new().text("group", f.group.as_deref(), MAX_NAME).text("county", f.county.as_deref(), MAX_COUNTY).valid(state)?;
    state.read(|db| assignment::list(db, f))
}

/// Every group name on record (assignments and inspections), 第一组 first.
pub fn groups(state: &AppState) -> Result<Vec<String>, IpcError> {
    state.read(assignment::groups)
}

/// Assigns a group a target; the same assignment again sets its date and note.
pub fn add(state: &AppState, a: &NewAssignment) -> Result<Assignment, IpcError> {
    Input::new()
        .required("group", &a.group, MAX_NAME)
        .required("target_id", &a.target_id, MAX_NAME)
        .text("planned_date", a.planned_date.as_deref(), MAX_NAME)
        .prose("note", Some(&a.note))
        .valid(state)?;
    state.write(|db| {
        let who = settings::user_name(db)?;
        assignment::assign(db, a, &who)
    })
}

/// Takes an assignment back; the removal reaches the other laptops by sync.
pub fn remove(state: &AppState, id: &str) -> Result<(), IpcError> {
    Input::new().required("id", id, MAX_ID).valid(state)?;
    state.write(|db| {
        let who = settings::user_name(db)?;
        assignment::remove(db, id, &who)
    })
}
