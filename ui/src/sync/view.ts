// The 同步 page and the 变更历史 drawer read for people: file sizes, the
// progress of an import, and the fields and values of the audit trail in
// words. Counts pass through `count`, which also takes a bigint should a
// generated type ever say so.

import type { HistoryEntry } from '../bindings/HistoryEntry';
import type { Progress } from '../bindings/Progress';
import type { Status } from '../bindings/Status';
import type { TableCounts } from '../bindings/TableCounts';
import { t, type MessageKey } from '../i18n';
import { fieldValue } from '../inspection/changes';
import { problemStatusLabel } from '../vocabulary';

/** A count of the core as a plain number. */
export function count(n: number | bigint | null | undefined): number {
  return n === null || n === undefined ? 0 : Number(n);
}

/** 860 字节 / 86 KB / 1.2 MB. */
export function fileSize(bytes: number | bigint): string {
  const n = count(bytes);
  if (n < 1024) return t('sync.bytes', { n });
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** 0–100 for the progress bar; a finished import is 100 whatever its counts. */
export function progressPercent(p: Progress | null): number {
  if (!p) return 0;
  if (p.stage === 'done') return 100;
  const total = count(p.total);
  if (total <= 0) return 0;
  // Reading the operations is the first half, writing the rows the second.
  const part = Math.min(1, count(p.done) / total);
  return Math.round((p.stage === 'writing' ? 50 + part * 50 : part * 50) * 10) / 10;
}

const STAGES: Readonly<Record<string, MessageKey>> = {
  reading: 'sync.stage.reading',
  writing: 'sync.stage.writing',
  done: 'sync.stage.done',
};

export function stageLabel(p: Progress | null): string {
  return p && Object.prototype.hasOwnProperty.call(STAGES, p.stage) ? t(STAGES[p.stage]) : t('sync.stage.start');
}

/** Whether an import changed anything of this kind, for hiding rows of nothing. */
export function anyCount(c: TableCounts): boolean {
  return count(c.new) + count(c.updated) + count(c.deleted) + count(c.conflicts) + count(c.waiting) > 0;
}

/** Columns that only say who touched a row last or where a cursor was: never shown in the trail. */
export const BOOKKEEPING = new Set(['updated_at', 'device_id', 'last_item_code', 'created_at']);

export function visibleHistory(entries: readonly HistoryEntry[]): HistoryEntry[] {
  return entries.filter((e) => e.kind !== 'set' || !e.field || !BOOKKEEPING.has(e.field));
}

const FIELDS: Readonly<Record<string, MessageKey>> = {
  verdict: 'changes.field.verdict',
  finding: 'changes.field.finding',
  severity: 'changes.field.severity',
  scope: 'changes.field.scope',
  na_reason: 'changes.field.naReason',
  added_by_hand: 'changes.field.addedByHand',
  status: 'changes.field.status',
  description: 'audit.field.description',
  measure: 'audit.field.measure',
  responsible_unit: 'audit.field.unit',
  responsible_person: 'audit.field.person',
  deadline: 'audit.field.deadline',
  rectified_on: 'audit.field.rectifiedOn',
  closed_on: 'audit.field.closedOn',
  signed_at: 'audit.field.signedAt',
  signed_inspectors: 'audit.field.inspectors',
  signed_representative: 'audit.field.representative',
  leader: 'audit.field.leader',
  members: 'audit.field.members',
  representatives: 'audit.field.representatives',
  date: 'audit.field.date',
  group_name: 'audit.field.group',
};

/** What a change did: 新建记录, 删除记录 or the field it changed. */
export function historyWhat(e: HistoryEntry): string {
  if (e.kind === 'insert') return t('audit.kind.insert');
  if (e.kind === 'delete') return t('audit.kind.delete');
  return fieldLabel(e.field ?? '');
}

/** A column's name in words; one without a label is shown as it is stored. */
export function fieldLabel(field: string): string {
  return Object.prototype.hasOwnProperty.call(FIELDS, field) ? t(FIELDS[field]) : field;
}

const PROBLEM_STATUSES = new Set(['pending', 'in_progress', 'awaiting_verification', 'closed', 'withdrawn']);

/** One value of the trail in words; an empty value is a dash, several competing ones are joined. */
export function historyValue(table: string, field: string | null, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.map((v) => historyValue(table, field, v)).join(' | ');
  if (typeof value === 'object') return '';
  const text = String(value);
  if (!field) return text;
  if (table === 'problem' && field === 'status' && PROBLEM_STATUSES.has(text)) return problemStatusLabel(text as Status);
  return fieldValue(field, text);
}
