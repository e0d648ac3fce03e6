//! 问题清单, 整改清单 and 销号清单: the problems and each step of their life
//! (plan → progress → report done → verify → close out, or reopen).
//!
//! Which step a status allows, what a deadline may be, that nothing closes
//! without a verification: all of that is the core's (`qingdan_core::problem`).
//! This module bounds the input, decodes the evidence files the UI sends as
//! base64 — the way `inspection_attach` does — checks every one of them
//! before the step is tried, and names the actor from the settings. The core
//! stores the files only once the step has passed every check, so a refused
//! step leaves no file behind.

use std::collections::BTreeMap;

use qingdan_core::evidence::{self, Checked};
use qingdan_core::problem::{
    self, Files, NewProblem, NumberClash, Plan, ProblemDetail, ProblemFilter, ProblemRow, Status, Verification,
};
use qingdan_core::{settings, Db, Error, Problem, Reason};
use serde::{Deserialize, Serialize};
use tauri::State;

use super::input::{Input, MAX_COUNTY, MAX_ID, MAX_NAME, MAX_SEARCH};
use crate::error::IpcError;
use crate::state::AppState;

/// Files attached to one step: a few photos or scans, not an archive.
pub const MAX_FILES: usize = 10;
/// All files of one step together, as decoded bytes.
pub const MAX_TOTAL_BYTES: u64 = 100 * 1024 * 1024;

/// One evidence file as the UI reads it from an `<input type="file">`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct EvidenceUpload {
    /// The file's name on the user's computer (kept as the original name).
    pub name: String,
    /// The content, base64 without a `data:` prefix.
    pub data_base64: String,
}

/// How many problems a filter selects in each status (tabs of the list), and how many are overdue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProblemCounts {
    /// All of them (withdrawn ones left out, as the list does).
    pub all: u32,
    pub pending: u32,
    pub in_progress: u32,
    pub awaiting_verification: u32,
    pub closed: u32,
    pub withdrawn: u32,
    pub overdue: u32,
    /// 重大隐患 still open.
    pub major_open: u32,
}

#[tauri::command]
pub async fn problem_list(state: State<'_, AppState>, filter: ProblemFilter) -> Result<Vec<ProblemRow>, IpcError> {
    list(&state, &filter)
}

#[tauri::command]
pub async fn problem_counts(state: State<'_, AppState>, filter: ProblemFilter) -> Result<ProblemCounts, IpcError> {
    counts(&state, &filter)
}

#[tauri::command]
pub async fn problem_get(state: State<'_, AppState>, id: String) -> Result<ProblemDetail, IpcError> {
    get(&state, &id)
}

#[tauri::command]
pub async fn problem_create(state: State<'_, AppState>, input: NewProblem) -> Result<ProblemDetail, IpcError> {
    create(&state, &input)
}

#[tauri::command]
pub async fn problem_plan(state: State<'_, AppState>, id: String, plan: Plan) -> Result<ProblemDetail, IpcError> {
    plan_rectification(&state, &id, &plan)
}

#[tauri::command]
pub async fn problem_progress(
    state: State<'_, AppState>,
    id: String,
    note: String,
    files: Option<Vec<EvidenceUpload>>,
) -> Result<ProblemDetail, IpcError> {
    progress(&state, &id, &note, files.as_deref().unwrap_or_default())
}

#[tauri::command]
pub async fn problem_report_done(
    state: State<'_, AppState>,
    id: String,
    note: String,
    files: Option<Vec<EvidenceUpload>>,
) -> Result<ProblemDetail, IpcError> {
    report_done(&state, &id, &note, files.as_deref().unwrap_or_default())
}

#[tauri::command]
pub async fn problem_verify(
    state: State<'_, AppState>,
    id: String,
    verification: Verification,
    files: Option<Vec<EvidenceUpload>>,
) -> Result<ProblemDetail, IpcError> {
    verify(&state, &id, &verification, files.as_deref().unwrap_or_default())
}

/// Problems that share a number, for a person to settle.
#[tauri::command]
pub async fn problem_number_clashes(state: State<'_, AppState>) -> Result<Vec<NumberClash>, IpcError> {
    state.read(problem::number_clashes)
}

#[tauri::command]
pub async fn problem_renumber(state: State<'_, AppState>, id: String) -> Result<ProblemDetail, IpcError> {
    renumber(&state, &id)
}

