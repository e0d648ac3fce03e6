//! 现场检查: starting an inspection, recording verdicts, evidence and
//! suggestions, signing, and reading the history and change log back.
//!
//! Every rule (what applies, what is required, what a signature locks) is the
//! core's. This module bounds the input, decodes the files the UI sends as
//! base64, names the actor from the settings and carries the rest across.
//! Each change is on disk when the command resolves: the core commits it
//! before returning, and evidence files are stored before the row naming them.

use base64::Engine;
use qingdan_core::changelog::{self, Change};
use qingdan_core::evidence::{self, Variant};
use qingdan_core::inspection::{
    self, ChecklistItem, CompletionGap, InspectionDetail, InspectionSummary, ItemPatch, SignOff, StartInspection,
    Suggestion, VerdictHistoryEntry,
};
use qingdan_core::{settings, Db, Error};
use tauri::State;

use super::input::{Input, MAX_ID, MAX_NAME};
use crate::error::IpcError;
use crate::state::AppState;

/// A drawn signature is a small PNG; a photo of one would be a mistake.
const MAX_SIGNATURE_BYTES: u64 = 5 * 1024 * 1024;

#[tauri::command]
pub async fn inspection_start(
    state: State<'_, AppState>,
    input: StartInspection,
) -> Result<InspectionDetail, IpcError> {
    start(&state, &input)
}

#[tauri::command]
pub async fn inspection_list(
    state: State<'_, AppState>,
    target_id: Option<String>,
) -> Result<Vec<InspectionSummary>, IpcError> {
    list(&state, target_id.as_deref())
}

#[tauri::command]
pub async fn inspection_show(state: State<'_, AppState>, id: String) -> Result<InspectionDetail, IpcError> {
    show(&state, &id)
}

#[tauri::command]
pub async fn inspection_record(
    state: State<'_, AppState>,
    id: String,
    code: String,
    patch: ItemPatch,
) -> Result<ChecklistItem, IpcError> {
    record(&state, &id, &code, &patch)
}

#[tauri::command]
pub async fn inspection_add_item(
    state: State<'_, AppState>,
    id: String,
    code: String,
) -> Result<ChecklistItem, IpcError> {
    add_item(&state, &id, &code)
}

#[tauri::command]
pub async fn inspection_attach(
    state: State<'_, AppState>,
    id: String,
    code: String,
    name: String,
    data_base64: String,
) -> Result<ChecklistItem, IpcError> {
    attach(&state, &id, &code, &name, &data_base64)
}

#[tauri::command]
pub async fn inspection_detach(
    state: State<'_, AppState>,
    id: String,
    code: String,
    sha256: String,
) -> Result<ChecklistItem, IpcError> {
    detach(&state, &id, &code, &sha256)
}

#[tauri::command]
pub async fn evidence_thumbnail(state: State<'_, AppState>, sha256: String) -> Result<String, IpcError> {
    thumbnail(&state, &sha256)
}

#[tauri::command]
pub async fn inspection_suggest(
    state: State<'_, AppState>,
    id: String,
    code: Option<String>,
    text: String,
) -> Result<Suggestion, IpcError> {
    suggest(&state, &id, code.as_deref(), &text)
}

#[tauri::command]
pub async fn inspection_completion(state: State<'_, AppState>, id: String) -> Result<Vec<CompletionGap>, IpcError> {
    completion(&state, &id)
}

#[tauri::command]
pub async fn inspection_sign(
    state: State<'_, AppState>,
    id: String,
    inspectors: Vec<String>,
    representative: String,
    signature_png_base64: Option<String>,
) -> Result<SignOff, IpcError> {
    sign(&state, &id, &inspectors, &representative, signature_png_base64.as_deref())
}

#[tauri::command]
pub async fn item_history(
    state: State<'_, AppState>,
    target_id: String,
    code: String,
) -> Result<Vec<VerdictHistoryEntry>, IpcError> {
    history(&state, &target_id, &code)
}

#[tauri::command]
pub async fn inspection_changes(state: State<'_, AppState>, id: String) -> Result<Vec<Change>, IpcError> {
    changes(&state, &id)
}

#[tauri::command]
pub async fn user_name_set(state: State<'_, AppState>, name: String) -> Result<(), IpcError> {
    set_user_name(&state, &name)
}

/// Who the change log names for changes made on this computer.
fn actor(db: &Db) -> Result<String, Error> {
    settings::user_name(db)
}

/// Refuses an unknown inspection before a file is stored for it, so a typo
/// in an id leaves no orphan in the evidence folder.
fn exists(state: &AppState, id: &str) -> Result<(), IpcError> {
    state.read(|db| inspection::show(db, id).map(drop))
}

pub fn start(state: &AppState, input: &StartInspection) -> Result<InspectionDetail, IpcError> {
    Input::new()
        .id("target_id", &input.target_id)
        .text("date", Some(&input.date), MAX_NAME)
        .text("group", Some(&input.group), MAX_NAME)
        .text("leader", Some(&input.leader), MAX_NAME)
        .names("members", &input.members)
        .names("representatives", &input.representatives)
        .valid(state)?;
    state.write(|db| {
        let who = actor(db)?;
        inspection::start(db, input, &who)
    })
}

/// Newest first; of one target when `target_id` is given.
pub fn list(state: &AppState, target_id: Option<&str>) -> Result<Vec<InspectionSummary>, IpcError> {
    Input::new().text("target_id", target_id, MAX_ID).valid(state)?;
    let target_id = target_id.map(str::trim).filter(|t| !t.is_empty());
    state.read(|db| inspection::list(db, target_id))
}

pub fn show(state: &AppState, id: &str) -> Result<InspectionDetail, IpcError> {
    Input::new().id("id", id).valid(state)?;
    state.read(|db| inspection::show(db, id))
}

