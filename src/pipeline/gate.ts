/**
 * The PR gate shared by `perfgate check` and the action's pr and report modes. Two baselines:
 *
 * - interleaved: the base revision measured beside the head in this run (interleaved.ts); the
 *   sides' trials are exchangeable, so trials are compared (Mann-Whitney U, Hodges-Lehmann).
 * - history: the stored runs of the base branch; runs are not exchangeable with each other, so
 *   the unit is the run: this run's medians against the stored runs' medians (runLevel.ts).
 *
 * `auto` takes interleaved whenever the base revision can be checked out, and says why not.
 * With an interleaved baseline the history is still read, as context: a run far outside it says
 * the runner differs from the stored runs, which the same-run comparison is immune to.
 */
import { compareResults, trialsPerSide } from '../compare/compare.js';
import type { Comparison } from '../compare/comparison.js';
import type { ComparePolicy } from '../compare/policy.js';
import { runMedians } from '../compare/runLevel.js';
import {
  lookSchedule,
  sequentialComparison,
  sequentialLook,
  type SequentialLook,
} from '../compare/sequential.js';
import type { BaselineMode, Config, SequentialTrials } from '../config/index.js';
import { InputError } from '../errors.js';
import { formatChange } from '../report/format.js';
import type { Environment, Results } from '../results/schema.js';
import type { Progress } from '../run/progress.js';
import { baselineQuery, selectBaseline, type BaselineSelection } from '../store/baseline.js';
import type { HistoryStore } from '../store/history.js';
import type { Revision } from '../store/revision.js';
import { plural, shortRevision } from '../text.js';
import { BLOCK_ROUNDS } from '../run/plan.js';
import { locateBase } from './base.js';
import { measureInterleaved } from './interleaved.js';
import { measure } from './measure.js';
import { policyIn } from './options.js';

export interface HistoryInput {
  store: HistoryStore;
  /** The branch whose history holds the baseline (the pull request's base). */
  branch: string;
  /** How many stored runs to use at most. */
  window: number;
  mergeBase?: string;
}

export interface GateOutcome {
  /** The head's results (the artifact a fork's commenter reads). */
  results: Results;
  /** Absent when there is nothing to compare with: report the numbers, pass, say how to get one. */
  comparison?: Comparison;
  /** The side the head was compared with, as compared: the base's trials, or stored run medians. */
  base?: Results;
  /** How a report names the base side. */
  baseLabel: string;
  baseEnvironment?: Environment;
  /** Context for the reader: how the baseline was chosen, setup skips, the history check. */
  context: string[];
  /** Unreadable files the store skipped. */
  warnings: string[];
}

/**
 * A run measured elsewhere (a fork's pull request, mode report) against the stored runs of the
 * branch: the policy is the config's, when there is one, under the face's overrides.
 */
export async function historyGate(
  results: Results,
  history: HistoryInput,
  config: Config | undefined,
  overrides: Partial<ComparePolicy>,
): Promise<GateOutcome> {
  return (await compareWithStored(results, history, policyIn(config, overrides))).outcome;
}

/** The head's single run against the stored runs of the branch, run by run. */
async function compareWithStored(
  results: Results,
  history: HistoryInput,
  policy: Partial<ComparePolicy>,
): Promise<{ outcome: GateOutcome; selection: BaselineSelection }> {
  const { selection, warnings } = await storedRuns(results, history);
  const runs = selection.used.map((entry) => entry.results);
  const base = runs.length > 0 ? runMedians(runs, 'the stored runs') : undefined;
  const comparison = base && compareResults(base, runMedians([results], 'this run'), policy, 'run');
  const missing = base
    ? []
    : [`no baseline among the stored runs of ${history.branch}: ${selection.notes.join('; ')}`];
  const outcome = {
    results,
    ...(base && comparison ? { base, comparison } : {}),
    baseLabel: historyLabel(history.branch, selection),
    ...(runs[0]?.environment ? { baseEnvironment: runs[0].environment } : {}),
    context: base ? selection.notes : missing,
    warnings,
  };
  return { outcome, selection };
}

async function storedRuns(
  results: Results,
  history: HistoryInput,
): Promise<{ selection: BaselineSelection; warnings: string[] }> {
  const head = {
    configHash: results.configHash,
    environment: results.environment,
    mergeBase: history.mergeBase,
  };
  // Only the runs the selection can use are read: a history of thousands of runs stays stored.
  const query = baselineQuery(head, history.window);
  const { entries, warnings } = await history.store.list(history.branch, query);
  const selection = selectBaseline(entries, head, history.window);
  return { selection, warnings };
}

/** "main: 8 stored runs (abc1234, def5678, …), compared run by run" for a report's label. */
function historyLabel(branch: string, selection: BaselineSelection): string {
  const commits = selection.used.map((e) => shortRevision(e.results.commit, e.results.createdAt));
  const shown = commits.length > 4 ? [...commits.slice(0, 4), '…'] : commits;
  return `${branch}: ${plural(selection.used.length, 'stored run')} (${shown.join(', ')}), compared run by run`;
}

