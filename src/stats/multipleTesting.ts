/**
 * Multiple-testing adjustment of p-values, for when one run compares many metrics at once.
 *
 * Assumption: the p-values come from tests of the metrics of one run. Benjamini-Hochberg
 * (`bh`, the default in DESIGN.md) controls the false discovery rate and assumes the tests are
 * independent or positively dependent; Holm controls the family-wise error rate under any
 * dependence, at the cost of power. Both reproduce R's `p.adjust(p, "BH")` and
 * `p.adjust(p, "holm")` exactly: step-wise, monotone in the raw p-values, capped at 1, returned
 * in input order.
 */
import { InputError } from '../errors.js';

export type Adjustment = 'bh' | 'holm' | 'none';

/** Adjusted p-values in the order of `pValues`; each must lie in [0, 1]. */
export function adjustPValues(pValues: readonly number[], method: Adjustment): number[] {
  pValues.forEach(checkProbability);
  switch (method) {
    case 'bh':
      return benjaminiHochberg(pValues);
    case 'holm':
      return holm(pValues);
    case 'none':
      return [...pValues];
  }
}

function checkProbability(p: number, index: number): void {
  // NaN fails this test too; a NaN would otherwise poison every neighbour through cummin/cummax.
  if (!(p >= 0 && p <= 1)) {
    throw new InputError(`p-value ${p} at index ${index} is not a probability in [0, 1]`);
  }
}

/**
 * R: `i <- n:1; o <- order(p, decreasing = TRUE); pmin(1, cummin(n / i * p[o]))[order(o)]`.
 * Walking from the largest p down, each value is the smallest `n / rank * p` at or above it.
 */
function benjaminiHochberg(pValues: readonly number[]): number[] {
  const n = pValues.length;
  return stepwise(pValues, 'descending', (k) => n / (n - k), Math.min);
}

/**
 * R: `i <- 1:n; o <- order(p); pmin(1, cummax((n - i + 1) * p[o]))[order(o)]`.
 * Walking from the smallest p up, each value is the largest `(n - rank + 1) * p` so far.
 */
function holm(pValues: readonly number[]): number[] {
  const n = pValues.length;
  return stepwise(pValues, 'ascending', (k) => n - k, Math.max);
}

/**
 * The step both procedures share: visit the p-values sorted in `direction`, scale the k-th
 * visited (k = 0, 1, …) by `factor(k)`, carry a running `accumulate` (min or max) so the result
 * is monotone, cap at 1, and write each value back to its input position.
 *
 * Array.prototype.sort is stable, like R's `order`; the order among ties does not matter anyway,
 * since the running min/max gives tied p-values the same adjusted value.
 */
function stepwise(
  pValues: readonly number[],
  direction: 'ascending' | 'descending',
  factor: (k: number) => number,
  accumulate: (a: number, b: number) => number,
): number[] {
  const sign = direction === 'ascending' ? 1 : -1;
  const visits = pValues.map((p, index) => ({ p, index })).sort((a, b) => sign * (a.p - b.p));
  const adjusted = new Array<number>(pValues.length);
  let running = Number.NaN;
  visits.forEach(({ p, index }, k) => {
    const scaled = factor(k) * p;
    running = k === 0 ? scaled : accumulate(running, scaled);
    adjusted[index] = Math.min(1, running);
  });
  return adjusted;
}
