import { describe, expect, it } from 'vitest';

import type { ChecklistItem } from '../bindings/ChecklistItem';
import {
  applyChange,
  groupItems,
  insertPhrase,
  isDate,
  itemMatches,
  localDate,
  mergeSaved,
  nextUnanswered,
  progressText,
  splitNames,
  startIndex,
} from './model';

function item(code: string, group: string, over: Partial<ChecklistItem> = {}): ChecklistItem {
  return {
    code,
    kind: 'standard',
    group,
    title: `标题${code}`,
    requirement: '按照国家标准配置消防设施',
    basis: '《河南省养老服务条例》第十二条',
    methods: ['site'],
    quick_phrases: ['灭火器过期'],
    major_hazard: false,
    default_severity: 'general',
    added_by_hand: false,
    verdict: null,
    finding: '',
    severity: null,
    scope: null,
    na_reason: '',
    evidence: [],
    updated_at: '2024-06-01T00:00:00Z',
    ...over,
  };
}

const list = [
  item('S01', '消防安全', { verdict: 'compliant' }),
  item('S02', '消防安全'),
  item('S03', '食品安全', { verdict: 'noncompliant' }),
  item('S04', '食品安全'),
  item('S05', '消防安全', { verdict: 'partial' }),
];

describe('groupItems', () => {
  it('keeps the catalog order of groups and items, and counts answers per group', () => {
    const g = groupItems(list);
    expect(g.map((x) => [x.name, x.items.map((i) => i.code), x.answered])).toEqual([
      ['消防安全', ['S01', 'S02', 'S05'], 2],
      ['食品安全', ['S03', 'S04'], 1],
    ]);
  });
});

describe('moving around', () => {
  it('finds the next unanswered item, wrapping round', () => {
    expect(nextUnanswered(list, 0)).toBe(1);
    expect(nextUnanswered(list, 1)).toBe(3);
    expect(nextUnanswered(list, 3)).toBe(1);
    expect(nextUnanswered(list.map((i) => ({ ...i, verdict: 'compliant' as const })), 0)).toBeNull();
  });

  it('opens where the inspector left off, else at the first open item', () => {
    expect(startIndex(list, 'S03')).toBe(2);
    expect(startIndex(list, 'S99')).toBe(1);
    expect(startIndex(list, null)).toBe(1);
    expect(startIndex([], 'S01')).toBe(-1);
  });

  it('writes progress as answered/total', () => {
    expect(progressText(37, 58)).toBe('37/58');
  });
});

describe('itemMatches', () => {
  it('matches every word in code, title, requirement, basis, finding or phrases', () => {
    expect(itemMatches(list[0], 's01')).toBe(true);
    expect(itemMatches(list[0], '条例 消防')).toBe(true);
    expect(itemMatches(list[0], '灭火器')).toBe(true);
    expect(itemMatches(list[0], '消防 留样')).toBe(false);
    expect(itemMatches(list[0], '   ')).toBe(true);
  });
});

describe('mergeSaved', () => {
  it('takes the core’s answer but keeps what is not saved yet and the texts as typed', () => {
    const shown = item('S01', 'g', { verdict: 'noncompliant', finding: '灭火器 ', severity: 'serious' });
    const saved = item('S01', 'g', { verdict: 'noncompliant', finding: '灭火器', severity: 'major', evidence: ['ab'] });
    const merged = mergeSaved(shown, saved, new Set(['severity']));
    expect(merged.finding).toBe('灭火器 ');
    expect(merged.severity).toBe('serious');
    expect(merged.evidence).toEqual(['ab']);
    expect(mergeSaved(shown, saved, new Set()).severity).toBe('major');
  });

  it('applies a change at once, clearing with null', () => {
    const it0 = item('S01', 'g', { verdict: 'noncompliant', severity: 'major' });
    expect(applyChange(it0, { severity: null, finding: 'x' })).toMatchObject({ verdict: 'noncompliant', severity: null, finding: 'x' });
  });
});

describe('insertPhrase', () => {
  it('puts the phrase into an empty finding', () => {
    expect(insertPhrase('', '灭火器过期')).toBe('灭火器过期');
    expect(insertPhrase('  ', '灭火器过期')).toBe('灭火器过期');
  });

  it('appends to a finding after a full-width semicolon', () => {
    expect(insertPhrase('灭火器过期', '冰箱生熟未分开')).toBe('灭火器过期；冰箱生熟未分开');
    expect(insertPhrase('灭火器过期。', '冰箱生熟未分开')).toBe('灭火器过期。冰箱生熟未分开');
  });

  it('does not add the same phrase twice', () => {
    expect(insertPhrase('灭火器过期；冰箱生熟未分开', '灭火器过期')).toBe('灭火器过期；冰箱生熟未分开');
  });
});

describe('names and dates', () => {
  it('splits names however they were separated', () => {
    expect(splitNames('王建国、李秀英，张志强 ,  王建国;刘红霞')).toEqual(['王建国', '李秀英', '张志强', '刘红霞']);
    expect(splitNames(' ')).toEqual([]);
  });

  it('gives today in local time', () => {
    expect(localDate(new Date(2024, 4, 20, 7, 5))).toBe('2024-05-20');
    expect(localDate(new Date(2024, 11, 31, 23, 59))).toBe('2024-12-31');
  });

  it('accepts only real dates', () => {
    expect(isDate('2024-05-20')).toBe(true);
    expect(isDate('2024-02-30')).toBe(false);
    expect(isDate('2024/05/20')).toBe(false);
    expect(isDate('')).toBe(false);
  });
});
