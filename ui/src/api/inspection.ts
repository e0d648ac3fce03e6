// 现场检查: one typed wrapper per command of docs/ipc.md, section "Field
// inspection". The rules (what applies, what is required, locking) are the
// core's; these functions only carry the arguments across.

import type { ChecklistItem } from '../bindings/ChecklistItem';
import type { Change } from '../bindings/Change';
import type { CompletionGap } from '../bindings/CompletionGap';
import type { InspectionDetail } from '../bindings/InspectionDetail';
import type { InspectionSummary } from '../bindings/InspectionSummary';
import type { ItemPatch } from '../bindings/ItemPatch';
import type { SignOff } from '../bindings/SignOff';
import type { StartInspection } from '../bindings/StartInspection';
import type { Suggestion } from '../bindings/Suggestion';
import type { VerdictHistoryEntry } from '../bindings/VerdictHistoryEntry';
import { invoke } from './invoke';

export function inspectionStart(input: StartInspection): Promise<InspectionDetail> {
  return invoke<InspectionDetail>('inspection_start', { input });
}

/** Newest first; of one target when `targetId` is given. */
export function inspectionList(targetId?: string): Promise<InspectionSummary[]> {
  return invoke<InspectionSummary[]>('inspection_list', targetId ? { targetId } : {});
}

export function inspectionShow(id: string): Promise<InspectionDetail> {
  return invoke<InspectionDetail>('inspection_show', { id });
}

/** Resolves only once the change is on disk; a signed inspection needs `patch.amend_reason`. */
export function inspectionRecord(id: string, code: string, patch: ItemPatch): Promise<ChecklistItem> {
  return invoke<ChecklistItem>('inspection_record', { id, code, patch });
}

/** Puts an item of the pinned catalog on the checklist by hand. */
export function inspectionAddItem(id: string, code: string): Promise<ChecklistItem> {
  return invoke<ChecklistItem>('inspection_add_item', { id, code });
}

/** A JPG, PNG or PDF of at most 30 MB, as base64 without a `data:` prefix. */
export function inspectionAttach(id: string, code: string, name: string, dataBase64: string): Promise<ChecklistItem> {
  return invoke<ChecklistItem>('inspection_attach', { id, code, name, dataBase64 });
}

export function inspectionDetach(id: string, code: string, sha256: string): Promise<ChecklistItem> {
  return invoke<ChecklistItem>('inspection_detach', { id, code, sha256 });
}

/** A `data:image/jpeg;base64,…` URL; a PDF has none and rejects with `not_found`. */
export function evidenceThumbnail(sha256: string): Promise<string> {
  return invoke<string>('evidence_thumbnail', { sha256 });
}

/** A suggestion (意见建议) at an item, or on the whole inspection when `code` is left out. */
export function inspectionSuggest(id: string, text: string, code?: string): Promise<Suggestion> {
  return invoke<Suggestion>('inspection_suggest', code ? { id, code, text } : { id, text });
}

/** What keeps the inspection from being signed; empty when it can be. */
export function inspectionCompletion(id: string): Promise<CompletionGap[]> {
  return invoke<CompletionGap[]>('inspection_completion', { id });
}

export function inspectionSign(
  id: string,
  inspectors: string[],
  representative: string,
  signaturePngBase64?: string,
): Promise<SignOff> {
  const args: Record<string, unknown> = { id, inspectors, representative };
  if (signaturePngBase64) args.signaturePngBase64 = signaturePngBase64;
  return invoke<SignOff>('inspection_sign', args);
}

/** One item's verdict across the inspections of a target, oldest first. */
export function itemHistory(targetId: string, code: string): Promise<VerdictHistoryEntry[]> {
  return invoke<VerdictHistoryEntry[]>('item_history', { targetId, code });
}

/** The change log of an inspection. */
export function inspectionChanges(id: string): Promise<Change[]> {
  return invoke<Change[]>('inspection_changes', { id });
}

/** The “who” of the change log on this computer. */
export function userNameSet(name: string): Promise<void> {
  return invoke<void>('user_name_set', { name });
}
