/**
 * Per-metric comparison of a baseline and a candidate: the statistics of DESIGN.md, "Statistics".
 * Pure: takes results, returns a plain value that report/ renders.
 */
import type { Direction, Metric, Results } from '../results/schema.js';
import { suiteLabel } from '../results/variant.js';
import { describe, type Summary } from '../stats/describe.js';
import { hodgesLehmann } from '../stats/hodgesLehmann.js';
import { mannWhitneyU } from '../stats/mannWhitney.js';
import { canReachAlpha } from '../stats/minTrials.js';
import { adjustPValues } from '../stats/multipleTesting.js';
import {
  confoundingNotes,
  detectabilityNotes,
  environmentNotes,
  familyNotes,
  shortNote,
  trialAdvice,
  untestedNotes,
  untestedRunNotes,
  type Measured,
  type Role,
} from './notes.js';
import { MIN_STORED_RUNS, runTest } from './runLevel.js';
import { resolvePolicy, thresholdFor, unmatchedRuleNotes, type ComparePolicy } from './policy.js';

export type MetricVerdict = 'regression' | 'improvement' | 'unchanged' | 'insufficient';

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
  /** Hodges-Lehmann shift head − base, in the metric's unit. */
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
   * The smallest relative change these trials detect with 80 % power at the level a lone
   * regression needs after the adjustment (detectable.ts); null for informational, untestable
   * and run-level metrics, a base median of 0, or too few trials to reach that level at all.
   */
  detectable: number | null;
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
  notes: string[];
}

interface MetricRef {
  key: string;
  suite: string;
  variant?: string;
  metric: Metric;
}

export function metricKey(suite: string, variant: string | undefined, metric: string): string {
  return `${suiteLabel(suite, variant)}/${metric}`;
}

function metricRefs(results: Results): Map<string, MetricRef> {
  const refs = new Map<string, MetricRef>();
  for (const suite of results.suites) {
    for (const metric of suite.metrics) {
      const key = metricKey(suite.name, suite.variant, metric.name);
      refs.set(key, { key, suite: suite.name, variant: suite.variant, metric });
    }
  }
  return refs;
}

export function compareResults(
  base: Results,
  head: Results,
  options: Partial<ComparePolicy> = {},
  unit: SampleUnit = 'trial',
): Comparison {
  const policy = resolvePolicy(options);
  const baseRefs = metricRefs(base);
  const headRefs = metricRefs(head);
  const keys = [...new Set([...baseRefs.keys(), ...headRefs.keys()])];
  const measured = keys.map((key) => measure(baseRefs.get(key), headRefs.get(key), policy, unit));

  // Adjust only across gated metrics that can reach alpha: others would dilute the correction.
  const testable = measured.filter((m) => m.role === 'gated');
  const adjusted = adjustPValues(
    testable.map((m) => m.comparison.p ?? 1),
    policy.adjustment,
  );
  testable.forEach((m, i) => (m.comparison.pAdjusted = adjusted[i] ?? null));
  const advice = trialAdvice(measured, policy);
  for (const m of measured) {
    if (m.role === 'short') m.comparison.notes.push(shortNote(m, advice, policy));
  }
  const blind = unit === 'trial' ? detectabilityNotes(measured, advice, policy) : [];

  const metrics = measured.map((m) => withVerdict(m.comparison, m.role, policy));
  const counts = { regression: 0, improvement: 0, unchanged: 0, insufficient: 0 };
  for (const m of metrics) counts[m.verdict]++;
  const gated = metrics.filter((m) => !m.informational);
  return {
    policy,
    unit,
    metrics,
    geomeanChange: geomeanCostChange(gated),
    counts,
    notes: [
      ...(unit === 'run' ? untestedRunNotes(measured) : untestedNotes(measured, advice, policy)),
      ...environmentNotes(base, head),
      ...familyNotes(testable, policy, advice),
      ...blind,
      ...confoundingNotes(metrics),
      ...unmatchedRuleNotes(policy, keys),
    ],
  };
}

function emptyComparison(ref: MetricRef, policy: ComparePolicy): MetricComparison {
  const { metric } = ref;
  return {
    key: ref.key,
    suite: ref.suite,
    ...(ref.variant ? { variant: ref.variant } : {}),
    metric: metric.name,
    unit: metric.unit,
    direction: metric.direction,
    ...(metric.target !== undefined ? { target: metric.target } : {}),
    shift: null,
    change: null,
    changeLower: null,
    changeUpper: null,
    confLevel: null,
    p: null,
    pAdjusted: null,
    detectable: null,
    significant: false,
    threshold: thresholdFor(policy, ref.key),
    verdict: 'insufficient',
    informational: metric.informational ?? false,
    notes: [],
  };
}

function measure(
  baseRef: MetricRef | undefined,
  headRef: MetricRef | undefined,
  policy: ComparePolicy,
  unit: SampleUnit,
): Measured {
  const ref = (headRef ?? baseRef) as MetricRef;
  const comparison = emptyComparison(ref, policy);
  const baseSamples = baseRef?.metric.samples ?? [];
  const headSamples = headRef?.metric.samples ?? [];
  if (baseSamples.length > 0) comparison.base = describe(baseSamples);
  if (headSamples.length > 0) comparison.head = describe(headSamples);
  if (baseSamples.length === 0 || headSamples.length === 0) {
    comparison.notes.push(
      baseSamples.length === 0 ? 'not in the baseline' : 'not in the candidate',
    );
    return { comparison, role: 'untestable' };
  }
  if (baseRef && headRef && baseRef.metric.direction !== headRef.metric.direction) {
    comparison.notes.push(
      `direction differs: baseline says ${baseRef.metric.direction}, candidate says ${headRef.metric.direction}`,
    );
    return { comparison, role: 'untestable' };
  }

  return unit === 'run'
    ? testRuns(comparison, baseSamples, headSamples, policy)
    : testTrials(comparison, baseSamples, headSamples, policy);
}

