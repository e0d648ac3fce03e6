import { describe, expect, it } from 'vitest';

import type { Aspect } from '../bindings/Aspect';
import type { Evaluator } from '../bindings/Evaluator';
import type { SubjectKind } from '../bindings/SubjectKind';
import {
  ASPECTS,
  EVALUATORS,
  SUBJECT_KINDS,
  aspectsFor,
  evaluatorsFor,
  localToday,
  parseScore,
  toNewEvaluation,
  toNewOpinion,
} from './forms';

/** The core's `check_combination`, written out case by case. */
function coreAllows(kind: SubjectKind, aspect: Aspect, evaluator: Evaluator): boolean {
  if (aspect === 'result') return evaluator !== 'congress';
  if (evaluator !== 'congress') return false;
  return kind !== 'topic';
}

describe('the two-way rule as choices', () => {
  it('offers exactly the pairings the core allows', () => {
    for (const k of SUBJECT_KINDS)
      for (const a of ASPECTS)
        for (const e of EVALUATORS) {
          const offered = aspectsFor(k).includes(a) && evaluatorsFor(k, a).includes(e);
          expect(offered, `${k} ${a} ${e}`).toBe(coreAllows(k, a, e));
        }
  });

  it('never offers the public the rectification work, nor a topic anything but its result', () => {
    expect(evaluatorsFor('department', 'rectification')).toEqual(['congress']);
    expect(evaluatorsFor('county', 'result')).toEqual(['deputies', 'public']);
    expect(aspectsFor('topic')).toEqual(['result']);
    expect(evaluatorsFor('topic', 'report')).toEqual([]);
  });
});

describe('parseScore', () => {
  it('takes 0–100 with at most two decimals', () => {
    expect(parseScore(' 92.79 ')).toBe(92.79);
    expect(parseScore('100')).toBe(100);
    expect(parseScore('0')).toBe(0);
    expect(parseScore('95.5')).toBe(95.5);
  });
  it('refuses anything else', () => {
    for (const bad of ['', '100.01', '101', '-1', '90.125', 'abc', '9e1', '90.']) expect(parseScore(bad), bad).toBeNull();
  });
});

describe('the forms as the core takes them', () => {
  it('sends an evaluation trimmed, the date only when given', () => {
    expect(
      toNewEvaluation({
        subject_kind: 'department',
        subject: ' 民政局 ',
        aspect: 'report',
        evaluator: 'congress',
        score: '92.79',
        evaluated_on: '',
        comment: ' 报告详实 ',
      }),
    ).toEqual({ subject_kind: 'department', subject: '民政局', aspect: 'report', evaluator: 'congress', score: 92.79, comment: '报告详实' });
    expect(
      toNewEvaluation({ subject_kind: 'topic', subject: 'x', aspect: 'result', evaluator: 'public', score: '1000', evaluated_on: '', comment: '' }),
    ).toBeNull();
  });

  it('sends an opinion without county or date when none is given', () => {
    expect(
      toNewOpinion({ text: ' 建议 ', source: 'forum', addressee: '', county: '', target_name: ' 全市 ', group: '', made_on: '' }),
    ).toEqual({ text: '建议', source: 'forum', addressee: '', target_name: '全市', group: '' });
    expect(
      toNewOpinion({ text: '建议', source: 'deputy', addressee: '民政局', county: '汝阳县', target_name: '', group: '第一组', made_on: '2024-05-21' }),
    ).toMatchObject({ county: '汝阳县', made_on: '2024-05-21' });
  });

  it('writes today as YYYY-MM-DD of the local day', () => {
    expect(localToday(new Date(2024, 4, 7, 23, 59))).toBe('2024-05-07');
  });
});
