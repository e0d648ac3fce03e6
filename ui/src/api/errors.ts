// Every rejected command reaches the UI as an `IpcError`; this module turns
// whatever the shell rejected with into one, and holds the single table that
// says how each error code is shown. It leaves the wording of the details to
// the core: `message` arrives already written for the user.

import type { ErrorCode } from '../bindings/ErrorCode';
import type { IpcError } from '../bindings/IpcError';
import type { Problem } from '../bindings/Problem';
import type { Lang } from '../i18n';

export type ErrorSeverity = 'warning' | 'error';

/** What the user can do about an error; each has its sentence in `ACTIONS`. */
export type ErrorAction =
  | 'fix_input'
  | 'refresh'
  | 'restore_backup'
  | 'retry'
  | 'check_file'
  | 'report'
  | 'compare_fingerprint';

export interface ErrorPresentation {
  severity: ErrorSeverity;
  zh: string;
  en: string;
  action: ErrorAction;
}

export const ERRORS: Readonly<Record<ErrorCode, ErrorPresentation>> = {
  invalid_input: {
    severity: 'warning',
    zh: '输入内容有误，未写入任何数据',
    en: 'The input was refused; nothing was saved',
    action: 'fix_input',
  },
  not_found: {
    severity: 'warning',
    zh: '未找到相应记录',
    en: 'The record was not found',
    action: 'refresh',
  },
  database_damaged: {
    severity: 'error',
    zh: '数据库文件已损坏或版本不符，无法打开',
    en: 'The database file is damaged or of another version and cannot be opened',
    action: 'restore_backup',
  },
  database: {
    severity: 'error',
    zh: '读写数据库时出错',
    en: 'The database could not be read or written',
    action: 'retry',
  },
  io: {
    severity: 'error',
    zh: '无法读写文件',
    en: 'A file could not be read or written',
    action: 'check_file',
  },
  untrusted_device: {
    severity: 'warning',
    zh: '同步文件来自尚未信任的设备，未导入',
    en: 'The sync file comes from a device not trusted yet; nothing was imported',
    action: 'compare_fingerprint',
  },
  internal: {
    severity: 'error',
    zh: '程序内部错误',
    en: 'Internal error',
    action: 'report',
  },
};

export const ACTIONS: Readonly<Record<ErrorAction, { zh: string; en: string }>> = {
  fix_input: { zh: '请按提示修改后重试。', en: 'Correct the places listed and try again.' },
  refresh: {
    zh: '该记录可能已被删除或尚未导入，请刷新后重试。',
    en: 'It may have been removed or not imported yet; reload and try again.',
  },
  restore_backup: {
    zh: '请关闭程序，从备份恢复数据库文件；若提示版本过新，请升级程序后再打开。',
    en: 'Close the program and restore the database file from a backup; if it was written by a newer version, upgrade the program first.',
  },
  retry: {
    zh: '请稍后重试；如反复出现，请联系技术支持。',
    en: 'Try again in a moment; if it keeps happening, contact support.',
  },
  check_file: {
    zh: '请检查文件是否存在、是否有读写权限以及磁盘空间是否充足。',
    en: 'Check that the file exists, that you may read and write it, and that the disk has space.',
  },
  compare_fingerprint: {
    zh: '请与对方核对设备指纹，确认一致后在“同步”页选择信任该设备再导入。',
    en: "Compare the device's fingerprint with its owner; if it matches, trust the device on the Sync page and import again.",
  },
  report: {
    zh: '请重新启动程序；如问题仍在，请将本提示截图后报技术支持。',
    en: 'Restart the program; if the problem remains, send a screenshot of this message to support.',
  },
};

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERRORS, code);
}

/**
 * Turns anything a rejected `invoke` may carry into an `IpcError`. The shell
 * rejects with an `IpcError` object for errors of the core, but with a bare
 * string when a command or an argument is unknown to it, and the webview
 * throws an `Error` when there is no shell at all: those become `internal`.
 */
export function normaliseError(raw: unknown): IpcError {
  if (raw !== null && typeof raw === 'object' && !(raw instanceof Error)) {
    const obj = raw as Record<string, unknown>;
    const message = typeof obj.message === 'string' ? obj.message : '';
    if (isErrorCode(obj.code)) {
      return { code: obj.code, message, problems: normaliseProblems(obj.problems) };
    }
    return { code: 'internal', message: message || describe(raw), problems: [] };
  }
  if (raw instanceof Error) {
    return { code: 'internal', message: raw.message || raw.name, problems: [] };
  }
  if (typeof raw === 'string') {
    return { code: 'internal', message: raw, problems: [] };
  }
  return { code: 'internal', message: describe(raw), problems: [] };
}

function normaliseProblems(raw: unknown): Problem[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((p): Problem[] => {
    if (p === null || typeof p !== 'object') return [];
    const o = p as Record<string, unknown>;
    const zh = str(o.message_zh);
    const en = str(o.message_en);
    if (zh === null && en === null) return [];
    return [
      {
        file: str(o.file),
        sheet: str(o.sheet),
        row: typeof o.row === 'number' && Number.isFinite(o.row) ? o.row : null,
        column: str(o.column),
        field: str(o.field),
        message_zh: zh ?? en ?? '',
        message_en: en ?? zh ?? '',
      },
    ];
  });
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function describe(raw: unknown): string {
  if (raw === undefined) return 'undefined';
  try {
    return JSON.stringify(raw) ?? String(raw);
  } catch {
    return String(raw);
  }
}

/** "File a.xlsx, sheet …, row 12, column C (依据): must not be empty" in the UI's language. */
export function problemText(p: Problem, lang: Lang): string {
  const place: string[] = [];
  if (lang === 'zh') {
    if (p.file) place.push(`文件 ${p.file}`);
    if (p.sheet) place.push(`工作表“${p.sheet}”`);
    if (p.row !== null) place.push(`第 ${p.row} 行`);
    if (p.column && p.field) place.push(`${p.column} 列（${p.field}）`);
    else if (p.column) place.push(`${p.column} 列`);
    else if (p.field) place.push(`“${p.field}”`);
    return place.length ? `${place.join('，')}：${p.message_zh}` : p.message_zh;
  }
  if (p.file) place.push(p.file);
  if (p.sheet) place.push(`sheet '${p.sheet}'`);
  if (p.row !== null) place.push(`row ${p.row}`);
  if (p.column && p.field) place.push(`column ${p.column} (${p.field})`);
  else if (p.column) place.push(`column ${p.column}`);
  else if (p.field) place.push(`field '${p.field}'`);
  return place.length ? `${place.join(', ')}: ${p.message_en}` : p.message_en;
}
