import { describe, expect, it } from 'vitest';

// Every source file of the UI, as text (tests excluded).
const sources = import.meta.glob<string>(['./**/*.ts', './**/*.vue', '!./**/*.test.ts', '!./bindings/**'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

describe('imports that break under a frozen Object.prototype', () => {
  it('recognises such an import', () => {
    const value = /^\s*import\s(?!type\s)[^;]*?from\s+['"]element-plus['"]/m;
    expect("import { ElTag } from 'element-plus';").toMatch(value);
    expect("import type { TagProps } from 'element-plus';").not.toMatch(value);
    expect("import { ElTag } from 'element-plus/es/components/tag/index.mjs';").not.toMatch(value);
  });

  it('finds the sources', () => {
    expect(Object.keys(sources)).toContain('./element.ts');
    expect(Object.keys(sources)).toContain('./views/CatalogView.vue');
  });

  it.each(Object.entries(sources))('%s imports neither the element-plus entry nor dayjs', (_file, text) => {
    for (const pkg of ['element-plus', 'dayjs']) {
      const value = new RegExp(`^\\s*import\\s(?!type\\s)[^;]*?from\\s+['"]${pkg}['"]`, 'm');
      const bare = new RegExp(`^\\s*import\\s+['"]${pkg}['"]`, 'm');
      expect(text, pkg).not.toMatch(value);
      expect(text, pkg).not.toMatch(bare);
    }
  });
});
