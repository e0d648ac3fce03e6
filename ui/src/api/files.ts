// Exports and printed reports (docs/ipc.md, section "Saved files"): the app
// writes each into the folder of saved files and answers with its path.

import { isTauri } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';

import type { BatchSaved } from '../bindings/BatchSaved';
import type { ExportFormat } from '../bindings/ExportFormat';
import type { ExportList } from '../bindings/ExportList';
import type { ProblemFilter } from '../bindings/ProblemFilter';
import type { ReportProgress } from '../bindings/ReportProgress';
import type { SavedFile } from '../bindings/SavedFile';
import { invoke } from './invoke';

export function exportList(list: ExportList, format: ExportFormat): Promise<SavedFile> {
  return invoke<SavedFile>('export_list', { list, format });
}

/** Opens a saved PDF, XLSX or CSV in the system's viewer. */
export function openSavedFile(path: string): Promise<void> {
  return invoke<void>('open_saved_file', { path });
}

/**
 * 另存为: the system's save dialog, then a copy of the saved file (a report,
 * list or sync file of the export folder) where the person chose. Resolves to
 * the copy's path, or `null` when the dialog was cancelled.
 */
export function saveFileAs(path: string): Promise<string | null> {
  return invoke<string | null>('save_file_as', { path });
}

export function reportInspection(id: string): Promise<SavedFile> {
  return invoke<SavedFile>('report_inspection', { id });
}

export function reportSummary(county: string | null = null): Promise<SavedFile> {
  return invoke<SavedFile>('report_summary', { county });
}

/** The 整改通知书 to a target, for its problems 待整改 and 整改中; `number` is the 发文字号, `issuer` the 发文机关署名. */
export function reportNotice(targetId: string, number: string | null = null, issuer: string | null = null): Promise<SavedFile> {
  return invoke<SavedFile>('report_notice', { targetId, number, issuer });
}

/** The 问题清单, 整改清单 or 销号清单 as the problem list view filters it. */
export function reportList(list: ExportList, filter: ProblemFilter): Promise<SavedFile> {
  return invoke<SavedFile>('report_list', { list, filter });
}

/** Every signed inspection report of one county, one PDF each, into a new folder. */
export function reportCountyInspections(county: string): Promise<BatchSaved> {
  return invoke<BatchSaved>('report_county_inspections', { county });
}

/** Calls `handler` after each file of a batch print; resolves to the function that stops listening. */
export function onReportProgress(handler: (p: ReportProgress) => void): Promise<UnlistenFn> {
  if (!isTauri()) return Promise.resolve(() => {});
  return listen<ReportProgress>('report-progress', (e) => handler(e.payload));
}
