/**
 * Drift over time (the nightly mode): each metric's history as a series of per-run medians, in
 * time order, scanned for change points; a metric is flagged when its latest change point made it
 * worse by more than its threshold (moved the wrong way, or farther from its target), as the PR
 * gate judges a shift. Pure.
 */
import type { Direction, Results } from '../results/schema.js';
import {
  detectChangePoints,
  type ChangePoint,
  type ChangePointOptions,
} from '../stats/changePoint.js';
import { describe } from '../stats/describe.js';
import { metricKey, worsening } from './compare.js';
import { resolvePolicy, thresholdFor, type ComparePolicy } from './policy.js';

export interface SeriesPoint {
  commit?: string;
  createdAt: string;
  /** Median of the run's trials. */
  value: number;
  /** Quartiles of the run's trials (as recorded before compaction, when compacted). */
  q1: number;
  q3: number;
  /** Index of the run in the history given to metricSeries. */
  run: number;
}

export interface MetricSeries {
  key: string;
  suite: string;
  metric: string;
  unit: string;
  direction: Direction;
  /** The value a `target` metric should approach, as its newest run states it. */
  target?: number;
  /** A context metric (host load, generator CPU): it describes the runs, so it is never judged. */
  informational: boolean;
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

/**
 * One series per metric across runs, oldest first. Context metrics describe the runs rather than
 * the code: only a chart asks for them (`context: true`), and nothing judges their change points.
 */
export function metricSeries(
  history: readonly Results[],
  options: { context?: boolean } = {},
): MetricSeries[] {
  const byKey = new Map<string, MetricSeries>();
  const order = history
    .map((_, index) => index)
    .sort((a, b) => Date.parse(history[a]!.createdAt) - Date.parse(history[b]!.createdAt));
  for (const index of order) {
    const run = history[index]!;
    for (const suite of run.suites) {
      for (const metric of suite.metrics) {
        const informational = metric.informational === true;
        if (metric.samples.length === 0 || (informational && !options.context)) continue;
        const key = metricKey(suite.name, suite.variant, metric.name);
        const series = byKey.get(key) ?? {
          key,
          suite: suite.name,
          metric: metric.name,
          unit: metric.unit,
          direction: metric.direction,
          informational,
          points: [],
        };
        if (metric.target !== undefined) series.target = metric.target;
        byKey.set(key, series);
        const summary = describe(metric.samples);
        series.points.push({
          ...(run.commit ? { commit: run.commit } : {}),
          createdAt: run.createdAt,
          value: summary.median,
          q1: metric.compacted?.q1 ?? summary.q1,
          q3: metric.compacted?.q3 ?? summary.q3,
          run: index,
        });
      }
    }
  }
  return [...byKey.values()];
}

/** What a change point did to a metric: a regression or improvement beyond its threshold, or a shift within it. */
export type ChangeKind = 'regression' | 'improvement' | 'within';

export function changeKind(
  series: Pick<MetricSeries, 'key' | 'direction' | 'target'>,
  changePoint: ChangePoint,
  policy: ComparePolicy,
): ChangeKind {
  if (Math.abs(changePoint.relativeChange) <= thresholdFor(policy, series.key)) return 'within';
  const worse = worsening(series, changePoint.before, changePoint.after - changePoint.before);
  if (worse === 0) return 'within';
  return worse > 0 ? 'regression' : 'improvement';
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
    if (!latest || changeKind(s, latest, policy) !== 'regression') return [];
    const lastGood = s.points[latest.index - 1];
    const firstBad = s.points[latest.index];
    return lastGood && firstBad ? [{ series: s, changePoint: latest, lastGood, firstBad }] : [];
  });
}
