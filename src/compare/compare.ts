/**
 * Per-metric comparison of a baseline and a candidate: the statistics of DESIGN.md, "Statistics".
 * Pure: takes results, returns a plain value that report/ renders.
 */
import type { Direction, Metric, Results } from '../results/schema.js';
import {
  VERDICTS,
  type Comparison,
  type MetricComparison,
  type MetricVerdict,
  type SampleUnit,
} from './comparison.js';
import { suiteLabel } from '../results/variant.js';
import { describe, type Summary } from '../stats/describe.js';
import { mannWhitneyU } from '../stats/mannWhitney.js';
import { canReachAlpha } from '../stats/minTrials.js';
import { adjustPValues } from '../stats/multipleTesting.js';
import {
  detectability,
  relativeDispersion,
  runLevelDetectable,
  type Detectability,
} from './detectable.js';
import {
  blindSpotNotes,
  confoundingNotes,
  environmentNotes,
  familyNotes,
  runModelNotes,
  shortNote,
  trialAdvice,
  untestedNotes,
  untestedRunNotes,
  type Measured,
  type TrialAdvice,
} from './notes.js';
import { insideThreshold, shiftsOf, type Shift } from './shift.js';
import { MIN_STORED_RUNS, runTest } from './runLevel.js';
import { modelRuns, sharesSpread, WHOLE_RUN_METRIC, type SuiteSpread } from './runModel.js';
import type { VariancePrior } from '../stats/moderated.js';
import {
  loneRegressionLevel,
  resolvePolicy,
  thresholdFor,
  unmatchedRuleNotes,
  type ComparePolicy,
} from './policy.js';

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
  const modelled = unit === 'run' ? modelRuns(base, head, policy) : undefined;
  const baseRefs = metricRefs(modelled?.base ?? base);
  const headRefs = metricRefs(modelled?.head ?? head);
  const spreads = new Map(modelled?.model.spreads.map((s) => [s.suite, s]));
  const keys = [...new Set([...baseRefs.keys(), ...headRefs.keys()])];
  const measured = keys.map((key) =>
    measure(baseRefs.get(key), headRefs.get(key), policy, unit, spreads),
  );

  // Adjust only across gated metrics that can reach alpha: others would dilute the correction.
  const testable = measured.filter((m) => m.role === 'gated');
  const adjusted = adjustPValues(
    testable.map((m) => m.comparison.p ?? 1),
    policy.adjustment,
  );
  const pAdjusted = new Map(testable.map((m, i) => [m, adjusted[i] ?? null]));
  const advice = trialAdvice(measured, policy);
  const level = loneRegressionLevel(policy, advice.family);
  const metrics = measured.map((m) =>
    judge(
      { ...m, comparison: { ...m.comparison, pAdjusted: pAdjusted.get(m) ?? null } },
      policy,
      level,
      advice,
    ),
  );
  const gated = metrics.filter((m) => !m.informational);
  return {
    policy,
    unit,
    metrics,
    geomeanChange: geomeanCostChange(gated),
    counts: countVerdicts(metrics),
    tested: testable.length,
    ...(modelled ? { runModel: modelled.model } : {}),
    notes: [
      ...(modelled ? runModelNotes(modelled.model) : []),
      ...(unit === 'run' ? untestedRunNotes(measured) : untestedNotes(measured, advice, policy)),
      ...environmentNotes(base, head),
      // Run by run the test is a prediction interval from the stored runs, not a rank test of
      // trials: more trials do not help it, more stored runs do (blindSpotNotes says so).
      ...(unit === 'trial' ? familyNotes(testable, policy, advice) : []),
      ...blindSpotNotes(metrics, unit),
      ...confoundingNotes(metrics),
      ...unmatchedRuleNotes(policy, keys),
    ],
  };
}

/** The trials per side a comparison rests on: the most any metric's head side had. */
export function trialsPerSide(comparison: Comparison): number {
  return Math.max(0, ...comparison.metrics.map((m) => m.head?.n ?? 0));
}

export function countVerdicts(metrics: readonly MetricComparison[]): Record<MetricVerdict, number> {
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<MetricVerdict, number>;
  for (const m of metrics) counts[m.verdict]++;
  return counts;
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
    trialsForThreshold: null,
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
  spreads: ReadonlyMap<string, SuiteSpread>,
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
    return { comparison, role: 'untestable', ...UNJUDGED };
  }
  if (baseRef && headRef && baseRef.metric.direction !== headRef.metric.direction) {
    comparison.notes.push(
      `direction differs: baseline says ${baseRef.metric.direction}, candidate says ${headRef.metric.direction}`,
    );
    return { comparison, role: 'untestable', ...UNJUDGED };
  }

  if (unit === 'trial') return testTrials(comparison, baseSamples, headSamples, policy);
  const spread = spreads.get(suiteLabel(ref.suite, ref.variant));
  const shared = baseRef && sharesSpread(baseRef.metric) && !spread?.own.includes(ref.metric.name);
  const prior = shared ? spread?.prior : undefined;
  return testRuns(comparison, baseSamples, headSamples, policy, prior);
}

/** What a metric that takes no part in the gate carries for judge(). */
const NOTHING_DETECTABLE: Detectability = { detectable: null, trialsForThreshold: null };
const UNJUDGED = { inside: false, sees: () => NOTHING_DETECTABLE } as const;

