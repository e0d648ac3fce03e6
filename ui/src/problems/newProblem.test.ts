import { describe, expect, it } from 'vitest';

import { toNewProblem } from './newProblem';

describe('toNewProblem', () => {
  it('sends only what was filled in, trimmed, the item code upper-cased', () => {
    expect(
      toNewProblem({
        source: 'public_report',
        target_name: ' 城关镇敬老院 ',
        county: '',
        item_code: ' s07 ',
        category: '',
        description: '群众反映冬季供暖不足\n',
        severity: 'serious',
        found_on: '',
        group: '',
        responsible_unit: '',
      }),
    ).toEqual({
      source: 'public_report',
      target_name: '城关镇敬老院',
      item_code: 'S07',
      category: '',
      description: '群众反映冬季供暖不足',
      severity: 'serious',
      group: '',
      responsible_unit: '',
    });
  });

  it('keeps the county and the date when given', () => {
    const p = toNewProblem({
      source: 'deputy',
      target_name: '全市',
      county: '汝阳县',
      item_code: '',
      category: '规划和建设',
      description: '代表建议增加村级互助养老服务站',
      severity: 'general',
      found_on: '2026-11-02',
      group: '第三组',
      responsible_unit: '汝阳县民政局',
    });
    expect(p.county).toBe('汝阳县');
    expect(p.found_on).toBe('2026-11-02');
    expect(p.item_code).toBeUndefined();
  });
});
