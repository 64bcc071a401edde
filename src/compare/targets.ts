/**
 * Current values against targets (the seed's "Performance Analysis Results"): per matching metric
 * the median, the target, the gap and the change that would meet it. Pure.
 */
import type { Metric, Results, SuiteResult } from '../results/schema.js';
import { describe } from '../stats/describe.js';
import { matchesGlob } from '../config/glob.js';
import { COMPONENTS, type Target } from '../config/target.js';

export type TargetStatus = 'met' | 'nearly met' | 'missed';

export interface TargetCheck {
  component: Target['component'];
  suite: string;
  variant?: string;
  metric: string;
  unit: string;
  /** Median over the trials. */
  value: number;
  trials: number;
  min?: number;
  max?: number;
  status: TargetStatus;
  /** The bound missed (min or max), when not met. */
  bound?: number;
  /** How far past the bound, relative to it (0 when met). */
  gap: number;
  /**
   * The relative change of the metric that lands it exactly on the bound it misses, or that it
   * could give up while still meeting it (headroom, when met): the optimization potential.
   */
  potential: number;
}

/** Within this fraction of the bound a missed target counts as nearly met. */
export const NEARLY_MET_BAND = 0.05;

function check(
  value: number,
  spec: Target,
): Pick<TargetCheck, 'status' | 'bound' | 'gap' | 'potential'> {
  const bound =
    spec.max !== undefined && value > spec.max
      ? spec.max
      : spec.min !== undefined && value < spec.min
        ? spec.min
        : undefined;
  if (bound === undefined) {
    // Met: the slack to the nearer bound is the potential (how much worse it may get).
    const slacks = [spec.max, spec.min]
      .filter((b): b is number => b !== undefined)
      .map((b) => (b - value) / Math.abs(value || 1));
    const potential = slacks.reduce((a, b) => (Math.abs(b) < Math.abs(a) ? b : a), slacks[0] ?? 0);
    return { status: 'met', gap: 0, potential };
  }
  const gap = Math.abs(value - bound) / Math.abs(bound || 1);
  return {
    status: gap <= NEARLY_MET_BAND ? 'nearly met' : 'missed',
    bound,
    gap,
    potential: (bound - value) / Math.abs(value || 1),
  };
}

/** A metric with samples, with its `<suite>/<metric>` key and its suite. */
export interface MatchedMetric {
  key: string;
  suite: SuiteResult;
  metric: Metric;
}

/**
 * The metrics whose `<suite>/<metric>` key matches `glob`, in results order. A metric without
 * samples (every trial failed) has no value to check, so it matches nothing.
 */
export function matchingMetrics(results: Results, glob: string): MatchedMetric[] {
  return results.suites.flatMap((suite) =>
    suite.metrics
      .filter((metric) => metric.samples.length > 0)
      .map((metric) => ({ key: `${suite.name}/${metric.name}`, suite, metric }))
      .filter(({ key }) => matchesGlob(key, glob)),
  );
}

/** Every (metric, target) pair whose glob matches; a metric matched by several targets is checked against each. */
export function checkTargets(results: Results, targets: readonly Target[]): TargetCheck[] {
  const matched = targets.map(
    (spec) => new Set(matchingMetrics(results, spec.metric).map((m) => m.metric)),
  );
  const checks: TargetCheck[] = [];
  for (const suite of results.suites) {
    for (const metric of suite.metrics) {
      for (const [index, spec] of targets.entries()) {
        if (!matched[index]?.has(metric)) continue;
        const value = describe(metric.samples).median;
        checks.push({
          component: spec.component,
          suite: suite.name,
          ...(suite.variant ? { variant: suite.variant } : {}),
          metric: metric.name,
          unit: metric.unit,
          value,
          trials: metric.samples.length,
          ...(spec.min !== undefined ? { min: spec.min } : {}),
          ...(spec.max !== undefined ? { max: spec.max } : {}),
          ...check(value, spec),
        });
      }
    }
  }
  const order = (c: TargetCheck) => COMPONENTS.indexOf(c.component);
  return checks.sort((a, b) => order(a) - order(b));
}

/**
 * Targets no metric matched: usually a typo in the glob, worth saying. A target matching only
 * metrics without samples is one: checkTargets has nothing to check it against either.
 */
export function unmatchedTargets(results: Results, targets: readonly Target[]): Target[] {
  return targets.filter((t) => matchingMetrics(results, t.metric).length === 0);
}