pub fn record(state: &AppState, id: &str, code: &str, patch: &ItemPatch) -> Result<ChecklistItem, IpcError> {
    let mut input = Input::new();
    input
        .id("id", id)
        .code("code", code)
        .prose("finding", patch.finding.as_deref())
        .prose("na_reason", patch.na_reason.as_deref())
        .prose("amend_reason", patch.amend_reason.as_deref());
    for sha in &patch.evidence {
        input.sha256("evidence", sha);
    }
    input.valid(state)?;
    state.write(|db| {
        let who = actor(db)?;
        inspection::record(db, id, code, patch, &[], &who)
    })
}

pub fn add_item(state: &AppState, id: &str, code: &str) -> Result<ChecklistItem, IpcError> {
    Input::new().id("id", id).code("code", code).valid(state)?;
    state.write(|db| {
        let who = actor(db)?;
        inspection::add_item(db, id, code, &who)
    })
}

/// Stores the file (JPG, PNG or PDF, checked by the core) and links it to the item.
pub fn attach(
    state: &AppState,
    id: &str,
    code: &str,
    name: &str,
    data_base64: &str,
) -> Result<ChecklistItem, IpcError> {
    let mut input = Input::new();
    input.id("id", id).code("code", code).text("name", Some(name), MAX_NAME);
    let bytes = input.base64("data_base64", data_base64, evidence::MAX_BYTES);
    input.valid(state)?;
    let bytes = bytes.ok_or_else(|| IpcError::internal("decoded file missing after a clean check"))?;
    exists(state, id)?;
    let stored = state.evidence()?.put_bytes(&bytes, name, "data_base64").map_err(|e| state.error(e))?;
    state.write(|db| {
        let who = actor(db)?;
        inspection::record(db, id, code, &ItemPatch::default(), &[stored], &who)
    })
}

/// Unlinks a file from the item and returns the item as it now is. The file
/// itself stays in the evidence folder: another item may show the same photo.
pub fn detach(state: &AppState, id: &str, code: &str, sha256: &str) -> Result<ChecklistItem, IpcError> {
    Input::new().id("id", id).code("code", code).sha256("sha256", sha256).valid(state)?;
    state.write(|db| {
        let who = actor(db)?;
        inspection::detach_evidence(db, id, Some(code), sha256, &who)?;
        inspection::item(db, id, code)
    })
}

/// A `data:` URL of the JPEG thumbnail; a PDF has none (`not_found`).
pub fn thumbnail(state: &AppState, sha256: &str) -> Result<String, IpcError> {
    Input::new().sha256("sha256", sha256).valid(state)?;
    let bytes = state.evidence()?.read(sha256, Variant::Thumbnail).map_err(|e| match e {
        Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            state.error(Error::NotFound { what: "文件", key: format!("{sha256}（缩略图）") })
        }
        other => state.error(other),
    })?;
    Ok(format!("data:image/jpeg;base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes)))
}

/// A suggestion (意见建议) at an item, or on the whole inspection without `code`.
pub fn suggest(state: &AppState, id: &str, code: Option<&str>, text: &str) -> Result<Suggestion, IpcError> {
    let mut input = Input::new();
    input.id("id", id).prose("text", Some(text));
    if let Some(c) = code {
        input.code("code", c);
    }
    input.valid(state)?;
    state.write(|db| {
        let who = actor(db)?;
        inspection::add_suggestion(db, id, code, text, &who)
    })
}

pub fn completion(state: &AppState, id: &str) -> Result<Vec<CompletionGap>, IpcError> {
    Input::new().id("id", id).valid(state)?;
    state.read(|db| inspection::completion(db, id))
}

/// Signs the inspection; a drawn signature (PNG) is stored as evidence first.
pub fn sign(
    state: &AppState,
    id: &str,
    inspectors: &[String],
    representative: &str,
    signature_png_base64: Option<&str>,
) -> Result<SignOff, IpcError> {
    let mut input = Input::new();
    input.id("id", id).names("inspectors", inspectors).text("representative", Some(representative), MAX_NAME);
    let png = signature_png_base64.and_then(|s| input.base64("signature_png_base64", s, MAX_SIGNATURE_BYTES));
    if png.as_ref().is_some_and(|b| !b.starts_with(b"\x89PNG\r\n\x1a\n")) {
        input.refuse("signature_png_base64", "签名须为 PNG 图片", "the signature must be a PNG image");
    }
    input.valid(state)?;
    if png.is_some() {
        exists(state, id)?;
    }
    let signature = match png {
        Some(bytes) => Some(
            state.evidence()?.put_bytes(&bytes, "signature.png", "signature_png_base64").map_err(|e| state.error(e))?,
        ),
        None => None,
    };
    state.write(|db| {
        let who = actor(db)?;
        inspection::sign(db, id, inspectors, representative, signature.as_ref(), &who)
    })
}

/// One item's verdicts across the inspections of a target, oldest first.
pub fn history(state: &AppState, target_id: &str, code: &str) -> Result<Vec<VerdictHistoryEntry>, IpcError> {
    Input::new().id("target_id", target_id).code("code", code).valid(state)?;
    state.read(|db| inspection::item_history(db, target_id, code))
}

pub fn changes(state: &AppState, id: &str) -> Result<Vec<Change>, IpcError> {
    Input::new().id("id", id).valid(state)?;
    state.read(|db| changelog::for_inspection(db, id))
}

pub fn set_user_name(state: &AppState, name: &str) -> Result<(), IpcError> {
    Input::new().text("name", Some(name), MAX_NAME).valid(state)?;
    state.write(|db| settings::set_user_name(db, name))
}
