// Labels of the core's closed vocabularies in the current language, and the
// members the UI offers as choices.

import type { Aspect } from './bindings/Aspect';
import type { CheckMethod } from './bindings/CheckMethod';
import type { Evaluator } from './bindings/Evaluator';
import type { SubjectKind } from './bindings/SubjectKind';
import type { Gap } from './bindings/Gap';
import type { InspectionKind } from './bindings/InspectionKind';
import type { InspectionStatus } from './bindings/InspectionStatus';
import type { ItemKind } from './bindings/ItemKind';
import type { OperatorType } from './bindings/OperatorType';
import type { Scope } from './bindings/Scope';
import type { Severity } from './bindings/Severity';
import type { TargetKind } from './bindings/TargetKind';
import type { Verdict } from './bindings/Verdict';
import type { Dimension } from './bindings/Dimension';
import type { EventKind } from './bindings/EventKind';
import type { Source } from './bindings/Source';
import type { Status } from './bindings/Status';
import type { VerifyMethod } from './bindings/VerifyMethod';
import type { VerifyResult } from './bindings/VerifyResult';
import { t, type MessageKey } from './i18n';

/** The target kinds that are facilities (not a government or a department): the registry's types. */
export const FACILITY_KINDS: readonly TargetKind[] = [
  'elderly_care_institution',
  'destitute_support_home',
  'regional_center',
  'community_center',
  'village_mutual_aid',
  'small_group_care_point',
  'home_care_point',
  'medical_care_institution',
];

/** 检查类型, in the order the start form offers them. */
export const INSPECTION_KINDS: readonly InspectionKind[] = [
  'law_enforcement',
  'special',
  'unannounced',
  'look_back',
  'self_check_review',
];
export const VERDICTS: readonly Verdict[] = ['compliant', 'partial', 'noncompliant', 'not_applicable'];
export const SEVERITIES: readonly Severity[] = ['general', 'serious', 'major'];
export const SCOPES: readonly Scope[] = ['individual', 'partial', 'widespread'];

/** The supervision groups of the campaign (第一组 … 第七组), offered as suggestions; any name is allowed. */
export const GROUP_SUGGESTIONS: readonly string[] = ['第一组', '第二组', '第三组', '第四组', '第五组', '第六组', '第七组'];

export const itemKindLabel = (k: ItemKind) => t(`itemKind.${k}` as const);
export const checkMethodLabel = (m: CheckMethod) => t(`checkMethod.${m}` as const);
export const severityLabel = (s: Severity) => t(`severity.${s}` as const);
export const operatorTypeLabel = (o: OperatorType | null) => (o ? t(`operatorType.${o}` as const) : t('common.none'));
export const targetKindLabel = (k: TargetKind) => t(`targetKind.${k}` as const);
export const inspectionKindLabel = (k: InspectionKind) => t(`inspectionKind.${k}` as const);
export const verdictLabel = (v: Verdict | null) => (v ? t(`verdict.${v}` as const) : t('verdict.none'));
export const scopeLabel = (s: Scope) => t(`scope.${s}` as const);
export const gapLabel = (g: Gap) => t(`gap.${g}` as const);
export const statusLabel = (s: InspectionStatus) => t(`inspectionStatus.${s}` as const);

/** Element Plus tag colour of a verdict. */
export function verdictTagType(v: Verdict | null): 'success' | 'warning' | 'danger' | 'info' {
  return v === 'compliant' ? 'success' : v === 'partial' ? 'warning' : v === 'noncompliant' ? 'danger' : 'info';
}

/** Element Plus tag colour of a severity: grey, amber, red. */
export function severityTagType(s: Severity): 'info' | 'warning' | 'danger' {
  return s === 'major' ? 'danger' : s === 'serious' ? 'warning' : 'info';
}

const DEPARTMENT_KINDS: Readonly<Record<string, MessageKey>> = {
  政府部门: 'departmentKind.government',
  群团组织: 'departmentKind.massOrganisation',
  其他: 'departmentKind.other',
};

/** A department's kind is free text from the core, in Chinese; the known ones are translated. */
export function departmentKindLabel(kind: string): string {
  return Object.prototype.hasOwnProperty.call(DEPARTMENT_KINDS, kind) ? t(DEPARTMENT_KINDS[kind]) : kind;
}

// ---- problems (issue 4)

/** The status tabs of the problem list, in the order of a problem's life (已撤销 is not offered). */
export const PROBLEM_STATUSES: readonly Status[] = ['pending', 'in_progress', 'awaiting_verification', 'closed'];
export const VERIFY_METHODS: readonly VerifyMethod[] = ['look_back', 'document_review', 'unannounced'];

export const problemStatusLabel = (s: Status) => t(`status.${s}` as const);
export const sourceLabel = (s: Source) => t(`source.${s}` as const);
export const eventKindLabel = (k: EventKind) => t(`eventKind.${k}` as const);
export const verifyMethodLabel = (m: VerifyMethod) => t(`verifyMethod.${m}` as const);
export const verifyResultLabel = (r: VerifyResult) => t(`verifyResult.${r}` as const);
export const dimensionLabel = (d: Dimension) => t(`dimension.${d}` as const);

/** Element Plus tag colour of a problem's status. */
export function problemStatusTagType(s: Status): 'danger' | 'warning' | 'primary' | 'success' | 'info' {
  switch (s) {
    case 'pending':
      return 'danger';
    case 'in_progress':
      return 'warning';
    case 'awaiting_verification':
      return 'primary';
    case 'closed':
      return 'success';
    default:
      return 'info';
  }
}

// ---- evaluation list (issue 4)

export const subjectKindLabel = (k: SubjectKind) => t(`subjectKind.${k}` as const);
export const aspectLabel = (a: Aspect) => t(`aspect.${a}` as const);
export const evaluatorLabel = (e: Evaluator) => t(`evaluator.${e}` as const);
