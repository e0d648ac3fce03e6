//! The campaign statistics of the dashboard: totals, breakdowns, the trend of
//! close-outs, and the problems behind any number (the drill-down).
//!
//! Every figure is computed by the core (`qingdan_core::problem::stats`) from
//! the problems as they are now; nothing is cached here.

use qingdan_core::problem::stats::{self, BreakdownRow, Dimension, Figure, Figures, StatsFilter};
use qingdan_core::problem::ProblemRow;
use serde::Serialize;
use tauri::State;

use super::input::{Input, MAX_COUNTY, MAX_NAME};
use crate::error::IpcError;
use crate::state::AppState;

/// Close-outs in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct MonthCount {
    /// YYYY-MM.
    pub month: String,
    pub closed: u32,
}

#[tauri::command]
pub async fn stats_totals(state: State<'_, AppState>, filter: StatsFilter) -> Result<Figures, IpcError> {
    totals(&state, &filter)
}

#[tauri::command]
pub async fn stats_breakdown(
    state: State<'_, AppState>,
    dimension: Dimension,
    filter: StatsFilter,
) -> Result<Vec<BreakdownRow>, IpcError> {
    breakdown(&state, dimension, &filter)
}

#[tauri::command]
pub async fn stats_closures(state: State<'_, AppState>, filter: StatsFilter) -> Result<Vec<MonthCount>, IpcError> {
    closures(&state, &filter)
}

#[tauri::command]
pub async fn stats_problems(
    state: State<'_, AppState>,
    filter: StatsFilter,
    figure: Figure,
) -> Result<Vec<ProblemRow>, IpcError> {
    problems(&state, &filter, figure)
}

fn check(state: &AppState, f: &StatsFilter) -> Result<(), IpcError> {
    Input::new()
        .text("county", f.county.as_deref(), MAX_COUNTY)
        .text("group", f.group.as_deref(), MAX_NAME)
        .text("category", f.category.as_deref(), MAX_NAME)
        .text("department", f.department.as_deref(), MAX_NAME)
        .valid(state)
}

pub fn totals(state: &AppState, filter: &StatsFilter) -> Result<Figures, IpcError> {
    check(state, filter)?;
    state.read(|db| stats::totals(db, filter))
}

pub fn breakdown(state: &AppState, dimension: Dimension, filter: &StatsFilter) -> Result<Vec<BreakdownRow>, IpcError> {
    check(state, filter)?;
    state.read(|db| stats::breakdown(db, dimension, filter))
}

/// Every month from the first close-out to the last, empty months as 0.
pub fn closures(state: &AppState, filter: &StatsFilter) -> Result<Vec<MonthCount>, IpcError> {
    check(state, filter)?;
    let months = state.read(|db| stats::closures_by_month(db, filter))?;
    Ok(months.into_iter().map(|(month, closed)| MonthCount { month, closed }).collect())
}

/// The problems behind one figure; their number is that figure.
pub fn problems(state: &AppState, filter: &StatsFilter, figure: Figure) -> Result<Vec<ProblemRow>, IpcError> {
    check(state, filter)?;
    state.read(|db| stats::problems(db, filter, figure))
}
