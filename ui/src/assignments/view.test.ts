import { describe, expect, it } from 'vitest';

import type { AssignmentRow } from '../bindings/AssignmentRow';
import { byGroup, groupChoices, groupTasks, isDone, statusText } from './view';

function row(over: Partial<AssignmentRow>): AssignmentRow {
  return {
    id: 'a',
    group: '第一组',
    target_kind: 'facility',
    target_id: 'f',
    target_name: '汝阳县社会福利中心',
    county_id: 'c',
    county: '汝阳县',
    planned_date: null,
    note: '',
    inspections: 0,
    last_inspected: null,
    facilities: null,
    facilities_inspected: null,
    created_at: '2024-05-20T01:00:00.000Z',
    updated_at: '2024-05-20T01:00:00.000Z',
    ...over,
  };
}

describe('assignments', () => {
  it('keeps the core order and counts the targets done per group', () => {
    const rows = [
      row({ id: '1', group: '第一组', target_kind: 'county', facilities: 3, facilities_inspected: 3, inspections: 4 }),
      row({ id: '2', group: '第一组', inspections: 0 }),
      row({ id: '3', group: '第二组', inspections: 2 }),
    ];
    const sections = byGroup(rows);
    expect(sections.map((s) => [s.group, s.rows.map((r) => r.id), s.done])).toEqual([
      ['第一组', ['1', '2'], 1],
      ['第二组', ['3'], 1],
    ]);
  });

  it('calls a county done only when every facility was inspected', () => {
    expect(isDone(row({ target_kind: 'county', facilities: 5, facilities_inspected: 4, inspections: 9 }))).toBe(false);
    expect(isDone(row({ target_kind: 'county', facilities: 0, facilities_inspected: 0 }))).toBe(false);
    expect(isDone(row({ inspections: 1 }))).toBe(true);
  });

  it('says 已检查 n / 共 m for a county and how often for another target', () => {
    expect(statusText(row({ target_kind: 'county', facilities: 30, facilities_inspected: 2 }))).toEqual({
      key: 'assign.status.county',
      params: { n: 2, m: 30 },
    });
    expect(statusText(row({ inspections: 0 })).key).toBe('assign.status.none');
    expect(statusText(row({ inspections: 2 }))).toEqual({ key: 'assign.status.times', params: { n: 2 } });
  });

  it('offers the usual groups first and others on record once', () => {
    expect(groupChoices(['第二组', '督查组', ' ', '督查组'], ['第一组', '第二组'])).toEqual(['第一组', '第二组', '督查组']);
  });

  it('finds a group’s tasks by its name as typed, and none for no name', () => {
    const rows = [row({ id: '1', group: '第一组' }), row({ id: '2', group: '第二组' })];
    expect(groupTasks(rows, ' 第二组 ').map((r) => r.id)).toEqual(['2']);
    expect(groupTasks(rows, '  ')).toEqual([]);
  });
});
