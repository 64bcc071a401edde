/**
 * Per-metric comparison of a baseline and a candidate: the statistics of DESIGN.md, "Statistics".
 * Pure: takes results, returns a plain value that report/ renders.
 */
import type { Direction, Metric, Results } from '../results/schema.js';
import { suiteLabel } from '../results/variant.js';
import { describe, type Summary } from '../stats/describe.js';
import { hodgesLehmann } from '../stats/hodgesLehmann.js';
import { mannWhitneyU } from '../stats/mannWhitney.js';
import { canReachAlpha, minTrialsFor } from '../stats/minTrials.js';
import { adjustPValues } from '../stats/multipleTesting.js';
import { plural } from '../text.js';
import { blindSpotNote, detectability, relativeDispersion, type BlindSpot } from './detectable.js';
import { environmentDifference } from './environment.js';
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

/**
 * The trials per side that let a lone regression be flagged once every gating metric measured on
 * both sides is tested (and adjusted) together: the count that works on the first try, not the
 * one that only clears the per-metric bound and then fails the adjustment.
 */
interface TrialAdvice {
  /** Gating metrics measured on both sides: the family they form once all are testable. */
  family: number;
  trials: number;
}

function trialAdvice(measured: readonly Measured[], policy: ComparePolicy): TrialAdvice {
  const family = measured.filter((m) => m.role === 'gated' || m.role === 'short').length;
  const adjustedFamily = policy.adjustment === 'none' ? 1 : Math.max(1, family);
  return { family, trials: minTrialsFor(policy.alpha, 'two-sided', adjustedFamily) };
}

function adviceText(advice: TrialAdvice, policy: ComparePolicy): string {
  const together =
    policy.adjustment !== 'none' && advice.family > 1
      ? ` for ${advice.family} metrics tested together`
      : '';
  return `run at least ${advice.trials} trials per side${together}`;
}

/** "3 vs 3 trials can never reach p < 0.05": the sizes of a metric too small to test. */
function tooFew({ base, head }: MetricComparison, policy: ComparePolicy): string {
  return `${base?.n ?? 0} vs ${head?.n ?? 0} trials can never reach p < ${policy.alpha}`;
}

function shortNote(m: Measured, advice: TrialAdvice, policy: ComparePolicy): string {
  return `${tooFew(m.comparison, policy)}; ${adviceText(advice, policy)}`;
}

/**
 * A comparison in which no gating metric could be tested has no verdict to give: it must not read
 * as a pass. Say so first, with what would make it testable.
 */
function untestedNotes(
  measured: readonly Measured[],
  advice: TrialAdvice,
  policy: ComparePolicy,
): string[] {
  if (measured.some((m) => m.role === 'gated')) return [];
  const short = measured.find((m) => m.role === 'short');
  if (!short) {
    return [
      'nothing was tested: no gating metric could be tested (see the notes per metric), so this ' +
        'comparison cannot catch a regression',
    ];
  }
  return [
    `nothing was tested: ${tooFew(short.comparison, policy)}, so this comparison cannot catch a ` +
      `regression; ${adviceText(advice, policy)}`,
  ];
}

/** The run-level counterpart of untestedNotes: too few stored runs to judge a run by. */
function untestedRunNotes(measured: readonly Measured[]): string[] {
  if (measured.some((m) => m.role === 'gated')) return [];
  const runs = Math.max(0, ...measured.map((m) => m.comparison.base?.n ?? 0));
  return [
    `nothing was tested: ${plural(runs, 'stored run')} of this setup, and a history check needs at ` +
      `least ${MIN_STORED_RUNS} to know the run-to-run spread before it can fail a build; ` +
      'record more runs, or measure the base revision beside the head (baseline: interleaved)',
  ];
}

