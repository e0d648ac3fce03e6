// The problem list's filter as it lives in the address (#/problems?status=…),
// so that a drill-down from the dashboard, a reload and the back button all
// show the same list; and the figures of the dashboard as people read them.
// Pure functions, each tested in query.test.ts. The filtering itself is the
// core's (problem_list); this only builds the query.

import type { Dimension } from '../bindings/Dimension';
import type { Figure } from '../bindings/Figure';
import type { ProblemFilter } from '../bindings/ProblemFilter';
import type { Severity } from '../bindings/Severity';
import type { Source } from '../bindings/Source';
import type { StatsFilter } from '../bindings/StatsFilter';
import type { Status } from '../bindings/Status';

export const STATUSES: readonly Status[] = ['pending', 'in_progress', 'awaiting_verification', 'closed', 'withdrawn'];
export const SOURCES: readonly Source[] = [
  'law_enforcement',
  'special',
  'unannounced',
  'look_back',
  'self_check',
  'public_report',
  'forum',
  'deputy',
];
const SEVERITIES: readonly Severity[] = ['general', 'serious', 'major'];

/** A route query as vue-router gives it. */
export type RawQuery = Readonly<Record<string, string | null | undefined | readonly (string | null)[]>>;
/** A route query as this module writes it: only the keys that filter. */
export type Query = Record<string, string>;

function one(raw: RawQuery, key: string): string {
  const v = raw[key];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s.trim() : '';
}

function member<T extends string>(list: readonly T[], v: string): T | undefined {
  return (list as readonly string[]).includes(v) ? (v as T) : undefined;
}

/** The filter a route query asks for; unknown words are left out rather than refused. */
export function filterFromQuery(raw: RawQuery): ProblemFilter {
  const statuses = one(raw, 'status')
    .split(',')
    .map((s) => member(STATUSES, s.trim()))
    .filter((s): s is Status => !!s);
  const f: ProblemFilter = {
    statuses: [...new Set(statuses)],
    overdue_only: one(raw, 'overdue') === '1',
    include_withdrawn: false,
  };
  const text = (key: string, field: 'county' | 'group' | 'category' | 'department' | 'search' | 'target_id') => {
    const v = one(raw, key);
    if (v) f[field] = v;
  };
  text('county', 'county');
  text('group', 'group');
  text('category', 'category');
  text('department', 'department');
  text('q', 'search');
  text('target', 'target_id');
  const severity = member(SEVERITIES, one(raw, 'severity'));
  if (severity) f.severity = severity;
  const source = member(SOURCES, one(raw, 'source'));
  if (source) f.source = source;
  return f;
}

/** The route query of a filter; `filterFromQuery(queryFromFilter(f))` gives `f` back. */
export function queryFromFilter(f: ProblemFilter): Query {
  const q: Query = {};
  if (f.statuses.length) q.status = f.statuses.join(',');
  if (f.overdue_only) q.overdue = '1';
  if (f.county) q.county = f.county;
  if (f.group) q.group = f.group;
  if (f.category) q.category = f.category;
  if (f.department) q.department = f.department;
  if (f.severity) q.severity = f.severity;
  if (f.source) q.source = f.source;
  if (f.search?.trim()) q.q = f.search.trim();
  if (f.target_id) q.target = f.target_id;
  return q;
}

/** Does the filter narrow the list at all (beyond the status tab)? */
export function narrows(f: ProblemFilter): boolean {
  return !!(f.overdue_only || f.county || f.group || f.category || f.department || f.severity || f.source || f.search || f.target_id);
}

/**
 * The stats filter narrowed to one row of a breakdown (the bar clicked).
 * `null` for the “（未归属）” row, whose key is empty: a list cannot select
 * “no county”. Mirrors `StatsFilter::narrowed` of the core.
 */
export function narrowed(base: StatsFilter, dimension: Dimension, key: string): StatsFilter | null {
  if (!key) return null;
  const f: StatsFilter = { ...base };
  switch (dimension) {
    case 'county':
      f.county = key;
      break;
    case 'group':
      f.group = key;
      break;
    case 'category':
      f.category = key;
      break;
    case 'department':
      f.department = key;
      break;
    case 'severity': {
      const s = member(SEVERITIES, key);
      if (!s) return null;
      f.severity = s;
      break;
    }
    case 'source': {
      const s = member(SOURCES, key);
      if (!s) return null;
      f.source = s;
      break;
    }
    case 'target_kind':
      // The problem list has no filter by target type.
      return null;
  }
  return f;
}

/**
 * The problem list behind one figure of the dashboard, as a filter. Mirrors
 * `StatsFilter::problem_filter` of the core: 已整改 is 已整改待核验 or 已销号,
 * 逾期 is the overdue switch.
 */
export function drillDown(stats: StatsFilter, figure: Figure): ProblemFilter {
  const f: ProblemFilter = { statuses: [], overdue_only: false, include_withdrawn: false };
  switch (figure) {
    case 'rectified':
      f.statuses = ['awaiting_verification', 'closed'];
      break;
    case 'closed':
      f.statuses = ['closed'];
      break;
    case 'overdue':
      f.overdue_only = true;
      break;
    case 'problems':
      break;
  }
  if (stats.county) f.county = stats.county;
  if (stats.group) f.group = stats.group;
  if (stats.category) f.category = stats.category;
  if (stats.department) f.department = stats.department;
  if (stats.severity) f.severity = stats.severity;
  if (stats.source) f.source = stats.source;
  return f;
}

/** A rate (0..1) as people read it: one decimal, “19.4%”; “—” when there is none. */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  // Rounded half away from zero on the per-mille, as the core's `percent` prints it.
  const permille = Math.round(rate * 1000 + Number.EPSILON * 1000);
  return `${(permille / 10).toFixed(1)}%`;
}

/** Days (a median may be a half): “12”, “12.5”; “—” when there is none. */
export function formatDays(days: number | null | undefined): string {
  if (days === null || days === undefined || !Number.isFinite(days)) return '—';
  return Number.isInteger(days) ? String(days) : days.toFixed(1);
}

/** Which status tab a filter shows: one status, or all of them. */
export function statusTab(f: ProblemFilter): Status | 'all' | 'mixed' {
  if (f.statuses.length === 0) return 'all';
  if (f.statuses.length === 1) return f.statuses[0];
  return 'mixed';
}
