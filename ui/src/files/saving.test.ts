import { describe, expect, it } from 'vitest';

import { useSaving } from './saving';

describe('useSaving', () => {
  it('holds the file written, and is busy only while writing', async () => {
    const s = useSaving();
    let release!: () => void;
    const pending = s.save(
      () => new Promise((ok) => (release = () => ok({ path: '/x/问题清单-20241120-153000.xlsx', pages: null, rows: 3 }))),
    );
    expect(s.saving.value).toBe(true);
    release();
    await pending;
    expect(s.saving.value).toBe(false);
    expect(s.saved.value?.rows).toBe(3);
    expect(s.error.value).toBeNull();
  });

  it('holds the refusal instead, and a new save clears the old answer', async () => {
    const s = useSaving();
    await s.save(async () => ({ path: '/x/a.pdf', pages: 2, rows: null }));
    await s.save(() => Promise.reject({ code: 'not_found', message: '找不到检查：x', problems: [] }));
    expect(s.saved.value).toBeNull();
    expect(s.error.value?.code).toBe('not_found');
    s.clear();
    expect(s.error.value).toBeNull();
  });
});
