/**
 * The null distribution of the Mann-Whitney U statistic of x (sizes n and m), exact and normal.
 *
 * Under the null hypothesis every assignment of the pooled values to x and y is equally likely,
 * so P(U = u) is the number of assignments giving u over C(n + m, n). Counts are float64: they
 * reach C(98, 49) ≈ 2.5e28 within `auto`'s limit, beyond 2^53, but every recurrence here only adds
 * positive numbers, so the relative error stays near (n + m) ulps and tails keep full accuracy.
 */
import { InputError } from '../errors.js';

export type Alternative = 'two-sided' | 'less' | 'greater';

/** Exact counts of U: `counts[i]` assignments give U = i * step (step 1, or 0.5 with ties). */
export interface UDistribution {
  counts: Float64Array;
  step: 1 | 0.5;
}

/** Above this n·m an explicit request for the exact distribution is refused as too slow. */
export const EXACT_MAX_PAIRS = 10_000;

function checkSize(size: number, name: string): void {
  if (!Number.isInteger(size) || size < 1) {
    throw new InputError(`sample size ${name} must be a positive integer, got ${size}`);
  }
}

/**
 * Whether `auto` uses the exact distribution: both sizes below 50, R's wilcox.test rule. We keep
 * the same limit with ties, where the tied distribution costs about min(n, m)² (n + m)²
 * additions: ≈ 2e7 at 49 × 49, a few tens of milliseconds.
 */
export function exactByDefault(n: number, m: number): boolean {
  return n < 50 && m < 50;
}

/** Whether the exact distribution is cheap enough to compute on request (about a second at most). */
export function exactFeasible(n: number, m: number): boolean {
  return n * m <= EXACT_MAX_PAIRS;
}

/**
 * Counts of U for sizes n and m without ties, by the classic recurrence on the largest value:
 * it belongs to x (and beats all j values of y) or to y, so
 * f(i, j, u) = f(i - 1, j, u - j) + f(i, j - 1, u), with f(i, 0, 0) = f(0, j, 0) = 1.
 */
export function exactUCounts(n: number, m: number): UDistribution {
  checkSize(n, 'n');
  checkSize(m, 'm');
  if (n === m && n <= EQUAL_SIZES_MAX) return (equalSizes ??= buildEqualSizeCounts())[n - 1]!;
  // U has the same distribution for (n, m) and (m, n); the smaller size keeps the table small.
  const rows = Math.min(n, m);
  const cols = Math.max(n, m);
  // A comparison tests every metric with the same trial counts, and the table costs O(n·m·n·m):
  // remember recent tables. Callers treat distributions as read-only, so sharing is safe.
  const key = `${rows}x${cols}`;
  const cached = EXACT_CACHE.get(key);
  if (cached) return cached;
  let dist: UDistribution | undefined;
  countTable(rows, cols, (j, row) => {
    if (j === cols) dist = { counts: row(rows).slice(), step: 1 };
  });
  if (EXACT_CACHE.size >= EXACT_CACHE_SIZE)
    EXACT_CACHE.delete(EXACT_CACHE.keys().next().value as string);
  EXACT_CACHE.set(key, dist!);
  return dist!;
}

const EXACT_CACHE_SIZE = 32;
const EXACT_CACHE = new Map<string, UDistribution>();

/**
 * Equal sizes are where a search for the trials that see a threshold walks, one size after the
 * other (power.ts, trialsToDetect): 20 tables from 30 to 49 a side cost 43 ms of a 1,000-metric
 * compare. The recurrence for (49, 49) passes through every (n, n) on its way (after column n,
 * row n holds f(n, n, ·)), so one table gives all 49 for the price of the largest (about 4 ms).
 */
const EQUAL_SIZES_MAX = 49;
let equalSizes: UDistribution[] | undefined;

function buildEqualSizeCounts(): UDistribution[] {
  const counts: UDistribution[] = [];
  countTable(EQUAL_SIZES_MAX, EQUAL_SIZES_MAX, (j, row) =>
    counts.push({ counts: row(j).slice(0, j * j + 1), step: 1 }),
  );
  return counts;
}

/**
 * The recurrence over columns j = 1..cols, with rows i = 0..rows; after each column `atColumn`
 * may read row i, which then holds f(i, j, ·) (valid while the callback runs).
 */
function countTable(
  rows: number,
  cols: number,
  atColumn: (j: number, row: (i: number) => Float64Array) => void,
): void {
  const width = rows * cols + 1;
  // Row i holds f(i, j, ·) for the current j; rows i - 1 are already at j when row i is updated.
  const f = new Float64Array((rows + 1) * width);
  for (let i = 0; i <= rows; i++) f[i * width] = 1;
  const row = (i: number) => f.subarray(i * width, (i + 1) * width);
  for (let j = 1; j <= cols; j++) {
    for (let i = 1; i <= rows; i++) {
      const at = i * width;
      const below = (i - 1) * width - j;
      for (let u = i * j; u >= j; u--) f[at + u]! += f[below + u]!;
    }
    atColumn(j, row);
  }
}

