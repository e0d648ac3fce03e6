import { describe, expect, it } from 'vitest';

import type { BreakdownRow } from '../bindings/BreakdownRow';
import type { Figures } from '../bindings/Figures';
import { BAR_FIGURES, breakdownOption, drawnRows, trendOption } from './dashboard';

const figures = (problems: number, rectified: number, closed: number): Figures => ({
  problems,
  suggestions: 0,
  rectified,
  closed,
  overdue: 0,
  rectification_rate: problems ? rectified / problems : null,
  closeout_rate: problems ? closed / problems : null,
  median_days_to_close: null,
});

const rows: BreakdownRow[] = [
  { key: '汝阳县', label: '汝阳县', figures: figures(289, 56, 40) },
  { key: '西工区', label: '西工区', figures: figures(0, 0, 0) },
  { key: '', label: '（未归属）', figures: figures(3, 1, 0) },
];

describe('breakdown chart', () => {
  it('draws only rows with problems, keeping their order', () => {
    expect(drawnRows(rows).map((r) => r.label)).toEqual(['汝阳县', '（未归属）']);
  });

  it('has one series per figure, in the order a click maps back to', () => {
    const o = breakdownOption(drawnRows(rows), { problems: '问题', rectified: '已整改', closed: '已销号' });
    expect(o.series.map((s) => s.name)).toEqual(['问题', '已整改', '已销号']);
    expect(o.series.map((s) => s.data)).toEqual([
      [289, 3],
      [56, 1],
      [40, 0],
    ]);
    expect(BAR_FIGURES).toEqual(['problems', 'rectified', 'closed']);
    // The HTML tooltip carries inline styles the CSP refuses.
    expect(o.tooltip.renderMode).toBe('richText');
  });
});

describe('trend chart', () => {
  it('plots every month given, zeros included', () => {
    const o = trendOption(
      [
        { month: '2024-05', closed: 2 },
        { month: '2024-06', closed: 0 },
        { month: '2024-07', closed: 5 },
      ],
      '销号',
    );
    expect(o.xAxis.data).toEqual(['2024-05', '2024-06', '2024-07']);
    expect(o.series[0].data).toEqual([2, 0, 5]);
    expect(o.tooltip.renderMode).toBe('richText');
  });
});