#[tauri::command]
pub async fn problem_reopen(state: State<'_, AppState>, id: String, reason: String) -> Result<ProblemDetail, IpcError> {
    reopen(&state, &id, &reason)
}

/// Who the events and the change log name for steps taken on this computer.
fn actor(db: &Db) -> Result<String, Error> {
    settings::user_name(db)
}

pub(crate) fn check_filter(input: &mut Input, f: &ProblemFilter) {
    input
        .text("county", f.county.as_deref(), MAX_COUNTY)
        .text("target_id", f.target_id.as_deref(), MAX_ID)
        .text("group", f.group.as_deref(), MAX_NAME)
        .text("category", f.category.as_deref(), MAX_NAME)
        .text("department", f.department.as_deref(), MAX_NAME)
        .text("search", f.search.as_deref(), MAX_SEARCH);
    if f.statuses.len() > Status::ALL.len() {
        input.refuse("statuses", "状态重复", "a status is given twice");
    }
}

/// 重大隐患 first, then overdue, then by date found (the core's order).
pub fn list(state: &AppState, filter: &ProblemFilter) -> Result<Vec<ProblemRow>, IpcError> {
    let mut input = Input::new();
    check_filter(&mut input, filter);
    input.valid(state)?;
    state.read(|db| problem::list(db, filter))
}

/// The counts per status of what `filter` selects, whatever statuses it names
/// (with `overdue_only`, of the overdue problems).
pub fn counts(state: &AppState, filter: &ProblemFilter) -> Result<ProblemCounts, IpcError> {
    let mut input = Input::new();
    check_filter(&mut input, filter);
    input.valid(state)?;
    let all = ProblemFilter { statuses: Vec::new(), include_withdrawn: true, ..filter.clone() };
    let rows = state.read(|db| problem::list(db, &all))?;
    let mut by: BTreeMap<Status, u32> = BTreeMap::new();
    let mut c = ProblemCounts::default();
    for r in &rows {
        *by.entry(r.status).or_default() += 1;
        if r.status == Status::Withdrawn {
            continue;
        }
        c.all += 1;
        c.overdue += u32::from(r.overdue);
        c.major_open += u32::from(r.status.is_open() && r.severity == qingdan_core::catalog::Severity::Major);
    }
    let n = |s: Status| by.get(&s).copied().unwrap_or(0);
    c.pending = n(Status::Pending);
    c.in_progress = n(Status::InProgress);
    c.awaiting_verification = n(Status::AwaitingVerification);
    c.closed = n(Status::Closed);
    c.withdrawn = n(Status::Withdrawn);
    Ok(c)
}

/// One problem with its chain (条款 → 条目 → 检查发现) and its events; `id` may be the number.
pub fn get(state: &AppState, id: &str) -> Result<ProblemDetail, IpcError> {
    Input::new().id("id", id).valid(state)?;
    state.read(|db| problem::get(db, id))
}

/// A problem from another source (政府自查, 群众反映 …), entered by hand.
pub fn create(state: &AppState, p: &NewProblem) -> Result<ProblemDetail, IpcError> {
    Input::new()
        .text("target_id", p.target_id.as_deref(), MAX_ID)
        .text("target_name", Some(&p.target_name), MAX_NAME)
        .text("county", p.county.as_deref(), MAX_COUNTY)
        .text("item_code", p.item_code.as_deref(), super::input::MAX_CODE)
        .text("category", Some(&p.category), MAX_NAME)
        .prose("description", Some(&p.description))
        .text("group", Some(&p.group), MAX_NAME)
        .text("found_on", p.found_on.as_deref(), MAX_NAME)
        .text("department", p.department.as_deref(), MAX_NAME)
        .text("responsible_unit", Some(&p.responsible_unit), MAX_NAME)
        .text("number", p.number.as_deref(), MAX_NAME)
        .valid(state)?;
    state.write(|db| {
        let who = actor(db)?;
        problem::create(db, p, &who)
    })
}

/// 制定整改措施: 待整改 → 整改中 (or a revised plan while 整改中).
pub fn plan_rectification(state: &AppState, id: &str, plan: &Plan) -> Result<ProblemDetail, IpcError> {
    Input::new()
        .id("id", id)
        .prose("measure", Some(&plan.measure))
        .text("unit", Some(&plan.unit), MAX_NAME)
        .text("person", Some(&plan.person), MAX_NAME)
        .text("deadline", Some(&plan.deadline), MAX_NAME)
        .valid(state)?;
    state.write(|db| {
        let who = actor(db)?;
        problem::plan(db, id, plan, &who)
    })
}

