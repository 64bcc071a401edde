/**
 * How many trials a Mann-Whitney U test needs before it can ever call a difference significant.
 *
 * Assumption: exact test, no ties. The most extreme arrangement (every value of one sample below
 * every value of the other) is one of C(n + m, n) equally likely arrangements under the null, so
 * no data can give a one-sided p below 1 / C(n + m, n), or a two-sided p below twice that. With
 * n = m = 3 two-sided the best p is 2 / 20 = 0.1: at alpha = 0.05 such a comparison is always
 * "unchanged", whatever the numbers, and the report should say so and name the trials needed.
 * Ties only make the best p larger, so these are lower bounds for tied data.
 */
import { InputError } from '../errors.js';
import { minAchievableP, type Alternative } from './uDistribution.js';

/** Whether some data could give p < alpha: the rule is strict, as for the verdict. */
export function canReachAlpha(
  n: number,
  m: number,
  alpha: number,
  alternative: Alternative,
): boolean {
  checkAlpha(alpha);
  return minAchievableP(n, m, alternative) < alpha;
}

/** The smallest equal size n = m at which p < alpha is reachable. */
export function minTrialsFor(alpha: number, alternative: Alternative = 'two-sided'): number {
  checkAlpha(alpha);
  // The best p shrinks roughly as 4^-n, so this loop is short: about 510 steps even for the
  // smallest positive double, where C(2n, n) overflows to Infinity and the best p becomes 0.
  let n = 1;
  while (minAchievableP(n, n, alternative) >= alpha) n += 1;
  return n;
}

function checkAlpha(alpha: number): void {
  // NaN fails this test too.
  if (!(alpha > 0 && alpha < 1)) {
    throw new InputError(`${alpha} is not in (0, 1)`, undefined, 'alpha');
  }
}