/**
 * This run against the stored history, as context for a same-run comparison: metrics whose run
 * median lies outside the stored runs' spread say that this runner differs from those runs.
 */
async function historyContext(
  results: Results,
  history: HistoryInput | undefined,
  policy: Partial<ComparePolicy>,
): Promise<{ context: string[]; warnings: string[] }> {
  if (!history) return { context: [], warnings: [] };
  const { outcome, selection } = await compareWithStored(results, history, policy);
  const mergeBase = history.mergeBase;
  const context =
    mergeBase && selection.mergeBaseStored
      ? [`the stored history has a result of the merge base ${shortRevision(mergeBase)}`]
      : [];
  const outside = (outcome.comparison?.metrics ?? []).filter(
    (m) => m.verdict === 'regression' || m.verdict === 'improvement',
  );
  if (outside.length > 0) {
    const shown = outside
      .slice(0, 3)
      .map((m) => `${m.key} ${m.change === null ? '' : formatChange(m.change)}`.trim());
    const more = outside.length > 3 ? ` and ${outside.length - 3} more` : '';
    context.push(
      `this run lies outside the stored runs of ${history.branch} (${shown.join(', ')}${more}): ` +
        'this runner or its load differs from theirs; the same-run comparison is unaffected',
    );
  }
  return { context, warnings: outcome.warnings };
}

export interface PrGateInput {
  config: Config;
  env: NodeJS.ProcessEnv;
  progress: Progress;
  /** What the head's results describe. */
  revision: Revision;
  /** The face's policy options (`--alpha`, input alpha, …): the config's compare section is the rest. */
  overrides: Partial<ComparePolicy>;
  /** The face's baseline option; absent: the config's `baseline`. */
  baseline?: BaselineMode;
  /** The base revision the user named; default: the pull request's merge base. */
  against?: string;
  /** The pull request's base SHA from its event, for a shallow checkout (worktree.ts). */
  knownBase?: string;
  /** How the user names the options, for errors: `--against`, `input baseline-revision`. */
  fields: { against: string; baseline: string };
  history?: HistoryInput;
  seed?: number;
}

/** Measure the head, and the base beside it when the mode allows, and gate. */
export async function prGate(input: PrGateInput): Promise<GateOutcome> {
  const policy = policyIn(input.config, input.overrides);
  const base = await locateBase({ ...input, baseline: input.baseline ?? input.config.baseline });
  if ('fallback' in base) {
    const { results, notes } = await measure(input);
    if (!input.history) {
      throw new InputError(`${base.fallback}, and there is no stored history to compare with`, {
        field: input.fields.baseline,
      });
    }
    const { outcome } = await compareWithStored(results, input.history, policy);
    const why = base.fallback ? [`history baseline: ${base.fallback}`] : [];
    return { ...outcome, context: [...why, ...notes, ...outcome.context] };
  }
  const sequential = input.config.sequential && sequentialGate(input.config.sequential, policy);
  const run = await measureInterleaved({
    config: input.config,
    base,
    env: input.env,
    progress: input.progress,
    revision: input.revision,
    ...(input.seed === undefined ? {} : { seed: input.seed }),
    ...(sequential ? { stopAfterBlock: sequential.stopAfterBlock } : {}),
  });
  const comparison = sequential
    ? sequential.finish(run.base, run.head)
    : compareResults(run.base, run.head, policy);
  const { context, warnings } = await historyContext(run.head, input.history, policy);
  const trials = trialsPerSide(comparison);
  return {
    results: run.head,
    comparison,
    base: run.base,
    baseLabel: `${shortRevision(run.baseCommit)}, measured beside the head in this run`,
    ...(run.base.environment ? { baseEnvironment: run.base.environment } : {}),
    context: [
      `interleaved: base ${shortRevision(run.baseCommit)} and head ran on this runner in ` +
        `seeded ABBA/BAAB blocks, ${plural(trials, 'trial')} each (seed ${run.head.interleaved?.seed})`,
      ...run.notes,
      ...context,
    ],
    warnings,
  };
}

/**
 * Sequential trials (compare/sequential.ts): a look at every planned block, the run stopped once
 * every gating metric is decided or out of reach; `finish` is the comparison of the last look
 * (the maximum's, when the run went that far).
 */
export function sequentialGate(trials: SequentialTrials, policy: Partial<ComparePolicy>) {
  const design = {
    min: trials.min,
    max: trials.max,
    futility: trials.futility,
    block: BLOCK_ROUNDS,
  };
  const planned = new Set(lookSchedule(design));
  let look: SequentialLook | undefined;
  const at = (count: number, base: Results, head: Results) =>
    (look = sequentialLook(
      base,
      head,
      { design, trials: count, ...(look ? { previous: look } : {}) },
      policy,
    ));
  return {
    stopAfterBlock: (count: number, [base, head]: [Results, Results]) =>
      planned.has(count) && at(count, base, head).stop,
    finish: (base: Results, head: Results): Comparison =>
      sequentialComparison(look?.stop ? look : at(design.max, base, head), design),
  };
}
