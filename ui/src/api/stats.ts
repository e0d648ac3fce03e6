// Campaign statistics for the dashboard (docs/ipc.md, section "Statistics").

import type { BreakdownRow } from '../bindings/BreakdownRow';
import type { Dimension } from '../bindings/Dimension';
import type { Figure } from '../bindings/Figure';
import type { Figures } from '../bindings/Figures';
import type { MonthCount } from '../bindings/MonthCount';
import type { ProblemRow } from '../bindings/ProblemRow';
import type { StatsFilter } from '../bindings/StatsFilter';
import { invoke } from './invoke';

export function statsTotals(filter: StatsFilter = {}): Promise<Figures> {
  return invoke<Figures>('stats_totals', { filter });
}

export function statsBreakdown(dimension: Dimension, filter: StatsFilter = {}): Promise<BreakdownRow[]> {
  return invoke<BreakdownRow[]>('stats_breakdown', { dimension, filter });
}

/** Close-outs per month, from the first month with one to the last (empty months as 0). */
export function statsClosures(filter: StatsFilter = {}): Promise<MonthCount[]> {
  return invoke<MonthCount[]>('stats_closures', { filter });
}

/** The problems behind one figure; their number is that figure. */
export function statsProblems(filter: StatsFilter, figure: Figure): Promise<ProblemRow[]> {
  return invoke<ProblemRow[]>('stats_problems', { filter, figure });
}
