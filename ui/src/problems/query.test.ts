import { describe, expect, it } from 'vitest';

import type { ProblemFilter } from '../bindings/ProblemFilter';
import { drillDown, filterFromQuery, formatDays, formatRate, narrowed, narrows, queryFromFilter, statusTab } from './query';

const empty: ProblemFilter = { statuses: [], overdue_only: false, include_withdrawn: false };

describe('formatRate', () => {
  it('prints one decimal, as the campaign reports: 56 of 289 is 19.4%', () => {
    expect(formatRate(56 / 289)).toBe('19.4%');
  });
  it('prints the edges plainly', () => {
    expect(formatRate(0)).toBe('0.0%');
    expect(formatRate(1)).toBe('100.0%');
    expect(formatRate(1 / 3)).toBe('33.3%');
    expect(formatRate(2 / 3)).toBe('66.7%');
    expect(formatRate(0.0005)).toBe('0.1%');
  });
  it('shows a dash without problems, never NaN', () => {
    expect(formatRate(null)).toBe('—');
    expect(formatRate(undefined)).toBe('—');
    expect(formatRate(Number.NaN)).toBe('—');
  });
});

describe('formatDays', () => {
  it('keeps whole days whole and a median half as .5', () => {
    expect(formatDays(12)).toBe('12');
    expect(formatDays(12.5)).toBe('12.5');
    expect(formatDays(0)).toBe('0');
    expect(formatDays(null)).toBe('—');
  });
});

describe('route query', () => {
  it('reads every filter and leaves unknown words out', () => {
    const f = filterFromQuery({
      status: 'pending,bogus,in_progress,pending',
      overdue: '1',
      county: ' 汝阳县 ',
      severity: 'major',
      source: 'nonsense',
      group: '第一组',
      q: '消防',
    });
    expect(f).toEqual({
      statuses: ['pending', 'in_progress'],
      overdue_only: true,
      include_withdrawn: false,
      county: '汝阳县',
      severity: 'major',
      group: '第一组',
      search: '消防',
    });
  });

  it('gives back the filter it was written from', () => {
    const f: ProblemFilter = {
      ...empty,
      statuses: ['awaiting_verification', 'closed'],
      county: '西工区',
      category: '安全管理',
      department: '市民政局',
      source: 'public_report',
      search: '台账',
    };
    expect(filterFromQuery(queryFromFilter(f))).toEqual(f);
    expect(queryFromFilter(empty)).toEqual({});
    expect(narrows(empty)).toBe(false);
    expect(narrows({ ...empty, overdue_only: true })).toBe(true);
  });

  it('takes the first of repeated keys', () => {
    expect(filterFromQuery({ county: ['汝阳县', '西工区'] }).county).toBe('汝阳县');
  });

  it('names the status tab', () => {
    expect(statusTab(empty)).toBe('all');
    expect(statusTab({ ...empty, statuses: ['closed'] })).toBe('closed');
    expect(statusTab({ ...empty, statuses: ['awaiting_verification', 'closed'] })).toBe('mixed');
  });
});

describe('drill-down', () => {
  it('opens the list behind each figure, as the core defines it', () => {
    expect(drillDown({}, 'problems')).toEqual(empty);
    expect(drillDown({}, 'rectified').statuses).toEqual(['awaiting_verification', 'closed']);
    expect(drillDown({}, 'closed').statuses).toEqual(['closed']);
    expect(drillDown({}, 'overdue')).toEqual({ ...empty, overdue_only: true });
  });

  it('keeps the dashboard filter and narrows to the bar clicked', () => {
    const byCounty = narrowed({ source: 'deputy' }, 'county', '汝阳县');
    expect(byCounty).toEqual({ source: 'deputy', county: '汝阳县' });
    expect(queryFromFilter(drillDown(byCounty!, 'problems'))).toEqual({ county: '汝阳县', source: 'deputy' });
    expect(queryFromFilter(drillDown(narrowed({}, 'category', '安全管理')!, 'overdue'))).toEqual({
      category: '安全管理',
      overdue: '1',
    });
  });

  it('cannot drill into the unassigned row or a word outside a vocabulary', () => {
    expect(narrowed({}, 'county', '')).toBeNull();
    expect(narrowed({}, 'severity', 'huge')).toBeNull();
    expect(narrowed({}, 'severity', 'major')).toEqual({ severity: 'major' });
    expect(narrowed({}, 'target_kind', 'department')).toBeNull();
  });
});
