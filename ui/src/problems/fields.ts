// The places a refused step names, in words: the core names fields by their
// key (`deadline`, `by`), which means nothing to a supervisor. A refusal of
// the status itself (`status`) needs no place: its message says it all.

import type { IpcError } from '../bindings/IpcError';
import type { MessageKey } from '../i18n';

/** Field keys of the step commands, 新增问题, 登记意见建议 and 录入测评 → the label of the form field; `null` shows no place. */
export const STEP_FIELDS: Readonly<Record<string, MessageKey | null>> = {
  status: null,
  id: null,
  measure: 'problem.plan.measure',
  unit: 'problem.plan.unit',
  person: 'problem.plan.person',
  deadline: 'problem.plan.deadline',
  by: 'problem.verify.by',
  method: 'problem.verify.method',
  result: 'problem.verify.result',
  on: 'problem.verify.on',
  reason: 'problem.reopen.reason',
  note: 'problem.field.note',
  files: 'problem.evidence',
  'files.name': 'problem.evidence',
  'files.data_base64': 'problem.evidence',
  // 新增问题
  target_name: 'problem.field.target',
  target_id: 'problem.field.target',
  county: 'problem.field.county',
  item_code: 'newProblem.itemCode',
  category: 'problem.field.category',
  description: 'problem.field.description',
  source: 'problem.field.source',
  severity: 'problem.field.severity',
  found_on: 'problem.field.foundOn',
  group: 'problem.field.group',
  department: 'problem.field.department',
  responsible_unit: 'problem.field.unit',
  number: 'problem.field.number',
  // 登记意见建议
  text: 'newOpinion.text',
  addressee: 'suggestions.col.addressee',
  made_on: 'newOpinion.madeOn',
  // 录入测评
  subject_kind: 'newEvaluation.subjectKind',
  subject: 'evaluation.col.subject',
  aspect: 'evaluation.col.aspect',
  evaluator: 'evaluation.col.evaluator',
  score: 'evaluation.col.score',
  evaluated_on: 'newEvaluation.date',
  comment: 'evaluation.col.comment',
};

/** The error with each known field replaced by its label (`translate` gives the label of a key). */
export function labelFields(err: IpcError, translate: (key: MessageKey) => string): IpcError {
  return {
    ...err,
    problems: err.problems.map((p) => {
      if (p.field === null || !Object.prototype.hasOwnProperty.call(STEP_FIELDS, p.field)) return p;
      const key = STEP_FIELDS[p.field];
      return { ...p, field: key ? translate(key) : null };
    }),
  };
}
