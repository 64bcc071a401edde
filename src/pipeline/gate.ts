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
import { compareResults, type Comparison } from '../compare/compare.js';
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
import { checkRevisionName, resolveRevision, uncommittedChanges } from '../store/worktree.js';
import { plural, shortRevision } from '../text.js';
import { locateBase, measureInterleaved } from './interleaved.js';
import { measure } from './measure.js';

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

/** The head's single run against the stored runs of the branch, run by run. */
export async function gateAgainstHistory(
  results: Results,
  history: HistoryInput,
  policy: Partial<ComparePolicy>,
): Promise<GateOutcome> {
  const { selection, warnings } = await storedRuns(results, history);
  const runs = selection.used.map((entry) => entry.results);
  const base = runs.length > 0 ? runMedians(runs, 'the stored runs') : undefined;
  const comparison = base && compareResults(base, runMedians([results], 'this run'), policy, 'run');
  return {
    results,
    ...(base && comparison ? { base, comparison } : {}),
    baseLabel: historyLabel(history.branch, selection),
    ...(runs[0]?.environment ? { baseEnvironment: runs[0].environment } : {}),
    context: selection.notes,
    warnings,
  };
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
  const outcome = await gateAgainstHistory(results, history, policy);
  const mergeBase = history.mergeBase;
  const context =
    mergeBase && outcome.context.some((n) => n.includes('comes first'))
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
  policy: Partial<ComparePolicy>;
  baseline: BaselineMode;
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
  const plan = await choosePlan(input);
  if ('fallback' in plan) {
    const { results, notes } = await measure(input);
    if (!input.history) {
      throw new InputError(`${plan.fallback}, and there is no stored history to compare with`, {
        field: input.fields.baseline,
      });
    }
    const outcome = await gateAgainstHistory(results, input.history, input.policy);
    const why = plan.fallback ? [`history baseline: ${plan.fallback}`] : [];
    return { ...outcome, context: [...why, ...notes, ...outcome.context] };
  }
  const sequential =
    input.config.sequential && sequentialGate(input.config.sequential, input.policy);
  const run = await measureInterleaved(plan.repo, {
    config: input.config,
    commit: plan.commit,
    env: input.env,
    progress: input.progress,
    revision: input.revision,
    ...(input.seed === undefined ? {} : { seed: input.seed }),
    ...(sequential ? { stopAfterBlock: sequential.stopAfterBlock } : {}),
  });
  const comparison = sequential
    ? sequential.finish(run.base, run.head)
    : compareResults(run.base, run.head, input.policy);
  const { context, warnings } = await historyContext(run.head, input.history, input.policy);
  const trials = Math.max(0, ...comparison.metrics.map((m) => m.head?.n ?? 0));
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
function sequentialGate(trials: SequentialTrials, policy: Partial<ComparePolicy>) {
  const design = { min: trials.min, max: trials.max, futility: trials.futility, block: 2 };
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

type Plan = { repo: string; commit: string } | { fallback: string };

/** Interleaved when the base can be checked out, history otherwise; the reason is reported. */
async function choosePlan(input: PrGateInput): Promise<Plan> {
  if (input.baseline === 'history') return { fallback: '' };
  if (input.against !== undefined) checkRevisionName(input.against, input.fields.against);
  const located = await locateBase(input.config, input.against, input.env, input.knownBase);
  if ('unavailable' in located) {
    // A revision the user named, or a mode that needs one, cannot quietly become a history check.
    if (input.against !== undefined) {
      throw new InputError(
        `${located.unavailable}, so revision '${input.against}' cannot be measured`,
        {
          field: input.fields.against,
        },
      );
    }
    if (input.baseline === 'interleaved') {
      throw new InputError(located.unavailable, { field: `${input.fields.baseline} interleaved` });
    }
    return { fallback: located.unavailable };
  }
  // A revision the user named must exist (exit 2); a default one that cannot be found falls back.
  const field = input.against === undefined ? input.fields.baseline : input.fields.against;
  let commit: string;
  try {
    commit = await resolveRevision(located.repo, located.against, field);
  } catch (error) {
    if (input.against !== undefined || input.baseline === 'interleaved') throw error;
    return { fallback: (error as Error).message };
  }
  if (input.baseline === 'auto' && input.against === undefined) {
    const head = await resolveRevision(located.repo, 'HEAD', field).catch(() => undefined);
    if (head === commit && (await uncommittedChanges(located.repo)) === 0)
      return {
        fallback: `the head is the base revision ${shortRevision(commit)}: nothing to measure beside it`,
      };
  }
  return { repo: located.repo, commit };
}
