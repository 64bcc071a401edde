/**
 * From the measured points of a sweep to its findings: every point evaluated, the feasible ones
 * ranked, the Pareto front, and the recommendation with its expected change against the baseline
 * (the comparison of `perfgate compare`) and the config's targets. Pure.
 */
import { compareResults } from '../compare/compare.js';
import type { Comparison } from '../compare/comparison.js';
import { checkTargets, type TargetCheck } from '../compare/targets.js';
import type { Config, Sweep } from '../config/schema.js';
import { InputError } from '../errors.js';
import type { Results } from '../results/schema.js';
import { selectVariant } from '../results/variant.js';
import { evaluatePoint, score, type Evaluation, type MeasuredPoint } from './evaluate.js';
import { paretoFront, rankPoints, type Ranking } from './rank.js';
import { knobNames, pointKey, pointLabel } from './space.js';

export interface Recommended {
  kind: 'set';
  best: Evaluation;
  /** Points statistically tied with the best (rank "=1"), or with the baseline when it is kept. */
  ties: Evaluation[];
  /** Knobs whose value differs from the baseline: [knob, baseline value, recommended value]. */
  changes: [string, string, string][];
  /** Baseline vs recommended; absent when the baseline is the best. */
  comparison?: Comparison;
  targets: TargetCheck[];
}

export interface NothingFeasible {
  kind: 'none';
  /** The point missing its constraints by the least; absent when nothing was measured. */
  closest?: Evaluation;
}

export interface SweepAnalysis {
  names: string[];
  baseline: Evaluation;
  /** In the order measured. */
  evaluations: Evaluation[];
  ranking: Ranking;
  /** Ordered by cost; empty when the sweep has no cost axis (no constraint, no paretoMetric). */
  front: Evaluation[];
  recommendation: Recommended | NothingFeasible;
}

/** A point's results without its variant name, so that two points' metric keys match. */
function plain(point: MeasuredPoint): Results {
  return selectVariant(point.results, point.variant, point.variant);
}

/** The reference measured beside `point` in its run, without its variant name. */
function plainReference(point: MeasuredPoint, reference: MeasuredPoint): Results | undefined {
  return point.reference && selectVariant(point.reference, reference.variant, reference.variant);
}

function closest(infeasible: readonly Evaluation[]): Evaluation | undefined {
  const miss = (e: Evaluation) => e.failures.reduce((sum, f) => sum + f.gap, 0);
  // Compared, not subtracted: a constraint that matched nothing misses by Infinity.
  const order = (a: number, b: number) => (a === b ? 0 : a < b ? -1 : 1);
  return [...infeasible].sort((a, b) => order(miss(a), miss(b)) || score(b) - score(a))[0];
}

export function analyzeSweep(
  config: Config,
  sweep: Sweep,
  points: readonly MeasuredPoint[],
): SweepAnalysis {
  const names = knobNames(sweep);
  const baselinePoint = points.find(
    (p) => pointKey(p.knobs, names) === pointKey(sweep.baseline, names),
  );
  if (!baselinePoint) {
    throw new InputError(
      `the sweep has no measurement of the baseline ${pointLabel(sweep.baseline, names)}`,
    );
  }
  const evaluations = points.map((point) => evaluatePoint(point, sweep));
  const baseline = evaluations[points.indexOf(baselinePoint)] as Evaluation;
  const ranking = rankPoints(evaluations, config.compare.alpha);
  const costed = evaluations.filter((e) => e.cost !== undefined);
  const front = paretoFront(costed, score, (e) => e.cost?.oriented ?? 0);
  return {
    names,
    baseline,
    evaluations,
    ranking,
    front,
    recommendation: recommend(config, ranking, baseline, names),
  };
}

function recommend(
  config: Config,
  ranking: Ranking,
  baseline: Evaluation,
  names: readonly string[],
): Recommended | NothingFeasible {
  const [top, ...rest] = ranking.ranked;
  if (!top) {
    const nearest = closest(ranking.infeasible);
    return { kind: 'none', ...(nearest ? { closest: nearest } : {}) };
  }
  // A change needs evidence: where the baseline ties with the best (its same-run changes are not
  // significantly different), the recommendation is to keep it, not a setting that won by noise.
  const baselineTies = rest.some((r) => r.evaluation === baseline && r.rank === '=1');
  const best = baselineTies ? baseline : top.evaluation;
  const changes = names
    .map((name): [string, string, string] => [
      name,
      baseline.point.knobs[name] ?? '',
      best.point.knobs[name] ?? '',
    ])
    .filter(([, from, to]) => from !== to);
  const bestResults = plain(best.point);
  // The expected change: the best against the reference trials of its own run.
  const reference = plainReference(best.point, baseline.point);
  return {
    kind: 'set',
    best,
    ties: ranking.ranked
      .filter((r) => r.rank === '=1' && r.evaluation !== best)
      .map((r) => r.evaluation),
    changes,
    ...(best === baseline || !reference
      ? {}
      : { comparison: compareResults(reference, bestResults, config.compare) }),
    targets: checkTargets(bestResults, config.targets),
  };
}
