//! The desktop shell of 养老服务监督清单: one window over `qingdan-core`.
//!
//! It opens the database the CLI also uses, registers the IPC commands of
//! docs/ipc.md and nothing else: no remote content, no rule of the domain.
//! Every rule lives in the core so that it is tested without a window. The
//! system's file dialogs are shown from Rust ([`dialogs`]); the window is
//! granted no dialog or file-system command of its own.

pub mod commands;
pub mod dialogs;
pub mod error;
pub mod state;

pub use error::{ErrorCode, IpcError};
pub use state::AppState;

/// Starts the app; returns only when the last window has closed.
pub fn run() {
    let state = AppState::from_env();
    if let Some(err) = state.open_error() {
        // The window still opens; every command answers with this error.
        eprintln!("qingdan: cannot open the database {}: {}", state.db_path().display(), err.message);
    }
    let builder = tauri::Builder::default();
    #[cfg(not(target_os = "linux"))]
    let builder = builder.plugin(tauri_plugin_dialog::init());
    let result = builder
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::catalog::catalog_versions,
            commands::files::export_list,
            commands::files::report_inspection,
            commands::files::open_saved_file,
            commands::files::save_file_as,
            commands::files::report_summary,
            commands::files::report_notice,
            commands::files::report_list,
            commands::files::report_county_inspections,
            commands::catalog::catalog_groups,
            commands::catalog::catalog_items,
            commands::departments::department_list,
            commands::registry::jurisdiction_list,
            commands::registry::facility_list,
            commands::registry::facility_get,
            commands::inspection::inspection_start,
            commands::inspection::inspection_list,
            commands::inspection::inspection_show,
            commands::inspection::inspection_record,
            commands::inspection::inspection_add_item,
            commands::inspection::inspection_attach,
            commands::inspection::inspection_detach,
            commands::inspection::evidence_thumbnail,
            commands::inspection::inspection_suggest,
            commands::inspection::inspection_completion,
            commands::inspection::inspection_sign,
            commands::inspection::item_history,
            commands::inspection::inspection_changes,
            commands::inspection::user_name_set,
            commands::problems::problem_list,
            commands::problems::problem_counts,
            commands::problems::problem_get,
            commands::problems::problem_create,
            commands::problems::problem_plan,
            commands::problems::problem_progress,
            commands::problems::problem_report_done,
            commands::problems::problem_verify,
            commands::problems::problem_reopen,
            commands::problems::problem_number_clashes,
            commands::problems::problem_renumber,
            commands::stats::stats_totals,
            commands::stats::stats_breakdown,
            commands::stats::stats_closures,
            commands::stats::stats_problems,
            commands::lists::suggestion_list,
            commands::lists::opinion_create,
            commands::lists::responsibility_list,
            commands::lists::learning_list,
            commands::lists::learning_mark,
            commands::lists::evaluation_list,
            commands::lists::evaluation_create,
            commands::lists::evaluation_summary,
            commands::sync::device_show,
            commands::sync::device_name_set,
            commands::sync::device_peers,
            commands::sync::sync_export,
            commands::sync::sync_files,
            commands::sync::sync_peek,
            commands::sync::sync_receive_files,
            commands::sync::sync_import,
            commands::sync::conflict_list,
            commands::sync::conflict_resolve,
            commands::sync::history_list,
            commands::sync::history_export,
            commands::assignments::assignment_list,
            commands::assignments::assignment_groups,
            commands::assignments::assignment_add,
            commands::assignments::assignment_remove,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("qingdan: the window could not be started: {e}");
        std::process::exit(1);
    }
}
