import { afterEach, describe, expect, it } from 'vitest';

import { around, dictionaries, lang, parseLang, t, translate } from './index';
import { en } from './en';
import { zh } from './zh';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dictionaries', () => {
  it('gives English every key of Chinese and nothing else', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
  });

  it.each(['zh', 'en'] as const)('has no empty text in %s', (l) => {
    for (const [key, text] of Object.entries(dictionaries[l])) {
      expect(text.trim(), key).not.toBe('');
    }
  });

  it('uses the same placeholders in both languages', () => {
    for (const key of Object.keys(zh) as (keyof typeof zh)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(zh[key]));
    }
  });

  it('labels every member of the vocabularies', () => {
    const vocab = {
      itemKind: ['standard', 'indicator'],
      checkMethod: ['documents', 'site', 'interview', 'sampling'],
      severity: ['general', 'serious', 'major'],
      inspectionKind: ['law_enforcement', 'special', 'unannounced', 'look_back', 'self_check_review'],
      verdict: ['compliant', 'partial', 'noncompliant', 'not_applicable'],
      scope: ['individual', 'partial', 'widespread'],
      gap: ['unanswered', 'finding_missing', 'severity_missing', 'scope_missing', 'na_reason_missing'],
      inspectionStatus: ['draft', 'signed'],
      operatorType: ['public', 'public_private', 'private'],
      targetKind: [
        'elderly_care_institution',
        'destitute_support_home',
        'regional_center',
        'community_center',
        'village_mutual_aid',
        'small_group_care_point',
        'home_care_point',
        'medical_care_institution',
        'county_government',
        'department',
      ],
    };
    for (const [family, members] of Object.entries(vocab)) {
      for (const m of members) expect(zh, `${family}.${m}`).toHaveProperty([`${family}.${m}`]);
    }
  });

  it('writes Chinese texts with full-width punctuation', () => {
    for (const [key, text] of Object.entries(zh)) {
      expect(text, key).not.toMatch(/[\u4e00-\u9fff][,;:?!]|[,;:?!][\u4e00-\u9fff]/);
    }
  });
});

describe('the keys the UI asks for', () => {
  // Every literal key passed to t() or around() in a source file, and every key
  // a template literal can produce, must be in the dictionary; vue-tsc checks
  // the .ts files but not every template expression.
  const sources = import.meta.glob<string>(['../**/*.ts', '../**/*.vue', '!../**/*.test.ts', '!../bindings/**'], {
    query: '?raw',
    import: 'default',
    eager: true,
  });

  it.each(Object.entries(sources))('%s', (_file, text) => {
    for (const m of text.matchAll(/\b(?:t|around)\(\s*'([^']+)'/g)) {
      expect(zh, m[1]).toHaveProperty([m[1]]);
    }
    for (const m of text.matchAll(/\bt\(\s*`([a-zA-Z.]+)\$\{/g)) {
      const prefix = m[1];
      expect(Object.keys(zh).some((k) => k.startsWith(prefix)), prefix).toBe(true);
    }
  });
});

describe('t', () => {
  afterEach(() => {
    lang.value = 'zh';
  });

  it('speaks Chinese by default', () => {
    expect(t('nav.catalog')).toBe('内容清单');
  });

  it('follows the language', () => {
    lang.value = 'en';
    expect(t('nav.catalog')).toBe('Content list');
  });

  it('fills placeholders and leaves unknown ones', () => {
    expect(translate(zh, 'catalog.versionCounts', { s: 66, i: 51, g: 12 })).toBe('衡量标准 66 项，工作指标 51 项，共 12 个分类');
    expect(translate(zh, 'catalog.resultCount', {})).toBe('共 {n} 项');
  });

  it('splits a text around a placeholder', () => {
    expect(around('catalog.resultCount', 'n')).toEqual(['共 ', ' 项']);
    lang.value = 'en';
    expect(around('catalog.resultCount', 'n')).toEqual(['', ' items']);
  });

  it('reads only the known languages from storage', () => {
    expect(parseLang('en')).toBe('en');
    expect(parseLang('fr')).toBe('zh');
    expect(parseLang(null)).toBe('zh');
  });
});
