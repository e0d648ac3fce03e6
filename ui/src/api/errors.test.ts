import { describe, expect, it } from 'vitest';

import { ACTIONS, ERRORS, normaliseError, problemText } from './errors';

const CODES = ['invalid_input', 'not_found', 'database_damaged', 'database', 'io', 'untrusted_device', 'internal'] as const;

describe('normaliseError', () => {
  it.each(CODES)('keeps the code %s and its message', (code) => {
    const e = normaliseError({ code, message: '消息', problems: [] });
    expect(e).toEqual({ code, message: '消息', problems: [] });
  });

  it('has a presentation and an action sentence for every code, and no more', () => {
    expect(Object.keys(ERRORS).sort()).toEqual([...CODES].sort());
    for (const code of CODES) {
      const p = ERRORS[code];
      expect(p.zh, code).not.toBe('');
      expect(p.en, code).not.toBe('');
      expect(ACTIONS[p.action], `${code} → ${p.action}`).toBeDefined();
    }
  });

  it('keeps the problems of invalid input, filling what is missing', () => {
    const e = normaliseError({
      code: 'invalid_input',
      message: '发现 2 处问题',
      problems: [
        { file: 'a.xlsx', sheet: '衡量标准', row: 12, column: 'C', field: '依据', message_zh: '不能为空', message_en: 'must not be empty' },
        { message_zh: '编号重复' },
        'not a problem',
        { file: 'no message' },
      ],
    });
    expect(e.code).toBe('invalid_input');
    expect(e.problems).toEqual([
      { file: 'a.xlsx', sheet: '衡量标准', row: 12, column: 'C', field: '依据', message_zh: '不能为空', message_en: 'must not be empty' },
      { file: null, sheet: null, row: null, column: null, field: null, message_zh: '编号重复', message_en: '编号重复' },
    ]);
  });

  it('gives no problems when the field is not a list', () => {
    expect(normaliseError({ code: 'io', message: 'x', problems: 'oops' }).problems).toEqual([]);
    expect(normaliseError({ code: 'io', message: 'x' }).problems).toEqual([]);
  });

  it('turns an unknown code into internal, keeping the message', () => {
    expect(normaliseError({ code: 'teapot', message: '壶' })).toEqual({ code: 'internal', message: '壶', problems: [] });
  });

  it('does not take inherited names for codes', () => {
    expect(normaliseError({ code: 'toString', message: 'm' }).code).toBe('internal');
    expect(normaliseError({ code: 'constructor', message: 'm' }).code).toBe('internal');
  });

  it('turns the bare string of an unknown command into internal', () => {
    expect(normaliseError('command catalog_itemz not found')).toEqual({
      code: 'internal',
      message: 'command catalog_itemz not found',
      problems: [],
    });
  });

  it('turns a thrown Error into internal', () => {
    const e = normaliseError(new TypeError("Cannot read properties of undefined (reading 'invoke')"));
    expect(e.code).toBe('internal');
    expect(e.message).toContain('invoke');
  });

  it.each([null, undefined, 42, true])('turns %s into internal', (raw) => {
    const e = normaliseError(raw);
    expect(e.code).toBe('internal');
    expect(e.problems).toEqual([]);
    expect(e.message).not.toBe('');
  });

  it('describes an object without a message', () => {
    expect(normaliseError({ what: 1 })).toEqual({ code: 'internal', message: '{"what":1}', problems: [] });
  });

  it('is idempotent', () => {
    const once = normaliseError({ code: 'not_found', message: '找不到机构：x', problems: [] });
    expect(normaliseError(once)).toEqual(once);
  });
});

describe('problemText', () => {
  const p = { file: 'a.xlsx', sheet: '衡量标准', row: 12, column: 'C', field: '依据', message_zh: '不能为空', message_en: 'must not be empty' };

  it('names the place in Chinese as the core does', () => {
    expect(problemText(p, 'zh')).toBe('文件 a.xlsx，工作表“衡量标准”，第 12 行，C 列（依据）：不能为空');
  });

  it('names the place in English', () => {
    expect(problemText(p, 'en')).toBe("a.xlsx, sheet '衡量标准', row 12, column C (依据): must not be empty");
  });

  it('is just the reason when there is no place', () => {
    const bare = { file: null, sheet: null, row: null, column: null, field: null, message_zh: '不能为空', message_en: 'must not be empty' };
    expect(problemText(bare, 'zh')).toBe('不能为空');
    expect(problemText({ ...bare, field: '名称' }, 'zh')).toBe('“名称”：不能为空');
  });
});
