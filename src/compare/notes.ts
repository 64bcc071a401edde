/**
 * The comparison's warnings, as data (benchstat's habit): what could not be tested and why, the
 * trials that would test it, metrics that cannot see their threshold, sides from different
 * machines, and conditions that differed between the sides. Pure; compare.ts adds them.
 */
import type { Environment, Results, RunnerConditions } from '../results/schema.js';
import { suiteLabel } from '../results/variant.js';
import type { Summary } from '../stats/describe.js';
import { canReachAlpha, minTrialsFor } from '../stats/minTrials.js';
import type { VariancePrior } from '../stats/moderated.js';
import { plural } from '../text.js';
import type { MetricComparison } from './comparison.js';
import { blindSpotNote, type BlindSpot, type Detectability } from './detectable.js';
import { environmentDifference } from './environment.js';
import type { ComparePolicy } from './policy.js';
import { MIN_STORED_RUNS } from './runLevel.js';
import { WHOLE_RUN_METRIC, type RunModel } from './runModel.js';

/**
 * The trials per side that let a lone regression be flagged once every gating metric measured on
 * both sides is tested (and adjusted) together: the count that works on the first try, not the
 * one that only clears the per-metric bound and then fails the adjustment.
 */
export interface TrialAdvice {
  /** Gating metrics measured on both sides: the family they form once all are testable. */
  family: number;
  trials: number;
}