/**
 * Counts of U of x given the pooled mid-ranks (x's first): the exact conditional distribution
 * with ties (the permutation distribution, as Go's benchstat uses). Subset-sum over doubled
 * mid-ranks (integers): d(k, s) = number of k-subsets of the values seen so far whose doubled
 * ranks sum to s, for k up to the smaller sample's size.
 */
export function tiedUCounts(ranks: Float64Array, n: number): UDistribution {
  const total = ranks.length;
  const m = total - n;
  checkSize(n, 'n');
  checkSize(m, 'm');
  const size = Math.min(n, m);
  const doubled = Array.from(ranks, (r) => 2 * r).sort((a, b) => a - b);
  const maxSum = doubled.slice(total - size).reduce((a, b) => a + b, 0);
  const width = maxSum + 1;
  const d = new Float64Array((size + 1) * width);
  d[0] = 1;
  let reach = 0;
  for (let item = 0; item < total; item++) {
    const r = doubled[item]!;
    reach = Math.min(maxSum, reach + r);
    // Descending k so that each value joins a subset at most once (0/1 knapsack).
    for (let k = Math.min(size, item + 1); k >= 1; k--) {
      const row = k * width;
      const from = (k - 1) * width - r;
      for (let s = reach; s >= r; s--) d[row + s]! += d[from + s]!;
    }
  }
  // A size-k subset with doubled rank sum s has 2U = s - k(k + 1); U of x = nm - U of y.
  const sums = d.subarray(size * width);
  const counts = new Float64Array(2 * n * m + 1);
  const offset = size * (size + 1);
  for (let s = offset; s < width; s++) {
    const twiceU = s - offset;
    counts[size === n ? twiceU : 2 * n * m - twiceU] = sums[s]!;
  }
  return { counts, step: 0.5 };
}

/** The number of equally likely assignments, C(n + m, n). */
function totalCount(dist: UDistribution): number {
  return sumOf(dist.counts, 0, dist.counts.length);
}

/** counts[from] + … + counts[to − 1], in index order. Plain loops: a test per metric runs them. */
function sumOf(counts: Float64Array, from: number, to: number): number {
  let sum = 0;
  for (let i = Math.max(0, from); i < Math.min(to, counts.length); i++) sum += counts[i]!;
  return sum;
}

/** P(U <= u) and P(U >= u), each summed from its own tail so that small values stay accurate. */
export function uTails(dist: UDistribution, u: number): { lower: number; upper: number } {
  const at = Math.round(u / dist.step);
  const total = totalCount(dist);
  return {
    lower: sumOf(dist.counts, 0, at + 1) / total,
    upper: sumOf(dist.counts, at, dist.counts.length) / total,
  };
}

/**
 * The smallest u with P(U <= u) >= p, as R's qwilcox: it lowers p by 10 ε so that a
 * cumulative sum equal to p up to rounding still counts as reaching it.
 */
export function uQuantile(dist: UDistribution, p: number): number {
  const total = totalCount(dist);
  const target = p - 10 * Number.EPSILON;
  let cumulative = 0;
  for (let i = 0; i < dist.counts.length; i++) {
    cumulative += dist.counts[i]! / total;
    if (cumulative >= target) return i * dist.step;
  }
  return (dist.counts.length - 1) * dist.step;
}

/** The p-value of an observed U from its two tail probabilities. */
export function pFromTails(
  tails: { lower: number; upper: number },
  alternative: Alternative,
): number {
  switch (alternative) {
    case 'less':
      return tails.lower;
    case 'greater':
      return tails.upper;
    case 'two-sided':
      // May exceed 1 when U is the median; the caller clamps.
      return 2 * Math.min(tails.lower, tails.upper);
  }
}

/**
 * Variance of U under the null with the tie correction of R and scipy:
 * nm/12 · ((N + 1) - Σ(t³ - t) / (N(N - 1))), N = n + m, t the size of each tie group.
 */
export function uVariance(n: number, m: number, tieSizes: readonly number[]): number {
  const total = n + m;
  const ties = tieSizes.reduce((sum, t) => sum + t * t * t - t, 0);
  // N = 1 has no tie groups; skip the 0/0 of the correction.
  const correction = ties === 0 ? 0 : ties / (total * (total - 1));
  return ((n * m) / 12) * (total + 1 - correction);
}

/**
 * The smallest p-value the exact test can give for sizes n and m without ties: the most extreme
 * arrangement is one of C(n + m, n) equally likely ones (two-sided: either extreme), so
 * 1 / C(n + m, n), or 2 / C(n + m, n) capped at 1. Ties can only make it larger.
 */
export function minAchievableP(n: number, m: number, alternative: Alternative): number {
  checkSize(n, 'n');
  checkSize(m, 'm');
  // C(n + m, k) as a running product of ratios: no intermediate factorial overflows, and the
  // product overflows to Infinity (p = 0) only where p would underflow anyway.
  const k = Math.min(n, m);
  let arrangements = 1;
  for (let i = 1; i <= k; i++) arrangements = (arrangements * (n + m - k + i)) / i;
  const tails = alternative === 'two-sided' ? 2 : 1;
  return Math.min(1, tails / arrangements);
}
