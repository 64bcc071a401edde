/**
 * Calibration (`perfgate calibrate`): what each metric's noise lets the gate see, measured from
 * A/A runs (one tree on both sides, interleaved, so every difference is noise) or read from the
 * stored runs of a branch, and the thresholds and trials that fit it. Pure.
 *
 * Per gating metric:
 * - noise within a run: the trials' robust relative σ (detectable.ts), pooled over the runs as a
 *   root mean square (a pooled variance): a noisier run weighs in, as the gate's noisier days
 *   will, without one disturbed run deciding alone;
 * - noise between runs: the sd of the log run medians, what a history gate judges by;
 * - A/A: in how many runs the gate flagged it, and the largest change it estimated;
 * - the smallest regression the current design detects with 80 % power after the adjustment
 *   across the metrics (as the PR table's "sees" column), and the trials that would see the
 *   current threshold;
 * - a threshold that fits: at least that detectable change (a gate should see a regression of its
 *   threshold's size), at least 1.5 × the largest A/A change (the runs measured here must not be
 *   flagged, with room for the ones not measured), never below 1 %, rounded up to 0.5 %. For a
 *   history baseline the detectable change is the run-level one, which the trials cannot shrink.
 */
import { mean, sampleStandardDeviation } from 'simple-statistics';
import { literalGlob } from '../config/glob.js';
import type { ThresholdRule } from '../config/schema.js';
import type { Results } from '../results/schema.js';
import { countWarnings } from '../results/runnerWarnings.js';
import { describe, type Summary } from '../stats/describe.js';
import { compareResults, metricKey } from './compare.js';
import type { MetricComparison } from './comparison.js';
import {
  detectability,
  relativeDispersion,
  runLevelDetectable,
  trialsToSee,
} from './detectable.js';
import { resolvePolicy, thresholdFor, type ComparePolicy } from './policy.js';

/** An A/A run: the same tree measured as both sides, trials interleaved. */
export interface AaRun {
  base: Results;
  head: Results;
}

export type CalibrationSource =
  { kind: 'aa'; runs: AaRun[] } | { kind: 'history'; runs: Results[] };

export interface CalibrationOptions {
  policy: Partial<ComparePolicy>;
  /** Trials per side of the gate's design for a suite (a sequential design's max). */
  trials: (suite: string) => number;
  /** The gate the thresholds are for: interleaved (trials) or history (run medians). */
  baseline: 'interleaved' | 'history';
  /** Stored runs a history gate compares with (its window). */
  window: number;
}

/** Which metric: named as compareResults names it. */
type MetricRef = Pick<
  MetricComparison,
  'key' | 'suite' | 'variant' | 'metric' | 'unit' | 'direction'
>;

export interface MetricCalibration extends MetricRef {
  /** Robust σ of one run's trials relative to their median, pooled over the runs (RMS). */
  withinRun: number | null;
  /** sd of the log run medians; null below MIN_RUNS_FOR_SPREAD runs. */
  runToRun: number | null;
  /** A/A runs that flagged the metric (regression or improvement); null from history. */
  falseAlarms: number | null;
  /** The largest |relative change| an A/A run estimated; null from history. */
  largestChange: number | null;
  /** Trials per side of the current design. */
  trials: number;
  /** The threshold that applies now. */
  threshold: number;
  /** Smallest regression the current design detects with 80 % power; null when unknown. */
  detectable: number | null;
  /** Trials per side that see the current threshold with 80 % power; null when none would. */
  trialsForThreshold: number | null;
  /** The threshold that fits this noise (see the module comment); null when unknown. */
  recommended: number | null;
}

export interface Calibration {
  source: CalibrationSource['kind'];
  runs: number;
  baseline: CalibrationOptions['baseline'];
  /** Gating metrics tested together: a lone regression needs alpha / family. */
  family: number;
  metrics: MetricCalibration[];
  /** Trials per side that let every metric see its current threshold; null when some never would. */
  trialsForThresholds: number | null;
  notes: string[];
}

