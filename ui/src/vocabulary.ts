// Labels of the core's closed vocabularies in the current language, and the
// members the UI offers as choices.

import type { CheckMethod } from './bindings/CheckMethod';
import type { ItemKind } from './bindings/ItemKind';
import type { OperatorType } from './bindings/OperatorType';
import type { Severity } from './bindings/Severity';
import type { TargetKind } from './bindings/TargetKind';
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

export const itemKindLabel = (k: ItemKind) => t(`itemKind.${k}` as const);
export const checkMethodLabel = (m: CheckMethod) => t(`checkMethod.${m}` as const);
export const severityLabel = (s: Severity) => t(`severity.${s}` as const);
export const operatorTypeLabel = (o: OperatorType | null) => (o ? t(`operatorType.${o}` as const) : t('common.none'));
export const targetKindLabel = (k: TargetKind) => t(`targetKind.${k}` as const);

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
