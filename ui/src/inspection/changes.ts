// The change log read for people: which item, which field, and values in
// words. The core logs the stored slugs (`na`, not `not_applicable`), so they
// are read here field by field; anything unknown is shown as it came.

import type { Change } from '../bindings/Change';
import type { InspectionKind } from '../bindings/InspectionKind';
import type { Scope } from '../bindings/Scope';
import type { Severity } from '../bindings/Severity';
import type { Verdict } from '../bindings/Verdict';
import { t, type MessageKey } from '../i18n';
import { inspectionKindLabel, scopeLabel, severityLabel, statusLabel, verdictLabel } from '../vocabulary';

const STORED_VERDICTS: Readonly<Record<string, Verdict>> = {
  compliant: 'compliant',
  partial: 'partial',
  noncompliant: 'noncompliant',
  na: 'not_applicable',
  not_applicable: 'not_applicable',
};
const SEVERITIES = new Set<string>(['general', 'serious', 'major']);
const SCOPES = new Set<string>(['individual', 'partial', 'widespread']);
const KINDS = new Set<string>(['law_enforcement', 'special', 'unannounced', 'look_back', 'self_check_review']);

const FIELDS: Readonly<Record<string, MessageKey>> = {
  verdict: 'changes.field.verdict',
  finding: 'changes.field.finding',
  severity: 'changes.field.severity',
  scope: 'changes.field.scope',
  na_reason: 'changes.field.naReason',
  added_by_hand: 'changes.field.addedByHand',
  amendment: 'changes.field.amendment',
  attached: 'changes.field.attached',
  detached: 'changes.field.detached',
  text: 'changes.field.suggestion',
  created: 'changes.field.created',
  status: 'changes.field.status',
};

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** What was changed: an item's code, the inspection itself, or a suggestion. */
export function changeWhat(c: Change): string {
  const parts = c.entity_id.split('/');
  if ((c.entity === 'inspection_item' || c.entity === 'evidence') && parts[1] && parts[1] !== '-') return parts[1];
  if (c.entity === 'suggestion') return t('changes.entity.suggestion');
  if (c.entity === 'evidence') return t('changes.entity.inspection');
  if (c.entity === 'inspection') return t('changes.entity.inspection');
  return c.entity;
}

export function changeField(c: Change): string {
  return has(FIELDS, c.field) ? t(FIELDS[c.field]) : c.field;
}

export function changeValue(c: Change, value: string): string {
  return fieldValue(c.field, value);
}

/** A stored value of `field` in words (the slugs of verdicts, severities, scopes and statuses). */
export function fieldValue(field: string, value: string): string {
  switch (field) {
    case 'verdict':
      return has(STORED_VERDICTS, value) ? verdictLabel(STORED_VERDICTS[value]) : value;
    case 'severity':
      return SEVERITIES.has(value) ? severityLabel(value as Severity) : value;
    case 'scope':
      return SCOPES.has(value) ? scopeLabel(value as Scope) : value;
    case 'status':
      return value === 'draft' || value === 'signed' ? statusLabel(value) : value;
    case 'added_by_hand':
      return value === '1' ? t('changes.yes') : value;
    case 'attached':
    case 'detached':
      return value.slice(0, 12);
    case 'created': {
      const [kind, ...rest] = value.split(' ');
      return KINDS.has(kind) ? [inspectionKindLabel(kind as InspectionKind), ...rest].join(' ') : value;
    }
    default:
      return value;
  }
}
