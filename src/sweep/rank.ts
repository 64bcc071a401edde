/**
 * Ranking the measured points of a sweep, and their Pareto front. Pure.
 *
 * Feasible points are ordered by the objective's change against the reference measured in the
 * same run (evaluate.ts `paired`), never by raw values of different runs, which carry the
 * machine's drift between them. A point whose paired changes are not significantly different from
 * the best's (Mann-Whitney two-sided p ≥ alpha) ties with it, rank "=1": with a few noisy trials
 * per point, the order among those is noise, not a finding.
 */
import { canReachAlpha, minTrialsFor } from '../stats/minTrials.js';
import { mannWhitneyU } from '../stats/mannWhitney.js';
import { score, type Evaluation } from './evaluate.js';

export interface RankedPoint {
  evaluation: Evaluation;
  /** `1` (a clear winner), `=1` (tied with the best), or the position among feasible points. */
  rank: string;
  /** p of the objective against the best point's; absent for the best itself. */
  p?: number;
}

export interface Ranking {
  /** Feasible points, best first. */
  ranked: RankedPoint[];
  /** Points that miss a constraint, in the order they were measured. */
  infeasible: Evaluation[];
  notes: string[];
}

export function rankPoints(evaluations: readonly Evaluation[], alpha: number): Ranking {
  // A stable sort: equal medians keep the order of measurement.
  const feasible = evaluations.filter((e) => e.feasible).sort((a, b) => score(b) - score(a));
  const [best, ...rest] = feasible;
  const infeasible = evaluations.filter((e) => !e.feasible);
  if (!best) return { ranked: [], infeasible, notes: [] };

  const others = rest.map((evaluation, i) => {
    const p = mannWhitneyU(evaluation.objective.paired, best.objective.paired).p;
    return { evaluation, p, tied: p >= alpha, position: i + 2 };
  });
  const anyTie = others.some((o) => o.tied);
  const ranked: RankedPoint[] = [
    { evaluation: best, rank: anyTie ? '=1' : '1' },
    ...others.map(({ evaluation, p, tied, position }) => ({
      evaluation,
      rank: tied ? '=1' : String(position),
      p,
    })),
  ];
  return { ranked, infeasible, notes: untestableNote(feasible, alpha) };
}

/** Too few trials can never separate two points: then every tie is forced, and we say so. */
function untestableNote(feasible: readonly Evaluation[], alpha: number): string[] {
  const sizes = feasible.map((e) => e.objective.paired.length);
  const n = Math.min(...sizes);
  if (feasible.length < 2 || canReachAlpha(n, n, alpha, 'two-sided')) return [];
  return [
    `${n} trials per point can never reach p < ${alpha}, so every feasible point ties with the best; ` +
      `run at least ${minTrialsFor(alpha)} trials per point (sweep.trials) to tell them apart`,
  ];
}

/**
 * The points no other point beats on both axes: benefit (higher is better) and cost (lower is
 * better), ordered by cost. A point equal to another on both axes stays; ties are not dominance.
 */
export function paretoFront<T>(
  items: readonly T[],
  benefit: (item: T) => number,
  cost: (item: T) => number,
): T[] {
  const dominated = (item: T) =>
    items.some(
      (other) =>
        benefit(other) >= benefit(item) &&
        cost(other) <= cost(item) &&
        (benefit(other) > benefit(item) || cost(other) < cost(item)),
    );
  return items.filter((item) => !dominated(item)).sort((a, b) => cost(a) - cost(b));
}
