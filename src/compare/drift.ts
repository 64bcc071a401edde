/**
 * Drift over time (the nightly mode): each metric's history as a series of per-run medians, in
 * time order, scanned for change points; a metric is flagged when its latest change point made it
 * worse by more than its threshold. Pure.
 */
import type { Direction, Results } from '../results/schema.js';
import {
  detectChangePoints,
  type ChangePoint,
  type ChangePointOptions,
} from '../stats/changePoint.js';
import { describe } from '../stats/describe.js';
import { metricKey } from './compare.js';
import { resolvePolicy, thresholdFor, type ComparePolicy } from './policy.js';

export interface SeriesPoint {
  commit?: string;
  createdAt: string;
  /** Median of the run's trials. */
  value: number;
}

export interface MetricSeries {
  key: string;
  suite: string;
  metric: string;
  unit: string;
  direction: Direction;
  /** Oldest first. */
  points: SeriesPoint[];
}

export interface Drift {
  series: MetricSeries;
  changePoint: ChangePoint;
  /** The last run before the change and the first run after it: the commits to bisect between. */
  lastGood: SeriesPoint;
  firstBad: SeriesPoint;
}

/** One series per metric across runs, oldest first; informational metrics describe runs, not code. */
export function metricSeries(history: readonly Results[]): MetricSeries[] {
  const byKey = new Map<string, MetricSeries>();
  const runs = [...history].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  for (const run of runs) {
    for (const suite of run.suites) {
      for (const metric of suite.metrics) {
        if (metric.samples.length === 0 || metric.informational || metric.direction === 'target')
          continue;
        const key = metricKey(suite.name, suite.variant, metric.name);
        const series = byKey.get(key) ?? {
          key,
          suite: suite.name,
          metric: metric.name,
          unit: metric.unit,
          direction: metric.direction,
          points: [],
        };
        byKey.set(key, series);
        series.points.push({
          ...(run.commit ? { commit: run.commit } : {}),
          createdAt: run.createdAt,
          value: describe(metric.samples).median,
        });
      }
    }
  }
  return [...byKey.values()];
}

function isWorse(direction: Direction, relativeChange: number): boolean {
  return direction === 'lower' ? relativeChange > 0 : relativeChange < 0;
}

/** Metrics whose most recent change point is a regression beyond their threshold. */
export function findDrift(
  series: readonly MetricSeries[],
  options: { policy?: Partial<ComparePolicy>; changePoints?: ChangePointOptions } = {},
): Drift[] {
  const policy = resolvePolicy(options.policy);
  return series.flatMap((s) => {
    const latest = detectChangePoints(
      s.points.map((p) => p.value),
      options.changePoints,
    ).at(-1);
    if (!latest || !isWorse(s.direction, latest.relativeChange)) return [];
    if (Math.abs(latest.relativeChange) <= thresholdFor(policy, s.key)) return [];
    const lastGood = s.points[latest.index - 1];
    const firstBad = s.points[latest.index];
    return lastGood && firstBad ? [{ series: s, changePoint: latest, lastGood, firstBad }] : [];
  });
}
