/**
 * Bisection of a regression across commits (issue #27), as Chromium's Pinpoint does it: confirm
 * the regression between a good and a bad commit, then a binary search over the first-parent
 * commits between them, each step a same-run A/B of one commit against the good one answered
 * "same", "different" or "unknown". Pure: the search is a state and the answers it is given;
 * pipeline/bisect.ts measures, benchmarks/bisect.ts simulates, both through this code.
 */
import { matchesGlob } from '../config/glob.js';
import type { Results } from '../results/schema.js';
import { metricKey } from './compare.js';
import type { Comparison, MetricComparison } from './comparison.js';

/**
 * One step's answer. `different`: a confirmed metric regressed again (significant and beyond its
 * threshold, the confirmed direction). `same`: every confirmed metric was seen unchanged.
 * `unknown`: neither, even after sequential trials ran to their maximum. `skipped`: the commit
 * could not be measured (its setup failed, its tree lacks what the config needs), as
 * `git bisect skip`.
 */
export type StepAnswer = 'same' | 'different' | 'unknown' | 'skipped';

/**
 * The metrics a bisection follows: the confirmation's regressions, among the named metrics
 * (globs on `<suite>/<metric>`) when some are named.
 */
export function confirmedRegressions(
  comparison: Comparison,
  named: readonly string[],
): MetricComparison[] {
  return comparison.metrics.filter(
    (m) =>
      m.verdict === 'regression' &&
      (named.length === 0 || named.some((glob) => matchesGlob(m.key, glob))),
  );
}

/** Only the metrics `keep` accepts: a step tests those alone, a family of their own. */
export function onlyMetrics(results: Results, keep: (key: string) => boolean): Results {
  return {
    ...results,
    suites: results.suites.map((suite) => ({
      ...suite,
      metrics: suite.metrics.filter((m) => keep(metricKey(suite.name, suite.variant, m.name))),
    })),
  };
}

/** A step's answer from its comparison, on the metrics the confirmation found regressed. */
export function stepAnswer(comparison: Comparison, followed: readonly string[]): StepAnswer {
  const metrics = comparison.metrics.filter((m) => followed.includes(m.key));
  if (metrics.some((m) => m.verdict === 'regression')) return 'different';
  if (metrics.length === followed.length && metrics.every((m) => m.verdict === 'unchanged')) {
    return 'same';
  }
  return 'unknown';
}

/**
 * The search over commits 0 … size − 1, oldest first: 0 is the good commit, size − 1 the bad one.
 * `good` is the newest commit known the same as good, `bad` the oldest known different.
 */
export interface BisectState {
  size: number;
  good: number;
  bad: number;
  answers: ReadonlyMap<number, StepAnswer>;
}

export function startBisect(size: number): BisectState {
  if (!Number.isInteger(size) || size < 2) throw new RangeError('a bisection needs two commits');
  return { size, good: 0, bad: size - 1, answers: new Map() };
}

/**
 * The commit to measure next: the middle of the open range, or where the middle was unknown or
 * skipped, its nearest untried neighbour (after, then before); null when the range is closed or
 * nothing untried is left in it.
 */
export function nextProbe(state: BisectState): number | null {
  const { good, bad, answers } = state;
  const middle = Math.floor((good + bad) / 2);
  for (let distance = 0; distance < bad - good; distance++) {
    for (const index of [middle + distance, middle - distance]) {
      if (index > good && index < bad && !answers.has(index)) return index;
    }
  }
  return null;
}

export function withAnswer(state: BisectState, index: number, answer: StepAnswer): BisectState {
  const answers = new Map(state.answers).set(index, answer);
  return {
    ...state,
    answers,
    good: answer === 'same' ? Math.max(state.good, index) : state.good,
    bad: answer === 'different' ? Math.min(state.bad, index) : state.bad,
  };
}

/**
 * The whole search: probe, answer, narrow, until the range closes or nothing untried is left.
 * `answerOf` measures (pipeline/bisect.ts) or simulates (benchmarks/bisect.ts) one commit.
 */
export async function search(
  size: number,
  answerOf: (index: number, state: BisectState) => Promise<StepAnswer> | StepAnswer,
): Promise<BisectState> {
  let state = startBisect(size);
  for (let index = nextProbe(state); index !== null; index = nextProbe(state)) {
    state = withAnswer(state, index, await answerOf(index, state));
  }
  return state;
}

/**
 * The first bad commit when the range closed on one; otherwise null, and the commits the answer
 * lies among (the bad one and those between that were unknown or skipped).
 */
export function bisectResult(state: BisectState): { culprit: number | null; among: number[] } {
  if (state.bad - state.good === 1) return { culprit: state.bad, among: [state.bad] };
  const among = [];
  for (let i = state.good + 1; i <= state.bad; i++) among.push(i);
  return { culprit: null, among };
}

/** What a bisection found, as data: pipeline/bisect.ts fills it, report/bisect.ts renders it. */
export interface CommitInfo {
  sha: string;
  subject: string;
  /** Author date, ISO 8601. */
  date: string;
}

/** A followed metric's change in one step, with its interval. */
export interface StepChange {
  metric: string;
  change: number | null;
  lower: number | null;
  upper: number | null;
}

export interface BisectStep {
  commit: CommitInfo;
  /** `confirm` measures bad against good; each `probe` one commit between them against good. */
  kind: 'confirm' | 'probe';
  answer: StepAnswer;
  /** Trials per side the step ran (sequential trials stop once the answer is known). */
  trials: number;
  changes: StepChange[];
  /** Why a commit was skipped. */
  reason?: string;
}

export interface BisectOutcome {
  good: CommitInfo;
  bad: CommitInfo;
  /** First-parent commits after good up to bad, bad included. */
  commits: number;
  /** The metrics the user named (`--metric` globs); empty: every gating metric. */
  named: string[];
  /** The metric keys the search followed: the confirmation's regressions. */
  followed: string[];
  culprit: CommitInfo | null;
  /** The culprit's step: its change against good, as measured at the culprit. */
  step: StepChange[];
  /** Without a culprit, the commits the answer lies among (unknown or skipped between). */
  among: CommitInfo[];
  steps: BisectStep[];
  seconds: number;
}
