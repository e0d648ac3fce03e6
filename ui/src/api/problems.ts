// 问题清单, 整改清单, 销号清单: one typed wrapper per command of docs/ipc.md,
// section "Problems". Which step a status allows is the core's rule; these
// functions only carry the arguments across.

import type { EvidenceUpload } from '../bindings/EvidenceUpload';
import type { NewProblem } from '../bindings/NewProblem';
import type { NumberClash } from '../bindings/NumberClash';
import type { Plan } from '../bindings/Plan';
import type { ProblemCounts } from '../bindings/ProblemCounts';
import type { ProblemDetail } from '../bindings/ProblemDetail';
import type { ProblemFilter } from '../bindings/ProblemFilter';
import type { ProblemRow } from '../bindings/ProblemRow';
import type { Verification } from '../bindings/Verification';
import { invoke } from './invoke';

/** 重大隐患 first, then overdue, then by date found (the core's order). */
export function problemList(filter: ProblemFilter): Promise<ProblemRow[]> {
  return invoke<ProblemRow[]>('problem_list', { filter });
}

/** Counts per status of what the filter selects, whatever statuses it names. */
export function problemCounts(filter: ProblemFilter): Promise<ProblemCounts> {
  return invoke<ProblemCounts>('problem_counts', { filter });
}

/** `id` may also be the problem number (WT20240520-1A2B). */
export function problemGet(id: string): Promise<ProblemDetail> {
  return invoke<ProblemDetail>('problem_get', { id });
}

export function problemCreate(input: NewProblem): Promise<ProblemDetail> {
  return invoke<ProblemDetail>('problem_create', { input });
}

/** 制定整改措施: 待整改 → 整改中. */
export function problemPlan(id: string, plan: Plan): Promise<ProblemDetail> {
  return invoke<ProblemDetail>('problem_plan', { id, plan });
}

/** 记录整改进展, with up to 10 files. */
export function problemProgress(id: string, note: string, files: EvidenceUpload[] = []): Promise<ProblemDetail> {
  return invoke<ProblemDetail>('problem_progress', { id, note, files });
}

/** 报告整改完成: 整改中 → 已整改待核验. */
export function problemReportDone(id: string, note: string, files: EvidenceUpload[] = []): Promise<ProblemDetail> {
  return invoke<ProblemDetail>('problem_report_done', { id, note, files });
}

/** 核验: 通过 → 已销号; 未通过 → 退回整改中 (a note is then required). */
export function problemVerify(id: string, verification: Verification, files: EvidenceUpload[] = []): Promise<ProblemDetail> {
  return invoke<ProblemDetail>('problem_verify', { id, verification, files });
}

/** 重新打开 a closed problem. */
export function problemReopen(id: string, reason: string): Promise<ProblemDetail> {
  return invoke<ProblemDetail>('problem_reopen', { id, reason });
}

/** Problems two laptops numbered alike (编号重复), for a person to settle. */
export function problemNumberClashes(): Promise<NumberClash[]> {
  return invoke<NumberClash[]>('problem_number_clashes');
}

/** 重新编号: the problem gets a longer number of its own. */
export function problemRenumber(id: string): Promise<ProblemDetail> {
  return invoke<ProblemDetail>('problem_renumber', { id });
}
