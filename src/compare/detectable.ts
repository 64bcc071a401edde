/**
 * The smallest change a comparison could have seen (its minimum detectable effect), per metric,
 * and the trials per side that would see the metric's threshold.
 *
 * Dispersion: the trials' robust σ, 1.4826 × MAD (consistent for normal data, and one slow
 * outlier trial barely moves it) times the small-sample factor of Croux and Rousseeuw
 * (Computational Statistics 1992; as LIBRA's madc: MAD underestimates σ by 15 % at 6 trials),
 * pooled over the two sides as a root mean square, relative to |base median|: about the σ of the
 * log trials. Model: a normal shift of the log trials, i.e. a constant ratio, as timings move;
 * the rank test sees the same ranks on either scale, so its power is the normal-shift power of
 * stats/power.ts (exact for small samples) at δ = log ratio / σ. The detectable change is the ratio
 * detected with 80 % power at the level a lone regression needs after the adjustment, alpha / the
 * family of gating metrics, taken in the direction of a regression: a rise by e^{δσ} − 1 where
 * lower is better, a fall by 1 − e^{−δσ} where higher is better.
 */
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import type { Direction } from '../results/schema.js';
import type { Summary } from '../stats/describe.js';
import { detectableShift, trialsToDetect } from '../stats/power.js';

/** The power the minimum detectable effect is stated at: the usual 80 %. */
export const DETECTION_POWER = 0.8;

/** 1 / Φ⁻¹(¾): MAD × this estimates σ for normal data. */
const MAD_TO_SD = 1.4826;

/** Croux and Rousseeuw's factors for MAD at n = 2..9; n / (n − 0.8) beyond. */
const SMALL_SAMPLE = [1, 1.196, 1.495, 1.363, 1.206, 1.2, 1.14, 1.129, 1.107];

function robustSd(s: Summary): number {
  const factor = s.n < 10 ? (SMALL_SAMPLE[s.n - 1] as number) : s.n / (s.n - 0.8);
  return MAD_TO_SD * factor * s.mad;
}

/** Pooled robust σ relative to |base median|; null when the base median is 0. */
export function relativeDispersion(base: Summary, head: Summary): number | null {
  if (base.median === 0) return null;
  const sd = Math.sqrt((robustSd(base) ** 2 + robustSd(head) ** 2) / 2);
  return sd / Math.abs(base.median);
}

/** The relative change of a regression by `logShift` (log ratio), and back. */
function changeOf(logShift: number, direction: Direction): number {
  return direction === 'higher' ? -Math.expm1(-logShift) : Math.expm1(logShift);
}

function logShiftOf(change: number, direction: Direction): number {
  return direction === 'higher'
    ? change >= 1
      ? Infinity
      : -Math.log1p(-change)
    : Math.log1p(change);
}

/** A regression by the relative `change`, in σ of the log trials (`dispersion`). */
export function standardizedShift(
  change: number,
  dispersion: number,
  direction: Direction,
): number {
  return logShiftOf(change, direction) / dispersion;
}

export interface Detectability {
  /** Smallest relative change detected with 80 % power; null when no data could reach the level. */
  detectable: number | null;
  /** Trials per side that would detect the threshold; null when the change is already detectable or none would. */
  trialsForThreshold: number | null;
}

/**
 * The detectable relative change of n base and m head trials with this dispersion at two-sided
 * `level`, and, when that exceeds `threshold`, the equal trials per side that would see it.
 */
export function detectability(
  n: number,
  m: number,
  dispersion: number,
  level: number,
  threshold: number,
  direction: Direction,
): Detectability {
  const shift = detectableShift(n, m, level, DETECTION_POWER);
  const detectable = Number.isFinite(shift) ? changeOf(shift * dispersion, direction) : null;
  const needed =
    detectable !== null && detectable > threshold
      ? trialsToSee(threshold, dispersion, level, direction)
      : null;
  return { detectable, trialsForThreshold: needed };
}

/**
 * The fewest equal trials per side that detect a regression of `threshold` with 80 % power at
 * two-sided `level`; null when no practical number does.
 */
export function trialsToSee(
  threshold: number,
  dispersion: number,
  level: number,
  direction: Direction,
): number | null {
  const thresholdShift = standardizedShift(threshold, dispersion, direction);
  // A threshold of 0 asks for any change: no trial count detects every change.
  return threshold > 0 && Number.isFinite(thresholdShift) && thresholdShift > 0
    ? trialsToDetect(thresholdShift, level, DETECTION_POWER)
    : null;
}

/**
 * The change a history gate (runLevel.ts: one run's median against k stored runs' medians, the
 * prediction test on log medians) detects with 80 % power at two-sided `level`, when runs move as
 * a whole with log spread `runToRun`: (t_{1−level/2} + t_{0.8}) · σ · √(1 + 1/k) with `df`
 * degrees of freedom (k − 1, plus the spread prior's where the spread is moderated), the usual
 * approximation of the noncentral t's power.
 */
export function runLevelDetectable(
  runToRun: number,
  storedRuns: number,
  df: number,
  level: number,
  direction: Direction,
): number {
  const quantiles = tQuantile(1 - level / 2, df) + tQuantile(DETECTION_POWER, df);
  return changeOf(quantiles * runToRun * Math.sqrt(1 + 1 / storedRuns), direction);
}

/** A gated metric whose detectable change exceeds its threshold. */
export interface BlindSpot {
  label: string;
  n: number;
  m: number;
  detectable: number;
  threshold: number;
  trialsForThreshold: number | null;
}

/**
 * One warning for all the metrics that cannot see their threshold (the table's "sees" column has
 * each one's detectable change): how many, the worst, and what would see every threshold. "with 6
 * trials per side, 3 of 20 metrics cannot see a change of their threshold (api/search latency_p95
 * sees 14 %, its threshold 5 %); 24 trials per side would". Across runs more trials do not help:
 * the stored runs' spread is what limits it.
 */
export function blindSpotNote(
  blind: readonly BlindSpot[],
  gated: number,
  unit: 'trial' | 'run' = 'trial',
): string[] {
  const worst = [...blind].sort(
    (a, b) => b.detectable / b.threshold - a.detectable / a.threshold,
  )[0];
  if (!worst) return [];
  const count = blind.length === 1 ? '1 metric' : `${blind.length} of ${gated} metrics`;
  const example = `${worst.label} sees ${percent(worst.detectable)}, its threshold ${percent(worst.threshold)}`;
  if (unit === 'run') {
    return [
      `with ${worst.n} stored runs, ${count} cannot see a change of their threshold (column "sees"; ` +
        `${example}): the runs differ too much from each other; measure the base revision beside ` +
        'the head (baseline: interleaved), or raise those thresholds',
    ];
  }
  const trials =
    worst.n === worst.m ? `${worst.n} trials per side` : `${worst.n} vs ${worst.m} trials`;
  const needs = blind.map((b) => b.trialsForThreshold);
  const remedy = needs.every((t): t is number => t !== null)
    ? `${Math.max(...needs)} trials per side would see every threshold`
    : 'for some no practical number of trials would: raise their threshold (perfgate calibrate) or run on a quieter runner';
  return [
    `with ${trials}, ${count} cannot see a change of their threshold (column "sees"; ${example}); ${remedy}`,
  ];
}

/** Two significant digits: "14 %", "5 %", "3.1 %". */
export function percent(fraction: number): string {
  return `${+(fraction * 100).toPrecision(2)} %`;
}
