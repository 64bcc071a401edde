/**
 * What a comparison is, as data: the verdict of each metric and of the whole, with what it rests
 * on. compare.ts computes it; notes.ts, verdict.ts and report/ read it.
 */
import type { Direction } from '../results/schema.js';
import type { Summary } from '../stats/describe.js';
import type { ComparePolicy } from './policy.js';
import type { RunModel } from './runModel.js';

/**
 * Per gating metric, what the comparison can say (DESIGN.md, "Statistics"): worse or better
 * (significant and beyond the threshold), `unchanged` only when it was seen (the equivalence
 * interval inside ±threshold, or a design that detects the threshold with 80 % power at the
 * measured noise), `unseen` when the design could not see the threshold (too few trials for the
 * family, noise too high), `insufficient` when it could not be tested at all (measured on one
 * side only, the sides disagree on its direction, too few stored runs).
 */
export type MetricVerdict = 'regression' | 'improvement' | 'unchanged' | 'unseen' | 'insufficient';

export const VERDICTS: readonly MetricVerdict[] = [
  'regression',
  'improvement',
  'unchanged',
  'unseen',
  'insufficient',
];

export interface MetricComparison {
  /** `<suite>/<metric>`, or `<suite>#<variant>/<metric>`: what threshold globs match. */
  key: string;
  suite: string;
  variant?: string;
  metric: string;
  unit: string;
  direction: Direction;
  target?: number;
  base?: Summary;
  head?: Summary;
  /** Hodges-Lehmann shift head − base, in the metric's unit (of the ratios where all are positive: shift.ts). */
  shift: number | null;
  /** The shift and its interval relative to |base median|; null when the base median is 0. */
  change: number | null;
  changeLower: number | null;
  changeUpper: number | null;
  /** Level the interval reached (tiny samples cannot reach the requested one). */
  confLevel: number | null;
  p: number | null;
  pAdjusted: number | null;
  /**
   * The smallest relative change this design detects with 80 % power at the level a lone
   * regression needs after the adjustment (detectable.ts; for runs, the prediction test's);
   * null for informational and untestable metrics, and where no change is detectable (a base
   * median of 0, too few trials to reach that level): an `unseen` metric shows that as "never".
   */
  detectable: number | null;
  /** For an unseen metric, the trials per side that would see its threshold; null when none would. */
  trialsForThreshold: number | null;
  /** Adjusted p below alpha; the verdict also needs the threshold. */
  significant: boolean;
  /** Describes the trial conditions (see Metric.informational): never a regression or improvement. */
  informational: boolean;
  threshold: number;
  verdict: MetricVerdict;
  /** Warnings as data (benchstat's habit): never printed from here. */
  notes: string[];
}

/**
 * What one sample is: a trial (both sides measured in one run, interleaved: Mann-Whitney U and
 * Hodges-Lehmann) or a run's median (sides from different runs: the run-level prediction test of
 * runLevel.ts).
 */
export type SampleUnit = 'trial' | 'run';

export interface Comparison {
  policy: ComparePolicy;
  unit: SampleUnit;
  metrics: MetricComparison[];
  /** Geometric mean over comparable metrics of the cost ratio (lower-is-better orientation): < 0 is better. */
  geomeanChange: number | null;
  counts: Record<MetricVerdict, number>;
  /** Gating metrics that were tested: measured on both sides with enough trials to reach alpha. */
  tested: number;
  /** Run by run: the run factors taken out and the spread priors leaned on (runModel.ts). */
  runModel?: RunModel;
  notes: string[];
}
