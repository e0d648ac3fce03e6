// The save queues of the inspections opened in this window, kept beyond the
// life of the walker view: leaving an inspection while a change is still on
// its way (or was refused) must neither drop it nor lose its state, and coming
// back shows it again. One queue per inspection; see inspection/saveQueue.ts.

import { inspectionRecord } from '../api/inspection';
import type { ChecklistItem } from '../bindings/ChecklistItem';
import type { ItemChange } from '../inspection/model';
import { SaveQueue, type SaveState } from '../inspection/saveQueue';

/** Text waits this long for the next keystroke before it is sent. */
export const TEXT_DELAY_MS = 400;

export interface DraftListener {
  onState(code: string, state: SaveState): void;
  onSaved(code: string, item: ChecklistItem): void;
}

export interface Draft {
  queue: SaveQueue<ItemChange, ChecklistItem>;
  /** The view showing the inspection, if one is. */
  listener: DraftListener | null;
}

const drafts = new Map<string, Draft>();

export function draftOf(inspectionId: string): Draft {
  const known = drafts.get(inspectionId);
  if (known) return known;
  const draft: Draft = {
    listener: null,
    queue: new SaveQueue<ItemChange, ChecklistItem>({
      delayMs: TEXT_DELAY_MS,
      send: (code, patch) => inspectionRecord(inspectionId, code, { ...patch, evidence: [] }),
      onState: (code, state) => draft.listener?.onState(code, state),
      onSaved: (code, item) => draft.listener?.onSaved(code, item),
    }),
  };
  drafts.set(inspectionId, draft);
  return draft;
}

/** Whether any inspection has changes not on disk yet. */
export function anyUnsaved(): boolean {
  return [...drafts.values()].some((d) => d.queue.busy);
}
