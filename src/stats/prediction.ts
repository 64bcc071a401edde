/**
 * Is a new run like the stored ones? The unit is the run, not the trial: each stored run gives one
 * value (its median), and trials of different runs are never pooled (DESIGN.md, "A run is a unit
 * too").
 *
 * Assumption: the k stored values and the mean of the n new values are independent draws around
 * one mean with a common run-to-run spread σ, normally distributed (on the log scale for ratios,
 * which is how a slower machine moves every value). Then
 *   t = (mean(new) − mean(stored)) / (s · √(1/k + 1/n)),  s = sd(stored),
 * has Student's t distribution with k − 1 degrees of freedom: the classic prediction interval for
 * a future observation (Hahn and Meeker, "Statistical Intervals", 1991, §4.7). σ is estimated from
 * the history alone, so a noisy new run cannot widen its own interval.
 *
 * With a prior for the spread (stats/moderated.ts: what the other metrics of the suite share),
 * s² is the moderated variance and the degrees of freedom are the prior's plus k − 1.
 *
 * Student's t comes from stdlib (@stdlib/stats-base-dists-t-*), checked against scipy in
 * test/fixtures/stats/prediction.py.
 */
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { mean, sampleVariance } from 'simple-statistics';
import { moderate, type VariancePrior } from './moderated.js';

export interface PredictionTest {
  /** mean(observed) − mean(reference). */
  difference: number;
  /** Two-sided prediction interval of that difference at `confLevel`. */
  lower: number;
  upper: number;
  /** Two-sided p of the t statistic; 1 when both spread and difference are 0. */
  p: number;
  /** The run-to-run standard deviation the test used (moderated where a prior was given). */
  spread: number;
  /** Degrees of freedom: k − 1, plus the prior's. */
  df: number;
}

/** Needs at least two reference values (one degree of freedom) and one observed value. */
export function predictionTest(
  reference: readonly number[],
  observed: readonly number[],
  confLevel = 0.95,
  prior?: VariancePrior,
): PredictionTest {
  if (reference.length < 2 || observed.length < 1)
    throw new RangeError('a prediction test needs at least 2 reference values and 1 observed');
  const own = { variance: sampleVariance([...reference]), df: reference.length - 1 };
  const { variance, df } = prior ? moderate(own, prior) : own;
  const difference = mean([...observed]) - mean([...reference]);
  const spread = Math.sqrt(variance);
  const se = spread * Math.sqrt(1 / reference.length + 1 / observed.length);
  const half = tQuantile(1 - (1 - confLevel) / 2, df) * se;
  // No spread in the history: any difference at all is outside it, none is inside.
  const p = se === 0 ? (difference === 0 ? 1 : 0) : 2 * tCdf(-Math.abs(difference) / se, df);
  return { difference, lower: difference - half, upper: difference + half, p, spread, df };
}
