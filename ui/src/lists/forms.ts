// The forms of 录入测评 and 登记意见建议 as the core takes them, and the
// two-way rule of the evaluation as choices: the dialog offers only the
// pairings the core's `evaluation::check_combination` allows, which the core
// checks again.

import type { Aspect } from '../bindings/Aspect';
import type { Evaluator } from '../bindings/Evaluator';
import type { NewEvaluation } from '../bindings/NewEvaluation';
import type { NewOpinion } from '../bindings/NewOpinion';
import type { Source } from '../bindings/Source';
import type { SubjectKind } from '../bindings/SubjectKind';

export const SUBJECT_KINDS: readonly SubjectKind[] = ['department', 'county', 'topic'];
export const ASPECTS: readonly Aspect[] = ['rectification', 'report', 'result'];
export const EVALUATORS: readonly Evaluator[] = ['congress', 'deputies', 'public'];

/** What may be scored of a subject: a topic has no one who rectifies or reports, only a result. */
export function aspectsFor(kind: SubjectKind): readonly Aspect[] {
  return kind === 'topic' ? ['result'] : ASPECTS;
}

/** Who scores an aspect: 人大常委会 the work and the report, 人大代表 and 群众 the result. */
export function evaluatorsFor(kind: SubjectKind, aspect: Aspect): readonly Evaluator[] {
  if (!aspectsFor(kind).includes(aspect)) return [];
  return aspect === 'result' ? ['deputies', 'public'] : ['congress'];
}

/** A score as typed: 0–100 with at most two decimals, else `null`. */
export function parseScore(text: string): number | null {
  const s = text.trim();
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(s)) return null;
  const n = Number(s);
  return n >= 0 && n <= 100 ? n : null;
}

/** YYYY-MM-DD of the local calendar day. */
export function localToday(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

export interface NewEvaluationForm {
  subject_kind: SubjectKind;
  subject: string;
  aspect: Aspect;
  evaluator: Evaluator;
  score: string;
  evaluated_on: string;
  comment: string;
}

/** The evaluation to send, or `null` when the score is not a score (the dialog says so). */
export function toNewEvaluation(f: NewEvaluationForm): NewEvaluation | null {
  const score = parseScore(f.score);
  if (score === null) return null;
  const e: NewEvaluation = {
    subject_kind: f.subject_kind,
    subject: f.subject.trim(),
    aspect: f.aspect,
    evaluator: f.evaluator,
    score,
    comment: f.comment.trim(),
  };
  if (f.evaluated_on.trim()) e.evaluated_on = f.evaluated_on.trim();
  return e;
}

export interface NewOpinionForm {
  text: string;
  source: Source;
  addressee: string;
  county: string;
  target_name: string;
  group: string;
  made_on: string;
}

/** Only what was filled in, trimmed: no county for the whole city, today when no date. */
export function toNewOpinion(f: NewOpinionForm): NewOpinion {
  const o: NewOpinion = {
    text: f.text.trim(),
    source: f.source,
    addressee: f.addressee.trim(),
    target_name: f.target_name.trim(),
    group: f.group.trim(),
  };
  if (f.county) o.county = f.county;
  if (f.made_on.trim()) o.made_on = f.made_on.trim();
  return o;
}
