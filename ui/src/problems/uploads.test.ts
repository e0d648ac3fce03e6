import { describe, expect, it } from 'vitest';

import { MAX_STEP_FILES, sortPicked } from './uploads';

describe('sortPicked', () => {
  it('keeps photos and PDFs, refuses other types, empty files and more than the limit', () => {
    const files = [
      { name: '整改前.jpg', size: 10 },
      { name: '台账.xlsx', size: 10 },
      { name: '空.png', size: 0 },
      { name: '通知.PDF', size: 10 },
    ];
    const { ok, refused } = sortPicked(0, files);
    expect(ok.map((f) => f.name)).toEqual(['整改前.jpg', '通知.PDF']);
    expect(refused).toEqual([
      { name: '台账.xlsx', problem: 'type' },
      { name: '空.png', problem: 'empty' },
    ]);
  });

  it('counts the files already picked against the limit', () => {
    const many = Array.from({ length: 3 }, (_, i) => ({ name: `p${i}.jpg`, size: 1 }));
    const { ok, refused } = sortPicked(MAX_STEP_FILES - 1, many);
    expect(ok).toHaveLength(1);
    expect(refused.map((r) => r.problem)).toEqual(['too_many', 'too_many']);
  });
});
