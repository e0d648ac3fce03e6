import { afterEach, describe, expect, it } from 'vitest';

import type { HistoryEntry } from '../bindings/HistoryEntry';
import { lang } from '../i18n';
import { count, fieldLabel, fileSize, historyValue, historyWhat, progressPercent, stageLabel, visibleHistory } from './view';

const entry = (over: Partial<HistoryEntry>): HistoryEntry => ({
  op_id: 'd:000000000001',
  at: '2024-05-20T01:00:00.000Z',
  device_id: 'd',
  device_name: '第一组笔记本',
  actor: '王志强',
  kind: 'set',
  field: 'verdict',
  old_value: null,
  new_value: 'noncompliant',
  bundle: null,
  ...over,
});

describe('the sync page in words', () => {
  afterEach(() => {
    lang.value = 'zh';
  });

  it('reads counts that arrive as numbers or bigints', () => {
    expect(count(3)).toBe(3);
    expect(count(BigInt(7))).toBe(7);
    expect(count(null)).toBe(0);
  });

  it('gives file sizes in bytes, KB and MB', () => {
    expect(fileSize(860)).toBe('860 字节');
    expect(fileSize(88_000)).toBe('86 KB');
    expect(fileSize(BigInt(5 * 1024 * 1024 + 300_000))).toBe('5.3 MB');
  });

  it('fills the bar half for reading and half for writing, and whole when done', () => {
    expect(progressPercent(null)).toBe(0);
    expect(progressPercent({ stage: 'reading', done: 50, total: 100 })).toBe(25);
    expect(progressPercent({ stage: 'writing', done: 50, total: 100 })).toBe(75);
    expect(progressPercent({ stage: 'writing', done: 0, total: 0 })).toBe(0);
    expect(progressPercent({ stage: 'done', done: 0, total: 0 })).toBe(100);
    expect(stageLabel(null)).toBe('正在校验文件');
    expect(stageLabel({ stage: 'writing', done: 0, total: 1 })).toBe('正在写入数据');
    expect(stageLabel({ stage: 'teapot', done: 0, total: 1 })).toBe('正在校验文件');
  });

  it('leaves the bookkeeping columns out of the trail', () => {
    const shown = visibleHistory([
      entry({ kind: 'insert', field: null }),
      entry({ field: 'updated_at' }),
      entry({ field: 'last_item_code' }),
      entry({ field: 'finding' }),
    ]);
    expect(shown.map((e) => e.field)).toEqual([null, 'finding']);
  });

  it('names fields and values as people say them', () => {
    expect(historyWhat(entry({ kind: 'insert', field: null }))).toBe('新建记录');
    expect(historyWhat(entry({ kind: 'delete', field: null }))).toBe('删除记录');
    expect(historyWhat(entry({}))).toBe('结论');
    expect(fieldLabel('deadline')).toBe('整改期限');
    expect(fieldLabel('some_new_column')).toBe('some_new_column');
    expect(historyValue('inspection_item', 'verdict', 'noncompliant')).toBe('不符合');
    expect(historyValue('inspection_item', 'verdict', 'na')).toBe('不适用');
    expect(historyValue('problem', 'status', 'closed')).toBe('已销号');
    expect(historyValue('inspection_item', 'finding', null)).toBe('—');
    expect(historyValue('inspection_item', 'verdict', ['compliant', 'partial'])).toBe('符合 | 基本符合');
    expect(historyValue('facility', 'beds', 60)).toBe('60');
    lang.value = 'en';
    expect(fileSize(12)).toBe('12 bytes');
    expect(historyWhat(entry({ kind: 'insert', field: null }))).toBe('Created');
  });
});
