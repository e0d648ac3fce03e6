// The form of 新增问题 as the core takes it: only what was filled in, so that
// the core derives the rest (category from the item's group, the county and
// department from the target, today as the date found).

import type { NewProblem } from '../bindings/NewProblem';
import type { Severity } from '../bindings/Severity';
import type { Source } from '../bindings/Source';

export interface NewProblemForm {
  source: Source;
  target_name: string;
  county: string;
  item_code: string;
  category: string;
  description: string;
  severity: Severity;
  found_on: string;
  group: string;
  responsible_unit: string;
}

export function toNewProblem(f: NewProblemForm): NewProblem {
  const p: NewProblem = {
    target_name: f.target_name.trim(),
    category: f.category.trim(),
    description: f.description.trim(),
    severity: f.severity,
    source: f.source,
    group: f.group.trim(),
    responsible_unit: f.responsible_unit.trim(),
  };
  if (f.county) p.county = f.county;
  if (f.item_code.trim()) p.item_code = f.item_code.trim().toUpperCase();
  if (f.found_on.trim()) p.found_on = f.found_on.trim();
  return p;
}
