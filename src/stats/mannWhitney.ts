/**
 * Mann-Whitney U test (Wilcoxon rank-sum): do x and y come from the same distribution, against
 * a shift of one above the other?
 *
 * Assumption: trials are independent and nothing more: no normality, so one slow outlier trial
 * cannot dominate the verdict. Definitions are those of R's wilcox.test and scipy's
 * mannwhitneyu: U is the U of x, #(x_i > y_j) + ½ #(x_i = y_j); 'greater' means x tends to be
 * larger than y.
 *
 * Method (`auto`): both sizes below 50 use the exact distribution, without ties the classic one
 * (as R does) and with ties the exact conditional (permutation) distribution of the mid-rank sum
 * (as Go's benchstat does, where R would fall back to the normal approximation); larger samples
 * use the normal approximation with tie correction and, unless disabled, continuity correction.
 * An identical or constant pair gives p = 1, never NaN.
 */
import { InputError } from '../errors.js';
import { normalCdf, normalSf } from './normal.js';
import { rankTwoSamples } from './ranks.js';
import {
  EXACT_MAX_PAIRS,
  exactByDefault,
  exactFeasible,
  exactUCounts,
  pFromTails,
  tiedUCounts,
  uTails,
  uVariance,
  type Alternative,
} from './uDistribution.js';

export type { Alternative } from './uDistribution.js';

export interface MannWhitneyOptions {
  alternative?: Alternative;
  method?: 'auto' | 'exact' | 'asymptotic';
  /** Continuity correction of the normal approximation (default true, as R and scipy). */
  continuity?: boolean;
}

export interface MannWhitneyResult {
  U: number;
  p: number;
  method: 'exact' | 'asymptotic';
}

const ALTERNATIVES: readonly string[] = ['two-sided', 'less', 'greater'];
const METHODS: readonly string[] = ['auto', 'exact', 'asymptotic'];

/** Which distribution to use; throws InputError for an exact request that would take too long. */
function chooseMethod(
  method: NonNullable<MannWhitneyOptions['method']>,
  n: number,
  m: number,
): MannWhitneyResult['method'] {
  if (method === 'auto') {
    return exactByDefault(n, m) ? 'exact' : 'asymptotic';
  }
  if (method === 'exact' && !exactFeasible(n, m)) {
    throw new InputError(
      `exact Mann-Whitney distribution for ${n} × ${m} samples exceeds ${EXACT_MAX_PAIRS} pairs: ` +
        `use method 'auto' or 'asymptotic'`,
    );
  }
  return method;
}

/** Normal approximation of the p-value, with tie and (optionally) continuity correction. */
function asymptoticP(
  U: number,
  n: number,
  m: number,
  tieSizes: readonly number[],
  alternative: Alternative,
  continuity: boolean,
): number {
  const sd = Math.sqrt(uVariance(n, m, tieSizes));
  // Zero variance means every value is equal, so U = nm/2 whatever the data: no evidence.
  if (sd === 0) return 1;
  const excess = U - (n * m) / 2;
  const correction = continuity ? 0.5 : 0;
  switch (alternative) {
    case 'less':
      return normalCdf((excess + correction) / sd);
    case 'greater':
      return normalSf((excess - correction) / sd);
    case 'two-sided':
      // At excess = 0 this exceeds 1 before clamping: R and scipy give exactly 1 there too.
      return 2 * normalSf((Math.abs(excess) - correction) / sd);
  }
}

/** Mann-Whitney U test of x against y. Throws InputError on empty, non-finite or bad options. */
export function mannWhitneyU(
  x: readonly number[],
  y: readonly number[],
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  const { alternative = 'two-sided', method = 'auto', continuity = true } = options;
  if (!ALTERNATIVES.includes(alternative)) {
    throw new InputError(
      `alternative must be one of ${ALTERNATIVES.join(', ')}, got ${alternative}`,
    );
  }
  if (!METHODS.includes(method)) {
    throw new InputError(`method must be one of ${METHODS.join(', ')}, got ${method}`);
  }
  const { ranks, tieSizes } = rankTwoSamples(x, y);
  const n = x.length;
  const m = y.length;
  const rankSum = ranks.subarray(0, n).reduce((sum, r) => sum + r, 0);
  const U = rankSum - (n * (n + 1)) / 2;
  const chosen = chooseMethod(method, n, m);
  let p: number;
  if (chosen === 'asymptotic') {
    p = asymptoticP(U, n, m, tieSizes, alternative, continuity);
  } else {
    const dist = tieSizes.length === 0 ? exactUCounts(n, m) : tiedUCounts(ranks, n);
    p = pFromTails(uTails(dist, U), alternative);
  }
  // Two-sided p doubles a tail that can exceed ½; rounding can push a one-sided one past 1.
  return { U, p: Math.min(1, p), method: chosen };
}
