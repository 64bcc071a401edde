/**
 * Change points in a metric's history (one value per nightly or per-commit run): E-divisive with
 * means, Matteson & James (2014), "A Nonparametric Approach for Multiple Change Point Analysis of
 * Multivariate Data", JASA 109(505), as MongoDB uses it on its performance history (Daly et al.
 * 2020, "Change Point Detection in Software Performance Testing", ICPE).
 *
 * Assumption: between change points the values are exchangeable (independent and identically
 * distributed); nothing is assumed about the shape of the distribution.
 *
 * Statistic: for a segment split into X (n values, before the split) and Y (m values, from the
 * split on), the empirical energy divergence with exponent 1 (paper's α = 1, univariate):
 *   Ê = 2/(nm) Σ|x_i − y_j| − C(n,2)⁻¹ Σ_{i<k}|x_i − x_k| − C(m,2)⁻¹ Σ_{j<k}|y_j − y_k|,
 *   Q̂ = nm/(n+m) · Ê.
 * Like MongoDB's implementation, Y runs to the end of the segment (the paper also searches that
 * end, κ, which places a step that later goes back more precisely); both sides hold at least
 * `minSize` values. The formula is the paper's (MongoDB's code rounds nm/(n+m) down to an integer).
 *
 * Search: binary segmentation. The best split of every current segment is computed; the
 * largest Q̂ across segments is the candidate.
 *
 * False-positive control: a permutation test per candidate, as in the paper: the values are
 * shuffled within each current segment (`permutations` times, seeded mulberry32, so results are
 * deterministic) and the largest Q̂ over all segments is recomputed; p = (1 + #{permuted ≥
 * observed}) / (permutations + 1). The candidate is kept when p ≤ `alpha`; the search stops at
 * the first candidate that is not (counting stops once p ≤ alpha is out of reach). So on a
 * stationary series the chance of reporting any change point is at most `alpha` (the first test
 * is exact under exchangeability; with 199 permutations, p ≤ 0.05 means at most 9 permuted
 * maxima reach the observed one).
 *
 * Cost: O(L²) per segment of length L and permutation; 500 values with 199 permutations take
 * well under a second (benchmarks/change-points.ts).
 */
import { median } from 'simple-statistics';
import { InputError } from '../errors.js';
import { mulberry32 } from './random.js';

export interface ChangePointOptions {
  /** Significance level of each permutation test; default 0.05. */
  alpha?: number;
  /** Permutations per test; default 199 (the paper's R). */
  permutations?: number;
  /** Fewest values on each side of a split; default 3, at least 2. */
  minSize?: number;
  /** Seed of the permutations' generator; default 1. */
  seed?: number;
}

export interface ChangePoint {
  /** First index of the new segment. */
  index: number;
  /** Permutation p-value of the test that accepted this change point. */
  pValue: number;
  /** Median of the segment before (from the previous change point). */
  before: number;
  /** Median of the segment after (up to the next change point). */
  after: number;
  /** (after − before) / |before|; 0 when both are 0, ±Infinity when only before is. */
  relativeChange: number;
}

export const DEFAULT_CHANGE_POINT_OPTIONS = {
  alpha: 0.05,
  permutations: 199,
  minSize: 3,
  seed: 1,
} as const satisfies Required<ChangePointOptions>;

/**
 * Q̂ of every split of `values[from, to)`: entry t is the split X = values[from, from + t),
 * Y = values[from + t, to); NaN where a side would hold fewer than `minSize` values.
 * Moving the split one value to the right moves that value from Y to X: its distances to X join
 * X's within-sum, its distances to Y leave Y's within-sum and join the cross-sum.
 */
export function splitDivergences(
  values: ArrayLike<number>,
  minSize = 2,
  from = 0,
  to = values.length,
): Float64Array {
  const length = to - from;
  const q = new Float64Array(length + 1).fill(NaN);
  let withinY = 0;
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    for (let j = i + 1; j < to; j++) withinY += Math.abs(values[j]! - v);
  }
  let withinX = 0;
  let cross = 0;
  for (let t = 1; t <= length - minSize; t++) {
    const at = from + t - 1;
    const v = values[at]!;
    let toX = 0;
    let toY = 0;
    for (let i = from; i < at; i++) toX += Math.abs(values[i]! - v);
    for (let j = at + 1; j < to; j++) toY += Math.abs(values[j]! - v);
    withinX += toX;
    withinY -= toY;
    cross += toY - toX;
    if (t < minSize) continue;
    const n = t;
    const m = length - t;
    const divergence =
      (2 * cross) / (n * m) - (2 * withinX) / (n * (n - 1)) - (2 * withinY) / (m * (m - 1));
    q[t] = ((n * m) / (n + m)) * divergence;
  }
  return q;
}