/** Results from different machines differ for reasons no test can separate from the code's. */
function environmentNotes(base: Results, head: Results): string[] {
  if (!base.environment || !head.environment) return [];
  const differs = environmentDifference(base.environment, head.environment);
  return differs
    ? [
        `the sides ran on different machines (baseline: ${differs.was}; candidate: ${differs.is}): a difference may be the machine's, not the code's`,
      ]
    : [];
}

/**
 * Adjusting across M metrics multiplies a lone small p by M (BH and Holm alike), so trial counts
 * that pass the per-metric check can still never flag a single regression: say so, with the
 * trials that would.
 */
function familyNotes(
  tested: readonly Measured[],
  policy: ComparePolicy,
  advice: TrialAdvice,
): string[] {
  const family = tested.length;
  if (policy.adjustment === 'none' || family < 2) return [];
  const familyAlpha = policy.alpha / family;
  const short = tested.filter(({ comparison: { base, head } }) =>
    base && head ? !canReachAlpha(base.n, head.n, policy.alpha, 'two-sided', family) : false,
  );
  const example = short[0]?.comparison;
  if (!example?.base || !example.head) return [];
  return [
    `${family} metrics are tested together, so a regression in only one of them needs p < ${+familyAlpha.toPrecision(2)} ` +
      `before adjustment; ${example.base.n} vs ${example.head.n} trials can never get there. ` +
      `Run at least ${advice.trials} trials per side to catch a lone regression.`,
  ];
}

/**
 * Fill in each gated metric's detectable change at the level a lone regression needs (alpha over
 * the family that trialAdvice counts), and warn where it exceeds the threshold: such a gate
 * passes regressions of the threshold's size most of the time.
 */
function detectabilityNotes(
  measured: readonly Measured[],
  advice: TrialAdvice,
  policy: ComparePolicy,
): string[] {
  const family = policy.adjustment === 'none' ? 1 : Math.max(1, advice.family);
  const level = policy.alpha / family;
  const gated = measured.filter((m) => m.role === 'gated');
  const blind = gated.flatMap(({ comparison: m }): BlindSpot[] => {
    if (!m.base || !m.head) return [];
    const dispersion = relativeDispersion(m.base, m.head);
    if (dispersion === null) return [];
    const { detectable, trialsForThreshold } = detectability(
      m.base.n,
      m.head.n,
      dispersion,
      level,
      m.threshold,
      m.direction,
    );
    m.detectable = detectable;
    if (detectable === null || detectable <= m.threshold) return [];
    const label = `${suiteLabel(m.suite, m.variant)} ${m.metric}`;
    const { n } = m.base;
    return [{ label, n, m: m.head.n, detectable, threshold: m.threshold, trialsForThreshold }];
  });
  return blindSpotNote(blind, gated.length);
}

/**
 * How a metric takes part: in the gate, as context only, not yet (too few trials to ever reach
 * alpha), or not at all (missing on a side, or the sides disagree on its direction).
 */
type Role = 'gated' | 'informational' | 'short' | 'untestable';

interface Measured {
  comparison: MetricComparison;
  role: Role;
}

/** The conditions of the two sides differed (e.g. host load): say so, since it may explain a verdict. */
function confoundingNotes(metrics: readonly MetricComparison[]): string[] {
  return metrics
    .filter((m) => m.informational && m.significant && m.base && m.head)
    .map(
      (m) =>
        `${m.suite} ${m.metric} differed between the sides (median ${+(m.base as Summary).median.toPrecision(3)} → ` +
        `${+(m.head as Summary).median.toPrecision(3)} ${m.unit}); it describes the trial conditions, not the ` +
        'system under test: check whether it explains the other changes of this suite',
    );
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

/** Positive when the candidate is worse: farther from a target, or moved the wrong way. */
export function worseness(m: MetricComparison): number {
  const shift = m.shift ?? 0;
  if (m.direction === 'lower') return shift;
  if (m.direction === 'higher') return -shift;
  const baseMedian = m.base?.median ?? 0;
  const target = m.target ?? 0;
  return Math.abs(baseMedian + shift - target) - Math.abs(baseMedian - target);
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
