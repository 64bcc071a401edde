/**
 * How many trials a Mann-Whitney U test needs before it can ever call a difference significant.
 *
 * Assumption: exact test, no ties. The most extreme arrangement (every value of one sample below
 * every value of the other) is one of C(n + m, n) equally likely arrangements under the null, so
 * no data can give a one-sided p below 1 / C(n + m, n), or a two-sided p below twice that. With
 * n = m = 3 two-sided the best p is 2 / 20 = 0.1: at alpha = 0.05 such a comparison is always
 * "unchanged", whatever the numbers, and the report should say so and name the trials needed.
 * Ties only make the best p larger, so these are lower bounds for tied data.
 *
 * A family of `family` metrics adjusted together (Benjamini-Hochberg or Holm) multiplies a lone
 * small p by `family`: with every other p large, both give the smallest p an adjusted value of
 * family · p. So a single regression among `family` metrics needs family · p < alpha, and the
 * trial counts below take that factor when asked; `family = 1` is the metric on its own.
 */
import { InputError } from '../errors.js';
import { minAchievableP, type Alternative } from './uDistribution.js';

/**
 * Whether some data could give an adjusted p < alpha for a lone change among `family` metrics:
 * the rule is strict, as for the verdict.
 */
export function canReachAlpha(
  n: number,
  m: number,
  alpha: number,
  alternative: Alternative,
  family = 1,
): boolean {
  checkAlpha(alpha);
  checkFamily(family);
  return bestAdjustedP(n, m, alternative, family) < alpha;
}

/** The smallest equal size n = m at which a lone change among `family` metrics can reach p < alpha. */
export function minTrialsFor(
  alpha: number,
  alternative: Alternative = 'two-sided',
  family = 1,
): number {
  checkAlpha(alpha);
  checkFamily(family);
  // The best p shrinks roughly as 4^-n, so this loop is short: about 510 steps even for the
  // smallest positive double, where C(2n, n) overflows to Infinity and the best p becomes 0.
  let n = 1;
  while (bestAdjustedP(n, n, alternative, family) >= alpha) n += 1;
  return n;
}

/** The adjustment's own arithmetic (family · p, capped at 1), so the advice matches the verdict. */
function bestAdjustedP(n: number, m: number, alternative: Alternative, family: number): number {
  return Math.min(1, family * minAchievableP(n, m, alternative));
}

function checkFamily(family: number): void {
  if (!(Number.isInteger(family) && family >= 1)) {
    throw new InputError(`${family} is not a whole number of at least 1`, { field: 'family' });
  }
}

function checkAlpha(alpha: number): void {
  // NaN fails this test too.
  if (!(alpha > 0 && alpha < 1)) {
    throw new InputError(`${alpha} is not in (0, 1)`, { field: 'alpha' });
  }
}
