// Exports and printed reports (docs/ipc.md, section "Saved files"): the app
// writes each into the folder of saved files and answers with its path.

import type { ExportFormat } from '../bindings/ExportFormat';
import type { ExportList } from '../bindings/ExportList';
import type { SavedFile } from '../bindings/SavedFile';
import { invoke } from './invoke';

export function exportList(list: ExportList, format: ExportFormat): Promise<SavedFile> {
  return invoke<SavedFile>('export_list', { list, format });
}

export function reportInspection(id: string): Promise<SavedFile> {
  return invoke<SavedFile>('report_inspection', { id });
}

export function reportSummary(county: string | null = null): Promise<SavedFile> {
  return invoke<SavedFile>('report_summary', { county });
}
