import { describe, expect, it } from 'vitest';

import { formatDate, formatDateTime, formatNumber, formatStars } from './format';

// Built from local parts, so the tests hold in any time zone the machine has.
const local = (y: number, mo: number, d: number, h: number, mi: number) => new Date(y, mo - 1, d, h, mi).toISOString();

describe('formatDateTime', () => {
  it('writes the local time Chinese style', () => {
    expect(formatDateTime(local(2024, 5, 20, 9, 0), 'zh')).toBe('2024年5月20日 09:00');
    expect(formatDateTime(local(2024, 12, 1, 23, 7), 'zh')).toBe('2024年12月1日 23:07');
    expect(formatDateTime(local(2023, 1, 5, 0, 0), 'zh')).toBe('2023年1月5日 00:00');
  });

  it('writes the local time English style', () => {
    expect(formatDateTime(local(2024, 5, 20, 9, 0), 'en')).toBe('20 May 2024, 09:00');
  });

  it('converts UTC to local time', () => {
    const utc = '2024-05-20T01:00:00Z';
    const d = new Date(utc);
    const hh = String(d.getHours()).padStart(2, '0');
    expect(formatDateTime(utc, 'zh')).toBe(`${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 ${hh}:00`);
  });

  it('shows what it cannot read as it came, and nothing as a dash', () => {
    expect(formatDateTime('昨天', 'zh')).toBe('昨天');
    expect(formatDateTime('', 'zh')).toBe('—');
    expect(formatDateTime(null, 'en')).toBe('—');
  });
});

describe('formatNumber', () => {
  it.each([
    [0, '0'],
    [66, '66'],
    [2598, '2598'],
    [12345, '12,345'],
    [540000, '540,000'],
    [1234567, '1,234,567'],
    [-12345, '-12,345'],
    [16.8, '16.8'],
  ])('writes %s as %s', (n, want) => {
    expect(formatNumber(n)).toBe(want);
  });

  it('shows a missing value as a dash', () => {
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(undefined)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('—');
  });
});

describe('formatStars', () => {
  it('draws one star per level', () => {
    expect(formatStars(1)).toBe('★');
    expect(formatStars(3)).toBe('★★★');
    expect(formatStars(5)).toBe('★★★★★');
  });

  it('has nothing for unrated or impossible levels', () => {
    expect(formatStars(null)).toBeNull();
    expect(formatStars(0)).toBeNull();
    expect(formatStars(6)).toBeNull();
    expect(formatStars(2.5)).toBeNull();
  });
});

describe('formatDate', () => {
  it('writes a stored day as it is, whatever the time zone', () => {
    expect(formatDate('2024-05-20', 'zh')).toBe('2024年5月20日');
    expect(formatDate('2024-01-01', 'en')).toBe('1 Jan 2024');
  });

  it('shows what it cannot read as it came', () => {
    expect(formatDate('2024/5/20', 'zh')).toBe('2024/5/20');
    expect(formatDate(null, 'zh')).toBe('—');
  });
});