function testTrials(
  comparison: MetricComparison,
  baseSamples: readonly number[],
  headSamples: readonly number[],
  policy: ComparePolicy,
): Measured {
  const test = mannWhitneyU(headSamples, baseSamples);
  const shift = hodgesLehmann(headSamples, baseSamples, { confLevel: policy.confLevel });
  const baseMedian = (comparison.base as Summary).median;
  comparison.p = test.p;
  comparison.shift = shift.estimate;
  comparison.confLevel = shift.confLevel;
  if (baseMedian !== 0) {
    const scale = Math.abs(baseMedian);
    comparison.change = shift.estimate / scale;
    comparison.changeLower = shift.lower / scale;
    comparison.changeUpper = shift.upper / scale;
  }

  if (comparison.informational) return { comparison, role: 'informational' };
  // Its note names the trials needed, which depends on the whole family: compareResults adds it.
  const testable = canReachAlpha(baseSamples.length, headSamples.length, policy.alpha, 'two-sided');
  return { comparison, role: testable ? 'gated' : 'short' };
}

/** Samples are run medians: the head's run(s) against the stored runs' spread (runLevel.ts). */
function testRuns(
  comparison: MetricComparison,
  baseSamples: readonly number[],
  headSamples: readonly number[],
  policy: ComparePolicy,
): Measured {
  if (baseSamples.length < 2) {
    comparison.notes.push('one stored run has no run-to-run spread to judge by');
    return { comparison, role: 'untestable' };
  }
  const test = runTest(baseSamples, headSamples, policy.confLevel);
  Object.assign(comparison, { ...test, confLevel: policy.confLevel });
  if (comparison.informational) return { comparison, role: 'informational' };
  if (baseSamples.length >= MIN_STORED_RUNS) return { comparison, role: 'gated' };
  comparison.notes.push(
    `${baseSamples.length} stored runs; a history check fails a build only with ${MIN_STORED_RUNS} or more`,
  );
  return { comparison, role: 'untestable' };
}

/**
 * How much worse a metric at `from` gets when it moves by `shift`: positive when it moves the
 * wrong way, or farther from its target. One rule for the gate (the base median and the
 * Hodges-Lehmann shift) and for drift (the levels on either side of a change point).
 */
export function worsening(
  metric: { direction: Direction; target?: number },
  from: number,
  shift: number,
): number {
  if (metric.direction === 'lower') return shift;
  if (metric.direction === 'higher') return -shift;
  const target = metric.target ?? 0;
  return Math.abs(from + shift - target) - Math.abs(from - target);
}

/** Positive when the candidate is worse: farther from a target, or moved the wrong way. */
export function worseness(m: MetricComparison): number {
  return worsening(m, m.base?.median ?? 0, m.shift ?? 0);
}

function withVerdict(m: MetricComparison, role: Role, policy: ComparePolicy): MetricComparison {
  if (role === 'untestable' || role === 'short') return m;
  // Context metrics are tested on their own (no adjustment) and never gate.
  if (role === 'informational') {
    return { ...m, significant: (m.p ?? 1) < policy.alpha, verdict: 'unchanged' };
  }
  const significant = (m.pAdjusted ?? 1) < policy.alpha;
  // A move away from a zero baseline (e.g. errors 0 → 2 %) has no relative size: any move counts.
  const beyondThreshold = m.change === null ? m.shift !== 0 : Math.abs(m.change) > m.threshold;
  const direction = Math.sign(worseness(m));
  let verdict: MetricVerdict = 'unchanged';
  if (significant && beyondThreshold && direction > 0) verdict = 'regression';
  if (significant && beyondThreshold && direction < 0) verdict = 'improvement';
  const notes =
    significant && !beyondThreshold && direction !== 0
      ? [...m.notes, `significant but within the ${formatPercent(m.threshold)} threshold`]
      : m.notes;
  return { ...m, significant, verdict, notes };
}

function formatPercent(fraction: number): string {
  return `${+(fraction * 100).toFixed(2)} %`;
}

/**
 * benchstat's geomean row, made direction-aware so that mixed metrics can share one number:
 * throughput ratios are inverted, so every ratio reads as "cost", and < 0 means better overall.
 */
function geomeanCostChange(metrics: MetricComparison[]): number | null {
  const logs: number[] = [];
  for (const m of metrics) {
    const b = m.base?.median;
    const h = m.head?.median;
    if (b === undefined || h === undefined || b <= 0 || h <= 0) continue;
    if (m.direction === 'lower') logs.push(Math.log(h / b));
    if (m.direction === 'higher') logs.push(Math.log(b / h));
  }
  if (logs.length === 0) return null;
  return Math.exp(logs.reduce((a, b) => a + b, 0) / logs.length) - 1;
}
