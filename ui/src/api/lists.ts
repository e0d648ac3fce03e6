// The lists around the problems (docs/ipc.md, section "Lists"): 意见建议,
// 责任清单 with problem counts, 学习清单 (with the “studied” mark), 评价清单;
// 登记意见建议 and 录入测评.

import type { Evaluation } from '../bindings/Evaluation';
import type { EvaluationFilter } from '../bindings/EvaluationFilter';
import type { EvaluationSummary } from '../bindings/EvaluationSummary';
import type { LearningDoc } from '../bindings/LearningDoc';
import type { NewEvaluation } from '../bindings/NewEvaluation';
import type { NewOpinion } from '../bindings/NewOpinion';
import type { ResponsibilityRow } from '../bindings/ResponsibilityRow';
import type { SuggestionFilter } from '../bindings/SuggestionFilter';
import type { SuggestionRow } from '../bindings/SuggestionRow';
import { invoke } from './invoke';

export function suggestionList(filter: SuggestionFilter = {}): Promise<SuggestionRow[]> {
  const out: SuggestionFilter = {};
  if (filter.county) out.county = filter.county;
  if (filter.source) out.source = filter.source;
  if (filter.group) out.group = filter.group;
  const search = filter.search?.trim();
  if (search) out.search = search;
  return invoke<SuggestionRow[]>('suggestion_list', { filter: out });
}

/** 登记意见建议: an opinion from outside an inspection; the row as the list shows it. */
export function opinionCreate(input: NewOpinion): Promise<SuggestionRow> {
  return invoke<SuggestionRow>('opinion_create', { input });
}

export function responsibilityList(): Promise<ResponsibilityRow[]> {
  return invoke<ResponsibilityRow[]>('responsibility_list');
}

export function learningList(person?: string): Promise<LearningDoc[]> {
  return invoke<LearningDoc[]>('learning_list', person ? { person } : {});
}

/** Marks (today) or unmarks a document studied by `person`; the list as that person sees it. */
export function learningMark(person: string, document: string, studied: boolean): Promise<LearningDoc[]> {
  return invoke<LearningDoc[]>('learning_mark', { person, document, studied });
}

export function evaluationList(filter: EvaluationFilter = {}): Promise<Evaluation[]> {
  return invoke<Evaluation[]>('evaluation_list', { filter });
}

export function evaluationSummary(): Promise<EvaluationSummary[]> {
  return invoke<EvaluationSummary[]>('evaluation_summary');
}

/** 录入测评: one score; a pairing the two-way rule does not allow is refused with the reason. */
export function evaluationCreate(input: NewEvaluation): Promise<Evaluation> {
  return invoke<Evaluation>('evaluation_create', { input });
}
