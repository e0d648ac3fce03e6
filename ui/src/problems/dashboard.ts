// The dashboard's charts as ECharts options, built from the core's
// statistics; pure, so that the figures a bar shows and the list it opens
// are tested together (dashboard.test.ts).

import type { BreakdownRow } from '../bindings/BreakdownRow';
import type { Figure } from '../bindings/Figure';
import type { MonthCount } from '../bindings/MonthCount';

/** Series of a breakdown chart, in order; the index of a clicked series is the figure it opens. */
export const BAR_FIGURES: readonly Figure[] = ['problems', 'rectified', 'closed'];
const COLORS = ['#1f4e8c', '#e6a23c', '#3f8f3a'];

export interface SeriesNames {
  problems: string;
  rectified: string;
  closed: string;
}

/** Rows worth drawing: those with problems (counties without any would be empty bars). */
export function drawnRows(rows: readonly BreakdownRow[]): BreakdownRow[] {
  return rows.filter((r) => r.figures.problems > 0);
}

const TEXT = { fontFamily: 'Noto Sans SC, sans-serif', fontSize: 13 };

export function breakdownOption(rows: readonly BreakdownRow[], names: SeriesNames, horizontal = false) {
  const labels = rows.map((r) => r.label);
  const category = { type: 'category', data: labels, axisLabel: { ...TEXT, interval: 0, width: horizontal ? 190 : 84, overflow: horizontal ? 'truncate' : 'break' } };
  const value = { type: 'value', minInterval: 1, axisLabel: TEXT };
  return {
    textStyle: TEXT,
    color: COLORS,
    animation: false,
    tooltip: { trigger: 'axis', renderMode: 'richText', axisPointer: { type: 'shadow' } },
    legend: { top: 0, textStyle: TEXT },
    grid: { left: 12, right: horizontal ? 36 : 16, top: 32, bottom: 8, containLabel: true },
    xAxis: horizontal ? value : category,
    yAxis: horizontal ? { ...category, inverse: true } : value,
    series: BAR_FIGURES.map((f) => ({
      name: names[f as keyof SeriesNames],
      type: 'bar',
      data: rows.map((r) => r.figures[f as 'problems' | 'rectified' | 'closed']),
      barMaxWidth: 26,
      cursor: 'pointer',
      label: f === 'problems' ? { show: true, position: horizontal ? 'right' : 'top', fontSize: 12 } : undefined,
    })),
  };
}

export function trendOption(months: readonly MonthCount[], name: string) {
  return {
    textStyle: TEXT,
    color: ['#3f8f3a'],
    animation: false,
    tooltip: { trigger: 'axis', renderMode: 'richText' },
    grid: { left: 12, right: 16, top: 24, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: months.map((m) => m.month), axisLabel: TEXT },
    yAxis: { type: 'value', minInterval: 1, axisLabel: TEXT },
    series: [
      {
        name,
        type: 'bar',
        data: months.map((m) => m.closed),
        barMaxWidth: 36,
        label: { show: true, position: 'top', fontSize: 12 },
        cursor: 'pointer',
      },
    ],
  };
}
