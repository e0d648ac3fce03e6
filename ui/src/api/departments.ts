// 责任清单: departments with their duties, each linked to catalog item codes.

import type { Department } from '../bindings/Department';
import { invoke } from './invoke';

export function departmentList(): Promise<Department[]> {
  return invoke<Department[]>('department_list');
}