interface Split {
  /** Absolute index of the first value after the split. */
  index: number;
  q: number;
}

/** The split with the largest Q̂ over all segments between consecutive `bounds`. */
function bestSplit(values: ArrayLike<number>, bounds: readonly number[], minSize: number): Split {
  let best: Split = { index: -1, q: -Infinity };
  for (let s = 0; s + 1 < bounds.length; s++) {
    const from = bounds[s]!;
    const to = bounds[s + 1]!;
    if (to - from < 2 * minSize) continue;
    const q = splitDivergences(values, minSize, from, to);
    for (let t = minSize; t <= to - from - minSize; t++) {
      if (q[t]! > best.q) best = { index: from + t, q: q[t]! };
    }
  }
  return best;
}

/** Fisher-Yates shuffle of values[from, to) in place. */
function shuffle(values: Float64Array, from: number, to: number, random: () => number): void {
  for (let i = to - 1; i > from; i--) {
    const j = from + Math.floor(random() * (i - from + 1));
    const v = values[i]!;
    values[i] = values[j]!;
    values[j] = v;
  }
}

function resolve(options: ChangePointOptions): Required<ChangePointOptions> {
  const o = { ...DEFAULT_CHANGE_POINT_OPTIONS, ...options };
  if (!(o.alpha > 0 && o.alpha < 1)) throw new InputError(`alpha ${o.alpha} is not in (0, 1)`);
  if (!Number.isInteger(o.permutations) || o.permutations < 1) {
    throw new InputError(`permutations ${o.permutations} is not a positive integer`);
  }
  if (!Number.isInteger(o.minSize) || o.minSize < 2) {
    throw new InputError(`minSize ${o.minSize} is not an integer of at least 2`);
  }
  if (!Number.isInteger(o.seed)) throw new InputError(`seed ${o.seed} is not an integer`);
  if (1 / (o.permutations + 1) > o.alpha) {
    const needed = Math.ceil(1 / o.alpha) - 1;
    throw new InputError(
      `${o.permutations} permutations can never give p <= alpha ${o.alpha}: use at least ${needed}`,
    );
  }
  return o;
}

/** Change points of `series`, sorted by index; [] for a series shorter than 2 × minSize. */
export function detectChangePoints(
  series: readonly number[],
  options: ChangePointOptions = {},
): ChangePoint[] {
  const { alpha, permutations, minSize, seed } = resolve(options);
  const bad = series.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new InputError(`series value ${series[bad]} at index ${bad} is not finite`);
  if (series.length < 2 * minSize) return [];

  const random = mulberry32(seed);
  const bounds = [0, series.length];
  const pValues = new Map<number, number>();
  const permuted = new Float64Array(series.length);
  // p <= alpha needs (exceed + 1) / (permutations + 1) <= alpha: stop counting past that.
  const allowed = Math.floor(alpha * (permutations + 1) + 1e-9) - 1;
  for (;;) {
    const candidate = bestSplit(series, bounds, minSize);
    // No split left, or every split divides equal values (a constant segment has Q̂ = 0).
    if (candidate.index < 0 || !(candidate.q > 0)) break;
    let exceed = 0;
    for (let r = 0; r < permutations && exceed <= allowed; r++) {
      permuted.set(series);
      for (let s = 0; s + 1 < bounds.length; s++)
        shuffle(permuted, bounds[s]!, bounds[s + 1]!, random);
      if (bestSplit(permuted, bounds, minSize).q >= candidate.q) exceed++;
    }
    if (exceed > allowed) break;
    pValues.set(candidate.index, (exceed + 1) / (permutations + 1));
    bounds.push(candidate.index);
    bounds.sort((a, b) => a - b);
  }

  const result: ChangePoint[] = [];
  for (let s = 1; s + 1 < bounds.length; s++) {
    const index = bounds[s]!;
    const before = median(series.slice(bounds[s - 1], index));
    const after = median(series.slice(index, bounds[s + 1]));
    const change = after - before;
    const relativeChange =
      change === 0 ? 0 : before === 0 ? change * Infinity : change / Math.abs(before);
    result.push({ index, pValue: pValues.get(index)!, before, after, relativeChange });
  }
  return result;
}
