/**
 * Hodges-Lehmann estimate of the shift between x and y, with its confidence interval.
 *
 * Assumption: y shifted by some Δ has the distribution of x. The estimate of Δ is the median of
 * all n·m differences x_i − y_j; the interval [d_(k), d_(nm+1−k)] of the sorted differences
 * covers Δ with probability 1 − 2 P(U <= k − 1), U being the Mann-Whitney statistic. So k comes
 * from the null distribution of U:
 * - exact (no ties, n and m below 50): k is R's qwilcox(α/2, n, m), at least 1, exactly as R's
 *   wilcox.test(conf.int = TRUE, exact = TRUE);
 * - otherwise the normal approximation of that same quantile with the tie-corrected variance σ²
 *   and continuity correction: the smallest k with Φ((k + ½ − nm/2)/σ) >= α/2, in closed form
 *   k = ceil(nm/2 − z σ − ½), z = Φ⁻¹(1 − α/2), at least 1. R's asymptotic branch instead
 *   inverts the corrected z statistic with uniroot (and estimates Δ with a root, not the
 *   median), so its bounds can differ from ours by one order statistic or a little more.
 * `confLevel` is always the level achieved by the chosen k (exact, or its normal approximation),
 * at least the requested one except where k = 1 cannot reach it (tiny samples): R reports the
 * requested level unless it falls short by more than α/2.
 */
import { InputError } from '../errors.js';
import { normalCdf, normalQuantile } from './normal.js';
import { differenceOrderStatistics } from './pairwiseDifferences.js';
import { tieSizesOf } from './ranks.js';
import { exactByDefault, exactUCounts, uQuantile, uTails, uVariance } from './uDistribution.js';

export interface HodgesLehmannResult {
  /** Median of the pairwise differences x_i − y_j. */
  estimate: number;
  lower: number;
  upper: number;
  /** Confidence level actually achieved by [lower, upper]. */
  confLevel: number;
}

/** The order statistic k of the interval and the level it achieves. */
interface IntervalRank {
  k: number;
  confLevel: number;
}

const EXACT_RANKS = new Map<string, IntervalRank>();
const EXACT_RANKS_SIZE = 256;

/** Memoised per (n, m, alpha): a comparison of 1,000 metrics asks the same question 1,000 times. */
function exactRank(n: number, m: number, alpha: number): IntervalRank {
  const key = `${n},${m},${alpha}`;
  let rank = EXACT_RANKS.get(key);
  if (rank === undefined) {
    const dist = exactUCounts(n, m);
    // R: qu <- qwilcox(alpha/2, n.x, n.y); if (qu == 0) qu <- 1, the widest interval.
    const k = Math.max(1, uQuantile(dist, alpha / 2));
    rank = { k, confLevel: 1 - 2 * uTails(dist, k - 1).lower };
    if (EXACT_RANKS.size >= EXACT_RANKS_SIZE)
      EXACT_RANKS.delete(EXACT_RANKS.keys().next().value as string);
    EXACT_RANKS.set(key, rank);
  }
  return rank;
}

function normalRank(
  n: number,
  m: number,
  tieSizes: readonly number[],
  alpha: number,
): IntervalRank {
  const sd = Math.sqrt(uVariance(n, m, tieSizes));
  // Zero variance: every value is equal, so every difference is the same number, with certainty.
  if (sd === 0) return { k: 1, confLevel: 1 };
  const mean = (n * m) / 2;
  const k = Math.max(1, Math.ceil(mean - normalQuantile(1 - alpha / 2) * sd - 0.5));
  // P(U <= k - 1) with continuity correction: Φ((k - 1 + ½ - nm/2) / σ).
  return { k, confLevel: 1 - 2 * normalCdf((k - 0.5 - mean) / sd) };
}

function checkLevel(confLevel: number): void {
  if (!(confLevel > 0 && confLevel < 1)) {
    throw new InputError(`confLevel must be strictly between 0 and 1, got ${confLevel}`);
  }
}

/** Hodges-Lehmann shift of x − y with a two-sided interval; throws InputError on bad input. */
export function hodgesLehmann(
  x: readonly number[],
  y: readonly number[],
  options: { confLevel?: number } = {},
): HodgesLehmannResult {
  const { estimate, intervals } = hodgesLehmannIntervals(x, y, [options.confLevel ?? 0.95]);
  return { estimate, ...(intervals[0] as HodgesLehmannInterval) };
}

export type HodgesLehmannInterval = Omit<HodgesLehmannResult, 'estimate'>;

/**
 * The estimate with an interval at each of `confLevels`, from one selection of the pairwise
 * differences (a comparison wants the reported interval and the equivalence one).
 */
export function hodgesLehmannIntervals(
  x: readonly number[],
  y: readonly number[],
  confLevels: readonly number[],
): { estimate: number; intervals: HodgesLehmannInterval[] } {
  confLevels.forEach(checkLevel);
  const tieSizes = tieSizesOf(x, y);
  const n = x.length;
  const m = y.length;
  // R's exact branch: no ties at all, and both sizes below 50.
  const ranks = confLevels.map((level) =>
    tieSizes.length === 0 && exactByDefault(n, m)
      ? exactRank(n, m, 1 - level)
      : normalRank(n, m, tieSizes, 1 - level),
  );
  // The median (one or the two middle ones) and the bounds d_(k), d_(nm+1−k), selected
  // without building all n·m differences (see pairwiseDifferences.ts).
  const total = n * m;
  const half = Math.floor(total / 2);
  const middle = total % 2 === 1 ? [half + 1] : [half, half + 1];
  const bounds = ranks.flatMap(({ k }) => [k, total + 1 - k]);
  const selected = differenceOrderStatistics(x, y, [...bounds, ...middle]);
  const median = selected.slice(bounds.length);
  return {
    estimate: median.length === 1 ? median[0]! : (median[0]! + median[1]!) / 2,
    intervals: ranks.map(({ confLevel }, i) => ({
      lower: selected[2 * i]!,
      upper: selected[2 * i + 1]!,
      confLevel,
    })),
  };
}
