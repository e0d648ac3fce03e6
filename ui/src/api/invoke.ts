// The one door to the desktop shell. Every command of docs/ipc.md goes
// through `invoke`, which rejects with an `IpcError` and nothing else, so a
// view never needs to guess what a failure looks like.

import { invoke as tauriInvoke, isTauri } from '@tauri-apps/api/core';

import type { IpcError } from '../bindings/IpcError';
import { lang } from '../i18n';
import { normaliseError } from './errors';

/** The command names of docs/ipc.md; a typo here is a type error, not a runtime "command not found". */
export type Command =
  | 'app_info'
  | 'catalog_versions'
  | 'catalog_groups'
  | 'catalog_items'
  | 'department_list'
  | 'jurisdiction_list'
  | 'facility_list'
  | 'facility_get'
  | 'inspection_start'
  | 'inspection_list'
  | 'inspection_show'
  | 'inspection_record'
  | 'inspection_add_item'
  | 'inspection_attach'
  | 'inspection_detach'
  | 'evidence_thumbnail'
  | 'inspection_suggest'
  | 'inspection_completion'
  | 'inspection_sign'
  | 'item_history'
  | 'inspection_changes'
  | 'user_name_set'
  | 'problem_list'
  | 'problem_counts'
  | 'problem_get'
  | 'problem_create'
  | 'problem_plan'
  | 'problem_progress'
  | 'problem_report_done'
  | 'problem_verify'
  | 'problem_reopen'
  | 'problem_number_clashes'
  | 'problem_renumber'
  | 'stats_totals'
  | 'stats_breakdown'
  | 'stats_closures'
  | 'stats_problems'
  | 'suggestion_list'
  | 'opinion_create'
  | 'responsibility_list'
  | 'learning_list'
  | 'learning_mark'
  | 'evaluation_list'
  | 'evaluation_create'
  | 'evaluation_summary'
  | 'export_list'
  | 'report_inspection'
  | 'open_saved_file'
  | 'save_file_as'
  | 'report_summary'
  | 'report_notice'
  | 'report_list'
  | 'report_county_inspections'
  | 'device_show'
  | 'device_name_set'
  | 'device_peers'
  | 'sync_export'
  | 'sync_files'
  | 'sync_peek'
  | 'sync_receive_files'
  | 'sync_import'
  | 'conflict_list'
  | 'conflict_resolve'
  | 'history_list'
  | 'history_export'
  | 'assignment_list'
  | 'assignment_groups'
  | 'assignment_add'
  | 'assignment_remove';

/** Arguments travel with camelCase keys (Tauri's default); the structs inside keep Rust's snake_case. */
export type Args = Record<string, unknown>;

function outsideShell(): IpcError {
  const message =
    lang.value === 'zh'
      ? '本界面须在“养老服务监督清单”桌面程序中运行，在浏览器中无法读取数据。'
      : 'This screen must run inside the Qingdan desktop program; a browser cannot read the data.';
  return { code: 'internal', message, problems: [] };
}

export async function invoke<T>(command: Command, args?: Args): Promise<T> {
  if (!isTauri()) throw outsideShell();
  try {
    return await tauriInvoke<T>(command, args);
  } catch (raw) {
    throw normaliseError(raw);
  }
}