function testTrials(
  comparison: MetricComparison,
  baseSamples: readonly number[],
  headSamples: readonly number[],
  policy: ComparePolicy,
): Measured {
  const test = mannWhitneyU(headSamples, baseSamples);
  const baseMedian = (comparison.base as Summary).median;
  // Schuirmann's two one-sided tests at alpha each take the interval at level 1 − 2 alpha.
  const [shift, equivalence] = shiftsOf(headSamples, baseSamples, baseMedian, [
    policy.confLevel,
    1 - 2 * policy.alpha,
  ]) as [Shift, Shift];
  Object.assign(comparison, {
    p: test.p,
    shift: shift.shift,
    change: shift.change,
    changeLower: shift.changeLower,
    changeUpper: shift.changeUpper,
    confLevel: shift.confLevel,
  });
  if (comparison.informational) return { comparison, role: 'informational', ...UNJUDGED };
  const inside = insideThreshold(equivalence, comparison.threshold);
  const dispersion = relativeDispersion(comparison.base as Summary, comparison.head as Summary);
  const sees = (level: number): Detectability =>
    dispersion === null
      ? NOTHING_DETECTABLE
      : detectability(
          baseSamples.length,
          headSamples.length,
          dispersion,
          level,
          comparison.threshold,
          comparison.direction,
        );
  // Its note names the trials needed, which depends on the whole family: compareResults adds it.
  const testable = canReachAlpha(baseSamples.length, headSamples.length, policy.alpha, 'two-sided');
  return { comparison, role: testable ? 'gated' : 'short', inside, sees };
}

/**
 * Samples are run medians: the head's run(s) against the stored runs' spread (runLevel.ts),
 * leaning on the suite's spread prior where the metric shares it.
 */
function testRuns(
  comparison: MetricComparison,
  baseSamples: readonly number[],
  headSamples: readonly number[],
  policy: ComparePolicy,
  prior: VariancePrior | undefined,
): Measured {
  if (baseSamples.length < 2) {
    comparison.notes.push('one stored run has no run-to-run spread to judge by');
    return { comparison, role: 'untestable', ...UNJUDGED };
  }
  const { logSpread, df, ...test } = runTest(baseSamples, headSamples, policy.confLevel, prior);
  Object.assign(comparison, { ...test, confLevel: policy.confLevel });
  if (comparison.informational) return { comparison, role: 'informational', ...UNJUDGED };
  if (baseSamples.length < MIN_STORED_RUNS) {
    comparison.notes.push(
      `${baseSamples.length} stored runs; a history check fails a build only with ${MIN_STORED_RUNS} or more`,
    );
    return { comparison, role: 'untestable', ...UNJUDGED };
  }
  const equivalence = runTest(baseSamples, headSamples, 1 - 2 * policy.alpha, prior);
  const inside =
    equivalence.changeLower !== null && equivalence.changeUpper !== null
      ? -comparison.threshold < equivalence.changeLower &&
        equivalence.changeUpper < comparison.threshold
      : false;
  const sees = (level: number): Detectability => ({
    detectable:
      logSpread === null
        ? null
        : runLevelDetectable(logSpread, baseSamples.length, df, level, comparison.direction),
    // More trials of this run do not narrow the stored runs' spread.
    trialsForThreshold: null,
  });
  const role = comparison.metric === WHOLE_RUN_METRIC ? 'whole-run' : 'gated';
  return { comparison, role, inside, sees };
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

/** The verdict of one metric, with the detectable change it rests on; see MetricVerdict. */
function judge(
  { comparison: m, role, inside, sees }: Measured,
  policy: ComparePolicy,
  level: number,
  advice: TrialAdvice,
): MetricComparison {
  if (role === 'untestable') return m;
  // Context metrics are tested on their own (no adjustment) and never gate.
  if (role === 'informational') {
    return { ...m, significant: (m.p ?? 1) < policy.alpha, verdict: 'unchanged' };
  }
  if (role === 'short') {
    const notes = [...m.notes, shortNote(m, advice, policy)];
    return { ...m, verdict: 'unseen', trialsForThreshold: advice.trials, notes };
  }
  // The run as a whole is a family of one: tested at alpha, not adjusted with the metrics.
  const whole = role === 'whole-run';
  const { detectable, trialsForThreshold } = sees(whole ? policy.alpha : level);
  const significant = ((whole ? m.p : m.pAdjusted) ?? 1) < policy.alpha;
  // A move away from a zero baseline (e.g. errors 0 → 2 %) has no relative size: any move counts.
  const beyondThreshold = m.change === null ? m.shift !== 0 : Math.abs(m.change) > m.threshold;
  const direction = Math.sign(worseness(m));
  const judged = { ...m, detectable, trialsForThreshold, significant };
  if (significant && beyondThreshold && direction !== 0) {
    if (whole) return { ...judged, verdict: 'unseen', notes: [...m.notes, WHOLE_RUN_NOTE] };
    return { ...judged, verdict: direction > 0 ? 'regression' : 'improvement' };
  }
  const within =
    significant && direction !== 0
      ? [`significant but within the ${formatPercent(m.threshold)} threshold`]
      : [];
  const seen = inside || (detectable !== null && detectable <= m.threshold);
  if (seen) return { ...judged, verdict: 'unchanged', notes: [...m.notes, ...within] };
  return { ...judged, verdict: 'unseen', notes: [...m.notes, ...within, UNSEEN_NOTE] };
}

/**
 * Why a run that moved as a whole is neither red nor green: history sees the move, not its cause.
 * Failing it would fail every build on a busier runner; passing it would pass a change that slows
 * everything alike.
 */
export const WHOLE_RUN_NOTE =
  "not seen: the run as a whole moved beyond the stored runs' spread, and a slower (or faster) " +
  'machine moves every metric just as a change that slows (or speeds) everything does; the ' +
  'same-run A/B (baseline: interleaved) tells them apart';

/** One wording for every unseen metric, so the report says it once for all of them. */
export const UNSEEN_NOTE =
  'not seen: its interval reaches past the threshold, which these trials cannot see at this noise (column "sees")';

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