export function trialAdvice(measured: readonly Measured[], policy: ComparePolicy): TrialAdvice {
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

export function shortNote(m: MetricComparison, advice: TrialAdvice, policy: ComparePolicy): string {
  return `${tooFew(m, policy)}; ${adviceText(advice, policy)}`;
}

/**
 * A comparison in which no gating metric could be tested has no verdict to give: it must not read
 * as a pass. Say so first, with what would make it testable.
 */
export function untestedNotes(
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
export function untestedRunNotes(measured: readonly Measured[]): string[] {
  if (measured.some((m) => m.role === 'gated')) return [];
  const runs = Math.max(0, ...measured.map((m) => m.comparison.base?.n ?? 0));
  return [
    `nothing was tested: ${plural(runs, 'stored run')} of this setup, and a history check needs at ` +
      `least ${MIN_STORED_RUNS} to know the run-to-run spread before it can fail a build; ` +
      'record more runs, or measure the base revision beside the head (baseline: interleaved)',
  ];
}

/**
 * Run by run, what the test leaned on: per suite, the spread its metrics share and how much it
 * weighs, and the run factor taken out, with the one thing history cannot tell apart.
 */
export function runModelNotes(model: RunModel): string[] {
  const spreads = model.spreads.flatMap(({ suite, metrics, prior, own }) => [
    `${suite}: run-to-run spread pooled across ${metrics} metrics (about ` +
      `${percentOf(Math.sqrt(prior.variance))}, worth ${runsOf(prior.df)} runs` +
      aboveNote(prior) +
      "), each metric's own shrunk towards it (compare.runSpread)",
    // A metric left out of the pool is tested on its own few runs: the reviewer should know why.
    ...(own.length > 0
      ? [
          `${suite}: ${own.join(', ')} ${own.length === 1 ? 'keeps its' : 'keep their'} own ` +
            "run-to-run spread, well above what the suite's other metrics share",
        ]
      : []),
  ]);
  const factors = model.factors.map(
    ({ suite, metrics, change, weight }) =>
      `${suite}: as a whole this run was ${wholeChange(change)} (read off ${metrics} metrics, ` +
      `row "${WHOLE_RUN_METRIC}"); ` +
      (weight > 0
        ? `the stored runs share such a factor, and ${percentOf(weight)} of it is taken out of ` +
          'each metric, whose change is then its own (compare.runFactor)'
        : 'the stored runs share no such factor, so none is taken out (compare.runFactor)'),
  );
  return [...spreads, ...factors];
}

const runsOf = (df: number): string => `${+df.toFixed(1)}`;

/** The prior's weight for a spread above it, where less than its own (VariancePrior.dfAbove). */
function aboveNote(prior: VariancePrior): string {
  if (prior.dfAbove === undefined || prior.dfAbove >= prior.df) return '';
  // Too few pooled spreads to bound how they differ: a spread above the pool keeps its own runs.
  if (prior.dfAbove === 0) return ', none for a metric above it';
  return `, ${runsOf(prior.dfAbove)} for a metric above it`;
}

function wholeChange(change: number): string {
  const size = percentOf(Math.abs(change));
  if (size === '0 %') return 'as fast as the stored runs';
  return `${size} ${change > 0 ? 'slower' : 'faster'} than the stored runs`;
}

function percentOf(fraction: number): string {
  return `${+(fraction * 100).toFixed(1)} %`;
}

/** Results from different machines differ for reasons no test can separate from the code's. */
export function environmentNotes(base: Results, head: Results): string[] {
  const runner = [
    ...runnerNotes(base.environment, head.environment),
    ...conditionNotes(base.interleaved?.conditions, head.interleaved?.conditions),
  ];
  if (!base.environment || !head.environment) return runner;
  const differs = environmentDifference(base.environment, head.environment);
  return differs
    ? [
        `the sides ran on different machines (baseline: ${differs.was}; candidate: ${differs.is}): a difference may be the machine's, not the code's`,
        ...runner,
      ]
    : runner;
}

const warningList = (environment: Environment | undefined): string =>
  (environment?.runnerWarnings ?? []).map((w) => `${w.name} ${w.value}`).join(', ');

/**
 * What `perfgate doctor` found on the runner (results' runnerWarnings): known causes of noise, so
 * a reader expects more of it; and, where the sides' runners differed (this run against stored
 * runs that all agree), that the conditions did.
 */
function runnerNotes(base: Environment | undefined, head: Environment | undefined): string[] {
  const [was, is] = [warningList(base), warningList(head)];
  const notes = is
    ? [`runner: ${is}: expect more noise than on a quiet runner; see perfgate doctor`]
    : [];
  if (base?.runnerWarnings !== undefined && was !== is) {
    notes.push(
      `the sides ran under different runner conditions (baseline: ${was || 'none found'}; candidate: ${is || 'none found'})`,
    );
  }
  return notes;
}

/**
 * Within one interleaved run (results' interleaved.conditions): a runner condition seen after
 * some of one side's trial rounds and none of the other's. The sides shared the runner, yet this
 * part of it was not shared, so a difference between them may be the runner's. Seen on both
 * sides, however often, it is noise both shared, which runnerNotes names.
 */
export function conditionNotes(
  base: RunnerConditions | undefined,
  head: RunnerConditions | undefined,
): string[] {
  if (!base || !head) return [];
  const entry = (side: RunnerConditions, name: string) => side.seen.find((w) => w.name === name);
  const names = [...new Set([...head.seen, ...base.seen].map((w) => w.name))];
  const onOneSide = names.flatMap((name) => {
    const [inHead, inBase] = [entry(head, name), entry(base, name)];
    const seen = inHead ?? inBase;
    if (!seen || (inHead && inBase)) return [];
    return [
      `${name} ${seen.value} seen during ${inHead?.trials ?? 0} of ${head.trials} candidate ` +
        `trials, ${inBase?.trials ?? 0} of ${base.trials} baseline trials`,
    ];
  });
  return onOneSide.length > 0
    ? [
        `runner conditions differed between the sides: ${onOneSide.join('; ')}: the difference ` +
          "may be the runner's, not the code's (see perfgate doctor)",
      ]
    : [];
}

/**
 * Adjusting across M metrics multiplies a lone small p by M (BH and Holm alike), so trial counts
 * that pass the per-metric check can still never flag a single regression: say so, with the
 * trials that would.
 */
export function familyNotes(
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
 * One warning for the metrics that were not seen although they could be tested (their "sees"
 * column has each one's detectable change): how many, the worst, and what would see them.
 */
export function blindSpotNotes(
  metrics: readonly MetricComparison[],
  unit: 'trial' | 'run',
): string[] {
  const gated = metrics.filter((m) => !m.informational && m.verdict !== 'insufficient');
  const blind = gated.flatMap((m): BlindSpot[] =>
    m.verdict === 'unseen' && m.detectable !== null && m.base && m.head
      ? [
          {
            label: `${suiteLabel(m.suite, m.variant)} ${m.metric}`,
            n: m.base.n,
            m: m.head.n,
            detectable: m.detectable,
            threshold: m.threshold,
            trialsForThreshold: m.trialsForThreshold,
          },
        ]
      : [],
  );
  return blindSpotNote(blind, gated.length, unit);
}

/**
 * How a metric takes part: in the gate, as context only, not yet (too few trials to ever reach
 * alpha), or not at all (missing on a side, or the sides disagree on its direction). The run
 * factor's row (runModel.ts) is its own family: the run as a whole, tested on its own.
 */
export type Role = 'gated' | 'whole-run' | 'informational' | 'short' | 'untestable';

export interface Measured {
  comparison: MetricComparison;
  role: Role;
  /** The equivalence interval (level 1 − 2 alpha) lies inside ±threshold: seen unchanged. */
  inside: boolean;
  /** What this design detects at a two-sided level (detectable.ts): the "sees" column. */
  sees: (level: number) => Detectability;
}

/** The conditions of the two sides differed (e.g. host load): say so, since it may explain a verdict. */
export function confoundingNotes(metrics: readonly MetricComparison[]): string[] {
  return metrics
    .filter((m) => m.informational && m.significant && m.base && m.head)
    .map(
      (m) =>
        `${m.suite} ${m.metric} differed between the sides (median ${+(m.base as Summary).median.toPrecision(3)} → ` +
        `${+(m.head as Summary).median.toPrecision(3)} ${m.unit}); it is context, never a verdict (it describes ` +
        'the trial conditions, or moves with the load), so check whether it explains the other changes of this suite',
    );
}
