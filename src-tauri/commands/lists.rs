//! The lists around the problems: 意见建议 (with 登记意见建议), 责任清单
//! with its problem counts, 学习清单 (with the per-person “studied” mark) and
//! 评价清单 (with 录入测评) (`qingdan_core::lists`). Who may score what — the
//! two-way rule — and what a date or a score may be are the core's rules;
//! these commands bound the input and name the actor from the settings.

use qingdan_core::lists::evaluation::{self, Evaluation, EvaluationFilter, EvaluationSummary, NewEvaluation};
use qingdan_core::lists::learning::{self, LearningDoc};
use qingdan_core::lists::responsibility::{self, ResponsibilityRow};
use qingdan_core::lists::suggestions::{self, NewOpinion, SuggestionFilter, SuggestionRow};
use qingdan_core::settings;
use tauri::State;

use super::input::{Input, MAX_COUNTY, MAX_NAME, MAX_SEARCH};
use crate::error::IpcError;
use crate::state::AppState;

#[tauri::command]
pub async fn suggestion_list(
    state: State<'_, AppState>,
    filter: SuggestionFilter,
) -> Result<Vec<SuggestionRow>, IpcError> {
    suggestion_rows(&state, &filter)
}

#[tauri::command]
pub async fn opinion_create(state: State<'_, AppState>, input: NewOpinion) -> Result<SuggestionRow, IpcError> {
    create_opinion(&state, &input)
}

#[tauri::command]
pub async fn responsibility_list(state: State<'_, AppState>) -> Result<Vec<ResponsibilityRow>, IpcError> {
    responsibility_rows(&state)
}

#[tauri::command]
pub async fn learning_list(state: State<'_, AppState>, person: Option<String>) -> Result<Vec<LearningDoc>, IpcError> {
    learning_docs(&state, person.as_deref())
}

#[tauri::command]
pub async fn learning_mark(
    state: State<'_, AppState>,
    person: String,
    document: String,
    studied: bool,
) -> Result<Vec<LearningDoc>, IpcError> {
    mark_learning(&state, &person, &document, studied)
}

#[tauri::command]
pub async fn evaluation_list(
    state: State<'_, AppState>,
    filter: EvaluationFilter,
) -> Result<Vec<Evaluation>, IpcError> {
    evaluations(&state, &filter)
}

#[tauri::command]
pub async fn evaluation_create(state: State<'_, AppState>, input: NewEvaluation) -> Result<Evaluation, IpcError> {
    create_evaluation(&state, &input)
}

#[tauri::command]
pub async fn evaluation_summary(state: State<'_, AppState>) -> Result<Vec<EvaluationSummary>, IpcError> {
    evaluation_summaries(&state)
}

/// Suggestions entered in the list and those made during inspections, together.
pub fn suggestion_rows(state: &AppState, f: &SuggestionFilter) -> Result<Vec<SuggestionRow>, IpcError> {
    Input::new()
        .text("county", f.county.as_deref(), MAX_COUNTY)
        .text("group", f.group.as_deref(), MAX_NAME)
        .text("search", f.search.as_deref(), MAX_SEARCH)
        .valid(state)?;
    state.read(|db| suggestions::list(db, f))
}

/// 登记意见建议: an opinion from outside an inspection (座谈, 群众反映, 代表意见 …).
pub fn create_opinion(state: &AppState, o: &NewOpinion) -> Result<SuggestionRow, IpcError> {
    Input::new()
        .prose("text", Some(&o.text))
        .text("addressee", Some(&o.addressee), MAX_NAME)
        .text("county", o.county.as_deref(), MAX_COUNTY)
        .text("target_name", Some(&o.target_name), MAX_NAME)
        .text("group", Some(&o.group), MAX_NAME)
        .text("made_on", o.made_on.as_deref(), MAX_NAME)
        .valid(state)?;
    state.write(|db| {
        let who = settings::user_name(db)?;
        suggestions::create_opinion(db, o, &who)
    })
}

/// Departments × duties × linked items, with their open, overdue and closed problems.
pub fn responsibility_rows(state: &AppState) -> Result<Vec<ResponsibilityRow>, IpcError> {
    state.read(responsibility::list)
}

/// The laws and policies behind the catalog; `person` marks what that person studied.
pub fn learning_docs(state: &AppState, person: Option<&str>) -> Result<Vec<LearningDoc>, IpcError> {
    Input::new().text("person", person, MAX_NAME).valid(state)?;
    state.read(|db| learning::documents(db, person))
}

/// Marks (or unmarks) a document studied by a person; returns the list as that person sees it.
pub fn mark_learning(
    state: &AppState,
    person: &str,
    document: &str,
    studied: bool,
) -> Result<Vec<LearningDoc>, IpcError> {
    Input::new().text("person", Some(person), MAX_NAME).text("document", Some(document), MAX_NAME).valid(state)?;
    state.write(|db| {
        let who = settings::user_name(db)?;
        if studied {
            learning::mark_studied(db, person, document, None, &who)?;
        } else {
            learning::unmark_studied(db, person, document, &who)?;
        }
        learning::documents(db, Some(person))
    })
}

pub fn evaluations(state: &AppState, f: &EvaluationFilter) -> Result<Vec<Evaluation>, IpcError> {
    Input::new().text("subject", f.subject.as_deref(), MAX_NAME).valid(state)?;
    state.read(|db| evaluation::list(db, f))
}

/// 录入测评: one score of the two-way evaluation. A pairing the rule does not
/// allow (群众 scoring 整改工作 …) is refused with the reason, and nothing is written.
pub fn create_evaluation(state: &AppState, e: &NewEvaluation) -> Result<Evaluation, IpcError> {
    Input::new()
        .text("subject", Some(&e.subject), MAX_NAME)
        .text("evaluated_on", e.evaluated_on.as_deref(), MAX_NAME)
        .prose("comment", Some(&e.comment))
        .valid(state)?;
    state.write(|db| {
        let who = settings::user_name(db)?;
        evaluation::create(db, e, &who)
    })
}

/// Count, mean, lowest and highest score per subject, aspect and evaluator group.
pub fn evaluation_summaries(state: &AppState) -> Result<Vec<EvaluationSummary>, IpcError> {
    state.read(evaluation::summary)
}
