/**
 * Comparing runs rather than trials: across runs the unit of evidence is the run, because trials
 * of one run share its machine state and trials of different runs do not (DESIGN.md, "A run is a
 * unit too"). Each run is reduced to one value per metric, its median; the sides are then
 * compared by a test whose samples are those run medians (runTest below). Pure.
 */
import { mean, median } from 'simple-statistics';
import { poolResults } from '../results/pool.js';
import type { Results } from '../results/schema.js';
import type { VariancePrior } from '../stats/moderated.js';
import { predictionTest } from '../stats/prediction.js';

/**
 * A history check can fail a build only with this many stored runs: below it the run-to-run
 * spread is too poorly known (t with 3 degrees of freedom has a 97.5 % quantile of 3.18, so the
 * interval is over three standard deviations wide) and the check reports without gating.
 */
export const MIN_STORED_RUNS = 5;

/** One sample per run and metric, its median, pooled in run order. */
export function runMedians(runs: readonly Results[], label: string): Results {
  return poolResults(
    runs.map((run) => ({
      ...run,
      suites: run.suites.map((suite) => ({
        ...suite,
        metrics: suite.metrics
          .filter((m) => m.samples.length > 0)
          .map((m) => ({ ...m, samples: [median([...m.samples])] })),
      })),
    })),
    label,
  );
}

export interface RunTest {
  /** head − base on the metric's scale. */
  shift: number;
  /** Relative change and its interval; null when the base has no usable scale. */
  change: number | null;
  changeLower: number | null;
  changeUpper: number | null;
  p: number;
  /** The run-to-run spread on the log scale (≈ the relative spread); null on the linear scale. */
  logSpread: number | null;
  /** The prediction test's degrees of freedom. */
  df: number;
}

/**
 * Run medians of the head against the stored runs' medians: the prediction test of
 * stats/prediction.ts on the log scale, where a slower machine moves every metric by a factor,
 * with the spread leaning on `prior` (a log-scale variance prior, runModel.ts) where given;
 * on the linear scale, on its own spread, when some value is not positive (a rate of 0 errors).
 */
export function runTest(
  base: readonly number[],
  head: readonly number[],
  confLevel: number,
  prior?: VariancePrior,
): RunTest {
  const positive = [...base, ...head].every((v) => v > 0);
  if (positive) {
    const t = predictionTest(base.map(Math.log), head.map(Math.log), confLevel, prior);
    const baseCenter = Math.exp(mean(base.map((v) => Math.log(v))));
    return {
      shift: baseCenter * Math.expm1(t.difference),
      change: Math.expm1(t.difference),
      changeLower: Math.expm1(t.lower),
      changeUpper: Math.expm1(t.upper),
      p: t.p,
      logSpread: t.spread,
      df: t.df,
    };
  }
  const t = predictionTest(base, head, confLevel);
  const scale = Math.abs(mean([...base]));
  return {
    shift: t.difference,
    change: scale === 0 ? null : t.difference / scale,
    changeLower: scale === 0 ? null : t.lower / scale,
    changeUpper: scale === 0 ? null : t.upper / scale,
    p: t.p,
    logSpread: null,
    df: t.df,
  };
}
