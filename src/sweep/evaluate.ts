/**
 * What one measured point is worth: its objective (samples and median, one value per trial) and
 * whether its medians meet the sweep's constraints. Pure.
 */
import {
  checkTargets,
  matchingMetrics,
  unmatchedTargets,
  type MatchedMetric,
  type TargetCheck,
} from '../compare/targets.js';
import type { Sweep, SweepObjective } from '../config/schema.js';
import { InputError } from '../errors.js';
import type { Results } from '../results/schema.js';
import { describe } from '../stats/describe.js';
import type { Point } from './space.js';

/** A point as measured and saved in the sweep file. */
export interface MeasuredPoint {
  knobs: Point;
  /** The variant its results carry (see variantName). */
  variant: string;
  results: Results;
}

export interface ObjectiveValue {
  /** The metric key, or `weighted score` for weights. */
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  /** One value per trial: what ties are tested on. */
  samples: number[];
  median: number;
}

/** A constraint a point misses: a check that is not met, or a glob that matches no metric. */
export interface ConstraintFailure {
  constraint: string;
  check?: TargetCheck;
  /** How far past the bound, relative to it; Infinity when nothing could be checked. */
  gap: number;
}

export interface Evaluation {
  point: MeasuredPoint;
  objective: ObjectiveValue;
  /** Every constraint check, met or not: the constraint columns of the report. */
  checks: TargetCheck[];
  failures: ConstraintFailure[];
  feasible: boolean;
  /** The cost axis of the Pareto front (lower is better), when the sweep has one. */
  cost?: Cost;
}

export interface Cost {
  label: string;
  unit: string;
  /** The metric's median. */
  median: number;
  /** The median oriented so that lower is better: what the front compares. */
  oriented: number;
}

/** The one metric a glob names; several would make "the best point" ambiguous. */
function single(results: Results, glob: string, role: string): MatchedMetric {
  const found = matchingMetrics(results, glob);
  const [first] = found;
  if (!first) {
    const known = matchingMetrics(results, '**').map((f) => f.key);
    throw new InputError(
      `'${glob}' matches no metric (metrics: ${known.join(', ') || 'none'})`,
      undefined,
      role,
    );
  }
  if (found.length > 1) {
    throw new InputError(
      `'${glob}' matches ${found.length} metrics (${found.map((f) => f.key).join(', ')}): name one, or use weights`,
      undefined,
      role,
    );
  }
  return first;
}

function fromSamples(
  label: string,
  unit: string,
  better: ObjectiveValue['better'],
  samples: number[],
): ObjectiveValue {
  return { label, unit, better, samples, median: describe(samples).median };
}

/**
 * Each weighted metric as its improvement ratio over the baseline point's median (throughput
 * ratio, inverted latency ratio), so metrics of any unit can be added: the score is the weighted
 * mean of those ratios per trial, 1 at the baseline and higher when better.
 */
function weightedScore(
  results: Results,
  baseline: Results,
  weights: Record<string, number>,
): ObjectiveValue {
  const terms = Object.entries(weights).flatMap(([glob, weight]) => {
    const found = matchingMetrics(results, glob);
    if (found.length === 0) single(results, glob, 'sweep.objective.weights');
    return found.map(({ key, metric }) => {
      if (metric.direction === 'target') {
        throw new InputError(
          `${key} has a target value, not a direction: bound it with a constraint instead`,
          undefined,
          'sweep.objective.weights',
        );
      }
      const reference = describe(single(baseline, key, 'sweep.baseline').metric.samples).median;
      const ratio = (value: number) =>
        metric.direction === 'higher' ? value / reference : reference / value;
      if (reference === 0 || (metric.direction === 'lower' && metric.samples.includes(0))) {
        throw new InputError(
          `${key} is 0 at a point, so it has no ratio to the baseline: bound it with a constraint instead`,
          undefined,
          'sweep.objective.weights',
        );
      }
      return { weight, ratios: metric.samples.map(ratio) };
    });
  });
  const total = terms.reduce((sum, t) => sum + t.weight, 0);
  // Trial k of every suite ran in the same round (plan.ts), so ratios combine per trial.
  const trials = Math.min(...terms.map((t) => t.ratios.length));
  const samples = Array.from({ length: trials }, (_, k) =>
    terms.reduce((sum, t) => sum + (t.weight * (t.ratios[k] ?? 0)) / total, 0),
  );
  return fromSamples('weighted score', '×', 'higher', samples);
}

function objectiveOf(
  results: Results,
  baseline: Results,
  objective: SweepObjective,
): ObjectiveValue {
  if ('weights' in objective) return weightedScore(results, baseline, objective.weights);
  const [glob, better] =
    'maximize' in objective
      ? [objective.maximize, 'higher' as const]
      : [objective.minimize, 'lower' as const];
  const { key, metric } = single(results, glob, 'sweep.objective');
  return fromSamples(key, metric.unit, better, metric.samples);
}

/** The constraint metric of the Pareto front: the first metric its glob matches. */
function costOf(results: Results, glob: string): Cost | undefined {
  const [first] = matchingMetrics(results, glob);
  if (!first) return undefined;
  const median = describe(first.metric.samples).median;
  return {
    label: first.key,
    unit: first.metric.unit,
    median,
    oriented: first.metric.direction === 'higher' ? -median : median,
  };
}

/** The Pareto front's cost axis: configured, else the first constraint's metric. */
function costGlob(sweep: Sweep): string | undefined {
  return sweep.paretoMetric ?? sweep.constraints[0]?.metric;
}

export function evaluatePoint(
  point: MeasuredPoint,
  baseline: MeasuredPoint,
  sweep: Sweep,
): Evaluation {
  const { results } = point;
  const checks = checkTargets(results, sweep.constraints);
  const failures: ConstraintFailure[] = [
    ...checks
      .filter((check) => check.status !== 'met')
      .map((check) => ({ constraint: `${check.suite}/${check.metric}`, check, gap: check.gap })),
    ...unmatchedTargets(results, sweep.constraints).map((spec) => ({
      constraint: spec.metric,
      gap: Infinity,
    })),
  ];
  const glob = costGlob(sweep);
  const cost = glob === undefined ? undefined : costOf(results, glob);
  return {
    point,
    objective: objectiveOf(results, baseline.results, sweep.objective),
    checks,
    failures,
    feasible: failures.length === 0,
    ...(cost ? { cost } : {}),
  };
}

/** The objective oriented so that higher is better: what strategies and rankings compare. */
export function score(evaluation: Pick<Evaluation, 'objective'>): number {
  const { median, better } = evaluation.objective;
  return better === 'higher' ? median : -median;
}
