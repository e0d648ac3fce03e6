// 任务分配 as the UI shows it: rows gathered under their group in the core's
// order, the status line of each target, and the group names offered.

import type { AssignmentRow } from '../bindings/AssignmentRow';
import type { MessageKey, Params } from '../i18n';

export interface GroupSection {
  group: string;
  rows: AssignmentRow[];
  /** Targets with at least one inspection (a county: all its facilities). */
  done: number;
}

/** Whether the target has been inspected: every facility of a county, or a facility or department once. */
export function isDone(row: AssignmentRow): boolean {
  if (row.facilities !== null) return row.facilities > 0 && row.facilities_inspected === row.facilities;
  return row.inspections > 0;
}

/** The rows under their groups; the core already sorts groups and targets. */
export function byGroup(rows: readonly AssignmentRow[]): GroupSection[] {
  const out: GroupSection[] = [];
  for (const r of rows) {
    let section = out.find((s) => s.group === r.group);
    if (!section) {
      section = { group: r.group, rows: [], done: 0 };
      out.push(section);
    }
    section.rows.push(r);
    if (isDone(r)) section.done += 1;
  }
  return out;
}

/** The status line of one target: 已检查 n / 共 m for a county, else how often and when. */
export function statusText(row: AssignmentRow): { key: MessageKey; params: Params } {
  if (row.facilities !== null) {
    return { key: 'assign.status.county', params: { n: row.facilities_inspected ?? 0, m: row.facilities } };
  }
  if (row.inspections === 0) return { key: 'assign.status.none', params: {} };
  return { key: 'assign.status.times', params: { n: row.inspections } };
}

/** Group names to offer: the usual ones first, then any other on record, each once. */
export function groupChoices(known: readonly string[], usual: readonly string[]): string[] {
  const out = [...usual];
  for (const g of known) if (g.trim() && !out.includes(g)) out.push(g);
  return out;
}

/** One group's assignments, for the start form's 本组任务; none for an empty group name. */
export function groupTasks(rows: readonly AssignmentRow[], group: string): AssignmentRow[] {
  const g = group.trim().replace(/\s+/g, ' ');
  if (!g) return [];
  return rows.filter((r) => r.group === g);
}