/** The run-to-run spread needs a few runs to mean anything: two give one difference. */
export const MIN_RUNS_FOR_SPREAD = 3;
/** How far above the largest A/A change a recommended threshold stays. */
const AA_MARGIN = 1.5;
/** The lowest threshold recommended: below it, a gate chases effects no one acts on. */
const FLOOR = 0.01;
/** Thresholds are recommended in steps of half a percent. */
const STEP = 0.005;

interface Observation {
  ref: MetricRef;
  informational: boolean;
  /** Per run: its trials' summaries (one or two sides), and the A/A comparison when there is one. */
  runs: { sides: Summary[]; comparison?: MetricComparison }[];
}

export function calibrate(source: CalibrationSource, options: CalibrationOptions): Calibration {
  const policy = resolvePolicy(options.policy);
  const observations = observe(source, policy);
  const gating = [...observations.values()].filter((o) => !o.informational);
  const family = policy.adjustment === 'none' ? 1 : Math.max(1, gating.length);
  const level = policy.alpha / family;
  const metrics = gating.map((o) => calibrateMetric(o, options, policy, level));
  const needs = metrics.map((m) => m.trialsForThreshold ?? (m.detectable === null ? 0 : null));
  return {
    source: source.kind,
    runs: source.runs.length,
    baseline: options.baseline,
    family,
    metrics,
    trialsForThresholds: needs.includes(null) ? null : Math.max(0, ...(needs as number[])),
    notes: [...calibrationNotes(metrics, source.runs.length), ...runnerConditions(source)],
  };
}

/**
 * What `perfgate doctor` found on the runner during the runs calibrated (results' runnerWarnings),
 * beside the noise they measured: a threshold fitted to a noisy runner's noise is wider than a
 * quiet one needs.
 */
function runnerConditions(source: CalibrationSource): string[] {
  const runs = source.kind === 'aa' ? source.runs.map((r) => r.head) : source.runs;
  const seen = countWarnings(runs.map((run) => run.environment?.runnerWarnings ?? []));
  if (seen.length === 0) return [];
  const listed = seen.map(
    ({ warning: { name, value }, count }) =>
      `${name} (${value}) in ${count} of ${runs.length} runs`,
  );
  return [
    `runner: ${listed.join(', ')}: the noise measured here includes theirs; a quieter runner would need less (see perfgate doctor)`,
  ];
}

/** Each metric's per-run summaries (and A/A comparisons), in first-seen order. */
function observe(source: CalibrationSource, policy: ComparePolicy): Map<string, Observation> {
  const runs: Results[][] =
    source.kind === 'history'
      ? source.runs.map((r) => [r])
      : source.runs.map((r) => [r.base, r.head]);
  const observations = new Map<string, Observation>();
  runs.forEach((sides, index) => {
    const [base, head] = sides as [Results, Results?];
    const comparisons =
      head && new Map(compareResults(base, head, policy).metrics.map((m) => [m.key, m]));
    for (const results of sides) {
      for (const suite of results.suites) {
        for (const metric of suite.metrics) {
          if (metric.samples.length === 0) continue;
          const key = metricKey(suite.name, suite.variant, metric.name);
          let seen = observations.get(key);
          if (!seen) {
            const ref = {
              key,
              suite: suite.name,
              ...(suite.variant ? { variant: suite.variant } : {}),
              metric: metric.name,
              unit: metric.unit,
              direction: metric.direction,
            };
            seen = { ref, informational: metric.informational === true, runs: [] };
            observations.set(key, seen);
          }
          const comparison = comparisons?.get(key);
          const run = (seen.runs[index] ??= { sides: [], ...(comparison ? { comparison } : {}) });
          run.sides.push(describe(metric.samples));
        }
      }
    }
  });
  // A metric missing from some runs has holes there.
  for (const o of observations.values()) o.runs = o.runs.filter(Boolean);
  return observations;
}