/// 记录整改进展, with evidence.
pub fn progress(state: &AppState, id: &str, note: &str, files: &[EvidenceUpload]) -> Result<ProblemDetail, IpcError> {
    let mut input = Input::new();
    input.id("id", id).prose("note", Some(note));
    let checked = check_files(&mut input, files);
    input.valid(state)?;
    let store = state.evidence()?;
    state.write(|db| {
        let who = actor(db)?;
        problem::progress(db, id, note, attached(&store, checked), &who)
    })
}

/// 报告整改完成: 整改中 → 已整改待核验, with evidence.
pub fn report_done(
    state: &AppState,
    id: &str,
    note: &str,
    files: &[EvidenceUpload],
) -> Result<ProblemDetail, IpcError> {
    let mut input = Input::new();
    input.id("id", id).prose("note", Some(note));
    let checked = check_files(&mut input, files);
    input.valid(state)?;
    let store = state.evidence()?;
    state.write(|db| {
        let who = actor(db)?;
        problem::report_done(db, id, note, attached(&store, checked), &who)
    })
}

/// 核验: 通过 → 已销号, 未通过 → 退回 整改中.
pub fn verify(
    state: &AppState,
    id: &str,
    v: &Verification,
    files: &[EvidenceUpload],
) -> Result<ProblemDetail, IpcError> {
    let mut input = Input::new();
    input.id("id", id).text("by", Some(&v.by), MAX_NAME).prose("note", Some(&v.note)).text(
        "on",
        v.on.as_deref(),
        MAX_NAME,
    );
    let checked = check_files(&mut input, files);
    input.valid(state)?;
    let store = state.evidence()?;
    state.write(|db| {
        let who = actor(db)?;
        problem::verify(db, id, v, attached(&store, checked), &who)
    })
}

/// 重新打开 a closed problem, with the reason.
pub fn renumber(state: &AppState, id: &str) -> Result<ProblemDetail, IpcError> {
    Input::new().id("id", id).valid(state)?;
    state.write(|db| {
        let who = actor(db)?;
        problem::renumber(db, id, &who)
    })
}

pub fn reopen(state: &AppState, id: &str, reason: &str) -> Result<ProblemDetail, IpcError> {
    Input::new().id("id", id).prose("reason", Some(reason)).valid(state)?;
    state.write(|db| {
        let who = actor(db)?;
        problem::reopen(db, id, reason, &who)
    })
}

/// Decodes and checks every file (type, content, size) before anything is
/// stored; each problem names the file and lands with the others of the request.
fn check_files(input: &mut Input, files: &[EvidenceUpload]) -> Vec<Checked> {
    if files.len() > MAX_FILES {
        input.add(&[Problem::new(Reason::OutOfRange {
            value: files.len().to_string(),
            range: format!("≤ {MAX_FILES}"),
        })
        .field("files")]);
        return Vec::new();
    }
    let mut total: u64 = 0;
    let mut checked = Vec::new();
    for f in files {
        input.text("files.name", Some(&f.name), MAX_NAME);
        let Some(bytes) = input.base64("files.data_base64", &f.data_base64, evidence::MAX_BYTES) else { continue };
        total += bytes.len() as u64;
        match evidence::check_bytes(&bytes, &f.name, "files") {
            Ok(c) => checked.push(c),
            Err(e) if !e.problems().is_empty() => {
                input.add(e.problems());
            }
            Err(e) => {
                input.refuse("files", &e.message(qingdan_core::Lang::Zh), &e.message(qingdan_core::Lang::En));
            }
        }
    }
    if total > MAX_TOTAL_BYTES {
        input.add(&[Problem::new(Reason::OutOfRange {
            value: format!("{:.1} MB", total as f64 / 1024.0 / 1024.0),
            range: format!("≤ {} MB", MAX_TOTAL_BYTES / 1024 / 1024),
        })
        .field("files")]);
    }
    checked
}

fn attached(store: &evidence::EvidenceStore, files: Vec<Checked>) -> Option<Files<'_>> {
    if files.is_empty() {
        None
    } else {
        Some(Files { store, files })
    }
}
