/**
 * Current values against targets (the seed's "Performance Analysis Results"): per matching metric
 * the median, the target, the gap and the change that would meet it. Pure.
 */
import picomatch from 'picomatch';
import type { Results } from '../results/schema.js';
import { describe } from '../stats/describe.js';

export const COMPONENTS = ['api', 'gpu', 'database', 'cache', 'system'] as const;
export type Component = (typeof COMPONENTS)[number];

export interface TargetSpec {
  /** Glob on `<suite>/<metric>`. */
  metric: string;
  min?: number;
  max?: number;
  component: Component;
}

export type TargetStatus = 'met' | 'nearly met' | 'missed';

export interface TargetCheck {
  component: Component;
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

function check(value: number, spec: TargetSpec): Pick<TargetCheck, 'status' | 'gap' | 'potential'> {
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
    gap,
    potential: (bound - value) / Math.abs(value || 1),
  };
}

/** Every (metric, target) pair whose glob matches; a metric matched by several targets is checked against each. */
export function checkTargets(results: Results, targets: readonly TargetSpec[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const suite of results.suites) {
    for (const metric of suite.metrics) {
      if (metric.samples.length === 0) continue;
      const key = `${suite.name}/${metric.name}`;
      for (const spec of targets) {
        if (!picomatch.isMatch(key, spec.metric, { dot: true })) continue;
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

/** Targets no metric matched: usually a typo in the glob, worth saying. */
export function unmatchedTargets(results: Results, targets: readonly TargetSpec[]): TargetSpec[] {
  const keys = results.suites.flatMap((s) => s.metrics.map((m) => `${s.name}/${m.name}`));
  return targets.filter(
    (t) => !keys.some((key) => picomatch.isMatch(key, t.metric, { dot: true })),
  );
}