function calibrateMetric(
  o: Observation,
  options: CalibrationOptions,
  policy: ComparePolicy,
  level: number,
): MetricCalibration {
  const { direction, key } = o.ref;
  const threshold = thresholdFor(policy, key);
  const trials = options.trials(o.ref.suite);
  const dispersions = o.runs.flatMap(({ sides }) => {
    const [a, b = a] = sides as [Summary, Summary?];
    const d = relativeDispersion(a, b as Summary);
    return d === null ? [] : [d];
  });
  const withinRun = dispersions.length > 0 ? Math.sqrt(mean(dispersions.map((d) => d * d))) : null;
  const runToRun = runSpread(o.runs.map(({ sides }) => sides));
  const comparisons = o.runs.flatMap((r) => (r.comparison ? [r.comparison] : []));
  const aa = comparisons.length > 0;
  const falseAlarms = aa
    ? comparisons.filter((c) => c.verdict === 'regression' || c.verdict === 'improvement').length
    : null;
  const changes = comparisons.flatMap((c) => (c.change === null ? [] : [Math.abs(c.change)]));
  const largestChange = changes.length > 0 ? Math.max(...changes) : null;
  const sees = (sigma: number | null) =>
    sigma === null || sigma === 0
      ? null
      : detectability(trials, trials, sigma, level, threshold, direction).detectable;
  const runLevel =
    runToRun === null
      ? null
      : runLevelDetectable(runToRun, options.window, options.window - 1, level, direction);
  const history = options.baseline === 'history';
  const detectable = history ? runLevel : sees(withinRun);
  return {
    ...o.ref,
    withinRun,
    runToRun,
    falseAlarms,
    largestChange,
    trials,
    threshold,
    detectable,
    trialsForThreshold:
      withinRun === null || withinRun === 0
        ? null
        : trialsToSee(threshold, withinRun, level, direction),
    recommended: detectable === null ? null : recommend(detectable, largestChange),
  };
}

function recommend(detectable: number, largestChange: number | null): number {
  const needed = Math.max(detectable, AA_MARGIN * (largestChange ?? 0), FLOOR);
  // Rounded up in whole steps; the epsilon keeps 0.03 at 3 %, not 3.5 %.
  return Math.ceil(needed / STEP - 1e-9) * STEP;
}

/** sd of the log medians of the runs (a run's sides pooled: they measured the same tree). */
function runSpread(runs: readonly Summary[][]): number | null {
  const logs = runs.flatMap((sides) => {
    const medians = sides.map((s) => s.median);
    return medians.every((m) => m > 0) ? [Math.log(mean(medians))] : [];
  });
  if (logs.length < MIN_RUNS_FOR_SPREAD) return null;
  return sampleStandardDeviation(logs);
}

function calibrationNotes(metrics: readonly MetricCalibration[], runs: number): string[] {
  const notes: string[] = [];
  const flagged = metrics.filter((m) => (m.falseAlarms ?? 0) > 0);
  for (const m of flagged) {
    notes.push(
      `${m.key} was flagged in ${m.falseAlarms} of ${runs} A/A runs: the two sides of one run are ` +
        'not alike (a warm-up, a cache or an order effect the interleaving does not cancel); the ' +
        'recommended threshold keeps clear of the changes seen, but look for the cause',
    );
  }
  if (runs < MIN_RUNS_FOR_SPREAD) {
    notes.push(
      `${runs} run(s) cannot show how much a whole run moves: calibrate with ${MIN_RUNS_FOR_SPREAD} or more for the run-to-run spread`,
    );
  }
  return notes;
}

/**
 * The rules `perfgate calibrate --write` puts into compare.thresholds: one per `<suite>/<metric>`
 * (rules match every variant of it), the largest of its variants' recommendations, where that is
 * above the threshold in force. A lower recommendation is shown but never written: a threshold
 * the user chose looser (`latency_max`, the single slowest request) stays their call, and in the
 * demo's A/A checks a calibrated 19 % for latency_max, below the user's 50 %, was the one false
 * alarm of ten.
 */
export function recommendedRules(metrics: readonly MetricCalibration[]): ThresholdRule[] {
  const byName = new Map<string, number>();
  for (const m of metrics) {
    if (m.recommended === null || m.recommended <= m.threshold) continue;
    const name = literalGlob(`${m.suite}/${m.metric}`);
    byName.set(name, Math.max(byName.get(name) ?? 0, m.recommended));
  }
  // toFixed: 0.035 rather than 0.035000000000000003 in the user's file.
  return [...byName].map(([metric, threshold]) => ({ metric, threshold: +threshold.toFixed(4) }));
}
