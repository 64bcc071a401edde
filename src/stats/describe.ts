/**
 * Descriptive summary of one metric's samples (one value per trial), for tables and warnings.
 *
 * Quantiles are R's default (type 7) definition, which is also numpy's default ('linear'):
 * simple-statistics 7.12's `quantileSorted` implements it (index (n - 1) p, linear interpolation),
 * checked against R's `quantile` in test/fixtures/stats/describe.R.
 */
import {
  max,
  mean,
  medianAbsoluteDeviation,
  min,
  quantileSorted,
  sampleStandardDeviation,
} from 'simple-statistics';
import { InputError } from '../errors.js';

export interface Summary {
  n: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  /** First quartile, R type 7. */
  q1: number;
  /** Third quartile, R type 7. */
  q3: number;
  /** q3 - q1. */
  iqr: number;
  /** Raw median absolute deviation, median(|x - median(x)|): R's `mad(x, constant = 1)`. */
  mad: number;
  /**
   * Coefficient of variation: sample sd (n - 1) over |mean|, never NaN. 0 when there is no
   * observed spread (n < 2, or all values equal, whatever the mean); Infinity when values vary
   * around a mean of 0, so that any "too noisy" check flags it. Mind that JSON turns Infinity
   * into null.
   */
  cv: number;
}

/** Summarizes finite samples; an empty or non-finite sample is an InputError. */
export function describe(xs: readonly number[]): Summary {
  if (xs.length === 0) throw new InputError('cannot summarize an empty sample');
  const bad = xs.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new InputError(`sample value ${xs[bad]} at index ${bad} is not finite`);

  const sorted = [...xs].sort((a, b) => a - b);
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  const average = mean(sorted);
  // simple-statistics throws for the sample sd of fewer than two values; a single trial has no
  // observed spread, so 0 is the honest value there.
  const sd = xs.length < 2 ? 0 : sampleStandardDeviation(sorted);
  return {
    n: xs.length,
    min: min(sorted),
    max: max(sorted),
    mean: average,
    median: quantileSorted(sorted, 0.5),
    q1,
    q3,
    iqr: q3 - q1,
    mad: medianAbsoluteDeviation(sorted),
    cv: relativeTo(sd, average),
  };
}

/**
 * The "±" printed beside a median: half the interquartile range relative to |median|,
 * (q3 - q1) / 2 / |median|. Benchstat prints the 95 % confidence interval of the median instead;
 * that needs a minimum sample size and order statistics of a binomial, while half the IQR is
 * defined for any n and is what a reader can check by eye. Same 0 / Infinity rule as `cv`.
 */
export function relativeSpread(s: Summary): number {
  return relativeTo(s.iqr / 2, s.median);
}

/** spread / |centre|, with no spread meaning 0 even when the centre is 0 (instead of NaN). */
function relativeTo(spread: number, centre: number): number {
  return spread === 0 ? 0 : spread / Math.abs(centre);
}
