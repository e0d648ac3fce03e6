import { describe, expect, it } from 'vitest';

import type { IpcError } from '../bindings/IpcError';
import type { Problem } from '../bindings/Problem';
import { translate } from '../i18n';
import { problemText } from '../api/errors';
import { zh } from '../i18n/zh';
import { labelFields } from './fields';

const problem = (field: string | null, message_zh: string, file: string | null = null): Problem => ({
  file,
  sheet: null,
  row: null,
  column: null,
  field,
  message_zh,
  message_en: message_zh,
});

describe('labelFields', () => {
  it('names the form field in Chinese and drops the place of a status refusal', () => {
    const err: IpcError = {
      code: 'invalid_input',
      message: '发现 3 处问题，未写入任何数据：',
      problems: [
        problem('by', '不能为空'),
        problem('status', '问题当前为“待整改”，不能报告整改完成，请先制定整改措施'),
        problem('files', '不是 JPG、PNG 或 PDF 文件', '整改.jpg'),
        problem('something_else', '原样'),
        problem('category', '不能为空'),
      ],
    };
    const shown = labelFields(err, (k) => translate(zh, k)).problems.map((p) => problemText(p, 'zh'));
    expect(shown).toEqual([
      '“核验人”：不能为空',
      '问题当前为“待整改”，不能报告整改完成，请先制定整改措施',
      '文件 整改.jpg，“佐证材料”：不是 JPG、PNG 或 PDF 文件',
      '“something_else”：原样',
      '“问题类别”：不能为空',
    ]);
  });
});
