// Dates and numbers as a Chinese official writes them (2024年5月20日 09:00,
// 12,345), and their English counterparts. Times arrive as RFC 3339 UTC and
// are shown in the machine's local time. Written by hand rather than with
// Intl so that every webview prints the same thing.

import type { Lang } from './i18n';

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number) => String(n).padStart(2, '0');

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** 2024年5月20日 09:00 / 20 May 2024, 09:00; what cannot be read is shown as it came. */
export function formatDateTime(iso: string | null | undefined, lang: Lang): string {
  const d = parse(iso);
  if (!d) return iso ? iso : '—';
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return `${formatDay(d, lang)}${lang === 'zh' ? ' ' : ', '}${time}`;
}

/**
 * A calendar day as stored (YYYY-MM-DD, no time zone: the day of the
 * inspection where it took place): 2024年5月20日 / 20 May 2024.
 */
export function formatDate(ymd: string | null | undefined, lang: Lang): string {
  const m = ymd ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd) : null;
  if (!m) return ymd ? ymd : '—';
  return formatDay(new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])), lang);
}

function formatDay(d: Date, lang: Lang): string {
  return lang === 'zh'
    ? `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`
    : `${d.getDate()} ${EN_MONTHS[d.getMonth()]} ${d.getFullYear()}`;
}

/**
 * Whole numbers with a comma every three digits from five digits on (2598,
 * 12,345), as GB/T 15835 allows; a missing value is a dash.
 */
export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const sign = n < 0 ? '-' : '';
  const [int, frac] = Math.abs(n).toString().split('.');
  const grouped = int.length >= 5 ? int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : int;
  return sign + grouped + (frac ? `.${frac}` : '');
}

/** ★★★ for a 1–5 star rating; `null` when unrated or out of range. */
export function formatStars(level: number | null | undefined): string | null {
  if (level === null || level === undefined || !Number.isInteger(level) || level < 1 || level > 5) return null;
  return '★'.repeat(level);
}
