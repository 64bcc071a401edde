/**
 * What one measured point is worth: its objective (samples and median, one value per trial), its
 * change against the reference setting measured beside it in the same run (what ranks it), and
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
  /**
   * The reference setting (the sweep's baseline knobs), measured in the same run with trials
   * interleaved: trial k of both ran in the same ABBA block. Absent for the reference itself.
   */
  reference?: Results;
}

export interface ObjectiveValue {
  /** The metric key, or `weighted score` for weights. */
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  /** One value per trial, as measured. */
  samples: number[];
  median: number;
  /**
   * One value per trial relative to the reference of the same run, oriented so that higher is
   * better (1.10 = 10 % better): drift of the machine between runs cancels out, so these are
   * what points are ranked and tied on. The reference's own are its trials over their median.
   */
  paired: number[];
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
    throw new InputError(`'${glob}' matches no metric (metrics: ${known.join(', ') || 'none'})`, {
      field: role,
    });
  }
  if (found.length > 1) {
    throw new InputError(
      `'${glob}' matches ${found.length} metrics (${found.map((f) => f.key).join(', ')}): name one, or use weights`,
      { field: role },
    );
  }
  return first;
}

/**
 * Each trial against the reference trial of its block (`reference` holds the same number of
 * trials, or is absent for the reference point, which is compared with its own median).
 */
function fromSamples(
  label: string,
  unit: string,
  better: ObjectiveValue['better'],
  samples: number[],
  reference?: readonly number[],
): ObjectiveValue {
  const median = describe(samples).median;
  const against = (k: number) => reference?.[k] ?? median;
  const trials = reference ? Math.min(samples.length, reference.length) : samples.length;
  const paired = samples
    .slice(0, trials)
    .map((value, k) => (better === 'higher' ? value / against(k) : against(k) / value));
  return { label, unit, better, samples, median, paired };
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
          { field: 'sweep.objective.weights' },
        );
      }
      const reference = describe(single(baseline, key, 'sweep.baseline').metric.samples).median;
      const ratio = (value: number) =>
        metric.direction === 'higher' ? value / reference : reference / value;
      if (reference === 0 || (metric.direction === 'lower' && metric.samples.includes(0))) {
        throw new InputError(
          `${key} is 0 at a point, so it has no ratio to the baseline: bound it with a constraint instead`,
          { field: 'sweep.objective.weights' },
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
  // Already relative to the reference: 1 is the reference's median.
  return { ...fromSamples('weighted score', '×', 'higher', samples), paired: samples };
}

/** `reference`: the same-run reference's results; absent for the reference point itself. */
function objectiveOf(
  results: Results,
  reference: Results | undefined,
  objective: SweepObjective,
): ObjectiveValue {
  if ('weights' in objective)
    return weightedScore(results, reference ?? results, objective.weights);
  const [glob, better] =
    'maximize' in objective
      ? [objective.maximize, 'higher' as const]
      : [objective.minimize, 'lower' as const];
  const { key, metric } = single(results, glob, 'sweep.objective');
  const paired = reference && single(reference, key, 'sweep.baseline').metric.samples;
  return fromSamples(key, metric.unit, better, metric.samples, paired);
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

export function evaluatePoint(point: MeasuredPoint, sweep: Sweep): Evaluation {
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
    objective: objectiveOf(results, point.reference, sweep.objective),
    checks,
    failures,
    feasible: failures.length === 0,
    ...(cost ? { cost } : {}),
  };
}

/**
 * The objective relative to the reference measured in the same run, higher is better (1 = as
 * good as the reference): what strategies and rankings compare.
 */
export function score(evaluation: Pick<Evaluation, 'objective'>): number {
  return describe(evaluation.objective.paired).median;
}
