import { describe, expect, it } from 'vitest';

import type { Change } from '../bindings/Change';
import { changeField, changeValue, changeWhat } from './changes';

const change = (over: Partial<Change>): Change => ({
  id: 'c1',
  at: '2024-06-01T02:00:00Z',
  device_id: 'dev',
  actor: '王建国',
  entity: 'inspection_item',
  entity_id: 'insp1/S12',
  field: 'verdict',
  old_value: null,
  new_value: 'na',
  ...over,
});

describe('the change log in words', () => {
  it('names the item of an item change and of an evidence change', () => {
    expect(changeWhat(change({}))).toBe('S12');
    expect(changeWhat(change({ entity: 'evidence', entity_id: 'insp1/S03/abcdef', field: 'attached' }))).toBe('S03');
    expect(changeWhat(change({ entity: 'inspection', entity_id: 'insp1', field: 'status' }))).toBe('检查');
    expect(changeWhat(change({ entity: 'suggestion', entity_id: 'insp1/s1', field: 'text' }))).toBe('意见建议');
  });

  it('reads stored slugs per field, partial as a verdict or as a scope', () => {
    expect(changeValue(change({}), 'na')).toBe('不适用');
    expect(changeValue(change({}), 'partial')).toBe('基本符合');
    expect(changeValue(change({ field: 'scope' }), 'partial')).toBe('部分');
    expect(changeValue(change({ field: 'severity' }), 'major')).toBe('重大隐患');
    expect(changeValue(change({ field: 'status' }), 'signed')).toBe('已签字');
    expect(changeValue(change({ field: 'created' }), 'look_back 汝阳县城关镇敬老院')).toBe('回头看 汝阳县城关镇敬老院');
  });

  it('shows what it does not know as it came', () => {
    expect(changeValue(change({}), 'maybe')).toBe('maybe');
    expect(changeField(change({ field: 'colour' }))).toBe('colour');
    expect(changeField(change({ field: 'finding' }))).toBe('问题描述');
    expect(changeWhat(change({ entity: 'other', entity_id: 'x' }))).toBe('other');
  });
});
