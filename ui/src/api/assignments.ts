// 任务分配: which inspection group inspects which county/district, facility
// or department, with how far each got.

import type { AssignmentFilter } from '../bindings/AssignmentFilter';
import type { AssignmentRow } from '../bindings/AssignmentRow';
import type { NewAssignment } from '../bindings/NewAssignment';
import { invoke } from './invoke';

/** Assignments by group (第一组 first), county and target; empty filter fields are left out. */
export function assignmentList(filter: AssignmentFilter = {}): Promise<AssignmentRow[]> {
  const out: AssignmentFilter = {};
  const group = filter.group?.trim();
  if (group) out.group = group;
  if (filter.county) out.county = filter.county;
  return invoke<AssignmentRow[]>('assignment_list', { filter: out });
}

/** Every group name on record, from assignments and inspections. */
export function assignmentGroups(): Promise<string[]> {
  return invoke<string[]>('assignment_groups');
}

export function assignmentAdd(input: NewAssignment): Promise<AssignmentRow> {
  return invoke<AssignmentRow>('assignment_add', { input });
}

export function assignmentRemove(id: string): Promise<null> {
  return invoke<null>('assignment_remove', { id });
}
