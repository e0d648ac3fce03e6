// Pure helpers over a checklist: grouping and progress as the walker shows
// them, where to go next, and how the core's answer is folded into what the
// inspector sees without undoing what they typed since.

import type { ChecklistItem } from '../bindings/ChecklistItem';
import type { InspectionSummary } from '../bindings/InspectionSummary';
import type { ItemPatch } from '../bindings/ItemPatch';

/** The fields the walker saves through the queue; evidence and amendments go their own ways. */
export type ItemChange = Omit<ItemPatch, 'evidence' | 'amend_reason'>;

export interface ItemGroup {
  name: string;
  items: ChecklistItem[];
  answered: number;
}

/** Groups in checklist order (the catalog's), each keeping its items' order. */
export function groupItems(items: readonly ChecklistItem[]): ItemGroup[] {
  const out: ItemGroup[] = [];
  const byName = new Map<string, ItemGroup>();
  for (const it of items) {
    let g = byName.get(it.group);
    if (!g) {
      g = { name: it.group, items: [], answered: 0 };
      byName.set(it.group, g);
      out.push(g);
    }
    g.items.push(it);
    if (it.verdict !== null) g.answered++;
  }
  return out;
}

export function answeredCount(items: readonly ChecklistItem[]): number {
  return items.filter((i) => i.verdict !== null).length;
}

/** "37/58". */
export function progressText(answered: number, total: number): string {
  return `${answered}/${total}`;
}

export function summaryProgress(s: Pick<InspectionSummary, 'answered' | 'total'>): string {
  return progressText(s.answered, s.total);
}

/** The first unanswered item after `from` (wrapping round), or `null` when every item has a verdict. */
export function nextUnanswered(items: readonly ChecklistItem[], from: number): number | null {
  const n = items.length;
  for (let step = 1; step <= n; step++) {
    const i = (((from + step) % n) + n) % n;
    if (items[i].verdict === null) return i;
  }
  return null;
}

/** Where to open an inspection: where the inspector left off, else the first unanswered item, else the first. */
export function startIndex(items: readonly ChecklistItem[], lastCode: string | null): number {
  if (!items.length) return -1;
  if (lastCode) {
    const at = items.findIndex((i) => i.code === lastCode);
    if (at >= 0) return at;
  }
  const open = items.findIndex((i) => i.verdict === null);
  return open >= 0 ? open : 0;
}

/** Whether an item matches words typed in the checklist's search box (all words, any field). */
export function itemMatches(item: ChecklistItem, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const hay = [item.code, item.title, item.requirement, item.basis, item.finding, item.group, ...item.quick_phrases]
    .join('\n')
    .toLowerCase();
  return words.every((w) => hay.includes(w));
}

/**
 * Folds the core's answer into the item shown. Fields with changes not yet
 * saved stay as typed; texts always stay as typed (the core trims them, and
 * taking its copy back would eat the space the inspector just typed).
 */
export function mergeSaved(shown: ChecklistItem, saved: ChecklistItem, unsaved: ReadonlySet<string>): ChecklistItem {
  const out: ChecklistItem = { ...saved, finding: shown.finding, na_reason: shown.na_reason };
  if (unsaved.has('verdict')) out.verdict = shown.verdict;
  if (unsaved.has('severity')) out.severity = shown.severity;
  if (unsaved.has('scope')) out.scope = shown.scope;
  return out;
}

/** Applies a change to the item shown, at once, before it is saved. */
export function applyChange(item: ChecklistItem, change: ItemChange): ChecklistItem {
  const out = { ...item };
  if (change.verdict !== undefined) out.verdict = change.verdict;
  if (change.finding !== undefined) out.finding = change.finding;
  if (change.severity !== undefined) out.severity = change.severity;
  if (change.scope !== undefined) out.scope = change.scope;
  if (change.na_reason !== undefined) out.na_reason = change.na_reason;
  return out;
}

/** Adds a quick phrase to a finding: on its own line unless the finding is empty or already holds it. */
export function insertPhrase(finding: string, phrase: string): string {
  const current = finding.trimEnd();
  if (!current) return phrase;
  if (current.split(/[\n；;。]/).some((part) => part.trim() === phrase)) return finding;
  return /[。；;]$/.test(current) ? `${current}${phrase}` : `${current}；${phrase}`;
}

/** Names typed into one field: separated by 、，, ; or spaces; blanks and repeats dropped. */
export function splitNames(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[、，,；;\s]+/)) {
    const name = raw.trim();
    if (name && !out.includes(name)) out.push(name);
  }
  return out;
}

export function joinNames(names: readonly string[]): string {
  return names.join('、');
}

/** Today as YYYY-MM-DD in the computer's own time zone (not UTC: an inspection at 07:00 in Luoyang is today). */
export function localDate(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** A YYYY-MM-DD that is a real date. */
export function isDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return false;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getFullYear() === Number(m[1]) && d.getMonth() === Number(m[2]) - 1 && d.getDate() === Number(m[3]);
}
